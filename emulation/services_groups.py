"""Every write of a group's year and of the groups outside the Alliance: the pledge and its
targets, the signing, the criteria table (sections, criteria, copying from the previous year,
turning the pledge's targets into criteria), and the Alliance's years in outside groups.

Each function checks its predicate (emulation.permissions_groups: PermissionDenied) and its rules
(ValidationError with a Vietnamese message naming the field), and changes nothing when it refuses.
simple_history records each change with the actor."""

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from awards.uploads import check_upload
from clusters.models import EmulationGroup, GroupMembership, Organization

from . import permissions_groups as perms
from .models import (
    CriteriaSection, CriteriaTable, Criterion, ExternalGroup, ExternalGroupYear, Pledge,
    PledgeTarget,
)
from .services import _actor, _check_date, _text

MAX_POINTS = Decimal("1000")
PLEDGE_SECTION_TITLE = "Thực hiện giao ước thi đua"  # data: the section the targets become
SIGNED_KINDS = {".pdf", ".jpg", ".jpeg", ".png"}
UNCHANGED = object()  # pledge_update: a signing day not given is kept


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _year(value) -> int:
    if not isinstance(value, int) or not 1945 <= value <= 2100:
        raise ValidationError({"year": _("Enter a year between 1945 and 2100.")})
    return value


