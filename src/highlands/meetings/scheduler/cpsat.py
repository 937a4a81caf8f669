"""The exact scheduler: LP relaxation for the bound, CP-SAT for the search, greedy warm starts.

Formulation (``formulation.py``; reasons in docs/decisions/0002-meeting-scheduler.md): one 0-1
candidate per request and slot where both people are available — no table variables, since
tables are interchangeable and a slot's tables are only its capacity; table numbers are given
afterwards (``assign_tables``). The objective is lexicographic, in two phases in one budget:

1. Maximise the sum of priorities. The LP relaxation (GLOP, with odd-set cuts against
   half-integral cycles) gives a proven bound; when its optimal vertex is integral it is an
   optimal schedule and the phase ends. Otherwise CP-SAT
   searches, hinted with the best of the quick schedule (given order and by priority) and the
   rounded LP, with the LP bound as a cut so it can stop as soon as it reaches it.
2. Minimise idle slots without changing the set of meetings: a local search moving single
   meetings (``compact.py``); then, when phase 1 is proven optimal, the model is not too big
   and time remains, CP-SAT with the priority sum fixed at the optimum, hinted with it.

``bound`` is the best proven upper bound on the priority sum (LP or CP-SAT).
"""

from __future__ import annotations

import time
from typing import Any

from ortools.sat.python import cp_model

from .compact import compact
from .formulation import Formulation
from .greedy import greedy_slots
from .instance import Instance
from .lp import round_relaxation, solve_relaxation
from .schedule import Schedule, build_schedule, idle_slots, simple_bound

#: Time kept back from the budget for numbering tables and checking the result.
_RESERVE_S = 0.05
#: Above this many candidates, phase 2 is the local search alone: building CP-SAT's idle model
#: (about as many auxiliary variables again) would take longer than it could save.
PHASE2_MAX_CANDIDATES = 20_000
#: CP-SAT model build time, as a multiple of the formulation's (measured: 3-4x at 2,000).
_SAT_BUILD_FACTOR = 4.0
#: Share of the budget the LP relaxation may take: at 2,000 participants nothing else reaches
#: the optimum (CP-SAT alone cannot load that model in time), on small events it needs little.
_LP_SHARE = 0.8


def schedule_optimal(
    instance: Instance,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    minimise_idle: bool = True,
    log: bool = False,
) -> Schedule:
    """Maximise the priority sum, then minimise idle slots, within ``time_limit`` seconds."""
    started = time.monotonic()
    deadline = started + time_limit
    form = Formulation(instance)
    # Building the CP-SAT model costs a few times building the formulation; a search that
    # could not even be built before the deadline is not started.
    sat_build_s = _SAT_BUILD_FACTOR * (time.monotonic() - started)
    stats: dict[str, Any] = {"candidates": len(form), "rows": len(form.rows)}

    starts = {
        "greedy": form.candidates_of(greedy_slots(instance)),
        "greedy_priority": form.candidates_of(greedy_slots(instance, by_priority=True)),
    }
    stats["greedy_objective"] = form.published_value + _weight(form, starts["greedy"])
    bound = simple_bound(instance) - form.published_value
    relaxation = solve_relaxation(form, time_limit=_remaining(deadline) * _LP_SHARE)
    proven = False
    stats["odd_set_cuts"] = len(form.rows) - stats["rows"]
    if relaxation is not None:
        bound = min(bound, relaxation.bound)
        stats["lp_bound"] = form.published_value + relaxation.bound
        stats["lp_integral"] = relaxation.integral
        if relaxation.integral:
            starts["lp"] = [c for c, v in enumerate(relaxation.values) if v > 0.5]
        else:
            starts["lp_rounded"] = round_relaxation(form, relaxation.values)
    stats["lp_ms"] = _elapsed_ms(started)
    source = max(starts, key=lambda name: _weight(form, starts[name]))
    chosen = starts[source]
    stats["start"] = source
    proven = _weight(form, chosen) >= bound

    if not proven and _remaining(deadline) > 2 * _RESERVE_S + sat_build_s:
        built = time.monotonic()
        model = _SatModel(form, upper=bound)
        model.hint(chosen)
        solver = _solver(
            deadline, workers=workers, seed=seed, log=log, keep=time.monotonic() - built
        )
        status = solver.solve(model.model)
        stats["phase1_status"] = solver.status_name(status)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = model.chosen(solver)
            if _weight(form, found) > _weight(form, chosen):
                chosen = found
            bound = min(bound, int(solver.best_objective_bound + 1e-6))
        elif status == cp_model.UNKNOWN:
            pass  # stopped before its first solution: its bound is 0, not a proof
        else:  # the empty schedule is always feasible
            raise AssertionError(f"CP-SAT: {solver.status_name(status)} on a schedulable model")
        proven = _weight(form, chosen) >= bound
    stats["phase1_ms"] = _elapsed_ms(started)

    slot_of = form.slots_of(chosen)
    if minimise_idle:
        stats["idle_before"] = idle_slots(instance, slot_of)
        slot_of = compact(instance, slot_of, deadline=deadline - _RESERVE_S)
        stats["idle_local_search"] = idle_slots(instance, slot_of)
        stats["local_search_ms"] = _elapsed_ms(started)
        if (
            proven
            and stats["idle_local_search"] > 0
            and len(form) <= PHASE2_MAX_CANDIDATES
            and _remaining(deadline) > 2 * _RESERVE_S + 2 * sat_build_s
        ):
            built = time.monotonic()
            model = _SatModel(form, upper=None)
            model.fix_weight_and_minimise_idle(_weight(form, chosen), slot_of)
            solver = _solver(
                deadline, workers=workers, seed=seed, log=log, keep=time.monotonic() - built
            )
            status = solver.solve(model.model)
            stats["phase2_status"] = solver.status_name(status)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                candidate = form.slots_of(model.chosen(solver))
                if idle_slots(instance, candidate) <= stats["idle_local_search"]:
                    slot_of = candidate
    return build_schedule(
        instance,
        slot_of,
        algorithm="cp-sat",
        bound=form.published_value + bound,
        took_ms=_elapsed_ms(started),
        stats=stats,
    )


