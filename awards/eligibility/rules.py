"""One function per award: its criteria, read from the rule set in force (domain reference §10).

Each rule names the parameters it reads, so every reason cites their legal basis and says
whether the value is verified. Texts say what was found, with years, so a user can check them
against the registry."""

from django.utils.translation import gettext as _

from ..models import AwardRecord, AwardType, DisciplineRecord, Initiative, Rating, rating_at_least
from .engine import Check, consecutive_run, percent_text, rule, years_text

ALLIANCE_BK = ("BK_BCH", "BK_CT")
STATE_LEVELS = (AwardType.GrantingLevel.PRIME_MINISTER, AwardType.GrantingLevel.STATE_PRESIDENT)


def _rating_label(value: str) -> str:
    return str(Rating(value).label).lower()


# --- shared criteria ---------------------------------------------------------------------------


def assessment_or_missing(check: Check, year: int):
    assessment = check.assessment(year)
    if assessment is None:
        check.missing(_("No annual assessment of %(year)s is recorded: the rating of that year "
                        "is needed.") % {"year": year})
    return assessment


def rating_criterion(check: Check, year: int, key: str) -> bool | None:
    """The year's rating is at least the one the parameter `key` names."""
    assessment = assessment_or_missing(check, year)
    if assessment is None:
        return None
    floor = check.params[key]
    return check.require(
        rating_at_least(assessment.rating, floor),
        _("Rated “%(rating)s” in %(year)s (at least “%(floor)s” is needed).") % {
            "rating": _rating_label(assessment.rating), "year": year,
            "floor": _rating_label(floor)},
        _("Rated “%(rating)s” in %(year)s; at least “%(floor)s” is needed.") % {
            "rating": _rating_label(assessment.rating), "year": year,
            "floor": _rating_label(floor)},
        key)


def ldtt_criteria(check: Check, year: int) -> None:
    """Lao động tiên tiến: the rating, time at work, absence and discipline of the year."""
    assessment = check.assessment(year)
    rating_criterion(check, year, "ldtt_min_rating")
    if assessment is None:
        return
    if assessment.months_worked is None:
        check.missing(_("The months worked in %(year)s are not recorded.") % {"year": year},
                      "ldtt_min_months_employed")
    else:
        minimum = check.params["ldtt_min_months_employed"]
        check.require(assessment.months_worked >= minimum,
                      _("Worked %(months)s months in %(year)s (at least %(min)s).") % {
                          "months": assessment.months_worked, "year": year, "min": minimum},
                      _("Worked %(months)s months in %(year)s; at least %(min)s are needed.") % {
                          "months": assessment.months_worked, "year": year, "min": minimum},
                      "ldtt_min_months_employed")
    if assessment.absence_days is None:
        check.missing(_("The working days absent in %(year)s are not recorded.") % {"year": year},
                      "ldtt_absence_days_excluding")
    else:
        limit = check.params["ldtt_absence_days_excluding"]
        check.require(assessment.absence_days < limit,
                      _("Absent %(days)s working days in %(year)s (fewer than %(limit)s).") % {
                          "days": assessment.absence_days, "year": year, "limit": limit},
                      _("Absent %(days)s working days in %(year)s; %(limit)s or more exclude "
                        "the title.") % {"days": assessment.absence_days, "year": year,
                                         "limit": limit},
                      "ldtt_absence_days_excluding")
    if check.params["ldtt_discipline_excludes"]:
        measures = [d for d in check.discipline() if not d.pending and d.in_effect_during(year)]
        check.require(not measures,
                      _("No disciplinary measure in %(year)s.") % {"year": year},
                      _("Disciplined (%(level)s) in %(year)s.") % {
                          "level": measures[0].get_level_display().lower() if measures else "",
                          "year": year},
                      "ldtt_discipline_excludes")


def initiative_list(initiatives) -> str:
    return "; ".join(f"“{i.title}” ({i.year})" for i in initiatives[:3])


