"""Benchmark: parsing and importing the source document, and parsing hostile long lines.

Run: .venv/bin/python benchmarks/bench_profile_import.py [--repeat N]
Uses a throw-away SQLite database under a temp dir; prints medians and ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src/highlands/ingest/data/lublin-economic-highlands.txt"


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["HIGHLANDS_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    from highlands.ingest.parsers.profile_text import parse_profile_text
    from highlands.ingest.profile_import import profile_document_import
    from highlands.ingest.sources import read_source

    call_command("migrate", verbosity=0)
    text = SEED.read_text(encoding="utf-8")
    header = (
        "General information about the cluster:\nName: X Cluster\nCoordinator: Y Association\n"
        "Number of members in the cluster: 5\nCluster characteristics:\n"
    )
    rows = []
    baseline = timed(lambda: text.splitlines(), args.repeat)
    rows.append(("split the document into lines (baseline)", baseline))
    rows.append(("parse the document (pure)", timed(lambda: parse_profile_text(text), args.repeat)))
    first = timed(lambda: profile_document_import(source=read_source(SEED)), 1)
    rows.append(("first import into an empty SQLite DB", first))
    rows.append(
        (
            "re-import (nothing changes)",
            timed(lambda: profile_document_import(source=read_source(SEED)), args.repeat),
        )
    )
    for words in (10_000, 100_000):
        hostile = header + ("Lublin Aa " * words) + "\n"
        rows.append(
            (
                f"parse one hostile line of {len(hostile) // 1000} kB",
                timed(lambda h=hostile: parse_profile_text(h), 3),
            )
        )
    base = statistics.median(baseline)
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.platform()}"
    )
    print(f"{'case':55} {'median ms':>10} {'× baseline':>12}")
    for name, samples in rows:
        median = statistics.median(samples)
        print(f"{name:55} {median:10.2f} {median / base:12.0f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
