"""The importer framework: one Importer per kind of data, registered by its kind.

An importer knows its spreadsheet contract (Vietnamese header row, an example row, instructions)
and does two things: `validate(rows)` checks every row against the database without writing and
returns a Plan (problems, warnings, notes, and what committing would do); `commit(plan)` writes
the plan. Validation loads what it needs in bulk (a few queries per file, never one per row).

Apps register importers in their `imports` module; the registry discovers them on first use, so
a new app (the award registry) only has to define `awards/imports.py`.
"""

import functools
import gc
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from django.db.models import Field
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from accounts.audit import current_client_ip
from accounts.scoping import active_role, sees_everything

from ..models import Organization
from ..spreadsheets import Problem, Row, parse_date, write_xlsx
from ..text import clean_text

# SQLite refuses statements with too many parameters; look codes up in slices of this size.
LOOKUP_CHUNK = 500
# PostgreSQL has no such limit, and each statement costs a round trip and a plan: on a
# national file (30,000 organizations) 500-key slices spent 1.9 s on one join that takes 0.2 s
# in three statements.
LOOKUP_CHUNK_POSTGRESQL = 10_000


@contextmanager
def without_cyclic_gc():
    """Pause Python's cyclic garbage collector while a file is read, checked or written.

    An import allocates millions of small objects (cells, rows, plans, model instances) and no
    reference cycles worth collecting; each allocation burst made the collector walk the
    growing heap again, a third of the CPU time of a 100,000-row import (bench/RESULTS.md §7).
    Memory is still freed by reference counting; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Plan:
    """What committing the file would do. `actions` is the importer's own list of writes."""

    row_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    actions: list = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str, by: int = 1) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + by


class Importer:
    """Base of every importer. Subclasses set the class attributes and implement `check`
    (fill the plan from the rows) and `commit` (write the plan, inside the caller's
    transaction)."""

    # Templates receive importer classes; a class is callable, so tell them not to call it.
    do_not_call_in_templates = True
    kind: ClassVar[str]
    label: ClassVar[str]
    headers: ClassVar[tuple[str, ...]]
    example: ClassVar[tuple[str, ...]]
    # Labels of the outcomes counted in Plan.counts, in display order.
    outcomes: ClassVar[dict[str, str]] = {}
    template_name: ClassVar[str] = "mau-nhap.xlsx"
    # Recorded on history rows the commit writes (the services set it to name the batch).
    change_reason: str = ""

    def __init__(self, *, user):
        self.user = user
        self.plan = Plan()
        self._rows_with_errors: set[int | None] = set()

    # --- the contract --------------------------------------------------------------------------

    @classmethod
    def instructions(cls) -> list[tuple[str, str]]:
        """(column header, explanation) pairs for the template's instructions sheet."""
        return []

    @classmethod
    def outcome_labels(cls) -> dict[str, str]:
        return dict(cls.outcomes)

    @classmethod
    def template_bytes(cls) -> bytes:
        notes = [(header, str(text)) for header, text in cls.instructions()]
        general = [
            ("", _("Keep the header row exactly as it is, one record per row, from row 2.")),
            ("", _("Dates are written dd/mm/yyyy, for example 15/03/2020.")),
            ("", _("Do not use formulas; type or paste values only.")),
            ("", _("Replace the example row with your data before uploading.")),
        ]
        return write_xlsx(
            cls.headers, [cls.example], title=_("Data"),
            extra_sheets=[(_("Instructions"), [_("Column"), _("How to fill it in")],
                           notes + general)],
        )

    # --- validation ----------------------------------------------------------------------------

    def validate(self, rows: Sequence[Row]) -> Plan:
        self.plan = Plan(row_count=len(rows))
        self._rows_with_errors = set()
        with without_cyclic_gc():
            self.check(rows)
        return self.plan

    def check(self, rows: Sequence[Row]) -> None:
        raise NotImplementedError

    def commit(self, plan: Plan) -> dict[str, int]:
        raise NotImplementedError

    def error(self, row: Row | int | None, column: str, message: str) -> None:
        self.plan.problems.append(Problem(_number(row), column, message))
        self._rows_with_errors.add(_number(row))

    def warn(self, row: Row | int | None, column: str, message: str) -> None:
        self.plan.warnings.append(Problem(_number(row), column, message))

    def note(self, row: Row | int | None, column: str, message: str) -> None:
        self.plan.notes.append(Problem(_number(row), column, message))

    def row_has_errors(self, row: Row) -> bool:
        return row.number in self._rows_with_errors

    # --- cell readers: each returns the cleaned value, or None after recording a problem ------

    def text_cell(self, row: Row, column: str, *, max_length: int,
                  required: bool = False) -> str | None:
        value = clean_text(row[column])
        if not value:
            if required:
                self.error(row, column, _("Required; this cell is empty."))
                return None
            return ""
        if len(value) > max_length:
            self.error(row, column, _("At most %(limit)s characters (this cell has %(length)s).")
                       % {"limit": max_length, "length": len(value)})
            return None
        return value

    def date_cell(self, row: Row, column: str, *, required: bool = False,
             not_after: date | None = None) -> date | None:
        value = row[column]
        if not value:
            if required:
                self.error(row, column, _("Required; this cell is empty."))
            return None
        day = _parsed_date(value)
        if day is None:
            self.error(row, column, _("Write the date as dd/mm/yyyy, for example 15/03/2020; "
                                      "“%(value)s” is not a valid date.") % {"value": value[:40]})
            return None
        if day.year < 1900 or (not_after and day > not_after):
            self.error(row, column, _("The date %(value)s is not possible here: it must be between "
                                      "01/01/1900 and %(last)s.")
                       % {"value": value,
                          "last": (not_after or date(2100, 12, 31)).strftime("%d/%m/%Y")})
            return None
        return day

    def year_cell(self, row: Row, column: str, *, low: int, high: int) -> int | None:
        value = row[column]
        if not value:
            return None
        if not (value.isdigit() and len(value) == 4) or not low <= int(value) <= high:
            self.error(row, column, _("Write a year of four digits between %(low)s and %(high)s; "
                                      "“%(value)s” is not accepted.")
                       % {"low": low, "high": high, "value": value[:40]})
            return None
        return int(value)


