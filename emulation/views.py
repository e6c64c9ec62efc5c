"""Pages of the emulation year: the legal documents, the movements, the registration calls and
the units' registrations. Thin: look the object up in the user's scope (404 outside), check the
predicate (403), bind a form, call one service of emulation.services, redirect with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import active_role
from clusters.views import apply_service_errors, paginate

from . import permissions, selectors, services
from .citations import CitationIndex
from .forms import (
    CallForm, CollectiveEntryForm, DocumentFilterForm, DocumentForm, MovementFilterForm,
    MovementForm, MovementsForm, PersonEntryForm, RegistrationStartForm, find_people,
    person_label,
)
from .models import Movement, Registration

PAGE_SIZE = 50


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _own_organization(user):
    role = active_role(user)
    return role.organization if role else None


def _organizer_for(user):
    """The body whose calls a user opens: the Alliance for its departments' administrators,
    otherwise the organization of the active role."""
    org = _own_organization(user)
    while org is not None and org.kind == "department" and org.parent_id:
        org = org.parent
    return org


def _refused(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


# --- legal documents ---------------------------------------------------------------------------


@login_required
def document_list(request):
    _require(permissions.can_view_documents(request.user))
    form = DocumentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    return render(request, "emulation/document_list.html", {
        "filter_form": form, "today": today,
        "page": paginate(request, selectors.document_list(**filters, on_date=today), PAGE_SIZE),
        "can_manage": permissions.can_manage_documents(request.user),
    })


@login_required
def document_detail(request, pk):
    _require(permissions.can_view_documents(request.user))
    document = selectors.get_document(pk)
    index = CitationIndex()
    today = timezone.localdate()
    return render(request, "emulation/document_detail.html", {
        "document": document, "today": today, "flag": index.flag(document, today),
        "chain": index.chain(document),
        "replaces": list(document.replaces.order_by("-issued_on")),
        "movements": list(document.movements.order_by("-start_date")[:50]),
        "can_manage": permissions.can_manage_documents(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request):
    _require(permissions.can_manage_documents(request.user))
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(number)s has been added to the registry.") % {
                "number": document.number})
            return redirect(document)
    return render(request, "emulation/document_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, pk):
    document = selectors.get_document(pk)
    _require(permissions.can_manage_documents(request.user))
    initial = {name: getattr(document, name) for name in DocumentForm.base_fields}
    form = DocumentForm(request.POST or None, document=document, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(document=document, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(document)
    return render(request, "emulation/document_form.html", {"form": form, "document": document})


# --- movements ---------------------------------------------------------------------------------


@login_required
def movement_list(request):
    _require(permissions.can_view_movements(request.user))
    form = MovementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    page = paginate(request, selectors.movement_list(request.user, day=today, **filters),
                    PAGE_SIZE)
    index = CitationIndex()
    for movement in page.object_list:
        movement.status_today = movement.status_on(today)
        movement.status_label = selectors.status_label(movement.status_today)
        movement.document_flag = index.flag(movement.document, movement.start_date) if (
            movement.document) else None
    return render(request, "emulation/movement_list.html", {
        "filter_form": form, "page": page, "today": today,
        "can_create": permissions.can_launch_any_movement(request.user),
    })


@login_required
def movement_detail(request, pk):
    movement = selectors.get_movement_for_user(request.user, pk)
    today = timezone.localdate()
    index = CitationIndex()
    flags = []
    if movement.document:
        flag = index.flag(movement.document, movement.start_date, where=_("Launching document"))
        flags += [flag] if flag else []
    text = "\n".join([movement.theme, movement.description])
    flags += index.check(text, movement.start_date, where=_("Theme and description"))
    return render(request, "emulation/movement_detail.html", {
        "movement": movement, "today": today, "status": movement.status_on(today),
        "status_label": selectors.status_label(movement.status_on(today)),
        "flags": flags, "participants": list(movement.participants.order_by("kind", "sort_key")),
        "registration_count": movement.registrations.count(),
        "can_edit": permissions.can_edit_movement(request.user, movement),
    })


@login_required
@require_http_methods(["GET", "POST"])
def movement_create(request):
    _require(permissions.can_launch_any_movement(request.user))
    own = _own_organization(request.user)
    form = MovementForm(request.POST or None, user=request.user, initial={
        "organization": own, "level": Movement.Level.UNIT, "kind": Movement.Kind.REGULAR})
    if request.method == "POST" and form.is_valid():
        try:
            movement = services.movement_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            form.add_error("level", _("You cannot launch a movement of this level for this "
                                      "organization."))
        else:
            messages.success(request, _("The movement has been saved."))
            return redirect(movement)
    return render(request, "emulation/movement_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def movement_edit(request, pk):
    movement = selectors.get_movement_for_user(request.user, pk)
    _require(permissions.can_edit_movement(request.user, movement))
    initial = {name: getattr(movement, name) for name in MovementForm.base_fields
               if name != "participants"}
    initial["participants"] = list(movement.participants.all())
    form = MovementForm(request.POST or None, user=request.user, movement=movement,
                        initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.movement_update(movement=movement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            form.add_error("level", _("You cannot launch a movement of this level for this "
                                      "organization."))
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(movement)
    return render(request, "emulation/movement_form.html", {"form": form, "movement": movement})


# --- registration calls ------------------------------------------------------------------------


@login_required
def call_list(request):
    _require(active_role(request.user) is not None)
    organizer = _organizer_for(request.user)
    return render(request, "emulation/call_list.html", {
        "page": paginate(request, selectors.call_list(request.user), PAGE_SIZE),
        "can_create": bool(organizer and permissions.can_manage_calls_of(request.user,
                                                                         organizer)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request):
    organizer = _organizer_for(request.user)
    _require(organizer is not None and permissions.can_manage_calls_of(request.user, organizer))
    form = CallForm(request.POST or None, movements=selectors.movements_to_join(request.user),
                    initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(organizer=organizer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The call for registrations has been opened."))
            return redirect("emulation:call_detail", call.pk)
    return render(request, "emulation/call_form.html", {"form": form, "organizer": organizer})


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, pk):
    call = selectors.get_call_for_user(request.user, pk)
    _require(permissions.can_manage_calls_of(request.user, call.organizer))
    form = CallForm(request.POST or None, movements=selectors.movements_to_join(request.user),
                    call=call, initial={"deadline": call.deadline, "movement": call.movement,
                                        "note": call.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(call=call, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("emulation:call_detail", call.pk)
    return render(request, "emulation/call_form.html", {"form": form, "call": call,
                                                        "organizer": call.organizer})


@login_required
def call_detail(request, pk):
    """The organizer's dashboard of the year: who has registered, who is late, who has not."""
    call = selectors.get_call_for_user(request.user, pk)
    can_manage = permissions.can_manage_calls_of(request.user, call.organizer)
    own = _own_organization(request.user)
    own_registration = (Registration.objects.filter(organization=own, year=call.year).first()
                        if own is not None and own.parent_id == call.organizer_id else None)
    return render(request, "emulation/call_detail.html", {
        "call": call, "can_manage": can_manage,
        "dashboard": selectors.call_dashboard(call) if can_manage else None,
        "own": own, "own_registration": own_registration,
        "can_register": (own is not None and own.parent_id == call.organizer_id
                         and own_registration is None
                         and permissions.can_register_for(request.user, own)),
    })


