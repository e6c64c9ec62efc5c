"""Every write to decisions (quyết định khen thưởng), proposals to the competent body (tờ trình),
the recorded decisions of that body, revocation decisions and the base salary.

A decision is drafted, then issued: issuing allocates its number (a yearly sequence per issuer
and symbol, from 01), computes the cash of each item on the decision date, creates one
AwardRecord per item, marks the nominations awarded and their dossiers decided, and tells the
submitting units. Refusals raise PermissionDenied, ValidationError or TransitionError with a
Vietnamese message, and change nothing (one transaction)."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Organization
from clusters.text import clean_text
from deadlines.services import notify

from . import documents, permissions, services
from .models import AwardRecord, AwardType, BaseSalary, Decision, DecisionItem, Dossier, Nomination
from .selectors import RuleBook, RuleSetMissing, rule_parameters
from .selectors_decisions import (
    PROPOSED_LEVELS, base_salary_on, candidate_unit, cash_for,
    nominations_awaiting_external_decision,
    nominations_ready_for_decision,
)
from .services_dossiers import _event, _history_user, _unit_users
from .workflow import DOSSIER_TRANSITIONS, NOMINATION_TRANSITIONS, TransitionError, target

DECISION_FIELDS = ("title", "date", "place", "legal_bases", "body", "recipients", "signer_name",
                   "signer_title", "authority", "authority_title", "issuing_body")
TYPE_ABBREVIATIONS = {Decision.Kind.GRANT: "QĐ", Decision.Kind.REVOCATION: "QĐ",
                      Decision.Kind.PROPOSAL: "TTr"}
CENTRAL_DRAFTING_UNIT = "TCCB"
# Who grants, as the registry writes it ("issued by" of an award record).
ISSUING_LEVELS = {
    AwardType.GrantingLevel.ALLIANCE_CHAIRMAN: "Chủ tịch Liên minh HTX Việt Nam",
    AwardType.GrantingLevel.ALLIANCE_COMMITTEE: "Ban Chấp hành Liên minh HTX Việt Nam",
    AwardType.GrantingLevel.PRIME_MINISTER: "Thủ tướng Chính phủ",
    AwardType.GrantingLevel.STATE_PRESIDENT: "Chủ tịch nước",
}
COMPETENT_BODIES = {
    AwardType.GrantingLevel.PRIME_MINISTER: "Thủ tướng Chính phủ",
    AwardType.GrantingLevel.STATE_PRESIDENT: "Chủ tịch nước",
}
MAX_NUMBER_ATTEMPTS = 5


# --- defaults of a new draft -------------------------------------------------------------------


def issuer_abbreviation(issuer: Organization) -> str:
    """"LMHTXVN" for the Alliance; a provincial alliance's code without hyphens."""
    return issuer.code.replace("-", "").upper()


def default_symbol(issuer: Organization, kind: str) -> str:
    return f"{TYPE_ABBREVIATIONS.get(kind, 'QĐ')}-{issuer_abbreviation(issuer)}"


def drafting_unit(issuer: Organization) -> str:
    return CENTRAL_DRAFTING_UNIT if issuer.is_central else ""


def archive_line(issuer: Organization) -> str:
    unit = drafting_unit(issuer)
    return f"Lưu: VT, {unit}." if unit else "Lưu: VT."


def issuing_level_for(award_type: AwardType, issuer: Organization) -> str:
    """"Chủ tịch Liên minh HTX Việt Nam" by the award's granting level; awards the head of a
    unit grants carry the issuer's head."""
    level = ISSUING_LEVELS.get(award_type.granting_level)
    if level and (issuer.is_central or award_type.granting_level in PROPOSED_LEVELS):
        return level
    return f"Chủ tịch {issuer.short_name or issuer.name}"


def award_phrase(award_type: AwardType) -> str:
    """"danh hiệu “Lao động tiên tiến”" for a title, the form's name for a commendation."""
    if award_type.category == AwardType.Category.EMULATION_TITLE:
        return f"danh hiệu “{award_type.name}”"
    return award_type.name


