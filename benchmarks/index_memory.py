"""Peak memory of a worker that indexes hostile or huge texts through the real drain path.

Each case runs in a fresh process set up like a web worker: Django loaded, the URL
configuration imported, one search served (the sentence encoder and the index reader
loaded). Its peak resident size is then reset (``/proc/self/clear_refs``) and the case
writes one record and commits; the outbox drain that follows the commit indexes it, as
after any write. Texts are written to the tables directly and queued with
``search.indexing.enqueue``, bypassing the services' length limits on purpose: the encoder
bounds must hold for whatever the database holds.

    python benchmarks/index_memory.py                  # prepares a database under /tmp
    python benchmarks/index_memory.py --cap-mb 2048    # and caps each worker's data like
                                                       # the gunicorn settings do

Reports, per case, the worker's peak resident size while indexing, its growth over the
settled size before the write, the peak while it loaded (the encoder's start-up), the drain
time and whether the record was indexed (or what the outbox says).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src/highlands/ingest/data/lublin-economic-highlands.txt"
CASES = {
    "baseline": "an ordinary organisation description (~600 characters)",
    "description-1m": "an organisation description of 1,000,000 characters of words",
    "token-100k": "an organisation description that is one 100,000-character token",
    "tokens-10x100k": "an organisation description of ten 100,000-character tokens",
    "profile-item-200k": "a cluster profile item (a service) of 200,000 characters",
    "cooperation-profile-1m": "a cooperation profile description of 1,000,000 characters",
}
ORDINARY = (
    "Zakład obróbki skrawaniem CNC: toczenie, frezowanie 5-osiowe, szlifowanie i hartowanie "
    "stali na zlecenie. We machine steel, aluminium and titanium parts for the aviation and "
    "automotive industries, weld frames, and coat them against corrosion; ISO 9001, "
    "AS9100. Kooperacja z klastrami lotniczym i metalowym regionu lubelskiego, serie od "
    "prototypu do kilku tysięcy sztuk, własne biuro konstrukcyjne i laboratorium pomiarowe."
)


def kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def prose(characters: int, seed: int) -> str:
    """Words of the source document in random order: text the analyser and encoder take."""
    rng = random.Random(seed)
    vocabulary = SEED.read_text(encoding="utf-8").split()
    out: list[str] = []
    size = 0
    while size < characters:
        word = rng.choice(vocabulary)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:characters]


def worker(case: str, cap_mb: int) -> dict:
    """One case in this (fresh) process; returns its measurements."""
    if cap_mb:
        limit = cap_mb * 2**20
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    from django.db import transaction

    import highlands.config.urls  # noqa: F401 - everything a web worker imports
    from highlands.ecosystem.models import ClusterAttribute, Organization
    from highlands.marketplace.models import CooperationProfile
    from highlands.search.indexing import enqueue
    from highlands.search.models import IndexOutbox
    from highlands.search.selectors import search

    search("hartowanie stali na zlecenie")  # loads the encoder and the reader
    loaded_peak, settled = kib("VmHWM"), kib("VmRSS")
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")  # the peak from here on is the write's

    org = Organization.objects.filter(is_synthetic=False).order_by("pk").first()
    kind, pk, field, text = "organization", org.pk, "description", ORDINARY
    if case == "description-1m":
        text = prose(1_000_000, 1)
    elif case == "token-100k":
        text = "d" * 100_000
    elif case == "tokens-10x100k":
        text = " ".join(chr(ord("a") + i) * 100_000 for i in range(10))
    elif case == "profile-item-200k":
        item = ClusterAttribute.objects.filter(kind="service").order_by("pk").first()
        kind, pk, text = "cluster", item.cluster_id, prose(200_000, 2)
        field = "text"
    elif case == "cooperation-profile-1m":
        profile = CooperationProfile.objects.order_by("pk").first()
        kind, pk, text = "profile", profile.pk, prose(1_000_000, 3)
    started = time.perf_counter()
    error = ""
    try:
        with transaction.atomic():  # the drain runs when this commits, as after a service
            if kind == "cluster":
                ClusterAttribute.objects.filter(pk=item.pk).update(text=text)
            elif kind == "profile":
                CooperationProfile.objects.filter(pk=pk).update(description=text)
            else:
                Organization.objects.filter(pk=pk).update(**{field: text})
            enqueue(kind, pk)
    except MemoryError as exc:
        error = f"MemoryError: {exc}"
    took = time.perf_counter() - started
    left = [
        (row.kind, row.object_id, getattr(row, "attempts", "?"), getattr(row, "last_error", ""))
        for row in IndexOutbox.objects.all()  # (older versions kept no attempts or error)
    ]
    return {
        "case": case,
        "characters": len(text),
        "loaded_peak_mib": loaded_peak / 1024,
        "settled_mib": settled / 1024,
        "peak_mib": kib("VmHWM") / 1024,
        "private_mib": kib("RssAnon") / 1024,
        "drain_s": took,
        "indexed": not left and not error,
        "outbox": [
            f"{k} {p}: {a} attempts, {e.splitlines()[0] if e else ''}" for k, p, a, e in left
        ],
        "error": error,
    }


def prepare(workdir: Path, env: dict[str, str]) -> None:
    """A database with the source document, the marketplace demo and a built index."""
    highlands = [sys.executable, "-m", "highlands"]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["import", str(SEED)],
        ["marketplace-demo"],
        ["search-index", "rebuild", "--no-progress"],
    ):
        subprocess.run(  # noqa: S603 - our own CLI
            [*highlands, *command], env=env, check=True, stdout=subprocess.DEVNULL
        )
    (workdir / "prepared").write_text("ok")


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = kib_total() / 2**20
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def kib_total() -> int:
    with open("/proc/meminfo", encoding="ascii") as info:
        return next(int(line.split()[1]) for line in info if line.startswith("MemTotal:"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--cap-mb", type=int, default=0, help="RLIMIT_DATA per worker (0: none)")
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--worker", choices=list(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.cap_mb)))
        return
    workdir = args.workdir or Path(tempfile.gettempdir()) / "highlands-index-memory"
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "HIGHLANDS_VAR_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "highlands.config.settings.base",
        "HIGHLANDS_SEARCH_SYNC": "1",
    }
    if not (workdir / "prepared").exists():
        prepare(workdir, env)
    print(f"machine: {machine()}")
    print(f"worker data cap: {f'{args.cap_mb} MiB' if args.cap_mb else 'none'}")
    print()
    print(
        "| case | characters | peak RSS while indexing (MiB) | growth over settled RSS (MiB) "
        "| ratio to baseline peak | peak while loading (MiB) | drain s | indexed |"
    )
    print("|---|---|---|---|---|---|---|---|")
    baseline = None
    for case in args.cases:
        done = subprocess.run(  # noqa: S603 - this script, as a worker
            [sys.executable, __file__, "--worker", case, "--cap-mb", str(args.cap_mb)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            reason = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            print(f"| {case} | | worker died: {reason[0]} | | | | | no |")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if case == "baseline":
            baseline = result["peak_mib"]
        ratio = f"{result['peak_mib'] / baseline:.2f}" if baseline else "–"
        indexed = "yes" if result["indexed"] else f"no: {result['error'] or result['outbox']}"
        print(
            f"| {case} | {result['characters']:,} | {result['peak_mib']:.0f} "
            f"| {result['peak_mib'] - result['settled_mib']:.0f} | {ratio} "
            f"| {result['loaded_peak_mib']:.0f} | {result['drain_s']:.2f} | {indexed} |"
        )


if __name__ == "__main__":
    main()
