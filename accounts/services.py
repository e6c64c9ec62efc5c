"""Writes to users and their roles. Role changes are audited by the history tables (who, when,
before and after); the request middleware records the acting user."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters.models import Organization

from .models import Role, RoleAssignment, User
from .sessions import revoke_user_sessions


@transaction.atomic
def user_create(*, username: str, full_name: str, email: str, password: str,
                is_active: bool = True) -> User:
    user = User(username=username.strip(), full_name=full_name, email=email, is_active=is_active)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_update(*, user: User, password: str = "", **fields) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    was_active = user.is_active
    for key, value in fields.items():
        setattr(user, key, value)
    if password:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if was_active and not user.is_active:
        revoke_user_sessions(user, reason="account locked")  # S6
    return user


@transaction.atomic
def role_assign(*, user: User, role: str, organization: Organization,
                valid_from: date | None = None, valid_to: date | None = None) -> RoleAssignment:
    if RoleAssignment.objects.current().filter(user=user, role=role, organization=organization).exists():
        raise ValidationError({"role": _("The user already holds this role at this organization.")})
    if role in (Role.APPRAISER, Role.COUNCIL_MEMBER, Role.LEADERSHIP) and not organization.is_central:
        raise ValidationError(
            {"organization": _("This role can only be assigned at the central office of the Vietnam Cooperative "
              "Alliance or one of its departments.")}
        )
    assignment = RoleAssignment(user=user, role=role, organization=organization,
                                valid_from=valid_from, valid_to=valid_to)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def user_create_with_role(*, user_fields: dict, role_fields: dict) -> User:
    """A new account and its first role, both or neither."""
    user = user_create(**user_fields)
    role_assign(user=user, **role_fields)
    return user


@transaction.atomic
def role_end(*, assignment: RoleAssignment, valid_to: date) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.valid_from and valid_to < assignment.valid_from:
        raise ValidationError({"valid_to": _("The end date must be after the start date.")})
    assignment.valid_to = valid_to
    assignment.save()
    if not RoleAssignment.objects.current().filter(user_id=assignment.user_id).exists():
        revoke_user_sessions(assignment.user, reason="last role ended")  # S6
    return assignment
