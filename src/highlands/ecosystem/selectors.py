"""Reads of the registry.  Views, the API, exports and commands read through these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from ..errors import NotFoundError
from .models import (
    AttributeKind,
    Cluster,
    ClusterAttribute,
    DataQualityIssue,
    FigureKind,
    FigureObservation,
    HelixRole,
    Highland,
    HighlandCluster,
    Membership,
    Organization,
    SourceDocument,
)

COUNT_KINDS = (
    FigureKind.MEMBERS,
    FigureKind.ENTERPRISES,
    FigureKind.BEI,
    FigureKind.UNIVERSITIES,
)
CLUSTER_NOT_FOUND = "No cluster with the slug '{slug}'."
ORGANIZATION_NOT_FOUND = "No organization with the slug '{slug}'."
HIGHLAND_NOT_FOUND = "No highland with the slug '{slug}'."


def _open_issues() -> Prefetch:
    return Prefetch("issues", queryset=DataQualityIssue.objects.filter(resolved=False))


def cluster_queryset(*, include_synthetic: bool = False) -> QuerySet[Cluster]:
    """Clusters with everything a list or export shows, in document order."""
    qs = (
        Cluster.objects.select_related("parent", "source")
        .prefetch_related(
            "sub_clusters",
            "highlands",
            "figures",
            _open_issues(),
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organization").order_by(
                    "role", "position"
                ),
            ),
        )
        .order_by("position", "display_name")
    )
    if not include_synthetic:
        qs = qs.filter(is_synthetic=False)
    return qs


def current_figures(cluster: Cluster) -> dict[str, FigureObservation]:
    """The newest observation of each figure (uses the prefetched `figures`)."""
    newest: dict[str, FigureObservation] = {}
    for obs in cluster.figures.all():
        best = newest.get(obs.kind)
        if best is None or (obs.as_of, obs.pk) > (best.as_of, best.pk):
            newest[obs.kind] = obs
    return newest


def figure_history(cluster: Cluster) -> dict[str, list[FigureObservation]]:
    """Every observation of each figure, oldest first."""
    history: dict[str, list[FigureObservation]] = defaultdict(list)
    for obs in sorted(cluster.figures.all(), key=lambda o: (o.as_of, o.pk)):
        history[obs.kind].append(obs)
    return dict(history)


def stated_counts(cluster: Cluster) -> dict[str, int | None]:
    current = current_figures(cluster)
    return {kind.value: (current[kind].value if kind in current else None) for kind in COUNT_KINDS}


def coordinators(cluster: Cluster) -> list[Organization]:
    return [m.organization for m in cluster.memberships.all() if m.role == "coordinator"]


def listed_counts(cluster: Cluster) -> dict[str, int]:
    """How many organisations the source lists by name, per helix role they were listed as."""
    counts: dict[str, int] = defaultdict(int)
    for m in cluster.memberships.all():
        if m.role == "member":
            counts[m.listed_as or m.organization.helix_role or "unknown"] += 1
    return dict(counts)


def cluster_list(
    *,
    highland: str | None = None,
    q: str | None = None,
    top_level_only: bool = False,
    include_synthetic: bool = False,
) -> QuerySet[Cluster]:
    qs = cluster_queryset(include_synthetic=include_synthetic)
    if highland:
        qs = qs.filter(highlands__slug=highland)
    if top_level_only:
        qs = qs.filter(parent=None)
    if q:
        qs = qs.filter(Q(display_name__icontains=q) | Q(aliases__name__icontains=q)).distinct()
    return qs


def cluster_get(*, slug: str) -> Cluster:
    cluster = cluster_queryset(include_synthetic=True).filter(slug=slug).first()
    if cluster is None:
        raise NotFoundError(CLUSTER_NOT_FOUND.format(slug=slug))
    return cluster


@dataclass
class ClusterDetail:
    cluster: Cluster
    attributes: dict[str, list[ClusterAttribute]]
    members_by_role: dict[str, list[Membership]]
    founders: list[Membership]
    coordinators: list[Membership]
    figures: dict[str, FigureObservation]
    history: dict[str, list[FigureObservation]]
    highland_links: list[HighlandCluster]
    issues: list[DataQualityIssue]
    aliases: list = field(default_factory=list)
    figure_rows: list[FigureRow] = field(default_factory=list)


@dataclass
class FigureRow:
    """One stated figure beside how many organisations the source lists for it."""

    kind: str
    label: str
    current: FigureObservation
    listed: int | None
    history: list[FigureObservation]


# Which listed helix role a stated figure counts (members counts every listed member).
FIGURE_LISTED_ROLE: dict[str, str] = {
    FigureKind.ENTERPRISES: HelixRole.BUSINESS,
    FigureKind.BEI: HelixRole.BEI,
    FigureKind.UNIVERSITIES: HelixRole.ACADEMIA,
}


def figure_rows(cluster: Cluster, members: list[Membership]) -> list[FigureRow]:
    current = current_figures(cluster)
    history = figure_history(cluster)
    listed = [m for m in members if m.role == "member"]
    rows = []
    for kind, label in FigureKind.choices:
        if kind not in current:
            continue
        if not listed:
            count = None
        elif kind == FigureKind.MEMBERS:
            count = len(listed)
        elif kind in FIGURE_LISTED_ROLE:
            count = sum(1 for m in listed if m.listed_as == FIGURE_LISTED_ROLE[kind])
        else:
            count = None
        rows.append(FigureRow(kind, label, current[kind], count, history.get(kind, [])))
    return rows


def cluster_detail(*, slug: str) -> ClusterDetail:
    """Everything the cluster page shows, in a fixed number of queries."""
    cluster = cluster_get(slug=slug)
    attributes: dict[str, list[ClusterAttribute]] = defaultdict(list)
    for attribute in cluster.attributes.select_related("source").order_by("kind", "position"):
        attributes[attribute.kind].append(attribute)
    ordered = {k: attributes[k] for k in AttributeKind.values if k in attributes}
    memberships = list(cluster.memberships.all())
    by_role: dict[str, list[Membership]] = defaultdict(list)
    for m in memberships:
        if m.role == "member":
            by_role[m.listed_as or m.organization.helix_role or "unknown"].append(m)
    helix_order = [*HelixRole.values, "unknown"]
    return ClusterDetail(
        cluster=cluster,
        attributes=ordered,
        members_by_role={k: by_role[k] for k in helix_order if k in by_role},
        founders=[m for m in memberships if m.role == "founder"],
        coordinators=[m for m in memberships if m.role == "coordinator"],
        figures=current_figures(cluster),
        history=figure_history(cluster),
        highland_links=list(cluster.highland_links.select_related("highland")),
        issues=list(cluster.issues.all()),
        aliases=list(cluster.aliases.all()),
        figure_rows=figure_rows(cluster, memberships),
    )


def highland_list() -> QuerySet[Highland]:
    return Highland.objects.prefetch_related(
        Prefetch("cluster_links", queryset=HighlandCluster.objects.select_related("cluster")),
        "cooperates_with",
        _open_issues(),
    ).order_by("position")


def highland_get(*, slug: str) -> Highland:
    highland = highland_list().filter(slug=slug).first()
    if highland is None:
        raise NotFoundError(HIGHLAND_NOT_FOUND.format(slug=slug))
    return highland


def organization_queryset() -> QuerySet[Organization]:
    return (
        Organization.objects.filter(is_synthetic=False)
        .prefetch_related(
            "aliases",
            _open_issues(),
            Prefetch("memberships", queryset=Membership.objects.select_related("cluster")),
        )
        .order_by("name")
    )


def organization_list(*, helix_role: str | None = None) -> QuerySet[Organization]:
    qs = organization_queryset()
    if helix_role:
        qs = qs.filter(helix_role=helix_role)
    return qs


def organization_get(*, slug: str) -> Organization:
    org = organization_queryset().filter(slug=slug).first()
    if org is None:
        org = Organization.objects.filter(slug=slug).prefetch_related("aliases").first()
    if org is None:
        raise NotFoundError(ORGANIZATION_NOT_FOUND.format(slug=slug))
    return org


def issue_list(*, include_resolved: bool = False) -> QuerySet[DataQualityIssue]:
    qs = DataQualityIssue.objects.select_related("cluster", "highland", "organization", "source")
    if not include_resolved:
        qs = qs.filter(resolved=False)
    return qs.order_by("cluster__position", "highland__position", "code", "id")


def ecosystem_totals() -> dict[str, int]:
    """Headline numbers for the home page."""
    clusters = Cluster.objects.filter(is_synthetic=False)
    return {
        "highlands": Highland.objects.count(),
        "clusters": clusters.filter(parent=None).count(),
        "sub_clusters": clusters.exclude(parent=None).count(),
        "organizations": Organization.objects.filter(is_synthetic=False).count(),
        "issues": DataQualityIssue.objects.filter(resolved=False).count(),
        "stated_members": sum(
            stated_counts(c)["members"] or 0 for c in cluster_queryset().filter(parent=None)
        ),
    }


def helix_composition(memberships: Iterable[Membership]) -> dict[str, int]:
    counts = dict.fromkeys(HelixRole.values, 0)
    for m in memberships:
        role = m.listed_as or m.organization.helix_role
        if role:
            counts[role] += 1
    return counts


SOURCE_NOT_FOUND = "No source document with id {pk}."


def source_list() -> QuerySet[SourceDocument]:
    return SourceDocument.objects.annotate(
        n_issues=Count("dataqualityissue", distinct=True)
    ).order_by("-imported_at")


def source_get(*, pk: int) -> SourceDocument:
    source = SourceDocument.objects.filter(pk=pk).first()
    if source is None:
        raise NotFoundError(SOURCE_NOT_FOUND.format(pk=pk))
    return source


def strategy_intro() -> tuple[str, SourceDocument | None]:
    """The opening prose of the newest profile document that has one, with its source."""
    source = (
        SourceDocument.objects.filter(kind="profile_text")
        .exclude(intro="")
        .order_by("-imported_at")
        .first()
    )
    return (source.intro, source) if source else ("", None)
