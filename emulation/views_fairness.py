"""Pages of the fairness analytics (issue 6 part 7): the index of the groups the user may read,
and one group's analytics over all its years. Read-only and thin: find the group (404 when the
user cannot see it, whatever the verb), check the predicate (403), compute, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors_fairness as selectors
from .permissions_fairness import can_open_fairness_index, can_view_fairness, council_seat_paths


@login_required
@require_GET
def fairness_index(request):
    if not (can_open_fairness_index(request.user) or council_seat_paths(request.user)):
        raise PermissionDenied
    return render(request, "emulation/fairness_index.html", {
        "groups": selectors.fairness_groups(request.user)})


@login_required
def fairness_group(request, pk):
    group = selectors.get_group_for_fairness(request.user, pk)
    if not can_view_fairness(request.user, group):
        raise PermissionDenied
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    result = selectors.group_fairness([group])[0]
    return render(request, "emulation/fairness_group.html", {"group": group, "result": result})
