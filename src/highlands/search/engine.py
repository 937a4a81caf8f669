"""The index files: a Tantivy BM25 index and a usearch HNSW vector index per generation.

Layout under ``HIGHLANDS_SEARCH_DIR`` (default ``VAR_DIR/search``)::

    <index id>/            one per database (the id is stored in the database itself)
        writer.lock        flock held by the one writer (drain or rebuild)
        CURRENT            name of the live generation
        gen-<n>/keyword/   Tantivy index
        gen-<n>/vectors.usearch          HNSW written by the rebuild (the base)
        gen-<n>/vectors-delta.usearch    HNSW of the vectors drains added since
        gen-<n>/vectors-removed.npy      base keys drains removed since
        gen-<n>/VERSION    bumped after every committed change; readers reload on change

Readers never lock: Tantivy readers see committed segments, each vector file is replaced
atomically (write to a temporary file, ``os.replace``), and a rebuild writes a whole new
generation before switching ``CURRENT``. A drain rewrites only the small delta files, so
one write costs the same at 1M documents as at 100 (rewriting the 1.2 GB base took ~3 s);
when the delta outgrows ``max(COMPACT_MIN, base / COMPACT_RATIO)`` a drain folds it into a
new base.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime  # noqa: F401  before usearch, whose bundled C++ runtime breaks it (onnx_use)
import tantivy
from django.conf import settings
from usearch.index import Index as VectorIndex

from .models import IndexState

MAX_CHUNKS = 64  # vector key = document id * MAX_CHUNKS + chunk position
DIM = 512


def search_root() -> Path:
    return Path(getattr(settings, "HIGHLANDS_SEARCH_DIR", settings.VAR_DIR / "search"))


def index_home() -> Path:
    """The index directory of *this* database (so a fresh database never sees stale files)."""
    state = IndexState.objects.order_by("pk").first()
    if state is None:
        state = IndexState.objects.create()
    home = search_root() / state.index_id.hex
    home.mkdir(parents=True, exist_ok=True)
    return home


@contextlib.contextmanager
def writer_lock(home: Path) -> Iterator[None]:
    """The single-writer lock (blocks until the other writer is done)."""
    with open(home / "writer.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_generation(home: Path) -> Path | None:
    pointer = home / "CURRENT"
    if not pointer.exists():
        return None
    gen = home / pointer.read_text().strip()
    return gen if gen.is_dir() else None


def new_generation(home: Path) -> Path:
    numbers = [int(p.name.split("-")[1]) for p in home.glob("gen-*") if p.name[4:].isdigit()]
    gen = home / f"gen-{max(numbers, default=0) + 1}"
    gen.mkdir()
    (gen / "keyword").mkdir()
    return gen


def switch_generation(home: Path, gen: Path) -> None:
    """Make ``gen`` live and delete older generations (readers holding them keep their fds)."""
    tmp = home / "CURRENT.tmp"
    tmp.write_text(gen.name)
    os.replace(tmp, home / "CURRENT")
    for old in home.glob("gen-*"):
        if old != gen:
            shutil.rmtree(old, ignore_errors=True)


def bump_version(gen: Path) -> None:
    path = gen / "VERSION"
    version = int(path.read_text()) + 1 if path.exists() else 1
    tmp = gen / "VERSION.tmp"
    tmp.write_text(str(version))
    os.replace(tmp, path)


# -- keyword index -------------------------------------------------------------------------


def keyword_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    builder.add_text_field("kind", tokenizer_name="raw")
    builder.add_text_field("names", tokenizer_name="default")
    builder.add_text_field("body", tokenizer_name="default")
    builder.add_text_field("highland", tokenizer_name="raw")
    builder.add_integer_field("cluster", indexed=True)
    builder.add_text_field("helix", tokenizer_name="raw")
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("size", indexed=True, fast=True)
    builder.add_integer_field("synthetic", indexed=True)
    return builder.build()


SCHEMA = keyword_schema()


@dataclass
class KeywordEntry:
    doc_id: int
    kind: str
    names: str  # analyzed
    body: str  # analyzed
    highlands: Sequence[str]
    clusters: Sequence[int]
    helix_role: str
    year: int | None
    size: int | None
    is_synthetic: bool

    def to_document(self) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_integer("doc_id", self.doc_id)
        doc.add_text("kind", self.kind)
        doc.add_text("names", self.names)
        doc.add_text("body", self.body)
        for slug in self.highlands:
            doc.add_text("highland", slug)
        for cluster in self.clusters:
            doc.add_integer("cluster", cluster)
        if self.helix_role:
            doc.add_text("helix", self.helix_role)
        if self.year is not None:
            doc.add_integer("year", self.year)
        if self.size is not None:
            doc.add_integer("size", self.size)
        doc.add_integer("synthetic", int(self.is_synthetic))
        return doc


def open_keyword(gen: Path) -> tantivy.Index:
    return tantivy.Index(SCHEMA, path=str(gen / "keyword"), reuse=True)


class KeywordWriter:
    """Adds, replaces and deletes documents of one generation's Tantivy index."""

    def __init__(self, gen: Path) -> None:
        self.index = open_keyword(gen)
        self.writer: Any = self.index.writer(heap_size=64_000_000, num_threads=1)

    def delete(self, doc_ids: Sequence[int]) -> None:
        for doc_id in doc_ids:
            self.writer.delete_documents_by_term("doc_id", doc_id)

    def add(self, entries: Sequence[KeywordEntry]) -> None:
        for entry in entries:
            self.writer.add_document(entry.to_document())

    def commit(self) -> None:
        self.writer.commit()
        self.writer.wait_merging_threads()
        self.writer = None

    def close(self) -> None:
        """Release Tantivy's writer lock even when the batch failed (a traceback may keep
        this object alive; the lock must not outlive the flock)."""
        if self.writer is not None:
            self.writer.rollback()
            self.writer = None


