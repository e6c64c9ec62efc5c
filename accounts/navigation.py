"""The application's navigation, by area. An item shows only to users its predicate admits."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _



from awards import permissions as award_permissions
from awards import permissions_council_nav as council_nav
from clusters.permissions import can_import

from . import permissions

def _appraisal(name):
    """A predicate of awards.selectors_appraisal, imported when first asked (no import cycle)."""

    def allowed(user):
        from awards import selectors_appraisal

        return getattr(selectors_appraisal, name)(user)

    return allowed


NAVIGATION = [
    (_("Emulation"), [
        (_("Emulation clusters and blocs"), "clusters:group_list", lambda u: True),
        (_("Organizations"), "clusters:organization_list", lambda u: True),
        (_("People"), "clusters:person_list", lambda u: True),
        (_("Emulation movements"), "emulation:movement_list", lambda u: True),
        (_("Emulation registrations"), "emulation:registration_list", lambda u: True),
        (_("Legal documents"), "emulation:document_list", lambda u: True),
        (_("Scoring rounds"), "emulation:round_list", lambda u: True),
        (_("Groups outside the Alliance"), "emulation:external_group_list", lambda u: __import__("emulation.permissions_groups", fromlist=["_"]).can_view_external_groups(u)),
        (_("Fairness of scoring"), "emulation:fairness_index", lambda u: __import__("emulation.permissions_fairness", fromlist=["_"]).can_open_fairness_index(u)),
    ]),
    (_("Awards"), [
        (_("Award registry"), "awards:registry_search", award_permissions.can_view_registry),
        (_("Award decisions"), "awards:decision_list", award_permissions.can_view_registry),
        (_("Eligibility check"), "awards:eligibility", award_permissions.can_view_registry),
        (_("Award cycles"), "awards:cycle_list", award_permissions.can_view_award_types),
        (_("Nomination dossiers"), "awards:dossier_list", award_permissions.can_view_award_types),
        (_("Appraise dossiers"), "awards:appraisal_queue", _appraisal("can_open_appraisal_queue")),
        (_("Emulation and Commendation Council"), "awards:council_list", council_nav.can_open_councils),
        (_("Council meetings"), "awards:meeting_list", council_nav.can_open_meetings),
        (_("Dossiers sent by member units"), "awards:member_dossier_queue",
         _appraisal("can_open_member_queue")),
        (_("Award types"), "awards:award_type_list", award_permissions.can_view_award_types),
        (_("Rule sets"), "awards:rule_set_list", award_permissions.can_view_rule_sets),
    ]),
    (_("Reports"), [
        (_("Report periods"), "reports:period_list", lambda u: __import__("reports.permissions", fromlist=["_"]).can_view_periods(u)),
        (_("Reports of the unit"), "reports:report_list", lambda u: __import__("reports.permissions", fromlist=["_"]).writes_reports(u)),
    ]),
    (_("Administration"), [
        (_("Users"), "accounts:user_list", permissions.can_administer),
        (_("Set up clusters and blocs for a new year"), "clusters:group_copy_year", permissions.can_administer),
        (_("Import from spreadsheets"), "clusters:import_start", can_import),
        (_("Public holidays"), "deadlines:holiday_list", permissions.is_central_admin),
        (_("Deadlines and reminders"), "deadlines:deadline_list", permissions.can_administer),
        (_("System administration site"), "admin:index", permissions.can_use_django_admin),
        (_("Audit trail"), "accounts:audit_trail",
         lambda u: __import__("accounts.selectors_audit", fromlist=["_"]).can_search_audit_trail(u)),
    ]),
]


def navigation_for(user):
    areas = []
    for area, items in NAVIGATION:
        visible = [(label, reverse(name)) for label, name, allowed in items if allowed(user)]
        if visible:
            areas.append({"label": area, "items": visible})
    return areas
