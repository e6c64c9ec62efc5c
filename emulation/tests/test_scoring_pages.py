"""The scoring pages as their users meet them: who gets 404 or 403, what each page shows, and
every form's bad input (message shown, nothing saved)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from emulation.models import RoundProposal, Score, ScoreEvidence, ScoreSheet, ScoringRound
from emulation.tests.scoring_builders import (
    advance, closed_round, fill, open_cycle, pdf, refresh, scoring_world, sheet,
)

pytestmark = pytest.mark.django_db

GOOD = ["40", "30", "5", "0"]


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def selfscoring(world):
    s = scoring_world(world, units=3)
    advance(s, "self")
    return s


def _lines(s, points, comments=None):
    comments = comments or {}
    data = {}
    for i, c in enumerate(s.criteria):
        data[f"points_{c.pk}"] = points[i]
        data[f"comment_{c.pk}"] = comments.get(i, "")
    return data


def test_round_pages_answer_404_to_another_province(world, client, selfscoring):
    client.force_login(world.users.outsider)
    own = sheet(selfscoring.round, world.hanoi)

    for url in (reverse("emulation:round_detail", args=[selfscoring.round.pk]),
                reverse("emulation:sheet_detail", args=[own.pk]),
                reverse("emulation:ranking", args=[selfscoring.round.pk])):
        assert client.get(url).status_code == 404, url


def test_the_round_list_shows_a_members_rounds_only(world, client, selfscoring):
    client.force_login(world.users.staff)
    listed = client.get(reverse("emulation:round_list")).context["rounds"]
    client.force_login(world.users.outsider)
    hidden = client.get(reverse("emulation:round_list")).context["rounds"]

    assert (listed, hidden) == ([selfscoring.round], [])


def test_the_round_page_shows_who_has_sent_and_the_leaders_button(world, client, selfscoring):
    fill(sheet(selfscoring.round, world.hanoi), selfscoring.criteria, GOOD, world.users.staff)
    client.force_login(world.users.head)

    response = client.get(reverse("emulation:round_detail", args=[selfscoring.round.pk]))

    body = response.content.decode()
    assert [s.status for s in response.context["self_sheets"]].count("submitted") == 1
    assert "Mở bước chấm chéo / thẩm định" in body
    client.force_login(selfscoring.staff[selfscoring.units[1].pk])
    other = client.get(reverse("emulation:round_detail", args=[selfscoring.round.pk]))
    assert "Mở bước chấm chéo" not in other.content.decode()


def test_a_member_may_not_move_the_round_through_the_page(world, client, selfscoring):
    client.force_login(selfscoring.heads[selfscoring.units[1].pk])

    response = client.post(reverse("emulation:round_transition", args=[selfscoring.round.pk]),
                           {"to": "peer", "reason": "thử"})

    assert response.status_code == 403
    assert refresh(selfscoring.round).status == "self"


def test_a_refused_transition_says_why_and_changes_nothing(world, client, selfscoring):
    client.force_login(world.users.head)

    response = client.post(reverse("emulation:round_transition", args=[selfscoring.round.pk]),
                           {"to": "peer", "reason": ""}, follow=True)

    assert any("Chưa gửi" in m for m in _messages(response))
    assert refresh(selfscoring.round).status == "self"


def test_a_unit_saves_its_points_with_a_decimal_comma(world, client, selfscoring):
    own = sheet(selfscoring.round, world.hanoi)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:sheet_detail", args=[own.pk]),
                           _lines(selfscoring, ["42,5", "30", "2,25", "1"]), follow=True)

    assert "Đã lưu điểm." in _messages(response)
    assert sorted(Score.objects.filter(sheet=own).values_list("points", flat=True)) == [
        Decimal("1"), Decimal("2.25"), Decimal("30"), Decimal("42.5")]
    assert 'value="42,5"' in response.content.decode()


@pytest.mark.parametrize("value, message", [
    ("-1", "Điểm không được âm."),
    ("51", "Từ 0 đến 50."),
    ("abc", "Hãy nhập một số, ví dụ 8 hoặc 7,5."),
    ("1.000,5", "Hãy nhập một số, ví dụ 8 hoặc 7,5."),
    ("1,234", "Tối đa hai chữ số thập phân."),
])
def test_bad_points_are_refused_and_nothing_is_saved(world, client, selfscoring, value, message):
    own = sheet(selfscoring.round, world.hanoi)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:sheet_detail", args=[own.pk]),
                           _lines(selfscoring, [value, "30", "0", "0"]))

    assert response.status_code == 200
    errors = [e for errs in response.context["form"].errors.values() for e in errs]
    assert message in errors
    assert not Score.objects.filter(sheet=own).exists()


def test_an_oversized_or_control_character_comment_is_refused(world, client, selfscoring):
    own = sheet(selfscoring.round, world.hanoi)
    client.force_login(world.users.staff)

    long = client.post(reverse("emulation:sheet_detail", args=[own.pk]),
                       _lines(selfscoring, GOOD, {0: "x" * 2001}))
    control = client.post(reverse("emulation:sheet_detail", args=[own.pk]),
                          _lines(selfscoring, GOOD, {0: "a\x00b"}))

    assert "Tối đa 2000 ký tự (hiện có 2001)." in str(long.context["form"].errors) or (
        "2000" in str(long.context["form"].errors))
    assert control.context["form"].errors
    assert not Score.objects.filter(sheet=own).exists()


def test_hostile_text_is_stored_as_text_and_shown_escaped(world, client, selfscoring):
    own = sheet(selfscoring.round, world.hanoi)
    client.force_login(world.users.staff)
    hostile = '<script>alert("x")</script>'

    client.post(reverse("emulation:sheet_detail", args=[own.pk]),
                _lines(selfscoring, GOOD, {1: hostile}))
    body = client.get(reverse("emulation:sheet_detail", args=[own.pk])).content.decode()

    assert Score.objects.get(sheet=own, criterion=selfscoring.criteria[1]).comment == hostile
    assert hostile not in body and "&lt;script&gt;" in body


def test_a_unit_cannot_see_anothers_self_scores_before_the_round_allows(world, client,
                                                                        selfscoring):
    theirs = sheet(selfscoring.round, selfscoring.units[1])
    fill(theirs, selfscoring.criteria, GOOD, selfscoring.staff[selfscoring.units[1].pk])
    evidence = ScoreEvidence.objects.get(score__sheet=theirs)
    client.force_login(world.users.staff)

    assert client.get(reverse("emulation:sheet_detail", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("emulation:evidence_download",
                              args=[evidence.pk])).status_code == 403
    assert client.post(reverse("emulation:sheet_detail", args=[theirs.pk]),
                       _lines(selfscoring, GOOD)).status_code == 403


def test_members_see_each_others_sheets_after_close(world, client):
    s = closed_round(world, units=2, self_points={0: GOOD, 1: ["30", "20", "0", "0"]})
    theirs = sheet(s.round, s.units[1])
    client.force_login(world.users.staff)

    response = client.get(reverse("emulation:sheet_detail", args=[theirs.pk]))

    assert response.status_code == 200
    assert "50" in response.content.decode()  # 30 + 20


def test_the_peer_sheet_shows_the_scored_units_own_points_and_evidence(world, client,
                                                                       selfscoring):
    s = selfscoring
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, GOOD, s.staff[org.pk])
    advance(s, "peer")
    peer = sheet(s.round, s.units[1], world.hanoi, "peer")
    client.force_login(world.users.staff)

    body = client.get(reverse("emulation:sheet_detail", args=[peer.pk])).content.decode()

    evidence = ScoreEvidence.objects.get(score__sheet__scored=s.units[1])
    assert reverse("emulation:evidence_download", args=[evidence.pk]) in body
    assert "Điểm đơn vị tự chấm" in body


def test_evidence_is_downloaded_as_an_attachment(world, client, selfscoring):
    own = sheet(selfscoring.round, world.hanoi)
    client.force_login(world.users.staff)

    client.post(reverse("emulation:evidence_upload", args=[own.pk, selfscoring.criteria[0].pk]),
                {"file": pdf("Báo cáo quý.pdf")})
    evidence = ScoreEvidence.objects.get()
    response = client.get(reverse("emulation:evidence_download", args=[evidence.pk]))

    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("name, content, message", [
    ("chuong-trinh.pdf", b"MZ\x90\x00" + b"\x00" * 100, "không thực sự là tệp PDF"),
    ("chuong-trinh.exe", b"MZ\x90\x00" + b"\x00" * 100, "chỉ nhận tệp PDF"),
    ("rong.pdf", b"", "Tệp không có nội dung."),
])
def test_bad_evidence_is_refused_and_nothing_is_saved(world, client, selfscoring, name, content,
                                                      message):
    own = sheet(selfscoring.round, world.hanoi)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:evidence_upload",
                                   args=[own.pk, selfscoring.criteria[0].pk]),
                           {"file": pdf(name, content)}, follow=True)

    assert any(message in m for m in _messages(response)), _messages(response)
    assert ScoreEvidence.objects.count() == 0


def test_an_oversized_evidence_file_is_refused(world, client, selfscoring, settings):
    settings.UPLOAD_MAX_FILE_MB = 1
    own = sheet(selfscoring.round, world.hanoi)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:evidence_upload",
                                   args=[own.pk, selfscoring.criteria[0].pk]),
                           {"file": pdf(content=b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))},
                           follow=True)

    assert any("lớn hơn 1 MB" in m for m in _messages(response)), _messages(response)
    assert ScoreEvidence.objects.count() == 0


def test_sending_without_required_evidence_lists_the_lines(world, client, selfscoring):
    own = sheet(selfscoring.round, world.hanoi)
    fill(own, selfscoring.criteria, GOOD, world.users.staff, evidence=False, send=False)
    client.force_login(world.users.staff)

    response = client.post(reverse("emulation:sheet_submit", args=[own.pk]), follow=True)

    assert "Các dòng sau bắt buộc có minh chứng: 1." in _messages(response)
    assert ScoreSheet.objects.get(pk=own.pk).status == "draft"


@pytest.mark.parametrize("data, field", [
    ({"self_weight": "101"}, "self_weight"),
    ({"self_weight": "ba mươi"}, "self_weight"),
    ({"self_weight": "-5"}, "self_weight"),
    ({"year": "abc"}, "year"),
    ({"group": ""}, "group"),
    ({"self_deadline": "31/02/2025"}, "self_deadline"),
    ({"half": "quarter"}, "half"),
])
def test_the_round_form_refuses_bad_input(world, client, data, field):
    s = scoring_world(world, units=2, half="mid_year")
    good = {"group": s.group.pk, "year": "2025", "half": "year_end", "peer_mode": "peers",
            "self_weight": "30", "self_deadline": "", "peer_deadline": ""}
    client.force_login(world.users.head)

    response = client.post(reverse("emulation:round_create"), {**good, **data})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ScoringRound.objects.count() == 1


def test_the_round_form_creates_a_round(world, client):
    s = scoring_world(world, units=2, half="mid_year")
    client.force_login(world.users.head)

    response = client.post(reverse("emulation:round_create"), {
        "group": s.group.pk, "year": "2025", "half": "year_end", "peer_mode": "leader",
        "self_weight": "30", "self_deadline": "10/12/2025", "peer_deadline": "20/12/2025"})

    round = ScoringRound.objects.get(half="year_end")
    assert response.status_code == 302
    assert (round.peer_mode, round.self_weight, round.self_deadline.day) == ("leader", 30, 10)


def test_the_ranking_waits_for_the_close_then_shows_the_scores(world, client, selfscoring):
    client.force_login(world.users.staff)
    before = client.get(reverse("emulation:ranking", args=[selfscoring.round.pk]))
    s = closed_round(world, units=2, weight=30, year=2024,
                     self_points={0: ["45", "40", "1,5".replace(",", "."), "0"],
                                  1: ["40", "30", "0", "0"]})

    after = client.get(reverse("emulation:ranking", args=[s.round.pk]))

    assert before.context["results"] == []
    assert "Kết quả xếp hạng được công bố khi đợt chấm kết thúc." in before.content.decode()
    assert [(r.organization, r.rank, r.final_text) for r in after.context["results"]] == [
        (world.hanoi, 1, "86,5"), (s.units[1], 2, "70")]
    assert "86,5" in after.content.decode()


def test_the_audit_view_shows_each_scorer_and_each_piece_of_evidence(world, client):
    s = closed_round(world, units=3, self_points={0: GOOD, 1: GOOD, 2: GOOD},
                     peer_points={(0, 1): ["35", "30", "5", "0"]})
    client.force_login(s.staff[s.units[2].pk])

    response = client.get(reverse("emulation:ranking_unit", args=[s.round.pk, world.hanoi.pk]))

    body = response.content.decode()
    assert [x.scorer for x in response.context["other_sheets"]] == sorted(
        [s.units[1], s.units[2]], key=lambda o: o.sort_key)
    first = response.context["rows"][0]
    assert first["own_text"] == "40" and sorted(first["other_texts"]) == ["35", "40"]
    evidence = ScoreEvidence.objects.get(score__sheet__scored=world.hanoi)
    assert reverse("emulation:evidence_download", args=[evidence.pk]) in body


def test_the_proposal_page_refuses_too_many_flags_then_records_the_proposal(world, client):
    s = closed_round(world, units=3, self_points={0: GOOD, 1: ["30", "30", "0", "0"],
                                                  2: ["20", "20", "0", "0"]})
    open_cycle(world)
    client.force_login(world.users.head)
    url = reverse("emulation:proposal", args=[s.round.pk])

    page = client.get(url).content.decode()
    refused = client.post(url, {f"flag_{s.units[0].pk}": "on", f"flag_{s.units[1].pk}": "on"})
    done = client.post(url, {f"flag_{s.units[0].pk}": "on",
                             f"certificate_{s.units[2].pk}": "on",
                             f"reason_{s.units[2].pk}": "Có mô hình mới"}, follow=True)

    assert "không giới hạn số lượng" in page
    assert "tối đa 1 đơn vị, đã chọn 2" in refused.content.decode()
    assert [(p.award_type.code, p.organization) for p in RoundProposal.objects.order_by("id")] == [
        ("CTD_LM", world.hanoi), ("BK_BCH", s.units[2])]
    assert done.status_code == 200


def test_the_proposal_page_without_an_open_cycle_creates_nothing(world, client):
    s = closed_round(world, units=2, self_points={0: GOOD, 1: GOOD})
    client.force_login(world.users.head)

    response = client.post(reverse("emulation:proposal", args=[s.round.pk]),
                           {f"flag_{s.units[0].pk}": "on"})

    assert "Chưa có đợt xét khen thưởng thành tích năm 2025" in response.content.decode()
    assert RoundProposal.objects.count() == 0


def test_the_proposal_reason_refuses_oversized_text(world, client):
    s = closed_round(world, units=2, self_points={0: GOOD, 1: ["1", "1", "0", "0"]})
    open_cycle(world)
    client.force_login(world.users.head)

    response = client.post(reverse("emulation:proposal", args=[s.round.pk]),
                           {f"flag_{s.units[1].pk}": "on", f"reason_{s.units[1].pk}": "x" * 2001})

    assert f"reason_{s.units[1].pk}" in response.context["form"].errors
    assert RoundProposal.objects.count() == 0


def test_the_demo_has_a_closed_year_end_round_with_its_ranking(client):
    from clusters.demo import DemoBuilder
    from emulation.demo_scoring import build_scoring_demo
    from emulation.scoring import round_results

    DemoBuilder().build()

    round = ScoringRound.objects.get(group__code="CUM-10", year=2025, half="year_end")
    results = round_results(round)
    assert round.status == "closed" and len(results) == 5
    assert round.conference == ScoringRound.Conference.IN_PERSON  # the year-end conference
    assert all(r.self_sent and r.second is not None for r in results)
    assert ScoreEvidence.objects.filter(score__sheet__round=round).count() >= 5
    assert build_scoring_demo() == round  # running it again changes nothing
    client.force_login(User.objects.get(username="canbo.hanoi"))
    page = client.get(reverse("emulation:ranking", args=[round.pk]))
    assert [r.rank for r in page.context["results"]] == [r.rank for r in results]


def test_a_wrong_evidence_file_is_removed_from_a_sheet_in_preparation(
        world, client, selfscoring, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    own = sheet(selfscoring.round, world.hanoi)
    client.force_login(world.users.staff)
    client.post(reverse("emulation:evidence_upload", args=[own.pk, selfscoring.criteria[0].pk]),
                {"file": pdf("Nhầm tệp.pdf")})
    evidence = ScoreEvidence.objects.get()
    stored = evidence.file.name
    url = reverse("emulation:evidence_remove", args=[evidence.pk])
    assert url in client.get(reverse("emulation:sheet_detail", args=[own.pk])).content.decode()

    asked = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert "Nhầm tệp.pdf" in asked.content.decode()
    assert response.status_code == 302 and not ScoreEvidence.objects.exists()
    assert not default_storage.exists(stored)
    removed = ScoreEvidence.history.get(history_type="-")
    assert (removed.original_name, removed.history_user) == ("Nhầm tệp.pdf", world.users.staff)


def test_evidence_of_a_sent_or_anothers_sheet_cannot_be_removed(world, client, selfscoring):
    s = selfscoring
    theirs = sheet(s.round, s.units[1])
    fill(theirs, s.criteria, GOOD, s.staff[s.units[1].pk])  # sent, with evidence
    evidence = ScoreEvidence.objects.filter(score__sheet=theirs).first()
    url = reverse("emulation:evidence_remove", args=[evidence.pk])

    client.force_login(world.users.staff)  # another member unit
    assert client.post(url).status_code == 403
    client.force_login(s.staff[s.units[1].pk])  # its own unit, but the sheet is sent
    assert client.post(url).status_code == 403
    client.force_login(world.users.outsider)  # Huế
    assert client.post(url).status_code == 404
    assert ScoreEvidence.objects.filter(pk=evidence.pk).exists()
