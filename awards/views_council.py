"""Pages of the council: councils with their terms and members; meetings with their agenda,
attendance, the opening and closing of the vote, written opinions, the results and the receipt
check. Thin: find the object through awards.selectors_council (404 outside the user's reach),
authorize with awards.permissions (403), bind a form, call one service, render.

The ballot itself (awards:meeting_ballot) and the minutes are other modules' pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.scoping import visible_organizations
from clusters.models import Organization
from clusters.views import apply_service_errors, paginate

from . import permissions, services_council
from .eligibility import Verdict
from .forms_council import (
    AgendaAddForm, AgendaFilterForm, AttendanceForm, CouncilForm, MeetingForm, MemberForm,
    ReceiptCheckForm, TermForm, WrittenOpinionForm,
)
from .models import AwardCycle, Council, CouncilMember, CouncilTerm
from .models.council import Attendance, BallotParticipation
from .selectors import RuleSetMissing, rule_parameters
from .selectors_council import (
    agenda, attendance_sheet, council_terms, councils_for, get_agenda_item_for_user,
    get_council_for_user, get_meeting_for_user, has_voted, meetings_for, my_recusals,
    published_receipts,
)
from .selectors_council import meeting_results as select_results
from .workflow import TransitionError

FORM = "awards/council/form.html"
AGENDA_PAGE = 50
UNIT_KINDS = [Organization.Kind.VCA_CENTRAL, Organization.Kind.DEPARTMENT,
              Organization.Kind.PUBLIC_UNIT, Organization.Kind.ENTERPRISE,
              Organization.Kind.PROVINCIAL_ALLIANCE]


def _posted(request):
    """The POST data, bound even when empty (an empty agenda choice is an error to show)."""
    return request.POST if request.method == "POST" else None


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _refused(request, error):
    """A service's refusal that names no field of a form: shown as a message."""
    if isinstance(error, TransitionError):
        messages.error(request, " ".join([str(error.message), *map(str, error.problems)]))
    else:
        messages.error(request, " ".join(error.messages))


def _form_page(request, form, *, title, council=None, meeting=None, cancel_url, intro=""):
    return render(request, FORM, {"form": form, "title": title, "council": council,
                                  "meeting": meeting, "cancel_url": cancel_url, "intro": intro})


# --- councils ----------------------------------------------------------------------------------


def _manageable_organizations(user):
    """The central body and the provincial alliances whose council the user may set up."""
    organizations = visible_organizations(user).filter(
        kind__in=[Organization.Kind.VCA_CENTRAL, Organization.Kind.PROVINCIAL_ALLIANCE],
        merged_into__isnull=True)
    allowed = [o.pk for o in organizations
               if permissions.can_manage_council(user, Council(organization=o))]
    return Organization.objects.filter(pk__in=allowed)


