"""People and their roles: users, role grants, invitations, API tokens, contact persons, consent.

Roles are rows, not flags, so a person can represent several organisations and coordinate
several clusters; the city administrator is a flag on the user.  What each role may do is
declared once in ``rules.py`` files (django-rules), not here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..ecosystem.models import Cluster, Organization


class User(AbstractUser):
    """A person who signs in; ``is_city_admin`` is the city economic-development office."""

    is_city_admin = models.BooleanField(
        default=False, help_text=_("Oversees the whole registry and sees the whole audit log.")
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set when the person's data was erased (GDPR).")
    )


class ClusterCoordinator(models.Model):
    """A user who keeps a cluster's profile and member list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinated"
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="coordinator_users")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "cluster"], name="uniq_cluster_coordinator")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} coordinates {self.cluster_id}"


class OrganizationRepresentative(models.Model):
    """A user who edits one member organisation's profile."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="represented"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="representative_users"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="uniq_organization_representative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} represents {self.organization_id}"


class InvitationKind(models.TextChoices):
    REPRESENTATIVE = "representative", _("Member organisation representative")
    COORDINATOR = "coordinator", _("Cluster coordinator")


class Invitation(models.Model):
    """An e-mailed, single-use offer of a role; only the token's hash is stored."""

    email = models.EmailField()
    kind = models.CharField(max_length=16, choices=InvitationKind.choices)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="representative", organization__isnull=False, cluster__isnull=True)
                    | Q(kind="coordinator", cluster__isnull=False, organization__isnull=True)
                ),
                name="invitation_target_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} invitation #{self.pk}"


class ApiToken(models.Model):
    """A bearer token for the write API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class ContactPerson(models.Model):
    """A named contact of an organisation or cluster: personal data under GDPR."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    position_title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(cluster__isnull=False),
                name="contact_person_has_subject",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class ConsentPurpose(models.TextChoices):
    ACCOUNT = "account", _("Operating my account")
    PUBLIC_CONTACT = "public_contact", _("Showing me as a public contact")
    NEWSLETTER = "newsletter", _("Receiving ecosystem news by e-mail")


class Consent(models.Model):
    """Consent to one purpose, with when it was given and, if so, withdrawn."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    contact_person = models.ForeignKey(
        ContactPerson, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(contact_person__isnull=False),
                name="consent_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} since {self.given_at:%Y-%m-%d}"


class ClaimKind(models.TextChoices):
    REGISTER = "register", _("Registration of a new organisation")
    CLAIM = "claim", _("Claim of an organisation in the registry")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    APPROVED = "approved", _("Verified")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OrganizationClaim(models.Model):
    """A signed-in person asks to represent an organisation they registered or found.

    Verified by the coordinator of a cluster the organisation is in by consent (for a
    registration: the cluster it names), or by the city office; approved, the claimant
    becomes a representative.
    """

    kind = models.CharField(max_length=16, choices=ClaimKind.choices)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="claims")
    # A registration may name the cluster the organisation is a member of: its coordinator
    # verifies, and approval lists the organisation there.
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_claims"
    )
    message = models.TextField(blank=True)  # who the person is at the organisation
    status = models.CharField(
        max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)  # why it was declined

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "claimant"],
                condition=Q(status="pending"),
                name="uniq_pending_organization_claim",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.organization_id} by {self.claimant_id}"


class ContactMessage(models.Model):
    """A message a signed-in person sent to a cluster or an organisation through the platform.

    Delivered by e-mail to the recipients (coordinators or representatives, and public contact
    persons who consented), with the sender's address to reply to; the recipients' addresses
    are never shown to the sender.  Kept to count the rate limits and for the sender's export.
    """

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_messages"
    )
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    client_hash = models.CharField(max_length=64, blank=True)  # keyed hash of the address
    recipients = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(cluster__isnull=False, organization__isnull=True)
                    | Q(cluster__isnull=True, organization__isnull=False)
                ),
                name="contact_message_has_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"message #{self.pk}"
