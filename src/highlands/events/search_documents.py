"""Events in search: published and past (finished) events, in both languages.

Registered with ``search.registry`` from ``EventsConfig.ready()``. A document carries the
event's titles, descriptions, kind, organisers and place — never who registered or how many
seats are left. Drafts and cancelled events yield no document, and search re-checks every
event hit against the database (``visible_event_ids``), so a lagging index shows nothing
that is no longer public.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..search import registry
from ..search.documents import DocumentData, strip
from .models import Event, EventKind, EventStatus

INDEXED_STATUSES = (EventStatus.PUBLISHED, EventStatus.FINISHED)


class DocumentKind(StrEnum):
    """The kinds of search document this app registers."""

    EVENT = "event"


def _kind_labels(value: str) -> list[str]:
    labels = []
    for language in ("en", "pl"):
        with translation.override(language):
            labels.append(str(EventKind(value).label))
    return list(dict.fromkeys(labels))


def build_events(pks: Iterable[int]) -> Iterator[DocumentData]:
    events = (
        Event.objects.filter(status__in=INDEXED_STATUSES, pk__in=list(pks))
        .select_related("highland")
        .prefetch_related("clusters", "topics")
    )
    for event in events:
        titles = [t for t in (event.title, event.title_pl) if t]
        organisers = [c.display_name for c in event.clusters.all()]
        body = [
            event.description,
            event.description_pl,
            " ".join(_kind_labels(event.kind)),
            " ".join(organisers),
            f"{event.venue} {event.address}",
        ]
        highlands = {h.slug for h in event.topics.all()}
        if event.highland is not None:
            highlands.add(event.highland.slug)
        yield DocumentData(
            kind=DocumentKind.EVENT,
            object_id=event.pk,
            title=titles[0],
            slug=str(event.pk),
            names=titles,
            body=[strip(b) for b in body if b.strip()],
            passages=[strip(t) for t in (*titles, event.description, event.description_pl) if t],
            highlands=sorted(highlands),
            clusters=sorted(c.pk for c in event.clusters.all()),
            year=event.starts_at.year,
            is_synthetic=False,  # demo events are labelled on their pages, not hidden
        )


def _indexed_events() -> QuerySet[Event, int]:
    return (
        Event.objects.filter(status__in=INDEXED_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def visible_event_ids(user: Any, pks: list[int]) -> QuerySet[Event, int]:
    """Of these events, the ones that are public now (the index may lag a cancellation)."""
    return Event.objects.filter(status__in=INDEXED_STATUSES, pk__in=pks).values_list(
        "pk", flat=True
    )


EVENTS = registry.SearchKind(
    name=DocumentKind.EVENT,
    label=pgettext_lazy("search result kind", "event"),
    plural=gettext_lazy("Events"),
    build=build_events,
    all_ids=_indexed_events,
    url=registry.url_with_pk("events:detail"),
    visible=visible_event_ids,
    filters=frozenset({"highland", "cluster", "year"}),
)


def register() -> None:
    """Make events searchable (from ``EventsConfig.ready()``)."""
    registry.register(EVENTS)
