"""Reconciliation: signals, decisions, and the labelled fixture against the source document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from highlands.ecosystem.models import Cluster
from highlands.ingest import reconcile
from highlands.ingest.parsers.tables import parse_csv
from highlands.ingest.reconcile import Incoming, Known, Reconciler, concepts, name_similarity
from highlands.ingest.selectors import known_clusters
from highlands.text import name_matching

FIXTURES = Path(__file__).parent / "fixtures"

EMPC = Known(
    pk=1,
    display_name="Eastern Metal Processing Cluster",
    names=("Eastern Metal Processing Cluster",),
    year=2009,
    coordinators=("Voivodeship Club of Technology and Rationalization",),
    members=99,
)
EICT = Known(
    pk=2,
    display_name="Eastern ICT Cluster",
    names=("Eastern ICT Cluster",),
    year=2007,
    coordinators=("Eastern Development Agency sp. z o.o.",),
)
LICT = Known(pk=3, display_name="Lublin ICT Cluster", names=("Lublin ICT Cluster",), year=2008)
WOOD = Known(
    pk=4,
    display_name="Lublin Wood Association Regional Cluster in Lublin",
    names=("Lublin Wood Association Regional Cluster in Lublin", "Lublin Wood Cluster"),
    year=2007,
)
KNOWN = [EMPC, EICT, LICT, WOOD]


def decide(*names: str, **signals) -> reconcile.Decision:
    return Reconciler(KNOWN).decide(Incoming(names=names, **signals))


def test_names_normalize_case_diacritics_l_quotes_and_legal_forms():
    assert name_similarity("ŁÓDZKA FIRMA „Alfa” Sp. z o.o.", 'Lodzka Firma "Alfa"') == 1.0
    assert name_similarity("Stowarzyszenie Klaster X", "Klaster X") == 1.0
    assert name_similarity("Cluster X Association", "cluster x") == 1.0


def test_polish_name_meets_the_english_one_through_the_glossary():
    assert concepts("Wschodni Klaster Obróbki Metali") == concepts(
        "Eastern Metal Processing Cluster"
    )
    decision = decide("Wschodni Klaster Obróbki Metali")
    assert decision.decision == reconcile.MATCH
    assert decision.match == EMPC
    assert decision.score == name_matching.SAME_CONCEPTS


def test_coordinator_named_in_polish_corroborates():
    decision = decide(
        "Wschodni Klaster Obróbki Metali",
        coordinator="Wojewódzki Klub Techniki i Racjonalizacji",
        year=2009,
    )
    assert decision.decision == reconcile.MATCH
    assert decision.score == 1.0
    assert decision.candidates[0].corroborations == ["year", "coordinator"]


def test_alias_matches_exactly():
    decision = decide("Lublin Wood Cluster")
    assert (decision.decision, decision.match, decision.score) == (reconcile.MATCH, WOOD, 1.0)


def test_a_different_year_sends_even_an_exact_name_to_review():
    decision = decide("Eastern Metal Processing Cluster", year=2012)
    assert decision.decision == reconcile.REVIEW
    assert decision.match is None
    assert decision.candidates[0].known == EMPC
    assert decision.reason == "year 2012 ≠ 2009"


def test_an_unrelated_coordinator_sends_to_review():
    decision = decide("Eastern Metal Processing Cluster", coordinator="Lubelska Izba Rzemiosła")
    assert decision.decision == reconcile.REVIEW
    assert decision.reason == "coordinator differs"


def test_a_partial_name_goes_to_review_unless_corroborated():
    assert decide("Eastern Metal Cluster").decision == reconcile.REVIEW
    # Dropping only the generic word "Lublin" is near enough when the year agrees.
    assert decide("Wood Association Regional Cluster", year=2007).decision == reconcile.MATCH
    assert decide("Wood Association Regional Cluster").decision == reconcile.REVIEW


def test_it_is_near_ict_but_never_the_same():
    decision = decide("Lublin IT Cluster", year=2008)
    assert decision.decision == reconcile.REVIEW
    assert decision.candidates[0].known == LICT


def test_unknown_clusters_are_new():
    for name in ("Lubelski Klaster Turystyczny", "Klaster Gier Wideo", "Eastern Logistics Cluster"):
        decision = decide(name)
        assert decision.decision == reconcile.NEW, name
        assert decision.match is None


def test_two_close_candidates_go_to_review():
    twins = [
        Known(pk=10, display_name="Lublin Energy Cluster", names=("Lublin Energy Cluster",)),
        Known(pk=11, display_name="Lublin Energy Cluster", names=("Lubelski Klaster Energii",)),
    ]
    decision = Reconciler(twins).decide(Incoming(names=("Lublin Energy Cluster",)))
    assert decision.decision == reconcile.REVIEW
    assert decision.reason == "two candidates are close"


def test_new_entities_become_known_within_one_import():
    reconciler = Reconciler(KNOWN)
    assert reconciler.decide(Incoming(names=("Klaster Gier Wideo",))).decision == reconcile.NEW
    reconciler.add(Known(pk=99, display_name="Klaster Gier Wideo", names=("Klaster Gier Wideo",)))
    assert reconciler.decide(Incoming(names=("Klaster Gier Wideo",))).decision == reconcile.MATCH


@pytest.mark.django_db
def test_labelled_fixture_against_the_source_document(seeded):
    """Every row of the labelled table gets the expected decision; no auto-match is wrong."""
    labels = json.loads((FIXTURES / "reconcile_labels.json").read_text(encoding="utf-8"))
    table = parse_csv((FIXTURES / "reconcile_labelled.csv").read_text(encoding="utf-8"))
    slug_of = dict(Cluster.objects.values_list("pk", "slug"))
    reconciler = Reconciler(known_clusters())
    outcomes = []
    for row, label in zip(table.rows, labels["rows"], strict=True):
        decision = reconciler.decide(
            Incoming(
                names=tuple(n for n, _ in row.names),
                year=row.year,
                coordinator=row.coordinator,
                members=row.figure("members"),
            )
        )
        matched = slug_of[decision.match.pk] if decision.match else None
        outcomes.append((row.name, decision.decision, matched))
        if decision.decision == reconcile.MATCH:
            assert matched == label["gold"], row.name
    expected = [
        (r["name"], r["expected"], r["gold"] if r["expected"] == "match" else None)
        for r in labels["rows"]
    ]
    assert outcomes == expected
    decisions = [o[1] for o in outcomes]
    assert decisions.count("match") >= 15
    assert decisions.count("new") >= 5
    assert decisions.count("review") >= 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "labels_file"),
    [
        ("reconcile_labelled.csv", "reconcile_labels.json"),
        ("reconcile_labelled_en.csv", "reconcile_labels_en.json"),
        ("members_labelled.csv", "members_labels.json"),
    ],
)
def test_no_wrong_merge_on_any_labelled_fixture(seeded, table, labels_file):
    """Auto-matches must be precise: every `match` on the labelled tables is the gold record."""
    from highlands.ecosystem.models import Organization
    from highlands.ingest.sources import read_source
    from highlands.ingest.table_import import table_import

    labelled = json.loads((FIXTURES / labels_file).read_text(encoding="utf-8"))
    if labelled.get("entity") == "organization":
        display = dict(Organization.objects.values_list("slug", "name"))
    else:
        display = dict(Cluster.objects.values_list("slug", "display_name"))
    report = table_import(source=read_source(FIXTURES / table), dry_run=True)
    matched = [
        (row["source_name"], row["match"], display.get(label["gold"] or ""))
        for row, label in zip(report.rows, labelled["rows"], strict=True)
        if row["decision"] == "match"
    ]
    assert matched
    assert [m for m in matched if m[1] != m[2]] == []
