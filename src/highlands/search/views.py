"""The portal's search page: results as you type (htmx swaps the results partial)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..ecosystem.models import HelixRole, Highland
from ..errors import ApplicationError
from .selectors import SearchFilters, SearchResult, search


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def search_page(request: HttpRequest) -> HttpResponse:
    """GET /search/?q=...: the full page, or only the results when htmx asks."""
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "all")
    filters = SearchFilters(
        types=[kind] if kind in ("cluster", "organization") else [],
        highlands=[h for h in request.GET.getlist("highland") if h],
        helix_roles=[r for r in request.GET.getlist("helix_role") if r],
        year_min=_int(request.GET.get("year_min")),
        year_max=_int(request.GET.get("year_max")),
    )
    result: SearchResult | None = None
    error = ""
    if q:
        try:
            result = search(q, filters=filters, limit=20)
        except ApplicationError as exc:
            error = exc.message
    context = {
        "q": q,
        "kind": kind,
        "result": result,
        "error": error,
        "filters": filters,
        "highlands": Highland.objects.order_by("position"),
        "helix_roles": HelixRole.choices,
    }
    template = "search/_results.html" if request.htmx else "search/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)
