"""Demo data of a scoring round, built through the same services as the pages: the 2025
year-end round of “Cụm thi đua số 10 – Các thành phố trực thuộc Trung ương” (CUM-10) on its
2025 criteria table (emulation.demo_groups), with the five cities' self-scoring and evidence,
their peer scores (self score weighing 30 %), closed, so that the ranking and its audit can be
opened (log in as `canbo.hanoi`, or `quantri`). Each city scores through a unit staff account:
Hà Nội's `canbo.hanoi`, and one `canbo.<city>` account for each other city, created if missing
(same demo password). Running it again changes nothing."""

import random
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import Role, RoleAssignment, User
from accounts.services import role_assign, user_create
from clusters.models import EmulationGroup, Organization
from clusters.text import fold

from . import services_scoring as services
from .models import CriteriaTable, Criterion, ScoreSheet, ScoringRound

GROUP_CODE, YEAR = "CUM-10", 2025
DEMO_PASSWORD = "demo-thidua-2026"
EVIDENCE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
                b"trailer<</Root 1 0 R>>\n%%EOF\n")
# How close to the maximum each city scores itself (the first is the most generous), and how
# much the others take off on average: an over-claim the fairness page can show.
SELF_SHARE = [Decimal("0.96"), Decimal("0.92"), Decimal("0.9"), Decimal("0.88"), Decimal("0.85")]
PEER_CUT = [Decimal("0.12"), Decimal("0.04"), Decimal("0.05"), Decimal("0.03"), Decimal("0.06")]


def _staff(organization) -> User:
    from accounts.scoping import active_role

    for found in (User.objects.filter(role_assignments__organization=organization,
                                      role_assignments__role=Role.UNIT_STAFF, is_active=True)
                  .order_by("id")):
        role = active_role(found)  # the role a user works in first, as after logging in
        if role.role == Role.UNIT_STAFF and role.organization_id == organization.pk:
            return found
    slug = fold(organization.short_name or organization.name).replace("lmhtx ", "")
    username = "canbo." + "".join(ch for ch in slug if ch.isalnum())[:30]
    user = User.objects.filter(username=username).first() or user_create(
        username=username, full_name=f"Cán bộ thi đua {organization.short_name}",
        email=f"{username}@demo.lmhtx.vn", password=DEMO_PASSWORD)
    if not RoleAssignment.objects.current().filter(user=user, role=Role.UNIT_STAFF,
                                                   organization=organization).exists():
        role_assign(user=user, role=Role.UNIT_STAFF, organization=organization)
    return user


def _points(criterion, share, rng) -> Decimal:
    if criterion.kind == Criterion.Kind.PENALTY:
        return Decimal(rng.choice([0, 0, 1]))
    value = criterion.max_points * (share - Decimal(rng.randint(0, 4)) / 100)
    value = max(Decimal(0), min(criterion.max_points, value))
    return (value * 2).quantize(Decimal(1), rounding=ROUND_DOWN) / 2  # halves: 8,5 · 9


def _fill(sheet, criteria, share, by, rng, *, evidence):
    lines = {c.pk: (_points(c, share, rng), "") for c in criteria}
    services.sheet_save(sheet=sheet, lines=lines, by=by)
    if evidence:
        for c in criteria:
            if c.evidence_required:
                upload = SimpleUploadedFile(f"minh-chung-{c.section.code}-{c.code or 'thuong'}.pdf",
                                            EVIDENCE_PDF, content_type="application/pdf")
                services.evidence_add(sheet=sheet, criterion=c, upload=upload, by=by)
    services.sheet_submit(sheet=sheet, by=by)


@transaction.atomic
def build_scoring_demo(stdout=None) -> ScoringRound | None:
    admin = User.objects.filter(username="quantri").first()
    group = EmulationGroup.objects.filter(code=GROUP_CODE).first()
    table = CriteriaTable.objects.filter(group=group, year=YEAR).first() if group else None
    if admin is None or table is None:
        return None
    existing = ScoringRound.objects.filter(group=group, year=YEAR,
                                           half=ScoringRound.Half.YEAR_END).first()
    if existing is not None:
        return existing
    rng = random.Random(2025)
    members = list(Organization.objects.filter(group_memberships__group=group,
                                               group_memberships__year=YEAR).order_by("sort_key"))
    staff = {m.pk: _staff(m) for m in members}
    criteria = list(Criterion.objects.filter(section__table=table).select_related("section")
                    .order_by("section__position", "position", "id"))
    round = services.round_create(group=group, year=YEAR, half=ScoringRound.Half.YEAR_END,
                                  peer_mode=ScoringRound.PeerMode.PEERS, self_weight=30, by=admin,
                                  self_deadline=date(YEAR, 12, 10),
                                  peer_deadline=date(YEAR, 12, 20))
    round = services.round_open_self(round=round, by=admin)
    shares = {m.pk: SELF_SHARE[i % len(SELF_SHARE)] for i, m in enumerate(members)}
    cuts = {m.pk: PEER_CUT[i % len(PEER_CUT)] for i, m in enumerate(members)}
    for m in members:
        sheet = ScoreSheet.objects.get(round=round, scored=m, kind=ScoreSheet.Kind.SELF)
        _fill(sheet, criteria, shares[m.pk], staff[m.pk], rng, evidence=True)
    round = services.round_open_second_step(round=round, by=admin)
    for sheet in ScoreSheet.objects.filter(round=round, kind=ScoreSheet.Kind.PEER):
        share = shares[sheet.scored_id] - cuts[sheet.scored_id]
        _fill(sheet, criteria, share, staff[sheet.scorer_id], rng, evidence=False)
    round = services.round_close(round=round, by=admin,
                                 conference=ScoringRound.Conference.IN_PERSON)
    if stdout:
        stdout.write(gettext("Scoring: the closed %(year)s year-end round of %(group)s.") % {
            "year": YEAR, "group": group.name})
    return round
