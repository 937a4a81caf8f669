"""Comparison keys of organisation and cluster names."""

from __future__ import annotations

import re

from .folding import fold

# Legal forms and generic organisational words dropped when comparing organisation names.
_LEGAL_FORMS = re.compile(
    r"\b(?:sp\s*\.?\s*z\s*o\s*\.?\s*o\s*\.?|spolka z ograniczona odpowiedzialnoscia|"
    r"s\s*\.\s*a\s*\.?|sp\s*\.\s*j\s*\.?|sp\s*\.\s*k\s*\.?|spolka akcyjna|spolka jawna|"
    r"ltd\.?|llc|inc\.?|gmbh|plc)(?=\W|$)"
)
_ASSOCIATION_WORDS = re.compile(r"\b(?:association|stowarzyszenie)\b")


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
