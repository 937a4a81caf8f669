"""Reads for ingestion: what reconciliation knows, remembered decisions, the review queue."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, QuerySet

from ..ecosystem.models import (
    Cluster,
    FigureObservation,
    Membership,
    Organization,
    OrganizationAlias,
)
from ..ecosystem.selectors import current_figures
from .models import ReconciliationDecision, ReviewItem
from .reconcile import Known


def known_clusters() -> list[Known]:
    """Every real cluster with its names in both languages, year, coordinators and members."""
    clusters = Cluster.objects.filter(is_synthetic=False).prefetch_related(
        "aliases",
        Prefetch("figures", queryset=FigureObservation.objects.filter(kind="members")),
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(role="coordinator").select_related("organization"),
            to_attr="coordinator_links",
        ),
    )
    result = []
    for cluster in clusters:
        names = [n for n in (cluster.name, cluster.name_pl) if n]
        names += [a.name for a in cluster.aliases.all()]
        coordinators = [cluster.coordinator_stated] if cluster.coordinator_stated else []
        coordinators += [m.organization.name for m in cluster.coordinator_links]  # type: ignore[attr-defined]
        members = current_figures(cluster).get("members")
        result.append(
            Known(
                pk=cluster.pk,
                display_name=cluster.display_name,
                names=tuple(dict.fromkeys(names)),
                year=cluster.year_established,
                coordinators=tuple(dict.fromkeys(coordinators)),
                members=members.value if members else None,
            )
        )
    return result


def known_organizations() -> list[Known]:
    """Every organisation with its name, aliases, year and city (two flat reads: a member
    list of 100,000 rows is reconciled against as many organisations)."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for org_id, name in OrganizationAlias.objects.order_by("pk").values_list(
        "organization_id", "name"
    ):
        aliases[org_id].append(name)
    rows = Organization.objects.order_by("pk").values_list("pk", "name", "year_established", "city")
    return [
        Known(
            pk=pk,
            display_name=name,
            names=tuple(dict.fromkeys([name, *aliases.get(pk, ())])),
            year=year,
            city=city,
        )
        for pk, name, year, city in rows.iterator(chunk_size=5000)
    ]


def remembered_decisions(*, source_key: str, entity: str) -> dict[str, ReconciliationDecision]:
    """Decisions a person took for rows of this source, by normalized incoming name."""
    qs = ReconciliationDecision.objects.filter(source_key=source_key, entity=entity)
    return {d.normalized_name: d for d in qs.select_related("cluster", "organization")}


def pending_review_items() -> QuerySet[ReviewItem]:
    return ReviewItem.objects.filter(status=ReviewItem.Status.PENDING).select_related("source")