def place_of(issuer: Organization) -> str:
    """The place written before the date (Decree 30/2020): the province of the issuer's seat,
    without "Tỉnh"/"Thành phố"."""
    if not issuer.province_id:
        return ""
    name = issuer.province.name
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def decision_prefill(*, kind: str, issuer: Organization, cycle=None, record=None,
                     today: datetime.date | None = None) -> dict:
    """Initial values of a new draft: summary, legal bases from the rule set in force (citation
    style of Decree 30/2020), recipients and the usual signing authority."""
    today = today or timezone.localdate()
    try:
        basis = rule_parameters(today).rule_set.legal_basis
    except RuleSetMissing:
        basis = ""
    proposal_line = ("Xét đề nghị của Trưởng Ban Tổ chức cán bộ." if issuer.is_central
                     and kind != Decision.Kind.PROPOSAL else "")
    initial = {
        "place": "Hà Nội" if issuer.is_central else place_of(issuer),
        "legal_bases": documents.legal_bases_from_rule_set(basis, proposal_line=proposal_line),
        "authority": Decision.Authority.DEPUTY, "authority_title": "CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "recipients": "\n".join(["Như Điều 3;", archive_line(issuer)]),
    }
    if kind in (Decision.Kind.GRANT, Decision.Kind.PROPOSAL) and cycle is not None:
        awards = []
        for nomination in nominations_ready_for_decision(cycle, kind=kind):
            if nomination.award_type not in awards:
                awards.append(nomination.award_type)
        if len(awards) == 1:
            what = award_phrase(awards[0])
        else:
            what = "danh hiệu thi đua, hình thức khen thưởng"
        if kind == Decision.Kind.PROPOSAL:
            initial["title"] = f"Về việc đề nghị tặng {what} năm {cycle.year}"
            initial["issuing_body"] = next(
                (COMPETENT_BODIES[a.granting_level] for a in awards
                 if a.granting_level in COMPETENT_BODIES), "Thủ tướng Chính phủ")
            initial["recipients"] = "\n".join(["Như trên;", archive_line(issuer)])
        else:
            initial["title"] = f"Về việc tặng {what} năm {cycle.year}"
            if awards and all(a.granting_level == AwardType.GrantingLevel.ALLIANCE_COMMITTEE
                              for a in awards):
                initial.update(authority=Decision.Authority.COLLECTIVE,
                               authority_title="BAN CHẤP HÀNH", signer_title="CHỦ TỊCH")
    if kind == Decision.Kind.REVOCATION and record is not None:
        initial["title"] = (f"Về việc thu hồi {award_phrase(record.award_type)} đã tặng cho "
                            f"{record.recipient_name}")
    return initial


# --- drafts ------------------------------------------------------------------------------------


def _clean_fields(fields: dict) -> dict:
    data = {name: fields[name] for name in DECISION_FIELDS if name in fields}
    for name in ("title", "place", "signer_name", "signer_title", "authority_title",
                 "issuing_body"):
        if name in data:
            data[name] = clean_text(data[name] or "")
    for name in ("signer_title", "authority_title"):
        if name in data:
            data[name] = documents.upper_vi(data[name])
    for name in ("legal_bases", "body", "recipients"):
        if name in data:
            data[name] = "\n".join(line.rstrip() for line in (data[name] or "").strip()
                                   .splitlines())
    if "authority" in data:
        data["authority"] = data["authority"] or ""
    return data


def _check_draft(decision: Decision) -> None:
    """What a draft must have: a summary; the signer's title when KT./TM./TL./TUQ. is used; no
    date in the future."""
    errors = {}
    if not decision.title:
        errors["title"] = _("Please enter the summary.")
    if decision.authority and not decision.authority_title:
        errors["authority_title"] = _(
            "With %(authority)s, enter the title signed for (for example the chairman’s).") % {
            "authority": decision.authority}
    if decision.date and decision.date > timezone.localdate():
        errors["date"] = _("The decision date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    decision.full_clean(exclude=["signer_name", "signer_title", "legal_bases", "number", "place",
                                 "issuer", "cycle", "created_by", "revoked_record"],
                        validate_unique=False, validate_constraints=False)


