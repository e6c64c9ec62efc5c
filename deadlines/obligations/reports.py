"""Units' reports for an open report period: every expected author (reports.selectors) whose
report was never sent, or was returned for correction, still owes it."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.models import Organization
from reports.models import ReportPeriod, UnitReport
from reports.permissions import GROUP_WRITER_ROLES, WRITER_ROLES
from reports.selectors import expected_groups, expected_organizations

from ..models import DeadlineKind
from .base import Adapter, earliest_due, source, users_at


class UnitReportObligation(Adapter):
    """The units directly under the central body write their own report (WRITER_ROLES); a
    cluster's or bloc's report is written at its leader unit of the year (GROUP_WRITER_ROLES).
    A report counts as done only while it is "submitted": a returned one is owed again."""

    kind = DeadlineKind.UNIT_REPORT
    source_model = "reports.reportperiod"

    def specs(self, today):
        periods = list(ReportPeriod.objects.filter(status=ReportPeriod.Status.OPEN,
                                                   deadline__gte=earliest_due(today))
                       .order_by("deadline", "id"))
        if not periods:
            return []
        # The reports go up to the central body: its administrators follow them.
        root = Organization.objects.filter(kind=Organization.Kind.VCA_CENTRAL,
                                           parent__isnull=True).order_by("id").first()
        url = reverse("reports:report_list")
        return [self.spec(p, title=_("Send the report for %(period)s") % {"period": p}, url=url,
                          due_on=p.deadline, organization=root) for p in periods]

    def owing(self, deadline):
        period = source(ReportPeriod.objects.all(), deadline)
        if period is None or period.status != ReportPeriod.Status.OPEN:
            return []
        sent = UnitReport.objects.filter(period=period, status=UnitReport.Status.SUBMITTED)
        units = (expected_organizations(period)
                 .filter(~Exists(sent.filter(organization=OuterRef("pk"))))
                 .order_by().values("pk"))
        leaders = [g.leader_id for g in expected_groups(period)
                   .filter(~Exists(sent.filter(group=OuterRef("pk")))) if g.leader_id]
        return users_at(units, WRITER_ROLES, extra=[(leaders, GROUP_WRITER_ROLES)])
