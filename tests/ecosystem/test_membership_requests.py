"""Issue 12 finding 1: a coordinator cannot take over an organisation.

Listing an existing organisation in a cluster is a request the organisation answers (its
representatives, or the city office while it has none); until then it is not a member and
grants nothing — no marketplace visibility, no authority to invite representatives.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from highlands.accounts.models import Invitation, OrganizationRepresentative
from highlands.accounts.services import api_token_create
from highlands.audit.models import AuditEntry
from highlands.ecosystem import services
from highlands.ecosystem.models import Membership, MembershipRequest, Organization
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.marketplace.models import CooperationProfile
from highlands.marketplace.selectors import profiles_visible_to
from highlands.marketplace.services import profile_create
from tests.accounts.fixtures import ROLES, World, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1/manage"


def _bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token_create(actor=user, name='t')[1]}"}


def _cluster_only_profile(world: World, rep: Any) -> CooperationProfile:
    return profile_create(
        actor=rep,
        organization=world.orgs["other"],
        kind="subcontracting",
        title="Confidential tender for cluster members",
        description="Only members of our clusters may see this request.",
        visibility="clusters",
        publish=True,
    )


def test_the_takeover_chain_of_the_probe_is_closed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The probe's attack: the coordinator of cluster A lists organisation X in A, invites
    themselves as X's representative and accepts.  Every step must now fail."""
    coordinator = world.users["coordinator"]
    assert coordinator is not None
    victim = world.orgs["other"]  # a member of cluster B, not of A
    victim_rep = make_user("boss@other.example")
    OrganizationRepresentative.objects.create(user=victim_rep, organization=victim)
    secret = _cluster_only_profile(world, victim_rep)
    headers = _bearer(coordinator)
    client = Client()

    # 1. Listing the organisation in cluster A.  The old endpoint no longer lists anything...
    response = client.post(
        f"{API}/clusters/cluster-own/members",
        data={"organization": victim.slug},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code >= HTTPStatus.BAD_REQUEST
    # ... and the new one only asks.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/clusters/cluster-own/membership-requests",
            data={"organization": victim.slug},
            content_type="application/json",
            headers=headers,
        )
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["status"] == "pending"
    assert response.json()["membership_id"] is None
    assert not Membership.objects.filter(cluster=world.clusters["own"], organization=victim)
    assert [m.to for m in mail.outbox] == [["boss@other.example"]]  # the organisation is asked

    # 2. The listing shows nothing: the victim's cluster-only profile stays hidden from A.
    for member in (coordinator, world.users["representative"]):
        assert secret not in profiles_visible_to(member)
        page = Client()
        page.force_login(member)
        url = reverse("marketplace:profile", args=[secret.pk])
        assert page.get(url).status_code == HTTPStatus.NOT_FOUND

    # 3. No authority over the organisation: no invitation, for themselves or anyone.
    browser = Client()
    browser.force_login(coordinator)
    for email in ("coord@example.org", "accomplice@example.org"):
        response = browser.post(
            reverse("workspace:invite_representative", args=[victim.slug]), {"email": email}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Invitation.objects.filter(organization=victim).exists()

    # 4. No way to accept the request on the organisation's behalf, nor to edit it.
    pending = MembershipRequest.objects.get(organization=victim)
    response = client.post(f"{API}/membership-requests/{pending.pk}/accept", headers=headers)
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = client.patch(
        f"{API}/organizations/{victim.slug}",
        data={"description": "Hijacked"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not OrganizationRepresentative.objects.filter(user=coordinator).exists()
    victim.refresh_from_db()
    assert victim.description == ""


def test_accepting_makes_the_organisation_a_member_with_what_that_grants(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    coordinator, member_rep = world.users["coordinator"], world.users["representative"]
    victim = world.orgs["other"]
    victim_rep = make_user("boss@other.example")
    OrganizationRepresentative.objects.create(user=victim_rep, organization=victim)
    secret = _cluster_only_profile(world, victim_rep)
    request = services.membership_request_create(
        actor=coordinator, cluster=world.clusters["own"], organization=victim, message="Join us"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = services.membership_request_accept(actor=victim_rep, request=request)
    assert accepted.status == "accepted"
    assert accepted.membership is not None
    assert accepted.membership.cluster == world.clusters["own"]
    assert Membership.objects.consented().filter(pk=accepted.membership.pk).exists()
    assert secret in profiles_visible_to(member_rep)
    assert coordinator.has_perm("accounts.invite_representative", victim)
    assert [m.to for m in mail.outbox] == [["coord@example.org"]]  # the cluster is told
    with pytest.raises(ApplicationError, match="already accepted"):
        services.membership_request_decline(actor=victim_rep, request=request)


def test_declining_lists_nothing_and_tells_the_cluster(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    rep = world.users["representative"]
    asked = services.membership_request_create(
        actor=world.users["city_admin"],
        cluster=world.clusters["other"],
        organization=world.orgs["own"],
    )
    assert asked.status == "pending"  # the organisation has a representative: it decides
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        declined = services.membership_request_decline(
            actor=rep, request=asked, reason="<b>Not</b> our field"
        )
    assert declined.status == "declined"
    assert declined.reason == "Not our field"
    assert not Membership.objects.filter(
        cluster=world.clusters["other"], organization=world.orgs["own"]
    )
    assert [m.to for m in mail.outbox] == [["city@example.org"]]
    assert "Not our field" in mail.outbox[0].body


def test_the_city_office_answers_for_an_organisation_nobody_represents(world: World) -> None:
    coordinator = world.users["coordinator"]
    request = services.membership_request_create(
        actor=coordinator, cluster=world.clusters["own"], organization=world.newcomer
    )
    with pytest.raises(PermissionDeniedError, match=re.escape(services.ANSWER_DENIED)):
        services.membership_request_accept(actor=coordinator, request=request)
    services.membership_request_accept(actor=world.users["city_admin"], request=request)
    assert Membership.objects.filter(cluster=world.clusters["own"], organization=world.newcomer)


def test_the_city_office_listing_an_unrepresented_organisation_is_accepted_at_once(
    world: World,
) -> None:
    baseline = AuditEntry.objects.count()
    request = services.membership_request_create(
        actor=world.users["city_admin"],
        cluster=world.clusters["own"],
        organization=world.newcomer,
        role="founder",
        listed_as="business",
    )
    assert request.status == "accepted"
    membership = Membership.objects.get(pk=request.membership_id)
    assert (membership.role, membership.listed_as) == ("founder", "business")
    actions = list(
        AuditEntry.objects.filter(pk__gt=0).order_by("id").values_list("action", flat=True)
    )[baseline:]
    assert actions == ["membership_request.create", "membership_request.accept"]


def test_duplicates_and_bad_input_are_refused_and_write_nothing(world: World) -> None:
    coordinator = world.users["coordinator"]
    cluster = world.clusters["own"]
    with pytest.raises(ApplicationError, match=services.MEMBERSHIP_EXISTS):
        services.membership_request_create(
            actor=coordinator, cluster=cluster, organization=world.orgs["own"]
        )
    services.membership_request_create(
        actor=coordinator, cluster=cluster, organization=world.newcomer
    )
    with pytest.raises(ApplicationError, match=services.REQUEST_PENDING):
        services.membership_request_create(
            actor=coordinator, cluster=cluster, organization=world.newcomer
        )
    count = MembershipRequest.objects.count()
    with pytest.raises(ApplicationError, match="not a valid membership role"):
        services.membership_request_create(
            actor=coordinator, cluster=cluster, organization=world.orgs["other"], role="owner"
        )
    with pytest.raises(
        ApplicationError, match=r"message is too long \(1001 characters; at most 1000\)"
    ):
        services.membership_request_create(
            actor=coordinator, cluster=cluster, organization=world.orgs["other"], message="x" * 1001
        )
    assert MembershipRequest.objects.count() == count


def test_a_withdrawn_request_can_no_longer_be_accepted(world: World) -> None:
    request = services.membership_request_create(
        actor=world.users["coordinator"], cluster=world.clusters["own"], organization=world.newcomer
    )
    services.membership_request_withdraw(actor=world.users["coordinator"], request=request)
    with pytest.raises(ApplicationError, match="already withdrawn"):
        services.membership_request_accept(actor=world.users["city_admin"], request=request)
    assert not Membership.objects.filter(organization=world.newcomer).exists()


def test_a_representative_takes_the_organisation_out_of_a_cluster(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_leave(
            actor=world.users["representative"], membership=world.memberships["own"]
        )
    assert not Membership.objects.filter(pk=world.memberships["own"].pk).exists()
    assert [m.to for m in mail.outbox] == [["coord@example.org"]]
    assert not world.users["coordinator"].has_perm(
        "accounts.invite_representative", world.orgs["own"]
    )


# -- role × object matrices -------------------------------------------------------------


def _requests(world: World) -> dict[str, MembershipRequest]:
    """'represented': cluster B asks org A, which has a representative; 'unrepresented':
    cluster A asks the newcomer, whom nobody represents."""
    city = world.users["city_admin"]
    represented = services.membership_request_create(
        actor=city, cluster=world.clusters["other"], organization=world.orgs["own"]
    )
    unrepresented = services.membership_request_create(
        actor=world.users["coordinator"], cluster=world.clusters["own"], organization=world.newcomer
    )
    return {"represented": represented, "unrepresented": unrepresented}


ANSWERERS = {
    # its representative (never the city office over them), or the city office while nobody
    # represents it; never the coordinator who asked
    "represented": {"representative", "superuser"},
    "unrepresented": {"city_admin", "superuser"},
}


@pytest.mark.parametrize("answer", ["accept", "decline"])
@pytest.mark.parametrize("target", ["represented", "unrepresented"])
@pytest.mark.parametrize("role", ROLES)
def test_answer_matrix_through_the_api(world: World, role: str, target: str, answer: str) -> None:
    request = _requests(world)[target]
    user = world.users[role]
    headers = _bearer(user) if user is not None else {}
    response = Client().post(
        f"{API}/membership-requests/{request.pk}/{answer}",
        data={} if answer == "accept" else {"reason": "Not now"},
        content_type="application/json",
        headers=headers,
    )
    request.refresh_from_db()
    if role in ANSWERERS[target]:
        assert response.status_code == HTTPStatus.OK, response.content
        assert request.status == ("accepted" if answer == "accept" else "declined")
    else:
        expected = HTTPStatus.UNAUTHORIZED if role == "anonymous" else HTTPStatus.FORBIDDEN
        assert response.status_code == expected
        assert request.status == "pending"
    assert Membership.objects.filter(request__isnull=False).count() == (
        1 if role in ANSWERERS[target] and answer == "accept" else 0
    )


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_withdraw_matrix(world: World, role: str, target: str) -> None:
    city = world.users["city_admin"]
    request = services.membership_request_create(
        actor=world.users["coordinator"] if target == "own" else city,
        cluster=world.clusters[target],
        organization=world.orgs["other" if target == "own" else "own"],
    )
    assert request.status == "pending"
    user = world.users[role]
    may = role in ("city_admin", "superuser") or (role == "coordinator" and target == "own")
    if may:
        services.membership_request_withdraw(actor=user, request=request)
        assert MembershipRequest.objects.get(pk=request.pk).status == "withdrawn"
    else:
        with pytest.raises(PermissionDeniedError, match=services.MEMBERS_DENIED):
            services.membership_request_withdraw(actor=user, request=request)
        assert MembershipRequest.objects.get(pk=request.pk).status == "pending"


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_leave_matrix(world: World, role: str, target: str) -> None:
    membership = world.memberships[target]
    may = role == "superuser" or (role == "representative" and target == "own")
    headers = _bearer(world.users[role]) if world.users[role] is not None else {}
    response = Client().delete(
        f"{API}/organizations/{world.orgs[target].slug}/memberships/{membership.pk}",
        headers=headers,
    )
    if may:
        assert response.status_code == HTTPStatus.NO_CONTENT
        assert not Membership.objects.filter(pk=membership.pk).exists()
    else:
        assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
        assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_each_person_sees_only_the_requests_they_answer(world: World, role: str) -> None:
    from highlands.ecosystem.selectors import membership_requests_to_answer

    requests = _requests(world)
    visible = set(membership_requests_to_answer(user=world.users[role] or _anonymous()))
    expected = {requests[t] for t, answerers in ANSWERERS.items() if role in answerers}
    assert visible == expected


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# -- workspace pages ----------------------------------------------------------------------


def test_workspace_request_accept_and_withdraw_pages(world: World) -> None:
    coordinator = Client()
    coordinator.force_login(world.users["coordinator"])
    url = reverse("workspace:cluster_members", args=["cluster-own"])
    response = coordinator.post(url, {"organization": "org-other", "role": "member"}, follow=True)
    assert "joins once it accepts" in response.content.decode()
    assert "waiting for the organization" in response.content.decode()
    request = MembershipRequest.objects.get(organization__slug="org-other")

    representative = make_user("boss@other.example")
    OrganizationRepresentative.objects.create(user=representative, organization=world.orgs["other"])
    answering = Client()
    answering.force_login(representative)
    home = answering.get(reverse("workspace:home")).content.decode()
    assert "1 membership request waits for your answer" in home
    page = answering.get(reverse("workspace:membership_requests")).content.decode()
    assert "Cluster own asks Org other to join" in page
    response = answering.post(reverse("workspace:membership_request_accept", args=[request.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert Membership.objects.filter(cluster__slug="cluster-own", organization__slug="org-other")

    # a new request, withdrawn by the coordinator
    coordinator.post(url, {"organization": "org-newcomer", "role": "member"})
    second = MembershipRequest.objects.get(organization__slug="org-newcomer")
    coordinator.post(
        reverse("workspace:membership_request_withdraw", args=["cluster-own", second.pk])
    )
    assert MembershipRequest.objects.get(pk=second.pk).status == "withdrawn"


def test_a_mistyped_organisation_keeps_the_form(world: World) -> None:
    client = Client()
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("workspace:cluster_members", args=["cluster-own"]),
        {"organization": "no-such-org", "role": "member", "message": "Hello"},
    )
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "No organization in the registry matches “no-such-org”" in body
    assert "Hello" in body  # what was typed stays


def test_a_stranger_cannot_answer_or_withdraw_through_the_pages(world: World) -> None:
    request = _requests(world)["represented"]
    client = Client()
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("workspace:membership_request_accept", args=[request.pk]))
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = client.post(
        reverse("workspace:membership_request_withdraw", args=["cluster-own", request.pk])
    )
    assert response.status_code == HTTPStatus.NOT_FOUND  # another cluster's request
    assert MembershipRequest.objects.get(pk=request.pk).status == "pending"
    assert Organization.objects.count() == 3
