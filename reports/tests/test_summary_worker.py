"""A draft PDF requested on the report page is rendered by a real Celery worker on Redis
(architecture §9, integration layer); skipped only through `require_or_skip`."""

import time

import pytest

from reports.models import RenderJob
from reports.tests.test_summary_services import h1_2021, some_awards
from tests.test_browser import award_catalogue  # noqa: F401 (a fixture)
from tests.test_celery_worker import worker  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_pdf_job_is_rendered_by_a_real_worker(world, award_catalogue, client,  # noqa: F811
                                                worker, celery_not_eager):  # noqa: F811
    from reports import services_summary as services

    some_awards(world, 2)
    report = services.summary_create(period=h1_2021(world), organization=world.hanoi,
                                     by=world.users.province_admin)
    client.force_login(world.users.province_admin)

    response = client.post(f"/bao-cao/tong-hop/{report.pk}/chay/pdf/")

    job = RenderJob.objects.get(kind="pdf")
    assert response.url == f"/bao-cao/cong-viec/{job.pk}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"/bao-cao/cong-viec/{job.pk}/trang-thai/").json()
        if status["finished"]:
            break
        time.sleep(0.5)
    assert status["status"] == "done", status
    download = client.get(status["download_url"])
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
