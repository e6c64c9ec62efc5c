"""The Alliance's administrator makes the six-month summary report in a real browser: sees the
late unit on the period page, creates the report, edits a section, fills in the header,
finalizes it and downloads the PDF, which is read back with pdftotext."""

import subprocess
from pathlib import Path

import pytest

from reports.tests.builders import sent_hanoi_report
from reports.tests.test_summary_services import h1_2021, some_awards
from tests.test_browser import ARTIFACTS, award_catalogue, log_in, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/pagecheck")
SENTENCE = "Năm nay các hợp tác xã thi đua sôi nổi hơn hẳn."


def test_an_administrator_makes_and_finalizes_the_summary_report(page, live_server,  # noqa: F811
                                                                 world, award_catalogue,  # noqa: F811
                                                                 tmp_path):
    p = h1_2021(world)
    sent_hanoi_report(world, p)  # sent after the deadline of 20/06/2021: late
    some_awards(world, 3)
    SHOTS.mkdir(exist_ok=True)
    ARTIFACTS.mkdir(exist_ok=True)
    log_in(page, live_server, "quantri")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/bao-cao/ky/{p.pk}/")
    assert "Liên minh Hợp tác xã Hà Nội" in page.locator("main table").inner_text()
    assert page.locator("main .badge.text-bg-danger").count() == 1  # the late unit
    page.locator("#summary-create").click()
    page.wait_for_url("**/bao-cao/tong-hop/*/", timeout=30000)  # job page, then the report
    report_url = page.url
    assert "Liên minh Hợp tác xã Hà Nội" in page.locator("#late-units").inner_text()

    page.get_by_role("link", name="Sửa nội dung").click()
    page.locator("textarea[name=direction]").fill(SENTENCE)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(report_url)
    page.get_by_role("link", name="Sửa phần đầu").click()
    page.locator("input[name=number]").fill("15")
    page.locator("input[name=issued_on]").fill("18/06/2021")
    page.locator("input[name=signer_name]").fill("Nguyễn Ngọc Bảo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(report_url)
    page.get_by_role("link", name="Sửa nội dung").click()
    for field in page.locator("textarea").all():
        if not field.input_value().strip():
            field.fill("Nội dung do văn phòng viết.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(report_url)
    page.screenshot(path=str(SHOTS / "summary.png"), full_page=True)
    assert "Số: 15/BC-LMHTXVN" in page.locator("#summary-number").inner_text()

    page.locator("#finalize-link").click()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/bao-cao/cong-viec/*/")
    page.locator("#job-download:not(.d-none)").wait_for(timeout=60000)
    page.screenshot(path=str(ARTIFACTS / "summary-job.png"), full_page=True)
    with page.expect_download() as info:
        page.locator("#job-download").click()
    pdf = tmp_path / "bao-cao.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    assert SENTENCE in flat
    assert "Số: 15/BC-LMHTXVN" in flat
    assert "Hà Nội, ngày 18 tháng 6 năm 2021" in flat
    assert page.console_errors == []
