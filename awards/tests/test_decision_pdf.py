"""The generated decision and proposal in the format of Decree 30/2020/NĐ-CP, read back with
poppler (pdftotext, pdffonts, pdfinfo): Vietnamese text intact, one serif family embedded, A4.
A PNG of the first page goes to test-artifacts/ for a person to look at."""

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.urls import reverse

from awards import services_decisions as sd
from awards.models import AwardType, Decision

from .test_decisions import agreed, draft_kwargs, make_cycle, make_dossier

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils không có"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _save(content: bytes, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(content)
    return path


def _text(path: Path) -> str:
    """The text in layout order and in reading order (table cells stay together there)."""
    return unicodedata.normalize("NFC", _run("pdftotext", "-layout", str(path), "-") + "\n"
                                 + _run("pdftotext", str(path), "-"))


def _families(path: Path) -> set[str]:
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    names = [line.split()[0] for line in lines if line.strip()]
    # "ABCDEF+Liberation-Serif-Bold-Italic", "ABCDEF+LiberationSerif-BoldItalic",
    # "TimesNewRomanPS-BoldMT" → "LiberationSerif" / "TimesNewRoman"
    families = set()
    for name in names:
        name = re.sub(r"^[A-Z]{6}\+", "", name).split(",")[0]
        name = re.sub(r"([-]?(Bold|Italic|Regular|Oblique|MT|PS))+$", "", name)
        families.add(name.replace("-", ""))
    return families


@pytest.fixture
def issued(world):
    cycle = make_cycle(world, codes=("LDTT", "GK"))
    dossier = make_dossier(world, cycle)
    agreed(world, dossier, code="LDTT", n=3)
    agreed(world, dossier, code="GK", collective=world.coop_hanoi)
    nominations = list(dossier.nominations.all())
    decision = sd.decision_create(kind=Decision.Kind.GRANT, cycle=cycle, nominations=nominations,
                                  by=world.users.appraiser, **draft_kwargs(
                                      title="Về việc tặng danh hiệu “Lao động tiên tiến” và "
                                            "Giấy khen năm 2025"))
    return sd.decision_issue(decision=decision, by=world.users.appraiser)


def _pdf(client, world, decision, name):
    client.force_login(world.users.appraiser)
    response = client.get(reverse("awards:decision_pdf", args=[decision.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return _save(response.content, name)


def test_decision_pdf_text_fonts_and_size(world, client, issued):
    path = _pdf(client, world, issued, "decision.pdf")
    text = _text(path)
    flat = re.sub(r"\s+", " ", text)

    for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Số: 01/QĐ-LMHTXVN", "Hà Nội, ngày 05 tháng 01 năm 2026", "QUYẾT ĐỊNH",
                     "CHỦ TỊCH LIÊN MINH HỢP TÁC XÃ VIỆT NAM", "QUYẾT ĐỊNH:",
                     "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
                     "Điều 1.", "Điều 2.", "Điều 3.", "Nơi nhận:", "- Lưu: VT, TCCB.",
                     "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Hùng",
                     "Nguyễn Văn Đức", "Trần Thị Thúy Hằng", "Lê Hoàng Yến",
                     "Lao động tiên tiến", "Giấy khen", "702.000", "2.106.000", "DANH SÁCH"]:
        assert expected in flat, expected
    assert "DỰ THẢO" not in flat
    assert _families(path) in ({"LiberationSerif"}, {"TimesNewRoman"})
    info = _run("pdfinfo", str(path))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    # Page numbers from page 2 only: the first page starts with the issuer, not a number.
    first_page = _run("pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-").strip()
    second_page = _run("pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-").strip()
    assert not first_page.splitlines()[0].strip().isdigit()
    assert second_page.splitlines()[0].strip() == "2"


def test_decision_png_for_review(world, client, issued):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm không có")
    path = _pdf(client, world, issued, "decision.pdf")

    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / "decision")],
                   check=True)

    assert sorted(ARTIFACTS.glob("decision-*.png"))


def test_draft_pdf_has_blank_number_and_draft_mark(world, client):
    cycle = make_cycle(world)
    dossier = make_dossier(world, cycle)
    nominations = agreed(world, dossier, code="LDTT", n=1)
    draft = sd.decision_create(kind=Decision.Kind.GRANT, cycle=cycle, nominations=nominations,
                               by=world.users.appraiser, **draft_kwargs(date=None))

    flat = re.sub(r"\s+", " ", _text(_pdf(client, world, draft, "decision-draft.pdf")))

    assert "DỰ THẢO" in flat
    assert "/QĐ-LMHTXVN" in flat and "Số: 01" not in flat
    assert "Hà Nội, ngày tháng năm" in flat


def test_proposal_pdf(world, client):
    AwardType.objects.filter(code="BK_TTG").update(council_vote_required=False)
    cycle = make_cycle(world, codes=("BK_TTG",))
    dossier = make_dossier(world, cycle)
    nominations = agreed(world, dossier, code="BK_TTG", n=2)
    proposal = sd.decision_create(
        kind=Decision.Kind.PROPOSAL, cycle=cycle, nominations=nominations,
        by=world.users.appraiser, **draft_kwargs(
            title="Về việc đề nghị tặng Bằng khen của Thủ tướng Chính phủ năm 2025",
            issuing_body="Thủ tướng Chính phủ", recipients="Như trên;\nLưu: VT, TCCB."))
    proposal = sd.decision_issue(decision=proposal, by=world.users.appraiser)

    path = _pdf(client, world, proposal, "proposal.pdf")
    flat = re.sub(r"\s+", " ", _text(path))

    for expected in ["TỜ TRÌNH", "Số: 01/TTr-LMHTXVN", "Kính gửi: Thủ tướng Chính phủ",
                     "Bằng khen của Thủ tướng Chính phủ", "Nguyễn Văn Đức", "DANH SÁCH",
                     "- Như trên;", "- Lưu: VT, TCCB."]:
        assert expected in flat, expected
    assert "QUYẾT ĐỊNH:" not in flat
    assert _families(path) in ({"LiberationSerif"}, {"TimesNewRoman"})
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(path),
                        str(ARTIFACTS / "proposal")], check=True)


def test_revocation_pdf(world, client, issued):
    record = issued.items.first().nomination.award_record
    revocation = sd.revocation_create(record=record, by=world.users.appraiser,
                                      reason="Khai man thành tích", **draft_kwargs(
                                          title="Về việc thu hồi danh hiệu “Lao động tiên tiến”"))
    revocation = sd.decision_issue(decision=revocation, by=world.users.appraiser)

    flat = re.sub(r"\s+", " ", _text(_pdf(client, world, revocation, "revocation.pdf")))

    assert "Số: 02/QĐ-LMHTXVN" in flat
    assert "Thu hồi danh hiệu “Lao động tiên tiến” đã tặng cho" in flat
    assert "Quyết định số 01/QĐ-LMHTXVN ngày 05 tháng 01 năm 2026" in flat
    assert "Khai man thành tích" in flat
