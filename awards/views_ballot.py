"""What a council member does to vote: the ballot page (with its confirmation step and the
receipt shown once), the draft of the open-vote items, one agenda item with its dossier's
documents, and declaring a conflict. Thin: find the meeting or item in the user's scope (404
outside: architecture §8, a council member sees the meetings of the council they sit on),
authorize (403), call one service of awards.services_council.

Secrecy (quality-targets S7): the receipt is rendered in the response to the submit and kept
nowhere (no session, no message, no log); secret choices reach the server only with the
ballot itself."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import reauth
from clusters.views import apply_service_errors
from emulation.selectors_fairness import fairness_panels

from . import permissions
from . import services_council as services
from .eligibility.engine import Verdict
from .forms_ballot import BallotForm, RecusalForm, posted_choices
from .models import AgendaItem, Attendance, CouncilMeeting, DossierDocument
from .selectors_council import (
    agenda, get_agenda_item_for_user, get_meeting_for_user, has_voted, my_recusals, open_draft,
)
from .selectors_dossiers import key_reasons
from .uploads import attachment_response
from .workflow import TransitionError

M = CouncilMeeting.Status


def _voting_seat(user, meeting):
    """The user's voting seat in the meeting's term; a secretary who does not vote, or a
    preparer without a seat, is refused (403)."""
    seat = permissions.council_seat(user, meeting)
    if seat is None or not seat.votes:
        raise PermissionDenied
    return seat


def _refusal(meeting, seat) -> str:
    """Why the member cannot vote now, or "" when they can."""
    if meeting.status == M.DRAFT:
        return _("Voting has not been opened yet.")
    if meeting.status == M.CLOSED:
        return _("Voting is closed.")
    if has_voted(meeting, seat):
        return _("You have already voted in this meeting. How you voted is shown nowhere, "
                 "not even to you.")
    status = meeting.attendance.filter(member=seat).values_list("status", flat=True).first()
    if status != Attendance.Status.PRESENT:
        return _("The secretary has not recorded you as present: only members present vote "
                 "here.")
    return ""


def threshold_text(item: AgendaItem) -> str:
    """"≥ 90 %" (the share must be reached) or "> 50 %" (exceeded), Vietnamese decimals."""
    text = format(Decimal(item.threshold).normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{'>' if item.strict else '≥'} {text.replace('.', ',')} %"


def _int_param(value) -> int | None:
    return int(value) if value and value.isdigit() else None


def _ballot_items(meeting, seat, *, checked: dict, award: int | None, unit: int | None):
    """The whole agenda (every item stays in the form, so that a filter never drops a choice),
    each with what the page shows: the member's recusal, the checked choice, whether the
    filter shows it. A fixed number of queries."""
    items = list(agenda(meeting))
    individual, collective, nominated_by = _("Individual"), _("Collective"), _("Nominated by")
    for item in items:
        nomination = item.nomination
        item.my_recusal = next((r for r in item.recusals.all() if r.member_id == seat.pk), None)
        item.checked = "" if item.my_recusal else checked.get(str(item.pk), "")
        item.secret = item.mode == AgendaItem.Mode.SECRET
        item.threshold_text = threshold_text(item)
        item.verdict_label = Verdict.label(nomination.verdict) if nomination.verdict else ""
        item.key_reasons = key_reasons(nomination.verdict_reasons or [])
        item.shown = ((award is None or nomination.award_type_id == award)
                      and (unit is None or nomination.dossier.organization_id == unit))
        # Strings, so that the template renders hundreds of items without localizing numbers.
        item.key, item.number = str(item.pk), str(item.position)
        item.name = nomination.candidate_name
        item.who = " · ".join([
            f"{individual} · {nomination.person.organization.name}" if nomination.person_id
            else collective, f"{nominated_by}: {nomination.dossier.organization.name}"])
    return items


def _filters(items):
    awards = {i.nomination.award_type_id: i.nomination.award_type for i in items}
    units = {i.nomination.dossier.organization_id: i.nomination.dossier.organization
             for i in items}
    return (sorted(awards.values(), key=lambda a: a.name),
            sorted(units.values(), key=lambda o: (o.sort_key, o.name)))


def _ballot_page(request, meeting, seat, items, form=None, status=200):
    votable = [i for i in items if not i.my_recusal]
    award_types, units = _filters(items)
    return render(request, "awards/council/ballot.html", {
        "meeting": meeting, "seat": seat, "items": items, "form": form,
        "total": len(votable), "answered": sum(1 for i in votable if i.checked),
        "shown": sum(1 for i in items if i.shown),
        "award_types": award_types, "units": units,
        "award": _int_param(request.GET.get("award")), "unit": _int_param(request.GET.get("unit")),
        "query": _filter_query(request),
        "has_open": any(not i.secret for i in votable),
        "has_secret": any(i.secret for i in votable),
        "secret_label": AgendaItem.Mode.SECRET.label, "open_label": AgendaItem.Mode.OPEN.label,
        "item_url_prefix": reverse("awards:agenda_item_detail", args=[0])[:-2],
        # Without a recent sign-in, the confirmation dialog asks for the password (S6).
        "identity_form": reauth.IdentityCheck(request).form,
    }, status=status)


def _filter_query(request) -> str:
    """The page's filters, as a query string safe to put back into links."""
    kept = {k: request.GET[k] for k in ("award", "unit") if _int_param(request.GET.get(k))}
    return "&".join(f"{k}={v}" for k, v in kept.items())


