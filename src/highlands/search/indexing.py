"""Keeping the index current: an outbox written inside each write transaction, drained by one
writer after commit; and the full rebuild from the database.

Services call ``enqueue(kind, pk)`` for every record they create, change or delete.  The
outbox row commits (or rolls back) with the write itself, so the index can never miss a
committed change: if draining fails, the row stays and the next drain or rebuild takes it.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from ..text.analysis import analyzed_text
from .documents import ALL_IDS, BUILDERS, EMBEDDING, DocumentData
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

Progress = Callable[[int, int], None]


def enqueue(kind: str, pk: int) -> None:
    """Mark a record for reindexing; drained after the surrounding transaction commits."""
    enqueue_many(kind, [pk])


def enqueue_many(kind: str, pks: Iterable[int]) -> None:
    """Mark many records for reindexing in one insert (rolled back with the write), with the
    documents that show their data (``documents.EMBEDDING``)."""
    pks = list(pks)
    rows = [IndexOutbox(kind=kind, object_id=pk) for pk in pks]
    if kind in EMBEDDING:
        for start in range(0, len(pks), BATCH):
            for other_kind, other_pks in EMBEDDING[kind](pks[start : start + BATCH]).items():
                rows += [IndexOutbox(kind=other_kind, object_id=pk) for pk in other_pks]
    IndexOutbox.objects.bulk_create(rows, batch_size=BATCH)
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
    built: dict[int, DocumentData] = {d.object_id: d for d in BUILDERS[kind](pks)}
    existing = dict(
        SearchDocument.objects.filter(kind=kind, object_id__in=pks).values_list("object_id", "pk")
    )
    old_chunks = {
        (object_id, position): (digest, model, bytes(embedding))
        for object_id, position, digest, model, embedding in SearchChunk.objects.filter(
            document__in=list(existing.values())
        ).values_list("document__object_id", "position", "text_hash", "encoder", "embedding")
    }
    docs = [_document_row(kind, data) for data in built.values()]
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
        _insert_rows(
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
        _insert_rows(
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


def _insert_rows(model: type[Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows with one prepared statement.

    The index tables take ~1M rows each in a rebuild, and ``bulk_create`` spent a third of
    the rebuilding process's time preparing their fields one by one (docs/benchmarks.md).
    The values here are already database-ready: strings, integers, booleans, bytes and a
    timestamp prepared once by its field.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - identifiers from the model
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def refresh_documents(kind: str, pks: Sequence[int]) -> Refreshed:
    """Bring the SearchDocument/SearchChunk rows of these records up to date."""
    return store_documents(prepare_documents(kind, pks))


def _document_row(kind: str, data: DocumentData) -> SearchDocument:
    return SearchDocument(
        kind=kind,
        object_id=data.object_id,
        title=data.title[:255],
        slug=data.slug,
        url=data.url,
        names="\n".join(data.names),
        body="\n".join(data.body),
        highlands="|" + "|".join(data.highlands) + "|" if data.highlands else "",
        clusters="|" + "|".join(map(str, data.clusters)) + "|" if data.clusters else "",
        helix_role=data.helix_role,
        year=data.year,
        size=data.size,
        is_synthetic=data.is_synthetic,
    )


def keyword_entry(doc: SearchDocument) -> KeywordEntry:
    return KeywordEntry(
        doc_id=doc.pk,
        kind=doc.kind,
        names=analyzed_text(doc.names),
        body=analyzed_text(doc.body),
        highlands=[s for s in doc.highlands.split("|") if s],
        clusters=[int(s) for s in doc.clusters.split("|") if s],
        helix_role=doc.helix_role,
        year=doc.year,
        size=doc.size,
        is_synthetic=doc.is_synthetic,
    )


def _vector_batch(
    upserted: list[tuple[SearchDocument, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    keys = [chunk_keys(doc.pk, len(vectors)) for doc, vectors in upserted if len(vectors)]
    vecs = [vectors for _doc, vectors in upserted if len(vectors)]
    if not keys:
        return np.zeros(0, dtype=np.uint64), np.zeros((0, 512), dtype=np.float32)
    return np.concatenate(keys), np.vstack(vecs)


def drain(*, limit: int = 10_000) -> int:
    """Apply pending outbox rows to the database rows and the index files; return how many."""
    home = index_home()
    with writer_lock(home):
        gen = current_generation(home)
        if gen is None:
            return rebuild_locked(home)
        rows = list(IndexOutbox.objects.order_by("id")[:limit])
        if not rows:
            return 0
        by_kind: dict[str, dict[int, None]] = {}  # object ids in outbox order, once each
        for row in rows:
            by_kind.setdefault(row.kind, {})[row.object_id] = None
        keyword = KeywordWriter(gen)
        try:
            vectors = Vectors.open(gen)
            for kind, ordered in by_kind.items():
                pks = list(ordered)
                for start in range(0, len(pks), BATCH):
                    refreshed = refresh_documents(kind, pks[start : start + BATCH])
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
        IndexOutbox.objects.filter(id__lte=rows[-1].id).delete()
        return len(rows)


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
    total = sum(ALL_IDS[kind]().count() for kind in BUILDERS)  # type: ignore[attr-defined]
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

    with EncoderPool.for_rebuild(total) as pool:
        for kind in BUILDERS:
            stale = SearchDocument.objects.filter(kind=kind).exclude(object_id__in=ALL_IDS[kind]())
            stale.delete()
            ids = list(ALL_IDS[kind]())
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
