"""Reads of the registry.  Views, the API, exports and commands read through these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from ..errors import ApplicationError, NotFoundError
from ..text.name_matching import SAME_CONCEPTS, concepts, name_similarity
from ..text.names import normalize_name
from .localization import current_language
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
    MembershipRequest,
    MembershipRequestStatus,
    Organization,
    OrganizationAlias,
    SourceDocument,
)

T = TypeVar("T")
COUNT_KINDS = (
    FigureKind.MEMBERS,
    FigureKind.ENTERPRISES,
    FigureKind.BEI,
    FigureKind.UNIVERSITIES,
)
# The stated figure that counts each helix role (no figure counts public authority or NGOs).
HELIX_FIGURES = {
    HelixRole.BUSINESS.value: FigureKind.ENTERPRISES.value,
    HelixRole.BEI.value: FigureKind.BEI.value,
    HelixRole.ACADEMIA.value: FigureKind.UNIVERSITIES.value,
}
CLUSTER_NOT_FOUND = "No cluster with the slug '{slug}'."
ORGANIZATION_NOT_FOUND = "No organization with the slug '{slug}'."
HIGHLAND_NOT_FOUND = "No highland with the slug '{slug}'."
COMPARE_NEEDS_TWO = "Choose at least two clusters to compare."
COMPARE_AT_MOST = "Compare at most {n} clusters at a time."
COMPARE_MAX = 4
MEMBERSHIP_NOT_FOUND = "No membership with id {pk} here."
ISSUE_NOT_FOUND = "No data-quality flag with id {pk}."
MEMBERSHIP_REQUEST_NOT_FOUND = "No membership request with id {pk}."

# Directory sort keys -> ORDER BY; "size" is the newest stated member count.
CLUSTER_SORTS = {
    "document": (F("position").asc(), F("display_name").asc()),
    "name": (F("display_name").asc(),),
    "-name": (F("display_name").desc(),),
    "year": (F("year_established").asc(nulls_last=True), F("display_name").asc()),
    "-year": (F("year_established").desc(nulls_last=True), F("display_name").asc()),
    "size": (F("stated_members").asc(nulls_last=True), F("display_name").asc()),
    "-size": (F("stated_members").desc(nulls_last=True), F("display_name").asc()),
}


def _open_issues() -> Prefetch:
    return Prefetch("issues", queryset=DataQualityIssue.objects.filter(resolved=False))


def _newest_figure(kind: str) -> Subquery:
    newest = FigureObservation.objects.filter(cluster=OuterRef("pk"), kind=kind).order_by(
        "-as_of", "-pk"
    )
    return Subquery(newest.values("value")[:1], output_field=IntegerField())


def _stated_members() -> Subquery:
    return _newest_figure(FigureKind.MEMBERS)


def cluster_queryset(*, include_synthetic: bool = False) -> QuerySet[Cluster]:
    """Clusters with everything a list or export shows, in document order."""
    qs = (
        Cluster.objects.select_related("parent", "source")
        .annotate(stated_members=_stated_members())
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


def _in_kind_order(by_kind: dict[str, T]) -> dict[str, T]:
    """Members first, then enterprises, BEIs, universities: the order pages show figures in."""
    return {kind: by_kind[kind] for kind in FigureKind.values if kind in by_kind}


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


def _has_helix_role(role: str) -> Q:
    """A member listed under ``role`` (or, when not listed under a role, of that role)."""
    listed = Q(memberships__role="member", memberships__listed_as=role)
    of_role = Q(
        memberships__role="member",
        memberships__listed_as="",
        memberships__organization__helix_role=role,
    )
    return listed | of_role


def cluster_list(
    *,
    highland: str | None = None,
    q: str | None = None,
    top_level_only: bool = False,
    include_synthetic: bool = False,
    helix_role: str | None = None,
    year_min: int | None = None,
    year_max: int | None = None,
    size_min: int | None = None,
    size_max: int | None = None,
    sort: str = "document",
) -> QuerySet[Cluster]:
    """Clusters filtered and sorted as the directory and the API ask."""
    qs = cluster_queryset(include_synthetic=include_synthetic)
    if highland:
        qs = qs.filter(highlands__slug=highland)
    if top_level_only:
        qs = qs.filter(parent=None)
    if q:
        matching = Cluster.objects.filter(
            Q(display_name__icontains=q) | Q(name_pl__icontains=q) | Q(aliases__name__icontains=q)
        )
        qs = qs.filter(pk__in=matching.values("pk"))
    if helix_role:
        # Lists a member of that role by name, or its newest figure states a positive count.
        listing = Cluster.objects.filter(_has_helix_role(helix_role)).values("pk")
        with_role = Q(pk__in=listing)
        if helix_role in HELIX_FIGURES:
            stating = Cluster.objects.annotate(
                stated_role=_newest_figure(HELIX_FIGURES[helix_role])
            ).filter(Q(stated_role__gt=0))
            with_role |= Q(pk__in=stating.values("pk"))
        qs = qs.filter(with_role)
    if year_min is not None:
        qs = qs.filter(year_established__gte=year_min)
    if year_max is not None:
        qs = qs.filter(year_established__lte=year_max)
    if size_min is not None:
        qs = qs.filter(Q(stated_members__gte=size_min))
    if size_max is not None:
        qs = qs.filter(Q(stated_members__lte=size_max))
    return qs.order_by(*CLUSTER_SORTS.get(sort, CLUSTER_SORTS["document"]), "pk")


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

    @property
    def localized_attributes(self) -> dict[str, list[ClusterAttribute]]:
        """Each profile section in the page's language (``attributes_in_language``)."""
        return attributes_in_language(self.attributes, current_language())

    @property
    def contact_lines(self) -> list[ClusterAttribute]:
        """The contact lines a coordinator wrote, in the page's language (else the other);
        the channel the source names (``contact_kind``) is shown apart, translated."""
        lines = [
            a
            for a in self.attributes.get(AttributeKind.CONTACT, [])
            if a.text != self.cluster.contact_kind
        ]
        return attributes_in_language({"contact": lines}, current_language())["contact"]

    @property
    def helix(self) -> dict[str, int]:
        """Organisations listed by name per helix role (members only)."""
        return helix_composition(m for ms in self.members_by_role.values() for m in ms)

    @property
    def stated_helix(self) -> dict[str, int | None]:
        """What the cluster states per helix role (None: no figure states it)."""
        return stated_helix([self.cluster])


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


