"""Search analysis shared by indexing and querying: fold, tokenize, drop stop words, stem.

Folding happens here, in the application layer, because neither FTS5's ``unicode61`` nor
Tantivy's default tokenizer folds Polish ``ł``.  The stemmer is deliberately light: it
strips the commonest Polish and English inflectional endings so that "światłowodów",
"światłowody" and "światłowód" (and "helicopters"/"helicopter") meet at one stem, without
a dictionary.  Over-stemming is bounded by keeping at least four letters of stem.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .folding import fold

_WORD = re.compile(r"[a-z0-9]+")

STOP_WORDS = frozenset(
    # English
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "were",
        "which",
        "who",
        "with",
        "within",
        "into",
        "also",
        "other",
        "such",
        "these",
        "those",
        "than",
        "then",
        "can",
        "will",
        "may",
        "about",
        "all",
        "any",
        "more",
        "most",
        "very",
        "via",
        "i",
        "me",
        "my",
        "you",
        "your",
        "need",
        "looking",
        "find",
        "a",
        "aby",
        "albo",
        "ale",
        "bez",
        "by",
        "byc",
        "czy",
        "dla",
        "do",
        "i",
        "ich",
        "jak",
        "jest",
        "jego",
        "jej",
        "lub",
        "na",
        "nad",
        "nie",
        "o",
        "od",
        "oraz",
        "po",
        "pod",
        "przez",
        "przy",
        "sa",
        "sie",
        "ta",
        "te",
        "to",
        "tu",
        "w",
        "we",
        "z",
        "za",
        "ze",
        "ktory",
        "ktora",
        "ktore",
        "szukam",
        "potrzebuje",
        "firma",
        "firmy",
    ]
)

# Longest first; Polish endings (folded) then English ones.
_SUFFIXES = sorted(
    {
        # Polish nouns, adjectives and verbal nouns
        "owie",
        "ami",
        "ach",
        "ow",
        "om",
        "em",
        "ie",
        "y",
        "i",
        "a",
        "e",
        "u",
        "o",
        "owy",
        "owa",
        "owe",
        "owej",
        "owych",
        "owym",
        "owymi",
        "owego",
        "owemu",
        "ego",
        "emu",
        "ej",
        "ych",
        "ymi",
        "ym",
        "ich",
        "imi",
        "im",
        "anie",
        "ania",
        "aniu",
        "aniem",
        "an",
        "enie",
        "enia",
        "eniu",
        "eniem",
        "osc",
        "osci",
        # English
        "ing",
        "ings",
        "ed",
        "es",
        "s",
        "ies",
        "ers",
        "er",
        "ly",
        "ment",
        "ments",
        "ation",
        "ations",
        "ional",
        "al",
    },
    key=len,
    reverse=True,
)
_MIN_STEM = 4


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Strip one inflectional ending, keeping a stem of at least four letters."""
    if len(token) <= _MIN_STEM or token.isdigit():
        return token
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            return token[: -len(suffix)]
    return token


def words(text: str) -> list[str]:
    """Folded word tokens, stop words included (for display and phrase checks)."""
    return _WORD.findall(fold(text))


def analyze(text: str, *, keep_stop_words: bool = True) -> list[str]:
    """Folded, stemmed tokens; the same function feeds the index and the query."""
    return [stem(w) for w in _WORD.findall(fold(text)) if keep_stop_words or w not in STOP_WORDS]


def analyzed_text(text: str) -> str:
    """The index form of a text: its analyzed tokens joined by spaces."""
    return " ".join(analyze(text))


def acronym(name: str) -> str:
    """Initials of the capitalised words of a name ("Eastern ICT Cluster" → "eic")."""
    initials = [w[0] for w in re.findall(r"[^\W\d_]+", name) if w[0].isupper()]
    return fold("".join(initials)) if len(initials) >= 2 else ""
