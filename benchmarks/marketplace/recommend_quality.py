"""Recommender quality: recall@5 and nDCG@5 against a keyword-only baseline, same run.

Usage:  .venv/bin/python benchmarks/marketplace/recommend_quality.py

Builds a throw-away SQLite database, imports the source document and the demo set
(``highlands marketplace-demo``), then for every row of ``labelled_requests.csv`` ranks the
candidates for a request posted by ``requester`` (anonymous viewer: public profiles only):
``profile:<demo key>`` rows are judged on the profile list, ``org:<slug>`` rows on the
organisation list.  The baseline ranks the *same* candidates by keyword overlap (lower-cased
word tokens, TF-IDF-weighted cosine) of the request with each profile's title, description
and keywords, and each organisation's clusters' service/product/characteristics texts plus
its own profiles.
"""

from __future__ import annotations

import csv
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABELS = Path(__file__).with_name("labelled_requests.csv")
SEED = ROOT / "src/highlands/ingest/data/lublin-economic-highlands.txt"
K = 5
WORD = re.compile(r"\w{3,}", re.UNICODE)


def setup(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "highlands.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from highlands.ingest.profile_import import profile_document_import
    from highlands.ingest.sources import read_source

    profile_document_import(source=read_source(SEED))
    call_command("marketplace-demo")


def tokens(text: str) -> list[str]:
    return WORD.findall(text.casefold())


class KeywordIndex:
    def __init__(self, docs: dict[object, str]) -> None:
        self.docs = {key: Counter(tokens(text)) for key, text in docs.items()}
        df: Counter[str] = Counter()
        for counts in self.docs.values():
            df.update(counts.keys())
        n = max(len(self.docs), 1)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}

    def scores(self, query: str) -> dict[object, float]:
        q = Counter(tokens(query))
        qv = {t: c * self.idf.get(t, 0.0) for t, c in q.items()}
        qn = math.sqrt(sum(v * v for v in qv.values())) or 1.0
        out = {}
        for key, counts in self.docs.items():
            dv = {t: c * self.idf[t] for t, c in counts.items()}
            dn = math.sqrt(sum(v * v for v in dv.values())) or 1.0
            out[key] = sum(qv[t] * dv.get(t, 0.0) for t in qv) / (qn * dn)
        return out


def metrics(ranked: list[str], expected: set[str]) -> tuple[float, float]:
    top = ranked[:K]
    hits = [1.0 if item in expected else 0.0 for item in top]
    recall = sum(hits) / len(expected)
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    idcg = sum(1 / math.log2(i + 2) for i in range(min(len(expected), K)))
    return recall, dcg / idcg


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HIGHLANDS_VAR_DIR"] = tmp
        setup(Path(tmp) / "bench.sqlite3")
        from highlands.ecosystem.models import ClusterAttribute, Membership, Organization
        from highlands.marketplace import encoding, recommend
        from highlands.marketplace.models import CooperationProfile
        from highlands.marketplace.selectors import live_q, profiles_visible_to

        rows = list(csv.DictReader(LABELS.open(encoding="utf-8")))
        orgs = dict(Organization.objects.values_list("slug", "pk"))
        slug_of = {pk: slug for slug, pk in orgs.items()}
        visible = list(profiles_visible_to(None).filter(live_q()))
        profile_text = {
            p.demo_key or str(p.pk): f"{p.title} {p.description} {' '.join(p.keywords)}"
            for p in visible
        }
        org_text: dict[object, str] = {}
        cluster_texts: dict[int, list[str]] = {}
        for cluster_id, text in ClusterAttribute.objects.filter(
            kind__in=recommend.CAPABILITY_KINDS
        ).values_list("cluster_id", "text"):
            cluster_texts.setdefault(cluster_id, []).append(text)
        for org_id, cluster_id in Membership.objects.values_list("organization_id", "cluster_id"):
            org_text[slug_of[org_id]] = (
                str(org_text.get(slug_of[org_id], ""))
                + " "
                + " ".join(cluster_texts.get(cluster_id, []))
            )
        for p in visible:
            key = slug_of[p.organization_id]
            org_text[key] = str(org_text.get(key, "")) + " " + profile_text[p.demo_key or str(p.pk)]
        keyword_profiles = KeywordIndex(profile_text)
        keyword_orgs = KeywordIndex(org_text)
        direction_of = {p.demo_key or str(p.pk): p.direction for p in visible}
        owner_of = {p.demo_key or str(p.pk): slug_of[p.organization_id] for p in visible}

        results = {"recommender": [], "keyword": []}
        misses = []
        latencies = []
        for row in rows:
            kind, _, target = row["expected"].partition(":")
            expected = {target}
            requester = row["requester"]
            started = time.perf_counter()
            rec = recommend.rank(
                user=None,
                query=encoding.encode([row["query"]])[0],
                direction="request",
                organization_id=orgs[requester],
                limit=K,
            )
            latencies.append(time.perf_counter() - started)
            if kind == "profile":
                ranked = [r.profile.demo_key for r in rec.profiles if r.profile]
                scores = keyword_profiles.scores(row["query"])
                candidates = [
                    key
                    for key in scores
                    if direction_of[key] in recommend.OPPOSITE["request"]
                    and owner_of[key] != requester
                ]
            else:
                ranked = [r.organization.slug for r in rec.organizations]
                scores = keyword_orgs.scores(row["query"])
                candidates = [key for key in scores if key != requester]
            baseline = sorted(
                (c for c in candidates if scores[c] > 0), key=lambda c: (-scores[c], str(c))
            )
            results["recommender"].append(metrics(ranked, expected))
            results["keyword"].append(metrics([str(b) for b in baseline], expected))
            if target not in ranked[:K]:
                misses.append((row["id"], row["query"], target, ranked[:K]))
        n = len(rows)
        print(f"labelled requests: {n} ({sum(r['language'] == 'pl' for r in rows)} in Polish)")
        print("| ranker | recall@5 | nDCG@5 |")
        print("|---|---|---|")
        for name, values in results.items():
            recall = sum(v[0] for v in values) / n
            ndcg = sum(v[1] for v in values) / n
            print(f"| {name} | {recall:.3f} | {ndcg:.3f} |")
        for lang in ("en", "pl"):
            idx = [i for i, r in enumerate(rows) if r["language"] == lang]
            line = ", ".join(
                f"{name} recall@5 {sum(results[name][i][0] for i in idx) / len(idx):.3f}"
                for name in results
            )
            print(f"{lang} ({len(idx)}): {line}")
        latencies.sort()
        print(
            f"rank() per request on this small registry: median "
            f"{latencies[len(latencies) // 2] * 1000:.1f} ms (incl. encoding the query)"
        )
        for miss in misses:
            print("MISS", miss)
        cpu = subprocess.run(
            ["sh", "-c", "grep -m1 'model name' /proc/cpuinfo"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        print(
            f"machine: nproc={os.cpu_count()}, {cpu}, Python {sys.version.split()[0]}, "
            f"{platform.platform()}; profiles={CooperationProfile.objects.count()}"
        )


if __name__ == "__main__":
    main()
