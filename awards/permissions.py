"""Predicates for the award catalogue and the rule sets. Both are system-wide: only central
administrators change them."""

from accounts.permissions import is_central_admin
from accounts.scoping import active_role, sees_everything


def can_view_award_types(user) -> bool:
    """Everyone with a role nominates for awards and reads their names."""
    return active_role(user) is not None


def can_manage_award_types(user) -> bool:
    return is_central_admin(user)


def can_view_rule_sets(user) -> bool:
    """Central roles (administrators, appraisers, council members, leadership) read the
    thresholds they apply; provincial users see the verdicts that cite them."""
    return sees_everything(user)


def can_manage_rule_sets(user) -> bool:
    return is_central_admin(user)


def can_view_registry(user) -> bool:
    """Everyone with a role reads the registry, each within their organization scope."""
    return active_role(user) is not None


# --- facts for the eligibility rules: assessments, initiatives, discipline ---------------------
# Objects are looked up in the user's scope first (404 outside it); these answer what the user
# may do with what they can see.


def can_view_person_facts(user, person) -> bool:
    from clusters.permissions import can_view_person

    return can_view_person(user, person)


def can_edit_person_facts(user, person) -> bool:
    """Administrators, unit staff and unit heads, within their scope."""
    from clusters.permissions import can_edit_person

    return can_edit_person(user, person)


def can_view_discipline(user, person) -> bool:
    """Discipline is sensitive: those who record it read it, and so do the appraisers who must
    weigh it (the eligibility verdicts name a measure that excludes an award)."""
    from accounts.models import Role
    from accounts.permissions import has_role

    return can_edit_person_facts(user, person) or (
        has_role(user, Role.APPRAISER) and can_view_person_facts(user, person))


def can_view_collective_facts(user, organization) -> bool:
    from clusters.permissions import can_view_organization

    return can_view_organization(user, organization)


def can_edit_collective_facts(user, organization) -> bool:
    from clusters.permissions import can_manage_people_of

    return is_central_admin(user) or can_manage_people_of(user, organization)


# --- cycles and dossiers -----------------------------------------------------------------------
# Dossiers are looked up in the user's scope first (awards.selectors_dossiers; 404 outside it);
# these say what the user may do with one they can see.


def _role_at(user, organization) -> bool:
    role = active_role(user)
    return bool(role and role.organization_id == organization.pk)


def can_manage_cycles_of(user, organizer) -> bool:
    """Administrators of the organizing body (or central administrators) open and run its
    cycles: the Alliance's, or a provincial alliance's for its own Giấy khen."""
    from accounts.models import Role
    from accounts.permissions import has_role
    from accounts.scoping import can_see_organization

    return has_role(user, Role.ADMIN) and can_see_organization(user, organizer)


def can_prepare_dossier_for(user, organization) -> bool:
    from accounts.models import Role
    from accounts.permissions import has_role
    from accounts.scoping import can_see_organization

    return (has_role(user, Role.UNIT_STAFF, Role.UNIT_HEAD, Role.ADMIN)
            and can_see_organization(user, organization))


def can_edit_dossier(user, dossier) -> bool:
    return can_prepare_dossier_for(user, dossier.organization)


def can_submit_dossier(user, dossier) -> bool:
    """The unit's head, or a user the head delegated to, sends the unit's dossier up."""
    import datetime

    from accounts.models import Role
    from accounts.permissions import has_role

    from .models import SubmitDelegation

    if has_role(user, Role.UNIT_HEAD) and _role_at(user, dossier.organization):
        return True
    if not can_prepare_dossier_for(user, dossier.organization):
        return False
    today = datetime.date.today()
    return any(d.valid_until is None or d.valid_until >= today for d in
               SubmitDelegation.objects.filter(organization=dossier.organization, user=user))


def can_appraise_dossier(user, dossier) -> bool:
    """Appraisers (and administrators) of the cycle's organizing body."""
    from accounts.models import Role
    from accounts.permissions import has_role
    from accounts.scoping import can_see_organization

    return (has_role(user, Role.APPRAISER, Role.ADMIN)
            and can_see_organization(user, dossier.cycle.organizer)
            and dossier.recipient_id == dossier.cycle.organizer_id)


def can_review_dossier(user, dossier) -> bool:
    """Whoever receives the dossier: the organizer's appraisers, or the staff of the provincial
    alliance a member unit sends it to."""
    from accounts.models import Role
    from accounts.permissions import has_role

    if dossier.recipient_id == dossier.cycle.organizer_id:
        return can_appraise_dossier(user, dossier)
    return (has_role(user, Role.UNIT_HEAD, Role.UNIT_STAFF, Role.ADMIN)
            and _role_at(user, dossier.recipient))


