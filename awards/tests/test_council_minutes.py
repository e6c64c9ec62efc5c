"""The minutes of a council meeting and its counting record, as PDFs in the format of Decree
30/2020/NĐ-CP, read back with poppler (pdftotext, pdffonts): the Vietnamese text intact, each
item's counts and result, one serif family embedded; only after the close, 404 outside scope.
PNGs of the pages go to test-artifacts/ for a person to look at."""

import datetime
import re
import shutil
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from awards import council_documents as cd
from awards import services_council as sc
from accounts.models import Role
from accounts.tests.factories import user_with_role
from awards.models import (
    AgendaItem, Council, CouncilMeeting, CouncilMember, CouncilTerm, Recusal,
)
from awards.tests.council_builders import council_nominations, open_meeting
from awards.tests.test_decisions import agreed, make_cycle, make_dossier

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils không có")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _save(content: bytes, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(content)
    return path


def _flat(path: Path) -> str:
    """The text in layout order, in reading order and in content order (a table cell's lines
    stay together there), spaces collapsed."""
    text = "\n".join(_run("pdftotext", *mode, str(path), "-")
                     for mode in (["-layout"], [], ["-raw"]))
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("\u00a0", " "))


def _families(path: Path) -> set[str]:
    families = set()
    for line in _run("pdffonts", str(path)).splitlines()[2:]:
        if not line.strip():
            continue
        name = re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).split(",")[0]
        name = re.sub(r"([-]?(Bold|Italic|Regular|Oblique|MT|PS))+$", "", name)
        families.add(name.replace("-", ""))
    return families


def vote(meeting, seat, choices):
    return sc.ballot_submit(meeting=meeting, by=seat.user,
                            choices={str(item.pk): choice for item, choice in choices.items()})


def close_meeting(world, *, n_secret=2, n_open=2, conclusion=""):
    """A meeting of five voting members (four present, one absent with a written opinion) on
    `n_secret` CSTDN nominations (secret, ≥ 90 %) and `n_open` BK_CT ones (open, > 50 %); the
    fourth member declares a conflict on the first open item; everyone votes; the chair
    closes. Items 1 and 3 pass, 2 and 4 fail."""
    nominations = council_nominations(world, code="CSTDN", n=n_secret) + council_nominations(
        world, code="BK_CT", n=n_open)
    meeting, seats, secretary = open_meeting(world, nominations=nominations, present=4,
                                             written=(4,))
    items = list(meeting.items.order_by("position"))
    secret = [i for i in items if i.mode == AgendaItem.Mode.SECRET]
    open_ = [i for i in items if i.mode == AgendaItem.Mode.OPEN]
    sc.recusal_declare(meeting=meeting, item=open_[0], by=seats[3].user,
                       reason="Người được đề nghị là người thân")

    def choices_of(index):
        chosen = {}
        for k, item in enumerate(secret):
            chosen[item] = "disagree" if (k % 2 == 1 and index == 0) else "agree"
        for k, item in enumerate(open_):
            if item == open_[0]:
                if index != 3:
                    chosen[item] = "disagree" if index == 2 else "agree"
            else:
                chosen[item] = "agree" if index in (0, 1) or k % 2 == 0 else "abstain"
        return chosen

    receipts = [vote(meeting, seat, choices_of(i)) for i, seat in enumerate(seats[:4])]
    sc.written_opinion_record(meeting=meeting, member=seats[4], by=secretary.user, choices={
        str(item.pk): choice for item, choice in choices_of(4).items()})
    if conclusion:
        CouncilMeeting.objects.filter(pk=meeting.pk).update(conclusion=conclusion)
    meeting = sc.meeting_close(meeting=meeting, by=seats[0].user)
    return meeting, seats, secretary, receipts


@pytest.fixture
def closed(world):
    return close_meeting(world)


def _get(client, user, name, meeting):
    client.force_login(user)
    return client.get(reverse(f"awards:{name}", args=[meeting.pk]))


# --- the data ----------------------------------------------------------------------------------


