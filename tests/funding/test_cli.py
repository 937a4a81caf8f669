"""``highlands membership evaluate CLUSTER_SLUG FACTS.json --json`` on the imported document."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from highlands.ecosystem.models import Cluster
from tests.funding.test_engine import APPLICANTS, INVALID


def _json_safe(value: object) -> bool:
    try:
        json.dumps(value)
    except TypeError:
        return False
    return True


pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(shared_seed):
    return shared_seed


def _metal() -> str:
    return Cluster.objects.get(name="Eastern Metal Processing Cluster").slug


def run(slug: str, facts: object, tmp_path, *extra: str) -> dict:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    out = StringIO()
    call_command("membership", "evaluate", slug, str(path), "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("facts", "decision", "results"),
    [
        (
            {
                "voivodeship": "Podkarpackie",
                "revenue_shares": {
                    "metal_processing_services": "25 %",
                    "own_metal_production": "15%",
                },
            },
            "eligible",
            ["pass", "pass"],
        ),
        (
            {
                "voivodeship": "Województwo lubelskie",
                "revenue_shares": {"metal_processing_services": 0.25},
            },
            "unknown",
            ["pass", "unknown"],
        ),
        ({"voivodeship": "Mazowieckie"}, "not_eligible", ["fail", "unknown"]),
        ({}, "unknown", ["unknown", "unknown"]),
    ],
)
def test_metal_cluster_through_the_cli(seeded, tmp_path, facts, decision, results) -> None:
    out = run(_metal(), facts, tmp_path)
    assert out["cluster"] == _metal()
    assert out["decision"] == decision
    assert [r["rule"] for r in out["rules"]] == ["eastern-poland", "metal-revenue-40"]
    assert [r["result"] for r in out["rules"]] == results
    assert all(r["explanation"] for r in out["rules"])


def test_the_explanation_names_what_is_missing(seeded, tmp_path) -> None:
    facts = {"voivodeship": "podkarpackie", "revenue_shares": {"metal_processing_services": "25 %"}}
    out = run(_metal(), facts, tmp_path)
    seat, revenue = (r["explanation"] for r in out["rules"])
    assert "podkarpackie" in seat
    assert seat.endswith("✓")
    assert "25 %" in revenue
    assert "40 %" in revenue
    assert "own production" in revenue
    assert revenue.endswith("?")
    polish = run(_metal(), facts, tmp_path, "--lang", "pl")
    assert "nie podano" in polish["rules"][1]["explanation"]


def test_esta_is_a_closed_group(seeded, tmp_path) -> None:
    esta = Cluster.objects.get(display_name="ESTA Cluster").slug
    out = run(esta, {"voivodeship": "lubelskie"}, tmp_path)
    assert out["decision"] == "not_eligible"
    assert out["rules"][0]["rule"] == "closed-group"


def test_a_cluster_without_stated_rules_has_none(seeded, tmp_path) -> None:
    other = Cluster.objects.get(display_name="Lublin ICT Cluster").slug
    assert run(other, {}, tmp_path) == {"cluster": other, "decision": "eligible", "rules": []}


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"voivodeship": "Bavaria"}, "voivodeship"),
        (
            {"revenue_shares": {"metal_processing_services": "120 %"}},
            "revenue_shares.metal_processing_services",
        ),
        (
            {"revenue_shares": {"own_metal_production": "lots"}},
            "revenue_shares.own_metal_production",
        ),
    ],
)
def test_invalid_facts_exit_non_zero_naming_the_field(seeded, tmp_path, facts, field) -> None:
    with pytest.raises(CommandError) as caught:
        run(_metal(), facts, tmp_path)
    assert str(caught.value).startswith(f"{field}:")
    assert caught.value.returncode == 2
    assert "\n" not in str(caught.value)


# Every applicant of the engine's table (tests/funding/test_engine.py), through the CLI: each
# admitted voivodeship in both languages, the 40 % boundary, the two sources adding up,
# missing facts and regions outside the list.
@pytest.mark.parametrize(("voivodeship", "revenue", "decision", "missing"), APPLICANTS)
def test_every_prepared_applicant_through_the_cli(
    seeded, tmp_path, voivodeship, revenue, decision, missing
) -> None:
    out = run(_metal(), {"voivodeship": voivodeship, "revenue_shares": revenue}, tmp_path)
    assert out["decision"] == decision
    results = [r["result"] for r in out["rules"]]
    assert ("fail" in results) == (decision == "not_eligible")
    if decision == "unknown":
        assert "unknown" in results


@pytest.mark.parametrize(("raw", "field"), [c for c in INVALID if _json_safe(c[0])])
def test_every_invalid_value_exits_non_zero_through_the_cli(seeded, tmp_path, raw, field):
    with pytest.raises(CommandError) as caught:
        run(_metal(), raw, tmp_path)
    assert str(caught.value).startswith(f"{field}:")
    assert caught.value.returncode == 2
