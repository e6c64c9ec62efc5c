"""Issue 6 in a real browser: a cluster leader opens the year-end round; two members score
themselves with evidence; they score each other; the leader closes the round; the ranking and
a flag proposal appear."""

import pytest

from accounts.models import Role
from accounts.tests.factories import user_with_role
from clusters.tests.factories import alliance
from emulation import services_scoring
from emulation.models import RoundProposal
from emulation.tests.scoring_builders import PDF, criteria_table, group_year, open_cycle
from tests.test_browser import ARTIFACTS, award_catalogue, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser

CRITERIA = [("1", "standard", "50", True), ("2", "standard", "40", False),
            ("3", "penalty", "10", False)]


def _as(page, live_server, username):  # noqa: F811
    page.context.clear_cookies()
    log_in(page, live_server, username)
    page.wait_for_url(f"{live_server.url}/")


def _score(page, points, evidence=None):  # noqa: F811
    for line, value in points.items():
        page.get_by_label(f"Điểm dòng {line}", exact=True).fill(value)
    page.get_by_role("button", name="Lưu điểm").click()
    page.get_by_text("Đã lưu điểm.").wait_for()
    if evidence:
        page.get_by_label("Tệp minh chứng cho dòng 1", exact=True).set_input_files(str(evidence))
        page.locator(".row", has=page.get_by_label("Tệp minh chứng cho dòng 1")).get_by_role(
            "button", name="Đính kèm").click()
        page.get_by_text("Đã đính kèm").wait_for()


def _send(page):  # noqa: F811
    page.get_by_role("link", name="Gửi phiếu chấm").click()
    page.get_by_role("button", name="Gửi", exact=True).click()
    page.get_by_text("Đã gửi phiếu chấm").wait_for()


def test_a_cluster_runs_its_year_end_round_to_the_flag_proposal(  # noqa: F811
        page, live_server, world, award_catalogue, tmp_path):  # noqa: F811
    haiphong = alliance("Hải Phòng", code="LM-HP")
    user_with_role(Role.UNIT_STAFF, haiphong, username="canbo.haiphong")
    group = group_year(world, members=[world.hanoi, haiphong], leader=world.hanoi,
                       deputy=haiphong)
    criteria_table(group, 2025, world.users.admin, CRITERIA)
    round = services_scoring.round_create(group=group, year=2025, half="year_end",
                                          peer_mode="peers", self_weight=30,
                                          by=world.users.head)
    open_cycle(world, codes=("CTD_LM", "BK_BCH"))
    evidence = tmp_path / "Báo cáo tổng kết.pdf"
    evidence.write_bytes(PDF)
    ARTIFACTS.mkdir(exist_ok=True)
    round_url = f"{live_server.url}/thi-dua/cham-diem/{round.pk}/"

    # The leader unit opens self-scoring.
    _as(page, live_server, "thutruong.hanoi")
    page.goto(round_url)
    page.get_by_role("button", name="Mở tự chấm điểm").click()
    page.get_by_text("Đợt chấm đã chuyển sang: Tự chấm điểm").wait_for()

    # Each member scores itself, with evidence on the line that requires it.
    for username, points in (("canbo.hanoi", {"1": "45,5", "2": "38", "3": "0"}),
                             ("canbo.haiphong", {"1": "40", "2": "35", "3": "2"})):
        _as(page, live_server, username)
        page.goto(round_url)
        page.get_by_role("link", name="Tự chấm điểm:").first.click()
        _score(page, points, evidence)
        if username == "canbo.hanoi":
            page.screenshot(path=str(ARTIFACTS / "scoring-self-sheet.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(ARTIFACTS / "scoring-self-sheet-phone.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
        _send(page)

    # The leader opens peer scoring; each scores the other.
    _as(page, live_server, "thutruong.hanoi")
    page.goto(round_url)
    page.get_by_role("button", name="Mở bước chấm chéo / thẩm định").click()
    page.get_by_text("Đợt chấm đã chuyển sang: Chấm chéo").wait_for()
    page.screenshot(path=str(ARTIFACTS / "scoring-round.png"), full_page=True)
    for username, points in (("canbo.hanoi", {"1": "38", "2": "34", "3": "2"}),
                             ("canbo.haiphong", {"1": "46", "2": "38", "3": "0"})):
        _as(page, live_server, username)
        page.goto(round_url)
        page.get_by_role("link", name="Chấm chéo:").first.click()
        assert "Điểm đơn vị tự chấm" in page.locator("main").inner_text()
        _score(page, points)
        _send(page)

    # The leader closes the round: the ranking, then the flag proposal.
    _as(page, live_server, "thutruong.hanoi")
    page.goto(round_url)
    # The close records how the review conference was held (by value: labels are translated).
    page.locator("input[name=conference][value=in_person]").check()
    page.get_by_role("button", name="Kết thúc đợt chấm và xếp hạng").click()
    page.get_by_role("link", name="Xếp hạng", exact=True).click()
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).inner_text()
    # Hà Nội: self 83.5, peer 84 → 83.5×30% + 84×70% = 83.85
    assert "Liên minh Hợp tác xã Hà Nội" in first and "83,85" in first
    page.screenshot(path=str(ARTIFACTS / "scoring-ranking.png"), full_page=True)
    page.get_by_role("link", name="Xem chi tiết điểm").first.click()
    assert "Báo cáo tổng kết.pdf" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "scoring-audit.png"), full_page=True)

    page.goto(f"{round_url}de-nghi/")
    page.get_by_label("Cờ thi đua: Liên minh Hợp tác xã Hà Nội").check()
    page.get_by_role("button", name="Xác nhận đề nghị").click()
    page.get_by_text("Đề nghị đã được ghi thành các đề nghị khen thưởng").wait_for()
    assert "Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam" in page.locator(
        "main table").inner_text()
    page.screenshot(path=str(ARTIFACTS / "scoring-proposal.png"), full_page=True)
    assert [(p.award_type.code, p.rank) for p in RoundProposal.objects.all()] == [("CTD_LM", 1)]
    assert page.console_errors == []
