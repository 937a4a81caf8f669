"""``highlands meetings schedule``: the JSON contract, and one line naming the entry for every
bad instance (exit status 1, nothing on standard output)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings

from highlands.meetings.management.commands.meetings import Command

from .strategies import instances
from .test_instance import BAD, VALID, edited

HIGHLANDS = shutil.which("highlands", path=str(Path(sys.executable).parent))
CONTRACT_KEYS = {"assignments", "objective", "bound", "status", "took_ms"}


def run(path: Path, *options: str) -> tuple[int, str, str]:
    """Run the command as the console script does, in this process."""
    out, err = io.StringIO(), io.StringIO()
    command = Command(stdout=out, stderr=err)
    try:
        command.run_from_argv(["highlands", "meetings", "schedule", str(path), *options])
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "instance.json"
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("algorithm", ["cp-sat", "greedy"])
@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in BAD], ids=[n for n, _, _ in BAD]
)
def test_bad_instances_exit_with_one_line_naming_the_entry(tmp_path, change, message, algorithm):
    path = write(tmp_path, json.dumps(edited(change)))
    status, out, err = run(path, "--json", "--algorithm", algorithm)
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
    assert str(path) in err


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ('{"slots": ["s1"], ', (), "malformed JSON at line 1, column 19"),
        ("", (), "malformed JSON at line 1, column 1"),
        (b"\xff{}", (), "not UTF-8"),
        (json.dumps(VALID), ("--time-limit", "0"), "--time-limit must be a positive number"),
        (json.dumps(VALID), ("--workers", "0"), "--workers must be at least 1"),
    ],
)
def test_unreadable_input_exits_with_one_line(tmp_path, content, options, message):
    status, out, err = run(write(tmp_path, content), "--json", *options)
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_a_missing_file_exits_with_one_line(tmp_path):
    status, _, err = run(tmp_path / "nowhere.json", "--json")
    assert status == 1
    assert "nowhere.json: cannot read the file" in err
    assert err.count("\n") == 1


def check_output(data: dict, output: dict) -> None:
    """The printed objective is the value of the printed assignments; all constraints hold."""
    assert output.keys() >= CONTRACT_KEYS
    priority = {r["id"]: r.get("priority", 1) for r in data["requests"]}
    people = {r["id"]: (r["a"], r["b"]) for r in data["requests"]}
    available = {p["id"]: set(p["available"]) for p in data["participants"]}
    caps = {p["id"]: p.get("max_meetings") for p in data["participants"]}
    assignments = output["assignments"]
    assert output["objective"] == sum(priority[a["request"]] for a in assignments)
    assert output["bound"] >= output["objective"]
    assert output["status"] == ("optimal" if output["bound"] == output["objective"] else "feasible")
    assert isinstance(output["took_ms"], int)
    assert len({a["request"] for a in assignments}) == len(assignments)
    assert len({(a["slot"], a["table"]) for a in assignments}) == len(assignments)
    assert all(1 <= a["table"] <= data["tables_per_slot"] for a in assignments)
    seen = set()
    count: dict[str, int] = {}
    for a in assignments:
        for person in people[a["request"]]:
            assert a["slot"] in available[person]
            assert (person, a["slot"]) not in seen
            seen.add((person, a["slot"]))
            count[person] = count.get(person, 0) + 1
    assert all(caps[p] is None or n <= caps[p] for p, n in count.items())
    placed = {a["request"]: {"slot": a["slot"], "table": a["table"]} for a in assignments}
    for request in data["requests"]:
        if "published" in request:
            assert placed[request["id"]] == request["published"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_the_printed_objective_is_the_value_of_the_printed_assignments(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "instance.json"
        path.write_text(json.dumps(data))
        results = {}
        for algorithm in ("cp-sat", "greedy"):
            out = io.StringIO()
            call_command(
                "meetings",
                "schedule",
                str(path),
                "--json",
                "--algorithm",
                algorithm,
                "--time-limit",
                "10",
                stdout=out,
            )
            assert out.getvalue().count("\n") == 1
            results[algorithm] = json.loads(out.getvalue())
            check_output(data, results[algorithm])
        assert results["cp-sat"]["status"] == "optimal"
        assert results["greedy"]["objective"] <= results["cp-sat"]["objective"]


def test_the_console_script_end_to_end(tmp_path):
    path = write(tmp_path, json.dumps(VALID))
    done = subprocess.run(
        [HIGHLANDS, "meetings", "schedule", str(path), "--time-limit", "5", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    check_output(VALID, output)
    assert output["objective"] == 3  # both requests fit: r1 (priority 2) and r2
    assert output["status"] == "optimal"

    bad = write(tmp_path, json.dumps(edited(lambda d: d["requests"][1].update(a="p2", b="p2"))))
    done = subprocess.run(
        [HIGHLANDS, "meetings", "schedule", str(bad), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.strip().count("\n") == 0
    assert 'requests[1] "r2": a meeting of "p2" with themselves' in done.stderr


def test_the_table_view_lists_the_schedule(tmp_path):
    out = io.StringIO()
    call_command("meetings", "schedule", str(write(tmp_path, json.dumps(VALID))), stdout=out)
    text = out.getvalue()
    assert "r1: p1 + p2  (priority 2)" in text
    assert "2 of 2 requests scheduled; objective 3, bound 3 (optimal" in text