def years_assessed(check: Check, years) -> list[int]:
    """The years of `years` without an annual assessment (so initiatives are not known)."""
    return [y for y in years if check.assessment(y) is None]


def one_achievement_one_form(check: Check) -> None:
    """Law Art. 5.2: one achievement is rewarded once, with one form. A merit-based form of
    commendation already given for the year's achievement excludes another one."""
    if not check.params["one_achievement_one_form"]:
        return
    others = [r for r in check.records() if r.year == check.year and not r.revoked
              and r.kind == AwardRecord.Kind.MERIT and r.code != check.code
              and r.category == AwardType.Category.COMMENDATION]
    if others:
        other = others[0]
        check.not_met(_("The achievements of %(year)s were already rewarded with %(award)s "
                        "(decision %(number)s): one achievement earns one form only.") % {
            "year": check.year, "award": check.award_name(other.code),
            "number": other.decision_number}, "one_achievement_one_form")
    else:
        check.met(_("No other form of commendation was given for the achievements of "
                    "%(year)s.") % {"year": check.year}, "one_achievement_one_form")


def state_award_cap(check: Check) -> None:
    """No more state-level forms for one subject in a year than the rule set allows (except
    extraordinary and contribution awards)."""
    maximum = check.params["state_awards_per_year_max"]
    given = [r for r in check.records() if r.year == check.year and not r.revoked
             and r.granting_level in STATE_LEVELS and r.category == AwardType.Category.COMMENDATION
             and r.kind in (AwardRecord.Kind.MERIT, AwardRecord.Kind.THEMATIC)]
    check.require(len(given) < maximum,
                  _("%(count)s state-level form(s) of commendation for %(year)s so far (at most "
                    "%(max)s a year).") % {"count": len(given), "year": check.year, "max": maximum},
                  _("Already %(count)s state-level form(s) of commendation for %(year)s; at most "
                    "%(max)s a year.") % {"count": len(given), "year": check.year, "max": maximum},
                  "state_awards_per_year_max")


def collective_not_computed(check: Check) -> None:
    check.review(_("The criteria of %(award)s for collectives are appraised by the appraisal "
                    "department; the system checks only the general conditions.") % {
        "award": check.result.award_type.name})


def latest(years: set[int], before_or_in: int) -> int | None:
    candidates = [y for y in years if y <= before_or_in]
    return max(candidates) if candidates else None


# --- individual titles -------------------------------------------------------------------------


@rule("LDTT")
def lao_dong_tien_tien(check: Check) -> None:
    ldtt_criteria(check, check.year)


@rule("CSTDCS")
def chien_si_thi_dua_co_so(check: Check) -> None:
    ldtt_criteria(check, check.year)
    assessment = check.assessment(check.year)
    if assessment is None:
        return
    initiatives = check.initiatives({check.year}, Initiative.Scope.GRASSROOTS)
    excellent = assessment.rating == Rating.EXCELLENT
    if check.params["cstdcs_requires_initiative"]:
        check.require(bool(initiatives),
                      _("Initiative recognised in %(year)s: %(list)s.") % {
                          "year": check.year, "list": initiative_list(initiatives)},
                      _("No initiative or research work recognised in %(year)s; the rule set "
                        "requires one.") % {"year": check.year},
                      "cstdcs_requires_initiative")
    elif excellent or initiatives:
        check.met(_("Completed tasks excellently in %(year)s.") % {"year": check.year}
                  if excellent else
                  _("Initiative recognised in %(year)s: %(list)s.") % {
                      "year": check.year, "list": initiative_list(initiatives)},
                  "cstdcs_requires_initiative")
    else:
        check.not_met(_("Neither completed tasks excellently nor has a recognised initiative "
                        "in %(year)s.") % {"year": check.year}, "cstdcs_requires_initiative")


