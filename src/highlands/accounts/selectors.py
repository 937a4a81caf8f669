"""Reads about people and their roles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ..ecosystem.models import Cluster, Organization
from ..errors import NotFoundError
from .models import ApiToken, Consent, ContactPerson, Invitation, OrganizationRepresentative

NOT_FOUND = "Not found."


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


def representatives_of(*, organization: Organization) -> list[OrganizationRepresentative]:
    """Who represents an organisation, with who granted the role and when."""
    return list(
        OrganizationRepresentative.objects.filter(organization=organization)
        .select_related("user", "granted_by")
        .order_by("granted_at", "pk")
    )


def representative_get(*, organization: Organization, pk: int) -> OrganizationRepresentative:
    """One representative role of this organisation (another organisation's is not found)."""
    representative = (
        OrganizationRepresentative.objects.select_related("user", "organization")
        .filter(pk=pk, organization=organization)
        .first()
    )
    if representative is None:
        raise NotFoundError(NOT_FOUND)
    return representative


def open_invitations_of(*, organization: Organization) -> list[Invitation]:
    """Representative invitations of an organisation that nobody has accepted yet."""
    return list(
        Invitation.objects.filter(
            organization=organization, accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("invited_by", "organization")
        .order_by("-created_at")
    )


def invitation_of(*, organization: Organization, pk: int) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(pk=pk, organization=organization)
        .first()
    )
    if invitation is None:
        raise NotFoundError(NOT_FOUND)
    return invitation


def contact_get(*, pk: int) -> ContactPerson:
    person = ContactPerson.objects.select_related("organization", "cluster").filter(pk=pk).first()
    if person is None:
        raise NotFoundError(NOT_FOUND)
    return person


def token_get(*, user: Any, pk: int) -> ApiToken:
    """One of the user's own API tokens."""
    token = ApiToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise NotFoundError(NOT_FOUND)
    return token


def consent_get(*, user: Any, pk: int) -> Consent:
    """One of the user's own consents."""
    consent = Consent.objects.filter(pk=pk, user=user).first()
    if consent is None:
        raise NotFoundError(NOT_FOUND)
    return consent
