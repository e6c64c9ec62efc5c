"""Every write of the reports: periods (create, close, reopen) and units' reports (start with
the statistical sections pre-filled, save the text, send, return for correction), through the
transition table of reports.workflow.

Each checks its predicate (reports.permissions; PermissionDenied) and its rules (ValidationError
or TransitionError with a Vietnamese message) and changes nothing when it refuses. Changes are
recorded by django-simple-history with the actor; every report transition also writes a
UnitReportEvent; a return notifies the writers of the unit once the transaction commits."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from clusters.text import nfc
from deadlines.services import notify

from . import permissions as perms
from .html import clean_body, is_filled
from .models import ReportPeriod, UnitReport, UnitReportEvent, UnitReportSection
from .outline import BODY_KEYS, BY_KEY, REQUIRED_KEYS, check_bodies
from .selectors import report_statistics
from .workflow import TransitionError, period_transition, report_transition

P = ReportPeriod.Status
R = UnitReport.Status
MAX_BODY = 20000
MAX_REASON = 2000


def _actor(instance, by):
    instance._history_user = by
    return instance


# --- periods -----------------------------------------------------------------------------------


def _check_period(year, half, deadline):
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    if half not in ReportPeriod.Half.values:
        raise ValidationError({"half": _("Choose the first six months or the whole year.")})
    if not isinstance(deadline, datetime.date):
        raise ValidationError({"deadline": _("Please fill in this field.")})
    if not datetime.date(year, 1, 1) <= deadline <= datetime.date(year + 1, 12, 31):
        raise ValidationError({"deadline": _(
            "The deadline must fall between 01/01/%(year)s and 31/12/%(next)s.") % {
                "year": year, "next": year + 1}})


@transaction.atomic
def period_create(*, year: int, half: str, deadline: datetime.date, by) -> ReportPeriod:
    if not perms.can_manage_periods(by):
        raise PermissionDenied
    _check_period(year, half, deadline)
    if ReportPeriod.objects.filter(year=year, half=half).exists():
        raise ValidationError({"half": _("This report period already exists.")})
    period = ReportPeriod(year=year, half=half, deadline=deadline, created_by=by)
    try:
        with transaction.atomic():
            _actor(period, by).save()
    except IntegrityError:
        raise ValidationError({"half": _("This report period already exists.")}) from None
    return period


def _move_period(period, to, by) -> ReportPeriod:
    if not perms.can_manage_periods(by):
        raise PermissionDenied
    current = ReportPeriod.objects.select_for_update().get(pk=period.pk)
    period_transition(current.status, to)
    current.status = to
    _actor(current, by).save(update_fields=["status"])
    return current


@transaction.atomic
def period_close(*, period: ReportPeriod, by) -> ReportPeriod:
    """No report of the period can be started, edited or sent until it is reopened."""
    return _move_period(period, P.CLOSED, by)


@transaction.atomic
def period_reopen(*, period: ReportPeriod, by) -> ReportPeriod:
    return _move_period(period, P.OPEN, by)


# --- reports -----------------------------------------------------------------------------------


def _event(report, by, action, from_status, to_status, reason=""):
    UnitReportEvent.objects.create(report=report, actor=by, action=action,
                                   from_status=from_status, to_status=to_status, reason=reason)


@transaction.atomic
def report_start(*, period: ReportPeriod, by, organization=None, group=None) -> UnitReport:
    """Creates the draft of a unit's (or a cluster's or bloc's) report with its statistical
    sections pre-filled from the records; returns the existing one if it was started."""
    if (organization is None) == (group is None):
        raise ValidationError(_("Choose the unit or the cluster or bloc the report is of."))
    allowed = (perms.can_write_for_organization(by, organization) and perms.writes_reports(by)
               if organization is not None else perms.can_write_for_group(by, group, period.year))
    if not allowed:
        raise PermissionDenied
    existing = UnitReport.objects.filter(period=period, organization=organization,
                                         group=group).first()
    if existing is not None:
        return existing
    if period.status != P.OPEN:
        raise TransitionError(_("The period is closed: no new report can be started."))
    report = UnitReport(period=period, organization=organization, group=group, created_by=by)
    _actor(report, by).save()
    figures = report_statistics(period, organization=organization, group=group)
    for key in BODY_KEYS:
        section = UnitReportSection(report=report, key=key, body=figures.get(key, ""))
        _actor(section, by).save()
    _event(report, by, "create", "", R.DRAFT)
    return report


def _locked(report, by, check) -> UnitReport:
    """The report locked for the change, or the reason it cannot be made."""
    current = (UnitReport.objects.select_for_update().select_related("period")
               .get(pk=report.pk))
    if check(by, current):
        return current
    allowed = (perms.can_manage_periods(by) if check is perms.can_return_report
               else perms.is_writer(by, current))
    if not allowed:
        raise PermissionDenied
    if current.period.status != P.OPEN:
        raise TransitionError(_("The period is closed: reports can no longer change."))
    raise TransitionError(_("The report is “%(state)s”: this cannot be done now.") % {
        "state": current.get_status_display()})


@transaction.atomic
def report_save(*, report: UnitReport, bodies: dict, by) -> UnitReport:
    """Stores the sanitized text of the sections given (keys of the outline)."""
    check_bodies(bodies, MAX_BODY)
    report = _locked(report, by, perms.can_edit_report)
    existing = {s.key: s for s in report.sections.all()}
    for key, text in bodies.items():
        body = clean_body(nfc(text or ""))
        section = existing.get(key) or UnitReportSection(report=report, key=key)
        if section.pk and section.body == body:
            continue
        section.body = body
        _actor(section, by).save()
    return report


def missing_sections(report: UnitReport) -> list:
    """The required sections still empty, in the outline's order."""
    bodies = dict(report.sections.values_list("key", "body"))
    return [BY_KEY[key] for key in REQUIRED_KEYS if not is_filled(bodies.get(key, ""))]


