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
from pydantic import Field

from ..apikit.auth import SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS
from ..apikit.inputs import StrictIn
from ..apikit.objects import reads
from ..apikit.routes import Routes
from ..apikit.types import Count, Date, Id, Slug, Year
from ..audit import selectors as audit_selectors
from ..servicekit import require
from . import selectors, services

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


class MembershipRequestIn(StrictIn):
    organization: str
    role: str = "member"
    listed_as: str = ""
    message: str = ""


class DeclineIn(StrictIn):
    reason: str = ""


class MembershipRequestOut(Schema):
    id: int
    cluster: str
    organization: str
    role: str
    listed_as: str
    message: str
    status: str
    requested_at: datetime
    decided_at: datetime | None
    reason: str
    membership_id: int | None

    resolve_cluster = reads("cluster.slug")

    resolve_organization = reads("organization.slug")


class MemberChangeIn(StrictIn):
    role: str
    listed_as: str | None = None


class ManagedMembershipOut(Schema):
    id: int
    organization: str
    role: str
    listed_as: str

    resolve_organization = reads("organization.slug")


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
    street_address: str | None = None
    postal_code: str | None = None
    voivodeship: str | None = None
    nip: str | None = Field(None, description="10 digits with a valid check digit, or empty")
    regon: str | None = Field(None, description="9 or 14 digits with valid check digits, or empty")
    krs: str | None = Field(None, description="10 digits, or empty")


class ManagedOrganizationOut(Schema):
    slug: str
    name: str
    description: str
    city: str
    website: str
    year_established: int | None
    org_type: str
    helix_role: str
    street_address: str
    postal_code: str
    voivodeship: str
    nip: str
    regon: str
    krs: str
    is_verified: bool


class AuditEntryOut(Schema):
    id: int
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    created_at: datetime


ERRORS = CALLER_ERRORS


route = Routes(router, errors=ERRORS, prefix="manage")


@route.patch(
    "/clusters/{slug}",
    ManagedClusterOut,
    "Update a cluster's names, year and profile sections (coordinator, city admin)",
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


@route.post(
    "/clusters/{slug}/membership-requests",
    MembershipRequestOut,
    "Ask an organization to be listed in a cluster (coordinator, city admin)",
    status=201,
    description="The organization joins once it accepts: its representatives answer, or the city "
    "office while it has none. `status` is `pending` until then; it is `accepted` (with "
    "`membership_id`) at once only when the caller may answer for the organization.",
)
def membership_request_create(
    request: HttpRequest, slug: Path[Slug], payload: MembershipRequestIn
) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    organization = selectors.organization_get(slug=payload.organization)
    membership_request = services.membership_request_create(
        actor=request.user,
        cluster=cluster,
        organization=organization,
        role=payload.role,
        listed_as=payload.listed_as,
        message=payload.message,
        url_base=request.build_absolute_uri("/").rstrip("/"),
    )
    return Status(201, membership_request)


@route.get(
    "/clusters/{slug}/membership-requests",
    list[MembershipRequestOut],
    "A cluster's membership requests, pending first (coordinator, city admin)",
)
def cluster_membership_requests(request: HttpRequest, slug: Path[Slug]) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    require(request.user, "ecosystem.manage_cluster_members", cluster, services.MEMBERS_DENIED)
    return selectors.membership_requests_of_cluster(cluster=cluster)


@route.get(
    "/membership-requests",
    list[MembershipRequestOut],
    "Pending requests to list an organization the caller answers for",
)
def membership_requests_to_answer(request: HttpRequest) -> Any:
    return list(selectors.membership_requests_to_answer(user=request.user))


@route.post(
    "/membership-requests/{request_id}/accept",
    MembershipRequestOut,
    "Accept a cluster's request: the organization is listed (its representatives)",
)
def membership_request_accept(request: HttpRequest, request_id: Path[Id]) -> Any:
    membership_request = selectors.membership_request_get(pk=request_id)
    return services.membership_request_accept(actor=request.user, request=membership_request)


@route.post(
    "/membership-requests/{request_id}/decline",
    MembershipRequestOut,
    "Decline a cluster's request (the organization's representatives)",
)
def membership_request_decline(
    request: HttpRequest, request_id: Path[Id], payload: DeclineIn
) -> Any:
    membership_request = selectors.membership_request_get(pk=request_id)
    return services.membership_request_decline(
        actor=request.user, request=membership_request, reason=payload.reason
    )


@route.post(
    "/membership-requests/{request_id}/withdraw",
    MembershipRequestOut,
    "Withdraw a pending request (the cluster's coordinator, city admin)",
)
def membership_request_withdraw(request: HttpRequest, request_id: Path[Id]) -> Any:
    membership_request = selectors.membership_request_get(pk=request_id)
    return services.membership_request_withdraw(actor=request.user, request=membership_request)


@route.patch(
    "/clusters/{slug}/members/{membership_id}",
    ManagedMembershipOut,
    "Change a membership's role in a cluster",
)
def cluster_change_member_role(
    request: HttpRequest, slug: Path[Slug], membership_id: Path[Id], payload: MemberChangeIn
) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    return services.cluster_change_member_role(
        actor=request.user,
        cluster=cluster,
        membership=selectors.membership_get(cluster=cluster, pk=membership_id),
        role=payload.role,
        listed_as=payload.listed_as,
    )


@route.delete(
    "/clusters/{slug}/members/{membership_id}",
    None,
    "Remove a membership from a cluster",
    status=204,
)
def cluster_remove_member(request: HttpRequest, slug: Path[Slug], membership_id: Path[Id]) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    membership = selectors.membership_get(cluster=cluster, pk=membership_id)
    services.cluster_remove_member(actor=request.user, cluster=cluster, membership=membership)
    return Status(204, None)


@route.post(
    "/clusters/{slug}/figures",
    ManagedFigureOut,
    "Record a new observation of a cluster figure",
    status=201,
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


@route.post("/issues/{issue_id}/resolve", ManagedIssueOut, "Mark a data-quality flag resolved")
def issue_resolve(request: HttpRequest, issue_id: Path[Id]) -> Any:
    issue = selectors.issue_get(pk=issue_id)
    return services.issue_resolve(actor=request.user, issue=issue)


@route.patch(
    "/organizations/{slug}",
    ManagedOrganizationOut,
    "Update an organization's profile (its representatives, city admin)",
)
def organization_update_profile(
    request: HttpRequest, slug: Path[Slug], payload: OrganizationProfileIn
) -> Any:
    organization = selectors.organization_get(slug=slug)
    return services.organization_update_profile(
        actor=request.user,
        organization=organization,
        url_base=request.build_absolute_uri("/").rstrip("/"),
        **payload.model_dump(exclude_unset=True),
    )


@route.delete(
    "/organizations/{slug}/memberships/{membership_id}",
    None,
    "Take the organization out of a cluster (its representatives)",
    status=204,
)
def membership_leave(request: HttpRequest, slug: Path[Slug], membership_id: Path[Id]) -> Any:
    organization = selectors.organization_get(slug=slug)
    membership = selectors.membership_of_organization(organization=organization, pk=membership_id)
    services.membership_leave(actor=request.user, membership=membership)
    return Status(204, None)


@route.get(
    "/clusters/{slug}/audit",
    list[AuditEntryOut],
    "The audit log of a cluster (its coordinator, city admin)",
)
def cluster_audit(request: HttpRequest, slug: Path[Slug]) -> Any:
    cluster = selectors.cluster_get(slug=slug)
    return list(audit_selectors.audit_entries_for_cluster(actor=request.user, cluster=cluster))
