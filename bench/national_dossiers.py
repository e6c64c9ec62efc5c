"""National volume, part 3: accounts, nomination dossiers and a 500-item council meeting.

* Accounts: every national unit gets its emulation officer (cán bộ thi đua, role unit staff),
  the user who prepares its dossiers and receives its reminders. No password is usable: these
  accounts exist for volume, not for logging in.
* Dossiers (2,000 with the defaults): each active provincial alliance opens its Giấy khen
  cycle for the achievements of 2025 (deadline 18/12/2026) with its national units as
  submitters; about 2,000 of them send a dossier of their people, in every state of the
  workflow: being prepared, sent, returned for correction, appraised, decided. Decided dossiers
  are conferred by one decision of the alliance (a Decision with its items), and their awarded
  nominations point at the award records the decision wrote. Each alliance also sends its own
  dossier to the Alliance's cycle for 2025 (the demo's), appraised, with nominations for the
  awards the central council votes on.
* The council: a third meeting of the Alliance's council, in preparation, with those
  nominations on its agenda (500 items), put there by `services_council.agenda_add`, which
  sets each item's ballot mode and threshold and the automatic recusals.

Rows are written with `bulk_create_with_history` (dossiers, nominations, decisions, award
records, users, roles) or through the services (cycles, the meeting, its agenda).

Idempotent: accounts by username; an alliance's cycle and its dossiers in one transaction
(skipped when the cycle exists); an alliance's central dossier when it has none; the meeting
by its title.
"""

from __future__ import annotations

import math
import random
import time
import zlib
from datetime import date, datetime, time as clock, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from awards import services_council as sc
from awards import services_dossiers
from awards.models import (
    AwardCycle, AwardRecord, AwardType, Council, CouncilMeeting, CouncilMember, Decision,
    DecisionItem, Dossier, DossierEvent, Nomination,
)
from clusters.demo import person_name
from clusters.models import Organization

from .national import _n, _s, _write, allocate, bulk_with_history
from .national_awards import Population

DOSSIERS = 2_000
AGENDA_ITEMS = 500
YEAR = 2025
GK_DEADLINE = date(2026, 12, 18)
CENTRAL_CYCLE_TITLE = "Xét khen thưởng thành tích năm 2025 của Liên minh Hợp tác xã Việt Nam"
MEETING_TITLE = "Phiên họp xét khen thưởng thành tích năm 2025 của các tỉnh, thành phố (đợt 3)"
SEED = 2_2026
# Share of the cooperatives' dossiers in each state.
STATES = [(Dossier.Status.DRAFT, 12), (Dossier.Status.SUBMITTED, 18),
          (Dossier.Status.RETURNED, 7), (Dossier.Status.APPRAISED, 18),
          (Dossier.Status.DECIDED, 45)]
# The central dossier's nominations, in turn: the awards the Alliance's council votes on.
CENTRAL_AWARDS = ("CSTDN", "BK_CT", "BK_CT", "BK_BCH")
SUMMARIES = {
    "GK": "Hoàn thành tốt nhiệm vụ năm 2025, tích cực tham gia phong trào thi đua của hợp tác xã.",
    "CSTDN": "Ba năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở, có sáng kiến được áp dụng "
             "trong các hợp tác xã của tỉnh.",
    "BK_CT": "Hoàn thành xuất sắc nhiệm vụ năm 2025, đóng góp vào việc liên kết tiêu thụ nông "
             "sản cho thành viên hợp tác xã.",
    "BK_BCH": "Có thành tích xuất sắc trong phong trào thi đua phát triển kinh tế tập thể năm "
              "2025 của tỉnh.",
}
LEGAL_BASES = ("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\n"
               "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ;\n"
               "Xét đề nghị của các hợp tác xã thành viên.")


def gk_cycle_title(alliance) -> str:
    return f"Xét tặng Giấy khen của {alliance.name} cho thành tích năm {YEAR}"


def username_for(unit) -> str:
    return f"canbo.{unit.code.lower()}"


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(hour, 0)))


