"""Per-record content in English and Polish, with an honest fallback.

A record keeps its English text in ``<field>`` and its Polish text in ``<field>_pl``. When the
asked-for language is missing, the other language is served and marked as a fallback; the
platform never machine-translates a stated fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation

LANGUAGES = ("en", "pl")


@dataclass(frozen=True)
class LocalizedText:
    """A text in the language it is actually written in."""

    text: str
    language: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        return bool(self.text) and self.language != self.requested

    def __str__(self) -> str:
        return self.text


def current_language() -> str:
    """The active UI language, reduced to one of ours."""
    language = (translation.get_language() or "en")[:2]
    return language if language in LANGUAGES else "en"


def pick(en: str | None, pl: str | None, language: str | None = None) -> LocalizedText:
    """Choose the text in ``language``, falling back to the other language if it is empty."""
    requested = language or current_language()
    texts = {"en": en or "", "pl": pl or ""}
    if texts[requested]:
        return LocalizedText(texts[requested], requested, requested)
    other = "pl" if requested == "en" else "en"
    return LocalizedText(texts[other], other if texts[other] else requested, requested)


def localized(obj: Any, field: str, language: str | None = None) -> LocalizedText:
    """``obj.<field>`` / ``obj.<field>_pl`` in the asked-for language (see ``pick``)."""
    return pick(getattr(obj, field, ""), getattr(obj, f"{field}_pl", ""), language)


def cluster_name(cluster: Any, language: str | None = None) -> LocalizedText:
    """A cluster's name; an unnamed cluster is described (never named) in the UI language."""
    requested = language or current_language()
    if cluster.name:
        return pick(cluster.name, cluster.name_pl, requested)
    with translation.override(requested):
        details = []
        if cluster.coordinator_stated:
            details.append(
                translation.gettext("coordinator: %(name)s") % {"name": cluster.coordinator_stated}
            )
        if cluster.year_established:
            details.append(
                translation.gettext("est. %(year)s") % {"year": cluster.year_established}
            )
        label = translation.gettext("Unnamed cluster")
        if details:
            label = f"{label} ({', '.join(details)})"
    return LocalizedText(label, requested, requested)
