"""Small builders for the reports tests (through the services, like the pages)."""

import datetime
import itertools

from clusters import services as cluster_services
from clusters.tests.factories import GroupFactory, alliance
from reports import services
from reports.models import ReportPeriod
from reports.outline import REQUIRED_KEYS

D = datetime.date
_units = itertools.count(1)


def period(world, *, year=2026, half=ReportPeriod.Half.FIRST_HALF, deadline=None):
    found = ReportPeriod.objects.filter(year=year, half=half).first()
    return found or services.period_create(year=year, half=half,
                                           deadline=deadline or D(year + 1, 12, 31),
                                           by=world.users.admin)


def hanoi_report(world, p=None):
    return services.report_start(period=p or period(world), organization=world.hanoi,
                                 by=world.users.staff)


def fill_required(report, by, text="Nội dung **đã viết**."):
    return services.report_save(report=report, bodies={key: text for key in REQUIRED_KEYS},
                                by=by)


def sent_hanoi_report(world, p=None):
    report = hanoi_report(world, p)
    fill_required(report, world.users.staff)
    return services.report_submit(report=report, by=world.users.staff)


def cluster_with_hanoi_and_hue(world, *, year=2026, leader="hanoi"):
    """A cluster of the Alliance with Hà Nội and Huế as members; `leader` leads it that year."""
    group = GroupFactory(organizer=world.central)
    cluster_services.group_set_year(group=group, year=year, members=[world.hanoi, world.hue],
                                    leader=getattr(world, leader), deputy=None)
    return group


def make_authors(world, n, p):
    """n more alliances, each with a report in a different state."""
    from accounts.tests.factories import user_with_role

    for i in range(n):
        unit = alliance(f"Tỉnh thử {next(_units)}")
        writer = user_with_role("unit_staff", unit)
        if i % 3 == 0:
            continue
        report = services.report_start(period=p, organization=unit, by=writer)
        if i % 3 == 2:
            fill_required(report, writer)
            services.report_submit(report=report, by=writer)


# --- shared with tests/test_cross_province.py --------------------------------------------------


def cross_province_objects(world) -> dict:
    """For each URL name of a report, the kwargs naming the Hà Nội alliance's report (sent, so
    that returning it is possible)."""
    from reports.models import UnitReport

    report = UnitReport.objects.filter(organization=world.hanoi).first() or sent_hanoi_report(
        world)
    pk = {"pk": report.pk}
    return {"reports:report_detail": pk, "reports:report_edit": pk,
            "reports:report_submit": pk, "reports:report_return": pk}
