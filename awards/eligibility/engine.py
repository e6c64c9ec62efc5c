"""The eligibility engine: verdicts with reasons, the registry of rules, the facts they read.

A rule is a function registered under one or more award codes (`@rule("LDTT")`). It receives a
`Check` that carries the candidate, the award, the achievement year, the typed parameters of the
rule set in force on the date asked for, and the `Facts` loaded for the whole batch; it adds
reasons (`check.met`, `check.not_met`, `check.missing`). The verdict follows from the reasons:
any unmet condition → not eligible; otherwise any missing fact → needs review; otherwise
eligible. A missing fact is never a pass.

`Facts` reads everything a batch needs in a fixed number of queries, whatever the number of
candidates: build one per request or per list (see `check_many`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from clusters.models import GroupMembership, Organization, Person

from ..models import (
    SCOPE_ORDER, AnnualAssessment, AwardRecord, AwardType, DisciplineRecord, Initiative,
)
from ..selectors import RuleBook, RuleParameters, RuleSetMissing


class Verdict:
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_REVIEW = "needs_review"

    @staticmethod
    def label(value: str) -> str:
        return {Verdict.ELIGIBLE: _("Eligible"), Verdict.NOT_ELIGIBLE: _("Not eligible"),
                Verdict.NEEDS_REVIEW: _("Needs review")}[value]


class Outcome:
    MET = "met"
    NOT_MET = "not_met"
    MISSING = "missing"  # a fact the unit must record: blocks sending a dossier
    REVIEW = "review"    # a criterion the system does not compute: the appraisers judge it
    NOTE = "note"


@dataclass
class Reason:
    outcome: str
    text: str
    citation: str = ""
    verified: bool = True


@dataclass(frozen=True)
class Candidate:
    """A person, or a collective (an organization)."""

    person: Person | None = None
    organization: Organization | None = None

    def __post_init__(self):
        if (self.person is None) == (self.organization is None):
            raise ValueError("a candidate is a person or an organization")

    @property
    def key(self) -> tuple[str, int]:
        return ("person", self.person.pk) if self.person else ("organization", self.organization.pk)

    @property
    def is_individual(self) -> bool:
        return self.person is not None

    @property
    def name(self) -> str:
        return self.person.full_name if self.person else self.organization.name

    @property
    def unit_id(self) -> int:
        """The organization a person works in, or the collective itself."""
        return self.person.organization_id if self.person else self.organization.pk

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, Candidate) and self.key == other.key


@dataclass
class Result:
    candidate: Candidate
    award_type: AwardType
    year: int
    on_date: datetime.date
    params: RuleParameters | None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        outcomes = {reason.outcome for reason in self.reasons}
        if Outcome.NOT_MET in outcomes:
            return Verdict.NOT_ELIGIBLE
        if Outcome.MISSING in outcomes or Outcome.REVIEW in outcomes or self.params is None:
            return Verdict.NEEDS_REVIEW
        return Verdict.ELIGIBLE

    @property
    def verdict_label(self) -> str:
        return Verdict.label(self.verdict)

    @property
    def rule_set(self):
        return self.params.rule_set if self.params else None

    @property
    def eligible(self) -> bool:
        return self.verdict == Verdict.ELIGIBLE


# --- the registry of rules ---------------------------------------------------------------------

RULES: dict[str, Callable[[Check], None]] = {}


def rule(*codes: str):
    """Register the function as the rule of these award codes (one rule per code)."""

    def register(function):
        for code in codes:
            if code in RULES:
                raise ValueError(f"award {code} already has a rule: {RULES[code].__name__}")
            RULES[code] = function
        return function

    return register


# --- facts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFact:
    """What the rules need of one registry record (read with values(), not as a model)."""

    code: str
    kind: str
    year: int
    revoked: bool
    decision_number: str
    decision_date: datetime.date
    category: str
    granting_level: str
    organization_id: int | None = None  # for collectives: which organization held it


class Facts:
    """Everything a batch of checks reads, loaded in a constant number of queries."""

    PERSON_TITLE_CODES = ("LDTT", "CSTDCS")

    def __init__(self, candidates: Iterable[Candidate]):
        candidates = list(candidates)
        person_ids = {c.person.pk for c in candidates if c.person}
        org_ids = {c.organization.pk for c in candidates if c.organization}
        self.absorbed = self._absorbed(org_ids) if org_ids else {}
        all_org_ids = org_ids | {a for ids in self.absorbed.values() for a, _day in ids}
        self.award_types = {t.code: t for t in AwardType.objects.all()}

        self.person_records = defaultdict(list)
        self.org_records = defaultdict(list)
        fields = ("person_id", "organization_id", "award_type__code", "kind", "achievement_year",
                  "revoked", "decision_number", "decision_date", "award_type__category",
                  "award_type__granting_level")
        recipients = Q()
        if person_ids:
            recipients |= Q(person_id__in=person_ids)
        if all_org_ids:
            recipients |= Q(person__isnull=True, collective_name="", organization_id__in=all_org_ids)
        if recipients:
            for row in AwardRecord.objects.filter(recipients).values_list(*fields):
                fact = RecordFact(row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
                                  row[1])
                if row[0]:
                    self.person_records[row[0]].append(fact)
                else:
                    self.org_records[row[1]].append(fact)

        self.person_assessments = defaultdict(dict)
        self.org_assessments = defaultdict(dict)
        subjects = Q()
        if person_ids:
            subjects |= Q(person_id__in=person_ids)
        if org_ids:
            subjects |= Q(organization_id__in=org_ids)
        if subjects:
            for assessment in AnnualAssessment.objects.filter(subjects):
                if assessment.person_id:
                    self.person_assessments[assessment.person_id][assessment.year] = assessment
                else:
                    self.org_assessments[assessment.organization_id][assessment.year] = assessment

        self.initiatives = defaultdict(list)
        if person_ids:
            for initiative in Initiative.objects.filter(person_id__in=person_ids):
                self.initiatives[initiative.person_id].append(initiative)

        self.person_discipline = defaultdict(list)
        self.member_discipline = defaultdict(list)
        who = Q()
        if person_ids:
            who |= Q(person_id__in=person_ids)
        if org_ids:
            who |= Q(organization_id__in=org_ids)
        if who:
            for record in DisciplineRecord.objects.filter(who):
                if record.person_id in person_ids:
                    self.person_discipline[record.person_id].append(record)
                if record.organization_id in org_ids:
                    self.member_discipline[record.organization_id].append(record)

        # How many of a collective's members hold each individual title, per year.
        self.member_titles = defaultdict(int)
        if org_ids:
            rows = (AwardRecord.objects.counting()
                    .filter(organization_at_award_id__in=org_ids, person__isnull=False,
                            award_type__code__in=self.PERSON_TITLE_CODES)
                    .values_list("organization_at_award_id", "award_type__code",
                                 "achievement_year")
                    .annotate(n=Count("person_id", distinct=True)))
            for org_id, code, year, count in rows:
                self.member_titles[(org_id, code, year)] = count

        self._registration_candidates = (person_ids, org_ids)
        self._registrations = None

        self.groups = defaultdict(set)
        if org_ids:
            for org_id, group_id, year in GroupMembership.objects.filter(
                    organization_id__in=org_ids).values_list("organization_id", "group_id", "year"):
                self.groups[(org_id, year)].add(group_id)

    def registrations(self) -> dict:
        """The sent emulation registrations of the batch, read on first use (one query, only
        when a rule set requires registration): {("person", id, year): [award names]} and
        {("organization", id, year): [award names]} for the collective lines."""
        if self._registrations is None:
            from emulation.models import Registration, RegistrationEntry

            person_ids, org_ids = self._registration_candidates
            found = defaultdict(list)
            who = Q()
            if person_ids:
                who |= Q(person_id__in=person_ids)
            if org_ids:
                who |= Q(person__isnull=True, registration__organization_id__in=org_ids)
            if who:
                rows = (RegistrationEntry.objects.filter(
                    who, registration__status=Registration.Status.SUBMITTED)
                    .values_list("person_id", "registration__organization_id",
                                 "registration__year", "award_type__name")
                    .order_by("registration__year", "position", "id"))
                for person_id, org_id, year, award in rows:
                    key = ("person", person_id, year) if person_id else ("organization", org_id,
                                                                         year)
                    found[key].append(award)
            self._registrations = found
        return self._registrations

    @staticmethod
    def unit_title_holders(units, code: str) -> dict[tuple[int, int], set[int]]:
        """The people holding `code` in each (organization, year) of `units`, by the
        organization they belonged to when it was awarded. One query."""
        holders = defaultdict(set)
        units = list(units)
        if not units:
            return holders
        rows = (AwardRecord.objects.counting()
                .filter(organization_at_award_id__in={u for u, _y in units},
                        achievement_year__in={y for _u, y in units}, award_type__code=code,
                        person__isnull=False)
                .values_list("organization_at_award_id", "achievement_year", "person_id"))
        for org_id, year, person_id in rows:
            holders[(org_id, year)].add(person_id)
        return holders

    @staticmethod
    def _absorbed(org_ids) -> dict[int, list[tuple[int, datetime.date | None]]]:
        """For each organization, those merged into it (directly or through earlier mergers)
        with the merger date. Mergers are few: one query reads them all."""
        merged = list(Organization.objects.filter(merged_into__isnull=False)
                      .values_list("pk", "merged_into_id", "merged_on"))
        children = defaultdict(list)
        for pk, into, day in merged:
            children[into].append((pk, day))
        result = {}
        for org_id in org_ids:
            found, frontier, seen = [], [org_id], {org_id}
            while frontier:
                nxt = []
                for parent in frontier:
                    for pk, day in children.get(parent, ()):
                        if pk not in seen:
                            seen.add(pk)
                            found.append((pk, day))
                            nxt.append(pk)
                frontier = nxt
            result[org_id] = found
        return result


# --- one check ---------------------------------------------------------------------------------


class Check:
    """The state of one candidate × award × year while its rule runs."""

    def __init__(self, result: Result, facts: Facts):
        self.result = result
        self.facts = facts
        self.params = result.params
        self.candidate = result.candidate
        self.year = result.year
        self.code = result.award_type.code

    # reasons
    def _add(self, outcome, text, keys=(), citation=""):
        verified = True
        citations = [citation] if citation else []
        for key in keys:
            parameter = self.params.parameter(key)
            if parameter.legal_citation and parameter.legal_citation not in citations:
                citations.append(parameter.legal_citation)
            verified = verified and parameter.verified
        self.result.reasons.append(Reason(outcome, text, "; ".join(citations), verified))

    def met(self, text, *keys, citation=""):
        self._add(Outcome.MET, text, keys, citation)

    def not_met(self, text, *keys, citation=""):
        self._add(Outcome.NOT_MET, text, keys, citation)

    def missing(self, text, *keys, citation=""):
        self._add(Outcome.MISSING, text, keys, citation)

    def review(self, text, *keys, citation=""):
        self._add(Outcome.REVIEW, text, keys, citation)

    def note(self, text, *keys, citation=""):
        self._add(Outcome.NOTE, text, keys, citation)

    def require(self, condition: bool, met_text: str, not_met_text: str, *keys) -> bool:
        (self.met if condition else self.not_met)(met_text if condition else not_met_text, *keys)
        return condition

    # facts of the candidate
    def award_name(self, code: str) -> str:
        award = self.facts.award_types.get(code)
        return award.name if award else code

    def records(self, *, include_absorbed: bool = False) -> list[RecordFact]:
        if self.candidate.is_individual:
            return self.facts.person_records.get(self.candidate.person.pk, [])
        own = self.facts.org_records.get(self.candidate.organization.pk, [])
        if not include_absorbed:
            return own
        absorbed = []
        for org_id, merged_on in self.facts.absorbed.get(self.candidate.organization.pk, ()):
            absorbed.extend(r for r in self.facts.org_records.get(org_id, ())
                            if merged_on is None or r.year <= merged_on.year)
        return own + absorbed

    def assessment(self, year: int) -> AnnualAssessment | None:
        if self.candidate.is_individual:
            return self.facts.person_assessments.get(self.candidate.person.pk, {}).get(year)
        return self.facts.org_assessments.get(self.candidate.organization.pk, {}).get(year)

    def initiatives(self, years, min_scope: str) -> list[Initiative]:
        floor = SCOPE_ORDER[min_scope]
        return [i for i in self.facts.initiatives.get(self.candidate.person.pk, ())
                if i.year in years and SCOPE_ORDER[i.scope] >= floor]

    def discipline(self) -> list[DisciplineRecord]:
        if not self.candidate.is_individual:
            return []
        return self.facts.person_discipline.get(self.candidate.person.pk, [])

    def counts_for_prerequisites(self, record: RecordFact) -> bool:
        if record.revoked:
            return False
        if record.kind == AwardRecord.Kind.THEMATIC:
            return self.params["thematic_awards_count_for_prerequisites"]
        if record.kind == AwardRecord.Kind.EXTRAORDINARY:
            return self.params["extraordinary_awards_count_for_prerequisites"]
        return True

    def held_years(self, *codes: str, include_absorbed: bool = False,
                   explain: bool = True) -> set[int]:
        """Years in which the candidate holds one of `codes` in a way that counts toward a
        merit prerequisite. Records left out (revoked, thematic, extraordinary, before the end
        of a disciplinary measure) are explained as notes, so the user sees why."""
        years = set()
        first = self.counting_from_year()
        for record in self.records(include_absorbed=include_absorbed):
            if record.code not in codes:
                continue
            name = self.award_name(record.code)
            if record.revoked:
                if explain:
                    self.note(_("%(award)s of %(year)s (decision %(number)s) was revoked and "
                                "does not count.") % {"award": name, "year": record.year,
                                                      "number": record.decision_number})
                continue
            if not self.counts_for_prerequisites(record):
                if explain:
                    key = ("thematic_awards_count_for_prerequisites"
                           if record.kind == AwardRecord.Kind.THEMATIC
                           else "extraordinary_awards_count_for_prerequisites")
                    self.note(_("%(award)s of %(year)s is a %(kind)s award and does not count "
                                "toward a merit-based award.") % {
                        "award": name, "year": record.year,
                        "kind": AwardRecord.Kind(record.kind).label.lower()}, key)
                continue
            if first is not None and record.year < first:
                if explain:
                    self.note(_("%(award)s of %(year)s is before the end of a disciplinary "
                                "measure and does not count.") % {"award": name,
                                                                  "year": record.year},
                              "discipline_blocks_award")
                continue
            years.add(record.year)
        return years

    def counting_from_year(self) -> int | None:
        """Achievements count again only from the end of a disciplinary measure: the first
        year after the latest measure that ended before the achievement year."""
        ends = [d.effective_to.year for d in self.discipline()
                if not d.pending and d.effective_to and d.effective_to.year < self.year]
        return max(ends) + 1 if ends else None


def consecutive_run(years: set[int], last: int) -> int:
    """How many consecutive years end at `last`."""
    run = 0
    while last - run in years:
        run += 1
    return run


def percent_text(value) -> str:
    """66,67 — Vietnamese decimal comma, at most two decimals, no trailing zeros."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def years_text(years) -> str:
    years = sorted(years)
    return ", ".join(str(y) for y in years) if years else "—"


