"""The in-app user guide (issue 9): one page per area under /huong-dan/, and the rule that
picks the guide page for the page a user is on (the "Hướng dẫn" link in the header).

The guide's prose is Vietnamese written directly in templates/help/ (the one place the project
allows it): it is long, task-oriented text for staff, not interface labels."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

# slug in the URL -> template. The order is the order of the index page.
PAGES = {
    "thi-dua": "help/thi_dua.html",
    "ho-so": "help/ho_so.html",
    "tham-dinh": "help/tham_dinh.html",
    "hoi-dong": "help/hoi_dong.html",
    "bao-cao": "help/bao_cao.html",
    "han-nop": "help/han_nop.html",
    "tai-khoan": "help/tai_khoan.html",
}

# Views of the awards app, by the guide page that explains them. Anything else in awards (the
# registry, decisions, catalogues, rule sets) has no page of its own: it goes to the index.
_AWARDS = {
    "ho-so": {
        "cycle_list", "cycle_create", "cycle_detail", "cycle_update", "cycle_set_status",
        "cycle_extend", "dossier_create", "dossier_list", "dossier_detail", "dossier_submit",
        "candidate_search", "nomination_create", "nomination_update", "nomination_delete",
        "document_create", "document_download", "document_delete", "delegation_list",
        "delegation_revoke", "eligibility", "nomination_import", "nomination_import_preview",
        "nomination_import_template",
    },
    "tham-dinh": {
        "appraisal_queue", "member_dossier_queue", "dossier_appraisal", "nomination_appraise",
        "dossier_return", "dossier_accept", "dossier_mark_appraised", "public_notice",
    },
}
# Whole namespaces that map to one page; clusters only for its emulation groups (cụm, khối).
_NAMESPACES = {"emulation": "thi-dua", "reports": "bao-cao", "deadlines": "han-nop",
               "accounts": "tai-khoan"}
_CLUSTER_GROUP_VIEWS = {"group_list", "group_detail", "group_year_edit", "group_copy_year"}


def help_slug_for(match) -> str | None:
    """The guide page for a resolved URL (request.resolver_match), or None for the index."""
    if match is None:
        return None
    namespace, name = match.namespace, match.url_name or ""
    if namespace == "help":
        return match.kwargs.get("slug") if match.kwargs.get("slug") in PAGES else None
    if namespace == "awards":
        for slug, names in _AWARDS.items():
            if name in names:
                return slug
        # The council: councils, terms, members, meetings, agenda, ballots, receipts.
        if (name.startswith(("council_", "term_", "member_", "meeting_", "agenda_", "ballot_"))
                or name in {"written_opinion", "receipt_check", "recusal_declare"}):
            return "hoi-dong"
        return None
    if namespace == "clusters":
        return "thi-dua" if name in _CLUSTER_GROUP_VIEWS else None
    return _NAMESPACES.get(namespace)


@login_required
def index(request):
    return render(request, "help/index.html")


@login_required
def page(request, slug):
    if slug not in PAGES:
        raise Http404
    from accounts.reauth import MAX_FAILURES

    # Figures the guide quotes come from the rules themselves, so the text cannot go stale.
    return render(request, PAGES[slug], {
        "reauth_minutes": settings.REAUTH_SECONDS // 60, "reauth_max_failures": MAX_FAILURES})
