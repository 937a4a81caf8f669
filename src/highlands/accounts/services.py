"""Writes about people: invitations and role grants, API tokens, contact persons, consent.

GDPR export and erasure live in ``gdpr.py``.  Every service checks the actor's permission,
runs in one transaction and writes the audit log; e-mail leaves only after commit.  Who may
grant, see and revoke which role is declared in ``rules.py``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit.services import audit_record, snapshot
from ..ecosystem import selectors as registry
from ..ecosystem import services as registry_services
from ..ecosystem.models import Cluster, Organization
from ..errors import ApplicationError, PermissionDeniedError
from ..servicekit import choice, close_pending, mail_on_commit, plain_text, require
from ..servicekit import person as person_of
from .models import (
    ApiToken,
    ClaimKind,
    ClaimStatus,
    ClusterCoordinator,
    Consent,
    ConsentPurpose,
    ContactMessage,
    ContactPerson,
    Invitation,
    InvitationKind,
    OrganizationClaim,
    OrganizationRepresentative,
    User,
)
from .selectors import addresses_of, contact_recipients

INVITE_REPRESENTATIVE_DENIED = "You may not invite representatives of this organization."
INVITE_COORDINATOR_DENIED = "Only the city administrator may invite cluster coordinators."
SELF_INVITATION = "Nobody may invite themselves: ask someone else with authority to invite you."
INVITER_NO_AUTHORITY = (
    "The person who invited you may no longer grant this role; ask for a new invitation."
)
INVITATION_INVALID = "This invitation link is not valid."
INVITATION_EXPIRED = "This invitation has expired."
INVITATION_USED = "This invitation has already been accepted."
INVITATION_EMAIL_MISMATCH = "Sign in with the verified e-mail address the invitation was sent to."
CANCEL_DENIED = "You may not cancel this invitation."
REVOKE_DENIED = "You may not revoke this organization's representatives."
CONTACTS_DENIED = "You may not manage contact persons of this record."
INVITATION_NEEDS_ONE_TARGET = "An invitation is for exactly one organization or one cluster."
CONTACT_NEEDS_ONE_SUBJECT = "A contact person belongs to exactly one cluster or organization."
CONSENT_DENIED = "You may not record consent for this person."
TOKEN_DENIED = "You may not manage this token."  # noqa: S105  (a message, not a secret)
INVALID_EMAIL = "'{value}' is not a valid e-mail address."
CLAIM_DECIDE_DENIED = "You may not verify this claim."
CLAIM_SELF = "Nobody may verify their own claim: a coordinator or the city office does."
CLAIM_PENDING = "You have already asked to represent this organization; wait for the answer."
CLAIM_ALREADY_REPRESENTS = "You already represent this organization."
CLAIMS_TOO_MANY = "Too many of your claims wait for verification; wait for an answer first."
CLAIM_NOT_PENDING = "This claim has already been decided or withdrawn."
CLAIM_WITHDRAW_DENIED = "Only the person who made a claim may withdraw it."
CLAIM_DENIED = "Sign in with an active account to claim an organization."
CONTACT_DENIED = "Sign in with an active account to send a message."
CONTACT_NOBODY = "Nobody can be reached here through the platform yet."
CONTACT_TOO_MANY = "You have sent many messages recently; try again later."
CONTACT_NEEDS_ONE_TARGET = "A message goes to exactly one cluster or one organization."

# Text limits (characters), the columns' sizes; documented in docs/data-model.md.
EMAIL_MAX = 254
FULL_NAME_MAX = 200
PHONE_MAX = 40
POSITION_TITLE_MAX = 200
TOKEN_NAME_MAX = 100
CLAIM_MESSAGE_MAX = 1000
CLAIM_REASON_MAX = 1000
PENDING_CLAIMS_MAX = 5  # claims one person may have waiting at a time
CONTACT_SUBJECT_MAX = 200
CONTACT_BODY_MAX = 5000
# Messages through the platform: per person an hour and a day, per client address an hour.
CONTACT_PER_HOUR = 5
CONTACT_PER_DAY = 20
CONTACT_PER_ADDRESS_HOUR = 20


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _email(value: str, *, field: str = "e-mail address", required: bool = True) -> str:
    email = plain_text(value, field=field, limit=EMAIL_MAX, required=required).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ApplicationError(INVALID_EMAIL.format(value=email), code="invalid") from exc
    return email


# -- invitations and roles -------------------------------------------------------------
#
# Every grant of a role is announced to the people who already answer for the organisation
# (its representatives) or keep the cluster (its coordinators), and to the city office, so a
# grant nobody expected is seen and revoked.


def _role_holders(invitation: Invitation) -> list[Any]:
    if invitation.organization is not None:
        return registry.organization_representative_users(organization=invitation.organization)
    assert invitation.cluster is not None  # noqa: S101  (the check constraint holds it)
    return registry.cluster_coordinator_users(cluster=invitation.cluster)


def _manage_link(invitation: Invitation, url_base: str) -> str:
    if invitation.organization is not None:
        return url_base + reverse(
            "workspace:organization_representatives", args=[invitation.organization.slug]
        )
    return url_base + reverse("workspace:home")


def _announce(
    invitation: Invitation, *, exclude: set[int], subject: str, body: str, extra: list[Any]
) -> None:
    people = [*_role_holders(invitation), *registry.city_office_users(), *extra]
    mail_on_commit([p.email for p in people if p.pk not in exclude], subject, body)


def _words(invitation: Invitation, url_base: str, **more: str) -> dict[str, str]:
    """What the e-mails about an invitation say: the role, for what, where to manage it."""
    return {
        "role": invitation.get_kind_display().lower(),
        "target": invitation.organization.name
        if invitation.organization
        else str(invitation.cluster),
        "link": _manage_link(invitation, url_base),
        **more,
    }


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

    Nobody may invite themselves.  The organisation's representatives (or the cluster's
    coordinators) and the city office are told.  Returns the invitation and the raw token
    (only its hash is stored).
    """
    if (organization is None) == (cluster is None):
        raise ApplicationError(INVITATION_NEEDS_ONE_TARGET, code="invalid")
    if organization is not None:
        require(actor, "accounts.invite_representative", organization, INVITE_REPRESENTATIVE_DENIED)
        kind = InvitationKind.REPRESENTATIVE
    else:
        require(actor, "accounts.invite_coordinator", cluster, INVITE_COORDINATOR_DENIED)
        kind = InvitationKind.COORDINATOR
    email = _email(email)
    if email in addresses_of(actor):
        raise PermissionDeniedError(SELF_INVITATION, code="self_invitation")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
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
    words = _words(
        invitation, accept_url_base, inviter=getattr(actor, "email", "") or "Highlands", email=email
    )
    _announce(
        invitation,
        exclude={actor.pk},
        subject=_("%(inviter)s invited %(email)s to %(target)s") % words,
        body=_(
            "%(inviter)s invited %(email)s to act as %(role)s for %(target)s on Highlands.\n\n"
            "If you did not expect this, cancel the invitation or revoke the role here:\n"
            "%(link)s\n"
        )
        % words,
        extra=[],
    )
    words["link"] = accept_url_base + reverse("accounts:invitation_accept", args=[token])
    mail_on_commit(
        [invitation.email],
        _("You are invited to Highlands"),
        _(
            "You have been invited to act as %(role)s for %(target)s on Highlands.\n\n"
            "Sign up or sign in with this e-mail address, then open:\n%(link)s\n"
        )
        % words,
        fail_silently=False,
    )
    return invitation, token