def _points(value, field: str = "max_points") -> Decimal:
    try:
        points = Decimal(str(value).strip().replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        points = Decimal("NaN")
    if points is None:
        raise ValidationError({field: _("Please fill in this field.")})
    if not points.is_finite():
        raise ValidationError({field: _("Enter a number of points, for example 2,5.")})
    if points < 0:
        raise ValidationError({field: _("The points cannot be negative.")})
    if points > MAX_POINTS:
        raise ValidationError({field: _("At most %(max)s points.") % {"max": int(MAX_POINTS)}})
    if points != points.quantize(Decimal("0.01")):
        raise ValidationError({field: _("At most two decimal places.")})
    return points.quantize(Decimal("0.01"))


def _signed_document(upload):
    """A signed document: PDF or a photo (JPEG, PNG), checked by content."""
    checked = check_upload(upload)
    if PurePath(checked.name).suffix.lower() not in SIGNED_KINDS:
        raise ValidationError(_("“%(name)s”: the signed document must be a PDF file or an image "
                                "(JPEG, PNG).") % {"name": checked.name}, code="type")
    return checked


def _next_position(queryset) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


def _move(item, siblings, direction: str, by) -> None:
    """Renumber the siblings 1..n in their order, then swap the item with its neighbour."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Unknown direction."))
    ordered = list(siblings.order_by("position", "id"))
    index = next(i for i, s in enumerate(ordered) if s.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered, start=1):
        if sibling.position != position:
            sibling.position = position
            _actor(sibling, by).save(update_fields=["position"])


# --- pledges -----------------------------------------------------------------------------------


def _pledge_editable(pledge: Pledge, by) -> None:
    _require(perms.can_edit_group_year(by, pledge.group, pledge.year))
    if pledge.status != Pledge.Status.DRAFT:
        raise ValidationError(_("The pledge has been signed: it can no longer be changed."))


@transaction.atomic
def pledge_create(*, group: EmulationGroup, year: int, title: str, by,
                  sign_by: datetime.date | None = None) -> Pledge:
    _require(perms.can_edit_group_year(by, group, year))
    _year(year)
    title = _text(title, field="title", limit=300, required=True)
    _check_date(sign_by, "sign_by")
    if Pledge.objects.filter(group=group, year=year).exists():
        raise ValidationError({"title": _("The group already has a pledge for that year.")})
    pledge = Pledge(group=group, year=year, title=title, sign_by=sign_by, created_by=by)
    _actor(pledge, by).save()
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, title: str, note: str = "", by,
                  sign_by: datetime.date | None | object = UNCHANGED) -> Pledge:
    """`sign_by` left out keeps the signing day; None clears it."""
    _pledge_editable(pledge, by)
    pledge.title = _text(title, field="title", limit=300, required=True)
    pledge.note = _text(note, field="note", limit=4000)
    if sign_by is not UNCHANGED:
        _check_date(sign_by, "sign_by")
        pledge.sign_by = sign_by
    _actor(pledge, by).save()
    return pledge


@transaction.atomic
def target_add(*, pledge: Pledge, text: str, max_points, by) -> PledgeTarget:
    _pledge_editable(pledge, by)
    target = PledgeTarget(pledge=pledge, text=_text(text, field="text", limit=2000,
                                                      required=True),
                          max_points=_points(max_points),
                          position=_next_position(pledge.targets.all()))
    _actor(target, by).save()
    return target


@transaction.atomic
def target_update(*, target: PledgeTarget, text: str, max_points, by) -> PledgeTarget:
    _pledge_editable(target.pledge, by)
    target.text = _text(text, field="text", limit=2000, required=True)
    target.max_points = _points(max_points)
    _actor(target, by).save()
    return target


@transaction.atomic
def target_move(*, target: PledgeTarget, direction: str, by) -> None:
    _pledge_editable(target.pledge, by)
    _move(target, target.pledge.targets.all(), direction, by)


@transaction.atomic
def target_remove(*, target: PledgeTarget, by) -> None:
    _pledge_editable(target.pledge, by)
    _actor(target, by).delete()


@transaction.atomic
def pledge_sign(*, pledge: Pledge, signed_on: datetime.date, place: str, signatories, upload,
                by) -> Pledge:
    """Record the signing: the day, the place, the member units that signed and the signed
    document. The pledge is then locked (its history keeps who signed it and when)."""
    _pledge_editable(pledge, by)
    if signed_on is None:
        raise ValidationError({"signed_on": _("Please fill in this field.")})
    _check_date(signed_on, "signed_on")
    place = _text(place, field="place", limit=200, required=True)
    signatories = list(signatories or [])
    if not signatories:
        raise ValidationError({"signatories": _("Choose at least one unit that signed.")})
    members = set(GroupMembership.objects.filter(group=pledge.group, year=pledge.year)
                  .values_list("organization_id", flat=True))
    strangers = [o.name for o in signatories if o.pk not in members]
    if strangers:
        raise ValidationError({"signatories": _(
            "Not a member of the group in %(year)s: %(names)s.") % {
            "year": pledge.year, "names": ", ".join(strangers)}})
    if not pledge.targets.exists():
        raise ValidationError(_("Add the pledge's targets before recording the signing."))
    if upload is None:
        raise ValidationError({"document": _("Upload the signed document.")})
    try:
        checked = _signed_document(upload)
    except ValidationError as error:
        raise ValidationError({"document": error.messages}) from None
    pledge.signed_on, pledge.place = signed_on, place
    pledge.document_name = checked.name
    pledge.document.save(checked.name, upload, save=False)
    pledge.status = Pledge.Status.SIGNED
    _actor(pledge, by).save()
    pledge.signatories.set(signatories)
    return pledge


@transaction.atomic
def pledge_targets_to_criteria(*, pledge: Pledge, by) -> int:
    """Make each target a criterion of the group's criteria table for the year (the table is
    created when missing), in a section “Thực hiện giao ước thi đua”. Pressing again adds only
    the targets not yet there. Returns the number of criteria added."""
    _require(perms.can_edit_group_year(by, pledge.group, pledge.year))
    table = CriteriaTable.objects.filter(group=pledge.group, year=pledge.year).first()
    if table is not None and table.locked:
        raise ValidationError(_locked_message())
    targets = list(pledge.targets.order_by("position", "id"))
    if not targets:
        raise ValidationError(_("The pledge has no targets yet."))
    if table is None:
        table = CriteriaTable(group=pledge.group, year=pledge.year, created_by=by,
                              title=_default_table_title(pledge.group, pledge.year))
        _actor(table, by).save()
    done = set(Criterion.objects.filter(section__table=table, pledge_target__in=targets)
               .values_list("pledge_target_id", flat=True))
    new = [t for t in targets if t.pk not in done]
    if not new:
        return 0
    section = table.sections.filter(title=PLEDGE_SECTION_TITLE).first()
    if section is None:
        section = CriteriaSection(table=table, title=PLEDGE_SECTION_TITLE,
                                  position=_next_position(table.sections.all()))
        _actor(section, by).save()
    position = _next_position(section.criteria.all())
    for offset, target in enumerate(new):
        criterion = Criterion(section=section, position=position + offset, text=target.text,
                              max_points=target.max_points, pledge_target=target)
        _actor(criterion, by).save()
    return len(new)


def _default_table_title(group, year) -> str:
    return _("Criteria table %(year)s – %(group)s") % {"year": year, "group": group.name}


# --- criteria tables ---------------------------------------------------------------------------


def _locked_message() -> str:
    return _("The criteria table is locked: a scoring round has been opened on it, so it can no "
             "longer be changed.")


def _table_editable(table: CriteriaTable, by) -> None:
    _require(perms.can_edit_group_year(by, table.group, table.year))
    if table.locked:
        raise ValidationError(_locked_message())


@transaction.atomic
def criteria_table_create(*, group: EmulationGroup, year: int, title: str, by) -> CriteriaTable:
    _require(perms.can_edit_group_year(by, group, year))
    _year(year)
    title = _text(title, field="title", limit=300, required=True)
    if CriteriaTable.objects.filter(group=group, year=year).exists():
        raise ValidationError({"title": _("The group already has a criteria table for that "
                                          "year.")})
    table = CriteriaTable(group=group, year=year, title=title, created_by=by)
    _actor(table, by).save()
    return table


@transaction.atomic
def criteria_table_copy(*, source: CriteriaTable, group: EmulationGroup, year: int, by,
                        title: str = "") -> CriteriaTable:
    """A new table for the group's year with a copy of every section and criterion of
    `source`; the links to the source year's pledge targets are not copied."""
    # The group's own earlier table is its editor's to copy, even when this year's leader was
    # not a member then; another group's table only if the user may see it.
    _require(perms.can_edit_group_year(by, group, year)
             and (source.group_id == group.pk
                  or perms.can_view_group_year(by, source.group, source.year)))
    _year(year)
    if source.year >= year:
        raise ValidationError(_("Copy from an earlier year."))
    if CriteriaTable.objects.filter(group=group, year=year).exists():
        raise ValidationError(_("The group already has a criteria table for that year."))
    table = CriteriaTable(group=group, year=year, copied_from=source, created_by=by,
                          title=_text(title, field="title", limit=300)
                          or _default_table_title(group, year))
    _actor(table, by).save()
    sections = list(source.sections.prefetch_related("criteria").order_by("position", "id"))
    for old in sections:
        section = CriteriaSection(table=table, position=old.position, code=old.code,
                                  title=old.title)
        _actor(section, by).save()
        for c in old.criteria.all():
            _actor(Criterion(section=section, position=c.position, code=c.code, text=c.text,
                             kind=c.kind, max_points=c.max_points,
                             evidence_required=c.evidence_required), by).save()
    return table


