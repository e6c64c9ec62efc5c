"""Citation checks: numbers found however they are typed, replaced documents named with the
replacement in force on the citing date (following the chain), nothing flagged before the
replacement, unknown numbers and hostile text ignored."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from emulation.citations import CitationIndex, Why, check_citations, number_key
from emulation.models import LegalDocument

pytestmark = pytest.mark.django_db
D = datetime.date


def numbers(flags):
    return [(f.document.number, f.why, f.replacement.number if f.replacement else None)
            for f in flags]


@pytest.mark.parametrize("typed", [
    "91/2017/NĐ-CP", "số 91/2017/NĐ-CP", "91/2017/ND-CP", "91 / 2017 / NĐ - CP", "091/2017/nd-cp",
    "Nghị định số 91/2017/NĐ-CP, Điều 4", "(91/2017/NÐ-CP)",
])
def test_a_number_is_found_however_it_is_typed(typed):
    flags = check_citations(f"Căn cứ {typed} của Chính phủ", D(2024, 6, 1))

    assert numbers(flags) == [("91/2017/NĐ-CP", Why.REPLACED, "98/2023/NĐ-CP")]


def test_number_keys_ignore_diacritics_spaces_and_leading_zeros():
    assert number_key("06/2022/QH15") == number_key("6 / 2022 / qh15") == "6/2022/qh15"
    assert number_key("1328/QĐ-TTg") == "1328/qd-ttg"


def test_the_chain_is_followed_to_the_document_in_force_on_the_citing_date():
    text = "Căn cứ Nghị định số 91/2017/NĐ-CP"

    assert numbers(check_citations(text, D(2024, 1, 1))) == [
        ("91/2017/NĐ-CP", Why.REPLACED, "98/2023/NĐ-CP")]
    assert numbers(check_citations(text, D(2025, 7, 1))) == [
        ("91/2017/NĐ-CP", Why.REPLACED, "152/2025/NĐ-CP")]


def test_a_citation_dated_before_the_replacement_is_not_flagged():
    assert check_citations("Nghị định 91/2017/NĐ-CP; Luật 15/2003/QH11", D(2023, 12, 31)) == []


def test_the_last_day_in_force_is_not_flagged_and_the_next_day_is():
    assert check_citations("98/2023/NĐ-CP", D(2025, 6, 30)) == []
    assert numbers(check_citations("98/2023/NĐ-CP", D(2025, 7, 1))) == [
        ("98/2023/NĐ-CP", Why.REPLACED, "152/2025/NĐ-CP")]


def test_a_document_cited_before_it_is_in_force_is_flagged_not_yet():
    flags = check_citations("Luật Thi đua, khen thưởng số 06/2022/QH15", D(2023, 6, 1))

    assert numbers(flags) == [("06/2022/QH15", Why.NOT_YET, None)]
    with translation.override("vi"):
        assert "01/01/2024" in flags[0].message


def test_an_ended_document_without_replacement_is_flagged_expired():
    LegalDocument.objects.create(number="12/2019/TT-BNV", doc_type="circular", issuer="Bộ Nội vụ",
                                 issued_on=D(2019, 11, 4), effective_from=D(2019, 12, 20),
                                 effective_to=D(2023, 12, 31), title="Thông tư")

    flags = check_citations("Thông tư 12/2019/TT-BNV", D(2024, 2, 1))

    assert numbers(flags) == [("12/2019/TT-BNV", Why.EXPIRED, None)]


def test_documents_in_force_and_unknown_numbers_are_ignored():
    text = ("Chỉ thị 34-CT/TW, Quyết định 1328/QĐ-TTg, Nghị định 152/2025/NĐ-CP, Công văn "
            "999/XYZ-ABC, Điều 4 - khoản 2, 12/2026, 2024-2025")

    assert check_citations(text, D(2025, 8, 1)) == []


def test_each_document_is_flagged_once_in_order_of_citation():
    text = "15/2003/QH11 … 91/2017/NĐ-CP … 15/2003/QH11"

    flags = check_citations(text, D(2025, 8, 1))

    assert [f.document.number for f in flags] == ["15/2003/QH11", "91/2017/NĐ-CP"]


@pytest.mark.parametrize("text", [
    "", None, "<script>alert(1)</script> 91/2017/NĐ-CP", "\x00\x01 91/2017/NĐ-CP \x7f",
    "1/" * 50_000, "9" * 200_000, "91/2017/NĐ-CP" + "-a" * 20_000,
])
def test_hostile_text_does_not_break_the_check(text):
    flags = check_citations(text, D(2025, 8, 1))

    assert all(f.document.number == "91/2017/NĐ-CP" for f in flags)


def test_the_message_names_the_replacement_in_vietnamese():
    with translation.override("vi"):
        flag = check_citations("91/2017/NĐ-CP", D(2025, 8, 1))[0]

        assert flag.message == ("Văn bản 91/2017/NĐ-CP đã được thay thế trước ngày 01/08/2025 "
                                "(chỉ có hiệu lực đến hết ngày 31/12/2023): cần dẫn Nghị định "
                                "152/2025/NĐ-CP.")


def test_an_index_checks_many_texts_with_one_query():
    with CaptureQueriesContext(connection) as queries:
        index = CitationIndex()
        for _ in range(20):
            index.check("91/2017/NĐ-CP và 98/2023/NĐ-CP", D(2025, 8, 1))

    assert len(queries) == 1


@pytest.mark.django_db
def test_a_law_is_found_by_its_name_and_date_of_issue():
    """Decisions cite laws as "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022", without the
    number."""
    old = "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003;"
    new = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"

    flags = check_citations(old, datetime.date(2025, 1, 5))

    assert [(f.document.number, f.replacement.number) for f in flags] == [
        ("15/2003/QH11", "06/2022/QH15")]
    assert check_citations(old, datetime.date(2023, 5, 1)) == []
    assert check_citations(new, datetime.date(2025, 1, 5)) == []
    assert check_citations("Luat thi dua, khen thuong ngay 26 thang 11 nam 2003",
                           datetime.date(2025, 1, 5))[0].document.number == "15/2003/QH11"
