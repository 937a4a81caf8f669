"""Reads about people and their roles."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..ecosystem.models import Cluster, Membership, Organization
from ..errors import NotFoundError
from .models import (
    ApiToken,
    ClaimStatus,
    ClusterCoordinator,
    Consent,
    ConsentPurpose,
    ContactPerson,
    Invitation,
    OrganizationClaim,
    OrganizationRepresentative,
)

NOT_FOUND = "Not found."


def addresses_of(user: Any, *, verified_only: bool = False) -> set[str]:
    """A person's addresses, lower-cased: the account's own (confirmed, as
    ``ACCOUNT_EMAIL_VERIFICATION`` is mandatory) and their other allauth addresses — only
    the verified ones with ``verified_only``. An address merely added, never confirmed, is
    anyone's to type: it may restrict what its holder does (no self-invitation), never
    reveal or change what another person's address is owed (invitations, erasure)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    others = EmailAddress.objects.filter(user=user)
    if verified_only:
        others = others.filter(verified=True)
    return {a.lower() for a in (user.email, *others.values_list("email", flat=True)) if a}


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


def _claims() -> QuerySet[OrganizationClaim]:
    return OrganizationClaim.objects.select_related(
        "organization", "cluster", "claimant", "decided_by"
    )


def claims_to_verify(*, user: Any) -> QuerySet[OrganizationClaim]:
    """Pending claims the user may decide: all for the city office; for a coordinator, those
    of organisations in their clusters by consent and registrations naming their clusters
    (their own claims never)."""
    if not getattr(user, "is_authenticated", False):
        return OrganizationClaim.objects.none()
    pending = _claims().filter(status=ClaimStatus.PENDING).exclude(claimant=user)
    if user.is_superuser or getattr(user, "is_city_admin", False):
        return pending.order_by("requested_at")
    kept = Cluster.objects.filter(
        Q(coordinator_users__user=user) | Q(parent__coordinator_users__user=user)
    ).values("pk")
    members = Membership.objects.consented().filter(cluster_id__in=kept).values("organization_id")
    return pending.filter(
        Q(organization_id__in=members) | Q(kind="register", cluster_id__in=kept)
    ).order_by("requested_at")


def claims_of(*, user: Any) -> QuerySet[OrganizationClaim]:
    """The person's own registrations and claims, newest first."""
    if not getattr(user, "is_authenticated", False):
        return OrganizationClaim.objects.none()
    return _claims().filter(claimant=user).order_by("-requested_at")


def claim_get(*, pk: int) -> OrganizationClaim:
    claim = _claims().filter(pk=pk).first()
    if claim is None:
        raise NotFoundError(NOT_FOUND)
    return claim


def public_contacts_of(
    *, cluster: Cluster | None = None, organization: Organization | None = None
) -> QuerySet[ContactPerson]:
    """Contact persons who consented to be shown publicly (consent given, not withdrawn)."""
    consented = Consent.objects.filter(
        purpose=ConsentPurpose.PUBLIC_CONTACT, withdrawn_at__isnull=True
    ).values("contact_person_id")
    return contacts_of(cluster=cluster, organization=organization).filter(pk__in=consented)


def contact_recipients(
    *, cluster: Cluster | None = None, organization: Organization | None = None
) -> list[str]:
    """Where a message to a cluster (its coordinators) or an organisation (its
    representatives) goes, plus its public contact persons with an address."""
    people: list[str]
    if cluster is not None:
        people = list(
            ClusterCoordinator.objects.filter(
                Q(cluster=cluster) | Q(cluster_id=cluster.parent_id), user__is_active=True
            ).values_list("user__email", flat=True)
        )
    else:
        people = list(
            OrganizationRepresentative.objects.filter(
                organization=organization, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    contacts = public_contacts_of(cluster=cluster, organization=organization).values_list(
        "email", flat=True
    )
    return sorted({a.lower() for a in [*people, *contacts] if a})
