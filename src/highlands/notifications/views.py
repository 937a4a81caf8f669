"""A person's notifications at /workspace/notifications/ and their e-mail choice per kind."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first, 50 a page; unread ones marked."""
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of them read."""
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() else None
    services.notifications_mark_read(actor=request.user, ids=ids)
    if raw.isdigit():
        target = selectors.notifications_for(request.user).filter(pk=int(raw)).first()
        if target is not None and target.url.startswith("/"):
            return redirect(target.url)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """One checkbox per kind: e-mail me (in-app notifications are always kept)."""
    choices = selectors.email_choices(request.user)
    if request.method == "POST":
        wanted = set(request.POST.getlist("email"))
        services.preferences_update(
            actor=request.user, email={c.kind: c.kind in wanted for c in choices}
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"choices": choices})
