"""The same cases through both importers (profile text and a table): the same registry result.

``ingest/upsert.py`` holds one rule each for a re-imported figure's date, slugs, blank fields,
sources, dry runs and re-imports; each case below runs once per format and asserts what the
rule says, so the two importers cannot drift apart again.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from highlands.ecosystem.models import (
    Cluster,
    FigureObservation,
    Membership,
    Organization,
    SourceDocument,
)
from highlands.ingest.importers import import_file
from highlands.ingest.upsert import blanks, figure_date, fingerprint
from highlands.text.names import normalize_name

pytestmark = pytest.mark.django_db

FORMATS = ("profile", "table")
CLUSTER = "Klaster Testowy"
FIRM = "Zakład Metalowy Nowak sp. z o.o."
FIRM_SLUG = "zaklad-metalowy-nowak-sp-z-oo"


@pytest.fixture
def cluster(db) -> Cluster:
    return Cluster.objects.create(
        slug="klaster-testowy", name=CLUSTER, display_name=CLUSTER, position=10
    )


def member_file(tmp_path: Path, fmt: str, name: str = FIRM) -> Path:
    """One enterprise listed as a member of the cluster, in either format."""
    if fmt == "profile":
        path = tmp_path / "klaster.txt"
        path.write_text(
            "General information about the cluster:\n"
            f"Name: {CLUSTER}\n"
            "Number of members in the cluster: 1, including:\n"
            "- Number of enterprises: 1\n"
            f"- {name}\n",
            encoding="utf-8",
        )
    else:
        path = tmp_path / "czlonkowie.csv"
        path.write_text(
            f"nazwa;rola;klaster\n{name};przedsiębiorstwo;{CLUSTER}\n", encoding="utf-8"
        )
    return path


def figure_file(tmp_path: Path, fmt: str) -> Path:
    """The cluster's member count, in either format, stating no date."""
    if fmt == "profile":
        path = tmp_path / "klaster.txt"
        path.write_text(
            f"General information about the cluster:\nName: {CLUSTER}\n"
            "Number of members in the cluster: 12\n",
            encoding="utf-8",
        )
    else:
        path = tmp_path / "klastry.csv"
        path.write_text(f"Nazwa klastra;Liczba członków\n{CLUSTER};12\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_new_organisation(tmp_path, cluster, fmt):
    import_file(str(member_file(tmp_path, fmt)))
    org = Organization.objects.get(normalized_name=normalize_name(FIRM))
    assert (org.slug, org.name, org.helix_role) == (FIRM_SLUG, FIRM, "business")
    assert org.helix_role_basis
    source = SourceDocument.objects.get(name=member_file(tmp_path, fmt).name)
    assert org.source == source
    membership = Membership.objects.get(organization=org, cluster=cluster)
    assert (membership.role, membership.listed_as, membership.source) == (
        "member",
        "business",
        source,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_taken_slug_gets_the_next_number(tmp_path, cluster, fmt):
    Organization.objects.create(slug=FIRM_SLUG, name="Inna Firma", normalized_name="inna firma")
    import_file(str(member_file(tmp_path, fmt)))
    assert Organization.objects.get(name=FIRM).slug == f"{FIRM_SLUG}-2"


@pytest.mark.parametrize("fmt", FORMATS)
def test_blanks_are_filled_and_stated_values_kept(tmp_path, cluster, fmt):
    earlier = SourceDocument.objects.create(sha256="e" * 64, name="earlier.csv", kind="csv")
    org = Organization.objects.create(
        slug="nowak",
        name=FIRM,
        normalized_name=normalize_name(FIRM),
        org_type="manufacturer",
        year_established=1990,
        source=earlier,
        line_start=7,
        line_end=7,
    )
    import_file(str(member_file(tmp_path, fmt)))
    org.refresh_from_db()
    assert org.helix_role == "business"  # was blank: filled
    assert (org.org_type, org.year_established) == ("manufacturer", 1990)  # stated: kept
    assert (org.slug, org.name) == ("nowak", FIRM)
    # Provenance stays with the source that stated the organisation first.
    assert (org.source, org.line_start, org.line_end) == (earlier, 7, 7)
    assert Organization.objects.count() == 1
    assert Membership.objects.get(organization=org).source.name != "earlier.csv"


@pytest.mark.parametrize("fmt", FORMATS)
def test_reimport_changes_nothing(tmp_path, cluster, fmt):
    path = member_file(tmp_path, fmt)
    first = import_file(str(path))
    assert first.created > 0
    again = import_file(str(path))
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_dry_run_reports_the_real_import_and_writes_nothing(tmp_path, cluster, fmt):
    path = member_file(tmp_path, fmt)
    before = (Organization.objects.count(), Membership.objects.count())
    dry = import_file(str(path), dry_run=True)
    assert (Organization.objects.count(), Membership.objects.count()) == before
    assert not SourceDocument.objects.exists()
    real = import_file(str(path))
    assert (dry.created, dry.updated, dry.organizations) == (
        real.created,
        real.updated,
        real.organizations,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reimported_figure_keeps_its_date_unless_one_is_given(tmp_path, cluster, fmt):
    path = str(figure_file(tmp_path, fmt))

    def figure() -> tuple:
        f = FigureObservation.objects.get(cluster=cluster, kind="members")
        return (f.value, f.as_of, f.as_of_basis)

    import_file(path)
    assert figure() == (12, timezone.localdate(), "imported")
    import_file(path, as_of=date(2024, 6, 30))  # a given date is the truth
    assert figure() == (12, date(2024, 6, 30), "given")
    import_file(path)  # imported again undated, later: does not move in time
    assert figure() == (12, date(2024, 6, 30), "given")
    assert FigureObservation.objects.count() == 1


def test_the_rules_themselves():
    org = Organization(name="A", helix_role="", org_type="x", year_established=None)
    assert blanks(
        org,
        {"helix_role": "business", "helix_role_basis": "b", "org_type": "y", "year_established": 5},
    ) == {"helix_role": "business", "helix_role_basis": "b", "year_established": 5}
    org.helix_role = "academia"
    assert blanks(org, {"helix_role": "business", "helix_role_basis": "b"}) == {}
    kept = FigureObservation(as_of=date(2020, 1, 1), as_of_basis="stated")
    assert figure_date(kept, date(2026, 1, 1), "imported") == (date(2020, 1, 1), "stated")
    assert figure_date(kept, date(2021, 1, 1), "given") == (date(2021, 1, 1), "given")
    assert figure_date(None, date(2026, 1, 1), "imported") == (date(2026, 1, 1), "imported")
    assert fingerprint("a", 1) == fingerprint("a", "1") != fingerprint("a", 2)


def test_insert_all_writes_what_bulk_create_writes_and_sets_the_ids(cluster):
    """``insert_all`` (one executemany on SQLite): every value as Django would prepare it —
    auto_now_add timestamps, dates, foreign keys, blanks — and each object gets its row's id."""
    from django.db import transaction

    from highlands.ingest.upsert import insert_all

    source = SourceDocument(sha256="a" * 64, name="x.csv", kind="csv", as_of=date(2024, 5, 1))
    with transaction.atomic():
        insert_all(SourceDocument, [source])
        orgs = [
            Organization(
                slug=f"firma-{n}", name=f"Firma {n}", normalized_name=f"firma {n}", source=source
            )
            for n in range(3)
        ]
        insert_all(Organization, orgs)
        insert_all(Membership, [Membership(organization=o, cluster=cluster) for o in orgs])
    stored = SourceDocument.objects.get(pk=source.pk)
    assert stored.imported_at is not None
    assert stored.as_of == date(2024, 5, 1)
    assert [o.pk for o in orgs] == list(
        Organization.objects.filter(slug__startswith="firma-")
        .order_by("slug")
        .values_list("pk", flat=True)
    )
    assert all(Organization.objects.get(pk=o.pk).name == o.name for o in orgs)
    assert Membership.objects.filter(cluster=cluster, organization__in=orgs).count() == 3
    assert all(not o._state.adding for o in orgs)


# Values the bulk insert must carry through unchanged: COPY's text format escapes tabs, line
# breaks, backslashes and its own null marker; blanks stay blank, ``None`` stays null.
AWKWARD = [
    "tab\there",
    "line\nbreak",
    "back\\slash",
    "\\N",
    "",
    "cr\rlf",
    'a "quote"; b',
    "Zażółć 🐝",
]


def _review_items(source: SourceDocument, org: Organization) -> list:
    from highlands.ingest.models import ReviewItem

    return [
        ReviewItem(
            source=source if n % 2 else None,
            source_key="k",
            entity="organization",
            row=n,
            incoming_name=text,
            normalized_name=f"{n}-{text}",
            language="pl",
            payload={"names": [[text, "pl"]], "year": None, "n": n},
            candidates=[{"pk": org.pk, "name": text, "score": 0.5 + n / 100}],
            score=n / 3,
            reason=text,
            resolved_organization=org if n % 3 == 0 else None,
        )
        for n, text in enumerate(AWKWARD)
    ]


def test_the_bulk_inserts_write_what_bulk_create_writes(cluster):
    """``insert_all`` and ``search.indexing.insert_rows`` (COPY on PostgreSQL, executemany on
    SQLite; the suite runs on both in CI) against Django's own ``bulk_create``: the same
    values — awkward text, JSON, floats, nulls, foreign keys — and ids ascending in the
    objects' order, as ``bulk_create`` hands them out."""
    from django.db import transaction

    from highlands.ingest.models import ReviewItem
    from highlands.ingest.upsert import insert_all
    from highlands.search.indexing import insert_rows
    from highlands.search.models import IndexOutbox

    source = SourceDocument.objects.create(sha256="b" * 64, name="x.csv", kind="csv")
    org = Organization.objects.create(slug="firma", name="Firma", normalized_name="firma")
    fields = [f.attname for f in ReviewItem._meta.concrete_fields if f.attname != "id"]
    fields.remove("created_at")

    def stored(pks: list[int]) -> list[tuple]:
        rows = ReviewItem.objects.filter(pk__in=pks).order_by("pk").values_list(*fields)
        return [tuple(r) for r in rows]

    with transaction.atomic():
        fast = _review_items(source, org)
        insert_all(ReviewItem, fast)
        written = stored([i.pk for i in fast])
        ReviewItem.objects.filter(pk__in=[i.pk for i in fast]).delete()
    assert [i.pk for i in fast] == sorted(i.pk for i in fast)
    plain = ReviewItem.objects.bulk_create(_review_items(source, org))
    assert written == stored([i.pk for i in plain])
    assert written[0][fields.index("incoming_name")] == "tab\there"

    columns = ("kind", "object_id", "created_at", "attempts", "next_attempt_at", "last_error")
    now = timezone.now()
    insert_rows(
        IndexOutbox, columns, [("organization", n, now, n, None, t) for n, t in enumerate(AWKWARD)]
    )
    IndexOutbox.objects.bulk_create(
        IndexOutbox(kind="cluster", object_id=n, created_at=now, attempts=n, last_error=t)
        for n, t in enumerate(AWKWARD)
    )

    def outbox(kind: str) -> list[tuple]:
        rows = IndexOutbox.objects.filter(kind=kind).order_by("object_id")
        return list(rows.values_list("object_id", "attempts", "next_attempt_at", "last_error"))

    assert outbox("organization") == outbox("cluster")
    assert [r[-1] for r in outbox("organization")] == AWKWARD
    assert set(
        IndexOutbox.objects.filter(kind="organization").values_list("created_at", flat=True)
    ) == {now}
