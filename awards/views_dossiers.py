"""Pages of the award cycles (đợt xét khen thưởng) and of the dossiers units build for them (hồ sơ
đề nghị). Thin: look the object up in the user's scope (404 outside), check the predicate (403),
bind a form, call one service of awards.services_dossiers, redirect with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import active_role, scope_q
from clusters.models import Organization
from clusters.views import apply_service_errors, paginate

from . import permissions
from . import selectors_dossiers as selectors
from . import services_dossiers as services
from .forms_dossiers import (
    CycleExtensionForm,
    CycleForm,
    CycleStatusForm,
    DelegationForm,
    DocumentForm,
    DossierFilterForm,
    NominationForm,
    NominationUpdateForm,
    candidate_label,
    find_candidates,
)
from .models import AwardCycle, Dossier, DossierDocument, Nomination, SubmitDelegation
from .uploads import attachment_response, max_file_bytes
from .workflow import ACTION_LABELS, TransitionError

PAGE_SIZE = 50
PROBLEMS_SHOWN = 10  # the rest of a long list of problems opens on demand


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _own_organization(user) -> Organization | None:
    role = active_role(user)
    return role.organization if role else None


def _organizer_for(user) -> Organization | None:
    """The body a user's cycles belong to: the Alliance for its departments' administrators,
    otherwise the organization of the active role."""
    org = _own_organization(user)
    while org is not None and org.kind == Organization.Kind.DEPARTMENT and org.parent_id:
        org = org.parent
    return org


def _refused(request, error):
    """A service's refusal as a message: TransitionError, or a ValidationError without a field."""
    if isinstance(error, TransitionError):
        messages.error(request, error.message)
    else:
        messages.error(request, " ".join(error.messages))


# --- cycles ------------------------------------------------------------------------------------


