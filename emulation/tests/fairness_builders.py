"""Small builders for the fairness tests: a group with its members and leaders over the years,
criteria tables, closed scoring rounds and submitted score sheets, written straight to the
models (the scoring pages are built elsewhere). Also used by tests/test_cross_province.py and
tests/test_query_counts.py."""

import datetime
from decimal import Decimal

from awards.tests.factories import award_record
from clusters.models import GroupLeadership, GroupMembership
from clusters.tests.factories import GroupFactory, OrganizationFactory
from emulation.models import (
    CriteriaSection, CriteriaTable, Criterion, Score, ScoreEvidence, ScoreSheet, ScoringRound,
)

# (code, text, max points, kind, evidence required)
CRITERIA = [
    ("1", "Hoàn thành chỉ tiêu giao ước", 40, Criterion.Kind.STANDARD, True),
    ("2", "Phong trào thi đua, khen thưởng", 40, Criterion.Kind.STANDARD, False),
    ("3", "Sáng kiến, mô hình mới", 20, Criterion.Kind.BONUS, False),
]


def units(world, names, parent=None):
    return [OrganizationFactory(parent=parent or world.hanoi, name=name) for name in names]


def group(world, members, years, *, leaders=None, organizer=None, name="Khối thi đua HTX Hà Nội"):
    """A bloc organized by Hà Nội (unless told) with `members` in each of `years` and the
    leader of each year from `leaders` ({year: organization})."""
    made = GroupFactory(organizer=organizer or world.hanoi, kind="bloc", name=name)
    GroupMembership.objects.bulk_create([GroupMembership(group=made, organization=m, year=y)
                                         for y in years for m in members])
    for year, leader in (leaders or {}).items():
        GroupLeadership.objects.create(group=made, organization=leader, year=year,
                                       role=GroupLeadership.Role.LEADER)
    return made


def table(world, of_group, year, criteria=CRITERIA):
    made = CriteriaTable.objects.get_or_create(
        group=of_group, year=year, defaults={"title": f"Bảng tiêu chí năm {year}",
                                             "created_by": world.users.admin, "locked": True})[0]
    if not made.sections.exists():
        section = CriteriaSection.objects.create(table=made, position=1, code="I",
                                                 title="Tiêu chí chung")
        for i, (code, text, max_points, kind, evidence) in enumerate(criteria):
            Criterion.objects.create(section=section, position=i + 1, code=code, text=text,
                                     max_points=max_points, kind=kind, evidence_required=evidence)
    return made


def closed_round(world, of_group, year, half=ScoringRound.Half.YEAR_END, *,
                 peer_mode=ScoringRound.PeerMode.PEERS, self_weight=0, status="closed"):
    return ScoringRound.objects.create(
        group=of_group, year=year, half=half, table=table(world, of_group, year),
        peer_mode=peer_mode, self_weight=self_weight, status=status,
        closed_at=datetime.datetime(year, 12, 20, tzinfo=datetime.UTC)
        if status == "closed" else None, created_by=world.users.admin)


def criteria_of(scoring_round):
    return list(Criterion.objects.filter(section__table=scoring_round.table)
                .order_by("section__position", "position"))


def sheet(world, scoring_round, scored, scorer, kind, points, *, evidence=(),
          status=ScoreSheet.Status.SUBMITTED):
    """A sheet with one score per criterion, in the table's order; `evidence` lists the
    indexes of the lines that get an evidence file."""
    made = ScoreSheet.objects.create(round=scoring_round, scored=scored, scorer=scorer,
                                     kind=kind, status=status,
                                     total=sum(Decimal(str(p)) for p in points))
    scores = Score.objects.bulk_create([
        Score(sheet=made, criterion=c, points=Decimal(str(p)))
        for c, p in zip(criteria_of(scoring_round), points, strict=True)])
    for i in evidence:
        ScoreEvidence.objects.create(score=scores[i], file=f"evidence/{made.pk}-{i}.pdf",
                                     original_name="minh-chung.pdf",
                                     content_type="application/pdf", size=10, sha256="0" * 64,
                                     uploaded_by=world.users.admin)
    return made


def all_score(world, scoring_round, members, given, *, self_points=None, evidence=(0,)):
    """Every member scores itself (`self_points[m]`, else what the others give it) and every
    other member (`given(scorer, scored)` → points per criterion)."""
    for scored in members:
        for scorer in members:
            if scorer != scored:
                sheet(world, scoring_round, scored, scorer, ScoreSheet.Kind.PEER,
                      given(scorer, scored))
        own = (self_points or {}).get(scored) or given(None, scored)
        sheet(world, scoring_round, scored, scored, ScoreSheet.Kind.SELF, own, evidence=evidence)


