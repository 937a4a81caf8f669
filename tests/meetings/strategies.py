"""Hypothesis strategies for scheduling instances, and a brute-force reference solver."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from highlands.meetings.scheduler import Instance, idle_slots, objective_value


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_people: int = 7,
    max_slots: int = 5,
    max_tables: int = 3,
    max_requests: int = 12,
    published: bool = True,
    dense: bool = False,
) -> dict[str, Any]:
    """A valid instance in the CLI's JSON shape, sometimes with published meetings.

    ``dense``: everyone is available in all slots but at most one, and most pairs ask to
    meet — the shape where idle slots and fractional LP relaxations show up."""
    slots = [f"s{i + 1}" for i in range(draw(st.integers(1, max_slots)))]
    tables = draw(st.integers(1, max_tables))
    count = draw(st.integers(2, max_people))
    people: list[dict[str, Any]] = []
    for i in range(count):
        if dense:
            away = draw(st.one_of(st.none(), st.sampled_from(slots)))
            available = [s for s in slots if s != away]
        else:
            available = draw(st.lists(st.sampled_from(slots), unique=True))
        person: dict[str, Any] = {"id": f"p{i + 1}", "available": available}
        if draw(st.booleans()):
            person["max_meetings"] = draw(st.integers(0, 4))
        people.append(person)
    pairs = [(a, b) for a in range(count) for b in range(a + 1, count)]
    chosen = draw(
        st.lists(
            st.sampled_from(pairs),
            unique=True,
            min_size=min(len(pairs), max_requests) // 2 if dense else 0,
            max_size=max_requests,
        )
    )
    requests: list[dict[str, Any]] = []
    for k, (a, b) in enumerate(chosen):
        if draw(st.booleans()):
            a, b = b, a
        request: dict[str, Any] = {"id": f"r{k + 1}", "a": people[a]["id"], "b": people[b]["id"]}
        priority = draw(st.one_of(st.none(), st.integers(1, 3)))
        if priority is not None:
            request["priority"] = priority
        requests.append(request)
    if published:
        _publish_some(draw, slots, tables, people, requests)
    return {"slots": slots, "tables_per_slot": tables, "participants": people, "requests": requests}


def _publish_some(draw, slots, tables, people, requests) -> None:
    """Give some requests a published (slot, table) that keeps every hard constraint."""
    by_id = {p["id"]: p for p in people}
    busy: set[tuple[str, str]] = set()
    taken: set[tuple[str, int]] = set()
    count: dict[str, int] = {}
    for request in requests:
        if not draw(st.booleans()):
            continue
        a, b = by_id[request["a"]], by_id[request["b"]]
        common = [s for s in slots if s in a["available"] and s in b["available"]]
        if not common:
            continue
        slot = draw(st.sampled_from(common))
        free = [t for t in range(1, tables + 1) if (slot, t) not in taken]
        within_caps = all(count.get(p["id"], 0) < p.get("max_meetings", 99) for p in (a, b))
        if not free or (a["id"], slot) in busy or (b["id"], slot) in busy or not within_caps:
            continue
        table = draw(st.sampled_from(free))
        request["published"] = {"slot": slot, "table": table}
        taken.add((slot, table))
        for p in (a, b):
            busy.add((p["id"], slot))
            count[p["id"]] = count.get(p["id"], 0) + 1


def brute_force(instance: Instance) -> tuple[int, int]:
    """(best priority sum, fewest idle slots among schedules with that sum), by enumeration."""
    requests = instance.requests
    caps = [p.max_meetings for p in instance.participants]
    best = (-1, 0)
    slot_of: dict[int, int] = {}
    busy: set[tuple[int, int]] = set()
    per_slot = [0] * len(instance.slots)
    meetings = [0] * len(instance.participants)

    def place(index: int, slot: int) -> bool:
        r = requests[index]
        if (r.a, slot) in busy or (r.b, slot) in busy:
            return False
        if per_slot[slot] >= instance.tables_per_slot:
            return False
        for end in (r.a, r.b):
            if caps[end] is not None and meetings[end] >= caps[end]:
                return False
        busy.update({(r.a, slot), (r.b, slot)})
        per_slot[slot] += 1
        meetings[r.a] += 1
        meetings[r.b] += 1
        slot_of[index] = slot
        return True

    def unplace(index: int) -> None:
        r = requests[index]
        slot = slot_of.pop(index)
        busy.difference_update({(r.a, slot), (r.b, slot)})
        per_slot[slot] -= 1
        meetings[r.a] -= 1
        meetings[r.b] -= 1

    def walk(index: int) -> None:
        nonlocal best
        if index == len(requests):
            value = (objective_value(instance, slot_of), -idle_slots(instance, slot_of))
            best = max(best, value)
            return
        request = requests[index]
        if request.published is not None:  # placed before the walk
            walk(index + 1)
            return
        walk(index + 1)
        for slot in instance.common_slots[index]:
            if place(index, slot):
                walk(index + 1)
                unplace(index)

    for index, request in enumerate(requests):
        if request.published is not None:
            assert place(index, request.published.slot)
    walk(0)
    return best[0], -best[1]
