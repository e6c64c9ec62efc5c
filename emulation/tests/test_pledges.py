"""Pledges of a group's year: who edits, who sees (members of that year only), the targets,
the signing with its document, and turning the targets into criteria (issue 6 part 4)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from accounts.tests.factories import user_with_role
from clusters import services as cluster_services
from clusters.models import EmulationGroup, Organization
from clusters.tests.factories import GroupFactory, alliance
from emulation import services_groups as services
from emulation.models import CriteriaTable, Criterion, Pledge, PledgeTarget

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GROUP_CODE = "CUM-TEST-HN"


def vi(msgid, **values):
    """The message users read (Vietnamese once the translations are compiled)."""
    return gettext(msgid) % values if values else gettext(msgid)


# --- builders (shared with tests/test_cross_province.py and tests/test_query_counts.py) --------


def cluster(world) -> EmulationGroup:
    """A cluster of the Alliance: in 2026 Hà Nội (leader) and Hải Phòng; in 2025 Hải Phòng and
    Đà Nẵng. Huế never belongs to it."""
    group = EmulationGroup.objects.filter(code=GROUP_CODE).first()
    if group is not None:
        return group
    group = GroupFactory(code=GROUP_CODE, organizer=world.central, name="Cụm thử các thành phố")
    haiphong = alliance("Hải Phòng", code="LM-HAI-PHONG")
    danang = alliance("Đà Nẵng", code="LM-DA-NANG")
    cluster_services.group_set_year(group=group, year=2026, members=[world.hanoi, haiphong],
                                    leader=world.hanoi, deputy=haiphong)
    cluster_services.group_set_year(group=group, year=2025, members=[haiphong, danang],
                                    leader=haiphong, deputy=None)
    return group


def member_user(world):
    org = Organization.objects.get(code="LM-HAI-PHONG")
    user = org.role_assignments.filter(role="unit_staff").first()
    return user.user if user else user_with_role("unit_staff", org, username="canbo.haiphong")


def last_year_member(world):
    org = Organization.objects.get(code="LM-DA-NANG")
    user = org.role_assignments.filter(role="unit_staff").first()
    return user.user if user else user_with_role("unit_staff", org, username="canbo.danang")


def pledge(world, *, targets=2) -> Pledge:
    group = cluster(world)
    found = Pledge.objects.filter(group=group, year=2026).first()
    if found is not None:
        return found
    found = services.pledge_create(group=group, year=2026, title="Giao ước thi đua 2026",
                                   by=world.users.staff)
    for i in range(targets):
        services.target_add(pledge=found, text=f"Mục tiêu {i + 1}", max_points="10",
                            by=world.users.staff)
    return found


def pdf(name="giao-uoc.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def signed_pledge(world) -> Pledge:
    p = pledge(world)
    if p.status == Pledge.Status.DRAFT:
        services.pledge_sign(pledge=p, signed_on=D(2026, 3, 1), place="Hà Nội",
                             signatories=list(Organization.objects.filter(
                                 code__in=["LM-HA-NOI", "LM-HAI-PHONG"])),
                             upload=pdf(), by=world.users.staff)
    return p


def cross_province_objects(world) -> dict:
    """Hà Nội's cluster year: its pledge (signed, with its document) and a target."""
    p = signed_pledge(world)
    group = p.group
    target = p.targets.first()
    pk = {"pk": p.pk}
    t = {"pk": p.pk, "target_id": target.pk}
    return {
        "emulation:group_pledge": {"group_pk": group.pk, "year": 2026},
        "emulation:pledge_create": {"group_pk": group.pk, "year": 2026},
        "emulation:pledge_detail": pk, "emulation:pledge_edit": pk,
        "emulation:target_add": pk, "emulation:pledge_sign": pk,
        "emulation:pledge_document": pk, "emulation:pledge_to_criteria": pk,
        "emulation:target_edit": t, "emulation:target_remove": t, "emulation:target_up": t,
        "emulation:target_down": t,
    }


