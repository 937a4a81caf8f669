"""The eligibility engine: declarative rules over organisation facts, three-valued.

Pure Python (no Django): a rule is JSON data, facts are a mapping, and evaluation returns
``pass`` / ``fail`` / ``unknown`` per node with the facts still missing named. A fact that is
absent from the mapping is *unknown*, never zero or false, and an unknown never turns into a
pass or a fail by itself: a result other than ``unknown`` holds for every value the missing
facts could take (checked by property tests in ``tests/funding/test_engine_properties.py``).

Nodes (a rule's ``condition``):

- ``{"all": [...]}`` fails as soon as one part fails, passes when every part passes, and is
  unknown otherwise; ``{"any": [...]}`` the mirror; ``{"not": node}`` swaps pass and fail.
- ``{"fact": NAME, OP: VALUE}`` with OP one of ``in`` (the value, or for a list fact any of
  its items, is one of the listed ones), ``prefix`` (a code starts with one of the listed
  prefixes: NACE/PKD), ``eq``, ``gte``, ``lte``.
- ``{"sum": [NAME, ...], "gte"|"lte": NUMBER}``: shares that add up. Shares are never
  negative, so the stated ones alone can already decide (``gte`` passes once they reach the
  threshold), and otherwise the missing ones are named.
- ``{"closed": true}``: the cluster admits by invitation only; an application always fails.

Explanations are rendered in the person's language outside the engine (``explain.py``), from
the structured ``Outcome`` it returns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..text.folding import fold

MAX_DEPTH = 8
MAX_NODES = 200
MAX_LIST = 100


class Result(StrEnum):
    PASS = "pass"  # noqa: S105 (a result, not a password)
    FAIL = "fail"
    UNKNOWN = "unknown"


class Decision(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"


DECISION_OF = {
    Result.PASS: Decision.ELIGIBLE,
    Result.FAIL: Decision.NOT_ELIGIBLE,
    Result.UNKNOWN: Decision.UNKNOWN,
}


class FactError(ValueError):
    """A fact value that cannot be right; ``field`` names the fact."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class RuleError(ValueError):
    """A rule that is not well formed; ``path`` says where (``rules[0].condition.all[1]``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


# --- facts --------------------------------------------------------------------------------

VOIVODESHIPS: dict[str, tuple[str, ...]] = {
    # canonical (Polish, as PKD/TERYT name it) → other names people write, English included
    "dolnoslaskie": ("lower silesian", "lower silesia"),
    "kujawsko-pomorskie": ("kuyavian-pomeranian", "kuyavia-pomerania"),
    "lubelskie": ("lublin", "lubelskie"),
    "lubuskie": ("lubusz",),
    "lodzkie": ("lodz",),
    "malopolskie": ("lesser poland", "malopolska"),
    "mazowieckie": ("masovian", "mazovian", "mazovia", "masovia"),
    "opolskie": ("opole",),
    "podkarpackie": ("subcarpathian", "subcarpathia", "podkarpacie"),
    "podlaskie": ("podlachian", "podlasie"),
    "pomorskie": ("pomeranian", "pomerania"),
    "slaskie": ("silesian", "silesia"),
    "swietokrzyskie": ("holy cross",),
    "warminsko-mazurskie": ("warmian-masurian", "warmia-masuria", "warmia-mazury"),
    "wielkopolskie": ("greater poland", "wielkopolska"),
    "zachodniopomorskie": ("west pomeranian", "west pomerania"),
}
_REGION_WORDS = re.compile(
    r"\b(voivodeship|voivodship|wojewodztwo|woj|province|region|the)\b\.?", re.IGNORECASE
)
_LOOKUP = {
    **{code: code for code in VOIVODESHIPS},
    **{alias: code for code, aliases in VOIVODESHIPS.items() for alias in aliases},
}

SIZE_CLASSES = ("micro", "small", "medium", "large")
REVENUE_SOURCES = ("metal_processing_services", "own_metal_production")
FACT_KEYS: dict[str, str] = {
    # name → kind; the CLI's and the API's facts documents use exactly these keys
    "voivodeship": "voivodeship",
    "size_class": "size_class",
    "employees": "count",
    "turnover_eur": "amount",
    "legal_form": "code",
    "helix_role": "code",
    "org_type": "code",
    "nace_codes": "codes",
    "year_founded": "year",
    "certifications": "codes",
    **{f"revenue_shares.{source}": "share" for source in REVENUE_SOURCES},
}
_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(%?)\s*$")


def parse_voivodeship(value: Any, field: str = "voivodeship") -> str:
    """The canonical voivodeship for a Polish or English name in any case, with or without
    "voivodeship"/"województwo" (``"Województwo Podkarpackie"`` → ``"podkarpackie"``)."""
    if not isinstance(value, str):
        raise FactError(field, "a voivodeship name is text")
    words = _REGION_WORDS.sub(" ", fold(value).replace("–", "-"))
    key = re.sub(r"\s*-\s*", "-", " ".join(words.split()))
    if key in _LOOKUP:
        return _LOOKUP[key]
    raise FactError(field, f"'{value[:60]}' is not a Polish voivodeship")


def parse_share(value: Any, field: str) -> float:
    """A share of 0–1 from ``0.4``, ``40``, ``"40%"``, ``"40 %"``, ``"45,5 %"``.

    A bare number above 1 is read as percent (``40`` → 0.40); at most 1 as a fraction.
    Above 100 %, negative, or not a number: refused with the field named.
    """
    if isinstance(value, bool):
        raise FactError(field, "a share is a number or a percentage, not true/false")
    if isinstance(value, int | float):
        number, percent = float(value), False
    elif isinstance(value, str):
        match = _NUMBER.match(value)
        if match is None:
            raise FactError(field, f"'{value[:60]}' is not a number or a percentage")
        number, percent = float(match.group(1).replace(",", ".")), bool(match.group(2))
    else:
        raise FactError(field, "a share is a number or a percentage")
    if not math.isfinite(number):
        raise FactError(field, "a share is a finite number")
    share = number / 100 if percent or number > 1 else number
    if share < 0:
        raise FactError(field, "a share cannot be negative")
    if share > 1 + 1e-9:
        raise FactError(field, "a share cannot be above 100 %")
    return round(min(share, 1.0), 6)


def _whole(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FactError(field, "a whole number is needed")
    try:
        number = float(str(value).strip().replace(" ", "").replace(",", "."))
    except ValueError:
        raise FactError(field, f"'{str(value)[:60]}' is not a whole number") from None
    if not math.isfinite(number) or number != int(number):
        raise FactError(field, "a whole number is needed")
    if not low <= number <= high:
        raise FactError(field, f"must be between {low} and {high}")
    return int(number)


def _code(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise FactError(field, "a short code (text of at most 64 characters) is needed")
    return value.strip().lower()


def _codes(value: Any, field: str) -> list[str]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[,;]", value) if part.strip()]
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise FactError(field, f"a list of at most {MAX_LIST} codes is needed")
    return sorted({_code(item, field) for item in value})


def parse_fact(name: str, value: Any) -> Any:
    """One fact's value, parsed forgivingly and checked; a ``FactError`` names the field."""
    kind = FACT_KEYS.get(name)
    if kind is None:
        raise FactError(name, "not a known fact")
    if kind == "voivodeship":
        return parse_voivodeship(value, name)
    if kind == "share":
        return parse_share(value, name)
    if kind == "size_class":
        code = _code(value, name)
        if code not in SIZE_CLASSES:
            raise FactError(name, f"must be one of {', '.join(SIZE_CLASSES)}")
        return code
    if kind == "count":
        return _whole(value, name, 0, 10_000_000)
    if kind == "amount":
        return _whole(value, name, 0, 10**15)
    if kind == "year":
        return _whole(value, name, 1000, 2100)
    if kind == "codes":
        return _codes(value, name)
    return _code(value, name)


