"""Pages of the scoring rounds: the rounds of a group and year, a round with who has sent, the
score sheet, the evidence, the ranking with its audit per unit, and the leader's proposal of
the leading units. Thin: look up in scope (404; 403 for a sheet whose step does not show it
yet), check the predicate, bind a form, call one service of emulation.services_scoring."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import active_role
from awards.uploads import attachment_response
from clusters.models import EmulationGroup
from clusters.views import apply_service_errors

from . import permissions_scoring as perms
from . import selectors_scoring as selectors
from . import services_scoring as services
from .forms_scoring import EvidenceForm, ProposalForm, RoundForm, SheetForm, transition_form
from .models import Criterion, ScoreSheet, ScoringRound
from .scoring import points_text, round_results
from .scoring_workflow import ROUND_TRANSITIONS, next_status


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _refused(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


# --- rounds ------------------------------------------------------------------------------------


@login_required
def round_list(request):
    _require(active_role(request.user) is not None)
    groups = selectors.manageable_groups(request.user)
    group = None
    if request.GET.get("group", "").isdigit():
        group = get_object_or_404(EmulationGroup, pk=request.GET["group"])
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None
    rounds = list(selectors.rounds_for(request.user, group=group, year=year)[:200])
    return render(request, "emulation/round_list.html", {
        "rounds": rounds, "group": group, "year": year, "can_create": groups.exists()})


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    groups = selectors.manageable_groups(request.user)
    _require(groups.exists())
    initial = {"group": request.GET.get("group"), "year": request.GET.get("year")}
    form = RoundForm(request.POST or None, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The round has been created."))
            return redirect(round)
    return render(request, "emulation/round_form.html", {"form": form})


def _history(round):
    """Each change of status: who, when, and the reason of a forced step (one query)."""
    records = list(round.history.select_related("history_user").order_by("history_date",
                                                                         "history_id"))
    steps, previous = [], None
    for record in records:
        if record.status != previous:
            steps.append(record)
        previous = record.status
    return steps


@login_required
def round_detail(request, pk):
    round = selectors.get_round_for_user(request.user, pk)
    sheets = selectors.round_sheets(round)
    to = next_status(round.status)
    can_manage = perms.can_manage_round(request.user, round)
    for sheet in sheets:
        sheet.can_open = perms.can_view_sheet(request.user, sheet)
        sheet.can_edit = perms.can_edit_sheet(request.user, sheet)
    return render(request, "emulation/round_detail.html", {
        "round": round, "sheets": sheets, "can_manage": can_manage,
        "self_sheets": [s for s in sheets if s.kind == ScoreSheet.Kind.SELF],
        "second_sheets": [s for s in sheets if s.kind != ScoreSheet.Kind.SELF],
        "my_sheets": [s for s in sheets if s.can_edit],
        "next": to, "next_label": ROUND_TRANSITIONS[(round.status, to)][1] if to else "",
        "transition_form": (transition_form(to, initial={"to": to}) if to and can_manage
                            else None),
        "history": _history(round),
        "can_rank": perms.can_view_ranking(request.user, round),
        "can_propose_page": perms.can_view_proposal(request.user, round),
    })


@login_required
@require_http_methods(["GET", "POST"])
def round_transition(request, pk):
    """GET: the next step with its reason field (and, for the close, the review conference; also
    the page without scripts); POST: do it."""
    round = selectors.get_round_for_user(request.user, pk)
    _require(perms.can_manage_round(request.user, round))
    to = next_status(round.status)
    if request.method == "GET":
        return render(request, "emulation/round_transition.html", {
            "round": round, "form": transition_form(to, initial={"to": to}) if to else None,
            "label": ROUND_TRANSITIONS[(round.status, to)][1] if to else ""})
    form = transition_form(to, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(round)
    try:
        round = services.round_transition(round=round, to=form.cleaned_data["to"],
                                          by=request.user, reason=form.cleaned_data["reason"],
                                          conference=form.cleaned_data.get("conference", ""))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The round is now: %(state)s.") % {
            "state": round.get_status_display()})
    return redirect(round)


# --- sheets ------------------------------------------------------------------------------------


def _sheet_rows(page, form, can_edit):
    rows = []
    for section in page["sections"]:
        lines = []
        for c in section.criteria.all():
            score, own = page["scores"].get(c.pk), page["own_scores"].get(c.pk)
            lines.append({
                "criterion": c, "score": score, "own": own,
                "points": points_text(score.points) if score else "",
                "own_points": points_text(own.points) if own else "",
                "max": points_text(c.max_points),
                "points_field": form[f"points_{c.pk}"] if can_edit else None,
                "comment_field": form[f"comment_{c.pk}"] if can_edit else None,
            })
        rows.append((section, lines))
    return rows


def _sheet_context(request, sheet, form=None):
    can_edit = perms.can_edit_sheet(request.user, sheet)
    page = selectors.sheet_page(sheet, show_self=True)
    defaults = {}
    if sheet.kind == ScoreSheet.Kind.VERIFY:
        defaults = {k: s.points for k, s in page["own_scores"].items()}
    if form is None:
        form = SheetForm(criteria=page["criteria"], scores=page["scores"], defaults=defaults)
    return {"sheet": sheet, "round": sheet.round, "form": form, "can_edit": can_edit,
            "rows": _sheet_rows(page, form, can_edit), "own_sheet": page["own_sheet"],
            "evidence_form": EvidenceForm() if perms.can_add_evidence(request.user, sheet)
            else None,
            "total": points_text(sheet.total) if sheet.total is not None else ""}


@login_required
@require_http_methods(["GET", "POST"])
def sheet_detail(request, pk):
    sheet = selectors.get_sheet_for_user(request.user, pk)
    if request.method == "GET":
        return render(request, "emulation/sheet_detail.html", _sheet_context(request, sheet))
    _require(perms.can_edit_sheet(request.user, sheet))
    criteria = [c for s in selectors.criteria_of(sheet.round.table) for c in s.criteria.all()]
    form = SheetForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            services.sheet_save(sheet=sheet, lines=form.lines(), by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The points have been saved."))
            return redirect("emulation:sheet_detail", pk=sheet.pk)
    return render(request, "emulation/sheet_detail.html", _sheet_context(request, sheet, form))


@login_required
@require_http_methods(["GET", "POST"])
def sheet_submit(request, pk):
    sheet = selectors.get_sheet_for_user(request.user, pk)
    _require(perms.can_submit_sheet(request.user, sheet))
    if request.method == "POST":
        try:
            services.sheet_submit(sheet=sheet, by=request.user)
        except ValidationError as error:
            _refused(request, error)
            return redirect("emulation:sheet_detail", pk=sheet.pk)
        messages.success(request, _("The sheet has been sent; it can no longer be changed."))
        return redirect(sheet.round)
    return render(request, "emulation/sheet_submit.html", {"sheet": sheet, "round": sheet.round})


@login_required
@require_http_methods(["GET", "POST"])
def evidence_upload(request, pk, criterion_id):
    sheet = selectors.get_sheet_for_user(request.user, pk)
    criterion = Criterion.objects.select_related("section").filter(
        pk=criterion_id, section__table_id=sheet.round.table_id).first()
    if criterion is None:
        raise Http404
    _require(perms.can_add_evidence(request.user, sheet))
    if request.method == "GET":
        return render(request, "emulation/sheet_evidence.html", {
            "sheet": sheet, "round": sheet.round, "criterion": criterion, "form": EvidenceForm()})
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["file"]))
    else:
        try:
            evidence = services.evidence_add(sheet=sheet, criterion=criterion,
                                             upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("“%(name)s” has been attached.") % {
                "name": evidence.original_name})
    return redirect("emulation:sheet_detail", pk=sheet.pk)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_remove(request, pk):
    """GET asks; POST removes the file from a line of the user's self sheet in preparation."""
    evidence = selectors.get_evidence_for_user(request.user, pk)
    sheet = evidence.score.sheet
    _require(perms.can_add_evidence(request.user, sheet))
    if request.method == "GET":
        return render(request, "emulation/evidence_remove.html", {
            "evidence": evidence, "sheet": sheet, "round": sheet.round})
    services.evidence_remove(evidence=evidence, by=request.user)
    messages.success(request, _("“%(name)s” has been removed.") % {
        "name": evidence.original_name})
    return redirect("emulation:sheet_detail", pk=sheet.pk)


