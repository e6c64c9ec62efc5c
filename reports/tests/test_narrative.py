"""Sentences generated from the figures (reports.narrative.generate_sections): the Vietnamese
of the reference report, leading zeros below ten, the decimal comma, dates dd/mm/yyyy, and
names escaped, never markup."""

import copy
import datetime

import pytest

from awards.tests.factories import award_record
from clusters import services as cluster_services
from clusters.tests.factories import GroupFactory, PersonFactory
from reports.narrative import count_text, decimal_text, generate_sections
from reports.outline import BODY_KEYS
from reports.document_figures import document_figures
from reports.statistics import PeriodSpan

ISSUER = "Liên minh Hợp tác xã Việt Nam"
HOSTILE = "<script>alert(1)</script>"
BCH = "Bằng khen của Ban Chấp hành Liên minh HTX Việt Nam"


def _line(code, name, kind, count):
    return {"award_code": code, "award_name": name, "recipient_kind": kind, "count": count,
            "records_url": None}


# The shape of document_figures' JSON, with numbers like the reference report's.
FIGURES = {
    "period": "2021-H1", "start": "2021-01-01", "end": "2021-06-30", "organization": None,
    "awards": [
        _line("LDTT", "Lao động tiên tiến", "individual", 89),
        _line("CTD_LM", "Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam", "collective", 30),
        _line("BK_BCH", BCH, "collective", 62), _line("BK_BCH", BCH, "individual", 88),
        _line("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "individual", 2),
        _line("HCLD3", "Huân chương Lao động hạng Ba", "individual", 1),
        _line("HCLD1", "Huân chương Lao động hạng Nhất", "collective", 1),
    ],
    "awards_total": 273,
    "state_awards": [
        _line("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "individual", 2),
        _line("HCLD3", "Huân chương Lao động hạng Ba", "individual", 1),
        _line("HCLD1", "Huân chương Lao động hạng Nhất", "collective", 1),
    ],
    "state_awards_total": 4, "cooperative_awards": 219, "cooperative_share_percent": 80.2,
    "movements": {"active": 12, "launched": 3, "campaigns": 2, "expired_still_reported": [
        {"id": 1, "name": "Phong trào <b>cũ</b> & xưa", "end_date": "2020-12-31"}]},
    "registrations": {"submitted": 40, "late": 5}, "pledges_signed": 8,
    "scoring_rounds_closed": 6, "council": {"meetings": 2, "items": 14, "passed": 12},
    "unit_reports": {
        "deadline": "2021-06-15", "submitted": 3, "on_time": 2,
        "late": [{"id": 1, "name": HOSTILE, "first_submitted_at": "2021-06-16T08:00:00+07:00"}],
        "missing": [{"kind": "organization", "id": 2, "name": "Liên minh Hợp tác xã Huế"}]},
    "sources": {},
    "by_group": [
        {"group_id": 1, "name": "Cụm thi đua Bắc Bộ", "kind": "cluster", "count": 4,
         "records_url": None},
        {"group_id": 2, "name": "Cụm thi đua Miền Trung", "kind": "cluster", "count": 0,
         "records_url": None}],
    "annex": [], "annex_total": 0, "previous": None, "comparison": [],
}


@pytest.fixture
def sections(db):
    return generate_sections(copy.deepcopy(FIGURES), issuer_name=ISSUER)


def test_every_body_section_is_present(sections):
    assert list(sections) == BODY_KEYS
    assert sections["direction"] == "" and sections["key_tasks"] == ""


def test_commendation_per_award_with_collectives_and_individuals(sections):
    text = sections["commendation"]

    assert text.startswith("<p>Trong 6 tháng đầu năm 2021, đã có 273 lượt khen thưởng được "
                           "quyết định, cụ thể:</p><ul>")
    assert "<li>Tặng danh hiệu Lao động tiên tiến cho 89 cá nhân;</li>" in text
    assert ("<li>Tặng Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam cho 30 tập thể;</li>"
            in text)
    assert f"<li>Tặng {BCH} cho 62 tập thể và 88 cá nhân.</li></ul>" in text


def test_state_awards_in_their_own_sentence_with_leading_zeros(sections):
    assert ("<p>Các tập thể, cá nhân thuộc Liên minh Hợp tác xã Việt Nam đã vinh dự được Nhà "
            "nước tặng thưởng 02 Bằng khen của Thủ tướng Chính phủ, 01 Huân chương Lao động "
            "hạng Ba và 01 Huân chương Lao động hạng Nhất.</p>") in sections["commendation"]
    assert "Tặng Bằng khen của Thủ tướng" not in sections["commendation"]


def test_cooperative_share_with_a_decimal_comma(sections):
    assert ("chiếm 80,2% tổng số lượt khen thưởng (219/273 lượt).</p>"
            in sections["commendation"])


def test_movements_group_activity_and_council(sections):
    assert sections["movements"] == (
        "<p>Trong 6 tháng đầu năm 2021, Liên minh Hợp tác xã Việt Nam đã triển khai thực hiện "
        "12 phong trào thi đua. Trong đó, 03 phong trào thi đua được phát động mới trong kỳ. "
        "Đã tổ chức 02 đợt thi đua ngắn ngày.</p>")
    assert sections["council"] == (
        "<p>Trong 6 tháng đầu năm 2021, Hội đồng Thi đua - Khen thưởng đã tổ chức 02 phiên "
        "họp, xem xét 14 nội dung và thông qua 12 nội dung.</p>")
    activity = sections["group_activity"]
    assert "ký kết 08 giao ước thi đua" in activity
    assert "Đã nhận 40 bản đăng ký thi đua, trong đó 05 bản gửi chậm so với thời hạn." in activity
    assert "<li>Cụm thi đua Bắc Bộ: 04 lượt khen thưởng;</li>" in activity
    assert "Miền Trung" not in activity  # no award, nothing to say


def test_limitations_name_late_and_missing_units_and_expired_movements(sections):
    text = sections["assessment_limitations"]

    assert "Có 01 đơn vị gửi báo cáo chậm so với thời hạn (ngày 15/06/2021):" in text
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt; (gửi ngày 16/06/2021);</li>" in text
    assert "<li>Liên minh Hợp tác xã Huế;</li>" in text
    assert "<li>“Phong trào &lt;b&gt;cũ&lt;/b&gt; &amp; xưa” (kết thúc ngày 31/12/2020);</li>" in text


def test_hostile_names_never_become_markup(sections):
    for body in sections.values():
        assert "<script" not in body and "<b>" not in body


def test_whole_year_compares_with_the_year_before(db):
    figures = copy.deepcopy(FIGURES)
    figures.update(period="2025", start="2025-01-01", end="2025-12-31", comparison=[
        {"key": "awards_total", "label": "", "current": 9, "previous": 8, "change": 1,
         "change_percent": 12.5}])

    sections = generate_sections(figures, issuer_name=ISSUER)

    assert "<p>Số lượt khen thưởng tăng 12,5% so với năm 2024.</p>" in sections["commendation"]
    assert sections["movements"].startswith("<p>Trong năm 2025, ")
    figures["comparison"][0]["change_percent"] = -20.0
    assert "giảm 20% so với năm 2024" in generate_sections(
        figures, issuer_name=ISSUER)["assessment_achievements"]
    figures["comparison"][0]["change_percent"] = None
    assert "so với năm" not in generate_sections(figures, issuer_name=ISSUER)["commendation"]


def test_nothing_to_say_gives_empty_sections(world):
    sections = generate_sections(document_figures(PeriodSpan(2021, "H1")), issuer_name=ISSUER)

    assert set(sections.values()) == {""}


def test_sentences_from_the_records(world):
    """Through document_figures: a group with a hostile name (Hà Nội its member) and one award
    to a collective (Văn phòng, in no group) and one to an individual (of the Hà Nội coop)."""
    group = GroupFactory(name="Cụm <b>Bắc</b> & Trung", organizer=world.central)
    cluster_services.group_set_year(group=group, year=2021, members=[world.hanoi], leader=None,
                                    deputy=None)
    person = PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Thị Hợp")
    award_record(code="BK_CT", year=2020, person=person, decision_date=datetime.date(2021, 3, 1))
    award_record(code="BK_CT", year=2020, organization=world.office,
                 decision_date=datetime.date(2021, 3, 1))
    figures = document_figures(PeriodSpan(2021, "H1"))

    sections = generate_sections(figures, issuer_name="Liên minh <HTX> & bạn")

    assert ("<li>Tặng Bằng khen của Chủ tịch Liên minh HTX Việt Nam cho 01 tập thể và 01 cá "
            "nhân.</li>") in sections["commendation"]
    assert "chiếm 50% tổng số lượt khen thưởng (01/02 lượt)" in sections["commendation"]
    assert "<li>Cụm &lt;b&gt;Bắc&lt;/b&gt; &amp; Trung: 01 lượt khen thưởng;</li>" in (
        sections["group_activity"])


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (1, "01"), (9, "09"), (10, "10"),
                                             (1234, "1.234")])
