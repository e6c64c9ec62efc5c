"""Pages for organizations, people and emulation groups. Thin: authorize, bind, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.scoping import active_role

from . import permissions, selectors, services
from .forms import (
    GroupCopyYearForm,
    GroupYearForm,
    OrganizationFilterForm,
    OrganizationForm,
    OrganizationMergeForm,
    OrganizationRenameForm,
    PersonFilterForm,
    PersonForm,
    PersonMoveForm,
)
from .models import EmulationGroup, Organization

PAGE_SIZE = 50


def paginate(request, queryset, per_page=PAGE_SIZE, *, by_ids=False, paginator=Paginator):
    """The page asked in ?page=. `paginator`: config.paginators.BoundedPaginator for a list whose
    full count costs as much as the page (the registry searched by a common name)."""
    if not by_ids:
        return paginator(queryset, per_page).get_page(request.GET.get("page"))
    # A deep page of a national list: find the page's ids on the index alone, then load only
    # those rows with their joins (bench/RESULTS.md, F3).
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(request.GET.get("page"))
    page.object_list = list(queryset.filter(pk__in=list(page.object_list)))
    return page


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal beside the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- organizations -----------------------------------------------------------------------------


@login_required
def organization_list(request):
    year = timezone.localdate().year
    form = OrganizationFilterForm(request.GET or None,
                                  groups=selectors.groups_visible_to(request.user, year))
    filters = form.cleaned_data if form.is_valid() else {}
    orgs = selectors.organization_list(request.user, year=year, **filters)
    return render(request, "clusters/organization_list.html", {
        "form": form, "page": paginate(request, orgs, by_ids=True),
        "can_add": permissions.can_add_organization_under(request.user, _own_org(request)),
    })


def _own_org(request):
    role = active_role(request.user)
    return role.organization if role else None


@login_required
def organization_detail(request, pk):
    org = selectors.get_organization_for_user(request.user, pk)
    return render(request, "clusters/organization_detail.html", {
        "org": org, **selectors.organization_detail(org),
        "can_edit": permissions.can_edit_organization(request.user, org),
        "can_add_child": permissions.can_add_organization_under(request.user, org),
        "can_manage_people": permissions.can_manage_people_of(request.user, org),
    })


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request):
    parent_qs = selectors.organizations_for(request.user)
    initial = {}
    if request.GET.get("parent"):
        parent = selectors.get_organization_for_user(request.user, request.GET["parent"])
        initial = {"parent": parent.code, "province": parent.province_id}
    if not permissions.can_add_organization_under(request.user, _own_org(request)):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, initial=initial, parent_queryset=parent_qs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not permissions.can_add_organization_under(request.user, data["parent"]):
            raise PermissionDenied
        try:
            org = services.organization_create(**data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Organization %(name)s has been added.") % {"name": org.name})
            return redirect(org)
    return render(request, "clusters/organization_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organization_update(request, pk):
    org = selectors.get_organization_for_user(request.user, pk)
    if not permissions.can_edit_organization(request.user, org):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, instance=org,
                            parent_queryset=selectors.organizations_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=org, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(org)
    return render(request, "clusters/organization_form.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def organization_rename(request, pk):
    org = selectors.get_organization_for_user(request.user, pk)
    if not permissions.can_edit_organization(request.user, org):
        raise PermissionDenied
    form = OrganizationRenameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_rename(organization=org, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The organization has been renamed; its former name is kept in its history."))
            return redirect(org)
    return render(request, "clusters/organization_rename.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def organization_merge(request, pk):
    org = selectors.get_organization_for_user(request.user, pk)
    if not permissions.can_edit_organization(request.user, org) or not org.is_active:
        raise PermissionDenied
    into_qs = selectors.organizations_for(request.user).filter(kind=org.kind).exclude(pk=org.pk)
    form = OrganizationMergeForm(request.POST or None, into_queryset=into_qs)
    if request.method == "POST" and form.is_valid():
        into = form.cleaned_data["into"]
        if not permissions.can_merge_organization(request.user, org, into):
            raise PermissionDenied
        try:
            services.organization_merge(absorbed=org, into=into, on_date=form.cleaned_data["on_date"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(a)s has been merged into %(b)s.") % {"a": org.name, "b": into.name})
            return redirect(into)
    return render(request, "clusters/organization_merge.html", {"form": form, "org": org})


# --- people ------------------------------------------------------------------------------------


@login_required
def person_list(request):
    orgs = selectors.organizations_for(request.user)
    form = PersonFilterForm(request.GET or None, organizations=orgs)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.person_list(request.user, **filters)
    own = _own_org(request)
    return render(request, "clusters/person_list.html", {
        "form": form, "page": paginate(request, people),
        "can_add": bool(own) and permissions.can_manage_people_of(request.user, own),
    })


@login_required
def person_detail(request, pk):
    person = selectors.get_person_for_user(request.user, pk)
    moves = person.moves.select_related("from_organization", "to_organization")
    return render(request, "clusters/person_detail.html", {
        "person": person, "moves": moves,
        "can_edit": permissions.can_edit_person(request.user, person),
        "history": person.history.select_related("history_user").order_by("-history_date")[:20],
    })


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    own = _own_org(request)
    if not own or not permissions.can_manage_people_of(request.user, own):
        raise PermissionDenied
    orgs = selectors.organizations_for(request.user)
    initial = {"organization": own.code}
    if request.GET.get("organization"):
        initial["organization"] = selectors.get_organization_for_user(
            request.user, request.GET["organization"]).code
    form = PersonForm(request.POST or None, initial=initial, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_duplicate"}
        duplicates = services.person_possible_duplicates(
            full_name=data["full_name"], birth_year=data["birth_year"],
            organization=data["organization"],
        )
        if duplicates.exists() and not form.cleaned_data["confirm_duplicate"]:
            form.duplicates = list(duplicates)
            form.add_error("confirm_duplicate", _(
                "The organization already has a person with the same full name and year of birth. "
                "Check the list above; if this is a different person, tick the confirmation and "
                "save again."))
        else:
            person = services.person_create(**data)
            messages.success(request, _("%(name)s has been added.") % {"name": person.full_name})
            return redirect(person)
    return render(request, "clusters/person_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_update(request, pk):
    person = selectors.get_person_for_user(request.user, pk)
    if not permissions.can_edit_person(request.user, person):
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=person,
                      organizations=selectors.organizations_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_duplicate"}
        services.person_update(person=person, **data)
        messages.success(request, _("Changes saved."))
        return redirect(person)
    return render(request, "clusters/person_form.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def person_move(request, pk):
    person = selectors.get_person_for_user(request.user, pk)
    if not permissions.can_edit_person(request.user, person):
        raise PermissionDenied
    # A person may move anywhere in the system, not only inside the user's scope.
    form = PersonMoveForm(request.POST or None,
                          organizations=Organization.objects.filter(active_to__isnull=True))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_move(person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The transfer has been recorded."))
            if permissions.can_view_person(request.user, person):
                return redirect(person)
            return redirect("clusters:person_list")
    return render(request, "clusters/person_move.html", {"form": form, "person": person})


# --- emulation groups --------------------------------------------------------------------------


def _year_from(request) -> int:
    today = timezone.localdate().year
    try:
        year = int(request.GET.get("year", today))
    except ValueError:
        return today
    return year if 2000 <= year <= today + 1 else today


@login_required
def group_list(request):
    year = _year_from(request)
    groups = selectors.groups_of_year(request.user, year)
    return render(request, "clusters/group_list.html", {
        "year": year, "groups": groups,
        "years": range(timezone.localdate().year + 1, 2020, -1),
    })


def _get_group_for_user(request, pk) -> EmulationGroup:
    group = get_object_or_404(EmulationGroup.objects.select_related("organizer"), pk=pk)
    if not permissions.can_view_group(request.user, group):
        raise Http404
    return group


@login_required
def group_detail(request, pk):
    group = _get_group_for_user(request, pk)
    years = [y for y in selectors.group_years(group)
             if permissions.can_view_group_year(request.user, group, y)]
    return render(request, "clusters/group_detail.html", {
        "group": group, "history": selectors.group_history(group, years=years),
        "can_manage": permissions.can_manage_groups_of(request.user, group.organizer),
        "next_year": timezone.localdate().year + 1,
    })


@login_required
@require_http_methods(["GET", "POST"])
def group_year_edit(request, pk, year):
    group = _get_group_for_user(request, pk)
    if not permissions.can_manage_groups_of(request.user, group.organizer):
        raise PermissionDenied
    current = next(iter(selectors.group_history(group, years=[year])), None)
    initial = {
        "members": current["members"] if current else [],
        "leader": current["leader"] if current else None,
        "deputy": current["deputy"] if current else None,
    }
    form = GroupYearForm(request.POST or None, initial=initial, group=group,
                         candidates=selectors.group_candidates(group))
    if request.method == "POST" and form.is_valid():
        try:
            services.group_set_year(group=group, year=year, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Members and leaders for %(year)s have been saved.") % {"year": year})
            return redirect(group)
    return render(request, "clusters/group_year_form.html", {"form": form, "group": group, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def group_copy_year(request):
    own = _own_org(request)
    if not own or not permissions.can_manage_groups_of(request.user, own):
        raise PermissionDenied
    organizer = own if not own.is_central else Organization.objects.filter(
        kind=Organization.Kind.VCA_CENTRAL).first()
    this_year = timezone.localdate().year
    form = GroupCopyYearForm(request.POST or None,
                             initial={"from_year": this_year, "to_year": this_year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.groups_copy_year(organizer=organizer, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, ngettext(
                "Created %(count)s membership for %(year)s. Elect the leaders and deputies and "
                "adjust the members of each cluster and bloc.",
                "Created %(count)s memberships for %(year)s. Elect the leaders and deputies and "
                "adjust the members of each cluster and bloc.",
                created,
            ) % {"count": created, "year": form.cleaned_data["to_year"]})
            return redirect(f"{reverse('clusters:group_list')}?year={form.cleaned_data['to_year']}")
    return render(request, "clusters/group_copy_year.html", {"form": form, "organizer": organizer})
