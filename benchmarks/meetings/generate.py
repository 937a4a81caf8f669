"""Congested brokerage events for the meeting-scheduler benchmarks (fixed seeds, no I/O).

The model of an event, written down before any tuning and kept fixed since:

- 24 slots (one day of 20-minute meetings) and one table per five participants.
- Availability: each person is away for 15-35 % of the slots (a quarter on average), as one
  block: late arrival (35 %), early departure (35 %), or a block in the middle (30 %, e.g. a
  pitch session or a meeting elsewhere).
- Requests: senders are drawn uniformly; targets by popularity, Zipf-like — the person of
  popularity rank k is chosen with weight k**-0.7, so a few exhibitors and investors are asked
  by far more people than they have slots for, which is what congests real brokerage events.
  No self-meetings, one request per pair. About 6-10 requests per person counting both ends.
- Priority 1 (70 %), 2 (20 %, mutual interest), 3 (10 %, organiser's choice).
- A cap on meetings for 30 % of the people, 4-10.

``changed`` makes the re-scheduling scenario: every meeting of a schedule is published, then
5 % of the requests change (half withdrawn, half new ones drawn the same way).
"""

from __future__ import annotations

import random
from itertools import accumulate
from typing import Any

SLOTS = 24
ZIPF_EXPONENT = 0.7
AWAY_SHARE = (0.15, 0.35)


def congested_event(
    participants: int,
    *,
    seed: int,
    requests: int | None = None,
    slots: int = SLOTS,
    tables: int | None = None,
) -> dict[str, Any]:
    """One instance in the CLI's JSON shape; ``requests`` defaults to 4 per person (≈ 8 ends)."""
    rng = random.Random(seed)
    slot_names = [f"s{i + 1:02d}" for i in range(slots)]
    people = [f"p{i + 1}" for i in range(participants)]
    entries = []
    for person in people:
        away = _away_block(rng, slots)
        entry: dict[str, Any] = {
            "id": person,
            "available": [name for i, name in enumerate(slot_names) if i not in away],
        }
        if rng.random() < 0.30:
            entry["max_meetings"] = rng.randint(4, 10)
        entries.append(entry)
    total = requests if requests is not None else 4 * participants
    weights = _popularity(rng, participants)
    pairs: set[frozenset[int]] = set()
    request_list = _draw_requests(rng, participants, total, weights, pairs, people, start=1)
    return {
        "slots": slot_names,
        "tables_per_slot": tables if tables is not None else max(2, participants // 5),
        "participants": entries,
        "requests": request_list,
    }


def changed(
    instance: dict[str, Any], assignments: list[dict[str, Any]], *, seed: int, share: float = 0.05
) -> dict[str, Any]:
    """Publish every assignment, then withdraw ``share/2`` of the requests and add as many new."""
    rng = random.Random(seed)
    placed = {a["request"]: {"slot": a["slot"], "table": a["table"]} for a in assignments}
    requests = [dict(r) for r in instance["requests"]]
    for request in requests:
        if request["id"] in placed:
            request["published"] = placed[request["id"]]
    changes = max(2, round(share * len(requests)))
    withdrawn = set(rng.sample(range(len(requests)), changes // 2))
    kept = [r for i, r in enumerate(requests) if i not in withdrawn]
    people = [p["id"] for p in instance["participants"]]
    index = {person: i for i, person in enumerate(people)}
    pairs = {frozenset((index[r["a"]], index[r["b"]])) for r in kept}
    weights = _popularity(rng, len(people))
    added = _draw_requests(
        rng, len(people), changes - changes // 2, weights, pairs, people, start=len(requests) + 1
    )
    return {**instance, "requests": kept + added}


def _away_block(rng: random.Random, slots: int) -> set[int]:
    length = round(slots * rng.uniform(*AWAY_SHARE))
    kind = rng.random()
    if kind < 0.35:
        start = 0
    elif kind < 0.70:
        start = slots - length
    else:
        start = rng.randint(1, max(1, slots - length - 1))
    return set(range(start, start + length))


def _popularity(rng: random.Random, participants: int) -> list[float]:
    ranks = list(range(1, participants + 1))
    rng.shuffle(ranks)
    return [rank**-ZIPF_EXPONENT for rank in ranks]


def _draw_requests(
    rng: random.Random,
    participants: int,
    count: int,
    weights: list[float],
    pairs: set[frozenset[int]],
    people: list[str],
    *,
    start: int,
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    population = range(participants)
    cumulative = list(accumulate(weights))
    while len(result) < count:
        sender = rng.randrange(participants)
        target = rng.choices(population, cum_weights=cumulative)[0]
        pair = frozenset((sender, target))
        if sender == target or pair in pairs:
            continue
        pairs.add(pair)
        roll = rng.random()
        priority = 1 if roll < 0.70 else 2 if roll < 0.90 else 3
        result.append(
            {
                "id": f"r{start + len(result)}",
                "a": people[sender],
                "b": people[target],
                "priority": priority,
            }
        )
    return result
