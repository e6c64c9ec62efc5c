"""The eligibility page (xét điều kiện): pick a person or collective, an award and a year, and
read the verdict with its reasons. Thin: the rules live in awards.eligibility."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from clusters.selectors import get_organization_for_user, get_person_for_user

from . import permissions, selectors
from .eligibility import Candidate, Request, Verdict, check_many
from .forms_eligibility import EligibilityForm


@login_required
def eligibility(request):
    if not permissions.can_view_registry(request.user):
        raise PermissionDenied
    default_year = selectors.default_achievement_year()
    form = EligibilityForm(request.GET or None, default_year=default_year,
                           initial={"kind": "person"})
    context = {"form": form, "default_year": default_year, "can_view_rule_sets":
               permissions.can_view_rule_sets(request.user)}
    if not form.is_valid():
        return render(request, "awards/eligibility.html", context)
    data = form.cleaned_data
    candidate = None
    if data["person"]:
        candidate = Candidate(person=get_person_for_user(request.user, data["person"]))
    elif data["organization"]:
        candidate = Candidate(
            organization=get_organization_for_user(request.user, data["organization"]))
    if candidate is None:
        context["found"] = selectors.candidate_search(request.user, data["q"],
                                                            data["kind"] or "person")
        context["searched"] = bool(data["q"])
        return render(request, "awards/eligibility.html", context)
    awards = ([data["award"]] if data["award"]
              else selectors.award_types_for(candidate.is_individual))
    checked = check_many([Request(candidate, award.code, data["year"]) for award in awards],
                         on_date=data["on_date"])
    context.update({
        "can_view_facts": (
            permissions.can_view_person_facts(request.user, candidate.person)
            if candidate.is_individual
            else permissions.can_view_collective_facts(request.user, candidate.organization)),
        "candidate": candidate, "results": checked.results, "year": data["year"],
        "on_date": data["on_date"], "rule_set": checked.results[0].rule_set if checked.results
        else None,
    })
    return render(request, "awards/eligibility.html", context)


def verdicts_now(candidate: Candidate) -> dict:
    """Every award that fits the candidate, checked for the default year against today's
    rules: what a person's or a collective's history page shows as "may be proposed now"."""
    year = selectors.default_achievement_year()
    awards = selectors.award_types_for(candidate.is_individual)
    results = check_many([Request(candidate, award.code, year) for award in awards],
                         on_date=datetime.date.today()).results
    return {
        "eligibility_year": year,
        "eligibility_query": "%s=%d" % candidate.key,
        "eligible_now": [r for r in results if r.verdict == Verdict.ELIGIBLE],
        "review_now": [r for r in results if r.verdict == Verdict.NEEDS_REVIEW],
    }