def _weight(form: Formulation, chosen: list[int]) -> int:
    return sum(form.weight[c] for c in chosen)


def _remaining(deadline: float) -> float:
    return deadline - time.monotonic()


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _solver(
    deadline: float, *, workers: int, seed: int, log: bool, keep: float = 0.0
) -> cp_model.CpSolver:
    """A solver that stops in time; ``keep``: seconds the model took to build, kept back again
    because handing it over and reading the answer back cost about as much and are not
    counted by CP-SAT's own clock."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, _remaining(deadline) - _RESERVE_S - keep)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    return solver


class _SatModel:
    """The formulation as a CP-SAT model (one Boolean per candidate)."""

    def __init__(self, form: Formulation, *, upper: int | None) -> None:
        self.form = form
        self.model = cp_model.CpModel()
        new_var = self.model.new_bool_var
        self.x = [new_var("") for _ in range(len(form))]
        for row in form.rows:
            members = [self.x[m] for m in row.members]
            if row.rhs == 1:
                self.model.add_at_most_one(members)
            else:
                self.model.add(cp_model.LinearExpr.sum(members) <= row.rhs)
        self.weight = cp_model.LinearExpr.weighted_sum(self.x, form.weight)
        if upper is not None:
            self.model.add(self.weight <= upper)  # the LP's proven bound, as a cut
        self.model.maximize(self.weight)
        self._aux: list[tuple[cp_model.IntVar, int]] = []  # phase-2 variables and their hints

    def hint(self, chosen: list[int]) -> None:
        """Suggest a complete solution."""
        self.model.clear_hints()
        picked = set(chosen)
        for c, var in enumerate(self.x):
            self.model.add_hint(var, c in picked)
        for var, value in self._aux:
            self.model.add_hint(var, value)

    def chosen(self, solver: cp_model.CpSolver) -> list[int]:
        values = solver.response_proto.solution
        return [c for c, var in enumerate(self.x) if values[var.index]]

    def fix_weight_and_minimise_idle(self, weight: int, slot_of: dict[int, int]) -> None:
        """Phase 2: keep the priority sum at ``weight``, minimise idle slots (as
        ``schedule.idle_slots`` counts them), hinted with the schedule ``slot_of``."""
        form = self.form
        model = self.model
        instance = form.instance
        model.add(self.weight >= weight)
        hinted_busy: set[tuple[int, int]] = set()
        for index, slot in slot_of.items():
            hinted_busy.add((instance.requests[index].a, slot))
            hinted_busy.add((instance.requests[index].b, slot))
        idle_terms: list[cp_model.IntVar] = []
        for person, participant in enumerate(instance.participants):
            timeline = sorted(participant.available)
            could_meet = [
                s
                for s in timeline
                if (person, s) in form.busy or form.by_person_slot.get((person, s))
            ]
            if len(could_meet) < 2:
                continue
            timeline = [s for s in timeline if could_meet[0] <= s <= could_meet[-1]]
            meets: list[Any] = [  # 1 (published) or a sum of candidates
                1
                if (person, s) in form.busy
                else cp_model.LinearExpr.sum(
                    [self.x[c] for c in form.by_person_slot.get((person, s), [])]
                )
                for s in timeline
            ]
            hinted = [(person, s) in hinted_busy for s in timeline]
            # before[i]: a meeting at or before position i; after[i]: at or after it.
            before = [model.new_bool_var("") for _ in timeline]
            after = [model.new_bool_var("") for _ in timeline]
            for i in range(len(timeline)):
                model.add(before[i] >= meets[i])
                model.add(after[i] >= meets[i])
                if i:
                    model.add(before[i] >= before[i - 1])
                    model.add(after[i - 1] >= after[i])
                self._aux.append((before[i], int(any(hinted[: i + 1]))))
                self._aux.append((after[i], int(any(hinted[i:]))))
            for i in range(1, len(timeline) - 1):
                idle = model.new_bool_var("")
                model.add(idle >= before[i - 1] + after[i + 1] - meets[i] - 1)
                idle_terms.append(idle)
                value = any(hinted[:i]) and any(hinted[i + 1 :]) and not hinted[i]
                self._aux.append((idle, int(value)))
        model.minimize(cp_model.LinearExpr.sum(idle_terms))
        self.hint(form.candidates_of(slot_of))
