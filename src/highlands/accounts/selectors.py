"""Reads about people and their roles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..ecosystem.models import Cluster, Organization
from .models import ApiToken, Consent, ContactPerson


def clusters_kept_by(*, user: Any) -> QuerySet[Cluster]:
    """Clusters the user may edit: all for the city office, else those they coordinate."""
    if not user.is_authenticated:
        return Cluster.objects.none()
    if user.is_superuser or getattr(user, "is_city_admin", False):
        return Cluster.objects.order_by("position", "display_name")
    return Cluster.objects.filter(coordinator_users__user=user).order_by("position", "display_name")


def organizations_kept_by(*, user: Any) -> QuerySet[Organization]:
    """Organisations the user represents (the city office edits through the cluster pages)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(representative_users__user=user).order_by("name")


def api_tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def consents_of(*, user: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).order_by("-given_at")


def contacts_of(
    *, cluster: Cluster | None = None, organization: Organization | None = None
) -> QuerySet[ContactPerson]:
    if cluster is not None:
        return ContactPerson.objects.filter(cluster=cluster)
    return ContactPerson.objects.filter(organization=organization)
