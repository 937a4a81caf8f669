"""Reconciliation precision and recall on the labelled fixtures.

Usage:  .venv/bin/python benchmarks/reconcile_precision.py [--markdown]

Builds a throw-away SQLite database, imports the source document, then runs each labelled
table through the real import path with ``--dry-run`` semantics (``table_import(dry_run=True)``)
and compares every row's decision with its label:

* ``gold``     — the registry cluster (or organisation, for member lists) the row really is
  (null: not a known one);
* ``expected`` — the decision a careful person wants (match / new / review).

Reported: auto-match precision (matches that are right) and recall (known clusters matched
automatically), "new" precision/recall, wrong merges, review rate, candidate recall of
reviews (gold among the reviewer's candidates), agreement with ``expected``, and speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests/ingest/fixtures"
SEED = ROOT / "src/highlands/ingest/data/lublin-economic-highlands.txt"
LABELLED = [
    ("reconcile_labelled.csv", "reconcile_labels.json"),
    ("reconcile_labelled_en.csv", "reconcile_labels_en.json"),
    ("members_labelled.csv", "members_labels.json"),
]


def _setup(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "highlands.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from highlands.ingest.profile_import import profile_document_import
    from highlands.ingest.sources import read_source

    profile_document_import(source=read_source(SEED))


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f} ({numerator}/{denominator})" if denominator else "n/a"


def evaluate(table: str, labels_file: str) -> dict:
    from highlands.ecosystem.models import Cluster, Organization
    from highlands.ingest.sources import read_source
    from highlands.ingest.table_import import table_import

    labelled = json.loads((FIXTURES / labels_file).read_text(encoding="utf-8"))
    labels = labelled["rows"]
    if labelled.get("entity") == "organization":
        display = dict(Organization.objects.values_list("slug", "name"))
    else:
        display = dict(Cluster.objects.values_list("slug", "display_name"))
    started = time.perf_counter()
    report = table_import(source=read_source(FIXTURES / table), dry_run=True)
    elapsed = time.perf_counter() - started
    assert len(report.rows) == len(labels)
    stats = {
        "table": table,
        "rows": len(labels),
        "matches": 0,
        "correct_matches": 0,
        "wrong_merges": [],
        "known_rows": 0,
        "news": 0,
        "correct_news": 0,
        "unknown_rows": 0,
        "reviews": 0,
        "reviews_with_gold": 0,
        "gold_in_candidates": 0,
        "agree": 0,
        "disagreements": [],
        "seconds": elapsed,
    }
    for row, label in zip(report.rows, labels, strict=True):
        assert row["source_name"] == label["name"]
        gold = display.get(label["gold"]) if label["gold"] else None
        decision = row["decision"]
        stats["known_rows"] += gold is not None
        stats["unknown_rows"] += gold is None
        if decision == "match":
            stats["matches"] += 1
            if row["match"] == gold:
                stats["correct_matches"] += 1
            else:
                stats["wrong_merges"].append(f"{label['name']} → {row['match']}")
        elif decision == "new":
            stats["news"] += 1
            stats["correct_news"] += gold is None
        else:
            stats["reviews"] += 1
            if gold is not None:
                stats["reviews_with_gold"] += 1
                stats["gold_in_candidates"] += any(c["name"] == gold for c in row["candidates"])
        if decision == label["expected"]:
            stats["agree"] += 1
        else:
            stats["disagreements"].append(
                f"{label['name']}: {decision} (score {row['score']}), wanted {label['expected']}"
            )
    return stats


def machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607
    return {"nproc": nproc or str(os.cpu_count()), "cpu": cpu, "python": platform.python_version()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp) / "bench.sqlite3")
        results = [evaluate(t, lbl) for t, lbl in LABELLED]
    total = {
        k: sum(r[k] for r in results)
        for k in results[0]
        if isinstance(results[0][k], int | float) and k != "table"
    }
    total["table"] = "all"
    total["wrong_merges"] = [w for r in results for w in r["wrong_merges"]]
    total["disagreements"] = [d for r in results for d in r["disagreements"]]
    info = machine()
    if args.markdown:
        print(
            "| fixture | rows | match precision | match recall | new precision | new recall "
            "| wrong merges | review rate | gold in review candidates | agrees with label "
            "| ms/row |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in [*results, total]:
            print(
                f"| {r['table']} | {r['rows']} | {_ratio(r['correct_matches'], r['matches'])} "
                f"| {_ratio(r['correct_matches'], r['known_rows'])} "
                f"| {_ratio(r['correct_news'], r['news'])} "
                f"| {_ratio(r['correct_news'], r['unknown_rows'])} "
                f"| {len(r['wrong_merges'])} | {_ratio(r['reviews'], r['rows'])} "
                f"| {_ratio(r['gold_in_candidates'], r['reviews_with_gold'])} "
                f"| {_ratio(r['agree'], r['rows'])} "
                f"| {1000 * r['seconds'] / r['rows']:.1f} |"
            )
        print()
        print(f"Machine: nproc={info['nproc']}, CPU: {info['cpu']}, Python {info['python']}")
        if total["disagreements"]:
            print("\nRows where the decision differs from the label:")
            for d in total["disagreements"]:
                print(f"- {d}")
        if total["wrong_merges"]:
            print("\nWrong merges:")
            for w in total["wrong_merges"]:
                print(f"- {w}")
    else:
        json.dump({"machine": info, "results": [*results, total]}, sys.stdout, indent=1)
        print()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
