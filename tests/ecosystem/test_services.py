"""The registry's own services: profile edits, organisations, figures, flags, the synthetic
ecosystem — permissions, audit, bounded text, and what they queue for the search index."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from highlands.audit.models import AuditEntry
from highlands.ecosystem import services
from highlands.ecosystem.models import (
    Cluster,
    ClusterAttribute,
    Membership,
    Organization,
)
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.search.models import IndexOutbox
from highlands.servicekit import SYSTEM, FieldTooLongError
from tests.accounts.fixtures import World

pytestmark = pytest.mark.django_db


def _audit_count() -> int:
    return AuditEntry.objects.count()


# -- cluster profiles -------------------------------------------------------------------


def test_profile_sections_are_replaced_whole_and_others_left_alone(world: World) -> None:
    cluster = world.clusters["own"]
    ClusterAttribute.objects.create(
        cluster=cluster, kind="service", position=1, text="Welding", language="en"
    )
    services.cluster_update_profile(
        actor=world.users["coordinator"],
        cluster=cluster,
        name="Cluster own renamed",
        year_established=2011,
        attributes={
            ("goal", "en"): ["Grow exports", "  ", "<i>Train</i> people"],
            ("flagship_project", "pl"): [("Most", "Projekt mostu")],
        },
    )
    cluster.refresh_from_db()
    assert (cluster.name, cluster.display_name, cluster.year_established) == (
        "Cluster own renamed",
        "Cluster own renamed",
        2011,
    )
    assert list(
        cluster.attributes.filter(kind="goal").order_by("position").values_list("text", flat=True)
    ) == ["Grow exports", "Train people"]
    assert cluster.attributes.get(kind="flagship_project").title == "Most"
    assert cluster.attributes.get(kind="service").text == "Welding"  # not named: untouched
    entry = AuditEntry.objects.get(action="cluster.update_profile")
    assert entry.before["goal/en"] == []
    assert entry.after["goal/en"] == [
        "Grow exports",
        "Train people",
    ]


def test_an_unchanged_profile_writes_nothing(world: World) -> None:
    cluster = world.clusters["own"]
    services.cluster_update_profile(
        actor=world.users["coordinator"], cluster=cluster, attributes={("goal", "en"): ["A"]}
    )
    before = _audit_count()
    services.cluster_update_profile(
        actor=world.users["coordinator"],
        cluster=cluster,
        name=cluster.name,
        attributes={("goal", "en"): ["A"]},
    )
    assert _audit_count() == before


def test_every_profile_of_the_source_document_fits_the_limits(seeded: Any) -> None:
    """The limits are for hostile input, never for real profiles: saving each imported
    profile unchanged passes every check and writes nothing."""
    longest = max(len(a.text) for a in ClusterAttribute.objects.all())
    assert longest <= services.ITEM_TEXT_MAX
    before = _audit_count()
    for cluster in Cluster.objects.all():
        sections: dict[tuple[str, str], list[Any]] = {}
        for attribute in cluster.attributes.filter(
            kind__in=services.EDITABLE_ATTRIBUTE_KINDS
        ).order_by("position"):
            sections.setdefault((attribute.kind, attribute.language), []).append(
                (attribute.title, attribute.text)
            )
        assert all(len(items) <= services.ITEMS_MAX for items in sections.values())
        services.cluster_update_profile(actor=SYSTEM, cluster=cluster, attributes=sections)
    assert _audit_count() == before


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            {("goal", "en"): ["ok", "x" * 4001]},
            "goal (en) item 2 is too long (4001 characters; at most 4000)",
        ),
        (
            {("flagship_project", "en"): [("t" * 256, "text")]},
            "title of flagship_project (en) item 1 is too long (256 characters; at most 255)",
        ),
        (
            {("goal", "en"): ["g"] * 61},
            "profile section goal (en) has too many items (61; at most 60)",
        ),
        ({("mission", "en"): ["x"]}, "'mission' is not a valid profile section"),
        ({("goal", "de"): ["x"]}, "'de' is not a valid language"),
    ],
)
def test_bad_profile_input_is_refused_and_writes_nothing(
    world: World, attributes: Any, message: str
) -> None:
    before = (_audit_count(), ClusterAttribute.objects.count())
    with pytest.raises(ApplicationError, match=re.escape(message)):
        services.cluster_update_profile(
            actor=world.users["coordinator"],
            cluster=world.clusters["own"],
            name="Changed",
            attributes=attributes,
        )
    assert (_audit_count(), ClusterAttribute.objects.count()) == before
    assert Cluster.objects.get(pk=world.clusters["own"].pk).name == "Cluster own"


def test_a_cluster_name_cannot_be_emptied_or_an_impossible_year_set(world: World) -> None:
    coordinator, cluster = world.users["coordinator"], world.clusters["own"]
    with pytest.raises(ApplicationError, match="The name cannot be empty"):
        services.cluster_update_profile(actor=coordinator, cluster=cluster, name="<b></b> ")
    with pytest.raises(ApplicationError, match=services.INVALID_YEAR):
        services.cluster_update_profile(actor=coordinator, cluster=cluster, year_established=1700)


# -- organisations --------------------------------------------------------------------------


def test_the_city_office_adds_an_organisation_with_an_audit_entry(world: World) -> None:
    organization = services.organization_create(
        actor=world.users["city_admin"],
        name="Zakład Galwanizacji Kraśnik sp. z o.o.",
        helix_role="business",
        org_type="company",
        city="Kraśnik",
        website="https://galwanizacja.example",
        description="Cynkowanie ogniowe.",
    )
    assert organization.slug == "zaklad-galwanizacji-krasnik-sp-z-oo"
    assert organization.helix_role_basis == "set by the city administrator"
    entry = AuditEntry.objects.get(action="organization.create")
    assert entry.actor == world.users["city_admin"]
    assert entry.after["name"] == "Zakład Galwanizacji Kraśnik sp. z o.o."
    assert IndexOutbox.objects.filter(kind="organization", object_id=organization.pk).exists()
    with pytest.raises(ApplicationError, match="already exists"):
        services.organization_create(
            actor=world.users["city_admin"], name="ZAKŁAD GALWANIZACJI KRAŚNIK Sp. z o.o."
        )


@pytest.mark.parametrize("role", ["anonymous", "visitor", "representative", "coordinator"])
def test_only_the_city_office_creates_and_deletes_organisations(world: World, role: str) -> None:
    actor = world.users[role]
    with pytest.raises(PermissionDeniedError, match=services.CREATE_DENIED):
        services.organization_create(actor=actor, name="Sneaky Ltd")
    with pytest.raises(PermissionDeniedError, match=services.DELETE_DENIED):
        services.organization_delete(actor=actor, organization=world.orgs["own"])
    assert Organization.objects.count() == 3


def test_renaming_is_the_city_offices_and_reindexes_the_clusters_that_list_it(
    world: World,
) -> None:
    own = world.orgs["own"]
    with pytest.raises(PermissionDeniedError, match=services.RENAME_DENIED):
        services.organization_update_profile(
            actor=world.users["representative"], organization=own, name="Renamed"
        )
    with pytest.raises(ApplicationError, match="already exists"):
        services.organization_update_profile(
            actor=world.users["city_admin"], organization=own, name="Org other"
        )
    IndexOutbox.objects.all().delete()
    services.organization_update_profile(
        actor=world.users["city_admin"], organization=own, name="Org own renamed"
    )
    own.refresh_from_db()
    assert (own.name, own.normalized_name) == ("Org own renamed", "org own renamed")
    queued = set(IndexOutbox.objects.values_list("kind", "object_id"))
    assert {("organization", own.pk), ("cluster", world.clusters["own"].pk)} <= queued


def test_deleting_an_organisation_keeps_its_record_in_the_audit_log(world: World) -> None:
    other = world.orgs["other"]
    pk = other.pk
    services.organization_delete(actor=world.users["city_admin"], organization=other)
    assert not Organization.objects.filter(pk=pk).exists()
    assert not Membership.objects.filter(organization_id=pk).exists()
    entry = AuditEntry.objects.get(action="organization.delete")
    assert entry.before["name"] == "Org other"
    assert entry.organization_id == pk


def test_a_website_must_be_http_and_fit_its_column(world: World) -> None:
    rep, own = world.users["representative"], world.orgs["own"]
    with pytest.raises(ApplicationError, match=re.escape(services.INVALID_WEBSITE)):
        services.organization_update_profile(
            actor=rep, organization=own, website="javascript:alert(1)"
        )
    with pytest.raises(FieldTooLongError, match="at most 200"):
        services.organization_update_profile(
            actor=rep, organization=own, website="https://example.org/" + "a" * 200
        )


# -- figures and flags ------------------------------------------------------------------


def test_figures_are_new_observations_within_bounds(world: World) -> None:
    coordinator, cluster = world.users["coordinator"], world.clusters["own"]
    services.figure_observe(
        actor=coordinator, cluster=cluster, kind="members", value=12, as_of=date(2026, 3, 1)
    )
    assert cluster.figures.count() == 2
    for kind, value in (("members", -1), ("members", 1_000_001), ("staff", 3)):
        with pytest.raises(ApplicationError):
            services.figure_observe(
                actor=coordinator, cluster=cluster, kind=kind, value=value, as_of=date(2026, 3, 1)
            )
    assert cluster.figures.count() == 2


def test_a_flag_is_resolved_once(world: World) -> None:
    issue = world.issues["own"]
    services.issue_resolve(actor=world.users["coordinator"], issue=issue)
    with pytest.raises(ApplicationError, match=services.ISSUE_ALREADY_RESOLVED):
        services.issue_resolve(actor=world.users["coordinator"], issue=issue)
    entry = AuditEntry.objects.get(action="issue.resolve")
    assert (entry.before, entry.after) == ({"resolved": False}, {"resolved": True})


# -- the synthetic ecosystem ------------------------------------------------------------------


def test_the_synthetic_ecosystem_is_deterministic_audited_and_removable(db: Any) -> None:
    made = services.synthetic_ecosystem_generate(actor=SYSTEM, organizations=40, clusters=3, seed=7)
    assert made == 40
    first = list(Organization.objects.filter(is_synthetic=True).values_list("name", "city"))
    memberships = Membership.objects.filter(organization__is_synthetic=True)
    assert memberships.count() == 40
    assert not memberships.filter(cluster__is_synthetic=False).exists()
    entry = AuditEntry.objects.get(action="synthetic.generate")
    assert entry.after == {"organizations": 40, "clusters": 3, "memberships": 40, "seed": 7}
    services.synthetic_ecosystem_delete(actor=SYSTEM)
    assert not Organization.objects.filter(is_synthetic=True).exists()
    assert not Cluster.objects.filter(is_synthetic=True).exists()
    services.synthetic_ecosystem_generate(actor=SYSTEM, organizations=40, clusters=3, seed=7)
    again = list(Organization.objects.filter(is_synthetic=True).values_list("name", "city"))
    assert sorted(again) == sorted(first)


def test_people_cannot_generate_synthetic_data(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        services.synthetic_ecosystem_generate(
            actor=world.users["coordinator"], organizations=1, clusters=1, seed=1
        )
    assert not Organization.objects.filter(is_synthetic=True).exists()
