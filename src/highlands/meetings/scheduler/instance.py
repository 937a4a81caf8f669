"""The scheduling instance: slots, tables, participants, requests; parsed and validated from JSON.

Everything is checked before any scheduling starts, and the first problem found is reported as
one ``InstanceError`` whose message names the entry (``requests[3] "r4": ...``), so a bad file
is refused whole. Internally participants and slots are referred to by index.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeGuard

#: Largest priority accepted: keeps every objective (and the weighted tie-break) within int64.
MAX_PRIORITY = 1_000_000

_TOP_FIELDS = frozenset({"slots", "tables_per_slot", "participants", "requests"})
_PARTICIPANT_FIELDS = frozenset({"id", "available", "max_meetings"})
_REQUEST_FIELDS = frozenset({"id", "a", "b", "priority", "published"})
_PLACEMENT_FIELDS = frozenset({"slot", "table"})


class InstanceError(ValueError):
    """An instance that cannot be scheduled as given; the message names the entry at fault."""


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    available: frozenset[int]  # slot indices
    max_meetings: int | None  # None: no cap


@dataclass(frozen=True, slots=True)
class Placement:
    slot: int  # slot index
    table: int  # 1-based table number


@dataclass(frozen=True, slots=True)
class Request:
    id: str
    a: int  # participant index
    b: int  # participant index
    priority: int
    published: Placement | None  # a published meeting stays exactly here


@dataclass(frozen=True)
class Instance:
    slots: tuple[str, ...]  # in time order
    tables_per_slot: int
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]

    @cached_property
    def common_slots(self) -> tuple[tuple[int, ...], ...]:
        """Per request, the slots (in time order) where both participants are available."""
        people = self.participants
        return tuple(
            tuple(sorted(people[r.a].available & people[r.b].available)) for r in self.requests
        )

    @cached_property
    def requests_of(self) -> tuple[tuple[int, ...], ...]:
        """Per participant, the indices of the requests they take part in."""
        found: list[list[int]] = [[] for _ in self.participants]
        for index, request in enumerate(self.requests):
            found[request.a].append(index)
            found[request.b].append(index)
        return tuple(tuple(indices) for indices in found)

    def to_json(self) -> dict[str, Any]:
        """The instance in the CLI's JSON shape (``parse_instance`` reads it back unchanged)."""
        participants: list[dict[str, Any]] = []
        for person in self.participants:
            entry: dict[str, Any] = {
                "id": person.id,
                "available": [self.slots[s] for s in sorted(person.available)],
            }
            if person.max_meetings is not None:
                entry["max_meetings"] = person.max_meetings
            participants.append(entry)
        requests: list[dict[str, Any]] = []
        for request in self.requests:
            item: dict[str, Any] = {
                "id": request.id,
                "a": self.participants[request.a].id,
                "b": self.participants[request.b].id,
                "priority": request.priority,
            }
            if request.published is not None:
                item["published"] = {
                    "slot": self.slots[request.published.slot],
                    "table": request.published.table,
                }
            requests.append(item)
        return {
            "slots": list(self.slots),
            "tables_per_slot": self.tables_per_slot,
            "participants": participants,
            "requests": requests,
        }


def load_instance(text: str | bytes) -> Instance:
    """Parse an instance from JSON text (bytes: UTF-8, a BOM allowed); malformed JSON is an
    ``InstanceError`` with its place."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except UnicodeDecodeError as exc:
        raise InstanceError(f"the file is not UTF-8 text (byte {exc.start}: {exc.reason})") from exc
    return parse_instance(data)


def parse_instance(data: object) -> Instance:
    """Validate decoded JSON and build the instance, or raise the first ``InstanceError``."""
    top = _mapping(data, "the instance", _TOP_FIELDS)
    for field in ("slots", "tables_per_slot", "participants", "requests"):
        if field not in top:
            raise InstanceError(f'the instance has no "{field}"')

    slots = _slots(top["slots"])
    slot_index = {name: i for i, name in enumerate(slots)}
    tables = top["tables_per_slot"]
    if not _is_int(tables) or tables < 1:
        raise InstanceError(f'"tables_per_slot" must be a whole number >= 1, not {tables!r}')

    participants = _participants(top["participants"], slot_index)
    person_index = {p.id: i for i, p in enumerate(participants)}
    requests = _requests(top["requests"], person_index, slot_index, participants, tables)
    instance = Instance(
        slots=tuple(slots),
        tables_per_slot=tables,
        participants=tuple(participants),
        requests=tuple(requests),
    )
    _check_published(instance)
    return instance


def _slots(value: object) -> list[str]:
    if not isinstance(value, list):
        raise InstanceError('"slots" must be a list of slot names')
    seen: set[str] = set()
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name:
            raise InstanceError(f"slots[{i}] must be a non-empty string, not {name!r}")
        if name in seen:
            raise InstanceError(f'slots[{i}] "{name}" is listed twice')
        seen.add(name)
    return list(value)


def _entries(
    value: object, name: str, fields: frozenset[str]
) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(id, where, entry) for each object of the list ``name``, ids checked to be unique."""
    if not isinstance(value, list):
        raise InstanceError(f'"{name}" must be a list')
    seen: dict[str, int] = {}
    for i, raw in enumerate(value):
        entry = _mapping(raw, f"{name}[{i}]", fields)
        entry_id = _identifier(entry, f"{name}[{i}]")
        where = f'{name}[{i}] "{entry_id}"'
        if entry_id in seen:
            raise InstanceError(f"{where}: duplicate id (also {name}[{seen[entry_id]}])")
        seen[entry_id] = i
        yield entry_id, where, entry


