"""The portal's search page: results as you type (htmx swaps the results partial)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..errors import ApplicationError
from ..text.spreadsheet import download_response
from . import registry
from .selectors import MAX_QUERY, YEAR_RANGE, SearchFilters, SearchResult, search

# The page's year fields accept plausible years; the engine's own bounds (YEAR_RANGE) are wider.
PAGE_YEARS = (1800, 2100)
DOWNLOAD_LIMIT = 200


def _years(request: HttpRequest) -> tuple[dict[str, int | None], dict[str, str]]:
    """The year filters, and for each one that is not a year, what is wrong with it (it is
    then left out of the search and the form says so next to the field)."""
    years: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    low, high = PAGE_YEARS
    for name in ("year_min", "year_max"):
        raw = request.GET.get(name, "").strip()
        years[name] = None
        if not raw:
            continue
        if not raw.isdigit() or not low <= int(raw) <= high:
            errors[name] = _("Enter a year between %(low)s and %(high)s.") % {
                "low": low,
                "high": high,
            }
            continue
        years[name] = int(raw)
    return years, errors


def _filters(request: HttpRequest, kind: str, *, years: dict[str, int | None]) -> SearchFilters:
    return SearchFilters(
        types=[kind] if kind in registry.names() else [],
        highlands=[h for h in request.GET.getlist("highland") if h],
        helix_roles=[r for r in request.GET.getlist("helix_role") if r],
        year_min=years.get("year_min"),
        year_max=years.get("year_max"),
    )


def search_page(request: HttpRequest) -> HttpResponse:
    """GET /search/?q=...: the full page, or only the results when htmx asks."""
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "all")
    result: SearchResult | None = None
    error = ""
    years, field_errors = _years(request)
    try:
        filters = _filters(request, kind, years=years)
        if q:
            result = search(q, filters=filters, limit=20, user=request.user)
    except ApplicationError as exc:
        messages = {
            "empty_query": _("Type something to search for."),
            "query_too_long": _("The query is longer than %(max)s characters.")
            % {"max": MAX_QUERY},
            "invalid_filter": _("The “established from” year is after the “until” year."),
            "filter_out_of_range": _("A year must be between %(min)s and %(max)s.")
            % {"min": YEAR_RANGE[0], "max": YEAR_RANGE[1]},
        }
        error = messages.get(exc.code, exc.message)
        filters = _filters(request, kind, years={})  # the form keeps the rest
    if field_errors and not error:
        error = _("Some filters could not be used; fix them below. The results ignore them.")
    context = {
        "q": q,
        "kind": kind,
        "result": result,
        "error": error,
        "field_errors": field_errors,
        "year_values": {n: request.GET.get(n, "") for n in ("year_min", "year_max")},
        "active_filters": sum(
            1 for n in ("highland", "helix_role", "year_min", "year_max") if request.GET.get(n)
        )
        + (kind in registry.names()),
        "filters": filters,
        "kinds": registry.kinds(),
        "highlands": registry.filter_choices("highland"),
        "helix_roles": registry.filter_choices("helix_role"),
    }
    template = "search/_results.html" if request.htmx else "search/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_safe
def search_download(request: HttpRequest) -> HttpResponse:
    """The results of ``/search/?q=…`` (same filters) as CSV or XLSX."""
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "all")
    years, _errors = _years(request)
    result = search(
        q, filters=_filters(request, kind, years=years), limit=DOWNLOAD_LIMIT, user=request.user
    )
    rows = [
        {
            "rank": rank,
            "type": hit.kind,
            "name": hit.name,
            "url": request.build_absolute_uri(hit.url),
            "matches_words": hit.keyword_score is not None,
            "similar_meaning": hit.semantic_score is not None,
            "score": hit.score,
            "why": hit.why,
        }
        for rank, hit in enumerate(result.results, start=1)
    ]
    return download_response(rows, name="search", fmt=request.GET.get("format", ""))
