"""Every computation of the dashboard, the reports and the open data (reads only).

Figures over time come from ``FigureObservation`` rows: what a source *states*, each point
traceable to the source lines it was read from. What the registry *lists by name*
(memberships) is kept apart and shown as of today: memberships carry no date. Activity
figures come from the apps that registered them (``registry.metrics``). The helix balance
index is defined in ``helix_balance`` and ``docs/analytics.md``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..audit.models import AuditEntry
from ..ecosystem.models import (
    Cluster,
    DataQualityIssue,
    FigureKind,
    FigureObservation,
    Highland,
    HighlandCluster,
    Membership,
    SourceDocument,
)
from ..ecosystem.selectors import stated_helix as registry_stated_helix
from ..errors import NotFoundError
from . import registry

# The four helices of the quadruple helix and the registry's roles that make each up.
# Business environment institutions (Polish "IOB") serve enterprises: they count as industry.
HELICES: dict[str, tuple[str, ...]] = {
    "industry": ("business", "bei"),
    "academia": ("academia",),
    "government": ("public_authority",),
    "civil_society": ("civil_society",),
}
# The registry's helix roles, in the order tables show them.
ROLES = ("business", "bei", "academia", "public_authority", "civil_society")
# Size classes of clusters by member count (lower bounds; the last is open-ended).
SIZE_BINS = (1, 10, 25, 50, 100, 250)
TIMELINE_KINDS = (FigureKind.MEMBERS.value, FigureKind.ENTERPRISES.value)
# Audit actions that change the registry, for the city office's activity table.
REGISTRY_ACTIONS = (
    "source.import",
    "organization.create",
    "organization.update_profile",
    "cluster.update_profile",
    "membership_request.accept",
    "cluster.remove_member",
    "figure.observe",
    "issue.resolve",
)
HIGHLAND_NOT_FOUND = "No highland with the slug '{slug}'."
CLUSTER_NOT_FOUND = "No cluster with the slug '{slug}'."


def helix_balance(counts: Mapping[str, int]) -> float | None:
    """Normalised Shannon evenness of organisations over the four helices, 0..1.

    ``counts`` are organisations per registry helix role; they are summed into the four
    helices (``HELICES``), p_i = share of helix i, H = -Σ p_i ln p_i, index = H / ln 4.
    1 means the four helices are equally represented, 0 that one helix is everything.
    None when no organisation has a known role (nothing to measure).
    """
    totals = [sum(counts.get(role, 0) for role in roles) for roles in HELICES.values()]
    n = sum(totals)
    if n == 0:
        return None
    entropy = -sum(t / n * math.log(t / n) for t in totals if t)
    return round(entropy / math.log(len(HELICES)), 3)


# -- Sources ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    """Where a number was read: a source document and its lines."""

    pk: int
    name: str
    line: int | None
    lines: str
    cluster: str  # the cluster it was stated for (its display name)


def _ref(obs: FigureObservation) -> SourceRef | None:
    if obs.source_id is None or obs.source is None:
        return None
    return SourceRef(
        pk=obs.source_id,
        name=obs.source.name,
        line=obs.line_start,
        lines=obs.lines,
        cluster=obs.cluster.display_name,
    )


# -- Figures over time ------------------------------------------------------------------


@dataclass
class Point:
    on: date
    value: int
    clusters: int  # clusters whose newest figure at this date is counted
    sources: list[SourceRef] = field(default_factory=list)


def _top_clusters(include_synthetic: bool) -> QuerySet[Cluster]:
    qs = Cluster.objects.filter(parent=None)
    return qs if include_synthetic else qs.filter(is_synthetic=False)


def figure_series(
    kind: str, *, cluster_ids: Iterable[int] | None = None, include_synthetic: bool = False
) -> list[Point]:
    """The stated ``kind`` summed over top-level clusters at each date a source states it.

    At each date, every cluster counts with its newest observation up to that date (a
    cluster that has stated nothing yet counts nothing); each point carries the sources of
    the observations dated that day.
    """
    obs = FigureObservation.objects.filter(
        kind=kind, cluster__in=_top_clusters(include_synthetic)
    ).select_related("source", "cluster")
    if cluster_ids is not None:
        obs = obs.filter(cluster_id__in=list(cluster_ids))
    by_day: dict[date, list[FigureObservation]] = defaultdict(list)
    for o in obs.order_by("as_of", "pk"):
        by_day[o.as_of].append(o)
    current: dict[int, int] = {}
    points = []
    for day in sorted(by_day):
        refs = []
        for o in by_day[day]:
            current[o.cluster_id] = o.value
            ref = _ref(o)
            if ref is not None:
                refs.append(ref)
        points.append(Point(day, sum(current.values()), len(current), refs))
    return points


@dataclass
class Listed:
    """Organisations the registry lists by name today, apart from stated figures."""

    on: date
    members: int  # memberships as a member (an organisation in two clusters counts twice)
    organizations: int  # distinct organisations listed as members
    enterprises: int  # distinct member organisations of the business role


def listed_now(
    *, cluster_ids: Iterable[int] | None = None, include_synthetic: bool = False
) -> Listed:
    qs = Membership.objects.filter(role="member")
    if not include_synthetic:
        qs = qs.filter(cluster__is_synthetic=False)
    if cluster_ids is not None:
        ids = list(cluster_ids)
        qs = qs.filter(Q(cluster_id__in=ids) | Q(cluster__parent_id__in=ids))
    business = Q(listed_as="business") | Q(listed_as="", organization__helix_role="business")
    return Listed(
        on=timezone.localdate(),
        members=qs.count(),
        organizations=qs.values("organization_id").distinct().count(),
        enterprises=qs.filter(business).values("organization_id").distinct().count(),
    )


@dataclass
class FoundingYear:
    year: int
    founded: list[Cluster]
    total: int  # clusters founded in or before this year


def clusters_by_founding(*, include_synthetic: bool = False) -> tuple[list[FoundingYear], int]:
    """Clusters by the year the source says they were established (cumulative), and how many
    clusters state no year."""
    clusters = list(_top_clusters(include_synthetic).order_by("year_established", "position"))
    years: dict[int, list[Cluster]] = defaultdict(list)
    for c in clusters:
        if c.year_established:
            years[c.year_established].append(c)
    out, total = [], 0
    for year in sorted(years):
        total += len(years[year])
        out.append(FoundingYear(year, years[year], total))
    return out, sum(1 for c in clusters if not c.year_established)


# -- Size distribution --------------------------------------------------------------------


def _bin_label(index: int) -> str:
    low = SIZE_BINS[index]
    if index + 1 < len(SIZE_BINS):
        return f"{low}–{SIZE_BINS[index + 1] - 1}"
    return f"{low}+"


def _bin_of(value: int) -> int:
    return max(i for i, low in enumerate(SIZE_BINS) if value >= low)


@dataclass
class SizeBin:
    label: str
    stated: int  # clusters whose newest stated member count falls here
    listed: int  # clusters whose members listed by name fall here


def size_distribution(*, include_synthetic: bool = False) -> tuple[list[SizeBin], int, int]:
    """Clusters per size class, by stated and by listed members; and how many clusters
    state no member count, and how many list nobody by name."""
    clusters = _top_clusters(include_synthetic)
    stated: dict[int, int] = {}
    for o in FigureObservation.objects.filter(
        kind=FigureKind.MEMBERS, cluster__in=clusters
    ).order_by("as_of", "pk"):
        stated[o.cluster_id] = o.value
    listed = dict(
        Membership.objects.filter(role="member", cluster__in=clusters)
        .values_list("cluster_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    bins = [SizeBin(_bin_label(i), 0, 0) for i in range(len(SIZE_BINS))]
    for value in stated.values():
        if value:
            bins[_bin_of(value)].stated += 1
    for value in listed.values():
        bins[_bin_of(value)].listed += 1
    total = clusters.count()
    return bins, total - sum(1 for v in stated.values() if v), total - len(listed)


# -- Highlands --------------------------------------------------------------------------


def _highland_clusters() -> dict[int, list[int]]:
    """Highland id -> its top-level clusters' ids (a sub-cluster counts with its parent)."""
    out: dict[int, list[int]] = defaultdict(list)
    for link in HighlandCluster.objects.select_related("cluster").order_by("pk"):
        cluster_id = link.cluster.parent_id or link.cluster_id
        if cluster_id not in out[link.highland_id]:
            out[link.highland_id].append(cluster_id)
    return out


