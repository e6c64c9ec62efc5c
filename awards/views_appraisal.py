"""Pages of the appraisal (thẩm định): the queues of submitted dossiers, the review page of one
dossier with an opinion per nomination, returning, accepting and forwarding, marking appraised,
the public notice of the nominees, and the import of a list of nominations into a dossier.

Thin: look the object up in the user's scope (404 outside), check the predicate (403), bind a
form, call one service of awards.services_dossiers, redirect with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusters.views import apply_service_errors, paginate

from . import imports_nominations as imports
from . import permissions
from . import selectors_appraisal as selectors
from . import services_dossiers as services
from .eligibility.engine import Verdict
from .forms_appraisal import (
    NominationImportForm, OpinionForm, PublicNoticeForm, QueueFilterForm, ReturnForm,
)
from .models import Dossier, Nomination
from .selectors_dossiers import (
    get_cycle_for_user, get_dossier_for_user, key_reasons, nomination_page_number,
    nomination_url, nominations_page,
)
from .workflow import ACTION_LABELS, TransitionError

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _posted(request):
    """The POST data, or None for GET: an empty POST still binds the form (and shows why)."""
    return request.POST if request.method == "POST" else None


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _appraisal_url(dossier, nomination=None) -> str:
    """The review page; for a nomination, the page of the list that shows it, scrolled to it."""
    if nomination is not None:
        return nomination_url(nomination, "awards:dossier_appraisal")
    return reverse("awards:dossier_appraisal", args=[dossier.pk])


# --- the queues --------------------------------------------------------------------------------


def _queue_page(request, rows, *, kind: str):
    form = QueueFilterForm(request.GET or None, cycles=selectors.queue_cycles(request.user))
    cycle = form.cleaned_data["cycle"] if form.is_valid() else None
    page = paginate(request, rows(request.user, cycle=cycle), PAGE_SIZE)
    page.object_list = selectors.with_waiting_days(page.object_list)
    return render(request, "awards/appraisal/queue.html", {
        "form": form, "page": page, "kind": kind,
        "can_appraise": selectors.can_open_appraisal_queue(request.user),
        "can_review_members": selectors.can_open_member_queue(request.user)})


@login_required
def appraisal_queue(request):
    """Appraisers' queue; the staff of a provincial alliance go to their members' queue."""
    if not selectors.can_open_appraisal_queue(request.user):
        _require(selectors.can_open_member_queue(request.user))
        return redirect("awards:member_dossier_queue")
    return _queue_page(request, selectors.appraisal_queue, kind="appraisal")


@login_required
def member_dossier_queue(request):
    _require(selectors.can_open_member_queue(request.user))
    return _queue_page(request, selectors.member_queue, kind="member")


# --- the review page of one dossier ------------------------------------------------------------


def _appraisal_context(request, dossier, *, opinion_forms=None, page_number=None) -> dict:
    nominations = selectors.appraisal_nominations(dossier)
    # The current verdicts, beside the ones frozen when the dossier was sent: computed over the
    # whole list (quotas), rendered for one page of it.
    services.dossier_check(dossier, on_date=timezone.localdate(), nominations=nominations)
    page = nominations_page(nominations, page_number or request.GET.get("page"))
    opinion_forms = opinion_forms or {}
    for nomination in page.object_list:
        nomination.frozen_label = Verdict.label(nomination.verdict) if nomination.verdict else ""
        nomination.frozen_key_reasons = key_reasons(nomination.verdict_reasons or [])
        nomination.key_reasons = key_reasons(nomination.result.reasons)
        nomination.opinion_form = opinion_forms.get(nomination.pk) or OpinionForm(
            prefix=f"n{nomination.pk}", initial={
                "opinion": {"agreed": "agree", "disagreed": "disagree"}.get(nomination.status),
                "comment": nomination.appraisal_comment})
        nomination.attachments = list(nomination.documents.all())
    history = selectors.dossier_history(dossier)
    statuses = dict(Dossier.Status.choices) | dict(Nomination.Status.choices)
    for round_ in history:
        for event in round_["events"]:
            event.label = ACTION_LABELS.get(event.action, event.action)
            event.to_label = statuses.get(event.to_status, "")
    return {
        "dossier": dossier, "page": page, "nominations": page.object_list, "history": history,
        "documents": list(dossier.documents.filter(nomination__isnull=True)),
        "intermediate": dossier.recipient_id != dossier.cycle.organizer_id,
        "can_appraise": permissions.can_appraise_dossier(request.user, dossier),
        "submitted": dossier.status == Dossier.Status.SUBMITTED,
        "pending": [n for n in nominations if n.status == Nomination.Status.PROPOSED],
    }


@login_required
def dossier_appraisal(request, pk):
    dossier = get_dossier_for_user(request.user, pk)
    _require(permissions.can_review_dossier(request.user, dossier))
    return render(request, "awards/appraisal/dossier_appraisal.html",
                  _appraisal_context(request, dossier))


def _nomination_in_scope(request, pk) -> Nomination:
    nomination = get_object_or_404(Nomination.objects.select_related("person", "organization",
                                                                     "award_type"), pk=pk)
    nomination.dossier = get_dossier_for_user(request.user, nomination.dossier_id)
    return nomination


@login_required
@require_http_methods(["GET", "POST"])
def nomination_appraise(request, pk):
    """POST records the appraisal's opinion on one nomination; GET shows the dossier's page."""
    nomination = _nomination_in_scope(request, pk)
    dossier = nomination.dossier
    _require(permissions.can_appraise_dossier(request.user, dossier))
    form = OpinionForm(_posted(request), prefix=f"n{nomination.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_appraise(nomination=nomination, by=request.user,
                                         **form.service_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect(_appraisal_url(dossier, nomination))
        else:
            messages.success(request, _("The opinion on %(name)s has been recorded.") % {
                "name": nomination.candidate_name})
            return redirect(_appraisal_url(dossier, nomination))
    forms = {nomination.pk: form} if request.method == "POST" else None
    return render(request, "awards/appraisal/dossier_appraisal.html",
                  _appraisal_context(request, dossier, opinion_forms=forms,
                                     page_number=nomination_page_number(nomination)))


@login_required
@require_http_methods(["GET", "POST"])
def dossier_return(request, pk):
    """GET asks for the reason; POST returns the dossier to its unit for correction."""
    dossier = get_dossier_for_user(request.user, pk)
    _require(permissions.can_review_dossier(request.user, dossier))
    form = ReturnForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_return(dossier=dossier, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The dossier has been returned to %(unit)s for "
                                        "correction.") % {"unit": dossier.organization.name})
            return redirect(_appraisal_url(dossier))
    return render(request, "awards/appraisal/dossier_return.html",
                  {"dossier": dossier, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def dossier_accept(request, pk):
    """GET asks for confirmation; POST accepts a member's dossier and forwards its nominations
    into the dossier of the user's alliance."""
    dossier = get_dossier_for_user(request.user, pk)
    _require(permissions.can_review_dossier(request.user, dossier))
    if request.method == "POST":
        try:
            services.dossier_accept(dossier=dossier, by=request.user)
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect(_appraisal_url(dossier))
        upper = Dossier.objects.get(cycle_id=dossier.cycle_id, organization_id=dossier.recipient_id)
        messages.success(request, _("The dossier has been accepted: its nominations are now in "
                                    "the dossier of %(unit)s.") % {"unit": dossier.recipient.name})
        return redirect(upper)
    return render(request, "awards/appraisal/dossier_accept.html", {
        "dossier": dossier, "nominations": selectors.appraisal_nominations(dossier),
        "intermediate": dossier.recipient_id != dossier.cycle.organizer_id})


