"""Reading the audit trail (issue 9): search across every history table, and what each change
did, before and after.

At national scale the trail is tens of millions of rows in some sixty tables, so the search never
counts and never offsets: it walks back in time from a cursor. Each selected table gives its
newest `size + 1` matching keys on its history_date index; the keys are merged in Python and
only the page's winners are loaded in full, with the previous row of each object (for the
differences) and the objects their foreign keys point to, a fixed number of queries per table
shown on the page whatever the page size.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Q, Subquery
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
    keys = []
    for label, model in chosen.items():
        qs = _filtered(model, filters, cursor)
        if qs is None:
            continue
        for history_id, when in (qs.order_by("-history_date", "-history_id")
                                 .values_list("history_id", "history_date")[:size + 1]):
            keys.append((when, label, history_id))
    keys.sort(reverse=True)
    more = len(keys) > size
    keys = keys[:size]
    rows = _load(keys)
    return AuditPage(rows=rows, next_cursor=rows[-1].cursor if more and rows else "")


def _load(keys) -> list[AuditRow]:
    by_model: dict[str, list[int]] = {}
    for _when, label, history_id in keys:
        by_model.setdefault(label, []).append(history_id)
    tables = {label: _rows_of(audited_models()[label], ids) for label, ids in by_model.items()}
    user_ids = {h.history_user_id for rows, _previous in tables.values() for h in rows
                if h.history_user_id}
    users = User.objects.in_bulk(user_ids) if user_ids else {}
    loaded: dict[tuple[str, int], AuditRow] = {}
    for label, (rows, previous) in tables.items():
        model = audited_models()[label]
        for h in rows:
            loaded[(label, h.history_id)] = _row(model, h, previous.get(h.prev_id), users)
    return [loaded[(label, history_id)] for _when, label, history_id in keys
            if (label, history_id) in loaded]


def _rows_of(model, history_ids: list[int]):
    """The page's rows of one table with each one's previous row of the same object, and the
    objects their foreign keys name (one query per foreign key), so that neither the
    differences nor the objects' names query per row."""
    history = model.history.model
    before = (history.objects.filter(id=OuterRef("id"))
              .filter(Q(history_date__lt=OuterRef("history_date"))
                      | Q(history_date=OuterRef("history_date"),
                          history_id__lt=OuterRef("history_id")))
              .order_by("-history_date", "-history_id").values("history_id")[:1])
    rows = list(history.objects.filter(history_id__in=history_ids)
                .annotate(prev_id=Subquery(before)))
    prev_ids = [h.prev_id for h in rows if h.prev_id]
    previous = history.objects.in_bulk(prev_ids) if prev_ids else {}
    _attach_relations(model, [*rows, *previous.values()])
    existing = set(model._base_manager.filter(pk__in={h.id for h in rows})
                   .values_list("pk", flat=True))
    for h in rows:
        h.still_exists = h.id in existing
    return rows, previous


def _foreign_keys(model):
    return [f for f in model._meta.concrete_fields if f.many_to_one and f.related_model]


def _attach_relations(model, history_rows) -> None:
    """Set on each row's rebuilt instance the objects its foreign keys point to (and theirs,
    one level further, through select_related), fetched once per foreign key."""
    instances = []
    tracked = _tracked_fields(model)
    for h in history_rows:
        # The model instance as it was in that row. Not simple-history's `instance`, which
        # reads the excluded fields (a user's password) from the live row, a query per row.
        h.rebuilt = model(**{f.attname: getattr(h, f.attname) for f in tracked})
        instances.append(h.rebuilt)
    for fk in _foreign_keys(model):
        ids = {getattr(obj, fk.attname) for obj in instances} - {None}
        if not ids:
            continue
        target = fk.related_model
        deeper = [f.name for f in _foreign_keys(target)]
        found = target._base_manager.select_related(*deeper).in_bulk(ids)
        for obj in instances:
            value = getattr(obj, fk.attname)
            if value in found:
                fk.set_cached_value(obj, found[value])


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


def _tracked_fields(model) -> list:
    """The model's fields its history keeps (simple-history's tracked_fields)."""
    return list(model.history.model.tracked_fields)


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
