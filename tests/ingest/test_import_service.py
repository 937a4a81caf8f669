"""The profile import service against the database: every field, idempotency, dry run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command

from highlands.ecosystem import exports
from highlands.ecosystem.models import (
    Cluster,
    FigureObservation,
    Membership,
    Organization,
    OrganizationAlias,
)
from highlands.ingest.profile_import import profile_document_import
from highlands.ingest.sources import read_source

from .expected_seed import EXPECTED_CLUSTERS, EXPECTED_HIGHLANDS

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every registry table, without volatile timestamps."""
    state = {}
    for model in apps.get_app_config("ecosystem").get_models():
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "imported_at"]
        state[model.__name__] = sorted(model.objects.order_by("pk").values_list(*fields), key=repr)
    return state


def test_export_pins_every_cluster(seeded):
    rows = {r["slug"]: r for r in exports.export_rows("clusters")}
    top_level = [r for r in rows.values() if r["parent"] is None]
    assert len(top_level) == 18
    assert len(rows) == 20  # plus the two LubTechBridge sub-clusters
    for expected in EXPECTED_CLUSTERS:
        row = rows[expected["slug"]]
        assert row["name"] == expected["name"]
        assert row["coordinator"] == expected["coordinator"]
        assert row["year_established"] == expected["year_established"]
        assert row["counts"] == expected["counts"]
        assert row["sub_clusters"] == expected.get("sub_clusters", [])
        assert row["contact"] == expected["contact"]
        assert row["source"]["lines"] == list(expected["lines"])
        assert sorted(i["code"] for i in row["issues"]) == sorted(expected["flags"])
        if expected["name"] is None:
            assert row["display_name"] == (
                "Unnamed cluster (coordinator: Netrix Group sp. z o.o., est. 2011)"
            )
        else:
            assert row["display_name"] == expected["name"]
    assert rows["lubtechbridge-goz"]["parent"] == "lubtechbridge"
    assert rows["lublin-medicine-medical-and-wellness-cluster"]["highlands"] == [
        "Lublin Medical Highland"
    ]


def test_export_pins_highlands(seeded):
    rows = exports.export_rows("highlands")
    assert [r["name"] for r in rows] == [h["name"] for h in EXPECTED_HIGHLANDS]
    for row, expected in zip(rows, EXPECTED_HIGHLANDS, strict=True):
        assert row["slug"] == expected["slug"]
        assert row["clusters"] == expected["clusters"]
        assert sorted(row["cooperates_with"]) == sorted(expected["cooperates_with"])
        assert sorted(i["code"] for i in row["issues"]) == sorted(expected["flags"])


def test_stated_and_listed_counts_are_both_kept(seeded):
    cluster = Cluster.objects.get(slug="industrial-upland-cluster")
    stated = {f.kind: f.value for f in cluster.figures.all()}
    assert stated["enterprises"] == 22
    listed = Membership.objects.filter(cluster=cluster, role="member", listed_as="business")
    assert listed.count() == 17


def test_reimport_yields_the_same_database(seed_path):
    first = profile_document_import(source=read_source(seed_path))
    before = snapshot()
    second = profile_document_import(source=read_source(seed_path))
    assert snapshot() == before
    assert (second.created, second.updated, second.deleted) == (0, 0, 0)
    assert second.unchanged > 0
    assert first.issues == second.issues == 20


def test_dry_run_writes_nothing_and_reports_the_same(seed_path):
    dry = profile_document_import(source=read_source(seed_path), dry_run=True)
    assert Cluster.objects.count() == 0
    assert Organization.objects.count() == 0
    real = profile_document_import(source=read_source(seed_path))
    assert (dry.clusters, dry.created, dry.organizations, dry.issues) == (
        real.clusters,
        real.created,
        real.organizations,
        real.issues,
    )


def test_as_of_date_is_kept_with_its_basis(seed_path):
    profile_document_import(source=read_source(seed_path), as_of=dt.date(2024, 6, 30))
    figure = FigureObservation.objects.get(
        cluster__slug="eastern-metal-processing-cluster", kind="members"
    )
    assert (figure.value, figure.as_of, figure.as_of_basis) == (99, dt.date(2024, 6, 30), "given")


def test_without_as_of_the_import_date_is_used_and_said(seeded):
    figure = FigureObservation.objects.get(cluster__slug="esta-cluster", kind="members")
    assert figure.as_of_basis == "imported"


def test_organisations_are_merged_by_normalized_name(seeded):
    # "Netrix Group sp. z o.o." is coordinator and founder; "sp.z o.o." spelling elsewhere.
    netrix = Organization.objects.get(normalized_name="netrix group")
    roles = sorted(netrix.memberships.values_list("role", flat=True))
    assert roles == ["coordinator", "founder"]
    assert netrix.helix_role == "bei"
    pzl = Organization.objects.get(normalized_name="pzl swidnik")
    assert pzl.helix_role == "business"
    assert OrganizationAlias.objects.filter(name="WKTiR").exists()


def test_organisation_export_has_roles_and_memberships(seeded):
    rows = {r["name"]: r for r in exports.export_rows("organizations")}
    politechnika = rows["Politechnika Lubelska"]
    assert politechnika["helix_role"] == "academia"
    assert politechnika["clusters"] == [{"cluster": "industrial-upland-cluster", "role": "member"}]


def test_import_command_reports_counts(seed_path, capsys):
    call_command("import", str(seed_path))
    out = capsys.readouterr().out
    assert out.startswith(
        "Imported lublin-economic-highlands.txt: 18 clusters (2 sub-clusters), "
        "5 highlands, 49 organizations;"
    )
    call_command("import", str(seed_path))
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_every_import_writes_one_audit_entry(seed_path):
    from highlands.audit.models import AuditEntry

    profile_document_import(source=read_source(seed_path))
    profile_document_import(source=read_source(seed_path), dry_run=True)  # rolled back
    (entry,) = AuditEntry.objects.filter(action="source.import")
    assert entry.actor is None  # the command line acts as the system
    assert entry.object_repr == "lublin-economic-highlands.txt"
    assert entry.after["created"] == 399
    assert entry.after["clusters"] == 18