@login_required
@require_http_methods(["GET", "POST"])
def dossier_mark_appraised(request, pk):
    """GET lists what is still without an opinion; POST closes the appraisal of the dossier. A
    refusal lists the nominations without opinion and changes nothing."""
    dossier = get_dossier_for_user(request.user, pk)
    _require(permissions.can_appraise_dossier(request.user, dossier))
    if request.method == "POST":
        try:
            services.dossier_mark_appraised(dossier=dossier, by=request.user)
        except TransitionError as error:
            messages.error(request, error.message)
            problems = error.problems
        else:
            messages.success(request, _("The appraisal of the dossier is complete."))
            return redirect(_appraisal_url(dossier))
    else:
        problems = [n.candidate_name for n in selectors.appraisal_nominations(dossier)
                    if n.status == Nomination.Status.PROPOSED]
    return render(request, "awards/appraisal/dossier_mark_appraised.html",
                  {"dossier": dossier, "problems": problems})


# --- public notice -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def public_notice(request, pk):
    """The nominees of the cycle whose award must be published before the council meets, the
    date each may go on a meeting's agenda, and the form recording a publication."""
    cycle = get_cycle_for_user(request.user, pk)
    _require(selectors.can_record_notices(request.user, cycle))
    candidates = selectors.notice_nominations(cycle)
    form = PublicNoticeForm(_posted(request), nominations=candidates, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.public_notice_record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The publication has been recorded for %(count)s "
                                        "nominations.") % {
                "count": len(form.cleaned_data["nominations"])})
            return redirect("awards:public_notice", pk=cycle.pk)
    chosen = {str(v) for v in form["nominations"].value() or []} if form.is_bound else set()
    return render(request, "awards/appraisal/public_notice.html", {
        "cycle": cycle, "form": form, "chosen": chosen,
        "nominations": selectors.with_ready_dates(candidates)})


# --- import of a list of nominations -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def nomination_import(request, pk):
    dossier = get_dossier_for_user(request.user, pk)
    _require(permissions.can_edit_dossier(request.user, dossier))
    form = NominationImportForm(_posted(request),
                                request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.nomination_import_preview(
                dossier=dossier, uploaded_file=form.cleaned_data["file"], user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("awards:nomination_import_preview", pk=dossier.pk, batch_pk=batch.pk)
    return render(request, "awards/appraisal/nomination_import.html", {
        "dossier": dossier, "form": form,
        "award_types": list(dossier.cycle.award_types.all())})


@login_required
@require_http_methods(["GET", "POST"])
def nomination_import_preview(request, pk, batch_pk):
    """GET shows the report of the checked file; POST adds every row to the dossier, or none."""
    dossier = get_dossier_for_user(request.user, pk)
    batch = imports.get_batch_for_dossier(request.user, dossier, batch_pk)
    _require(permissions.can_edit_dossier(request.user, dossier))
    if request.method == "POST":
        try:
            batch = imports.nomination_import_commit(batch=batch, dossier=dossier,
                                                     user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)s nominations have been added to the "
                                        "dossier.") % {"count": batch.report["result"][0]["count"]})
            return redirect(dossier)
        return redirect("awards:nomination_import_preview", pk=dossier.pk, batch_pk=batch.pk)
    return render(request, "awards/appraisal/nomination_import_preview.html", {
        "dossier": dossier, "batch": batch, "report": batch.report})


@login_required
def nomination_import_template(request):
    _require(permissions.can_view_award_types(request.user))
    importer = imports.NominationImporter
    response = HttpResponse(importer.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{importer.template_name}"'
    return response
