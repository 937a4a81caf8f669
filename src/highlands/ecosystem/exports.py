"""Serialising the registry for export (JSON and CSV), shared by the CLI and the API."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from ..errors import ApplicationError
from ..text.spreadsheet import cell, csv_text
from . import selectors
from .models import Cluster, Highland, Organization

DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
UNKNOWN_DOWNLOAD_FORMAT = "Downloads are offered as CSV or XLSX."


def cluster_row(cluster: Cluster) -> dict[str, Any]:
    coordinators = selectors.coordinators(cluster)
    return {
        "slug": cluster.slug,
        "name": cluster.name,
        "display_name": cluster.display_name,
        "name_pl": cluster.name_pl or None,
        "coordinator": cluster.coordinator_stated,
        "coordinator_organizations": [o.name for o in coordinators],
        "year_established": cluster.year_established,
        "counts": selectors.stated_counts(cluster),
        "listed_members": selectors.listed_counts(cluster),
        "highlands": [h.name for h in cluster.highlands.all()],
        "parent": cluster.parent.slug if cluster.parent else None,
        "sub_clusters": [s.slug for s in cluster.sub_clusters.all()],
        "contact": cluster.contact_kind or None,
        "source": {
            "document": cluster.source.name if cluster.source else None,
            "lines": [cluster.line_start, cluster.line_end],
        },
        "issues": [{"code": i.code, "message": i.message} for i in cluster.issues.all()],
    }


def organization_row(org: Organization) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "helix_role": org.helix_role or None,
        "helix_role_basis": org.helix_role_basis or None,
        "type": org.org_type or None,
        "year_established": org.year_established,
        "aliases": [a.name for a in org.aliases.all()],
        "clusters": [{"cluster": m.cluster.slug, "role": m.role} for m in org.memberships.all()],
        "issues": [{"code": i.code, "message": i.message} for i in org.issues.all()],
    }


def highland_row(highland: Highland) -> dict[str, Any]:
    return {
        "slug": highland.slug,
        "name": highland.name,
        "clusters": [link.cluster.display_name for link in highland.cluster_links.all()],
        "cooperates_with": [h.name for h in highland.cooperates_with.all()],
        "issues": [{"code": i.code, "message": i.message} for i in highland.issues.all()],
    }


def export_rows(entity: str) -> list[dict[str, Any]]:
    if entity == "clusters":
        return [cluster_row(c) for c in selectors.cluster_list()]
    if entity == "organizations":
        return [organization_row(o) for o in selectors.organization_list()]
    if entity == "highlands":
        return [highland_row(h) for h in selectors.highland_list()]
    raise ValueError(f"unknown entity {entity!r}")


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "; ".join(_cell_text(v) for v in value)
        else:
            flat[name] = value
    return flat


def _cell_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else str(value)


def _cell_value(value: Any) -> Any:
    # Numbers stay numbers (the writer leaves them alone); everything else is text.
    return value if isinstance(value, int | float) else _cell_text(value)


def _table(rows: Iterable[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows flattened to one level (``source.document``), and every column any row has."""
    flat = [_flatten(r) for r in rows]
    columns: list[str] = []
    for row in flat:
        columns += [k for k in row if k not in columns]
    return columns, flat


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """Flattened rows as CSV through the shared writer (quoted, formulas neutralised)."""
    columns, flat = _table(rows)
    return csv_text(columns, ([_cell_value(row.get(k)) for k in columns] for row in flat))


def to_xlsx(rows: Iterable[dict[str, Any]], *, sheet: str = "export") -> bytes:
    """The same table as ``to_csv`` as an XLSX workbook: text neutralised by the shared
    writer's rule (no cell is a formula), numbers stay numbers."""
    from openpyxl import Workbook

    columns, flat = _table(rows)
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append([cell(name) for name in columns])
    for row in flat:
        ws.append([cell(_cell_value(row.get(k))) for k in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download_response(rows: list[dict[str, Any]], *, name: str, fmt: str) -> HttpResponse:
    """``rows`` as a CSV or XLSX attachment (the pages' "download these results")."""
    if fmt not in DOWNLOAD_TYPES:
        raise ApplicationError(UNKNOWN_DOWNLOAD_FORMAT, code="invalid_format")
    if fmt == "csv":  # a BOM so that spreadsheet programs read UTF-8 (Polish letters)
        body: str | bytes = "\ufeff" + to_csv(rows)
    else:
        body = to_xlsx(rows, sheet=name)
    response = HttpResponse(body, content_type=DOWNLOAD_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="highlands-{name}.{fmt}"'
    return response