@dataclass
class HighlandGrowth:
    highland: Highland
    series: list[Point]
    listed: Listed

    @property
    def first(self) -> Point | None:
        return self.series[0] if self.series else None

    @property
    def latest(self) -> Point | None:
        return self.series[-1] if self.series else None

    @property
    def change(self) -> int | None:
        if len(self.series) < 2:
            return None
        return self.series[-1].value - self.series[0].value


def highland_growth(*, include_synthetic: bool = False) -> list[HighlandGrowth]:
    """Stated members over time and members listed now, per highland."""
    clusters = _highland_clusters()
    return [
        HighlandGrowth(
            h,
            figure_series(
                FigureKind.MEMBERS,
                cluster_ids=clusters.get(h.pk, []),
                include_synthetic=include_synthetic,
            ),
            listed_now(cluster_ids=clusters.get(h.pk, []), include_synthetic=include_synthetic),
        )
        for h in Highland.objects.order_by("position")
    ]


# -- Helix composition ----------------------------------------------------------------------


@dataclass
class HelixRow:
    kind: str  # "cluster" or "highland"
    slug: str
    name: str
    counts: dict[str, int]  # distinct member organisations per registry helix role
    unknown: int  # listed members with no helix role
    balance: float | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ordered(self) -> list[int]:
        """Counts in the order of ``ROLES`` (for tables)."""
        return [self.counts.get(role, 0) for role in ROLES]

    @property
    def helices(self) -> dict[str, int]:
        return {h: sum(self.counts.get(r, 0) for r in roles) for h, roles in HELICES.items()}


