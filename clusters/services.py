"""Every write to organizations, people and emulation groups goes through these functions."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from .models import (
    EmulationGroup,
    GroupLeadership,
    GroupMembership,
    Organization,
    OrganizationName,
    Person,
    PersonMove,
    Province,
)
from .text import clean_text, fold

# --- organizations -----------------------------------------------------------------------------


def _set_path(org: Organization) -> None:
    """The path holds the organization's own id, known only after the first save: write it.
    The caller saved without history and writes the creation's audit row after this, so the
    trail never shows a placeholder path (it is append-only for the app: audit_grants)."""
    prefix = org.parent.path if org.parent_id else "/"
    org.path = f"{prefix}{org.pk}/"
    Organization.objects.filter(pk=org.pk).update(path=org.path)


def _check_parent(org: Organization, parent: Organization | None) -> None:
    if parent is None or org.pk is None:
        return
    if parent.pk == org.pk or parent.path.startswith(org.path):
        raise ValidationError(
            {"parent": _("An organization cannot be its own parent or be placed under one of its "
               "subordinate organizations.")}
        )


@transaction.atomic
def organization_create(*, code: str, kind: str, name: str, parent: Organization | None = None,
                        short_name: str = "", province: Province | None = None,
                        tax_code: str = "", address: str = "",
                        active_from: date | None = None) -> Organization:
    org = Organization(
        code=clean_text(code).upper(), kind=kind, name=name, parent=parent, short_name=short_name,
        province=province, tax_code=clean_text(tax_code), address=clean_text(address),
        active_from=active_from, path="/",
    )
    org.refresh_derived_fields()
    org.full_clean(exclude=["path"])
    org.skip_history_when_saving = True
    try:
        org.save()
    finally:
        del org.skip_history_when_saving
    _set_path(org)
    # The creation's "+" row, with the final path; user and address from the request.
    Organization.history.bulk_history_create([org])
    OrganizationName.objects.create(
        organization=org, name=org.name, short_name=org.short_name, valid_from=active_from
    )
    return org


@transaction.atomic
def organization_update(*, organization: Organization, **fields) -> Organization:
    """Change an organization's details. A change of name here corrects a typo; a real
    renaming with a date goes through organization_rename so that history is kept."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = fields.pop("parent", org.parent)
    _check_parent(org, new_parent)
    for key, value in fields.items():
        setattr(org, key, clean_text(value) if isinstance(value, str) else value)
    org.code = org.code.upper()
    old_path = org.path
    org.parent = new_parent
    org.refresh_derived_fields()
    org.full_clean(exclude=["path"])
    org.save()
    current = org.names.filter(valid_to__isnull=True).last()
    if current and (current.name, current.short_name) != (org.name, org.short_name):
        current.name, current.short_name = org.name, org.short_name
        current.save()
    new_prefix = (new_parent.path if new_parent else "/") + f"{org.pk}/"
    if new_prefix != old_path:
        _move_subtree(old_path, new_prefix)
        org.path = new_prefix
    return org


def _move_subtree(old_prefix: str, new_prefix: str) -> None:
    # The path is derived from parent links, so rewriting it in bulk loses no audited fact.
    Organization.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1))
    )


