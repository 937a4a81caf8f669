"""GDPR: the export covers every personal-data field; erasure leaves none behind."""

from __future__ import annotations

import json
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.apps import apps
from django.core import serializers
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from highlands.accounts import gdpr
from highlands.accounts.models import (
    ApiToken,
    Consent,
    ContactMessage,
    ContactPerson,
    Invitation,
    OrganizationClaim,
    OrganizationRepresentative,
)
from highlands.accounts.services import (
    api_token_create,
    api_token_revoke,
    consent_give,
    consent_withdraw,
    contact_message_send,
    contact_person_create,
    invitation_create,
    organization_claim_create,
)
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Organization
from highlands.ecosystem.services import organization_update_profile
from highlands.errors import PermissionDeniedError
from tests.accounts.fixtures import World, make_user

pytestmark = pytest.mark.django_db

# Distinctive values that must leave with the person.
EMAIL = "zofia.wisniewska@example.org"
FIRST, LAST = "Zofiaunique", "Wiśniewskaunique"
PHONE = "+48 600 123 987"
TOKEN_NAME = "Zofiaunique laptop"
POSITION = "Chief Zofiaunique Officer"
CLAIM_MESSAGE = "Head of procurement at Org other since 2019"
MESSAGE_SUBJECT = "Zofiaunique asks about hardening"
MESSAGE_BODY = "Please call Zofiaunique back about 200 shafts"


def _concrete_fields(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many} - {
        f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete
    }


@pytest.mark.parametrize("model", list(gdpr.PERSONAL_FIELDS), ids=lambda m: m.__name__)
def test_every_field_of_a_personal_model_is_classified(model: type[models.Model]) -> None:
    personal = set(gdpr.PERSONAL_FIELDS[model])
    other = set(gdpr.NON_PERSONAL_FIELDS[model])
    assert not personal & other
    assert personal | other == _concrete_fields(model)


def _person(world: World) -> Any:
    user = make_user(EMAIL, first_name=FIRST, last_name=LAST)
    OrganizationRepresentative.objects.create(user=user, organization=world.orgs["own"])
    user.last_login = timezone.now()
    user.save()
    consent = consent_give(actor=user, purpose="newsletter")
    consent_withdraw(actor=user, consent=consent)
    consent_give(actor=user, purpose="account")
    token, _ = api_token_create(actor=user, name=TOKEN_NAME)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    old_token, _ = api_token_create(actor=user, name="old")
    api_token_revoke(actor=user, token=old_token)
    invitation_create(actor=world.users["coordinator"], email=EMAIL, organization=world.orgs["own"])
    contact_person_create(
        actor=world.users["coordinator"],
        cluster=world.clusters["own"],
        full_name=f"{FIRST} {LAST}",
        email=EMAIL,
        phone=PHONE,
        position_title=POSITION,
    )
    organization_update_profile(
        actor=user, organization=world.orgs["own"], description="Made by the representative"
    )
    organization_claim_create(actor=user, organization=world.orgs["other"], message=CLAIM_MESSAGE)
    contact_message_send(
        actor=user, cluster=world.clusters["own"], subject=MESSAGE_SUBJECT, body=MESSAGE_BODY
    )
    return user


def _instances_of(user: Any) -> list[models.Model]:
    return [
        user,
        *user.emailaddress_set.all(),
        *Consent.objects.filter(user=user),
        *ApiToken.objects.filter(user=user),
        *Invitation.objects.filter(email=EMAIL),
        *ContactPerson.objects.filter(email=EMAIL),
        *Consent.objects.filter(contact_person__email=EMAIL),
        *OrganizationClaim.objects.filter(claimant=user),
        *ContactMessage.objects.filter(sender=user),
    ]


def test_export_covers_every_personal_field(world: World) -> None:
    user = _person(world)
    exported = json.dumps(gdpr.person_export(actor=user, user=user), ensure_ascii=False)
    instances = _instances_of(user)
    assert {type(i) for i in instances} == set(gdpr.PERSONAL_FIELDS)
    filled: set[tuple[str, str]] = set()
    for instance in instances:
        for name in gdpr.PERSONAL_FIELDS[type(instance)]:
            value = getattr(instance, name)
            if value is None:
                assert f'"{name}": null' in exported, f"{type(instance).__name__}.{name}"
                continue
            filled.add((type(instance).__name__, name))
            text = value.isoformat() if hasattr(value, "isoformat") else str(value)
            assert f'"{name}": "{text}"' in exported, f"{type(instance).__name__}.{name}"
    # The fixture fills every personal field at least once, so each was really looked for.
    assert filled == {(m.__name__, f) for m, fs in gdpr.PERSONAL_FIELDS.items() for f in fs}
    assert "Org own" in exported  # the role it holds
    assert "organization.update_profile" in exported  # what it did


def _everything() -> str:
    rows = []
    for model in apps.get_models():
        rows.append(serializers.serialize("json", model._default_manager.all()))
    return "\n".join(rows)


def test_erasure_leaves_no_personal_data_and_keeps_the_registry(world: World) -> None:
    user = _person(world)
    before = _everything()
    for value in (EMAIL, FIRST, LAST, PHONE, TOKEN_NAME, POSITION, CLAIM_MESSAGE, MESSAGE_BODY):
        assert value in before or json.dumps(value)[1:-1] in before
    gdpr.user_erase(actor=user, user=user)
    after = _everything()
    for value in (
        EMAIL,
        FIRST,
        LAST,
        PHONE.replace("+", ""),
        TOKEN_NAME,
        POSITION,
        "zofia",
        CLAIM_MESSAGE,
        MESSAGE_SUBJECT,
        MESSAGE_BODY,
    ):
        assert value not in after
        assert json.dumps(value)[1:-1] not in after
    user.refresh_from_db()
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.erased_at is not None
    # The non-personal record it edited stays, attributed to the pseudonymous account.
    assert Organization.objects.get(pk=world.orgs["own"].pk).description == (
        "Made by the representative"
    )
    assert AuditEntry.objects.filter(action="organization.update_profile", actor=user).exists()
    assert not OrganizationRepresentative.objects.filter(user=user).exists()