# --- registrations -----------------------------------------------------------------------------


@login_required
def registration_list(request):
    _require(active_role(request.user) is not None)
    year = request.GET.get("year", "")
    status = request.GET.get("status", "")
    registrations = selectors.registration_list(
        request.user, year=int(year) if year.isdigit() and len(year) == 4 else None,
        status=status)
    page = paginate(request, registrations, PAGE_SIZE)
    for registration in page.object_list:
        registration.expired = selectors.expired_movements(registration)
    own = _own_organization(request.user)
    return render(request, "emulation/registration_list.html", {
        "page": page, "year": year, "status": status, "statuses": Registration.Status.choices,
        "own": own, "start_form": RegistrationStartForm(initial={
            "year": timezone.localdate().year + 1}),
        "can_register": bool(own and permissions.can_register_for(request.user, own)),
    })


@login_required
@require_POST
def registration_create(request):
    own = _own_organization(request.user)
    _require(own is not None and permissions.can_register_for(request.user, own))
    form = RegistrationStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("emulation:registration_list")
    year = form.cleaned_data["year"]
    existing = Registration.objects.filter(organization=own, year=year).first()
    if existing is not None:
        return redirect(existing)
    call = selectors.call_for_unit(own, year)
    if call is None:
        messages.error(request, _("No call for registrations for %(year)s reaches %(unit)s yet.")
                       % {"year": year, "unit": own.name})
        return redirect("emulation:registration_list")
    try:
        registration = services.registration_create(call=call, organization=own,
                                                    by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("emulation:registration_list")
    messages.success(request, _("The registration for %(year)s has been started.") % {
        "year": year})
    return redirect(registration)


def _registration_context(request, registration, **forms):
    user = request.user
    can_edit = (permissions.can_edit_registration(user, registration)
                and registration.status == Registration.Status.DRAFT)
    movements = selectors.registration_movements(registration)
    context = {
        "registration": registration, "entries": list(selectors.registration_entries(
            registration)),
        "movements": movements, "expired": selectors.expired_movements(registration, movements),
        "can_edit": can_edit,
    }
    if can_edit:
        context["person_form"] = forms.get("person_form") or PersonEntryForm(
            user=user, registration=registration)
        context["collective_form"] = forms.get("collective_form") or CollectiveEntryForm()
    return context


@login_required
def registration_detail(request, pk):
    registration = selectors.get_registration_for_user(request.user, pk)
    return render(request, "emulation/registration_detail.html",
                  _registration_context(request, registration))


@login_required
@require_http_methods(["GET", "POST"])
def registration_person_add(request, pk):
    """Without JavaScript, GET with a name lists the matches; the typeahead fills the same
    list as the user types."""
    registration = selectors.get_registration_for_user(request.user, pk)
    _require(permissions.can_edit_registration(request.user, registration))
    source = request.POST if request.method == "POST" else request.GET
    text = source.get("q", "")[:120]
    found = find_people(request.user, registration, text)
    form = PersonEntryForm(request.POST if request.method == "POST" else None,
                           user=request.user, registration=registration, found=found,
                           initial={"q": text})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_add_person(registration=registration, by=request.user,
                                              person=form.cleaned_data["person"],
                                              award_type=form.cleaned_data["award_type"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s has been registered for %(award)s.") % {
                "name": entry.person.full_name, "award": entry.award_type.name})
            return redirect(registration)
    return render(request, "emulation/registration_detail.html",
                  _registration_context(request, registration, person_form=form))


@login_required
@require_http_methods(["GET", "POST"])
def registration_collective_add(request, pk):
    registration = selectors.get_registration_for_user(request.user, pk)
    _require(permissions.can_edit_registration(request.user, registration))
    form = CollectiveEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_add_collective(registration=registration, by=request.user,
                                          **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The collective title has been registered."))
            return redirect(registration)
    return render(request, "emulation/registration_detail.html",
                  _registration_context(request, registration, collective_form=form))


@login_required
@require_http_methods(["GET", "POST"])
def registration_entry_remove(request, pk, entry_id):
    """GET asks for confirmation; POST removes the line."""
    registration = selectors.get_registration_for_user(request.user, pk)
    entry = (registration.entries.select_related("person", "award_type").filter(pk=entry_id)
             .first())
    if entry is None:
        raise Http404
    _require(permissions.can_edit_registration(request.user, registration))
    if request.method == "GET":
        return render(request, "emulation/confirm.html", {
            "registration": registration, "title": _("Remove the line"),
            "question": _("Remove “%(line)s” from the registration?") % {"line": str(entry)},
            "button": _("Remove"), "danger": True})
    try:
        services.entry_remove(entry=entry, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The line has been removed."))
    return redirect(registration)


@login_required
@require_http_methods(["GET", "POST"])
def registration_movements(request, pk):
    registration = selectors.get_registration_for_user(request.user, pk)
    _require(permissions.can_edit_registration(request.user, registration))
    form = MovementsForm(request.POST or None, movements=selectors.movements_to_join(
        request.user), year=registration.year, initial={
        "movements": list(registration.movements.all())})
    if request.method == "POST" and form.is_valid():
        try:
            expired = services.registration_set_movements(
                registration=registration, by=request.user,
                movements=form.cleaned_data["movements"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The movements have been saved."))
            for movement in expired:
                messages.warning(request, _(
                    "“%(name)s” ended on %(date)s, before %(year)s: check that the unit really "
                    "takes part in it.") % {"name": movement.name, "year": registration.year,
                                            "date": movement.end_date.strftime("%d/%m/%Y")})
            return redirect(registration)
    return render(request, "emulation/registration_movements.html", {
        "registration": registration, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def registration_submit(request, pk):
    """GET asks for confirmation (and says whether it would be late); POST sends."""
    registration = selectors.get_registration_for_user(request.user, pk)
    _require(permissions.can_edit_registration(request.user, registration))
    if request.method == "GET":
        late = timezone.localdate() > registration.call.deadline
        return render(request, "emulation/confirm.html", {
            "registration": registration, "title": _("Send the registration"),
            "question": _("Send the registration to %(name)s? It can no longer be changed "
                          "afterwards.") % {"name": registration.call.organizer.name},
            "warning": _("The deadline (%(date)s) has passed: the registration will be marked "
                         "late.") % {"date": registration.call.deadline.strftime("%d/%m/%Y")}
            if late else "",
            "button": _("Send the registration")})
    try:
        registration = services.registration_submit(registration=registration, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        if registration.late:
            messages.warning(request, _("The registration has been sent after the deadline "
                                        "(%(date)s): it is marked late.") % {
                "date": registration.call.deadline.strftime("%d/%m/%Y")})
        else:
            messages.success(request, _("The registration has been sent."))
    return redirect(registration)


@login_required
def registration_people(request, pk):
    """The typeahead: at most 20 people of the unit, as JSON."""
    registration = selectors.get_registration_for_user(request.user, pk)
    _require(permissions.can_edit_registration(request.user, registration))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    found = find_people(request.user, registration, request.GET.get("q", "")[:120])
    return JsonResponse({"results": [{"id": p.pk, "label": person_label(p)} for p in found]})
