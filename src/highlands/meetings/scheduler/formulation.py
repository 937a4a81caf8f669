"""The 0-1 formulation both the LP relaxation and CP-SAT are built from.

One candidate per (request, slot) where both people are available and neither is held by a
published meeting, in a slot with a table left. Published meetings are not candidates: they
are taken out of the people's slots, the slot capacities and the caps first. Every
constraint is a packing row ``sum of candidates <= rhs`` with unit coefficients:

- a request meets at most once;
- a person meets at most once per slot;
- a slot holds at most its free tables (only written when it could bind);
- a person meets at most their remaining cap (only written when it could bind).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .instance import Instance


@dataclass(frozen=True)
class Row:
    members: tuple[int, ...]  # candidate indices
    rhs: int


class Formulation:
    """Candidates (``request``, ``slot``, ``weight``) and their packing rows."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        people = instance.participants
        self.busy: set[tuple[int, int]] = set()  # (participant, slot) held by a published one
        published_in_slot = [0] * len(instance.slots)
        room = [p.max_meetings for p in people]  # remaining caps; None: no cap
        self.published: dict[int, int] = {}  # request index -> slot
        self.published_value = 0
        for index, request in enumerate(instance.requests):
            if request.published is None:
                continue
            slot = request.published.slot
            self.published[index] = slot
            published_in_slot[slot] += 1
            self.published_value += request.priority
            for end in (request.a, request.b):
                self.busy.add((end, slot))
                cap = room[end]
                if cap is not None:
                    room[end] = cap - 1

        self.request: list[int] = []
        self.slot: list[int] = []
        self.weight: list[int] = []
        self.rows: list[Row] = []
        self.by_person_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.of_request: dict[int, tuple[int, ...]] = {}
        by_slot: dict[int, list[int]] = defaultdict(list)
        by_person: dict[int, list[int]] = defaultdict(list)
        requests_of_person: dict[int, int] = defaultdict(int)
        tables = instance.tables_per_slot
        for index, request in enumerate(instance.requests):
            if request.published is not None or room[request.a] == 0 or room[request.b] == 0:
                continue
            own: list[int] = []
            for slot in instance.common_slots[index]:
                if (
                    (request.a, slot) in self.busy
                    or (request.b, slot) in self.busy
                    or published_in_slot[slot] >= tables
                ):
                    continue
                candidate = len(self.request)
                self.request.append(index)
                self.slot.append(slot)
                self.weight.append(request.priority)
                own.append(candidate)
                self.by_person_slot[request.a, slot].append(candidate)
                self.by_person_slot[request.b, slot].append(candidate)
                by_slot[slot].append(candidate)
            if not own:
                continue
            self.of_request[index] = tuple(own)
            self.rows.append(Row(tuple(own), 1))
            by_person[request.a].extend(own)
            by_person[request.b].extend(own)
            requests_of_person[request.a] += 1
            requests_of_person[request.b] += 1
        for group in self.by_person_slot.values():
            if len(group) > 1:
                self.rows.append(Row(tuple(group), 1))
        for slot, group in by_slot.items():
            capacity = tables - published_in_slot[slot]
            if len(group) > capacity:
                self.rows.append(Row(tuple(group), capacity))
        for person, group in by_person.items():
            cap = room[person]
            if cap is not None and requests_of_person[person] > cap:
                self.rows.append(Row(tuple(group), cap))

    def __len__(self) -> int:
        return len(self.request)

    def slots_of(self, chosen: list[int]) -> dict[int, int]:
        """Request index -> slot for chosen candidates, published meetings included."""
        slot_of = dict(self.published)
        for candidate in chosen:
            slot_of[self.request[candidate]] = self.slot[candidate]
        return slot_of

    def candidates_of(self, slot_of: dict[int, int]) -> list[int]:
        """The candidates a schedule uses (published meetings are not candidates)."""
        chosen = []
        for index, slot in slot_of.items():
            if index in self.published:
                continue
            for candidate in self.of_request.get(index, ()):
                if self.slot[candidate] == slot:
                    chosen.append(candidate)
                    break
        return chosen
