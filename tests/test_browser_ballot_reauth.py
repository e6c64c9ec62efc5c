"""Re-authentication before the ballot (S6) in Debian's Chromium, with JavaScript: when the
sign-in is stale, the confirmation dialog asks for the password; Enter in it sends; a wrong
password comes back on the confirmation page with the choices kept; the right one casts the
ballot."""

import time

import pytest

from tests.test_browser import award_catalogue, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser


def make_stale(browser_page):
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from accounts import reauth

    key = next(c["value"] for c in browser_page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[reauth.REAUTH_AT_KEY] = int(time.time()) - settings.REAUTH_SECONDS - 1
    session.save()


def test_a_stale_sign_in_is_asked_for_the_password_in_the_dialog(page, live_server, world,  # noqa: F811
                                                                 award_catalogue):  # noqa: F811
    from accounts.tests.factories import PASSWORD
    from awards.models import Ballot
    from awards.tests.council_builders import council_nominations, open_meeting

    nominations = (council_nominations(world, code="CSTDN", n=1)
                   + council_nominations(world, code="BK_CT", n=1))
    meeting, seats, _ = open_meeting(world, members=3, nominations=nominations)
    secret, open_item = list(meeting.items.order_by("position"))
    log_in(page, live_server, seats[1].user.username)
    page.wait_for_url(f"{live_server.url}/")
    make_stale(page)
    page.goto(f"{live_server.url}/khen-thuong/hoi-dong/phien-hop/{meeting.pk}/phieu-bau/")

    assert not page.locator("#id_reauth-password").is_visible()  # inside the closed dialog
    page.locator(f"label[for=c{secret.pk}-disagree]").click()
    page.locator(f"label[for=c{open_item.pk}-agree]").click()
    page.locator("#ballot-submit").click()
    password = page.locator("#ballot-dialog #id_reauth-password")
    assert password.is_visible()
    password.fill("mat-khau-sai")
    password.press("Enter")
    page.wait_for_load_state()

    assert page.locator("#error-summary").is_visible()
    assert "Mật khẩu không đúng." in page.locator("main").inner_text()
    assert Ballot.objects.filter(meeting=meeting).count() == 0
    assert page.locator(f"input[name=choice_{secret.pk}]").get_attribute("value") == "disagree"
    page.locator("#id_reauth-password").fill(PASSWORD)
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state()

    assert len(page.locator("#receipt-code").inner_text()) == 19
    assert Ballot.objects.get(meeting=meeting).choices == {str(secret.pk): "disagree"}
