"""Citation flags on any page: a cited document already replaced (or ended, or not yet in force)
on the citing date, with its replacement.

    {% load emulation_citations %}
    {% citation_flags text on_date %}                      any free text (a decision's legal bases)
    {% citation_flags text on_date where=_("Legal bases") %}
    {% rule_set_citation_flags rule_set parameters %}       a rule set and its parameters

Each tag reads the registry once (one query) and renders emulation/_citation_flags.html, which
shows nothing when there is nothing to flag."""

from django import template
from django.utils.translation import gettext as _

from ..citations import CitationIndex

register = template.Library()


@register.inclusion_tag("emulation/_citation_flags.html")
def citation_flags(text, on_date, where=""):
    return {"flags": CitationIndex().check(text or "", on_date, where=where)}


@register.inclusion_tag("emulation/_citation_flags.html")
def rule_set_citation_flags(rule_set, parameters=()):
    """The rule set's legal basis and each parameter's citation, checked on the day the rule set
    comes into force; a document flagged twice is shown once, with every place that cites it."""
    index = CitationIndex()
    day = rule_set.valid_from
    flags = index.check(rule_set.legal_basis, day, where=_("Legal basis"))
    for parameter in parameters:
        flags += index.check(getattr(parameter, "legal_citation", ""), day,
                             where=getattr(parameter, "label", ""))
    merged = {}
    for flag in flags:
        if flag.document.pk in merged:
            first = merged[flag.document.pk]
            if flag.where and flag.where not in first.where.split("; "):
                first.where = "; ".join(filter(None, [first.where, flag.where]))
        else:
            merged[flag.document.pk] = flag
    return {"flags": list(merged.values())}
