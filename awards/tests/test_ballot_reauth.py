"""Re-authentication before casting a ballot (quality target S6, accounts/reauth.py): with a
stale sign-in the confirmation step asks for the password (and the code of a member with a
TOTP device), a missing or wrong one stores nothing and keeps the member's choices, the right
one casts the ballot; with a fresh sign-in nothing more is asked."""

import logging
import re
import time

import pytest
from django.conf import settings

from accounts import reauth
from accounts.tests.factories import PASSWORD
from accounts.tests.test_twofactor import code_for, enrolled
from awards import services_council as sc
from awards.models import Ballot, OpenVote
from awards.tests.test_council_ballot import ballot_url, mixed_meeting, nothing_written

pytestmark = pytest.mark.django_db

ASK = "Vì an toàn, hãy nhập lại mật khẩu để tiếp tục."
WRONG = "Mật khẩu không đúng."
CODE_MISSING = "Hãy nhập mã 6 chữ số hiển thị trong ứng dụng xác thực."
PASSWORD_FIELD = 'name="reauth-password"'
CODE_FIELD = 'name="reauth-code"'


def make_stale(client):
    session = client.session
    session[reauth.REAUTH_AT_KEY] = int(time.time()) - settings.REAUTH_SECONDS - 1
    session.save()


@pytest.fixture
def voting(world, client):
    """A present member, signed in 15 minutes and one second ago, and their choices."""
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    member = seats[1].user
    client.force_login(member)
    make_stale(client)
    choices = {f"choice_{secret.pk}": "disagree", f"choice_{open_.pk}": "abstain"}
    return meeting, member, choices, secret, open_


def hidden_choices(page):
    return dict(re.findall(r'<input type="hidden" name="(choice_\d+)" value="(\w+)">', page))


def test_a_stale_sign_in_puts_the_password_in_the_confirmation_step(voting, client):
    meeting, _member, choices, *_ = voting

    ballot_page = client.get(ballot_url(meeting)).content.decode()
    confirm = client.post(ballot_url(meeting), choices)

    dialog = ballot_page.split('id="ballot-dialog"')[1].split("</dialog>")[0]
    assert PASSWORD_FIELD in dialog and CODE_FIELD not in dialog
    page = confirm.content.decode()
    assert confirm.templates[0].name == "awards/council/ballot_confirm.html"
    assert PASSWORD_FIELD in page and ASK not in page  # asked, not yet an error
    assert nothing_written(meeting)


