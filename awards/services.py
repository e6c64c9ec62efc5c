"""Every write to the award catalogue and the rule sets. Each change is audited by
django-simple-history; `by` names the user when there is no request (commands, tests)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Organization, Person
from clusters.text import clean_text

from .models import AwardRecord, AwardType, RuleParameter, RuleSet, format_value, parse_value

AWARD_TYPE_FIELDS = ("name", "category", "recipient_kind", "granting_level",
                     "council_vote_required", "secret_ballot", "public_notice_required",
                     "is_active", "display_order")


def _save(instance, by=None, **kwargs):
    if by is not None:
        instance._history_user = by
    instance.full_clean()
    instance.save(**kwargs)
    return instance


# --- award types -------------------------------------------------------------------------------


def award_type_create(*, code: str, by=None, **fields) -> AwardType:
    award = AwardType(code=clean_text(code).upper(), **_award_fields(fields))
    return _save(award, by)


def award_type_update(*, award_type: AwardType, by=None, **fields) -> AwardType:
    """Changes everything but the code: the code is how imports, exports and rule parameters
    name the award, so it never changes once created."""
    fields.pop("code", None)
    for name, value in _award_fields(fields).items():
        setattr(award_type, name, value)
    return _save(award_type, by)


def _award_fields(fields: dict) -> dict:
    data = {name: fields[name] for name in AWARD_TYPE_FIELDS if name in fields}
    if "name" in data:
        data["name"] = clean_text(data["name"])
    if not data.get("council_vote_required", True):
        data["secret_ballot"] = False
    return data


# --- rule sets ---------------------------------------------------------------------------------


def rule_set_check_period(*, valid_from: datetime.date, valid_to: datetime.date | None,
                          exclude: RuleSet | None = None) -> None:
    """Refuse a period that overlaps another rule set's: one date, one rule set."""
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end date must not be before the start date.")})
    others = RuleSet.objects.all()
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        others = others.filter(valid_from__lte=valid_to)
    clash = others.order_by("valid_from").first()
    if clash is not None:
        raise ValidationError(_(
            "The period overlaps the rule set “%(name)s” (%(start)s – %(end)s).") % {
            "name": clash.name, "start": clash.valid_from.strftime("%d/%m/%Y"),
            "end": clash.valid_to.strftime("%d/%m/%Y") if clash.valid_to else _("now"),
        })


@transaction.atomic
def rule_set_create(*, name: str, valid_from: datetime.date, legal_basis: str, note: str = "",
                    by=None) -> RuleSet:
    """Start a new rule set when a new legal text takes effect.

    Side effects: the latest rule set (which must start earlier) ends on the day before
    `valid_from`, and its parameters are copied into the new one, so administrators only
    change what the new text changes."""
    latest = RuleSet.objects.select_for_update().order_by("-valid_from").first()
    if latest is not None:
        if valid_from <= latest.valid_from:
            raise ValidationError({"valid_from": _(
                "A new rule set must start after the latest one, which starts on %(date)s.")
                % {"date": latest.valid_from.strftime("%d/%m/%Y")}})
        if latest.valid_to is None or latest.valid_to >= valid_from:
            latest.valid_to = valid_from - datetime.timedelta(days=1)
            _save(latest, by)
    rule_set_check_period(valid_from=valid_from, valid_to=None)
    rule_set = _save(RuleSet(name=clean_text(name), valid_from=valid_from, valid_to=None,
                             legal_basis=legal_basis.strip(), note=note.strip()), by)
    if latest is not None:
        copies = []
        for parameter in latest.parameters.all():
            parameter.pk = None
            parameter.rule_set = rule_set
            copies.append(parameter)
        # One query for the copies and one for their history rows.
        bulk_create_with_history(copies, RuleParameter, default_user=by)
    return rule_set


@transaction.atomic
def rule_set_update(*, rule_set: RuleSet, name: str, valid_from: datetime.date,
                    valid_to: datetime.date | None, legal_basis: str, note: str = "",
                    by=None) -> RuleSet:
    rule_set_check_period(valid_from=valid_from, valid_to=valid_to, exclude=rule_set)
    rule_set.name = clean_text(name)
    rule_set.valid_from, rule_set.valid_to = valid_from, valid_to
    rule_set.legal_basis, rule_set.note = legal_basis.strip(), note.strip()
    return _save(rule_set, by)


def rule_parameter_set_value(*, parameter: RuleParameter, value, verified: bool | None = None,
                             legal_citation: str | None = None, by=None) -> RuleParameter:
    """Validate `value` by the parameter's kind and store its canonical text. Nothing is saved
    when the value does not fit (ValidationError on the field `value`)."""
    try:
        typed = parse_value(parameter.kind, value, choices=parameter.choices,
                            min_value=parameter.min_value, max_value=parameter.max_value)
    except ValidationError as error:
        raise ValidationError({"value": error.messages})
    parameter.value = format_value(parameter.kind, typed)
    if verified is not None:
        parameter.verified = verified
    if legal_citation is not None:
        parameter.legal_citation = clean_text(legal_citation)
    return _save(parameter, by)


