"""Decisions on awards: drafting, numbering, cash, issuing (award records, nominations, dossiers),
refusals, revocation, proposals with the competent body's decision, scanned copies, the base
salary, and the pages with their permissions."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from awards import services_decisions as sd
from awards.models import (
    AwardCycle, AwardRecord, AwardType, BaseSalary, Decision, DecisionItem, Dossier, DossierEvent,
    Nomination,
)
from awards.selectors_decisions import (
    base_salary_on, cash_for, nominations_ready_for_decision,
)
from awards.workflow import TransitionError
from clusters.tests.factories import PersonFactory
from tests.test_browser import award_catalogue  # noqa: F401  (reseeds after another test's flush)

pytestmark = pytest.mark.django_db

JAN5 = datetime.date(2026, 1, 5)
NAMES = ["Nguyễn Văn Đức", "Trần Thị Thúy Hằng", "Lê Hoàng Yến", "Phạm Quốc Việt", "Đỗ Thị Ánh",
         "Vũ Minh Khôi", "Bùi Thị Hòa", "Hoàng Văn Lưu", "Ngô Thị Thu", "Đặng Văn Sơn"]


# --- builders (also used by tests/test_query_counts.py and tests/test_cross_province.py) -------


def make_cycle(world, *, organizer=None, year=2025, codes=("LDTT", "GK"), kind="merit"):
    cycle = AwardCycle.objects.create(
        organizer=organizer or world.central, kind=kind, year=year,
        title=f"Khen thưởng thành tích năm {year}", deadline=datetime.date(year + 1, 1, 1),
        status=AwardCycle.Status.OPEN, created_by=world.users.admin)
    cycle.award_types.set(AwardType.objects.filter(code__in=codes))
    return cycle


def make_dossier(world, cycle, organization=None, status=Dossier.Status.APPRAISED):
    organization = organization or world.hanoi
    return Dossier.objects.create(cycle=cycle, organization=organization,
                                  recipient=cycle.organizer, status=status,
                                  created_by=world.users.staff)


def agreed(world, dossier, *, code="LDTT", n=1, person_org=None, collective=None,
           status=Nomination.Status.AGREED):
    """`n` nominations of `code` in `dossier` (people of a Hà Nội cooperative unless a
    `collective` organization is given)."""
    award = AwardType.objects.get(code=code)
    made = []
    start = dossier.nominations.count()
    for i in range(n):
        if collective is not None:
            kwargs = {"organization": collective}
        else:
            kwargs = {"person": PersonFactory(organization=person_org or world.coop_hanoi,
                                              full_name=NAMES[(start + i) % len(NAMES)])}
        made.append(Nomination.objects.create(
            dossier=dossier, award_type=award, achievement_summary="Hoàn thành xuất sắc nhiệm vụ.",
            status=status, position=start + i + 1, **kwargs))
    return made


def draft_kwargs(**overrides):
    values = {"title": "Về việc tặng danh hiệu “Lao động tiên tiến” năm 2025", "date": JAN5,
              "place": "Hà Nội",
              "legal_bases": "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022\n"
                             "Nghị định số 152/2025/NĐ-CP ngày 14/6/2025 của Chính phủ",
              "recipients": "Như Điều 3;\nLưu: VT, TCCB.", "signer_name": "Nguyễn Văn Hùng",
              "signer_title": "PHÓ CHỦ TỊCH", "authority": "KT.", "authority_title": "CHỦ TỊCH"}
    values.update(overrides)
    return values


def make_decision(world, *, n=2, code="LDTT", cycle=None, by=None, issue=False, **overrides):
    cycle = cycle or make_cycle(world)
    dossier = make_dossier(world, cycle)
    nominations = agreed(world, dossier, code=code, n=n)
    decision = sd.decision_create(kind=Decision.Kind.GRANT, cycle=cycle, nominations=nominations,
                                  by=by or world.users.appraiser, **draft_kwargs(**overrides))
    if issue:
        decision = sd.decision_issue(decision=decision, by=by or world.users.appraiser)
    return decision


def hanoi_decision(world, *, issue=True):
    """A decision of the Hà Nội alliance for its own cycle (Giấy khen), for scoping tests."""
    cycle = make_cycle(world, organizer=world.hanoi, codes=("GK",))
    dossier = make_dossier(world, cycle, organization=world.coop_hanoi)
    nominations = agreed(world, dossier, code="GK", n=1)
    decision = sd.decision_create(kind=Decision.Kind.GRANT, cycle=cycle, nominations=nominations,
                                  by=world.users.province_admin,
                                  **draft_kwargs(title="Về việc tặng Giấy khen năm 2025"))
    if issue:
        decision = sd.decision_issue(decision=decision, by=world.users.province_admin)
    return decision


# --- nominations a decision may list -----------------------------------------------------------


def test_ready_nominations_are_agreed_ones_of_awards_without_council_vote(world):
    cycle = make_cycle(world, codes=("LDTT", "GK", "CSTDCS"))
    dossier = make_dossier(world, cycle)
    ok = agreed(world, dossier, code="LDTT", n=2)
    agreed(world, dossier, code="CSTDCS")  # needs the council
    agreed(world, dossier, code="GK", status=Nomination.Status.PROPOSED)
    agreed(world, dossier, code="GK", status=Nomination.Status.DISAGREED)
    returned = make_dossier(world, cycle, organization=world.hue, status=Dossier.Status.RETURNED)
    agreed(world, returned, code="LDTT", person_org=world.coop_hue)

    ready = list(nominations_ready_for_decision(cycle))

    assert ready == ok


def test_a_nomination_in_another_draft_is_not_offered_twice(world):
    decision = make_decision(world, n=1)
    other = agreed(world, decision.items.get().nomination.dossier, n=1)

    assert list(nominations_ready_for_decision(decision.cycle)) == other
    assert len(nominations_ready_for_decision(decision.cycle, decision=decision)) == 2


# --- numbering ---------------------------------------------------------------------------------


def test_numbers_run_from_01_per_issuer_year_and_symbol(world):
    first = make_decision(world, issue=True)
    second = make_decision(world, issue=True)

    assert (first.number, second.number) == (1, 2)
    assert first.number_and_symbol == "01/QĐ-LMHTXVN"
    assert second.number_and_symbol == "02/QĐ-LMHTXVN"
    assert first.year == 2026


def test_numbering_restarts_next_year_and_is_separate_per_symbol_and_issuer(world):
    last_year = make_decision(world, issue=True, date=datetime.date(2025, 12, 30),
                              legal_bases="Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022")
    this_year = make_decision(world, issue=True)
    hanoi = hanoi_decision(world)

    assert (last_year.year, last_year.number) == (2025, 1)
    assert (this_year.year, this_year.number) == (2026, 1)
    assert hanoi.number_and_symbol == "01/QĐ-LMHANOI"


def test_a_draft_has_no_number_until_issued(world):
    decision = make_decision(world)

    assert decision.number is None
    assert decision.number_and_symbol == ""


def test_the_database_refuses_a_second_decision_with_the_same_number(world):
    decision = make_decision(world, issue=True)
    twin = make_decision(world)

    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=twin.pk).update(number=decision.number, year=decision.year)


def test_a_number_taken_meanwhile_is_skipped(world, monkeypatch):
    """Two clerks issuing at once: the second read a stale maximum; the unique constraint
    refuses it inside a savepoint and the next number is taken."""
    make_decision(world, issue=True)
    draft = make_decision(world)
    real = sd._next_number
    calls = []

    def stale_then_real(*args):
        calls.append(1)
        return 1 if len(calls) == 1 else real(*args)

    monkeypatch.setattr(sd, "_next_number", stale_then_real)

    issued = sd.decision_issue(decision=draft, by=world.users.appraiser)

    assert issued.number == 2
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_distinct_numbers(world, award_catalogue):  # noqa: F811
    drafts = [make_decision(world) for _ in range(3)]
    errors, barrier = [], threading.Barrier(len(drafts))

    def issue(decision):
        from django.db import connection

        import time

        try:
            barrier.wait(timeout=5)
            for _attempt in range(50):  # SQLite: a locked database is retried
                try:
                    sd.decision_issue(decision=decision, by=world.users.appraiser)
                    break
                except Exception as error:  # noqa: BLE001 - "database is locked" on SQLite
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.05)
            else:
                errors.append(f"{decision.pk} never issued")
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(Decision.objects.filter(status="issued").values_list("number", flat=True))
    assert numbers == [1, 2, 3]


# --- cash --------------------------------------------------------------------------------------


def test_cash_is_the_multiple_times_the_base_salary_on_the_decision_date(world):
    decision = make_decision(world, n=3, issue=True)
    items = list(decision.items.all())

    assert [item.multiplier for item in items] == [Decimal("0.3")] * 3
    assert [item.amount for item in items] == [702_000] * 3  # 0,3 × 2.340.000


def test_base_salary_boundary(world):
    ldtt = AwardType.objects.get(code="LDTT")

    assert base_salary_on(datetime.date(2024, 6, 30)).amount == 1_800_000
    assert base_salary_on(datetime.date(2024, 7, 1)).amount == 2_340_000
    assert cash_for(ldtt, datetime.date(2024, 6, 30)).amount == 540_000
    assert cash_for(ldtt, datetime.date(2024, 7, 1)).amount == 702_000


def test_a_new_base_salary_changes_amounts_from_its_first_day(world):
    BaseSalary.objects.create(amount=2_500_000, valid_from=datetime.date(2026, 1, 5),
                              legal_basis="Nghị định thử nghiệm")
    before = make_decision(world, n=1, issue=True, date=datetime.date(2026, 1, 4))
    on = make_decision(world, n=1, issue=True, date=datetime.date(2026, 1, 5))

    assert before.items.get().amount == 702_000
    assert on.items.get().amount == 750_000


def test_an_award_without_a_multiple_has_no_amount(world):
    decision = make_decision(world, code="GK", n=1, issue=True)
    item = decision.items.get()

    assert (item.multiplier, item.amount) == (None, None)


def test_the_multiple_comes_from_the_rule_set_of_the_decision_date(world):
    from awards.models import RuleParameter

    parameter = RuleParameter.objects.get(rule_set__valid_from=datetime.date(2025, 7, 1),
                                          key="cash_multiplier_ldtt")
    parameter.value = "0.5"
    parameter.save()
    ldtt = AwardType.objects.get(code="LDTT")

    assert cash_for(ldtt, datetime.date(2025, 6, 30)).amount == 702_000
    assert cash_for(ldtt, datetime.date(2025, 7, 1)).amount == 1_170_000


# --- issuing -----------------------------------------------------------------------------------


def test_issuing_creates_records_and_marks_nominations_and_dossier(world):
    from deadlines.models import Notification

    decision = make_decision(world, n=2)
    nominations = [item.nomination for item in decision.items.all()]

    issued = sd.decision_issue(decision=decision, by=world.users.appraiser)

    assert issued.status == Decision.Status.ISSUED
    assert issued.issued_by == world.users.appraiser and issued.issued_at is not None
    records = AwardRecord.objects.filter(decision_number="01/QĐ-LMHTXVN").order_by("id")
    assert records.count() == 2
    record = records.first()
    assert record.decision_date == JAN5
    assert record.achievement_year == 2025
    assert record.kind == "merit"
    assert record.organization_at_award == world.coop_hanoi
    assert record.issuing_level == "Chủ tịch Liên minh HTX Việt Nam"
    for nomination in nominations:
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.AWARDED
        assert nomination.award_record is not None
    dossier = nominations[0].dossier
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.DECIDED
    assert DossierEvent.objects.filter(dossier=dossier, action="award").count() == 2
    assert DossierEvent.objects.filter(dossier=dossier, action="decide").count() == 1
    assert Notification.objects.filter(user__in=[world.users.staff, world.users.head]).count() == 2


def test_a_dossier_with_an_undecided_nomination_stays_appraised(world):
    decision = make_decision(world, n=1)
    dossier = decision.items.get().nomination.dossier
    agreed(world, dossier, n=1)  # still waiting for another decision

    sd.decision_issue(decision=decision, by=world.users.appraiser)

    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.APPRAISED


def _state(world):
    return (list(Decision.objects.values_list("status", "number")), AwardRecord.objects.count(),
            list(Nomination.objects.values_list("status", flat=True)),
            list(Dossier.objects.values_list("status", flat=True)))


def test_an_empty_decision_is_refused_and_nothing_changes(world):
    cycle = make_cycle(world)
    decision = sd.decision_create(kind=Decision.Kind.GRANT, cycle=cycle, nominations=[],
                                  by=world.users.appraiser, **draft_kwargs())
    before = _state(world)

    with pytest.raises(TransitionError):
        sd.decision_issue(decision=decision, by=world.users.appraiser)

    assert _state(world) == before


def test_a_nomination_no_longer_agreed_is_refused_and_nothing_changes(world):
    decision = make_decision(world, n=2)
    nomination = decision.items.first().nomination
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.DISAGREED)
    before = _state(world)

    with pytest.raises(TransitionError) as caught:
        sd.decision_issue(decision=decision, by=world.users.appraiser)

    assert nomination.person.full_name in " ".join(caught.value.problems)
    assert _state(world) == before


def test_drafting_with_a_nomination_not_agreed_is_refused(world):
    cycle = make_cycle(world)
    dossier = make_dossier(world, cycle)
    proposed = agreed(world, dossier, status=Nomination.Status.PROPOSED)

    with pytest.raises(ValidationError) as caught:
        sd.decision_create(kind=Decision.Kind.GRANT, cycle=cycle, nominations=proposed,
                           by=world.users.appraiser, **draft_kwargs())

    assert "nominations" in caught.value.message_dict
    assert not Decision.objects.exists()


@pytest.mark.parametrize("change, field", [
    ({"signer_name": ""}, "signer_name"),
    ({"date": datetime.date(2099, 1, 1)}, "date"),
    ({"date": None}, "date"),
])
def test_missing_signer_or_bad_date_is_refused_and_nothing_changes(world, change, field):
    decision = make_decision(world, n=1)
    Decision.objects.filter(pk=decision.pk).update(**change)
    before = _state(world)

    with pytest.raises(ValidationError) as caught:
        sd.decision_issue(decision=decision, by=world.users.appraiser)

    assert field in caught.value.message_dict
    assert _state(world) == before


def test_superseded_legal_bases_are_refused(world):
    decision = make_decision(world, n=1, legal_bases="Nghị định số 98/2023/NĐ-CP ngày 31/12/2023")

    with pytest.raises(ValidationError) as caught:
        sd.decision_issue(decision=decision, by=world.users.appraiser)

    assert "legal_bases" in caught.value.message_dict
    # The registry of legal documents names what replaced it on the decision date.
    assert "152/2025/NĐ-CP" in caught.value.message_dict["legal_bases"][0]


def test_a_law_cited_by_name_and_date_is_checked_too(world):
    """Laws are cited by name and date of issue, not by number."""
    decision = make_decision(world, n=1, legal_bases=(
        "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003;\n"
        "Nghị định số 152/2025/NĐ-CP ngày 14/6/2025 của Chính phủ"))
    before = _state(world)

    with pytest.raises(ValidationError) as caught:
        sd.decision_issue(decision=decision, by=world.users.appraiser)

    message = caught.value.message_dict["legal_bases"][0]
    assert "15/2003/QH11" in message and "06/2022/QH15" in message
    assert _state(world) == before


def test_the_decision_page_flags_a_replaced_legal_basis(world, client):
    decision = make_decision(world, n=1, legal_bases="Nghị định số 98/2023/NĐ-CP ngày 31/12/2023")
    client.force_login(world.users.appraiser)

    page = client.get(reverse("awards:decision_detail", args=[decision.pk])).content.decode()

    assert "citation-flags" in page and "98/2023/NĐ-CP" in page and "152/2025/NĐ-CP" in page


def test_an_issued_decision_cannot_be_issued_or_edited_again(world):
    decision = make_decision(world, issue=True)

    with pytest.raises(TransitionError):
        sd.decision_issue(decision=decision, by=world.users.appraiser)
    with pytest.raises(TransitionError):
        sd.decision_update(decision=decision, by=world.users.appraiser, title="Khác")


# --- revocation --------------------------------------------------------------------------------


def test_revocation_marks_the_record_and_it_no_longer_counts(world):
    decision = make_decision(world, n=1, issue=True)
    record = decision.items.get().nomination.award_record
    person = record.person

    revocation = sd.revocation_create(record=record, by=world.users.appraiser,
                                      reason="Khai man thành tích",
                                      **draft_kwargs(title="Về việc thu hồi danh hiệu"))
    issued = sd.decision_issue(decision=revocation, by=world.users.appraiser)

    record.refresh_from_db()
    assert issued.number_and_symbol == "02/QĐ-LMHTXVN"
    assert record.revoked is True
    assert record.revocation_decision_number == "02/QĐ-LMHTXVN"
    assert record.revocation_date == JAN5
    assert record.revocation_reason == "Khai man thành tích"
    assert not AwardRecord.objects.counting().filter(person=person).exists()


def test_revocation_needs_a_reason(world):
    decision = make_decision(world, n=1, issue=True)
    record = decision.items.get().nomination.award_record

    with pytest.raises(ValidationError):
        sd.revocation_create(record=record, by=world.users.appraiser, reason="  ",
                             **draft_kwargs())
    assert Decision.objects.filter(kind="revocation").count() == 0


# --- proposals and the competent body's decision -----------------------------------------------


def _proposal_world(world):
    AwardType.objects.filter(code="BK_TTG").update(council_vote_required=False)
    cycle = make_cycle(world, codes=("BK_TTG", "LDTT"))
    dossier = make_dossier(world, cycle)
    nominations = agreed(world, dossier, code="BK_TTG", n=2)
    return cycle, nominations


def test_proposal_and_external_decision_flow(world):
    cycle, nominations = _proposal_world(world)
    assert list(nominations_ready_for_decision(cycle)) == []  # not granted by the Alliance
    assert list(nominations_ready_for_decision(cycle, kind=Decision.Kind.PROPOSAL)) == nominations

    proposal = sd.decision_create(kind=Decision.Kind.PROPOSAL, cycle=cycle,
                                  nominations=nominations, by=world.users.appraiser,
                                  **draft_kwargs(title="Về việc đề nghị tặng Bằng khen",
                                                 issuing_body="Thủ tướng Chính phủ"))
    proposal = sd.decision_issue(decision=proposal, by=world.users.appraiser)

    assert proposal.number_and_symbol == "01/TTr-LMHTXVN"
    assert AwardRecord.objects.count() == 0
    assert set(Nomination.objects.values_list("status", flat=True)) == {"agreed"}

    external = sd.external_decision_record(
        proposal=proposal, nominations=nominations[:1], external_number="123/QĐ-TTg",
        date=datetime.date(2026, 3, 2), issuing_body="Thủ tướng Chính phủ",
        title="Về việc tặng Bằng khen của Thủ tướng Chính phủ", signer_name="Trần Văn Bình",
        signer_title="KT. THỦ TƯỚNG", by=world.users.appraiser)

    assert external.kind == Decision.Kind.EXTERNAL and external.status == Decision.Status.ISSUED
    assert external.number is None and external.number_and_symbol == "123/QĐ-TTG"
    record = AwardRecord.objects.get()
    assert record.decision_number == "123/QĐ-TTG"
    assert record.issuing_level == "Thủ tướng Chính phủ"
    assert record.granting_level == "prime_minister"
    nominations[0].refresh_from_db()
    nominations[1].refresh_from_db()
    assert nominations[0].status == Nomination.Status.AWARDED
    assert nominations[1].status == Nomination.Status.AGREED  # awaits another decision


def test_an_external_decision_needs_an_issued_proposal(world):
    cycle, nominations = _proposal_world(world)
    proposal = sd.decision_create(kind=Decision.Kind.PROPOSAL, cycle=cycle,
                                  nominations=nominations, by=world.users.appraiser,
                                  **draft_kwargs(issuing_body="Thủ tướng Chính phủ"))

    with pytest.raises(TransitionError):
        sd.external_decision_record(
            proposal=proposal, nominations=nominations, external_number="123/QĐ-TTg",
            date=JAN5, issuing_body="Thủ tướng Chính phủ", title="x", signer_name="A",
            by=world.users.appraiser)
    assert AwardRecord.objects.count() == 0


# --- scanned copy ------------------------------------------------------------------------------


def test_the_signed_copy_must_be_a_pdf(world):
    decision = make_decision(world, n=1, issue=True)
    png = SimpleUploadedFile("ban-ky.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")

    with pytest.raises(ValidationError):
        sd.decision_upload_scan(decision=decision, upload=png, by=world.users.appraiser)

    pdf = SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.4\n" + b"0" * 100, "application/pdf")
    sd.decision_upload_scan(decision=decision, upload=pdf, by=world.users.appraiser)
    decision.refresh_from_db()
    assert decision.scanned_copy.name.endswith(".pdf")


def test_a_draft_has_no_signed_copy(world):
    decision = make_decision(world, n=1)
    pdf = SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.4\n" + b"0" * 100, "application/pdf")

    with pytest.raises(PermissionDenied):
        sd.decision_upload_scan(decision=decision, upload=pdf, by=world.users.appraiser)


# --- base salary -------------------------------------------------------------------------------


def test_base_salary_is_added_by_central_administrators_and_audited(world):
    salary = sd.base_salary_create(amount=2_530_000, valid_from=datetime.date(2026, 7, 1),
                                   legal_basis="Nghị định thử nghiệm", by=world.users.admin)

    assert salary.history.get().history_user == world.users.admin
    with pytest.raises(PermissionDenied):
        sd.base_salary_create(amount=1, valid_from=datetime.date(2026, 8, 1), legal_basis="x",
                              by=world.users.province_admin)
    with pytest.raises(ValidationError) as caught:
        sd.base_salary_create(amount=0, valid_from=datetime.date(2026, 7, 1), legal_basis="",
                              by=world.users.admin)
    assert set(caught.value.message_dict) == {"amount", "valid_from", "legal_basis"}


# --- permissions and pages ---------------------------------------------------------------------


def test_unit_staff_cannot_draft(world):
    cycle = make_cycle(world)
    dossier = make_dossier(world, cycle)
    nominations = agreed(world, dossier)

    for user in (world.users.staff, world.users.head, world.users.province_admin):
        with pytest.raises(PermissionDenied):
            sd.decision_create(kind=Decision.Kind.GRANT, cycle=cycle, nominations=nominations,
                               by=user, **draft_kwargs())
    assert not Decision.objects.exists()


def test_pages_for_the_appraiser(world, client):
    decision = make_decision(world, n=2)
    client.force_login(world.users.appraiser)

    listing = client.get(reverse("awards:decision_list"))
    detail = client.get(reverse("awards:decision_detail", args=[decision.pk]))
    pdf = client.get(reverse("awards:decision_pdf", args=[decision.pk]))

    assert listing.status_code == 200 and decision.title in listing.content.decode()
    assert detail.status_code == 200
    assert "1.404.000 đồng" in detail.content.decode()
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_create_form_lists_ready_nominations_and_saves_a_draft(world, client):
    cycle = make_cycle(world)
    dossier = make_dossier(world, cycle)
    nominations = agreed(world, dossier, n=2)
    client.force_login(world.users.appraiser)
    url = reverse("awards:decision_create") + f"?cycle={cycle.pk}&kind=grant"

    page = client.get(url)
    response = client.post(url, {**draft_kwargs(date="05/01/2026"),
                                 "nominations": [n.pk for n in nominations]})

    assert nominations[0].person.full_name in page.content.decode()
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.items.count() == 2 and decision.status == Decision.Status.DRAFT


def test_create_form_bad_input_saves_nothing(world, client):
    cycle = make_cycle(world)
    client.force_login(world.users.appraiser)
    url = reverse("awards:decision_create") + f"?cycle={cycle.pk}&kind=grant"

    response = client.post(url, {**draft_kwargs(date="05/01/2099", title="")})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Decision.objects.exists()


def test_issue_page_issues(world, client):
    decision = make_decision(world, n=1)
    client.force_login(world.users.appraiser)

    response = client.post(reverse("awards:decision_issue", args=[decision.pk]))

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.number == 1


def test_unit_staff_get_403_on_drafting_pages_and_see_issued_decisions_concerning_them(
        world, client):
    draft = make_decision(world, n=1)
    issued = make_decision(world, n=1, issue=True)
    client.force_login(world.users.staff)

    assert client.get(reverse("awards:decision_create")).status_code == 403
    assert client.get(reverse("awards:decision_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("awards:decision_detail", args=[issued.pk])).status_code == 200
    assert client.post(reverse("awards:decision_issue", args=[draft.pk])).status_code == 404


def test_outsider_gets_404(world, client):
    decision = hanoi_decision(world)
    client.force_login(world.users.outsider)

    for name in ("awards:decision_detail", "awards:decision_pdf", "awards:decision_download",
                 "awards:decision_scan", "awards:decision_update"):
        assert client.get(reverse(name, args=[decision.pk])).status_code == 404, name


def test_signed_copy_is_what_is_downloaded_once_present(world, client):
    decision = make_decision(world, n=1, issue=True)
    client.force_login(world.users.appraiser)
    pdf = SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.4\nSIGNED" + b"0" * 100, "application/pdf")

    upload = client.post(reverse("awards:decision_scan", args=[decision.pk]), {"file": pdf})
    download = client.get(reverse("awards:decision_download", args=[decision.pk]))
    draft_pdf = client.get(reverse("awards:decision_pdf", args=[decision.pk]))

    assert upload.status_code == 302
    assert b"SIGNED" in b"".join(download.streaming_content)
    assert draft_pdf.content.startswith(b"%PDF") and b"SIGNED" not in draft_pdf.content


def test_base_salary_page(world, client):
    client.force_login(world.users.admin)
    url = reverse("awards:base_salary_list")

    page = client.get(url)
    bad = client.post(url, {"amount": "", "valid_from": "01/07/2026", "legal_basis": ""})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert not BaseSalary.objects.filter(valid_from=datetime.date(2026, 7, 1)).exists()
    good = client.post(url, {"amount": "2530000", "valid_from": "01/07/2026",
                             "legal_basis": "Nghị định thử nghiệm"})

    assert page.status_code == 200 and "2.340.000" in page.content.decode()
    assert good.status_code == 302 and BaseSalary.objects.filter(amount=2_530_000).exists()
    client.force_login(world.users.province_admin)
    assert client.get(url).status_code == 403


def test_revocation_page_creates_a_draft(world, client):
    decision = make_decision(world, n=1, issue=True)
    record = decision.items.get().nomination.award_record
    client.force_login(world.users.appraiser)
    url = reverse("awards:revocation_create", args=[record.pk])

    page = client.get(url)
    response = client.post(url, {**draft_kwargs(date="05/01/2026"), "body": "Khai man"})

    assert page.status_code == 200
    assert response.status_code == 302
    revocation = Decision.objects.get(kind="revocation")
    assert revocation.revoked_record == record and revocation.status == "draft"


def test_item_query_helper_counts(world):
    decision = make_decision(world, n=2)
    assert DecisionItem.objects.filter(decision=decision).count() == 2


def test_messages_are_in_vietnamese(world, client):
    """Interface texts come from /tmp/po/decisions.json once merged into locale/."""
    decision = make_decision(world, n=1)
    Decision.objects.filter(pk=decision.pk).update(signer_name="")

    with pytest.raises(ValidationError) as caught:
        sd.decision_issue(decision=decision, by=world.users.appraiser)
    client.force_login(world.users.appraiser)
    page = client.get(reverse("awards:decision_list")).content.decode()

    assert caught.value.message_dict["signer_name"] == ["Vui lòng nhập người ký quyết định."]
    assert "Quyết định khen thưởng" in page and "Soạn quyết định hoặc tờ trình" in page


# --- deleting a draft --------------------------------------------------------------------------


def test_the_issuer_deletes_a_draft_after_seeing_what_it_lists(world, client):
    decision = make_decision(world, n=2)
    names = [item.nomination.candidate_name for item in decision.items.all()]
    client.force_login(world.users.appraiser)
    url = reverse("awards:decision_delete", args=[decision.pk])

    detail = client.get(reverse("awards:decision_detail", args=[decision.pk])).content.decode()
    confirm = client.get(url)
    assert Decision.objects.filter(pk=decision.pk).exists()  # GET deletes nothing
    response = client.post(url)

    assert url in detail
    assert confirm.status_code == 200
    assert all(name in confirm.content.decode() for name in names)
    assert response.status_code == 302 and response.url == reverse("awards:decision_list")
    assert not Decision.objects.filter(pk=decision.pk).exists()
    assert DecisionItem.objects.count() == 0
    last = Decision.history.filter(id=decision.pk).latest("history_date")
    assert (last.history_type, last.history_user) == ("-", world.users.appraiser)
    assert "2" in last.history_change_reason


def test_a_deleted_drafts_nominations_go_into_a_new_decision(world):
    decision = make_decision(world, n=2)
    nominations = [item.nomination for item in decision.items.order_by("position")]
    assert list(nominations_ready_for_decision(decision.cycle)) == []

    sd.decision_delete(decision=decision, by=world.users.appraiser)
    again = sd.decision_create(kind=Decision.Kind.GRANT, cycle=decision.cycle,
                               nominations=nominations, by=world.users.appraiser,
                               **draft_kwargs())

    assert list(nominations_ready_for_decision(decision.cycle, decision=again)) == nominations
    assert [i.nomination for i in again.items.order_by("position")] == nominations
    assert set(Nomination.objects.values_list("status", flat=True)) == {"agreed"}


def test_a_deleted_draft_proposal_frees_its_nominations_for_another_proposal(world):
    cycle, nominations = _proposal_world(world)
    proposal = sd.decision_create(kind=Decision.Kind.PROPOSAL, cycle=cycle,
                                  nominations=nominations, by=world.users.appraiser,
                                  **draft_kwargs(title="Về việc đề nghị tặng Bằng khen",
                                                 issuing_body="Thủ tướng Chính phủ"))
    assert list(nominations_ready_for_decision(cycle, kind=Decision.Kind.PROPOSAL)) == []

    sd.decision_delete(decision=proposal, by=world.users.appraiser)

    assert list(nominations_ready_for_decision(cycle, kind=Decision.Kind.PROPOSAL)) == nominations


def test_an_issued_decision_cannot_be_deleted_and_nothing_changes(world, client):
    decision = make_decision(world, n=2, issue=True)
    before = (decision.number_and_symbol, decision.items.count(), AwardRecord.objects.count(),
              Decision.history.filter(id=decision.pk).count())
    client.force_login(world.users.appraiser)
    url = reverse("awards:decision_delete", args=[decision.pk])

    with pytest.raises(TransitionError) as caught:
        sd.decision_delete(decision=decision, by=world.users.appraiser)
    page = client.get(url)
    response = client.post(url, follow=True)

    decision.refresh_from_db()
    assert caught.value.message == "Quyết định đã ban hành thì không thể xóa."
    assert page.status_code == 200 and b'class="btn btn-danger"' not in page.content
    assert "Quyết định đã ban hành thì không thể xóa." in page.content.decode()
    assert response.redirect_chain == [(decision.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Quyết định đã ban hành thì không thể xóa."]
    assert (decision.number_and_symbol, decision.items.count(), AwardRecord.objects.count(),
            Decision.history.filter(id=decision.pk).count()) == before
    assert decision.status == Decision.Status.ISSUED
    assert reverse("awards:decision_delete", args=[decision.pk]) not in client.get(
        decision.get_absolute_url()).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_provinces_user_gets_404_on_deleting_a_draft(world, client, method):
    from accounts.tests.factories import user_with_role

    draft = hanoi_decision(world, issue=False)
    hue_admin = user_with_role("admin", world.hue, username="quantri.hue")

    for user in (world.users.outsider, hue_admin):
        client.force_login(user)
        response = getattr(client, method)(reverse("awards:decision_delete", args=[draft.pk]))
        assert response.status_code == 404

    assert Decision.objects.filter(pk=draft.pk, status="draft").exists()
    assert draft.items.count() == 1


def test_unit_staff_cannot_delete_a_draft(world, client):
    draft = make_decision(world, n=1)
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:decision_delete", args=[draft.pk]))

    assert response.status_code == 404  # a draft is not shown outside its drafters
    with pytest.raises(PermissionDenied):
        sd.decision_delete(decision=draft, by=world.users.staff)
    assert Decision.objects.filter(pk=draft.pk).exists()


def test_the_hanoi_administrator_deletes_its_own_draft(world, client):
    draft = hanoi_decision(world, issue=False)
    client.force_login(world.users.province_admin)

    response = client.post(reverse("awards:decision_delete", args=[draft.pk]))

    assert response.status_code == 302
    assert not Decision.objects.filter(pk=draft.pk).exists()


def test_the_delete_page_issues_a_constant_number_of_queries(world, client):
    """The confirmation lists the draft's nominations: 2 and 20 of them cost the same
    (tests/test_query_counts.py's pattern; its table of decision pages names its ids apart)."""
    from tests.test_query_counts import count_queries, decision_detail_url, make_decision_items

    client.force_login(world.users.admin)
    make_decision_items(world, 2)
    url = decision_detail_url(world) + "xoa/"
    client.get(url)
    with_two = count_queries(client, url)

    make_decision_items(world, 18)
    with_twenty = count_queries(client, url)

    assert with_two == with_twenty
