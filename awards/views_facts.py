"""Pages of the facts the eligibility rules read and the registry does not hold: the annual
assessment (đánh giá, xếp loại) of a person or a collective, recognised initiatives and
discipline. Thin: find the object inside the user's scope (404 outside it), authorize (403),
bind, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_q
from clusters.selectors import get_organization_for_user, get_person_for_user
from clusters.views import apply_service_errors

from . import permissions, services
from .forms_facts import (
    CollectiveAssessmentForm,
    DisciplineForm,
    InitiativeForm,
    PersonAssessmentForm,
)
from .models.facts import AnnualAssessment, DisciplineRecord, Initiative

FORM_TEMPLATE = "awards/facts/fact_form.html"
DELETE_TEMPLATE = "awards/facts/fact_confirm_delete.html"
HISTORY_LIMIT = 20


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _history(obj):
    return obj.history.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT]


# --- lookups inside the user's scope: anything else is 404 -------------------------------------


def _assessment_for_user(user, pk) -> AnnualAssessment:
    found = (AnnualAssessment.objects
             .filter(scope_q(user, "person__organization") | scope_q(user, "organization"))
             .select_related("person", "person__organization", "organization")
             .filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def _initiative_for_user(user, pk) -> Initiative:
    found = (Initiative.objects.filter(scope_q(user, "person__organization"))
             .select_related("person", "person__organization").filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def _discipline_for_user(user, pk) -> DisciplineRecord:
    found = (DisciplineRecord.objects.filter(scope_q(user, "person__organization"))
             .select_related("person", "person__organization", "organization")
             .filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def _person_facts_url(person) -> str:
    return reverse("awards:person_facts", kwargs={"pk": person.pk})


def _organization_facts_url(org) -> str:
    return reverse("awards:organization_facts", kwargs={"pk": org.pk})


def _can_edit_assessment(user, assessment) -> bool:
    if assessment.person_id:
        return permissions.can_edit_person_facts(user, assessment.person)
    return permissions.can_edit_collective_facts(user, assessment.organization)


def _subject_context(assessment) -> dict:
    if assessment.person_id:
        return {"subject": assessment.person, "subject_name": assessment.person.full_name,
                "back_url": _person_facts_url(assessment.person)}
    return {"subject": assessment.organization, "subject_name": assessment.organization.name,
            "back_url": _organization_facts_url(assessment.organization)}


# --- the pages of a person and of a collective -------------------------------------------------


@login_required
def person_facts(request, pk):
    person = get_person_for_user(request.user, pk)
    _require(permissions.can_view_person_facts(request.user, person))
    can_see_discipline = permissions.can_view_discipline(request.user, person)
    return render(request, "awards/facts/person_facts.html", {
        "person": person,
        "assessments": person.assessments.all(),
        "initiatives": person.initiatives.all(),
        "discipline": (person.discipline_records.select_related("organization")
                       if can_see_discipline else None),
        "can_see_discipline": can_see_discipline,
        "can_edit": permissions.can_edit_person_facts(request.user, person),
    })


@login_required
def organization_facts(request, pk):
    org = get_organization_for_user(request.user, pk)
    _require(permissions.can_view_collective_facts(request.user, org))
    return render(request, "awards/facts/organization_facts.html", {
        "org": org,
        "assessments": org.assessments.all(),
        "can_edit": permissions.can_edit_collective_facts(request.user, org),
    })


# --- assessments -------------------------------------------------------------------------------


def _assessment_saved(request, assessment):
    messages.success(request, _("The assessment for %(year)s has been saved.")
                     % {"year": assessment.year})


@login_required
@require_http_methods(["GET", "POST"])
def person_assessment_create(request, pk):
    person = get_person_for_user(request.user, pk)
    _require(permissions.can_edit_person_facts(request.user, person))
    form = PersonAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(person=person, by=request.user,
                                                    **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _assessment_saved(request, assessment)
            return redirect(_person_facts_url(person))
    return render(request, FORM_TEMPLATE, {
        "form": form, "title": _("Add an annual assessment"), "subject_name": person.full_name,
        "back_url": _person_facts_url(person)})


@login_required
@require_http_methods(["GET", "POST"])
def organization_assessment_create(request, pk):
    org = get_organization_for_user(request.user, pk)
    _require(permissions.can_edit_collective_facts(request.user, org))
    form = CollectiveAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(organization=org, by=request.user,
                                                    **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _assessment_saved(request, assessment)
            return redirect(_organization_facts_url(org))
    return render(request, FORM_TEMPLATE, {
        "form": form, "title": _("Add an annual assessment"), "subject_name": org.name,
        "back_url": _organization_facts_url(org)})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_update(request, pk):
    assessment = _assessment_for_user(request.user, pk)
    _require(_can_edit_assessment(request.user, assessment))
    form_class = PersonAssessmentForm if assessment.person_id else CollectiveAssessmentForm
    initial = {name: getattr(assessment, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    context = _subject_context(assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(assessment=assessment, by=request.user,
                                       **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _assessment_saved(request, assessment)
            return redirect(context["back_url"])
    return render(request, FORM_TEMPLATE, {
        **context, "form": form, "history": _history(assessment),
        "title": _("Edit the assessment for %(year)s") % {"year": assessment.year}})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_delete(request, pk):
    assessment = _assessment_for_user(request.user, pk)
    _require(_can_edit_assessment(request.user, assessment))
    context = _subject_context(assessment)
    if request.method == "POST":
        year = assessment.year
        services.assessment_delete(assessment=assessment, by=request.user)
        messages.success(request, _("The assessment for %(year)s has been deleted.")
                         % {"year": year})
        return redirect(context["back_url"])
    return render(request, DELETE_TEMPLATE, {
        **context, "title": _("Delete the assessment for %(year)s") % {"year": assessment.year},
        "question": _("Delete the assessment for %(year)s (%(rating)s)?")
        % {"year": assessment.year, "rating": assessment.get_rating_display()}})


# --- initiatives -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request, pk):
    person = get_person_for_user(request.user, pk)
    _require(permissions.can_edit_person_facts(request.user, person))
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_create(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The initiative has been saved."))
            return redirect(_person_facts_url(person))
    return render(request, FORM_TEMPLATE, {
        "form": form, "title": _("Add a recognised initiative"),
        "subject_name": person.full_name, "back_url": _person_facts_url(person)})


@login_required
@require_http_methods(["GET", "POST"])
def initiative_update(request, pk):
    initiative = _initiative_for_user(request.user, pk)
    person = initiative.person
    _require(permissions.can_edit_person_facts(request.user, person))
    initial = {name: getattr(initiative, name) for name in InitiativeForm.base_fields}
    form = InitiativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_update(initiative=initiative, by=request.user,
                                       **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The initiative has been saved."))
            return redirect(_person_facts_url(person))
    return render(request, FORM_TEMPLATE, {
        "form": form, "title": _("Edit a recognised initiative"), "history": _history(initiative),
        "subject_name": person.full_name, "back_url": _person_facts_url(person)})


@login_required
@require_http_methods(["GET", "POST"])
def initiative_delete(request, pk):
    initiative = _initiative_for_user(request.user, pk)
    person = initiative.person
    _require(permissions.can_edit_person_facts(request.user, person))
    if request.method == "POST":
        services.initiative_delete(initiative=initiative, by=request.user)
        messages.success(request, _("The initiative has been deleted."))
        return redirect(_person_facts_url(person))
    return render(request, DELETE_TEMPLATE, {
        "title": _("Delete a recognised initiative"), "subject_name": person.full_name,
        "back_url": _person_facts_url(person),
        "question": _("Delete the initiative “%(title)s”?") % {"title": initiative.title}})


# --- discipline: reading it takes the right to record it ---------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def discipline_create(request, pk):
    person = get_person_for_user(request.user, pk)
    _require(permissions.can_view_discipline(request.user, person)
             and permissions.can_edit_person_facts(request.user, person))
    form = DisciplineForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.discipline_create(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The discipline record has been saved."))
            return redirect(_person_facts_url(person))
    return render(request, FORM_TEMPLATE, {
        "form": form, "title": _("Add a discipline record"), "subject_name": person.full_name,
        "back_url": _person_facts_url(person)})


@login_required
@require_http_methods(["GET", "POST"])
def discipline_update(request, pk):
    record = _discipline_for_user(request.user, pk)
    person = record.person
    _require(permissions.can_view_discipline(request.user, person)
             and permissions.can_edit_person_facts(request.user, person))
    initial = {name: getattr(record, name) for name in DisciplineForm.base_fields}
    form = DisciplineForm(request.POST or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.discipline_update(record=record, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The discipline record has been saved."))
            return redirect(_person_facts_url(person))
    return render(request, FORM_TEMPLATE, {
        "form": form, "title": _("Edit a discipline record"), "history": _history(record),
        "subject_name": person.full_name, "back_url": _person_facts_url(person)})


@login_required
@require_http_methods(["GET", "POST"])
def discipline_delete(request, pk):
    record = _discipline_for_user(request.user, pk)
    person = record.person
    _require(permissions.can_view_discipline(request.user, person)
             and permissions.can_edit_person_facts(request.user, person))
    if request.method == "POST":
        services.discipline_delete(record=record, by=request.user)
        messages.success(request, _("The discipline record has been deleted."))
        return redirect(_person_facts_url(person))
    return render(request, DELETE_TEMPLATE, {
        "title": _("Delete a discipline record"), "subject_name": person.full_name,
        "back_url": _person_facts_url(person),
        "question": _("Delete the discipline record “%(record)s” from %(day)s?")
        % {"record": record, "day": record.effective_from.strftime("%d/%m/%Y")}})