# --- the registry ------------------------------------------------------------------------------

FIRST_AWARD_YEAR = 1945


@transaction.atomic
def award_record_create(*, award_type: AwardType, achievement_year: int, decision_number: str,
                        decision_date: datetime.date, person: Person | None = None,
                        organization: Organization | None = None, collective_name: str = "",
                        organization_at_award: Organization | None = None,
                        kind: str = AwardRecord.Kind.MERIT, issuing_level: str = "",
                        granting_level: str | None = None, by=None) -> AwardRecord:
    """Record one conferred award. The recipient is `person`, or `organization`, or a
    `collective_name` inside `organization`. `organization_at_award` defaults to the person's
    organization now (pass it for past awards of people who have moved); for an organization
    it is always the organization itself. Nothing is saved when a check fails."""
    collective_name = clean_text(collective_name)
    if (person is None) == (organization is None):
        raise ValidationError(_("Choose either a person or an organization as the recipient."))
    if person is not None and collective_name:
        raise ValidationError({"collective_name": _(
            "A collective name belongs to an organization, not to a person.")})
    if person is not None and not award_type.for_individuals:
        raise ValidationError({"award_type": _(
            "“%(award)s” is awarded to collectives only.") % {"award": award_type.name}})
    if person is None and not award_type.for_collectives:
        raise ValidationError({"award_type": _(
            "“%(award)s” is awarded to individuals only.") % {"award": award_type.name}})
    if person is not None:
        organization_at_award = organization_at_award or person.organization
    elif not collective_name:
        organization_at_award = organization
    else:
        organization_at_award = organization_at_award or organization
    _check_dates(achievement_year, decision_date)
    record = AwardRecord(
        person=person, organization=organization, collective_name=collective_name,
        organization_at_award=organization_at_award, award_type=award_type, kind=kind,
        achievement_year=achievement_year, decision_number=decision_number,
        decision_date=decision_date, issuing_level=issuing_level,
        granting_level=granting_level or award_type.granting_level,
    )
    record.refresh_derived_fields()
    if not record.decision_number:
        raise ValidationError({"decision_number": _("Please enter the decision number.")})
    return _save(record, by)


def _check_dates(achievement_year: int, decision_date: datetime.date) -> None:
    today = timezone.localdate()
    errors = {}
    if not FIRST_AWARD_YEAR <= achievement_year <= today.year:
        errors["achievement_year"] = _("The achievement year must be between %(first)d and "
                                       "%(last)d.") % {"first": FIRST_AWARD_YEAR,
                                                       "last": today.year}
    if decision_date > today:
        errors["decision_date"] = _("The decision date cannot be in the future.")
    elif decision_date.year < achievement_year:
        errors["decision_date"] = _("The decision cannot be dated before the achievement year.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def award_record_revoke(*, record: AwardRecord, decision_number: str,
                        revocation_date: datetime.date, reason: str, by=None) -> AwardRecord:
    """Revoke an award. The record stays in the registry, marked, and stops counting toward
    later awards."""
    record = AwardRecord.objects.select_for_update().get(pk=record.pk)
    errors = {}
    if record.revoked:
        raise ValidationError(_("This award has already been revoked."))
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Please give the reason for the revocation.")
    if not clean_text(decision_number):
        errors["decision_number"] = _("Please enter the revocation decision number.")
    if revocation_date > timezone.localdate():
        errors["revocation_date"] = _("The revocation date cannot be in the future.")
    elif revocation_date < record.decision_date:
        errors["revocation_date"] = _("The revocation cannot be dated before the award decision.")
    if errors:
        raise ValidationError(errors)
    record.revoked = True
    record.revocation_decision_number = clean_text(decision_number)
    record.revocation_date = revocation_date
    record.revocation_reason = reason
    return _save(record, by)


# --- facts the eligibility rules read: assessments, initiatives, discipline --------------------

ASSESSMENT_PERSON_FIELDS = ("rating", "months_worked", "absence_days", "note")
ASSESSMENT_COLLECTIVE_FIELDS = ("rating", "member_count", "members_completed", "group_rank",
                                "note")
INITIATIVE_FIELDS = ("title", "kind", "year", "scope", "recognised_by", "decision_number",
                     "decision_date")
DISCIPLINE_FIELDS = ("organization", "pending", "level", "decision_number", "effective_from",
                     "effective_to", "note")