@login_required
def cycle_list(request):
    _require(permissions.can_view_award_types(request.user))
    organizer = _organizer_for(request.user)
    return render(request, "awards/dossiers/cycle_list.html", {
        "page": paginate(request, selectors.cycle_list(request.user), PAGE_SIZE),
        "can_create": bool(organizer and permissions.can_manage_cycles_of(request.user,
                                                                          organizer)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request):
    organizer = _organizer_for(request.user)
    _require(organizer is not None and permissions.can_manage_cycles_of(request.user, organizer))
    form = CycleForm(request.POST or None, organizer=organizer)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(organizer=organizer, by=request.user,
                                          **form.service_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The award cycle “%(title)s” has been created. Open it "
                                        "when units may submit.") % {"title": cycle.title})
            return redirect(cycle)
    return render(request, "awards/dossiers/cycle_form.html", {"form": form,
                                                                "organizer": organizer})


@login_required
def cycle_detail(request, pk):
    cycle = selectors.get_cycle_for_user(request.user, pk)
    N = Nomination.Status
    dossiers = (selectors.dossiers_for(request.user).filter(cycle=cycle)
                .select_related("organization", "recipient")
                .annotate(nomination_count=Count("nominations", filter=~Q(
                              nominations__status=N.WITHDRAWN)),
                          agreed_count=Count("nominations", filter=Q(
                              nominations__status__in=[N.AGREED, N.AWARDED])),
                          awarded_count=Count("nominations", filter=Q(
                              nominations__status=N.AWARDED)))
                .order_by("organization__sort_key", "id"))
    own = _own_organization(request.user)
    own_dossier = Dossier.objects.filter(cycle=cycle, organization=own).first() if own else None
    can_manage = permissions.can_manage_cycles_of(request.user, cycle.organizer)
    submitters = list(cycle.submitters.order_by("sort_key", "id"))
    may_submit = own is not None and any(own.path.startswith(s.path) for s in submitters)
    return render(request, "awards/dossiers/cycle_detail.html", {
        "cycle": cycle, "page": paginate(request, dossiers, PAGE_SIZE),
        "award_types": list(cycle.award_types.all()), "submitters": submitters,
        "dashboard": _cycle_dashboard(request.user, cycle),
        "extensions": list(cycle.extensions.select_related("organization", "granted_by")),
        "can_manage": can_manage, "own_dossier": own_dossier,
        "can_create_dossier": (may_submit and own_dossier is None
                               and cycle.status == AwardCycle.Status.OPEN
                               and permissions.can_prepare_dossier_for(request.user, own)),
    })


def _cycle_dashboard(user, cycle) -> dict:
    """Counts of the visible dossiers and nominations by state: two aggregate queries."""
    visible = selectors.dossiers_for(user).filter(cycle=cycle)
    by_status = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    nominations = dict(Nomination.objects.filter(dossier__in=visible.values("pk"))
                       .values_list("status").annotate(n=Count("id")).order_by())
    return {
        "dossiers": [(label, by_status.get(value, 0)) for value, label in Dossier.Status.choices],
        "dossier_total": sum(by_status.values()),
        "nominations": [(label, nominations.get(value, 0))
                        for value, label in Nomination.Status.choices],
        "nomination_total": sum(nominations.values()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def cycle_update(request, pk):
    cycle = selectors.get_cycle_for_user(request.user, pk)
    _require(permissions.can_manage_cycles_of(request.user, cycle.organizer))
    initial = {"kind": cycle.kind, "year": cycle.year, "title": cycle.title,
               "deadline": cycle.deadline, "note": cycle.note,
               "award_types": list(cycle.award_types.all()),
               "submitters": list(cycle.submitters.all())}
    form = CycleForm(request.POST or None, initial=initial, organizer=cycle.organizer)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_update(cycle=cycle, by=request.user, **form.service_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(cycle)
    return render(request, "awards/dossiers/cycle_form.html", {
        "form": form, "cycle": cycle, "organizer": cycle.organizer})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_set_status(request, pk):
    """GET asks for confirmation; POST opens or closes the cycle."""
    cycle = selectors.get_cycle_for_user(request.user, pk)
    _require(permissions.can_manage_cycles_of(request.user, cycle.organizer))
    form = CycleStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        services.cycle_set_status(cycle=cycle, status=status, by=request.user)
        messages.success(request, _("The cycle is now: %(status)s.") % {
            "status": AwardCycle.Status(status).label})
        return redirect(cycle)
    return render(request, "awards/dossiers/cycle_status.html", {"cycle": cycle, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_extend(request, pk):
    cycle = selectors.get_cycle_for_user(request.user, pk)
    _require(permissions.can_manage_cycles_of(request.user, cycle.organizer))
    form = CycleExtensionForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.cycle_extend(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s may submit until %(date)s.") % {
                "name": extension.organization.name, "date": f"{extension.until:%d/%m/%Y}"})
            return redirect(cycle)
    return render(request, "awards/dossiers/cycle_extend.html", {"cycle": cycle, "form": form})


# --- dossiers ----------------------------------------------------------------------------------


@login_required
def dossier_list(request):
    _require(permissions.can_view_award_types(request.user))
    form = DossierFilterForm(request.GET or None, cycles=selectors.cycles_for(request.user))
    dossiers = (selectors.dossiers_for(request.user)
                .select_related("cycle", "organization", "recipient")
                .annotate(nomination_count=Count("nominations", filter=~Q(
                    nominations__status=Nomination.Status.WITHDRAWN)))
                .order_by("-cycle__year", "cycle_id", "organization__sort_key", "id"))
    if form.is_valid():
        if form.cleaned_data["cycle"]:
            dossiers = dossiers.filter(cycle=form.cleaned_data["cycle"])
        if form.cleaned_data["status"]:
            dossiers = dossiers.filter(status=form.cleaned_data["status"])
    own = _own_organization(request.user)
    return render(request, "awards/dossiers/dossier_list.html", {
        "form": form, "page": paginate(request, dossiers, PAGE_SIZE),
        "can_delegate": bool(own and permissions.can_delegate_submission(request.user, own))})


@login_required
@require_http_methods(["GET", "POST"])
def dossier_create(request, pk):
    """GET asks for confirmation; POST creates the dossier of the user's unit for the cycle."""
    cycle = selectors.get_cycle_for_user(request.user, pk)
    organization = _own_organization(request.user)
    _require(organization is not None
             and permissions.can_prepare_dossier_for(request.user, organization))
    if request.method == "POST":
        try:
            dossier = services.dossier_create(cycle=cycle, organization=organization,
                                              by=request.user)
        except ValidationError as error:
            _refused(request, error)
            return redirect(cycle)
        messages.success(request, _("The dossier has been created: add the nominations and the "
                                    "documents, then send it."))
        return redirect(dossier)
    return render(request, "awards/dossiers/dossier_create.html", {
        "cycle": cycle, "organization": organization})


def _dossier_page_context(request, dossier) -> dict:
    nominations = list(selectors.dossier_nominations(dossier))
    # Verdicts, quotas and problems over the whole list; only one page of it is rendered.
    report = services.dossier_check(dossier, nominations=nominations)
    page = selectors.nominations_page(nominations, request.GET.get("page"))
    documents = list(dossier.documents.select_related("uploaded_by"))
    for nomination in page.object_list:
        nomination.attachments = [d for d in documents if d.nomination_id == nomination.pk]
        have = {d.kind for d in nomination.attachments}
        nomination.missing_documents = [
            DossierDocument.Kind(kind).label for kind in nomination.award_type.required_documents
            or [] if kind in DossierDocument.Kind.values and kind not in have]
        nomination.key_reasons = selectors.key_reasons(nomination.result.reasons)
    events = list(dossier.events.select_related("actor", "nomination__person",
                                                "nomination__organization"))
    statuses = dict(Dossier.Status.choices) | dict(Nomination.Status.choices)
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        event.to_label = statuses.get(event.to_status, "")
    for quota in report.checked.quotas:
        quota["state"] = ("exceeded" if quota["used"] > quota["limit"]
                          else "full" if quota["used"] >= quota["limit"] else "ok")
    editable = not dossier.is_locked and permissions.can_edit_dossier(request.user, dossier)
    return {
        "dossier": dossier, "page": page, "nominations": page.object_list,
        "problems": report.problems[:PROBLEMS_SHOWN],
        "more_problems": report.problems[PROBLEMS_SHOWN:], "quotas": report.checked.quotas,
        "documents": [d for d in documents if d.nomination_id is None],
        "events": events, "returns": [e for e in events if e.action == "return"],
        "can_edit": editable,
        "can_submit": not dossier.is_locked and permissions.can_submit_dossier(request.user,
                                                                              dossier),
        "deadline": services.submission_deadline(dossier.cycle, dossier.organization),
        "nomination_form": NominationForm(user=request.user, dossier=dossier) if editable
        else None,
    }


@login_required
def dossier_detail(request, pk):
    dossier = selectors.get_dossier_for_user(request.user, pk)
    return render(request, "awards/dossiers/dossier_detail.html",
                  _dossier_page_context(request, dossier))


@login_required
@require_http_methods(["GET", "POST"])
def dossier_submit(request, pk):
    """GET shows what is still missing and asks for confirmation; POST sends the dossier. A
    refusal lists every problem and changes nothing."""
    dossier = selectors.get_dossier_for_user(request.user, pk)
    _require(permissions.can_submit_dossier(request.user, dossier))
    problems = []
    if request.method == "POST":
        try:
            services.dossier_submit(dossier=dossier, by=request.user)
        except TransitionError as error:
            messages.error(request, error.message)
            problems = error.problems
        else:
            messages.success(request, _("The dossier has been sent to %(unit)s.") % {
                "unit": dossier.recipient.name})
            return redirect(dossier)
    else:
        problems = services.dossier_check(dossier).problems
    return render(request, "awards/dossiers/dossier_submit.html", {
        "dossier": dossier, "problems": problems,
        "deadline": services.submission_deadline(dossier.cycle, dossier.organization)})


@login_required
def candidate_search(request, pk):
    """The typeahead: at most 20 people or collectives the unit may nominate, as JSON."""
    dossier = selectors.get_dossier_for_user(request.user, pk)
    _require(permissions.can_edit_dossier(request.user, dossier))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    kind = "organization" if request.GET.get("kind") == "organization" else "person"
    found = find_candidates(request.user, dossier, request.GET.get("q", "")[:120], kind)
    return JsonResponse({"results": [{"id": c.pk, "label": candidate_label(c)} for c in found]})


# --- nominations -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def nomination_create(request, pk):
    """Without JavaScript, GET with a name lists the matches in the nominee list; the
    typeahead fills the same list as the user types."""
    dossier = selectors.get_dossier_for_user(request.user, pk)
    _require(permissions.can_edit_dossier(request.user, dossier))
    data = request.POST if request.method == "POST" else None
    kind = (request.POST or request.GET).get("kind") or "person"
    text = (request.POST or request.GET).get("q", "")[:120]
    found = find_candidates(request.user, dossier, text, kind)
    form = NominationForm(data, user=request.user, dossier=dossier, found=found,
                          initial={k: v for k, v in request.GET.items()
                                   if k in ("kind", "q", "award_type", "achievement_summary")})
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_add(dossier=dossier, by=request.user,
                                                 **form.service_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s has been added to the dossier.") % {
                "name": nomination.candidate_name})
            return redirect(selectors.nomination_url(nomination))
    return render(request, "awards/dossiers/nomination_form.html", {
        "dossier": dossier, "form": form, "searched": bool(text) and data is None,
        "found": found})


def _nomination_in_scope(request, pk) -> Nomination:
    nomination = get_object_or_404(Nomination.objects.select_related("award_type", "person",
                                                                     "organization"), pk=pk)
    nomination.dossier = selectors.get_dossier_for_user(request.user, nomination.dossier_id)
    return nomination


@login_required
@require_http_methods(["GET", "POST"])
def nomination_update(request, pk):
    nomination = _nomination_in_scope(request, pk)
    dossier = nomination.dossier
    _require(permissions.can_edit_dossier(request.user, dossier))
    form = NominationUpdateForm(request.POST or None, dossier=dossier, initial={
        "award_type": nomination.award_type,
        "achievement_summary": nomination.achievement_summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_update(nomination=nomination, by=request.user,
                                       **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(selectors.nomination_url(nomination))
    return render(request, "awards/dossiers/nomination_update.html", {
        "dossier": dossier, "nomination": nomination, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def nomination_delete(request, pk):
    nomination = _nomination_in_scope(request, pk)
    dossier = nomination.dossier
    _require(permissions.can_edit_dossier(request.user, dossier))
    page = selectors.nomination_page_number(nomination)
    if request.method == "POST":
        try:
            services.nomination_remove(nomination=nomination, by=request.user)
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect(selectors.nomination_url(nomination, page=page))
        messages.success(request, _("%(name)s has been removed from the dossier.") % {
            "name": nomination.candidate_name})
        # Back to the page the nomination was on (the last one if that page is now empty).
        query = f"?page={page}" if page > 1 else ""
        return redirect(f"{dossier.get_absolute_url()}{query}#nominations-title")
    return render(request, "awards/dossiers/confirm_delete.html", {
        "dossier": dossier, "title": _("Remove the nomination"),
        "back_url": selectors.nomination_url(nomination, page=page),
        "question": _("Remove %(name)s (%(award)s) and its attachments from the dossier?") % {
            "name": nomination.candidate_name, "award": nomination.award_type.name}})


# --- documents ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request, pk):
    dossier = selectors.get_dossier_for_user(request.user, pk)
    _require(permissions.can_edit_dossier(request.user, dossier))
    initial = {"nomination": request.GET.get("nomination"), "kind": request.GET.get("kind")}
    form = DocumentForm(request.POST or None, request.FILES or None, dossier=dossier,
                        initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_add(
                dossier=dossier, kind=form.cleaned_data["kind"], by=request.user,
                upload=form.cleaned_data["file"], nomination=form.cleaned_data["nomination"])
        except ValidationError as error:
            form.add_error("file", error.messages)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("“%(name)s” has been uploaded.") % {
                "name": document.original_name})
            return redirect(_document_back_url(dossier, document))
    return render(request, "awards/dossiers/document_form.html", {
        "dossier": dossier, "form": form, "max_file_mb": max_file_bytes() // (1024 * 1024)})


def _document_back_url(dossier, document) -> str:
    """A nomination's attachment leads back to the nomination, on its page of the list."""
    if document.nomination_id:
        return selectors.nomination_url(document.nomination)
    return f"{dossier.get_absolute_url()}#documents"


def _document_in_scope(request, pk) -> DossierDocument:
    document = get_object_or_404(DossierDocument, pk=pk)
    document.dossier = selectors.get_dossier_for_user(request.user, document.dossier_id)
    return document


@login_required
def document_download(request, pk):
    """Only those who see the dossier download its files; always as an attachment, under the
    safe original name, never from MEDIA_URL."""
    document = _document_in_scope(request, pk)  # first: 404 outside the scope, whatever the verb
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return attachment_response(document.file, document.original_name, document.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, pk):
    document = _document_in_scope(request, pk)
    dossier = document.dossier
    _require(permissions.can_edit_dossier(request.user, dossier))
    if request.method == "POST":
        try:
            services.document_remove(document=document, by=request.user)
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("“%(name)s” has been removed.") % {
                "name": document.original_name})
        return redirect(_document_back_url(dossier, document))
    return render(request, "awards/dossiers/confirm_delete.html", {
        "dossier": dossier, "title": _("Remove the document"),
        "back_url": _document_back_url(dossier, document),
        "question": _("Remove “%(name)s” from the dossier?") % {"name": document.original_name}})


# --- submission delegations --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def delegation_list(request):
    """The unit head's page: who may send the unit's dossiers on the head's behalf."""
    organization = _own_organization(request.user)
    _require(organization is not None
             and permissions.can_delegate_submission(request.user, organization))
    form = DelegationForm(request.POST or None, organization=organization,
                          exclude_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            delegation = services.delegation_grant(organization=organization, by=request.user,
                                                   **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s may now send the unit's dossiers.") % {
                "name": delegation.user.get_full_name() or delegation.user.username})
            return redirect("awards:delegation_list")
    delegations = (SubmitDelegation.objects.filter(organization=organization)
                   .select_related("user", "granted_by").order_by("granted_at", "id"))
    return render(request, "awards/dossiers/delegation_list.html", {
        "organization": organization, "form": form, "delegations": delegations})


@login_required
@require_http_methods(["GET", "POST"])
def delegation_revoke(request, pk):
    delegation = get_object_or_404(
        SubmitDelegation.objects.select_related("organization", "user")
        .filter(scope_q(request.user, "organization")), pk=pk)
    _require(permissions.can_delegate_submission(request.user, delegation.organization))
    if request.method == "POST":
        services.delegation_revoke(delegation=delegation, by=request.user)
        messages.success(request, _("The delegation has been withdrawn."))
        return redirect("awards:delegation_list")
    name = delegation.user.get_full_name() or delegation.user.username
    return render(request, "awards/dossiers/confirm_delete.html", {
        "title": _("Withdraw the delegation"), "back_url_name": "awards:delegation_list",
        "question": _("%(name)s will no longer be able to send the unit's dossiers. "
                      "Continue?") % {"name": name}})

