"""Issue 13: a signed-in person registers a new organisation or claims one; a coordinator of
its cluster or the city office verifies; then the person represents it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from highlands.accounts import selectors, services
from highlands.accounts.models import Invitation, OrganizationClaim, OrganizationRepresentative
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Membership, Organization, OrganizationAlias
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.marketplace.selectors import profiles_visible_to
from highlands.marketplace.services import profile_create
from tests.accounts.fixtures import World, make_user

pytestmark = pytest.mark.django_db

COMPANY = {
    "name": "Lubelskie Hartowanie Sp. z o.o.",
    "org_type": "company",
    "helix_role": "business",
    "nip": "526-025-02-74",
    "regon": "123456785",
    "website": "https://hartowanie.example.pl",
    "street_address": "ul. Metalowa 5",
    "postal_code": "20-001",
    "city": "Lublin",
    "voivodeship": "lubelskie",
}


def _register(world: World, owner: Any, **overrides: Any) -> OrganizationClaim:
    return services.organization_claim_register(
        actor=owner,
        cluster=world.clusters["own"],
        message="I am the owner.",
        **{**COMPANY, **overrides},
    )


def test_registration_is_unverified_until_the_named_clusters_coordinator_verifies(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user("owner@hartowanie.example.pl")
    with django_capture_on_commit_callbacks(execute=True):
        claim = _register(world, owner)
    organization = claim.organization
    assert not organization.is_verified
    assert (organization.nip, organization.regon, organization.postal_code) == (
        "5260250274",
        "123456785",
        "20-001",
    )
    assert organization.voivodeship == "lubelskie"
    assert not OrganizationRepresentative.objects.filter(user=owner).exists()
    # The named cluster's coordinator and the city office are told; the owner is not.
    told = {m.to[0] for m in mail.outbox}
    assert {"coord@example.org", "city@example.org"} <= told
    assert "owner@hartowanie.example.pl" not in told

    coordinator = world.users["coordinator"]
    assert [c.pk for c in selectors.claims_to_verify(user=coordinator)] == [claim.pk]
    other_coordinator = make_user("coord-b@example.org")
    world.clusters["other"].coordinator_users.create(user=other_coordinator)
    assert not selectors.claims_to_verify(user=other_coordinator).exists()
    with pytest.raises(PermissionDeniedError):
        services.organization_claim_approve(actor=other_coordinator, claim=claim)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_claim_approve(actor=coordinator, claim=claim)
    organization.refresh_from_db()
    claim.refresh_from_db()
    assert organization.is_verified
    assert claim.status == "approved"
    assert claim.decided_by == coordinator
    assert OrganizationRepresentative.objects.get(user=owner, organization=organization)
    # The membership the owner asked for is consented: both sides are recorded.
    membership = Membership.objects.consented().get(organization=organization)
    assert membership.cluster == world.clusters["own"]
    assert membership.request.requested_by == owner
    assert membership.request.decided_by == coordinator
    assert "owner@hartowanie.example.pl" in {m.to[0] for m in mail.outbox}
    actions = set(
        AuditEntry.objects.filter(organization_id=organization.pk).values_list("action", flat=True)
    )
    assert {
        "organization.register",
        "organization_claim.register",
        "organization.verify",
        "organization_claim.approved",
    } <= actions


def test_nobody_verifies_their_own_registration(world: World) -> None:
    coordinator = world.users["coordinator"]
    claim = _register(world, coordinator)
    with pytest.raises(PermissionDeniedError):
        services.organization_claim_approve(actor=coordinator, claim=claim)
    assert not selectors.claims_to_verify(user=coordinator).exists()


def test_a_claim_of_an_existing_organisation_is_not_verified_by_a_cluster_it_only_names(
    world: World,
) -> None:
    """Authority over an organisation in the registry never comes from a cluster's say-so: a
    claim of org-other is verified by B's coordinator or the city office, not by A's."""
    person = make_user("someone@example.org")
    claim = services.organization_claim_create(actor=person, organization=world.orgs["other"])
    with pytest.raises(PermissionDeniedError):
        services.organization_claim_approve(actor=world.users["coordinator"], claim=claim)
    services.organization_claim_approve(actor=world.users["city_admin"], claim=claim)
    assert OrganizationRepresentative.objects.filter(
        user=person, organization=world.orgs["other"]
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"nip": "5260250275"}, "The NIP must be 10 digits with a valid check digit."),
        ({"regon": "123456786"}, "The REGON must be 9 or 14 digits with a valid check digit."),
        ({"krs": "12345678901"}, "The KRS number must be up to 10 digits."),
        ({"postal_code": "20001"}, "The postal code must look like 20-001."),
        ({"voivodeship": "bavaria"}, "voivodeship"),
        ({"helix_role": "wizard"}, "helix role"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    world: World, overrides: dict[str, str], field_error: str
) -> None:
    owner = make_user("owner@example.org")
    before = Organization.objects.count()
    with pytest.raises(ApplicationError, match=field_error):
        _register(world, owner, **overrides)
    assert Organization.objects.count() == before
    assert not OrganizationClaim.objects.exists()


def test_duplicates_by_registry_number_and_by_name_in_either_language(world: World) -> None:
    owner = make_user("owner@example.org")
    _register(world, owner)
    second = make_user("second@example.org")
    with pytest.raises(ApplicationError, match="has this NIP"):
        _register(world, second, name="Inna Firma")
    Organization.objects.create(
        slug="lublin-university-of-technology",
        name="Lublin University of Technology",
        normalized_name="lublin university of technology",
    )
    # The Polish name is the same organisation (reconciliation's glossary).
    with pytest.raises(ApplicationError, match="already in the registry"):
        _register(
            world, second, name="Politechnika Lubelska", nip="", regon="", org_type="university"
        )
    # Only resembling: asked to confirm it is a different one, then accepted.
    OrganizationAlias.objects.create(
        organization=world.orgs["own"], name="Lubelski Klaster Metali", normalized="x"
    )
    with pytest.raises(ApplicationError, match="similar name"):
        _register(world, second, name="Wschodni Klaster Metali", nip="", regon="")
    claim = _register(
        world, second, name="Wschodni Klaster Metali", nip="", regon="", different_from_similar=True
    )
    assert claim.organization.name == "Wschodni Klaster Metali"


def test_a_second_pending_claim_and_too_many_claims_are_refused(world: World) -> None:
    person = make_user("eager@example.org")
    services.organization_claim_create(actor=person, organization=world.orgs["other"])
    with pytest.raises(ApplicationError, match="already asked"):
        services.organization_claim_create(actor=person, organization=world.orgs["other"])
    for n in range(services.PENDING_CLAIMS_MAX - 1):
        org = Organization.objects.create(slug=f"x{n}", name=f"X{n}", normalized_name=f"x{n}")
        services.organization_claim_create(actor=person, organization=org)
    with pytest.raises(ApplicationError, match="Too many"):
        services.organization_claim_create(actor=person, organization=world.newcomer)


def test_decline_with_reason_and_withdraw(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user("maybe@example.org")
    claim = services.organization_claim_create(
        actor=person, organization=world.orgs["own"], message="Intern"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_claim_decline(
            actor=world.users["coordinator"], claim=claim, reason="We do not know you."
        )
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == ("declined", "We do not know you.")
    assert "We do not know you." in mail.outbox[-1].body
    with pytest.raises(ApplicationError, match="already been decided"):
        services.organization_claim_approve(actor=world.users["coordinator"], claim=claim)
    again = services.organization_claim_create(actor=person, organization=world.orgs["own"])
    with pytest.raises(PermissionDeniedError):
        services.organization_claim_withdraw(actor=world.users["visitor"], claim=again)
    services.organization_claim_withdraw(actor=person, claim=again)
    again.refresh_from_db()
    assert again.status == "withdrawn"


def test_an_unverified_organisations_public_profiles_reach_only_signed_in_people(
    world: World,
) -> None:
    owner = make_user("owner@example.org")
    claim = _register(world, owner)
    services.organization_claim_approve(actor=world.users["city_admin"], claim=claim)
    organization = claim.organization
    organization.is_verified = False  # as if it were still waiting
    organization.save(update_fields=["is_verified"])
    profile = profile_create(
        actor=owner,
        organization=organization,
        kind="business_offer",
        title="Induction hardening of steel parts",
        description="Hardening of shafts and gears up to 2 m.",
        visibility="public",
        publish=True,
    )
    assert profile not in profiles_visible_to(None)
    assert profile in profiles_visible_to(world.users["visitor"])
    organization.is_verified = True
    organization.save(update_fields=["is_verified"])
    assert profile in profiles_visible_to(None)


def test_the_pages_register_verify_and_invite(world: World) -> None:
    """Through the workspace: search, register (helix role proposed, then confirmed), the
    coordinator's queue, and a coordinator inviting a member's representative."""
    owner = make_user("owner@example.org")
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("workspace:home"))
    assert reverse("workspace:onboarding") in page.content.decode()
    found = client.get(reverse("workspace:onboarding"), {"q": "Org ow"})
    assert reverse("workspace:organization_claim", args=["org-own"]) in found.content.decode()
    data = {**COMPANY, "helix_role": "", "cluster": "cluster-own", "message": "Owner"}
    proposed = client.post(reverse("workspace:organization_register"), data)
    assert proposed.status_code == 200
    assert not Organization.objects.filter(nip="5260250274").exists()
    assert 'value="business" selected' in proposed.content.decode()
    done = client.post(
        reverse("workspace:organization_register"), {**data, "helix_role": "business"}
    )
    assert done.status_code == 302
    claim = OrganizationClaim.objects.get(claimant=owner)
    # A wrong NIP stays on the page with what was typed.
    wrong = client.post(
        reverse("workspace:organization_register"),
        {**data, "name": "Another", "nip": "5260250275", "helix_role": "business"},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["nip"]  # beside the field, in the page's language
    assert 'value="5260250275"' in wrong.content.decode()

    coordinator_client = Client()
    coordinator_client.force_login(world.users["coordinator"])
    queue = coordinator_client.get(reverse("workspace:claims"))
    assert COMPANY["name"] in queue.content.decode()
    coordinator_client.post(reverse("workspace:claim_approve", args=[claim.pk]))
    assert OrganizationRepresentative.objects.filter(user=owner).exists()

    membership = world.memberships["own"]
    coordinator_client.post(
        reverse("workspace:cluster_member_invite", args=["cluster-own", membership.pk]),
        {"email": "newrep@example.org"},
    )
    assert Invitation.objects.filter(
        organization=world.orgs["own"],
        email="newrep@example.org",
        invited_by=world.users["coordinator"],
    ).exists()
    # A visitor cannot see the queue's claims nor decide them.
    visitor = Client()
    visitor.force_login(world.users["visitor"])
    assert COMPANY["name"] not in visitor.get(reverse("workspace:claims")).content.decode()
    assert visitor.post(reverse("workspace:claim_decline", args=[claim.pk])).status_code == 403


def test_a_registration_never_takes_an_onboarding_pages_slug(world: World) -> None:
    claim = _register(world, make_user("join@example.org"), name="Join", nip="", regon="")
    assert claim.organization.slug not in {"join", "register"}
