"""Every write of the emulation year: legal documents, movements, registration calls and
registrations. Each checks the actor's permission (PermissionDenied) and the rules (a
ValidationError with a Vietnamese message, naming the field where there is one), and changes
nothing when it refuses. Changes are recorded by django-simple-history with the actor."""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import AwardType
from clusters.models import Organization, Person
from clusters.text import clean_text, nfc

from . import permissions
from .citations import number_key
from .models import LegalDocument, Movement, Registration, RegistrationCall, RegistrationEntry

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EARLIEST = datetime.date(1945, 1, 1)


def _actor(instance, by):
    instance._history_user = by
    return instance


def _text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    value = value or ""
    if _CONTROL.search(value):
        raise ValidationError({field: _("The text contains control characters.")})
    value = clean_text(value) if "\n" not in value else nfc(value).strip()
    if required and not value:
        raise ValidationError({field: _("Please fill in this field.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)s characters (now %(count)s).") % {
            "limit": limit, "count": len(value)}})
    return value


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _check_date(value, field):
    if value is not None and not EARLIEST <= value <= datetime.date(2100, 12, 31):
        raise ValidationError({field: _("Enter a date between 01/01/1945 and 31/12/2100.")})


# --- legal documents ---------------------------------------------------------------------------


def _check_document(document: LegalDocument) -> None:
    """The dates in order and a replacement that follows the replaced document."""
    for name in ("issued_on", "effective_from", "effective_to"):
        _check_date(getattr(document, name), name)
    if document.effective_from < document.issued_on:
        raise ValidationError({"effective_from": _(
            "A document cannot be in force before it is issued (%(date)s).") % {
            "date": _day(document.issued_on)}})
    if document.effective_to and document.effective_to < document.effective_from:
        raise ValidationError({"effective_to": _(
            "The end date must not be before the start date.")})
    key = number_key(document.number)
    clash = next((d for d in LegalDocument.objects.exclude(pk=document.pk)
                  if number_key(d.number) == key), None)
    if clash is not None:
        raise ValidationError({"number": _("The registry already holds %(number)s.") % {
            "number": clash.number}})
    replacement = document.replaced_by
    if replacement is not None:
        _check_replacement(document, replacement)
    if document.pk:
        for older in LegalDocument.objects.filter(replaced_by=document):
            if older.effective_to and document.effective_from <= older.effective_to:
                raise ValidationError({"effective_from": _(
                    "This document replaces %(number)s, which is in force until %(end)s: it must "
                    "come into force after that day.") % {"number": older.number,
                                                          "end": _day(older.effective_to)}})


def _check_replacement(document: LegalDocument, replacement: LegalDocument) -> None:
    if replacement.pk == document.pk:
        raise ValidationError({"replaced_by": _("A document cannot replace itself.")})
    if document.effective_to is None:
        raise ValidationError({"effective_to": _(
            "A replaced document must have the last day it was in force.")})
    if replacement.effective_from <= document.effective_to:
        raise ValidationError({"replaced_by": _(
            "%(number)s comes into force on %(start)s, before this document ends (%(end)s): "
            "the replacing document must come into force after it.") % {
            "number": replacement.number, "start": _day(replacement.effective_from),
            "end": _day(document.effective_to)}})
    seen, current = {document.pk}, replacement
    while current is not None:
        if current.pk in seen:
            raise ValidationError({"replaced_by": _(
                "%(number)s is itself replaced, directly or not, by this document: a chain of "
                "replacements cannot loop.") % {"number": replacement.number}})
        seen.add(current.pk)
        current = current.replaced_by


def _fill_document(document: LegalDocument, data: dict) -> LegalDocument:
    document.number = _text(data.get("number"), field="number", limit=60, required=True)
    document.doc_type = data["doc_type"]
    document.issuer = _text(data.get("issuer"), field="issuer", limit=200, required=True)
    document.title = _text(data.get("title"), field="title", limit=1000, required=True)
    document.source = _text(data.get("source"), field="source", limit=500)
    document.issued_on = data["issued_on"]
    document.effective_from = data["effective_from"]
    document.effective_to = data.get("effective_to")
    document.replaced_by = data.get("replaced_by")
    document.verified = bool(data.get("verified"))
    return document


@transaction.atomic
def document_create(*, by, **data) -> LegalDocument:
    if not permissions.can_manage_documents(by):
        raise PermissionDenied
    document = _fill_document(LegalDocument(), data)
    _check_document(document)
    _actor(document, by).save()
    return document


