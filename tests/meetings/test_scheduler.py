"""Property-based tests of both schedulers on generated instances: every hard constraint,
the value and bound they report, published meetings, and optimality against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from highlands.meetings.scheduler import (
    Instance,
    cpsat,
    idle_slots,
    objective_value,
    parse_instance,
    schedule_greedy,
    schedule_optimal,
    violations,
)
from highlands.meetings.scheduler.compact import compact
from highlands.meetings.scheduler.formulation import Formulation, Row
from highlands.meetings.scheduler.greedy import greedy_slots
from highlands.meetings.scheduler.lp import _lagrangian_bound, odd_set_cuts, solve_relaxation
from highlands.meetings.scheduler.schedule import build_schedule

from .strategies import brute_force, instances

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(instance: Instance, schedule) -> None:
    """Hard constraints, value, bound and published meetings of one schedule."""
    assert violations(instance, schedule.assignments) == []
    slot_of = {a.request: a.slot for a in schedule.assignments}
    assert len(slot_of) == len(schedule.assignments)
    assert schedule.objective == objective_value(instance, slot_of)
    assert schedule.idle_slots == idle_slots(instance, slot_of)
    assert schedule.bound >= schedule.objective
    assert (schedule.status == "optimal") == (schedule.objective == schedule.bound)
    placed = {a.request: (a.slot, a.table) for a in schedule.assignments}
    for index, request in enumerate(instance.requests):
        if request.published is not None:
            assert placed[index] == (request.published.slot, request.published.table)
    tables = [a.table for a in schedule.assignments]
    assert all(1 <= t <= instance.tables_per_slot for t in tables)


@PROPERTY
@given(instances())
def test_greedy_keeps_every_hard_constraint(data):
    instance = parse_instance(data)
    check(instance, schedule_greedy(instance))
    check(instance, schedule_greedy(instance, by_priority=True))


@PROPERTY
@given(instances())
def test_exact_scheduler_keeps_every_hard_constraint_and_beats_greedy(data):
    instance = parse_instance(data)
    optimal = schedule_optimal(instance, time_limit=10)
    check(instance, optimal)
    # Tiny instances are always proven within the limit, so greedy can never do better.
    assert optimal.status == "optimal"
    assert schedule_greedy(instance).objective <= optimal.objective
    assert schedule_greedy(instance, by_priority=True).objective <= optimal.objective


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        instances(max_people=4, max_slots=6, max_tables=2, max_requests=6, dense=True),
        instances(max_people=5, max_slots=3, max_tables=2, max_requests=7, dense=True),
        instances(max_people=5, max_slots=3, max_tables=2, max_requests=6),
    )
)
def test_exact_scheduler_is_lexicographically_optimal(data):
    """Best priority sum, then fewest idle slots, exactly as exhaustive enumeration finds
    (dense instances, where idle slots remain after the local search and CP-SAT's phase 2
    has to remove them)."""
    instance = parse_instance(data)
    best, fewest_idle = brute_force(instance)
    schedule = schedule_optimal(instance, time_limit=10)
    assert schedule.objective == best
    assert schedule.bound == best
    assert schedule.idle_slots == fewest_idle


@PROPERTY
@given(instances(), st.randoms(use_true_random=False))
def test_idle_search_keeps_the_meetings_and_never_adds_idle_slots(data, rng):
    instance = parse_instance(data)
    order = list(range(len(instance.requests)))
    rng.shuffle(order)
    start = greedy_slots(instance, order=order)
    moved = compact(instance, start, deadline=float("inf"))
    assert moved.keys() == start.keys()
    assert idle_slots(instance, moved) <= idle_slots(instance, start)
    check(instance, build_schedule(instance, moved, algorithm="test", bound=10**9, took_ms=0))


@PROPERTY
@given(instances(), st.lists(st.floats(0, 3), min_size=200, max_size=200))
def test_lagrangian_bound_holds_for_any_multipliers(data, multipliers):
    """The bound is recomputed from the duals and must be valid whatever they are."""
    instance = parse_instance(data)
    form = Formulation(instance)
    duals = np.array([multipliers[i % 200] for i in range(len(form.rows))])
    best, _ = brute_force_small(instance)
    if form.rows:
        assert form.published_value + _lagrangian_bound(form, duals) >= best
    assert _lagrangian_bound(form, np.zeros(len(form.rows))) == sum(form.weight)


def brute_force_small(instance: Instance) -> tuple[int, int]:
    if len(instance.requests) > 7:  # keep the enumeration small; the optimum is proven anyway
        schedule = schedule_optimal(instance, time_limit=10)
        assert schedule.status == "optimal"
        return schedule.objective, schedule.idle_slots
    return brute_force(instance)


def _instance(slots, tables, people, requests) -> Instance:
    return parse_instance(
        {
            "slots": slots,
            "tables_per_slot": tables,
            "participants": [{"id": p, "available": a} for p, a in people.items()],
            "requests": [{"id": f"r{i + 1}", "a": a, "b": b} for i, (a, b) in enumerate(requests)],
        }
    )


def test_a_fractional_relaxation_is_closed_by_cp_sat():
    """Two triangles of people who may each meet once: the LP gives every pair half a meeting
    (3), spread over slots so no one-slot odd-set row cuts it; only 2 meetings fit, and CP-SAT
    has to prove it."""
    data = _instance([], 1, {}, []).to_json()
    data["slots"] = ["s1", "s2", "s3"]
    data["tables_per_slot"] = 6
    data["participants"] = [
        {"id": p, "available": ["s1", "s2", "s3"], "max_meetings": 1} for p in "abcdef"
    ]
    pairs = ["ab", "bc", "ac", "de", "ef", "df"]
    data["requests"] = [{"id": f"r{i}", "a": p[0], "b": p[1]} for i, p in enumerate(pairs)]
    instance = parse_instance(data)
    schedule = schedule_optimal(instance, time_limit=10)
    check(instance, schedule)
    assert schedule.objective == 2
    assert schedule.status == "optimal"
    assert schedule.stats["lp_bound"] == 3
    assert schedule.stats["phase1_status"] == "OPTIMAL"


def test_one_slot_odd_rings_are_cut_off():
    """Three people who all want to meet each other in two slots: half of every pair in each
    slot is LP-optimal (3) until the odd-set rows allow one meeting per slot among them."""
    instance = _instance(
        ["s1", "s2"],
        5,
        {"a": ["s1", "s2"], "b": ["s1", "s2"], "c": ["s1", "s2"]},
        [("a", "b"), ("b", "c"), ("a", "c")],
    )
    schedule = schedule_optimal(instance, time_limit=10)
    check(instance, schedule)
    assert schedule.objective == 2
    assert schedule.status == "optimal"
    assert schedule.stats["lp_bound"] == 2


def test_quick_schedule_takes_the_first_common_free_slot_in_the_given_order():
    """b2match's rule: r1 takes s1 (the first slot both have), which leaves r2 nothing;
    the exact scheduler puts r1 in s2 and schedules both."""
    instance = _instance(
        ["s1", "s2"],
        2,
        {"a": ["s1", "s2"], "b": ["s1", "s2"], "c": ["s1"]},
        [("a", "b"), ("a", "c")],
    )
    greedy = schedule_greedy(instance)
    assert [(a.request, a.slot, a.table) for a in greedy.assignments] == [(0, 0, 1)]
    optimal = schedule_optimal(instance, time_limit=10)
    assert {(a.request, a.slot) for a in optimal.assignments} == {(0, 1), (1, 0)}
    assert optimal.objective == 2


def test_quick_schedule_by_priority_takes_higher_priorities_first():
    data = _instance(["s1"], 1, {"a": ["s1"], "b": ["s1"], "c": ["s1"]}, []).to_json()
    data["requests"] = [
        {"id": "low", "a": "a", "b": "b"},
        {"id": "high", "a": "a", "b": "c", "priority": 3},
    ]
    instance = parse_instance(data)
    assert [a.request for a in schedule_greedy(instance).assignments] == [0]
    assert [a.request for a in schedule_greedy(instance, by_priority=True).assignments] == [1]


def test_tables_are_numbered_from_one_around_published_ones():
    data = _instance(
        ["s1"], 3, {"a": ["s1"], "b": ["s1"], "c": ["s1"], "d": ["s1"]}, [("a", "b"), ("c", "d")]
    ).to_json()
    data["requests"][1]["published"] = {"slot": "s1", "table": 1}
    instance = parse_instance(data)
    for schedule in (schedule_greedy(instance), schedule_optimal(instance, time_limit=10)):
        assert sorted((a.request, a.table) for a in schedule.assignments) == [(0, 2), (1, 1)]


def test_a_tiny_time_limit_still_returns_a_checked_schedule():
    instance = _instance(
        [f"s{i}" for i in range(6)],
        3,
        {f"p{i}": [f"s{j}" for j in range(6) if (i + j) % 4] for i in range(12)},
        [(f"p{i}", f"p{j}") for i in range(12) for j in range(i + 1, 12) if (i * j) % 3 == 1],
    )
    schedule = schedule_optimal(instance, time_limit=0.001)
    check(instance, schedule)
    assert schedule.objective >= schedule_greedy(instance).objective


def test_a_search_stopped_before_its_first_solution_proves_nothing(monkeypatch):
    """CP-SAT stopped before any solution reports a bound of 0; it must not be taken as a
    proof (it once made a greedy schedule look optimal). Without the LP and with no time,
    the quick schedule (1 meeting) is returned as feasible, bound 2."""
    monkeypatch.setattr(cpsat, "solve_relaxation", lambda form, time_limit: None)
    statuses = []
    original = cpsat._solver

    def stopped_at_once(*args, **kwargs):
        solver = original(*args, **kwargs)
        solver.parameters.max_time_in_seconds = 0.0
        solver.parameters.stop_after_presolve = True
        statuses.append(solver)
        return solver

    monkeypatch.setattr(cpsat, "_solver", stopped_at_once)
    instance = _instance(
        ["s1", "s2"],
        2,
        {"a": ["s1", "s2"], "b": ["s1", "s2"], "c": ["s1"]},
        [("a", "b"), ("a", "c")],
    )
    schedule = schedule_optimal(instance, time_limit=10, minimise_idle=False)
    check(instance, schedule)
    assert statuses  # the search ran ...
    assert schedule.stats["phase1_status"] == "UNKNOWN"  # ... and stopped before a solution
    assert schedule.objective == 1
    assert schedule.bound == 2
    assert schedule.status == "feasible"


def test_odd_set_cuts_make_a_half_integral_relaxation_integral():
    """Five people in a ring of requests, one slot: the plain LP gives every pair half a
    meeting (2.5); the odd-set row (at most 2 meetings among 5 people) makes it integral."""
    people = {p: ["s1"] for p in "abcde"}
    ring = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "a")]
    form = Formulation(_instance(["s1"], 5, people, ring))
    plain = solve_relaxation(form, time_limit=10, cut_rounds=0)
    assert plain is not None
    assert not plain.integral
    assert plain.bound == 2  # floor(2.5)
    assert odd_set_cuts(form, plain.values) == [Row(tuple(range(5)), 2)]
    cut = solve_relaxation(Formulation(_instance(["s1"], 5, people, ring)), time_limit=10)
    assert cut is not None
    assert cut.integral
    assert cut.bound == 2
    assert sum(v for v in cut.values) == pytest.approx(2)
