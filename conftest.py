"""Shared fixtures: a small world of organizations, and a user in every role."""

import os
import shutil
from types import SimpleNamespace

import pytest

from accounts.models import Role
from accounts.tests.factories import user_with_role
from clusters.models import Organization
from clusters.tests.factories import OrganizationFactory, alliance, central, department


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Unit tests run tasks in-process; tests marked `services` use the real broker and worker."""
    from config.celery import app

    app.conf.task_always_eager = "services" not in request.keywords
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def celery_not_eager():
    from config.celery import app

    assert app.conf.task_always_eager is False


@pytest.fixture
def world(db):
    """Two provinces (Hà Nội and Huế) under the central body, each with a cooperative, and one
    user per role: central ones at the central body or Ban Tổ chức cán bộ, local ones at the
    Hà Nội alliance; `outsider` is unit staff of Huế."""
    root = central()
    tccb = department(code="TCCB", name="Ban Tổ chức cán bộ")
    office = department(code="VP", name="Văn phòng")
    hanoi = alliance("Hà Nội", code="LM-HA-NOI")
    hue = alliance("Huế", code="LM-HUE")
    coop_hanoi = OrganizationFactory(parent=hanoi, code="HTX-HN-1", name="Hợp tác xã Rau sạch Hà Nội")
    coop_hue = OrganizationFactory(parent=hue, code="HTX-HUE-1", name="Hợp tác xã Nón lá Huế")
    users = SimpleNamespace(
        admin=user_with_role(Role.ADMIN, root, username="quantri"),
        appraiser=user_with_role(Role.APPRAISER, tccb, username="thamdinh"),
        council=user_with_role(Role.COUNCIL_MEMBER, root, username="hoidong"),
        leadership=user_with_role(Role.LEADERSHIP, root, username="lanhdao"),
        office_staff=user_with_role(Role.UNIT_STAFF, office, username="canbo.vanphong"),
        province_admin=user_with_role(Role.ADMIN, hanoi, username="quantri.hanoi"),
        staff=user_with_role(Role.UNIT_STAFF, hanoi, username="canbo.hanoi"),
        head=user_with_role(Role.UNIT_HEAD, hanoi, username="thutruong.hanoi"),
        group_leader=user_with_role(Role.GROUP_LEADER, hanoi, username="cumtruong"),
        outsider=user_with_role(Role.UNIT_STAFF, hue, username="canbo.hue"),
    )
    from accounts.tests.factories import UserFactory

    users.no_role = UserFactory(username="chuaphanquyen")
    return SimpleNamespace(
        central=root, tccb=tccb, office=office, hanoi=hanoi, hue=hue, coop_hanoi=coop_hanoi,
        coop_hue=coop_hue, users=users,
    )


def require_or_skip(condition: bool, reason: str):
    """Skip with a printed reason, unless REQUIRE_SERVICES=1 makes a missing service a failure."""
    if condition:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def chromium_path():
    path = "/usr/bin/chromium"
    require_or_skip(os.path.exists(path) or shutil.which("chromium") is not None,
                    "không có /usr/bin/chromium: bỏ qua kiểm thử trình duyệt")
    return path
