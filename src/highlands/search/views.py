"""The portal's search page: results as you type (htmx swaps the results partial)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..errors import ApplicationError
from . import registry
from .selectors import MAX_QUERY, YEAR_RANGE, SearchFilters, SearchResult, search


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest, kind: str, *, years: bool) -> SearchFilters:
    return SearchFilters(
        types=[kind] if kind in registry.names() else [],
        highlands=[h for h in request.GET.getlist("highland") if h],
        helix_roles=[r for r in request.GET.getlist("helix_role") if r],
        year_min=_int(request.GET.get("year_min")) if years else None,
        year_max=_int(request.GET.get("year_max")) if years else None,
    )


def search_page(request: HttpRequest) -> HttpResponse:
    """GET /search/?q=...: the full page, or only the results when htmx asks."""
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "all")
    result: SearchResult | None = None
    error = ""
    try:
        filters = _filters(request, kind, years=True)
        if q:
            result = search(q, filters=filters, limit=20, user=request.user)
    except ApplicationError as exc:
        messages = {
            "empty_query": _("Type something to search for."),
            "query_too_long": _("The query is longer than %(max)s characters.")
            % {"max": MAX_QUERY},
            "invalid_filter": _("The “established from” year is after the “to” year."),
            "filter_out_of_range": _("A year must be between %(min)s and %(max)s.")
            % {"min": YEAR_RANGE[0], "max": YEAR_RANGE[1]},
        }
        error = messages.get(exc.code, exc.message)
        filters = _filters(request, kind, years=False)  # the form keeps the rest
    context = {
        "q": q,
        "kind": kind,
        "result": result,
        "error": error,
        "filters": filters,
        "kinds": registry.kinds(),
        "highlands": registry.filter_choices("highland"),
        "helix_roles": registry.filter_choices("helix_role"),
    }
    template = "search/_results.html" if request.htmx else "search/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)