def flag(organization, year):
    """The Alliance's Emulation Flag for a collective, in the registry."""
    return award_record(code="CTD_LM", year=year, organization=organization)


# --- a planted scene, for the pages ------------------------------------------------------------


def planted_group(world):
    """Four Hà Nội cooperatives in a bloc, 2018–2025: Emulation Flags taken in turns
    (A, B, C, A, B, C in 2018–2023), the leader winning in its own year, two closed year-end
    rounds (2024, 2025) where A and B score each other 12 points above the rest, C scores
    itself 20 points above what the others give it, and D leaves out the required evidence."""
    a, b, c, d = units(world, ["HTX An Bình", "HTX Bắc Sơn", "HTX Cẩm Phả", "HTX Đông Anh"])
    years = range(2018, 2026)
    leaders = {2018: a, 2019: c, 2020: c, 2021: d, 2022: b, 2023: d, 2024: d, 2025: a}
    made = group(world, [a, b, c, d], years, leaders=leaders)
    for year, winner in zip(range(2018, 2024), [a, b, c, a, b, c], strict=True):
        flag(winner, year)
    for year in (2024, 2025):
        scoring_round = closed_round(world, made, year)

        def given(scorer, scored):
            lift = 6 if {scorer, scored} == {a, b} else 0
            return [30 + lift, 30 + lift, 10]

        all_score(world, scoring_round, [a, b, c, d], given,
                  self_points={c: [38, 38, 14]}, evidence=(0,))
        ScoreEvidence.objects.filter(score__sheet__round=scoring_round,
                                     score__sheet__scored=d).delete()
    return made, (a, b, c, d)


def cross_province_objects(world) -> dict:
    from clusters.models import EmulationGroup

    found = EmulationGroup.objects.filter(name="Khối thi đua công bằng (chéo tỉnh)").first()
    if found is None:
        members = units(world, ["HTX chéo tỉnh 1", "HTX chéo tỉnh 2", "HTX chéo tỉnh 3"])
        found = group(world, members, [2025], name="Khối thi đua công bằng (chéo tỉnh)")
    return {"emulation:fairness_group": {"pk": found.pk}}


# --- query counts: one group whose closed round grows by n units -------------------------------


def _counted_group(world):
    from clusters.models import EmulationGroup

    found = EmulationGroup.objects.filter(name="Khối thi đua đếm truy vấn").first()
    if found is None:
        found = group(world, [], [], name="Khối thi đua đếm truy vấn")
        closed_round(world, found, 2025)
        closed_round(world, found, 2025, ScoringRound.Half.MID_YEAR,
                     peer_mode=ScoringRound.PeerMode.LEADER)
    return found


def fairness_url(world):
    return f"/thi-dua/cong-bang/cum-khoi/{_counted_group(world).pk}/"


def make_scored_units(world, n):
    """n more members, each scoring itself with evidence, scored by and scoring the first
    member, verified by it in the mid-year round, holding a Flag and leading a year."""
    made = _counted_group(world)
    year_end = made.scoring_rounds.get(half=ScoringRound.Half.YEAR_END)
    mid_year = made.scoring_rounds.get(half=ScoringRound.Half.MID_YEAR)
    first = GroupMembership.objects.filter(group=made).order_by("id").first()
    start = GroupMembership.objects.filter(group=made).count()
    for i, unit in enumerate(units(world, [f"HTX đếm {start + i}" for i in range(n)])):
        GroupMembership.objects.create(group=made, organization=unit, year=2025)
        GroupMembership.objects.create(group=made, organization=unit, year=2000 + start + i)
        GroupLeadership.objects.create(group=made, organization=unit, year=2000 + start + i,
                                       role=GroupLeadership.Role.LEADER)
        flag(unit, 2000 + start + i)
        sheet(world, year_end, unit, unit, ScoreSheet.Kind.SELF, [30, 30, 10], evidence=(0,))
        sheet(world, mid_year, unit, unit, ScoreSheet.Kind.SELF, [30, 30, 10])
        if first is None:
            first = GroupMembership(organization=unit)
            continue
        sheet(world, year_end, unit, first.organization, ScoreSheet.Kind.PEER, [28, 30, 10])
        sheet(world, year_end, first.organization, unit, ScoreSheet.Kind.PEER, [35, 30, 10])
        sheet(world, mid_year, unit, first.organization, ScoreSheet.Kind.VERIFY, [25, 30, 10])