def _role_of(listed_as: str, helix_role: str) -> str:
    return listed_as or helix_role or ""


def _helix_row(kind: str, slug: str, name: str, roles: dict[int, str]) -> HelixRow:
    counts = Counter(role for role in roles.values() if role)
    return HelixRow(
        kind,
        slug,
        name,
        dict(counts),
        sum(1 for role in roles.values() if not role),
        helix_balance(counts),
    )


def helix_table(*, include_synthetic: bool = False) -> list[HelixRow]:
    """Per cluster (sub-clusters folded into their parent) and per highland: distinct member
    organisations per helix role and the helix balance index."""
    members = Membership.objects.filter(role="member").values_list(
        "cluster_id",
        "cluster__parent_id",
        "organization_id",
        "listed_as",
        "organization__helix_role",
    )
    if not include_synthetic:
        members = members.filter(cluster__is_synthetic=False)
    by_cluster: dict[int, dict[int, str]] = defaultdict(dict)
    for cluster_id, parent_id, org_id, listed_as, helix_role in members:
        # An organisation keeps the first role it is listed under in that cluster.
        by_cluster[parent_id or cluster_id].setdefault(org_id, _role_of(listed_as, helix_role))
    rows = []
    for cluster in _top_clusters(include_synthetic).order_by("position", "display_name"):
        rows.append(
            _helix_row("cluster", cluster.slug, cluster.display_name, by_cluster[cluster.pk])
        )
    highland_clusters = _highland_clusters()
    for h in Highland.objects.order_by("position"):
        roles: dict[int, str] = {}
        for cluster_id in highland_clusters.get(h.pk, []):
            for org_id, role in by_cluster[cluster_id].items():
                roles.setdefault(org_id, role)
        rows.append(_helix_row("highland", h.slug, h.name, roles))
    everyone: dict[int, str] = {}
    for roles in by_cluster.values():
        for org_id, role in roles.items():
            everyone.setdefault(org_id, role)
    rows.append(_helix_row("city", "", "", everyone))
    return rows


# -- Activity ---------------------------------------------------------------------------------


@dataclass
class Activity:
    metric: registry.ActivityMetric
    count: int
    series: list[tuple[date, int]]  # running total, one point per day something happened


def running_total(changes: Iterable[tuple[date, int]]) -> list[tuple[date, int]]:
    per_day: dict[date, int] = defaultdict(int)
    for day, change in changes:
        per_day[day] += change
    total, out = 0, []
    for day in sorted(per_day):
        total += per_day[day]
        out.append((day, total))
    return out


def dashboard_figures(
    *, restricted: bool = False, include_synthetic: bool = False
) -> dict[str, Any]:
    """Everything the dashboard computes, in one call (the benchmark times this)."""
    return {
        "timelines": {
            kind: figure_series(kind, include_synthetic=include_synthetic)
            for kind in TIMELINE_KINDS
        },
        "listed": listed_now(include_synthetic=include_synthetic),
        "founding": clusters_by_founding(include_synthetic=include_synthetic),
        "sizes": size_distribution(include_synthetic=include_synthetic),
        "growth": highland_growth(include_synthetic=include_synthetic),
        "helix": helix_table(include_synthetic=include_synthetic),
        "activity": activity(restricted=restricted),
        "flags": flag_trend(),
        "registry": registry_activity() if restricted else [],
    }


def activity(*, restricted: bool = False) -> list[Activity]:
    """Every registered activity metric the viewer may see, with its history."""
    return [
        Activity(m, m.count(), running_total(m.history()) if m.history else [])
        for m in registry.metrics(restricted=restricted)
    ]


