"""Representative roles: granted only by someone else with authority over the organisation,
announced to its representatives and the city office, revocable by them (issue 12)."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from highlands.accounts import services
from highlands.accounts.models import Invitation, OrganizationRepresentative
from highlands.accounts.services import api_token_create
from highlands.audit.models import AuditEntry
from highlands.ecosystem import services as registry_services
from highlands.ecosystem.models import Membership
from highlands.errors import ApplicationError, PermissionDeniedError
from tests.accounts.fixtures import ROLES, World, make_user

pytestmark = pytest.mark.django_db


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.parametrize("role", ["coordinator", "representative", "city_admin", "superuser"])
def test_nobody_invites_themselves(world: World, role: str) -> None:
    user = world.users[role]
    assert user is not None
    with pytest.raises(PermissionDeniedError, match=services.SELF_INVITATION):
        services.invitation_create(
            actor=user, email=user.email.upper(), organization=world.orgs["own"]
        )
    EmailAddress.objects.create(user=user, email="second@example.org", verified=True)
    with pytest.raises(PermissionDeniedError, match=services.SELF_INVITATION):
        services.invitation_create(
            actor=user, email="second@example.org", organization=world.orgs["own"]
        )
    assert not Invitation.objects.exists()


def test_an_address_added_after_inviting_cannot_accept_ones_own_invitation(
    world: World,
) -> None:
    coordinator = world.users["coordinator"]
    _, token = services.invitation_create(
        actor=coordinator, email="later@example.org", organization=world.orgs["own"]
    )
    EmailAddress.objects.create(user=coordinator, email="later@example.org", verified=True)
    with pytest.raises(PermissionDeniedError, match=services.SELF_INVITATION):
        services.invitation_accept(actor=coordinator, token=token)
    assert not OrganizationRepresentative.objects.filter(user=coordinator).exists()


def test_a_listing_only_asked_for_gives_a_coordinator_no_authority(world: World) -> None:
    coordinator = world.users["coordinator"]
    registry_services.membership_request_create(
        actor=coordinator, cluster=world.clusters["own"], organization=world.orgs["other"]
    )
    with pytest.raises(PermissionDeniedError, match=services.INVITE_REPRESENTATIVE_DENIED):
        services.invitation_create(
            actor=coordinator, email="accomplice@example.org", organization=world.orgs["other"]
        )
    # Nor does a membership row nobody stated or accepted (e.g. typed into the admin).
    Membership.objects.create(
        cluster=world.clusters["own"], organization=world.orgs["other"], role="founder"
    )
    assert not coordinator.has_perm("accounts.invite_representative", world.orgs["other"])


def test_the_coordinator_of_a_parent_cluster_has_authority_over_sub_cluster_members(
    world: World,
) -> None:
    from highlands.ecosystem.models import Cluster

    parent = world.clusters["own"]
    sub = Cluster.objects.create(slug="sub", name="Sub", display_name="Sub", parent=parent)
    registry_services.membership_request_create(
        actor=world.users["city_admin"], cluster=sub, organization=world.newcomer
    )  # the city office answers for the unrepresented newcomer: accepted at once
    assert world.users["coordinator"].has_perm("accounts.invite_representative", world.newcomer)


def test_an_inviter_who_lost_authority_cannot_grant_through_an_old_link(world: World) -> None:
    _, token = services.invitation_create(
        actor=world.users["coordinator"], email="late@example.org", organization=world.orgs["own"]
    )
    registry_services.membership_leave(
        actor=world.users["representative"], membership=world.memberships["own"]
    )
    invitee = make_user("late@example.org")
    with pytest.raises(PermissionDeniedError, match=services.INVITER_NO_AUTHORITY):
        services.invitation_accept(actor=invitee, token=token)
    assert not OrganizationRepresentative.objects.filter(user=invitee).exists()


def test_every_grant_is_announced_to_representatives_and_the_city_office(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _, token = services.invitation_create(
            actor=world.users["coordinator"],
            email="new.rep@example.org",
            organization=world.orgs["own"],
            accept_url_base="https://highlands.example",
        )
    # the invitee gets the link; the representative and the city office are told
    assert _recipients() == ["city@example.org", "new.rep@example.org", "rep@example.org"]
    announcement = next(m for m in mail.outbox if m.to == ["rep@example.org"])
    assert "coord@example.org invited new.rep@example.org" in announcement.body
    assert "https://highlands.example/workspace/organizations/org-own/representatives/" in (
        announcement.body
    )
    mail.outbox.clear()
    invitee = make_user("new.rep@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept(actor=invitee, token=token)
    assert _recipients() == ["city@example.org", "coord@example.org", "rep@example.org"]
    assert all("new.rep@example.org" in m.body for m in mail.outbox)


def test_a_representative_role_is_revoked_by_the_organisation(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _, token = services.invitation_create(
        actor=world.users["coordinator"],
        email="intruder@example.org",
        organization=world.orgs["own"],
    )
    intruder = make_user("intruder@example.org")
    services.invitation_accept(actor=intruder, token=token)
    assert intruder.has_perm("ecosystem.edit_organization", world.orgs["own"])
    grant = OrganizationRepresentative.objects.get(user=intruder)
    client = Client()
    client.force_login(world.users["representative"])
    page = client.get(reverse("workspace:organization_representatives", args=["org-own"]))
    assert "intruder@example.org" in page.content.decode()
    assert "coord@example.org" in page.content.decode()  # who granted it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workspace:representative_revoke", args=["org-own", grant.pk])
        )
    assert response.status_code == HTTPStatus.FOUND
    assert not OrganizationRepresentative.objects.filter(user=intruder).exists()
    assert not intruder.has_perm("ecosystem.edit_organization", world.orgs["own"])
    assert _recipients() == ["city@example.org", "intruder@example.org"]
    entry = AuditEntry.objects.get(action="representative.revoke")
    assert entry.subject_user_id == intruder.pk
    assert entry.organization_id == world.orgs["own"].pk


# -- role × object matrices ---------------------------------------------------------------


def _grant(world: World, target: str) -> OrganizationRepresentative:
    """A second representative of the target organisation, to be revoked."""
    colleague = make_user(f"colleague-{target}@example.org")
    return OrganizationRepresentative.objects.create(
        user=colleague, organization=world.orgs[target]
    )


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_revoke_matrix_through_the_api(world: World, role: str, target: str) -> None:
    grant = _grant(world, target)
    user = world.users[role]
    headers = (
        {"Authorization": f"Bearer {api_token_create(actor=user, name='t')[1]}"} if user else {}
    )
    response = Client().delete(
        f"/api/v1/manage/organizations/org-{target}/representatives/{grant.pk}", headers=headers
    )
    may = role in ("city_admin", "superuser") or (role == "representative" and target == "own")
    if may:
        assert response.status_code == HTTPStatus.NO_CONTENT
        assert not OrganizationRepresentative.objects.filter(pk=grant.pk).exists()
    else:
        assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
        assert OrganizationRepresentative.objects.filter(pk=grant.pk).exists()


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_representatives_page_and_list_matrix(world: World, role: str, target: str) -> None:
    """The organisation's representatives, coordinators of a cluster it stands behind being
    in, and the city office see who represents it; nobody else."""
    _grant(world, target)
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    page = client.get(reverse("workspace:organization_representatives", args=[f"org-{target}"]))
    listing = client.get(f"/api/v1/manage/organizations/org-{target}/representatives")
    may = role in ("city_admin", "superuser") or (
        role in ("representative", "coordinator") and target == "own"
    )
    if may:
        assert page.status_code == HTTPStatus.OK
        assert f"colleague-{target}@example.org" in page.content.decode()
        assert f"colleague-{target}@example.org" in [r["email"] for r in listing.json()]
    else:
        assert page.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        assert listing.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
        assert b"colleague-" not in page.content + listing.content


@pytest.mark.parametrize("role", ROLES)
def test_cancel_invitation_matrix(world: World, role: str) -> None:
    invitation, _ = services.invitation_create(
        actor=world.users["coordinator"], email="maybe@example.org", organization=world.orgs["own"]
    )
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    client.post(reverse("workspace:invitation_cancel", args=["org-own", invitation.pk]))
    # its inviter, the organisation's representatives, the city office
    may = role in ("coordinator", "representative", "city_admin", "superuser")
    assert Invitation.objects.filter(pk=invitation.pk).exists() is not may


def test_an_accepted_invitation_cannot_be_cancelled(world: World) -> None:
    invitation, token = services.invitation_create(
        actor=world.users["city_admin"], email="done@example.org", organization=world.orgs["own"]
    )
    services.invitation_accept(actor=make_user("done@example.org"), token=token)
    with pytest.raises(ApplicationError, match=services.INVITATION_USED):
        services.invitation_cancel(actor=world.users["city_admin"], invitation=invitation)


def test_invitation_addresses_are_validated_and_bounded(world: World) -> None:
    city = world.users["city_admin"]
    for bad in ("not an address", "a@" + "b" * 260 + ".pl"):
        with pytest.raises(ApplicationError):
            services.invitation_create(actor=city, email=bad, organization=world.orgs["own"])
    assert not Invitation.objects.exists()
    invitation, _ = services.invitation_create(
        actor=city, email="  Mixed.Case@Example.org ", organization=world.orgs["own"]
    )
    assert invitation.email == "mixed.case@example.org"
    assert re.fullmatch(r"[0-9a-f]{64}", invitation.token_hash)
