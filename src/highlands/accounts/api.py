"""``/api/v1/manage/``: what a signed-in person may ask about themselves (GDPR export), and an
organisation's representatives (who holds the role, who granted it; revocation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Path, Router, Schema, Status

from ..apikit.auth import SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS
from ..apikit.objects import reads
from ..apikit.routes import Routes
from ..apikit.types import Id, Slug
from ..ecosystem import selectors as registry
from ..servicekit import require
from . import gdpr, selectors, services

REPRESENTATIVES_DENIED = "You may not see this organization's representatives."
ERRORS = CALLER_ERRORS

router = Router(tags=["manage"], auth=SIGNED_IN_AUTH)


class RepresentativeOut(Schema):
    id: int
    email: str
    granted_by: str | None
    granted_at: datetime

    resolve_email = reads("user.email")

    resolve_granted_by = reads("granted_by.email")


route = Routes(router, errors=ERRORS, prefix="manage")


@route.get(
    "/me/export",
    dict[str, Any],
    "Everything held about the signed-in person (GDPR export)",
    errors=CALLER_ERRORS,
)
def me_export(request: HttpRequest) -> Any:
    return gdpr.person_export(actor=request.user, user=request.user)  # type: ignore[arg-type]


@route.get(
    "/organizations/{slug}/representatives",
    list[RepresentativeOut],
    "Who represents an organization and who granted it (its representatives, "
    "coordinators of its clusters, city admin)",
)
def organization_representatives(request: HttpRequest, slug: Path[Slug]) -> Any:
    organization = registry.organization_get(slug=slug)
    require(request.user, "accounts.view_representatives", organization, REPRESENTATIVES_DENIED)
    return selectors.representatives_of(organization=organization)


@route.delete(
    "/organizations/{slug}/representatives/{representative_id}",
    None,
    "Revoke a representative role (the organization's representatives, city admin)",
    status=204,
)
def representative_revoke(
    request: HttpRequest, slug: Path[Slug], representative_id: Path[Id]
) -> Any:
    organization = registry.organization_get(slug=slug)
    require(
        request.user,
        "accounts.revoke_representative",
        organization,
        services.REVOKE_DENIED,
    )
    representative = selectors.representative_get(organization=organization, pk=representative_id)
    services.representative_revoke(
        actor=request.user,
        representative=representative,
        url_base=request.build_absolute_uri("/").rstrip("/"),
    )
    return Status(204, None)