def _nomination_problem(nomination: Nomination) -> str:
    if (nomination.status == Nomination.Status.AGREED
            and nomination.award_type.council_vote_required):
        return _("%(name)s (%(award)s) cannot be decided yet: the council has not approved "
                 "the nomination.") % {"name": nomination.candidate_name,
                                       "award": nomination.award_type.name}
    if nomination.status not in (Nomination.Status.AGREED, Nomination.Status.PASSED):
        return _("%(name)s (%(award)s) cannot be decided: the nomination is “%(status)s”, not "
                 "agreed by the appraisal.") % {
            "name": nomination.candidate_name, "award": nomination.award_type.name,
            "status": nomination.get_status_display()}
    return _("%(name)s (%(award)s) cannot be listed in this decision.") % {
        "name": nomination.candidate_name, "award": nomination.award_type.name}


def _check_nominations(decision: Decision, nominations, *, proposal: Decision | None = None):
    """The nominations a decision may list, in order; ValidationError naming the others."""
    nominations = list(nominations)
    if decision.kind == Decision.Kind.EXTERNAL:
        ready = nominations_awaiting_external_decision(proposal)
    else:
        ready = nominations_ready_for_decision(decision.cycle, kind=decision.kind,
                                               decision=decision)
    ready_ids = set(ready.values_list("pk", flat=True))
    problems = [_nomination_problem(n) for n in nominations if n.pk not in ready_ids]
    if problems:
        raise ValidationError({"nominations": problems})
    return nominations


def _set_items(decision: Decision, nominations) -> None:
    decision.items.all().delete()
    book = RuleBook()
    salary = base_salary_on(decision.date)
    DecisionItem.objects.bulk_create([
        DecisionItem(decision=decision, nomination=n, position=i,
                     **_cash_fields(n.award_type, decision.date, book, salary))
        for i, n in enumerate(nominations, start=1)])


def _cash_fields(award_type, day, book, salary) -> dict:
    cash = cash_for(award_type, day, book=book, salary=salary)
    return {"multiplier": cash.multiplier, "amount": cash.amount}


def _require_issuer(by, issuer) -> None:
    if not permissions.can_issue_decisions_for(by, issuer):
        raise PermissionDenied


@transaction.atomic
def decision_create(*, kind: str, by, cycle=None, issuer: Organization | None = None,
                    nominations=(), record: AwardRecord | None = None, **fields) -> Decision:
    """Draft a decision (kind GRANT), a proposal (PROPOSAL) of `cycle`, or a revocation
    (REVOCATION) of `record`; `nominations` are those it confers or proposes."""
    if kind == Decision.Kind.EXTERNAL:
        raise ValueError("record the competent body's decision with external_decision_record")
    if kind == Decision.Kind.REVOCATION:
        if record is None:
            raise ValidationError(_("Choose the award to revoke."))
        if record.revoked:
            raise ValidationError(_("This award has already been revoked."))
        if issuer is None:
            raise ValidationError(_("Choose the issuing body."))
        cycle = None
    else:
        if cycle is None:
            raise ValidationError(_("Choose the award cycle."))
        issuer = cycle.organizer
    _require_issuer(by, issuer)
    data = _clean_fields(fields)
    decision = Decision(kind=kind, issuer=issuer, cycle=cycle, created_by=by,
                        symbol=default_symbol(issuer, kind), revoked_record=record,
                        year=(data.get("date") or timezone.localdate()).year, **data)
    if kind == Decision.Kind.REVOCATION and not decision.body:
        raise ValidationError({"body": _("Please give the reason for the revocation.")})
    _check_draft(decision)
    if kind != Decision.Kind.REVOCATION:
        nominations = _check_nominations(decision, nominations)
    _history_user(decision, by).save()
    if kind != Decision.Kind.REVOCATION:
        _set_items(decision, nominations)
    return decision