def chunks(values: Sequence) -> Iterable[Sequence]:
    """`values` in slices small enough for one lookup statement (`field__in=slice`)."""
    from django.db import connection

    size = LOOKUP_CHUNK_POSTGRESQL if connection.vendor == "postgresql" else LOOKUP_CHUNK
    for start in range(0, len(values), size):
        yield values[start:start + size]


@functools.lru_cache(maxsize=8192)
def _parsed_date(text: str) -> date | None:
    """parse_date, or None; cached: a file repeats the same few decision dates."""
    try:
        return parse_date(text)
    except ValueError:
        return None


def _number(row) -> int | None:
    return row.number if isinstance(row, Row) else row


def today() -> date:
    return timezone.localdate()


# --- organizations, looked up in bulk and checked against the importing user's scope -----------


class OrganizationIndex:
    """Organizations by code, loaded for a whole file at once, and the scope questions every
    importer asks about them."""

    def __init__(self, user, codes: Iterable[str]):
        self.user = user
        self.role = active_role(user)
        self.everything = sees_everything(user)
        self.by_code: dict[str, Organization] = {}
        wanted = sorted({code.upper() for code in codes if code})
        for chunk in chunks(wanted):
            for org in Organization.objects.filter(code__in=chunk).only(
                "id", "code", "kind", "name", "short_name", "path", "parent_id", "province_id",
                "tax_code", "address", "active_from", "active_to", "merged_into_id",
            ):
                self.by_code[org.code] = org

    def get(self, code: str) -> Organization | None:
        return self.by_code.get(code.upper())

    def in_scope(self, org: Organization) -> bool:
        if self.role is None:
            return False
        return self.everything or org.path.startswith(self.role.organization.path)

    @property
    def scope_name(self) -> str:
        return self.role.organization.name if self.role else ""

    def resolve(self, importer: Importer, row: Row, column: str) -> Organization | None:
        """The organization named in `column`: it must exist, be inside the user's scope and be
        active. Records the problem and returns None otherwise."""
        code = clean_text(row[column]).upper()
        if not code:
            importer.error(row, column, _("Required; this cell is empty."))
            return None
        org = self.get(code)
        if org is None:
            importer.error(row, column, _("There is no organization with code “%(code)s”.")
                           % {"code": code[:40]})
            return None
        if not self.in_scope(org):
            importer.error(row, column, out_of_scope(code, self.scope_name))
            return None
        if org.active_to or org.merged_into_id:
            importer.error(row, column, _("Organization “%(code)s” has stopped operating or was "
                                          "merged into another; use its successor.")
                           % {"code": code})
            return None
        return org


