"""{% help_url %}: the address of the user guide page for the page being shown."""

from django import template
from django.urls import reverse

from config.help import help_slug_for

register = template.Library()


@register.simple_tag(takes_context=True)
def help_url(context) -> str:
    request = context.get("request")
    slug = help_slug_for(getattr(request, "resolver_match", None))
    return reverse("help:page", args=[slug]) if slug else reverse("help:index")
