"""Pages of the award catalogue and the rule sets. Thin: authorize, bind, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusters.selectors import get_organization_for_user, get_person_for_user
from clusters.permissions import can_import
from clusters.spreadsheets import write_xlsx
from clusters.views import apply_service_errors, paginate
from clusters.views_import import XLSX
from config.paginators import BoundedPaginator

from . import permissions, selectors, services
from .forms import (
    AwardTypeForm,
    RegistrySearchForm,
    RuleParameterForm,
    RuleSetCreateForm,
    RuleSetForm,
)
from .imports import AwardRecordImporter, export_rows
from .models import AwardType, RuleParameter, RuleSet
from .eligibility import Candidate
from .views_eligibility import verdicts_now


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


# --- award types -------------------------------------------------------------------------------


@login_required
def award_type_list(request):
    _require(permissions.can_view_award_types(request.user))
    return render(request, "awards/award_type_list.html", {
        "award_types": selectors.award_type_list(),
        "can_manage": permissions.can_manage_award_types(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def award_type_create(request):
    _require(permissions.can_manage_award_types(request.user))
    form = AwardTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            award = services.award_type_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Award %(name)s has been added.") % {"name": award.name})
            return redirect("awards:award_type_list")
    return render(request, "awards/award_type_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def award_type_update(request, pk):
    _require(permissions.can_manage_award_types(request.user))
    award = get_object_or_404(AwardType, pk=pk)
    form = AwardTypeForm(request.POST or None, instance=award)
    if request.method == "POST" and form.is_valid():
        try:
            services.award_type_update(award_type=award, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("awards:award_type_list")
    return render(request, "awards/award_type_form.html", {
        "form": form, "award": award,
        "history": award.history.select_related("history_user").order_by("-history_date")[:20],
    })


# --- rule sets ---------------------------------------------------------------------------------


@login_required
def rule_set_list(request):
    _require(permissions.can_view_rule_sets(request.user))
    return render(request, "awards/rule_set_list.html", {
        "rule_sets": selectors.rule_set_list(),
        "can_manage": permissions.can_manage_rule_sets(request.user),
    })


@login_required
def rule_set_detail(request, pk):
    _require(permissions.can_view_rule_sets(request.user))
    rule_set = get_object_or_404(RuleSet, pk=pk)
    return render(request, "awards/rule_set_detail.html", {
        "rule_set": rule_set,
        "parameters": selectors.rule_set_parameters(rule_set),
        "change_log": selectors.rule_set_change_log(rule_set),
        "can_manage": permissions.can_manage_rule_sets(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def rule_set_create(request):
    _require(permissions.can_manage_rule_sets(request.user))
    current = RuleSet.objects.order_by("-valid_from").first()
    form = RuleSetCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule_set = services.rule_set_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The rule set has been added with the parameters of the "
                                        "previous one; change what the new text changes."))
            return redirect(rule_set)
    return render(request, "awards/rule_set_create.html", {"form": form, "current": current})


@login_required
@require_http_methods(["GET", "POST"])
def rule_set_update(request, pk):
    _require(permissions.can_manage_rule_sets(request.user))
    rule_set = get_object_or_404(RuleSet, pk=pk)
    initial = {f: getattr(rule_set, f) for f in selectors.RULE_SET_FIELDS}
    form = RuleSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_set_update(rule_set=rule_set, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(rule_set)
    return render(request, "awards/rule_set_form.html", {"form": form, "rule_set": rule_set})


@login_required
@require_http_methods(["GET", "POST"])
def rule_parameter_update(request, pk):
    _require(permissions.can_manage_rule_sets(request.user))
    parameter = get_object_or_404(RuleParameter.objects.select_related("rule_set"), pk=pk)
    form = RuleParameterForm(request.POST or None, parameter=parameter, initial={
        "value": parameter.display_value if parameter.kind == "decimal" else parameter.value,
        "verified": parameter.verified, "legal_citation": parameter.legal_citation,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_parameter_set_value(parameter=parameter, by=request.user,
                                              **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(parameter.rule_set)
    return render(request, "awards/rule_parameter_form.html", {
        "form": form, "parameter": parameter, "rule_set": parameter.rule_set})


# --- the registry ------------------------------------------------------------------------------


@login_required
def registry_search(request):
    _require(permissions.can_view_registry(request.user))
    form = RegistrySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    records = selectors.registry_search(request.user, **filters)
    # A name common over the whole country matches tens of thousands of records: count them only
    # up to 1,000 or the end of the page shown ("more than 1.000"), not all (bench/RESULTS.md §14).
    return render(request, "awards/registry_search.html", {
        "form": form, "page": paginate(request, records, paginator=BoundedPaginator),
        "can_import": can_import(request.user),
    })


@login_required
def registry_export(request):
    """The current filtered view of the registry as .xlsx, in the import's columns."""
    _require(permissions.can_view_registry(request.user))
    form = RegistrySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    records = (selectors.registry_search(request.user, **filters).prefetch_related(None)
               .iterator(chunk_size=2000))
    data = write_xlsx(AwardRecordImporter.headers, export_rows(records),
                      title=_("Award registry"))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="so-khen-thuong.xlsx"'
    return response


@login_required
def person_awards(request, pk):
    person = get_person_for_user(request.user, pk)
    return render(request, "awards/person_awards.html", {
        "person": person, "years": selectors.person_award_history(person),
        "can_view_facts": permissions.can_view_person_facts(request.user, person),
        **verdicts_now(Candidate(person=person)),
    })


@login_required
def organization_awards(request, pk):
    org = get_organization_for_user(request.user, pk)
    return render(request, "awards/organization_awards.html", {
        "org": org, "years": selectors.organization_award_history(org),
        "can_view_facts": permissions.can_view_collective_facts(request.user, org),
        **verdicts_now(Candidate(organization=org)),
    })
