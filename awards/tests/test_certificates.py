"""Certificates of award records and their public verification: the code, the QR payload, the
two printed layouts (checked with pdftotext/pdffonts), the print views' scoping, and the public
page that shows only four facts."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import services, services_certificates
from awards.models import Certificate
from awards.services_certificates import (
    CertificateRefused,
    certificate_context,
    certificate_for,
    normalize_code,
    qr_svg,
    verification_url,
)
from awards.tests.factories import award_record
from clusters.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
NEEDS_POPPLER = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext, pdffonts) are not installed")


def _person_record(world, *, code="BK_CT", name="Nguyễn Thị Hồng Nhung", gender="F", **kwargs):
    person = PersonFactory(organization=world.coop_hanoi, full_name=name, gender=gender,
                           birth_year=1979)
    kwargs.setdefault("decision_number", "15/QĐ-LMHTXVN")
    kwargs.setdefault("decision_date", datetime.date(2025, 1, 6))
    return award_record(code=code, person=person, **kwargs)


def _revoke(record, day=datetime.date(2025, 6, 2)):
    return services.award_record_revoke(record=record, decision_number="9/QĐ-LMHTXVN",
                                        revocation_date=day, reason="Khai man thành tích.")


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _pdf_fonts(pdf: bytes, tmp_path) -> list[tuple[str, str]]:
    """(font name without the subset prefix, embedded yes/no) for every font in the PDF."""
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    fonts = []
    for line in out:
        name = line.split()[0]
        # columns: name type encoding emb sub uni object ID; "emb" is 5th from the right
        emb = line.split()[-5]
        fonts.append((name.split("+", 1)[-1], emb))
    return fonts


# --- codes -------------------------------------------------------------------------------------


def test_the_certificate_is_created_once_with_a_code_from_the_unambiguous_alphabet(world):
    record = _person_record(world)

    first = certificate_for(record)
    again = certificate_for(record)

    assert first.pk == again.pk and Certificate.objects.count() == 1
    assert re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}", first.code)


def test_a_colliding_code_is_drawn_again(world, monkeypatch):
    taken = certificate_for(_person_record(world)).code
    other = _person_record(world, name="Trần Văn Bảo", gender="M", decision_number="16/QĐ-LMHTXVN")
    codes = iter([taken, "HJKMNPQR23"])
    monkeypatch.setattr(services_certificates, "new_verification_code", lambda: next(codes))

    certificate = certificate_for(other)

    assert certificate.code == "HJKMNPQR23"
    assert Certificate.objects.count() == 2


@pytest.mark.parametrize(("typed", "code"), [
    ("ABCD2345XY", "ABCD2345XY"), ("abcd2345xy", "ABCD2345XY"), (" abcd-2345 xy ", "ABCD2345XY"),
    ("AB-CD-23-45-XY", "ABCD2345XY"),
    ("ABCD2345X", None), ("ABCD2345XYZ", None), ("ABCD2345X0", None), ("ABCD2345XI", None),
    ("../", None), ("A" * 500, None), ("' OR 1=1 --", None), ("<script>", None), ("", None),
    (None, None),
])
def test_codes_are_read_ignoring_case_spaces_and_hyphens(typed, code):
    assert normalize_code(typed) == code


# --- QR payload --------------------------------------------------------------------------------


def test_the_qr_code_carries_the_public_verification_url(world, settings):
    settings.SITE_URL = "https://thiduakhenthuong.vca.org.vn/"
    record = _person_record(world)
    certificate = certificate_for(record)
    expected = f"https://thiduakhenthuong.vca.org.vn/xac-minh/{certificate.code}/"

    context = certificate_context(record, certificate)

    assert verification_url(certificate) == expected
    assert context["verification_url"] == expected
    # Decoded by re-generating: the same payload gives the same symbol, another does not.
    assert context["qr"] == segno.make(expected, error="m", micro=False).svg_inline(
        **services_certificates.QR_SVG)
    assert context["qr"] != qr_svg(expected.replace(certificate.code, "ABCD2345XY"))
    assert context["qr"].startswith("<svg") and "<script" not in context["qr"]
    # Both layouts carry that very symbol.
    assert context["qr"] in render_to_string("pdf/certificate.html", context)
    assert context["qr"] in render_to_string("pdf/certificate_blank.html", {
        **context, "positions": services_certificates.BLANK_POSITIONS})


# --- the printed certificate -------------------------------------------------------------------


@NEEDS_POPPLER
def test_the_certificate_pdf_carries_name_award_decision_and_code(world, tmp_path):
    record = _person_record(world)

    pdf, certificate = services_certificates.certificate_pdf(record)
    text = _pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())

    assert pdf.startswith(b"%PDF")
    assert "BẰNG KHEN" in flat
    assert "CHỦ TỊCH LIÊN MINH HỢP TÁC XÃ VIỆT NAM" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Nguyễn Thị Hồng Nhung" in flat and "Bà" in flat
    assert "Đơn vị: Hợp tác xã Rau sạch Hà Nội" in flat
    assert "năm 2024" in flat
    assert "Quyết định số 15/QĐ-LMHTXVN" in flat and "ngày 06 tháng 01 năm 2025" in flat
    assert f"Mã xác minh: {certificate.code}" in flat
    fonts = _pdf_fonts(pdf, tmp_path)
    families = {re.sub(r"([-,]?(Bold|Italic|Regular|MT|PS))+$", "", name).replace("-", "")
                for name, _emb in fonts}
    assert len(families) == 1 and families <= {"LiberationSerif", "TimesNewRoman"}, fonts
    assert all(emb == "yes" for _name, emb in fonts)
    # One page, A4 landscape.
    info = subprocess.run(["pdfinfo", str(tmp_path / "c.pdf")], capture_output=True,
                          text=True).stdout
    assert re.search(r"Pages:\s+1\n", info) and "841.89 x 595.27" in info, info


@NEEDS_POPPLER
@pytest.mark.parametrize(("code", "heading", "line"), [
    ("GK", "GIẤY KHEN", "Đã có thành tích xuất sắc trong công tác năm 2024"),
    ("CSTDCS", "GIẤY CHỨNG NHẬN", "Danh hiệu “Chiến sĩ thi đua cơ sở”"),
    ("KNC", "GIẤY CHỨNG NHẬN", "Kỷ niệm chương “Vì sự nghiệp phát triển hợp tác xã”"),
])
def test_the_heading_follows_the_award(world, tmp_path, code, heading, line):
    record = _person_record(world, code=code, issuing_level="Thủ trưởng Liên minh HTX Hà Nội")

    pdf, _certificate = services_certificates.certificate_pdf(record)
    flat = " ".join(_pdf_text(pdf, tmp_path).split())

    assert heading in flat and line in flat
    assert "THỦ TRƯỞNG LIÊN MINH HTX HÀ NỘI" in flat
    if heading != "BẰNG KHEN":
        assert "BẰNG KHEN" not in flat


@NEEDS_POPPLER
def test_a_collective_certificate_names_the_collective_and_its_unit(world, tmp_path):
    record = award_record(code="BK_BCH", organization=world.coop_hanoi,
                          collective_name="Tổ sản xuất rau an toàn số 2",
                          decision_number="20/QĐ-LMHTXVN", decision_date=datetime.date(2025, 3, 9))

    pdf, _certificate = services_certificates.certificate_pdf(record)
    flat = " ".join(_pdf_text(pdf, tmp_path).split())

    assert "Tổ sản xuất rau an toàn số 2" in flat
    assert "Đơn vị: Hợp tác xã Rau sạch Hà Nội" in flat
    assert "BAN CHẤP HÀNH LIÊN MINH HỢP TÁC XÃ VIỆT NAM" in flat
    assert "ngày 09 tháng 3 năm 2025" in flat


@NEEDS_POPPLER
def test_the_certificate_renders_to_a_png_for_a_look(world, tmp_path):
    """Writes test-artifacts/certificate*.png (looked at by eye): a Bằng khen, its blank
    layout, and a collective title with a long name."""
    record = _person_record(world)
    flag = award_record(code="CTD_LM", organization=OrganizationFactory(
        parent=world.hanoi, code="HTX-HN-DAI",
        name="Hợp tác xã Dịch vụ Nông nghiệp và Tiêu thụ Nông sản An toàn Xã Đông Anh"),
        decision_number="102/QĐ-LMHTXVN", decision_date=datetime.date(2025, 12, 29))
    ARTIFACTS.mkdir(exist_ok=True)
    for rec, blank, name in ((record, False, "certificate"), (record, True, "certificate-blank"),
                             (flag, False, "certificate-title")):
        pdf, _certificate = services_certificates.certificate_pdf(rec, blank=blank)
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(path),
                        str(ARTIFACTS / name)], check=True)
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 1000


@NEEDS_POPPLER
def test_the_blank_layout_has_only_the_variable_text(world, tmp_path):
    record = _person_record(world)

    pdf, certificate = services_certificates.certificate_pdf(record, blank=True)
    flat = " ".join(_pdf_text(pdf, tmp_path).split())

    assert "Nguyễn Thị Hồng Nhung" in flat
    assert "Hợp tác xã Rau sạch Hà Nội" in flat
    assert "Bằng khen của Chủ tịch Liên minh HTX Việt Nam" in flat
    assert "15/QĐ-LMHTXVN" in flat and "2024" in flat
    assert certificate.code in flat
    for fixed in ("BẰNG KHEN", "CỘNG HÒA", "Độc lập", "Quyết định số", "TẶNG", "Đơn vị:"):
        assert fixed not in flat
    html = render_to_string("pdf/certificate_blank.html", {
        **certificate_context(record, certificate),
        "positions": services_certificates.BLANK_POSITIONS})
    assert "border" not in html


def test_a_revoked_record_has_no_certificate_to_print(world):
    record = _revoke(_person_record(world))

    with pytest.raises(CertificateRefused):
        services_certificates.certificate_pdf(record)
    assert not Certificate.objects.exists()


# --- print views -------------------------------------------------------------------------------


def test_staff_of_the_province_print_the_certificate(world, client):
    record = _person_record(world)
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:certificate_download", args=[record.pk]))
    blank = client.get(reverse("awards:certificate_blank_download", args=[record.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    code = Certificate.objects.get(record=record).code
    assert f'filename="giay-chung-nhan-{code}.pdf"' in response["Content-Disposition"]
    assert blank.status_code == 200 and f"phoi-{code}.pdf" in blank["Content-Disposition"]


@pytest.mark.parametrize("name", ["awards:certificate_download",
                                  "awards:certificate_blank_download"])
def test_an_outsider_gets_404_and_no_code_is_created(world, client, name):
    record = _person_record(world)
    client.force_login(world.users.outsider)

    assert client.get(reverse(name, args=[record.pk])).status_code == 404
    assert not Certificate.objects.exists()


def test_anonymous_users_are_sent_to_the_login_page(world, client):
    record = _person_record(world)

    response = client.get(reverse("awards:certificate_download", args=[record.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Certificate.objects.exists()


def test_a_revoked_records_certificate_is_refused_with_a_message(world, client):
    record = _revoke(_person_record(world))
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:certificate_download", args=[record.pk]), follow=True)

    assert response.redirect_chain[0][1] == 302
    assert "đã bị thu hồi: không thể in giấy chứng nhận" in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_registry_links_to_printing_without_extra_queries_or_codes(world, client):
    person = PersonFactory(organization=world.coop_hanoi, full_name="Lê Văn Tâm")
    client.force_login(world.users.staff)
    url = reverse("awards:registry_search")
    history = reverse("awards:person_awards", args=[person.pk])
    award_record(person=person, year=2022)
    client.get(url)  # warm caches (content types, rule sets)
    counts = []
    for year in (2023, 2024, 2025):
        award_record(person=person, year=year, decision_date=datetime.date(2026, 1, 5))
        with CaptureQueriesContext(connection) as search:
            page = client.get(url)
        with CaptureQueriesContext(connection) as own:
            client.get(history)
        counts.append((len(search), len(own)))

    assert len(set(counts)) == 1, counts
    html = page.content.decode()
    assert html.count("In giấy chứng nhận") == 4 and html.count("In trên phôi") == 4
    assert "In giấy chứng nhận" in client.get(history).content.decode()
    assert not Certificate.objects.exists()


def test_revoked_rows_have_no_print_link(world, client):
    record = _revoke(_person_record(world))
    client.force_login(world.users.staff)

    html = client.get(reverse("awards:person_awards", args=[record.person_id])).content.decode()

    assert reverse("awards:certificate_download", args=[record.pk]) not in html


# --- public verification -----------------------------------------------------------------------


def test_the_public_page_shows_exactly_the_four_facts(world, client):
    record = _person_record(world)
    code = certificate_for(record).code

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("public:verify", args=[code]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Thị Hồng Nhung" in html
    assert "Bằng khen của Chủ tịch Liên minh HTX Việt Nam" in html
    assert "15/QĐ-LMHTXVN" in html and "06/01/2025" in html
    assert "Còn hiệu lực" in html and "Đã bị thu hồi" not in html
    for private in ("Rau sạch", "1979", "Hà Nội", "ca-nhan", "so-khen-thuong"):
        assert private not in html
    assert response["Cache-Control"] == "no-store"
    assert len(queries) == 1
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                   for q in queries)


def test_the_public_page_says_when_the_award_was_revoked(world, client):
    record = _person_record(world)
    code = certificate_for(record).code
    _revoke(record, datetime.date(2025, 6, 2))

    response = client.get(reverse("public:verify", args=[code]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Đã bị thu hồi" in html and "đã bị hủy bỏ ngày 02/06/2025" in html
    assert "Còn hiệu lực" not in html and "Khai man" not in html and "9/QĐ" not in html
    assert response["Cache-Control"] == "no-store"


def test_codes_match_ignoring_case_and_the_form_redirects(world, client):
    code = certificate_for(_person_record(world)).code
    lower = code.lower()

    direct = client.get(f"/xac-minh/{lower}/")
    typed = client.get(reverse("public:verify_form"), {"ma": f" {lower[:4]}-{lower[4:]} "})

    assert direct.status_code == 200 and "Nguyễn Thị Hồng Nhung" in direct.content.decode()
    assert typed.status_code == 302 and typed.url == f"/xac-minh/{code}/"


@pytest.mark.parametrize("bad", [
    "../", "..%2F..%2Fetc%2Fpasswd", "A" * 500, "1' OR '1'='1",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "<script>alert(1)</script>",
    "ABCD2345X0", "abc/def",
])
def test_unknown_and_malformed_codes_get_the_same_404(world, client, bad):
    certificate_for(_person_record(world))

    unknown = client.get("/xac-minh/ABCD2345XY/")
    malformed = client.get(f"/xac-minh/{bad}/")
    typed = client.get("/xac-minh/", {"ma": bad})

    assert unknown.status_code == malformed.status_code == typed.status_code == 404
    assert "Không tìm thấy" in unknown.content.decode()
    assert malformed.content == unknown.content == typed.content
    assert "<script>" not in malformed.content.decode()


def test_the_public_pages_work_without_login_and_show_nothing_internal(world, client):
    code = certificate_for(_person_record(world)).code

    pages = [client.get("/xac-minh/"), client.get(f"/xac-minh/{code}/"),
             client.get("/xac-minh/ABCD2345XY/")]

    assert [p.status_code for p in pages] == [200, 200, 404]
    for page in pages:
        html = page.content.decode()
        assert "/khen-thuong/" not in html and "/tai-khoan/" not in html
        assert "<script" not in html and "style=" not in html and "<style" not in html
        assert page["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    # Internal pages stay closed to a visitor.
    assert client.get(reverse("awards:registry_search")).status_code == 302


def test_a_logged_in_user_sees_the_same_public_page(world, client):
    code = certificate_for(_person_record(world)).code
    client.force_login(world.users.admin)

    html = client.get(f"/xac-minh/{code}/").content.decode()

    assert "Nguyễn Thị Hồng Nhung" in html and "Rau sạch" not in html
