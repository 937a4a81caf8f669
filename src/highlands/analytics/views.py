"""Thin views: the dashboard, the network of cooperation, printable reports, open data."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..ecosystem.labels import FIGURE_LABELS, HELIX_LABELS, SEVERITY_LABELS
from ..errors import ApplicationError, NotFoundError
from ..text.spreadsheet import to_csv
from . import network, opendata, selectors
from .charts import bar_chart, helix_chart, line_chart, network_chart
from .forms import NetworkFilterForm

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
UNKNOWN_FORMAT = "Downloads are offered as {formats}."
NODE_NOT_FOUND = "No {kind} '{slug}' in the network of cooperation."
REPORT_NOT_FOUND = "No report of the kind '{scope}': reports are of a highland or a cluster."


def _restricted(request: HttpRequest) -> bool:
    return bool(request.user.has_perm("analytics.view_city_figures"))


def _series_chart(points: list[tuple[Any, int]], chart_id: str, title: str) -> Any:
    """A chart of two or more points; a single point is shown as a figure (None here)."""
    return line_chart(points, chart_id=chart_id, title=title) if len(points) > 1 else None


def _dashboard_context(request: HttpRequest) -> dict[str, Any]:
    restricted = _restricted(request)
    timelines = []
    for kind in selectors.TIMELINE_KINDS:
        points = selectors.figure_series(kind)
        label = str(FIGURE_LABELS[kind])
        timelines.append(
            {
                "kind": kind,
                "label": label,
                "table": f"{kind}_over_time",
                "points": points,
                "svg": _series_chart(
                    [(p.on, p.value) for p in points],
                    f"tl-{kind}",
                    _("%(figure)s stated over time") % {"figure": label},
                ),
            }
        )
    founding, undated = selectors.clusters_by_founding()
    bins, no_stated, no_listed = selectors.size_distribution()
    helix = selectors.helix_table()
    trend = selectors.flag_trend()
    activity = selectors.activity(restricted=restricted)
    growth = selectors.highland_growth()
    return {
        "restricted": restricted,
        "timelines": timelines,
        "listed": selectors.listed_now(),
        "founding": founding,
        "founding_undated": undated,
        "founding_svg": _series_chart(
            [(date(y.year, 1, 1), y.total) for y in founding],
            "founding",
            _("Clusters by the year they were established"),
        )
        if len(founding) > 1
        else None,
        "bins": bins,
        "no_stated": no_stated,
        "no_listed": no_listed,
        "size_svg": bar_chart(
            [(b.label, (b.stated, b.listed)) for b in bins],
            series=("stated", "listed"),
            chart_id="sizes",
            title=_("Clusters by size: stated members and members listed by name"),
        ),
        "growth": [
            (
                g,
                _series_chart(
                    [(p.on, p.value) for p in g.series],
                    f"growth-{g.highland.slug}",
                    _("Stated members of %(name)s over time") % {"name": g.highland.name},
                ),
            )
            for g in growth
        ],
        "helix_rows": helix,
        "helix_roles": [(role, HELIX_LABELS[role]) for role in selectors.ROLES],
        "balance_svg": bar_chart(
            [(r.name or _("The whole city"), (r.balance,)) for r in helix if r.kind != "cluster"],
            series=("stated",),
            chart_id="balance",
            title=_("Helix balance index per highland (0 to 1)"),
            scale=1,
            digits=2,
        ),
        "activity": [
            (
                a,
                _series_chart(a.series, f"act-{a.metric.name}", str(a.metric.label)),
            )
            for a in activity
        ],
        "trend": trend,
        "trend_svg": _series_chart(trend.points, "flags", _("Open data-quality flags over time")),
        "severity": [
            (SEVERITY_LABELS.get(k, k), v) for k, v in sorted(selectors.flags_by_severity().items())
        ],
        "registry_activity": selectors.registry_activity() if restricted else [],
        "tables": selectors.table_names(restricted=restricted),
    }


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "analytics/dashboard.html", _dashboard_context(request))


def _download(rows: list[dict[str, Any]] | str, *, name: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise ApplicationError(
            UNKNOWN_FORMAT.format(formats=", ".join(f.upper() for f in FORMATS)),
            code="invalid_format",
        )
    if fmt == "csv":
        body = "\ufeff" + to_csv(rows) if not isinstance(rows, str) else rows
    else:
        body = json.dumps(rows, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="highlands-{name}.{fmt}"'
    return response


@require_safe
def table_download(request: HttpRequest, name: str) -> HttpResponse:
    rows = selectors.table_rows(name, restricted=_restricted(request))
    return _download(rows, name=name, fmt=request.GET.get("format", "csv"))


@require_safe
def network_page(request: HttpRequest) -> HttpResponse:
    restricted = _restricted(request)
    net = network.build_network(restricted=restricted, co_membership=False)
    kinds: dict[str, int] = {}
    for e in net.edges:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    kinds["co_membership"] = network.co_membership_count()
    highlands = [(n.slug, n.name) for n in net.nodes.values() if n.type == "highland"]
    clusters = sorted(
        ((n.slug, n.name) for n in net.nodes.values() if n.type == "cluster"),
        key=lambda c: c[1].casefold(),
    )
    form = NetworkFilterForm(
        request.GET,
        highlands=highlands,
        clusters=clusters,
        kinds=[(k, net.edge_labels[k]) for k in net.edge_labels if k != "co_membership"],
    )
    view = network.filtered(net, **form.valid_data())
    context = {
        "restricted": restricted,
        "net": net,
        "form": form,
        "view": view,
        "filtered": any(v not in (None, "") for v in form.valid_data().values()),
        "co_memberships": kinds["co_membership"],
        "kinds": [(net.edge_labels[k], n) for k, n in kinds.items()],
        "highland_names": dict(highlands),
        "names": {n.id: n.name for n in net.nodes.values()},
        "node_labels": network.NODE_LABELS,
        "svg": network_svg(net),
    }
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, "analytics/_network_results.html", context)
    status = 400 if form.errors else 200
    return render(request, "analytics/network.html", context, status=status)


@require_safe
def network_node(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """One node: its measures and every link it has, with where each comes from."""
    net = network.build_network(restricted=_restricted(request))
    node = net.nodes.get(f"{kind}:{slug}")
    if node is None:
        raise NotFoundError(NODE_NOT_FOUND.format(kind=kind, slug=slug))
    return render(
        request,
        "analytics/network_node.html",
        {
            "node": node,
            "net": net,
            "relations": network.relations(net, node.id),
            "node_labels": network.NODE_LABELS,
            "community_size": len(net.communities[node.community - 1]) if node.community else 0,
        },
    )


@require_safe
def network_download(request: HttpRequest) -> HttpResponse:
    net = network.build_network(restricted=_restricted(request))
    fmt = request.GET.get("format", "json")
    if fmt == "graphml":
        response = HttpResponse(network.graphml(net), content_type="application/graphml+xml")
        response["Content-Disposition"] = 'attachment; filename="highlands-network.graphml"'
        return response
    if fmt == "csv":
        which = request.GET.get("table", "edges")
        rows = network.node_rows(net) if which == "nodes" else network.edge_rows(net)
        return _download(
            rows, name=f"network-{'nodes' if which == 'nodes' else 'edges'}", fmt="csv"
        )
    if fmt == "json":
        data = {"nodes": network.node_rows(net), "edges": network.edge_rows(net)}
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type=FORMATS["json"]
        )
        response["Content-Disposition"] = 'attachment; filename="highlands-network.json"'
        return response
    raise ApplicationError(
        UNKNOWN_FORMAT.format(formats="JSON, CSV, GraphML"), code="invalid_format"
    )


def network_svg(net: network.Network) -> Any:
    """The aggregated view: highlands, their clusters, stated and shared-member links."""
    highlands = [(n.slug, n.name) for n in net.nodes.values() if n.type == "highland"]
    clusters = [(n.slug, n.name, n.highlands) for n in net.nodes.values() if n.type == "cluster"]
    links = [
        (e.a.split(":", 1)[1], e.b.split(":", 1)[1], "stated", 1)
        for e in net.edges
        if e.kind == "highland_cooperation"
    ] + [(a, b, "shared", len(orgs)) for a, b, orgs in net.highland_links]
    names = dict(highlands)
    described = [
        _("%(a)s and %(b)s: cooperation stated in the document") % {"a": names[a], "b": names[b]}
        for a, b, kind, _n in links
        if kind == "stated"
    ] + [
        _("%(a)s and %(b)s share %(n)d organisations") % {"a": names[a], "b": names[b], "n": n}
        for a, b, kind, n in links
        if kind == "shared"
    ]
    return network_chart(
        highlands,
        clusters,
        links,
        chart_id="network",
        title=_("Highlands, their clusters and the links between highlands"),
        description="; ".join(described) or _("No links between highlands yet."),
        links_to={
            n.id: (
                reverse("analytics:network_node", args=[n.type, n.slug]),
                _("%(name)s (%(type)s): open its links")
                % {"name": n.name, "type": network.NODE_LABELS[n.type]},
            )
            for n in net.nodes.values()
            if n.type in ("highland", "cluster")
        },
    )


@require_safe
def report(request: HttpRequest, scope: str = "city", slug: str = "") -> HttpResponse:
    """A printable report of the city, a highland or a cluster."""
    if scope == "highland":
        highland, clusters = selectors.highland_for_report(slug=slug)
        title = highland.name
        flags = selectors.open_flags(clusters=clusters, highland=highland)
    elif scope == "cluster":
        cluster = selectors.cluster_for_report(slug=slug)
        clusters, title = [cluster], cluster.display_name
        flags = selectors.open_flags(clusters=clusters)
    elif scope == "city":
        clusters, title, flags = None, "", selectors.open_flags()
    else:
        raise NotFoundError(REPORT_NOT_FOUND.format(scope=scope))
    helix = selectors.helix_table()
    scope_slug = slug if scope != "city" else ""
    helix_row = next((r for r in helix if r.kind == scope and r.slug == scope_slug), None)
    scope_ids = None if clusters is None else [c.pk for c in clusters]
    members = selectors.figure_series("members", cluster_ids=scope_ids)
    stated = selectors.stated_helix(cluster_ids=scope_ids)
    name = title or _("the Lublin Economic Highlands")
    figures = selectors.figure_observations(
        clusters=selectors.top_clusters() if clusters is None else clusters
    )
    return render(
        request,
        "analytics/report.html",
        {
            "scope": scope,
            "title": title,
            "figures": figures,
            "figure_labels": FIGURE_LABELS,
            "helix_row": helix_row,
            "helix_roles": [(role, HELIX_LABELS[role]) for role in selectors.ROLES],
            "flags": flags,
            "members": members,
            "helix_any": bool(helix_row and helix_row.total) or any(stated.values()),
            "members_svg": _series_chart(
                [(p.on, p.value) for p in members],
                "r-members",
                _("Stated members of %(name)s over time") % {"name": name},
            ),
            "helix_svg": helix_chart(
                helix_row.counts if helix_row else {},
                stated=stated,
                chart_id="r-helix",
                title=_("Helix composition of %(name)s") % {"name": name},
            ),
            "severity_labels": SEVERITY_LABELS,
            "listed": selectors.listed_now(
                cluster_ids=None if clusters is None else [c.pk for c in clusters]
            ),
        },
    )


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "analytics/open_data.html",
        {
            "datasets": [
                (name, title, row) for name, (title, row, _b) in opendata.DATASETS.items()
            ],
            "licence": opendata.LICENCE,
        },
    )


@require_safe
def datapackage(request: HttpRequest) -> HttpResponse:
    """``datapackage.json``: the Frictionless descriptor of the CSV datasets."""
    base = request.build_absolute_uri("/").rstrip("/")
    body = json.dumps(opendata.datapackage(base), ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/json")


@require_safe
def dcat_catalogue(request: HttpRequest) -> HttpResponse:
    """``catalogue.jsonld``: the DCAT-AP catalogue record of the datasets (for harvesting)."""
    base = request.build_absolute_uri("/").rstrip("/")
    body = json.dumps(opendata.dcat_catalogue(base), ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/ld+json")


@require_safe
def dataset_download(request: HttpRequest, name: str) -> HttpResponse:
    rows = opendata.dataset_rows(name)
    return _download(rows, name=name, fmt=request.GET.get("format", "csv"))
