"""The registry's records in search: clusters and organisations (public to everyone).

Registered with ``search.registry`` from ``EcosystemConfig.ready()``; services queue a
changed record with ``search.indexing.enqueue(DocumentKind.CLUSTER, pk)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..search import registry
from ..search.documents import DocumentData, strip
from ..text.analysis import acronym
from .localization import localized
from .models import (
    AttributeKind,
    Cluster,
    ClusterAttribute,
    FigureKind,
    HelixRole,
    Highland,
    HighlandCluster,
    Membership,
    MembershipRole,
    Organization,
    OrganizationAlias,
    OrganizationType,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DocumentKind(StrEnum):
    """The kinds of search document this app registers."""

    CLUSTER = "cluster"
    ORGANIZATION = "organization"


# The helix roles in the UI language (the model keeps plain English labels).
HELIX_ROLE_LABELS = {
    "business": gettext_lazy("Business"),
    "bei": gettext_lazy("Business environment institution"),
    "academia": gettext_lazy("Academia"),
    "public_authority": gettext_lazy("Public authority"),
    "civil_society": gettext_lazy("Civil society"),
}


def _cluster_queryset() -> QuerySet[Cluster]:
    return Cluster.objects.select_related("parent").prefetch_related(
        "aliases",
        "highlands",
        "figures",
        "sub_clusters",
        Prefetch("attributes", queryset=ClusterAttribute.objects.order_by("kind", "position")),
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("organization")
            .prefetch_related("organization__aliases")
            .order_by("role", "position"),
        ),
    )


def build_clusters(pks: Iterable[int]) -> Iterator[DocumentData]:
    """Search documents for the given clusters (missing pks are skipped)."""
    clusters = list(_cluster_queryset().filter(pk__in=list(pks)))
    inherited = _parent_coordinators(clusters)
    for cluster in clusters:
        aliases = [a.name for a in cluster.aliases.all()]
        names = [cluster.display_name, cluster.name or "", cluster.name_pl, *aliases]
        names += [acronym(n) for n in names if n]
        memberships = list(cluster.memberships.all())
        coordinators = [m.organization.name for m in memberships if m.role == "coordinator"]
        # Coordinators are how people name a cluster ("the SEBRUK cluster"), so they count
        # as names, with the other names the registry knows them by (reconciliation's
        # aliases: another language, an acronym); other members stay in the body.
        names += coordinators + ([cluster.coordinator_stated] if cluster.coordinator_stated else [])
        names += [alias for m in memberships if m.role == "coordinator" for alias in _aliases_of(m)]
        # A member is found by any of its names ("Politechnika Lubelska; Lublin University of
        # Technology"), each whole, so a phrase query meets it.
        members = [
            "; ".join([m.organization.name, *_aliases_of(m)])
            for m in memberships
            if m.role != "coordinator"
        ]
        highlands = list(cluster.highlands.all())
        attributes = [a for a in cluster.attributes.all() if a.kind != AttributeKind.CONTACT]
        body = [
            f"Coordinator: {cluster.coordinator_stated or ''} {' '.join(coordinators)}",
            *(f"{a.title} {a.text}" for a in attributes),
            "Members: " + "; ".join(members),
            *(f"{h.name} {h.name_pl} {h.description}" for h in highlands),
        ]
        if cluster.parent:
            body.append(f"Part of {cluster.parent.display_name}")
            # A segment without a coordinator of its own is run by its parent's: naming that
            # coordinator finds the segments too ("Software Camp" → LubTechBridge GOZ).
            if not coordinators and not cluster.coordinator_stated:
                body += inherited.get(cluster.parent.pk, [])
        body += [f"Sub-cluster {s.display_name}" for s in cluster.sub_clusters.all()]
        lead = f"{cluster.display_name}. " + ". ".join(
            strip(a.text) for a in attributes if a.kind == AttributeKind.CHARACTERISTICS
        )
        passages = [lead] + [
            strip(f"{a.title}: {a.text}" if a.title else a.text)
            for a in attributes
            if a.kind != AttributeKind.CHARACTERISTICS and a.kind != AttributeKind.COORDINATOR_INFO
        ]
        # The strategy's text about the highland built on this cluster describes it too.
        passages += [strip(h.description) for h in highlands if h.description]
        figures = {f.kind: f for f in sorted(cluster.figures.all(), key=lambda f: f.as_of)}
        stated = figures.get(FigureKind.MEMBERS)
        listed = sum(1 for m in memberships if m.role == "member")
        yield DocumentData(
            kind=DocumentKind.CLUSTER,
            object_id=cluster.pk,
            title=cluster.display_name,
            slug=cluster.slug,
            names=[n for n in dict.fromkeys(names) if n],
            body=[b for b in body if b.strip()],
            passages=[p for p in passages if p],
            highlands=[h.slug for h in highlands],
            clusters=[cluster.pk] + ([cluster.parent_id] if cluster.parent_id else []),
            helix_role="",
            year=cluster.year_established,
            size=stated.value if stated else (listed or None),
            is_synthetic=cluster.is_synthetic,
        )


def _parent_coordinators(clusters: list[Cluster]) -> dict[int, list[str]]:
    """Per parent cluster of these clusters, its coordinators' names and aliases, as body
    lines of the sub-clusters that have no coordinator of their own (one query)."""
    parents = {c.parent_id: c.parent for c in clusters if c.parent_id and c.parent}
    if not parents:
        return {}
    names: dict[int, list[str]] = {
        pk: [parent.coordinator_stated]
        for pk, parent in parents.items()
        if parent.coordinator_stated
    }
    for m in (
        Membership.objects.filter(cluster_id__in=list(parents), role="coordinator")
        .select_related("organization")
        .prefetch_related("organization__aliases")
        .order_by("position")
    ):
        names.setdefault(m.cluster_id, []).extend([m.organization.name, *_aliases_of(m)])
    return {
        pk: [f"Coordinator of {parents[pk].display_name}: " + "; ".join(dict.fromkeys(those))]
        for pk, those in names.items()
    }


def _sub_clusters(pks: list[int]) -> list[int]:
    """The sub-clusters of these clusters (their documents show the parent's coordinator)."""
    return list(Cluster.objects.filter(parent__in=pks).values_list("pk", flat=True))


def _aliases_of(membership: Membership) -> list[str]:
    """The member's aliases (prefetched with the cluster's memberships)."""
    return [a.name for a in membership.organization.aliases.all()]


def build_organizations(pks: Iterable[int]) -> Iterator[DocumentData]:
    """Search documents for the given organisations (missing pks are skipped).

    Plain ``values()`` reads (four queries per batch): this runs for every organisation on
    a rebuild, so it avoids model instances and nested prefetches.
    """
    pks = list(pks)
    aliases: dict[int, list[str]] = {}
    for org_id, alias in OrganizationAlias.objects.filter(organization__in=pks).values_list(
        "organization_id", "name"
    ):
        aliases.setdefault(org_id, []).append(alias)
    memberships: dict[int, list[tuple[int, str, str]]] = {}
    for org_id, cluster_id, role, cluster_name in Membership.objects.filter(
        organization__in=pks
    ).values_list("organization_id", "cluster_id", "role", "cluster__display_name"):
        memberships.setdefault(org_id, []).append((cluster_id, role, cluster_name))
    cluster_ids = {c for rows in memberships.values() for c, _r, _n in rows}
    highlands_of: dict[int, set[str]] = {}
    for cluster_id, slug in HighlandCluster.objects.filter(cluster__in=cluster_ids).values_list(
        "cluster_id", "highland__slug"
    ):
        highlands_of.setdefault(cluster_id, set()).add(slug)
    roles = dict(HelixRole.choices)
    member_roles = dict(MembershipRole.choices)
    org_types = dict(OrganizationType.choices)
    rows = Organization.objects.filter(pk__in=pks).values_list(
        "pk",
        "name",
        "slug",
        "helix_role",
        "org_type",
        "year_established",
        "description",
        "city",
        "is_synthetic",
    )
    for pk, name, slug, helix_role, org_type, year, description, city, synthetic in rows:
        names = [name, *aliases.get(pk, [])]
        names += [acronym(n) for n in names]
        in_clusters_rows = memberships.get(pk, [])
        clusters = sorted({c for c, _r, _n in in_clusters_rows})
        highlands = sorted({h for c in clusters for h in highlands_of.get(c, ())})
        role_label = roles.get(helix_role, "")
        in_clusters = "; ".join(f"{member_roles.get(r, r)} of {n}" for _c, r, n in in_clusters_rows)
        body = [description, city, role_label, in_clusters, org_types.get(org_type, "")]
        lead = f"{name}. {description}".strip()
        passages = [lead] if description else [f"{lead} {role_label} {in_clusters}".strip()]
        yield DocumentData(
            kind=DocumentKind.ORGANIZATION,
            object_id=pk,
            title=name,
            slug=slug,
            names=[n for n in dict.fromkeys(names) if n],
            body=[b for b in body if b],
            passages=passages,
            highlands=highlands,
            clusters=clusters,
            helix_role=helix_role,
            year=year,
            size=None,  # the registry states no headcount for organisations
            is_synthetic=synthetic,
        )


def _all_clusters() -> QuerySet[Cluster, int]:
    return Cluster.objects.order_by("pk").values_list("pk", flat=True)


def _all_organizations() -> QuerySet[Organization, int]:
    return Organization.objects.order_by("pk").values_list("pk", flat=True)


def _highland_choices() -> list[tuple[str, StrOrPromise]]:
    return [(h.slug, localized(h, "name").text) for h in Highland.objects.order_by("position")]


def _helix_role_choices() -> list[tuple[str, StrOrPromise]]:
    return [(value, HELIX_ROLE_LABELS.get(value, label)) for value, label in HelixRole.choices]


CLUSTERS = registry.SearchKind(
    name=DocumentKind.CLUSTER,
    label=pgettext_lazy("search result kind", "cluster"),
    plural=gettext_lazy("Clusters"),
    build=build_clusters,
    all_ids=_all_clusters,
    url=registry.url_with_slug("web:cluster"),
    filters=frozenset({"highland", "cluster", "year", "size"}),
    embeds={DocumentKind.CLUSTER: _sub_clusters},
)
ORGANIZATIONS = registry.SearchKind(
    name=DocumentKind.ORGANIZATION,
    label=pgettext_lazy("search result kind", "organization"),
    plural=gettext_lazy("Organizations"),
    build=build_organizations,
    all_ids=_all_organizations,
    url=registry.url_with_slug("web:organization"),
    filters=frozenset({"highland", "cluster", "helix_role", "year"}),
)


def register() -> None:
    """Make clusters and organisations searchable (from ``EcosystemConfig.ready()``)."""
    registry.register(CLUSTERS)
    registry.register(ORGANIZATIONS)
    registry.register_filter_choices("highland", _highland_choices)
    registry.register_filter_choices("helix_role", _helix_role_choices)
