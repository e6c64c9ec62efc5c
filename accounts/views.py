from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusters.imports.selectors import recent_batches
from clusters.selectors import dashboard_figures, organizations_for
from clusters.views import apply_service_errors, paginate

from . import permissions, reauth, selectors, services, twofactor
from .forms import EndRoleForm, RoleAssignmentForm, UserFilterForm, UserForm
from .middleware import SESSION_KEY
from .models import Role, RoleAssignment
from .scoping import active_role

PROVINCIAL_ADMIN_ROLES = [Role.UNIT_STAFF, Role.UNIT_HEAD, Role.GROUP_LEADER, Role.ADMIN]


@login_required
def dashboard(request):
    role = active_role(request.user)
    context = {"role": role}
    if role:
        context.update(dashboard_figures(request.user))
    if permissions.can_administer(request.user):
        context["admin_figures"] = {
            "user_count": selectors.users_for(request.user).filter(is_active=True).count(),
            "recent_imports": recent_batches(request.user, limit=5),
        }
    return render(request, "dashboard.html", context)


@login_required
@require_POST
def role_switch(request):
    role = RoleAssignment.objects.current().filter(
        user=request.user, pk=request.POST.get("role")
    ).first()
    if role is None:
        raise Http404
    request.session[SESSION_KEY] = role.pk
    messages.info(request, _("You are now working as %(role)s.") % {"role": role})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "dashboard"
    return redirect(target or "dashboard")


def _require_admin(request):
    if not permissions.can_administer(request.user):
        raise PermissionDenied


def _allowed_roles(request):
    return None if permissions.is_central_admin(request.user) else PROVINCIAL_ADMIN_ROLES


@login_required
def user_list(request):
    _require_admin(request)
    form = UserFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    return render(request, "accounts/user_list.html", {
        "form": form, "page": paginate(request, selectors.user_list(request.user, q=q)),
    })


@login_required
@require_http_methods(["GET", "POST"])
@reauth.signs_out_on_lockout
def user_create(request):
    _require_admin(request)
    data = request.POST or None
    form = UserForm(data)
    role_form = RoleAssignmentForm(data, prefix="role", organizations=organizations_for(request.user),
                                   allowed_roles=_allowed_roles(request))
    identity = reauth.IdentityCheck(request, data)  # S6: a role is given, so a recent sign-in
    # A list, not `and`: every form is validated, so the page shows all its errors at once.
    if request.method == "POST" and all([identity.passes(), form.is_valid(), role_form.is_valid()]):
        try:
            user = services.user_create_with_role(user_fields=form.cleaned_data,
                                                  role_fields=role_form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(role_form, error)
        else:
            messages.success(request, _("Account %(name)s has been created.") % {"name": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "role_form": role_form,
                                                       "identity_form": identity.form})


@login_required
@require_http_methods(["GET", "POST"])
@reauth.signs_out_on_lockout
def user_update(request, pk):
    # Scope before role: another province's user is a 404 whoever asks (no existence leak).
    target = selectors.get_user_for_admin(request.user, pk)
    _require_admin(request)
    form = UserForm(request.POST or None, instance=target)
    # S6: locking an account or setting its password is as sensitive as a role change.
    identity = reauth.IdentityCheck(request, request.POST or None)
    if request.method == "POST" and all([identity.passes(), form.is_valid()]):
        services.user_update(user=target, **form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target,
                                                       "identity_form": identity.form})


@login_required
@require_http_methods(["GET", "POST"])
@reauth.signs_out_on_lockout
def user_detail(request, pk):
    target = selectors.get_user_for_admin(request.user, pk)
    _require_admin(request)
    role_form = RoleAssignmentForm(request.POST or None, organizations=organizations_for(request.user),
                                   allowed_roles=_allowed_roles(request))
    identity = reauth.IdentityCheck(request, request.POST or None)  # S6: assigning a role
    if request.method == "POST" and all([identity.passes(), role_form.is_valid()]):
        try:
            services.role_assign(user=target, **role_form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(role_form, error)
        else:
            messages.success(request, _("Role assigned."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_detail.html", {
        "target": target, "role_form": role_form, "end_form": EndRoleForm(),
        "identity_form": identity.form,
        "roles": target.role_assignments.select_related("organization").order_by("-valid_to", "id"),
        "role_history": RoleAssignment.history.filter(user_id=target.pk)
        .select_related("history_user").order_by("-history_date")[:30],
        # Two-factor sign-in: status, latest reset, and the reset button (central admins only).
        "two_factor": twofactor.status_for(target), "two_factor_reset": twofactor.last_reset(target),
        "can_reset_two_factor": permissions.is_central_admin(request.user) and target != request.user,
    })


@login_required
@reauth.signs_out_on_lockout
def role_end(request, pk):
    assignment = RoleAssignment.objects.select_related("organization", "user").filter(pk=pk).first()
    if assignment is None or not permissions.can_manage_users_of(request.user, assignment.organization):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = EndRoleForm(request.POST)
    identity = reauth.IdentityCheck(request, request.POST)
    if not identity.passes():
        # S6: the end date comes from a one-line form in the roles table; without a recent
        # sign-in, a page of its own asks for the password and keeps the date entered.
        return render(request, "accounts/role_end.html", {
            "assignment": assignment, "form": form, "identity_form": identity.form})
    if form.is_valid():
        try:
            services.role_end(assignment=assignment, valid_to=form.cleaned_data["valid_to"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Role ended."))
    else:
        messages.error(request, _("The end date is not valid; enter it as dd/mm/yyyy."))
    return redirect("accounts:user_detail", pk=assignment.user_id)
