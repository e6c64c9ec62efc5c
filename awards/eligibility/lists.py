"""Rules across a list of nominations: quotas and "one achievement, one form".

A quota marks the nominations beyond it, in the list's order (the last ones added), as not
eligible and names the quota, so the unit knows how many to withdraw; the counters go to
`ListCheck.quotas` for the dossier to show before a quota is exceeded."""

import math
from collections import defaultdict

from django.utils.translation import gettext as _

from ..models import AwardType
from .engine import Facts, ListCheck, Outcome, Reason, Verdict, percent_text

UNIT_TITLES = ("LDTT",)


def apply(checked: ListCheck, facts: Facts, params) -> None:
    _cstdcs_quota(checked, facts, params)
    _flags_per_group(checked, facts, params)
    _one_form_per_achievement(checked, params)


def _reason(result, outcome, text, params, *keys):
    citations, verified = [], True
    for key in keys:
        parameter = params.parameter(key)
        if parameter.legal_citation:
            citations.append(parameter.legal_citation)
        verified = verified and parameter.verified
    result.reasons.append(Reason(outcome, text, "; ".join(citations), verified))


def _cstdcs_quota(checked: ListCheck, facts: Facts, params) -> None:
    """Chiến sĩ thi đua cơ sở at most a share of the unit's Lao động tiên tiến (legacy 15%)."""
    if not params["cstdcs_quota_enabled"]:
        return
    percent = params["cstdcs_ldtt_quota_percent"]
    rounding = params["cstdcs_quota_rounding"]
    by_unit = defaultdict(list)
    ldtt_nominees = defaultdict(set)
    for result in checked.results:
        if not result.candidate.is_individual:
            continue
        unit = (result.candidate.unit_id, result.year)
        if result.award_type.code == "CSTDCS" and result.verdict != Verdict.NOT_ELIGIBLE:
            # A nominee who is not eligible anyway does not take a place in the quota.
            by_unit[unit].append(result)
        elif result.award_type.code == "LDTT" and result.verdict != "not_eligible":
            ldtt_nominees[unit].add(result.candidate.person.pk)
    if not by_unit:
        return
    names = {code: facts.award_types[code].name for code in ("CSTDCS", "LDTT")}
    # LĐTT already in the registry for the unit and year, plus those nominated in this list.
    registered = Facts.unit_title_holders([unit for unit in by_unit], "LDTT")
    for (unit_id, year), results in by_unit.items():
        holders = registered.get((unit_id, year), set()) | ldtt_nominees[(unit_id, year)]
        raw = percent * len(holders) / 100
        limit = math.floor(raw) if rounding == "floor" else int(
            math.floor(float(raw) + 0.5))
        checked.quotas.append({
            "label": _("%(cstdcs)s of %(year)s against %(ldtt_name)s") % {
                "cstdcs": names["CSTDCS"], "ldtt_name": names["LDTT"], "year": year},
            "unit_id": unit_id, "used": len(results), "limit": limit,
        })
        for index, result in enumerate(results):
            values = {"limit": limit, "percent": percent_text(percent), "ldtt": len(holders),
                      "used": len(results), "year": year, "ldtt_name": names["LDTT"]}
            if index < limit:
                _reason(result, Outcome.MET, _(
                    "Within the quota: %(used)s nominated, at most %(limit)s (%(percent)s%% of "
                    "%(ldtt)s %(ldtt_name)s of the unit in %(year)s).") % values, params,
                    "cstdcs_quota_enabled", "cstdcs_ldtt_quota_percent")
            else:
                _reason(result, Outcome.NOT_MET, _(
                    "Over the quota: %(used)s nominated but at most %(limit)s (%(percent)s%% of "
                    "%(ldtt)s %(ldtt_name)s of the unit in %(year)s).") % values, params,
                    "cstdcs_quota_enabled", "cstdcs_ldtt_quota_percent")


def _flags_per_group(checked: ListCheck, facts: Facts, params) -> None:
    """No more Alliance emulation flags per cluster or bloc than the rule set allows."""
    maximum = params["flags_per_cluster_max"]
    by_group = defaultdict(list)
    for result in checked.results:
        if (result.award_type.code != "CTD_LM" or result.candidate.is_individual
                or result.verdict == Verdict.NOT_ELIGIBLE):
            continue
        for group_id in facts.groups.get((result.candidate.organization.pk, result.year), ()):
            by_group[(group_id, result.year)].append(result)
    for (group_id, year), results in by_group.items():
        checked.quotas.append({
            "label": _("Emulation flags of %(year)s in one cluster or bloc") % {"year": year},
            "group_id": group_id, "used": len(results), "limit": maximum,
        })
        if len(results) <= maximum:
            continue
        for result in results[maximum:]:
            _reason(result, Outcome.NOT_MET, _(
                "Over the limit of %(max)s emulation flag(s) per cluster or bloc: %(count)s "
                "units of the same cluster or bloc are nominated for %(year)s.") % {
                "max": maximum, "count": len(results), "year": year}, params,
                "flags_per_cluster_max")


def _one_form_per_achievement(checked: ListCheck, params) -> None:
    """Two forms of commendation for the same candidate and year in one list."""
    if not params["one_achievement_one_form"]:
        return
    seen = {}
    for result in checked.results:
        if (result.award_type.category != AwardType.Category.COMMENDATION
                or result.verdict == Verdict.NOT_ELIGIBLE):
            continue
        key = (result.candidate.key, result.year)
        if key in seen:
            _reason(result, Outcome.NOT_MET, _(
                "The list already proposes %(award)s for the same achievements of %(year)s: one "
                "achievement earns one form only.") % {
                "award": seen[key].award_type.name, "year": result.year}, params,
                "one_achievement_one_form")
        else:
            seen[key] = result