def make_targets(world, n):
    p = pledge(world, targets=0)
    for i in range(n):
        services.target_add(pledge=p, text=f"Mục tiêu thêm {i}", max_points="2,5",
                            by=world.users.staff)
    p.signatories.add(world.hanoi)


def pledge_url(world):
    return reverse("emulation:pledge_detail", args=[pledge(world, targets=0).pk])


# --- permissions -------------------------------------------------------------------------------


def test_leader_unit_edits_and_member_views(world, client):
    p = pledge(world)

    client.force_login(world.users.staff)
    editor = client.get(p.get_absolute_url())
    client.force_login(member_user(world))
    viewer = client.get(p.get_absolute_url())

    assert editor.status_code == viewer.status_code == 200
    assert reverse("emulation:target_add", args=[p.pk]) in editor.content.decode()
    assert reverse("emulation:target_add", args=[p.pk]) not in viewer.content.decode()


@pytest.mark.parametrize("who", ["outsider", "last_year_member", "office_staff"])
def test_pledge_is_404_outside_the_group_year(world, client, who):
    p = pledge(world)
    users = {"outsider": world.users.outsider, "last_year_member": last_year_member(world),
             "office_staff": world.users.office_staff}
    client.force_login(users[who])

    statuses = [client.get(p.get_absolute_url()).status_code,
                client.get(reverse("emulation:group_pledge", args=[p.group_id, 2026])).status_code,
                client.post(reverse("emulation:target_add", args=[p.pk]),
                            {"text": "x", "max_points": "1"}).status_code]

    assert statuses == [404, 404, 404]
    assert p.targets.count() == 2


def test_member_cannot_edit(world, client):
    p = pledge(world)
    client.force_login(member_user(world))

    response = client.post(reverse("emulation:target_add", args=[p.pk]),
                           {"text": "Thêm", "max_points": "1"})

    assert response.status_code == 403
    assert p.targets.count() == 2


def test_organizer_admin_edits(world):
    p = pledge(world)

    services.target_add(pledge=p, text="Do quản trị thêm", max_points="1", by=world.users.admin)

    assert p.targets.count() == 3


def test_leader_of_another_year_cannot_edit(world):
    cluster(world)
    haiphong_staff = member_user(world)  # Hải Phòng led in 2025, not 2026
    p = pledge(world)

    with pytest.raises(PermissionDenied):
        services.target_add(pledge=p, text="x", max_points="1", by=haiphong_staff)


# --- targets -----------------------------------------------------------------------------------


def test_target_accepts_vietnamese_decimal_comma(world, client):
    p = pledge(world)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:target_add", args=[p.pk]),
                           {"text": "Mục tiêu mới", "max_points": "2,5"})

    assert response.status_code == 302
    assert p.targets.order_by("-position").first().max_points == Decimal("2.50")
    page = client.get(p.get_absolute_url()).content.decode()
    assert "2,5" in page


@pytest.mark.parametrize("data, message", [
    ({"text": "", "max_points": "1"}, ("Please fill in this field.", {})),
    ({"text": "Mục tiêu", "max_points": ""}, ("Please fill in this field.", {})),
    ({"text": "Mục tiêu", "max_points": "-1"}, ("The points cannot be negative.", {})),
    ({"text": "Mục tiêu", "max_points": "100000"}, ("At most %(max)s points.", {"max": 1000})),
    ({"text": "Mục tiêu", "max_points": "mười"}, ("Enter a number of points, for example {}.",
                                                  None)),
    ({"text": "Mục tiêu", "max_points": "1,234"}, ("At most two decimal places.", {})),
    ({"text": "x" * 2001, "max_points": "1"}, (
        "At most %(limit_value)d characters (now %(show_value)d).",
        {"limit_value": 2000, "show_value": 2001})),
    ({"text": "Mục\x00tiêu", "max_points": "1"}, ("The text contains control characters.", {})),
])
def test_target_form_refuses_bad_input(world, client, data, message):
    p = pledge(world)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:target_add", args=[p.pk]), data)

    msgid, values = message
    expected = gettext(msgid).format("2,5") if values is None else vi(msgid, **values)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert p.targets.count() == 2


