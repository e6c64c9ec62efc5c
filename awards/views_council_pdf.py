"""The minutes and the counting record of a council meeting, as PDFs (issue 5, part 6). Only
after the vote is closed (403 before); a meeting the user may not open answers 404."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _

from . import permissions
from .council_documents import file_name, minutes_context
from reports.pdf import render_pdf
from .selectors_council import get_meeting_for_user

TEMPLATES = {"minutes": "pdf/council_minutes.html", "count": "pdf/council_count.html"}


def _document(request, pk, kind: str) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    if not permissions.can_view_results(request.user, meeting):
        raise PermissionDenied(_("The minutes exist once voting is closed."))
    content = render_pdf(TEMPLATES[kind], minutes_context(meeting))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_name(meeting, kind)}"'
    return response


@login_required
def meeting_minutes_pdf(request, pk):
    """Biên bản họp Hội đồng Thi đua - Khen thưởng."""
    return _document(request, pk, "minutes")


@login_required
def meeting_count_pdf(request, pk):
    """Biên bản kiểm phiếu."""
    return _document(request, pk, "count")