def test_the_context_counts_each_item_and_groups_by_award(world, closed):
    meeting, seats, secretary, receipts = closed

    context = cd.minutes_context(meeting)

    assert [(g.award, g.secret, [(r.agree, r.disagree, r.abstain, r.base, r.passed)
                                 for r in g.rows]) for g in context["groups"]] == [
        ("Chiến sĩ thi đua ngành", True, [(5, 0, 0, 5, True), (4, 1, 0, 5, False)]),
        ("Bằng khen của Chủ tịch Liên minh HTX Việt Nam", False,
         [(3, 1, 0, 4, True), (2, 0, 3, 5, False)]),
    ]
    assert context["groups"][1].rows[0].recusals == [
        "Phạm Thu Hà (Người được đề nghị là người thân)"]
    assert (context["total"], len(context["present"]), len(context["written"]),
            len(context["absent"]), context["quorum"], context["quorum_met"]) == (
        5, 4, 1, 0, 4, True)
    assert (context["issued"], context["received"], context["received_electronic"],
            context["received_written"]) == (4, 5, 4, 1)
    assert sorted(context["receipts"]) == sorted(
        sc.receipt_hash(code)[:12] for code in receipts)
    assert context["conclusions"][0] == (
        "Hội đồng thông qua 2/4 đề nghị khen thưởng, gồm: Chiến sĩ thi đua ngành: 1/2 đề nghị; "
        "Bằng khen của Chủ tịch Liên minh HTX Việt Nam: 1/2 đề nghị.")


@pytest.mark.parametrize("agree, base, expected", [
    (9, 10, "90,00\u00a0%"), (2, 3, "66,66\u00a0%"), (1, 3, "33,33\u00a0%"),
    (5, 5, "100,00\u00a0%"), (0, 4, "0,00\u00a0%"), (0, 0, "—"),
])
def test_the_share_is_written_vietnamese_style_and_never_rounded_up(agree, base, expected):
    assert cd.share_text(agree, base) == expected


def test_percent_and_place_helpers():
    assert [cd.percent_text(Decimal(v)) for v in ("90.0000", "66.6700", "50")] == [
        "90", "66,67", "50"]
    assert cd.place_for_date_line("Hội trường A, 77 Nguyễn Du, Hà Nội") == "Hà Nội"
    assert cd.place_for_date_line("") == ""


def test_recorded_conclusions_replace_the_summary_sentence(world):
    meeting, *_ = close_meeting(world, n_secret=1, n_open=1,
                                conclusion="Thống nhất đề nghị khen thưởng.\n\nGiao Thư ký "
                                           "hoàn thiện hồ sơ.")

    assert cd.minutes_context(meeting)["conclusions"] == [
        "Thống nhất đề nghị khen thưởng.", "Giao Thư ký hoàn thiện hồ sơ."]


# --- the documents -----------------------------------------------------------------------------


@needs_poppler
def test_minutes_pdf_text_and_fonts(world, client, closed):
    meeting, seats, secretary, _ = closed

    response = _get(client, world.users.appraiser, "meeting_minutes_pdf", meeting)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="bien-ban-hop-hoi-dong-10-03-2026.pdf"')
    path = _save(response.content, "council-minutes.pdf")
    flat = _flat(path)
    for expected in [
        "LIÊN MINH HỢP TÁC XÃ VIỆT NAM", "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "/BB-HĐTĐKT",
        "Hà Nội, ngày 10 tháng 3 năm 2026", "BIÊN BẢN", "Họp Hội đồng Thi đua - Khen thưởng",
        "Phiên họp xét khen thưởng năm 2025",
        "Chủ tọa: Nguyễn Văn Hùng, Chủ tịch Hội đồng",
        "Thư ký: Lý Thị Thư, Thư ký Hội đồng (không biểu quyết)",
        "tổng số thành viên có quyền biểu quyết: 5; có mặt: 4; vắng mặt có ý kiến bằng văn "
        "bản: 1; vắng mặt: 0",
        "Vắng mặt có ý kiến bằng văn bản: Đỗ Minh Tuấn.",
        "Trần Thị Mai", "Phó Chủ tịch Hội đồng", "Lê Quang Vinh", "Phạm Thu Hà",
        "phiên họp cần có ít nhất 4/5 thành viên Hội đồng có mặt",
        "phiên họp đủ điều kiện tiến hành", "Nghị định 152/2025",
        "1. Chiến sĩ thi đua ngành (2 đề nghị)", "Hình thức biểu quyết: bỏ phiếu kín",
        "số phiếu đồng ý ≥ 90 % số thành viên có quyền biểu quyết về đề nghị",
        "2. Bằng khen của Chủ tịch Liên minh HTX Việt Nam (2 đề nghị)",
        "Hình thức biểu quyết: biểu quyết công khai", "số phiếu đồng ý > 50 %",
        "Nguyễn Văn Đức", "Trần Thị Thúy Hằng",
        "Không tham gia biểu quyết: Phạm Thu Hà (Người được đề nghị là người thân)",
        "Thông qua", "Không thông qua", "III. KẾT LUẬN",
        "Hội đồng thông qua 2/4 đề nghị khen thưởng",
        "Biểu quyết bắt đầu lúc", "và kết thúc lúc", "THƯ KÝ", "CHỦ TỌA",
    ]:
        assert expected in flat, expected
    layout = unicodedata.normalize("NFC", _run("pdftotext", "-layout", str(path), "-"))
    rows = [re.sub(r"\s+", " ", line).strip() for line in layout.splitlines()]
    # Each item's row: agree, disagree, abstain, denominator and result.
    assert any(r.endswith("5 0 0 5 Thông qua") for r in rows), rows
    assert any(r.endswith("4 1 0 5 Không thông qua") for r in rows), rows
    assert any(r.endswith("3 1 0 4 Thông qua") for r in rows), rows
    assert any(r.endswith("2 0 3 5 Không thông qua") for r in rows), rows
    assert _families(path) in ({"LiberationSerif"}, {"TimesNewRoman"})