# -- Data quality -----------------------------------------------------------------------------


@dataclass
class FlagTrend:
    points: list[tuple[date, int]]  # open flags after each day something changed
    open_now: int
    undated: int  # open flags with no source document (no import date to place them)


def flag_trend() -> FlagTrend:
    """Open data-quality flags over time, rebuilt from what is stored: each flag opens on the
    day its source document was first imported and closes on the day the audit log records
    it resolved. Flags a re-import found stale are deleted and leave no history."""
    changes: list[tuple[date, int]] = []
    issues = DataQualityIssue.objects.values_list("pk", "resolved", "source__imported_at")
    resolved_on = {
        int(object_id): timezone.localdate(at)
        for object_id, at in AuditEntry.objects.filter(action="issue.resolve")
        .exclude(object_id="")
        .values_list("object_id", "created_at")
        if object_id.isdigit()
    }
    undated = 0
    for pk, resolved, imported_at in issues:
        if imported_at is None:
            undated += 0 if resolved else 1
            continue
        opened = timezone.localdate(imported_at)
        changes.append((opened, 1))
        if resolved:
            changes.append((resolved_on.get(pk, opened), -1))
    return FlagTrend(
        running_total(changes),
        DataQualityIssue.objects.filter(resolved=False).count(),
        undated,
    )


def flags_by_severity() -> dict[str, int]:
    return dict(
        DataQualityIssue.objects.filter(resolved=False)
        .values_list("severity")
        .annotate(n=Count("id"))
        .order_by()
    )


def registry_activity() -> list[tuple[date, str, int]]:
    """Registry writes per month and action, from the audit log (the city office's)."""
    rows = (
        AuditEntry.objects.filter(action__in=REGISTRY_ACTIONS)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "action")
        .annotate(n=Count("id"))
        .order_by("month", "action")
    )
    return [(_as_date(month), action, n) for month, action, n in rows]


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") else value


# -- Scopes for reports -----------------------------------------------------------------------


def highland_for_report(*, slug: str) -> tuple[Highland, list[Cluster]]:
    highland = Highland.objects.filter(slug=slug).first()
    if highland is None:
        raise NotFoundError(HIGHLAND_NOT_FOUND.format(slug=slug))
    ids = _highland_clusters().get(highland.pk, [])
    return highland, list(Cluster.objects.filter(pk__in=ids).order_by("position"))


def stated_helix(*, cluster_ids: Iterable[int] | None = None) -> dict[str, int | None]:
    """Newest stated counts per helix role (enterprises, BEIs, universities) summed over
    top-level clusters (all of them when ``cluster_ids`` is None)."""
    clusters = _top_clusters(False).prefetch_related("figures")
    if cluster_ids is not None:
        clusters = clusters.filter(pk__in=list(cluster_ids))
    return registry_stated_helix(clusters)


def top_clusters() -> list[Cluster]:
    """The registry's clusters (not synthetic, sub-clusters under their parent)."""
    return list(_top_clusters(False).order_by("position"))


def cluster_for_report(*, slug: str) -> Cluster:
    cluster = Cluster.objects.filter(slug=slug, is_synthetic=False).first()
    if cluster is None:
        raise NotFoundError(CLUSTER_NOT_FOUND.format(slug=slug))
    return cluster


def open_flags(
    *, clusters: Sequence[Cluster] | None = None, highland: Highland | None = None
) -> list[DataQualityIssue]:
    """Open flags of a scope (None, None: all of them)."""
    qs = DataQualityIssue.objects.filter(resolved=False).select_related(
        "source", "cluster", "highland", "organization"
    )
    if clusters is not None or highland is not None:
        scope = Q(pk__in=[])
        if clusters is not None:
            ids = [c.pk for c in clusters]
            scope |= Q(cluster_id__in=ids) | Q(cluster__parent_id__in=ids)
        if highland is not None:
            scope |= Q(highland=highland)
        qs = qs.filter(scope)
    return list(qs.order_by("severity", "code", "pk"))


def figure_observations(*, clusters: Sequence[Cluster]) -> list[FigureObservation]:
    """Every figure stated for these clusters, newest first, with its source."""
    return list(
        FigureObservation.objects.filter(cluster__in=clusters)
        .select_related("cluster", "source")
        .order_by("cluster__position", "kind", "-as_of")
    )


def sources_used() -> list[SourceDocument]:
    return list(SourceDocument.objects.order_by("pk"))


# -- Tables behind every chart (downloads and the API) -------------------------------------


