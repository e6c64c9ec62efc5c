"""Reads of the emulation year, scoped. Legal documents are one registry for everyone; a movement
is visible system-wide when national or the Alliance's, otherwise to its launcher's subtree and to
the units below it; a registration to its unit (and those above it) and to its call's
organizer."""

import datetime

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from accounts.scoping import active_role, scope_q, sees_everything
from clusters.models import Organization

from .models import LegalDocument, Movement, Registration, RegistrationCall


def _ancestor_paths(path: str) -> list[str]:
    """The paths of the organization and of every organization above it."""
    return [path[:i] for i in range(1, len(path) + 1) if path[i - 1] == "/"] + [path]


# --- legal documents ---------------------------------------------------------------------------


def document_list(*, q: str = "", doc_type: str = "", state: str = "",
                  on_date: datetime.date | None = None):
    from clusters.text import clean_text

    from .citations import number_key

    documents = LegalDocument.objects.select_related("replaced_by")
    on_date = on_date or timezone.localdate()
    text = clean_text(q)[:200]
    if text:
        key = number_key(text)
        documents = documents.filter(Q(number__icontains=text) | Q(title__icontains=text)
                                     | Q(issuer__icontains=text)
                                     | Q(pk__in=_documents_with_key(key)))
    if doc_type:
        documents = documents.filter(doc_type=doc_type)
    in_force = Q(effective_from__lte=on_date) & (Q(effective_to__isnull=True)
                                                 | Q(effective_to__gte=on_date))
    if state == "in_force":
        documents = documents.filter(in_force)
    elif state == "ended":
        documents = documents.filter(effective_to__lt=on_date)
    elif state == "replaced":
        documents = documents.filter(replaced_by__isnull=False)
    return documents.order_by("-issued_on", "number")


def _documents_with_key(key: str) -> list[int]:
    """Numbers typed without diacritics or with other spacing ("91/2017/ND-CP"): the registry
    is small, so compare the keys in Python."""
    from .citations import number_key

    if not key:
        return []
    return [pk for pk, number in LegalDocument.objects.values_list("pk", "number")
            if key in number_key(number)]


def get_document(pk) -> LegalDocument:
    document = LegalDocument.objects.select_related("replaced_by").filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


# --- movements ---------------------------------------------------------------------------------


def movements_for(user):
    role = active_role(user)
    if role is None:
        return Movement.objects.none()
    if sees_everything(user):
        return Movement.objects.all()
    path = role.organization.path
    return Movement.objects.filter(
        Q(level__in=[Movement.Level.NATIONAL, Movement.Level.ALLIANCE])
        | Q(organization__path__startswith=path)
        | Q(organization__path__in=_ancestor_paths(path)))


def status_choices():
    """The statuses as the pages name them (the model's labels are shared with other msgids)."""
    from django.utils.translation import gettext_lazy as _

    return [(Movement.Status.UPCOMING, _("Not yet started")),
            (Movement.Status.ACTIVE, _("Under way")), (Movement.Status.EXPIRED, _("Ended"))]


def status_label(status: str) -> str:
    return str(dict(status_choices())[status])


def status_q(status: str, day: datetime.date) -> Q:
    """Movement.status_on as a filter: the start day and the end day are days of the movement."""
    if status == Movement.Status.UPCOMING:
        return Q(start_date__gt=day)
    if status == Movement.Status.EXPIRED:
        return Q(end_date__lt=day)
    if status == Movement.Status.ACTIVE:
        return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
    return Q()


def movement_list(user, *, level="", kind="", status="", q="", day=None):
    day = day or timezone.localdate()
    movements = movements_for(user).select_related("organization", "document__replaced_by")
    if level:
        movements = movements.filter(level=level)
    if kind:
        movements = movements.filter(kind=kind)
    if status:
        movements = movements.filter(status_q(status, day))
    if q:
        movements = movements.filter(Q(name__icontains=q) | Q(theme__icontains=q))
    return movements.order_by("-start_date", "name", "id")


def get_movement_for_user(user, pk) -> Movement:
    movement = (movements_for(user).select_related("organization", "document__replaced_by",
                                                    "created_by").filter(pk=pk).first())
    if movement is None:
        raise Http404
    return movement


def movements_to_join(user):
    """Movements a unit may say it takes part in: those it can see, the current ones first."""
    return movements_for(user).select_related("organization").order_by("-start_date", "name")


