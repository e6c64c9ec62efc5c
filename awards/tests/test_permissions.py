import pytest

from awards import permissions

pytestmark = pytest.mark.django_db

ROLES = ["admin", "appraiser", "council", "leadership", "office_staff", "province_admin", "staff",
         "head", "group_leader", "outsider", "no_role"]
CENTRAL = {"admin", "appraiser", "council", "leadership"}


@pytest.mark.parametrize("who", ROLES)
def test_award_predicates_over_every_role(world, who):
    user = getattr(world.users, who)

    assert permissions.can_view_award_types(user) is (who != "no_role")
    assert permissions.can_manage_award_types(user) is (who == "admin")
    assert permissions.can_view_rule_sets(user) is (who in CENTRAL)
    assert permissions.can_manage_rule_sets(user) is (who == "admin")


def test_anonymous_users_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser()

    assert not any([permissions.can_view_award_types(user), permissions.can_manage_award_types(user),
                    permissions.can_view_rule_sets(user), permissions.can_manage_rule_sets(user)])
