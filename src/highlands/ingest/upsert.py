"""The one compare-then-write layer both importers (``profile_import``, ``table_import``) and
the review queue (``review``) write the registry through.

One rule each, here and nowhere else:

* **Compare, then write** — ``Batch`` reads the existing rows of a table once, compares every
  incoming row by its natural key and writes only what changed (one ``bulk_create``, one
  ``bulk_update``); ``ImportReport`` counts created / updated / unchanged, so re-importing a
  file reports ``0 created, 0 updated``.
* **Sources** — ``source``/``line_start``/``line_end`` are set when a row is created and stay
  with the source that first stated it; that same source re-importing refreshes its lines;
  another source never takes them over (``provenance``); a row one import states twice (an
  organisation listed on two lines) keeps its first statement, whether it is new or not
  (``Batch.put``), so importing the file again finds it unchanged.
* **Blank fields** — a record an import *matches* (rather than defines) only has its blank
  fields filled; a stated value is never overwritten (``blanks``).  An organisation's helix
  role basis goes with its helix role.
* **A re-imported figure's date** — a figure observation is one per (cluster, kind, source);
  re-importing keeps the date it was first observed with unless the import states or is given
  a date (``figure_date``): an undated file imported again later does not move in time.
* **Slugs** — a new record's slug is its name's (``highlands.text.slugs``), suffixed -2, -3 …
  while taken (``Slugs``); a profile's cluster is found by its name's slug.
* **Fingerprints** — a data-quality flag's identity is ``fingerprint(code, subject, message)``.
* **Dry run** — ``import_transaction(dry_run=True)`` runs everything, then rolls it back: the
  report is the real one, nothing is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.db import connections, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)

from ..audit.services import audit_record
from ..ecosystem.models import FigureObservation, SourceDocument
from ..search.indexing import insert_rows
from ..text.slugs import free_slug

PROVENANCE = ("source", "source_id", "line_start", "line_end")
BATCH_SIZE = 500


@dataclass
class ImportReport:
    source: str
    kind: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    clusters: int = 0
    sub_clusters: int = 0
    highlands: int = 0
    organizations: int = 0
    issues: int = 0
    warnings: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        return (
            f"{verb} {self.source}: {self.clusters} clusters ({self.sub_clusters} sub-clusters), "
            f"{self.highlands} highlands, {self.organizations} organizations; "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deleted} removed; {self.issues} data-quality flags."
        )


def audit_import(*, actor: Any, source: SourceDocument, report: ImportReport) -> None:
    """One audit entry per import (who, which file, what changed); run inside its transaction."""
    audit_record(
        actor=actor,
        action="source.import",
        obj=source,
        after={
            "source": report.source,
            "kind": report.kind,
            "created": report.created,
            "updated": report.updated,
            "deleted": report.deleted,
            "clusters": report.clusters,
            "organizations": report.organizations,
            "issues": report.issues,
        },
    )


class _DryRunRollbackError(Exception):
    pass


@contextmanager
def import_transaction(*, dry_run: bool) -> Iterator[None]:
    """One transaction per import; a dry run does all of it and rolls back."""
    try:
        with transaction.atomic():
            yield
            if dry_run:
                raise _DryRunRollbackError
    except _DryRunRollbackError:
        pass


def fingerprint(*parts: object) -> str:
    """The identity of a data-quality flag: its code, its subject and its message."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def by_id(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    """Foreign keys as their ids (``source`` → ``source_id``): comparing them then costs no
    query, where reading ``obj.source`` would load the related row."""
    result = {}
    attnames = _attnames(model)
    for name, value in values.items():
        attname = attnames.get(name, name)
        if attname != name:  # a foreign key given as its object (or None)
            result[attname] = value.pk if isinstance(value, Model) else value
        else:
            result[name] = value
    return result


@cache
def _attnames(model: type[Model]) -> dict[str, str]:
    """Field name → column attribute (``source`` → ``source_id``), per model."""
    return {f.name: getattr(f, "attname", f.name) for f in model._meta.get_fields()}


# Field classes whose value, of the given Python type, is what the database stores: no
# preparation needed (SQLite stores str, int and bool as they are).
_PLAIN: dict[type[Field], type] = {
    CharField: str,  # SlugField, URLField, EmailField are CharFields
    TextField: str,
    IntegerField: int,  # and its positive/small/big kinds
    BooleanField: bool,
    ForeignKey: int,
}


def _plain(model_field: Field) -> type | None:
    for kind, python in _PLAIN.items():
        if isinstance(model_field, kind):
            return python
    return None


def provenance(obj: Model, values: dict[str, Any], source_id: int | None) -> dict[str, Any]:
    """``values`` without the provenance fields if another source stated ``obj`` first."""
    held = getattr(obj, "source_id", None)
    if source_id is None or held in (None, source_id):
        return values
    return {k: v for k, v in values.items() if k not in PROVENANCE}


def blanks(obj: Model, values: dict[str, Any]) -> dict[str, Any]:
    """The values that fill a blank field of ``obj``; a stated value is never overwritten."""
    filled = {
        k: v for k, v in values.items() if v not in (None, "") and getattr(obj, k) in (None, "")
    }
    if "helix_role" not in filled:
        filled.pop("helix_role_basis", None)  # the basis belongs to the role it explains
    return filled


def figure_date(existing: FigureObservation | None, as_of: date, basis: str) -> tuple[date, str]:
    """The date a figure observation is kept with (see the module's rules)."""
    if existing is not None and basis == FigureObservation.AsOfBasis.IMPORTED:
        return existing.as_of, existing.as_of_basis
    return as_of, basis


class Slugs:
    """Slugs taken in one table, read once; ``new(name)`` hands out a free one."""

    def __init__(self, model: type[Model]) -> None:
        self.taken = set(model._default_manager.values_list("slug", flat=True))

    def new(self, name: str) -> str:
        slug = free_slug(name, self.taken)
        self.taken.add(slug)
        return slug


class Batch:
    """Existing rows of one table keyed by natural key; collects creates and updates.

    Reads happen once, up front; writes are one ``bulk_create`` and one ``bulk_update`` per
    ``flush``.  ``put`` compares, so an unchanged row costs no write.
    """

    def __init__(
        self,
        model: type[Model],
        key: tuple[str, ...],
        existing: Iterable[Any],
        report: ImportReport,
    ) -> None:
        self.model = model
        self.key = key
        self.report = report
        self.existing = {tuple(getattr(o, f) for f in key): o for o in existing}
        self.to_create: dict[tuple, Any] = {}
        self.to_update: dict[tuple, Any] = {}
        self.update_fields: set[str] = set()
        self.seen: set[tuple] = set()
        self.counted: set[tuple] = set()

    def get(self, key: tuple) -> Any:
        """The row under ``key``, existing or about to be created."""
        return self.existing.get(key) or self.to_create.get(key)

    def put(self, key: tuple, values: dict[str, Any], *, source_id: int | None = None) -> Any:
        """Upsert one row.  With ``source_id``, provenance stays with the first source."""
        values = by_id(self.model, values)
        if key in self.seen and self.get(key) is not None:
            return self.get(key)  # stated again in the same import: the first statement holds
        self.seen.add(key)
        obj = self.existing.get(key)
        if obj is None:
            obj = self.to_create.get(key)
            if obj is None:
                obj = self.model(**dict(zip(self.key, key, strict=True)), **values)
                self.to_create[key] = obj
            return obj
        return self.change(key, obj, provenance(obj, values, source_id))

    def fill(self, key: tuple, values: dict[str, Any]) -> Any:
        """Fill the blank fields of the row under ``key`` (see ``blanks``)."""
        values = by_id(self.model, values)
        self.seen.add(key)
        obj = self.get(key)
        filled = blanks(obj, values)
        if key in self.to_create:
            for k, v in filled.items():
                setattr(obj, k, v)
            return obj
        return self.change(key, obj, filled)

    def change(self, key: tuple, obj: Any, values: dict[str, Any]) -> Any:
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            self.to_update[key] = obj
            self.update_fields.update(changed)
        return obj

    def flush(self) -> None:
        insert_all(self.model, list(self.to_create.values()))
        if self.to_update:
            self.model._default_manager.bulk_update(
                list(self.to_update.values()), sorted(self.update_fields), batch_size=BATCH_SIZE
            )
        self.report.created += len(self.to_create)
        self.report.updated += len(self.to_update)
        fresh = self.seen - self.counted
        self.report.unchanged += len(fresh) - len(self.to_create) - len(self.to_update)
        self.counted |= fresh
        self.existing.update(self.to_create)
        self.to_create, self.to_update, self.update_fields = {}, {}, set()


def insert_all(model: type[Model], objs: list[Any]) -> None:
    """``bulk_create`` of new rows, their ids set.  Inside a transaction the rows are
    prepared here, once, as Django's own insert prepares them, and written by the one bulk
    insert of plain rows (``search.indexing.insert_rows``: ``COPY`` on PostgreSQL, one
    prepared ``executemany`` on SQLite): Django's compiler builds every value's placeholder
    in Python, 500 rows a statement (a third of a 100,000-row import's time).  The ids: on
    PostgreSQL taken from the table's sequence first, ascending in the objects' order as
    ``bulk_create`` gives them; on SQLite handed out in turn while this transaction holds
    the write lock, the count of rows in that range checked."""
    if not objs:
        return
    manager = model._default_manager
    connection = connections[manager.db]
    if (
        connection.vendor not in ("sqlite", "postgresql")
        or not connection.in_atomic_block
        or any(o.pk for o in objs)
    ):
        manager.bulk_create(objs, batch_size=BATCH_SIZE)
        return
    opts = model._meta
    fields = [f for f in opts.local_concrete_fields if f is not opts.pk and not f.generated]
    plain = [(f, f.attname, _plain(f)) for f in fields]
    rows: list[tuple[Any, ...]] = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        row: list[Any] = []
        for f, attname, python in plain:
            value = getattr(obj, attname)
            if python is not None and (value is None or type(value) is python):
                row.append(value)
            else:  # dates, JSON, auto_now…: as Django's own insert prepares them
                row.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
        rows.append(tuple(row))
    table = connection.ops.quote_name(opts.db_table)
    columns = [f.column for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, opts.pk.column])
            sequence = cursor.fetchone()[0]  # looked up once: per row it is 8 times the cost
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(objs)]
            )
            ids = sorted(pk for (pk,) in cursor.fetchall())
            insert_rows(
                model,
                [opts.pk.column, *columns],
                [(pk, *row) for pk, row in zip(ids, rows, strict=True)],
            )
        else:
            insert_rows(model, columns, rows)
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            ids = list(range(last - len(objs) + 1, last + 1))
            pk = connection.ops.quote_name(opts.pk.column)
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {pk} BETWEEN %s AND %s",  # noqa: S608
                [ids[0], last],
            )
            if cursor.fetchone()[0] != len(objs):
                raise RuntimeError(f"{opts.db_table}: inserted rows' ids are not consecutive")
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = manager.db


def upsert_one(
    model: type[Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    report: ImportReport,
    *,
    source_id: int | None = None,
) -> Any:
    """``Batch`` for a single row (a person's decision in the review queue): the same rules."""
    batch = Batch(model, tuple(lookup), model._default_manager.filter(**lookup)[:1], report)
    obj = batch.put(tuple(lookup.values()), values, source_id=source_id)
    batch.flush()
    return obj


def fill_one(obj: Model, values: dict[str, Any], report: ImportReport) -> None:
    """Fill the blank fields of one saved record (see ``blanks``)."""
    filled = blanks(obj, values)
    for k, v in filled.items():
        setattr(obj, k, v)
    if filled:
        obj.save(update_fields=list(filled))
        report.updated += 1