@transaction.atomic
def criteria_table_update(*, table: CriteriaTable, title: str, by) -> CriteriaTable:
    _table_editable(table, by)
    table.title = _text(title, field="title", limit=300, required=True)
    _actor(table, by).save()
    return table


def _section_fields(code, title):
    return (_text(code, field="code", limit=10),
            _text(title, field="title", limit=500, required=True))


@transaction.atomic
def section_add(*, table: CriteriaTable, title: str, code: str = "", by) -> CriteriaSection:
    _table_editable(table, by)
    code, title = _section_fields(code, title)
    section = CriteriaSection(table=table, code=code, title=title,
                              position=_next_position(table.sections.all()))
    _actor(section, by).save()
    return section


@transaction.atomic
def section_update(*, section: CriteriaSection, title: str, code: str = "", by):
    _table_editable(section.table, by)
    section.code, section.title = _section_fields(code, title)
    _actor(section, by).save()
    return section


@transaction.atomic
def section_move(*, section: CriteriaSection, direction: str, by) -> None:
    _table_editable(section.table, by)
    _move(section, section.table.sections.all(), direction, by)


@transaction.atomic
def section_remove(*, section: CriteriaSection, by) -> None:
    _table_editable(section.table, by)
    for criterion in section.criteria.all():
        _actor(criterion, by).delete()
    _actor(section, by).delete()


