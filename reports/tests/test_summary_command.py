"""`python manage.py build_summary_report` (issue 7 §7): PDF, JSON, .xlsx and .docx from current data, the
Vietnamese refusals with exit status 2, and no file written on refusal."""

import datetime
import io
import json
import re
import subprocess

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext

from awards.tests.factories import award_record
from clusters.tests.factories import PersonFactory

D = datetime.date


@pytest.fixture
def awards(world):
    award_record(code="LDTT", year=2020, person=PersonFactory(organization=world.coop_hanoi),
                 decision_date=D(2021, 6, 30))
    award_record(code="LDTT", year=2020, person=PersonFactory(organization=world.office),
                 decision_date=D(2021, 7, 1))
    award_record(code="TTLDXS", year=2020, organization=world.hanoi,
                 decision_date=D(2021, 2, 1), collective_name="=HYPERLINK(\"http://x\")")
    award_record(code="GK", year=2020, organization=world.coop_hue,
                 decision_date=D(2021, 3, 1))


def _vi(msgid, **values):
    """The message as the command prints it (Vietnamese once the catalog has the msgid)."""
    with translation.override("vi"):
        return gettext(msgid) % values


def _run(*args):
    out = io.StringIO()
    call_command("build_summary_report", *args, stdout=out)
    return out.getvalue()


def test_json_of_the_first_half(awards, tmp_path):
    target = tmp_path / "bao-cao.json"

    _run("--period", "2021-H1", "--format", "json", "--out", str(target))

    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["period"] == "2021-H1"
    assert sorted((a["award_code"], a["recipient_kind"], a["count"]) for a in data["awards"]) == [
        ("GK", "collective", 1), ("LDTT", "individual", 1), ("TTLDXS", "collective", 1)]
    assert data["cooperative_share_percent"] == 66.7
    assert data["organization"] is None


def test_json_of_the_whole_year_for_one_organization(world, awards, tmp_path):
    target = tmp_path / "bao-cao.json"

    _run("--period", "2021", "--format", "json", "--out", str(target),
         "--organization", world.hanoi.code.lower())

    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["period"] == "2021"
    assert sorted((a["award_code"], a["count"]) for a in data["awards"]) == [
        ("LDTT", 1), ("TTLDXS", 1)]
    assert data["cooperative_share_percent"] == 50.0
    assert data["organization"]["name"] == world.hanoi.name


def test_xlsx_has_one_sheet_per_table_and_no_formula(awards, tmp_path):
    target = tmp_path / "bao-cao.xlsx"

    _run("--period", "2021-H1", "--format", "xlsx", "--out", str(target))

    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [
        "Tổng hợp số liệu", "Khen thưởng", "Khen thưởng cấp Nhà nước", "Phong trào hết hiệu lực",
        "Báo cáo nộp muộn", "Khen thưởng theo cụm, khối", "Phụ lục khen thưởng"]
    summary, awards_sheet = book.worksheets[0], book.worksheets[1]
    rows = list(awards_sheet.iter_rows(values_only=True))
    assert [(row[0], row[3]) for row in rows[1:]] == [("LDTT", 1), ("TTLDXS", 1), ("GK", 1)]
    assert all(cell.data_type != "f" for row in summary.iter_rows() for cell in row)
    assert all(cell.data_type != "f" for row in awards_sheet.iter_rows() for cell in row)
    values = {row[0].value: row[1].value for row in summary.iter_rows(min_row=2)}
    assert 66.7 in values.values()
    assert "2021-H1" in values.values()


def test_pdf_is_a_draft_report_built_from_the_records(awards, tmp_path):
    target = tmp_path / "bao-cao.pdf"

    _run("--period", "2021-H1", "--format", "PDF", "--out", str(target))

    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert target.read_bytes().startswith(b"%PDF-")
    assert "DỰ THẢO" in text
    assert "BÁO CÁO" in text
    assert "6 tháng đầu năm 2021" in text
    assert "/BC-LMHTXVN" in text
    # The three awards decided in the first half, whatever their achievement year.
    assert re.search(r"Tổng cộng\s+\S+\s+\S+\s+3\b", text)


def test_docx_is_the_same_draft_in_word(awards, tmp_path):
    import docx

    target = tmp_path / "bao-cao.docx"

    _run("--period", "2021", "--format", "docx", "--out", str(target))

    document = docx.Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows
                      for cell in row.cells)
    assert "BÁO CÁO" in text
    assert "Tổng kết công tác thi đua, khen thưởng năm 2021," in text
    assert "LIÊN MINH HỢP TÁC XÃ" in cells


def test_an_unknown_format_is_refused_and_writes_nothing(world, tmp_path):
    target = tmp_path / "bao-cao.out"

    with pytest.raises(CommandError) as error:
        _run("--period", "2021-H1", "--format", "odt", "--out", str(target))

    assert error.value.returncode == 2
    assert str(error.value) == _vi(
        "Unknown format %(format)s: choose pdf, json, xlsx or docx.", format="odt")
    assert not target.exists()


BAD_PERIOD = ("The period must be a year followed by -H1 for the first six months, or the year "
              "alone for the whole year.")


@pytest.mark.parametrize(("args", "message"), [
    (("--period", "2021-H2", "--format", "json"), (BAD_PERIOD, {})),
    (("--period", "", "--format", "json"), (BAD_PERIOD, {})),
    (("--period", "=1+1", "--format", "xlsx"), (BAD_PERIOD, {})),
    (("--period", "2021-H1", "--format", "csv"),
     ("Unknown format %(format)s: choose pdf, json, xlsx or docx.", {"format": "csv"})),
    (("--period", "2021-H1", "--format", "json", "--organization", "KHONG-CO"),
     ("No organization has the code %(code)s.", {"code": "KHONG-CO"})),
])
def test_refusals_exit_2_in_vietnamese_and_write_nothing(world, tmp_path, args, message):
    target = tmp_path / "bao-cao.json"

    with pytest.raises(CommandError) as error:
        _run(*args, "--out", str(target))

    assert error.value.returncode == 2
    assert str(error.value) == _vi(message[0], **message[1])
    assert not target.exists()
