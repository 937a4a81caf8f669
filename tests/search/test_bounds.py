"""The encoder reads a bounded part of any text, and a document a bounded number of passages,
whatever a record holds (a megabyte of description, one 100,000-character word)."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import pytest

from highlands.search.documents import CHUNK_WORDS, DocumentData
from highlands.search.encoders import (
    MAX_TEXT_CHARS,
    MAX_TOKENS,
    MAX_WORD_CHARS,
    _FastTokenizer,
    bounded_text,
)
from highlands.search.engine import MAX_CHUNKS


def old_chunks(passages: list[str]) -> list[str]:
    """The packing before the bounds (commit ab22716), to show they change nothing below
    them."""
    chunks: list[str] = []
    current: list[str] = []
    for passage in passages:
        passage_words = passage.split()
        while passage_words:
            room = CHUNK_WORDS - len(current)
            if room <= 0 or (current and len(passage_words) > room and len(current) > 20):
                chunks.append(" ".join(current))
                current = []
                room = CHUNK_WORDS
            current.extend(passage_words[:room])
            passage_words = passage_words[room:]
    if current:
        if chunks and len(current) < 20:
            chunks[-1] += " " + " ".join(current)
        else:
            chunks.append(" ".join(current))
    return chunks[:64]


def document(passages: list[str]) -> DocumentData:
    return DocumentData(
        kind="organization", object_id=1, title="t", slug="t", names=[], body=[], passages=passages
    )


def test_chunks_within_the_bounds_are_packed_as_before():
    rng = random.Random(5)  # noqa: S311 - test data, not security
    vocabulary = ["stal", "hartowanie", "Lublin", "obróbka", "CNC", "ICT", "światłowody", "x"]
    for _ in range(400):
        passages = [
            " ".join(rng.choice(vocabulary) for _ in range(rng.choice([0, 3, 19, 21, 45, 61, 130])))
            + rng.choice(["", "  ", "\n"])
            for _ in range(rng.randint(1, 8))
        ]
        assert document(passages).chunks == old_chunks(passages)


def test_a_huge_document_gives_the_first_passages_and_no_more():
    rng = random.Random(9)  # noqa: S311 - test data, not security
    words = [f"w{rng.randrange(1000)}" for _ in range(200_000)]  # ~1.2 million characters
    passages = [" ".join(words[:25]), " ".join(words), " ".join(words[:3000])]
    chunks = document(passages).chunks
    assert len(chunks) == MAX_CHUNKS
    assert chunks == old_chunks(passages)[:MAX_CHUNKS]


def test_a_huge_word_is_cut_in_passages():
    chunks = document(["d" * 100_000, "Lublin " + "ż" * 500 + " photonics"]).chunks
    assert chunks == ["d" * MAX_WORD_CHARS + " Lublin " + "ż" * MAX_WORD_CHARS + " photonics"]


def test_bounded_text_leaves_ordinary_text_alone():
    text = "Hartowanie stali na zlecenie — https://example.org/oferta/obrobka-cieplna, ŁÓDŹ."
    assert bounded_text(text) == text
    assert bounded_text("a " + "d" * 100 + " b") == "a " + "d" * MAX_WORD_CHARS + " b"
    assert bounded_text("a " + "d" * 100_000 + " b") == "a " + "d" * MAX_WORD_CHARS
    assert len(bounded_text("word " * 1_000_000)) == MAX_TEXT_CHARS


@pytest.mark.parametrize(
    "text",
    ["d" * 100_000, "ab" * 500_000, "Hartowanie stali na zlecenie. " * 40_000, "日本語" * 30_000],
)
def test_the_tokenizer_reads_at_most_max_tokens(text):
    ids = _FastTokenizer().encode(text)
    assert len(ids) <= MAX_TOKENS + 2  # and the start and end marks
    assert ids[0] == _FastTokenizer.BOS
    assert ids[-1] == _FastTokenizer.EOS


def test_the_seed_passages_are_far_below_the_token_bound(indexed):
    """The bounds do not touch real passages, so their vectors are what they were."""
    from highlands.search.models import SearchChunk

    tokenizer = _FastTokenizer()
    longest = max(
        len(tokenizer.encode(t)) for t in SearchChunk.objects.values_list("text", flat=True)
    )
    assert longest < MAX_TOKENS // 4


def test_encoding_one_huge_token_takes_little_memory():
    """'d' * 100,000 alone took 956 MB of a worker before the bounds (issue 12)."""
    script = textwrap.dedent(
        """
        import os
        os.environ["DJANGO_SETTINGS_MODULE"] = "highlands.config.settings.test"
        import django
        django.setup()
        import highlands.search.engine
        from highlands.search.encoders import get_encoder

        def kib(field):
            with open("/proc/self/status") as status:
                return next(int(l.split()[1]) for l in status if l.startswith(field + ":"))

        encoder = get_encoder()
        encoder.encode(["warm up"])
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # reset the peak (VmHWM) to the current resident size
        before = kib("VmRSS")
        encoder.encode(["d" * 100_000, "Lublin " * 200_000, "ż" * 300_000])
        print(kib("VmHWM") - before)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    grown_mib = int(done.stdout.strip()) / 1024
    assert grown_mib < 64, f"encoding grew the process by {grown_mib:.0f} MiB"


def test_long_texts_are_analysed_in_slices_to_the_same_terms():
    """The keyword index gets the terms it got before (it drops terms of 40+ characters),
    from a text analysed a slice at a time with overlong runs of letters cut."""
    from highlands.search.indexing import ANALYSIS_SLICE, _analyzed
    from highlands.text.analysis import analyzed_text

    def kept(analyzed: str) -> list[str]:
        return [term for term in analyzed.split() if len(term) < 40]

    rng = random.Random(3)  # noqa: S311 - test data, not security
    pieces = ["Świdnik", "hartowanie\nstali", "ŁÓDŹ", "d" * 3_000, "x" * 41, "ab" * 30, "—", ""]
    text = " ".join(rng.choice(pieces) for _ in range(3_000))
    assert len(text) > 5 * ANALYSIS_SLICE
    assert kept(_analyzed(text)) == kept(analyzed_text(text))
    ordinary = "Hartowanie stali na zlecenie, Świdnik — śmigłowce"
    assert _analyzed(ordinary) == analyzed_text(ordinary)
    assert max(map(len, _analyzed("a " + "ż" * 100_000 + " b").split())) == 64
