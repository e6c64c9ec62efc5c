"""Scoring rounds through their services: who may create and move a round, what each step
creates, what blocks a step, who sees which sheet, and the leader's proposal of the leading
units into the awards pipeline."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from accounts.tests.factories import user_with_role
from awards.models import Dossier, Nomination
from deadlines.models import Notification
from emulation import permissions_scoring as perms
from emulation import services_scoring as services
from emulation.models import CriteriaTable, RoundProposal, Score, ScoreSheet, ScoringRound
from emulation.scoring_workflow import TransitionError
from emulation.tests.scoring_builders import (
    advance, closed_round, criteria_table, fill, group_year, open_cycle, pdf, refresh,
    scoring_world, sheet,
)

pytestmark = pytest.mark.django_db

GOOD = ["40", "30", "5", "0"]


def _create(world, group, by, **extra):
    data = {"group": group, "year": 2025, "half": "year_end", "peer_mode": "peers",
            "self_weight": 0}
    data.update(extra)
    return services.round_create(by=by, **data)


@pytest.fixture
def cluster(world):
    other = __import__("clusters.tests.factories", fromlist=["_"]).alliance("Hải Phòng",
                                                                          code="LM-HP")
    group = group_year(world, members=[world.hanoi, other], leader=world.hanoi)
    criteria_table(group, 2025, world.users.admin)
    return group


@pytest.mark.parametrize("who", ["head", "staff", "group_leader", "province_admin", "admin"])
def test_the_leader_unit_and_central_administrators_create_a_round(world, cluster, who):
    round = _create(world, cluster, getattr(world.users, who))

    assert (round.status, round.table.year, round.created_by) == (
        "draft", 2025, getattr(world.users, who))
    assert round.history.get().history_user == getattr(world.users, who)


@pytest.mark.parametrize("who", ["outsider", "office_staff", "no_role"])
def test_others_may_not_create_a_round(world, cluster, who):
    with pytest.raises(PermissionDenied):
        _create(world, cluster, getattr(world.users, who))

    assert ScoringRound.objects.count() == 0


def test_a_round_needs_the_criteria_table_of_its_year(world, cluster):
    with pytest.raises(ValidationError) as error:
        _create(world, cluster, world.users.admin, year=2024)

    assert "không có bảng tiêu chí" in " ".join(error.value.messages)
    assert ScoringRound.objects.count() == 0


def test_a_group_has_one_round_of_each_kind_a_year(world, cluster):
    _create(world, cluster, world.users.head)

    with pytest.raises(ValidationError):
        _create(world, cluster, world.users.head)

    assert ScoringRound.objects.count() == 1


@pytest.mark.parametrize("weight", [-1, 101])
def test_the_weight_stays_between_0_and_100(world, cluster, weight):
    with pytest.raises(ValidationError):
        _create(world, cluster, world.users.head, self_weight=weight)

    assert ScoringRound.objects.count() == 0


def test_opening_self_scoring_creates_a_sheet_per_member_and_locks_the_table(world):
    s = scoring_world(world, units=3)

    advance(s, "self")

    sheets = ScoreSheet.objects.filter(round=s.round)
    assert sorted((x.scored_id, x.scorer_id, x.kind) for x in sheets) == sorted(
        (u.pk, u.pk, "self") for u in s.units)
    assert CriteriaTable.objects.get(pk=s.table.pk).locked is True
    assert s.round.history.first().history_user == world.users.head
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert world.users.staff.pk in notified and s.staff[s.units[2].pk].pk in notified
    assert world.users.outsider.pk not in notified


@pytest.mark.parametrize("who", ["outsider", "office_staff", "no_role"])
def test_only_the_leader_or_the_organizers_administrators_move_the_round(world, who):
    s = scoring_world(world, units=2)

    with pytest.raises((PermissionDenied,)):
        advance(s, "self", by=getattr(world.users, who))

    assert refresh(s.round).status == "draft"
    assert ScoreSheet.objects.count() == 0


def test_a_member_that_is_not_the_leader_cannot_move_the_round(world):
    s = scoring_world(world, units=2)

    with pytest.raises(PermissionDenied):
        advance(s, "self", by=s.heads[s.units[1].pk])

    assert refresh(s.round).status == "draft"


def test_a_round_cannot_skip_a_step(world):
    s = scoring_world(world, units=2)

    with pytest.raises(TransitionError):
        advance(s, "closed")

    assert refresh(s.round).status == "draft"


def test_the_second_step_waits_for_every_self_sheet_and_names_the_late(world):
    s = scoring_world(world, units=3)
    advance(s, "self")
    fill(sheet(s.round, s.units[0]), s.criteria, GOOD, world.users.staff)

    with pytest.raises(TransitionError) as error:
        advance(s, "peer")

    message = " ".join(error.value.messages)
    assert s.units[1].name in message and s.units[2].name in message
    assert s.units[0].name not in message
    assert refresh(s.round).status == "self"
    assert ScoreSheet.objects.filter(kind="peer").count() == 0


def test_the_leader_closes_self_scoring_with_a_reason_and_unsent_sheets_count_0(world):
    from emulation.scoring import round_results

    s = scoring_world(world, units=2)
    advance(s, "self")
    fill(sheet(s.round, s.units[0]), s.criteria, GOOD, world.users.staff)
    late = sheet(s.round, s.units[1])
    services.sheet_save(sheet=late, lines={s.criteria[1].pk: (Decimal("39"), "")},
                        by=s.staff[s.units[1].pk])

    advance(s, "peer", reason="Quá hạn tự chấm ngày 10/12")

    assert refresh(s.round).status == "peer"
    assert s.round.history.first().history_change_reason == "Quá hạn tự chấm ngày 10/12"
    result = next(r for r in round_results(s.round) if r.organization.pk == s.units[1].pk)
    assert (result.self_sent, result.self_total) == (False, Decimal(0))


def test_peer_mode_creates_every_ordered_pair_and_never_a_self_scored_peer_sheet(world):
    s = scoring_world(world, units=4)
    advance(s, "self")
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, GOOD, s.staff[org.pk])

    advance(s, "peer")

    peers = list(ScoreSheet.objects.filter(round=s.round, kind="peer"))
    assert len(peers) == 4 * 3
    assert all(p.scored_id != p.scorer_id for p in peers)
    assert len({(p.scored_id, p.scorer_id) for p in peers}) == 12


def test_the_database_refuses_a_peer_sheet_a_unit_gives_itself(world):
    s = scoring_world(world, units=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreSheet.objects.create(round=s.round, scored=s.units[0], scorer=s.units[0],
                                  kind="peer")


def test_leader_mode_creates_verifications_prefilled_the_deputy_verifying_the_leader(world):
    s = scoring_world(world, units=3, peer_mode="leader")
    advance(s, "self")
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, GOOD, s.staff[org.pk])

    advance(s, "peer")

    verify = {v.scored_id: v for v in ScoreSheet.objects.filter(round=s.round, kind="verify")}
    assert {k: v.scorer_id for k, v in verify.items()} == {
        s.units[0].pk: s.units[1].pk, s.units[1].pk: s.units[0].pk, s.units[2].pk: s.units[0].pk}
    assert sorted(Score.objects.filter(sheet=verify[s.units[2].pk])
                  .values_list("points", flat=True)) == sorted(Decimal(p) for p in GOOD)


def test_leader_mode_without_a_deputy_is_refused(world):
    s = scoring_world(world, units=2, peer_mode="leader", with_deputy=False)
    advance(s, "self")
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, GOOD, s.staff[org.pk])

    with pytest.raises(TransitionError) as error:
        advance(s, "peer")

    assert "phó" in " ".join(error.value.messages)
    assert refresh(s.round).status == "self"


def test_a_verified_change_needs_an_explanation(world):
    s = scoring_world(world, units=3, peer_mode="leader")
    advance(s, "self")
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, GOOD, s.staff[org.pk])
    advance(s, "peer")
    verify = ScoreSheet.objects.get(round=s.round, scored=s.units[2], kind="verify")
    line = s.criteria[0]

    with pytest.raises(ValidationError) as error:
        services.sheet_save(sheet=verify, lines={line.pk: (Decimal("30"), "")},
                            by=world.users.group_leader)

    assert f"comment_{line.pk}" in error.value.message_dict
    assert Score.objects.get(sheet=verify, criterion=line).points == Decimal("40")
    services.sheet_save(sheet=verify, lines={line.pk: (Decimal("30"), "Thiếu báo cáo quý")},
                        by=world.users.group_leader)
    assert Score.objects.get(sheet=verify, criterion=line).points == Decimal("30")


def test_a_line_requiring_evidence_blocks_sending_and_names_the_line(world):
    s = scoring_world(world, units=2)
    advance(s, "self")
    own = sheet(s.round, s.units[0])
    fill(own, s.criteria, GOOD, world.users.staff, evidence=False, send=False)

    with pytest.raises(ValidationError) as error:
        services.sheet_submit(sheet=own, by=world.users.staff)

    assert "minh chứng" in " ".join(error.value.messages)
    assert "1" in " ".join(error.value.messages)
    assert ScoreSheet.objects.get(pk=own.pk).status == "draft"
    services.evidence_add(sheet=own, criterion=s.criteria[0], upload=pdf(), by=world.users.staff)
    services.sheet_submit(sheet=own, by=world.users.staff)
    assert ScoreSheet.objects.get(pk=own.pk).total == Decimal("75")


def test_a_sheet_without_every_line_cannot_be_sent(world):
    s = scoring_world(world, units=2)
    advance(s, "self")
    own = sheet(s.round, s.units[0])
    services.sheet_save(sheet=own, lines={s.criteria[1].pk: (Decimal("1"), "")},
                        by=world.users.staff)

    with pytest.raises(ValidationError):
        services.sheet_submit(sheet=own, by=world.users.staff)

    assert ScoreSheet.objects.get(pk=own.pk).status == "draft"


def test_a_sent_sheet_is_locked(world):
    s = scoring_world(world, units=2)
    advance(s, "self")
    own = fill(sheet(s.round, s.units[0]), s.criteria, GOOD, world.users.staff)

    with pytest.raises(PermissionDenied):
        services.sheet_save(sheet=own, lines={s.criteria[1].pk: (Decimal("1"), "")},
                            by=world.users.staff)

    assert Score.objects.get(sheet=own, criterion=s.criteria[1]).points == Decimal("30")


def test_a_unit_scores_only_itself_in_self_scoring(world):
    s = scoring_world(world, units=2)
    advance(s, "self")
    theirs = sheet(s.round, s.units[1])

    with pytest.raises(PermissionDenied):
        services.sheet_save(sheet=theirs, lines={s.criteria[1].pk: (Decimal("1"), "")},
                            by=world.users.staff)

    assert not Score.objects.filter(sheet=theirs).exists()


def test_points_above_the_maximum_or_negative_are_refused(world):
    s = scoring_world(world, units=2)
    advance(s, "self")
    own = sheet(s.round, s.units[0])

    for points in (Decimal("51"), Decimal("-1"), Decimal("1.234")):
        with pytest.raises(ValidationError):
            services.sheet_save(sheet=own, lines={s.criteria[0].pk: (points, "")},
                                by=world.users.staff)

    assert not Score.objects.filter(sheet=own).exists()


def test_others_self_scores_are_hidden_until_the_step_that_shows_them(world):
    s = scoring_world(world, units=3)
    advance(s, "self")
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, GOOD, s.staff[org.pk])
    other = sheet(s.round, s.units[1])
    member = s.staff[s.units[2].pk]

    during_self = perms.can_view_sheet(member, other)
    advance(s, "peer")
    other.round = refresh(s.round)
    during_peers = perms.can_view_sheet(member, other)
    peer_of_other = sheet(s.round, s.units[1], s.units[0], "peer")
    peer_of_other.round = other.round

    assert (during_self, during_peers) == (False, True)
    assert perms.can_view_sheet(member, peer_of_other) is False  # another scorer's sheet
    assert perms.can_view_sheet(world.users.outsider, other) is False


def test_in_leader_mode_only_the_leader_sees_self_scores_while_verifying(world):
    s = scoring_world(world, units=3, peer_mode="leader")
    advance(s, "self")
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, GOOD, s.staff[org.pk])
    advance(s, "peer")
    other = sheet(s.round, s.units[1])
    other.round = refresh(s.round)

    assert perms.can_view_sheet(world.users.group_leader, other) is True
    assert perms.can_view_sheet(s.staff[s.units[2].pk], other) is False


def test_after_close_members_see_every_sheet(world):
    s = closed_round(world, units=3, self_points={0: GOOD, 1: GOOD, 2: GOOD})
    member = s.staff[s.units[2].pk]

    visible = [perms.can_view_sheet(member, x) for x in ScoreSheet.objects.filter(round=s.round)]

    assert visible and all(visible)


def test_closing_waits_for_peer_sheets_unless_a_reason_is_given(world):
    s = scoring_world(world, units=2)
    advance(s, "self")
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, GOOD, s.staff[org.pk])
    advance(s, "peer")
    fill(sheet(s.round, s.units[0], s.units[1], "peer"), s.criteria, GOOD, s.staff[s.units[1].pk])

    with pytest.raises(TransitionError) as error:
        advance(s, "closed")

    assert world.hanoi.name in " ".join(error.value.messages)
    assert refresh(s.round).status == "peer"
    advance(s, "closed", reason="Hết hạn chấm chéo")
    assert (refresh(s.round).status, refresh(s.round).closed_by) == ("closed", world.users.head)


# --- the proposal ------------------------------------------------------------------------------


RANKED = {0: ["50", "40", "5", "0"], 1: ["45", "35", "0", "0"], 2: ["40", "30", "0", "0"]}


@pytest.fixture
def ranked(world):
    return closed_round(world, units=3, self_points=RANKED)


def test_the_proposal_creates_nominations_in_the_leaders_dossier(world, ranked):
    open_cycle(world)

    proposals = services.proposal_confirm(
        round=ranked.round, choices={"CTD_LM": [ranked.units[0].pk],
                                     "BK_BCH": [ranked.units[0].pk, ranked.units[1].pk]},
        reasons={}, by=world.users.head)

    assert [(p.award_type.code, p.rank, p.final_score) for p in proposals] == [
        ("CTD_LM", 1, Decimal("95.00")), ("BK_BCH", 1, Decimal("95.00")),
        ("BK_BCH", 2, Decimal("80.00"))]
    dossier = Dossier.objects.get()
    assert (dossier.organization, dossier.status) == (world.hanoi, "draft")
    nominations = list(Nomination.objects.order_by("position"))
    assert [(n.organization_id, n.award_type.code) for n in nominations] == [
        (ranked.units[0].pk, "CTD_LM"), (ranked.units[0].pk, "BK_BCH"),
        (ranked.units[1].pk, "BK_BCH")]
    assert "95" in nominations[0].achievement_summary
    assert ranked.round.group.name in nominations[0].achievement_summary
    assert RoundProposal.objects.get(award_type__code="CTD_LM").nomination == nominations[0]


def test_more_flags_than_the_rule_set_allows_are_refused(world, ranked):
    open_cycle(world)

    with pytest.raises(ValidationError) as error:
        services.proposal_confirm(round=ranked.round,
                                  choices={"CTD_LM": [u.pk for u in ranked.units[:2]]},
                                  reasons={}, by=world.users.head)

    assert "tối đa 1" in " ".join(error.value.messages)
    assert (RoundProposal.objects.count(), Nomination.objects.count(),
            Dossier.objects.count()) == (0, 0, 0)


def test_a_lower_ranked_unit_needs_a_reason(world, ranked):
    open_cycle(world)
    choices = {"BK_BCH": [ranked.units[2].pk]}

    with pytest.raises(ValidationError) as error:
        services.proposal_confirm(round=ranked.round, choices=choices, reasons={},
                                  by=world.users.head)

    assert f"reason_{ranked.units[2].pk}" in error.value.message_dict
    assert RoundProposal.objects.count() == 0
    services.proposal_confirm(round=ranked.round, choices=choices,
                              reasons={ranked.units[2].pk: "Dẫn đầu phong trào chuyển đổi số"},
                              by=world.users.head)
    assert "chuyển đổi số" in Nomination.objects.get().achievement_summary


def test_without_an_open_cycle_nothing_is_created(world, ranked):
    open_cycle(world, year=2026)  # open, but for another year's achievements

    with pytest.raises(ValidationError) as error:
        services.proposal_confirm(round=ranked.round, choices={"CTD_LM": [ranked.units[0].pk]},
                                  reasons={}, by=world.users.head)

    assert "Chưa có đợt xét khen thưởng thành tích năm" in " ".join(error.value.messages)
    assert (RoundProposal.objects.count(), Dossier.objects.count()) == (0, 0)


def test_the_leaders_dossier_takes_only_members_of_the_group_it_leads(world, ranked):
    """awards.services_dossiers.nomination_add with `group`: the leader's dossier takes the
    group's member units, and nobody else."""
    from awards import services_dossiers
    from awards.models import AwardType

    cycle = open_cycle(world)
    services.proposal_confirm(round=ranked.round, choices={"CTD_LM": [ranked.units[0].pk]},
                              reasons={}, by=world.users.head)
    dossier = Dossier.objects.get(cycle=cycle)
    with pytest.raises(ValidationError) as error:
        services_dossiers.nomination_add(
            dossier=dossier, award_type=AwardType.objects.get(code="CTD_LM"),
            organization=world.coop_hue, achievement_summary="Dẫn đầu cụm.",
            by=world.users.head, group=ranked.round.group)
    assert world.coop_hue.name in " ".join(error.value.messages)
    assert dossier.nominations.count() == 1