@transaction.atomic
def report_submit(*, report: UnitReport, by) -> UnitReport:
    """Sends the report (or the corrected report); the first sending decides on time or late
    and is kept. Refuses, naming them, while a required section is empty."""
    report = _locked(report, by, perms.can_submit_report)
    action = report_transition(report.status, R.SUBMITTED)[1]
    missing = missing_sections(report)
    if missing:
        raise ValidationError(_("Fill in these required sections first: %(sections)s.") % {
            "sections": "; ".join(s.full_heading for s in missing)})
    now = timezone.now()
    from_status = report.status
    report.status = R.SUBMITTED
    report.submitted_at, report.submitted_by = now, by
    if report.first_submitted_at is None:
        report.first_submitted_at = now
    _actor(report, by).save()
    _event(report, by, action, from_status, R.SUBMITTED)
    return report


def _writers(report):
    unit = perms.author_unit_id(report)
    roles = perms.WRITER_ROLES if report.organization_id else perms.GROUP_WRITER_ROLES
    return [a.user for a in RoleAssignment.objects.current()
            .filter(organization_id=unit, role__in=roles).select_related("user")]


@transaction.atomic
def report_return(*, report: UnitReport, reason: str, by) -> UnitReport:
    """Returns a sent report for correction with its reason, and notifies its writers."""
    reason = nfc(reason or "").strip()
    report = _locked(report, by, perms.can_return_report)
    report_transition(report.status, R.RETURNED)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning the report.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("At most %(limit)s characters (now %(count)s).") % {
            "limit": MAX_REASON, "count": len(reason)}})
    report.status = R.RETURNED
    report._change_reason = reason[:100]
    _actor(report, by).save()
    _event(report, by, "return", R.SUBMITTED, R.RETURNED, reason)
    notify(users=_writers(report),
           text=_("Your report %(report)s was returned for correction: %(reason)s") % {
               "report": str(report), "reason": reason},
           url=report.get_absolute_url())
    return report