def parse_facts(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A facts document (``revenue_shares`` nested or flat) → flat, checked facts.

    ``null`` means "not stated" (the key is left out); shares may not add up to above 100 %.
    """
    if not isinstance(raw, Mapping):
        raise FactError("facts", "a JSON object of facts is needed")
    facts: dict[str, Any] = {}
    for name, value in raw.items():
        if name == "revenue_shares":
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise FactError(name, "an object of shares by source is needed")
            for source, share in value.items():
                if share is not None:
                    key = f"revenue_shares.{source}"
                    facts[key] = parse_fact(key, share)
        elif value is not None:
            facts[name] = parse_fact(name, value)
    shares = [v for k, v in facts.items() if k.startswith("revenue_shares.")]
    if sum(shares) > 1 + 1e-6:
        raise FactError("revenue_shares", "the shares add up to more than 100 %")
    return facts


# --- rules --------------------------------------------------------------------------------

_COMPARISONS = ("in", "prefix", "eq", "gte", "lte")


def _check_node(node: Any, path: str, depth: int, count: list[int]) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise RuleError(path, f"a rule has at most {MAX_NODES} parts")
    if depth > MAX_DEPTH:
        raise RuleError(path, f"rules nest at most {MAX_DEPTH} deep")
    if not isinstance(node, Mapping):
        raise RuleError(path, "each part of a rule is an object")
    keys = set(node) - {"note"}
    if keys in ({"all"}, {"any"}):
        (op,) = keys
        parts = node[op]
        if not isinstance(parts, list) or not parts or len(parts) > MAX_LIST:
            raise RuleError(f"{path}.{op}", "a non-empty list of conditions is needed")
        for i, part in enumerate(parts):
            _check_node(part, f"{path}.{op}[{i}]", depth + 1, count)
    elif keys == {"not"}:
        _check_node(node["not"], f"{path}.not", depth + 1, count)
    elif keys == {"closed"}:
        if node["closed"] is not True:
            raise RuleError(f"{path}.closed", "must be true")
    elif "fact" in keys:
        _check_comparison(node, path)
    elif "sum" in keys:
        _check_sum(node, path)
    else:
        raise RuleError(path, "expected all, any, not, fact, sum or closed")


def _check_comparison(node: Mapping[str, Any], path: str) -> None:
    ops = set(node) - {"fact", "note"}
    if len(ops) != 1 or not ops <= set(_COMPARISONS):
        raise RuleError(path, f"a fact is compared with exactly one of {', '.join(_COMPARISONS)}")
    (op,) = ops
    name = node["fact"]
    if name not in FACT_KEYS:
        raise RuleError(f"{path}.fact", f"'{str(name)[:60]}' is not a known fact")
    value = node[op]
    if op in ("in", "prefix"):
        if not isinstance(value, list) or not value or len(value) > MAX_LIST:
            raise RuleError(f"{path}.{op}", "a non-empty list is needed")
        try:
            [_expected(name, item, op) for item in value]
        except FactError as error:
            raise RuleError(f"{path}.{op}", error.message) from None
    else:
        try:
            _expected(name, value, op)
        except FactError as error:
            raise RuleError(f"{path}.{op}", error.message) from None


def _check_sum(node: Mapping[str, Any], path: str) -> None:
    ops = set(node) - {"sum", "note"}
    names = node["sum"]
    if not isinstance(names, list) or not names or len(names) > len(REVENUE_SOURCES):
        raise RuleError(f"{path}.sum", "a list of revenue shares is needed")
    for name in names:
        if FACT_KEYS.get(name) != "share":
            raise RuleError(f"{path}.sum", f"'{str(name)[:60]}' is not a revenue share")
    if len(ops) != 1 or not ops <= {"gte", "lte"}:
        raise RuleError(path, "a sum is compared with exactly one of gte, lte")
    (op,) = ops
    try:
        parse_share(node[op], f"{path}.{op}")
    except FactError as error:
        raise RuleError(f"{path}.{op}", error.message) from None


def _expected(name: str, value: Any, op: str) -> Any:
    """A rule's literal, parsed as the fact it is compared with is."""
    if op == "prefix":
        return _code(value, name)
    kind = FACT_KEYS[name]
    if kind == "codes":
        return _code(value, name)
    return parse_fact(name, value)


def check_rules(rules: Any) -> list[dict[str, Any]]:
    """A rule set (a list of ``{"id", "title": {"en", "pl"}, "condition", "line"?}``) after
    checking every part; a ``RuleError`` says where the first problem is."""
    if not isinstance(rules, list) or len(rules) > 50:
        raise RuleError("rules", "a list of at most 50 rules is needed")
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        path = f"rules[{i}]"
        if not isinstance(rule, Mapping) or "condition" not in rule:
            raise RuleError(path, "each rule is an object with a condition")
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9_-]{1,60}", rule_id):
            raise RuleError(f"{path}.id", "a short id of a-z, 0-9, - and _ is needed")
        if rule_id in seen:
            raise RuleError(f"{path}.id", f"'{rule_id}' is used twice")
        seen.add(rule_id)
        title = rule.get("title")
        if not isinstance(title, Mapping) or not all(
            isinstance(title.get(lang), str) and 0 < len(title[lang]) <= 200
            for lang in ("en", "pl")
        ):
            raise RuleError(f"{path}.title", "a title in English and Polish is needed")
        line = rule.get("line")
        if line is not None and (isinstance(line, bool) or not isinstance(line, int) or line < 1):
            raise RuleError(f"{path}.line", "a line number is a positive whole number")
        _check_node(rule["condition"], f"{path}.condition", 0, [0])
    return [dict(rule) for rule in rules]