def test_hostile_text_is_shown_escaped(world, client):
    p = pledge(world)
    client.force_login(world.users.staff)

    client.post(reverse("emulation:target_add", args=[p.pk]),
                {"text": "<script>alert(1)</script>", "max_points": "1"})
    page = client.get(p.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_targets_reorder_edit_and_remove(world, client):
    p = pledge(world)
    first, second = p.targets.order_by("position")
    client.force_login(world.users.staff)

    client.post(reverse("emulation:target_down", args=[p.pk, first.pk]))
    client.post(reverse("emulation:target_edit", args=[p.pk, second.pk]),
                {"text": "Mục tiêu đã sửa", "max_points": "12"})
    client.post(reverse("emulation:target_remove", args=[p.pk, first.pk]))

    assert [(t.text, t.max_points) for t in p.targets.order_by("position")] == [
        ("Mục tiêu đã sửa", Decimal("12.00"))]


# --- signing -----------------------------------------------------------------------------------


def _sign_data(world, **extra):
    data = {"signed_on": "01/03/2026", "place": "Hà Nội",
            "signatories": [world.hanoi.pk, Organization.objects.get(code="LM-HAI-PHONG").pk],
            "document": pdf()}
    data.update(extra)
    return data


def test_signing_locks_the_pledge_and_keeps_who(world, client):
    p = pledge(world)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:pledge_sign", args=[p.pk]), _sign_data(world))

    p.refresh_from_db()
    assert response.status_code == 302
    assert p.status == Pledge.Status.SIGNED and p.signed_on == D(2026, 3, 1)
    assert p.signatories.count() == 2 and p.document_name == "giao-uoc.pdf"
    assert p.history.filter(status="signed").first().history_user == world.users.staff
    with pytest.raises(ValidationError):
        services.target_add(pledge=p, text="Sau khi ký", max_points="1", by=world.users.staff)
    download = client.get(reverse("emulation:pledge_document", args=[p.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(member_user(world))
    assert client.get(reverse("emulation:pledge_document", args=[p.pk])).status_code == 200


NOT_REALLY = "“%(name)s” is not really a %(kind)s file: its content does not match its name."


@pytest.mark.parametrize("extra, message", [
    ({"document": SimpleUploadedFile("giao-uoc.pdf", b"MZ\x90\x00 executable")},
     vi(NOT_REALLY, name="giao-uoc.pdf", kind="PDF")),
    ({"document": SimpleUploadedFile("giao-uoc.exe", b"MZ\x90\x00")},
     vi("“%(name)s”: only PDF, DOCX, XLSX, JPEG and PNG files are accepted.",
        name="giao-uoc.exe")),
    ({"document": SimpleUploadedFile("giao-uoc.docx", b"PK\x03\x04 x")},
     vi(NOT_REALLY, name="giao-uoc.docx", kind="DOCX")),
    ({"signed_on": ""}, vi("Please fill in this field.")),
    ({"signed_on": "31/02/2026"}, vi("Enter a date as dd/mm/yyyy, for example 31/12/2025.")),
    ({"place": ""}, vi("Please fill in this field.")),
    ({"place": "<b>" * 70}, vi("At most %(limit_value)d characters (now %(show_value)d).",
                               limit_value=200, show_value=210)),
    ({"signatories": []}, vi("Choose at least one unit that signed.")),
])
def test_signing_refuses_bad_input(world, client, extra, message):
    p = pledge(world)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:pledge_sign", args=[p.pk]),
                           _sign_data(world, **extra))

    p.refresh_from_db()
    assert response.status_code == 200
    assert message in response.content.decode()
    assert p.status == Pledge.Status.DRAFT and not p.document


def test_signing_refuses_a_non_member_and_an_oversized_file(world, client, settings):
    p = pledge(world)
    settings.UPLOAD_MAX_FILE_MB = 1
    client.force_login(world.users.staff)

    stranger = client.post(reverse("emulation:pledge_sign", args=[p.pk]),
                           _sign_data(world, signatories=[world.hue.pk]))
    big = client.post(reverse("emulation:pledge_sign", args=[p.pk]), _sign_data(
        world, document=pdf(content=PDF + b"0" * (1024 * 1024 + 1))))

    assert vi("This organization cannot be chosen.") in stranger.content.decode()
    assert vi("“%(name)s” is larger than %(mb)s MB.", name="giao-uoc.pdf", mb=1) in (
        big.content.decode())
    p.refresh_from_db()
    assert p.status == Pledge.Status.DRAFT


def test_signing_service_refuses_a_unit_outside_the_year(world):
    p = pledge(world)

    with pytest.raises(ValidationError) as error:
        services.pledge_sign(pledge=p, signed_on=D(2026, 3, 1), place="Hà Nội",
                             signatories=[world.hue], upload=pdf(), by=world.users.staff)

    assert "Huế" in str(error.value)
    assert Pledge.objects.get(pk=p.pk).status == Pledge.Status.DRAFT


# --- targets become criteria -------------------------------------------------------------------


def test_targets_to_criteria_creates_the_table_and_is_idempotent(world, client):
    p = pledge(world)
    client.force_login(world.users.staff)

    client.post(reverse("emulation:pledge_to_criteria", args=[p.pk]))
    client.post(reverse("emulation:pledge_to_criteria", args=[p.pk]))
    services.target_add(pledge=p, text="Mục tiêu thứ ba", max_points="7,5", by=world.users.staff)
    added = services.pledge_targets_to_criteria(pledge=p, by=world.users.staff)

    table = CriteriaTable.objects.get(group=p.group, year=2026)
    criteria = list(Criterion.objects.filter(section__table=table).order_by("position"))
    assert added == 1
    assert [(c.text, c.max_points, c.section.title) for c in criteria] == [
        ("Mục tiêu 1", Decimal("10.00"), "Thực hiện giao ước thi đua"),
        ("Mục tiêu 2", Decimal("10.00"), "Thực hiện giao ước thi đua"),
        ("Mục tiêu thứ ba", Decimal("7.50"), "Thực hiện giao ước thi đua")]
    assert {c.pledge_target_id for c in criteria} == set(p.targets.values_list("pk", flat=True))
    assert table.sections.count() == 1


def test_targets_to_criteria_refused_on_a_locked_table(world):
    p = pledge(world)
    services.pledge_targets_to_criteria(pledge=p, by=world.users.staff)
    CriteriaTable.objects.filter(group=p.group, year=2026).update(locked=True)
    services.target_add(pledge=p, text="Mới", max_points="1", by=world.users.staff)

    with pytest.raises(ValidationError, match=vi("The criteria table is locked: a scoring "
                                                 "round has been opened on it, so it can no "
                                                 "longer be changed.")[:20]):
        services.pledge_targets_to_criteria(pledge=p, by=world.users.staff)

    assert Criterion.objects.filter(section__table__group=p.group).count() == 2


def test_member_cannot_turn_targets_into_criteria(world, client):
    p = pledge(world)
    client.force_login(member_user(world))

    response = client.post(reverse("emulation:pledge_to_criteria", args=[p.pk]))

    assert response.status_code == 403
    assert not CriteriaTable.objects.exists()


def test_pledge_page_queries_do_not_grow(world, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users.staff)
    make_targets(world, 2)
    url = pledge_url(world)
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    make_targets(world, 18)
    with CaptureQueriesContext(connection) as twenty:
        client.get(url)

    assert len(two) == len(twenty)


def test_targets_keep_their_history(world):
    p = pledge(world)
    target = p.targets.first()

    services.target_update(target=target, text="Đổi", max_points="3", by=world.users.head)

    assert PledgeTarget.history.filter(id=target.pk).first().history_user == world.users.head
