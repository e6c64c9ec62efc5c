"""The national seed (issue 9) at a tiny scale on the `world` fixture: units and people, 300 award
records over 2021–2026, 20 dossiers with nominations, a 10-item council meeting, a year of
deadlines with reminders and deliveries; a second run adds nothing; rows have history."""

from datetime import date

import pytest

from accounts.models import RoleAssignment, User
from awards import services_council as sc
from awards import services_dossiers
from awards.models import (
    AgendaItem, AwardCycle, AwardRecord, AwardType, CouncilMeeting, CouncilMember, Decision,
    Dossier, Nomination,
)
from bench.national import build_national
from bench.national_dossiers import CENTRAL_CYCLE_TITLE, MEETING_TITLE
from clusters.models import Organization, Person
from deadlines.models import Deadline, Notification, Reminder, ReminderDelivery

SIZES = dict(cooperatives=80, people=300, floor_units=20, floor_people=60, awards=300,
             dossiers=20, agenda_items=10, submitters=5)


@pytest.fixture
def national(world):
    """What the demo has and the national seed builds on: the Alliance's cycle for 2025, open
    to the provincial alliances, and its council with a chair."""
    admin = world.users.admin
    types = list(AwardType.objects.filter(code__in=["CSTDN", "BK_CT", "BK_BCH"]))
    cycle = services_dossiers.cycle_create(
        organizer=world.central, kind="merit", year=2025, title=CENTRAL_CYCLE_TITLE,
        award_types=types, submitters=[world.hanoi, world.hue], deadline=date(2026, 12, 15),
        by=admin)
    services_dossiers.cycle_set_status(cycle=cycle, status=AwardCycle.Status.OPEN, by=admin)
    council = sc.council_create(organization=world.central, name="Hội đồng Thi đua - Khen thưởng",
                                by=admin)
    term = sc.term_save(council=council, by=admin, name="Nhiệm kỳ 2025 – 2030",
                        start_date=date(2025, 1, 1))
    sc.member_save(term=term, by=admin, user=world.users.council, full_name="Nguyễn Văn Chủ",
                   organization=world.central, position=CouncilMember.Position.CHAIR,
                   valid_from=date(2025, 1, 1))
    return world


def counts() -> dict:
    models = (Organization, Person, User, RoleAssignment, AwardRecord, AwardCycle, Dossier,
              Nomination, Decision, CouncilMeeting, AgendaItem, Deadline, Reminder,
              ReminderDelivery, Notification)
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db(transaction=False)
def test_national_seed_at_a_tiny_scale(national):
    before = counts()
    build_national(**SIZES)
    after = counts()

    # Units and people under the two active alliances; the alliances themselves are kept.
    assert after["Organization"] - before["Organization"] == 80
    assert after["Person"] - before["Person"] == 300
    assert Organization.objects.filter(kind="provincial_alliance").count() == 2

    # 300 award records of the registry, plus those the decided dossiers conferred.
    registry = AwardRecord.objects.filter(nomination__isnull=True)
    assert registry.count() == 300
    years = set(registry.values_list("achievement_year", flat=True))
    assert years == set(range(2021, 2027))
    for year in range(2021, 2027):
        assert registry.filter(achievement_year=year).count() >= 30  # spread, not bunched
    assert registry.filter(person__isnull=False).count() > registry.filter(
        person__isnull=True).count() > 0
    codes = set(registry.values_list("award_type__code", flat=True))
    assert {"LDTT", "CSTDCS", "TTLDTT", "GK", "BK_CT"} <= codes
    assert registry.filter(kind="thematic").exists()
    # Many records per decision: decisions group the awards of a unit, a province, a year.
    assert registry.values("decision_number").distinct().count() < 300
    assert not registry.filter(decision_date__gt=date.today()).exists()

    # Dossiers: 2 of the alliances to the Alliance, 18 of units to their alliance.
    assert after["Dossier"] == 20
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert len(statuses) >= 3
    assert Nomination.objects.count() >= 20
    awarded = Nomination.objects.filter(status="awarded")
    assert awarded.filter(award_record__isnull=True).count() == 0
    if awarded.exists():
        assert Decision.objects.filter(status="issued").exists()

    # The council meeting with its 10 items, in preparation.
    meeting = CouncilMeeting.objects.get(title=MEETING_TITLE)
    assert meeting.status == "draft"
    assert meeting.items.count() == 10

    # A year of deadlines: 4 calls + the Giấy khen cycle per alliance, appraisal deadlines of
    # the dossiers received; 7 ladder steps each; deliveries with their notifications.
    nomination_deadlines = Deadline.objects.filter(kind="nomination")
    assert nomination_deadlines.count() == 2 * 5
    assert nomination_deadlines.filter(active=False).count() == 2 * 3
    assert set(nomination_deadlines.values_list("due_on__year", flat=True)) == {2026}
    assert Reminder.objects.count() == 7 * Deadline.objects.count()
    assert Reminder.objects.filter(status="done").exists()
    assert Reminder.objects.filter(status="pending").exists()
    deliveries = ReminderDelivery.objects.all()
    assert deliveries.count() >= 2 * 3 * 7 * 5 - 5  # the closed calls: every step, every unit
    assert not deliveries.filter(notification__isnull=True).exists()
    # In Vietnamese, naming the deadline, dated dd/mm/yyyy.
    delivery = deliveries.select_related("notification", "reminder__deadline").filter(
        reminder__offset=3).first()
    assert delivery.reminder.deadline.title.startswith("Gửi hồ sơ đề nghị khen thưởng: ")
    assert delivery.notification.text.startswith("Quá hạn: “" + delivery.reminder.deadline.title)
    assert delivery.reminder.deadline.due_on.strftime("%d/%m/%Y") in delivery.notification.text

    # History rows for every audited row written.
    for model in (AwardRecord, Dossier, Nomination, Deadline, Organization, Person, User):
        assert model.history.filter(history_type="+").count() >= model.objects.count() - \
            before[model.__name__], model.__name__

    # A second run adds nothing.
    build_national(**SIZES)
    assert counts() == after
