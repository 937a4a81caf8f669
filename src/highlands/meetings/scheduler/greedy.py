"""The baseline: b2match's "quick schedule" — each request gets the first common free slot.

Published meetings are placed first, where they are. The other requests are taken in the
order given (for an event: the order they were accepted in, as b2match schedules each meeting
when it is accepted, blind to priorities) and each goes into the earliest slot where both
people are available and free, a table is free and neither has reached their cap; a request
with no such slot stays unscheduled. ``by_priority=True`` takes higher priorities first (a
stronger variant, used as one of the exact solver's warm starts and reported beside the
baseline in the benchmarks).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from .instance import Instance
from .schedule import Schedule, build_schedule, simple_bound


def greedy_slots(
    instance: Instance, *, by_priority: bool = False, order: Sequence[int] | None = None
) -> dict[int, int]:
    """Request index -> slot index of the quick schedule (``order``: request indices to try)."""
    busy: set[tuple[int, int]] = set()  # (participant, slot)
    used_tables = [0] * len(instance.slots)
    meetings = [0] * len(instance.participants)
    slot_of: dict[int, int] = {}
    for index, request in enumerate(instance.requests):
        if request.published is not None:
            slot = request.published.slot
            slot_of[index] = slot
            busy.add((request.a, slot))
            busy.add((request.b, slot))
            used_tables[slot] += 1
            meetings[request.a] += 1
            meetings[request.b] += 1
    if order is None:
        order = [i for i, r in enumerate(instance.requests) if r.published is None]
        if by_priority:
            order.sort(key=lambda i: -instance.requests[i].priority)  # stable: ties keep order
    never = len(instance.slots)  # no cap: nobody meets more often than there are slots
    caps = [never if p.max_meetings is None else p.max_meetings for p in instance.participants]
    for index in order:
        request = instance.requests[index]
        if index in slot_of:
            continue
        a, b = request.a, request.b
        if meetings[a] >= caps[a] or meetings[b] >= caps[b]:
            continue
        for slot in instance.common_slots[index]:
            if (
                used_tables[slot] < instance.tables_per_slot
                and (a, slot) not in busy
                and (b, slot) not in busy
            ):
                slot_of[index] = slot
                busy.add((a, slot))
                busy.add((b, slot))
                used_tables[slot] += 1
                meetings[a] += 1
                meetings[b] += 1
                break
    return slot_of


def schedule_greedy(instance: Instance, *, by_priority: bool = False) -> Schedule:
    """The quick schedule, with tables, its value and a simple upper bound (no search)."""
    started = time.monotonic()
    slot_of = greedy_slots(instance, by_priority=by_priority)
    return build_schedule(
        instance,
        slot_of,
        algorithm="greedy-priority" if by_priority else "greedy",
        bound=simple_bound(instance),
        took_ms=round((time.monotonic() - started) * 1000),
    )