@transaction.atomic
def document_update(*, document: LegalDocument, by, **data) -> LegalDocument:
    if not permissions.can_manage_documents(by):
        raise PermissionDenied
    document = LegalDocument.objects.select_for_update().get(pk=document.pk)
    _fill_document(document, data)
    _check_document(document)
    _actor(document, by).save()
    return document


# --- movements ---------------------------------------------------------------------------------


def _check_movement(movement: Movement, participants) -> None:
    for name in ("start_date", "end_date"):
        _check_date(getattr(movement, name), name)
    if movement.end_date and movement.end_date < movement.start_date:
        raise ValidationError({"end_date": _("The end date must not be before the start date.")})
    level, org = movement.level, movement.organization
    if level == Movement.Level.NATIONAL and not movement.launched_by_name:
        movement.launched_by_name = _("Prime Minister")
    if level == Movement.Level.ALLIANCE and (org is None or not org.is_central):
        raise ValidationError({"organization": _(
            "A movement of the Alliance is launched by the Alliance or one of its departments.")})
    if level == Movement.Level.PROVINCIAL and (
            org is None or org.kind != Organization.Kind.PROVINCIAL_ALLIANCE):
        raise ValidationError({"organization": _(
            "A provincial movement is launched by a provincial cooperative alliance.")})
    if level == Movement.Level.UNIT and org is None:
        raise ValidationError({"organization": _("Choose the unit that launches the movement.")})
    if org is None and not movement.launched_by_name:
        raise ValidationError({"launched_by_name": _("Say who launched the movement.")})
    if movement.document is not None and movement.document.effective_from > movement.start_date:
        raise ValidationError({"document": _(
            "%(number)s comes into force on %(date)s, after the movement starts: a movement "
            "cannot be launched by it.") % {"number": movement.document.number,
                                            "date": _day(movement.document.effective_from)}})


def _fill_movement(movement: Movement, data: dict) -> Movement:
    movement.name = _text(data.get("name"), field="name", limit=500, required=True)
    movement.level = data["level"]
    movement.kind = data["kind"]
    movement.theme = _text(data.get("theme"), field="theme", limit=1000)
    movement.motto = _text(data.get("motto"), field="motto", limit=300)
    movement.organization = data.get("organization")
    movement.launched_by_name = _text(data.get("launched_by_name"), field="launched_by_name",
                                      limit=200)
    movement.document = data.get("document")
    movement.start_date = data["start_date"]
    movement.end_date = data.get("end_date")
    movement.description = _text(data.get("description"), field="description", limit=4000)
    return movement


def _save_movement(movement, participants, by):
    if not permissions.can_launch_movement(by, movement.level, movement.organization):
        raise PermissionDenied
    _check_movement(movement, participants)
    _actor(movement, by).save()
    if participants is not None:
        movement.participants.set(participants)
    return movement


@transaction.atomic
def movement_create(*, by, participants=None, **data) -> Movement:
    movement = _fill_movement(Movement(created_by=by), data)
    return _save_movement(movement, participants, by)


@transaction.atomic
def movement_update(*, movement: Movement, by, participants=None, **data) -> Movement:
    if not permissions.can_edit_movement(by, movement):
        raise PermissionDenied
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    return _save_movement(_fill_movement(movement, data), participants, by)


# --- registration calls ------------------------------------------------------------------------


@transaction.atomic
def call_create(*, organizer: Organization, year: int, deadline: datetime.date, by,
                movement: Movement | None = None, note: str = "") -> RegistrationCall:
    if not permissions.can_manage_calls_of(by, organizer):
        raise PermissionDenied
    call = RegistrationCall(organizer=organizer, year=year, deadline=deadline, movement=movement,
                            note=_text(note, field="note", limit=2000))
    _check_call(call)
    _actor(call, by).save()
    return call


@transaction.atomic
def call_update(*, call: RegistrationCall, deadline: datetime.date, by,
                movement: Movement | None = None, note: str = "") -> RegistrationCall:
    if not permissions.can_manage_calls_of(by, call.organizer):
        raise PermissionDenied
    call = RegistrationCall.objects.select_for_update().get(pk=call.pk)
    call.deadline, call.movement = deadline, movement
    call.note = _text(note, field="note", limit=2000)
    _check_call(call)
    _actor(call, by).save()
    return call


