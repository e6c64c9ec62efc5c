"""Template filters that ask the dossier predicates (awards.permissions), so that a partial
included by another page (templates/awards/appraisal/_dossier_actions.html) needs nothing from
that page's view: `{% load dossier_tags %}{% if user|can_review:dossier %}…{% endif %}`.
They read the user's cached active role: no query per call."""

from django import template

from .. import permissions

register = template.Library()


@register.filter
def can_review(user, dossier) -> bool:
    """The user receives the dossier: the organizer's appraisers, or the alliance's staff."""
    return permissions.can_review_dossier(user, dossier)


@register.filter
def can_appraise(user, dossier) -> bool:
    return permissions.can_appraise_dossier(user, dossier)


@register.filter
def can_edit(user, dossier) -> bool:
    return not dossier.is_locked and permissions.can_edit_dossier(user, dossier)
