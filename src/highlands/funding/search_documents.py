"""Funding calls in search: every call is public (demo calls are labelled on their page).

Registered with ``search.registry`` from ``FundingConfig.ready()``; ``call_create`` and
``call_update`` queue the reindex.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..search import registry
from ..search.documents import DocumentData, strip
from .models import FundingCall


class DocumentKind(StrEnum):
    """The kinds of search document this app registers."""

    CALL = "call"


def build_calls(pks: Iterable[int]) -> Iterator[DocumentData]:
    """Search documents for the given calls: titles and summaries in both languages."""
    for call in FundingCall.objects.filter(pk__in=list(pks)):
        names = [n for n in (call.title, call.title_pl, call.identifier) if n]
        body = [call.summary, call.summary_pl, call.programme, ", ".join(call.topics)]
        yield DocumentData(
            kind=DocumentKind.CALL,
            object_id=call.pk,
            title=call.title,
            slug=call.slug,
            names=names,
            body=[strip(b) for b in body if b.strip()],
            passages=[strip(p) for p in (call.title, call.summary, call.summary_pl) if p],
        )


def _all_calls() -> QuerySet[FundingCall, int]:
    return FundingCall.objects.order_by("pk").values_list("pk", flat=True)


CALLS = registry.SearchKind(
    name=DocumentKind.CALL,
    label=pgettext_lazy("search result kind", "funding call"),
    plural=gettext_lazy("Funding calls"),
    build=build_calls,
    all_ids=_all_calls,
    url=registry.url_with_slug("funding:call"),
)


def register() -> None:
    """Make funding calls searchable (from ``FundingConfig.ready()``)."""
    registry.register(CALLS)