@transaction.atomic
def decision_update(*, decision: Decision, by, nominations=None, **fields) -> Decision:
    """Change a draft; `nominations` (when given) replaces its list."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _require_issuer(by, decision.issuer)
    if decision.status != Decision.Status.DRAFT:
        raise TransitionError(_("An issued decision cannot be changed."))
    for name, value in _clean_fields(fields).items():
        setattr(decision, name, value)
    decision.year = (decision.date or timezone.localdate()).year
    if decision.kind == Decision.Kind.REVOCATION and not decision.body:
        raise ValidationError({"body": _("Please give the reason for the revocation.")})
    _check_draft(decision)
    if nominations is not None and decision.kind != Decision.Kind.REVOCATION:
        nominations = _check_nominations(decision, nominations)
    _history_user(decision, by).save()
    if nominations is not None and decision.kind != Decision.Kind.REVOCATION:
        _set_items(decision, nominations)
    elif decision.kind != Decision.Kind.REVOCATION:
        _refresh_cash(decision)
    return decision


def _refresh_cash(decision: Decision) -> list[DecisionItem]:
    """Recompute every item's multiple and amount on the decision date."""
    items = list(decision.items.select_related("nomination__award_type"))
    book, salary = RuleBook(), base_salary_on(decision.date)
    for item in items:
        for name, value in _cash_fields(item.nomination.award_type, decision.date, book,
                                        salary).items():
            setattr(item, name, value)
    DecisionItem.objects.bulk_update(items, ["multiplier", "amount"])
    return items


