"""The ballot pages (awards/views_ballot.py): who may open them, the vote through the views with
its confirmation step and the receipt shown once, drafts of open-vote items, recusals, one
agenda item and its documents, and bad input."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from accounts.models import Role
from accounts.tests.factories import UserFactory, user_with_role
from awards import services_council as sc
from awards.models import (
    AgendaItem, Attendance, Ballot, BallotDraft, BallotParticipation, Council, CouncilMember,
    CouncilTerm, DossierDocument, OpenVote, Recusal,
)
from awards.tests.council_builders import MEETING_DAY, council_nominations, open_meeting
from awards.tests.test_decisions import agreed, make_cycle, make_dossier

pytestmark = pytest.mark.django_db


def mixed_meeting(world, **kwargs):
    """An open meeting of 3 members with a secret item (CSTDN) and an open one (BK_CT)."""
    secret = council_nominations(world, code="CSTDN", n=1)
    open_ = council_nominations(world, code="BK_CT", n=1)
    meeting, seats, secretary = open_meeting(world, members=3, nominations=secret + open_,
                                             **kwargs)
    items = {i.mode: i for i in meeting.items.all()}
    return meeting, seats, secretary, items[AgendaItem.Mode.SECRET], items[AgendaItem.Mode.OPEN]


def ballot_url(meeting):
    return reverse("awards:meeting_ballot", args=[meeting.pk])


def text(msgid, **kwargs):
    """A message as the page shows it (Vietnamese once the catalog has it), HTML-escaped."""
    return escape(gettext(msgid) % kwargs if kwargs else gettext(msgid))


def nothing_written(meeting):
    return (BallotParticipation.objects.filter(meeting=meeting).count(),
            Ballot.objects.filter(meeting=meeting).count(),
            OpenVote.objects.filter(item__meeting=meeting).count()) == (0, 0, 0)


# --- who may open the ballot -------------------------------------------------------------------


def test_ballot_page_lists_the_agenda_for_a_present_member(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)

    response = client.get(ballot_url(meeting))

    assert response.status_code == 200
    page = response.content.decode()
    assert [i.pk for i in response.context["items"]] == [secret.pk, open_.pk]
    assert page.count('type="radio"') == 6
    assert "Chiến sĩ thi đua" in page and secret.nomination.candidate_name in page
    assert response.context["items"][0].threshold_text == "≥ 90 %"
    assert response.context["items"][1].threshold_text == "> 50 %"
    assert reverse("awards:agenda_item_detail", args=[secret.pk]) in page
    assert "js/ballot.js" in page


def test_ballot_page_redirects_anonymous(world, client):
    meeting, *_ = mixed_meeting(world)

    response = client.get(ballot_url(meeting))

    assert response.status_code == 302 and "dang-nhap" in response.url


def test_ballot_page_is_404_for_a_non_member_and_another_council(world, client):
    meeting, *_ = mixed_meeting(world)
    other = Council.objects.create(organization=world.central, name="Hội đồng khác")
    term = CouncilTerm.objects.create(council=other, name="Nhiệm kỳ", start_date=MEETING_DAY)
    elsewhere = user_with_role(Role.COUNCIL_MEMBER, world.central, username="uyvien.khac")
    CouncilMember.objects.create(term=term, user=elsewhere, full_name="Người Khác",
                                 organization=world.central, valid_from=MEETING_DAY)

    statuses = []
    for user in (world.users.staff, world.users.outsider, world.users.leadership, elsewhere):
        client.force_login(user)
        statuses.append(client.get(ballot_url(meeting)).status_code)

    assert statuses == [404, 404, 404, 404]


def test_ballot_page_forbids_the_secretary_and_the_preparers(world, client):
    meeting, seats, secretary, *_ = mixed_meeting(world)

    statuses = []
    for user in (secretary.user, world.users.appraiser):
        client.force_login(user)
        statuses.append(client.get(ballot_url(meeting)).status_code)
        statuses.append(client.post(ballot_url(meeting), {"confirm": "1"}).status_code)

    assert statuses == [403, 403, 403, 403]
    assert nothing_written(meeting)


def test_an_absent_member_is_told_why_and_cannot_vote(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world, present=2)
    client.force_login(seats[2].user)

    page = client.get(ballot_url(meeting)).content.decode()
    response = client.post(ballot_url(meeting), {
        f"choice_{secret.pk}": "agree", f"choice_{open_.pk}": "agree", "confirm": "1"})

    assert text("The secretary has not recorded you as present: only members present vote "
                "here.") in page
    assert 'type="radio"' not in page
    assert response.status_code == 200 and 'type="radio"' not in response.content.decode()
    assert nothing_written(meeting)


def test_closed_meeting_links_to_the_results(world, client):
    meeting, seats, *_ = mixed_meeting(world)
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    client.force_login(seats[1].user)

    page = client.get(ballot_url(meeting)).content.decode()

    assert reverse("awards:meeting_results", args=[meeting.pk]) in page
    assert 'type="radio"' not in page


def test_before_voting_opens_the_page_says_so(world, client):
    from awards.tests.council_builders import make_council

    council, term, seats, secretary = make_council(world, members=3)
    meeting = sc.meeting_save(council=council, by=world.users.appraiser, title="Phiên họp",
                              date=MEETING_DAY, chair=seats[0], secretary=secretary)
    client.force_login(seats[1].user)

    page = client.get(ballot_url(meeting)).content.decode()

    assert text("Voting has not been opened yet.") in page
    assert 'type="radio"' not in page


def test_ballot_page_shows_the_frozen_verdict_and_its_reasons_on_demand(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    nomination = secret.nomination
    nomination.verdict = "needs_review"
    nomination.verdict_reasons = [
        {"outcome": "met", "text": "Đủ 6 năm liên tục hoàn thành xuất sắc nhiệm vụ."},
        {"outcome": "review", "text": "Sáng kiến cần Hội đồng đánh giá phạm vi ảnh hưởng."}]
    nomination.appraisal_comment = "Đề nghị Hội đồng xem xét sáng kiến."
    nomination.save()
    client.force_login(seats[1].user)

    page = client.get(ballot_url(meeting)).content.decode()

    assert "<details" in page and "Đủ 6 năm liên tục hoàn thành xuất sắc nhiệm vụ." in page
    assert page.count("Sáng kiến cần Hội đồng đánh giá phạm vi ảnh hưởng.") == 2  # key + all
    assert "Đề nghị Hội đồng xem xét sáng kiến." in page


# --- the vote through the views ----------------------------------------------------------------


def test_a_member_confirms_votes_and_sees_the_receipt_once(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)
    choices = {f"choice_{secret.pk}": "disagree", f"choice_{open_.pk}": "abstain"}

    confirm = client.post(ballot_url(meeting), choices)
    assert nothing_written(meeting)
    assert confirm.templates[0].name == "awards/council/ballot_confirm.html"
    assert (confirm.context["answered"], confirm.context["counted"]) == (
        2, {"agree": 0, "disagree": 1, "abstain": 1})
    receipt = client.post(ballot_url(meeting), {**choices, "confirm": "1"})

    code = receipt.context["code"]
    assert receipt.status_code == 200 and code in receipt.content.decode()
    assert "no-store" in receipt.headers["Cache-Control"]
    assert Ballot.objects.get(meeting=meeting).receipt_hash == sc.receipt_hash(code)
    assert list(OpenVote.objects.values_list("item_id", "choice")) == [(open_.pk, "abstain")]
    again = client.get(ballot_url(meeting)).content.decode()
    assert code not in again and "disagree" not in again and 'type="radio"' not in again
    assert text("You have already voted in this meeting. How you voted is shown nowhere, not "
                "even to you.") in again


def test_back_from_the_confirmation_keeps_the_choices(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)

    response = client.post(ballot_url(meeting), {f"choice_{secret.pk}": "disagree",
                                                 f"choice_{open_.pk}": "agree", "edit": "1"})

    assert response.templates[0].name == "awards/council/ballot.html"
    assert [i.checked for i in response.context["items"]] == ["disagree", "agree"]
    assert nothing_written(meeting)


def test_a_second_ballot_is_refused_and_changes_nothing(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)
    choices = {f"choice_{secret.pk}": "agree", f"choice_{open_.pk}": "agree", "confirm": "1"}
    client.post(ballot_url(meeting), choices)
    before = list(Ballot.objects.values_list("choices", flat=True))

    response = client.post(ballot_url(meeting), {**choices, f"choice_{secret.pk}": "disagree"})

    assert response.status_code == 200 and "code" not in response.context
    assert text("You have already voted in this meeting. How you voted is shown nowhere, not "
                "even to you.") in response.content.decode()
    assert list(Ballot.objects.values_list("choices", flat=True)) == before
    assert BallotParticipation.objects.filter(meeting=meeting).count() == 1


def test_agree_to_all_remaining_without_javascript(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)

    confirm = client.post(ballot_url(meeting), {f"choice_{open_.pk}": "disagree",
                                                "agree_remaining": "1"})
    client.post(ballot_url(meeting), {f"choice_{open_.pk}": "disagree", "agree_remaining": "1",
                                      "confirm": "1"})

    assert (confirm.context["answered"], confirm.context["missing"]) == (1, 1)
    assert escape(ngettext("%(counter)s item without a choice will be counted as “agree”.",
                           "%(counter)s items without a choice will be counted as “agree”.", 1)
                  % {"counter": 1}) in confirm.content.decode()
    assert Ballot.objects.get(meeting=meeting).choices == {str(secret.pk): "agree"}
    assert OpenVote.objects.get().choice == "disagree"


def test_missing_choices_are_counted_and_nothing_is_written(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)

    response = client.post(ballot_url(meeting), {f"choice_{secret.pk}": "agree",
                                                 "confirm": "1"})

    errors = response.context["form"].non_field_errors()
    assert errors == [ngettext(
        "%(count)s item has no choice yet. Choose for each item, or “agree to all remaining”.",
        "%(count)s items have no choice yet. Choose for each item, or “agree to all remaining”.",
        1) % {"count": 1}]
    # What the member chose is kept on the page.
    assert response.context["items"][0].checked == "agree"
    assert nothing_written(meeting)


@pytest.mark.parametrize("post", [
    {"choice_999999": "agree"},
    {"choice_abc": "agree"},
    {"choice_SECRET": "<script>alert(1)</script>"},
    {"choice_SECRET": "agree' OR 1=1 --"},
    {"choice_SECRET": "yes"},
])
def test_hostile_or_unknown_choices_are_refused(world, client, post):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)
    data = {f"choice_{secret.pk}": "agree", f"choice_{open_.pk}": "agree", "confirm": "1"}
    data.update({k.replace("SECRET", str(secret.pk)): v for k, v in post.items()})

    response = client.post(ballot_url(meeting), data)

    assert response.status_code == 200
    assert len(response.context["form"].non_field_errors()) == 1
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert nothing_written(meeting)


def test_recused_item_has_no_radios_and_a_posted_choice_is_ignored(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    sc.recusal_declare(meeting=meeting, item=secret, by=seats[1].user,
                       reason="Người thân của người được đề nghị")
    client.force_login(seats[1].user)

    page = client.get(ballot_url(meeting)).content.decode()
    client.post(ballot_url(meeting), {f"choice_{secret.pk}": "disagree",
                                      f"choice_{open_.pk}": "agree", "confirm": "1"})

    assert f'name="choice_{secret.pk}"' not in page and f'name="choice_{open_.pk}"' in page
    assert "Người thân của người được đề nghị" in page
    assert not Ballot.objects.filter(meeting=meeting).exists()
    assert list(OpenVote.objects.values_list("item_id", "choice")) == [(open_.pk, "agree")]


def test_filters_hide_items_but_keep_them_in_the_form(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)

    response = client.get(ballot_url(meeting), {"award": secret.nomination.award_type_id})

    shown = [i.pk for i in response.context["items"] if i.shown]
    assert shown == [secret.pk]
    assert f'name="choice_{open_.pk}"' in response.content.decode()
    assert response.context["shown"] == 1


# --- drafts ------------------------------------------------------------------------------------


def test_draft_keeps_open_choices_and_drops_secret_ones(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)
    url = reverse("awards:ballot_draft", args=[meeting.pk])

    response = client.post(url, {f"choice_{secret.pk}": "disagree",
                                 f"choice_{open_.pk}": "abstain"},
                           HTTP_ACCEPT="application/json")
    page = client.get(ballot_url(meeting))

    assert response.json() == {"saved": 1}
    assert BallotDraft.objects.get().choices == {str(open_.pk): "abstain"}
    assert [i.checked for i in page.context["items"]] == ["", "abstain"]
    assert nothing_written(meeting)


def test_draft_without_javascript_redirects_with_a_message(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)

    response = client.post(reverse("awards:ballot_draft", args=[meeting.pk]),
                           {f"choice_{open_.pk}": "agree"}, follow=True)

    assert response.redirect_chain[-1][0] == ballot_url(meeting)
    assert BallotDraft.objects.get().choices == {str(open_.pk): "agree"}


def test_draft_refuses_unknown_items_and_get(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)
    url = reverse("awards:ballot_draft", args=[meeting.pk])

    bad = client.post(url, {"choice_999999": "agree"}, HTTP_ACCEPT="application/json")
    get = client.get(url)

    assert bad.status_code == 400 and bad.json()["error"]
    assert get.status_code == 405
    assert not BallotDraft.objects.exists()


def test_draft_is_forbidden_to_the_secretary_and_404_outside(world, client):
    meeting, seats, secretary, secret, open_ = mixed_meeting(world)
    url = reverse("awards:ballot_draft", args=[meeting.pk])

    client.force_login(secretary.user)
    forbidden = client.post(url, {f"choice_{open_.pk}": "agree"}).status_code
    client.force_login(world.users.outsider)
    hidden = client.post(url, {f"choice_{open_.pk}": "agree"}).status_code

    assert (forbidden, hidden) == (403, 404)
    assert not BallotDraft.objects.exists()


# --- recusals ----------------------------------------------------------------------------------


def test_a_member_declares_a_conflict(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)
    url = reverse("awards:recusal_declare", args=[open_.pk])

    form = client.get(url)
    response = client.post(url, {"reason": "  Tôi là thành viên hợp tác xã được đề nghị  "})

    assert form.status_code == 200
    assert response.status_code == 302 and response.url == ballot_url(meeting)
    recusal = Recusal.objects.get(item=open_, member=seats[1])
    assert (recusal.automatic, recusal.reason) == (
        False, "Tôi là thành viên hợp tác xã được đề nghị")


@pytest.mark.parametrize("reason, message", [
    ("", "Please fill in this field."),
    ("x" * 501, "At most 500 characters (now 501)."),
])
def test_recusal_needs_a_reason_of_reasonable_length(world, client, reason, message):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)

    response = client.post(reverse("awards:recusal_declare", args=[open_.pk]),
                           {"reason": reason})

    assert response.status_code == 200
    expected = gettext(message) if "%" not in message else message
    assert response.context["form"].errors["reason"] == [
        gettext("At most %(limit_value)d characters (now %(show_value)d).")
        % {"limit_value": 500, "show_value": 501} if "500" in message else expected]
    assert not Recusal.objects.filter(automatic=False).exists()


def test_recusal_keeps_hostile_text_as_text(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)

    client.post(reverse("awards:recusal_declare", args=[open_.pk]),
                {"reason": "<img src=x onerror=alert(1)>"})
    page = client.get(reverse("awards:agenda_item_detail", args=[open_.pk])).content.decode()

    assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_recusal_after_voting_is_refused(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    sc.ballot_submit(meeting=meeting, by=seats[1].user, choices={}, agree_remaining=True)
    client.force_login(seats[1].user)

    response = client.post(reverse("awards:recusal_declare", args=[open_.pk]),
                           {"reason": "Xung đột lợi ích"}, follow=True)

    assert text("You have already voted: a conflict must be declared before you vote.") in (
        response.content.decode())
    assert not Recusal.objects.filter(automatic=False).exists()


def test_recusal_is_forbidden_to_the_secretary(world, client):
    meeting, seats, secretary, secret, open_ = mixed_meeting(world)
    client.force_login(secretary.user)

    response = client.post(reverse("awards:recusal_declare", args=[open_.pk]),
                           {"reason": "Xung đột lợi ích"})

    assert response.status_code == 403
    assert not Recusal.objects.filter(automatic=False).exists()


# --- one agenda item and its documents ---------------------------------------------------------


def add_document(nomination, name="Báo cáo thành tích.pdf", **kwargs):
    document = DossierDocument(dossier=nomination.dossier, kind="achievement_report",
                               original_name=name, content_type="application/pdf", size=8,
                               sha256="0" * 64, uploaded_by=nomination.dossier.created_by,
                               **kwargs)
    document.file.save("bao-cao.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    return document


def test_item_page_shows_what_a_member_needs(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    nomination = secret.nomination
    nomination.appraisal_comment = "Đủ tiêu chuẩn, thành tích nổi bật."
    nomination.verdict = "eligible"
    nomination.verdict_reasons = [{"outcome": "met", "text": "Đủ 3 năm CSTĐCS liên tục."}]
    nomination.save()
    document = add_document(nomination)
    client.force_login(seats[1].user)

    page = client.get(reverse("awards:agenda_item_detail", args=[secret.pk])).content.decode()

    assert nomination.candidate_name in page
    assert "Đủ tiêu chuẩn, thành tích nổi bật." in page
    assert "Đủ 3 năm CSTĐCS liên tục." in page
    assert "Hoàn thành xuất sắc nhiệm vụ." in page
    assert reverse("awards:agenda_document", args=[secret.pk, document.pk]) in page
    assert reverse("awards:recusal_declare", args=[secret.pk]) in page


def test_documents_download_as_attachments_for_the_item_only(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    document = add_document(secret.nomination, name='../../etc/"passwd";.pdf')
    client.force_login(seats[1].user)

    response = client.get(reverse("awards:agenda_document", args=[secret.pk, document.pk]))
    mismatched = client.get(reverse("awards:agenda_document", args=[open_.pk, document.pk]))
    client.force_login(world.users.outsider)
    outside = client.get(reverse("awards:agenda_document", args=[secret.pk, document.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "/" not in response["Content-Disposition"].split("filename", 1)[1]
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert (mismatched.status_code, outside.status_code) == (404, 404)


def test_item_page_for_a_preparer_offers_no_vote_and_no_recusal(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(world.users.appraiser)

    response = client.get(reverse("awards:agenda_item_detail", args=[secret.pk]))

    assert response.status_code == 200
    assert (response.context["may_recuse"], response.context["can_vote"]) == (False, False)
    assert reverse("awards:recusal_declare", args=[secret.pk]) not in response.content.decode()


def test_item_page_is_404_outside_the_council(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)

    statuses = []
    for user in (world.users.outsider, world.users.staff):
        client.force_login(user)
        statuses.append(client.get(reverse("awards:agenda_item_detail",
                                           args=[secret.pk])).status_code)

    assert statuses == [404, 404]


# --- for tests/test_cross_province.py and tests/test_query_counts.py ---------------------------


def hanoi_meeting(world):
    """A meeting of the Hà Nội alliance's own council, open, on a Giấy khen-free cycle of its
    own (CSTDCS, secret), with one document: for cross-province tests. Its own user names, so
    that it can sit beside other builders' councils."""
    council = Council.objects.create(organization=world.hanoi,
                                     name="Hội đồng Thi đua - Khen thưởng Liên minh HTX Hà Nội")
    term = CouncilTerm.objects.create(council=council, name="Nhiệm kỳ 2025–2030",
                                      start_date=datetime.date(2025, 1, 1))
    seats = [CouncilMember.objects.create(
        term=term, user=user_with_role(Role.UNIT_HEAD, world.hanoi, username=f"hn.phieu{i}"),
        full_name=f"Thành viên Hà Nội {i}", organization=world.hanoi,
        position=CouncilMember.Position.CHAIR if i == 0 else CouncilMember.Position.MEMBER,
        valid_from=term.start_date, sort_order=i) for i in range(3)]
    cycle = make_cycle(world, organizer=world.hanoi, codes=("CSTDCS",))
    nominations = agreed(world, make_dossier(world, cycle, organization=world.coop_hanoi),
                         code="CSTDCS", n=1)
    meeting = sc.meeting_save(council=council, by=world.users.province_admin,
                              title="Phiên họp Hà Nội", date=MEETING_DAY, chair=seats[0])
    sc.agenda_add(meeting=meeting, nominations=nominations, by=world.users.province_admin)
    sc.attendance_record(meeting=meeting, by=world.users.province_admin,
                         statuses={s.pk: Attendance.Status.PRESENT for s in seats})
    meeting = sc.meeting_open(meeting=meeting, by=seats[0].user)
    item = meeting.items.get()
    return meeting, item, add_document(item.nomination)


