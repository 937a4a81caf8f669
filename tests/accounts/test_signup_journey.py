"""Sign-up leads somewhere (issue 13): verification signs the person in and returns them to
the page they came from, or offers "register or claim your organisation"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _sign_up(client: Client, email: str, next_url: str = "") -> str:
    """Sign up and return the confirmation link e-mailed."""
    url = reverse("account_signup") + (f"?next={next_url}" if next_url else "")
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "email": email,
        "password1": "a long enough password 42",
        "password2": "a long enough password 42",
    }
    if next_url:
        data["next"] = next_url
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    (message,) = [m for m in mail.outbox if email in m.to]
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", message.body).group(0)


def _follow_confirmation(client: Client, link: str) -> Any:
    path = re.sub(r"^https?://[^/]+", "", link)
    client.get(path)
    return client.post(path)


def test_after_verification_the_person_is_offered_to_register_or_claim() -> None:
    client = Client()
    link = _sign_up(client, "owner@firma.example.pl")
    response = _follow_confirmation(client, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:onboarding")
    page = client.get(response["Location"])
    assert page.status_code == 200  # signed in
    assert "Register or claim your organization" in page.content.decode()


def test_next_is_kept_through_sign_up_and_verification() -> None:
    client = Client()
    target = reverse("workspace:organization_claim", args=["some-organization"])
    login_page = client.get(reverse("account_login") + f"?next={target}").content.decode()
    assert f"next={target}".replace("/", "%2F") in login_page or f"next={target}" in login_page
    link = _sign_up(client, "investor@example.com", next_url=target)
    response = _follow_confirmation(client, link)
    assert response.status_code == 302
    assert response["Location"] == target


def test_next_is_kept_through_sign_up_verification_and_invitation_acceptance() -> None:
    from highlands.accounts.models import OrganizationRepresentative
    from highlands.accounts.services import invitation_create
    from highlands.ecosystem.models import Organization
    from tests.accounts.fixtures import make_user

    organization = Organization.objects.create(slug="acme", name="Acme", normalized_name="acme")
    city = make_user("city@example.org", is_city_admin=True)
    _invitation, token = invitation_create(
        actor=city, email="newrep@acme.example", organization=organization
    )
    client = Client()
    invitation_path = reverse("accounts:invitation_accept", args=[token])
    to_login = client.get(invitation_path)
    assert to_login.status_code == 302
    assert "next=" in to_login["Location"]
    link = _sign_up(client, "newrep@acme.example", next_url=invitation_path)
    response = _follow_confirmation(client, link)
    assert response["Location"] == invitation_path
    accepted = client.post(invitation_path)
    assert accepted.status_code == 302
    assert OrganizationRepresentative.objects.filter(
        user__email="newrep@acme.example", organization=organization
    ).exists()
