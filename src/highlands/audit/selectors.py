"""Reads of the audit log, scoped to what the reader may see."""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import QuerySet

from ..errors import PermissionDeniedError
from .models import AuditEntry

AUDIT_DENIED = "You may not read this audit log."


class ClusterLike(Protocol):
    """A registry cluster (the audit log is below the registry and does not import it)."""

    pk: Any
    sub_clusters: Any


def audit_entries_all(*, actor: Any, limit: int = 200) -> QuerySet[AuditEntry]:
    """The whole log, newest first (city administrators)."""
    if actor is None or not actor.has_perm("audit.view_all"):
        raise PermissionDeniedError(AUDIT_DENIED)
    return AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")[:limit]


def audit_entries_for_cluster(
    *, actor: Any, cluster: ClusterLike, limit: int = 200
) -> QuerySet[AuditEntry]:
    """Entries about one cluster (and its sub-clusters), for its coordinator or the city."""
    if actor is None or not actor.has_perm("audit.view_cluster_log", cluster):
        raise PermissionDeniedError(AUDIT_DENIED)
    ids = [cluster.pk, *cluster.sub_clusters.values_list("pk", flat=True)]
    return (
        AuditEntry.objects.filter(cluster_id__in=ids)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