@pytest.mark.parametrize("who", ["group_leader", "outsider"])
def test_the_proposal_is_confirmed_by_those_who_prepare_the_leaders_dossiers(world, ranked, who):
    open_cycle(world)

    with pytest.raises(PermissionDenied):
        services.proposal_confirm(round=ranked.round, choices={"CTD_LM": [ranked.units[0].pk]},
                                  reasons={}, by=getattr(world.users, who))

    assert RoundProposal.objects.count() == 0


def test_a_mid_year_round_proposes_nothing(world):
    s = closed_round(world, units=2, half="mid_year", self_points={0: GOOD, 1: GOOD})
    open_cycle(world)

    with pytest.raises(PermissionDenied):
        services.proposal_confirm(round=s.round, choices={"CTD_LM": [s.units[0].pk]},
                                  reasons={}, by=world.users.head)


def test_a_certificate_limit_applies_only_if_the_rule_set_has_one(world, ranked):
    assert services.proposal_limits(refresh(ranked.round)) == {"CTD_LM": 1, "BK_BCH": None}


def test_a_unit_head_of_a_member_may_not_propose(world, ranked):
    open_cycle(world)
    head = user_with_role(Role.UNIT_HEAD, ranked.units[1])

    assert perms.can_propose(head, ranked.round) is False


def test_a_forced_steps_reason_is_kept_whole_or_refused(world):
    s = scoring_world(world, units=2)
    advance(s, "self")

    with pytest.raises(ValidationError):
        advance(s, "peer", reason="x" * 101)

    assert refresh(s.round).status == "self"
    assert ScoreSheet.objects.filter(kind="peer").count() == 0
