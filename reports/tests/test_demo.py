"""`make run` shows the reports at work: a closed year whose summary report is finalized, and
an open half-year whose deadline has passed with reports on time, late and missing."""

import datetime
import hashlib
import subprocess

import pytest

from clusters.demo import DemoBuilder
from reports import selectors
from reports.models import ReportPeriod, SummaryReport, UnitReport

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_finalized_annual_report_and_a_half_year_with_late_units():
    DemoBuilder().build()

    year = ReportPeriod.objects.get(year=2025, half="FY")
    assert year.status == ReportPeriod.Status.CLOSED
    report = SummaryReport.objects.get(period=year)
    assert (report.status, report.version) == (SummaryReport.Status.FINALIZED, 1)
    version = report.versions.get()
    assert version.pdf_sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=bytes(version.pdf),
                          capture_output=True, check=True).stdout.decode()
    assert "Số: 03/BC-LMHTXVN" in text
    assert "Hà Nội, ngày 12 tháng 01 năm 2026" in text
    assert "Tổng kết công tác thi đua, khen thưởng năm 2025," in text
    assert "Lê Văn Hội" in text

    half = ReportPeriod.objects.get(year=2026, half="H1")
    sent = {r.organization.code: r.late for r in UnitReport.objects.filter(period=half)
            .select_related("organization", "period")}
    assert sent == {"VP": False, "LM-HA-NOI": False, "LM-LAM-DONG": True}
    counts = {state: n for state, _label, n in selectors.period_dashboard(half)["counts"]}
    assert (counts[selectors.ON_TIME], counts[selectors.LATE]) == (2, 1)
    assert counts[selectors.NOT_STARTED] > 30  # the other units have sent nothing
    assert not SummaryReport.objects.filter(period=half).exists()
    whole = ReportPeriod.objects.get(year=2026, half="FY")
    assert (whole.status, whole.deadline) == (ReportPeriod.Status.OPEN, datetime.date(2027, 1, 15))
