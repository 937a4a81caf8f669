"""Writes about people: invitations and role grants, API tokens, contact persons, consent.

GDPR export and erasure live in ``gdpr.py``.  Every service checks the actor's permission,
runs in one transaction and writes the audit log; e-mail leaves only after commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit.services import audit_record, snapshot
from ..ecosystem.models import Cluster, Organization
from ..errors import ApplicationError, PermissionDeniedError
from ..text.markup import clean_plain_text
from .models import (
    ApiToken,
    ClusterCoordinator,
    Consent,
    ConsentPurpose,
    ContactPerson,
    Invitation,
    InvitationKind,
    OrganizationRepresentative,
    User,
)

INVITE_REPRESENTATIVE_DENIED = "You may not invite representatives of this organization."
INVITE_COORDINATOR_DENIED = "Only the city administrator may invite cluster coordinators."
INVITATION_INVALID = "This invitation link is not valid."
INVITATION_EXPIRED = "This invitation has expired."
INVITATION_USED = "This invitation has already been accepted."
INVITATION_EMAIL_MISMATCH = "Sign in with the verified e-mail address the invitation was sent to."
CONTACTS_DENIED = "You may not manage contact persons of this record."
INVITATION_NEEDS_ONE_TARGET = "An invitation is for exactly one organization or one cluster."
CONTACT_NEEDS_ONE_SUBJECT = "A contact person belongs to exactly one cluster or organization."
CONSENT_DENIED = "You may not record consent for this person."
TOKEN_DENIED = "You may not manage this token."  # noqa: S105  (a message, not a secret)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDeniedError(message)


# -- invitations and roles -------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    email: str,
    organization: Organization | None = None,
    cluster: Cluster | None = None,
    accept_url_base: str = "",
) -> tuple[Invitation, str]:
    """Invite a representative of ``organization`` or a coordinator of ``cluster`` by e-mail.

    Returns the invitation and the raw token (only its hash is stored).
    """
    if (organization is None) == (cluster is None):
        raise ApplicationError(INVITATION_NEEDS_ONE_TARGET, code="invalid")
    if organization is not None:
        _require(
            actor, "accounts.invite_representative", organization, INVITE_REPRESENTATIVE_DENIED
        )
        kind = InvitationKind.REPRESENTATIVE
        target = organization.name
    else:
        _require(actor, "accounts.invite_coordinator", cluster, INVITE_COORDINATOR_DENIED)
        kind = InvitationKind.COORDINATOR
        target = str(cluster)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email.strip().lower(),
        kind=kind,
        organization=organization,
        cluster=cluster,
        token_hash=_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.HIGHLANDS_INVITATION_VALID_DAYS),
    )
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        cluster_id=cluster.pk if cluster else None,
        organization_id=organization.pk if organization else None,
        after={"kind": kind, "expires_at": invitation.expires_at},
    )
    link = accept_url_base + reverse("accounts:invitation_accept", args=[token])
    subject = _("You are invited to Highlands")
    body = _(
        "You have been invited to act as %(role)s for %(target)s on Highlands.\n\n"
        "Sign up or sign in with this e-mail address, then open:\n%(link)s\n"
    ) % {"role": invitation.get_kind_display().lower(), "target": target, "link": link}
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    )
    return invitation, token


def invitation_get(*, token: str) -> Invitation:
    """The open invitation for a raw token (any state; ``invitation_accept`` checks it)."""
    invitation = (
        Invitation.objects.select_related("organization", "cluster")
        .filter(token_hash=_hash(token))
        .first()
    )
    if invitation is None:
        raise ApplicationError(INVITATION_INVALID, code="invalid_invitation")
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, token: str) -> Invitation:
    """Grant the invited role to the signed-in user whose verified e-mail was invited."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation_get(token=token).pk)
    if invitation.accepted_at is not None:
        raise ApplicationError(INVITATION_USED, code="invitation_used")
    if invitation.expires_at <= timezone.now():
        raise ApplicationError(INVITATION_EXPIRED, code="invitation_expired")
    if not EmailAddress.objects.filter(
        user=actor, email__iexact=invitation.email, verified=True
    ).exists():
        raise PermissionDeniedError(INVITATION_EMAIL_MISMATCH)
    if invitation.kind == InvitationKind.COORDINATOR:
        assert invitation.cluster is not None  # noqa: S101  (the check constraint holds it)
        ClusterCoordinator.objects.get_or_create(
            user=actor, cluster=invitation.cluster, defaults={"granted_by": invitation.invited_by}
        )
    else:
        assert invitation.organization is not None  # noqa: S101
        OrganizationRepresentative.objects.get_or_create(
            user=actor,
            organization=invitation.organization,
            defaults={"granted_by": invitation.invited_by},
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=actor,
        action="invitation.accept",
        obj=invitation,
        cluster_id=invitation.cluster_id,
        organization_id=invitation.organization_id,
        subject_user_id=actor.pk,
        after={"kind": invitation.kind},
    )
    return invitation