@rule("CSTDN")
def chien_si_thi_dua_nganh(check: Check) -> None:
    needed = check.params["cstdn_cstdcs_consecutive_years"]
    held = check.held_years("CSTDCS")
    run = consecutive_run(held, check.year)
    window = set(range(check.year - needed + 1, check.year + 1))
    check.require(run >= needed,
                  _("%(award)s in %(n)s consecutive years up to %(year)s (%(years)s).") % {
                      "award": check.award_name("CSTDCS"), "n": run, "year": check.year,
                      "years": years_text(window)},
                  _("%(award)s is needed in %(needed)s consecutive years up to %(year)s; the "
                    "registry has %(run)s (years held: %(years)s).") % {
                      "award": check.award_name("CSTDCS"), "needed": needed, "year": check.year,
                      "run": run, "years": years_text(held)},
                  "cstdn_cstdcs_consecutive_years")
    if check.params["cstdn_requires_sector_initiative"]:
        _scope_initiative(check, window, Initiative.Scope.SECTOR,
                          "cstdn_requires_sector_initiative")


@rule("CSTDTQ")
def chien_si_thi_dua_toan_quoc(check: Check) -> None:
    times = check.params["cstdtq_cstdn_consecutive_times"]
    gap = check.params["cstdn_cstdcs_consecutive_years"]
    held = sorted(check.held_years("CSTDN"))
    chain = []
    if held and held[-1] == check.year:
        chain = [held[-1]]
        for year in reversed(held[:-1]):
            if chain[-1] - year > gap:
                break
            chain.append(year)
    check.require(len(chain) >= times,
                  _("%(award)s %(n)s consecutive times, the latest in %(year)s (%(years)s).") % {
                      "award": check.award_name("CSTDN"), "n": len(chain), "year": check.year,
                      "years": years_text(chain)},
                  _("%(award)s is needed %(needed)s consecutive times, the latest in "
                    "%(year)s; the registry has %(years)s.") % {
                      "award": check.award_name("CSTDN"), "needed": times, "year": check.year,
                      "years": years_text(held)},
                  "cstdtq_cstdn_consecutive_times", "cstdn_cstdcs_consecutive_years")
    if check.params["cstdtq_requires_nationwide_initiative"]:
        start = (min(chain) if chain else check.year) - gap + 1
        _scope_initiative(check, set(range(start, check.year + 1)), Initiative.Scope.NATIONAL,
                          "cstdtq_requires_nationwide_initiative")


def _scope_initiative(check: Check, window: set[int], scope: str, key: str) -> None:
    found = check.initiatives(window, scope)
    if found:
        check.met(_("Initiative with %(scope)s effect recognised: %(list)s.") % {
            "scope": str(Initiative.Scope(scope).label).lower(), "list": initiative_list(found)},
            key)
        return
    unknown = years_assessed(check, window)
    if unknown:
        check.missing(_("No initiative with %(scope)s effect is recorded in %(years)s, and the "
                        "initiatives of %(unknown)s are not recorded.") % {
            "scope": str(Initiative.Scope(scope).label).lower(), "years": years_text(window),
            "unknown": years_text(unknown)}, key)
    else:
        check.not_met(_("No initiative with %(scope)s effect recognised in %(years)s.") % {
            "scope": str(Initiative.Scope(scope).label).lower(), "years": years_text(window)},
            key)


# --- collective titles -------------------------------------------------------------------------