def _ballot_url(meeting, query="") -> str:
    url = reverse("awards:meeting_ballot", args=[meeting.pk])
    return f"{url}?{query}" if query else url


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@reauth.signs_out_on_lockout
def meeting_ballot(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    seat = _voting_seat(request.user, meeting)
    refusal = _refusal(meeting, seat)
    if refusal:
        return render(request, "awards/council/ballot_status.html", {
            "meeting": meeting, "refusal": refusal, "voted": has_voted(meeting, seat)})
    award, unit = _int_param(request.GET.get("award")), _int_param(request.GET.get("unit"))
    if request.method == "GET":
        items = _ballot_items(meeting, seat, checked=open_draft(meeting, seat), award=award,
                              unit=unit)
        return _ballot_page(request, meeting, seat, items)
    # Validating a ballot needs only the items' ids and the member's recusals; the agenda with
    # everything the page shows is built only when the page is shown again. (Building it for
    # every submission made thirty simultaneous voters queue: bench/RESULTS.md §10.)
    def page_again(form):
        items = _ballot_items(meeting, seat, checked=posted_choices(request.POST), award=award,
                              unit=unit)
        return _ballot_page(request, meeting, seat, items, form)

    form = BallotForm(request.POST, items=meeting.items.only("pk", "meeting"),
                      recused=list(my_recusals(meeting, seat)))
    if not form.is_valid() or request.POST.get("edit"):  # "edit": back from the confirmation
        return page_again(form)
    # S6: the ballot goes only from a recent sign-in; otherwise the confirmation asks for the
    # password (and code) and comes back with the choices kept while they are wrong.
    identity = reauth.IdentityCheck(request, request.POST if form.cleaned_data["confirm"] else None)
    if not form.cleaned_data["confirm"] or not identity.passes():
        return _confirm_page(request, meeting, form, identity.form)
    try:
        code = services.ballot_submit(meeting=meeting, by=request.user,
                                      choices=form.cleaned_data["choices"],
                                      agree_remaining=form.cleaned_data["agree_remaining"])
    except ValidationError as error:
        apply_service_errors(form, error)
        return page_again(form)
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect(_ballot_url(meeting))
    return render(request, "awards/council/ballot_receipt.html", {
        "meeting": meeting, "code": code})


def _confirm_page(request, meeting, form, identity_form=None):
    """The step before the ballot goes (without JavaScript; with it, the page asks in place,
    and comes here only when the password asked again is missing or wrong): how many items are
    answered, and how many "agree to all remaining" will agree."""
    choices = form.cleaned_data["choices"]
    counted = {value: sum(1 for v in choices.values() if v == value)
               for value in ("agree", "disagree", "abstain")}
    return render(request, "awards/council/ballot_confirm.html", {
        "meeting": meeting, "choices": sorted(choices.items()), "counted": counted,
        "answered": len(choices), "missing": form.cleaned_data["missing"],
        "total": len(choices) + form.cleaned_data["missing"],
        "agree_remaining": form.cleaned_data["agree_remaining"],
        "query": _filter_query(request), "identity_form": identity_form})


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
def ballot_draft(request, pk):
    """Keep the member's open-vote choices on the server (the page's script posts them as they
    change; without JavaScript, the "Save draft" button). Secret choices are dropped by the
    service: their draft stays in the browser."""
    meeting = get_meeting_for_user(request.user, pk)  # first: 404 outside the scope
    _voting_seat(request.user, meeting)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = redirect(_ballot_url(meeting, _filter_query(request)))
    refusal = _refusal(meeting, permissions.council_seat(request.user, meeting))
    try:
        if refusal:
            raise TransitionError(refusal)
        kept = services.draft_save(meeting=meeting, by=request.user,
                                   choices=posted_choices(request.POST))
    except (ValidationError, TransitionError) as error:
        text = error.message if isinstance(error, TransitionError) else " ".join(error.messages)
        if _wants_json(request):
            return JsonResponse({"error": text}, status=400)
        messages.error(request, text)
        return back
    if _wants_json(request):
        return JsonResponse({"saved": kept})
    messages.success(request, _("Draft saved: %(count)s open-vote choice(s). Secret-ballot "
                                "choices are never sent before the ballot: this browser keeps "
                                "them while JavaScript is on.") % {"count": kept})
    return back


# --- one agenda item ---------------------------------------------------------------------------


def _item_in_scope(user, pk):
    """The item with everything its page shows (404 outside the meetings the user may open)."""
    found = get_agenda_item_for_user(user, pk)
    meeting = get_meeting_for_user(user, found.meeting_id)
    item = agenda(meeting).get(pk=found.pk)
    item.meeting = meeting
    return item


@login_required
def agenda_item_detail(request, pk):
    item = _item_in_scope(request.user, pk)
    meeting, nomination = item.meeting, item.nomination
    seat = permissions.council_seat(request.user, meeting)
    documents = (DossierDocument.objects.filter(dossier_id=nomination.dossier_id)
                 .filter(Q(nomination__isnull=True) | Q(nomination_id=nomination.pk))
                 .order_by("nomination_id", "kind", "id"))
    my_recusal = next((r for r in item.recusals.all() if seat and r.member_id == seat.pk), None)
    may_recuse = bool(seat and seat.votes and not my_recusal and meeting.status != M.CLOSED
                      and not has_voted(meeting, seat))
    return render(request, "awards/council/item_detail.html", {
        "item": item, "meeting": meeting, "nomination": nomination, "seat": seat,
        "documents": documents, "my_recusal": my_recusal, "may_recuse": may_recuse,
        "threshold": threshold_text(item),
        "verdict_label": Verdict.label(nomination.verdict) if nomination.verdict else "",
        "key_reasons": key_reasons(nomination.verdict_reasons or []),
        "can_vote": permissions.can_vote(request.user, meeting),
        "can_view_results": permissions.can_view_results(request.user, meeting),
        # Fairness of the nominee's cluster or bloc, shown before the vote (issue 6 part 7).
        "fairness_panels": fairness_panels(request.user, nomination),
    })


@login_required
def agenda_document(request, pk, doc_pk):
    """A document of the item's dossier, for those who may open the meeting: always as an
    attachment, under the safe original name (as the dossier's own download does)."""
    item = _item_in_scope(request.user, pk)  # first: 404 outside the scope, whatever the verb
    document = DossierDocument.objects.filter(pk=doc_pk,
                                              dossier_id=item.nomination.dossier_id).first()
    if document is None:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return attachment_response(document.file, document.original_name, document.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def recusal_declare(request, pk):
    """A member declares a conflict of interest on an item, before voting."""
    item = _item_in_scope(request.user, pk)
    meeting = item.meeting
    _voting_seat(request.user, meeting)
    form = RecusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recusal_declare(meeting=meeting, item=item, by=request.user,
                                     reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect("awards:agenda_item_detail", pk=item.pk)
        else:
            messages.success(request, _("You will not vote on “%(name)s”. The council sees your "
                                        "reason.") % {"name": item.nomination.candidate_name})
            return redirect(_ballot_url(meeting) if meeting.status == M.OPEN
                            else reverse("awards:agenda_item_detail", args=[item.pk]))
    return render(request, "awards/council/recusal_form.html", {
        "item": item, "meeting": meeting, "form": form})
