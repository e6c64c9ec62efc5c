"""Reading the audit trail (issue 9): search across every history table, and what each change
did, before and after.

At national scale the trail is tens of millions of rows in some sixty tables, so the search never
counts and never offsets: it walks back in time from a cursor. One UNION ALL over the chosen
tables gives the page's keys (each table its newest `size + 1` matching keys on its history_date
index, merged by the database); the page's winners are then loaded in full, with the previous row
of each object (for the differences), the users and the objects their foreign keys point to, in
three more UNION ALL queries. Four queries for any page, whatever its size and however many
tables it mixes (accounts/tests/test_audit_queries.py).
"""

from __future__ import annotations

import datetime
import decimal
import re
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import Col
from django.urls import NoReverseMatch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import User

PROJECT_APPS = ("accounts", "clusters", "emulation", "awards", "reports", "deadlines")
MAX_PAGE = 50
# Never shown, even as "changed from … to …": secrets that may sit in an audited table.
HIDDEN_WORDS = ("password", "secret", "token", "otp", "key_hash")
TEXT_LIMIT = 200
ACTIONS = {"+": "create", "~": "update", "-": "delete"}


# Audited models that declare no verbose_name (their default one is English).
TYPE_NAMES = {
    "awards.Attendance": gettext_lazy("Council meeting attendance"),
    "emulation.ExternalGroupYear": gettext_lazy("Year of a group outside the Alliance"),
    "clusters.GroupLeadership": gettext_lazy("Cluster or bloc leadership"),
    "clusters.GroupMembership": gettext_lazy("Cluster or bloc membership"),
    "clusters.OrganizationName": gettext_lazy("Organization name"),
    "clusters.PersonMove": gettext_lazy("Person's transfer"),
    "clusters.ProvinceName": gettext_lazy("Province name"),
    "deadlines.ReminderPreference": gettext_lazy("Reminder preference"),
    "emulation.RoundProposal": gettext_lazy("Scoring round proposal"),
    "reports.SummaryReportSection": gettext_lazy("Section of a summary report"),
    "reports.UnitReportSection": gettext_lazy("Section of a unit report"),
}


# Fields that declare no verbose_name (their default label is the English field name). A relation
# not listed here is named after the model it points to, which has a Vietnamese name.
FIELD_NAMES = {
    "created_by": gettext_lazy("Created by"),
    "closed_by": gettext_lazy("Closed by"),
    "submitted_by": gettext_lazy("Submitted by"),
    "proposed_by": gettext_lazy("Proposed by"),
    "uploaded_by": gettext_lazy("Uploaded by"),
    "recorded_by": gettext_lazy("Recorded by"),
    "position": gettext_lazy("Order"),
    "sha256": gettext_lazy("SHA-256 checksum"),
    "content_type": gettext_lazy("File type"),
    "row_count": gettext_lazy("Number of rows"),
    "created_at": gettext_lazy("Created at"),
    "committed_at": gettext_lazy("Committed at"),
    "source_model": gettext_lazy("Source"),
    "source_id": gettext_lazy("Source number"),
}


def field_label(model_field) -> str:
    label = model_field.verbose_name
    if str(label) == model_field.name.replace("_", " "):
        if model_field.name in FIELD_NAMES:
            label = FIELD_NAMES[model_field.name]
        elif model_field.is_relation and model_field.related_model is not None:
            label = model_field.related_model._meta.verbose_name
    label = str(label)
    return label[:1].upper() + label[1:]


@cache
def audited_models() -> dict[str, type[models.Model]]:
    """Every audited model of the project by its label ("awards.Nomination"). Ballots are not
    among them: they have no history by design (quality-targets S7)."""
    found = [m for m in apps.get_models()
             if m._meta.app_label in PROJECT_APPS and not m._meta.object_name.startswith("Historical")
             and hasattr(m, "history") and hasattr(m.history, "model")]
    return {m._meta.label: m for m in sorted(found, key=lambda m: m._meta.label)}


def type_name(model) -> str:
    name = TYPE_NAMES.get(model._meta.label, model._meta.verbose_name)
    return str(name)[:1].upper() + str(name)[1:]


def can_search_audit_trail(user) -> bool:
    """Central administrators only (see accounts/views_audit.py for why not the provinces)."""
    from .permissions import is_central_admin

    return is_central_admin(user)


def model_choices() -> list[tuple[str, str]]:
    """(label, name) of every audited model, by name in the active language."""
    return sorted(((label, type_name(model)) for label, model in audited_models().items()),
                  key=lambda choice: choice[1].lower())


@dataclass
class Change:
    label: str
    before: str
    after: str
    hidden: bool = False