def member_share(check: Check, code: str, key_percent: str, key_exclusive: str | None,
                 assessment) -> None:
    members = assessment.member_count if assessment else None
    if not members:
        check.missing(_("The number of members in %(year)s is not recorded.") % {
            "year": check.year}, key_percent)
        return
    holders = check.facts.member_titles.get((check.candidate.organization.pk, code, check.year), 0)
    share = holders * 100 / members
    percent = check.params[key_percent]
    exclusive = bool(key_exclusive and check.params[key_exclusive])
    ok = share > percent if exclusive else share >= percent
    values = {"holders": holders, "members": members, "award": check.award_name(code),
              "share": percent_text(share), "percent": percent_text(percent), "year": check.year}
    keys = (key_percent, key_exclusive) if key_exclusive else (key_percent,)
    if exclusive:
        check.require(ok, _("%(holders)s of %(members)s members are %(award)s in %(year)s "
                            "(%(share)s%%, more than %(percent)s%% is needed).") % values,
                      _("%(holders)s of %(members)s members are %(award)s in %(year)s "
                        "(%(share)s%%); more than %(percent)s%% is needed.") % values, *keys)
    else:
        check.require(ok, _("%(holders)s of %(members)s members are %(award)s in %(year)s "
                            "(%(share)s%%, at least %(percent)s%% is needed).") % values,
                      _("%(holders)s of %(members)s members are %(award)s in %(year)s "
                        "(%(share)s%%); at least %(percent)s%% is needed.") % values, *keys)


def members_not_disciplined(check: Check) -> None:
    if not check.params["collective_no_member_disciplined"]:
        return
    disciplined = [d for d in check.facts.member_discipline.get(check.candidate.organization.pk, ())
                   if not d.pending and d.level and d.level >= DisciplineRecord.Level.WARNING
                   and d.in_effect_during(check.year)]
    check.require(not disciplined,
                  _("No member disciplined with a warning or more in %(year)s.") % {
                      "year": check.year},
                  _("%(count)s member(s) disciplined with a warning or more in %(year)s.") % {
                      "count": len({d.person_id for d in disciplined}), "year": check.year},
                  "collective_no_member_disciplined")


def ttldxs_criteria(check: Check) -> None:
    rating_criterion(check, check.year, "ttldxs_min_rating")
    assessment = check.assessment(check.year)
    if assessment is None:
        return
    if assessment.member_count and assessment.members_completed is not None:
        share = assessment.members_completed * 100 / assessment.member_count
        needed = check.params["ttldxs_members_completed_percent"]
        values = {"done": assessment.members_completed, "members": assessment.member_count,
                  "share": percent_text(share), "percent": percent_text(needed), "year": check.year}
        check.require(share >= needed,
                      _("%(done)s of %(members)s members completed their tasks in %(year)s "
                        "(%(share)s%%, at least %(percent)s%% is needed).") % values,
                      _("%(done)s of %(members)s members completed their tasks in %(year)s "
                        "(%(share)s%%); at least %(percent)s%% is needed.") % values,
                      "ttldxs_members_completed_percent")
    else:
        check.missing(_("How many members completed their tasks in %(year)s is not "
                        "recorded.") % {"year": check.year}, "ttldxs_members_completed_percent")
    member_share(check, "LDTT", "ttldxs_ldtt_share_percent", None, assessment)
    needed = check.params["ttldxs_min_cstdcs_members"]
    holders = check.facts.member_titles.get(
        (check.candidate.organization.pk, "CSTDCS", check.year), 0)
    values = {"count": holders, "award": check.award_name("CSTDCS"), "year": check.year,
              "needed": needed}
    check.require(holders >= needed,
                  _("%(count)s member(s) are %(award)s in %(year)s (at least %(needed)s).") % values,
                  _("%(count)s member(s) are %(award)s in %(year)s; at least %(needed)s "
                    "needed.") % values,
                  "ttldxs_min_cstdcs_members")
    members_not_disciplined(check)


@rule("TTLDTT")
def tap_the_lao_dong_tien_tien(check: Check) -> None:
    rating_criterion(check, check.year, "ttldtt_min_rating")
    assessment = check.assessment(check.year)
    if assessment is not None:
        member_share(check, "LDTT", "ttldtt_ldtt_share_percent", "ttldtt_ldtt_share_exclusive",
                     assessment)
    members_not_disciplined(check)


@rule("TTLDXS")
def tap_the_lao_dong_xuat_sac(check: Check) -> None:
    ttldxs_criteria(check)