def out_of_scope(code: str, scope_name: str) -> str:
    return _("Organization “%(code)s” is outside your scope: you manage only %(scope)s and its "
             "member units.") % {"code": code, "scope": scope_name}


# --- the registry ------------------------------------------------------------------------------

_REGISTRY: dict[str, type[Importer]] = {}
_discovered = False


def register(importer: type[Importer]) -> type[Importer]:
    _REGISTRY[importer.kind] = importer
    return importer


def importers() -> dict[str, type[Importer]]:
    """Every registered importer by kind, in registration order."""
    global _discovered
    if not _discovered:
        autodiscover_modules("imports")
        _discovered = True
    return dict(_REGISTRY)


def importer_for(kind: str) -> type[Importer] | None:
    return importers().get(kind)


def bulk_history_insert(model, objects, *, user, reason: str, chunk: int = 2000) -> None:
    """The "+" history rows of objects just bulk-created, copied inside the database with
    INSERT … SELECT: on a 100,000-row import, building the same rows as Django objects took as
    long as writing the data itself. The historical table mirrors the model's columns
    (django-simple-history), plus its own history_* columns."""
    from django.db import connection
    from django.utils import timezone

    history = model.history.model
    columns = [f.column for f in model._meta.concrete_fields]
    mirrored = {f.column for f in history._meta.concrete_fields}
    if not set(columns) <= mirrored:  # pragma: no cover - a model excluding fields from history
        model.history.bulk_history_create(objects, default_user=user,
                                          default_change_reason=reason)
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    now = timezone.now()
    # The client's address (accounts.audit): SQL bypasses the historical model's default.
    ip = current_client_ip()
    ids = [obj.pk for obj in objects]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({names}, history_date, "
                f"history_change_reason, history_type, history_user_id, history_ip) "
                f"SELECT {names}, %s, %s, '+', %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({marks})",
                [now, reason, user.pk if user else None, ip, *part])


def unsaved_instances(model, rows: Iterable[dict]) -> list:
    """`model(**values)` for each dict of values by attribute name (`person_id`, not `person`),
    every other field at its default, without Model.__init__'s work per field: for a
    100,000-row import that took longer than writing the rows. The plain `model(**values)` is
    used when the model has a callable default (it must be called per instance) or something
    listens to its init signals."""
    from django.db.models.base import ModelState
    from django.db.models.signals import post_init, pre_init

    fields = model._meta.concrete_fields
    if (pre_init.has_listeners(model) or post_init.has_listeners(model)
            or any(callable(f.default) for f in fields if f.has_default())):
        return [model(**values) for values in rows]
    blank = model().__dict__
    del blank["_state"]
    attnames = {f.attname for f in fields}
    new = model.__new__
    instances = []
    for values in rows:
        if not attnames.issuperset(values):
            raise TypeError(f"{model.__name__} has no field {sorted(values.keys() - attnames)}")
        instance = new(model)
        state = instance.__dict__
        state.update(blank)
        state.update(values)
        state["_state"] = ModelState()
        instances.append(instance)
    return instances


def bulk_insert_with_history(model, objects, *, user, reason: str, chunk: int = 2000) -> None:
    """Insert unsaved `objects` (their pk is set) and their "+" history rows by `user`.

    On PostgreSQL both tables are written with COPY, each row's text built once for the table
    and its history: for a 100,000-row import, Django's INSERT compiler (a prepared value per
    field per row) took longer than the database did. Ids are taken from the table's sequence
    first, so the objects know them as bulk_create would tell. Elsewhere (SQLite): bulk_create,
    then bulk_history_insert."""
    from django.db import connection

    objects = list(objects)
    if not objects:
        return
    if connection.vendor != "postgresql" or not _copyable(model):
        model.objects.bulk_create(objects, batch_size=chunk)
        bulk_history_insert(model, objects, user=user, reason=reason, chunk=chunk)
        return
    from django.utils import timezone

    meta = model._meta
    history = model.history.model
    fields = _copy_fields(model)
    quote = connection.ops.quote_name
    mirrored = {f.column for f in history._meta.concrete_fields}
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, len(objects)])
        for obj, (pk,) in zip(objects, cursor.fetchall()):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias
        lines = [_copy_line(obj, fields, connection) for obj in objects]
        columns = [f.column for f, _attname, _plain in fields]
        names = ", ".join(quote(column) for column in columns)
        _copy(cursor, f"COPY {quote(meta.db_table)} ({names}) FROM STDIN", lines)
        if not set(columns) <= mirrored:  # pragma: no cover - a model excluding fields from history
            bulk_history_insert(model, objects, user=user, reason=reason, chunk=chunk)
            return
        ip = current_client_ip()  # accounts.audit: COPY bypasses the historical model's default
        suffix = "\t" + "\t".join([
            _copy_text(timezone.now().isoformat()), _copy_text(reason), "+",
            "\\N" if user is None else str(user.pk), "\\N" if ip is None else ip])
        _copy(cursor, f"COPY {quote(history._meta.db_table)} ({names}, history_date, "
                      f"history_change_reason, history_type, history_user_id, history_ip) "
                      f"FROM STDIN",
              (line + suffix for line in lines))