def _refs_text(refs: Iterable[SourceRef]) -> str:
    return "; ".join(f"{r.name}:{r.lines}" if r.lines else r.name for r in refs)


def _series_rows(points: list[Point], value_key: str) -> list[dict[str, Any]]:
    return [
        {
            "date": p.on.isoformat(),
            value_key: p.value,
            "clusters_reporting": p.clusters,
            "sources": _refs_text(p.sources),
        }
        for p in points
    ]


def _helix_rows() -> list[dict[str, Any]]:
    rows = []
    for r in helix_table():
        row: dict[str, Any] = {"scope": r.kind, "slug": r.slug, "name": r.name}
        row.update(
            {
                role: r.counts.get(role, 0)
                for role in ("business", "bei", "academia", "public_authority", "civil_society")
            }
        )
        row["role_not_stated"] = r.unknown
        row.update({f"helix_{h}": v for h, v in r.helices.items()})
        row["helix_balance"] = r.balance
        rows.append(row)
    return rows


def _founding_rows() -> list[dict[str, Any]]:
    years, _undated = clusters_by_founding()
    return [
        {
            "year": y.year,
            "founded": len(y.founded),
            "total": y.total,
            "clusters": "; ".join(c.display_name for c in y.founded),
        }
        for y in years
    ]


def _growth_rows() -> list[dict[str, Any]]:
    return [
        {
            "highland": g.highland.slug,
            "first_date": g.first.on.isoformat() if g.first else None,
            "first_stated_members": g.first.value if g.first else None,
            "latest_date": g.latest.on.isoformat() if g.latest else None,
            "latest_stated_members": g.latest.value if g.latest else None,
            "change": g.change,
            "listed_members_now": g.listed.members,
        }
        for g in highland_growth()
    ]


def _activity_rows(restricted: bool) -> list[dict[str, Any]]:
    return [
        {"metric": a.metric.name, "count": a.count, "history_points": len(a.series)}
        for a in activity(restricted=restricted)
    ]


def _activity_history_rows(restricted: bool) -> list[dict[str, Any]]:
    return [
        {"metric": a.metric.name, "date": day.isoformat(), "total": total}
        for a in activity(restricted=restricted)
        for day, total in a.series
    ]


def _listed_rows() -> list[dict[str, Any]]:
    now = listed_now()
    return [
        {
            "date": now.on.isoformat(),
            "member_listings": now.members,
            "member_organizations": now.organizations,
            "enterprises": now.enterprises,
        }
    ]


# name -> (rows builder taking ``restricted``, whether only the city office may download it)
TABLES: dict[str, tuple[Any, bool]] = {
    "members_over_time": (
        lambda r: _series_rows(figure_series(FigureKind.MEMBERS), "stated_members"),
        False,
    ),
    "enterprises_over_time": (
        lambda r: _series_rows(figure_series(FigureKind.ENTERPRISES), "stated_enterprises"),
        False,
    ),
    "listed_now": (lambda r: _listed_rows(), False),
    "clusters_by_founding_year": (lambda r: _founding_rows(), False),
    "size_distribution": (
        lambda r: [
            {
                "size_class": b.label,
                "clusters_by_stated_members": b.stated,
                "clusters_by_listed_members": b.listed,
            }
            for b in size_distribution()[0]
        ],
        False,
    ),
    "highland_growth": (lambda r: _growth_rows(), False),
    "helix_balance": (lambda r: _helix_rows(), False),
    "activity": (_activity_rows, False),
    "activity_history": (_activity_history_rows, False),
    "open_flags_over_time": (
        lambda r: [{"date": d.isoformat(), "open_flags": n} for d, n in flag_trend().points],
        False,
    ),
    "open_flags_by_severity": (
        lambda r: [
            {"severity": k, "open_flags": v} for k, v in sorted(flags_by_severity().items())
        ],
        False,
    ),
    "registry_activity": (
        lambda r: [
            {"month": m.isoformat()[:7], "action": a, "writes": n}
            for m, a, n in registry_activity()
        ],
        True,
    ),
}
TABLE_NOT_FOUND = "No analytics table called '{name}'."


def table_names(*, restricted: bool = False) -> list[str]:
    return [name for name, (_rows, city) in TABLES.items() if restricted or not city]


def table_rows(name: str, *, restricted: bool = False) -> list[dict[str, Any]]:
    """The rows of one dashboard table; a table the viewer may not see does not exist."""
    if name not in table_names(restricted=restricted):
        raise NotFoundError(TABLE_NOT_FOUND.format(name=name))
    build, _city = TABLES[name]
    return list(build(restricted))
