"""Reads of cycles and dossiers, scoped: a dossier is visible to its unit (and those above it)
and to whoever receives it."""

from django.db.models import Count, Q
from django.http import Http404

from accounts.scoping import active_role, scope_q, sees_everything

from .models import AwardCycle, Dossier, Nomination


def cycles_for(user):
    """Cycles the user may see: all for central roles; otherwise those organized within the
    user's scope or open to an organization the user belongs to or works above."""
    role = active_role(user)
    if role is None:
        return AwardCycle.objects.none()
    if sees_everything(user):
        return AwardCycle.objects.all()
    path = role.organization.path
    return AwardCycle.objects.filter(
        Q(organizer__path__startswith=path)
        | Q(submitters__path__startswith=path)
        | Q(pk__in=_cycles_open_above(path))).distinct()


def _cycles_open_above(path: str):
    """Cycles one of whose submitters is the organization or one above it."""
    prefixes = [path[:i] for i in range(1, len(path) + 1) if path[i - 1] == "/"] + [path]
    return AwardCycle.objects.filter(submitters__path__in=prefixes).values("pk")


def get_cycle_for_user(user, pk) -> AwardCycle:
    cycle = cycles_for(user).select_related("organizer").filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


def dossiers_for(user):
    return Dossier.objects.filter(scope_q(user, "organization") | scope_q(user, "recipient"))


def get_dossier_for_user(user, pk) -> Dossier:
    dossier = (dossiers_for(user).select_related("cycle__organizer", "organization", "recipient",
                                                  "created_by", "submitted_by")
               .filter(pk=pk).first())
    if dossier is None:
        raise Http404
    return dossier


def cycle_list(user):
    return (cycles_for(user).select_related("organizer")
            .annotate(dossier_count=Count("dossiers", distinct=True),
                      submitted_count=Count("dossiers", distinct=True, filter=~Q(
                          dossiers__status=Dossier.Status.DRAFT)))
            .order_by("-year", "-deadline", "id"))


def dossier_nominations(dossier: Dossier):
    return (dossier.nominations.exclude(status=Nomination.Status.WITHDRAWN)
            .select_related("person__organization", "organization", "award_type", "source")
            .prefetch_related("documents"))
