"""``/api/v1/onboarding/``: registering or claiming an organisation, the claims queue, and
messages through the platform — the same services as the workspace and portal pages.

A claim the caller may not see (neither theirs nor one they may verify) is a 404. Messages
reach a cluster's coordinators or an organisation's representatives by e-mail; the sender
never learns their addresses, and the service's per-person and per-address limits apply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import StringConstraints

from ..apikit.auth import SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS
from ..apikit.inputs import StrictIn
from ..apikit.pagination import PageIn, PageMetaOut, paginate
from ..apikit.routes import Routes
from ..apikit.types import NO_NUL, Id, Slug
from ..ecosystem import selectors as registry
from ..ecosystem import services as registry_services
from ..errors import NotFoundError
from . import selectors, services
from .models import ContactMessage, OrganizationClaim

CLAIM_NOT_FOUND = "There is no claim {pk} you may see."

router = Router(tags=["onboarding"], auth=SIGNED_IN_AUTH)


# Bounds are the services' limits (a longer text is refused before any work).
Code = Annotated[str, StringConstraints(max_length=64, pattern=NO_NUL)]
Number = Annotated[str, StringConstraints(max_length=32, pattern=NO_NUL)]
PostalCode = Annotated[str, StringConstraints(max_length=16, pattern=NO_NUL)]
Name = Annotated[str, StringConstraints(max_length=registry_services.NAME_MAX, pattern=NO_NUL)]
Website = Annotated[
    str, StringConstraints(max_length=registry_services.WEBSITE_MAX, pattern=NO_NUL)
]
Street = Annotated[str, StringConstraints(max_length=registry_services.STREET_MAX, pattern=NO_NUL)]
City = Annotated[str, StringConstraints(max_length=registry_services.CITY_MAX, pattern=NO_NUL)]
Description = Annotated[
    str, StringConstraints(max_length=registry_services.DESCRIPTION_MAX, pattern=NO_NUL)
]
ClaimMessage = Annotated[
    str, StringConstraints(max_length=services.CLAIM_MESSAGE_MAX, pattern=NO_NUL)
]
Reason = Annotated[str, StringConstraints(max_length=services.CLAIM_REASON_MAX, pattern=NO_NUL)]
Subject = Annotated[str, StringConstraints(max_length=services.CONTACT_SUBJECT_MAX, pattern=NO_NUL)]
Body = Annotated[str, StringConstraints(max_length=services.CONTACT_BODY_MAX, pattern=NO_NUL)]


class ClaimIn(StrictIn):
    """Ask to represent an organisation the registry already has."""

    organization: Slug
    message: ClaimMessage = ""


class OrganizationRegistrationIn(StrictIn):
    """Register an organisation the registry does not have, and ask to represent it."""

    name: Name
    org_type: Code
    helix_role: Code
    website: Website = ""
    street_address: Street = ""
    postal_code: PostalCode = ""
    city: City = ""
    voivodeship: Code = ""
    nip: Number = ""
    regon: Number = ""
    krs: Number = ""
    description: Description = ""
    cluster: Slug | None = None
    message: ClaimMessage = ""
    different_from_similar: bool = False


class ClaimDecisionIn(StrictIn):
    reason: Reason = ""


class ClaimOut(Schema):
    id: int
    kind: str
    organization: str
    organization_name: str
    organization_verified: bool
    cluster: str | None
    claimant: str
    message: str
    status: str
    requested_at: datetime
    decided_at: datetime | None
    reason: str


class ClaimPageOut(PageMetaOut):
    items: list[ClaimOut]


class ContactMessageIn(StrictIn):
    subject: Subject
    body: Body


class ContactMessageOut(Schema):
    id: int
    cluster: str | None
    organization: str | None
    subject: str
    created_at: datetime


def _claim(claim: OrganizationClaim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "kind": claim.kind,
        "organization": claim.organization.slug,
        "organization_name": claim.organization.name,
        "organization_verified": claim.organization.is_verified,
        "cluster": claim.cluster.slug if claim.cluster else None,
        "claimant": claim.claimant.email,
        "message": claim.message,
        "status": claim.status,
        "requested_at": claim.requested_at,
        "decided_at": claim.decided_at,
        "reason": claim.reason,
    }


def _message(message: ContactMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "cluster": message.cluster.slug if message.cluster else None,
        "organization": message.organization.slug if message.organization else None,
        "subject": message.subject,
        "created_at": message.created_at,
    }


def _url_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _visible_claim(request: HttpRequest, pk: int) -> OrganizationClaim:
    claim = selectors.claim_get(pk=pk)
    user = request.user
    if not (
        user.has_perm("accounts.withdraw_claim", claim)
        or user.has_perm("accounts.decide_claim", claim)
    ):
        raise NotFoundError(CLAIM_NOT_FOUND.format(pk=pk))
    return claim


route = Routes(router, errors=CALLER_ERRORS, prefix="onboarding")


@route.post(
    "/claims",
    ClaimOut,
    "Ask to represent an organization already in the registry (a coordinator of one "
    "of its clusters or the city office verifies)",
    status=201,
)
def claim_create(request: HttpRequest, payload: ClaimIn) -> Any:
    claim = services.organization_claim_create(
        actor=request.user,
        organization=registry.organization_get(slug=payload.organization),
        message=payload.message,
        url_base=_url_base(request),
    )
    return Status(201, _claim(selectors.claim_get(pk=claim.pk)))


@route.post(
    "/registrations",
    ClaimOut,
    "Register a new organization (unverified until verified; NIP/REGON/KRS checked by "
    "their check digits, duplicates refused) and ask to represent it",
    status=201,
)
def registration_create(request: HttpRequest, payload: OrganizationRegistrationIn) -> Any:
    fields = payload.dict(exclude={"cluster", "message"})
    claim = services.organization_claim_register(
        actor=request.user,
        cluster=registry.cluster_get(slug=payload.cluster) if payload.cluster else None,
        message=payload.message,
        url_base=_url_base(request),
        **fields,
    )
    return Status(201, _claim(selectors.claim_get(pk=claim.pk)))


@route.get("/claims", ClaimPageOut, "The caller's own registrations and claims, newest first")
def claim_list_own(request: HttpRequest, page: Query[PageIn]) -> Any:
    return paginate(selectors.claims_of(user=request.user), page, _claim)


@route.get(
    "/claims/to-verify",
    ClaimPageOut,
    "Pending claims the caller may verify (a coordinator: of organizations in their "
    "clusters and registrations naming them; the city office: all), oldest first",
)
def claim_list_to_verify(request: HttpRequest, page: Query[PageIn]) -> Any:
    return paginate(selectors.claims_to_verify(user=request.user), page, _claim)


@route.get("/claims/{claim_id}", ClaimOut, "One claim (the claimant's and its verifiers' to see)")
def claim_get(request: HttpRequest, claim_id: Path[Id]) -> Any:
    return _claim(_visible_claim(request, claim_id))


@route.post(
    "/claims/{claim_id}/{action}",
    ClaimOut,
    "approve / decline (with a reason) as a coordinator of one of the organization's "
    "clusters or the city office; withdraw as the claimant",
)
def claim_decide(
    request: HttpRequest,
    claim_id: Path[Id],
    action: Path[Literal["approve", "decline", "withdraw"]],
    payload: ClaimDecisionIn,
) -> Any:
    claim = _visible_claim(request, claim_id)
    if action == "approve":
        services.organization_claim_approve(
            actor=request.user, claim=claim, url_base=_url_base(request)
        )
    elif action == "decline":
        services.organization_claim_decline(
            actor=request.user, claim=claim, reason=payload.reason, url_base=_url_base(request)
        )
    else:
        services.organization_claim_withdraw(actor=request.user, claim=claim)
    return _claim(selectors.claim_get(pk=claim.pk))


def _send(request: HttpRequest, payload: ContactMessageIn, **where: Any) -> Any:
    message = services.contact_message_send(
        actor=request.user,
        subject=payload.subject,
        body=payload.body,
        client_address=str(request.META.get("REMOTE_ADDR", "")),
        url_base=_url_base(request),
        **where,
    )
    return Status(201, _message(message))


@route.post(
    "/clusters/{slug}/messages",
    ContactMessageOut,
    "Write to a cluster: its coordinators receive the message by e-mail and answer to "
    "the caller's address (theirs stay hidden); rate-limited",
    status=201,
)
def contact_cluster(request: HttpRequest, slug: Path[Slug], payload: ContactMessageIn) -> Any:
    return _send(request, payload, cluster=registry.cluster_get(slug=slug))


@route.post(
    "/organizations/{slug}/messages",
    ContactMessageOut,
    "Write to an organization: its representatives (and consenting public contacts) "
    "receive the message by e-mail; rate-limited",
    status=201,
)
def contact_organization(request: HttpRequest, slug: Path[Slug], payload: ContactMessageIn) -> Any:
    return _send(request, payload, organization=registry.organization_get(slug=slug))
