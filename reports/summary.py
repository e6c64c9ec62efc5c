"""The summary report as a document: its default header (number and symbol, place, summary
line, signature, recipients) and the snapshot the PDF and .docx are made from.

A snapshot is plain JSON: the header as printed, the figures as last computed and the sections
in the outline's order. The same function builds the draft (for a preview or the command) and
the finalized version, so what is finalized is exactly what the draft showed."""

import hashlib
import json

from django.utils import translation

from awards.documents import (issuer_lines, number_symbol, recipient_lines, upper_vi,
                              vietnamese_date_line)
from awards.services_decisions import archive_line, issuer_abbreviation

from .outline import OUTLINE

FIRST_HALF = "H1"
# The Alliance's own report is signed by a vice-chairman on the chairman's behalf (the reference
# report); a provincial alliance's head usually signs it.
CENTRAL_SIGNATURE = {"signer_authority": "KT.", "signer_authority_title": "CHỦ TỊCH",
                     "signer_title": "PHÓ CHỦ TỊCH"}
LOCAL_SIGNATURE = {"signer_authority": "", "signer_authority_title": "",
                   "signer_title": "CHỦ TỊCH"}
CENTRAL_RECIPIENTS = ("Ban Thi đua - Khen thưởng Trung ương",
                      "Thường trực Liên minh HTX Việt Nam",
                      "Liên minh HTX các tỉnh, thành phố",
                      "Các ban, đơn vị trực thuộc")
LOCAL_RECIPIENTS = ("Liên minh Hợp tác xã Việt Nam", "Ủy ban nhân dân tỉnh, thành phố")
# Longest first: "Liên minh Hợp tác xã Hà Nội" has neither "tỉnh" nor "thành phố".
PLACE_PREFIXES = ("Liên minh Hợp tác xã thành phố ", "Liên minh Hợp tác xã tỉnh ",
                  "Liên minh HTX thành phố ", "Liên minh HTX tỉnh ", "Liên minh Hợp tác xã ",
                  "Liên minh HTX ")


def scope(organization):
    """The organization whose subtree the figures cover; None (the whole system) for the
    central body."""
    return None if organization.parent_id is None else organization


def default_summary_line(year: int, half: str) -> str:
    if half == FIRST_HALF:
        return (f"Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {year}, "
                f"nhiệm vụ công tác 6 tháng cuối năm {year}")
    return (f"Tổng kết công tác thi đua, khen thưởng năm {year}, "
            f"phương hướng, nhiệm vụ năm {year + 1}")


def default_place(organization) -> str:
    if organization.parent_id is None or organization.is_central:
        return "Hà Nội"
    for prefix in PLACE_PREFIXES:
        if organization.name.startswith(prefix):
            return organization.name[len(prefix):]
    return ""


def default_header(period, organization) -> dict:
    """Field values of a new SummaryReport (the number and the date are the clerk's)."""
    central = organization.parent_id is None
    recipients = CENTRAL_RECIPIENTS if central else LOCAL_RECIPIENTS
    return {
        "symbol": f"BC-{issuer_abbreviation(organization)}",
        "place": default_place(organization),
        "summary_line": default_summary_line(period.year, period.half),
        **(CENTRAL_SIGNATURE if central else LOCAL_SIGNATURE),
        "recipients": "\n".join([*recipients, archive_line(organization)]),
    }


def _summary_lines(text: str) -> list[str]:
    """The summary printed on two lines as the reference does: the results, then (after the
    comma) the tasks of the next period; a short or differently worded summary stays whole."""
    text = " ".join((text or "").split())
    for joint in (", phương hướng", ", nhiệm vụ"):
        head, found, tail = text.partition(joint)
        if found and len(text) > 70:
            return [f"{head},", f"{found[2:]}{tail}"]
    return [text] if text else []


def header(report) -> dict:
    """The header and signature of the document as printed."""
    organization, period = report.organization, report.period
    return {
        # The Alliance prints no parent body above its name (domain reference §7); a provincial
        # alliance's parent is not set in the data, so none is printed either.
        "parent_lines": [],
        "issuer_lines": issuer_lines(organization.name),
        "number": number_symbol(report.number, report.symbol),
        "date_line": vietnamese_date_line(report.place, report.issued_on, year=period.year),
        "type_name": "BÁO CÁO",
        "summary_lines": _summary_lines(report.summary_line),
        "authority": report.signer_authority,
        "authority_title": upper_vi(report.signer_authority_title),
        "signer_title": upper_vi(report.signer_title),
        "signer_name": report.signer_name,
        "recipients": recipient_lines(report.recipients,
                                      archive=f"Lưu: VT, {issuer_abbreviation(organization)}."),
    }


def sections(bodies: dict) -> list[dict]:
    """The outline with the bodies, titles in Vietnamese whatever the request's language."""
    with translation.override("vi"):
        return [{"key": s.key, "number": s.number, "title": str(s.title), "level": s.level,
                 "has_body": s.has_body, "body": bodies.get(s.key, "") if s.has_body else ""}
                for s in OUTLINE]


def build_snapshot(report, *, bodies: dict | None = None, is_draft: bool = True) -> dict:
    """The document data of a report (saved or not). `bodies` defaults to its sections."""
    if bodies is None:
        bodies = dict(report.sections.values_list("key", "body"))
    period = report.period
    return {
        "version": report.version,
        "is_draft": is_draft,
        "period": {"code": period.code, "year": period.year, "half": period.half,
                   "start": period.start.isoformat(), "end": period.end.isoformat()},
        "header": header(report),
        "figures": report.figures,
        "sections": sections(bodies),
    }


def content_hash(snapshot: dict) -> str:
    """SHA-256 of the snapshot's canonical JSON: the same content gives the same hash."""
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_name(report, extension: str, version: int | None = None) -> str:
    """"bao-cao-2021-H1-LMHTXVN-v1.pdf" (ASCII, no spaces: safe in every browser)."""
    suffix = f"-v{version}" if version else "-du-thao"
    return f"bao-cao-{report.period.code}-{issuer_abbreviation(report.organization)}{suffix}" \
           f".{extension}"