class DossiersBuilder:
    def __init__(self, stdout=None, dossiers=DOSSIERS, items=AGENDA_ITEMS):
        self.out = stdout
        self.total = dossiers
        self.items = items
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.types = {t.code: t for t in AwardType.objects.all()}
        self.admin = User.objects.filter(username="quantri").first()

    def say(self, text):
        _write(self.out, text)

    def build(self) -> dict:
        started = time.monotonic()
        pop = Population()
        if not pop.units or self.admin is None:
            self.say("Chưa có đơn vị quy mô quốc gia hoặc tài khoản quantri: bỏ qua hồ sơ.")
            return {}
        users = self.accounts(pop)
        central_cycle = AwardCycle.objects.filter(title=CENTRAL_CYCLE_TITLE).first()
        alliances = sorted(pop.alliances.values(), key=lambda a: a.code)
        central = self.central_dossiers(central_cycle, alliances, pop) if central_cycle else 0
        n_central = Dossier.objects.filter(cycle=central_cycle,
                                           organization__in=alliances).count() \
            if central_cycle else 0
        units_by_alliance: dict[int, list] = {}
        for unit in pop.units:
            units_by_alliance.setdefault(unit.parent_id, []).append(unit)
        people_by_unit: dict[int, list[int]] = {}
        for pk, org in pop.people:
            people_by_unit.setdefault(org, []).append(pk)
        shares = allocate(max(0, self.total - n_central), 0,
                          [len(units_by_alliance.get(a.pk, [])) or 1 for a in alliances])
        added = 0
        for alliance, share in zip(alliances, shares):
            added += self.alliance_cycle(alliance, units_by_alliance.get(alliance.pk, []),
                                         people_by_unit, users, share)
        agenda = self.meeting(central_cycle) if central_cycle and self.items else 0
        self.say(f"Hồ sơ đề nghị: thêm {_n(added)} hồ sơ của đơn vị, {_n(central)} hồ sơ của "
                 f"Liên minh HTX tỉnh; phiên họp Hội đồng: {_n(agenda)} nội dung được thêm "
                 f"({_s(time.monotonic() - started)} giây).")
        return {"dossiers": added + central, "agenda": agenda}

    # --- accounts -------------------------------------------------------------------------------

    def accounts(self, pop) -> dict[int, int]:
        """{unit id: user id} of the units' emulation officers (created when missing)."""
        names = {username_for(u): u for u in pop.units}
        existing = {name: pk for name, pk in User.objects.filter(
            username__startswith="canbo.").values_list("username", "id") if name in names}
        rng = random.Random(SEED)
        new = []
        for username, unit in names.items():
            if username in existing:
                continue
            full_name, _g = person_name(rng)
            new.append(User(username=username, full_name=full_name,
                            email=f"{username}@demo.lmhtx.vn", password=make_password(None),
                            date_joined=self.now))
        if new:
            with transaction.atomic():
                bulk_with_history(new, User, self.now)
                bulk_with_history([RoleAssignment(user_id=u.pk, role=Role.UNIT_STAFF,
                                                  organization_id=names[u.username].pk,
                                                  valid_from=date(2021, 1, 1)) for u in new],
                                  RoleAssignment, self.now)
            self.say(f"  Tài khoản cán bộ thi đua: {_n(len(new))} tài khoản mới.")
            existing.update({u.username: u.pk for u in new})
        return {unit.pk: existing[username] for username, unit in names.items()}

    # --- the alliances' Giấy khen cycles --------------------------------------------------------

    @transaction.atomic
    def alliance_cycle(self, alliance, units, people_by_unit, users, share) -> int:
        title = gk_cycle_title(alliance)
        if not units or AwardCycle.objects.filter(organizer=alliance, title=title).exists():
            return 0
        rng = random.Random(SEED ^ zlib.crc32(alliance.code.encode()))
        gk = self.types["GK"]
        cycle = services_dossiers.cycle_create(
            organizer=alliance, kind="merit", year=YEAR, title=title, award_types=[gk],
            submitters=units, deadline=GK_DEADLINE, by=self.admin,
            note="Các hợp tác xã gửi hồ sơ qua hệ thống trước ngày 18/12/2026.")
        services_dossiers.cycle_set_status(cycle=cycle, status=AwardCycle.Status.OPEN,
                                           by=self.admin)
        candidates = [u for u in units if people_by_unit.get(u.pk)]
        chosen = sorted(rng.sample(candidates, min(share, len(candidates))), key=lambda u: u.pk)
        states = [s for s, w in STATES for _ in range(w)]
        dossiers, plans = [], []
        for unit in chosen:
            status = rng.choice(states)
            user = users[unit.pk]
            sent = status != Dossier.Status.DRAFT
            submitted = self.now - timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 8))
            dossiers.append(Dossier(
                cycle=cycle, organization_id=unit.pk, recipient=alliance, status=status,
                round=(2 if status == Dossier.Status.RETURNED or rng.random() < 0.1 else 1)
                if sent else 0,
                summary=f"Hồ sơ đề nghị tặng Giấy khen năm {YEAR} của {unit.name}.",
                created_by_id=user, submitted_by_id=user if sent else None,
                submitted_at=submitted if sent else None))
            people = people_by_unit[unit.pk]
            plans.append(rng.sample(people, min(len(people), rng.randint(1, 6))))
        bulk_with_history(dossiers, Dossier, self.now)
        for dossier in dossiers:  # the model's auto_now_add: keep creation before submission
            dossier.created_at = (dossier.submitted_at or self.now) - timedelta(days=3)
        Dossier.objects.bulk_update(dossiers, ["created_at"], batch_size=2000)

        decided = [d for d in dossiers if d.status == Dossier.Status.DECIDED]
        decision = self.decision(alliance, cycle, rng) if decided else None
        nominations, records, events = [], [], []
        for dossier, people in zip(dossiers, plans):
            appraised = dossier.status in (Dossier.Status.APPRAISED, Dossier.Status.DECIDED)
            for position, person_id in enumerate(people, start=1):
                status = Nomination.Status.PROPOSED
                if appraised:
                    status = (Nomination.Status.AGREED if rng.random() < 0.93
                              else Nomination.Status.DISAGREED)
                record = None
                if dossier.status == Dossier.Status.DECIDED:
                    if status == Nomination.Status.AGREED:
                        status = Nomination.Status.AWARDED
                        record = AwardRecord(
                            person_id=person_id, organization_at_award_id=dossier.organization_id,
                            award_type=gk, kind=AwardRecord.Kind.MERIT, achievement_year=YEAR,
                            decision_number=decision.number_and_symbol,
                            decision_date=decision.date,
                            issuing_level=f"Chủ tịch {alliance.short_name or alliance.name}",
                            granting_level=gk.granting_level)
                        record.refresh_derived_fields()
                        records.append(record)
                    else:
                        status = Nomination.Status.NOT_AWARDED
                nomination = Nomination(
                    dossier=dossier, person_id=person_id, award_type=gk, status=status,
                    achievement_summary=SUMMARIES["GK"], position=position,
                    verdict="eligible" if dossier.round else "",
                    appraised_by=self.admin if appraised else None,
                    appraised_at=dossier.submitted_at + timedelta(days=5) if appraised else None,
                    appraisal_comment="Đủ hồ sơ, đạt tiêu chuẩn." if appraised else "")
                nomination._record = record
                nominations.append(nomination)
            events += self.events(dossier, rng)
        bulk_with_history(records, AwardRecord, self.now)
        for nomination in nominations:
            if nomination._record is not None:
                nomination.award_record_id = nomination._record.pk
        bulk_with_history(nominations, Nomination, self.now)
        DossierEvent.objects.bulk_create(events, batch_size=2000)
        if decision is not None:
            DecisionItem.objects.bulk_create([
                DecisionItem(decision=decision, nomination=n, position=i)
                for i, n in enumerate((n for n in nominations
                                       if n.status == Nomination.Status.AWARDED), start=1)],
                batch_size=2000)
        return len(dossiers)

    def decision(self, alliance, cycle, rng) -> Decision:
        """The alliance's decision conferring the Giấy khen of the decided dossiers."""
        from django.db.models import Max

        year = self.today.year
        top = Decision.objects.filter(issuer=alliance, year=year, symbol="QĐ-LMHTX").aggregate(
            m=Max("number"))["m"] or 0
        day = self.today - timedelta(days=rng.randint(3, 10))
        decision = Decision(
            kind=Decision.Kind.GRANT, status=Decision.Status.ISSUED, issuer=alliance, cycle=cycle,
            year=year, number=max(top + 1, 100 + rng.randint(0, 50)), symbol="QĐ-LMHTX",
            date=day, place=alliance.province.name if alliance.province_id else "",
            title=f"Về việc tặng Giấy khen cho các cá nhân có thành tích năm {YEAR}",
            legal_bases=LEGAL_BASES, signer_name=person_name(rng)[0],
            signer_title=f"CHỦ TỊCH {(alliance.short_name or alliance.name).upper()}",
            created_by=self.admin, issued_by=self.admin, issued_at=at(day, 15))
        bulk_with_history([decision], Decision, self.now)
        return decision

    def events(self, dossier, rng) -> list[DossierEvent]:
        S = Dossier.Status
        if dossier.status == S.DRAFT:
            return []
        actor = dossier.created_by_id
        steps = [("submit", S.DRAFT, S.SUBMITTED, actor, "")]
        if dossier.status == S.RETURNED:
            steps.append(("return", S.SUBMITTED, S.RETURNED, self.admin.pk,
                          "Đề nghị bổ sung báo cáo thành tích có xác nhận của thủ trưởng."))
        if dossier.status in (S.APPRAISED, S.DECIDED):
            steps.append(("appraised", S.SUBMITTED, S.APPRAISED, self.admin.pk, ""))
        if dossier.status == S.DECIDED:
            steps.append(("decided", S.APPRAISED, S.DECIDED, self.admin.pk, ""))
        return [DossierEvent(dossier=dossier, actor_id=who, action=action, from_status=a,
                             to_status=b, reason=reason) for action, a, b, who, reason in steps]

    # --- the alliances' dossiers to the Alliance, and the meeting --------------------------------

    @transaction.atomic
    def central_dossiers(self, cycle, alliances, pop) -> int:
        done = set(Dossier.objects.filter(cycle=cycle).values_list("organization_id", flat=True))
        allowed = set(cycle.submitters.values_list("pk", flat=True))
        # The demo's own dossiers (Hà Nội, Lâm Đồng) stay as they are; the others share the
        # agenda's items.
        todo = [a for a in alliances if a.pk not in done and a.pk in allowed]
        if not todo or not self.items:
            return 0
        per_alliance = math.ceil(self.items / len(todo))
        by_alliance: dict[int, list[int]] = {}
        for pk, org in pop.people:
            unit = pop.unit_by_id.get(org)
            by_alliance.setdefault(unit.parent_id if unit else org, []).append(pk)
        staff = {a.pk: RoleAssignment.objects.filter(organization=a, role=Role.UNIT_STAFF)
                 .values_list("user_id", flat=True).first() for a in todo}
        dossiers, plans = [], []
        for alliance in todo:
            rng = random.Random(SEED ^ zlib.crc32(f"central-{alliance.code}".encode()))
            people = by_alliance.get(alliance.pk, [])
            if not people:
                continue
            submitted = self.now - timedelta(days=rng.randint(15, 30))
            user = staff[alliance.pk] or self.admin.pk
            dossiers.append(Dossier(
                cycle=cycle, organization=alliance, recipient=cycle.organizer,
                status=Dossier.Status.APPRAISED, round=1, created_by_id=user,
                submitted_by_id=user, submitted_at=submitted,
                summary=f"Hồ sơ đề nghị khen thưởng thành tích năm {YEAR} của {alliance.name}."))
            plans.append(rng.sample(people, min(per_alliance, len(people))))
        bulk_with_history(dossiers, Dossier, self.now)
        appraiser = User.objects.filter(username="thamdinh").first() or self.admin
        nominations, events = [], []
        for dossier, people in zip(dossiers, plans):
            for position, person_id in enumerate(people, start=1):
                code = CENTRAL_AWARDS[position % len(CENTRAL_AWARDS)]
                nominations.append(Nomination(
                    dossier=dossier, person_id=person_id, award_type=self.types[code],
                    status=Nomination.Status.AGREED, achievement_summary=SUMMARIES[code],
                    position=position, verdict="eligible", appraised_by=appraiser,
                    appraised_at=dossier.submitted_at + timedelta(days=7),
                    appraisal_comment="Đủ hồ sơ, đạt tiêu chuẩn; đề nghị Hội đồng xem xét."))
            events += [DossierEvent(dossier=dossier, actor_id=dossier.created_by_id,
                                    action="submit", from_status="draft", to_status="submitted"),
                       DossierEvent(dossier=dossier, actor=appraiser, action="appraised",
                                    from_status="submitted", to_status="appraised")]
        bulk_with_history(nominations, Nomination, self.now)
        DossierEvent.objects.bulk_create(events)
        return len(dossiers)

    @transaction.atomic
    def meeting(self, cycle) -> int:
        council = Council.objects.filter(organization=cycle.organizer, is_active=True).first()
        if council is None or CouncilMeeting.objects.filter(council=council,
                                                             title=MEETING_TITLE).exists():
            return 0
        day = self.today + timedelta(days=21)
        seats = [s for s in CouncilMember.objects.filter(term__council=council)
                 .select_related("term", "user").order_by("sort_order", "pk")
                 if s.serves_on(day) and s.term.covers(day)]
        chair = next((s for s in seats if s.position == CouncilMember.Position.CHAIR), None)
        secretary = next((s for s in seats if s.position == CouncilMember.Position.SECRETARY),
                         None)
        if chair is None:
            self.say("Hội đồng chưa có Chủ tịch trong nhiệm kỳ: không tạo phiên họp.")
            return 0
        office = User.objects.filter(username="thamdinh").first() or self.admin
        meeting = sc.meeting_save(
            council=council, by=office, title=MEETING_TITLE, date=day,
            place="Hội trường tầng 2, trụ sở Liên minh Hợp tác xã Việt Nam, Hà Nội",
            chair=chair, secretary=secretary)
        candidates = sc.agenda_candidates(meeting, cycle)
        national = [n for n in candidates if n.dossier.organization.kind
                    == Organization.Kind.PROVINCIAL_ALLIANCE
                    and n.dossier.summary.startswith("Hồ sơ đề nghị khen thưởng thành tích")]
        chosen = national[: self.items]
        if not chosen:
            transaction.set_rollback(True)
            return 0
        return len(sc.agenda_add(meeting=meeting, nominations=chosen, by=office))


def build_dossiers(stdout=None, dossiers=DOSSIERS, items=AGENDA_ITEMS) -> dict:
    return DossiersBuilder(stdout=stdout, dossiers=dossiers, items=items).build()