@dataclass
class AuditRow:
    model_label: str
    type_name: str
    history_id: int
    object_id: int
    date: datetime.datetime
    action: str  # create, update, delete
    user: User | None
    ip: str | None
    object_label: str
    url: str = ""
    reason: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def cursor(self) -> str:
        return f"{self.date.isoformat()}|{self.model_label}|{self.history_id}"


@dataclass
class AuditFilters:
    model_labels: list[str] = field(default_factory=list)  # empty: every audited model
    action: str = ""  # "+", "~", "-" or ""
    user_ids: list[int] | None = None  # None: anyone; []: nobody matched
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    ip: str = ""
    object_id: int | None = None
    text: str = ""


@dataclass
class AuditPage:
    rows: list[AuditRow]
    next_cursor: str = ""


def parse_cursor(value: str) -> tuple[datetime.datetime, str, int] | None:
    """The position of the last row of the previous page, or None when missing or forged."""
    try:
        moment, label, history_id = (value or "").split("|")
        when = datetime.datetime.fromisoformat(moment)
        if timezone.is_naive(when) or label not in audited_models():
            return None
        return when, label, int(history_id)
    except (ValueError, TypeError):
        return None


def users_matching(text: str, limit: int = 200) -> list[int]:
    """Users named by username (exactly) or whose full name contains the text."""
    text = text.strip()
    return list(User.objects.filter(Q(username__iexact=text) | Q(full_name__icontains=text))
                .order_by("pk").values_list("pk", flat=True)[:limit])


def _text_fields(history_model) -> list[str]:
    return [f.name for f in history_model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not f.name.startswith("history_") and not f.choices and not _hidden(f.name)]