def leads_group(check: Check, year: int) -> bool | None:
    """Whether the collective was among the leading units of its cluster or bloc in `year`."""
    groups = check.facts.groups.get((check.candidate.organization.pk, year), set())
    if not groups:
        check.not_met(_("Not a member of any emulation cluster or bloc in %(year)s.") % {
            "year": year}, "flag_leading_units_per_cluster")
        return False
    assessment = check.assessment(year)
    if assessment is None or assessment.group_rank is None:
        check.missing(_("The rank in the emulation cluster or bloc in %(year)s is not "
                        "recorded.") % {"year": year}, "flag_leading_units_per_cluster")
        return None
    leading = check.params["flag_leading_units_per_cluster"]
    return check.require(
        assessment.group_rank <= leading,
        _("Ranked %(rank)s in its cluster or bloc in %(year)s (the first %(n)s lead).") % {
            "rank": assessment.group_rank, "year": year, "n": leading},
        _("Ranked %(rank)s in its cluster or bloc in %(year)s; only the first %(n)s lead.") % {
            "rank": assessment.group_rank, "year": year, "n": leading},
        "flag_leading_units_per_cluster")


@rule("CTD_LM")
def co_thi_dua_lien_minh(check: Check) -> None:
    leads_group(check, check.year)
    if check.params["ctd_lm_requires_ttldxs"]:
        ttldxs_criteria(check)


@rule("CTD_CP")
def co_thi_dua_chinh_phu(check: Check) -> None:
    if not check.params["ctd_cp_requires_cluster_leader"]:
        check.review(_("Under these rules the Government's flag goes to the most outstanding "
                        "collectives of the movements: the council compares the candidates."),
                      "ctd_cp_requires_cluster_leader")
        return
    # Law Art. 25.1: the pool is the collectives that led their cluster or bloc in the year.
    flags = check.held_years("CTD_LM")
    if check.year in flags:
        check.met(_("Holds %(award)s for %(year)s: it led its cluster or bloc.") % {
            "award": check.award_name("CTD_LM"), "year": check.year},
            "ctd_cp_requires_cluster_leader")
    else:
        leads_group(check, check.year)
    check.note(_("The Government's number of flags for the Alliance and the comparison "
                 "between leading collectives are decided by the council."),
               "ctd_cp_requires_cluster_leader")


# --- forms of commendation ---------------------------------------------------------------------


@rule(*ALLIANCE_BK)
def bang_khen_lien_minh(check: Check) -> None:
    one_achievement_one_form(check)
    if not check.candidate.is_individual:
        _collective_bang_khen(check)
        return
    # Law Art. 74.1(d): two consecutive CSTĐCS, or two consecutive years excellent with two
    # recognised initiatives in those years.
    years = check.params["bk_alliance_cstdcs_consecutive_years"]
    held = check.held_years("CSTDCS")
    run = consecutive_run(held, check.year)
    keys = ("bk_alliance_cstdcs_consecutive_years",)
    if run >= years:
        check.met(_("%(award)s in %(n)s consecutive years up to %(year)s.") % {
            "award": check.award_name("CSTDCS"), "n": run, "year": check.year}, *keys)
        return
    excellent_years = check.params["bk_alliance_htxsnv_consecutive_years"]
    needed_initiatives = check.params["bk_alliance_initiatives_min"]
    window = list(range(check.year - excellent_years + 1, check.year + 1))
    unknown = years_assessed(check, window)
    excellent = all(check.assessment(y) and check.assessment(y).rating == Rating.EXCELLENT
                    for y in window)
    initiatives = check.initiatives(set(window), Initiative.Scope.GRASSROOTS)
    alt_keys = keys + ("bk_alliance_htxsnv_consecutive_years", "bk_alliance_initiatives_min")
    if excellent and len(initiatives) >= needed_initiatives:
        check.met(_("Completed tasks excellently in %(years)s with %(count)s recognised "
                    "initiatives (%(list)s).") % {"years": years_text(window),
                                                  "count": len(initiatives),
                                                  "list": initiative_list(initiatives)}, *alt_keys)
    elif unknown:
        check.missing(_("%(award)s in only %(run)s consecutive year(s) up to %(year)s; the other "
                        "criterion (excellent years with initiatives) cannot be checked because "
                        "the assessments of %(unknown)s are not recorded.") % {
            "award": check.award_name("CSTDCS"), "run": run, "year": check.year,
            "unknown": years_text(unknown)}, *alt_keys)
    else:
        check.not_met(_("Needs %(award)s in %(years)s consecutive years up to %(year)s (has "
                        "%(run)s), or %(excellent)s consecutive years completing tasks "
                        "excellently with %(initiatives)s recognised initiatives (has %(count)s)."
                        ) % {"award": check.award_name("CSTDCS"), "years": years, "run": run,
                             "year": check.year, "excellent": excellent_years,
                             "initiatives": needed_initiatives, "count": len(initiatives)},
                      *alt_keys)