def cross_province_objects(world):
    meeting, item, document = hanoi_meeting(world)
    return {
        "awards:meeting_ballot": {"pk": meeting.pk},
        "awards:ballot_draft": {"pk": meeting.pk},
        "awards:agenda_item_detail": {"pk": item.pk},
        "awards:recusal_declare": {"pk": item.pk},
        "awards:agenda_document": {"pk": item.pk, "doc_pk": document.pk},
    }


def make_ballot_items(world, n):
    """The ballot page of world.users.admin, seated and present in an open meeting, with n more
    items (half secret, half open; the first call builds the meeting)."""
    meeting = _query_count_meeting(world)
    template = meeting.items.first()
    start = meeting.items.count()
    nominations = council_nominations(world, code="CSTDN", n=n)
    AgendaItem.objects.bulk_create([AgendaItem(
        meeting=meeting, nomination=nomination, position=start + i + 1,
        mode=AgendaItem.Mode.SECRET if i % 2 else AgendaItem.Mode.OPEN,
        threshold=template.threshold, strict=template.strict,
        denominator=template.denominator) for i, nomination in enumerate(nominations)])
    items = list(meeting.items.order_by("-id")[:n])
    seat = CouncilMember.objects.get(user=world.users.admin)
    Recusal.objects.create(item=items[0], member=seat, automatic=False, reason="Xung đột")
    draft, _created = BallotDraft.objects.get_or_create(meeting=meeting, member=seat)
    draft.choices.update({str(i.pk): "agree" for i in items if i.mode == AgendaItem.Mode.OPEN})
    draft.save()


