"""Durations for people to read: django-axes gives the lockout's cool-off as a timedelta (and as
an ISO 8601 string such as "PT15M", which no one should see)."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(value) -> int:
    """A timedelta as a number of whole minutes, at least 1: `{{ cooloff|whole_minutes }}`."""
    if not isinstance(value, timedelta):
        return 0
    return max(1, int(value.total_seconds() // 60))
