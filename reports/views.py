"""Pages of the reports: the periods and their on-time dashboard (central roles), a unit's
reports, and one report: read, write, send, return. Thin: look up in scope (404 for a report
the user may not read; 403 for an action the role may not take), bind a form, call one
service of reports.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import active_role
from clusters.models import EmulationGroup, Organization
from clusters.views import apply_service_errors

from . import permissions as perms
from . import selectors, services
from .forms import PeriodForm, ReportForm, ReturnForm, StartForm
from .html import to_plain
from .models import ReportPeriod
from .outline import OUTLINE
from .workflow import EVENT_LABELS, PERIOD_TRANSITIONS, REPORT_TRANSITIONS, period_transition


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _refused(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


# --- periods -----------------------------------------------------------------------------------


@login_required
def period_list(request):
    _require(perms.can_view_periods(request.user))
    return render(request, "reports/period_list.html", {
        "periods": list(selectors.period_list()),
        "can_manage": perms.can_manage_periods(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request):
    _require(perms.can_manage_periods(request.user))
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report period has been created."))
            return redirect(period)
    return render(request, "reports/period_form.html", {"form": form})


@login_required
def period_detail(request, pk):
    _require(perms.can_view_periods(request.user))
    period = selectors.get_period(pk)
    to = next(end for (start, end) in PERIOD_TRANSITIONS if start == period.status)
    return render(request, "reports/period_detail.html", {
        "period": period, **selectors.period_dashboard(period),
        "can_manage": perms.can_manage_periods(request.user),
        "next_label": PERIOD_TRANSITIONS[(period.status, to)][2]})


def _period_step(request, pk, to):
    _require(perms.can_manage_periods(request.user))
    period = selectors.get_period(pk)
    try:
        name, _action, label = period_transition(period.status, to)
        if request.method == "GET":
            return render(request, "reports/confirm.html", {
                "period": period, "label": label, "back": period.get_absolute_url()})
        getattr(services, name)(period=period, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": label})
    return redirect(period)


@login_required
@require_http_methods(["GET", "POST"])
def period_close(request, pk):
    return _period_step(request, pk, ReportPeriod.Status.CLOSED)


@login_required
@require_http_methods(["GET", "POST"])
def period_reopen(request, pk):
    return _period_step(request, pk, ReportPeriod.Status.OPEN)


# --- a unit's reports --------------------------------------------------------------------------


@login_required
def report_list(request):
    rows = selectors.unit_reports(request.user)
    members = selectors.member_reports(request.user)
    _require(bool(rows or members) or perms.writes_reports(request.user))
    return render(request, "reports/report_list.html", {"rows": rows, "members": members})


def _author_choices(user, period):
    """The authors the user may start a report for in this period, as form choices."""
    role = active_role(user)
    choices = []
    if role and perms.writes_reports(user) and perms.can_write_for_organization(
            user, role.organization):
        choices.append((f"org:{role.organization_id}", role.organization.name))
    for group in EmulationGroup.objects.filter(
            leaderships__organization_id=role.organization_id if role else None,
            leaderships__year=period.year, leaderships__role="leader"):
        if perms.can_write_for_group(user, group, period.year):
            choices.append((f"group:{group.pk}", group.name))
    return choices


@login_required
@require_POST
def report_start(request, pk):
    period = selectors.get_period(pk)
    choices = _author_choices(request.user, period)
    _require(bool(choices))
    form = StartForm(request.POST, choices=choices)
    if not form.is_valid():
        _refused(request, ValidationError(form.errors["author"]))
        return redirect("reports:report_list")
    kind, _sep, ident = form.cleaned_data["author"].partition(":")
    target = ({"organization": Organization.objects.get(pk=ident)} if kind == "org"
              else {"group": EmulationGroup.objects.get(pk=ident)})
    try:
        report = services.report_start(period=period, by=request.user, **target)
    except ValidationError as error:
        _refused(request, error)
        return redirect("reports:report_list")
    return redirect("reports:report_edit", pk=report.pk)


# --- one report --------------------------------------------------------------------------------


@login_required
def report_detail(request, pk):
    report = selectors.get_report_for_user(request.user, pk)
    can_edit = perms.can_edit_report(request.user, report)
    return render(request, "reports/report_detail.html", {
        "report": report, "sections": selectors.report_sections(report),
        "state": selectors.STATE_LABELS[selectors.report_state(report)],
        "events": selectors.report_events(report), "event_labels": EVENT_LABELS,
        "can_edit": can_edit,
        "missing": services.missing_sections(report) if can_edit else [],
        "can_return": perms.can_return_report(request.user, report)})


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = selectors.get_report_for_user(request.user, pk)
    _require(perms.can_edit_report(request.user, report))
    initial = {section.key: to_plain(body) for section, body in
               selectors.report_sections(report) if section.has_body}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save(report=report, bodies=form.cleaned_data, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report has been saved."))
            return redirect(report)
    items = [(s, form[s.key] if s.has_body else None) for s in OUTLINE]
    return render(request, "reports/report_edit.html", {"report": report, "form": form,
                                                        "items": items})


@login_required
@require_http_methods(["GET", "POST"])
def report_submit(request, pk):
    """GET: what sending needs (the missing sections, if any); POST: send."""
    report = selectors.get_report_for_user(request.user, pk)
    _require(perms.can_submit_report(request.user, report))
    label = REPORT_TRANSITIONS[(report.status, "submitted")][2]
    if request.method == "GET":
        return render(request, "reports/report_submit.html", {
            "report": report, "label": label, "missing": services.missing_sections(report)})
    try:
        services.report_submit(report=report, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("reports:report_submit", pk=report.pk)
    messages.success(request, _("The report has been sent."))
    return redirect(report)


@login_required
@require_http_methods(["GET", "POST"])
def report_return(request, pk):
    report = selectors.get_report_for_user(request.user, pk)
    _require(perms.can_return_report(request.user, report))
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_return(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report has been returned to the unit."))
            return redirect(report)
    return render(request, "reports/report_return.html", {"report": report, "form": form})
