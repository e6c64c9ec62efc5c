"""Groups outside the Alliance and the Alliance's years in them: central administrators edit,
central roles view, everyone else gets 404 (issue 6 part 8)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from emulation import services_groups as services
from emulation.models import ExternalGroup, ExternalGroupYear
from emulation.tests.test_pledges import PDF, vi

pytestmark = pytest.mark.django_db


def bloc(world) -> ExternalGroup:
    found = ExternalGroup.objects.filter(name="Khối thi đua các Bộ, ngành tổng hợp").first()
    if found:
        return found
    found = services.external_group_create(
        by=world.users.admin, name="Khối thi đua các Bộ, ngành tổng hợp", kind="bloc",
        organized_by="Hội đồng Thi đua – Khen thưởng Trung ương", organization=world.central)
    services.external_year_add(group=found, by=world.users.admin, year=2021, role="deputy",
                               pledge_signed_on=datetime.date(2021, 1, 20),
                               activities="Ký kết giao ước thi đua năm 2021.", result="",
                               upload=SimpleUploadedFile("giao-uoc-2021.pdf", PDF))
    return found


def _year_data(**extra):
    data = {"year": "2022", "role": "member", "pledge_signed_on": "15/01/2022",
            "activities": "Dự hội nghị.", "result": "Hoàn thành xuất sắc"}
    data.update(extra)
    return data


@pytest.mark.parametrize("who", ["admin", "leadership", "council", "appraiser"])
def test_central_roles_see_the_groups(world, client, who):
    group = bloc(world)
    client.force_login(getattr(world.users, who))

    pages = [client.get(reverse("emulation:external_group_list")),
             client.get(group.get_absolute_url())]

    assert [p.status_code for p in pages] == [200, 200]
    assert "Khối phó" in pages[1].content.decode() or vi("Deputy") in pages[1].content.decode()


@pytest.mark.parametrize("who", ["outsider", "staff", "province_admin", "office_staff"])
def test_others_get_404(world, client, who):
    group = bloc(world)
    entry = group.years.get()
    client.force_login(getattr(world.users, who))

    statuses = [client.get(reverse("emulation:external_group_list")).status_code,
                client.get(group.get_absolute_url()).status_code,
                client.get(reverse("emulation:external_year_document",
                                   args=[group.pk, entry.pk])).status_code,
                client.post(reverse("emulation:external_group_edit", args=[group.pk]),
                            {"name": "Đổi"}).status_code,
                client.post(reverse("emulation:external_group_create"), {}).status_code]

    assert statuses == [404, 404, 404, 404, 404]
    assert ExternalGroup.objects.get().name == "Khối thi đua các Bộ, ngành tổng hợp"


def test_central_viewer_cannot_edit(world, client):
    group = bloc(world)
    client.force_login(world.users.leadership)

    response = client.post(reverse("emulation:external_year_add", args=[group.pk]), _year_data())

    assert response.status_code == 403
    assert group.years.count() == 1


def test_admin_records_a_year_with_the_signed_pledge(world, client):
    group = bloc(world)
    client.force_login(world.users.admin)

    response = client.post(reverse("emulation:external_year_add", args=[group.pk]), _year_data(
        pledge_document=SimpleUploadedFile("giao-uoc-2022.pdf", PDF)))

    entry = group.years.get(year=2022)
    assert response.status_code == 302
    assert (entry.role, entry.pledge_signed_on, entry.pledge_document_name) == (
        "member", datetime.date(2022, 1, 15), "giao-uoc-2022.pdf")
    download = client.get(reverse("emulation:external_year_document", args=[group.pk, entry.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert entry.history.first().history_user == world.users.admin


def test_admin_creates_and_edits_a_group(world, client):
    client.force_login(world.users.admin)

    client.post(reverse("emulation:external_group_create"), {
        "name": "Cụm thi đua lĩnh vực kinh tế", "kind": "cluster",
        "organized_by": "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
        "organization": world.central.pk})
    group = ExternalGroup.objects.get()
    client.post(reverse("emulation:external_group_edit", args=[group.pk]), {
        "name": "Cụm thi đua lĩnh vực kinh tế (MTTQ)", "kind": "cluster",
        "organized_by": "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
        "organization": world.central.pk})

    assert ExternalGroup.objects.get().name == "Cụm thi đua lĩnh vực kinh tế (MTTQ)"


NOT_REALLY = "“%(name)s” is not really a %(kind)s file: its content does not match its name."


@pytest.mark.parametrize("extra, expected", [
    ({"year": ""}, vi("Please fill in this field.")),
    ({"year": "1800"}, vi("Enter a year between 1945 and 2100.")),
    ({"year": "2021"}, vi("That year is already recorded for this group.")),
    ({"role": "boss"}, vi("Choose one of the options in the list.")),
    ({"pledge_signed_on": "15/01/2023"}, vi("The pledge must be signed in %(year)s.",
                                            year=2022)),
    ({"activities": "x" * 8001}, vi("At most %(limit_value)d characters (now %(show_value)d).",
                                    limit_value=8000, show_value=8001)),
    ({"result": "\x1b[31m"}, vi("The text contains control characters.")),
    ({"pledge_document": SimpleUploadedFile("giao-uoc.pdf", b"MZ\x90\x00This program")},
     vi(NOT_REALLY, name="giao-uoc.pdf", kind="PDF")),
    ({"pledge_document": SimpleUploadedFile("bang.xlsx", b"PK\x03\x04")},
     vi(NOT_REALLY, name="bang.xlsx", kind="XLSX")),
])
def test_year_form_refuses_bad_input(world, client, extra, expected):
    group = bloc(world)
    client.force_login(world.users.admin)

    response = client.post(reverse("emulation:external_year_add", args=[group.pk]),
                           _year_data(**extra))

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert group.years.count() == 1


def test_year_form_refuses_an_oversized_file(world, client, settings):
    group = bloc(world)
    settings.UPLOAD_MAX_FILE_MB = 1
    client.force_login(world.users.admin)

    response = client.post(reverse("emulation:external_year_add", args=[group.pk]), _year_data(
        pledge_document=SimpleUploadedFile("to.pdf", PDF + b"0" * (1024 * 1024))))

    assert vi("“%(name)s” is larger than %(mb)s MB.", name="to.pdf", mb=1) in (
        response.content.decode())
    assert group.years.count() == 1


@pytest.mark.parametrize("data, expected", [
    ({"name": "", "kind": "bloc", "organized_by": "X"}, vi("Please fill in this field.")),
    ({"name": "A", "kind": "bloc", "organized_by": ""}, vi("Please fill in this field.")),
    ({"name": "x" * 301, "kind": "bloc", "organized_by": "X"},
     vi("At most %(limit_value)d characters (now %(show_value)d).", limit_value=300,
        show_value=301)),
    ({"name": "A", "kind": "alliance", "organized_by": "X"},
     vi("Choose one of the options in the list.")),
])
def test_group_form_refuses_bad_input(world, client, data, expected):
    client.force_login(world.users.admin)

    response = client.post(reverse("emulation:external_group_create"),
                           {**data, "organization": world.central.pk})

    assert expected in response.content.decode()
    assert not ExternalGroup.objects.exists()


def test_list_queries_do_not_grow(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users.admin)
    url = reverse("emulation:external_group_list")

    def make(n):
        for i in range(n):
            group = services.external_group_create(
                by=world.users.admin, name=f"Nhóm {ExternalGroup.objects.count()}", kind="bloc",
                organized_by="X", organization=world.central)
            services.external_year_add(group=group, by=world.users.admin, year=2021,
                                       role="member")

    make(2)
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    make(18)
    with CaptureQueriesContext(connection) as twenty:
        client.get(url)

    assert len(two) == len(twenty)
    assert ExternalGroupYear.objects.count() == 20
