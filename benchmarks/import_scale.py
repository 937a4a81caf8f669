"""Large member lists: import throughput, review rate and re-import at 1k, 10k and 100k rows.

Usage:
  .venv/bin/python benchmarks/import_scale.py [--sizes 1000 10000 100000] [--repeat 3]
  .venv/bin/python benchmarks/import_scale.py --src /path/to/other/checkout/src --sizes 1000
  .venv/bin/python benchmarks/import_scale.py --database postgres://postgres@127.0.0.1:5432/hl_x

Each size runs in a fresh throw-away database holding the imported source document: SQLite
files in a temporary folder, or with ``--database`` a PostgreSQL database of that name
(dropped and created again from a template ``<name>_template`` for every run; both dropped
at the end)
(18 clusters, ~150 organisations).  The member list has Polish headers (nazwa, miasto, rola,
strona www, opis, klaster) and distinct synthetic organisations whose names share words
("Zakład Metalowy Nowak-Kowalski sp. z o.o." beside "Zakład Metalowy Nowak-Wójcik s.c."),
all members of one cluster the source names.  Timed: ``import_file`` (read, parse,
reconcile, write, one transaction) — then the same file again, which must change nothing.
The search index is not drained inside the timed import (``HIGHLANDS_SEARCH_SYNC=0``, as the
README advises for large imports); both paths queue the same outbox rows.
Also: the review rate of the first 300 names reconciled one after another (``--names``).
``--src`` runs the same measurement against another checkout (the old write path).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src/highlands/ingest/data/lublin-economic-highlands.txt"
CLUSTER = "Lubelski Klaster Teleinformatyczny"

PREFIXES = [
    "Zakład Metalowy", "Firma Handlowa", "Przedsiębiorstwo Usługowe", "Biuro Rachunkowe",
    "Pracownia Projektowa", "Studio Graficzne", "Zakład Stolarski", "Hurtownia Spożywcza",
    "Auto Serwis", "Kancelaria Prawna", "Drukarnia", "Piekarnia", "Transport",
    "Instalacje Elektryczne", "Usługi Budowlane", "Gabinet Stomatologiczny", "Apteka",
    "Szkoła Językowa", "Agencja Reklamowa", "Laboratorium", "Warsztat Samochodowy",
    "Sklep Ogrodniczy", "Serwis Komputerowy", "Biuro Podróży", "Pralnia", "Zakład Krawiecki",
    "Kwiaciarnia", "Hotel", "Restauracja", "Centrum Medyczne",
]  # fmt: skip
SURNAMES = [
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski",
    "Zając", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel",
    "Nowakowski", "Majewski", "Olszewski", "Stępień", "Malinowski", "Jaworski", "Adamczyk",
    "Dudek", "Nowicki", "Pawlak", "Górski", "Witkowski", "Walczak", "Sikora", "Baran",
    "Rutkowski", "Michalak", "Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak", "Zalewski",
    "Wróblewski", "Marciniak", "Jasiński", "Zawadzki", "Bąk", "Jakubowski", "Sadowski",
    "Duda", "Włodarczyk", "Wilk", "Chmielewski", "Borkowski", "Sokołowski", "Szczepański",
    "Sawicki", "Lis", "Kucharski", "Kalinowski", "Wysocki", "Mazurek", "Kubiak", "Maciejewski",
    "Czarnecki", "Kołodziej", "Szczepaniak", "Urbański", "Kaczmarczyk", "Kubacki", "Laskowski",
    "Ziółkowski", "Głowacki", "Kasprzak", "Zawisza", "Leśniak", "Sobczak", "Czerwiński",
    "Andrzejewski", "Cieślak", "Kowalewski", "Szulc", "Bednarek",
]  # fmt: skip
FORMS = ["sp. z o.o.", "S.A.", "s.c.", "sp. j.", ""]
CITIES = ["Lublin", "Świdnik", "Puławy", "Chełm", "Zamość", "Biała Podlaska"]
ROLES = ["przedsiębiorstwo", "IOB", "uczelnia", "NGO"]


def synthetic_names(count: int, seed: int = 7) -> list[str]:
    """Distinct organisations that share words: a trade, two surnames, a legal form."""
    rng = random.Random(seed)
    combos = [(p, a, b) for p in PREFIXES for a in SURNAMES for b in SURNAMES if a < b]
    if count > len(combos):
        raise SystemExit(f"at most {len(combos)} distinct names")
    rng.shuffle(combos)
    return [f"{p} {a}-{b} {rng.choice(FORMS)}".strip() for p, a, b in combos[:count]]


def member_list(path: Path, count: int) -> Path:
    rng = random.Random(3)
    lines = ["nazwa;miasto;rola;strona www;opis;klaster"]
    for n, name in enumerate(synthetic_names(count)):
        lines.append(
            f"{name};{rng.choice(CITIES)};{rng.choice(ROLES)};https://firma{n}.example.pl;"
            f"Opis działalności firmy numer {n};{CLUSTER}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def review_rate(count: int = 300) -> dict[str, int]:
    """Reconcile ``count`` synthetic names one after another, as an import does."""
    from highlands.ingest.reconcile import NEW, Incoming, Known, Reconciler

    try:
        reconciler = Reconciler([], broad=False)
    except TypeError:  # the old path blocks one way only
        reconciler = Reconciler([])
    decisions = {"match": 0, "new": 0, "review": 0}
    for pk, name in enumerate(synthetic_names(count), start=1):
        decision = reconciler.decide(Incoming(names=(name,)))
        decisions[decision.decision] += 1
        if decision.decision == NEW:
            reconciler.add(Known(pk=pk, display_name=name, names=(name,)))
    return decisions


def _worker(args: argparse.Namespace) -> None:
    """One size in this process: template database in, timings out (JSON on stdout)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "highlands.config.settings.test"
    os.environ["DATABASE_URL"] = args.db if "://" in args.db else f"sqlite:///{args.db}"
    # As the README advises for imports of thousands of records: the reindex outbox is
    # drained by a worker afterwards (``highlands search-index drain``), not in the import.
    os.environ["HIGHLANDS_SEARCH_SYNC"] = "0"
    import django

    django.setup()
    from highlands.ingest.importers import import_file

    counts: list[dict[str, int]] = [{}, {}]
    with _statements(counts[0], enabled=args.count_queries):
        started, cpu = time.perf_counter(), time.process_time()
        report = import_file(str(args.file))
        first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    with _statements(counts[1], enabled=args.count_queries):
        started, cpu = time.perf_counter(), time.process_time()
        again = import_file(str(args.file))
        second, second_cpu = time.perf_counter() - started, time.process_time() - cpu
    decisions = {"match": 0, "new": 0, "review": 0}
    for row in report.rows:
        decisions[row["decision"]] += 1
    print(
        json.dumps(
            {
                "seconds": first,
                "reimport_seconds": second,
                # CPU seconds of this process: far less affected by other jobs on the cores
                "cpu_seconds": first_cpu,
                "reimport_cpu_seconds": second_cpu,
                "decisions": decisions,
                "created": report.created,
                "reimport_created": again.created,
                "reimport_updated": again.updated,
                "reimport_deleted": again.deleted,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "review_kinds": _review_kinds(report.rows),
                "queries": counts[0],
                "reimport_queries": counts[1],
            }
        )
    )