@transaction.atomic
def decision_delete(*, decision: Decision, by) -> None:
    """Delete a draft decision, proposal or revocation; issued ones stay for ever.

    Allowed to whoever may edit the draft (the issuer's appraisers and administrators). The
    draft's history gets a last row naming who deleted it and how many nominations it listed;
    those nominations are free again for another decision (nominations_ready_for_decision)."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _require_issuer(by, decision.issuer)
    if decision.status != Decision.Status.DRAFT:
        raise TransitionError(_("An issued decision cannot be deleted."))
    count = decision.items.count()
    decision.items.all().delete()
    decision._change_reason = _("Draft deleted (%(count)s nominations listed)") % {
        "count": count}
    _history_user(decision, by).delete()


# --- issuing -----------------------------------------------------------------------------------


def _check_ready_to_issue(decision: Decision) -> None:
    errors = {}
    if not decision.signer_name:
        errors["signer_name"] = _("Please enter who signs the decision.")
    if not decision.signer_title:
        errors["signer_title"] = _("Please enter the title of the signer.")
    if decision.date is None:
        errors["date"] = _("Please enter the decision date.")
    elif decision.date > timezone.localdate():
        errors["date"] = _("The decision date cannot be in the future.")
    if decision.kind != Decision.Kind.EXTERNAL and not decision.legal_bases.strip():
        errors["legal_bases"] = _("Please enter the legal bases.")
    if decision.kind != Decision.Kind.EXTERNAL and not decision.place:
        errors["place"] = _("Please enter the place of issue.")
    # The registry of legal documents (emulation.LegalDocument) says what was in force on the
    # decision date; a text it does not know is not judged.
    from emulation.citations import check_citations

    stale = check_citations(decision.legal_bases, decision.date) if decision.date else []
    if stale and "legal_bases" not in errors:
        errors["legal_bases"] = " ".join(flag.message for flag in stale)
    if errors:
        raise ValidationError(errors)


def _next_number(issuer_id: int, year: int, symbol: str) -> int:
    last = (Decision.objects.filter(issuer_id=issuer_id, year=year, symbol=symbol,
                                    number__isnull=False).aggregate(m=Max("number"))["m"])
    return (last or 0) + 1


def _allocate_number(decision: Decision) -> None:
    """The next number of the issuer, year and symbol. The issuer's row is locked for the rest
    of the transaction (PostgreSQL), so two clerks issuing at once wait for each other; the
    unique constraint is the last guard, and a clash takes the following number."""
    list(Organization.objects.select_for_update().filter(pk=decision.issuer_id)
         .values_list("pk", flat=True))
    decision.year = decision.date.year
    for _attempt in range(MAX_NUMBER_ATTEMPTS):
        decision.number = _next_number(decision.issuer_id, decision.year, decision.symbol)
        try:
            with transaction.atomic():
                Decision.objects.filter(pk=decision.pk).update(number=decision.number,
                                                              year=decision.year)
            return
        except IntegrityError:
            continue
    raise TransitionError(_("No free number could be allocated; please try again."))


def _locked_items(decision: Decision) -> list[DecisionItem]:
    items = list(decision.items.select_related(
        "nomination__person__organization", "nomination__organization",
        "nomination__award_type", "nomination__dossier__cycle", "nomination__dossier__organization")
        .order_by("position", "id"))
    ids = [item.nomination_id for item in items]
    # Lock the nominations: two decisions cannot confer the same one.
    list(Nomination.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    fresh = {n.pk: n.status for n in Nomination.objects.filter(pk__in=ids)}
    for item in items:
        item.nomination.status = fresh[item.nomination_id]
    return items


@transaction.atomic
def decision_issue(*, decision: Decision, by) -> Decision:
    """Issue a draft decision, proposal or revocation: number, cash, award records (decisions),
    revoked record (revocations). Nothing changes when a check fails."""
    decision = (Decision.objects.select_for_update(of=("self",)).select_related("issuer", "cycle")
                .get(pk=decision.pk))
    _require_issuer(by, decision.issuer)
    if decision.status != Decision.Status.DRAFT:
        raise TransitionError(_("This decision has already been issued."))
    _check_ready_to_issue(decision)
    items = []
    if decision.kind in (Decision.Kind.GRANT, Decision.Kind.PROPOSAL):
        items = _locked_items(decision)
        if not items:
            raise TransitionError(_("The decision lists no nomination: choose at least one."))
        try:
            _check_nominations(decision, [item.nomination for item in items])
        except ValidationError as error:
            raise TransitionError(_("Some nominations cannot be decided."),
                                  error.message_dict.get("nominations", []))
        _refresh_cash(decision)
        items = list(decision.items.select_related(
            "nomination__person__organization", "nomination__organization",
            "nomination__award_type", "nomination__dossier__cycle",
            "nomination__dossier__organization").order_by("position", "id"))
    elif decision.kind == Decision.Kind.REVOCATION:
        record = decision.revoked_record
        if record is None or AwardRecord.objects.filter(pk=record.pk, revoked=True).exists():
            raise TransitionError(_("This award has already been revoked."))
    _allocate_number(decision)
    decision.status = Decision.Status.ISSUED
    decision.issued_by, decision.issued_at = by, timezone.now()
    _history_user(decision, by).save()
    if decision.kind == Decision.Kind.GRANT:
        _confer(decision, items, by)
    elif decision.kind == Decision.Kind.REVOCATION:
        services.award_record_revoke(record=decision.revoked_record,
                                     decision_number=decision.number_and_symbol,
                                     revocation_date=decision.date, reason=decision.body, by=by)
    return decision


def _confer(decision: Decision, items: list[DecisionItem], by) -> list[AwardRecord]:
    """One award record per item; the nominations awarded, their dossiers decided when every
    nomination is; the submitting units told."""
    records, dossiers = [], {}
    number = decision.number_and_symbol
    reason = _("Decision %(number)s of %(date)s") % {
        "number": number, "date": decision.date.strftime("%d/%m/%Y")}
    for item in items:
        nomination = item.nomination
        cycle = nomination.dossier.cycle
        record = services.award_record_create(
            award_type=nomination.award_type, achievement_year=cycle.year,
            decision_number=number, decision_date=decision.date,
            person=nomination.person, organization=nomination.organization,
            organization_at_award=candidate_unit(nomination) if nomination.person_id else None,
            kind=cycle.kind,
            issuing_level=(decision.issuing_body if decision.kind == Decision.Kind.EXTERNAL
                           and decision.issuing_body else
                           issuing_level_for(nomination.award_type, decision.issuer)),
            by=by)
        to = target(NOMINATION_TRANSITIONS, "award", nomination.status)
        before = nomination.status
        nomination.status, nomination.award_record = to, record
        _history_user(nomination, by).save(update_fields=["status", "award_record"])
        _event(nomination.dossier, by, "award", nomination=nomination, from_status=before,
               to_status=to, reason=reason)
        records.append(record)
        dossiers.setdefault(nomination.dossier_id, [nomination.dossier, 0])[1] += 1
        # The cooperative's own nomination, forwarded by its alliance, is awarded too, so the
        # cooperative sees the outcome in its dossier and is told.
        source = nomination.source
        while source is not None and source.status == Nomination.Status.FORWARDED:
            before = source.status
            source.status = target(NOMINATION_TRANSITIONS, "award", before)
            _history_user(source, by).save(update_fields=["status"])
            _event(source.dossier, by, "award", nomination=source, from_status=before,
                   to_status=source.status, reason=reason)
            dossiers.setdefault(source.dossier_id, [source.dossier, 0])[1] += 1
            source = source.source
    url = reverse("awards:decision_detail", args=[decision.pk])
    for dossier, count in dossiers.values():
        _decide_dossier_if_complete(dossier, by)
        notify(users=_unit_users(dossier),
               text=_("Decision %(number)s awards %(count)s nomination(s) of your dossier for "
                      "“%(cycle)s”.") % {"number": number, "count": count,
                                         "cycle": dossier.cycle.title},
               url=url)
    return records


def _decide_dossier_if_complete(dossier: Dossier, by) -> None:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    open_ = (dossier.nominations.exclude(status__in=[Nomination.Status.WITHDRAWN,
                                                     Nomination.Status.AWARDED,
                                                     Nomination.Status.NOT_AWARDED,
                                                     Nomination.Status.REJECTED]))
    if open_.exists() or dossier.status == Dossier.Status.DECIDED:
        return
    if dossier.status == Dossier.Status.SUBMITTED:
        # Every nomination has its outcome: the appraisal is complete too.
        to = target(DOSSIER_TRANSITIONS, "appraise", dossier.status)
        before, dossier.status = dossier.status, to
        _history_user(dossier, by).save()
        _event(dossier, by, "appraise", from_status=before, to_status=to)
    if dossier.status != Dossier.Status.APPRAISED:
        return
    to = target(DOSSIER_TRANSITIONS, "decide", dossier.status)
    before, dossier.status = dossier.status, to
    _history_user(dossier, by).save()
    _event(dossier, by, "decide", from_status=before, to_status=to)


# --- the competent body's decision on a proposal -----------------------------------------------


@transaction.atomic
def external_decision_record(*, proposal: Decision, nominations, external_number: str,
                             date: datetime.date, issuing_body: str, title: str,
                             signer_name: str, signer_title: str = "", by) -> Decision:
    """Record the decision of the Prime Minister or the President on an issued proposal: it
    creates the award records, like issuing a decision of the Alliance."""
    proposal = Decision.objects.select_related("issuer", "cycle").get(pk=proposal.pk)
    _require_issuer(by, proposal.issuer)
    if proposal.kind != Decision.Kind.PROPOSAL or proposal.status != Decision.Status.ISSUED:
        raise TransitionError(_("Only an issued proposal can receive the competent body's "
                                "decision."))
    external_number = clean_text(external_number or "").upper()
    errors = {}
    if not external_number or "/" not in external_number:
        errors["external_number"] = _("Enter the number and symbol as written on the decision, for example 123/QD-TTg.")
    if not clean_text(issuing_body or ""):
        errors["issuing_body"] = _("Please enter the issuing body.")
    if errors:
        raise ValidationError(errors)
    decision = Decision(kind=Decision.Kind.EXTERNAL, issuer=proposal.issuer, cycle=proposal.cycle,
                        created_by=by, symbol=external_number.split("/", 1)[1][:40],
                        external_number=external_number, year=(date or timezone.localdate()).year,
                        legal_bases=proposal.legal_bases,
                        **_clean_fields({"date": date, "issuing_body": issuing_body,
                                         "title": title, "signer_name": signer_name,
                                         "signer_title": signer_title, "place": ""}))
    _check_draft(decision)
    _check_ready_to_issue(decision)
    nominations = list(nominations)
    if not nominations:
        raise TransitionError(_("The decision lists no nomination: choose at least one."))
    _check_nominations(decision, nominations, proposal=proposal)
    if Decision.objects.filter(kind=Decision.Kind.EXTERNAL,
                               external_number=external_number).exists():
        raise ValidationError({"external_number": _(
            "This decision of the competent body is already recorded.")})
    decision.status = Decision.Status.ISSUED
    decision.issued_by, decision.issued_at = by, timezone.now()
    _history_user(decision, by).save()
    _set_items(decision, nominations)
    items = list(decision.items.select_related(
        "nomination__person__organization", "nomination__organization",
        "nomination__award_type", "nomination__dossier__cycle",
        "nomination__dossier__organization").order_by("position", "id"))
    _confer(decision, items, by)
    return decision


# --- revocation --------------------------------------------------------------------------------


def revocation_issuer(user, record: AwardRecord) -> Organization:
    """The body that revokes: the issuer of the decision that conferred the award when it is
    in the system, otherwise the user's own body (the Alliance for central roles)."""
    from accounts.scoping import active_role, sees_everything

    nomination = Nomination.objects.filter(award_record=record).first()
    if nomination is not None:
        item = (DecisionItem.objects.filter(nomination=nomination,
                                            decision__status=Decision.Status.ISSUED,
                                            decision__kind__in=[Decision.Kind.GRANT,
                                                                Decision.Kind.EXTERNAL])
                .select_related("decision__issuer").first())
        if item is not None:
            return item.decision.issuer
    role = active_role(user)
    if sees_everything(user):
        return Organization.objects.filter(kind=Organization.Kind.VCA_CENTRAL).first()
    return role.organization if role else None


