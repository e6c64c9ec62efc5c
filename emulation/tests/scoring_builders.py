"""Builders for the scoring tests: a group with its year (members, leader, deputy), a criteria
table built directly from the models (another part of the issue owns their pages), and rounds
driven through emulation.services_scoring like the pages drive them."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import user_with_role
from clusters import services as cluster_services
from clusters.tests.factories import GroupFactory, OrganizationFactory, alliance
from emulation import services_scoring as services
from emulation.models import CriteriaSection, CriteriaTable, Criterion, ScoreSheet, ScoringRound

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# (code, kind, max points, evidence required)
DEFAULT_CRITERIA = [("1", "standard", "50", True), ("2", "standard", "40", False),
                    ("3", "bonus", "10", False), ("4", "penalty", "10", False)]


def pdf(name="minh-chung.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def criteria_table(group, year, by, criteria=DEFAULT_CRITERIA, *, sections=1):
    table = CriteriaTable.objects.create(group=group, year=year, title=f"Bảng tiêu chí {year}",
                                         created_by=by)
    parts = [CriteriaSection.objects.create(table=table, position=i, code=f"{'ABCDEFGH'[i]}",
                                            title=f"Phần {i + 1}") for i in range(sections)]
    for i, (code, kind, max_points, evidence) in enumerate(criteria):
        Criterion.objects.create(section=parts[i % sections], position=i, code=code,
                                 text=f"Tiêu chí {code}", kind=kind,
                                 max_points=Decimal(max_points), evidence_required=evidence)
    return table


def group_year(world, *, members, leader, deputy=None, year=2025, organizer=None, kind="cluster"):
    group = GroupFactory(organizer=organizer or world.central, kind=kind)
    cluster_services.group_set_year(group=group, year=year, members=members, leader=leader,
                                    deputy=deputy)
    return group


def scoring_world(world, *, units=3, year=2025, peer_mode="peers", weight=0, half="year_end",
                  criteria=DEFAULT_CRITERIA, with_deputy=True):
    """A cluster of `units` provincial alliances (Hà Nội first, the leader; the second the
    deputy) with a unit head and a unit staff at each, a criteria table and a draft round
    created by the leader unit's head."""
    orgs = [world.hanoi] + [alliance(f"Tỉnh thử {i}", code=f"LM-THU-{year}-{i}")
                            for i in range(1, units)]
    group = group_year(world, members=orgs, leader=orgs[0],
                       deputy=orgs[1] if with_deputy and units > 1 else None, year=year)
    staff = {world.hanoi.pk: world.users.staff}
    heads = {world.hanoi.pk: world.users.head}
    for org in orgs[1:]:
        staff[org.pk] = user_with_role(Role.UNIT_STAFF, org)
        heads[org.pk] = user_with_role(Role.UNIT_HEAD, org)
    table = criteria_table(group, year, world.users.admin, criteria)
    round = services.round_create(group=group, year=year, half=half, peer_mode=peer_mode,
                                  self_weight=weight, by=world.users.head,
                                  self_deadline=D(year, 12, 10), peer_deadline=D(year, 12, 20))
    return SimpleNamespace(group=group, table=table, round=round, units=orgs, staff=staff,
                           heads=heads, leader=orgs[0], criteria=list(
                               Criterion.objects.filter(section__table=table)
                               .order_by("position")))


def sheet(round, scored, scorer=None, kind="self"):
    scorer = scorer or scored
    return ScoreSheet.objects.get(round=round, scored=scored, scorer=scorer, kind=kind)


def fill(sheet_, criteria, points, by, *, evidence=True, send=True):
    """Writes points (a list matching criteria) and, on a self sheet, evidence where required."""
    lines = {c.pk: (Decimal(str(p)), "") for c, p in zip(criteria, points, strict=True)}
    services.sheet_save(sheet=sheet_, lines=lines, by=by)
    if evidence and sheet_.kind == "self":
        for c in criteria:
            if c.evidence_required:
                services.evidence_add(sheet=sheet_, criterion=c, upload=pdf(), by=by)
    if send:
        services.sheet_submit(sheet=sheet_, by=by)
    return sheet_


def refresh(round):
    return ScoringRound.objects.get(pk=round.pk)


def advance(s, to, *, by=None, reason="", conference="in_person"):
    """The next step; a close records its review conference (in person unless told)."""
    s.round = services.round_transition(round=refresh(s.round), to=to,
                                        by=by or s.heads[s.leader.pk], reason=reason,
                                        conference=conference)
    return s.round


def closed_round(world, self_points: dict, peer_points: dict | None = None, **options):
    """A round taken to the end: `self_points[i]` are unit i's self points per criterion;
    `peer_points[(scored i, scorer j)]` the peer points (default: the same as its self
    points)."""
    s = scoring_world(world, **options)
    advance(s, "self")
    for i, org in enumerate(s.units):
        fill(sheet(s.round, org), s.criteria, self_points[i], s.staff[org.pk])
    advance(s, "peer")
    peer_points = peer_points or {}
    for i, scored in enumerate(s.units):
        for j, scorer in enumerate(s.units):
            if i == j:
                continue
            if s.round.peer_mode == "peers":
                fill(sheet(s.round, scored, scorer, "peer"), s.criteria,
                     peer_points.get((i, j), self_points[i]), s.staff[scorer.pk])
    if s.round.peer_mode == "leader":
        for i, scored in enumerate(s.units):
            verify = ScoreSheet.objects.get(round=s.round, scored=scored, kind="verify")
            services.sheet_submit(sheet=verify, by=s.heads[verify.scorer_id])
    advance(s, "closed")
    return s