def _filtered(model, filters: AuditFilters, cursor):
    """The history queryset of `model` matching the filters and older than the cursor, or None
    when the table cannot match (free text but no text column)."""
    history = model.history.model
    qs = history.objects.all()
    if filters.action:
        qs = qs.filter(history_type=filters.action)
    if filters.user_ids is not None:
        qs = qs.filter(history_user_id__in=filters.user_ids)
    if filters.date_from:
        qs = qs.filter(history_date__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(history_date__lt=_start_of(filters.date_to + datetime.timedelta(days=1)))
    if filters.ip:
        qs = qs.filter(history_ip=filters.ip)
    if filters.object_id is not None:
        qs = qs.filter(id=filters.object_id)
    if filters.text:
        names = _text_fields(history)
        if not names:
            return None
        match = Q()
        for name in names:
            match |= Q(**{f"{name}__icontains": filters.text})
        qs = qs.filter(match)
    if cursor is not None:
        when, label, history_id = cursor
        mine = model._meta.label
        if mine < label:
            qs = qs.filter(history_date__lte=when)
        elif mine > label:
            qs = qs.filter(history_date__lt=when)
        else:
            qs = qs.filter(Q(history_date__lt=when)
                           | Q(history_date=when, history_id__lt=history_id))
    return qs


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_search(filters: AuditFilters, *, cursor=None, size: int = MAX_PAGE) -> AuditPage:
    """One page of the trail, newest first, from `cursor` (parse_cursor) back in time."""
    size = max(1, min(size, MAX_PAGE))
    if filters.user_ids == []:
        return AuditPage(rows=[])
    chosen = audited_models()
    if filters.model_labels:
        chosen = {label: chosen[label] for label in filters.model_labels if label in chosen}
    keys = _page_keys(chosen, filters, cursor, size + 1)
    more = len(keys) > size
    keys = keys[:size]
    rows = _load(keys)
    return AuditPage(rows=rows, next_cursor=rows[-1].cursor if more and rows else "")


# --- one UNION ALL per step --------------------------------------------------------------------
#
# A page may hold rows of any of the sixty tables, and the objects their foreign keys name live in
# thirty more. Querying table by table cost a few queries per table (75 to 100 for "every type"), so
# each step below is a single UNION ALL with one branch per table it needs: the page's keys, then
# the page's rows with their previous versions, then the objects their foreign keys and users
# name, then the objects those point to. Four queries for any page, whatever its size and however
# many tables it mixes.


def _type_index(label: str) -> int:
    """The position of a model among the audited ones: the tie-break between tables in SQL, in
    the same order as the labels (audited_models is sorted by label), so that the cursor, which
    names the label, keeps meaning the same place."""
    return list(audited_models()).index(label)


def _label_of(index: int) -> str:
    return list(audited_models())[index]


def _quoted(*names: str) -> str:
    return ".".join(connection.ops.quote_name(name) for name in names)


def _converters_of_field(model_field) -> list:
    """The converters Django applies to a field's column in a query (SQLite's text datetimes
    and decimals, JSON, …), so that a raw row reads exactly as the ORM would read it."""
    col = Col("r", model_field)
    return [(conv, col) for conv in
            connection.ops.get_db_converters(col) + col.get_db_converters(connection)]


def _converters(model) -> list[list]:
    return [_converters_of_field(f) for f in model._meta.concrete_fields]


def _converted(converters, values) -> list:
    out = []
    for pairs, value in zip(converters, values, strict=True):
        for conv, col in pairs:
            value = conv(value, col, connection)
        out.append(value)
    return out


def _page_keys(chosen, filters: AuditFilters, cursor, limit: int) -> list[tuple]:
    """The newest `limit` keys (date, label, history_id) matching the filters across the chosen
    tables, in one query. Each branch keeps its own ORDER BY and LIMIT, so that every table gives
    its newest rows from its history_date index and the database merges at most `limit` rows a
    table (SQLite allows LIMIT in a compound's branch only inside a subquery, hence the wrapping).
    """
    branches, params = [], []
    for label, model in chosen.items():
        qs = _filtered(model, filters, cursor)
        if qs is None:
            continue
        qs = (qs.order_by("-history_date", "-history_id")
              .values_list("history_id", "history_date")[:limit])
        sql, branch_params = qs.query.get_compiler(connection=connection).as_sql()
        branches.append(f"SELECT {_type_index(label)}, k{len(branches)}.* "
                        f"FROM ({sql}) k{len(branches)}")
        params.extend(branch_params)
    if not branches:
        return []
    sql = " UNION ALL ".join(branches) + f" ORDER BY 3 DESC, 1 DESC, 2 DESC LIMIT {int(limit)}"
    # Every history_date column is the same field of simple-history's: any one converts them.
    date_converters = _converters_of_field(User.history.model._meta.get_field("history_date"))
    with connection.cursor() as db:
        db.execute(sql, params)
        found = db.fetchall()
    return [(_converted([date_converters], [when])[0], _label_of(index), history_id)
            for index, history_id, when in found]


_INTEGERS = {"smallint", "integer", "bigint", "serial", "bigserial", "smallserial", "int",
             "int2", "int4", "int8"}
_TEXTS = ("varchar", "char", "text", "character", "nvarchar", "string")


def _slot_kind(model_field) -> str:
    """The column type a field shares with the other tables' fields in a UNION (PostgreSQL
    resolves each UNION column to one type: integers to bigint, strings to text)."""
    db_type = re.sub(r"\(.*?\)", "", model_field.db_type(connection) or "text").strip().lower()
    first = db_type.split()[0] if db_type else "text"
    if first in _INTEGERS:
        return "bigint"
    if first.startswith(_TEXTS):
        return "text"
    if first in ("decimal", "numeric"):
        return "numeric"
    return db_type


def _union_fetch(parts) -> list[tuple[int, models.Model, object]]:
    """Full rows of several tables in one UNION ALL query.

    `parts` is a list of (model, condition, params, extra): the condition is SQL on the table
    aliased "r", `extra` an SQL expression returned beside each row (or "0"). The tables have
    different columns, so each field is put in a column ("slot") of its kind, shared by the
    tables and NULL where a table has fewer fields of that kind; each row is then read back
    with its own table's converters and built with Model.from_db, as the ORM builds it.

    Returns (part index, instance, extra) for every row found.
    """
    if not parts:
        return []
    layout: dict[str, int] = {}
    placed = []
    for model, *_rest in parts:
        seen: dict[str, int] = {}
        where = []
        for f in model._meta.concrete_fields:
            kind = _slot_kind(f)
            where.append((kind, seen.get(kind, 0)))
            seen[kind] = seen.get(kind, 0) + 1
        for kind, count in seen.items():
            layout[kind] = max(layout.get(kind, 0), count)
        placed.append(where)
    slots = [(kind, i) for kind, count in layout.items() for i in range(count)]
    position = {slot: n for n, slot in enumerate(slots)}
    cast = connection.vendor == "postgresql"
    branches, params = [], []
    for n, ((model, condition, branch_params, extra), where) in enumerate(zip(parts, placed)):
        columns = [f"CAST(NULL AS {kind})" if cast else "NULL" for kind, _i in slots]
        for f, slot in zip(model._meta.concrete_fields, where):
            columns[position[slot]] = _quoted("r", f.column)
        branches.append(f"SELECT {n}, {extra}, {', '.join(columns)} "
                        f"FROM {_quoted(model._meta.db_table)} r WHERE {condition}")
        params.extend(branch_params)
    with connection.cursor() as db:
        db.execute(" UNION ALL ".join(branches), params)
        found = db.fetchall()
    converters = {}
    rows = []
    for index, extra, *values in found:
        model, where = parts[index][0], placed[index]
        if index not in converters:
            converters[index] = _converters(model)
        own = _converted(converters[index], [values[position[slot]] for slot in where])
        rows.append((index, model.from_db(connection.alias,
                                          [f.attname for f in model._meta.concrete_fields],
                                          own), extra))
    return rows


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _history_parts(model, history_ids: list[int]) -> list[tuple]:
    """The two branches of one table: the page's rows, with whether their object still exists
    (for its link), and the row before each of them for the same object (for the differences).
    Two branches rather than one OR: each one is a plain lookup on the history_id key."""
    history = model.history.model
    table, pk = history._meta.db_table, model._meta.pk
    object_column = history._meta.get_field(pk.name).column
    ids = _placeholders(history_ids)
    alive = (f"CASE WHEN EXISTS (SELECT 1 FROM {_quoted(model._meta.db_table)} o "
             f"WHERE {_quoted('o', pk.column)} = {_quoted('r', object_column)}) "
             f"THEN 1 ELSE 0 END")
    previous = (
        f"r.history_id IN (SELECT (SELECT p.history_id FROM {_quoted(table)} p "
        f"WHERE {_quoted('p', object_column)} = {_quoted('c', object_column)} "
        f"AND (p.history_date < c.history_date OR (p.history_date = c.history_date "
        f"AND p.history_id < c.history_id)) "
        f"ORDER BY p.history_date DESC, p.history_id DESC LIMIT 1) "
        f"FROM {_quoted(table)} c WHERE c.history_id IN ({ids}))")
    return [(history, f"r.history_id IN ({ids})", list(history_ids), alive),
            (history, previous, list(history_ids), "0")]


def _load(keys) -> list[AuditRow]:
    by_label: dict[str, list[int]] = {}
    for _when, label, history_id in keys:
        by_label.setdefault(label, []).append(history_id)
    parts, part_labels = [], []
    for label, ids in by_label.items():
        for part in _history_parts(audited_models()[label], ids):
            parts.append(part)
            part_labels.append(label)
    # Every row of an object fetched, in time order: the one before a page row is its previous.
    by_object: dict[tuple[str, object], list] = {}
    loaded: dict[tuple[str, int], object] = {}
    for index, h, alive in _union_fetch(parts):
        label = part_labels[index]
        if (label, h.history_id) in loaded:  # a page row that is also the previous of another
            loaded[(label, h.history_id)].still_exists |= bool(alive)
            continue
        h.still_exists = bool(alive)
        by_object.setdefault((label, h.id), []).append(h)  # id: the object, as in _row
        loaded[(label, h.history_id)] = h
    previous_of = {}
    for (label, _id), versions in by_object.items():
        versions.sort(key=lambda h: (h.history_date, h.history_id))
        for before, h in zip([None, *versions], versions):
            previous_of[(label, h.history_id)] = before
        model = audited_models()[label]
        for h in versions:
            h.rebuilt = _rebuilt(model, h)
    user_ids = {h.history_user_id for h in loaded.values() if h.history_user_id}
    fetched = _attach_relations([h.rebuilt for h in loaded.values()],
                                extra={(User, User._meta.pk): user_ids})
    users = fetched.get((User, User._meta.pk), {})
    rows = []
    for _when, label, history_id in keys:
        h = loaded.get((label, history_id))
        if h is not None:
            rows.append(_row(audited_models()[label], h, previous_of[(label, history_id)],
                             users))
    return rows


def _rebuilt(model, h):
    """The model instance as it was in that history row. Not simple-history's `instance`, which
    reads the excluded fields (a user's password) from the live row, a query per row."""
    return model(**{f.attname: getattr(h, f.attname) for f in _tracked_fields(model)})


def _foreign_keys(model):
    return [f for f in model._meta.concrete_fields if f.many_to_one and f.related_model]


def _attach_relations(instances, extra=None) -> dict:
    """Set on each instance the objects its foreign keys point to, and on those the objects
    theirs point to (one level further, as select_related would): one query a level for every
    table at once. Returns what the first level fetched, by (model, target field) and value;
    `extra` asks the first level for more of them (the users who made the changes)."""
    first = _fetch_targets(instances, extra or {})
    _fetch_targets([obj for found in first.values() for obj in found.values()], {})
    return first


def _fetch_targets(instances, extra) -> dict:
    wanted: dict[tuple, set] = {key: set(values) for key, values in extra.items()}
    links = []
    for obj in instances:
        for fk in _foreign_keys(type(obj)):
            value = getattr(obj, fk.attname)
            if value is None:
                continue
            key = (fk.related_model._meta.concrete_model, fk.target_field)
            wanted.setdefault(key, set()).add(value)
            links.append((obj, fk, key, value))
    wanted = {key: values for key, values in wanted.items() if values}
    found: dict[tuple, dict] = {key: {} for key in wanted}
    # A model with a parent table (multi-table inheritance) cannot be read from its own table
    # alone: the ORM reads it, a query each (no foreign key points to one today).
    inherited = [key for key in wanted if key[0]._meta.parents]
    for model, target in inherited:
        for obj in model._base_manager.filter(**{f"{target.name}__in": wanted[(model, target)]}):
            found[(model, target)][getattr(obj, target.attname)] = obj
    order = [key for key in wanted if key not in inherited]
    parts = []
    for model, target in order:
        values = sorted(wanted[(model, target)])
        parts.append((model, f"{_quoted('r', target.column)} IN ({_placeholders(values)})",
                      values, "0"))
    for index, obj, _extra in _union_fetch(parts):
        key = order[index]
        found[key][getattr(obj, key[1].attname)] = obj
    for obj, fk, key, value in links:
        if value in found[key]:
            fk.set_cached_value(obj, found[key][value])
    return found


def _hidden(name: str) -> bool:
    return any(word in name.lower() for word in HIDDEN_WORDS)


def _row(model, h, previous, users) -> AuditRow:
    obj = h.rebuilt
    try:
        object_label = str(obj)
        if object_label == f"{type(obj).__name__} object ({obj.pk})":  # no __str__ of its own
            object_label = f"#{obj.pk}"
    except Exception:  # noqa: BLE001 — a row whose related object is gone still shows
        object_label = f"#{h.id}"
    url = ""
    if h.still_exists and hasattr(obj, "get_absolute_url"):
        try:
            url = obj.get_absolute_url()
        except (NoReverseMatch, AttributeError, ValueError):
            url = ""
    return AuditRow(
        model_label=model._meta.label, type_name=type_name(model),
        history_id=h.history_id, object_id=h.id, date=h.history_date,
        action=ACTIONS.get(h.history_type, "update"),
        user=users.get(h.history_user_id), ip=h.history_ip, object_label=object_label,
        url=url, reason=h.history_change_reason or "",
        changes=changes_between(model, previous, h))


def changes_between(model, previous, current) -> list[Change]:
    """The fields that differ between two history rows of one object, with their values as a
    person reads them. A creation lists every filled field; a deletion every field it had."""
    changes = []
    for f in _tracked_fields(model):
        # Derived columns (search keys, sort keys, the materialized path) follow the fields a
        # person edits; only creation and upload times among the non-editable ones say more.
        if f.primary_key or (not f.editable and not isinstance(f, models.DateTimeField)):
            continue
        old = _value(f, previous) if previous is not None and current.history_type != "+" else None
        new = _value(f, current)
        if current.history_type == "-":
            old, new = new, None
        if old == new or (current.history_type != "~" and _empty(old) and _empty(new)):
            continue
        label = field_label(f)
        if _hidden(f.name):
            changes.append(Change(label, "", "", hidden=True))
            continue
        rebuilt_old = previous.rebuilt if previous is not None else None
        before = _shown(f, old, rebuilt_old if current.history_type != "-" else current.rebuilt)
        after = _shown(f, new, current.rebuilt)
        changes.append(Change(label, before, after))
    return changes


@cache
def _tracked_fields(model) -> tuple:
    """The model's fields its history keeps (simple-history's tracked_fields). Cached: each
    `model.history` builds a new manager class, a cost paid per row otherwise."""
    return tuple(model.history.model.tracked_fields)


def _value(model_field, history_row):
    if history_row is None:
        return None
    return getattr(history_row, model_field.attname, None)


def _empty(value) -> bool:
    return value is None or value == ""


def _shown(model_field, value, rebuilt) -> str:
    """A value as the pages show it: dates dd/mm/yyyy, numbers 1.234.567, choices by label,
    foreign keys by the object's name."""
    if value is None or value == "":
        return "—"
    if model_field.many_to_one:
        related = None
        if rebuilt is not None and getattr(rebuilt, model_field.attname, None) == value:
            related = model_field.get_cached_value(rebuilt, None)
        return str(related) if related is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value)
                                   else value, "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d/m/Y")
    if isinstance(value, int) and "year" in model_field.name:
        return str(value)
    if isinstance(value, (int, decimal.Decimal, float)):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(model_field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    text = str(value)
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"
