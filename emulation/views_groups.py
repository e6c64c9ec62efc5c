"""Pages of a group's year — the pledge (giao ước thi đua) and the criteria table (bảng tiêu
chí) — and of the groups outside the Alliance. Thin: look the object up through the user's
rights (404), check the predicate (403), bind a form, call one service, redirect with a
message. GET on an action shows a confirmation; the pages post to it directly."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from awards.uploads import attachment_response, max_file_bytes
from clusters.views import apply_service_errors

from . import permissions_groups as perms
from . import selectors_groups as selectors
from . import services_groups as services
from .forms_groups import (
    CriteriaTableForm, CriterionForm, ExternalGroupForm, ExternalYearForm, PledgeCreateForm,
    PledgeForm, PledgeSignForm, SectionForm, TargetForm,
)
from .models import Pledge

MOVES = {"up": gettext_lazy("Move up"), "down": gettext_lazy("Move down")}


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _refused(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


def _confirm(request, *, title, question, button, back, danger=False, crumbs=()):
    return render(request, "emulation/pledge_confirm.html", {
        "title": title, "question": question, "button": button, "back_url": back,
        "danger": danger, "crumbs": crumbs})


def _file_response(field, name):
    return attachment_response(field, name)


# --- pledges -----------------------------------------------------------------------------------


def _pledge_context(request, pledge, **extra):
    can_edit = perms.can_edit_group_year(request.user, pledge.group, pledge.year)
    context = {"pledge": pledge, "group": pledge.group, "year": pledge.year,
               "can_edit": can_edit, "is_draft": pledge.status == Pledge.Status.DRAFT,
               "leader": selectors.group_leader(pledge.group, pledge.year),
               **selectors.pledge_page(pledge)}
    if can_edit and context["is_draft"]:
        context.setdefault("target_form", TargetForm())
    context.update(extra)
    return context


@login_required
def group_pledge(request, group_pk, year):
    """The pledge of a group's year, or (none yet) the form that starts it."""
    group = selectors.get_group_year_for_user(request.user, group_pk, year)
    pledge = selectors.pledge_of(group, year)
    if pledge is not None:
        return render(request, "emulation/pledge_detail.html", _pledge_context(request, pledge))
    can_edit = perms.can_edit_group_year(request.user, group, year)
    return render(request, "emulation/pledge_missing.html", {
        "group": group, "year": year, "can_edit": can_edit,
        "form": PledgeCreateForm(initial={"title": _default_pledge_title(group, year)})
        if can_edit else None})


def _default_pledge_title(group, year):
    return _("Emulation pledge %(year)s – %(group)s") % {"year": year, "group": group.name}


