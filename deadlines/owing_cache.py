"""The Obligation rows: who still owes each active deadline, as of the last refresh.

Dashboards read these rows in one query instead of asking every source (registrations, scoring
sheets, reports, dossiers, ballots) on each page view. The sweep refreshes them; reminders never
trust them and ask the source again when they are sent."""

from django.db import transaction
from django.utils import timezone

from .models import Deadline, Obligation


def _adapters():
    # Imported when first needed: deadlines.obligations imports the source apps' models.
    from .obligations import OBLIGATIONS

    return OBLIGATIONS


def refresh_obligations(deadlines=None) -> int:
    """Replace each deadline's Obligation rows with what its kind's adapter says is owed now:
    insert the new debtors, delete those who are done, keep (and re-date) the rest.

    Without `deadlines`, every active deadline is refreshed and the rows of inactive deadlines
    are dropped (their source is closed: nobody owes them any more). Returns the number of
    deadlines refreshed."""
    adapters = _adapters()
    if deadlines is None:
        Obligation.objects.filter(deadline__active=False).delete()
        deadlines = Deadline.objects.filter(active=True)
    refreshed = 0
    for deadline in deadlines:
        adapter = adapters.get(deadline.kind)
        if adapter is None:
            continue
        _replace(deadline, adapter.owing(deadline) if deadline.active else [])
        refreshed += 1
    return refreshed


@transaction.atomic
def _replace(deadline: Deadline, owed) -> None:
    wanted: dict[int, int | None] = {}
    for item in owed:
        # A user owing through two organizations is listed once (the first one named).
        wanted.setdefault(item.user.pk, getattr(item.organization, "pk", None))
    existing = {
        row.user_id: row
        for row in Obligation.objects.select_for_update().filter(deadline=deadline)
    }
    gone = [row.pk for user_id, row in existing.items() if user_id not in wanted]
    if gone:
        Obligation.objects.filter(pk__in=gone).delete()
    moved = []
    for user_id, row in existing.items():
        if user_id in wanted and row.organization_id != wanted[user_id]:
            row.organization_id = wanted[user_id]
            moved.append(row)
    if moved:
        Obligation.objects.bulk_update(moved, ["organization"])
    now = timezone.now()
    Obligation.objects.filter(deadline=deadline).update(refreshed_at=now)
    new = [Obligation(deadline=deadline, user_id=user_id, organization_id=org_id, refreshed_at=now)
           for user_id, org_id in wanted.items() if user_id not in existing]
    # ignore_conflicts: a concurrent refresh of the same deadline may have inserted the row.
    Obligation.objects.bulk_create(new, ignore_conflicts=True)
