"""Reads of cycles and dossiers, scoped: a dossier is visible to its unit (and those above it)
and to whoever receives it."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse

from accounts.scoping import active_role, scope_q, sees_everything

from .eligibility.engine import Outcome
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
    """The dossier's list in its order. Its documents are read once for the whole page
    (views_dossiers), not prefetched per nomination."""
    return (dossier.nominations.exclude(status=Nomination.Status.WITHDRAWN)
            .select_related("person__organization", "organization", "award_type", "source"))


# The dossier page and its appraisal page show the nominations 50 at a time; the verdicts, quotas
# and problems are still computed over the whole list (bench/RESULTS.md, section 9).
NOMINATIONS_PER_PAGE = 50


def nomination_page_number(nomination: Nomination, *, per_page: int = NOMINATIONS_PER_PAGE) -> int:
    """The page of its dossier's list (withdrawn ones left out, in the list's order) that shows
    `nomination`: one query."""
    before = (Nomination.objects.filter(dossier_id=nomination.dossier_id)
              .exclude(status=Nomination.Status.WITHDRAWN)
              .filter(Q(position__lt=nomination.position)
                      | Q(position=nomination.position, pk__lt=nomination.pk))
              .count())
    return before // per_page + 1


def nomination_url(nomination: Nomination, url_name: str = "awards:dossier_detail", *,
                   page: int | None = None) -> str:
    """The dossier page (or its appraisal page) on the page of `nomination`, scrolled to it.
    `page` is given when the nomination is about to disappear (removed)."""
    page = page or nomination_page_number(nomination)
    url = reverse(url_name, args=[nomination.dossier_id])
    query = f"?page={page}" if page > 1 else ""
    return f"{url}{query}#nomination-{nomination.pk}"



def nominations_page(nominations: list, number) -> Page:
    """One page of a dossier's nominations (an out-of-range number gives the last page), each
    row numbered in the whole list."""
    page = Paginator(nominations, NOMINATIONS_PER_PAGE).get_page(number)
    for offset, nomination in enumerate(page.object_list):
        nomination.number = page.start_index() + offset
    return page


def key_reasons(reasons) -> list:
    """The reasons that stand between a nomination and "eligible" (not met, missing fact, left
    to the appraisers), shown without opening the full list; `reasons` are the engine's Reason
    objects or the dicts frozen at submission."""
    keep = (Outcome.NOT_MET, Outcome.MISSING, Outcome.REVIEW)
    return [r for r in reasons
            if (r.get("outcome") if isinstance(r, dict) else r.outcome) in keep]