# --- evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One node's result: what it checked (``kind``, ``fact``/``facts``, ``op``, ``expected``,
    the ``value`` it found), the facts whose absence left it unknown, and its parts."""

    result: Result
    kind: str
    missing: tuple[str, ...] = ()
    fact: str = ""
    op: str = ""
    expected: Any = None
    value: Any = None
    parts: tuple[Outcome, ...] = field(default_factory=tuple)


def _combine_all(parts: Sequence[Outcome]) -> Result:
    results = {p.result for p in parts}
    if Result.FAIL in results:
        return Result.FAIL
    return Result.UNKNOWN if Result.UNKNOWN in results else Result.PASS


def _combine_any(parts: Sequence[Outcome]) -> Result:
    results = {p.result for p in parts}
    if Result.PASS in results:
        return Result.PASS
    return Result.UNKNOWN if Result.UNKNOWN in results else Result.FAIL


def _missing(parts: Sequence[Outcome], result: Result) -> tuple[str, ...]:
    if result != Result.UNKNOWN:
        return ()
    return tuple(dict.fromkeys(m for p in parts for m in p.missing))


def _compare(value: Any, op: str, expected: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    if op == "in":
        return any(item in expected for item in items)
    if op == "prefix":
        return any(str(item).startswith(tuple(expected)) for item in items)
    if op == "eq":
        return value == expected
    if op == "gte":
        return bool(value >= expected)
    return bool(value <= expected)


def evaluate(node: Mapping[str, Any], facts: Mapping[str, Any]) -> Outcome:
    """Evaluate a checked condition over parsed facts (``parse_facts``)."""
    if "all" in node or "any" in node:
        op = "all" if "all" in node else "any"
        parts = tuple(evaluate(part, facts) for part in node[op])
        result = _combine_all(parts) if op == "all" else _combine_any(parts)
        return Outcome(result, op, _missing(parts, result), parts=parts)
    if "not" in node:
        inner = evaluate(node["not"], facts)
        flipped = {Result.PASS: Result.FAIL, Result.FAIL: Result.PASS}.get(
            inner.result, Result.UNKNOWN
        )
        return Outcome(flipped, "not", inner.missing, parts=(inner,))
    if "closed" in node:
        return Outcome(Result.FAIL, "closed")
    if "sum" in node:
        return _evaluate_sum(node, facts)
    name = node["fact"]
    op = next(k for k in node if k in _COMPARISONS)
    raw = node[op]
    expected = (
        [_expected(name, item, op) for item in raw]
        if op in ("in", "prefix")
        else _expected(name, raw, op)
    )
    if name not in facts:
        return Outcome(Result.UNKNOWN, "fact", (name,), name, op, expected)
    value = facts[name]
    result = Result.PASS if _compare(value, op, expected) else Result.FAIL
    return Outcome(result, "fact", (), name, op, expected, value)


def _evaluate_sum(node: Mapping[str, Any], facts: Mapping[str, Any]) -> Outcome:
    names = list(node["sum"])
    op = "gte" if "gte" in node else "lte"
    threshold = parse_share(node[op], op)
    known = round(sum(facts[n] for n in names if n in facts), 6)
    missing = tuple(n for n in names if n not in facts)
    # Shares are never negative: what is stated can only grow when the rest is stated.
    if op == "gte":
        decided = Result.PASS if known >= threshold else None
        result = decided or (Result.UNKNOWN if missing else Result.FAIL)
    elif known > threshold:
        result = Result.FAIL
    else:
        result = Result.UNKNOWN if missing else Result.PASS
    return Outcome(
        result,
        "sum",
        missing if result == Result.UNKNOWN else (),
        ",".join(names),
        op,
        threshold,
        known,
    )


@dataclass(frozen=True)
class RuleOutcome:
    rule: Mapping[str, Any]
    outcome: Outcome

    @property
    def result(self) -> Result:
        return self.outcome.result


@dataclass(frozen=True)
class Evaluation:
    decision: Decision
    rules: tuple[RuleOutcome, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """The facts whose statement could still change the decision (none once decided)."""
        if self.decision != Decision.UNKNOWN:
            return ()
        return tuple(dict.fromkeys(m for r in self.rules for m in r.outcome.missing))


def evaluate_rules(rules: Sequence[Mapping[str, Any]], facts: Mapping[str, Any]) -> Evaluation:
    """Every rule must pass (``all`` over the rules); no rules at all is ``eligible``."""
    outcomes = tuple(RuleOutcome(rule, evaluate(rule["condition"], facts)) for rule in rules)
    combined = _combine_all([o.outcome for o in outcomes])
    return Evaluation(DECISION_OF[combined], outcomes)