def _save_fact(instance, by=None):
    instance.refresh_derived_fields()
    note_field = next((f for f in instance._meta.fields if f.name == "note"), None)
    # A TextField's max_length binds forms only; the facts keep it for every writer.
    if note_field is not None and len(instance.note) > note_field.max_length:
        raise ValidationError({"note": _(
            "At most %(limit_value)d characters are allowed (this text has %(show_value)d).")
            % {"limit_value": note_field.max_length, "show_value": len(instance.note)}})
    return _save(instance, by)


def _delete_audited(instance, by=None) -> None:
    """Delete; simple-history writes the "-" row naming `by`."""
    if by is not None:
        instance._history_user = by
    instance.delete()


def _assessment_fields(subject_is_person: bool, fields: dict) -> dict:
    """Keep only the fields of the assessment's subject: individuals have months and absence,
    collectives have members and rank."""
    allowed = ASSESSMENT_PERSON_FIELDS if subject_is_person else ASSESSMENT_COLLECTIVE_FIELDS
    data = {name: fields[name] for name in allowed if name in fields}
    if "note" in data:
        data["note"] = (data["note"] or "").strip()
    return data


@transaction.atomic
def assessment_create(*, year: int, rating: str, person: Person | None = None,
                      organization: Organization | None = None, by=None, **fields):
    """Record the year's assessment of a person or of a collective (an organization). Nothing is
    saved when a check fails (ValidationError naming the field)."""
    from .models.facts import AnnualAssessment

    if (person is None) == (organization is None):
        raise ValidationError(_("An assessment is of one person or one collective."))
    assessment = AnnualAssessment(person=person, organization=organization, year=year,
                                  rating=rating,
                                  **_assessment_fields(person is not None, fields))
    return _save_fact(assessment, by)


@transaction.atomic
def assessment_update(*, assessment, by=None, **fields):
    """Change the year, rating and figures; the subject (person or collective) never changes."""
    fields.pop("person", None)
    fields.pop("organization", None)
    if "year" in fields:
        assessment.year = fields["year"]
    for name, value in _assessment_fields(assessment.person_id is not None, fields).items():
        setattr(assessment, name, value)
    return _save_fact(assessment, by)


@transaction.atomic
def assessment_delete(*, assessment, by=None) -> None:
    _delete_audited(assessment, by)


@transaction.atomic
def initiative_create(*, person: Person, title: str, year: int, by=None, **fields):
    from .models.facts import Initiative

    initiative = Initiative(person=person, title=title, year=year,
                            **{k: v for k, v in fields.items() if k in INITIATIVE_FIELDS})
    _clean_initiative(initiative)
    return _save_fact(initiative, by)


@transaction.atomic
def initiative_update(*, initiative, by=None, **fields):
    for name in INITIATIVE_FIELDS:
        if name in fields:
            setattr(initiative, name, fields[name])
    _clean_initiative(initiative)
    return _save_fact(initiative, by)


def _clean_initiative(initiative) -> None:
    initiative.recognised_by = initiative.recognised_by or ""
    initiative.decision_number = initiative.decision_number or ""
    if not clean_text(initiative.title):
        raise ValidationError({"title": _("Please enter the title of the initiative.")})
    if initiative.decision_date and initiative.decision_date > timezone.localdate():
        raise ValidationError({"decision_date": _("The decision date cannot be in the future.")})


@transaction.atomic
def initiative_delete(*, initiative, by=None) -> None:
    _delete_audited(initiative, by)


@transaction.atomic
def discipline_create(*, person: Person, effective_from: datetime.date, by=None, **fields):
    """Record a disciplinary measure, or an open case (`pending`). The organization at the time
    defaults to the person's organization now."""
    from .models.facts import DisciplineRecord

    data = {k: v for k, v in fields.items() if k in DISCIPLINE_FIELDS}
    data["organization"] = data.get("organization") or person.organization
    record = DisciplineRecord(person=person, effective_from=effective_from, **data)
    _clean_discipline(record)
    return _save_fact(record, by)


@transaction.atomic
def discipline_update(*, record, by=None, **fields):
    for name in DISCIPLINE_FIELDS:
        if name in fields and not (name == "organization" and fields[name] is None):
            setattr(record, name, fields[name])
    _clean_discipline(record)
    return _save_fact(record, by)


def _clean_discipline(record) -> None:
    record.decision_number = record.decision_number or ""
    record.note = (record.note or "").strip()
    if not record.pending and record.level is None:
        raise ValidationError({"level": _("A decided measure needs its level.")})
    if record.effective_to and record.effective_from and record.effective_to < record.effective_from:
        raise ValidationError({"effective_to": _("The end date must not be before the start "
                                                 "date.")})


@transaction.atomic
def discipline_delete(*, record, by=None) -> None:
    _delete_audited(record, by)