@needs_poppler
def test_count_pdf_text_shares_and_receipts(world, client, closed):
    meeting, seats, secretary, receipts = closed

    response = _get(client, seats[2].user, "meeting_count_pdf", meeting)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="bien-ban-kiem-phieu-10-03-2026.pdf"')
    path = _save(response.content, "council-count.pdf")
    flat = _flat(path)
    for expected in [
        "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "Hà Nội, ngày 10 tháng 3 năm 2026",
        "BIÊN BẢN KIỂM PHIẾU", "Số phiếu phát ra (thành viên có mặt): 4",
        "Số phiếu thu về: 5, gồm 4 phiếu biểu quyết điện tử và 1 ý kiến bằng văn bản",
        "Số phiếu hợp lệ: 5", "100,00 %", "80,00 %", "75,00 %", "40,00 %",
        "Thông qua", "Không thông qua", "2/4 đề nghị được thông qua",
        "được biểu quyết bằng phiếu kín", "TRƯỞNG BAN KIỂM PHIẾU",
        "THÀNH VIÊN BAN KIỂM PHIẾU", "Lý Thị Thư", "Nguyễn Văn Hùng",
    ]:
        assert expected in flat, expected
    # The hashes of the four electronic ballots, shortened; the codes themselves never.
    for code in receipts:
        assert sc.receipt_hash(code)[:12] in flat
        assert code not in flat and sc.receipt_hash(code) not in flat
    assert _families(path) in ({"LiberationSerif"}, {"TimesNewRoman"})


@needs_poppler
def test_pages_as_png_for_review(world, client, closed):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm không có")
    meeting = closed[0]
    for name, stem in (("meeting_minutes_pdf", "council-minutes"),
                       ("meeting_count_pdf", "council-count")):
        path = _save(_get(client, world.users.appraiser, name, meeting).content, f"{stem}.pdf")
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / stem)],
                       check=True)

        assert sorted(ARTIFACTS.glob(f"{stem}-*.png"))


# --- who may print them ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["meeting_minutes_pdf", "meeting_count_pdf"])
def test_no_minutes_before_the_close(world, client, name):
    meeting, seats, secretary = open_meeting(world)

    responses = [_get(client, user, name, meeting).status_code
                 for user in (world.users.appraiser, seats[0].user, secretary.user)]

    assert responses == [403, 403, 403]


@pytest.mark.parametrize("name", ["meeting_minutes_pdf", "meeting_count_pdf"])
def test_outside_the_council_is_404(world, client, closed, name):
    meeting = closed[0]

    assert _get(client, world.users.outsider, name, meeting).status_code == 404
    assert _get(client, world.users.province_admin, name, meeting).status_code == 404
    assert _get(client, world.users.staff, name, meeting).status_code == 404