def attributes_in_language(
    attributes: dict[str, list[ClusterAttribute]], language: str
) -> dict[str, list[ClusterAttribute]]:
    """Each section's items in ``language`` when it has any, else in the other language (the
    page marks that fallback): a section is never shown as a mix of both languages."""
    chosen: dict[str, list[ClusterAttribute]] = {}
    for kind, items in attributes.items():
        own = [a for a in items if a.language == language]
        chosen[kind] = own or [a for a in items if a.language != language]
    return chosen


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
        figures=_in_kind_order(current_figures(cluster)),
        history=_in_kind_order(figure_history(cluster)),
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


@dataclass
class HighlandDetail:
    highland: Highland
    links: list[HighlandCluster]
    cooperates_with: list[Highland]
    helix: dict[str, int]
    stated_helix: dict[str, int | None]
    issues: list[DataQualityIssue]


def highland_detail(*, slug: str) -> HighlandDetail:
    """A highland, its clusters, its partners and the helix mix of its clusters' members."""
    highland = highland_get(slug=slug)
    links = list(highland.cluster_links.all())
    cluster_ids = [link.cluster_id for link in links]
    members = Membership.objects.filter(
        Q(cluster_id__in=cluster_ids) | Q(cluster__parent_id__in=cluster_ids), role="member"
    ).select_related("organization")
    return HighlandDetail(
        highland=highland,
        links=links,
        cooperates_with=list(highland.cooperates_with.all()),
        helix=helix_composition(members),
        stated_helix=stated_helix(
            Cluster.objects.filter(pk__in=cluster_ids).prefetch_related("figures")
        ),
        issues=list(highland.issues.all()),
    )


def cluster_compare(*, slugs: Iterable[str]) -> list[ClusterDetail]:
    """Two to ``COMPARE_MAX`` clusters side by side, in the order asked for."""
    unique = list(dict.fromkeys(s for s in slugs if s))
    if len(unique) < 2:
        raise ApplicationError(COMPARE_NEEDS_TWO, code="compare_needs_two")
    if len(unique) > COMPARE_MAX:
        raise ApplicationError(COMPARE_AT_MOST.format(n=COMPARE_MAX), code="compare_too_many")
    return [cluster_detail(slug=slug) for slug in unique]


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