def can_delegate_submission(user, organization) -> bool:
    from accounts.models import Role
    from accounts.permissions import has_role

    return has_role(user, Role.UNIT_HEAD) and _role_at(user, organization)


# --- decisions, proposals, revocations, base salary --------------------------------------------
# Decisions are looked up in the user's scope first (awards.selectors_decisions; 404 outside it).


def can_issue_decisions_for(user, organization) -> bool:
    """Appraisers and administrators of the issuing body (central ones for the Alliance) draft,
    issue and record its decisions."""
    from accounts.models import Role
    from accounts.permissions import has_role
    from accounts.scoping import can_see_organization

    return (has_role(user, Role.APPRAISER, Role.ADMIN)
            and can_see_organization(user, organization))


def can_draft_decision(user, cycle) -> bool:
    """Appraisers and administrators of the cycle's organizing body."""
    return can_issue_decisions_for(user, cycle.organizer)


def can_view_decision(user, decision) -> bool:
    """An issued decision is read by everyone who can see it; a draft only by its drafters."""
    if decision.status == decision.Status.ISSUED:
        return True
    return can_issue_decisions_for(user, decision.issuer)


def can_edit_decision(user, decision) -> bool:
    return (decision.status == decision.Status.DRAFT
            and can_issue_decisions_for(user, decision.issuer))


def can_upload_decision_scan(user, decision) -> bool:
    """The signed and stamped copy exists once the decision is issued (or recorded)."""
    return (decision.status == decision.Status.ISSUED
            and can_issue_decisions_for(user, decision.issuer))


def can_view_base_salary(user) -> bool:
    return sees_everything(user)


def can_manage_base_salary(user) -> bool:
    return is_central_admin(user)


# --- the council -------------------------------------------------------------------------------
# Councils and meetings are looked up through awards.selectors_council (404 for a user who is
# neither a preparer in the council's organization nor a member of the council).


def can_manage_council(user, council) -> bool:
    """Administrators of the council's organization set up terms and members (central
    administrators for every council)."""
    from accounts.models import Role
    from accounts.permissions import has_role

    return has_role(user, Role.ADMIN) and (sees_everything(user)
                                            or _role_at(user, council.organization))


def can_prepare_meetings(user, council) -> bool:
    """The standing office prepares meetings: administrators and appraisers of the council's
    organization (central ones for the Alliance's council)."""
    from accounts.models import Role
    from accounts.permissions import has_role

    if not has_role(user, Role.ADMIN, Role.APPRAISER):
        return False
    if council.organization.is_central:
        return sees_everything(user)
    return _role_at(user, council.organization)


def council_seat(user, meeting):
    """The user's seat in the meeting's term on the meeting day, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(meeting, "_seats", None)
    if cache is None:
        cache = meeting._seats = {}
    if user.pk not in cache:
        from .models import CouncilMember

        cache[user.pk] = (CouncilMember.objects.filter(term_id=meeting.term_id, user=user)
                          .filter(valid_from__lte=meeting.date)
                          .exclude(valid_to__lt=meeting.date).order_by("-valid_from").first())
    return cache[user.pk]


def can_view_meeting(user, meeting) -> bool:
    return can_prepare_meetings(user, meeting.council) or council_seat(user, meeting) is not None


def can_edit_meeting(user, meeting) -> bool:
    """The agenda and the meeting's details change only while it is in preparation."""
    return meeting.status == meeting.Status.DRAFT and can_prepare_meetings(user, meeting.council)


def can_record_attendance(user, meeting) -> bool:
    """The secretary of the meeting, or the office that prepares it, before voting closes."""
    if meeting.status == meeting.Status.CLOSED:
        return False
    seat = council_seat(user, meeting)
    return (seat is not None and seat.pk == meeting.secretary_id) or can_prepare_meetings(
        user, meeting.council)


def can_preside(user, meeting) -> bool:
    """Only the member presiding the meeting opens and closes the vote."""
    seat = council_seat(user, meeting)
    return seat is not None and seat.pk == meeting.chair_id


def can_vote(user, meeting) -> bool:
    """A voting member of the term, serving on the meeting day, while voting is open. Whether
    they are present and have not voted yet is checked by the service with its message."""
    seat = council_seat(user, meeting)
    return meeting.status == meeting.Status.OPEN and seat is not None and seat.votes


def can_view_results(user, meeting) -> bool:
    """No result, not even a partial count, before the vote closes (quality-targets S7)."""
    return meeting.status == meeting.Status.CLOSED and can_view_meeting(user, meeting)