def _criterion_fields(data: dict) -> dict:
    kind = data.get("kind") or Criterion.Kind.STANDARD
    if kind not in Criterion.Kind.values:
        raise ValidationError({"kind": _("Choose one of the options in the list.")})
    return {"code": _text(data.get("code"), field="code", limit=10),
            "text": _text(data.get("text"), field="text", limit=2000, required=True),
            "kind": kind, "max_points": _points(data.get("max_points")),
            "evidence_required": bool(data.get("evidence_required"))}


@transaction.atomic
def criterion_add(*, section: CriteriaSection, by, **data) -> Criterion:
    _table_editable(section.table, by)
    criterion = Criterion(section=section, position=_next_position(section.criteria.all()),
                          **_criterion_fields(data))
    _actor(criterion, by).save()
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, by, **data) -> Criterion:
    _table_editable(criterion.section.table, by)
    for name, value in _criterion_fields(data).items():
        setattr(criterion, name, value)
    _actor(criterion, by).save()
    return criterion


@transaction.atomic
def criterion_move(*, criterion: Criterion, direction: str, by) -> None:
    _table_editable(criterion.section.table, by)
    _move(criterion, criterion.section.criteria.all(), direction, by)


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by) -> None:
    _table_editable(criterion.section.table, by)
    _actor(criterion, by).delete()


# --- groups outside the Alliance ---------------------------------------------------------------


def _fill_external(group: ExternalGroup, data: dict) -> ExternalGroup:
    group.name = _text(data.get("name"), field="name", limit=300, required=True)
    if data.get("kind") not in ExternalGroup.Kind.values:
        raise ValidationError({"kind": _("Choose one of the options in the list.")})
    group.kind = data["kind"]
    group.organized_by = _text(data.get("organized_by"), field="organized_by", limit=300,
                               required=True)
    organization = data.get("organization")
    if not isinstance(organization, Organization):
        raise ValidationError({"organization": _("Please fill in this field.")})
    group.organization = organization
    return group


@transaction.atomic
def external_group_create(*, by, **data) -> ExternalGroup:
    _require(perms.can_manage_external_groups(by))
    group = _fill_external(ExternalGroup(), data)
    _actor(group, by).save()
    return group


@transaction.atomic
def external_group_update(*, group: ExternalGroup, by, **data) -> ExternalGroup:
    _require(perms.can_manage_external_groups(by))
    _fill_external(group, data)
    _actor(group, by).save()
    return group


def _fill_external_year(entry: ExternalGroupYear, data: dict) -> ExternalGroupYear:
    entry.year = _year(data.get("year"))
    clash = ExternalGroupYear.objects.filter(group=entry.group, year=entry.year).exclude(
        pk=entry.pk)
    if clash.exists():
        raise ValidationError({"year": _("That year is already recorded for this group.")})
    if data.get("role") not in ExternalGroupYear.Role.values:
        raise ValidationError({"role": _("Choose one of the options in the list.")})
    entry.role = data["role"]
    entry.pledge_signed_on = data.get("pledge_signed_on")
    _check_date(entry.pledge_signed_on, "pledge_signed_on")
    if entry.pledge_signed_on and entry.pledge_signed_on.year != entry.year:
        raise ValidationError({"pledge_signed_on": _("The pledge must be signed in %(year)s.")
                               % {"year": entry.year}})
    entry.activities = _text(data.get("activities"), field="activities", limit=8000)
    entry.result = _text(data.get("result"), field="result", limit=500)
    return entry


def _attach_pledge(entry: ExternalGroupYear, upload) -> None:
    if upload is None:
        return
    try:
        checked = _signed_document(upload)
    except ValidationError as error:
        raise ValidationError({"pledge_document": error.messages}) from None
    entry.pledge_document_name = checked.name
    entry.pledge_document.save(checked.name, upload, save=False)


@transaction.atomic
def external_year_add(*, group: ExternalGroup, by, upload=None, **data) -> ExternalGroupYear:
    _require(perms.can_manage_external_groups(by))
    entry = _fill_external_year(ExternalGroupYear(group=group), data)
    _attach_pledge(entry, upload)
    _actor(entry, by).save()
    return entry


@transaction.atomic
def external_year_update(*, entry: ExternalGroupYear, by, upload=None,
                         **data) -> ExternalGroupYear:
    _require(perms.can_manage_external_groups(by))
    _fill_external_year(entry, data)
    _attach_pledge(entry, upload)
    _actor(entry, by).save()
    return entry
