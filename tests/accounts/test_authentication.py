"""Sign-in, sign-up with e-mail verification, password reset, throttling, sessions, hashing."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from http import HTTPStatus
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from highlands.accounts.models import User
from highlands.audit.models import AuditEntry
from tests.accounts.fixtures import PASSWORD, World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _login(client: Client, email: str, password: str, ip: str = "10.0.0.1") -> None:
    client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_login_and_logout_are_audited_without_secrets(client: Client, world: World) -> None:
    _login(client, "coord@example.org", "wrong password")
    assert not _signed_in(client)
    _login(client, "coord@example.org", PASSWORD)
    assert _signed_in(client)
    session_key = client.session.session_key
    client.post(reverse("account_logout"))
    assert not _signed_in(client)
    coordinator = world.users["coordinator"]
    assert coordinator is not None
    actions = list(
        AuditEntry.objects.filter(subject_user_id=coordinator.pk, action__startswith="auth.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["auth.login_failed", "auth.login", "auth.logout"]
    logged = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "wrong password" not in logged
    assert PASSWORD not in logged
    assert session_key
    assert session_key not in logged


def test_failed_logins_are_limited_to_100_per_account_per_hour(
    client: Client, world: World
) -> None:
    assert "100/h/key" in settings.ACCOUNT_RATE_LIMITS["login_failed"]
    for attempt in range(99):  # a new IP each time: only the per-account limit applies
        _login(client, "coord@example.org", "nope", ip=f"10.1.{attempt // 200}.{attempt % 200}")
    _login(client, "coord@example.org", PASSWORD, ip="10.2.0.1")
    assert _signed_in(client), "99 failures must not lock the account"
    client.post(reverse("account_logout"))
    _login(client, "coord@example.org", "nope", ip="10.2.0.2")  # the 100th failure
    _login(client, "coord@example.org", PASSWORD, ip="10.2.0.3")
    assert not _signed_in(client), "after 100 failures even the right password is refused"
    other = Client()
    _login(other, "city@example.org", PASSWORD, ip="10.2.0.4")
    assert _signed_in(other), "other accounts are not affected"


def test_failed_logins_are_limited_per_ip(client: Client, world: World) -> None:
    for attempt in range(30):
        _login(client, f"nobody{attempt}@example.org", "nope", ip="10.9.9.9")
    _login(client, "coord@example.org", PASSWORD, ip="10.9.9.9")
    assert not _signed_in(client)
    _login(client, "coord@example.org", PASSWORD, ip="10.9.9.10")
    assert _signed_in(client)


def test_admin_login_goes_through_allauth(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_signup_requires_email_verification(client: Client, world: World) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not _signed_in(client)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body)
    assert link is not None
    _login(client, "new@example.org", PASSWORD)
    assert not _signed_in(client), "unverified e-mail cannot sign in"
    client.post(link.group(0).split("testserver")[1])
    _login(client, "new@example.org", PASSWORD)
    assert _signed_in(client)
    assert AuditEntry.objects.filter(action="auth.email_confirmed").exists()


def test_password_reset_sends_mail(client: Client, world: World) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "coord@example.org"})
    assert response.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_passwords_are_hashed_with_argon2() -> None:
    from highlands.config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("s3cret-passphrase", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("s3cret-passphrase", encoded)


def test_session_expires_after_inactivity_and_is_renewed_by_use(
    client: Client, world: World
) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    _login(client, "coord@example.org", PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=session.expire_date.replace(year=2000))
    response = client.get(reverse("workspace:home"))
    assert response.status_code == HTTPStatus.FOUND  # expired: back to sign-in
    assert response["Location"].startswith(reverse("account_login"))


def test_security_headers_present(client: Client) -> None:
    response = client.get(reverse("accounts:privacy"))
    assert response.status_code == HTTPStatus.OK
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_privacy_page_states_retention(client: Client) -> None:
    body = client.get(reverse("accounts:privacy")).content.decode()
    assert f"{settings.HIGHLANDS_AUDIT_RETENTION_DAYS} days" in body
    assert "Argon2" in body


def run_with_production_settings(code: str, tmp_path: Any) -> str:
    """Run Python ``code`` in a fresh process under the production settings; its stdout."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "highlands.config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "HIGHLANDS_VAR_DIR": str(tmp_path),
    }
    env.pop("HIGHLANDS_TRUSTED_PROXY_COUNT", None)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_deployment_checks_report_nothing_for_production_settings(tmp_path) -> None:
    code = (
        "from django.core.checks import run_checks\n"
        "print([str(m) for m in run_checks(include_deployment_checks=True)])\n"
    )
    assert run_with_production_settings(code, tmp_path) == "[]"


def test_user_model_is_the_projects(world: World) -> None:
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert isinstance(world.users["city_admin"], User)


def test_allauth_pages_render_inside_the_portal_layout(client: Client) -> None:
    body = client.get(reverse("account_login")).content.decode()
    assert 'class="brand"' in body  # the portal header
    assert 'name="login"' in body
    assert reverse("accounts:privacy") in body