def _query_count_meeting(world):
    from awards.models import CouncilMeeting

    meeting = CouncilMeeting.objects.filter(title="Phiên họp đếm truy vấn").first()
    if meeting is not None:
        return meeting
    council = Council.objects.create(organization=world.central, name="Hội đồng đếm truy vấn")
    term = CouncilTerm.objects.create(council=council, name="Nhiệm kỳ",
                                      start_date=datetime.date(2025, 1, 1))
    seats = [CouncilMember.objects.create(
        term=term, user=user, full_name=f"Thành viên {i}", organization=world.central,
        position=CouncilMember.Position.CHAIR if i == 0 else CouncilMember.Position.MEMBER,
        valid_from=term.start_date, sort_order=i)
        for i, user in enumerate([UserFactory(username="dem.chutich"), world.users.admin])]
    meeting = sc.meeting_save(council=council, by=world.users.admin,
                              title="Phiên họp đếm truy vấn", date=MEETING_DAY, chair=seats[0])
    sc.agenda_add(meeting=meeting, nominations=council_nominations(world, n=1),
                  by=world.users.admin)
    sc.attendance_record(meeting=meeting, by=world.users.admin,
                         statuses={s.pk: Attendance.Status.PRESENT for s in seats})
    return sc.meeting_open(meeting=meeting, by=seats[0].user)


