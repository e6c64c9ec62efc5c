"""Reads of a group's year (pledge, criteria table) and of the groups outside the Alliance.
Objects are looked up through the user's rights first: 404 for anyone who may not see them.
Each page reads a fixed number of queries, whatever the number of targets or criteria."""

from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404

from clusters.models import EmulationGroup, GroupLeadership, GroupMembership, Organization

from . import permissions_groups as perms
from .models import (
    CriteriaSection, CriteriaTable, Criterion, ExternalGroup, ExternalGroupYear, Pledge,
)


def get_group_year_for_user(user, group_pk, year) -> EmulationGroup:
    group = EmulationGroup.objects.select_related("organizer").filter(pk=group_pk).first()
    if group is None or not 1945 <= year <= 2100 or not perms.can_view_group_year(
            user, group, year):
        raise Http404
    return group


def get_pledge_for_user(user, pk) -> Pledge:
    pledge = Pledge.objects.select_related("group__organizer").filter(pk=pk).first()
    if pledge is None or not perms.can_view_group_year(user, pledge.group, pledge.year):
        raise Http404
    return pledge


def get_table_for_user(user, pk) -> CriteriaTable:
    table = (CriteriaTable.objects.select_related("group__organizer", "copied_from__group")
             .filter(pk=pk).first())
    if table is None or not perms.can_view_group_year(user, table.group, table.year):
        raise Http404
    return table


def group_members(group, year):
    """The member units of the group that year, in name order."""
    return Organization.objects.filter(
        group_memberships__group=group, group_memberships__year=year).order_by("sort_key", "id")


def group_leader(group, year) -> Organization | None:
    found = (GroupLeadership.objects.select_related("organization")
             .filter(group=group, year=year, role=GroupLeadership.Role.LEADER).first())
    return found.organization if found else None


def pledge_of(group, year) -> Pledge | None:
    return Pledge.objects.select_related("group__organizer").filter(group=group,
                                                                   year=year).first()


def table_of(group, year) -> CriteriaTable | None:
    return (CriteriaTable.objects.select_related("group__organizer", "copied_from__group")
            .filter(group=group, year=year).first())


def pledge_page(pledge: Pledge) -> dict:
    """Targets (with whether each is already a criterion of the year's table), signatories,
    and who signed it when (from the history)."""
    targets = list(pledge.targets.order_by("position", "id"))
    in_table = set(Criterion.objects.filter(
        section__table__group=pledge.group_id, section__table__year=pledge.year,
        pledge_target__pledge=pledge).values_list("pledge_target_id", flat=True))
    for target in targets:
        target.in_table = target.pk in in_table
    signed = None
    if pledge.status == Pledge.Status.SIGNED:
        signed = (pledge.history.filter(status=Pledge.Status.SIGNED)
                  .select_related("history_user").order_by("history_date").first())
    return {
        "targets": targets, "total": sum((t.max_points for t in targets), Decimal(0)),
        "signatories": list(pledge.signatories.order_by("sort_key", "id")),
        "signed_record": signed, "missing_in_table": sum(1 for t in targets
                                                         if not t.in_table),
    }


def table_page(table: CriteriaTable) -> dict:
    """Sections with their criteria (two queries), the total of the standard criteria's
    maximum points, and the bonus and penalty items apart."""
    sections = list(table.sections.order_by("position", "id").prefetch_related(Prefetch(
        "criteria", queryset=Criterion.objects.order_by("position", "id"))))
    total = Decimal(0)
    bonus, penalty = [], []
    for section in sections:
        section.rows = list(section.criteria.all())
        section.total = sum((c.max_points for c in section.rows
                             if c.kind == Criterion.Kind.STANDARD), Decimal(0))
        total += section.total
        bonus += [c for c in section.rows if c.kind == Criterion.Kind.BONUS]
        penalty += [c for c in section.rows if c.kind == Criterion.Kind.PENALTY]
    return {"sections": sections, "total": total, "bonus": bonus, "penalty": penalty,
            "bonus_total": sum((c.max_points for c in bonus), Decimal(0)),
            "penalty_total": sum((c.max_points for c in penalty), Decimal(0)),
            "count": sum(len(s.rows) for s in sections)}


def get_target(pledge, target_id):
    target = pledge.targets.filter(pk=target_id).first()
    if target is None:
        raise Http404
    target.pledge = pledge
    return target


def get_section(table, section_id) -> CriteriaSection:
    section = table.sections.filter(pk=section_id).first()
    if section is None:
        raise Http404
    section.table = table
    return section


def get_criterion(table, criterion_id) -> Criterion:
    criterion = (Criterion.objects.select_related("section")
                 .filter(pk=criterion_id, section__table=table).first())
    if criterion is None:
        raise Http404
    criterion.section.table = table
    return criterion


def is_member(organization_id, group, year) -> bool:
    return GroupMembership.objects.filter(group=group, year=year,
                                          organization_id=organization_id).exists()


# --- groups outside the Alliance ---------------------------------------------------------------


def external_group_list(user):
    if not perms.can_view_external_groups(user):
        raise Http404
    return (ExternalGroup.objects.select_related("organization")
            .prefetch_related(Prefetch("years", queryset=ExternalGroupYear.objects
                                       .order_by("-year")))
            .order_by("name", "id"))


def get_external_group_for_user(user, pk) -> ExternalGroup:
    if not perms.can_view_external_groups(user):
        raise Http404
    group = ExternalGroup.objects.select_related("organization").filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def get_external_year(group, year_id) -> ExternalGroupYear:
    entry = group.years.filter(pk=year_id).first()
    if entry is None:
        raise Http404
    entry.group = group
    return entry
