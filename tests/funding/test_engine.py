"""The engine on the Eastern Metal Processing Cluster's rule (line 186 of the source
document): every admitted voivodeship in both languages, the 40 % boundary, the two revenue
sources adding up, missing facts, a region outside the list and invalid values."""

from __future__ import annotations

from typing import Any

import pytest

from highlands.funding import engine
from highlands.funding.document_rules import DOCUMENT_RULES

METAL = DOCUMENT_RULES["Eastern Metal Processing Cluster"]
SERVICES = "metal_processing_services"
OWN = "own_metal_production"


def decide(raw: dict[str, Any]) -> engine.Evaluation:
    return engine.evaluate_rules(engine.check_rules(METAL), engine.parse_facts(raw))


def shares(services: Any = None, own: Any = None) -> dict[str, Any]:
    return {SERVICES: services, OWN: own}


APPLICANTS = [
    # (voivodeship as written, revenue shares, decision, facts still missing)
    ("lubelskie", shares("50%"), "eligible", ()),
    ("Lublin", shares(0.4), "eligible", ()),
    ("Lubelskie Voivodeship", shares("40 %"), "eligible", ()),
    ("Województwo Podkarpackie", shares("45,5 %"), "eligible", ()),
    ("Subcarpathian", shares(40), "eligible", ()),
    ("subcarpathian voivodeship", shares(None, "60%"), "eligible", ()),
    ("ŚWIĘTOKRZYSKIE", shares("40%"), "eligible", ()),
    ("Swietokrzyskie voivodeship", shares(0.9), "eligible", ()),
    ("Holy Cross", shares(0.41), "eligible", ()),
    ("podlaskie", shares("0.5"), "eligible", ()),
    ("Podlachian Voivodeship", shares(0.55), "eligible", ()),
    ("warmińsko-mazurskie", shares("70 %"), "eligible", ()),
    ("Warmian-Masurian", shares(0.4), "eligible", ()),
    ("woj. warmińsko – mazurskie", shares(1), "eligible", ()),
    # the 40 % boundary and the two sources adding up
    ("lubelskie", shares("39,9 %", 0), "not_eligible", ()),
    ("lubelskie", shares(0.25, 0.15), "eligible", ()),
    ("lubelskie", shares("25%", "14%"), "not_eligible", ()),
    ("lubelskie", shares(0, 0), "not_eligible", ()),
    # missing facts: unknown only while the missing fact could change the result
    ("lubelskie", shares("25 %"), "unknown", (f"revenue_shares.{OWN}",)),
    ("lubelskie", shares("45 %"), "eligible", ()),
    ("lubelskie", None, "unknown", (f"revenue_shares.{SERVICES}", f"revenue_shares.{OWN}")),
    (None, shares(0.5), "unknown", ("voivodeship",)),
    # a region outside the list: fails at once, whatever is missing
    ("mazowieckie", shares(0.5), "not_eligible", ()),
    ("Masovian Voivodeship", None, "not_eligible", ()),
    ("Lower Silesia", shares("25 %"), "not_eligible", ()),
]


@pytest.mark.parametrize(("voivodeship", "revenue", "decision", "missing"), APPLICANTS)
def test_metal_cluster_decisions(voivodeship, revenue, decision, missing) -> None:
    evaluation = decide({"voivodeship": voivodeship, "revenue_shares": revenue})
    assert evaluation.decision == decision
    assert evaluation.missing == missing


INVALID = [
    ({"voivodeship": "Berlin"}, "voivodeship"),
    ({"voivodeship": 12}, "voivodeship"),
    ({"revenue_shares": shares("150%")}, f"revenue_shares.{SERVICES}"),
    ({"revenue_shares": shares(-0.1)}, f"revenue_shares.{SERVICES}"),
    ({"revenue_shares": shares("forty")}, f"revenue_shares.{SERVICES}"),
    ({"revenue_shares": shares(True)}, f"revenue_shares.{SERVICES}"),
    ({"revenue_shares": shares("60 %", "50 %")}, "revenue_shares"),
    ({"revenue_shares": "40%"}, "revenue_shares"),
    ({"employees": "many"}, "employees"),
    ({"size_class": "huge"}, "size_class"),
    ({"favourite_colour": "red"}, "favourite_colour"),
]


@pytest.mark.parametrize(("raw", "field"), INVALID)
def test_invalid_values_are_refused_with_the_field_named(raw, field) -> None:
    with pytest.raises(engine.FactError) as caught:
        engine.parse_facts(raw)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("text", "share"),
    [("0.4", 0.4), ("40%", 0.4), ("40 %", 0.4), ("45,5 %", 0.455), (40, 0.4), (1, 1.0), (0, 0)],
)
def test_shares_parse_forgivingly(text, share) -> None:
    assert engine.parse_share(text, "x") == pytest.approx(share)


def test_all_fails_as_soon_as_one_part_fails_and_any_passes_as_soon_as_one_passes() -> None:
    failing = {"fact": "voivodeship", "in": ["lubelskie"]}
    unknown = {"fact": "employees", "gte": 10}
    facts = {"voivodeship": "mazowieckie"}
    assert engine.evaluate({"all": [unknown, failing]}, facts).result == "fail"
    assert engine.evaluate({"all": [unknown, {"not": failing}]}, facts).result == "unknown"
    assert engine.evaluate({"any": [unknown, {"not": failing}]}, facts).result == "pass"
    assert engine.evaluate({"any": [unknown, failing]}, facts).missing == ("employees",)


@pytest.mark.parametrize(
    ("rules", "path"),
    [
        ("nope", "rules"),
        (
            [{"id": "a", "title": {"en": "A", "pl": "A"}, "condition": {"fact": "x", "in": [1]}}],
            "rules[0].condition.fact",
        ),
        ([{"id": "a", "title": {"en": "A"}, "condition": {"closed": True}}], "rules[0].title"),
        (
            [{"id": "A B", "title": {"en": "A", "pl": "A"}, "condition": {"closed": True}}],
            "rules[0].id",
        ),
        (
            [
                {
                    "id": "a",
                    "title": {"en": "A", "pl": "A"},
                    "condition": {"fact": "voivodeship", "in": ["Atlantis"]},
                }
            ],
            "rules[0].condition.in",
        ),
        (
            [
                {
                    "id": "a",
                    "title": {"en": "A", "pl": "A"},
                    "condition": {"sum": ["revenue_shares.own_metal_production"], "gte": "200%"},
                }
            ],
            "rules[0].condition.gte",
        ),
        (
            [{"id": "a", "title": {"en": "A", "pl": "A"}, "condition": {"all": []}}],
            "rules[0].condition.all",
        ),
    ],
)
def test_bad_rules_are_refused_with_the_place_named(rules, path) -> None:
    with pytest.raises(engine.RuleError) as caught:
        engine.check_rules(rules)
    assert caught.value.path == path


def test_document_rules_are_well_formed_and_name_their_lines() -> None:
    for rules in DOCUMENT_RULES.values():
        assert engine.check_rules(rules)
        assert all(isinstance(rule["line"], int) for rule in rules)
