"""Keeping the index current: an outbox written inside each write transaction, drained by one
writer after commit; and the full rebuild from the database.

Services call ``enqueue(kind, pk)`` for every record they create, change or delete.  The
outbox row commits (or rolls back) with the write itself, so the index can never miss a
committed change: if draining fails, the row stays and the next drain or rebuild takes it.
A record whose indexing fails does not hold the others back: its batch is split until the
failing record is alone, the others are indexed, and its row backs off (``retry_delay``),
is logged and is listed by ``highlands search-index status``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from ..text.analysis import analyzed_text
from . import registry
from .documents import DocumentData
from .encoders import EncoderPool, Encoding, get_encoder
from .engine import (
    KeywordEntry,
    KeywordWriter,
    VectorIndex,
    Vectors,
    bump_version,
    chunk_keys,
    current_generation,
    index_home,
    new_generation,
    new_vector_index,
    save_vectors,
    switch_generation,
    writer_lock,
)
from .models import IndexOutbox, SearchChunk, SearchDocument

logger = logging.getLogger(__name__)
BATCH = 1000
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=6)
MAX_ERROR_CHARS = 2000

Progress = Callable[[int, int], None]


def enqueue(kind: str, pk: int) -> None:
    """Mark a record for reindexing; drained after the surrounding transaction commits."""
    enqueue_many(kind, [pk])


def enqueue_many(kind: str, pks: Iterable[int]) -> None:
    """Mark many records for reindexing in one insert (rolled back with the write), with the
    documents that show their data (the kinds that declare ``embeds`` of this kind)."""
    registry.get(kind)  # an unknown kind fails the write, not a later drain
    pks = list(pks)
    rows = [(kind, pk) for pk in pks]
    for start in range(0, len(pks), BATCH):
        for other_kind, other_pks in registry.embedding(kind, pks[start : start + BATCH]):
            rows += [(other_kind, pk) for pk in other_pks]
    # One COPY or prepared statement (a member list of 100,000 rows queues as many): the
    # values every new entry shares are prepared once by their fields.
    created_at = IndexOutbox._meta.get_field("created_at").get_db_prep_save(
        timezone.now(), connection
    )
    insert_rows(
        IndexOutbox,
        ("kind", "object_id", "created_at", "attempts", "next_attempt_at", "last_error"),
        [(k, pk, created_at, 0, None, "") for k, pk in rows],
    )
    if rows and getattr(settings, "HIGHLANDS_SEARCH_SYNC", True):
        # Registered per call: a rolled-back transaction drops it, and a drain that finds
        # the outbox already empty costs one query.
        transaction.on_commit(_drain_after_commit)


def _drain_after_commit() -> None:
    try:
        drain()
    except Exception:  # the write is committed; the outbox keeps the work for the next drain
        logger.exception("Search index drain failed; the outbox keeps the pending records.")


@dataclass
class Refreshed:
    """What changed in the database rows of a batch, for the index files."""

    upserted: list[tuple[SearchDocument, np.ndarray]]  # document and its chunk vectors
    deleted: list[int]  # SearchDocument ids that no longer exist


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass
class Prepared:
    """A batch read and assembled, waiting for the vectors it lacks (``to_encode``)."""

    kind: str
    pks: list[int]
    docs: list[SearchDocument]
    gone: list[int]  # SearchDocument ids replaced or deleted by this batch
    wanted: list[tuple[int, int, str, str]]  # (object id, position, text, digest) per chunk
    vectors: np.ndarray  # reused embeddings filled in; rows in ``to_encode`` still zero
    to_encode: list[int]

    @property
    def texts(self) -> list[str]:
        return [self.wanted[i][2] for i in self.to_encode]


def prepare_documents(kind: str, pks: Sequence[int]) -> Prepared:
    """Read a batch and build its rows; reuse embeddings whose chunk text and encoder are
    unchanged, so re-indexing an unchanged record costs no encoding."""
    encoder = get_encoder()
    pks = list(pks)
    spec = registry.get(kind)
    built: dict[int, DocumentData] = {d.object_id: d for d in spec.build(pks)}
    existing = dict(
        SearchDocument.objects.filter(kind=kind, object_id__in=pks).values_list("object_id", "pk")
    )
    old_chunks = {
        (object_id, position): (digest, model, bytes(embedding))
        for object_id, position, digest, model, embedding in SearchChunk.objects.filter(
            document__in=list(existing.values())
        ).values_list("document__object_id", "position", "text_hash", "encoder", "embedding")
    }
    docs = [_document_row(spec, data) for data in built.values()]
    wanted = [
        (doc.object_id, position, text, _hash(text))
        for doc in docs
        for position, text in enumerate(built[doc.object_id].chunks)
    ]
    vectors = np.zeros((len(wanted), encoder.dim), dtype=np.float32)
    to_encode: list[int] = []
    for i, (object_id, position, _text, digest) in enumerate(wanted):
        old = old_chunks.get((object_id, position))
        if old is not None and old[0] == digest and old[1] == encoder.name:
            vectors[i] = np.frombuffer(old[2], dtype=np.float32)
        else:
            to_encode.append(i)
    return Prepared(kind, pks, docs, list(existing.values()), wanted, vectors, to_encode)


def store_documents(prepared: Prepared, encoded: np.ndarray | None = None) -> Refreshed:
    """Write a prepared batch (one transaction): rows are replaced (delete + bulk insert,
    far cheaper than Django's ``bulk_update``)."""
    encoder = get_encoder()
    vectors = prepared.vectors
    if prepared.to_encode:
        vectors[prepared.to_encode] = (
            encoded if encoded is not None else encoder.encode(prepared.texts)
        )
    docs = prepared.docs
    with transaction.atomic():
        # Prepared under the writer lock: no other writer touches these rows meanwhile.
        SearchDocument.objects.filter(pk__in=prepared.gone).delete()
        updated_at = SearchDocument._meta.get_field("updated_at").get_db_prep_value(
            timezone.now(), connection
        )
        insert_rows(
            SearchDocument,
            _DOCUMENT_COLUMNS,
            [(*(getattr(d, c) for c in _DOCUMENT_COLUMNS[:-1]), updated_at) for d in docs],
        )
        doc_pk = dict(
            SearchDocument.objects.filter(
                kind=prepared.kind, object_id__in=[d.object_id for d in docs]
            ).values_list("object_id", "pk")
        )
        for d in docs:
            d.pk = doc_pk[d.object_id]
        insert_rows(
            SearchChunk,
            _CHUNK_COLUMNS,
            [
                (doc_pk[object_id], position, text, digest, encoder.name, vectors[i].tobytes())
                for i, (object_id, position, text, digest) in enumerate(prepared.wanted)
            ],
        )
    per_doc: dict[int, list[int]] = {}
    for i, (object_id, _p, _t, _d) in enumerate(prepared.wanted):
        per_doc.setdefault(object_id, []).append(i)
    return Refreshed(
        upserted=[(doc, vectors[per_doc.get(doc.object_id, [])]) for doc in docs],
        deleted=prepared.gone,
    )


_DOCUMENT_COLUMNS = (
    "kind",
    "object_id",
    "title",
    "slug",
    "url",
    "names",
    "body",
    "highlands",
    "clusters",
    "helix_role",
    "year",
    "size",
    "is_synthetic",
    "updated_at",
)
_CHUNK_COLUMNS = ("document_id", "position", "text", "text_hash", "encoder", "embedding")


def insert_rows(model: type[Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows in bulk, in the current transaction: ``COPY … FROM STDIN`` on
    PostgreSQL, one prepared ``executemany`` on SQLite.

    The one bulk insert of rows whose values are already database-ready (strings, integers,
    booleans, bytes, ``None``, values prepared by their field): the search tables here (the
    index tables take ~1M rows each in a rebuild, the outbox a row per record an import
    touches) and the new rows of an import (``ingest.upsert.insert_all``).  ``bulk_create``
    spent a third of such a process's time preparing fields one by one (docs/benchmarks.md);
    on PostgreSQL ``executemany`` still sends one ``INSERT`` a row, where ``COPY`` streams
    them (a 100,000-row member list: docs/benchmarks.md).  ``COPY`` goes past Django's
    statement wrappers (``connection.execute_wrapper``); its errors are Django's as usual.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.copy(
                    f"COPY {table} ({names}) FROM STDIN"  # identifiers from the model
                ) as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - identifiers from the model


def refresh_documents(kind: str, pks: Sequence[int]) -> Refreshed:
    """Bring the SearchDocument/SearchChunk rows of these records up to date."""
    return store_documents(prepare_documents(kind, pks))


def _document_row(kind: registry.SearchKind, data: DocumentData) -> SearchDocument:
    _check_filters(kind, data)
    return SearchDocument(
        kind=kind.name,
        object_id=data.object_id,
        title=data.title[:255],
        slug=data.slug,
        url=kind.url(data.object_id, data.slug),
        names="\n".join(data.names),
        body="\n".join(data.body),
        highlands="|" + "|".join(data.highlands) + "|" if data.highlands else "",
        clusters="|" + "|".join(map(str, data.clusters)) + "|" if data.clusters else "",
        helix_role=data.helix_role,
        year=data.year,
        size=data.size,
        is_synthetic=data.is_synthetic,
    )


def _check_filters(kind: registry.SearchKind, data: DocumentData) -> None:
    """A document carries only the filters its kind declares (``SearchFilters`` skips the
    kinds that lack an active filter, so an undeclared value would never be found)."""
    carried = {
        "highland": bool(data.highlands),
        "cluster": bool(data.clusters),
        "helix_role": bool(data.helix_role),
        "year": data.year is not None,
        "size": data.size is not None,
    }
    undeclared = [name for name, present in carried.items() if present and name not in kind.filters]
    if undeclared:
        raise ValueError(
            f"{kind.name} {data.object_id} carries filters its kind does not declare: "
            f"{', '.join(undeclared)}."
        )


def keyword_entry(doc: SearchDocument) -> KeywordEntry:
    return KeywordEntry(
        doc_id=doc.pk,
        kind=doc.kind,
        names=_analyzed(doc.names),
        body=_analyzed(doc.body),
        highlands=[s for s in doc.highlands.split("|") if s],
        clusters=[int(s) for s in doc.clusters.split("|") if s],
        helix_role=doc.helix_role,
        year=doc.year,
        size=doc.size,
        is_synthetic=doc.is_synthetic,
    )


# The keyword index drops terms of 40 characters or more (Tantivy's default tokenizer).
# A run of more than 64 characters that each fold to one a-z/0-9 character (ASCII letters and
# digits, Polish letters) is, folded and stemmed, part of such a term before and after it is
# cut to 64, so cutting it changes no term; it keeps what the analyser sees (and caches)
# short, whatever a record holds.
MAX_TERM_CHARS = 64
_LONG_TERM = re.compile(rf"[0-9A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż]{{{MAX_TERM_CHARS + 1},}}")
ANALYSIS_SLICE = 1 << 16  # characters analysed at once
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")


def _analyzed(text: str) -> str:
    """``analyzed_text`` of a text of any length, the same terms in the same order, a slice
    at a time (cut at white space): a megabyte of description took ~25 MB analysed at once."""
    text = _LONG_TERM.sub(lambda match: match.group()[:MAX_TERM_CHARS], text)
    if len(text) <= ANALYSIS_SLICE:
        return analyzed_text(text)
    parts: list[str] = []
    start = 0
    while start < len(text):
        end = start + ANALYSIS_SLICE
        if end < len(text):
            space = _LAST_SPACE.search(text, start, end)
            end = space.start() + 1 if space else end
        parts.append(analyzed_text(text[start:end]))
        start = end
    return " ".join(part for part in parts if part)


def _vector_batch(
    upserted: list[tuple[SearchDocument, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    keys = [chunk_keys(doc.pk, len(vectors)) for doc, vectors in upserted if len(vectors)]
    vecs = [vectors for _doc, vectors in upserted if len(vectors)]
    if not keys:
        return np.zeros(0, dtype=np.uint64), np.zeros((0, 512), dtype=np.float32)
    return np.concatenate(keys), np.vstack(vecs)


def retry_delay(attempts: int) -> timedelta:
    """How long an outbox entry waits after its ``attempts``-th try failed: the first
    failure is retried by the next drain (most pass then), later ones after 1, 2, 4 …
    minutes, at most ``RETRY_MAX``."""
    if attempts <= 1:
        return timedelta(0)
    return min(RETRY_BASE * 2 ** (attempts - 2), RETRY_MAX)


def _due(now: datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def failing() -> QuerySet[IndexOutbox]:
    """Outbox entries that failed (or whose drain stopped) at least once, oldest first."""
    return IndexOutbox.objects.filter(attempts__gt=0).order_by("id")


def drain(*, limit: int = 10_000) -> int:
    """Apply due outbox rows to the database rows and the index files; return how many rows
    were taken (indexed, or failed and backed off)."""
    home = index_home()
    with writer_lock(home):
        gen = current_generation(home)
        if gen is None:
            return rebuild_locked(home)
        now = timezone.now()
        rows = list(IndexOutbox.objects.filter(_due(now)).order_by("id")[:limit])
        if not rows:
            return 0
        _claim(rows, now)
        by_kind: dict[str, dict[int, None]] = {}  # object ids in outbox order, once each
        for row in rows:
            by_kind.setdefault(row.kind, {})[row.object_id] = None
        failed: dict[tuple[str, int], BaseException] = {}
        keyword = KeywordWriter(gen)
        try:
            vectors = Vectors.open(gen)
            for kind, ordered in by_kind.items():
                pks = list(ordered)
                for start in range(0, len(pks), BATCH):
                    for refreshed in _refresh_apart(kind, pks[start : start + BATCH], failed):
                        keyword.delete(refreshed.deleted)
                        keyword.add([keyword_entry(doc) for doc, _v in refreshed.upserted])
                        vectors.remove_documents(refreshed.deleted)
                        keys, vecs = _vector_batch(refreshed.upserted)
                        if len(keys):
                            vectors.add(keys, vecs)
            keyword.commit()
        finally:
            keyword.close()
        vectors.save(gen)
        bump_version(gen)
        _settle(rows, failed)
        return len(rows)


def _claim(rows: list[IndexOutbox], now: datetime) -> None:
    """Count an attempt for every row before the work starts, and set when it may be tried
    again: a worker killed by a record (out of memory) then leaves its row backing off
    instead of handing it to the next drain, and the next, and the next."""
    by_attempts: dict[int, list[int]] = {}
    for row in rows:
        by_attempts.setdefault(row.attempts, []).append(row.id)
        row.attempts += 1
        row.next_attempt_at = now + retry_delay(row.attempts)
    for attempts, ids in by_attempts.items():
        for chunk in _chunks(ids):
            IndexOutbox.objects.filter(id__in=chunk).update(
                attempts=attempts + 1, next_attempt_at=now + retry_delay(attempts + 1)
            )


def _refresh_apart(
    kind: str, pks: list[int], failed: dict[tuple[str, int], BaseException]
) -> Iterator[Refreshed]:
    """Refresh a batch; when it fails, its halves, down to the single records that fail
    (recorded in ``failed``), so one bad record never holds the others back. The database
    and the index files being unavailable is not a record's fault: that still stops the
    drain."""
    try:
        yield refresh_documents(kind, pks)
    except (DatabaseError, OSError):
        raise
    except Exception as exc:  # a record's data, its builder or the encoder (MemoryError)
        if len(pks) == 1:
            failed[(kind, pks[0])] = exc
            return
        middle = len(pks) // 2
        yield from _refresh_apart(kind, pks[:middle], failed)
        yield from _refresh_apart(kind, pks[middle:], failed)


def _settle(rows: list[IndexOutbox], failed: dict[tuple[str, int], BaseException]) -> None:
    """Delete the rows that were indexed (and earlier failed rows of the same records, now
    current); keep the failed ones with their error, and log each."""
    done = [row.id for row in rows if (row.kind, row.object_id) not in failed]
    for chunk in _chunks(done):
        IndexOutbox.objects.filter(id__in=chunk).delete()
    indexed: dict[str, set[int]] = {}
    for row in rows:
        if (row.kind, row.object_id) not in failed:
            indexed.setdefault(row.kind, set()).add(row.object_id)
    for kind, pks in indexed.items():
        for chunk in _chunks(sorted(pks)):
            # Only rows that already failed: a row queued while this drain ran may describe
            # a change this drain did not read.
            IndexOutbox.objects.filter(
                kind=kind, object_id__in=chunk, attempts__gt=0, id__lte=rows[-1].id
            ).delete()
    for row in rows:
        exc = failed.get((row.kind, row.object_id))
        if exc is None:
            continue
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
        IndexOutbox.objects.filter(id=row.id).update(last_error=error)
        logger.error(
            "Search index: %s %s failed to index (attempt %d; next attempt at %s): %s",
            row.kind,
            row.object_id,
            row.attempts,
            row.next_attempt_at.isoformat() if row.next_attempt_at else "-",
            error,
            exc_info=exc,
        )


def _chunks(ids: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rebuild(*, progress: Progress | None = None) -> int:
    """Rebuild everything from the database into a new generation, then switch to it."""
    home = index_home()
    with writer_lock(home):
        return rebuild_locked(home, progress=progress)


def rebuild_locked(home, *, progress: Progress | None = None) -> int:
    started_outbox = IndexOutbox.objects.order_by("-id").values_list("id", flat=True).first()
    gen = new_generation(home)
    keyword = KeywordWriter(gen)
    try:
        vectors, done = _fill_generation(keyword, progress)
    except BaseException:
        keyword.close()
        shutil.rmtree(gen, ignore_errors=True)  # never switched to: the live one is intact
        raise
    keyword.close()
    save_vectors(gen, vectors)
    bump_version(gen)
    switch_generation(home, gen)
    if started_outbox is not None:
        IndexOutbox.objects.filter(id__lte=started_outbox).delete()
    return done


def _fill_generation(keyword: KeywordWriter, progress: Progress | None) -> tuple[VectorIndex, int]:
    vectors = new_vector_index()
    kinds = registry.kinds()
    total = sum(_count(kind.all_ids()) for kind in kinds)
    done = 0

    def apply(refreshed: Refreshed, count: int) -> None:
        nonlocal done
        keyword.add([keyword_entry(doc) for doc, _v in refreshed.upserted])
        keys, vecs = _vector_batch(refreshed.upserted)
        if len(keys):
            vectors.add(keys, vecs)
        done += count
        if progress:
            progress(done, total)

    # Documents of a kind no longer registered (its app was removed) go with the rebuild.
    SearchDocument.objects.exclude(kind__in=[kind.name for kind in kinds]).delete()
    with EncoderPool.for_rebuild(total) as pool:
        for spec in kinds:
            kind = spec.name
            stale = SearchDocument.objects.filter(kind=kind).exclude(object_id__in=spec.all_ids())
            stale.delete()
            ids = list(spec.all_ids())
            batches = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
            if pool is None:
                for batch in batches:
                    apply(refresh_documents(kind, batch), len(batch))
                continue
            # Pipeline: the workers encode batch k while this process writes batch k-1
            # and reads batch k+1 (the encoder is most of the CPU; see docs/search.md).
            pending: tuple[Prepared, Encoding] | None = None
            for batch in batches:
                prepared = prepare_documents(kind, batch)
                encoding = pool.submit(prepared.texts)
                if pending is not None:
                    apply(store_documents(pending[0], pending[1].result()), len(pending[0].pks))
                pending = (prepared, encoding)
            if pending is not None:
                apply(store_documents(pending[0], pending[1].result()), len(pending[0].pks))
    keyword.commit()
    return vectors, done


def _count(ids: Iterable[int]) -> int:
    return ids.count() if isinstance(ids, QuerySet) else len(list(ids))