@contextlib.contextmanager
def _statements(counts: dict[str, int], *, enabled: bool) -> Iterator[None]:
    """Count the SQL statements run inside, by their first word (``executemany`` once), with
    their milliseconds; each statement of 500 ms or more by its beginning."""
    if not enabled:
        yield
        return
    from django.db import connection

    def count(execute, sql, params, many, context):
        kind = sql.split(None, 1)[0].upper() + (" (many)" if many else "")
        counts[kind] = counts.get(kind, 0) + 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = round((time.perf_counter() - started) * 1000)
            counts[f"{kind} ms"] = counts.get(f"{kind} ms", 0) + ms
            if ms >= 500:  # the slow ones, by what they start with
                counts[f"slow: {sql[:90]}"] = ms

    # COPY (PostgreSQL's bulk insert, ``search.indexing.insert_rows``) goes past the wrapper:
    # counted here, once a call with rows, as "COPY"; an older checkout without it is left as it is.
    import importlib

    patched = []
    for name in ("highlands.search.indexing", "highlands.ingest.upsert"):
        module = importlib.import_module(name)
        real = getattr(module, "insert_rows", None)
        if real is not None and connection.vendor == "postgresql":

            def timed(model, columns, rows, real=real):
                started = time.perf_counter()
                try:
                    return real(model, columns, rows)
                finally:
                    if rows:
                        ms = round((time.perf_counter() - started) * 1000)
                        counts["COPY"] = counts.get("COPY", 0) + 1
                        counts["COPY ms"] = counts.get("COPY ms", 0) + ms

            module.insert_rows = timed
            patched.append((module, real))
    try:
        with connection.execute_wrapper(count):
            yield
    finally:
        for module, real in patched:
            module.insert_rows = real


def _review_kinds(rows: list[dict]) -> dict[str, int]:
    """Why rows went to review: their best candidate has the same name words (surnames) and
    differs in domain words only ("Hotel X-Y" / "Restauracja X-Y"), or its name words differ
    by a typo's distance ("Mazur" / "Mazurek", "Kaczmarek" / "Kaczmarczyk")."""
    from highlands.text.name_matching import concepts, name_words

    kinds = {"domain words only": 0, "typo-near name words": 0}
    for row in rows:
        if row["decision"] == "review" and row["candidates"]:
            mine = name_words(concepts(row["source_name"]))
            theirs = name_words(concepts(row["candidates"][0]["name"]))
            kinds["domain words only" if mine == theirs else "typo-near name words"] += 1
    return kinds