def test_contact_person_erasure_keeps_the_cluster(world: World) -> None:
    person = contact_person_create(
        actor=world.users["coordinator"],
        cluster=world.clusters["own"],
        full_name="Jan Kowalskiunique",
        phone="+48 111 222 333",
    )
    data = gdpr.contact_person_export(actor=world.users["coordinator"], person=person)
    assert data["full_name"] == "Jan Kowalskiunique"
    assert data["consents"][0]["purpose"] == "public_contact"
    with pytest.raises(PermissionDeniedError):
        gdpr.contact_person_erase(actor=world.users["representative"], person=person)
    gdpr.contact_person_erase(actor=world.users["coordinator"], person=person)
    everything = _everything()
    assert "Kowalskiunique" not in everything
    assert "111 222 333" not in everything
    assert world.clusters["own"].__class__.objects.filter(pk=world.clusters["own"].pk).exists()


@pytest.mark.parametrize(
    ("role", "may"),
    [("visitor", False), ("coordinator", False), ("city_admin", True), ("superuser", True)],
)
def test_who_may_export_or_erase_someone_else(world: World, role: str, may: bool) -> None:
    target = world.users["representative"]
    actor = world.users[role]
    if may:
        assert gdpr.person_export(actor=actor, user=target)["user"]["email"] == "rep@example.org"
    else:
        with pytest.raises(PermissionDeniedError, match=gdpr.EXPORT_DENIED):
            gdpr.person_export(actor=actor, user=target)
        with pytest.raises(PermissionDeniedError, match=gdpr.ERASE_DENIED):
            gdpr.user_erase(actor=actor, user=target)
        target.refresh_from_db()
        assert target.is_active


def test_my_data_pages_export_and_erase(world: World) -> None:
    client = Client()
    client.force_login(world.users["representative"])
    response = client.get(reverse("workspace:my_data_export"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["user"]["email"] == "rep@example.org"
    api = client.get("/api/v1/manage/me/export")
    assert api.json()["user"]["email"] == "rep@example.org"
    client.post(reverse("workspace:my_account_erase"), {"confirm": "no"})
    assert world.users["representative"].__class__.objects.get(username="rep").is_active
    response = client.post(reverse("workspace:my_account_erase"), {"confirm": "erase"})
    assert response.status_code == HTTPStatus.FOUND
    assert not world.users["representative"].__class__.objects.filter(username="rep").exists()
    assert client.get(reverse("workspace:home")).status_code == HTTPStatus.FOUND  # signed out


def test_retention_deletes_old_log_entries_expired_invitations_and_idle_accounts(
    world: World, settings: Any
) -> None:
    now = timezone.now()
    old = AuditEntry.objects.create(action="old.thing")
    AuditEntry.objects.filter(pk=old.pk).update(
        created_at=now - timedelta(days=settings.HIGHLANDS_AUDIT_RETENTION_DAYS + 1)
    )
    invitation, _ = invitation_create(
        actor=world.users["city_admin"], email="late@example.org", cluster=world.clusters["own"]
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=now - timedelta(days=settings.HIGHLANDS_INVITATION_RETENTION_DAYS + 1)
    )
    idle = world.users["visitor"]
    idle.last_login = now - timedelta(days=settings.HIGHLANDS_INACTIVE_ACCOUNT_RETENTION_DAYS + 1)
    idle.save()
    counts = gdpr.retention_apply(now=now)
    assert counts == {"audit_entries": 1, "invitations": 1, "accounts_erased": 1}
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    idle.refresh_from_db()
    assert idle.email == ""
    assert world.users["coordinator"].__class__.objects.get(username="coord").is_active


def test_my_data_page_consents_and_tokens(world: World) -> None:
    client = Client()
    user = world.users["representative"]
    client.force_login(user)
    url = reverse("workspace:my_data")
    assert client.post(url, {"action": "consent", "purpose": "newsletter"}).status_code == 302
    consent = Consent.objects.get(user=user, purpose="newsletter")
    assert consent.withdrawn_at is None
    client.post(url, {"action": "withdraw", "consent": str(consent.pk)})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    response = client.post(url, {"action": "token", "name": "script"})
    raw = response.context["new_token"]
    assert raw.startswith("hl_")
    assert not ApiToken.objects.filter(key_hash=raw).exists()  # only the hash is stored
    api = client.get("/api/v1/manage/me/export", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == HTTPStatus.OK
    token = ApiToken.objects.get(user=user, name="script")
    client.post(url, {"action": "revoke", "token": str(token.pk)})
    anonymous = Client()
    api = anonymous.get("/api/v1/manage/me/export", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == HTTPStatus.UNAUTHORIZED
    # Someone else's consent is not found, and junk ids are not server errors.
    other = consent_give(actor=world.users["visitor"], purpose="account")
    assert client.post(url, {"action": "withdraw", "consent": str(other.pk)}).status_code == 404
    assert client.post(url, {"action": "withdraw", "consent": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.withdrawn_at is None
