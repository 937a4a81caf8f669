"""Keeping the index current: an outbox written inside each write transaction, drained by one
writer after commit; and the full rebuild from the database.

Services call ``enqueue(kind, pk)`` for every record they create, change or delete.  The
outbox row commits (or rolls back) with the write itself, so the index can never miss a
committed change: if draining fails, the row stays and the next drain or rebuild takes it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction

from .documents import ALL_IDS, BUILDERS, DocumentData
from .encoders import get_encoder
from .engine import (
    KeywordEntry,
    KeywordWriter,
    bump_version,
    chunk_keys,
    current_generation,
    index_home,
    load_vectors,
    new_generation,
    new_vector_index,
    remove_vectors,
    save_vectors,
    switch_generation,
    writer_lock,
)
from .models import IndexOutbox, SearchChunk, SearchDocument
from .text import analyzed_text

logger = logging.getLogger(__name__)
BATCH = 1000

Progress = Callable[[int, int], None]


def enqueue(kind: str, pk: int) -> None:
    """Mark a record for reindexing; drained after the surrounding transaction commits."""
    enqueue_many(kind, [pk])


def enqueue_many(kind: str, pks: Iterable[int]) -> None:
    """Mark many records for reindexing in one insert (rolled back with the write)."""
    rows = [IndexOutbox(kind=kind, object_id=pk) for pk in pks]
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


def refresh_documents(kind: str, pks: Sequence[int]) -> Refreshed:
    """Bring the SearchDocument/SearchChunk rows of these records up to date (one transaction).

    Embeddings are reused when a chunk's text and the encoder are unchanged, so re-indexing
    an unchanged record costs no encoding.
    """
    encoder = get_encoder()
    built: dict[int, DocumentData] = {d.object_id: d for d in BUILDERS[kind](pks)}
    with transaction.atomic():
        existing = {
            d.object_id: d for d in SearchDocument.objects.filter(kind=kind, object_id__in=pks)
        }
        gone = [existing[pk].pk for pk in pks if pk not in built and pk in existing]
        SearchDocument.objects.filter(pk__in=gone).delete()
        docs: list[SearchDocument] = []
        new_docs: list[SearchDocument] = []
        for pk, data in built.items():
            doc = existing.get(pk) or SearchDocument(kind=kind, object_id=pk)
            doc.title = data.title[:255]
            doc.slug = data.slug
            doc.url = data.url
            doc.names = "\n".join(data.names)
            doc.body = "\n".join(data.body)
            doc.highlands = "|" + "|".join(data.highlands) + "|" if data.highlands else ""
            doc.clusters = "|" + "|".join(map(str, data.clusters)) + "|" if data.clusters else ""
            doc.helix_role = data.helix_role
            doc.year = data.year
            doc.size = data.size
            doc.is_synthetic = data.is_synthetic
            (docs if doc.pk else new_docs).append(doc)
        fields = [
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
        ]
        if docs:
            SearchDocument.objects.bulk_update(docs, fields, batch_size=500)
        if new_docs:
            SearchDocument.objects.bulk_create(new_docs, batch_size=500)
            if any(d.pk is None for d in new_docs):  # backends that cannot return ids
                ids = dict(
                    SearchDocument.objects.filter(
                        kind=kind, object_id__in=[d.object_id for d in new_docs]
                    ).values_list("object_id", "pk")
                )
                for d in new_docs:
                    d.pk = ids[d.object_id]
        all_docs = docs + new_docs
        old_chunks = {
            (c.document_id, c.position): c
            for c in SearchChunk.objects.filter(document__in=[d.pk for d in docs])
        }
        wanted: list[tuple[SearchDocument, int, str, str]] = []
        for doc in all_docs:
            for position, text in enumerate(built[doc.object_id].chunks):
                wanted.append((doc, position, text, _hash(text)))
        reuse: dict[int, bytes] = {}
        to_encode: list[int] = []
        for i, (doc, position, _text, digest) in enumerate(wanted):
            old = old_chunks.get((doc.pk, position))
            if old is not None and old.text_hash == digest and old.encoder == encoder.name:
                reuse[i] = bytes(old.embedding)
            else:
                to_encode.append(i)
        fresh = encoder.encode([wanted[i][2] for i in to_encode])
        vectors = np.zeros((len(wanted), encoder.dim), dtype=np.float32)
        for row, i in enumerate(to_encode):
            vectors[i] = fresh[row]
        for i, blob in reuse.items():
            vectors[i] = np.frombuffer(blob, dtype=np.float32)
        SearchChunk.objects.filter(document__in=[d.pk for d in docs]).delete()
        SearchChunk.objects.bulk_create(
            [
                SearchChunk(
                    document=doc,
                    position=position,
                    text=text,
                    text_hash=digest,
                    encoder=encoder.name,
                    embedding=vectors[i].tobytes(),
                )
                for i, (doc, position, text, digest) in enumerate(wanted)
            ],
            batch_size=500,
        )
    per_doc: dict[int, list[int]] = {}
    for i, (doc, _p, _t, _d) in enumerate(wanted):
        per_doc.setdefault(doc.pk, []).append(i)
    return Refreshed(
        upserted=[(doc, vectors[per_doc.get(doc.pk, [])]) for doc in all_docs],
        deleted=gone,
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
        by_kind: dict[str, list[int]] = {}
        for row in rows:
            by_kind.setdefault(row.kind, [])
            if row.object_id not in by_kind[row.kind]:
                by_kind[row.kind].append(row.object_id)
        keyword = KeywordWriter(gen)
        vectors = load_vectors(gen, view=False)
        for kind, pks in by_kind.items():
            for start in range(0, len(pks), BATCH):
                refreshed = refresh_documents(kind, pks[start : start + BATCH])
                touched = [doc.pk for doc, _v in refreshed.upserted] + refreshed.deleted
                keyword.delete(touched)
                keyword.add([keyword_entry(doc) for doc, _v in refreshed.upserted])
                remove_vectors(vectors, touched)
                keys, vecs = _vector_batch(refreshed.upserted)
                if len(keys):
                    vectors.add(keys, vecs)
        keyword.commit()
        save_vectors(gen, vectors)
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
    vectors = new_vector_index()
    total = sum(ALL_IDS[kind]().count() for kind in BUILDERS)  # type: ignore[attr-defined]
    done = 0
    for kind in BUILDERS:
        SearchDocument.objects.filter(kind=kind).exclude(object_id__in=ALL_IDS[kind]()).delete()
        ids = list(ALL_IDS[kind]())
        for start in range(0, len(ids), BATCH):
            refreshed = refresh_documents(kind, ids[start : start + BATCH])
            keyword.add([keyword_entry(doc) for doc, _v in refreshed.upserted])
            keys, vecs = _vector_batch(refreshed.upserted)
            if len(keys):
                vectors.add(keys, vecs)
            done += len(ids[start : start + BATCH])
            if progress:
                progress(done, total)
    keyword.commit()
    save_vectors(gen, vectors)
    bump_version(gen)
    switch_generation(home, gen)
    if started_outbox is not None:
        IndexOutbox.objects.filter(id__lte=started_outbox).delete()
    return done
