"""Text folding and name normalization shared by importers, reconciliation and search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from django.db.models import Model
from django.utils.text import slugify

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

# Legal forms and generic organisational words dropped when comparing organisation names.
_LEGAL_FORMS = re.compile(
    r"\b(?:sp\s*\.?\s*z\s*o\s*\.?\s*o\s*\.?|spolka z ograniczona odpowiedzialnoscia|"
    r"s\s*\.\s*a\s*\.?|sp\s*\.\s*j\s*\.?|sp\s*\.\s*k\s*\.?|spolka akcyjna|spolka jawna|"
    r"ltd\.?|llc|inc\.?|gmbh|plc)(?=\W|$)"
)
_ASSOCIATION_WORDS = re.compile(r"\b(?:association|stowarzyszenie)\b")


def clean_text(text: str) -> str:
    """Straighten typographic quotes/dashes and collapse whitespace (case kept)."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES_AND_DASHES)).strip()


def fold(text: str) -> str:
    """Lower-case and strip diacritics, folding ł→l too: 'Łódź' → 'lodz'."""
    text = clean_text(text).translate(_EXTRA_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def normalize_name(name: str) -> str:
    """Comparison key for an organisation or cluster name.

    Case, diacritics, quotes, punctuation, legal forms ("sp. z o.o.", "S.A.", "Ltd.") and the
    word "Association" do not distinguish two names.
    """
    text = fold(name)
    text = _LEGAL_FORMS.sub(" ", text)
    text = _ASSOCIATION_WORDS.sub(" ", text)
    text = re.sub(r"[^\w&#]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def make_slug(text: str, max_length: int = 120) -> str:
    """ASCII slug with Polish letters folded (slugify alone drops 'ł')."""
    # "4.0" → "4-0", not "40"; "&" → "and".
    folded = re.sub(r"(?<=\d)\.(?=\d)", "-", fold(text)).replace("&", " and ")
    slug = slugify(folded)
    return slug[:max_length].strip("-") or "unnamed"


def free_slug(text: str, taken: Container[str]) -> str:
    """The slug of ``text``, suffixed -2, -3 … until it is not in ``taken``."""
    slug = base = make_slug(text)
    n = 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class _SlugsOf:
    """``in`` asks the database whether a model already uses a slug."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    def __contains__(self, slug: object) -> bool:
        return self.model._default_manager.filter(slug=slug).exists()


def unique_slug(text: str, model: type[Model]) -> str:
    """A slug for ``text`` that no row of ``model`` uses yet."""
    return free_slug(text, _SlugsOf(model))


def tokens(text: str) -> list[str]:
    """Folded word tokens."""
    return re.findall(r"[a-z0-9]+", fold(text))