class _Databases:
    """Where each run's fresh database comes from: a copied SQLite file, or a PostgreSQL
    database created from a template database."""

    def __init__(self, src: Path, directory: Path, url: str | None) -> None:
        self.src, self.url = src, url
        if url is None:
            self.template = str(directory / "template.sqlite3")
            self.run_db = str(directory / "run.sqlite3")
        else:
            base, self.name = url.rsplit("/", 1)
            self.template_name = f"{self.name}_template"
            self.template = f"{base}/{self.template_name}"
            self.run_db = url
            self._admin(f'DROP DATABASE IF EXISTS "{self.template_name}"')
            self._admin(f'CREATE DATABASE "{self.template_name}"')
        self._fill(self.template)

    def _admin(self, sql: str) -> None:
        import psycopg

        assert self.url is not None
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
            db.execute(sql)

    def _fill(self, url: str) -> None:
        """Migrate and import the source document."""
        code = (
            "import os,sys;sys.path.insert(0,sys.argv[1]);"
            "os.environ['DJANGO_SETTINGS_MODULE']='highlands.config.settings.test';"
            "u=sys.argv[2];os.environ['DATABASE_URL']=u if '://' in u else 'sqlite:///'+u;"
            "import django;django.setup();"
            "from django.core.management import call_command;"
            "call_command('migrate',verbosity=0);"
            "from highlands.ingest.importers import import_file;import_file(sys.argv[3])"
        )
        subprocess.run([sys.executable, "-c", code, str(self.src), url, str(SEED)], check=True)  # noqa: S603

    def fresh(self) -> str:
        if self.url is None:
            shutil.copy(self.template, self.run_db)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template_name}"')
        return self.run_db

    def close(self) -> None:
        if self.url is None:
            Path(self.run_db).unlink(missing_ok=True)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'DROP DATABASE IF EXISTS "{self.template_name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="checkout's src/")
    parser.add_argument("--names", type=int, default=300, help="names for the review rate")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database",
        help="a PostgreSQL URL (its database is dropped and created again for every run)",
    )
    parser.add_argument(
        "--count-queries", action="store_true", help="count the SQL statements by kind"
    )
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(args.src))
    if args.worker:
        _worker(args)
        return
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    engine = "PostgreSQL" if args.database else "SQLite"
    print(f"src: {args.src}\ndatabase: {engine}\nload: {load.strip()}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "highlands.config.settings.test"
    import django

    django.setup()
    rate = review_rate(args.names)
    print(
        f"review rate on {args.names} synthetic names: {rate['review'] / args.names:.1%} ({rate})"
    )
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        databases = _Databases(args.src, directory, args.database)
        for size in args.sizes:
            path = member_list(directory / f"czlonkowie-{size}.csv", size)
            runs = []
            for _ in range(args.repeat):
                db = databases.fresh()
                worker = [sys.executable, __file__, "--worker", "--src", str(args.src)]
                if args.count_queries:
                    worker.append("--count-queries")
                out = subprocess.run(  # noqa: S603
                    [*worker, "--db", db, "--file", str(path)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if out.returncode:
                    databases.close()
                    raise SystemExit(f"{size:,} rows failed:\n{out.stderr}")
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            seconds = statistics.median(r["seconds"] for r in runs)
            again = statistics.median(r["reimport_seconds"] for r in runs)
            decisions = runs[0]["decisions"]
            changed = {
                (r["reimport_created"], r["reimport_updated"], r["reimport_deleted"]) for r in runs
            }
            print(
                f"{size:>7,} rows: median {seconds:7.1f} s ({size / seconds:,.0f} rows/s) "
                f"of {[round(r['seconds'], 1) for r in runs]}, CPU "
                f"{statistics.median(r['cpu_seconds'] for r in runs):.1f} s; review "
                f"{decisions['review'] / size:.1%}, new {decisions['new']:,}, "
                f"match {decisions['match']:,} {runs[0].get('review_kinds')}; "
                f"re-import {again:.1f} s (CPU "
                f"{statistics.median(r['reimport_cpu_seconds'] for r in runs):.1f} s), "
                f"created/updated/removed {sorted(changed)}; peak RSS "
                f"{max(r.get('peak_rss_mb', 0) for r in runs):,.0f} MB"
            )
            if args.count_queries:
                print(f"  statements, import: {runs[0]['queries']}")
                print(f"  statements, re-import: {runs[0]['reimport_queries']}")
        databases.close()
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    print(f"load after: {load.strip()}")


if __name__ == "__main__":
    main()
