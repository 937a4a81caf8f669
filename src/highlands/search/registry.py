"""The kinds of search document, registered by the apps that own the records.

Search knows no app above it. An app makes its records searchable with one module,
``<app>/search_documents.py``, that calls :func:`register` from its ``AppConfig.ready()``:
how to build the documents of a batch of records, which records exist (for a rebuild), the
URL of a record, who may see a record (checked in the database at query time), which
filters its documents carry, and which other kinds' data its documents show. The outbox,
the engine, ranking and the "why" of a hit stay in search and work for every kind alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .documents import DocumentData

# The filters of ``SearchFilters`` a document can answer (each a facet of ``DocumentData``).
FILTERS = frozenset({"highland", "cluster", "helix_role", "year", "size"})

Builder = Callable[[list[int]], Iterable["DocumentData"]]
AllIds = Callable[[], Iterable[int]]
Url = Callable[[int, str], str]
Visible = Callable[[Any, list[int]], Iterable[int]]
Embedded = Callable[[list[int]], Iterable[int]]


@dataclass(frozen=True)
class SearchKind:
    """One kind of search document and everything search needs to know about it."""

    name: str  # stored in the index and the API's ``type`` ("cluster", "profile")
    label: StrOrPromise  # one result, in the UI language ("cooperation profile")
    plural: StrOrPromise  # the type filter's option ("Cooperation profiles")
    build: Builder  # documents of these record ids; a missing or hidden record yields none
    all_ids: AllIds  # every record id to index, for a rebuild (a queryset is counted in SQL)
    url: Url  # (record id, slug) -> the record's page
    # (viewer, record ids) -> those the viewer may see now; None: every document is public.
    # Applied after retrieval to every candidate of this kind, so the index never decides
    # who sees what (a record may expire or change its audience before its reindex).
    visible: Visible | None = None
    filters: frozenset[str] = frozenset()  # which of FILTERS its documents carry
    # Other kind -> (ids of records of that kind) -> ids of this kind's records showing
    # their data: queueing those records queues these too, so they never show stale data.
    embeds: Mapping[str, Embedded] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.filters) - FILTERS
        if unknown:
            raise ImproperlyConfigured(
                f"Search kind {self.name!r} names unknown filters {sorted(unknown)}; "
                f"known: {sorted(FILTERS)}."
            )


_kinds: dict[str, SearchKind] = {}
_filter_choices: dict[str, Callable[[], list[tuple[str, StrOrPromise]]]] = {}


def register(kind: SearchKind) -> None:
    """Make a kind searchable (call from the owning app's ``AppConfig.ready()``)."""
    existing = _kinds.get(kind.name)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"Search kind {kind.name!r} is registered twice.")
    _kinds[kind.name] = kind


def register_filter_choices(
    name: str, choices: Callable[[], list[tuple[str, StrOrPromise]]]
) -> None:
    """The options the search page offers for a filter (value, label), from the app that
    owns its vocabulary (the registry's highlands and helix roles)."""
    if name not in FILTERS:
        raise ImproperlyConfigured(f"Unknown search filter {name!r}; known: {sorted(FILTERS)}.")
    _filter_choices[name] = choices


def kinds() -> list[SearchKind]:
    """Every registered kind, in registration order (INSTALLED_APPS order)."""
    return list(_kinds.values())


def names() -> list[str]:
    return list(_kinds)


def get(name: str) -> SearchKind:
    """The registered kind called ``name`` (``LookupError`` if none is)."""
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No search kind {name!r} is registered.") from None


def filter_choices(name: str) -> list[tuple[str, StrOrPromise]]:
    provider = _filter_choices.get(name)
    return provider() if provider else []


def embedding(name: str, pks: list[int]) -> Iterator[tuple[str, Iterable[int]]]:
    """(other kind, its record ids) of the documents that show these records' data."""
    for kind in _kinds.values():
        if name in kind.embeds:
            yield kind.name, kind.embeds[name](pks)


_SLUG = "search-registry-slug"


def url_with_slug(viewname: str) -> Url:
    """A ``url`` for pages addressed by slug.

    Reversed once per language and URL configuration, then the slug is put in: ``reverse``
    costs ~60 µs, a minute of a rebuild at a million organisations.
    """
    templates: dict[tuple[str | None, str, str], str] = {}

    def url(_pk: int, slug: str) -> str:
        key = (get_language(), get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
        template = templates.get(key)
        if template is None:
            template = templates[key] = reverse(viewname, args=[_SLUG])
        return template.replace(_SLUG, slug)

    return url


def url_with_pk(viewname: str) -> Url:
    """A ``url`` for pages addressed by the record's id."""

    def url(pk: int, _slug: str) -> str:
        return reverse(viewname, args=[pk])

    return url
