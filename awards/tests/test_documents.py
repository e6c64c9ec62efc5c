"""Text helpers of administrative documents (Decree 30/2020/NĐ-CP)."""

import datetime
from decimal import Decimal

import pytest

from awards import documents as d


@pytest.mark.parametrize("day, expected", [
    (datetime.date(2026, 1, 5), "Hà Nội, ngày 05 tháng 01 năm 2026"),
    (datetime.date(2026, 2, 9), "Hà Nội, ngày 09 tháng 02 năm 2026"),
    (datetime.date(2021, 6, 18), "Hà Nội, ngày 18 tháng 6 năm 2021"),
    (datetime.date(2025, 3, 1), "Hà Nội, ngày 01 tháng 3 năm 2025"),
    (datetime.date(2025, 12, 31), "Hà Nội, ngày 31 tháng 12 năm 2025"),
])
def test_date_line_pads_days_below_10_and_months_1_and_2(day, expected):
    assert d.vietnamese_date_line("Hà Nội", day) == expected


def test_date_line_of_a_draft_leaves_blanks():
    line = d.vietnamese_date_line("Hà Nội", None, year=2026)

    assert line.startswith("Hà Nội, ngày") and line.endswith("năm 2026")
    assert " ".join(line.split()) == "Hà Nội, ngày tháng năm 2026"


@pytest.mark.parametrize("number, expected", [
    (1, "01/QĐ-LMHTXVN"), (9, "09/QĐ-LMHTXVN"), (10, "10/QĐ-LMHTXVN"), (599, "599/QĐ-LMHTXVN"),
])
def test_number_symbol(number, expected):
    assert d.number_symbol(number, "QĐ-LMHTXVN") == expected


def test_number_symbol_of_a_draft_is_blank():
    assert d.number_symbol(None, "TTr-LMHTXVN").strip() == "/TTr-LMHTXVN"


@pytest.mark.parametrize("amount, expected", [
    (1_234_567, "1.234.567 đồng"), (702_000, "702.000 đồng"), (0, "0 đồng"), (999, "999 đồng"),
    (None, "—"),
])
def test_format_vnd(amount, expected):
    assert d.format_vnd(amount) == expected


def test_format_multiplier_uses_a_decimal_comma():
    assert d.format_multiplier(Decimal("0.30")) == "0,3"
    assert d.format_multiplier(Decimal("4.5")) == "4,5"
    assert d.format_multiplier(Decimal("3")) == "3"
    assert d.format_multiplier(None) == "—"


def test_cash_amount_rounds_to_the_dong():
    assert d.cash_amount(Decimal("0.3"), 2_340_000) == 702_000
    assert d.cash_amount(Decimal("4.5"), 2_340_000) == 10_530_000
    assert d.cash_amount(Decimal("0.33"), 1_490_001) == 491_700
    assert d.cash_amount(None, 2_340_000) is None
    assert d.cash_amount(Decimal("1"), None) is None


def test_legal_bases_each_start_with_can_cu_and_end_with_semicolon_and_last_with_period():
    text = ("Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\n"
            "  Nghị định số 152/2025/NĐ-CP ngày 14/6/2025 của Chính phủ.  \n\n"
            "Căn cứ Điều lệ Liên minh Hợp tác xã Việt Nam\n"
            "Xét đề nghị của Trưởng Ban Tổ chức cán bộ")

    assert d.legal_basis_lines(text) == [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14/6/2025 của Chính phủ;",
        "Căn cứ Điều lệ Liên minh Hợp tác xã Việt Nam;",
        "Xét đề nghị của Trưởng Ban Tổ chức cán bộ.",
    ]


def test_legal_bases_prefill_from_a_rule_set():
    basis = ("Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\nNghị định số 152/2025/NĐ-CP "
             "ngày 14/6/2025 của Chính phủ quy định chi tiết.")

    text = d.legal_bases_from_rule_set(basis, proposal_line="Xét đề nghị của Trưởng Ban Tổ chức "
                                                              "cán bộ.")

    assert text.splitlines() == [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14/6/2025 của Chính phủ quy định chi tiết;",
        "Xét đề nghị của Trưởng Ban Tổ chức cán bộ.",
    ]


def test_recipients_end_with_the_archive_line():
    assert d.recipient_lines("Như Điều 3\n- Ban Thi đua - Khen thưởng Trung ương;",
                             archive="Lưu: VT, TCCB.") == [
        "- Như Điều 3;", "- Ban Thi đua - Khen thưởng Trung ương;", "- Lưu: VT, TCCB."]
    assert d.recipient_lines("- Như trên;\n- Lưu: VT, TCCB") == ["- Như trên;", "- Lưu: VT, TCCB."]
    assert d.recipient_lines("") == ["- Lưu: VT."]


def test_upper_keeps_diacritics():
    assert d.upper_vi("Liên minh Hợp tác xã Việt Nam") == "LIÊN MINH HỢP TÁC XÃ VIỆT NAM"


def test_issuer_lines_break_like_a_clerk():
    assert d.issuer_lines("Liên minh Hợp tác xã Việt Nam") == ["LIÊN MINH HỢP TÁC XÃ", "VIỆT NAM"]
    assert d.issuer_lines("Liên minh Hợp tác xã Hà Nội") == ["LIÊN MINH HỢP TÁC XÃ", "HÀ NỘI"]
    assert d.issuer_lines("Văn phòng") == ["VĂN PHÒNG"]
