"""``/api/v1/manage/me/``: what a signed-in person may ask about themselves (GDPR export)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from ..apikit.auth import SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS
from . import gdpr

router = Router(tags=["manage"], auth=SIGNED_IN_AUTH)


@router.get(
    "/me/export",
    response={200: dict[str, Any], **CALLER_ERRORS},
    operation_id="manage_me_export",
    summary="Everything held about the signed-in person (GDPR export)",
)
def me_export(request: HttpRequest) -> Any:
    return gdpr.person_export(actor=request.user, user=request.user)  # type: ignore[arg-type]
