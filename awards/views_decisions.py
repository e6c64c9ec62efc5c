"""Pages of decisions on awards, proposals to the competent body, the competent body's
decisions, revocations, the signed copies and the base salary. Thin: find the object inside the
user's scope (404 outside it), authorize (403), bind a form, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.permissions import has_role
from clusters.views import apply_service_errors, paginate

from . import documents, permissions, services_decisions
from .forms_decisions import (
    BaseSalaryForm, DecisionForm, ExternalDecisionForm, ScanForm, StartForm,
)
from .models import Decision
from reports.pdf import render_pdf
from .selectors import get_award_record_for_user
from .selectors_decisions import (
    base_salary_list as select_base_salaries, decision_items, decision_list as select_decisions,
    document_context,
    get_decision_for_user, nominations_awaiting_external_decision, nominations_ready_for_decision,
    summarize,
)
from .selectors_dossiers import cycles_for
from .workflow import TransitionError

FORM_TEMPLATE = "awards/decisions/decision_form.html"
FIELDS = ("title", "date", "place", "issuing_body", "legal_bases", "body", "recipients",
          "authority", "authority_title", "signer_title", "signer_name")


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _may_draft_somewhere(user) -> bool:
    return has_role(user, Role.APPRAISER, Role.ADMIN)


def _visible_decision(user, pk) -> Decision:
    decision = get_decision_for_user(user, pk)
    if not permissions.can_view_decision(user, decision):
        raise Http404  # a draft is not shown outside its drafters
    return decision


def _transition_error(request, error: TransitionError):
    messages.error(request, " ".join([str(error.message), *map(str, error.problems)]))


# --- list and detail ---------------------------------------------------------------------------


@login_required
def decision_list(request):
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    year = request.GET.get("year", "")
    decisions = select_decisions(
        request.user, kind=kind if kind in Decision.Kind.values else "",
        status=status if status in Decision.Status.values else "",
        year=int(year) if year.isdigit() else None)
    return render(request, "awards/decisions/decision_list.html", {
        "page": paginate(request, decisions),
        "kinds": Decision.Kind.choices, "statuses": Decision.Status.choices,
        "kind": kind, "status": status, "year": year,
        "can_draft": _may_draft_somewhere(request.user),
        "can_view_base_salary": permissions.can_view_base_salary(request.user),
    })


@login_required
def decision_detail(request, pk):
    decision = _visible_decision(request.user, pk)
    items = decision_items(decision)
    for item in items:
        item.amount_text = documents.format_vnd(item.amount)
        item.multiplier_text = documents.format_multiplier(item.multiplier)
    summary = summarize(items)
    can_issue = permissions.can_issue_decisions_for(request.user, decision.issuer)
    return render(request, "awards/decisions/decision_detail.html", {
        "decision": decision, "items": items, "summary": summary,
        "total": documents.format_vnd(summary["total"]) if summary["has_cash"] else "—",
        "can_edit": permissions.can_edit_decision(request.user, decision),
        "can_upload": permissions.can_upload_decision_scan(request.user, decision),
        "can_record_external": (can_issue and decision.kind == Decision.Kind.PROPOSAL
                                and decision.status == Decision.Status.ISSUED),
        "legal_bases": documents.legal_basis_lines(decision.legal_bases),
        "date_line": documents.vietnamese_date_line(decision.place, decision.date,
                                                    year=decision.year),
    })


# --- drafts ------------------------------------------------------------------------------------


def _draft_context(form, *, decision=None, cycle=None, kind, record=None):
    return {"form": form, "decision": decision, "cycle": cycle, "kind": kind,
            "kind_label": Decision.Kind(kind).label, "record": record,
            "has_nominations": "nominations" in form.fields}


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request):
    _require(_may_draft_somewhere(request.user))
    cycles = cycles_for(request.user).select_related("organizer").order_by("-year", "-deadline")
    cycle_id, kind = request.GET.get("cycle", ""), request.GET.get("kind", Decision.Kind.GRANT)
    if not cycle_id.isdigit() or kind not in (Decision.Kind.GRANT, Decision.Kind.PROPOSAL):
        drafting = [c.pk for c in cycles if permissions.can_draft_decision(request.user, c)]
        start = StartForm(request.GET or None, cycles=cycles.filter(pk__in=drafting))
        return render(request, "awards/decisions/decision_start.html", {"form": start})
    cycle = cycles.filter(pk=int(cycle_id)).first()
    if cycle is None:
        raise Http404
    _require(permissions.can_draft_decision(request.user, cycle))
    ready = nominations_ready_for_decision(cycle, kind=kind)
    initial = services_decisions.decision_prefill(kind=kind, issuer=cycle.organizer, cycle=cycle)
    initial["nominations"] = list(ready)
    form = DecisionForm(request.POST or None, kind=kind, nominations=ready, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        nominations = data.pop("nominations", [])
        try:
            decision = services_decisions.decision_create(
                kind=kind, cycle=cycle, nominations=nominations, by=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect(decision.get_absolute_url())
    return render(request, FORM_TEMPLATE, _draft_context(form, cycle=cycle, kind=kind))


@login_required
@require_http_methods(["GET", "POST"])
def decision_update(request, pk):
    decision = _visible_decision(request.user, pk)
    _require(permissions.can_edit_decision(request.user, decision))
    kind = decision.kind
    ready = None
    initial = {name: getattr(decision, name) for name in FIELDS}
    if kind in (Decision.Kind.GRANT, Decision.Kind.PROPOSAL):
        ready = nominations_ready_for_decision(decision.cycle, kind=kind, decision=decision)
        initial["nominations"] = list(decision.items.values_list("nomination_id", flat=True))
    form = DecisionForm(request.POST or None, kind=kind, nominations=ready, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        nominations = data.pop("nominations", None)
        try:
            services_decisions.decision_update(decision=decision, by=request.user,
                                               nominations=nominations, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except TransitionError as error:
            _transition_error(request, error)
            return redirect(decision.get_absolute_url())
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect(decision.get_absolute_url())
    return render(request, FORM_TEMPLATE, _draft_context(
        form, decision=decision, cycle=decision.cycle, kind=kind, record=decision.revoked_record))


@login_required
@require_http_methods(["GET", "POST"])
def decision_issue(request, pk):
    """GET asks for confirmation; POST issues."""
    decision = _visible_decision(request.user, pk)
    _require(permissions.can_edit_decision(request.user, decision))
    if request.method == "POST":
        try:
            decision = services_decisions.decision_issue(decision=decision, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except TransitionError as error:
            _transition_error(request, error)
        else:
            messages.success(request, _("Issued as number %(number)s.") % {
                "number": decision.number_and_symbol})
        return redirect(decision.get_absolute_url())
    items = decision_items(decision)
    summary = summarize(items)
    return render(request, "awards/decisions/decision_issue.html", {
        "decision": decision, "summary": summary,
        "total": documents.format_vnd(summary["total"]) if summary["has_cash"] else "—",
    })


@login_required
@require_http_methods(["GET", "POST"])
def decision_delete(request, pk):
    """GET shows the draft and the nominations it lists; POST deletes it. An issued decision
    is refused, with the reason, and stays as it is."""
    decision = _visible_decision(request.user, pk)
    _require(permissions.can_issue_decisions_for(request.user, decision.issuer))
    if request.method == "POST":
        try:
            services_decisions.decision_delete(decision=decision, by=request.user)
        except TransitionError as error:
            _transition_error(request, error)
            return redirect(decision.get_absolute_url())
        messages.success(request, _("The draft “%(title)s” has been deleted.") % {
            "title": decision.title})
        return redirect("awards:decision_list")
    return render(request, "awards/decisions/decision_delete.html", {
        "decision": decision, "items": decision_items(decision),
        "is_draft": decision.status == Decision.Status.DRAFT})


# --- documents ---------------------------------------------------------------------------------


def _file_name(decision: Decision, suffix: str = "") -> str:
    base = {Decision.Kind.PROPOSAL: "to-trinh"}.get(decision.kind, "quyet-dinh")
    number = decision.number if decision.number is not None else f"du-thao-{decision.pk}"
    return f"{base}-{number}-{decision.year}{suffix}.pdf"


def _generated_pdf(decision: Decision) -> HttpResponse:
    template = "pdf/proposal.html" if decision.kind == Decision.Kind.PROPOSAL else \
        "pdf/decision.html"
    content = render_pdf(template, document_context(decision))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_file_name(decision)}"'
    return response


@login_required
def decision_pdf(request, pk):
    """The generated document (bản dự thảo), always available."""
    decision = _visible_decision(request.user, pk)
    if decision.kind == Decision.Kind.EXTERNAL:
        raise Http404  # the competent body's decision exists only as its signed copy
    return _generated_pdf(decision)


@login_required
def decision_download(request, pk):
    """The version to read: the signed copy once uploaded, else the generated document."""
    decision = _visible_decision(request.user, pk)
    if decision.scanned_copy:
        return FileResponse(decision.scanned_copy.open("rb"), content_type="application/pdf",
                            filename=_file_name(decision, "-ban-da-ky"))
    if decision.kind == Decision.Kind.EXTERNAL:
        raise Http404
    return _generated_pdf(decision)


@login_required
@require_http_methods(["GET", "POST"])
def decision_scan(request, pk):
    decision = _visible_decision(request.user, pk)
    _require(permissions.can_upload_decision_scan(request.user, decision))
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_decisions.decision_upload_scan(decision=decision,
                                                    upload=form.cleaned_data["file"],
                                                    by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The signed copy has been uploaded."))
            return redirect(decision.get_absolute_url())
    return render(request, "awards/decisions/decision_scan.html",
                  {"form": form, "decision": decision})


# --- the competent body's decision, revocation -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def external_decision_create(request, pk):
    proposal = _visible_decision(request.user, pk)
    _require(permissions.can_issue_decisions_for(request.user, proposal.issuer)
             and proposal.kind == Decision.Kind.PROPOSAL
             and proposal.status == Decision.Status.ISSUED)
    waiting = nominations_awaiting_external_decision(proposal)
    form = ExternalDecisionForm(request.POST or None, nominations=waiting, initial={
        "issuing_body": proposal.issuing_body, "nominations": list(waiting),
        "title": proposal.title.replace("đề nghị ", "", 1)})
    if request.method == "POST" and form.is_valid():
        try:
            decision = services_decisions.external_decision_record(
                proposal=proposal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except TransitionError as error:
            form.add_error(None, " ".join([str(error.message), *map(str, error.problems)]))
        else:
            messages.success(request, _("The decision of the competent body has been recorded."))
            return redirect(decision.get_absolute_url())
    return render(request, "awards/decisions/external_form.html",
                  {"form": form, "proposal": proposal})


@login_required
@require_http_methods(["GET", "POST"])
def revocation_create(request, pk):
    record = get_award_record_for_user(request.user, pk)
    issuer = services_decisions.revocation_issuer(request.user, record)
    _require(issuer is not None and permissions.can_issue_decisions_for(request.user, issuer))
    if record.revoked:
        messages.error(request, _("This award has already been revoked."))
        return redirect("awards:decision_list")
    initial = services_decisions.decision_prefill(kind=Decision.Kind.REVOCATION, issuer=issuer,
                                                  record=record)
    form = DecisionForm(request.POST or None, kind=Decision.Kind.REVOCATION, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("body")
        try:
            decision = services_decisions.revocation_create(record=record, by=request.user,
                                                            reason=reason, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect(decision.get_absolute_url())
    return render(request, FORM_TEMPLATE, _draft_context(
        form, kind=Decision.Kind.REVOCATION, record=record))


# --- base salary -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def base_salary_list(request):
    _require(permissions.can_view_base_salary(request.user))
    can_manage = permissions.can_manage_base_salary(request.user)
    form = BaseSalaryForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        _require(can_manage)
        if form.is_valid():
            try:
                services_decisions.base_salary_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The base salary has been added."))
                return redirect("awards:base_salary_list")
    salaries = [{"salary": s, "amount": documents.format_vnd(s.amount)}
                for s in select_base_salaries()]
    return render(request, "awards/decisions/base_salary_list.html", {
        "salaries": salaries, "form": form, "can_manage": can_manage})