def organization_list(
    *, helix_role: str | None = None, q: str | None = None, cluster: str | None = None
) -> QuerySet[Organization]:
    """Organisations by helix role, name (or alias) fragment and cluster slug."""
    qs = organization_queryset()
    if helix_role:
        qs = qs.filter(helix_role=helix_role)
    if q:
        matching = Organization.objects.filter(Q(name__icontains=q) | Q(aliases__name__icontains=q))
        qs = qs.filter(pk__in=matching.values("pk"))
    if cluster:
        qs = qs.filter(
            pk__in=Membership.objects.filter(cluster__slug=cluster).values("organization")
        )
    return qs


OFFER_KINDS = (AttributeKind.SERVICE.value, AttributeKind.PRODUCT.value)


def cluster_offers(*, organization: Organization) -> dict[Cluster, list[ClusterAttribute]]:
    """Services and products of the clusters an organisation belongs to, per cluster."""
    cluster_ids = {m.cluster_id for m in organization.memberships.all()}
    offers: dict[Cluster, list[ClusterAttribute]] = defaultdict(list)
    attributes = (
        ClusterAttribute.objects.filter(cluster_id__in=cluster_ids, kind__in=OFFER_KINDS)
        .select_related("cluster", "source")
        .order_by("cluster__position", "kind", "position")
    )
    for attribute in attributes:
        offers[attribute.cluster].append(attribute)
    return dict(offers)


def membership_list(
    *,
    cluster: str | None = None,
    organization: str | None = None,
    role: str | None = None,
    helix_role: str | None = None,
) -> QuerySet[Membership]:
    """Who is in which cluster, in what role, listed under which helix heading."""
    qs = Membership.objects.select_related("organization", "cluster", "source")
    if cluster:
        qs = qs.filter(cluster__slug=cluster)
    if organization:
        qs = qs.filter(organization__slug=organization)
    if role:
        qs = qs.filter(role=role)
    if helix_role:
        qs = qs.filter(
            Q(listed_as=helix_role) | Q(listed_as="", organization__helix_role=helix_role)
        )
    return qs.order_by("cluster__position", "role", "position", "pk")


def figure_list(
    *, cluster: str | None = None, kind: str | None = None
) -> QuerySet[FigureObservation]:
    """Every stated figure observation (the history), oldest first per cluster and kind."""
    qs = FigureObservation.objects.select_related("cluster", "source")
    if cluster:
        qs = qs.filter(cluster__slug=cluster)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("cluster__position", "kind", "as_of", "pk")


def organization_get(*, slug: str) -> Organization:
    org = organization_queryset().filter(slug=slug).first()
    if org is None:
        org = Organization.objects.filter(slug=slug).prefetch_related("aliases").first()
    if org is None:
        raise NotFoundError(ORGANIZATION_NOT_FOUND.format(slug=slug))
    return org


# -- Onboarding: is this organisation already in the registry? ----------------------------

RESEMBLES_FROM = 0.6  # names this close are offered as "is it one of these?"
SAME_ORGANIZATION = SAME_CONCEPTS  # same key, or the same concepts in the other language
SEARCH_MIN_CHARS = 2


@dataclass(frozen=True)
class Resemblance:
    organization: Organization
    score: float
    matched_name: str  # the name or alias that resembles the typed one


