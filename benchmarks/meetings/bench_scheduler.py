"""Meeting scheduler against the greedy baseline and its own proven bound, in one run.

Every schedule is produced by the real command line (``highlands meetings schedule ... --json``
in a child process, so wall time and peak memory are the command's own; the peak is read with
GNU ``/usr/bin/time``) and checked here against every hard constraint (``violations``). Cases:

- ``small``: 60, 200 and 500 participants, 4 requests per person (about 8 per person counting
  both ends), ``--time-limit 30``: objective / bound (the bar: >= 0.99) and objective / greedy.
- ``large``: 2,000 participants and 10,000 requests, ``--time-limit 60``: objective / greedy
  (the bar: >= 1.10) and peak memory.
- ``reschedule``: 500 participants; every meeting of a first schedule is published, 5 % of the
  requests change (half withdrawn, half new), ``--time-limit 10``: every published meeting must
  stay where it was.

Seeds 1-3 are the ones looked at while building the scheduler; 11-13 are held out (never run
before the recorded run). ``--repeat N`` runs the first seed of every case N times (medians).

    python benchmarks/meetings/bench_scheduler.py [--cases small,large,reschedule] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import changed, congested_event

from highlands.meetings.scheduler import (
    Assignment,
    parse_instance,
    schedule_greedy,
    schedule_optimal,
    violations,
)

HIGHLANDS = shutil.which("highlands", path=str(Path(sys.executable).parent)) or "highlands"
TUNED = (1, 2, 3)
HELD_OUT = (11, 12, 13)


def run_cli(path: Path, *options: str) -> tuple[dict[str, Any], float, float]:
    """(output, wall seconds, peak RSS MiB) of one ``highlands meetings schedule`` run.

    The peak is measured by ``/usr/bin/time`` (GNU time's ``%M``): a child forked straight
    from this process would inherit this process's resident size in its own maximum."""
    command = [HIGHLANDS, "meetings", "schedule", str(path), "--json", *options]
    timed = Path("/usr/bin/time").exists()
    if timed:
        command = ["/usr/bin/time", "-f", "maxrss_kib=%M cpu_s=%U+%S", *command]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, check=False)  # noqa: S603 - our CLI
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode())
    peak = cpu = float("nan")
    if timed:
        fields = dict(f.split("=") for f in done.stderr.decode().strip().splitlines()[-1].split())
        peak = int(fields["maxrss_kib"]) / 1024
        cpu = sum(float(part) for part in fields["cpu_s"].split("+"))
    output = json.loads(done.stdout)
    output["cpu_s"] = round(cpu, 1)  # user + system CPU of the whole command
    return output, wall, peak