# -- vector index --------------------------------------------------------------------------


def new_vector_index() -> VectorIndex:
    # bf16 halves memory at no measurable recall cost for 512-d normalised vectors and,
    # with no float16 arithmetic on x86, builds and searches faster than f16;
    # connectivity/expansion trade a little recall for build speed (docs/benchmarks.md).
    return VectorIndex(
        ndim=DIM,
        metric="cos",
        dtype="bf16",
        connectivity=16,
        expansion_add=64,
        expansion_search=96,
    )


def vector_path(gen: Path) -> Path:
    return gen / "vectors.usearch"


DELTA_FILE = "vectors-delta.usearch"
REMOVED_FILE = "vectors-removed.npy"
COMPACT_MIN = 5_000  # delta entries (added + removed) below which a drain never compacts
COMPACT_RATIO = 100  # ... and above base / COMPACT_RATIO it always does


def _restore(path: Path, *, view: bool) -> VectorIndex:
    if not path.exists():
        return new_vector_index()
    index = VectorIndex.restore(str(path), view=view)
    return index if index is not None else new_vector_index()


def _replace_file(path: Path, write: Callable[[str], object]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(str(tmp))
    os.replace(tmp, path)


def save_vectors(gen: Path, index: VectorIndex) -> None:
    """Write ``index`` as the generation's base (a rebuild's output); no delta."""
    _replace_file(vector_path(gen), index.save)
    for name in (DELTA_FILE, REMOVED_FILE):
        (gen / name).unlink(missing_ok=True)


@dataclass
class VectorMatches:
    keys: np.ndarray
    distances: np.ndarray


class Vectors:
    """The live vectors of a generation: the base minus the removed keys, plus the delta.

    Keys are never reused (document ids only grow), so a key is live in exactly one place.
    """

    def __init__(self, base: VectorIndex, delta: VectorIndex, removed: np.ndarray) -> None:
        self.base = base
        self.delta = delta
        self.removed = removed  # sorted unique uint64 keys of dead base vectors

    @classmethod
    def open(cls, gen: Path) -> Vectors:
        """The base memory-mapped read-only; the (small) delta loaded, so drains can add."""
        removed_path = gen / REMOVED_FILE
        removed = (
            np.load(removed_path, allow_pickle=False)
            if removed_path.exists()
            else np.zeros(0, dtype=np.uint64)
        )
        return cls(
            _restore(vector_path(gen), view=True), _restore(gen / DELTA_FILE, view=False), removed
        )

    def __len__(self) -> int:
        return len(self.base) - len(self.removed) + len(self.delta)

    def _in_base(self, keys: np.ndarray) -> np.ndarray:
        if not len(self.base):
            return np.zeros(len(keys), dtype=bool)
        found = np.asarray(self.base.contains(keys), dtype=bool)
        return found & ~np.isin(keys, self.removed)

    def _in_delta(self, keys: np.ndarray) -> np.ndarray:
        if not len(self.delta):
            return np.zeros(len(keys), dtype=bool)
        return np.asarray(self.delta.contains(keys), dtype=bool)

    def contains(self, keys: np.ndarray) -> np.ndarray:
        keys = np.asarray(keys, dtype=np.uint64)
        return self._in_base(keys) | self._in_delta(keys)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """Float32 vectors of live keys (as ``contains`` reports them)."""
        keys = np.asarray(keys, dtype=np.uint64)
        out = np.zeros((len(keys), DIM), dtype=np.float32)
        in_delta = self._in_delta(keys)
        for mask, index in ((in_delta, self.delta), (~in_delta, self.base)):
            if mask.any():
                out[mask] = np.asarray(index.get(keys[mask]), dtype=np.float32)
        return out

    def search(self, vector: np.ndarray, count: int) -> VectorMatches:
        """The ``count`` nearest live vectors, nearest first."""
        keys: list[np.ndarray] = []
        distances: list[np.ndarray] = []
        if len(self.base):
            # Ask for enough that removed keys cannot crowd out live ones; ask again, deeper,
            # in the rare case they still did.
            want = min(len(self.base), count + min(len(self.removed), count))
            while True:
                found = self.base.search(vector, want)
                base_keys = np.asarray(found.keys, dtype=np.uint64)
                live = ~np.isin(base_keys, self.removed)
                if live.sum() >= count or want >= len(self.base):
                    break
                want = min(len(self.base), want * 4)
            keys.append(base_keys[live])
            distances.append(np.asarray(found.distances)[live])
        if len(self.delta):
            found = self.delta.search(vector, min(count, len(self.delta)))
            keys.append(np.asarray(found.keys, dtype=np.uint64))
            distances.append(np.asarray(found.distances))
        if not keys:
            return VectorMatches(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.float32))
        all_keys, all_distances = np.concatenate(keys), np.concatenate(distances)
        order = np.argsort(all_distances, kind="stable")[:count]
        return VectorMatches(all_keys[order], all_distances[order])

    # -- the writer's side (under the writer lock) --

    def remove_documents(self, doc_ids: Sequence[int]) -> None:
        if not doc_ids:
            return
        keys = np.concatenate([chunk_keys(d) for d in doc_ids])
        in_delta = keys[self._in_delta(keys)]
        if len(in_delta):
            self.delta.remove(in_delta)
        in_base = keys[self._in_base(keys)]
        if len(in_base):
            self.removed = np.union1d(self.removed, in_base).astype(np.uint64)

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        self.delta.add(keys, vectors)

    def _save_removed(self, path: str) -> None:
        with open(path, "wb") as out:  # np.save(path) would append ".npy" to the name
            np.save(out, self.removed, allow_pickle=False)

    def save(self, gen: Path) -> None:
        """Persist the delta, or fold it into a new base once it has grown large."""
        if len(self.delta) + len(self.removed) > max(COMPACT_MIN, len(self.base) // COMPACT_RATIO):
            base = _restore(vector_path(gen), view=False)
            if len(self.removed):
                base.remove(self.removed)
            if len(self.delta):
                delta_keys = np.asarray(self.delta.keys, dtype=np.uint64)
                base.add(delta_keys, self.get(delta_keys))
            save_vectors(gen, base)
            self.base, self.delta = base, new_vector_index()
            self.removed = np.zeros(0, dtype=np.uint64)
            return
        # The removed keys first: a reader that catches the two files half-way then misses
        # an updated document's passages for a moment rather than seeing them twice.
        _replace_file(gen / REMOVED_FILE, self._save_removed)
        _replace_file(gen / DELTA_FILE, self.delta.save)


def chunk_keys(doc_id: int, count: int = MAX_CHUNKS) -> np.ndarray:
    return np.arange(doc_id * MAX_CHUNKS, doc_id * MAX_CHUNKS + count, dtype=np.uint64)


# -- the reader, cached per process --------------------------------------------------------


MEMO_SIZE = 4096  # per reader (a calibration is two floats)


class Reader:
    """A process's open view of the live generation, reloaded when a writer changed it."""

    def __init__(self, home: Path, gen: Path) -> None:
        self.home = home
        self.gen = gen
        self.keyword = open_keyword(gen)
        self.vectors = Vectors.open(gen)
        self.stamp = self._stamp()
        self._background: np.ndarray | None = None
        self._memo: OrderedDict[tuple[str, bytes], Any] = OrderedDict()
        self._memo_lock = threading.Lock()

    def memo(self, kind: str, key: bytes, compute: Callable[[], Any]) -> Any:
        """``compute()``, remembered for this state of the index (forgotten by ``refresh``)
        among the ``MEMO_SIZE`` most recent: what depends only on a query and the index, such
        as a query's calibration (``selectors.calibrate``), is not computed again when the
        same query comes back (typing, paging, changing a filter, a followed search)."""
        with self._memo_lock:
            if (kind, key) in self._memo:
                self._memo.move_to_end((kind, key))
                return self._memo[(kind, key)]
        value = compute()
        with self._memo_lock:
            self._memo[(kind, key)] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    def background(self, size: int) -> np.ndarray:
        """Up to ``size`` passage vectors spread evenly over the index: the sample a query's
        similarities are calibrated against (``selectors.calibrate``). Drawn again whenever
        the index changed (``refresh``), so that a query's ranking depends only on what the
        index holds, never on what it held when this process first searched it."""
        if self._background is None:
            parts = [
                np.asarray(i.keys, dtype=np.uint64)
                for i in (self.vectors.base, self.vectors.delta)
                if len(i)
            ]
            keys = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
            keys = keys[self.vectors.contains(keys)] if len(keys) else keys
            if len(keys) > size:
                keys = np.sort(keys)[np.linspace(0, len(keys) - 1, size).astype(int)]
            self._background = (
                self.vectors.get(keys) if len(keys) else np.zeros((0, DIM), dtype=np.float32)
            )
        return self._background

    def _stamp(self) -> tuple[float, float]:
        def mtime(path: Path) -> float:
            try:
                return path.stat().st_mtime_ns
            except FileNotFoundError:
                return 0.0

        return (mtime(self.home / "CURRENT"), mtime(self.gen / "VERSION"))

    def refresh(self) -> None:
        stamp = self._stamp()
        if stamp != self.stamp:
            self.keyword.reload()
            self.vectors = Vectors.open(self.gen)
            self.stamp = stamp
            self._background = None
            with self._memo_lock:
                self._memo.clear()


_readers: dict[Path, Reader] = {}
_readers_lock = threading.Lock()


def get_reader() -> Reader | None:
    """The reader of the live generation, or None when nothing was indexed yet."""
    home = index_home()
    gen = current_generation(home)
    if gen is None:
        return None
    with _readers_lock:
        reader = _readers.get(home)
        if reader is None or reader.gen != gen:
            reader = Reader(home, gen)
            _readers[home] = reader
        else:
            reader.refresh()
        return reader