def organizations_resembling(
    *, name: str, limit: int = 5, floor: float = RESEMBLES_FROM
) -> list[Resemblance]:
    """Organisations whose name or an alias (either language) means ``name``, best first.

    Reconciliation's matching (``text.name_matching``): "Politechnika Lubelska" finds
    "Lublin University of Technology" (same concepts) at 0.95.
    """
    if not normalize_name(name):
        return []
    names: dict[int, list[str]] = defaultdict(list)
    for pk, own in Organization.objects.filter(is_synthetic=False).values_list("pk", "name"):
        names[pk].append(own)
    for pk, alias in OrganizationAlias.objects.filter(organization__is_synthetic=False).values_list(
        "organization_id", "name"
    ):
        names[pk].append(alias)
    wanted = concepts(name)
    prefixes = {c[:3] for c in wanted}
    best: dict[int, tuple[float, str]] = {}
    for pk, candidates in names.items():
        for candidate in candidates:
            # Blocking, as reconciliation does: only names sharing a concept, or a concept's
            # first letters (a typo further on), are scored.
            theirs = concepts(candidate)
            if normalize_name(candidate) != normalize_name(name) and not (
                theirs & wanted or {c[:3] for c in theirs} & prefixes
            ):
                continue
            score = name_similarity(name, candidate)
            if score >= floor and score > best.get(pk, (0.0, ""))[0]:
                best[pk] = (score, candidate)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1]))[:limit]
    organizations = Organization.objects.in_bulk([pk for pk, _ in ranked])
    return [
        Resemblance(organization=organizations[pk], score=round(score, 3), matched_name=matched)
        for pk, (score, matched) in ranked
    ]


def organizations_with_identifiers(
    *, nip: str = "", regon: str = "", krs: str = "", exclude_pk: int | None = None
) -> list[tuple[str, Organization]]:
    """(which number, organisation) for each given registry number another organisation has."""
    found = []
    for field_name, value in (("nip", nip), ("regon", regon), ("krs", krs)):
        if value:
            qs = Organization.objects.filter(**{field_name: value})
            if exclude_pk is not None:
                qs = qs.exclude(pk=exclude_pk)
            found += [(field_name, org) for org in qs]
    return found


def organization_search(*, q: str, limit: int = 10) -> list[Organization]:
    """Search as you type (onboarding, a cluster's members tab): a registry number, a name
    fragment (or alias), then names that mean the same in the other language."""
    return _organization_search(q=q, limit=limit)[0]


def _organization_search(*, q: str, limit: int) -> tuple[list[Organization], list[Resemblance]]:
    q = (q or "").strip()
    if len(q) < SEARCH_MIN_CHARS:
        return [], []
    digits = "".join(ch for ch in q if ch.isdigit())
    found: list[Organization] = []
    if len(digits) >= 9 and len(digits) == len(q.replace(" ", "").replace("-", "")):
        found += list(
            Organization.objects.filter(
                Q(nip=digits) | Q(regon=digits) | Q(krs=digits.zfill(10))
            ).filter(is_synthetic=False)
        )
    matching = Organization.objects.filter(
        Q(name__icontains=q) | Q(aliases__name__icontains=q), is_synthetic=False
    ).distinct()
    found += list(matching.order_by("name")[:limit])
    resembling = organizations_resembling(name=q, limit=limit)
    found += [r.organization for r in resembling]
    return list({org.pk: org for org in found}.values())[:limit], resembling


NAME_CANDIDATES = 10  # organisations offered to choose from for a typed name


def _is_named(organization: Organization, typed: str) -> bool:
    """Whether ``typed`` is the organisation's name, alias, slug or registry number."""
    typed = typed.strip().casefold()
    digits = "".join(ch for ch in typed if ch.isdigit())
    names = {organization.name.casefold(), organization.slug}
    names |= {alias.casefold() for alias in organization.aliases.values_list("name", flat=True)}
    numbers = {organization.nip, organization.regon, organization.krs} - {""}
    return typed in names or (len(digits) >= 9 and bool({digits, digits.zfill(10)} & numbers))


@dataclass(frozen=True)
class NameMatch:
    """What a typed organisation name means: ``organization`` when it means exactly one."""

    candidates: list[Organization]
    organization: Organization | None


def organization_by_name(*, name: str) -> NameMatch:
    """The organisation a person means by a typed name (or part of it, or a registry number).

    The search's only result when it is that name (its name, an alias or its address slug,
    letter case aside), its registry number or the same organisation by reconciliation's
    matching; else the only organisation whose name or alias means the same in either
    language ("Lublin University of Technology" is Politechnika Lubelska); else none, with
    the candidates to choose from — a single loose resemblance is offered, never taken.
    """
    candidates, resembling = _organization_search(q=name, limit=NAME_CANDIDATES)
    same = [r.organization for r in resembling if r.score >= SAME_ORGANIZATION]
    if len(candidates) == 1 and (candidates[0] in same or _is_named(candidates[0], name)):
        return NameMatch(candidates=candidates, organization=candidates[0])
    chosen = same[0] if len(same) == 1 else None
    if chosen is not None and chosen not in candidates:  # past the list's length: shown first
        candidates = [chosen, *candidates][:NAME_CANDIDATES]
    return NameMatch(candidates=candidates, organization=chosen)