def _collective_bang_khen(check: Check) -> None:
    key = "bk_alliance_collective_ttldxs_consecutive_years"
    needed = check.params[key]
    merged = check.params["merged_org_titles_count_for_successor"]
    absorbed = check.facts.absorbed.get(check.candidate.organization.pk, [])
    held = check.held_years("TTLDXS", include_absorbed=merged)
    run = consecutive_run(held, check.year)
    if absorbed and not merged:
        check.note(_("Titles of organizations merged into this one do not count toward its "
                     "consecutive years."), "merged_org_titles_count_for_successor")
    elif absorbed:
        check.note(_("Titles of organizations merged into this one count toward its "
                     "consecutive years."), "merged_org_titles_count_for_successor")
    values = {"award": check.award_name("TTLDXS"), "needed": needed, "run": run,
              "year": check.year, "years": years_text(held)}
    check.require(run >= needed,
                  _("%(award)s in %(run)s consecutive years up to %(year)s.") % values,
                  _("%(award)s is needed in %(needed)s consecutive years up to %(year)s; the "
                    "registry has %(run)s (years held: %(years)s).") % values,
                  key, *(("merged_org_titles_count_for_successor",) if absorbed else ()))


def _years_after(check: Check, prior_codes: tuple[str, ...], years_key: str) -> tuple | None:
    """The latest prior award among `prior_codes` and the window of years after it; checks
    that the last `years_key` years are all after it and rated "completed tasks well" or
    better. Returns (prior year, window years) or None when there is no prior award."""
    prior_years = check.held_years(*prior_codes)
    prior = latest(prior_years, check.year - 1)
    names = " / ".join(check.award_name(c) for c in prior_codes)
    if prior is None:
        check.not_met(_("Needs %(award)s first; the registry has none before %(year)s.") % {
            "award": names, "year": check.year}, years_key)
        return None
    needed = check.params[years_key]
    since = check.year - prior
    check.require(since >= needed,
                  _("%(award)s in %(prior)s, %(since)s years before %(year)s (at least "
                    "%(needed)s).") % {"award": names, "prior": prior, "since": since,
                                       "year": check.year, "needed": needed},
                  _("%(award)s in %(prior)s, only %(since)s years before %(year)s; %(needed)s "
                    "consecutive years after it are needed.") % {
                      "award": names, "prior": prior, "since": since, "year": check.year,
                      "needed": needed},
                  years_key)
    # "That period" (Law Art. 73.1b, 44.1e) is the run of consecutive years up to the
    # proposal, after the prior award, rated "completed tasks well" or better; the titles it
    # asks for are counted inside it, not in older, broken stretches.
    period, year = [], check.year
    while year > prior:
        assessment = check.assessment(year)
        if assessment is None or not rating_at_least(assessment.rating, Rating.GOOD):
            break
        period.append(year)
        year -= 1
    period.sort()
    window = list(range(max(prior + 1, check.year - needed + 1), check.year + 1))
    if len(period) >= needed:
        check.met(_("Completed tasks well or better in every year of %(years)s.") % {
            "years": years_text(period)}, years_key)
        return prior, period
    weak = [y for y in window if check.assessment(y)
            and not rating_at_least(check.assessment(y).rating, Rating.GOOD)]
    unknown = years_assessed(check, window)
    if weak:
        check.not_met(_("Rated below “completed tasks well” in %(years)s.") % {
            "years": years_text(weak)}, years_key)
    elif unknown:
        check.missing(_("The assessments of %(years)s are not recorded.") % {
            "years": years_text(unknown)}, years_key)
    return prior, window


