"""The floor of each benchmarked page (bench/pages.py, issue 9): a minimal view that runs the
page's main query (the same selector, filters and page size) and renders the same rows with a
trivial template: no base layout, no context processors, no forms, no menus.

The difference between a page and its floor is what the page adds around its rows (layout,
context processors, forms, permissions, per-row work such as eligibility verdicts). Served only
by bench/urls.py under /_floor/..., through the same gunicorn and middleware as the pages (so
session, authentication and the active role cost the same on both sides).

Each floor renders with its own django.template.Engine (string templates compiled once at
import, no loaders, no context processors)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import Context, Engine
from django.utils import timezone

_ENGINE = Engine(debug=False)
_HEAD = '<!doctype html><html lang="vi"><meta charset="utf-8"><title>floor</title><table>'
_TAIL = "</table></html>"


def _template(row: str):
    return _ENGINE.from_string(_HEAD + "{% for r in rows %}<tr>" + row + "</tr>{% endfor %}" + _TAIL)


def _render(template, rows) -> HttpResponse:
    return HttpResponse(template.render(Context({"rows": rows})))


def _page(request, queryset, per_page=50):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# --- templates: the columns the real pages show ------------------------------------------------

ORG_ROW = _template(
    '<td>{{ r.code }}</td><td><a href="/don-vi/{{ r.pk }}/">{{ r.name }}</a></td>'
    "<td>{{ r.get_kind_display }}</td><td>{{ r.province.name }}</td>"
    "<td>{{ r.parent.short_name|default:r.parent.name }}</td><td>{{ r.tax_code }}</td>")
PERSON_ROW = _template(
    '<td><a href="/ca-nhan/{{ r.pk }}/">{{ r.full_name }}</a></td><td>{{ r.get_gender_display }}'
    "</td><td>{{ r.birth_year }}</td><td>{{ r.position }}</td><td>{{ r.organization.name }}</td>")
RECORD_ROW = _template(
    "<td>{% if r.person_id %}{{ r.person.full_name }}{% else %}{{ r.organization.name }}{% endif %}"
    "</td><td>{{ r.organization_name_then }}</td><td>{{ r.award_type.name }}</td>"
    "<td>{{ r.get_kind_display }}</td><td>{{ r.achievement_year }}</td>"
    '<td>{{ r.decision_number }}, {{ r.decision_date|date:"d/m/Y" }}</td>')
DOSSIER_ROW = _template(
    '<td>{{ r.cycle.title }}</td><td><a href="/khen-thuong/ho-so/{{ r.pk }}/">'
    "{{ r.organization.name }}</a></td><td>{{ r.get_status_display }}</td>"
    '<td>{{ r.nomination_count }}</td><td>{{ r.cycle.deadline|date:"d/m/Y" }}</td>'
    '<td>{{ r.submitted_at|date:"d/m/Y H:i" }}</td>')
QUEUE_ROW = _template(
    '<td><a href="/khen-thuong/ho-so/{{ r.pk }}/">{{ r.organization.name }}</a></td>'
    '<td>{{ r.cycle.title }}</td><td>{{ r.nomination_count }}</td>'
    '<td>{{ r.submitted_at|date:"d/m/Y H:i" }}</td>')
NOMINATION_ROW = _template(
    "<td>{{ r.position }}</td><td>{{ r.candidate_name }}</td><td>{{ r.award_type.name }}</td>"
    "<td>{% if r.person_id %}{{ r.person.organization.name }}{% endif %}</td>"
    "<td>{{ r.get_status_display }}</td>")
AGENDA_ROW = _template(
    '<td>{{ r.position }}</td><td><input type="radio" name="choice_{{ r.pk }}" value="agree">'
    "</td><td>{{ r.nomination.candidate_name }}</td><td>{{ r.nomination.award_type.name }}</td>"
    "<td>{% if r.nomination.person_id %}{{ r.nomination.person.organization.name }}{% endif %}"
    "</td><td>{{ r.nomination.dossier.organization.name }}</td>")
DEADLINE_ROW = _template(
    '<td>{{ r.title }}</td><td>{{ r.get_kind_display }}</td><td>{{ r.due_on|date:"d/m/Y" }}</td>')
NOTE_ROW = _template('<td>{{ r.text }}</td><td>{{ r.created_at|date:"d/m/Y H:i" }}</td>')
FIGURE_ROW = _template("<td>{{ r.0 }}</td><td>{{ r.1 }}</td>")


# --- floors ------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    """The dashboard's main query is its figures (counts by kind, groups, members, people)."""
    from clusters.selectors import dashboard_figures

    figures = dashboard_figures(request.user)
    rows = [("organizations", figures["organization_count"]), *figures["by_kind"],
            ("groups", figures["group_count"]), ("members", figures["member_count"]),
            ("people", figures["people_count"]),
            *[(g["group"].name, g["title"]) for g in figures["own_groups"]]]
    return _render(FIGURE_ROW, rows)


@login_required
def organization_list(request):
    from clusters import selectors
    from clusters.views import paginate

    orgs = selectors.organization_list(request.user, year=timezone.localdate().year)
    return _render(ORG_ROW, paginate(request, orgs, by_ids=True).object_list)


@login_required
def person_list(request):
    from clusters import selectors

    return _render(PERSON_ROW, _page(request, selectors.person_list(request.user)).object_list)


@login_required
def registry_search(request):
    from awards import selectors

    records = selectors.registry_search(request.user, name=request.GET.get("name", ""))
    return _render(RECORD_ROW, _page(request, records).object_list)


@login_required
def dossier_list(request):
    from django.db.models import Count, Q

    from awards.models import Nomination
    from awards.selectors_dossiers import dossiers_for

    dossiers = (dossiers_for(request.user)
                .select_related("cycle", "organization", "recipient")
                .annotate(nomination_count=Count("nominations", filter=~Q(
                    nominations__status=Nomination.Status.WITHDRAWN)))
                .order_by("-cycle__year", "cycle_id", "organization__sort_key", "id"))
    return _render(DOSSIER_ROW, _page(request, dossiers).object_list)


@login_required
def dossier_detail(request, pk):
    """The dossier and one page (50) of its nominations with their joins; no eligibility check,
    no documents, no events."""
    from awards import selectors_dossiers as selectors

    dossier = selectors.get_dossier_for_user(request.user, pk)
    nominations = list(selectors.dossier_nominations(dossier))
    page = selectors.nominations_page(nominations, request.GET.get("page"))
    return _render(NOMINATION_ROW, page.object_list)


@login_required
def appraisal_queue(request):
    from awards import selectors_appraisal as selectors

    return _render(QUEUE_ROW, _page(request, selectors.appraisal_queue(request.user)).object_list)


@login_required
def meeting_ballot(request, pk):
    """The whole agenda (the ballot page is not paginated) with the nominee, award and units."""
    from awards.selectors_council import agenda, get_meeting_for_user

    meeting = get_meeting_for_user(request.user, pk)
    return _render(AGENDA_ROW, list(agenda(meeting)))


@login_required
def my_deadlines(request):
    from deadlines.models import Deadline

    rows = (Deadline.objects.filter(active=True, obligations__user=request.user)
            .order_by("due_on", "id").distinct())
    return _render(DEADLINE_ROW, rows)


@login_required
def notification_list(request):
    notes = request.user.notifications.order_by("-created_at", "-id")
    return _render(NOTE_ROW, _page(request, notes).object_list)