@login_required
@require_http_methods(["GET", "POST"])
def pledge_create(request, group_pk, year):
    group = selectors.get_group_year_for_user(request.user, group_pk, year)
    _require(perms.can_edit_group_year(request.user, group, year))
    form = PledgeCreateForm(request.POST or None, initial={
        "title": _default_pledge_title(group, year)})
    if request.method == "POST" and form.is_valid():
        try:
            pledge = services.pledge_create(group=group, year=year, by=request.user,
                                            **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The pledge has been started: add its targets."))
            return redirect(pledge)
    return render(request, "emulation/pledge_missing.html", {
        "group": group, "year": year, "can_edit": True, "form": form})


@login_required
def pledge_detail(request, pk):
    pledge = selectors.get_pledge_for_user(request.user, pk)
    return render(request, "emulation/pledge_detail.html", _pledge_context(request, pledge))


@login_required
@require_http_methods(["GET", "POST"])
def pledge_edit(request, pk):
    pledge = selectors.get_pledge_for_user(request.user, pk)
    _require(perms.can_edit_group_year(request.user, pledge.group, pledge.year))
    form = PledgeForm(request.POST or None, initial={"title": pledge.title, "note": pledge.note,
                                                     "sign_by": pledge.sign_by})
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_update(pledge=pledge, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(pledge)
    return render(request, "emulation/pledge_form.html", {
        "pledge": pledge, "form": form, "title": _("Edit the pledge")})


@login_required
@require_http_methods(["GET", "POST"])
def target_add(request, pk):
    pledge = selectors.get_pledge_for_user(request.user, pk)
    _require(perms.can_edit_group_year(request.user, pledge.group, pledge.year))
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_add(pledge=pledge, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The target has been added."))
            return redirect(pledge)
    return render(request, "emulation/pledge_form.html", {
        "pledge": pledge, "form": form, "title": _("Add a target")})


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk, target_id):
    pledge = selectors.get_pledge_for_user(request.user, pk)
    target = selectors.get_target(pledge, target_id)
    _require(perms.can_edit_group_year(request.user, pledge.group, pledge.year))
    form = TargetForm(request.POST or None, initial={"text": target.text,
                                                     "max_points": target.max_points})
    if request.method == "POST" and form.is_valid():
        try:
            services.target_update(target=target, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(pledge)
    return render(request, "emulation/pledge_form.html", {
        "pledge": pledge, "form": form, "title": _("Edit the target")})


def _pledge_crumbs(pledge):
    return [(pledge.get_absolute_url(), str(pledge))]


@login_required
@require_http_methods(["GET", "POST"])
def target_remove(request, pk, target_id):
    pledge = selectors.get_pledge_for_user(request.user, pk)
    target = selectors.get_target(pledge, target_id)
    _require(perms.can_edit_group_year(request.user, pledge.group, pledge.year))
    if request.method == "GET":
        return _confirm(request, title=_("Remove the target"), danger=True,
                        question=_("Remove the target “%(text)s”?") % {"text": str(target)},
                        button=_("Remove"), back=pledge.get_absolute_url(),
                        crumbs=_pledge_crumbs(pledge))
    try:
        services.target_remove(target=target, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The target has been removed."))
    return redirect(pledge)


@login_required
@require_http_methods(["GET", "POST"])
def target_move(request, pk, target_id, direction):
    pledge = selectors.get_pledge_for_user(request.user, pk)
    target = selectors.get_target(pledge, target_id)
    _require(perms.can_edit_group_year(request.user, pledge.group, pledge.year))
    if request.method == "GET":
        return _confirm(request, title=MOVES[direction], question=str(target),
                        button=MOVES[direction], back=pledge.get_absolute_url(),
                        crumbs=_pledge_crumbs(pledge))
    try:
        services.target_move(target=target, direction=direction, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    return redirect(f"{pledge.get_absolute_url()}#target-{target.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def pledge_sign(request, pk):
    pledge = selectors.get_pledge_for_user(request.user, pk)
    _require(perms.can_edit_group_year(request.user, pledge.group, pledge.year))
    members = selectors.group_members(pledge.group, pledge.year)
    form = PledgeSignForm(request.POST or None, request.FILES or None, members=members,
                          initial={"signatories": list(members), "place": pledge.place})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pledge_sign(pledge=pledge, by=request.user, signed_on=data["signed_on"],
                                 place=data["place"], signatories=data["signatories"],
                                 upload=data["document"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The signing has been recorded; the pledge is now "
                                        "locked."))
            return redirect(pledge)
    return render(request, "emulation/pledge_sign.html", {
        "pledge": pledge, "form": form, "target_count": pledge.targets.count(),
        "max_file_mb": max_file_bytes() // (1024 * 1024)})


@login_required
def pledge_document(request, pk):
    """Whoever sees the pledge downloads the signed document, as an attachment."""
    pledge = selectors.get_pledge_for_user(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _file_response(pledge.document, pledge.document_name)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_to_criteria(request, pk):
    pledge = selectors.get_pledge_for_user(request.user, pk)
    _require(perms.can_edit_group_year(request.user, pledge.group, pledge.year))
    if request.method == "GET":
        return _confirm(request, title=_("Turn the targets into criteria"),
                        question=_("Add each target not yet in the %(year)s criteria table as a "
                                   "criterion of the section “%(section)s”?") % {
                            "year": pledge.year, "section": services.PLEDGE_SECTION_TITLE},
                        button=_("Turn the targets into criteria"),
                        back=pledge.get_absolute_url(), crumbs=_pledge_crumbs(pledge))
    try:
        added = services.pledge_targets_to_criteria(pledge=pledge, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect(pledge)
    if added:
        messages.success(request, _("%(count)s criteria have been added to the criteria table.")
                         % {"count": added})
    else:
        messages.info(request, _("Every target is already in the criteria table."))
    return redirect("emulation:group_criteria", pledge.group_id, pledge.year)


# --- criteria tables ---------------------------------------------------------------------------


def _table_context(request, table, **extra):
    can_edit = perms.can_edit_group_year(request.user, table.group, table.year)
    return {"table": table, "group": table.group, "year": table.year,
            "can_edit": can_edit and not table.locked, "editor": can_edit,
            **selectors.table_page(table), **extra}


@login_required
def group_criteria(request, group_pk, year):
    """The criteria table of a group's year, or (none yet) the ways to start it."""
    group = selectors.get_group_year_for_user(request.user, group_pk, year)
    table = selectors.table_of(group, year)
    if table is not None:
        return render(request, "emulation/criteria_table_detail.html",
                      _table_context(request, table))
    can_edit = perms.can_edit_group_year(request.user, group, year)
    return render(request, "emulation/criteria_missing.html", {
        "group": group, "year": year, "can_edit": can_edit,
        "previous": selectors.table_of(group, year - 1),
        "form": CriteriaTableForm(initial={"title": services._default_table_title(group, year)})
        if can_edit else None})


@login_required
@require_http_methods(["GET", "POST"])
def criteria_table_create(request, group_pk, year):
    group = selectors.get_group_year_for_user(request.user, group_pk, year)
    _require(perms.can_edit_group_year(request.user, group, year))
    form = CriteriaTableForm(request.POST or None, initial={
        "title": services._default_table_title(group, year)})
    if request.method == "POST" and form.is_valid():
        try:
            table = services.criteria_table_create(group=group, year=year, by=request.user,
                                                   **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The criteria table has been created."))
            return redirect(table)
    return render(request, "emulation/criteria_missing.html", {
        "group": group, "year": year, "can_edit": True, "form": form,
        "previous": selectors.table_of(group, year - 1)})


@login_required
@require_http_methods(["GET", "POST"])
def criteria_table_copy(request, group_pk, year):
    group = selectors.get_group_year_for_user(request.user, group_pk, year)
    _require(perms.can_edit_group_year(request.user, group, year))
    previous = selectors.table_of(group, year - 1)
    if previous is None:
        raise Http404
    back = reverse("emulation:group_criteria", args=[group.pk, year])
    if request.method == "GET":
        return _confirm(request, title=_("Copy from the previous year"),
                        question=_("Create the %(year)s criteria table as a copy of “%(title)s” "
                                   "(sections and criteria)?") % {"year": year,
                                                                  "title": previous.title},
                        button=_("Copy"), back=back)
    try:
        table = services.criteria_table_copy(source=previous, group=group, year=year,
                                             by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect(back)
    messages.success(request, _("The criteria table has been copied from %(year)s: review it "
                                "and change what is new this year.") % {"year": year - 1})
    return redirect(table)


@login_required
def criteria_table_detail(request, pk):
    table = selectors.get_table_for_user(request.user, pk)
    return render(request, "emulation/criteria_table_detail.html",
                  _table_context(request, table))


def _table_form(request, table, form, title, **extra):
    return render(request, "emulation/criteria_form.html", {
        "table": table, "form": form, "title": title, **extra})


def _editable_table(request, pk):
    table = selectors.get_table_for_user(request.user, pk)
    _require(perms.can_edit_group_year(request.user, table.group, table.year))
    return table


def _save(request, form, back, call, success, **kwargs):
    """Bind → service → redirect to `back`; None when the form has to be shown again."""
    if request.method == "POST" and form.is_valid():
        try:
            call(by=request.user, **kwargs, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(back)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def criteria_table_edit(request, pk):
    table = _editable_table(request, pk)
    form = CriteriaTableForm(request.POST or None, initial={"title": table.title})
    return (_save(request, form, table, services.criteria_table_update,
                  _("The changes have been saved."), table=table)
            or _table_form(request, table, form, _("Edit the criteria table")))


@login_required
@require_http_methods(["GET", "POST"])
def section_add(request, pk):
    table = _editable_table(request, pk)
    form = SectionForm(request.POST or None)
    return (_save(request, form, table, services.section_add, _("The section has been added."),
                  table=table)
            or _table_form(request, table, form, _("Add a section")))


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request, pk, section_id):
    table = _editable_table(request, pk)
    section = selectors.get_section(table, section_id)
    form = SectionForm(request.POST or None, initial={"code": section.code,
                                                      "title": section.title})
    return (_save(request, form, table, services.section_update,
                  _("The changes have been saved."), section=section)
            or _table_form(request, table, form, _("Edit the section")))


@login_required
@require_http_methods(["GET", "POST"])
def criterion_add(request, pk, section_id):
    table = _editable_table(request, pk)
    section = selectors.get_section(table, section_id)
    form = CriterionForm(request.POST or None, initial={"kind": "standard"})
    return (_save(request, form, table, services.criterion_add,
                  _("The criterion has been added."), section=section)
            or _table_form(request, table, form, _("Add a criterion"), section=section))


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk, criterion_id):
    table = _editable_table(request, pk)
    criterion = selectors.get_criterion(table, criterion_id)
    form = CriterionForm(request.POST or None, initial={
        name: getattr(criterion, name) for name in CriterionForm.base_fields})
    return (_save(request, form, table, services.criterion_update,
                  _("The changes have been saved."), criterion=criterion)
            or _table_form(request, table, form, _("Edit the criterion"),
                           section=criterion.section))


def _table_action(request, table, *, title, question, button, call, success, danger=False,
                  anchor=""):
    """GET: confirm; POST: call the service and go back to the table."""
    if request.method == "GET":
        return _confirm(request, title=title, question=question, button=button, danger=danger,
                        back=table.get_absolute_url(),
                        crumbs=[(table.get_absolute_url(), str(table))])
    try:
        call()
    except ValidationError as error:
        _refused(request, error)
    else:
        if success:
            messages.success(request, success)
    return redirect(table.get_absolute_url() + anchor)


@login_required
@require_http_methods(["GET", "POST"])
def section_remove(request, pk, section_id):
    table = _editable_table(request, pk)
    section = selectors.get_section(table, section_id)
    return _table_action(
        request, table, title=_("Remove the section"), button=_("Remove"), danger=True,
        question=_("Remove the section “%(title)s” and all its criteria?") % {
            "title": str(section)},
        call=lambda: services.section_remove(section=section, by=request.user),
        success=_("The section has been removed."))


@login_required
@require_http_methods(["GET", "POST"])
def section_move(request, pk, section_id, direction):
    table = _editable_table(request, pk)
    section = selectors.get_section(table, section_id)
    return _table_action(
        request, table, title=MOVES[direction], button=MOVES[direction], question=str(section),
        call=lambda: services.section_move(section=section, direction=direction,
                                           by=request.user),
        success="", anchor=f"#section-{section.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def criterion_remove(request, pk, criterion_id):
    table = _editable_table(request, pk)
    criterion = selectors.get_criterion(table, criterion_id)
    return _table_action(
        request, table, title=_("Remove the criterion"), button=_("Remove"), danger=True,
        question=_("Remove the criterion “%(text)s”?") % {"text": str(criterion)},
        call=lambda: services.criterion_remove(criterion=criterion, by=request.user),
        success=_("The criterion has been removed."))


@login_required
@require_http_methods(["GET", "POST"])
def criterion_move(request, pk, criterion_id, direction):
    table = _editable_table(request, pk)
    criterion = selectors.get_criterion(table, criterion_id)
    return _table_action(
        request, table, title=MOVES[direction], button=MOVES[direction],
        question=str(criterion),
        call=lambda: services.criterion_move(criterion=criterion, direction=direction,
                                             by=request.user),
        success="", anchor=f"#criterion-{criterion.pk}")


# --- groups outside the Alliance ---------------------------------------------------------------


@login_required
def external_group_list(request):
    groups = selectors.external_group_list(request.user)
    return render(request, "emulation/external_group_list.html", {
        "groups": list(groups), "can_manage": perms.can_manage_external_groups(request.user)})


@login_required
def external_group_detail(request, pk):
    group = selectors.get_external_group_for_user(request.user, pk)
    return render(request, "emulation/external_group_detail.html", {
        "group": group, "years": list(group.years.order_by("-year")),
        "can_manage": perms.can_manage_external_groups(request.user)})


def _external_form(request, form, group=None):
    return render(request, "emulation/external_group_form.html", {"form": form, "group": group})


@login_required
@require_http_methods(["GET", "POST"])
def external_group_create(request):
    selectors.external_group_list(request.user)  # 404 for those who do not see them
    _require(perms.can_manage_external_groups(request.user))
    form = ExternalGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.external_group_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The group has been recorded."))
            return redirect(group)
    return _external_form(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def external_group_edit(request, pk):
    group = selectors.get_external_group_for_user(request.user, pk)
    _require(perms.can_manage_external_groups(request.user))
    form = ExternalGroupForm(request.POST or None, initial={
        name: getattr(group, name) for name in ExternalGroupForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.external_group_update(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(group)
    return _external_form(request, form, group)


def _year_data(form):
    data = dict(form.cleaned_data)
    return data.pop("pledge_document", None), data


@login_required
@require_http_methods(["GET", "POST"])
def external_year_add(request, pk):
    group = selectors.get_external_group_for_user(request.user, pk)
    _require(perms.can_manage_external_groups(request.user))
    form = ExternalYearForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, data = _year_data(form)
        try:
            services.external_year_add(group=group, by=request.user, upload=upload, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The year has been recorded."))
            return redirect(group)
    return render(request, "emulation/external_year_form.html", {"form": form, "group": group})


@login_required
@require_http_methods(["GET", "POST"])
def external_year_edit(request, pk, year_id):
    group = selectors.get_external_group_for_user(request.user, pk)
    entry = selectors.get_external_year(group, year_id)
    _require(perms.can_manage_external_groups(request.user))
    form = ExternalYearForm(request.POST or None, request.FILES or None, initial={
        name: getattr(entry, name) for name in ExternalYearForm.base_fields
        if name != "pledge_document"})
    if request.method == "POST" and form.is_valid():
        upload, data = _year_data(form)
        try:
            services.external_year_update(entry=entry, by=request.user, upload=upload, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(group)
    return render(request, "emulation/external_year_form.html", {
        "form": form, "group": group, "entry": entry})


@login_required
def external_year_document(request, pk, year_id):
    group = selectors.get_external_group_for_user(request.user, pk)
    entry = selectors.get_external_year(group, year_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _file_response(entry.pledge_document, entry.pledge_document_name)
