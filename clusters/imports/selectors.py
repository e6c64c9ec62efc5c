"""Which import batches a user may see: their own; a central administrator sees all."""

from django.http import Http404

from accounts.permissions import is_central_admin

from ..models import ImportBatch


def batches_for(user):
    """Batches of the generic import pages. Kinds with a page of their own (a dossier's
    nomination list) are not listed or opened here."""
    from .base import importers

    batches = ImportBatch.objects.select_related("created_by").filter(kind__in=list(importers()))
    return batches if is_central_admin(user) else batches.filter(created_by=user)


def get_batch_for_user(user, pk) -> ImportBatch:
    batch = batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def recent_batches(user, limit: int = 10):
    return batches_for(user).filter(created_by=user).order_by("-created_at", "-id")[:limit]
