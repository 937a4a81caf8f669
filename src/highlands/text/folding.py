"""Folding: one comparable form of a text (case, diacritics incl. ł, quotes, dashes, spaces)."""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

# Letters NFKD does not decompose into base + accent (Polish ł above all).
_EXTRA_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
    }
)
_QUOTES_AND_DASHES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "’": "'",
        "‘": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "\u00a0": " ",
    }
)


_SPACES = re.compile(r"\s+")
# Every combining mark (what NFKD splits off a letter), removed by one ``str.translate``.
_NO_COMBINING = {cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))}


def clean_text(text: str) -> str:
    """Straighten typographic quotes/dashes and collapse whitespace (case kept)."""
    return _SPACES.sub(" ", text.translate(_QUOTES_AND_DASHES)).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case and strip diacritics, folding ł→l too: 'Łódź' → 'lodz'."""
    text = clean_text(text)
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLD))
    return decomposed.translate(_NO_COMBINING).lower()


_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Folded word tokens."""
    return _WORD.findall(fold(text))