def revocation_create(*, record: AwardRecord, by, reason: str, **fields) -> Decision:
    issuer = revocation_issuer(by, record)
    return decision_create(kind=Decision.Kind.REVOCATION, issuer=issuer, record=record,
                           body=reason, by=by, **fields)


# --- the signed and stamped copy ---------------------------------------------------------------


@transaction.atomic
def decision_upload_scan(*, decision: Decision, upload, by) -> Decision:
    """Attach the signed and stamped PDF; it becomes the version shown and downloaded."""
    from .uploads import check_upload

    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not permissions.can_upload_decision_scan(by, decision):
        raise PermissionDenied
    checked = check_upload(upload)
    if checked.content_type != "application/pdf":
        raise ValidationError({"file": _("Only a PDF file is accepted for the signed copy.")})
    old = decision.scanned_copy.name if decision.scanned_copy else ""
    decision.scanned_copy.save(f"{uuid.uuid4().hex}.pdf", upload, save=False)
    _history_user(decision, by).save()
    if old:
        transaction.on_commit(lambda: decision.scanned_copy.storage.delete(old))
    return decision


# --- base salary -------------------------------------------------------------------------------


@transaction.atomic
def base_salary_create(*, amount: int, valid_from: datetime.date, legal_basis: str,
                       by) -> BaseSalary:
    if not permissions.can_manage_base_salary(by):
        raise PermissionDenied
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("Enter an amount greater than zero.")
    if BaseSalary.objects.filter(valid_from=valid_from).exists():
        errors["valid_from"] = _("A base salary already starts on this day.")
    legal_basis = clean_text(legal_basis or "")
    if not legal_basis:
        errors["legal_basis"] = _("Please enter the legal basis.")
    if errors:
        raise ValidationError(errors)
    salary = BaseSalary(amount=amount, valid_from=valid_from, legal_basis=legal_basis)
    _history_user(salary, by).full_clean()
    salary.save()
    return salary
