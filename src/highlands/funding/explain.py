"""Explanations of the engine's outcomes in the person's language (gettext), rule by rule:
"seat in podkarpackie — one of the admitted voivodeships ✓"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ..ecosystem.labels import HELIX_LABELS, ORG_TYPE_LABELS
from ..text.places import VOIVODESHIP_NAMES
from .engine import Evaluation, Outcome, Result

FACT_LABELS: dict[str, Any] = {
    "voivodeship": gettext_lazy("seat (voivodeship)"),
    "size_class": gettext_lazy("size class"),
    "employees": gettext_lazy("employees"),
    "turnover_eur": gettext_lazy("annual turnover (EUR)"),
    "legal_form": gettext_lazy("legal form"),
    "helix_role": gettext_lazy("helix role"),
    "org_type": gettext_lazy("type of organisation"),
    "nace_codes": gettext_lazy("activity codes (NACE/PKD)"),
    "year_founded": gettext_lazy("year founded"),
    "certifications": gettext_lazy("certifications"),
    "revenue_shares.metal_processing_services": gettext_lazy(
        "share of revenue from metal-processing services"
    ),
    "revenue_shares.own_metal_production": gettext_lazy(
        "share of revenue from own production made with metal processes"
    ),
}
SIZE_LABELS: dict[str, Any] = {
    "micro": gettext_lazy("micro"),
    "small": gettext_lazy("small"),
    "medium": gettext_lazy("medium"),
    "large": gettext_lazy("large"),
}
MARKS = {Result.PASS: "✓", Result.FAIL: "✗", Result.UNKNOWN: "?"}


def fact_label(name: str) -> str:
    return str(FACT_LABELS.get(name, name))


def value_text(name: str, value: Any) -> str:
    """A fact's value as a person reads it (percent, Polish voivodeship name, labels)."""
    if isinstance(value, list):
        return ", ".join(value_text(name, item) for item in value)
    if name.startswith("revenue_shares.") or name.startswith("share"):
        return percent(value)
    if name == "voivodeship":
        return VOIVODESHIP_NAMES.get(value, value)
    if name == "helix_role":
        return str(HELIX_LABELS.get(value, value))
    if name == "org_type":
        return str(ORG_TYPE_LABELS.get(value, value))
    if name == "size_class":
        return str(SIZE_LABELS.get(value, value))
    return str(value)


def percent(share: float) -> str:
    text = f"{share * 100:.1f}".removesuffix(".0")
    if get_language() == "pl":
        text = text.replace(".", ",")
    return f"{text} %"


def _missing_text(names: tuple[str, ...]) -> str:
    return _("not stated: %(facts)s") % {"facts": ", ".join(fact_label(n) for n in names)}


def explain(outcome: Outcome) -> str:
    """One sentence for a node's outcome, ending in ✓, ✗ or ?."""
    mark = MARKS[outcome.result]
    if outcome.kind == "closed":
        return _("the cluster admits by invitation only") + f" {mark}"
    if outcome.kind in ("all", "any", "not"):
        parts = "; ".join(explain(p) for p in outcome.parts)
        if outcome.kind == "not":
            return _("must not hold: %(part)s") % {"part": parts} + f" {mark}"
        word = _("all of") if outcome.kind == "all" else _("one of")
        return f"{word}: {parts}"
    if outcome.kind == "sum":
        return _explain_sum(outcome) + f" {mark}"
    label = fact_label(outcome.fact)
    expected = outcome.expected
    wanted = (
        value_text(outcome.fact, expected)
        if not isinstance(expected, list)
        else ", ".join(value_text(outcome.fact, e) for e in expected)
    )
    if outcome.result == Result.UNKNOWN:
        return (
            _("%(fact)s not stated (needed: %(wanted)s)")
            % {
                "fact": label,
                "wanted": wanted,
            }
            + f" {mark}"
        )
    found = value_text(outcome.fact, outcome.value)
    if outcome.op in ("in", "eq"):
        text = (
            _("%(fact)s: %(value)s — one of the admitted (%(wanted)s)")
            if outcome.result == Result.PASS
            else _("%(fact)s: %(value)s — not among the admitted (%(wanted)s)")
        )
    elif outcome.op == "prefix":
        text = (
            _("%(fact)s: %(value)s — in the admitted activities (%(wanted)s)")
            if outcome.result == Result.PASS
            else _("%(fact)s: %(value)s — outside the admitted activities (%(wanted)s)")
        )
    elif outcome.op == "gte":
        text = _("%(fact)s: %(value)s, at least %(wanted)s needed")
    else:
        text = _("%(fact)s: %(value)s, at most %(wanted)s allowed")
    return text % {"fact": label, "value": found, "wanted": wanted} + f" {mark}"


def _explain_sum(outcome: Outcome) -> str:
    names = outcome.fact.split(",")
    needed = percent(outcome.expected)
    words = {"value": percent(outcome.value), "wanted": needed}
    if outcome.op == "gte":
        text = _("%(value)s of revenue from these sources, %(wanted)s needed") % words
    else:
        text = _("%(value)s of revenue from these sources, at most %(wanted)s") % words
    if outcome.missing:
        text += " — " + _missing_text(outcome.missing)
    elif len(names) > 1:
        text += " (" + ", ".join(fact_label(n) for n in names) + ")"
    return text


def rule_title(rule: Mapping[str, Any]) -> str:
    title = rule.get("title") or {}
    return str(title.get(get_language() or "en") or title.get("en") or rule.get("id", ""))


def rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    """One row per rule for pages, the API and the CLI: id, title, result, explanation,
    the missing facts (labels) and the document line it comes from."""
    return [
        {
            "rule": item.rule["id"],
            "title": rule_title(item.rule),
            "result": item.result.value,
            "explanation": explain(item.outcome),
            "missing": [fact_label(m) for m in item.outcome.missing],
            "line": item.rule.get("line"),
        }
        for item in evaluation.rules
    ]
