"""What a search document is made of, whatever app it comes from.

The apps build these from their own records (``<app>/search_documents.py``, registered in
``search.registry``); search turns them into index rows, keyword entries and passages.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .encoders import MAX_WORD_CHARS
from .engine import MAX_CHUNKS

CHUNK_WORDS = 60
_WORD = re.compile(r"\S+")


@dataclass
class DocumentData:
    """Everything the index needs about one record (its URL comes from its kind)."""

    kind: str
    object_id: int
    title: str
    slug: str
    names: list[str]
    body: list[str]
    passages: list[str]
    highlands: list[str] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)
    helix_role: str = ""
    year: int | None = None
    size: int | None = None
    is_synthetic: bool = False

    @property
    def chunks(self) -> list[str]:
        """Passages packed into chunks of about ``CHUNK_WORDS`` words, the title first.

        Bounded whatever the record holds: at most ``MAX_CHUNKS`` chunks, no word longer
        than ``MAX_WORD_CHARS`` characters, and reading stops once the chunks are full, so
        a megabyte of text costs no more than its first few thousand words.
        """
        chunks: list[str] = []
        current: list[str] = []
        for passage in self.passages:
            passage_words = _words(passage)
            while passage_words:
                room = CHUNK_WORDS - len(current)
                if room <= 0 or (current and len(passage_words) > room and len(current) > 20):
                    chunks.append(" ".join(current))
                    current = []
                    room = CHUNK_WORDS
                    if len(chunks) > MAX_CHUNKS:  # the ones kept can no longer change
                        return chunks[:MAX_CHUNKS]
                current.extend(passage_words[:room])
                passage_words = passage_words[room:]
        if current:
            if chunks and len(current) < 20:  # a short tail joins the chunk before it
                chunks[-1] += " " + " ".join(current)
            else:
                chunks.append(" ".join(current))
        return chunks[:MAX_CHUNKS]


# Words read of one passage: more than fill every chunk (the packing looks at most
# CHUNK_WORDS words ahead), so cutting a passage here never changes the chunks kept.
_PASSAGE_WORDS = (MAX_CHUNKS + 2) * CHUNK_WORDS


def _words(passage: str) -> list[str]:
    return [
        match.group()[:MAX_WORD_CHARS]
        for match in itertools.islice(_WORD.finditer(passage), _PASSAGE_WORDS)
    ]


def strip(text: str) -> str:
    """Runs of white space as one space, none at the ends."""
    return re.sub(r"\s+", " ", text).strip()
