"""Latency of one profile's recommendations at 100,000 organisations and 50,000 profiles.

Usage:  .venv/bin/python benchmarks/marketplace/recommend_latency.py [--orgs N] [--profiles N]

Builds a throw-away SQLite database: the source document and the demo set, then synthetic
organisations (each a member of one or two of 500 synthetic clusters with three capability
texts each) and synthetic profiles (70 % public, 15 % ecosystem, 15 % cluster-only; 90 %
published).  Synthetic profile vectors are the encoded vectors of a dozen real service texts
plus Gaussian noise (cosine ≈ 0.7 to their topic), so matches exist as they would in real
data — encoding 50,000 texts would take minutes on this shared CPU and does not change the
cost of ranking, which is what is measured.  Reported: the cold index build, then p50/p95 of
``recommend_for_profile`` for random requests, as a representative user (cluster
visibility in play), warm index — i.e. the version check, the numpy ranking, the database
re-check of the short list and the reasons.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "src/highlands/ingest/data/lublin-economic-highlands.txt"
SERVICES = [
    "sheet metal cutting and bending",
    "CNC machining of aluminium parts",
    "powder coating and galvanising",
    "software development for manufacturing",
    "clinical trials of medical devices",
    "optical fibre sensors",
    "microbiological laboratory analyses",
    "composite materials testing",
    "renewable energy installations",
    "timber frame houses",
    "business process consulting",
    "industrial automation and robotics",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--cprofile", action="store_true", help="print a cProfile breakdown")
    parser.add_argument("--sql", action="store_true", help="print each query of one call, timed")
    args = parser.parse_args()
    rng = random.Random(7)
    nprng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HIGHLANDS_VAR_DIR"] = tmp
        os.environ["DJANGO_SETTINGS_MODULE"] = "highlands.config.settings.test"
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        import django
        from django.core.management import call_command

        django.setup()
        from django.db import transaction
        from django.utils import timezone

        from highlands.accounts.models import OrganizationRepresentative, User
        from highlands.ecosystem.models import Cluster, ClusterAttribute, Membership, Organization
        from highlands.ingest.profile_import import profile_document_import
        from highlands.ingest.sources import read_source
        from highlands.marketplace import encoding, recommend
        from highlands.marketplace.models import DIRECTION_OF_KIND, CooperationProfile, ProfileKind

        call_command("migrate", verbosity=0)
        profile_document_import(source=read_source(SEED))
        call_command("marketplace-demo")
        started = time.perf_counter()
        with transaction.atomic():
            clusters = Cluster.objects.bulk_create(
                Cluster(
                    slug=f"syn-c{i}", name=f"Syn {i}", display_name=f"Syn {i}", position=1000 + i
                )
                for i in range(500)
            )
            ClusterAttribute.objects.bulk_create(
                ClusterAttribute(
                    cluster=c, kind="service", position=j, text=f"{rng.choice(SERVICES)} ({i % 40})"
                )
                for i, c in enumerate(clusters)
                for j in range(3)
            )
            roles = ["business"] * 7 + ["academia", "bei", "public_authority"]
            orgs = Organization.objects.bulk_create(
                (
                    Organization(
                        slug=f"syn-o{i}",
                        name=f"Syn org {i}",
                        normalized_name=f"syn org {i}",
                        helix_role=rng.choice(roles),
                    )
                    for i in range(args.orgs)
                ),
                batch_size=5000,
            )
            Membership.objects.bulk_create(
                (
                    Membership(organization=o, cluster=c, role="member", position=1)
                    for o in orgs
                    for c in rng.sample(clusters, rng.choice([1, 1, 2]))
                ),
                batch_size=5000,
            )
            kinds = list(ProfileKind.values)
            topics = encoding.encode(SERVICES)
            noise = nprng.standard_normal((args.profiles, encoding.DIMENSION)).astype(np.float32)
            vectors = topics[nprng.integers(0, len(SERVICES), args.profiles)] + noise / np.sqrt(
                encoding.DIMENSION
            )
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            until = timezone.localdate() + timedelta(days=200)
            visibilities = ["public"] * 14 + ["ecosystem"] * 3 + ["clusters"] * 3
            CooperationProfile.objects.bulk_create(
                (
                    CooperationProfile(
                        organization=rng.choice(orgs),
                        kind=(kind := rng.choice(kinds)),
                        direction=DIRECTION_OF_KIND[kind],
                        title=f"Synthetic profile {i}",
                        description="Synthetic benchmark profile.",
                        valid_until=until,
                        visibility=rng.choice(visibilities),
                        status="published" if rng.random() < 0.9 else "draft",
                        vector=encoding.to_bytes(vectors[i]),
                    )
                    for i in range(args.profiles)
                ),
                batch_size=2000,
            )
            user = User.objects.create_user(username="bench", email="bench@example.org")
            OrganizationRepresentative.objects.create(user=user, organization=orgs[0])
        print(
            f"data: {time.perf_counter() - started:.1f} s to create {args.orgs} organisations, "
            f"{args.profiles} profiles, {Membership.objects.count()} memberships"
        )

        started = time.perf_counter()
        recommend.indexes()
        print(
            f"cold index build (graph + profile matrix + capability vectors): "
            f"{time.perf_counter() - started:.2f} s"
        )
        requests = list(
            CooperationProfile.objects.filter(
                direction="request", status="published"
            ).select_related("organization")[: args.runs]
        )
        timings = []
        empty = 0
        for profile in requests:
            started = time.perf_counter()
            result = recommend.recommend_for_profile(user=user, profile=profile, limit=10)
            timings.append(time.perf_counter() - started)
            empty += not result.profiles
        timings.sort()
        p50 = timings[len(timings) // 2] * 1000
        p95 = timings[int(len(timings) * 0.95) - 1] * 1000
        print(
            f"recommend_for_profile, warm, {len(timings)} requests: p50 {p50:.1f} ms, "
            f"p95 {p95:.1f} ms, max {timings[-1] * 1000:.1f} ms; {empty} without a match"
        )
        version_started = time.perf_counter()
        for _ in range(20):
            recommend._profile_version()
            recommend._graph_version()
        print(
            f"  of which the cache version check: "
            f"{(time.perf_counter() - version_started) / 20 * 1000:.1f} ms"
        )
        if args.sql:
            from django.db import connection

            def timed(execute, sql, params, many, context):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    ms = (time.perf_counter() - started) * 1000
                    print(f"  {ms:6.2f} ms  {sql[:150]}")
                    if ms > 5 and not many:
                        with connection.cursor() as cursor:
                            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                            for row in cursor.fetchall():
                                print(f"             plan: {row[-1]}")

            with connection.execute_wrapper(timed):
                recommend.recommend_for_profile(user=user, profile=requests[0], limit=10)
        if args.cprofile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for profile in requests[:20]:
                recommend.recommend_for_profile(user=user, profile=profile, limit=10)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        print(
            f"machine: nproc={os.cpu_count()}, Python {sys.version.split()[0]}, "
            f"{platform.platform()}, SQLite"
        )


if __name__ == "__main__":
    main()