@transaction.atomic
def organization_rename(*, organization: Organization, name: str, short_name: str,
                        on_date: date) -> Organization:
    """Rename from a date, keeping the former name in the organization's history."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    name, short_name = clean_text(name), clean_text(short_name)
    if not name:
        raise ValidationError({"name": _("Please enter the new name.")})
    if org.active_from and on_date <= org.active_from:
        raise ValidationError({"on_date": _("The renaming date must be after the organization started operating.")})
    current = org.names.filter(valid_to__isnull=True).last()
    if current and current.valid_from and on_date <= current.valid_from:
        raise ValidationError({"on_date": _("The renaming date must be after the start date of the current name.")})
    if current:
        current.valid_to = on_date - timedelta(days=1)
        current.save()
    OrganizationName.objects.create(
        organization=org, name=name, short_name=short_name, valid_from=on_date
    )
    org.name, org.short_name = name, short_name
    org.refresh_derived_fields()
    org.save()
    return org


@transaction.atomic
def organization_merge(*, absorbed: Organization, into: Organization,
                       on_date: date) -> Organization:
    """Merge `absorbed` into `into` on a date.

    Both keep their ids and their own history. The absorbed organization stops being active the
    day before, is shown under its successor (it becomes a child of it, so whoever sees the
    successor sees the absorbed unit's history), and its active member units move to the
    successor."""
    absorbed = Organization.objects.select_for_update().get(pk=absorbed.pk)
    into = Organization.objects.select_for_update().get(pk=into.pk)
    if absorbed.pk == into.pk:
        raise ValidationError({"into": _("An organization cannot be merged into itself.")})
    if absorbed.merged_into_id:
        raise ValidationError({"into": _("This organization has already been merged.")})
    if into.path.startswith(absorbed.path):
        raise ValidationError({"into": _("An organization cannot be merged into one of its subordinate organizations.")})
    if not into.is_active:
        raise ValidationError({"into": _("The receiving organization is no longer active.")})
    for child in list(absorbed.children.filter(active_to__isnull=True, merged_into__isnull=True)):
        organization_update(organization=child, parent=into, province=into.province)
    absorbed.refresh_from_db()
    absorbed.merged_into = into
    absorbed.merged_on = on_date
    absorbed.active_to = on_date - timedelta(days=1)
    absorbed.save()
    # One by one (there is one current name), so that the trail records each name's end.
    for name in absorbed.names.filter(valid_to__isnull=True):
        name.valid_to = absorbed.active_to
        name.save(update_fields=["valid_to"])
    organization_update(organization=absorbed, parent=into)
    return into


def organization_name_on(organization: Organization, day: date) -> str:
    for entry in organization.names.all():
        if (entry.valid_from is None or entry.valid_from <= day) and (
            entry.valid_to is None or entry.valid_to >= day
        ):
            return entry.name
    return organization.name


# --- people ------------------------------------------------------------------------------------


def person_possible_duplicates(*, full_name: str, birth_year: int | None,
                               organization: Organization, exclude_pk: int | None = None):
    """People with the same name (ignoring case and diacritics) and birth year in the same
    organization: a warning, not a refusal, since namesakes are common."""
    qs = Person.objects.filter(
        organization=organization, search_text=fold(full_name), birth_year=birth_year
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


@transaction.atomic
def person_create(*, full_name: str, organization: Organization, gender: str = "",
                  birth_year: int | None = None, position: str = "") -> Person:
    person = Person(
        full_name=full_name, organization=organization, gender=gender, birth_year=birth_year,
        position=position,
    )
    person.refresh_derived_fields()
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, **fields) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    for key, value in fields.items():
        setattr(person, key, value)
    person.refresh_derived_fields()
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_move(*, person: Person, to_organization: Organization, moved_on: date,
                position: str = "") -> PersonMove:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if to_organization.pk == person.organization_id:
        raise ValidationError({"to_organization": _("The person already works at this organization.")})
    last = person.moves.first()
    if last and moved_on < last.moved_on:
        raise ValidationError(
            {"moved_on": _("The transfer date cannot be before the latest transfer (%(day)s).")
             % {"day": last.moved_on.strftime("%d/%m/%Y")}}
        )
    move = PersonMove.objects.create(
        person=person, from_organization=person.organization, to_organization=to_organization,
        moved_on=moved_on, from_position=person.position, to_position=clean_text(position),
    )
    person.organization = to_organization
    if position:
        person.position = position
    person.refresh_derived_fields()
    person.save()
    return move


# --- emulation groups --------------------------------------------------------------------------


@transaction.atomic
def group_create(*, code: str, name: str, kind: str, organizer: Organization,
                 description: str = "") -> EmulationGroup:
    group = EmulationGroup(
        code=clean_text(code).upper(), name=name, kind=kind, organizer=organizer,
        description=clean_text(description),
    )
    group.full_clean()
    group.save()
    return group


def _check_members(group: EmulationGroup, year: int, organizations) -> None:
    clash = (
        GroupMembership.objects.filter(
            year=year, organization__in=organizations, group__organizer=group.organizer,
            group__kind=group.kind,
        )
        .exclude(group=group)
        .select_related("organization", "group")
        .first()
    )
    if clash:
        raise ValidationError(
            {"members": _("%(org)s is already a member of %(group)s in %(year)s.")
             % {"org": clash.organization.name, "group": clash.group.name, "year": year}}
        )


@transaction.atomic
def group_set_year(*, group: EmulationGroup, year: int, members, leader: Organization | None,
                   deputy: Organization | None) -> None:
    """Set a group's members, leader and deputy for one year (replacing what was there)."""
    members = list(members)
    member_ids = {m.pk for m in members}
    errors = {}
    if leader and leader.pk not in member_ids:
        errors["leader"] = _("The leading organization must be a member of the group in that year.")
    if deputy and deputy.pk not in member_ids:
        errors["deputy"] = _("The deputy organization must be a member of the group in that year.")
    if leader and deputy and leader.pk == deputy.pk:
        errors["deputy"] = _("The leading and the deputy organization must be different.")
    if errors:
        raise ValidationError(errors)
    _check_members(group, year, members)
    existing = {m.organization_id: m for m in group.memberships.filter(year=year)}
    for org_id, membership in existing.items():
        if org_id not in member_ids:
            membership.delete()
    for org in members:
        if org.pk not in existing:
            GroupMembership.objects.create(group=group, organization=org, year=year)
    for role, org in ((GroupLeadership.Role.LEADER, leader), (GroupLeadership.Role.DEPUTY, deputy)):
        current = group.leaderships.filter(year=year, role=role).first()
        if org is None:
            if current:
                current.delete()
        elif current is None:
            GroupLeadership.objects.create(group=group, year=year, role=role, organization=org)
        elif current.organization_id != org.pk:
            current.organization = org
            current.save()


@transaction.atomic
def groups_copy_year(*, organizer: Organization, from_year: int, to_year: int) -> int:
    """Start next year's groups from this year's members. Only active members are copied
    (merged units are left out); leaders are elected anew, so they are not copied.
    Returns the number of memberships created."""
    if to_year <= from_year:
        raise ValidationError({"to_year": _("The new year must be after the year copied.")})
    if GroupMembership.objects.filter(group__organizer=organizer, year=to_year).exists():
        raise ValidationError(
            {"to_year": _("%(year)s already has members; edit each cluster or bloc directly.")
             % {"year": to_year}}
        )
    start = date(to_year, 1, 1)
    created = 0
    source = GroupMembership.objects.filter(
        group__organizer=organizer, year=from_year
    ).select_related("organization")
    for membership in source:
        org = membership.organization
        if org.active_to and org.active_to < start:
            continue
        GroupMembership.objects.create(group_id=membership.group_id, organization=org, year=to_year)
        created += 1
    return created
