"""Thin views: read through selectors, render templates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..ecosystem import selectors
from ..ecosystem.models import FigureKind, HelixRole


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    highlands = list(selectors.highland_list())
    clusters = [
        (c, selectors.stated_counts(c)) for c in selectors.cluster_list(top_level_only=True)
    ]
    context = {
        "intro": selectors.strategy_intro(),
        "highlands": highlands,
        "clusters": clusters,
        "totals": selectors.ecosystem_totals(),
    }
    return render(request, "web/home.html", context)


@require_safe
def highland_detail(request: HttpRequest, slug: str) -> HttpResponse:
    highland = selectors.highland_get(slug=slug)
    links = list(highland.cluster_links.all())
    return render(request, "web/highland.html", {"highland": highland, "links": links})


@require_safe
def cluster_index(request: HttpRequest) -> HttpResponse:
    highland = request.GET.get("highland") or None
    clusters = [(c, selectors.stated_counts(c)) for c in selectors.cluster_list(highland=highland)]
    return render(
        request,
        "web/cluster_list.html",
        {"clusters": clusters, "highlands": selectors.highland_list(), "selected": highland},
    )


@require_safe
def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    detail = selectors.cluster_detail(slug=slug)
    return render(
        request,
        "web/cluster.html",
        {
            "d": detail,
            "cluster": detail.cluster,
            "figure_labels": dict(FigureKind.choices),
            "helix_labels": {**dict(HelixRole.choices), "unknown": "Role not stated"},
            "listed": selectors.listed_counts(detail.cluster),
        },
    )


@require_safe
def organization_index(request: HttpRequest) -> HttpResponse:
    role = request.GET.get("role") or None
    return render(
        request,
        "web/organization_list.html",
        {
            "organizations": selectors.organization_list(helix_role=role),
            "roles": HelixRole.choices,
            "selected": role,
        },
    )


@require_safe
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.organization_get(slug=slug)
    return render(request, "web/organization.html", {"org": org})


@require_safe
def data_quality(request: HttpRequest) -> HttpResponse:
    return render(request, "web/data_quality.html", {"issues": selectors.issue_list()})


@require_safe
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get(pk=pk)
    lines = source.content.splitlines()
    return render(
        request,
        "web/source.html",
        {"source": source, "lines": list(enumerate(lines, start=1))},
    )