def test_count_text(value, text):
    assert count_text(value) == text


@pytest.mark.parametrize(("value", "text"), [(80.4, "80,4"), (40.0, "40"), (-12.5, "-12,5"),
                                             (1250.0, "1.250"), (0.0, "0"), (33.3, "33,3")])
def test_decimal_text(value, text):
    assert decimal_text(value) == text


# --- review conferences of the clusters and blocs ----------------------------------------------


def _activity(rounds, conferences):
    figures = copy.deepcopy(FIGURES)
    figures["scoring_rounds_closed"] = rounds
    if conferences is not None:
        figures["scoring_rounds_by_conference"] = conferences
    return generate_sections(figures, issuer_name=ISSUER)["group_activity"]


def test_group_activity_counts_the_review_conferences_in_person_and_online(db):
    text = _activity(6, {"in_person": 3, "online": 2, "not_held": 1, "not_recorded": 0})

    assert ("Đã tổ chức 06 đợt chấm điểm, bình xét thi đua. Các Cụm, Khối thi đua đã tổ chức "
            "05 hội nghị sơ kết, tổng kết (03 trực tiếp, 02 trực tuyến). Có 01 đợt chấm điểm "
            "kết thúc mà không tổ chức hội nghị sơ kết, tổng kết.") in text


def test_only_the_kinds_held_are_named(db):
    text = _activity(2, {"in_person": 0, "online": 2, "not_held": 0, "not_recorded": 0})

    assert "đã tổ chức 02 hội nghị sơ kết, tổng kết (02 trực tuyến)." in text
    assert "trực tiếp" not in text and "không tổ chức hội nghị" not in text


@pytest.mark.parametrize("conferences", [
    None,  # figures stored before the close asked the conference
    {"in_person": 0, "online": 0, "not_held": 0, "not_recorded": 4},
])
def test_unknown_conferences_are_not_guessed(db, conferences):
    text = _activity(4, conferences)

    assert "Đã tổ chức 04 đợt chấm điểm, bình xét thi đua." in text
    assert "hội nghị" not in text


def test_no_round_means_no_conference_sentence(db):
    text = _activity(0, {"in_person": 0, "online": 0, "not_held": 0, "not_recorded": 0})

    assert "đợt chấm điểm" not in text and "hội nghị" not in text
