"""Invitations: a coordinator invites representatives of member organisations, the city
office invites coordinators; only the invited, verified e-mail can accept, once."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from highlands.accounts import services
from highlands.accounts.models import ClusterCoordinator, Invitation, OrganizationRepresentative
from highlands.errors import ApplicationError, PermissionDeniedError
from tests.accounts.fixtures import World, make_user

pytestmark = pytest.mark.django_db


def _token_from_mail() -> str:
    match = re.search(r"/invitations/([\w-]+)/", mail.outbox[-1].body)
    assert match is not None
    return match.group(1)


def test_coordinator_invites_a_representative_of_a_member(
    world: World, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    client.force_login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workspace:invite_representative", args=["org-own"]),
            {"email": "new.rep@example.org"},
        )
    assert response.status_code == HTTPStatus.FOUND
    assert mail.outbox[-1].to == ["new.rep@example.org"]
    token = _token_from_mail()
    assert not Invitation.objects.filter(token_hash=token).exists()  # only the hash is stored
    invitee = make_user("new.rep@example.org")
    invitee_client = Client()
    invitee_client.force_login(invitee)
    url = reverse("accounts:invitation_accept", args=[token])
    assert invitee_client.get(url).status_code == HTTPStatus.OK
    assert invitee_client.post(url).status_code == HTTPStatus.FOUND
    assert OrganizationRepresentative.objects.filter(
        user=invitee, organization=world.orgs["own"]
    ).exists()
    with pytest.raises(ApplicationError, match=services.INVITATION_USED):
        services.invitation_accept(actor=invitee, token=token)


@pytest.mark.parametrize(
    ("role", "target", "may"),
    [
        ("coordinator", "own", True),
        ("coordinator", "other", False),
        ("representative", "own", True),  # a colleague (announced, revocable)
        ("representative", "other", False),
        ("visitor", "own", False),
        ("city_admin", "other", True),
    ],
)
def test_who_may_invite_representatives(world: World, role: str, target: str, may: bool) -> None:
    kwargs = {
        "actor": world.users[role],
        "email": "x@example.org",
        "organization": world.orgs[target],
    }
    if may:
        services.invitation_create(**kwargs)
        assert Invitation.objects.count() == 1
    else:
        with pytest.raises(PermissionDeniedError, match=services.INVITE_REPRESENTATIVE_DENIED):
            services.invitation_create(**kwargs)
        assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "may"),
    [("coordinator", False), ("representative", False), ("city_admin", True), ("superuser", True)],
)
def test_only_the_city_invites_coordinators(world: World, role: str, may: bool) -> None:
    kwargs = {
        "actor": world.users[role],
        "email": "c@example.org",
        "cluster": world.clusters["own"],
    }
    if may:
        _, token = services.invitation_create(**kwargs)
        invitee = make_user("c@example.org")
        services.invitation_accept(actor=invitee, token=token)
        assert ClusterCoordinator.objects.filter(user=invitee).count() == 1
    else:
        with pytest.raises(PermissionDeniedError, match=services.INVITE_COORDINATOR_DENIED):
            services.invitation_create(**kwargs)


def test_invitation_needs_the_invited_verified_email_and_expires(world: World) -> None:
    _, token = services.invitation_create(
        actor=world.users["city_admin"], email="right@example.org", cluster=world.clusters["own"]
    )
    with pytest.raises(PermissionDeniedError, match=services.INVITATION_EMAIL_MISMATCH):
        services.invitation_accept(actor=world.users["visitor"], token=token)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ApplicationError, match=services.INVITATION_EXPIRED):
        services.invitation_accept(actor=make_user("right@example.org"), token=token)
    with pytest.raises(ApplicationError, match=services.INVITATION_INVALID):
        services.invitation_get(token="not-a-token")
    assert (
        not ClusterCoordinator.objects.filter(cluster=world.clusters["own"])
        .exclude(user=world.users["coordinator"])
        .exists()
    )


def test_an_invitation_names_exactly_one_target(world: World) -> None:
    with pytest.raises(ApplicationError, match=services.INVITATION_NEEDS_ONE_TARGET):
        services.invitation_create(actor=world.users["city_admin"], email="x@example.org")