def run_instance(data: dict[str, Any], *options: str) -> tuple[dict[str, Any], float, float]:
    """``run_cli`` on ``data`` written to a file; the output is ``checked``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "instance.json"
        path.write_text(json.dumps(data))
        output, wall, peak = run_cli(path, *options)
    return checked(data, output), wall, peak


def checked(instance_data: dict[str, Any], output: dict[str, Any]) -> dict[str, Any]:
    """Refuse any output that breaks a hard constraint or misstates its value."""
    instance = parse_instance(instance_data)
    request_index = {r.id: i for i, r in enumerate(instance.requests)}
    slot_index = {s: i for i, s in enumerate(instance.slots)}
    assignments = [
        Assignment(request_index[a["request"]], slot_index[a["slot"]], a["table"])
        for a in output["assignments"]
    ]
    problems = violations(instance, assignments)
    assert not problems, problems[:3]
    value = sum(instance.requests[a.request].priority for a in assignments)
    assert value == output["objective"], (value, output["objective"])
    assert output["bound"] >= output["objective"]
    return output


def measure(data: dict[str, Any], time_limit: float) -> dict[str, Any]:
    """Greedy (CLI), greedy by priority, the priority phase alone, and the full CLI run."""
    instance = parse_instance(data)
    greedy, greedy_wall, _ = run_instance(data, "--algorithm", "greedy")
    exact, wall, peak = run_instance(data, "--time-limit", str(time_limit))
    phase1 = schedule_optimal(instance, time_limit=time_limit, minimise_idle=False)
    return {
        "participants": len(instance.participants),
        "requests": len(instance.requests),
        "greedy": greedy["objective"],
        "greedy_ms": round(greedy_wall * 1000),
        "greedy_priority": schedule_greedy(instance, by_priority=True).objective,
        **summary(exact, wall, peak),
        "idle_slots": exact["idle_slots"],
        "greedy_idle_slots": greedy["idle_slots"],
        "priority_phase_s": round(phase1.took_ms / 1000, 2),
        "priority_phase_status": phase1.status,
        **proof(phase1.stats),
    }


def proof(stats: Any) -> dict[str, Any]:
    """How the priority phase ended: an integral LP (after how many odd-set cuts) or CP-SAT."""
    return {
        "lp_integral": stats.get("lp_integral"),
        "odd_set_cuts": stats.get("odd_set_cuts"),
        "cp_sat": stats.get("phase1_status"),
    }


def summary(output: dict[str, Any], wall: float, peak: float) -> dict[str, Any]:
    """What every case reports of one CLI run."""
    return {
        "objective": output["objective"],
        "bound": output["bound"],
        "status": output["status"],
        "cli_wall_s": round(wall, 2),
        "cli_cpu_s": output["cpu_s"],
        "scheduler_s": round(output["took_ms"] / 1000, 2),
        "peak_mib": round(peak),
    }


def reschedule(seed: int) -> dict[str, Any]:
    """Publish a schedule, change 5 % of the requests, re-schedule with ``--time-limit 10``."""
    data = congested_event(500, seed=seed)
    instance = parse_instance(data)
    first = schedule_optimal(instance, time_limit=10).to_json(instance)
    later = changed(data, first["assignments"], seed=seed)
    published = {r["id"]: r["published"] for r in later["requests"] if "published" in r}
    output, wall, peak = run_instance(later, "--time-limit", "10")
    placed = {a["request"]: {"slot": a["slot"], "table": a["table"]} for a in output["assignments"]}
    kept = sum(placed.get(rid) == where for rid, where in published.items())
    changed_instance = parse_instance(later)
    phase1 = schedule_optimal(changed_instance, time_limit=10, minimise_idle=False)
    return {
        "published": len(published),
        "kept": kept,
        **summary(output, wall, peak),
        "priority_phase_s": round(phase1.took_ms / 1000, 2),
        **proof(phase1.stats),
    }


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load = Path("/proc/loadavg").read_text().split()[:3]
    python = platform.python_version()
    return f"nproc {os.cpu_count()}, {cpu}, load average {' '.join(load)}, Python {python}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default="small,large,reschedule")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seeds", default="all", choices=["all", "tuned", "held-out"])
    args = parser.parse_args()
    seeds = {"all": TUNED + HELD_OUT, "tuned": TUNED, "held-out": HELD_OUT}[args.seeds]
    cases = args.cases.split(",")
    print(f"# {machine()}", flush=True)
    jobs: list[tuple[str, int, Any]] = []
    for seed in seeds:
        if "small" in cases:
            for size in (60, 200, 500):
                job = lambda s=seed, n=size: measure(congested_event(n, seed=s), 30)  # noqa: E731
                jobs.append((f"{size}", seed, job))
        if "large" in cases:
            jobs.append(
                (
                    "2000",
                    seed,
                    lambda s=seed: measure(congested_event(2000, seed=s, requests=10_000), 60),
                )
            )
        if "reschedule" in cases:
            jobs.append(("reschedule-500", seed, lambda s=seed: reschedule(s)))
    results: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for name, seed, job in jobs:
        runs = args.repeat if seed == seeds[0] else 1
        for _ in range(runs):
            result = job()
            results.setdefault((name, seed), []).append(result)
            held = "held-out" if seed in HELD_OUT else "tuned"
            print(json.dumps({"case": name, "seed": seed, "set": held, **result}), flush=True)
    print(f"# done; {machine()}", flush=True)
    for (name, seed), runs in results.items():
        if len(runs) > 1:
            medians = {
                key: statistics.median(run[key] for run in runs)
                for key in runs[0]
                if isinstance(runs[0][key], int | float)
            }
            print(json.dumps({"case": name, "seed": seed, "median_of": len(runs), **medians}))


if __name__ == "__main__":
    main()