def issue_list(
    *,
    include_resolved: bool = False,
    cluster: str | None = None,
    severity: str | None = None,
    code: str | None = None,
) -> QuerySet[DataQualityIssue]:
    """Data-quality flags, open ones only unless asked."""
    qs = DataQualityIssue.objects.select_related("cluster", "highland", "organization", "source")
    if not include_resolved:
        qs = qs.filter(resolved=False)
    if cluster:
        qs = qs.filter(cluster__slug=cluster)
    if severity:
        qs = qs.filter(severity=severity)
    if code:
        qs = qs.filter(code=code)
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


def stated_helix(clusters: Iterable[Cluster]) -> dict[str, int | None]:
    """Newest stated counts per helix role, summed over clusters (uses prefetched figures)."""
    totals: dict[str, int | None] = dict.fromkeys(HelixRole.values)
    for cluster in clusters:
        current = current_figures(cluster)
        for role, kind in HELIX_FIGURES.items():
            if kind in current:
                totals[role] = (totals[role] or 0) + current[kind].value
    return totals


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


def latest_sources(*, limit: int = 5) -> list[SourceDocument]:
    """The newest imports, for the home page's latest activity."""
    return list(source_list()[:limit])


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


# -- Records the workspace and the write API act on (404 when absent or out of scope) -----


def membership_get(*, cluster: Cluster, pk: int) -> Membership:
    """One membership of this cluster (a membership of another cluster is not found)."""
    membership = (
        Membership.objects.select_related("organization").filter(pk=pk, cluster=cluster).first()
    )
    if membership is None:
        raise NotFoundError(MEMBERSHIP_NOT_FOUND.format(pk=pk))
    return membership


def membership_of_organization(*, organization: Organization, pk: int) -> Membership:
    """One membership of this organisation (another organisation's is not found)."""
    membership = (
        Membership.objects.select_related("organization", "cluster")
        .filter(pk=pk, organization=organization)
        .first()
    )
    if membership is None:
        raise NotFoundError(MEMBERSHIP_NOT_FOUND.format(pk=pk))
    return membership


def cluster_memberships(*, cluster: Cluster) -> list[Membership]:
    """A cluster's membership rows with their organisations, by role and list position."""
    return list(
        Membership.objects.filter(cluster=cluster)
        .select_related("organization", "source", "request")
        .order_by("role", "position")
    )


def cluster_organization_states(*, cluster: Cluster) -> dict[int, str]:
    """Organisations a cluster cannot ask to join again: ``"member"`` (listed in any role)
    or ``"asked"`` (a request waits for its answer), by organisation id."""
    states = dict.fromkeys(
        MembershipRequest.objects.filter(
            cluster=cluster, status=MembershipRequestStatus.PENDING
        ).values_list("organization_id", flat=True),
        "asked",
    )
    states.update(
        dict.fromkeys(
            Membership.objects.filter(cluster=cluster).values_list("organization_id", flat=True),
            "member",
        )
    )
    return states


def cluster_profile_items(
    *, cluster: Cluster, kinds: Iterable[str]
) -> tuple[
    dict[tuple[str, str], list[tuple[str, str]]], dict[tuple[str, str], list[tuple[str, str]]]
]:
    """A cluster's profile sections for its editor: ``(kind, language)`` -> its items as
    ``(title, text)`` in order, and apart from them the contact channel an import states
    (e.g. "website"), which is shown translated and kept as it is, not edited as a line."""
    items: dict[tuple[str, str], list[tuple[str, str]]] = {}
    channel: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for attribute in ClusterAttribute.objects.filter(
        cluster=cluster, kind__in=list(kinds)
    ).order_by("kind", "language", "position"):
        is_channel = (
            attribute.kind == AttributeKind.CONTACT and attribute.text == cluster.contact_kind
        )
        (channel if is_channel else items).setdefault(
            (attribute.kind, attribute.language), []
        ).append((attribute.title, attribute.text))
    return items, channel


