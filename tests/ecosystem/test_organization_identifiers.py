"""A representative keeps the address and registry numbers (NIP/REGON/KRS) of their
organisation after verification: check digits as at registration, duplicates refused, and a
changed number of a verified organisation flagged for the coordinators of its clusters."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from highlands.audit.models import AuditEntry
from highlands.ecosystem import services
from highlands.ecosystem.models import DataQualityIssue, Membership, Organization
from highlands.errors import ApplicationError
from tests.accounts.fixtures import World

pytestmark = pytest.mark.django_db
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def nip(prefix: str) -> str:
    """A valid NIP starting with ``prefix`` (the first one whose check digit is not 10)."""
    for extra in range(100):
        digits = f"{prefix}{extra:02d}"[:9]
        check = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=True)) % 11
        if check != 10:
            return digits + str(check)
    raise AssertionError(prefix)


def _flags(org: Organization) -> Any:
    return DataQualityIssue.objects.filter(organization=org, code=services.IDENTIFIER_CHANGED)


def test_a_representative_changes_a_number_and_the_coordinator_is_flagged(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    org, rep, coordinator = (
        world.orgs["own"],
        world.users["representative"],
        world.users["coordinator"],
    )
    old = nip("7121234")
    Organization.objects.filter(pk=org.pk).update(nip=old)
    new = nip("9461234")
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_update_profile(
            actor=rep, organization=org, nip=f"PL {new[:3]}-{new[3:6]}-{new[6:]}", regon=None
        )
    org.refresh_from_db()
    assert org.nip == new  # stored as digits
    entry = AuditEntry.objects.get(action="organization.update_profile")
    assert (entry.before, entry.after) == ({"nip": old}, {"nip": new})
    (flag,) = _flags(org)
    assert flag.cluster == world.clusters["own"]
    assert old in flag.message
    assert new in flag.message
    (message,) = [m for m in mail.outbox if org.name in m.subject]
    assert message.to == [coordinator.email]
    # The coordinator sees the flag of their cluster and resolves it.
    services.issue_resolve(actor=coordinator, issue=flag)
    assert _flags(org).get().resolved
    # The same change again changes nothing and flags nothing anew.
    services.organization_update_profile(actor=rep, organization=org, nip=new)
    assert _flags(org).get().resolved


def test_check_digits_duplicates_and_address_are_refused_naming_the_field(world: World) -> None:
    org, rep = world.orgs["own"], world.users["representative"]
    good = nip("7121234")
    wrong = good[:9] + str((int(good[9]) + 1) % 10)
    with pytest.raises(ApplicationError) as caught:
        services.organization_update_profile(actor=rep, organization=org, nip=wrong)
    assert caught.value.extra["field"] == "nip"
    with pytest.raises(ApplicationError) as caught:
        services.organization_update_profile(actor=rep, organization=org, regon="123456789")
    assert caught.value.extra["field"] == "regon"
    with pytest.raises(ApplicationError) as caught:
        services.organization_update_profile(actor=rep, organization=org, krs="12ab")
    assert caught.value.extra["field"] == "krs"
    Organization.objects.filter(pk=world.orgs["other"].pk).update(nip=good)
    with pytest.raises(ApplicationError) as caught:
        services.organization_update_profile(actor=rep, organization=org, nip=good)
    assert (caught.value.code, caught.value.extra["field"]) == ("duplicate", "nip")
    with pytest.raises(ApplicationError) as caught:
        services.organization_update_profile(actor=rep, organization=org, postal_code="20001")
    assert caught.value.extra["field"] == "postal_code"
    with pytest.raises(ApplicationError, match="voivodeship"):
        services.organization_update_profile(actor=rep, organization=org, voivodeship="bavaria")
    org.refresh_from_db()
    assert (org.nip, org.postal_code, org.voivodeship) == ("", "", "")
    services.organization_update_profile(
        actor=rep,
        organization=org,
        street_address="ul. Nadbystrzycka 38",
        postal_code="20-618",
        voivodeship="lubelskie",
    )
    org.refresh_from_db()
    assert (org.street_address, org.postal_code, org.voivodeship) == (
        "ul. Nadbystrzycka 38",
        "20-618",
        "lubelskie",
    )
    assert not _flags(org).exists()  # an address is no registry number


def test_no_flag_for_the_city_office_nor_before_verification(world: World) -> None:
    org = world.orgs["own"]
    services.organization_update_profile(
        actor=world.users["city_admin"], organization=org, nip=nip("7121234")
    )
    assert not _flags(org).exists()  # the verifier changed it
    Organization.objects.filter(pk=org.pk).update(is_verified=False)
    org.refresh_from_db()
    services.organization_update_profile(
        actor=world.users["representative"], organization=org, nip=nip("9461234")
    )
    assert not _flags(org).exists()  # its verifier will see the number anyway


def test_an_organisation_in_no_cluster_flags_it_for_the_city_office(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    org = world.orgs["own"]
    Membership.objects.filter(organization=org).delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_update_profile(
            actor=world.users["representative"], organization=org, krs="0000012345"
        )
    (flag,) = _flags(org)
    assert flag.cluster is None
    assert [m.to for m in mail.outbox if org.name in m.subject] == [["city@example.org"]]


def test_the_workspace_form_keeps_an_error_beside_the_field_and_saves(world: World) -> None:
    org = world.orgs["own"]
    client = Client()
    client.force_login(world.users["representative"])
    url = f"/workspace/organizations/{org.slug}/"
    page = client.get(url).content.decode()
    for name in ("street_address", "postal_code", "voivodeship", "nip", "regon", "krs"):
        assert f'name="{name}"' in page
    good = nip("7121234")
    body = {"city": "Lublin", "nip": good[:9] + str((int(good[9]) + 1) % 10), "krs": ""}
    response = client.post(url, body)
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert response.context["form"].errors["nip"]
    response = client.post("/pl" + url, {**body, "nip": good})
    assert response.status_code == HTTPStatus.FOUND
    org.refresh_from_db()
    assert org.nip == good
    assert _flags(org).count() == 1
    # The coordinator's data-quality tab shows it, with its translated title in Polish.
    coordinator = Client()
    coordinator.force_login(world.users["coordinator"])
    tab = coordinator.get(f"/pl/workspace/clusters/{world.clusters['own'].slug}/issues/")
    assert "zmienił numery rejestrowe" in tab.content.decode()


def test_the_api_takes_the_numbers_too(client: Client, world: World) -> None:
    org = world.orgs["own"]
    good = nip("7121234")
    response = client.patch(
        f"/api/v1/manage/organizations/{org.slug}",
        data={"nip": good, "postal_code": "20-618"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.tokens['representative']}"},
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert (response.json()["nip"], response.json()["postal_code"]) == (good, "20-618")
    assert _flags(org).count() == 1
    refused = client.patch(
        f"/api/v1/manage/organizations/{org.slug}",
        data={"regon": "123"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.tokens['representative']}"},
    )
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "REGON" in refused.json()["message"]


def test_the_refusal_beside_the_field_speaks_polish(world: World) -> None:
    client = Client()
    client.force_login(world.users["representative"])
    response = client.post(
        f"/pl/workspace/organizations/{world.orgs['own'].slug}/", {"nip": "1234567890"}
    )
    assert response.context["form"].errors["nip"] == [
        "NIP musi mieć 10 cyfr z poprawną cyfrą kontrolną."
    ]