# --- running checks ----------------------------------------------------------------------------


@dataclass
class Request:
    candidate: Candidate
    award_code: str
    year: int


@dataclass
class ListCheck:
    """The results of a list of nominations, in order, and the quota counters of the list."""

    results: list[Result]
    quotas: list[dict] = field(default_factory=list)


def check_many(requests: Iterable[Request], *, on_date: datetime.date,
               as_list: bool = False, book: RuleBook | None = None) -> ListCheck:
    """Check every request against the rule set in force on `on_date`. With `as_list`, the
    requests are one list of nominations: the list-wide rules (quotas, one achievement one
    form) run across them as well."""
    from . import lists

    requests = list(requests)
    facts = Facts(r.candidate for r in requests)
    book = book or RuleBook()
    try:
        params = book.for_date(on_date)
    except RuleSetMissing:
        params = None
    results = []
    for request in requests:
        award = facts.award_types.get(request.award_code)
        if award is None:
            raise KeyError(f"unknown award code {request.award_code!r}")
        result = Result(request.candidate, award, request.year, on_date, params)
        results.append(result)
        if params is None:
            result.reasons.append(Reason(Outcome.MISSING, _(
                "No rule set covers %(date)s: an administrator must add the rules in force on "
                "that day.") % {"date": on_date.strftime("%d/%m/%Y")}))
            continue
        check = Check(result, facts)
        if _common(check) is False:
            # Fix: a person asked for a collective title (or the reverse) is not eligible; the
            # award's own rule would read facts of the wrong kind of candidate and crash
            # (e.g. TTLDTT reading `candidate.organization.pk` of a person).
            continue
        function = RULES.get(award.code)
        if function is None:
            check.review(_("The criteria of %(award)s are not computed by the system: the "
                            "appraisal department checks them.") % {"award": award.name})
        else:
            function(check)
    checked = ListCheck(results)
    if as_list and params is not None:
        lists.apply(checked, facts, params)
    return checked


