"""Small text helpers for administrative documents in the format of Decree 30/2020/NĐ-CP:
number and symbol, the place and date line, amounts in đồng, legal bases and recipients.

Pure functions (no database), so that decisions, proposals, reports and certificates write
these elements the same way."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

EM_DASH = "—"

# Texts that were replaced: citing them in a document dated on or after the day shown is an
# error (domain-reference rule 36). Matched on the text of a legal basis line.


def pad_day(day: int) -> str:
    """Days 1–9 get a leading zero."""
    return f"{day:02d}"


def pad_month(month: int) -> str:
    """Months 1 and 2 get a leading zero (Decree 30/2020, Appendix I): "tháng 01", "tháng 7"."""
    return f"{month:02d}" if month < 3 else str(month)


def vietnamese_date(day: datetime.date | None, *, year: int | None = None) -> str:
    """"ngày 05 tháng 01 năm 2026". Without a date (a draft), the blanks are left for the
    clerk: "ngày     tháng     năm 2026"."""
    if day is None:
        blank = "\u00a0" * 5
        return f"ngày{blank}tháng{blank}năm {year or ''}".rstrip()
    return f"ngày {pad_day(day.day)} tháng {pad_month(day.month)} năm {day.year}"


def vietnamese_date_line(place: str, day: datetime.date | None, *,
                         year: int | None = None) -> str:
    """"Hà Nội, ngày 05 tháng 01 năm 2026" (written in italics under the motto)."""
    place = (place or "").strip()
    text = vietnamese_date(day, year=year)
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def number_symbol(number: int | None, symbol: str) -> str:
    """"05/QĐ-LMHTXVN"; numbers below 10 with a leading zero. A draft has no number yet: the
    space is left blank ("     /QĐ-LMHTXVN")."""
    if number is None:
        return f"{chr(0xa0) * 6}/{symbol}"
    return f"{number:02d}/{symbol}"


def format_number(amount) -> str:
    """1234567 → "1.234.567" (Vietnamese thousands separator); None → "—"."""
    if amount is None:
        return EM_DASH
    amount = int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", ".")


def format_vnd(amount) -> str:
    """1234567 → "1.234.567 đồng"; None (an award without a cash reward) → "—"."""
    if amount is None:
        return EM_DASH
    return f"{format_number(amount)} đồng"


def format_multiplier(multiplier) -> str:
    """Decimal("0.30") → "0,3" (decimal comma, no trailing zeros)."""
    if multiplier is None:
        return EM_DASH
    text = format(Decimal(multiplier).normalize(), "f")
    return text.replace(".", ",")


def cash_amount(multiplier, base_salary: int | None) -> int | None:
    """Multiplier × base salary, rounded to the đồng; None when either is missing."""
    if multiplier is None or base_salary is None:
        return None
    return int((Decimal(multiplier) * Decimal(base_salary)).quantize(Decimal(1),
                                                                      rounding=ROUND_HALF_UP))


def _lines(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in (text or "").splitlines()
            if line.strip()]


def punctuate_list(lines: list[str]) -> list[str]:
    """Each line ends with ";" and the last with "." (legal bases, recipients)."""
    cleaned = [line.rstrip(" ;.,") for line in lines]
    return [line + ("." if i == len(cleaned) - 1 else ";") for i, line in enumerate(cleaned)]


def legal_basis_lines(text: str) -> list[str]:
    """The legal bases as printed: each on its own line, starting "Căn cứ" (unless it is the
    closing "Xét đề nghị…"/"Theo đề nghị…" line), ending ";" and the last ".". """
    lines = []
    for line in _lines(text):
        lowered = line.lower()
        if not lowered.startswith(("căn cứ", "xét ", "theo ")):
            line = f"Căn cứ {line}"
        lines.append(line)
    return punctuate_list(lines)


def legal_bases_from_rule_set(rule_set_basis: str, *, proposal_line: str = "") -> str:
    """Prefill of a decision's legal bases from the legal basis of the rule set in force: one
    "Căn cứ …;" line per text, the last ending "."."""
    lines = _lines(rule_set_basis)
    if proposal_line:
        lines.append(proposal_line)
    return "\n".join(legal_basis_lines("\n".join(lines)))


def recipient_lines(text: str, *, archive: str = "Lưu: VT.") -> list[str]:
    """The "Nơi nhận" list: each line "- …;", the last "- Lưu: VT, …." (added when missing)."""
    lines = [line.lstrip("-–+• ").strip() for line in _lines(text)]
    lines = [line for line in lines if line]
    if not lines or not lines[-1].lower().startswith("lưu"):
        lines = [line for line in lines if not line.lower().startswith("lưu")]
        lines.append(archive)
    return [f"- {line}" for line in punctuate_list(lines)]


def issuer_lines(name: str) -> list[str]:
    """The issuing body's name in capitals on at most two lines, broken where a clerk breaks
    it: "LIÊN MINH HỢP TÁC XÃ" / "VIỆT NAM" (or the province); short names stay on one line."""
    text = upper_vi(" ".join((name or "").split()))
    for head in ("LIÊN MINH HỢP TÁC XÃ", "LIÊN MINH HTX"):
        if text.startswith(head + " ") and len(text) > 24:
            return [head, text[len(head) + 1:]]
    if len(text) <= 28:
        return [text]
    words = text.split()
    best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i]))
                                                      - len(" ".join(words[i:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


def upper_vi(text: str) -> str:
    """Capitals with diacritics kept ("Liên minh" → "LIÊN MINH")."""
    return (text or "").upper()


def pdf_stylesheet() -> str:
    """The text of static/css/pdf.css, for templates/pdf/_base.html to embed: the document
    then needs no URL fetching while it is rendered (fonts are the system's)."""
    from django.contrib.staticfiles import finders

    path = finders.find("css/pdf.css")
    if not path:
        return ""
    with open(path, encoding="utf-8") as handle:
        return handle.read()
