"""Reads of the award catalogue and rule sets: the typed parameters in force on a date (what
the eligibility rules read) and the change log of a rule set."""

import datetime
from collections import defaultdict
from collections.abc import Mapping

from django.db import connection
from django.db.models import BooleanField, Count, F, Func, Prefetch, Q, Value
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.scoping import scope_q
from clusters.models import Organization, Person
from clusters.text import clean_text, fold

from .models import AwardRecord, AwardType, RuleParameter, RuleSet


class RuleSetMissing(LookupError):
    """No rule set covers the date asked for."""


class RuleParameters(Mapping):
    """The typed parameters of one rule set: `params["cstdn_cstdcs_consecutive_years"] == 3`.
    `rule_set` and `parameter(key)` give what a verdict cites (legal basis, verified flag)."""

    def __init__(self, rule_set: RuleSet, parameters):
        self.rule_set = rule_set
        self._parameters = {p.key: p for p in parameters}
        self._values = {key: p.typed_value for key, p in self._parameters.items()}

    def __getitem__(self, key):
        try:
            return self._values[key]
        except KeyError:
            raise KeyError(f"rule set {self.rule_set.name!r} has no parameter {key!r}") from None

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def parameter(self, key) -> RuleParameter:
        return self._parameters[key]


class RuleBook:
    """All rule sets, read once (two queries) and picked by date in Python: build one per
    request or per batch of eligibility checks, so that 500 candidates cost no more queries
    than one."""

    def __init__(self):
        self._rule_sets = None
        self._by_pk = {}

    def _load(self):
        if self._rule_sets is None:
            self._rule_sets = list(RuleSet.objects.order_by("-valid_from").prefetch_related(
                Prefetch("parameters", queryset=RuleParameter.objects.order_by("display_order"))))
        return self._rule_sets

    def for_date(self, day: datetime.date) -> RuleParameters:
        for rule_set in self._load():
            if rule_set.covers(day):
                if rule_set.pk not in self._by_pk:
                    self._by_pk[rule_set.pk] = RuleParameters(rule_set, rule_set.parameters.all())
                return self._by_pk[rule_set.pk]
        raise RuleSetMissing(f"no rule set covers {day.isoformat()}")


def rule_parameters(on_date: datetime.date, *, book: RuleBook | None = None) -> RuleParameters:
    """The typed parameters of the rule set in force on `on_date`. Pass a shared `book` to read
    the rule sets only once for many dates."""
    return (book or RuleBook()).for_date(on_date)


def award_type_list():
    return AwardType.objects.all()


def rule_set_list():
    return RuleSet.objects.annotate(parameter_count=Count("parameters")).order_by("-valid_from")


def rule_set_parameters(rule_set: RuleSet):
    return rule_set.parameters.order_by("display_order", "key")


RULE_SET_FIELDS = ("name", "valid_from", "valid_to", "legal_basis", "note")


