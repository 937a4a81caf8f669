"""Serialising the registry for export (JSON and CSV), shared by the CLI and the API."""

from __future__ import annotations

import json
from typing import Any

from . import selectors
from .models import Cluster, Highland, Organization


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
