"""Login throttling locks a username and address pair, and finds the right address (S5, ASVS
6.1.1/6.3.1). accounts/tests/test_auth.py covers the lock, its expiry and another username;
these add the address: another computer is not locked, behind our proxy the client's address
counts (not the proxy's), and a client cannot escape the lock by inventing X-Forwarded-For."""

import pytest
from django.test import override_settings

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/tai-khoan/dang-nhap/"
LOCKED = "Tài khoản tạm thời bị khoá đăng nhập"


def login(client, password, **meta):
    return client.post(LOGIN, {"username": "canbo.hanoi", "password": password}, **meta)


def fail_five_times(client, **meta):
    """Four wrong passwords are answered on the form; the fifth locks the pair."""
    statuses = [login(client, "sai-mat-khau", **meta).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_four_failures_do_not_lock(world, client):
    for _ in range(4):
        login(client, "sai-mat-khau", REMOTE_ADDR="203.0.113.5")

    assert login(client, PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302


def test_the_lock_holds_the_pair_not_the_username_everywhere(world, client):
    fail_five_times(client, REMOTE_ADDR="203.0.113.5")

    locked = login(client, PASSWORD, REMOTE_ADDR="203.0.113.5")
    elsewhere = login(client, PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED in page and "15 phút" in page
    assert elsewhere.status_code == 302


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_clients_address_counts(world, client):
    """nginx connects from 127.0.0.1 for everyone and sets X-Forwarded-For to the client."""
    fail_five_times(client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")

    locked = login(client, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    other = login(client, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    assert other.status_code == 302


def test_without_a_proxy_an_invented_forwarded_for_does_not_escape_the_lock(world, client):
    for n in range(5):
        login(client, "sai-mat-khau", REMOTE_ADDR="203.0.113.5",
              HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    again = login(client, PASSWORD, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.0.0.99")

    assert again.status_code == 429
