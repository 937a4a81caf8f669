"""Issue 12 finding 6: behind a proxy the per-IP sign-in limit must count clients, and a
per-IP block must never refuse the right password of someone else sharing the address."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.accounts.fixtures import PASSWORD, World
from tests.accounts.test_authentication import run_with_production_settings

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"  # every request reaches the application from the proxy's address
LIMIT = 30  # failed sign-ins per address per 10 minutes (HIGHLANDS_LOGIN_FAILED_IP_LIMIT)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _login(client: Client, email: str, password: str, **headers: str) -> object:
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        headers=headers,
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _flood_keys() -> list[str]:
    # The request-rate limit (30 sign-in requests a minute per address) is a separate,
    # one-minute limit; these tests wait it out rather than the 10-minute failure block.
    stored = cache._cache  # type: ignore[attr-defined]  (the test settings' local memory)
    return [key.split(":", 2)[2] for key in stored if ":login:" in key]


def _exhaust(client: Client, **headers: str) -> None:
    for attempt in range(LIMIT):
        _login(client, f"nobody{attempt}@example.org", "nope", **headers)


def test_the_default_limits_are_per_account_and_per_address(settings) -> None:
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "100/h/key"
    assert settings.ACCOUNT_RATE_LIMITS["login_failed_ip"] == f"{LIMIT}/10m/ip"


def test_production_settings_trust_the_one_proxy_in_front(tmp_path) -> None:
    """The documented deployment (one TLS proxy) reads the client from X-Forwarded-For."""
    code = "from allauth import app_settings\nprint(app_settings.TRUSTED_PROXY_COUNT)\n"
    assert run_with_production_settings(code, tmp_path) == "1"


def test_behind_a_trusted_proxy_the_limit_counts_each_client(settings, world: World) -> None:
    """The finding itself: 30 bad sign-ins from one visitor behind the proxy must not lock
    out another visitor, because the limit reads the client address the proxy forwards."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker, visitor = Client(), Client()
    _exhaust(attacker, x_forwarded_for="203.0.113.7")
    response = _login(visitor, "coord@example.org", PASSWORD, x_forwarded_for="198.51.100.20")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("workspace:home")
    assert _signed_in(visitor), "another client behind the same proxy signs in directly"
    assert not mail.outbox, "and needs no e-mailed code"


def test_a_forged_header_cannot_hide_the_client_behind_one_proxy(settings, world: World) -> None:
    """With one trusted proxy, only the entry the proxy appended counts: a client that writes
    its own X-Forwarded-For cannot rotate addresses to escape the limit."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = Client()
    for attempt in range(LIMIT):
        forged = f"10.0.{attempt}.1, 203.0.113.7"  # the proxy appended the real address last
        _login(attacker, f"nobody{attempt}@example.org", "nope", x_forwarded_for=forged)
    cache.delete_many(_flood_keys())
    response = _login(
        attacker, "coord@example.org", PASSWORD, x_forwarded_for="10.9.9.9, 203.0.113.7"
    )
    assert not _signed_in(attacker)
    assert response["Location"] == reverse("account_confirm_login_code")


def test_a_trusted_client_ip_header_is_read_when_configured(settings, world: World) -> None:
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    _exhaust(Client(), x_real_ip="203.0.113.8")
    visitor = Client()
    _login(visitor, "coord@example.org", PASSWORD, x_real_ip="198.51.100.21")
    assert _signed_in(visitor)


def test_a_blocked_address_never_refuses_the_right_password(world: World) -> None:
    """Without the proxy setting every visitor shares the proxy's address: the block must
    still let the right password in, with a one-time code e-mailed to the account."""
    _exhaust(Client())  # the whole site's address is now past its limit
    cache.delete_many(_flood_keys())  # a minute later: only the 10-minute block is left
    visitor = Client()
    response = _login(visitor, "city@example.org", PASSWORD)
    assert not _signed_in(visitor)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_confirm_login_code")
    assert [m.to for m in mail.outbox] == [["city@example.org"]]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.MULTILINE)
    assert code is not None, mail.outbox[0].body
    response = visitor.post(
        reverse("account_confirm_login_code"), {"code": code.group(1)}, REMOTE_ADDR=PROXY
    )
    assert response.status_code == HTTPStatus.FOUND
    assert _signed_in(visitor)


def test_a_blocked_address_still_gets_nowhere_with_a_wrong_password(world: World) -> None:
    attacker = Client()
    _exhaust(attacker)
    cache.delete_many(_flood_keys())
    _login(attacker, "city@example.org", "still guessing")
    assert not _signed_in(attacker)
    assert not mail.outbox, "a wrong password sends no code"


def test_under_the_limit_the_right_password_signs_in_directly(world: World) -> None:
    client = Client()
    for attempt in range(LIMIT - 1):
        _login(client, f"nobody{attempt}@example.org", "nope")
    _login(client, "coord@example.org", PASSWORD)
    assert _signed_in(client)
    assert not mail.outbox
