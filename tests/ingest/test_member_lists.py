"""Member lists at (small) scale: distinct names are new, blocking still finds the real
candidates, the list is written in bulk and importing it again changes nothing.

``benchmarks/import_scale.py`` runs the same at 1k, 10k and 100k rows.
"""

from __future__ import annotations

import io
import random

from django.core.management import call_command

from highlands.ecosystem.models import Membership, Organization
from highlands.ingest.importers import import_file
from highlands.ingest.models import ReviewItem
from highlands.ingest.reconcile import NEW, REVIEW, Incoming, Known, Reconciler, name_similarity

TRADES = ["Zakład Metalowy", "Biuro Rachunkowe", "Studio Graficzne", "Restauracja", "Transport"]
SURNAMES = [
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Ostrowski", "Piotrowski", "Sadowski", "Wróbel",
]  # fmt: skip
ICT_CLUSTER = "Lubelski Klaster Teleinformatyczny"


def synthetic_names(count: int) -> list[str]:
    rng = random.Random(5)  # noqa: S311 — test names, not secrets
    combos = [(t, a, b) for t in TRADES for a in SURNAMES for b in SURNAMES if a < b]
    rng.shuffle(combos)
    forms = ["sp. z o.o.", "S.A.", "s.c.", ""]
    return [f"{t} {a}-{b} {rng.choice(forms)}".strip() for t, a, b in combos[:count]]


def test_distinct_names_sharing_words_are_new():
    reconciler = Reconciler([], broad=False)
    decisions = []
    for pk, name in enumerate(synthetic_names(300), start=1):
        decision = reconciler.decide(Incoming(names=(name,), city="Lublin"))
        decisions.append(decision.decision)
        if decision.decision == NEW:
            reconciler.add(Known(pk=pk, display_name=name, names=(name,), city="Lublin"))
    assert decisions.count(REVIEW) / len(decisions) <= 0.02  # was 55-70 %
    assert "match" not in decisions


def test_what_makes_names_distinct():
    kowalski = "Zakład Metalowy Nowak-Kowalski sp. z o.o."
    assert name_similarity(kowalski, "Zakład Metalowy Nowak-Wójcik sp. z o.o.") <= 0.3
    # A shared surname is no one's typo partner: "Piotrowski" is not "Ostrowski".
    assert name_similarity("Transport Ostrowski-Piotrowski", "Transport Ostrowski-Sadowski") <= 0.3
    # Still questions: a shorter form, a typo, names differing only in domain words.
    assert name_similarity(kowalski, "Zakład Metalowy Nowak sp. z o.o.") >= 0.5
    assert name_similarity(kowalski, "Zakład Metalowy Nowak-Kowalsky sp. z o.o.") >= 0.5
    assert name_similarity("Klaster Energii Odnawialnej", "Klaster Ekoenergetyczny") >= 0.5


def test_blocking_finds_a_typo_among_many():
    names = synthetic_names(400)
    reconciler = Reconciler(
        [Known(pk=pk, display_name=n, names=(n,)) for pk, n in enumerate(names, start=1)],
        broad=False,
    )
    target = next(n for n in names if "Kowalski" in n and n.startswith("Zakład"))
    typo = target.replace("Kowalski", "Kowalsky")
    decision = reconciler.decide(Incoming(names=(typo,)))
    assert decision.decision == REVIEW
    assert decision.candidates[0].known.display_name == target
    exact = reconciler.decide(Incoming(names=(target.upper(),)))
    assert (exact.decision, exact.match.display_name) == ("match", target)