def _copy(cursor, sql: str, lines: Iterable[str]) -> None:
    """COPY … FROM STDIN through the connection's execute wrappers and, when queries are
    logged (DEBUG, CaptureQueriesContext), into the log, like any other statement."""
    from contextlib import nullcontext

    raw = cursor.cursor  # the driver's cursor: psycopg2's copy_expert
    source = _CopySource(lines)

    def execute(sql, params, many, context):
        with cursor.db.wrap_database_errors:  # a clash raises Django's IntegrityError
            return raw.copy_expert(sql, source)

    logged = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else nullcontext()
    with logged:
        cursor._execute_with_wrappers(sql, None, False, execute)


class _CopySource:
    """COPY's input, read() in blocks from `lines`, encoded as they are read: one string of a
    100,000-row table would take a hundred megabytes more."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        blocks, length = [self._pending], len(self._pending)
        for line in self._lines:
            block = (line + "\n").encode()
            blocks.append(block)
            length += len(block)
            if 0 <= size <= length:
                break
        data = b"".join(blocks)
        if size < 0:
            self._pending = b""
            return data
        self._pending = data[size:]
        return data[:size]


def _copy_line(obj, fields, connection) -> str:
    """The object's row in COPY's text format. Called for every row: the attributes are read
    from the instance's __dict__ (not through the fields' descriptors), and the usual types
    are written inline."""
    state = obj.__dict__
    values = []
    for model_field, attname, plain in fields:
        value = state[attname] if plain and attname in state else (
            getattr(obj, attname) if plain else model_field.pre_save(obj, True))
        kind = type(value)
        if kind is str:
            values.append(_copy_text(value))
        elif value is None:
            values.append("\\N")
        elif kind is int or kind is date:
            values.append(str(value))
        else:
            values.append(_copy_value(value, model_field, connection))
    return "\t".join(values)


def _copy_fields(model) -> list[tuple]:
    """(field, attname, plain) for each column: plain when the value is the attribute itself,
    not one that pre_save computes (auto_now and the like)."""
    from django.db.models import DateField, DateTimeField

    def plain(model_field):
        if model_field.primary_key or type(model_field).pre_save is Field.pre_save:
            return True
        # DateField's and DateTimeField's pre_save only fill auto_now / auto_now_add.
        return (type(model_field).pre_save in (DateField.pre_save, DateTimeField.pre_save)
                and not model_field.auto_now and not model_field.auto_now_add)

    return [(f, f.attname, plain(f)) for f in model._meta.concrete_fields]


def _copy_value(value, field, connection) -> str:
    """A value other than text, None, a whole number or a date (those are written inline)."""
    if type(value) is bool:
        return "t" if value else "f"
    prepared = field.get_db_prep_save(value, connection)
    return "\\N" if prepared is None else _copy_text(str(prepared))


# Columns whose values COPY's text format takes as str() gives them; a model with another kind
# (JSON, arrays, binary…) is written with bulk_create instead.
_COPYABLE = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "PositiveBigIntegerField", "CharField", "TextField", "SlugField", "EmailField", "URLField",
    "BooleanField", "DateField", "DateTimeField", "DecimalField", "FloatField", "UUIDField",
}


def _copyable(model) -> bool:
    for model_field in model._meta.concrete_fields:
        target = model_field.target_field if model_field.is_relation else model_field
        if target.get_internal_type() not in _COPYABLE:
            return False
    return True


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(text: str) -> str:
    """A value in COPY's text format: backslash, tab and line breaks escaped."""
    return text.translate(_COPY_ESCAPES) if ("\\" in text or "\t" in text or "\n" in text
                                              or "\r" in text) else text
