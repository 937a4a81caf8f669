"""Instance validation: every bad entry is refused with one message naming it."""

from __future__ import annotations

import copy
import json

import pytest

from highlands.meetings.scheduler import InstanceError, load_instance, parse_instance

from .strategies import instances

VALID = {
    "slots": ["s1", "s2", "s3"],
    "tables_per_slot": 2,
    "participants": [
        {"id": "p1", "available": ["s1", "s3"], "max_meetings": 6},
        {"id": "p2", "available": ["s1", "s2", "s3"]},
        {"id": "p3", "available": ["s3"]},
    ],
    "requests": [
        {"id": "r1", "a": "p1", "b": "p2", "priority": 2},
        {"id": "r2", "a": "p2", "b": "p3"},
    ],
}


def edited(change) -> dict:
    data = copy.deepcopy(VALID)
    change(data)
    return data


# (name, edit of the valid instance, what the one-line error must say)
BAD = [
    (
        "unknown participant",
        lambda d: d["requests"][1].update(b="p9"),
        'requests[1] "r2": participant "p9" does not exist',
    ),
    (
        "unknown slot",
        lambda d: d["participants"][0]["available"].append("s7"),
        "participants[0] \"p1\": available slot 's7' does not exist",
    ),
    (
        "self-meeting",
        lambda d: d["requests"][0].update(b="p1"),
        'requests[0] "r1": a meeting of "p1" with themselves',
    ),
    (
        "duplicate participant",
        lambda d: d["participants"][2].update(id="p1"),
        'participants[2] "p1": duplicate id (also participants[0])',
    ),
    (
        "duplicate request",
        lambda d: d["requests"][1].update(id="r1"),
        'requests[1] "r1": duplicate id (also requests[0])',
    ),
    (
        "duplicate pair",
        lambda d: d["requests"].append({"id": "r3", "a": "p2", "b": "p1"}),
        'requests[2] "r3": "p2" and "p1" already have request "r1"',
    ),
    ("duplicate slot", lambda d: d["slots"].append("s1"), 'slots[3] "s1" is listed twice'),
    (
        "negative priority",
        lambda d: d["requests"][0].update(priority=-2),
        'requests[0] "r1": "priority" must be a whole number from 1 to 1000000, not -2',
    ),
    (
        "zero priority",
        lambda d: d["requests"][1].update(priority=0),
        'requests[1] "r2": "priority" must be a whole number from 1 to 1000000, not 0',
    ),
    (
        "fractional priority",
        lambda d: d["requests"][1].update(priority=1.5),
        'requests[1] "r2": "priority" must be a whole number',
    ),
    (
        "text priority",
        lambda d: d["requests"][1].update(priority="high"),
        'requests[1] "r2": "priority" must be a whole number',
    ),
    (
        "no tables",
        lambda d: d.update(tables_per_slot=0),
        '"tables_per_slot" must be a whole number',
    ),
    (
        "negative cap",
        lambda d: d["participants"][1].update(max_meetings=-1),
        'participants[1] "p2": "max_meetings" must be a whole number >= 0, not -1',
    ),
    ("missing requests", lambda d: d.pop("requests"), 'the instance has no "requests"'),
    (
        "unknown field",
        lambda d: d["requests"][0].update(prio=3),
        'requests[0]: unknown field "prio"',
    ),
    (
        "missing id",
        lambda d: d["participants"][1].pop("id"),
        'participants[1]: "id" must be a non-empty string, not None',
    ),
    (
        "availability twice",
        lambda d: d["participants"][1]["available"].append("s2"),
        'participants[1] "p2": slot "s2" is listed twice in "available"',
    ),
    (
        "published slot unknown",
        lambda d: d["requests"][0].update(published={"slot": "x", "table": 1}),
        "requests[0] \"r1\": published slot 'x' does not exist",
    ),
    (
        "published table out of range",
        lambda d: d["requests"][0].update(published={"slot": "s1", "table": 3}),
        'requests[0] "r1": published table must be a whole number from 1 to 2, not 3',
    ),
    (
        "published outside availability",
        lambda d: d["requests"][0].update(published={"slot": "s2", "table": 1}),
        'requests[0] "r1": published in slot "s2", where participant "p1" is not available',
    ),
    (
        "published table twice",
        lambda d: (
            d["requests"][0].update(published={"slot": "s3", "table": 1}),
            d["participants"].append({"id": "p4", "available": ["s3"]}),
            d["requests"][1].update(b="p4", published={"slot": "s3", "table": 1}),
        ),
        'requests[1] "r2": table 1 in slot "s3" is already published for request "r1"',
    ),
    (
        "published person twice",
        lambda d: (
            d["requests"][0].update(published={"slot": "s3", "table": 1}),
            d["requests"][1].update(published={"slot": "s3", "table": 2}),
        ),
        'requests[1] "r2": participant "p2" already has published request "r1" in slot "s3"',
    ),
    (
        "published beyond cap",
        lambda d: (
            d["participants"][0].update(max_meetings=0),
            d["requests"][0].update(published={"slot": "s1", "table": 1}),
        ),
        'requests[0] "r1": participant "p1" has more published meetings than their max_meetings',
    ),
    (
        "not an object",
        lambda d: d.update(participants=["p1"]),
        "participants[0] must be a JSON object",
    ),
]


def test_the_valid_instance_parses_with_default_priority():
    instance = parse_instance(VALID)
    assert [r.priority for r in instance.requests] == [2, 1]
    assert instance.participants[1].max_meetings is None
    assert instance.common_slots == ((0, 2), (2,))


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in BAD], ids=[n for n, _, _ in BAD]
)
def test_a_bad_entry_is_named(change, message):
    with pytest.raises(InstanceError) as caught:
        parse_instance(edited(change))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"slots": [', "malformed JSON at line 1, column 12"),
        ("[1, 2]", "the instance must be a JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_malformed_files_are_refused(text, message):
    with pytest.raises(InstanceError, match=message):
        load_instance(text)


def test_json_round_trip():
    from hypothesis import given, settings

    @settings(max_examples=40, deadline=None)
    @given(instances())
    def round_trip(data):
        instance = parse_instance(data)
        assert parse_instance(json.loads(json.dumps(instance.to_json()))) == instance

    round_trip()