@login_required
def evidence_download(request, pk):
    """Only those who may see the sheet download its evidence; always as an attachment."""
    evidence = selectors.get_evidence_for_user(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return attachment_response(evidence.file, evidence.original_name, evidence.content_type)


# --- ranking and proposal ----------------------------------------------------------------------


@login_required
def ranking(request, pk):
    round = selectors.get_round_for_user(request.user, pk)
    allowed = perms.can_view_ranking(request.user, round)
    return render(request, "emulation/ranking.html", {
        "round": round, "results": round_results(round) if allowed else [],
        "closed": round.status == ScoringRound.Status.CLOSED, "rest": 100 - round.self_weight,
        "can_propose_page": perms.can_view_proposal(request.user, round)})


@login_required
def ranking_unit(request, pk, organization_id):
    round = selectors.get_round_for_user(request.user, pk)
    _require(perms.can_view_ranking(request.user, round))
    result = next((r for r in round_results(round) if r.organization.pk == organization_id),
                  None)
    if result is None:
        raise Http404
    audit = selectors.unit_audit(round, result.organization)
    for row in audit["rows"]:
        row["own_text"] = points_text(row["own"].points) if row["own"] else "–"
        row["other_texts"] = [points_text(s.points) if s else "–" for s in row["others"]]
    has_comments = any(s and s.comment for row in audit["rows"] for s in row["others"])
    return render(request, "emulation/ranking_unit.html", {"round": round, "result": result,
                                                           "has_comments": has_comments, **audit})


@login_required
@require_http_methods(["GET", "POST"])
def proposal(request, pk):
    round = selectors.get_round_for_user(request.user, pk)
    _require(perms.can_view_proposal(request.user, round))
    proposals = list(round.proposals.select_related("organization", "award_type",
                                                    "nomination__dossier__cycle"))
    results = round_results(round) if round.status == ScoringRound.Status.CLOSED else []
    can_propose = perms.can_propose(request.user, round) and not proposals
    form = ProposalForm(request.POST or None, results=results)
    if request.method == "POST":
        _require(can_propose)
        if form.is_valid():
            try:
                services.proposal_confirm(round=round, choices=form.choices(),
                                          reasons=form.reasons(), by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The proposal has been recorded as nominations in "
                                            "the leader unit's dossier."))
                return redirect("emulation:proposal", pk=round.pk)
    limits, limit_error = {}, ""
    if results:
        try:
            limits = services.proposal_limits(round)
        except ValidationError as error:
            limit_error = " ".join(error.messages)
    return render(request, "emulation/proposal.html", {
        "round": round, "form": form, "proposals": proposals, "can_propose": can_propose,
        "flag_limit": limits.get(services.FLAG), "certificate_limit":
        limits.get(services.CERTIFICATE), "limit_error": limit_error, "closed": bool(results)})
