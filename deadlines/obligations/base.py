"""What every obligation adapter shares: the spec of a deadline, a debtor, the audience query
and the escalation query (each one query, whatever the number of organizations)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Role, RoleAssignment

from ..calendar import is_working_day

# Deadlines stay in the specs this many days after they fall due, so the "late" steps of the
# ladder (+1, +3 working days, escalations) still find them.
LATE_WINDOW_DAYS = 30


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline that should exist now, as its source says."""

    kind: str
    source_model: str  # "<app_label>.<model>"
    source_id: int
    title: str  # Vietnamese
    url: str  # the page where the work is done
    due_on: datetime.date
    organization: object  # clusters.Organization or None

    @property
    def key(self) -> tuple:
        return (self.kind, self.source_model, self.source_id)

    @property
    def organization_id(self):
        return getattr(self.organization, "pk", None)


@dataclass(frozen=True)
class Owed:
    """An active user who still owes a deadline's work, for `organization`."""

    user: object
    organization: object


def earliest_due(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=LATE_WINDOW_DAYS)


def source(queryset, deadline):
    """The deadline's source row from `queryset`, or None once it is gone."""
    return queryset.filter(pk=deadline.source_id).first()


def users_at(organizations, roles, *, extra=None) -> list[Owed]:
    """The active users holding one of `roles` today at `organizations` (ids, or a subquery of
    ids), one Owed per user (the first organization in name order). `extra` maps further
    organization ids to further roles (the group leader at a leader unit): one query in all."""
    from django.db.models import Q

    today = timezone.localdate()
    query = Q(organization_id__in=organizations, role__in=list(roles))
    for organization_ids, more_roles in (extra or []):
        query |= Q(organization_id__in=organization_ids, role__in=list(more_roles))
    assignments = (RoleAssignment.objects.current(today).filter(query, user__is_active=True)
                   .select_related("user", "organization")
                   .order_by("organization__sort_key", "organization_id", "user_id", "id"))
    found: dict[int, Owed] = {}
    for assignment in assignments:
        found.setdefault(assignment.user_id, Owed(assignment.user, assignment.organization))
    return list(found.values())


def unit_heads(owed: list[Owed]) -> list:
    """The active unit heads of the organizations that still owe, leaving out those already
    among the debtors (they have the reminder already; a user is reminded once per step). One
    query; none when nobody owes."""
    organization_ids = {o.organization.pk for o in owed if o.organization is not None}
    if not organization_ids:
        return []
    debtors = {o.user.pk for o in owed}
    return [o.user for o in users_at(organization_ids, (Role.UNIT_HEAD,))
            if o.user.pk not in debtors]


class Adapter:
    """One kind of deadline. Subclasses set `kind` and `source_model` and implement the three
    methods; `heads` defaults to the unit heads of the organizations that still owe."""

    kind = ""
    source_model = ""

    def specs(self, today: datetime.date) -> list[DeadlineSpec]:
        raise NotImplementedError

    def owing(self, deadline) -> list[Owed]:
        raise NotImplementedError

    def heads(self, deadline, owed: list[Owed]) -> list:
        return unit_heads(owed)

    def spec(self, source, *, title, url, due_on, organization, model=None) -> DeadlineSpec:
        return DeadlineSpec(kind=self.kind, source_model=model or self.source_model,
                            source_id=source.pk, title=str(title)[:300], url=url[:300],
                            due_on=due_on, organization=organization)


class WorkingDays:
    """add_working_days for many dates with the holidays read once per year (a calendar
    shared across a batch: one query per year instead of one per date)."""

    def __init__(self):
        self._cache: dict = {}

    def add(self, start: datetime.date, count: int) -> datetime.date:
        step = 1 if count >= 0 else -1
        day, remaining = start, abs(count)
        while remaining:
            day += datetime.timedelta(days=step)
            if is_working_day(day, self._cache):
                remaining -= 1
        return day