def test_the_final_post_without_password_stores_nothing_and_asks(voting, client):
    meeting, _member, choices, *_ = voting

    response = client.post(ballot_url(meeting), {**choices, "confirm": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "awards/council/ballot_confirm.html"
    assert nothing_written(meeting)
    assert ASK in page and PASSWORD_FIELD in page
    assert 'id="error-summary"' in page and "Phiếu chưa được gửi." in page
    assert hidden_choices(page) == choices


def test_a_wrong_password_stores_nothing_and_keeps_the_choices(voting, client):
    meeting, _member, choices, secret, open_ = voting

    response = client.post(ballot_url(meeting), {**choices, "confirm": "1",
                                                 "reauth-password": "mat-khau-sai"})
    back = client.post(ballot_url(meeting), {**hidden_choices(response.content.decode()),
                                             "edit": "1"})

    page = response.content.decode()
    assert nothing_written(meeting)
    assert WRONG in page and PASSWORD_FIELD in page
    assert hidden_choices(page) == choices
    assert (response.context["answered"], response.context["counted"]) == (
        2, {"agree": 0, "disagree": 1, "abstain": 1})
    # Back to the ballot: both choices still checked.
    assert [i.checked for i in back.context["items"]] == ["disagree", "abstain"]
    assert f'id="c{secret.pk}-disagree" value="disagree" checked' in back.content.decode()


def test_agree_to_all_remaining_is_kept_through_a_wrong_password(voting, client):
    meeting, _member, _choices, secret, open_ = voting

    response = client.post(ballot_url(meeting), {
        f"choice_{open_.pk}": "disagree", "agree_remaining": "1", "confirm": "1",
        "reauth-password": "sai"})

    page = response.content.decode()
    assert nothing_written(meeting)
    assert '<input type="hidden" name="agree_remaining" value="1">' in page
    assert hidden_choices(page) == {f"choice_{open_.pk}": "disagree"}


def test_the_right_password_casts_the_ballot_and_shows_the_receipt(voting, client):
    meeting, _member, choices, secret, open_ = voting

    response = client.post(ballot_url(meeting), {**choices, "confirm": "1",
                                                 "reauth-password": PASSWORD})

    code = response.context["code"]
    assert response.templates[0].name == "awards/council/ballot_receipt.html"
    assert code in response.content.decode()
    assert Ballot.objects.get(meeting=meeting).receipt_hash == sc.receipt_hash(code)
    assert Ballot.objects.get(meeting=meeting).choices == {str(secret.pk): "disagree"}
    assert list(OpenVote.objects.values_list("item_id", "choice")) == [(open_.pk, "abstain")]
    assert reauth.recently_authenticated(response.wsgi_request)


def test_a_fresh_sign_in_asks_nothing(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)
    choices = {f"choice_{secret.pk}": "agree", f"choice_{open_.pk}": "agree"}

    ballot_page = client.get(ballot_url(meeting)).content.decode()
    confirm = client.post(ballot_url(meeting), choices).content.decode()
    receipt = client.post(ballot_url(meeting), {**choices, "confirm": "1"})

    assert PASSWORD_FIELD not in ballot_page and PASSWORD_FIELD not in confirm
    assert receipt.templates[0].name == "awards/council/ballot_receipt.html"
    assert Ballot.objects.filter(meeting=meeting).count() == 1


def test_a_member_with_a_totp_device_needs_the_code_too(voting, client):
    meeting, member, choices, *_ = voting
    device, _backup = enrolled(member)

    asked = client.post(ballot_url(meeting), choices).content.decode()
    no_code = client.post(ballot_url(meeting), {**choices, "confirm": "1",
                                                "reauth-password": PASSWORD})
    assert nothing_written(meeting)
    cast = client.post(ballot_url(meeting), {**choices, "confirm": "1",
                                             "reauth-password": PASSWORD,
                                             "reauth-code": code_for(device)})

    assert PASSWORD_FIELD in asked and CODE_FIELD in asked
    assert CODE_MISSING in no_code.content.decode()
    assert hidden_choices(no_code.content.decode()) == choices
    assert cast.templates[0].name == "awards/council/ballot_receipt.html"
    assert Ballot.objects.filter(meeting=meeting).count() == 1


def test_a_very_long_password_stores_nothing(voting, client):
    meeting, _member, choices, *_ = voting

    response = client.post(ballot_url(meeting), {**choices, "confirm": "1",
                                                 "reauth-password": "x" * 200_000})

    assert response.status_code == 200 and WRONG in response.content.decode()
    assert nothing_written(meeting)


def test_five_wrong_passwords_sign_the_member_out_without_a_ballot(voting, client):
    meeting, _member, choices, *_ = voting

    answers = [client.post(ballot_url(meeting), {**choices, "confirm": "1",
                                                 "reauth-password": f"sai-{i}"})
               for i in range(reauth.MAX_FAILURES)]
    late = client.post(ballot_url(meeting), {**choices, "confirm": "1",
                                             "reauth-password": PASSWORD})

    assert [r.status_code for r in answers] == [200] * 4 + [302]
    assert late.status_code == 302 and "dang-nhap" in late.url
    assert nothing_written(meeting)


def test_the_log_names_the_user_and_never_the_ballot(voting, client, caplog):
    meeting, member, choices, secret, open_ = voting

    with caplog.at_level(logging.DEBUG):
        client.post(ballot_url(meeting), {**choices, "confirm": "1", "reauth-password": "sai"})
        client.post(ballot_url(meeting), {**choices, "confirm": "1",
                                          "reauth-password": PASSWORD})

    assert Ballot.objects.filter(meeting=meeting).count() == 1
    reauth_lines = [r.getMessage() for r in caplog.records if r.name == "accounts.reauth"]
    assert reauth_lines == [f"identity confirmation failed: user={member.pk} failures=1",
                            f"identity confirmed: user={member.pk}"]
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "django.db.backends")
    assert "disagree" not in logged and "abstain" not in logged
    assert f"choice_{secret.pk}" not in logged and PASSWORD not in logged