def _check_call(call: RegistrationCall) -> None:
    if not 1945 <= call.year <= 2100:
        raise ValidationError({"year": _("Enter a year between 1945 and 2100.")})
    _check_date(call.deadline, "deadline")
    if call.deadline.year not in (call.year - 1, call.year):
        raise ValidationError({"deadline": _(
            "The deadline of the registrations for %(year)s falls in %(before)s or %(year)s.") % {
            "year": call.year, "before": call.year - 1}})
    if RegistrationCall.objects.filter(organizer=call.organizer, year=call.year).exclude(
            pk=call.pk).exists():
        raise ValidationError({"year": _("The organizer already has a call for that year.")})


# --- registrations -----------------------------------------------------------------------------


def _editable(registration: Registration, by) -> Registration:
    if not permissions.can_edit_registration(by, registration):
        raise PermissionDenied
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.DRAFT:
        raise ValidationError(_("The registration has been sent and can no longer be changed."))
    return registration


@transaction.atomic
def registration_create(*, call: RegistrationCall, organization: Organization, by
                        ) -> Registration:
    if not permissions.can_register_for(by, organization):
        raise PermissionDenied
    if organization.parent_id != call.organizer_id:
        raise ValidationError(_("%(unit)s does not answer the call of %(organizer)s.") % {
            "unit": organization.name, "organizer": call.organizer.name})
    if Registration.objects.filter(organization=organization, year=call.year).exists():
        raise ValidationError(_("The unit already has a registration for that year."))
    registration = Registration(call=call, organization=organization, year=call.year,
                                created_by=by)
    _actor(registration, by).save()
    return registration


def _next_position(registration) -> int:
    last = registration.entries.aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


@transaction.atomic
def entry_add_person(*, registration: Registration, person: Person, award_type: AwardType,
                     by) -> RegistrationEntry:
    registration = _editable(registration, by)
    if not person.organization.path.startswith(registration.organization.path):
        raise ValidationError({"person": _("%(name)s does not work in %(unit)s.") % {
            "name": person.full_name, "unit": registration.organization.name}})
    if not award_type.for_individuals:
        raise ValidationError({"award_type": _("%(award)s is awarded to collectives only.") % {
            "award": award_type.name}})
    if registration.entries.filter(person=person, award_type=award_type).exists():
        raise ValidationError({"award_type": _(
            "This person is already registered for this title.")})
    entry = RegistrationEntry(registration=registration, person=person, award_type=award_type,
                              position=_next_position(registration))
    _actor(entry, by).save()
    return entry


@transaction.atomic
def entry_add_collective(*, registration: Registration, award_type: AwardType, by,
                         collective_name: str = "") -> RegistrationEntry:
    registration = _editable(registration, by)
    name = _text(collective_name, field="collective_name", limit=300)
    if not award_type.for_collectives:
        raise ValidationError({"award_type": _("%(award)s is awarded to individuals only.") % {
            "award": award_type.name}})
    if registration.entries.filter(person__isnull=True, collective_name=name,
                                   award_type=award_type).exists():
        raise ValidationError({"award_type": _(
            "This collective is already registered for this title.")})
    entry = RegistrationEntry(registration=registration, collective_name=name,
                              award_type=award_type, position=_next_position(registration))
    _actor(entry, by).save()
    return entry


@transaction.atomic
def entry_remove(*, entry: RegistrationEntry, by) -> None:
    _editable(entry.registration, by)
    _actor(entry, by).delete()


@transaction.atomic
def registration_set_movements(*, registration: Registration, movements, by) -> list[Movement]:
    """Record the movements the unit takes part in. Returns those that had ended before the
    registration's year: they are kept (the unit said so) and flagged wherever it is shown."""
    from .selectors import expired_for_year

    registration = _editable(registration, by)
    movements = list(movements)
    registration.movements.set(movements)
    return [m for m in movements if expired_for_year(m, registration.year)]


@transaction.atomic
def registration_submit(*, registration: Registration, by,
                        now: datetime.datetime | None = None) -> Registration:
    """Send the registration. After the call's deadline it is still sent, and marked late."""
    registration = _editable(registration, by)
    if not registration.entries.exists():
        raise ValidationError(_("Add at least one title the unit or its people aim for before "
                                "sending the registration."))
    now = now or timezone.now()
    registration.status = Registration.Status.SUBMITTED
    registration.submitted_at = now
    registration.submitted_by = by
    registration.late = timezone.localdate(now) > registration.call.deadline
    _actor(registration, by).save()
    return registration