def ballot_page_url(world):
    from awards.models import CouncilMeeting

    return ballot_url(CouncilMeeting.objects.get(title="Phiên họp đếm truy vấn"))


def test_sending_a_ballot_runs_the_same_queries_for_2_and_20_items(world, client):
    """The POST validated 500 choices with a query per item once (bench/RESULTS.md §10)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from awards.models import Attendance
    from awards.tests.council_builders import MEETING_DAY, council_nominations, make_council

    council, _term, seats, secretary = make_council(world, members=3)
    client.force_login(seats[1].user)
    counts = []
    for n in (2, 20):
        meeting = sc.meeting_save(council=council, by=world.users.appraiser, title=f"Phiên {n}",
                                  date=MEETING_DAY, chair=seats[0], secretary=secretary)
        sc.agenda_add(meeting=meeting, by=world.users.appraiser,
                      nominations=(council_nominations(world, code="BK_CT", n=n // 2)
                                   + council_nominations(world, code="CSTDN", n=n - n // 2)))
        sc.attendance_record(meeting=meeting, by=world.users.appraiser,
                             statuses={s.pk: Attendance.Status.PRESENT for s in seats})
        meeting = sc.meeting_open(meeting=meeting, by=seats[0].user)
        data = {f"choice_{item.pk}": "agree" for item in meeting.items.all()}
        data["confirm"] = "1"
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("awards:meeting_ballot", args=[meeting.pk]), data)
        assert response.status_code == 200 and b"receipt-code" in response.content
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