def _participants(value: object, slot_index: Mapping[str, int]) -> list[Participant]:
    result: list[Participant] = []
    for pid, where, entry in _entries(value, "participants", _PARTICIPANT_FIELDS):
        available = entry.get("available")
        if not isinstance(available, list):
            raise InstanceError(f'{where}: "available" must be a list of slot names')
        indices: set[int] = set()
        for name in available:
            if not isinstance(name, str) or name not in slot_index:
                raise InstanceError(f"{where}: available slot {name!r} does not exist")
            if slot_index[name] in indices:
                raise InstanceError(f'{where}: slot "{name}" is listed twice in "available"')
            indices.add(slot_index[name])
        cap = entry.get("max_meetings")
        if cap is not None and (not _is_int(cap) or cap < 0):
            raise InstanceError(f'{where}: "max_meetings" must be a whole number >= 0, not {cap!r}')
        result.append(Participant(id=pid, available=frozenset(indices), max_meetings=cap))
    return result


def _requests(
    value: object,
    person_index: Mapping[str, int],
    slot_index: Mapping[str, int],
    participants: Sequence[Participant],
    tables: int,
) -> list[Request]:
    result: list[Request] = []
    pairs: dict[frozenset[str], str] = {}
    for rid, where, entry in _entries(value, "requests", _REQUEST_FIELDS):
        ends: list[int] = []
        for side in ("a", "b"):
            person = entry.get(side)
            if not isinstance(person, str):
                raise InstanceError(f'{where}: "{side}" must be a participant id')
            if person not in person_index:
                raise InstanceError(f'{where}: participant "{person}" does not exist')
            ends.append(person_index[person])
        if ends[0] == ends[1]:
            raise InstanceError(f'{where}: a meeting of "{entry["a"]}" with themselves')
        pair = frozenset((entry["a"], entry["b"]))
        if pair in pairs:
            raise InstanceError(
                f'{where}: "{entry["a"]}" and "{entry["b"]}" already have request '
                f'"{pairs[pair]}" (one request per pair; merge them and raise its priority)'
            )
        pairs[pair] = rid
        priority = entry.get("priority", 1)
        if not _is_int(priority) or not 1 <= priority <= MAX_PRIORITY:
            raise InstanceError(
                f'{where}: "priority" must be a whole number from 1 to {MAX_PRIORITY}, '
                f"not {priority!r}"
            )
        published = None
        if entry.get("published") is not None:
            published = _placement(entry["published"], where, slot_index, tables)
            for end in ends:
                if published.slot not in participants[end].available:
                    raise InstanceError(
                        f'{where}: published in slot "{entry["published"]["slot"]}", where '
                        f'participant "{participants[end].id}" is not available'
                    )
        result.append(Request(id=rid, a=ends[0], b=ends[1], priority=priority, published=published))
    return result


def _placement(value: object, where: str, slot_index: Mapping[str, int], tables: int) -> Placement:
    entry = _mapping(value, f"{where}: published", _PLACEMENT_FIELDS)
    slot = entry.get("slot")
    if not isinstance(slot, str) or slot not in slot_index:
        raise InstanceError(f"{where}: published slot {slot!r} does not exist")
    table = entry.get("table")
    if not _is_int(table) or not 1 <= table <= tables:
        raise InstanceError(
            f"{where}: published table must be a whole number from 1 to {tables}, not {table!r}"
        )
    return Placement(slot=slot_index[slot], table=table)


def _check_published(instance: Instance) -> None:
    """Published meetings must not collide with each other nor exceed a participant's cap."""
    table_taken: dict[tuple[int, int], str] = {}
    person_busy: dict[tuple[int, int], str] = {}
    published_count = [0] * len(instance.participants)
    for i, request in enumerate(instance.requests):
        placement = request.published
        if placement is None:
            continue
        where = f'requests[{i}] "{request.id}"'
        slot_name = instance.slots[placement.slot]
        key = (placement.slot, placement.table)
        if key in table_taken:
            raise InstanceError(
                f'{where}: table {placement.table} in slot "{slot_name}" is already published '
                f'for request "{table_taken[key]}"'
            )
        table_taken[key] = request.id
        for end in (request.a, request.b):
            person = instance.participants[end]
            if (end, placement.slot) in person_busy:
                raise InstanceError(
                    f'{where}: participant "{person.id}" already has published request '
                    f'"{person_busy[end, placement.slot]}" in slot "{slot_name}"'
                )
            person_busy[end, placement.slot] = request.id
            published_count[end] += 1
            if person.max_meetings is not None and published_count[end] > person.max_meetings:
                raise InstanceError(
                    f'{where}: participant "{person.id}" has more published meetings than '
                    f"their max_meetings ({person.max_meetings})"
                )


def _mapping(value: object, where: str, fields: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InstanceError(f"{where} must be a JSON object")
    unknown = sorted(set(value) - fields)
    if unknown:
        raise InstanceError(f'{where}: unknown field "{unknown[0]}"')
    return value


def _identifier(entry: Mapping[str, Any], where: str) -> str:
    value = entry.get("id")
    if not isinstance(value, str) or not value:
        raise InstanceError(f'{where}: "id" must be a non-empty string, not {value!r}')
    return value


def _is_int(value: object) -> TypeGuard[int]:
    """A JSON whole number written as one (``true`` and ``2.0`` are not)."""
    return isinstance(value, int) and not isinstance(value, bool)
