"""Cluster tables reconcile independently of row order: every row against the registry and
the whole file, so importing a file again changes nothing, the same rows in another order
give the same registry, and a row a person decided stays decided."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from highlands.ecosystem import models as registry
from highlands.ingest import review
from highlands.ingest.importers import import_file
from highlands.ingest.models import ReconciliationDecision, ReviewItem
from highlands.servicekit import SYSTEM

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
LABELLED = FIXTURES / "reconcile_labelled.csv"

# Rows that resemble each other but not the registry: which one is new and which waits for
# a person must not depend on which comes first, nor may a row reviewed against the rows
# above it see other candidates on re-import.  "Klaster Robotyki Lubelskiej" and
# "Lubelski Klaster Robotyki Przemysłowej" share every distinctive word of the first.
ORDER_SENSITIVE = [
    ("Lubelski Klaster Robotyki Przemysłowej", "2015"),
    ("Klaster Gier Wideo Lublin", "2021"),
    ("Klaster Robotyki Lubelskiej", ""),
    ("Lublin Robotics Cluster", ""),
    ("Wschodni Klaster Obróbki Metali", "2009"),
    ("Klaster Gier Wideo", "2021"),
]


def _write(path: Path, header: str, lines: list[str]) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _reversed_copy(source: Path, target: Path) -> Path:
    """The same rows, last first (row numbers in the ``Lp.`` column go with their rows)."""
    header, *lines = source.read_text(encoding="utf-8").splitlines()
    return _write(target, header, lines[::-1])


def _order_sensitive(path: Path, rows: list[tuple[str, str]]) -> Path:
    return _write(path, "Nazwa klastra;Rok utworzenia", [f"{n};{y}" for n, y in rows])


def _registry() -> dict[str, Any]:
    """What the registry holds, without the line numbers that move with the rows."""
    clusters = {
        c.pk: c.slug
        for c in registry.Cluster.objects.all()  # slugs name clusters across two databases
    }
    return {
        "clusters": sorted(
            registry.Cluster.objects.values_list(
                "slug",
                "name",
                "name_pl",
                "display_name",
                "year_established",
                "coordinator_stated",
                "position",
            )
        ),
        "aliases": sorted(
            (clusters[a.cluster_id], a.normalized, a.name, a.language)
            for a in registry.ClusterAlias.objects.all()
        ),
        "figures": sorted(
            (
                clusters[f.cluster_id],
                f.kind,
                f.value,
                f.as_of,
                f.as_of_basis,
                f.source and f.source.name,
            )
            for f in registry.FigureObservation.objects.select_related("source")
        ),
        "flags": sorted(
            (d.code, clusters.get(d.cluster_id or 0, ""))
            for d in registry.DataQualityIssue.objects.all()
        ),
        "queue": sorted(
            (
                i.incoming_name,
                i.status,
                round(i.score, 3),
                i.reason,
                tuple((clusters[c["pk"]], c["score"]) for c in i.candidates),
            )
            for i in ReviewItem.objects.all()
        ),
        "organizations": registry.Organization.objects.count(),
        "memberships": registry.Membership.objects.count(),
    }


class _UndoError(Exception):
    pass


def _import_and_undo(path: Path) -> tuple[Any, dict[str, Any]]:
    """Import ``path``, read the registry, then roll the import back (a savepoint)."""
    try:
        with transaction.atomic():
            report = import_file(str(path))
            registry = _registry()
            again = import_file(str(path))
            assert (again.created, again.updated, again.deleted) == (0, 0, 0)
            assert _registry() == registry
            raise _UndoError
    except _UndoError:
        pass
    return report, registry


def _decisions(report) -> dict[str, tuple[str, str | None]]:
    return {r["source_name"]: (r["decision"], r["match"]) for r in report.rows}


def test_a_cluster_table_imported_again_changes_nothing(seeded):
    report = import_file(str(LABELLED))
    assert {d for d, _ in _decisions(report).values()} == {"match", "new", "review"}
    before = _registry()
    again = import_file(str(LABELLED))
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert _registry() == before
    # Every row decided the same way, the new ones now matching the clusters they made.
    for name, (decision, _) in _decisions(report).items():
        assert _decisions(again)[name][0] == ("match" if decision == "new" else decision)


def test_a_cluster_table_in_reversed_order_gives_the_same_registry(seeded, tmp_path):
    forward, forward_registry = _import_and_undo(LABELLED)
    backward, backward_registry = _import_and_undo(
        _reversed_copy(LABELLED, tmp_path / LABELLED.name)
    )
    assert _decisions(backward) == _decisions(forward)
    assert backward_registry == forward_registry


def test_order_sensitive_rows_give_one_registry_in_any_order(seeded, tmp_path):
    forward, forward_registry = _import_and_undo(
        _order_sensitive(tmp_path / "forward.csv", ORDER_SENSITIVE)
    )
    # The shorter name of each pair is made (it sorts first); the longer game cluster's
    # name then agrees with it; both robotics rows wait, each against the cluster made.
    assert _decisions(forward) == {
        "Klaster Gier Wideo": ("new", None),
        "Klaster Gier Wideo Lublin": ("match", "Klaster Gier Wideo"),
        "Klaster Robotyki Lubelskiej": ("new", None),
        "Lubelski Klaster Robotyki Przemysłowej": ("review", None),
        "Lublin Robotics Cluster": ("review", None),
        "Wschodni Klaster Obróbki Metali": ("match", "Eastern Metal Processing Cluster"),
    }
    assert {(q[0], q[-1][0][0]) for q in forward_registry["queue"]} == {
        ("Lubelski Klaster Robotyki Przemysłowej", "klaster-robotyki-lubelskiej"),
        ("Lublin Robotics Cluster", "klaster-robotyki-lubelskiej"),
    }
    for order in (
        ORDER_SENSITIVE[::-1],
        sorted(ORDER_SENSITIVE),
        ORDER_SENSITIVE[2:] + ORDER_SENSITIVE[:2],
    ):
        report, registry = _import_and_undo(_order_sensitive(tmp_path / "forward.csv", order))
        assert _decisions(report) == _decisions(forward)
        assert registry == forward_registry


def test_a_reviewed_row_stays_resolved_on_reimport(seeded, tmp_path):
    path = _order_sensitive(tmp_path / "robotics.csv", ORDER_SENSITIVE)
    import_file(str(path))
    pending = list(ReviewItem.objects.filter(status="pending").order_by("incoming_name"))
    assert pending
    item = pending[0]
    target = registry.Cluster.objects.get(pk=item.candidates[0]["pk"])
    review.review_item_resolve(item=item, action="accept", target_pk=target.pk, actor=SYSTEM)
    after_review = _registry()
    again = import_file(str(path))
    row = next(r for r in again.rows if r["source_name"] == item.incoming_name)
    assert (row["decision"], row["match"], row["remembered"]) == (
        "match",
        target.display_name,
        "accept",
    )
    item.refresh_from_db()
    assert (item.status, item.resolved_cluster) == ("accepted", target)
    assert not ReviewItem.objects.filter(
        incoming_name=item.incoming_name, status="pending"
    ).exists()
    assert ReconciliationDecision.objects.get(review_item=item).cluster == target
    # The accepted name is now the target's alias: rows reviewed against it may see it
    # among their candidates; a further import changes nothing at all.
    settled = _registry()
    assert {k: v for k, v in settled.items() if k != "queue"} == {
        k: v for k, v in after_review.items() if k != "queue"
    }
    third = import_file(str(path))
    assert (third.created, third.updated, third.deleted) == (0, 0, 0)
    assert _registry() == settled
