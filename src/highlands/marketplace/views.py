"""Marketplace pages at /marketplace/: thin views over the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..accounts import selectors as account_selectors
from ..ecosystem import selectors as registry
from ..errors import ApplicationError, PermissionDeniedError
from . import forms, recommend, selectors, services
from .models import InterestStatus

DENIED = "You may not see this page."


def _org_choices(user: Any) -> list[tuple[str, str]]:
    return [(o.slug, o.name) for o in account_selectors.organizations_kept_by(user=user)]


# Why a search could not be followed, in the UI language (the services speak English).
def _follow_error(exc: ApplicationError) -> str:
    messages_by_code = {
        "conflict": _("You already follow this search."),
        "limit": _("You may follow at most %(limit)s searches; unfollow one first.")
        % {"limit": services.SAVED_SEARCHES_MAX},
        "required": _("A followed search needs words to look for or at least one filter."),
        "too_long": _("The search is too long (at most %(limit)s characters).")
        % {"limit": services.SAVED_QUERY_MAX},
    }
    return str(messages_by_code.get(exc.code, exc.message))


@require_safe
def profile_index(request: HttpRequest) -> HttpResponse:
    """The live profiles the user may see: the newest, or the best matches of ``q``."""
    form = forms.ProfileFilterForm(request.GET or None, highlands=_highland_choices())
    # An invalid filter is reported next to its field and left out; the valid ones apply.
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    q = filters.get("q", "").strip()
    kind, direction, highland = (
        filters.get(name) or None for name in ("kind", "direction", "highland")
    )
    if q:
        profiles = selectors.profile_search(
            user=request.user, q=q, kind=kind, direction=direction, highland=highland
        )
    else:
        profiles = list(
            selectors.profile_list(
                user=request.user, kind=kind, direction=direction, highland=highland
            )[:200]
        )
    badges = selectors.badges_for({p.organization_id for p in profiles})
    # htmx (results as you type) gets only the results; without JavaScript, the whole page.
    template = "marketplace/_results.html" if request.htmx else "marketplace/index.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "profiles": [(p, badges.get(p.organization_id)) for p in profiles],
            "form": form,
            "searching": bool(q or kind or direction or highland),
            "can_post": bool(_org_choices(request.user))
            if request.user.is_authenticated
            else False,
        },
    )


def _highland_choices() -> list[tuple[str, str]]:
    # Only names are needed: drop the list's prefetches (clusters, open issues).
    return [(h.slug, h.name) for h in registry.highland_list().prefetch_related(None)]


@login_required
@require_POST
def search_follow(request: HttpRequest) -> HttpResponse:
    """Follow the search the marketplace list shows (its query and filters)."""
    form = forms.ProfileFilterForm(request.POST, highlands=_highland_choices())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.saved_search_create(
                actor=request.user,
                query=data["q"],
                kind=data["kind"],
                direction=data["direction"],
                highland=registry.highland_get(slug=data["highland"]) if data["highland"] else None,
            )
        except ApplicationError as exc:
            messages.error(request, _follow_error(exc))
        else:
            messages.success(request, _("You follow this search now."))
    else:
        messages.error(request, _("This search cannot be followed."))
    return redirect("marketplace:searches")


@login_required
@require_http_methods(["GET", "POST"])
def search_index(request: HttpRequest) -> HttpResponse:
    """The searches the user follows, each with an unfollow button."""
    if request.method == "POST":
        pk = forms.int_or_none(request.POST.get("unfollow"))
        saved = selectors.saved_search_get(user=request.user, pk=pk or 0)
        services.saved_search_delete(actor=request.user, saved_search=saved)
        messages.success(request, _("You no longer follow that search."))
        return redirect("marketplace:searches")
    searches = [
        (saved, selectors.saved_search_label(saved))
        for saved in selectors.saved_searches_of(user=request.user)
    ]
    return render(
        request,
        "marketplace/searches.html",
        {"searches": searches, "limit": services.SAVED_SEARCHES_MAX},
    )


@require_http_methods(["GET", "POST"])
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_get(user=request.user, pk=pk)
    user: Any = request.user
    is_owner = user.is_authenticated and user.has_perm("marketplace.edit_profile", profile)
    choices = [c for c in _org_choices(user) if c[0] != profile.organization.slug]
    if user.is_authenticated and not is_owner:
        choices.append((forms.AS_PERSON, _("Myself, as a person (no organization)")))
    form = forms.InterestForm(request.POST or None, organizations=choices)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            chosen = form.cleaned_data["organization"]
            services.interest_express(
                actor=user,
                profile=profile,
                organization=None
                if chosen == forms.AS_PERSON
                else registry.organization_get(slug=chosen),
                message=form.cleaned_data["message"],
            )
            if profile.is_demo:
                messages.warning(
                    request,
                    _(
                        "Your interest was recorded, but this profile is demo content: "
                        "nobody will answer it."
                    ),
                )
            else:
                messages.success(request, _("Your interest was sent to the profile's owner."))
            return redirect("marketplace:profile", pk=profile.pk)
    recs = recommend.recommend_for_profile(user=user, profile=profile, limit=5)
    return render(
        request,
        "marketplace/profile.html",
        {
            "profile": profile,
            "badge": selectors.organization_badge(organization=profile.organization),
            "is_owner": is_owner,
            "interests": profile.interests.select_related("organization") if is_owner else [],
            "form": form if choices else None,
            "following": user.is_authenticated and profile.follows.filter(user=user).exists(),
            "recommendations": recs,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_create(request: HttpRequest) -> HttpResponse:
    choices = _org_choices(request.user)
    if not choices:
        raise PermissionDeniedError(services.POST_DENIED)
    # A profile is written in the page's language unless the person says otherwise.
    initial = {"language": get_language()[:2]}
    form = forms.ProfileForm(request.POST or None, organizations=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile = services.profile_create(
            actor=request.user,
            organization=registry.organization_get(slug=data["organization"]),
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            language=data["language"],
            keywords=form.keyword_list(),
            capacity=data["capacity"],
            region=data["region"],
            valid_until=data["valid_until"],
            visibility=data["visibility"],
            publish=data["publish"],
        )
        messages.success(request, _("Profile saved."))
        return redirect("marketplace:profile", pk=profile.pk)
    return render(request, "marketplace/profile_form.html", {"form": form})


@login_required
@require_POST
def profile_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    profile = selectors.profile_get(user=request.user, pk=pk)
    if action == "publish":
        services.profile_publish(actor=request.user, profile=profile)
    elif action == "close":
        services.profile_close(actor=request.user, profile=profile)
    elif action == "renew":
        services.profile_renew(actor=request.user, profile=profile)
    elif action == "follow":
        services.profile_follow(actor=request.user, profile=profile)
    elif action == "unfollow":
        services.profile_unfollow(actor=request.user, profile=profile)
    return redirect("marketplace:profile", pk=profile.pk)


@login_required
@require_safe
def interest_index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    rows = []
    for interest in (
        selectors.interests_received(user=user) | selectors.interests_sent(user=user)
    ).distinct():
        rows.append(
            {
                "interest": interest,
                "contacts": selectors.interest_contacts(user=user, interest=interest),
                "received": user.has_perm("marketplace.decide_interest", interest),
                "my_orgs": [
                    o
                    for o in (interest.profile.organization, interest.organization)
                    if user.has_perm("marketplace.post_profile", o)
                ],
            }
        )
    return render(
        request,
        "marketplace/interests.html",
        {"rows": rows, "accepted": InterestStatus.ACCEPTED, "pending": InterestStatus.PENDING},
    )


@login_required
@require_POST
def interest_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    interest = selectors.interest_get(user=request.user, pk=pk)
    if action in ("accept", "decline"):
        services.interest_decide(actor=request.user, interest=interest, accept=action == "accept")
    elif action == "close":
        services.cooperation_close(actor=request.user, interest=interest)
    elif action == "confirm":
        form = forms.ConfirmationForm(request.POST)
        if form.is_valid():
            services.cooperation_confirm(
                actor=request.user,
                interest=interest,
                organization=registry.organization_get(slug=form.cleaned_data["organization"]),
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you: the cooperation is confirmed."))
    return redirect("marketplace:interests")


@require_safe
def organization_recommendations(request: HttpRequest, slug: str) -> HttpResponse:
    organization = registry.organization_get(slug=slug)
    return render(
        request,
        "marketplace/organization.html",
        {
            "organization": organization,
            "badge": selectors.organization_badge(organization=organization),
            "recommendations": recommend.recommend_for_organization(
                user=request.user, organization=organization, limit=10
            ),
            "profiles": selectors.profile_list(user=request.user, organization=organization),
        },
    )


@login_required
@require_safe
def cluster_activity(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = registry.cluster_get(slug=slug)
    if not request.user.has_perm("marketplace.view_cluster_activity", cluster):
        raise PermissionDeniedError(DENIED)
    return render(
        request,
        "marketplace/cluster_activity.html",
        {"cluster": cluster, **selectors.cluster_activity(cluster=cluster)},
    )


@login_required
@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("marketplace.view_statistics"):
        raise PermissionDeniedError(DENIED)
    return render(
        request, "marketplace/statistics.html", {"stats": selectors.ecosystem_statistics()}
    )
