"""The open datasets: public registry facts only, the same rows every time for the same data.

No personal data: contact persons, users, representatives, e-mail addresses and marketplace
profiles never appear (organisations' and clusters' published names and the source
document's facts only). Rows come in a stable order (slugs, then ids), so two downloads of
unchanged data are byte-identical.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..ecosystem.exports import export_rows
from ..ecosystem.models import DataQualityIssue, FigureObservation, Membership
from ..errors import NotFoundError
from ..text.spreadsheet import flat_table
from . import network

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
DATASET_NOT_FOUND = "No open dataset called '{name}'."


def _lines(row: Any) -> dict[str, Any]:
    return {
        "source_document": row.source.name if row.source_id else None,
        "line_start": row.line_start,
        "line_end": row.line_end,
    }


def _memberships() -> list[dict[str, Any]]:
    qs = (
        Membership.objects.filter(cluster__is_synthetic=False)
        .select_related("organization", "cluster", "source")
        .order_by("cluster__slug", "role", "organization__slug")
    )
    return [
        {
            "cluster": m.cluster.slug,
            "organization": m.organization.slug,
            "role": m.role,
            "listed_as": m.listed_as or None,
            **_lines(m),
        }
        for m in qs
    ]


def _figures() -> list[dict[str, Any]]:
    qs = (
        FigureObservation.objects.filter(cluster__is_synthetic=False)
        .select_related("cluster", "source")
        .order_by("cluster__slug", "kind", "as_of", "pk")
    )
    return [
        {
            "cluster": o.cluster.slug,
            "kind": o.kind,
            "value": o.value,
            "as_of": o.as_of.isoformat(),
            "as_of_basis": o.as_of_basis,
            "stated_as": o.raw or None,
            **_lines(o),
        }
        for o in qs
    ]


def _flags() -> list[dict[str, Any]]:
    qs = DataQualityIssue.objects.select_related("cluster", "highland", "organization", "source")
    return [
        {
            "code": i.code,
            "severity": i.severity,
            "message": i.message,
            "resolved": i.resolved,
            "highland": i.highland.slug if i.highland else None,
            "cluster": i.cluster.slug if i.cluster else None,
            "organization": i.organization.slug if i.organization else None,
            **_lines(i),
        }
        for i in qs.order_by("pk")
    ]


def _edges() -> list[dict[str, Any]]:
    return network.edge_rows(network.build_network(restricted=False))


# name -> (title, what a row is, builder)
DATASETS: dict[str, tuple[Any, Any, Any]] = {
    "highlands": (_("Highlands"), _("one economic highland"), lambda: export_rows("highlands")),
    "clusters": (
        _("Clusters"),
        _("one cluster with its stated figures"),
        lambda: export_rows("clusters"),
    ),
    "organizations": (
        _("Organisations"),
        _("one organisation named by a source (no contact persons)"),
        lambda: export_rows("organizations"),
    ),
    "memberships": (_("Memberships"), _("one organisation's role in one cluster"), _memberships),
    "figure_observations": (
        _("Figure observations"),
        _("one figure a source states for a cluster at a date"),
        _figures,
    ),
    "data_quality_flags": (
        _("Data-quality flags"),
        _("one gap or contradiction found in a source"),
        _flags,
    ),
    "network_edges": (
        _("Network of cooperation"),
        _("one public relation, typed and traceable to its record"),
        _edges,
    ),
}


def dataset_rows(name: str) -> list[dict[str, Any]]:
    if name not in DATASETS:
        raise NotFoundError(DATASET_NOT_FOUND.format(name=name))
    return list(DATASETS[name][2]())


def _field_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    return "string"


def datapackage(base_url: str) -> dict[str, Any]:
    """A Frictionless Data Package descriptor (``datapackage.json``) of the CSV datasets:
    each resource's URL, its fields and their types (read from the rows: integer, number,
    boolean, else string; nested values are flattened into ``parent.child`` columns as in
    the CSV), the licence and the source."""
    resources = []
    for name, (title, row, _build) in DATASETS.items():
        columns, flat = flat_table(dataset_rows(name))
        resources.append(
            {
                "name": name.replace("_", "-"),
                "title": str(title),
                "description": str(row),
                "path": f"{base_url}/analytics/open-data/{name}/?format=csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {
                    "fields": [
                        {"name": c, "type": _field_type([r.get(c) for r in flat])} for c in columns
                    ]
                },
            }
        )
    return {
        "profile": "data-package",
        "name": "lublin-economic-highlands",
        "title": "Lublin Economic Highlands: registry open data",
        "licenses": [LICENCE],
        "sources": [{"title": "Lublin Economic Highlands registry", "path": base_url + "/"}],
        "resources": resources,
    }