def member_csv(tmp_path, names: list[str], cities: list[str] | None = None):
    path = tmp_path / "czlonkowie.csv"
    lines = ["nazwa;miasto;rola;strona www;opis;klaster"]
    lines += [
        f"{name};{city};przedsiębiorstwo;https://firma{n}.example.pl;Opis {n};{ICT_CLUSTER}"
        for n, (name, city) in enumerate(zip(names, cities or ["Lublin"] * len(names), strict=True))
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_member_list_is_imported_in_bulk_and_again_changes_nothing(tmp_path, shared_seed):
    names = synthetic_names(150)
    path = member_csv(tmp_path, names)
    before = Organization.objects.count()
    dry = import_file(str(path), dry_run=True)
    assert Organization.objects.count() == before
    report = import_file(str(path))
    assert (dry.created, dry.updated) == (report.created, report.updated)
    assert [r["decision"] for r in report.rows] == ["new"] * 150
    assert Organization.objects.count() == before + 150
    org = Organization.objects.get(name=names[7])
    assert (org.city, org.helix_role, org.website) == (
        "Lublin",
        "business",
        "https://firma7.example.pl",
    )
    assert org.source.name == "czlonkowie.csv"
    assert Membership.objects.get(organization=org).cluster.slug == "lublin-ict-cluster"
    assert len({o.slug for o in Organization.objects.all()}) == Organization.objects.count()
    again = import_file(str(path))
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert [r["decision"] for r in again.rows] == ["match"] * 150
    assert not ReviewItem.objects.exists()


def test_rows_of_one_list_reconcile_against_each_other(tmp_path, shared_seed):
    """A row matching an organisation created a few rows above it, in the same file."""
    first = "Zakład Metalowy Nowak-Kowalski sp. z o.o."
    path = member_csv(tmp_path, [first, "Zakład Metalowy Nowak-Kowalsky", "Biuro Wróbel"])
    out = io.StringIO()
    call_command("import", str(path), "--report", "json", stdout=out)
    report = import_file(str(path), dry_run=True)
    decisions = {r["source_name"]: r["decision"] for r in report.rows}
    assert decisions[first] == "match"
    item = ReviewItem.objects.get(incoming_name="Zakład Metalowy Nowak-Kowalsky")
    created = Organization.objects.get(name=first)
    assert item.candidates[0] == {
        "pk": created.pk,
        "name": first,
        "score": item.candidates[0]["score"],
    }


def test_a_reviewed_row_sees_the_organisations_below_it_and_again_changes_nothing(
    tmp_path, shared_seed
):
    """The cause of the updates the 10k/100k benchmark saw on re-import: a queued row was
    reconciled against the rows above it only, a re-import against the whole file."""
    above = "Przedsiębiorstwo Usługowe Szczepański-Tomaszewski S.A."
    queued = "Hotel Szczepański-Tomaszewski sp. z o.o."
    below = "Centrum Medyczne Szczepaniak-Tomaszewski S.A."
    path = member_csv(tmp_path, [above, queued, below], ["Lublin", "Chełm", "Zamość"])
    report = import_file(str(path))
    assert [r["decision"] for r in report.rows] == ["new", "review", "new"]
    item = ReviewItem.objects.get(incoming_name=queued)
    assert {c["name"] for c in item.candidates} == {above, below}
    again = import_file(str(path))
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def test_an_organisation_listed_twice_keeps_its_first_row_and_again_changes_nothing(
    tmp_path, shared_seed
):
    first = "Zakład Metalowy Nowak-Kowalski sp. z o.o."
    path = member_csv(tmp_path, [first, "Biuro Wróbel", "Zakład Metalowy Nowak-Kowalski"])
    report = import_file(str(path))
    assert [r["decision"] for r in report.rows] == ["new", "new", "match"]
    membership = Membership.objects.get(organization__name=first)
    assert (membership.line_start, membership.line_end) == (2, 2)
    again = import_file(str(path))
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    membership.refresh_from_db()
    assert (membership.line_start, membership.line_end) == (2, 2)


def _written() -> dict[str, list[tuple]]:
    """Every row of the tables a member list writes, ids replaced by natural keys (a
    rolled-back run's ids are not reused on PostgreSQL), timestamps left out."""
    from highlands.ecosystem.models import Cluster, OrganizationAlias, SourceDocument
    from highlands.search.models import IndexOutbox

    keys = {
        "organization_id": dict(Organization.objects.values_list("pk", "normalized_name")),
        "cluster_id": dict(Cluster.objects.values_list("pk", "slug")),
        "source_id": dict(SourceDocument.objects.values_list("pk", "sha256")),
    }

    def rows(model) -> list[tuple]:
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if not f.primary_key
            and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
        ]
        found = []
        for values in model.objects.values_list(*fields):
            row = dict(zip(fields, values, strict=True))
            for name, key in keys.items():
                if name in row:
                    row[name] = key.get(row[name])
            if "candidates" in row:
                row["candidates"] = [
                    {**c, "pk": keys["organization_id"][c["pk"]]} for c in row["candidates"]
                ]
            found.append(repr(sorted(row.items())))
        return sorted(found)

    outbox = [
        (kind, keys[f"{kind}_id"][pk], attempts, error)
        for kind, pk, attempts, error in IndexOutbox.objects.values_list(
            "kind", "object_id", "attempts", "last_error"
        )
    ]
    return {
        "organizations": rows(Organization),
        "aliases": rows(OrganizationAlias),
        "memberships": rows(Membership),
        "review": rows(ReviewItem),
        "outbox": sorted(outbox),
    }


def test_a_member_list_writes_the_rows_bulk_create_would(tmp_path, shared_seed, monkeypatch):
    """The import's bulk inserts (COPY on PostgreSQL, executemany on SQLite; CI runs this on
    both) write the very rows Django's own ``bulk_create`` writes: organisations, aliases,
    memberships, review items and the search outbox."""
    from contextlib import suppress

    from django.db import transaction

    from highlands.ingest import upsert
    from highlands.search import indexing
    from highlands.search.models import IndexOutbox

    names = [n for n in synthetic_names(40) if "Nowak-Kowalsk" not in n]
    # a typo of an organisation above it: queued for review, its candidate a new organisation
    names += ["Zakład Metalowy Nowak-Kowalski sp. z o.o.", "Zakład Metalowy Nowak-Kowalsky"]
    path = member_csv(tmp_path, names)

    class UndoError(Exception):
        pass

    def imported() -> dict[str, list[tuple]]:
        written: dict[str, list[tuple]] = {}
        with suppress(UndoError), transaction.atomic():
            import_file(str(path))
            written = _written()
            raise UndoError
        return written

    calls: list[str] = []

    def counted(model, columns, rows):
        calls.append(model.__name__)
        real(model, columns, rows)

    real = indexing.insert_rows
    monkeypatch.setattr(indexing, "insert_rows", counted)
    monkeypatch.setattr(upsert, "insert_rows", counted)
    fast = imported()
    assert {"Organization", "Membership", "IndexOutbox"} <= set(calls)
    monkeypatch.setattr(
        upsert, "insert_all", lambda model, objs: model._default_manager.bulk_create(objs)
    )
    monkeypatch.setattr(
        indexing,
        "insert_rows",
        lambda model, columns, rows: model._default_manager.bulk_create(
            model(**dict(zip(columns, row, strict=True))) for row in rows
        ),
    )
    assert imported() == fast
    assert len(fast["memberships"]) >= len(names) - 1
    assert fast["review"]
    assert len(fast["outbox"]) > IndexOutbox.objects.count()  # both runs rolled back
