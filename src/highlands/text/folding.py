"""Folding: one comparable form of a text (case, diacritics incl. ł, quotes, dashes, spaces)."""

from __future__ import annotations

import re
import unicodedata

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


def clean_text(text: str) -> str:
    """Straighten typographic quotes/dashes and collapse whitespace (case kept)."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES_AND_DASHES)).strip()


def fold(text: str) -> str:
    """Lower-case and strip diacritics, folding ł→l too: 'Łódź' → 'lodz'."""
    text = clean_text(text).translate(_EXTRA_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    """Folded word tokens."""
    return re.findall(r"[a-z0-9]+", fold(text))