# --- registration calls ------------------------------------------------------------------------


def calls_for(user):
    """Calls the user may see: those organized within the scope, and those of the bodies above
    the user's organization (the calls the unit answers)."""
    role = active_role(user)
    if role is None:
        return RegistrationCall.objects.none()
    if sees_everything(user):
        return RegistrationCall.objects.all()
    path = role.organization.path
    return RegistrationCall.objects.filter(Q(organizer__path__startswith=path)
                                           | Q(organizer__path__in=_ancestor_paths(path)))


def get_call_for_user(user, pk) -> RegistrationCall:
    call = calls_for(user).select_related("organizer", "movement").filter(pk=pk).first()
    if call is None:
        raise Http404
    return call


def call_list(user):
    return (calls_for(user).select_related("organizer", "movement")
            .annotate(submitted_count=Count("registrations", filter=Q(
                registrations__status=Registration.Status.SUBMITTED)),
                late_count=Count("registrations", filter=Q(registrations__late=True)))
            .order_by("-year", "organizer__sort_key", "id"))


def call_for_unit(organization: Organization, year: int) -> RegistrationCall | None:
    """The call a unit answers: that of the nearest body above it with a call for the year."""
    paths = _ancestor_paths(organization.path)[:-1]
    calls = [c for c in RegistrationCall.objects.filter(year=year, organizer__path__in=paths)
             .select_related("organizer")]
    return max(calls, key=lambda c: len(c.organizer.path), default=None)


def expected_units(call: RegistrationCall):
    """The units that should answer the call: those directly under its organizer that still
    exist."""
    return (Organization.objects.filter(parent=call.organizer, merged_into__isnull=True,
                                        active_to__isnull=True)
            .order_by("kind", "sort_key", "id"))


def call_dashboard(call: RegistrationCall) -> dict:
    """Who has registered: counts and one row per expected unit, in three queries."""
    units = list(expected_units(call))
    registrations = {r.organization_id: r for r in Registration.objects.filter(call=call)
                     .annotate(entry_count=Count("entries"))}
    rows, counts = [], {"registered": 0, "late": 0, "draft": 0, "missing": 0}
    for unit in units:
        registration = registrations.get(unit.pk)
        if registration is None:
            state = "missing"
        elif registration.status == Registration.Status.DRAFT:
            state = "draft"
        else:
            state = "late" if registration.late else "registered"
        counts[state] += 1
        rows.append({"unit": unit, "registration": registration, "state": state})
    counts["total"] = len(units)
    counts["not_yet"] = counts["draft"] + counts["missing"]
    return {"rows": rows, "counts": counts}


# --- registrations -----------------------------------------------------------------------------


def registrations_for(user):
    return Registration.objects.filter(scope_q(user, "organization")
                                       | scope_q(user, "call__organizer"))


def get_registration_for_user(user, pk) -> Registration:
    registration = (registrations_for(user)
                    .select_related("call__organizer", "organization", "submitted_by",
                                    "created_by").filter(pk=pk).first())
    if registration is None:
        raise Http404
    return registration


def registration_list(user, *, year=None, status=""):
    registrations = (registrations_for(user)
                     .select_related("call__organizer", "organization")
                     .annotate(entry_count=Count("entries"))
                     .prefetch_related(Prefetch("movements",
                                                queryset=Movement.objects.order_by("start_date"))))
    if year:
        registrations = registrations.filter(year=year)
    if status in Registration.Status.values:
        registrations = registrations.filter(status=status)
    return registrations.order_by("-year", "organization__sort_key", "id")


def registration_entries(registration: Registration):
    return (registration.entries.select_related("person__organization", "award_type")
            .order_by("position", "id"))


def registration_movements(registration: Registration):
    return list(registration.movements.select_related("organization", "document")
                .order_by("start_date", "name"))


def expired_for_year(movement: Movement, year: int) -> bool:
    """A movement that ended before the registration's year: registering for it is a mistake
    the reference report names (units still running movements that have expired)."""
    return movement.end_date is not None and movement.end_date < datetime.date(year, 1, 1)


def expired_movements(registration: Registration, movements=None) -> list[Movement]:
    movements = registration.movements.all() if movements is None else movements
    return [m for m in movements if expired_for_year(m, registration.year)]