def open_cycle(world, codes=("CTD_LM", "BK_BCH"), *, organizer=None, submitters=None,
               year=2025):
    from awards import services_dossiers
    from awards.models import AwardType

    cycle = services_dossiers.cycle_create(
        organizer=organizer or world.central, kind="merit", year=year,
        title=f"Xét khen thưởng tổng kết năm {year}",
        award_types=list(AwardType.objects.filter(code__in=codes)),
        submitters=submitters or [world.hanoi, world.hue],
        deadline=timezone.localdate() + datetime.timedelta(days=30), by=world.users.admin)
    return services_dossiers.cycle_set_status(cycle=cycle, status="open", by=world.users.admin)


# --- shared with tests/test_cross_province.py and tests/test_query_counts.py --------------------


def hanoi_round(world):
    """A year-end round of a Hà Nội bloc of cooperatives (organized by the Hà Nội alliance), in
    self-scoring, with a line of evidence on the cooperative's sheet."""
    found = ScoringRound.objects.filter(group__organizer=world.hanoi, year=2026).first()
    if found is not None:
        return found
    first, second = OrganizationFactory(parent=world.hanoi), OrganizationFactory(parent=world.hanoi)
    group = group_year(world, members=[first, second], leader=first,
                       deputy=second, year=2026, organizer=world.hanoi, kind="bloc")
    criteria_table(group, 2026, world.users.province_admin)
    round = services.round_create(group=group, year=2026, half="year_end", peer_mode="peers",
                                  self_weight=0, by=world.users.province_admin)
    round = services.round_open_self(round=round, by=world.users.province_admin)
    staff = user_with_role(Role.UNIT_STAFF, first)
    own = sheet(round, first)
    criterion = Criterion.objects.filter(section__table=round.table).order_by("position").first()
    services.evidence_add(sheet=own, criterion=criterion, upload=pdf(), by=staff)
    return round


def cross_province_objects(world) -> dict:
    from emulation.models import ScoreEvidence

    round = hanoi_round(world)
    own = ScoreSheet.objects.get(round=round, scores__evidence__isnull=False)
    evidence = ScoreEvidence.objects.filter(score__sheet=own).first()
    pk = {"pk": round.pk}
    return {
        "emulation:round_detail": pk, "emulation:round_transition": pk,
        "emulation:ranking": pk, "emulation:proposal": pk,
        "emulation:ranking_unit": {"pk": round.pk, "organization_id": own.scored_id},
        "emulation:sheet_detail": {"pk": own.pk}, "emulation:sheet_submit": {"pk": own.pk},
        "emulation:evidence_upload": {"pk": own.pk, "criterion_id": evidence.score.criterion_id},
        "emulation:evidence_download": {"pk": evidence.pk},
        "emulation:evidence_remove": {"pk": evidence.pk},
    }


def ranking_round(world, n):
    """A closed round of n units (a year of its own per size), for the query counts."""
    year = 2000 + n
    points = {i: ["40", "30", str(i % 10), "0"] for i in range(n)}
    return closed_round(world, units=n, year=year, self_points=points).round


def ranking_url(world, n):
    return f"/thi-dua/cham-diem/{ranking_round(world, n).pk}/xep-hang/"


def audit_url(world, n):
    round = ranking_round(world, n)
    return f"/thi-dua/cham-diem/{round.pk}/xep-hang/{world.hanoi.pk}/"


def sheet_url(world, n):
    """A peer sheet of Hà Nội's (seen by Hà Nội's staff) on a table of n criteria, each line
    scored and with evidence on the scored unit's own sheet."""
    year = 2100 - n
    criteria = [(str(i + 1), "standard", "10", True) for i in range(n)]
    s = scoring_world(world, units=2, year=year, criteria=criteria)
    advance(s, "self")
    for org in s.units:
        fill(sheet(s.round, org), s.criteria, ["5"] * n, s.staff[org.pk])
    advance(s, "peer")
    peer = sheet(s.round, s.units[1], world.hanoi, "peer")
    fill(peer, s.criteria, ["6"] * n, world.users.staff, send=False)
    return f"/thi-dua/cham-diem/phieu/{peer.pk}/"


def round_url(world, n):
    return f"/thi-dua/cham-diem/{ranking_round(world, n).pk}/"


def make_rounds(world, n):
    """n more draft rounds of groups Hà Nội belongs to (the round list)."""
    start = ScoringRound.objects.count()
    for year in range(2030 + start, 2030 + start + n):  # a unit is in one group a year
        group = group_year(world, members=[world.hanoi], leader=world.hanoi, year=year)
        criteria_table(group, year, world.users.admin)
        services.round_create(group=group, year=year, half="mid_year", peer_mode="peers",
                              self_weight=0, by=world.users.head)
