"""Read API of the registry: highlands, clusters, organisations, memberships, figures, flags.

Every list is paginated (``page``, ``page_size``) and filterable; ``?lang=pl|en`` picks the
language of translatable content, which falls back to the other language with
``fallback: true``. Reads go through ``selectors``; errors use ``ErrorOut`` (``apikit``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import AfterValidator, StringConstraints

from ..apikit.errors import DETAIL_ERRORS, READ_ERRORS
from ..apikit.inputs import LangIn
from ..apikit.pagination import PageIn, PageMetaOut, paginate
from ..apikit.routes import Routes
from ..apikit.types import Count, Slug, Text, Year
from . import selectors
from .localization import LocalizedText, cluster_name, localized
from .models import (
    Cluster,
    ClusterAttribute,
    DataQualityIssue,
    FigureKind,
    FigureObservation,
    Highland,
    Membership,
    Organization,
    Severity,
)

HelixRoleName = Literal["business", "bei", "academia", "public_authority", "civil_society"]
ClusterSort = Literal["document", "name", "-name", "year", "-year", "size", "-size"]


# ---------------------------------------------------------------- shared schemas


class LocalizedOut(Schema):
    """A translatable text in the language it is actually written in."""

    text: str
    language: str
    fallback: bool = Field(description="true when the asked-for language is missing")


class SourceRefOut(Schema):
    """Where a source states a fact: a document and a 1-based line span."""

    source_id: int | None
    source_name: str | None
    line_start: int | None
    line_end: int | None


class ClusterRefOut(Schema):
    slug: str
    name: LocalizedOut


class HighlandRefOut(Schema):
    slug: str
    name: LocalizedOut


class OrganizationRefOut(Schema):
    slug: str
    name: str
    helix_role: str


def _loc(value: LocalizedText) -> dict[str, Any]:
    return {"text": value.text, "language": value.language, "fallback": value.is_fallback}


def _src(obj: Any) -> dict[str, Any]:
    source = getattr(obj, "source", None)
    return {
        "source_id": obj.source_id,
        "source_name": source.name if source else None,
        "line_start": obj.line_start,
        "line_end": obj.line_end,
    }


def _cluster_ref(cluster: Cluster, lang: str) -> dict[str, Any]:
    return {"slug": cluster.slug, "name": _loc(cluster_name(cluster, lang))}


def _highland_ref(highland: Highland, lang: str) -> dict[str, Any]:
    return {"slug": highland.slug, "name": _loc(localized(highland, "name", lang))}


# ---------------------------------------------------------------- highlands

highlands_router = Router(tags=["highlands"])


class HighlandOut(Schema):
    slug: str
    name: LocalizedOut
    short_name: str
    description: LocalizedOut
    position: int
    clusters: list[ClusterRefOut]
    cooperates_with: list[HighlandRefOut]
    open_issues: int
    source: SourceRefOut


class HighlandDetailOut(HighlandOut):
    helix: dict[str, int] = Field(description="members listed by name in its clusters, per role")
    stated_helix: dict[str, int | None] = Field(
        description="counts its clusters state per role (null: no figure states it)"
    )


class HighlandPageOut(PageMetaOut):
    items: list[HighlandOut]


def _highland(h: Highland, lang: str) -> dict[str, Any]:
    return {
        "slug": h.slug,
        "name": _loc(localized(h, "name", lang)),
        "short_name": h.short_name,
        "description": _loc(localized(h, "description", lang)),
        "position": h.position,
        "clusters": [_cluster_ref(link.cluster, lang) for link in h.cluster_links.all()],
        "cooperates_with": [_highland_ref(o, lang) for o in h.cooperates_with.all()],
        "open_issues": len(h.issues.all()),
        "source": _src(h),
    }


highlands_route = Routes(highlands_router, errors=READ_ERRORS)


@highlands_route.get("/highlands", HighlandPageOut, "The highlands of the strategy")
def list_highlands(
    request: HttpRequest, page: Query[PageIn], lang: Query[LangIn]
) -> dict[str, Any]:
    return paginate(selectors.highland_list(), page, lambda h: _highland(h, lang.lang))


@highlands_route.get(
    "/highlands/{slug}",
    HighlandDetailOut,
    "One highland with its clusters, partners and helix composition",
    errors=DETAIL_ERRORS,
)
def get_highland(
    request: HttpRequest,
    slug: Path[Slug],
    lang: Query[LangIn],
) -> dict[str, Any]:
    detail = selectors.highland_detail(slug=slug)
    return {
        **_highland(detail.highland, lang.lang),
        "helix": detail.helix,
        "stated_helix": detail.stated_helix,
    }


# ---------------------------------------------------------------- clusters

clusters_router = Router(tags=["clusters"])


class ClusterFilterIn(Schema):
    highland: Slug | None = Field(None, description="highland slug")
    q: Text | None = Field(None, description="name or alias contains (case-insensitive)")
    helix_role: HelixRoleName | None = Field(None, description="lists a member of this role")
    year_min: Year | None = None
    year_max: Year | None = None
    size_min: Count | None = Field(None, description="stated members at least")
    size_max: Count | None = Field(None, description="stated members at most")
    top_level: bool = Field(False, description="only clusters that are not sub-clusters")
    sort: ClusterSort = "document"


class ClusterOut(Schema):
    slug: str
    name: LocalizedOut
    name_stated: str | None = Field(description="the name as the source states it; null if none")
    parent: ClusterRefOut | None
    year_established: int | None
    coordinator_stated: str | None
    highlands: list[HighlandRefOut]
    stated: dict[str, int | None] = Field(description="newest stated counts per figure kind")
    listed: dict[str, int] = Field(description="members listed by name per helix role")
    open_issues: int
    source: SourceRefOut


class ClusterPageOut(PageMetaOut):
    items: list[ClusterOut]


class AttributeOut(Schema):
    kind: str
    position: int
    title: str
    text: str
    language: str
    fallback: bool
    source: SourceRefOut


class FigureOut(Schema):
    cluster: str
    kind: str
    value: int
    as_of: date
    as_of_basis: str
    raw: str
    source: SourceRefOut


class IssueOut(Schema):
    id: int
    code: str
    severity: str
    message: str
    highland: str | None
    cluster: str | None
    organization: str | None
    source: SourceRefOut


class ClusterMemberOut(Schema):
    organization: OrganizationRefOut
    role: str
    listed_as: str
    source: SourceRefOut


class ClusterDetailOut(ClusterOut):
    aliases: list[str]
    sub_clusters: list[ClusterRefOut]
    contact_kind: str
    coordinators: list[ClusterMemberOut]
    founders: list[ClusterMemberOut]
    members_by_role: dict[str, list[ClusterMemberOut]]
    helix: dict[str, int] = Field(description="members listed by name per helix role")
    stated_helix: dict[str, int | None] = Field(
        description="counts the cluster states per helix role (null: no figure states it)"
    )
    attributes: dict[str, list[AttributeOut]]
    figures: list[FigureOut] = Field(description="the newest observation of each figure")
    history: dict[str, list[FigureOut]] = Field(description="every observation, oldest first")
    issues: list[IssueOut]


def _cluster(c: Cluster, lang: str) -> dict[str, Any]:
    return {
        "slug": c.slug,
        "name": _loc(cluster_name(c, lang)),
        "name_stated": c.name,
        "parent": _cluster_ref(c.parent, lang) if c.parent else None,
        "year_established": c.year_established,
        "coordinator_stated": c.coordinator_stated,
        "highlands": [_highland_ref(h, lang) for h in c.highlands.all()],
        "stated": selectors.stated_counts(c),
        "listed": selectors.listed_counts(c),
        "open_issues": len(c.issues.all()),
        "source": _src(c),
    }


def _figure(obs: FigureObservation, cluster: Cluster | None = None) -> dict[str, Any]:
    return {
        "cluster": (cluster or obs.cluster).slug,
        "kind": obs.kind,
        "value": obs.value,
        "as_of": obs.as_of,
        "as_of_basis": obs.as_of_basis,
        "raw": obs.raw,
        "source": _src(obs),
    }


def _issue(issue: DataQualityIssue) -> dict[str, Any]:
    return {
        "id": issue.pk,
        "code": issue.code,
        "severity": issue.severity,
        "message": issue.message,
        "highland": issue.highland.slug if issue.highland else None,
        "cluster": issue.cluster.slug if issue.cluster else None,
        "organization": issue.organization.slug if issue.organization else None,
        "source": _src(issue),
    }


def _member(m: Membership) -> dict[str, Any]:
    org = m.organization
    return {
        "organization": {"slug": org.slug, "name": org.name, "helix_role": org.helix_role},
        "role": m.role,
        "listed_as": m.listed_as,
        "source": _src(m),
    }


def _attributes(items: list[ClusterAttribute], lang: str) -> list[dict[str, Any]]:
    wanted = [a for a in items if a.language == lang]
    chosen = wanted or items
    return [
        {
            "kind": a.kind,
            "position": a.position,
            "title": a.title,
            "text": a.text,
            "language": a.language,
            "fallback": a.language != lang,
            "source": _src(a),
        }
        for a in chosen
    ]


def _cluster_detail(d: selectors.ClusterDetail, lang: str) -> dict[str, Any]:
    c = d.cluster
    return {
        **_cluster(c, lang),
        "aliases": [a.name for a in d.aliases],
        "sub_clusters": [_cluster_ref(s, lang) for s in c.sub_clusters.all()],
        "contact_kind": c.contact_kind,
        "coordinators": [_member(m) for m in d.coordinators],
        "founders": [_member(m) for m in d.founders],
        "members_by_role": {r: [_member(m) for m in ms] for r, ms in d.members_by_role.items()},
        "helix": d.helix,
        "stated_helix": d.stated_helix,
        "attributes": {k: _attributes(v, lang) for k, v in d.attributes.items()},
        "figures": [_figure(obs, c) for obs in d.figures.values()],
        "history": {k: [_figure(obs, c) for obs in v] for k, v in d.history.items()},
        "issues": [_issue(i) for i in d.issues],
    }


clusters_route = Routes(clusters_router, errors=DETAIL_ERRORS)


@clusters_route.get(
    "/clusters", ClusterPageOut, "Clusters, filterable and sortable", errors=READ_ERRORS
)
def list_clusters(
    request: HttpRequest,
    filters: Query[ClusterFilterIn],
    page: Query[PageIn],
    lang: Query[LangIn],
) -> dict[str, Any]:
    qs = selectors.cluster_list(
        highland=filters.highland,
        q=filters.q,
        top_level_only=filters.top_level,
        helix_role=filters.helix_role,
        year_min=filters.year_min,
        year_max=filters.year_max,
        size_min=filters.size_min,
        size_max=filters.size_max,
        sort=filters.sort,
    )
    return paginate(qs, page, lambda c: _cluster(c, lang.lang))


@clusters_route.get(
    "/clusters/{slug}",
    ClusterDetailOut,
    "One cluster: profile, members by helix role, figures with history, flags",
)
def get_cluster(
    request: HttpRequest,
    slug: Path[Slug],
    lang: Query[LangIn],
) -> dict[str, Any]:
    return _cluster_detail(selectors.cluster_detail(slug=slug), lang.lang)


def _distinct(slugs: list[str]) -> list[str]:
    if len(set(slugs)) != len(slugs):
        raise ValueError("each cluster may be named once")
    return slugs


class CompareIn(Schema):
    cluster: Annotated[
        list[Slug],
        AfterValidator(_distinct),
        Field(
            min_length=2,
            max_length=selectors.COMPARE_MAX,
            description="two to four distinct cluster slugs",
            json_schema_extra={"uniqueItems": True},
        ),
    ]


@clusters_route.get(
    "/compare", list[ClusterDetailOut], "Two to four clusters side by side (?cluster=a&cluster=b)"
)
def compare_clusters(
    request: HttpRequest, params: Query[CompareIn], lang: Query[LangIn]
) -> list[dict[str, Any]]:
    return [_cluster_detail(d, lang.lang) for d in selectors.cluster_compare(slugs=params.cluster)]


# ---------------------------------------------------------------- organisations

organizations_router = Router(tags=["organizations"])


class OrganizationFilterIn(Schema):
    helix_role: HelixRoleName | None = None
    q: Text | None = Field(None, description="name or alias contains (case-insensitive)")
    cluster: Slug | None = Field(None, description="member (in any role) of this cluster")


class OrganizationMembershipOut(Schema):
    cluster: ClusterRefOut
    role: str
    listed_as: str
    source: SourceRefOut


class OrganizationOut(Schema):
    slug: str
    name: str
    aliases: list[str]
    helix_role: str
    helix_role_basis: str
    org_type: str
    year_established: int | None
    description: LocalizedOut
    city: str
    website: str
    memberships: list[OrganizationMembershipOut]
    open_issues: int
    source: SourceRefOut


class OrganizationPageOut(PageMetaOut):
    items: list[OrganizationOut]


def _organization(o: Organization, lang: str) -> dict[str, Any]:
    return {
        "slug": o.slug,
        "name": o.name,
        "aliases": [a.name for a in o.aliases.all()],
        "helix_role": o.helix_role,
        "helix_role_basis": o.helix_role_basis,
        "org_type": o.org_type,
        "year_established": o.year_established,
        "description": _loc(localized(o, "description", lang)),
        "city": o.city,
        "website": o.website,
        "memberships": [
            {
                "cluster": _cluster_ref(m.cluster, lang),
                "role": m.role,
                "listed_as": m.listed_as,
                "source": _src(m),
            }
            for m in o.memberships.all()
        ],
        "open_issues": len(o.issues.all()),
        "source": _src(o),
    }


organizations_route = Routes(organizations_router, errors=READ_ERRORS)


@organizations_route.get(
    "/organizations", OrganizationPageOut, "Organisations named by the sources"
)
def list_organizations(
    request: HttpRequest,
    filters: Query[OrganizationFilterIn],
    page: Query[PageIn],
    lang: Query[LangIn],
) -> dict[str, Any]:
    qs = selectors.organization_list(
        helix_role=filters.helix_role, q=filters.q, cluster=filters.cluster
    )
    return paginate(qs, page, lambda o: _organization(o, lang.lang))


@organizations_route.get(
    "/organizations/{slug}",
    OrganizationOut,
    "One organisation with its clusters and roles",
    errors=DETAIL_ERRORS,
)
def get_organization(
    request: HttpRequest,
    slug: Path[Slug],
    lang: Query[LangIn],
) -> dict[str, Any]:
    return _organization(selectors.organization_get(slug=slug), lang.lang)


# ---------------------------------------------------------------- memberships, figures, issues

registry_router = Router(tags=["registry"])


class MembershipFilterIn(Schema):
    cluster: Slug | None = None
    organization: Slug | None = None
    role: Literal["coordinator", "founder", "member"] | None = None
    helix_role: HelixRoleName | None = None


class MembershipOut(Schema):
    cluster: ClusterRefOut
    organization: OrganizationRefOut
    role: str
    listed_as: str
    helix_role: str = Field(description="the heading it was listed under, else its own role")
    source: SourceRefOut


class MembershipPageOut(PageMetaOut):
    items: list[MembershipOut]


registry_route = Routes(registry_router, errors=READ_ERRORS)


@registry_route.get("/memberships", MembershipPageOut, "Who is in which cluster, in what role")
def list_memberships(
    request: HttpRequest,
    filters: Query[MembershipFilterIn],
    page: Query[PageIn],
    lang: Query[LangIn],
) -> dict[str, Any]:
    qs = selectors.membership_list(
        cluster=filters.cluster,
        organization=filters.organization,
        role=filters.role,
        helix_role=filters.helix_role,
    )

    def convert(m: Membership) -> dict[str, Any]:
        return {
            **_member(m),
            "cluster": _cluster_ref(m.cluster, lang.lang),
            "helix_role": m.listed_as or m.organization.helix_role,
        }

    return paginate(qs, page, convert)


class FigureFilterIn(Schema):
    cluster: Slug | None = None
    kind: Literal[tuple(FigureKind.values)] | None = None  # type: ignore[valid-type]


class FigurePageOut(PageMetaOut):
    items: list[FigureOut]


@registry_route.get(
    "/figures", FigurePageOut, "Stated figures with their history (every observation, oldest first)"
)
def list_figures(request: HttpRequest, filters: Query[FigureFilterIn], page: Query[PageIn]) -> dict:
    return paginate(
        selectors.figure_list(cluster=filters.cluster, kind=filters.kind), page, _figure
    )


class IssueFilterIn(Schema):
    cluster: Slug | None = None
    severity: Literal[tuple(Severity.values)] | None = None  # type: ignore[valid-type]
    code: Annotated[str, StringConstraints(max_length=64, pattern=r"^[a-z0-9_]+$")] | None = None
    include_resolved: bool = False


class IssuePageOut(PageMetaOut):
    items: list[IssueOut]


@registry_route.get(
    "/issues", IssuePageOut, "Data-quality flags: gaps and contradictions found in the sources"
)
def list_issues(request: HttpRequest, filters: Query[IssueFilterIn], page: Query[PageIn]) -> dict:
    qs = selectors.issue_list(
        include_resolved=filters.include_resolved,
        cluster=filters.cluster,
        severity=filters.severity,
        code=filters.code,
    )
    return paginate(qs, page, _issue)


ROUTERS = (highlands_router, clusters_router, organizations_router, registry_router)