def rule_set_change_log(rule_set: RuleSet, limit: int = 200) -> list[dict]:
    """Who changed what and when, newest first: each change of a parameter's value or verified
    flag with the old and new value, and each change of the rule set itself. Two queries."""
    entries = []
    records = list(RuleParameter.history.filter(rule_set_id=rule_set.pk)
                   .select_related("history_user").order_by("id", "history_date", "history_id"))
    previous = {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if before is None or record.history_type != "~":
            continue
        if before.value != record.value:
            entries.append(_entry(record, record.label, _shown(before), _shown(record)))
        if before.verified != record.verified:
            entries.append(_entry(record, record.label, _verified(before), _verified(record)))
    own = list(rule_set.history.select_related("history_user").order_by("history_date", "history_id"))
    for before, record in zip([None, *own], own):
        if before is None:
            continue
        for field in RULE_SET_FIELDS:
            old, new = getattr(before, field), getattr(record, field)
            if old != new:
                label = RuleSet._meta.get_field(field).verbose_name
                entries.append(_entry(record, label, _plain(old), _plain(new)))
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def _entry(record, what, old, new):
    return {"when": record.history_date, "who": record.history_user, "what": what,
            "old": old, "new": new}


def _shown(record) -> str:
    parameter = RuleParameter(kind=record.kind, value=record.value, choices=record.choices)
    return parameter.display_value


def _verified(record) -> str:
    return _("verified") if record.verified else _("unverified")


def _plain(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


# --- the registry ------------------------------------------------------------------------------

RECORD_RELATED = ("person", "organization", "organization_at_award", "award_type")
# The names an organization carried, so that a record shows the one of its decision's day.
RECORD_PREFETCH = ("organization_at_award__names",)


def award_records_for(user):
    """The records the user may see: those decided for an organization in the user's scope."""
    return AwardRecord.objects.filter(scope_q(user, "organization_at_award"))


def get_award_record_for_user(user, pk) -> AwardRecord:
    record = award_records_for(user).select_related(*RECORD_RELATED).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


# At most this many matching people and units are read into a list (below); a text matching
# more ("van") keeps its subqueries. SQLite refuses a query with more than 32,766 parameters.
NAMED_IDS_LIMIT = 10_000


def registry_search(user, *, name: str = "", organization: str = "", award_type=None,
                    year: int | None = None, decision_number: str = ""):
    """The registry filtered as on the search page (tra cứu). Names match ignoring case,
    diacritics and accent placement; `organization` is a code (exact) or part of a name."""
    qs = award_records_for(user).select_related(*RECORD_RELATED).prefetch_related(*RECORD_PREFETCH)
    if name:
        qs = qs.filter(_named_q(fold(name)))
    if organization:
        qs = qs.filter(Q(organization_at_award__code=organization.strip().upper())
                       | Q(organization_at_award__search_text__contains=fold(organization)))
    if award_type:
        qs = qs.filter(award_type=award_type)
    if year:
        qs = qs.filter(achievement_year=year)
    if decision_number:
        # Upper-cased: SQLite folds only ASCII case, and decision symbols are written in capitals.
        qs = qs.filter(decision_number__icontains=clean_text(decision_number).upper())
    return qs.order_by("-achievement_year", "-decision_date", "award_type__display_order", "id")


def _named_q(folded: str) -> Q:
    """The records whose person, collective or (for a unit's own award) unit name holds
    `folded`: a test of each record's own columns, no join (bench/RESULTS.md §14).

    The matching people and units are read first (one query, of their ids only), and
    the test is `person_id IN (their ids) OR …`. With the ids written out PostgreSQL knows how
    many records match: for a full name ("Nguyễn Văn An", 52 records) it fetches them on the
    record's foreign-key indexes and sorts them; for a family name alone ("nguyen", 6,371 people,
    17,020 records) it reads the records in the page's order on `award_record_registry_order`,
    testing each against a hash of the ids, and stops after the page, and the bounded count
    stops after 1,001. As subqueries (the earlier UNION, or `IN (SELECT …)`) the people's search
    ran again in the count and in the page, and the number of matches was a guess: 17,020
    records were sorted for a page of 50, or the whole table was read for 27 records."""
    people, units = _ids_or_subqueries(Person.objects.filter(search_text__contains=folded),
                                       Organization.objects.filter(search_text__contains=folded))
    # `collective_search <> ''` lets PostgreSQL use the partial trigram index
    # `award_record_collective_trgm`; an empty collective name matches nothing a unit's name does.
    return (_column_in("person_id", people)
            | (Q(collective_search__contains=folded) & ~Q(collective_search=""))
            | (Q(person__isnull=True, collective_name="") & _column_in("organization_id", units)))


def _ids_or_subqueries(*querysets):
    """For each queryset, the list of its ids, or the queryset of its ids when it has more than
    NAMED_IDS_LIMIT. The lists are read in ONE query, a UNION ALL of the querysets each cut at
    NAMED_IDS_LIMIT + 1 (a page's query budget, quality target P1): each part is a derived table,
    which both PostgreSQL and SQLite accept with its own LIMIT."""
    parts, params = [], []
    for tag, queryset in enumerate(querysets):
        sql, part_params = (queryset.order_by().values("pk")[:NAMED_IDS_LIMIT + 1]
                            .query.sql_with_params())
        parts.append(f"SELECT {tag} AS tag, part{tag}.* FROM ({sql}) AS part{tag}")
        params.extend(part_params)
    found = [[] for _ in querysets]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for tag, pk in cursor.fetchall():
            found[tag].append(pk)
    return [ids if len(ids) <= NAMED_IDS_LIMIT else queryset.order_by().values("pk")
            for ids, queryset in zip(found, querysets)]


class _EqualsAny(Func):
    """`column = ANY(%s)`: the list is one array parameter. A Func, not raw SQL, so that the
    column keeps its alias when the query becomes a subquery."""
    arg_joiner = " = ANY("
    template = "%(expressions)s::bigint[])"
    output_field = BooleanField()


def _column_in(column: str, ids) -> Q:
    """`<record column> IN ids`. On PostgreSQL a list is sent as one array: Django prepares each
    element of an `__in` list on its own, 40 ms for the 6,371 "nguyen" people in each of the
    count and the page."""
    if isinstance(ids, list) and connection.vendor == "postgresql":
        return Q(_EqualsAny(F(column), Value(ids)))
    return Q(**{f"{column}__in": ids})


def _by_year(records) -> list[dict]:
    years = defaultdict(list)
    for record in records:
        years[record.achievement_year].append(record)
    return [{"year": year, "records": years[year]} for year in sorted(years, reverse=True)]


def person_award_history(person: Person) -> list[dict]:
    """A person's awards grouped by achievement year, newest first, revoked ones included."""
    records = (AwardRecord.objects.filter(person=person).select_related(*RECORD_RELATED)
               .prefetch_related(*RECORD_PREFETCH)
               .order_by("-achievement_year", "award_type__display_order", "decision_date", "id"))
    return _by_year(records)


def absorbed_organizations(organization: Organization) -> list[Organization]:
    """Every organization merged into this one, directly or through an earlier merger."""
    found, frontier = [], [organization.pk]
    while frontier:
        level = list(Organization.objects.filter(merged_into_id__in=frontier)
                     .exclude(pk__in=[o.pk for o in found] + [organization.pk]))
        found.extend(level)
        frontier = [o.pk for o in level]
    return found


def organization_award_history(organization: Organization) -> list[dict]:
    """The awards of the organization and of its named collectives, with those of the
    organizations merged into it; a record of an absorbed organization carries `absorbed_from`."""
    absorbed = {o.pk: o for o in absorbed_organizations(organization)}
    records = list(
        AwardRecord.objects.filter(organization_id__in=[organization.pk, *absorbed])
        .select_related(*RECORD_RELATED).prefetch_related(*RECORD_PREFETCH)
        .order_by("-achievement_year", "award_type__display_order", "decision_date", "id"))
    for record in records:
        record.absorbed_from = absorbed.get(record.organization_id)
    return _by_year(records)


# --- eligibility -------------------------------------------------------------------------------

CANDIDATE_SEARCH_LIMIT = 20


def default_achievement_year(today: datetime.date | None = None) -> int:
    """The year whose achievements are proposed by default: the last full year, since annual
    awards are decided in the first months of the next one."""
    return (today or datetime.date.today()).year - 1


def candidate_querysets(user, within: Organization | None = None, *, active_only=False):
    """The people and collectives the user may see (inside `within`, when given), in
    Vietnamese order: whom the eligibility page checks and a dossier may nominate."""
    people = Person.objects.filter(scope_q(user, "organization")).select_related("organization")
    organizations = Organization.objects.filter(scope_q(user)).select_related("parent")
    if within is not None:
        people = people.filter(organization__path__startswith=within.path)
        organizations = organizations.filter(path__startswith=within.path)
    if active_only:
        organizations = organizations.filter(merged_into__isnull=True)
    return people.order_by("sort_key", "id"), organizations.order_by("sort_key", "id")


def candidate_search(user, text: str, kind: str, *, within: Organization | None = None,
                     active_only=False) -> list:
    """People (kind "person") or collectives whose name matches ignoring case, diacritics and
    accent placement, or whose code is `text`; at most CANDIDATE_SEARCH_LIMIT."""
    folded = fold(text or "")
    if not folded:
        return []
    people, organizations = candidate_querysets(user, within, active_only=active_only)
    if kind == "organization":
        found = organizations.filter(Q(search_text__contains=folded)
                                     | Q(code=clean_text(text).upper()))
    else:
        found = people.filter(search_text__contains=folded)
    return list(found[:CANDIDATE_SEARCH_LIMIT])


def award_types_for(candidate_is_individual: bool) -> list[AwardType]:
    kinds = ([AwardType.RecipientKind.INDIVIDUAL, AwardType.RecipientKind.BOTH]
             if candidate_is_individual
             else [AwardType.RecipientKind.COLLECTIVE, AwardType.RecipientKind.BOTH])
    return list(AwardType.objects.filter(is_active=True, recipient_kind__in=kinds))