# -- API tokens -------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for the actor; the raw value is returned once and never stored."""
    raw = "hl_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=clean_plain_text(name)[:100], key_hash=_hash(raw)
    )
    audit_record(actor=actor, action="api_token.create", obj=token, subject_user_id=actor.pk)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke one of the actor's own tokens."""
    if token.user_id != actor.pk:
        raise PermissionDeniedError(TOKEN_DENIED)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="api_token.revoke", obj=token, subject_user_id=actor.pk)


def api_token_user(*, raw: str) -> User | None:
    """The active user a raw bearer token belongs to, or ``None``."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


# -- contact persons and consent --------------------------------------------------------

CONTACT_FIELDS = ("full_name", "email", "phone", "position_title")


@transaction.atomic
def contact_person_create(
    *,
    actor: Any,
    full_name: str,
    email: str = "",
    phone: str = "",
    position_title: str = "",
    organization: Organization | None = None,
    cluster: Cluster | None = None,
    consent_purpose: str = ConsentPurpose.PUBLIC_CONTACT,
) -> ContactPerson:
    """Add a contact person with the consent they gave (purpose and time)."""
    if (organization is None) == (cluster is None):
        raise ApplicationError(CONTACT_NEEDS_ONE_SUBJECT, code="invalid")
    _require(actor, "accounts.manage_contacts", organization or cluster, CONTACTS_DENIED)
    person = ContactPerson.objects.create(
        organization=organization,
        cluster=cluster,
        full_name=clean_plain_text(full_name)[:200],
        email=email.strip(),
        phone=clean_plain_text(phone)[:40],
        position_title=clean_plain_text(position_title)[:200],
    )
    Consent.objects.create(contact_person=person, purpose=consent_purpose, given_at=timezone.now())
    audit_record(
        actor=actor,
        action="contact_person.create",
        obj=person,
        cluster_id=cluster.pk if cluster else None,
        organization_id=organization.pk if organization else None,
        after=snapshot(person, CONTACT_FIELDS),
    )
    return person


@transaction.atomic
def consent_give(*, actor: User, purpose: str) -> Consent:
    """Record the signed-in user's consent to a purpose, with the time it was given."""
    if purpose not in ConsentPurpose.values:
        raise ApplicationError(f"'{purpose}' is not a consent purpose.", code="invalid")
    consent = Consent.objects.create(user=actor, purpose=purpose, given_at=timezone.now())
    audit_record(
        actor=actor,
        action="consent.give",
        obj=consent,
        subject_user_id=actor.pk,
        after={"purpose": purpose},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent) -> Consent:
    """Withdraw one of the signed-in user's consents (the record of it stays, dated)."""
    if consent.user_id != actor.pk:
        raise PermissionDeniedError(CONSENT_DENIED)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=actor,
            action="consent.withdraw",
            obj=consent,
            subject_user_id=actor.pk,
            after={"purpose": consent.purpose},
        )
    return consent
