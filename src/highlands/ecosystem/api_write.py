"""The write API at /api/v1/manage/: the same services as the workspace, for scripts.

Authentication: a bearer token (``Authorization: Bearer hl_...``, made on the "My data"
page) or the browser session (with CSRF).  Request bodies forbid unknown fields, so
ownership, role, verification or cluster fields in a body are refused, never stored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Path, Router, Schema, Status

from ..apikit.auth import SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS
from ..apikit.inputs import StrictIn
from ..apikit.types import Count, Date, Id, Slug, Year
from ..audit import selectors as audit_selectors
from ..errors import NotFoundError
from . import selectors, services
from .models import DataQualityIssue, Membership

ISSUE_NOT_FOUND = "No data-quality flag with id {pk}."
MEMBERSHIP_NOT_FOUND = "No membership with id {pk} in this cluster."


router = Router(tags=["manage"], auth=SIGNED_IN_AUTH)


class AttributeItemIn(StrictIn):
    title: str = ""
    text: str


class AttributeSectionIn(StrictIn):
    """The complete new list of one profile section in one language."""

    kind: str
    language: str
    items: list[str | AttributeItemIn]


class ClusterProfileIn(StrictIn):
    name: str | None = None
    name_pl: str | None = None
    year_established: Year | None = None
    sections: list[AttributeSectionIn] = []


class ManagedClusterOut(Schema):
    slug: str
    name: str | None
    name_pl: str
    display_name: str
    year_established: int | None


class MemberIn(StrictIn):
    organization: str
    role: str = "member"
    listed_as: str = ""


class MemberChangeIn(StrictIn):
    role: str
    listed_as: str | None = None


class ManagedMembershipOut(Schema):
    id: int
    organization: str
    role: str
    listed_as: str

    @staticmethod
    def resolve_organization(obj: Membership) -> str:
        return obj.organization.slug


class FigureIn(StrictIn):
    kind: str
    value: Count
    as_of: Date


class ManagedFigureOut(Schema):
    id: int
    kind: str
    value: int
    as_of: date


class ManagedIssueOut(Schema):
    id: int
    code: str
    message: str
    resolved: bool


class OrganizationProfileIn(StrictIn):
    description: str | None = None
    city: str | None = None
    website: str | None = None
    year_established: Year | None = None
    org_type: str | None = None
    helix_role: str | None = None


class ManagedOrganizationOut(Schema):
    slug: str
    name: str
    description: str
    city: str
    website: str
    year_established: int | None
    org_type: str
    helix_role: str


class AuditEntryOut(Schema):
    id: int
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    created_at: datetime


ERRORS = CALLER_ERRORS


@router.patch(
    "/clusters/{slug}",
    response={200: ManagedClusterOut, **ERRORS},
    operation_id="manage_cluster_update_profile",
    summary="Update a cluster's names, year and profile sections (coordinator, city admin)",
)
def cluster_update_profile(
    request: HttpRequest, slug: Path[Slug], payload: ClusterProfileIn
) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    return services.cluster_update_profile(
        actor=request.user,
        cluster=cluster,
        name=payload.name,
        name_pl=payload.name_pl,
        year_established=payload.year_established,
        attributes={
            (s.kind, s.language): [
                (i.title, i.text) if isinstance(i, AttributeItemIn) else i for i in s.items
            ]
            for s in payload.sections
        },
    )


@router.post(
    "/clusters/{slug}/members",
    response={201: ManagedMembershipOut, **ERRORS},
    operation_id="manage_cluster_add_member",
    summary="List an organization in a cluster",
)
def cluster_add_member(request: HttpRequest, slug: Path[Slug], payload: MemberIn) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    organization = selectors.organization_get(slug=payload.organization)
    membership = services.cluster_add_member(
        actor=request.user,
        cluster=cluster,
        organization=organization,
        role=payload.role,
        listed_as=payload.listed_as,
    )
    return Status(201, membership)


@router.patch(
    "/clusters/{slug}/members/{membership_id}",
    response={200: ManagedMembershipOut, **ERRORS},
    operation_id="manage_cluster_change_member_role",
    summary="Change a membership's role in a cluster",
)
def cluster_change_member_role(
    request: HttpRequest, slug: Path[Slug], membership_id: Path[Id], payload: MemberChangeIn
) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    return services.cluster_change_member_role(
        actor=request.user,
        cluster=cluster,
        membership=_membership(cluster, membership_id),
        role=payload.role,
        listed_as=payload.listed_as,
    )


def _membership(cluster: Any, membership_id: int) -> Membership:
    membership = Membership.objects.filter(pk=membership_id, cluster=cluster).first()
    if membership is None:
        raise NotFoundError(MEMBERSHIP_NOT_FOUND.format(pk=membership_id))
    return membership


@router.delete(
    "/clusters/{slug}/members/{membership_id}",
    response={204: None, **ERRORS},
    operation_id="manage_cluster_remove_member",
    summary="Remove a membership from a cluster",
)
def cluster_remove_member(request: HttpRequest, slug: Path[Slug], membership_id: Path[Id]) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    membership = _membership(cluster, membership_id)
    services.cluster_remove_member(actor=request.user, cluster=cluster, membership=membership)
    return Status(204, None)


@router.post(
    "/clusters/{slug}/figures",
    response={201: ManagedFigureOut, **ERRORS},
    operation_id="manage_figure_observe",
    summary="Record a new observation of a cluster figure",
)
def figure_observe(request: HttpRequest, slug: Path[Slug], payload: FigureIn) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    observation = services.figure_observe(
        actor=request.user,
        cluster=cluster,
        kind=payload.kind,
        value=payload.value,
        as_of=payload.as_of,
    )
    return Status(201, observation)


@router.post(
    "/issues/{issue_id}/resolve",
    response={200: ManagedIssueOut, **ERRORS},
    operation_id="manage_issue_resolve",
    summary="Mark a data-quality flag resolved",
)
def issue_resolve(request: HttpRequest, issue_id: Path[Id]) -> Any:
    issue = DataQualityIssue.objects.select_related("cluster").filter(pk=issue_id).first()
    if issue is None:
        raise NotFoundError(ISSUE_NOT_FOUND.format(pk=issue_id))
    return services.issue_resolve(actor=request.user, issue=issue)


@router.patch(
    "/organizations/{slug}",
    response={200: ManagedOrganizationOut, **ERRORS},
    operation_id="manage_organization_update_profile",
    summary="Update an organization's profile (its representatives, city admin)",
)
def organization_update_profile(
    request: HttpRequest, slug: Path[Slug], payload: OrganizationProfileIn
) -> Any:
    organization = selectors.organization_get(slug=slug)
    return services.organization_update_profile(
        actor=request.user, organization=organization, **payload.model_dump(exclude_unset=True)
    )


@router.get(
    "/clusters/{slug}/audit",
    response={200: list[AuditEntryOut], **ERRORS},
    operation_id="manage_cluster_audit",
    summary="The audit log of a cluster (its coordinator, city admin)",
)
def cluster_audit(request: HttpRequest, slug: Path[Slug]) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    return list(audit_selectors.audit_entries_for_cluster(actor=request.user, cluster=cluster))
