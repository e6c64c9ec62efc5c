"""refresh_obligations: the Obligation rows follow what the kind's adapter says is owed now,
inserting newcomers, deleting those who are done and keeping the others."""

import pytest
from django.utils import timezone

from deadlines.models import Deadline, Obligation
from deadlines.owing_cache import refresh_obligations
from reports.models import ReportPeriod
from reports.tests.builders import fill_required, hanoi_report, period

pytestmark = pytest.mark.django_db


def report_deadline(world):
    p = period(world)
    return p, Deadline.objects.create(
        kind="unit_report", source_model="reports.reportperiod", source_id=p.pk,
        title="Báo cáo 6 tháng", url="/bao-cao/", due_on=p.deadline, organization=world.central)


def owing_users(deadline):
    return set(Obligation.objects.filter(deadline=deadline).values_list("user_id", flat=True))


def test_the_rows_follow_who_still_owes_the_report(world):
    from reports import services

    _p, deadline = report_deadline(world)

    assert refresh_obligations() == 1
    before = {o.user_id: o for o in Obligation.objects.filter(deadline=deadline)}
    hanoi_writers = {world.users.staff.pk, world.users.head.pk}
    assert hanoi_writers | {world.users.outsider.pk} <= set(before)
    assert before[world.users.staff.pk].organization == world.hanoi

    report = hanoi_report(world)
    fill_required(report, world.users.staff)
    services.report_submit(report=report, by=world.users.staff)
    refresh_obligations([deadline])

    after = {o.user_id: o for o in Obligation.objects.filter(deadline=deadline)}
    assert set(after) == set(before) - hanoi_writers
    # The others are kept (same rows), re-dated by the refresh.
    kept = after[world.users.outsider.pk]
    assert kept.pk == before[world.users.outsider.pk].pk
    assert kept.refreshed_at >= before[world.users.outsider.pk].refreshed_at


def test_a_newcomer_is_added_and_refreshing_twice_changes_nothing(world):
    from accounts.tests.factories import user_with_role

    _p, deadline = report_deadline(world)
    refresh_obligations()
    newcomer = user_with_role("unit_staff", world.hue)

    refresh_obligations()
    rows = list(Obligation.objects.filter(deadline=deadline).order_by("pk").values_list(
        "pk", "user_id"))
    refresh_obligations()

    assert newcomer.pk in owing_users(deadline)
    assert list(Obligation.objects.filter(deadline=deadline).order_by("pk").values_list(
        "pk", "user_id")) == rows


def test_a_closed_source_or_an_inactive_deadline_leaves_nobody_owing(world):
    p, deadline = report_deadline(world)
    refresh_obligations()
    assert owing_users(deadline)

    ReportPeriod.objects.filter(pk=p.pk).update(status=ReportPeriod.Status.CLOSED)
    refresh_obligations([deadline])
    assert owing_users(deadline) == set()

    ReportPeriod.objects.filter(pk=p.pk).update(status=ReportPeriod.Status.OPEN)
    refresh_obligations()
    assert owing_users(deadline)
    Deadline.objects.filter(pk=deadline.pk).update(active=False)
    assert refresh_obligations() == 0
    assert owing_users(deadline) == set()


def test_the_home_page_reads_the_refreshed_rows(world, client):
    _p, deadline = report_deadline(world)
    Deadline.objects.filter(pk=deadline.pk).update(due_on=timezone.localdate())
    refresh_obligations()
    client.force_login(world.users.outsider)

    assert "Báo cáo 6 tháng" in client.get("/").content.decode()