def check(candidate: Candidate, award_code: str, year: int, *,
          on_date: datetime.date | None = None) -> Result:
    on_date = on_date or datetime.date.today()
    return check_many([Request(candidate, award_code, year)], on_date=on_date).results[0]


def _common(check: Check) -> bool | None:
    """What every award asks, before its own criteria."""
    award = check.result.award_type
    candidate = check.candidate
    if not award.is_active:
        check.not_met(_("%(award)s is no longer in use.") % {"award": award.name})
    if candidate.is_individual and not award.for_individuals:
        check.not_met(_("%(award)s is awarded to collectives only.") % {"award": award.name})
        return False  # the caller skips the award's own rule (see check_many)
    if not candidate.is_individual and not award.for_collectives:
        check.not_met(_("%(award)s is awarded to individuals only.") % {"award": award.name})
        return False
    # Fix: a thematic or extraordinary record of the same award and year rewards another
    # achievement (Law Art. 8; Decree 98 Art. 4) and does not make this nomination a duplicate,
    # as `one_achievement_one_form` already reads it.
    held = [r for r in check.records() if r.code == award.code and r.year == check.year
            and not r.revoked and r.kind not in (AwardRecord.Kind.THEMATIC,
                                                  AwardRecord.Kind.EXTRAORDINARY)]
    if held:
        check.not_met(_("Already awarded %(award)s for %(year)s (decision %(number)s).") % {
            "award": award.name, "year": check.year, "number": held[0].decision_number})
    if not check.params["discipline_blocks_award"]:
        return _registration(check)
    for record in check.discipline():
        # Fix: a case opened after the date asked about did not block a proposal on that date.
        if record.pending and record.effective_from <= check.result.on_date and (
                record.effective_to is None or record.effective_to >= check.result.on_date):
            check.not_met(_("A case is under consideration since %(date)s (discipline, "
                            "investigation, inspection or complaint): no award may be proposed "
                            "until it is closed.") % {
                "date": record.effective_from.strftime("%d/%m/%Y")}, "discipline_blocks_award")
        elif (not record.pending and record.in_effect_during(check.year)
              and award.code != "LDTT"):  # the LĐTT rule weighs discipline by its own parameter
            check.not_met(_("Disciplined (%(level)s) during %(year)s: achievements count only "
                            "from the end of the measure.") % {
                "level": record.get_level_display().lower(), "year": check.year},
                "discipline_blocks_award")
        elif (not record.pending and record.effective_from <= check.result.on_date
              and (record.effective_to is None or record.effective_to >= check.result.on_date)):
            # Still serving a measure decided later than the achievement year.
            check.not_met(_("Under a disciplinary measure (%(level)s) on %(date)s: no award may "
                            "be proposed until it ends.") % {
                "level": record.get_level_display().lower(),
                "date": check.result.on_date.strftime("%d/%m/%Y")}, "discipline_blocks_award")
    _registration(check)


def _registration(check: Check) -> None:
    """When the rule set requires it, the candidate must appear in a sent registration of the
    achievement year: a person on a line of their own, a collective through a collective line of
    its organization's registration."""
    if not check.params["emulation_registration_required"]:
        return
    kind, pk = check.candidate.key
    titles = check.facts.registrations().get((kind, pk, check.year), [])
    if titles:
        check.met(_("Registered for emulation in %(year)s (aiming for %(titles)s).") % {
            "year": check.year, "titles": ", ".join(dict.fromkeys(titles))},
            "emulation_registration_required")
    elif check.candidate.is_individual:
        check.not_met(_("The rule set requires an emulation registration: %(name)s is not on a "
                        "sent registration for %(year)s.") % {
            "name": check.candidate.name, "year": check.year}, "emulation_registration_required")
    else:
        check.not_met(_("The rule set requires an emulation registration: %(name)s has not sent "
                        "a registration with a collective title for %(year)s.") % {
            "name": check.candidate.name, "year": check.year}, "emulation_registration_required")
