"""Reads of organizations, people and groups, always starting from the user's scope."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from accounts.scoping import active_role, scope_q, sees_everything

from .models import (
    EmulationGroup,
    GroupLeadership,
    GroupMembership,
    Organization,
    OrganizationName,
    Person,
)


def organizations_for(user):
    return Organization.objects.filter(scope_q(user))


def people_for(user):
    return Person.objects.filter(scope_q(user, "organization"))


def get_organization_for_user(user, pk) -> Organization:
    org = organizations_for(user).select_related("parent", "province", "merged_into").filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def get_person_for_user(user, pk) -> Person:
    person = people_for(user).select_related("organization", "organization__province").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def organization_list(user, *, q="", province=None, kind="", group=None, include_inactive=False,
                      year=None, parent=None):
    qs = organizations_for(user).select_related("province", "parent")
    if parent:
        qs = qs.filter(parent_id=parent)
    if not include_inactive:
        qs = qs.filter(active_to__isnull=True, merged_into__isnull=True)
    if q:
        qs = qs.search(q)
    if province:
        qs = qs.filter(province=province)
    if kind:
        qs = qs.filter(kind=kind)
    if group:
        year = year or timezone.localdate().year
        qs = qs.filter(group_memberships__group=group, group_memberships__year=year)
    return qs.order_by("sort_key", "id")


def organization_detail(organization: Organization) -> dict:
    today = timezone.localdate()
    memberships = (
        GroupMembership.objects.filter(organization=organization)
        .select_related("group").order_by("-year", "group__sort_key")
    )
    leaderships = {
        (row.group_id, row.year): row.get_role_display()
        for row in GroupLeadership.objects.filter(organization=organization)
    }
    return {
        "names": OrganizationName.objects.filter(organization=organization).order_by("valid_from", "id"),
        "children": organization.children.filter(active_to__isnull=True, merged_into__isnull=True)
        .select_related("province").order_by("sort_key")[:50],
        "children_count": organization.children.filter(active_to__isnull=True).count(),
        "absorbed": organization.absorbed.order_by("merged_on", "sort_key"),
        "people_count": organization.people.count(),
        "memberships": [
            {"membership": m, "role": leaderships.get((m.group_id, m.year), "")} for m in memberships
        ],
        "history": organization.history.select_related("history_user").order_by("-history_date")[:20],
        "today": today,
    }


def person_list(user, *, q="", organization=None, birth_year=None):
    qs = people_for(user).select_related("organization")
    if q:
        qs = qs.search(q)
    if organization:
        qs = qs.filter(organization__path__startswith=organization.path)
    if birth_year:
        qs = qs.filter(birth_year=birth_year)
    return qs.order_by("sort_key", "id")


def groups_visible_to(user, year: int):
    """Groups the user may see in a year: those organized inside the user's scope, and, as the
    architecture's exception, those the user's organization is a member of that year."""
    if sees_everything(user):
        return EmulationGroup.objects.all()
    role = active_role(user)
    if role is None:
        return EmulationGroup.objects.none()
    path = role.organization.path
    # An IN (subquery) rather than a join on memberships: no DISTINCT, and the list pages that
    # filter by group no longer hash every membership (measured in bench/RESULTS.md).
    member_of = GroupMembership.objects.filter(
        year=year, organization__path__startswith=path).values("group_id")
    return EmulationGroup.objects.filter(Q(organizer__path__startswith=path) | Q(pk__in=member_of))


def groups_of_year(user, year: int):
    """Each group with its members and leaders for the year, in three queries whatever the
    number of groups."""
    # Exists, not a join on memberships: a join would be reused by the visibility filter and
    # make the group look as if it had only the user's own membership.
    groups = list(
        groups_visible_to(user, year)
        .filter(Exists(GroupMembership.objects.filter(group=OuterRef("pk"), year=year)))
        .select_related("organizer")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.filter(year=year)
                .select_related("organization").order_by("organization__sort_key"),
                to_attr="year_members",
            ),
            Prefetch(
                "leaderships",
                queryset=GroupLeadership.objects.filter(year=year).select_related("organization"),
                to_attr="year_leaders",
            ),
        )
        .order_by("organizer__path", "kind", "sort_key")
    )
    for group in groups:
        group.member_count = len(group.year_members)
        group.leader = next((x.organization for x in group.year_leaders if x.role == "leader"), None)
        group.deputy = next((x.organization for x in group.year_leaders if x.role == "deputy"), None)
    return groups


def group_history(group: EmulationGroup, years=None):
    """Year by year: members, leader and deputy, each carrying `name_then`, the name it had at
    the end of that year (Thừa Thiên Huế in 2024, Huế from 2025)."""
    members = defaultdict(list)
    memberships = (group.memberships.select_related("organization")
                   .prefetch_related("organization__names").order_by("-year", "organization__sort_key"))
    if years is not None:
        memberships = memberships.filter(year__in=years)
    for m in memberships:
        members[m.year].append(_named_then(m.organization, m.year))
    leaders = defaultdict(dict)
    for row in group.leaderships.select_related("organization").prefetch_related("organization__names"):
        leaders[row.year][row.role] = _named_then(row.organization, row.year)
    return [
        {"year": year, "members": members[year], "leader": leaders[year].get("leader"),
         "deputy": leaders[year].get("deputy")}
        for year in sorted(members, reverse=True)
    ]


def _named_then(organization: Organization, year: int) -> Organization:
    from .services import organization_name_on

    organization.name_then = organization_name_on(organization, date(year, 12, 31))
    return organization


def group_years(group: EmulationGroup) -> list[int]:
    return list(group.memberships.values_list("year", flat=True).distinct().order_by("-year"))


def group_candidates(group: EmulationGroup):
    """Organizations that may be members of a group, by who organizes it."""
    organizer = group.organizer
    active = Organization.objects.filter(active_to__isnull=True, merged_into__isnull=True)
    if organizer.kind == Organization.Kind.VCA_CENTRAL:
        if group.kind == EmulationGroup.Kind.CLUSTER:
            return active.filter(kind=Organization.Kind.PROVINCIAL_ALLIANCE).order_by("sort_key")
        return active.filter(
            parent=organizer,
            kind__in=[Organization.Kind.DEPARTMENT, Organization.Kind.PUBLIC_UNIT,
                      Organization.Kind.ENTERPRISE],
        ).order_by("sort_key")
    return active.filter(
        path__startswith=organizer.path,
        kind__in=[Organization.Kind.COOPERATIVE, Organization.Kind.COOP_UNION,
                  Organization.Kind.COOP_GROUP],
    ).order_by("sort_key")


def dashboard_figures(user) -> dict:
    year = timezone.localdate().year
    orgs = organizations_for(user).filter(active_to__isnull=True, merged_into__isnull=True)
    by_kind = dict(orgs.values_list("kind").annotate(n=Count("id")).order_by())
    groups = groups_visible_to(user, year).filter(
        Exists(GroupMembership.objects.filter(group=OuterRef("pk"), year=year)))
    return {
        "year": year,
        "organization_count": sum(by_kind.values()),
        "by_kind": [
            (label, by_kind.get(value, 0)) for value, label in Organization.Kind.choices
            if by_kind.get(value)
        ],
        "group_count": groups.count(),
        "member_count": GroupMembership.objects.filter(year=year, group__in=groups).count(),
        "people_count": people_for(user).count(),
        "own_groups": own_groups(user, year),
    }


def own_groups(user, year: int) -> list[dict]:
    """The groups the user's organization belongs to this year, with its role in each."""
    role = active_role(user)
    if role is None:
        return []
    roles = dict(GroupLeadership.objects.filter(organization=role.organization, year=year)
                 .values_list("group_id", "role"))
    rows = []
    for m in GroupMembership.objects.filter(year=year, organization=role.organization).select_related("group"):
        group = m.group
        titles = {GroupLeadership.Role.LEADER: group.leader_title, GroupLeadership.Role.DEPUTY: group.deputy_title}
        rows.append({"group": group, "title": titles.get(roles.get(group.pk), "")})
    return rows