def _cstdcs_in(check: Check, window, key: str) -> None:
    needed = check.params[key]
    held = check.held_years("CSTDCS", explain=False) & set(window)
    values = {"award": check.award_name("CSTDCS"), "count": len(held), "needed": needed,
              "years": years_text(held)}
    check.require(len(held) >= needed,
                  _("%(award)s %(count)s times in that period (%(years)s; at least "
                    "%(needed)s).") % values,
                  _("%(award)s %(count)s times in that period (%(years)s); at least %(needed)s "
                    "are needed.") % values, key)


@rule("BK_TTG")
def bang_khen_thu_tuong(check: Check) -> None:
    one_achievement_one_form(check)
    state_award_cap(check)
    if not check.candidate.is_individual:
        collective_not_computed(check)
        return
    found = _years_after(check, ALLIANCE_BK, "bk_ttg_years_after_alliance_bk")
    if found:
        _cstdcs_in(check, found[1], "bk_ttg_cstdcs_in_window")


@rule("HCLD3")
def huan_chuong_lao_dong_hang_ba(check: Check) -> None:
    one_achievement_one_form(check)
    state_award_cap(check)
    if not check.candidate.is_individual:
        collective_not_computed(check)
        return
    found = _years_after(check, ("BK_TTG",), "hcld3_years_after_bk_ttg")
    if not found:
        return
    _cstdcs_in(check, found[1], "hcld3_cstdcs_in_window")
    needed = check.params["hcld3_htxsnv_years_min"]
    excellent = [y for y in found[1] if check.assessment(y)
                 and check.assessment(y).rating == Rating.EXCELLENT]
    check.require(len(excellent) >= needed,
                  _("Completed tasks excellently in %(years)s (at least %(needed)s year(s)).") % {
                      "years": years_text(excellent), "needed": needed},
                  _("Completed tasks excellently in %(count)s year(s) of that period; at least "
                    "%(needed)s needed.") % {"count": len(excellent), "needed": needed},
                  "hcld3_htxsnv_years_min")


@rule("HCLD2")
def huan_chuong_lao_dong_hang_nhi(check: Check) -> None:
    one_achievement_one_form(check)
    state_award_cap(check)
    if not check.candidate.is_individual:
        collective_not_computed(check)
        return
    _years_after(check, ("HCLD3",), "hcld2_years_after_hcld3")


@rule("HCLD1")
def huan_chuong_lao_dong_hang_nhat(check: Check) -> None:
    one_achievement_one_form(check)
    state_award_cap(check)
    if not check.candidate.is_individual:
        collective_not_computed(check)
        return
    _years_after(check, ("HCLD2",), "hcld1_years_after_hcld2")


@rule("GK")
def giay_khen(check: Check) -> None:
    one_achievement_one_form(check)
    rating_criterion(check, check.year, "gk_min_rating")


@rule("KNC")
def ky_niem_chuong(check: Check) -> None:
    if check.params["knc_once_per_person"]:
        held = [r for r in check.records() if r.code == "KNC" and not r.revoked]
        if held:
            check.not_met(_("Already received %(award)s in %(year)s (decision %(number)s); it is "
                            "awarded once per person.") % {
                "award": check.result.award_type.name, "year": held[0].year,
                "number": held[0].decision_number}, "knc_once_per_person")
            return
        check.met(_("Has not received it before."), "knc_once_per_person")
    check.review(_("The years of service in the cooperative sector are not recorded in the "
                    "system: the unit confirms them."), "knc_once_per_person")
