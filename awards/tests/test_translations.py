"""The award pages show no English (the shared scan in tests/test_translations.py visits the
navigation; this one adds the detail and form pages, with and without errors)."""

import pytest
from django.urls import reverse

from awards.models import AwardType
from tests.test_translations import english_in, visible_text

from .factories import current_rule_set

pytestmark = pytest.mark.django_db


def test_award_pages_are_in_vietnamese(world, client):
    client.force_login(world.users.admin)
    rule_set = current_rule_set()
    parameter = rule_set.parameters.get(key="council_vote_denominator")
    client.post(reverse("awards:rule_parameter_update", args=[parameter.pk]),
                {"value": "present_members"})
    pages = {
        "award types": client.get(reverse("awards:award_type_list")),
        "add award type": client.get(reverse("awards:award_type_create")),
        "edit award type": client.get(reverse("awards:award_type_update",
                                              args=[AwardType.objects.get(code="KNC").pk])),
        "bad award type": client.post(reverse("awards:award_type_create"), {"code": "?"}),
        "rule sets": client.get(reverse("awards:rule_set_list")),
        "rule set": client.get(rule_set.get_absolute_url()),
        "add rule set": client.get(reverse("awards:rule_set_create")),
        "bad rule set": client.post(reverse("awards:rule_set_create"), {"valid_from": "x"}),
        "edit rule set": client.get(reverse("awards:rule_set_update", args=[rule_set.pk])),
        "edit parameter": client.get(reverse("awards:rule_parameter_update", args=[parameter.pk])),
        "bad parameter": client.post(reverse("awards:rule_parameter_update", args=[parameter.pk]),
                                     {"value": "x"}),
    }

    english = {name: english_in(visible_text(r.content.decode())) for name, r in pages.items()}

    assert {name: r.status_code for name, r in pages.items()} == {name: 200 for name in pages}
    assert {name: words for name, words in english.items() if words} == {}
