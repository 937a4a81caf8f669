"""The LP relaxation (OR-Tools GLOP): a proven upper bound and a guide for rounding.

On the congested events we generate the relaxation's optimal vertex is usually integral, and
then it *is* an optimal schedule. The bound is not read off the LP's reported value: it is
recomputed from the row duals as a Lagrangian bound, ``sum(rhs * y) + sum(max(0, w - A'y))``,
which is a valid upper bound for *any* ``y >= 0`` — so solver tolerances can weaken it but
never make it claim more than is true.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp

from .formulation import Formulation, Row

_INTEGRAL = 1e-6


@dataclass(frozen=True)
class Relaxation:
    values: list[float]  # per candidate, in [0, 1]
    bound: int  # proven upper bound on the candidates' total weight
    integral: bool  # every value is 0 or 1 (within 1e-6)


def solve_relaxation(
    formulation: Formulation, *, time_limit: float, cut_rounds: int = 5
) -> Relaxation | None:
    """Solve the LP relaxation within ``time_limit`` seconds; None when it could not.

    A fractional optimum is usually an odd cycle of half meetings in one slot; up to
    ``cut_rounds`` times, the odd-set rows that cut it off are added to the formulation (so
    CP-SAT gets them too) and the LP is solved again."""
    count = len(formulation)
    if count == 0:
        return Relaxation(values=[], bound=0, integral=True)
    deadline = time.monotonic() + time_limit
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        return None
    # Built as one protobuf message: ~6x faster than a Python call per coefficient.
    model = linear_solver_pb2.MPModelProto(maximize=True)
    add_variable = model.variable.add
    for weight in formulation.weight:
        add_variable(lower_bound=0.0, upper_bound=1.0, objective_coefficient=weight)
    for row in formulation.rows:
        constraint = model.constraint.add(lower_bound=-math.inf, upper_bound=row.rhs)
        constraint.var_index.extend(row.members)
        constraint.coefficient.extend([1.0] * len(row.members))
    if solver.LoadModelFromProto(model):  # a non-empty string is an error
        return None
    variables: list[pywraplp.Variable] = []
    result: Relaxation | None = None
    for _ in range(cut_rounds + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        solver.SetTimeLimit(max(1, int(remaining * 1000)))
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            break
        response = linear_solver_pb2.MPSolutionResponse()
        solver.FillSolutionResponseProto(response)
        values = np.clip(np.asarray(response.variable_value, dtype=float), 0.0, 1.0).tolist()
        duals = np.clip(np.asarray(response.dual_value, dtype=float), 0.0, None)
        bound = _lagrangian_bound(formulation, duals)
        if result is not None:
            bound = min(bound, result.bound)
        integral = all(v < _INTEGRAL or v > 1 - _INTEGRAL for v in values)
        result = Relaxation(values=values, bound=bound, integral=integral)
        cuts = [] if integral else odd_set_cuts(formulation, values)
        if not cuts:
            break
        formulation.rows.extend(cuts)
        variables = variables or solver.variables()
        for row in cuts:
            constraint = solver.Constraint(-solver.infinity(), row.rhs)
            for member in row.members:
                constraint.SetCoefficient(variables[member], 1.0)
    return result


def odd_set_cuts(formulation: Formulation, values: list[float]) -> list[Row]:
    """Violated odd-set rows: in one slot, people of an odd set ``S`` can hold at most
    ``(|S| - 1) / 2`` meetings among themselves (a matching). ``S``: each connected group of
    people joined by fractional candidates in that slot."""
    instance = formulation.instance
    joined: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for c, value in enumerate(values):
        if _INTEGRAL < value < 1 - _INTEGRAL:
            request = instance.requests[formulation.request[c]]
            graph = joined[formulation.slot[c]]
            graph[request.a].add(request.b)
            graph[request.b].add(request.a)
    cuts: list[Row] = []
    for slot, graph in joined.items():
        seen: set[int] = set()
        for start in graph:
            if start in seen:
                continue
            group, stack = {start}, [start]
            while stack:
                for other in graph[stack.pop()]:
                    if other not in group:
                        group.add(other)
                        stack.append(other)
            seen |= group
            if len(group) % 2 == 0:
                continue
            members = sorted(
                {
                    c
                    for person in group
                    for c in formulation.by_person_slot.get((person, slot), ())
                    if instance.requests[formulation.request[c]].a in group
                    and instance.requests[formulation.request[c]].b in group
                }
            )
            rhs = (len(group) - 1) // 2
            if sum(values[c] for c in members) > rhs + 1e-6:
                cuts.append(Row(tuple(members), rhs))
    return cuts


def _lagrangian_bound(formulation: Formulation, duals: np.ndarray) -> int:
    """``sum(rhs * y) + sum(max(0, w - A'y))`` for packing rows with unit coefficients."""
    if not formulation.rows:
        return sum(formulation.weight)
    rhs = np.array([row.rhs for row in formulation.rows], dtype=float)
    members = np.concatenate([np.asarray(row.members, dtype=np.int64) for row in formulation.rows])
    lengths = np.array([len(row.members) for row in formulation.rows])
    priced = np.zeros(len(formulation))
    np.add.at(priced, members, np.repeat(duals, lengths))
    reduced = np.asarray(formulation.weight, dtype=float) - priced
    value = float(rhs @ duals) + float(np.clip(reduced, 0.0, None).sum())
    # Weights are whole numbers, so is the optimum: round down, keeping a hair for float error.
    return math.floor(value + 1e-6 * max(1.0, value))


def round_relaxation(formulation: Formulation, values: list[float]) -> list[int]:
    """Candidates by LP value (then weight), each kept while it breaks no row; then the rest
    by weight and earliest slot, as the quick schedule would."""
    guided = sorted(
        (c for c in range(len(formulation)) if values[c] > _INTEGRAL),
        key=lambda c: (-values[c], -formulation.weight[c]),
    )
    rest = sorted(
        (c for c in range(len(formulation)) if values[c] <= _INTEGRAL),
        key=lambda c: (-formulation.weight[c], formulation.request[c], formulation.slot[c]),
    )
    return pack(formulation, guided + rest)


def pack(formulation: Formulation, order: list[int]) -> list[int]:
    """Take candidates in ``order`` while every row they are in has room."""
    room = [row.rhs for row in formulation.rows]
    rows_of: list[list[int]] = [[] for _ in range(len(formulation))]
    for r, row in enumerate(formulation.rows):
        for member in row.members:
            rows_of[member].append(r)
    chosen: list[int] = []
    for candidate in order:
        if all(room[r] > 0 for r in rows_of[candidate]):
            for r in rows_of[candidate]:
                room[r] -= 1
            chosen.append(candidate)
    return chosen
