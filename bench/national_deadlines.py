"""National volume, part 4: a year of deadlines (2026) with their reminders and deliveries.

Each active provincial alliance ran four thematic commendation calls during 2026 (Ngày Hợp tác
xã Việt Nam, the mid-year review, digital transformation, OCOP), each open to a sample of its
units (the bloc members it invited), besides its Giấy khen cycle for 2025 (bench
.national_dossiers). Their deadlines are the rows the sweeper would have written over the year:

* a nomination deadline per call: the three calls closed earlier in the year are inactive (as
  `sync_deadlines` leaves a closed source), the fourth, due 13/11/2026, is still open and in its
  late window; the Giấy khen cycle is due on 18/12/2026;
* an appraisal deadline for each dossier the alliance received and has not appraised yet;
* one reminder per step of the default ladder (14, 7, 3, 1 working days before, on the day,
  1 and 3 after with escalation), at 08:00 Vietnam time on its working day: sent ("done") when
  that moment has passed, waiting otherwise;
* for each sent reminder, a delivery and an in-app notification to every user who owed the
  work (the officers of the invited units without a dossier sent, the appraisers), e-mail
  sent; about two notifications in three are read.

Deadline titles and links are the adapters' own (deadlines.obligations), so a later sweep
finds the rows unchanged. Deadlines are written with `bulk_create_with_history` (reminders,
deliveries and notifications have no history: deadlines/tests, tests/test_audit.py).

Idempotent per alliance: its calls, deadlines and reminders are written in one transaction,
skipped when its first call exists.
"""

from __future__ import annotations

import random
import time
import zlib
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from awards import services_dossiers
from awards.models import AwardCycle, AwardType, Dossier
from deadlines import ladder
from deadlines.delivery import reminder_text
from deadlines.models import (
    Deadline, DeadlineKind, Notification, Reminder, ReminderDelivery,
)
from deadlines.obligations.awards import AppraisalObligation, NominationObligation

from .national import _n, _s, _write, bulk_with_history
from .national_awards import Population
from .national_dossiers import gk_cycle_title

SUBMITTERS = 60  # units invited to each thematic call
CALLS = [
    ("Khen thưởng chuyên đề kỷ niệm Ngày Hợp tác xã Việt Nam (11/4/2026)", date(2026, 3, 13),
     ("GK", "BK_CT")),
    ("Sơ kết 6 tháng đầu năm 2026 phong trào thi đua “Hợp tác xã kiểu mới”", date(2026, 6, 19),
     ("GK",)),
    ("Khen thưởng chuyên đề chuyển đổi số trong hợp tác xã năm 2026", date(2026, 9, 18),
     ("GK", "BK_CT")),
    ("Khen thưởng chuyên đề tham gia Chương trình mỗi xã một sản phẩm (OCOP) năm 2026",
     date(2026, 11, 13), ("GK",)),
]
SEED = 8_2026
NOT_SENT = (Dossier.Status.DRAFT, Dossier.Status.RETURNED)


