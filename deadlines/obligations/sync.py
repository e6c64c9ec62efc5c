"""Mirror the adapters' specs into Deadline rows: create the new ones, update those whose
date, title, link or organization moved, reactivate those whose source reopened, and mark
inactive those whose source is no longer open. Running it twice changes nothing the second
time."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Deadline

FIELDS = ("title", "url", "due_on", "organization_id", "active")


def _values(spec) -> dict:
    return {"title": spec.title, "url": spec.url, "due_on": spec.due_on,
            "organization_id": spec.organization_id, "active": True}


def sync_deadlines(today=None, *, adapters=None) -> dict:
    """Returns the counts: created, updated, deactivated, unchanged."""
    from . import OBLIGATIONS

    today = today or timezone.localdate()
    specs = {}
    for adapter in (adapters or OBLIGATIONS).values():
        for spec in adapter.specs(today):
            specs[spec.key] = spec
    counts = {"created": 0, "updated": 0, "deactivated": 0, "unchanged": 0}
    with transaction.atomic():
        source_ids = {key[2] for key in specs}
        rows = {(d.kind, d.source_model, d.source_id): d for d in Deadline.objects.filter(
            Q(active=True) | Q(source_id__in=source_ids))}
        for key, spec in specs.items():
            row = rows.get(key)
            if row is None:
                counts["created"] += _create(spec)
                continue
            changed = [f for f, value in _values(spec).items() if getattr(row, f) != value]
            if changed:
                for field, value in _values(spec).items():
                    setattr(row, field, value)
                row.save(update_fields=[f.removesuffix("_id") for f in changed] + ["synced_at"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        for key, row in rows.items():
            if row.active and key not in specs:
                row.active = False
                row.save(update_fields=["active", "synced_at"])
                counts["deactivated"] += 1
    return counts


def _create(spec) -> int:
    """Insert one row; a concurrent sync that inserted it first wins (the unique source
    constraint), and this one then leaves it alone."""
    try:
        with transaction.atomic():
            Deadline.objects.create(kind=spec.kind, source_model=spec.source_model,
                                    source_id=spec.source_id, **_values(spec))
    except IntegrityError:
        return 0
    return 1
