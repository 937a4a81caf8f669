"""Property tests of the three-valued engine: random rule trees over partial facts.

An unknown never turns into a pass or a fail by itself: whatever the engine decides from
partial facts holds for every way of stating the missing ones; with every fact stated it is
never unknown; and it names as missing only facts the rule reads and nobody stated.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from highlands.funding import engine

SHARES = [f"revenue_shares.{s}" for s in engine.REVENUE_SOURCES]
VOIVODESHIPS = sorted(engine.VOIVODESHIPS)
SIZES = list(engine.SIZE_CLASSES)

# Every fact a random rule may read, with a strategy for its value.
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "voivodeship": st.sampled_from(VOIVODESHIPS),
    "size_class": st.sampled_from(SIZES),
    "employees": st.integers(0, 500),
    "nace_codes": st.lists(st.sampled_from(["25.62", "25.11", "86.10", "62.01"]), max_size=3),
    SHARES[0]: st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.4, 0.5]),
    SHARES[1]: st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.4, 0.5]),
}

leaves = st.one_of(
    st.builds(
        lambda vs: {"fact": "voivodeship", "in": vs},
        st.lists(st.sampled_from(VOIVODESHIPS), min_size=1, max_size=4),
    ),
    st.builds(lambda v: {"fact": "size_class", "eq": v}, st.sampled_from(SIZES)),
    st.builds(lambda n: {"fact": "employees", "gte": n}, st.integers(0, 500)),
    st.builds(lambda n: {"fact": "employees", "lte": n}, st.integers(0, 500)),
    st.builds(
        lambda ps: {"fact": "nace_codes", "prefix": ps},
        st.lists(st.sampled_from(["25", "86", "62.0"]), min_size=1, max_size=2),
    ),
    st.builds(
        lambda names, t, op: {"sum": names, op: t},
        st.lists(st.sampled_from(SHARES), min_size=1, max_size=2, unique=True),
        st.sampled_from([0.0, 0.2, 0.4, 0.6, 1.0]),
        st.sampled_from(["gte", "lte"]),
    ),
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda ps: {"all": ps}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda ps: {"any": ps}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda p: {"not": p}, inner),
    ),
    max_leaves=8,
)
full_facts = st.fixed_dictionaries(VALUES)


def _facts_read(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["fact"]} if "fact" in node else set()
        found |= set(node.get("sum", []))
        for key in ("all", "any"):
            for part in node.get(key, []):
                found |= _facts_read(part)
        if "not" in node:
            found |= _facts_read(node["not"])
        return found
    return set()


def _rule(tree: Any) -> list[dict[str, Any]]:
    return engine.check_rules([{"id": "r", "title": {"en": "R", "pl": "R"}, "condition": tree}])


@settings(max_examples=400, deadline=None)
@given(
    tree=trees, facts=full_facts, hidden=st.sets(st.sampled_from(sorted(VALUES))), data=st.data()
)
def test_a_decision_from_partial_facts_holds_for_every_completion(tree, facts, hidden, data):
    rule = _rule(tree)[0]["condition"]
    partial = {k: v for k, v in facts.items() if k not in hidden}
    shown = engine.evaluate(rule, partial)
    # Any other completion of the hidden facts, drawn independently.
    other = dict(partial)
    for name in hidden:
        other[name] = data.draw(VALUES[name])
    completed = engine.evaluate(rule, other)
    assert completed.result != engine.Result.UNKNOWN
    if shown.result != engine.Result.UNKNOWN:
        assert completed.result == shown.result


@settings(max_examples=300, deadline=None)
@given(tree=trees, facts=full_facts, hidden=st.sets(st.sampled_from(sorted(VALUES))))
def test_missing_names_only_unstated_facts_the_rule_reads(tree, facts, hidden):
    rule = _rule(tree)[0]["condition"]
    partial = {k: v for k, v in facts.items() if k not in hidden}
    outcome = engine.evaluate(rule, partial)
    assert set(outcome.missing) <= _facts_read(tree) & hidden
    if outcome.result == engine.Result.UNKNOWN:
        assert outcome.missing  # an unknown always says what it is waiting for
    if not hidden & _facts_read(tree):
        assert outcome.result != engine.Result.UNKNOWN


@settings(max_examples=200, deadline=None)
@given(tree=trees, facts=full_facts, hidden=st.sets(st.sampled_from(sorted(VALUES))))
def test_not_swaps_pass_and_fail_and_keeps_unknown(tree, facts, hidden):
    rule = _rule(tree)[0]["condition"]
    partial = {k: v for k, v in facts.items() if k not in hidden}
    plain = engine.evaluate(rule, partial).result
    negated = engine.evaluate({"not": rule}, partial).result
    swap = {"pass": "fail", "fail": "pass", "unknown": "unknown"}
    assert negated == swap[plain]
