"""Latency of one registry write through the services, index upkeep included.

Creates, renames and deletes an organisation ``--runs`` times through
``organization_create/update_profile/delete`` with ``HIGHLANDS_SEARCH_SYNC`` on (the default), so
each call includes the drain that re-indexes the record (database rows, Tantivy commit, vector
delta). Run it against a large database, e.g. after ``highlands generate-demo
--organizations 1000000``:

    HIGHLANDS_VAR_DIR=/tmp/b1m python benchmarks/write_latency.py --runs 5

It leaves the database as it found it (each organisation is deleted again) and checks that
every renamed organisation is found by its new name and gone after deletion.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    from highlands.ecosystem.services import (
        organization_create,
        organization_delete,
        organization_update_profile,
    )
    from highlands.search.encoders import get_encoder
    from highlands.search.models import SearchDocument
    from highlands.search.selectors import search
    from highlands.servicekit import SYSTEM

    get_encoder().encode(["warm up"])  # loading the model is not a write's cost
    run = int(time.time())
    times: dict[str, list[float]] = {"create": [], "update": [], "delete": []}
    for i in range(args.runs):
        start = time.perf_counter()
        org = organization_create(
            actor=SYSTEM,
            name=f"Benchmark Vacuum Hardening {run}-{i}",
            description="Vacuum hardening of tool steel, nitriding, cryogenic treatment.",
        )
        times["create"].append(time.perf_counter() - start)
        start = time.perf_counter()
        organization_update_profile(
            actor=SYSTEM, organization=org, name=f"Benchmark Kwarcbud Heat Treatment {run}-{i}"
        )
        times["update"].append(time.perf_counter() - start)
        found = [hit.object_id for hit in search(f"Kwarcbud Heat Treatment {run}-{i}").results]
        if org.pk not in found[:3]:
            raise SystemExit(f"renamed organisation {org.pk} not found: {found}")
        start = time.perf_counter()
        organization_delete(actor=SYSTEM, organization=org)
        times["delete"].append(time.perf_counter() - start)
        if org.pk in [hit.object_id for hit in search(f"Kwarcbud {run}-{i}").results]:
            raise SystemExit(f"deleted organisation {org.pk} still found")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"documents: {SearchDocument.objects.count()}")
    print("| write | runs | median ms | max ms |")
    print("|---|---|---|---|")
    for name, values in times.items():
        print(
            f"| {name} | {len(values)} | {statistics.median(values) * 1000:.0f} "
            f"| {max(values) * 1000:.0f} |"
        )


if __name__ == "__main__":
    main()