def test_anonymous_is_sent_to_login(world, client, closed):
    response = client.get(reverse("awards:meeting_minutes_pdf", args=[closed[0].pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- builders for tests/test_query_counts.py and tests/test_cross_province.py -------------------

COUNTED_TITLE = "Phiên họp đếm truy vấn biên bản"


def make_minutes_items(world, n):
    """A closed meeting with `n` items (first call), or `n` more items on it (later calls: the
    agenda of a closed meeting no longer changes through the services, so the rows are written
    as the close would have left them, with a recusal each)."""
    meeting = CouncilMeeting.objects.filter(title=COUNTED_TITLE).first()
    if meeting is None:
        meeting, seats, _ = open_meeting(world, nominations=council_nominations(world, n=n))
        for seat in seats:
            sc.ballot_submit(meeting=meeting, by=seat.user, choices={}, agree_remaining=True)
        meeting = sc.meeting_close(meeting=meeting, by=seats[0].user)
        CouncilMeeting.objects.filter(pk=meeting.pk).update(title=COUNTED_TITLE)
        return
    first = meeting.items.first()
    start = meeting.items.count()
    member = Recusal.objects.filter(item__meeting=meeting).values_list("member", flat=True).first()
    for i, nomination in enumerate(council_nominations(world, n=n)):
        item = AgendaItem.objects.create(
            meeting=meeting, nomination=nomination, position=start + i + 1, mode=first.mode,
            threshold=first.threshold, strict=first.strict, denominator=first.denominator,
            written_count=first.written_count, agree=4, disagree=1, abstain=0, entitled=5,
            base=5, passed=False)
        if member:
            Recusal.objects.create(item=item, member_id=member, reason="Tự khai")


def minutes_url(world):
    return reverse("awards:meeting_minutes_pdf",
                   args=[CouncilMeeting.objects.get(title=COUNTED_TITLE).pk])


def count_url(world):
    return reverse("awards:meeting_count_pdf",
                   args=[CouncilMeeting.objects.get(title=COUNTED_TITLE).pk])


def hanoi_closed_meeting(world):
    """A closed meeting of the Hà Nội alliance's own council (its Hà Nội administrator prepares
    it), for the cross-province table."""
    existing = CouncilMeeting.objects.filter(council__organization=world.hanoi,
                                             status=CouncilMeeting.Status.CLOSED).first()
    if existing:
        return existing
    council = Council.objects.create(organization=world.hanoi, name="Hội đồng Thi đua - Khen "
                                     "thưởng Liên minh HTX thành phố Hà Nội")
    term = CouncilTerm.objects.create(council=council, name="Nhiệm kỳ 2025–2030",
                                      start_date=datetime.date(2025, 1, 1))
    seats = [CouncilMember.objects.create(
        term=term, user=user_with_role(Role.UNIT_HEAD, world.hanoi, username=f"hd.hanoi{i}"),
        full_name=name, organization=world.hanoi, sort_order=i,
        position=CouncilMember.Position.CHAIR if i == 0 else CouncilMember.Position.MEMBER,
        valid_from=term.start_date)
        for i, name in enumerate(["Phan Văn Long", "Trịnh Thị Hạnh", "Kiều Minh Đức"])]
    secretary = None
    cycle = make_cycle(world, organizer=world.hanoi, codes=("CSTDCS",))
    nominations = agreed(world, make_dossier(world, cycle, organization=world.coop_hanoi),
                         code="CSTDCS", n=1)
    meeting = sc.meeting_save(council=council, by=world.users.province_admin,
                              title="Phiên họp Hội đồng Liên minh HTX thành phố Hà Nội",
                              date=datetime.date(2026, 3, 10), place="Hà Nội", chair=seats[0],
                              secretary=secretary)
    sc.agenda_add(meeting=meeting, nominations=nominations, by=world.users.province_admin)
    sc.attendance_record(meeting=meeting, by=world.users.province_admin,
                         statuses={s.pk: "present" for s in seats})
    meeting = sc.meeting_open(meeting=meeting, by=seats[0].user)
    for seat in seats:
        sc.ballot_submit(meeting=meeting, by=seat.user, choices={}, agree_remaining=True)
    return sc.meeting_close(meeting=meeting, by=seats[0].user)


def cross_province_objects(world):
    meeting = hanoi_closed_meeting(world)
    return {"awards:meeting_minutes_pdf": {"pk": meeting.pk},
            "awards:meeting_count_pdf": {"pk": meeting.pk}}


def test_the_hanoi_meeting_is_printed_for_its_own_administrator(world, client):
    meeting = hanoi_closed_meeting(world)

    response = _get(client, world.users.province_admin, "meeting_minutes_pdf", meeting)

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert _get(client, world.users.outsider, "meeting_minutes_pdf", meeting).status_code == 404