def invitation_get(*, token: str) -> Invitation:
    """The open invitation for a raw token (any state; ``invitation_accept`` checks it)."""
    invitation = (
        Invitation.objects.select_related("organization", "cluster", "invited_by")
        .filter(token_hash=_hash(token))
        .first()
    )
    if invitation is None:
        raise ApplicationError(INVITATION_INVALID, code="invalid_invitation")
    return invitation


def _inviter_may_still_grant(invitation: Invitation) -> bool:
    # Authority is checked again when the role is granted: an inviter who lost it meanwhile
    # (revoked, the membership ended) cannot grant through an old invitation.
    inviter = invitation.invited_by
    if inviter is None or not inviter.is_active:
        return False
    if invitation.kind == InvitationKind.COORDINATOR:
        return inviter.has_perm("accounts.invite_coordinator", invitation.cluster)
    return inviter.has_perm("accounts.invite_representative", invitation.organization)


@transaction.atomic
def invitation_accept(*, actor: User, token: str, url_base: str = "") -> Invitation:
    """Grant the invited role to the signed-in user whose verified e-mail was invited, if the
    inviter is someone else and may still grant it; the grant is announced."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation_get(token=token).pk)
    if invitation.accepted_at is not None:
        raise ApplicationError(INVITATION_USED, code="invitation_used")
    if invitation.expires_at <= timezone.now():
        raise ApplicationError(INVITATION_EXPIRED, code="invitation_expired")
    if not EmailAddress.objects.filter(
        user=actor, email__iexact=invitation.email, verified=True
    ).exists():
        raise PermissionDeniedError(INVITATION_EMAIL_MISMATCH)
    if invitation.invited_by_id == actor.pk:
        raise PermissionDeniedError(SELF_INVITATION, code="self_invitation")
    if not _inviter_may_still_grant(invitation):
        raise PermissionDeniedError(INVITER_NO_AUTHORITY, code="inviter_no_authority")
    words = _words(
        invitation,
        url_base,
        person=actor.email,
        inviter=invitation.invited_by.email if invitation.invited_by else "",
    )
    # Told before the grant, so the new holder is not among the people told.
    _announce(
        invitation,
        exclude={actor.pk},
        subject=_("%(person)s is now %(role)s for %(target)s") % words,
        body=_(
            "%(person)s accepted the invitation of %(inviter)s and now acts as %(role)s for "
            "%(target)s on Highlands.\n\nIf this is wrong, revoke the role here:\n%(link)s\n"
        )
        % words,
        extra=[invitation.invited_by] if invitation.invited_by else [],
    )
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
        after={"kind": invitation.kind, "invited_by": invitation.invited_by_id},
    )
    return invitation


@transaction.atomic
def invitation_cancel(*, actor: Any, invitation: Invitation) -> None:
    """Take back an invitation nobody has accepted yet (its inviter, the organisation's
    representatives, the city office)."""
    require(actor, "accounts.cancel_invitation", invitation, CANCEL_DENIED)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ApplicationError(INVITATION_USED, code="invitation_used")
    audit_record(
        actor=actor,
        action="invitation.cancel",
        obj=invitation,
        cluster_id=invitation.cluster_id,
        organization_id=invitation.organization_id,
        before={"kind": invitation.kind, "expires_at": invitation.expires_at},
    )
    invitation.delete()


@transaction.atomic
def representative_revoke(
    *, actor: Any, representative: OrganizationRepresentative, url_base: str = ""
) -> None:
    """End a person's representative role (the organisation's representatives, the city
    office); the person, the other representatives and the city office are told."""
    organization = representative.organization
    require(actor, "accounts.revoke_representative", organization, REVOKE_DENIED)
    person = representative.user
    audit_record(
        actor=actor,
        action="representative.revoke",
        obj=representative,
        organization_id=organization.pk,
        subject_user_id=person.pk,
        before=snapshot(representative, ["user_id", "organization_id", "granted_by_id"]),
    )
    representative.delete()
    words = {
        "person": person.email,
        "target": organization.name,
        "by": getattr(actor, "email", "") or "Highlands",
    }
    people = [
        *registry.organization_representative_users(organization=organization),
        *registry.city_office_users(),
        person,
    ]
    mail_on_commit(
        [p.email for p in people if p.pk != actor.pk],
        _("%(person)s no longer represents %(target)s") % words,
        _("%(by)s revoked the representative role of %(person)s for %(target)s on Highlands.\n")
        % words,
    )


# -- organisation onboarding: registrations and claims ----------------------------------
#
# A signed-in person registers an organisation the registry lacks (it stays unverified) or
# claims one it has.  The city office, or the coordinator of a cluster the organisation is in
# by consent (for a registration: the cluster it names), verifies; approved, the claimant
# becomes a representative.  Every step is audited and announced.


def _claim_verifiers(claim: OrganizationClaim) -> list[Any]:
    people = list(registry.city_office_users())
    if claim.cluster is not None and claim.kind == ClaimKind.REGISTER:
        people += registry.cluster_coordinator_users(cluster=claim.cluster)
    for cluster in registry.consented_clusters_of(organization=claim.organization):
        people += registry.cluster_coordinator_users(cluster=cluster)
    return people


def _claim_words(claim: OrganizationClaim, url_base: str) -> dict[str, str]:
    return {
        "person": claim.claimant.email,
        "organization": claim.organization.name,
        "link": url_base + reverse("workspace:claims"),
    }


def _open_claim(
    *, actor: Any, organization: Organization, kind: str, message: str, cluster: Any
) -> OrganizationClaim:
    if OrganizationRepresentative.objects.filter(user=actor, organization=organization).exists():
        raise ApplicationError(CLAIM_ALREADY_REPRESENTS, code="conflict")
    if OrganizationClaim.objects.filter(
        claimant=actor, organization=organization, status=ClaimStatus.PENDING
    ).exists():
        raise ApplicationError(CLAIM_PENDING, code="conflict")
    claim = OrganizationClaim.objects.create(
        kind=kind,
        organization=organization,
        cluster=cluster,
        claimant=actor,
        message=plain_text(message, field="message", limit=CLAIM_MESSAGE_MAX),
    )
    audit_record(
        actor=actor,
        action=f"organization_claim.{kind}",
        obj=claim,
        organization_id=organization.pk,
        cluster_id=cluster.pk if cluster else None,
        subject_user_id=actor.pk,
        after={"kind": kind, "cluster_id": cluster.pk if cluster else None},
    )
    return claim


def _count_pending(actor: Any) -> None:
    # Locks the person's row so two concurrent submissions cannot both pass the count.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    waiting = OrganizationClaim.objects.filter(claimant=actor, status=ClaimStatus.PENDING)
    if waiting.count() >= PENDING_CLAIMS_MAX:
        raise ApplicationError(CLAIMS_TOO_MANY, code="too_many")


def _announce_claim(claim: OrganizationClaim, url_base: str) -> None:
    words = _claim_words(claim, url_base)
    mail_on_commit(
        [p.email for p in _claim_verifiers(claim) if p.pk != claim.claimant_id],
        _("%(person)s asks to represent %(organization)s") % words,
        _(
            "%(person)s asks to represent %(organization)s on Highlands.\n\n"
            "Verify or decline it here:\n%(link)s\n"
        )
        % words,
    )


@transaction.atomic
def organization_claim_register(
    *,
    actor: Any,
    cluster: Cluster | None = None,
    message: str = "",
    url_base: str = "",
    **organization: Any,
) -> OrganizationClaim:
    """Register a new organisation (``ecosystem.services.organization_register``: unverified,
    duplicates refused) and ask to represent it; ``cluster`` is the one it says it is in."""
    require(actor, "ecosystem.register_organization", None, CLAIM_DENIED)
    _count_pending(actor)
    created = registry_services.organization_register(actor=actor, **organization)
    claim = _open_claim(
        actor=actor, organization=created, kind=ClaimKind.REGISTER, message=message, cluster=cluster
    )
    _announce_claim(claim, url_base)
    return claim


@transaction.atomic
def organization_claim_create(
    *, actor: Any, organization: Organization, message: str = "", url_base: str = ""
) -> OrganizationClaim:
    """Ask to represent an organisation the registry already has; its representatives are
    told too (they may object to the verifier)."""
    require(actor, "ecosystem.register_organization", None, CLAIM_DENIED)
    _count_pending(actor)
    claim = _open_claim(
        actor=actor, organization=organization, kind=ClaimKind.CLAIM, message=message, cluster=None
    )
    _announce_claim(claim, url_base)
    words = _claim_words(claim, url_base)
    mail_on_commit(
        [u.email for u in registry.organization_representative_users(organization=organization)],
        _("%(person)s asks to represent %(organization)s") % words,
        _(
            "%(person)s asks to represent %(organization)s on Highlands. A coordinator of one "
            "of its clusters or the city office decides; tell them if you object.\n"
        )
        % words,
    )
    return claim


def _lock_claim(actor: Any, claim: OrganizationClaim) -> OrganizationClaim:
    require(actor, "accounts.decide_claim", claim, CLAIM_DECIDE_DENIED)
    if claim.claimant_id == getattr(actor, "pk", None):
        raise PermissionDeniedError(CLAIM_SELF, code="self_verification")
    locked = (
        OrganizationClaim.objects.select_for_update(of=("self",))
        .select_related("organization", "cluster", "claimant")
        .get(pk=claim.pk)
    )
    if locked.status != ClaimStatus.PENDING:
        raise ApplicationError(CLAIM_NOT_PENDING, code="conflict")
    return locked


def _close_claim(actor: Any, claim: OrganizationClaim, status: str, reason: str = "") -> None:
    close_pending(
        claim,
        actor=actor,
        status=status,
        action=f"organization_claim.{status}",
        pending=ClaimStatus.PENDING,
        values={"reason": reason},
        logged={"reason": reason} if reason else {},
        organization_id=claim.organization_id,
        cluster_id=claim.cluster_id,
        subject_user_id=claim.claimant_id,
    )


@transaction.atomic
def organization_claim_approve(
    *, actor: Any, claim: OrganizationClaim, url_base: str = ""
) -> OrganizationClaim:
    """Verify a claim: a registered organisation becomes verified (and, when it named a
    cluster the verifier keeps, a consented member of it); the claimant becomes one of its
    representatives.  The claimant, the organisation's representatives and the city office
    are told."""
    claim = _lock_claim(actor, claim)
    organization = claim.organization
    if not organization.is_verified:
        registry_services.organization_verify(actor=actor, organization=organization)
    if (
        claim.kind == ClaimKind.REGISTER
        and claim.cluster is not None
        and actor.has_perm("ecosystem.manage_cluster_members", claim.cluster)
        and not claim.cluster.memberships.filter(organization=organization).exists()
    ):
        registry_services.membership_join_confirm(
            actor=actor,
            cluster=claim.cluster,
            organization=organization,
            asked_by=claim.claimant,
            message=claim.message,
        )
    words = {
        **_claim_words(claim, url_base),
        "by": getattr(actor, "email", "") or "Highlands",
        "link": url_base + reverse("workspace:organization_edit", args=[organization.slug]),
    }
    mail_on_commit(
        [
            u.email
            for u in [
                *registry.organization_representative_users(organization=organization),
                *registry.city_office_users(),
            ]
            if u.pk not in (actor.pk, claim.claimant_id)
        ],
        _("%(person)s now represents %(organization)s") % words,
        _(
            "%(by)s verified %(person)s as a representative of %(organization)s on Highlands."
            "\n\nIf this is wrong, revoke the role here:\n%(link)s\n"
        )
        % words,
    )
    mail_on_commit(
        [claim.claimant.email],
        _("You now represent %(organization)s") % words,
        _(
            "%(by)s verified your request: you now represent %(organization)s on Highlands.\n\n"
            "Keep its profile and post offers and requests here:\n%(link)s\n"
        )
        % words,
    )
    OrganizationRepresentative.objects.get_or_create(
        user=claim.claimant, organization=organization, defaults={"granted_by": person_of(actor)}
    )
    _close_claim(actor, claim, ClaimStatus.APPROVED)
    return claim


@transaction.atomic
def organization_claim_decline(
    *, actor: Any, claim: OrganizationClaim, reason: str = "", url_base: str = ""
) -> OrganizationClaim:
    """Decline a claim, with the reason the claimant is told; a registered organisation stays
    unverified (the city office may delete it)."""
    claim = _lock_claim(actor, claim)
    reason = plain_text(reason, field="reason", limit=CLAIM_REASON_MAX)
    _close_claim(actor, claim, ClaimStatus.DECLINED, reason)
    words = {**_claim_words(claim, url_base), "reason": reason or "—"}
    mail_on_commit(
        [claim.claimant.email],
        _("Your request to represent %(organization)s was declined") % words,
        _("Your request to represent %(organization)s was declined.\n\nReason: %(reason)s\n")
        % words,
    )
    return claim


@transaction.atomic
def organization_claim_withdraw(*, actor: Any, claim: OrganizationClaim) -> OrganizationClaim:
    """The claimant takes back a claim nobody has decided yet."""
    require(actor, "accounts.withdraw_claim", claim, CLAIM_WITHDRAW_DENIED)
    claim = (
        OrganizationClaim.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=claim.pk)
    )
    if claim.status != ClaimStatus.PENDING:
        raise ApplicationError(CLAIM_NOT_PENDING, code="conflict")
    _close_claim(actor, claim, ClaimStatus.WITHDRAWN)
    return claim


# -- messages through the platform --------------------------------------------------------


def client_hash(address: str) -> str:
    """A keyed hash of a client address: counts the per-address limit, stores no address."""
    if not address:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


@transaction.atomic
def contact_message_send(
    *,
    actor: Any,
    subject: str,
    body: str,
    cluster: Cluster | None = None,
    organization: Organization | None = None,
    client_address: str = "",
    url_base: str = "",
) -> ContactMessage:
    """Deliver a signed-in person's message to a cluster's coordinators or an organisation's
    representatives (and its consenting public contacts) by e-mail, with the sender's address
    to reply to.  The sender never sees the recipients' addresses.  Rate-limited per person
    and per client address."""
    if (cluster is None) == (organization is None):
        raise ApplicationError(CONTACT_NEEDS_ONE_TARGET, code="invalid")
    require(actor, "accounts.send_contact_message", None, CONTACT_DENIED)
    subject = plain_text(subject, field="subject", limit=CONTACT_SUBJECT_MAX, required=True)
    body = plain_text(body, field="message", limit=CONTACT_BODY_MAX, required=True)
    # Locks the sender's row so concurrent sends count each other.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    now = timezone.now()
    sent = ContactMessage.objects.filter(sender=actor)
    hashed = client_hash(client_address)
    if (
        sent.filter(created_at__gte=now - timedelta(hours=1)).count() >= CONTACT_PER_HOUR
        or sent.filter(created_at__gte=now - timedelta(days=1)).count() >= CONTACT_PER_DAY
        or (
            hashed
            and ContactMessage.objects.filter(
                client_hash=hashed, created_at__gte=now - timedelta(hours=1)
            ).count()
            >= CONTACT_PER_ADDRESS_HOUR
        )
    ):
        raise ApplicationError(CONTACT_TOO_MANY, code="too_many")
    recipients = [
        a
        for a in contact_recipients(cluster=cluster, organization=organization)
        if a not in addresses_of(actor)
    ]
    if not recipients:
        raise ApplicationError(CONTACT_NOBODY, code="no_recipient")
    message = ContactMessage.objects.create(
        sender=actor,
        cluster=cluster,
        organization=organization,
        subject=subject,
        body=body,
        client_hash=hashed,
        recipients=len(recipients),
    )
    audit_record(
        actor=actor,
        action="contact_message.send",
        obj=message,
        cluster_id=cluster.pk if cluster else None,
        organization_id=organization.pk if organization else None,
        subject_user_id=actor.pk,
        after={"recipients": len(recipients)},
    )
    target = organization.name if organization else str(cluster)
    words = {"sender": actor.email, "target": target, "subject": subject, "body": body}
    text = (
        _(
            "%(sender)s wrote to %(target)s through Highlands:\n\n%(subject)s\n\n%(body)s\n\n"
            "Reply to this e-mail to answer; your address reaches them only when you reply.\n"
        )
        % words
    )
    full_subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"[:200]
    sender_address = actor.email

    def send() -> None:
        for address in recipients:  # one message each: recipients never see each other
            EmailMessage(full_subject, text, None, [address], reply_to=[sender_address]).send(
                fail_silently=True
            )

    transaction.on_commit(send)
    return message


# -- API tokens -------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for the actor; the raw value is returned once and never stored."""
    raw = "hl_" + secrets.token_urlsafe(32)
    name = plain_text(name, field="token name", limit=TOKEN_NAME_MAX, required=True)
    token = ApiToken.objects.create(user=actor, name=name, key_hash=_hash(raw))
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
    require(actor, "accounts.manage_contacts", organization or cluster, CONTACTS_DENIED)
    choice(consent_purpose, ConsentPurpose.values, "consent purpose")
    person = ContactPerson.objects.create(
        organization=organization,
        cluster=cluster,
        full_name=plain_text(full_name, field="full name", limit=FULL_NAME_MAX, required=True),
        email=_email(email, required=False),
        phone=plain_text(phone, field="phone", limit=PHONE_MAX),
        position_title=plain_text(position_title, field="position", limit=POSITION_TITLE_MAX),
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
    choice(purpose, ConsentPurpose.values, "consent purpose")
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
