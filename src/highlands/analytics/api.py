"""The analytics API at /api/v1/analytics/: the dashboard's tables, the helix balance, the
network of cooperation and the open datasets — the same selectors as the pages.

Public to everyone; a city-office token (or session) also gets the tables and edges only the
city office sees. A table or dataset that does not exist, or that the caller may not see,
is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Router, Schema

from ..apikit.auth import READ_AUTH
from ..apikit.errors import CALLER_ERRORS
from ..apikit.routes import Routes
from ..apikit.types import Slug
from . import network, opendata, selectors

router = Router(tags=["analytics"])
ERRORS = CALLER_ERRORS


def _restricted(request: HttpRequest) -> bool:
    return bool(request.user.has_perm("analytics.view_city_figures"))


class TableOut(Schema):
    name: str
    rows: list[dict[str, Any]]


class HelixBalanceOut(Schema):
    scope: str  # cluster, highland or city
    slug: str
    name: str
    counts: dict[str, int]  # member organisations per helix role
    role_not_stated: int
    helices: dict[str, int]  # industry, academia, government, civil_society
    balance: float | None  # normalised Shannon evenness over the four helices, 0..1


class NetworkOut(Schema):
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    findings: list[str]
    betweenness_exact: bool


class DatasetOut(Schema):
    name: str
    title: str
    row: str
    licence: str
    csv: str
    json_url: str


route = Routes(router, errors=ERRORS, prefix="analytics", auth=READ_AUTH)


@route.get("/tables", list[str], "Names of the dashboard's tables the caller may read")
def table_list(request: HttpRequest) -> Any:
    return selectors.table_names(restricted=_restricted(request))


@route.get("/tables/{name}", TableOut, "One dashboard table (the numbers behind one chart)")
def table_get(request: HttpRequest, name: Path[Slug]) -> Any:
    return {"name": name, "rows": selectors.table_rows(name, restricted=_restricted(request))}


@route.get(
    "/helix-balance",
    list[HelixBalanceOut],
    "Helix composition and balance index per cluster, per highland and for the city",
)
def helix_balance(request: HttpRequest) -> Any:
    return [
        {
            "scope": r.kind,
            "slug": r.slug,
            "name": r.name,
            "counts": r.counts,
            "role_not_stated": r.unknown,
            "helices": r.helices,
            "balance": r.balance,
        }
        for r in selectors.helix_table()
    ]


@route.get(
    "/network",
    NetworkOut,
    "The network of cooperation: nodes with their measures, typed links, findings",
    op="analytics_network",
)
def network_get(request: HttpRequest) -> Any:
    net = network.build_network(restricted=_restricted(request))
    return {
        "nodes": network.node_rows(net),
        "edges": network.edge_rows(net),
        "findings": net.findings,
        "betweenness_exact": net.betweenness_exact,
    }


@route.get(
    "/datasets", list[DatasetOut], "The open datasets, their licence and where to download them"
)
def dataset_list(request: HttpRequest) -> Any:
    return [
        {
            "name": name,
            "title": str(title),
            "row": str(row),
            "licence": opendata.LICENCE["name"],
            "csv": f"/analytics/open-data/{name}/?format=csv",
            "json_url": f"/api/v1/analytics/datasets/{name}",
        }
        for name, (title, row, _build) in opendata.DATASETS.items()
    ]


@route.get(
    "/datasets/{name}", TableOut, "One open dataset (public registry facts only, no personal data)"
)
def dataset_get(request: HttpRequest, name: Path[Slug]) -> Any:
    return {"name": name, "rows": opendata.dataset_rows(name)}
