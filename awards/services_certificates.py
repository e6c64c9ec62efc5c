"""Certificates of award records (Bằng khen, Giấy khen, Giấy chứng nhận of a title) and the
public verification behind their QR code.

Each award record gets one Certificate row, created the first time the certificate is printed
(never when a list is shown). Its 10-character code, from an alphabet without look-alikes,
is printed in words ("Mã xác minh: ABCD2345XY") and as a QR code linking to the public page
`public:verify` (xac-minh/<code>/), which shows only the recipient's name, the award, the
decision number and date, and whether the award has been revoked.

`Certificate.get_absolute_url` still names "awards:verify", which does not exist: the public
page lives outside the logged-in app, so build its address with `verification_url()`."""

import datetime
import re

import segno
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from .models import AwardRecord, AwardType, Certificate
from .models.decisions import new_verification_code

# The alphabet and length of new_verification_code(): no 0/O, no 1/I/L.
CODE_ALPHABET = frozenset("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
CODE_LENGTH = 10
# Longer input is refused before any processing (a public form and URL).
MAX_INPUT_LENGTH = 40
CODE_ATTEMPTS = 5

# The QR code: error correction "M" survives a fold or a stamp over a corner; printed at
# about 22 mm, which a phone reads from a metre.
QR_ERROR = "m"
# Inline SVG markup (no URL to fetch while rendering); the size comes from the stylesheet.
QR_SVG = {"scale": 1, "border": 0, "dark": "#000", "omitsize": True, "svgclass": "qr",
          "lineclass": None}


class CertificateRefused(Exception):
    """The record's certificate may not be printed (the award has been revoked)."""


def normalize_code(raw) -> str | None:
    """The code as stored, from what someone typed or scanned: case does not matter, and
    spaces and hyphens are ignored ("abcd-2345 xy"). None when it cannot be a code."""
    if not isinstance(raw, str) or len(raw) > MAX_INPUT_LENGTH:
        return None
    code = re.sub(r"[\s\-‐‑–]+", "", raw).upper()
    if len(code) != CODE_LENGTH or not set(code) <= CODE_ALPHABET:
        return None
    return code


def format_code(code: str) -> str:
    """As printed: the whole code, easy to read back ("ABCD2345XY")."""
    return code


def certificate_for(record: AwardRecord) -> Certificate:
    """The record's certificate, created with a fresh unique code on first use. A code that
    collides with another certificate's (rare: 31^10 codes) is drawn again; two people printing
    the same record at once get the same row."""
    existing = Certificate.objects.filter(record=record).first()
    if existing is not None:
        return existing
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Certificate.objects.create(record=record, code=new_verification_code())
        except IntegrityError:
            existing = Certificate.objects.filter(record=record).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not draw a unique verification code")


def verification_path(code: str) -> str:
    return reverse("public:verify", args=[code])


def verification_url(certificate: Certificate) -> str:
    """The absolute address the QR code carries: SITE_URL + xac-minh/<code>/."""
    return settings.SITE_URL.rstrip("/") + verification_path(certificate.code)


def qr_code(payload: str):
    return segno.make(payload, error=QR_ERROR, micro=False)


def qr_svg(payload: str) -> str:
    """The QR code as inline SVG markup, put straight into the HTML the PDF is made from: no
    image URL to fetch (the renderer's fetcher allows only data: and static: URLs)."""
    return qr_code(payload).svg_inline(**QR_SVG)


# --- what the certificate says -----------------------------------------------------------------

# The authority line when the record does not name its issuer (issuing_level).
AUTHORITY_BY_LEVEL = {
    AwardType.GrantingLevel.ALLIANCE_CHAIRMAN: "Chủ tịch Liên minh Hợp tác xã Việt Nam",
    AwardType.GrantingLevel.ALLIANCE_COMMITTEE: "Ban Chấp hành Liên minh Hợp tác xã Việt Nam",
    AwardType.GrantingLevel.PRIME_MINISTER: "Thủ tướng Chính phủ",
    AwardType.GrantingLevel.STATE_PRESIDENT: "Chủ tịch nước Cộng hòa xã hội chủ nghĩa Việt Nam",
}


def _upper(text: str) -> str:
    # "HTX" stays as it is; Vietnamese letters upper-case correctly in Python.
    return text.upper()


def certificate_heading(award_type: AwardType) -> dict:
    """The document's heading and what follows it: "BẰNG KHEN", "GIẤY KHEN", or "GIẤY CHỨNG
    NHẬN" with the title or commemorative medal named below it."""
    name = award_type.name.strip()
    lowered = name.lower()
    if lowered.startswith("bằng khen"):
        return {"heading": "BẰNG KHEN", "verb": "TẶNG", "award_line": "",
                "is_title": False}
    if lowered.startswith("giấy khen"):
        return {"heading": "GIẤY KHEN", "verb": "TẶNG", "award_line": "", "is_title": False}
    is_title = award_type.category == AwardType.Category.EMULATION_TITLE
    prefix = "Danh hiệu" if is_title and not lowered.startswith("cờ") else ""
    award_line = f"{prefix} “{name}”" if prefix else name
    return {"heading": "GIẤY CHỨNG NHẬN", "verb": "", "award_line": award_line,
            "is_title": is_title}


def authority_line(record: AwardRecord) -> str:
    issuer = (record.issuing_level or "").strip()
    if not issuer:
        level = record.granting_level or record.award_type.granting_level
        issuer = AUTHORITY_BY_LEVEL.get(level, "")
    if not issuer:
        issuer = f"Thủ trưởng {record.organization_name_then}"
    return _upper(issuer)


def _date_parts(day: datetime.date) -> tuple[str, str, str]:
    """Days 1–9 and months 1–2 with a leading zero (Decree 30): ("05", "01", "2025")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}", month, str(day.year)


def vietnamese_date(day: datetime.date) -> str:
    """"ngày 05 tháng 01 năm 2025", "ngày 10 tháng 7 năm 2025"."""
    d, m, y = _date_parts(day)
    return f"ngày {d} tháng {m} năm {y}"


def recipient_prefix(record: AwardRecord) -> str:
    if record.person_id:
        gender = getattr(record.person, "gender", "")
        return {"M": "Ông", "F": "Bà"}.get(gender, "Ông/Bà")
    return ""


def certificate_context(record: AwardRecord, certificate: Certificate) -> dict:
    """Everything both layouts print."""
    url = verification_url(certificate)
    heading = certificate_heading(record.award_type)
    return {
        "record": record,
        "certificate": certificate,
        **heading,
        "recipient_prefix": recipient_prefix(record),
        "recipient_name": record.recipient_name,
        "unit": record.organization_name_then,
        "show_unit": record.organization_name_then != record.recipient_name,
        "award_name": record.award_type.name,
        "year": record.achievement_year,
        "decision_number": record.decision_number,
        "decision_date": vietnamese_date(record.decision_date),
        "decision_date_parts": _date_parts(record.decision_date),
        "authority": authority_line(record),
        "code": format_code(certificate.code),
        "verification_url": url,
        "qr": qr_svg(url),
    }


def certificate_pdf(record: AwardRecord, *, blank: bool = False) -> tuple[bytes, Certificate]:
    """The printable certificate (or only its variable text, for pre-printed blanks)."""
    from reports.pdf import render_pdf

    if record.revoked:
        raise CertificateRefused
    certificate = certificate_for(record)
    context = certificate_context(record, certificate)
    if blank:
        context["positions"] = BLANK_POSITIONS
    template = "pdf/certificate_blank.html" if blank else "pdf/certificate.html"
    return render_pdf(template, context), certificate


# --- printing on pre-printed blanks ("in trên phôi") -------------------------------------------
# Where each variable text goes on the offices' pre-printed A4 landscape blanks, in millimetres
# from the top-left corner of the sheet: (top, left, width). Centred texts span `width` from
# `left`. Measure a blank and change the numbers here only; the template reads them.
BLANK_POSITIONS = {
    "name": {"top": 92, "left": 48, "width": 201},       # recipient's name, large, centred
    "unit": {"top": 106, "left": 48, "width": 201},      # the unit on the decision day
    "award": {"top": 117, "left": 48, "width": 201},     # the award (title, form)
    "year": {"top": 127, "left": 160, "width": 30},      # achievement year after "năm"
    "decision_number": {"top": 171, "left": 62, "width": 60},  # after "Quyết định số"
    "decision_day": {"top": 178, "left": 44, "width": 12},     # after "ngày"
    "decision_month": {"top": 178, "left": 70, "width": 12},   # after "tháng"
    "decision_year": {"top": 178, "left": 94, "width": 18},    # after "năm"
    "code": {"top": 192, "left": 30, "width": 100},      # "Mã xác minh: …" (not on the blank)
    "qr": {"top": 168, "left": 256, "size": 18},         # small QR, bottom right
}