@login_required
def council_list(request):
    councils = councils_for(request.user).annotate(
        term_count=Count("terms", distinct=True)).order_by("organization__sort_key", "name")
    return render(request, "awards/council/council_list.html", {
        "page": paginate(request, councils),
        "can_create": _manageable_organizations(request.user).exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def council_create(request):
    organizations = _manageable_organizations(request.user)
    _require(organizations.exists())
    form = CouncilForm(_posted(request), organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            council = services_council.council_create(
                organization=form.cleaned_data["organization"], name=form.cleaned_data["name"],
                by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The council has been created. Add its first term."))
            return redirect(council.get_absolute_url())
    return _form_page(request, form, title=_("New council"),
                      cancel_url=reverse("awards:council_list"))


@login_required
def council_detail(request, pk):
    council = get_council_for_user(request.user, pk)
    can_prepare = permissions.can_prepare_meetings(request.user, council)
    return render(request, "awards/council/council_detail.html", {
        "council": council, "terms": council_terms(council),
        "can_manage": permissions.can_manage_council(request.user, council),
        "can_prepare": can_prepare,
        "meetings": (council.meetings.select_related("chair").order_by("-date", "-id")[:10]
                     if can_prepare else []),
    })


@login_required
@require_http_methods(["GET", "POST"])
def council_edit(request, pk):
    council = get_council_for_user(request.user, pk)
    _require(permissions.can_manage_council(request.user, council))
    form = CouncilForm(_posted(request),
                       initial={"name": council.name, "is_active": council.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services_council.council_update(council=council, by=request.user,
                                            **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(council.get_absolute_url())
    return _form_page(request, form, title=_("Edit the council"), council=council,
                      cancel_url=council.get_absolute_url())


# --- terms and members -------------------------------------------------------------------------


def _term_for_user(user, pk) -> CouncilTerm:
    term = CouncilTerm.objects.filter(pk=pk).first()
    if term is None:
        raise Http404
    term.council = get_council_for_user(user, term.council_id)
    return term


def _save_term(request, form, council, term=None):
    try:
        return services_council.term_save(council=council, by=request.user, term=term,
                                          **form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def term_create(request, pk):
    council = get_council_for_user(request.user, pk)
    _require(permissions.can_manage_council(request.user, council))
    form = TermForm(_posted(request))
    if request.method == "POST" and form.is_valid() and _save_term(request, form, council):
        messages.success(request, _("The term has been saved."))
        return redirect(council.get_absolute_url())
    return _form_page(request, form, title=_("New term"), council=council,
                      cancel_url=council.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def term_edit(request, pk):
    term = _term_for_user(request.user, pk)
    council = term.council
    _require(permissions.can_manage_council(request.user, council))
    form = TermForm(_posted(request), initial={
        "name": term.name, "start_date": term.start_date, "end_date": term.end_date,
        "basis": term.basis})
    if request.method == "POST" and form.is_valid() and _save_term(request, form, council, term):
        messages.success(request, _("The term has been saved."))
        return redirect(council.get_absolute_url())
    return _form_page(request, form, title=_("Edit the term"), council=council,
                      cancel_url=council.get_absolute_url())


def _member_units(council, member=None):
    units = Organization.objects.filter(path__startswith=council.organization.path,
                                        kind__in=UNIT_KINDS, merged_into__isnull=True)
    if member is not None:
        units = units | Organization.objects.filter(pk=member.organization_id)
    return units.distinct()


def _member_page(request, form, *, term, title):
    accounts = form.accounts().order_by("username").only("username", "full_name")[:500]
    return render(request, "awards/council/member_form.html", {
        "form": form, "term": term, "council": term.council, "title": title,
        "accounts": accounts})


def _save_member(request, form, term, member=None):
    data = dict(form.cleaned_data)
    data.pop("username", None)
    if data.get("organization") is None:
        form.add_error("organization", _("Choose the member's unit."))
        return None
    try:
        return services_council.member_save(term=term, by=request.user, member=member, **data)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "user" in error.error_dict:
            error.error_dict["username"] = error.error_dict.pop("user")  # the account's field
        apply_service_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, pk):
    term = _term_for_user(request.user, pk)
    _require(permissions.can_manage_council(request.user, term.council))
    form = MemberForm(_posted(request), council=term.council,
                      organizations=_member_units(term.council),
                      initial={"valid_from": term.start_date, "valid_to": term.end_date})
    if request.method == "POST" and form.is_valid() and _save_member(request, form, term):
        messages.success(request, _("The member has been saved."))
        return redirect(term.council.get_absolute_url())
    return _member_page(request, form, term=term, title=_("New member"))


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = CouncilMember.objects.select_related("term", "user").filter(pk=pk).first()
    if member is None:
        raise Http404
    term = _term_for_user(request.user, member.term_id)
    _require(permissions.can_manage_council(request.user, term.council))
    form = MemberForm(_posted(request), council=term.council,
                      organizations=_member_units(term.council, member), initial={
                          "username": member.user.username, "full_name": member.full_name,
                          "job_title": member.job_title, "organization": member.organization_id,
                          "position": member.position, "votes": member.votes,
                          "valid_from": member.valid_from, "valid_to": member.valid_to,
                          "sort_order": member.sort_order})
    if request.method == "POST" and form.is_valid() and _save_member(request, form, term, member):
        messages.success(request, _("The member has been saved."))
        return redirect(term.council.get_absolute_url())
    return _member_page(request, form, term=term, title=_("Edit the member"))


# --- meetings ----------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    meetings = meetings_for(request.user).order_by("-date", "-id")
    councils = [c for c in councils_for(request.user)
                if permissions.can_prepare_meetings(request.user, c)]
    return render(request, "awards/council/meeting_list.html", {
        "page": paginate(request, meetings), "councils": councils})


def _seats(council):
    return (CouncilMember.objects.filter(term__council=council).select_related("term")
            .order_by("-term__start_date", "sort_order", "id"))


def _save_meeting(request, form, council, meeting=None):
    try:
        return services_council.meeting_save(council=council, by=request.user, meeting=meeting,
                                             **form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
    except TransitionError as error:
        form.add_error(None, error.message)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    council = get_council_for_user(request.user, pk)
    _require(permissions.can_prepare_meetings(request.user, council))
    form = MeetingForm(_posted(request), seats=_seats(council))
    if request.method == "POST" and form.is_valid():
        meeting = _save_meeting(request, form, council)
        if meeting is not None:
            messages.success(request, _("The meeting has been created. Build its agenda."))
            return redirect(meeting.get_absolute_url())
    return _form_page(request, form, title=_("New meeting"), council=council,
                      cancel_url=council.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    _require(permissions.can_edit_meeting(request.user, meeting))
    form = MeetingForm(_posted(request), seats=_seats(meeting.council), initial={
        "title": meeting.title, "date": meeting.date, "place": meeting.place,
        "chair": meeting.chair_id, "secretary": meeting.secretary_id})
    if request.method == "POST" and form.is_valid():
        if _save_meeting(request, form, meeting.council, meeting) is not None:
            messages.success(request, _("The changes have been saved."))
            return redirect(meeting.get_absolute_url())
    return _form_page(request, form, title=_("Edit the meeting"), meeting=meeting,
                      council=meeting.council, cancel_url=meeting.get_absolute_url())


def _quorum(meeting, counts):
    """The quorum frozen at the opening, or the one the rule set of the day would give."""
    if meeting.quorum is not None:
        return meeting.quorum
    try:
        return services_council.quorum_for(counts["total"], rule_parameters(meeting.date))
    except RuleSetMissing:
        return None


EVENT_LABELS = {
    "create": gettext_lazy("Meeting created"),
    "agenda_add": gettext_lazy("Agenda: nominations added"),
    "agenda_remove": gettext_lazy("Agenda: item removed"),
    "open": gettext_lazy("Voting opened"),
    "close": gettext_lazy("Voting closed"),
    "recuse": gettext_lazy("Conflict of interest declared"),
}


def _events(meeting):
    events = list(meeting.events.select_related("actor"))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return events


@login_required
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    user = request.user
    counts = services_council.attendance_counts(meeting)
    seat = permissions.council_seat(user, meeting)
    return render(request, "awards/council/meeting_detail.html", {
        "meeting": meeting, "counts": counts, "quorum": _quorum(meeting, counts),
        "page": paginate(request, agenda(meeting), AGENDA_PAGE),
        "by_award": (meeting.items.values("nomination__award_type__name")
                     .annotate(n=Count("id")).order_by("nomination__award_type__name")),
        "events": _events(meeting), "seat": seat,
        "voted": seat is not None and has_voted(meeting, seat),
        "ballots": BallotParticipation.objects.filter(meeting=meeting).count(),
        "can_edit": permissions.can_edit_meeting(user, meeting),
        "can_record_attendance": permissions.can_record_attendance(user, meeting),
        "can_preside": permissions.can_preside(user, meeting),
        "can_vote": permissions.can_vote(user, meeting),
        "can_view_results": permissions.can_view_results(user, meeting),
    })


# --- the agenda --------------------------------------------------------------------------------


def _filter_candidates(candidates, award, unit):
    return [n for n in candidates
            if (award is None or n.award_type_id == award)
            and (unit is None or n.dossier.organization_id == unit)]


def _candidate_context(request, meeting):
    """The cycles of the council's organization, and the chosen cycle's candidates, filtered."""
    cycles = list(AwardCycle.objects.filter(organizer=meeting.council.organization)
                  .order_by("-year", "-id"))
    probe = AgendaFilterForm(request.GET or None, cycles=cycles)
    probe.is_valid()  # the award and unit choices are known only once the cycle is
    cycle_id = probe.cleaned_data.get("cycle") if probe.is_bound else None
    cycle = next((c for c in cycles if c.pk == cycle_id), None)
    candidates = services_council.agenda_candidates(meeting, cycle) if cycle else []
    for nomination in candidates:
        nomination.dossier.cycle = cycle  # agenda_add reads each one's cycle: no query per row
    awards = sorted({(n.award_type_id, n.award_type.name) for n in candidates},
                    key=lambda pair: pair[1])
    units = sorted({(n.dossier.organization_id, n.dossier.organization.name)
                    for n in candidates}, key=lambda pair: pair[1])
    filters = AgendaFilterForm(request.GET or None, cycles=cycles, awards=awards, units=units)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    shown = _filter_candidates(candidates, chosen.get("award"), chosen.get("unit"))
    for nomination in shown:
        nomination.verdict_label = Verdict.label(nomination.verdict) if nomination.verdict else ""
    return {"filters": filters, "cycle": cycle, "candidates": shown}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_agenda(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    _require(permissions.can_edit_meeting(request.user, meeting))
    context = _candidate_context(request, meeting)
    form = AgendaAddForm(_posted(request), candidates=context["candidates"])
    if request.method == "POST" and form.is_valid():
        try:
            added = services_council.agenda_add(
                meeting=meeting, nominations=form.cleaned_data["nominations"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(count)s nomination(s) added to the agenda.")
                             % {"count": len(added)})
            return redirect(request.get_full_path())
    return render(request, "awards/council/meeting_agenda.html", {
        **context, "meeting": meeting, "form": form,
        "items": agenda(meeting), "chosen": set(map(str, form["nominations"].value() or [])),
    })


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_remove(request, pk):
    """GET asks for confirmation; POST removes the item from the agenda."""
    item = get_agenda_item_for_user(request.user, pk)
    meeting = get_meeting_for_user(request.user, item.meeting_id)
    _require(permissions.can_edit_meeting(request.user, meeting))
    if request.method == "POST":
        try:
            services_council.agenda_remove(item=item, by=request.user)
        except (ValidationError, TransitionError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("The item has been removed from the agenda."))
        return redirect("awards:meeting_agenda", meeting.pk)
    return render(request, "awards/council/agenda_item_remove.html", {
        "meeting": meeting, "item": item})


# --- attendance and written opinions -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    _require(permissions.can_record_attendance(request.user, meeting))
    form = AttendanceForm(_posted(request), sheet=attendance_sheet(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services_council.attendance_record(meeting=meeting, statuses=form.statuses(),
                                               by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The attendance has been saved."))
            return redirect("awards:meeting_attendance", meeting.pk)
    counts = services_council.attendance_counts(meeting)
    return render(request, "awards/council/meeting_attendance.html", {
        "meeting": meeting, "form": form, "counts": counts, "quorum": _quorum(meeting, counts),
        "written": Attendance.Status.WRITTEN})


@login_required
@require_http_methods(["GET", "POST"])
def written_opinion(request, pk, member_pk):
    meeting = get_meeting_for_user(request.user, pk)
    member = services_council.members_on(meeting).filter(pk=member_pk, votes=True).first()
    if member is None:
        raise Http404
    _require(permissions.can_record_attendance(request.user, meeting))
    if meeting.status != meeting.Status.OPEN:
        messages.error(request, _("Voting is not open."))
        return redirect(meeting.get_absolute_url())
    recused = my_recusals(meeting, member)
    everything = list(agenda(meeting))
    items = [i for i in everything if i.pk not in recused]
    form = WrittenOpinionForm(_posted(request), items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services_council.written_opinion_record(meeting=meeting, member=member,
                                                    choices=form.choices(), by=request.user)
        except (ValidationError, TransitionError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("The written opinion of %(name)s has been recorded.")
                             % {"name": member.full_name})
            return redirect("awards:meeting_attendance", meeting.pk)
    return render(request, "awards/council/written_opinion.html", {
        "meeting": meeting, "member": member, "form": form,
        "recused": [(i, recused[i.pk]) for i in everything if i.pk in recused],
        "voted": has_voted(meeting, member)})


# --- opening and closing the vote --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_open(request, pk):
    """GET shows the quorum and asks for confirmation; POST opens the vote."""
    meeting = get_meeting_for_user(request.user, pk)
    _require(permissions.can_preside(request.user, meeting))
    if request.method == "POST":
        try:
            services_council.meeting_open(meeting=meeting, by=request.user)
        except (ValidationError, TransitionError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Voting is open."))
        return redirect(meeting.get_absolute_url())
    if meeting.status != meeting.Status.DRAFT:
        messages.info(request, _("Voting can be opened only for a meeting in preparation."))
        return redirect(meeting.get_absolute_url())
    counts = services_council.attendance_counts(meeting)
    return render(request, "awards/council/meeting_open.html", {
        "meeting": meeting, "counts": counts, "quorum": _quorum(meeting, counts),
        "item_count": meeting.items.count()})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_close(request, pk):
    """GET asks for confirmation (who has not voted yet); POST closes the vote and counts."""
    meeting = get_meeting_for_user(request.user, pk)
    _require(permissions.can_preside(request.user, meeting))
    if request.method == "POST":
        try:
            services_council.meeting_close(meeting=meeting, by=request.user)
        except (ValidationError, TransitionError) as error:
            _refused(request, error)
            return redirect(meeting.get_absolute_url())
        messages.success(request, _("Voting is closed and counted."))
        return redirect("awards:meeting_results", meeting.pk)
    if meeting.status != meeting.Status.OPEN:
        messages.info(request, _("Only an open vote can be closed."))
        return redirect(meeting.get_absolute_url())
    sheet = attendance_sheet(meeting)
    return render(request, "awards/council/meeting_close.html", {
        "meeting": meeting,
        "not_voted": [row for row in sheet if row["member"].votes and not row["voted"]
                      and row["status"] in (Attendance.Status.PRESENT, Attendance.Status.WRITTEN)],
        "ballots": sum(1 for row in sheet if row["voted"])})


# --- results and the receipt check -------------------------------------------------------------


@login_required
def meeting_results(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    _require(permissions.can_view_results(request.user, meeting))
    items = list(select_results(meeting))
    return render(request, "awards/council/meeting_results.html", {
        "meeting": meeting, "items": items,
        "passed": sum(1 for i in items if i.passed), "receipts": published_receipts(meeting),
        "form": ReceiptCheckForm()})


@login_required
@require_http_methods(["GET", "POST"])
def receipt_check(request, pk):
    """A member types the receipt code shown with their ballot: the page says only whether a
    ballot with that receipt was counted."""
    meeting = get_meeting_for_user(request.user, pk)
    _require(permissions.can_view_results(request.user, meeting))
    form = ReceiptCheckForm(_posted(request))
    counted = None
    if request.method == "POST" and form.is_valid():
        digest = services_council.receipt_hash(form.cleaned_data["code"])
        counted = digest in set(published_receipts(meeting))
        form = ReceiptCheckForm()  # the code is not echoed back on the page
    return render(request, "awards/council/receipt_check.html", {
        "meeting": meeting, "form": form, "counted": counted})