def issue_get(*, pk: int) -> DataQualityIssue:
    issue = DataQualityIssue.objects.select_related("cluster").filter(pk=pk).first()
    if issue is None:
        raise NotFoundError(ISSUE_NOT_FOUND.format(pk=pk))
    return issue


def cluster_issues(*, cluster: Cluster) -> list[DataQualityIssue]:
    """Every flag of a cluster, open ones first."""
    return list(
        DataQualityIssue.objects.filter(cluster=cluster).order_by(
            "resolved", "severity", "code", "id"
        )
    )


_PENDING_FIRST = Case(
    When(status=MembershipRequestStatus.PENDING, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


def membership_request_get(*, pk: int) -> MembershipRequest:
    """One membership request (the services check who may act on it)."""
    request = (
        MembershipRequest.objects.select_related("cluster", "organization", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise NotFoundError(MEMBERSHIP_REQUEST_NOT_FOUND.format(pk=pk))
    return request


def membership_requests_of_cluster(*, cluster: Cluster) -> list[MembershipRequest]:
    """A cluster's requests, pending first, then the latest decisions."""
    return list(
        MembershipRequest.objects.filter(cluster=cluster)
        .select_related("organization", "requested_by", "decided_by")
        .order_by(_PENDING_FIRST, "-requested_at", "-id")[:100]
    )


def membership_requests_of_organization(*, organization: Organization) -> list[MembershipRequest]:
    """Requests addressed to one organisation, pending first."""
    return list(
        MembershipRequest.objects.filter(organization=organization)
        .select_related("cluster", "requested_by", "decided_by")
        .order_by(_PENDING_FIRST, "-requested_at", "-id")[:100]
    )


def membership_requests_to_answer(*, user: Any) -> QuerySet[MembershipRequest]:
    """Pending requests the user may answer: to organisations they represent, and — for the
    city office — to organisations nobody represents."""
    pending = MembershipRequest.objects.filter(status=MembershipRequestStatus.PENDING)
    if not getattr(user, "is_authenticated", False):
        return pending.none()
    mine = Q(organization__representative_users__user=user)
    if user.is_superuser:
        answerable = Q()
    elif getattr(user, "is_city_admin", False):
        unrepresented = ~Q(
            organization__in=Organization.objects.filter(representative_users__user__is_active=True)
        )
        answerable = mine | unrepresented
    else:
        answerable = mine
    return (
        pending.filter(answerable)
        .select_related("cluster", "organization", "requested_by")
        .distinct()
        .order_by("requested_at", "id")
    )


def organization_answerers(*, organization: Organization) -> list[Any]:
    """The people who answer for an organisation: its active representatives, or the city
    office while it has none (the recipients of a membership request)."""
    representatives = organization_representative_users(organization=organization)
    return representatives or city_office_users()


def organization_representative_users(*, organization: Organization) -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(represented__organization=organization, is_active=True)
        .order_by("pk")
    )


def highland_assignments() -> list[HighlandCluster]:
    """Links the city office made in the workspace (not stated by the document)."""
    return list(
        HighlandCluster.objects.filter(assigned_at__isnull=False)
        .select_related("highland", "cluster", "assigned_by")
        .order_by("-assigned_at")
    )


def highland_assignment_get(*, pk: int) -> HighlandCluster:
    link = HighlandCluster.objects.select_related("highland", "cluster").filter(pk=pk).first()
    if link is None:
        raise NotFoundError(HIGHLAND_NOT_FOUND.format(slug=pk))
    return link


def consented_clusters_of(*, organization: Organization) -> list[Cluster]:
    """Clusters the organisation is in by consent (stated by a source or accepted)."""
    ids = Membership.objects.consented().filter(organization=organization).values("cluster_id")
    return list(Cluster.objects.filter(pk__in=ids))


def city_office_users() -> list[Any]:
    return list(get_user_model().objects.filter(is_city_admin=True, is_active=True).order_by("pk"))


def cluster_coordinator_users(*, cluster: Cluster) -> list[Any]:
    """Active coordinators of a cluster (and of its parent, who also keeps it)."""
    ids = [cluster.pk] if cluster.parent_id is None else [cluster.pk, cluster.parent_id]
    return list(
        get_user_model()
        .objects.filter(coordinated__cluster_id__in=ids, is_active=True)
        .distinct()
        .order_by("pk")
    )
