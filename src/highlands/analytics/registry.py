"""What other apps contribute to analytics, registered from their ``AppConfig.ready()``.

Analytics sits below the apps and imports none of them: the registry's figures, helix mix,
memberships and flags it reads itself; everything else (the marketplace's live profiles and
confirmed cooperations today; events, B2B meetings and funding when those apps exist) an app
adds here, as search's kinds are added. Only metrics backed by stored records are registered:
an app that has no data yet registers nothing, and the dashboard shows nothing for it.

- An :class:`ActivityMetric` is one count (now) and its history (a dated series), with a
  label in the UI language and whether the public may see it.
- An :class:`EdgeSource` yields typed, dated edges between nodes (organisations, clusters,
  highlands) for the network of cooperation, each traceable to its record; ``public=False``
  edges only the city office sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ActivityMetric:
    """One activity figure: a count now and the dated events that make it up."""

    name: str  # stable code, used in downloads and the API ("live_profiles")
    label: StrOrPromise  # a heading in the UI language ("Live marketplace profiles")
    count: Callable[[], int]  # the figure now
    # (day, change) pairs, any order, turned into a running total; None: a figure of now only.
    history: Callable[[], Iterable[tuple[date, int]]] | None
    public: bool = True  # False: only the city office sees it
    source_label: StrOrPromise = ""  # where the figure comes from, one phrase


@dataclass(frozen=True)
class Edge:
    """A relation between two nodes (by slug; organisations unless ``a_type``/``b_type`` say
    ``cluster`` or ``highland``), from one stored record."""

    a: str
    b: str
    kind: str  # a code of the registering app ("cooperation")
    on: date | None  # when it happened (None: not dated)
    record: str  # the record it comes from, for people ("Marketplace cooperation #12")
    url: str = ""  # a page showing that record, if one may open it
    a_type: str = "organization"  # node type of ``a``: organization, cluster or highland
    b_type: str = "organization"


@dataclass(frozen=True)
class EdgeSource:
    """Edges of one kind for the network of cooperation."""

    kind: str  # the edge type code
    label: StrOrPromise  # the edge type in the UI language
    edges: Callable[[], Iterable[Edge]]
    public: bool = True


_metrics: dict[str, ActivityMetric] = {}
_edge_sources: dict[str, EdgeSource] = {}


def register_metric(metric: ActivityMetric) -> None:
    """Add an activity figure to the dashboard (call from ``AppConfig.ready()``)."""
    existing = _metrics.get(metric.name)
    if existing is not None and existing != metric:
        raise ImproperlyConfigured(f"Activity metric {metric.name!r} is registered twice.")
    _metrics[metric.name] = metric


def register_edges(source: EdgeSource) -> None:
    """Add a kind of edge to the network of cooperation (call from ``AppConfig.ready()``)."""
    existing = _edge_sources.get(source.kind)
    if existing is not None and existing != source:
        raise ImproperlyConfigured(f"Edge kind {source.kind!r} is registered twice.")
    _edge_sources[source.kind] = source


def metrics(*, restricted: bool = False) -> list[ActivityMetric]:
    """The registered metrics a viewer may see, in registration order."""
    return [m for m in _metrics.values() if m.public or restricted]


def edge_sources(*, restricted: bool = False) -> list[EdgeSource]:
    return [s for s in _edge_sources.values() if s.public or restricted]
