"""Reads of the council: which councils and meetings a user may open (404 otherwise), the
agenda with what a member needs to vote, who has not voted yet, and the results after the
close. Query counts do not grow with the agenda."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404

from accounts.models import Role
from accounts.scoping import active_role, sees_everything

from . import permissions
from .models import (
    AgendaItem, Attendance, Ballot, BallotDraft, BallotParticipation, Council, CouncilMeeting,
    CouncilMember, CouncilTerm, Recusal,
)


def councils_for(user):
    """Councils the user may open: those of the organizations where they administer or
    appraise (all for central roles), and those where they hold a seat."""
    seats = Q(terms__members__user=user) if getattr(user, "is_authenticated", False) else Q(
        pk__in=[])
    role = active_role(user)
    if role is not None and role.role in (Role.ADMIN, Role.APPRAISER):
        if sees_everything(user):
            return Council.objects.all().select_related("organization")
        seats |= Q(organization_id=role.organization_id)
    return Council.objects.filter(seats).distinct().select_related("organization")


def get_council_for_user(user, pk) -> Council:
    council = councils_for(user).filter(pk=pk).first()
    if council is None:
        raise Http404
    return council


def council_terms(council: Council):
    return (CouncilTerm.objects.filter(council=council)
            .prefetch_related(Prefetch("members", queryset=CouncilMember.objects.select_related(
                "user", "organization").order_by("sort_order", "id"))))


def meetings_for(user):
    """Meetings the user may open: the preparers' councils, and the meetings of the terms in
    which the user holds a seat on the meeting day."""
    councils = [c for c in councils_for(user) if permissions.can_prepare_meetings(user, c)]
    seat = CouncilMember.objects.filter(term_id=OuterRef("term_id"), user_id=user.pk,
                                        valid_from__lte=OuterRef("date")).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("date")))
    return (CouncilMeeting.objects.filter(Q(council__in=councils) | Q(Exists(seat)))
            .select_related("council", "chair").annotate(item_count=Count("items"))
            .order_by("-date", "-id"))


def get_meeting_for_user(user, pk) -> CouncilMeeting:
    meeting = (CouncilMeeting.objects.select_related("council__organization", "term", "chair",
                                                     "secretary", "rule_set")
               .filter(pk=pk).first())
    if meeting is None or not permissions.can_view_meeting(user, meeting):
        raise Http404
    return meeting


def get_agenda_item_for_user(user, pk) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting").filter(pk=pk).first()
    if item is None or not permissions.can_view_meeting(user, item.meeting):
        raise Http404
    return item


def agenda(meeting: CouncilMeeting, *, award_type=None, organization=None):
    """The items with the nominee, the award, the unit, the frozen verdict and the appraisal's
    opinion, and each item's recusals: a fixed number of queries."""
    items = (meeting.items.select_related(
        "nomination__person__organization", "nomination__organization",
        "nomination__award_type", "nomination__dossier__organization",
        "nomination__dossier__cycle")
        .prefetch_related(Prefetch("recusals", queryset=Recusal.objects.select_related(
            "member"))))
    if award_type is not None:
        items = items.filter(nomination__award_type=award_type)
    if organization is not None:
        items = items.filter(nomination__dossier__organization=organization)
    return items.order_by("position", "id")


def attendance_sheet(meeting: CouncilMeeting) -> list[dict]:
    """Every seat serving on the meeting day with its recorded attendance and whether it has
    voted (never how)."""
    from .services_council import members_on

    statuses = dict(meeting.attendance.values_list("member_id", "status"))
    voted = dict(BallotParticipation.objects.filter(meeting=meeting)
                 .values_list("member_id", "written"))
    return [{"member": m, "status": statuses.get(m.pk, ""),
             "status_label": Attendance.Status(statuses[m.pk]).label if m.pk in statuses else "",
             "voted": m.pk in voted, "written": voted.get(m.pk, False)}
            for m in members_on(meeting).select_related("user", "organization")]


def my_recusals(meeting: CouncilMeeting, seat: CouncilMember) -> dict[int, Recusal]:
    return {r.item_id: r for r in Recusal.objects.filter(item__meeting=meeting, member=seat)}


def has_voted(meeting: CouncilMeeting, seat: CouncilMember) -> bool:
    return BallotParticipation.objects.filter(meeting=meeting, member=seat).exists()


def open_draft(meeting: CouncilMeeting, seat: CouncilMember) -> dict:
    draft = BallotDraft.objects.filter(meeting=meeting, member=seat).first()
    return draft.choices if draft else {}


def members_not_voted(meeting: CouncilMeeting):
    """For reminders (issue 8): the voting members of an open meeting, present or absent,
    who have no ballot yet, with their users."""
    from .services_council import voting_members

    if meeting.status != CouncilMeeting.Status.OPEN:
        return CouncilMember.objects.none()
    voted = BallotParticipation.objects.filter(meeting=meeting, member_id=OuterRef("pk"))
    return (voting_members(meeting).filter(~Exists(voted)).select_related("user")
            .order_by("sort_order", "id"))


def open_meetings():
    return CouncilMeeting.objects.filter(status=CouncilMeeting.Status.OPEN)


def published_receipts(meeting: CouncilMeeting) -> list[str]:
    """After the close: the hashes of the receipts of the secret ballots, sorted so that their
    order says nothing."""
    if meeting.status != CouncilMeeting.Status.CLOSED:
        return []
    return sorted(h for h in Ballot.objects.filter(meeting=meeting, written=False)
                  .values_list("receipt_hash", flat=True) if h)


def meeting_results(meeting: CouncilMeeting):
    """The items with their counts after the close (the view checks can_view_results)."""
    return agenda(meeting)

