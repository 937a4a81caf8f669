"""Accounts pages outside allauth: accepting an invitation, the privacy notice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import services


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_get(token=token)
    if request.method == "POST":
        services.invitation_accept(
            actor=request.user,  # type: ignore[arg-type]
            token=token,
            url_base=request.build_absolute_uri("/").rstrip("/"),
        )
        messages.success(request, _("Invitation accepted."))
        return redirect("workspace:home")
    return render(request, "accounts/invitation.html", {"invitation": invitation})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    return render(
        request,
        "accounts/privacy.html",
        {
            "audit_days": settings.HIGHLANDS_AUDIT_RETENTION_DAYS,
            "invitation_days": settings.HIGHLANDS_INVITATION_RETENTION_DAYS,
            "inactive_days": settings.HIGHLANDS_INACTIVE_ACCOUNT_RETENTION_DAYS,
        },
    )