class DeadlinesBuilder:
    def __init__(self, stdout=None, submitters=SUBMITTERS):
        self.out = stdout
        self.submitters = submitters
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.admin = User.objects.filter(username="quantri").first()
        self.types = {t.code: t for t in AwardType.objects.all()}
        self.steps = ladder.default_ladders()
        self.holidays: dict = {}
        self.counts = {"deadlines": 0, "reminders": 0, "deliveries": 0}

    def say(self, text):
        _write(self.out, text)

    def call_title(self, title, alliance):
        return f"{title} – {alliance.short_name or alliance.name}"

    def build(self) -> dict:
        started = time.monotonic()
        pop = Population()
        if not pop.units or self.admin is None:
            self.say("Chưa có đơn vị quy mô quốc gia: bỏ qua hạn và nhắc việc.")
            return self.counts
        units: dict[int, list] = {}
        for unit in pop.units:
            units.setdefault(unit.parent_id, []).append(unit)
        officers = dict(RoleAssignment.objects.filter(
            role=Role.UNIT_STAFF, organization_id__in=list(pop.unit_by_id))
            .values_list("organization_id", "user_id"))
        appraisers = {}
        for org, user in RoleAssignment.objects.current().filter(
                role=Role.APPRAISER, organization_id__in=list(pop.alliances),
                user__is_active=True).values_list("organization_id", "user_id"):
            appraisers.setdefault(org, []).append(user)
        with translation.override("vi"):
            for alliance in sorted(pop.alliances.values(), key=lambda a: a.code):
                self.alliance(alliance, units.get(alliance.pk, []), officers,
                              appraisers.get(alliance.pk, []))
        self.say(f"Hạn và nhắc việc năm {self.today.year}: {_n(self.counts['deadlines'])} hạn, "
                 f"{_n(self.counts['reminders'])} lần nhắc, {_n(self.counts['deliveries'])} "
                 f"lượt gửi ({_s(time.monotonic() - started)} giây).")
        return self.counts

    @transaction.atomic
    def alliance(self, alliance, units, officers, appraisers):
        first = self.call_title(CALLS[0][0], alliance)
        if not units or AwardCycle.objects.filter(organizer=alliance, title=first).exists():
            return
        rng = random.Random(SEED ^ zlib.crc32(alliance.code.encode()))
        cycles = []
        for title, deadline, codes in CALLS:
            invited = sorted(rng.sample(units, min(self.submitters, len(units))),
                             key=lambda u: u.pk)
            cycle = services_dossiers.cycle_create(
                organizer=alliance, kind="thematic", year=deadline.year,
                title=self.call_title(title, alliance),
                award_types=[self.types[c] for c in codes], submitters=invited,
                deadline=deadline, by=self.admin)
            status = (AwardCycle.Status.OPEN if deadline >= self.today - timedelta(days=30)
                      else AwardCycle.Status.CLOSED)
            services_dossiers.cycle_set_status(cycle=cycle, status=status, by=self.admin)
            cycles.append((cycle, invited))
        gk = AwardCycle.objects.filter(
            organizer=alliance, title=gk_cycle_title(alliance)).first()

        # The deadlines: the adapters' specs for what is open, the same titles for the closed.
        nomination, appraisal = NominationObligation(), AppraisalObligation()
        mine = {("nomination", "awards.awardcycle", c.pk) for c, _i in cycles}
        received = []
        if gk is not None:
            mine.add(("nomination", "awards.awardcycle", gk.pk))
            received = list(Dossier.objects.filter(cycle=gk, status=Dossier.Status.SUBMITTED)
                            .values_list("pk", flat=True))
            mine |= {("appraisal", "awards.dossier", pk) for pk in received}
        specs = {s.key: s for adapter in (nomination, appraisal)
                 for s in adapter.specs(self.today) if s.key in mine}
        for cycle, _invited in cycles:
            key = ("nomination", "awards.awardcycle", cycle.pk)
            if key not in specs:
                specs[key] = nomination.spec(
                    cycle, title=_("Send the nomination dossiers for %(cycle)s") % {
                        "cycle": cycle.title}, url=cycle.get_absolute_url(),
                    due_on=cycle.deadline, organization=cycle.organizer)
        taken = set(Deadline.objects.filter(
            source_id__in=[k[2] for k in specs]).values_list("kind", "source_model", "source_id"))
        rows = [Deadline(kind=s.kind, source_model=s.source_model, source_id=s.source_id,
                         title=s.title, url=s.url, due_on=s.due_on,
                         organization_id=s.organization_id,
                         active=(s.source_model != "awards.awardcycle" or s.source_id in {
                             c.pk for c, _i in cycles if c.status == AwardCycle.Status.OPEN}
                             or (gk is not None and s.source_id == gk.pk)))
                for key, s in specs.items() if key not in taken]
        bulk_with_history(rows, Deadline, self.now)
        self.counts["deadlines"] += len(rows)

        # Who owes each deadline now: the invited units without a dossier sent.
        sent = {}
        for cycle_id, org in Dossier.objects.filter(
                cycle__in=[c for c, _i in cycles] + ([gk] if gk else [])).exclude(
                status__in=NOT_SENT).values_list("cycle_id", "organization_id"):
            sent.setdefault(cycle_id, set()).add(org)
        audience = {c.pk: invited for c, invited in cycles}
        if gk is not None:
            audience[gk.pk] = units
        reminders, deliveries = [], []
        for deadline in rows:
            if deadline.kind == DeadlineKind.NOMINATION:
                owed = [officers[u.pk] for u in audience[deadline.source_id]
                        if u.pk not in sent.get(deadline.source_id, ()) and u.pk in officers]
            else:
                owed = list(appraisers)
            for offset, escalate in self.steps.get(deadline.kind, []):
                when = ladder.send_at(deadline.due_on, offset, self.holidays)
                done = when <= self.now
                reminder = Reminder(deadline=deadline, offset=offset, escalate=escalate,
                                    send_at=when,
                                    status=Reminder.Status.DONE if done
                                    else Reminder.Status.PENDING,
                                    done_at=when + timedelta(seconds=rng.randint(20, 200))
                                    if done else None,
                                    recipients=len(owed) if done else 0,
                                    claimed_by="sweeper" if done else "")
                reminders.append(reminder)
                if done:
                    deliveries.append((reminder, owed))
        Reminder.objects.bulk_create(reminders, batch_size=2000)
        self.counts["reminders"] += len(reminders)
        self.deliver(deliveries, rng)

    def deliver(self, deliveries, rng):
        notes, rows, by_reminder = [], [], []
        for reminder, users in deliveries:
            start = len(rows)
            text = reminder_text(reminder.deadline, reminder.offset)
            for user_id in users:
                read = rng.random() < 0.67
                note = Notification(user_id=user_id, text=text[:500],
                                    url=reminder.deadline.url[:300],
                                    read_at=reminder.done_at + timedelta(
                                        hours=rng.randint(1, 72)) if read else None)
                notes.append(note)
                rows.append(ReminderDelivery(
                    reminder=reminder, user_id=user_id, notification=note,
                    email_status=ReminderDelivery.EmailStatus.SENT, attempts=1,
                    last_attempt_at=reminder.done_at, sent_at=reminder.done_at))
            by_reminder.append((reminder, start, len(rows)))
        Notification.objects.bulk_create(notes, batch_size=2000)
        for row in rows:
            row.notification_id = row.notification.pk
        ReminderDelivery.objects.bulk_create(rows, batch_size=2000)
        # created_at is auto_now_add: put it back to the moment each reminder went out.
        for reminder, start, end in by_reminder:
            if end > start:
                Notification.objects.filter(
                    pk__in=[r.notification_id for r in rows[start:end]]
                ).update(created_at=reminder.done_at)
                ReminderDelivery.objects.filter(reminder=reminder).update(
                    created_at=reminder.done_at)
        self.counts["deliveries"] += len(rows)


def build_deadlines(stdout=None, submitters=SUBMITTERS) -> dict:
    return DeadlinesBuilder(stdout=stdout, submitters=submitters).build()
