"""GDPR: everything held about a person as JSON, erasure, and retention.

``PERSONAL_FIELDS`` names every field that holds personal data and ``NON_PERSONAL_FIELDS``
every other field of the same models; a test fails when a new field is in neither, so the
export and the erasure cannot silently miss one.

The apps above accounts hold more about a person (notifications, registrations, meetings,
funding, the marketplace). Each registers its share with ``register_personal_data`` in its
``AppConfig.ready()``: an export function (its section of the export), an erase function (run
inside the erasure's transaction) and, for every field of its models that points at a user,
where the export shows it and what erasure does with it (``DELETED``, ``CLEARED`` or
``kept(why)``). ``ACCOUNT_REFERENCES`` declares the same for the models below the apps.
``tests/accounts/test_personal_data.py`` walks every foreign key and one-to-one field to the
user model and fails on one that nobody declared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from ..audit.models import AuditEntry
from ..audit.services import ERASED as ERASED  # what erased texts read as, for the apps too
from ..audit.services import audit_record, audit_scrub_all
from ..ecosystem.models import HighlandCluster, MembershipRequest
from ..errors import PermissionDeniedError
from .models import (
    ApiToken,
    ClusterCoordinator,
    Consent,
    ContactMessage,
    ContactPerson,
    Invitation,
    OrganizationClaim,
    OrganizationRepresentative,
    User,
)

# What erasure does to a field pointing at the person: no row points at them afterwards
# (the row is deleted, or the field is emptied) — or the row keeps pointing at the erased,
# pseudonymous account (``kept(why)``: the record belongs to an organisation or an event).
DELETED = "deleted"
CLEARED = "cleared"


def kept(why: str) -> str:
    """The fate of a reference that stays after erasure, with the reason it must."""
    return f"kept: {why}"


@dataclass(frozen=True)
class PersonalData:
    """One app's share of what is held about a person."""

    section: str  # its key in the export
    export: Callable[[Any], dict[str, Any]]
    erase: Callable[[Any], object]  # its result, if any, is not used
    # "app_label.Model.field" -> (where the export lists those rows, "section.key"; fate)
    references: Mapping[str, tuple[str, str]] = field(default_factory=dict)


_PERSONAL_DATA: dict[str, PersonalData] = {}


def register_personal_data(
    section: str,
    *,
    export: Callable[[Any], dict[str, Any]],
    erase: Callable[[Any], object],
    references: Mapping[str, tuple[str, str]],
) -> PersonalData:
    """Declare an app's personal data (from its ``AppConfig.ready()``)."""
    entry = PersonalData(section, export, erase, dict(references))
    existing = _PERSONAL_DATA.get(section)
    if existing is not None and existing.references != entry.references:
        raise ValueError(f"personal data section {section!r} is registered twice, differently")
    _PERSONAL_DATA[section] = entry
    return entry


def personal_data() -> list[PersonalData]:
    """Every registered share, in registration order."""
    return list(_PERSONAL_DATA.values())


_KEPT_DECISION = kept(
    "a decision recorded for an organisation or cluster; the account is pseudonymous after erasure"
)
# The fields pointing at a user of the models below the apps, covered by this module.
ACCOUNT_REFERENCES: dict[str, tuple[str, str]] = {
    "account.EmailAddress.user": ("email_addresses", DELETED),
    "accounts.ApiToken.user": ("api_tokens", DELETED),
    "accounts.Consent.user": ("consents", DELETED),
    "accounts.ContactMessage.sender": ("contact_messages", DELETED),
    "accounts.ClusterCoordinator.user": ("roles.coordinator_of", DELETED),
    "accounts.OrganizationRepresentative.user": ("roles.representative_of", DELETED),
    "accounts.ClusterCoordinator.granted_by": ("roles.granted", _KEPT_DECISION),
    "accounts.OrganizationRepresentative.granted_by": ("roles.granted", _KEPT_DECISION),
    "accounts.Invitation.invited_by": ("invitations_sent", _KEPT_DECISION),
    "accounts.Invitation.accepted_by": (
        "invitations",
        kept("the invitation that granted a role; its e-mail address is replaced"),
    ),
    "accounts.OrganizationClaim.claimant": (
        "organization_claims",
        kept(
            "a decided claim is why a role was granted or refused: its message is emptied; "
            "a pending one is deleted"
        ),
    ),
    "accounts.OrganizationClaim.decided_by": ("claims_decided", _KEPT_DECISION),
    "ecosystem.HighlandCluster.assigned_by": (
        "registry_actions.highland_assignments",
        _KEPT_DECISION,
    ),
    "ecosystem.MembershipRequest.requested_by": (
        "registry_actions.membership_requests",
        _KEPT_DECISION,
    ),
    "ecosystem.MembershipRequest.decided_by": (
        "registry_actions.membership_requests",
        _KEPT_DECISION,
    ),
    "audit.AuditEntry.actor": (
        "activity",
        kept(
            "the audit log keeps who did what under the pseudonymous account id; the entries "
            "about the person's own records are scrubbed (object, before, after)"
        ),
    ),
    "admin.LogEntry.user": (
        "admin_log",
        kept("an administrator's edits in the Django admin, under the pseudonymous account"),
    ),
}

EXPORT_DENIED = "You may not export this person's data."
ERASE_DENIED = "You may not erase this person's data."

PERSONAL_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    User: ("username", "first_name", "last_name", "email", "last_login"),
    EmailAddress: ("email",),
    ContactPerson: ("full_name", "email", "phone", "position_title"),
    Consent: ("purpose", "given_at", "withdrawn_at"),
    Invitation: ("email",),
    ApiToken: ("name", "created_at", "last_used_at", "revoked_at"),
    OrganizationClaim: ("message", "requested_at"),
    ContactMessage: ("subject", "body", "created_at"),
}
NON_PERSONAL_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    User: (
        "id",
        "password",
        "is_superuser",
        "is_staff",
        "is_active",
        "date_joined",
        "is_city_admin",
        "erased_at",
        "groups",
        "user_permissions",
    ),
    EmailAddress: ("id", "user", "verified", "primary"),
    ContactPerson: ("id", "organization", "cluster", "created_at"),
    Consent: ("id", "user", "contact_person"),
    Invitation: (
        "id",
        "kind",
        "organization",
        "cluster",
        "token_hash",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    ),
    ApiToken: ("id", "user", "key_hash"),
    OrganizationClaim: (
        "id",
        "kind",
        "organization",
        "cluster",
        "claimant",
        "status",
        "decided_by",
        "decided_at",
        "reason",
    ),
    ContactMessage: ("id", "sender", "cluster", "organization", "client_hash", "recipients"),
}


def _fields(obj: models.Model) -> dict[str, Any]:
    values = {name: getattr(obj, name) for name in PERSONAL_FIELDS[obj._meta.model]}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def _consents(qs: Any) -> list[dict[str, Any]]:
    return [_fields(c) for c in qs.order_by("given_at")]


def person_export(*, actor: Any, user: User) -> dict[str, Any]:
    """Everything held about a user, as JSON-ready data (art. 15 and 20 GDPR)."""
    if actor is None or not actor.has_perm("accounts.export_person", user):
        raise PermissionDeniedError(EXPORT_DENIED)
    contacts = ContactPerson.objects.filter(email__iexact=user.email) if user.email else []
    return {
        "user": _fields(user),
        "email_addresses": [
            {**_fields(e), "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "consents": _consents(Consent.objects.filter(user=user)),
        "roles": {
            "city_administrator": user.is_city_admin,
            "coordinator_of": [
                str(c.cluster)
                for c in ClusterCoordinator.objects.filter(user=user).select_related("cluster")
            ],
            "representative_of": [
                r.organization.name
                for r in OrganizationRepresentative.objects.filter(user=user).select_related(
                    "organization"
                )
            ],
            "granted": [
                {"role": "coordinator", "to": str(c.cluster), "at": c.granted_at.isoformat()}
                for c in ClusterCoordinator.objects.filter(granted_by=user).select_related(
                    "cluster"
                )
            ]
            + [
                {
                    "role": "representative",
                    "to": r.organization.name,
                    "at": r.granted_at.isoformat(),
                }
                for r in OrganizationRepresentative.objects.filter(granted_by=user).select_related(
                    "organization"
                )
            ],
        },
        "api_tokens": [_fields(t) for t in ApiToken.objects.filter(user=user)],
        "invitations": [
            {**_fields(i), "kind": i.kind, "created_at": i.created_at.isoformat()}
            for i in Invitation.objects.filter(
                models.Q(accepted_by=user)
                | (models.Q(email__iexact=user.email) if user.email else models.Q(pk__in=[]))
            )
        ],
        "invitations_sent": [
            {"kind": i.kind, "email": i.email, "created_at": i.created_at.isoformat()}
            for i in Invitation.objects.filter(invited_by=user)
        ],
        "organization_claims": [
            {
                **_fields(c),
                "kind": c.kind,
                "organization": c.organization.name,
                "status": c.status,
                "reason": c.reason,
            }
            for c in OrganizationClaim.objects.filter(claimant=user).select_related("organization")
        ],
        "claims_decided": [
            {"organization": c.organization.name, "status": c.status}
            for c in OrganizationClaim.objects.filter(decided_by=user).select_related(
                "organization"
            )
        ],
        "registry_actions": {
            "highland_assignments": [
                {"highland": str(a.highland), "cluster": str(a.cluster)}
                for a in HighlandCluster.objects.filter(assigned_by=user).select_related(
                    "highland", "cluster"
                )
            ],
            "membership_requests": [
                {"organization": str(r.organization), "cluster": str(r.cluster), "status": r.status}
                for r in MembershipRequest.objects.filter(
                    models.Q(requested_by=user) | models.Q(decided_by=user)
                ).select_related("organization", "cluster")
            ],
        },
        "admin_log": [
            {"at": e.action_time.isoformat(), "object": e.object_repr, "change": e.change_message}
            for e in LogEntry.objects.filter(user=user)
        ],
        "contact_messages": [
            {**_fields(m), "to": str(m.organization or m.cluster)}
            for m in ContactMessage.objects.filter(sender=user).select_related(
                "organization", "cluster"
            )
        ],
        "contact_person_records": [contact_person_export_data(c) for c in contacts],
        "activity": [
            {"action": a.action, "object": a.object_repr, "at": a.created_at.isoformat()}
            for a in AuditEntry.objects.filter(
                models.Q(actor=user) | models.Q(subject_user_id=user.pk)
            ).order_by("created_at")
        ],
        **{share.section: share.export(user) for share in personal_data()},
    }


def contact_person_export_data(person: ContactPerson) -> dict[str, Any]:
    """A contact person's data and consents."""
    return {
        **_fields(person),
        "of": str(person.organization or person.cluster),
        "consents": _consents(person.consents.all()),
    }


def contact_person_export(*, actor: Any, person: ContactPerson) -> dict[str, Any]:
    """Everything held about a contact person, for whoever keeps the contact."""
    if actor is None or not actor.has_perm(
        "accounts.manage_contacts", person.organization or person.cluster
    ):
        raise PermissionDeniedError(EXPORT_DENIED)
    return contact_person_export_data(person)


def _erase_contact(person: ContactPerson) -> None:
    audit_scrub_all([person])
    person.delete()  # consents go with it (CASCADE)


@transaction.atomic
def contact_person_erase(*, actor: Any, person: ContactPerson) -> None:
    """Delete a contact person and their consents; the organisation's own records stay."""
    subject = person.organization or person.cluster
    if actor is None or not actor.has_perm("accounts.manage_contacts", subject):
        raise PermissionDeniedError(ERASE_DENIED)
    cluster_id, organization_id = person.cluster_id, person.organization_id
    _erase_contact(person)
    audit_record(
        actor=actor,
        action="contact_person.erase",
        cluster_id=cluster_id,
        organization_id=organization_id,
    )


def _erase_user(user: User) -> None:
    for share in personal_data():  # the apps' own data first, while the account is whole
        share.erase(user)
    email = user.email
    if email:
        contacts = ContactPerson.objects.filter(email__iexact=email)
        audit_scrub_all(contacts)
        contacts.delete()  # their consents go with them (CASCADE)
        for invitation in Invitation.objects.filter(email__iexact=email):
            invitation.email = f"erased-{invitation.pk}@invalid.invalid"
            invitation.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    for owned in (Consent.objects.filter(user=user), ApiToken.objects.filter(user=user)):
        audit_scrub_all(owned)
        owned.delete()
    # A claim waiting for verification goes; a decided one stays (it is why a representative
    # was granted or refused) without what the person wrote about themselves.
    OrganizationClaim.objects.filter(claimant=user, status="pending").delete()
    ContactMessage.objects.filter(sender=user).delete()  # delivered; only limits counted them
    OrganizationClaim.objects.filter(claimant=user).update(message="")
    ClusterCoordinator.objects.filter(user=user).delete()
    OrganizationRepresentative.objects.filter(user=user).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=ERASED, change_message="")
    audit_scrub_all([user])
    user.username = f"erased-{user.pk}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.last_login = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_city_admin = False
    user.erased_at = timezone.now()
    user.set_unusable_password()  # also ends every session (the auth hash changes)
    user.save()


@transaction.atomic
def user_erase(*, actor: Any, user: User) -> None:
    """Erase a user's personal data; their past edits stay in the registry and the audit log
    under a pseudonymous account id."""
    if actor is None or not actor.has_perm("accounts.erase_person", user):
        raise PermissionDeniedError(ERASE_DENIED)
    _erase_user(user)
    audit_record(
        actor=actor if actor.pk != user.pk else None,
        action="user.erase",
        subject_user_id=user.pk,
    )


@transaction.atomic
def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what the retention settings say is kept no longer; returns counts."""
    now = now or timezone.now()
    audit_cutoff = now - timedelta(days=settings.HIGHLANDS_AUDIT_RETENTION_DAYS)
    invitation_cutoff = now - timedelta(days=settings.HIGHLANDS_INVITATION_RETENTION_DAYS)
    inactive_cutoff = now - timedelta(days=settings.HIGHLANDS_INACTIVE_ACCOUNT_RETENTION_DAYS)
    audit_deleted, _ = AuditEntry.objects.filter(created_at__lt=audit_cutoff).delete()
    invitations_deleted, _ = Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__lt=invitation_cutoff
    ).delete()
    stale = User.objects.filter(
        erased_at__isnull=True, is_superuser=False, is_city_admin=False
    ).filter(
        models.Q(last_login__lt=inactive_cutoff)
        | models.Q(last_login__isnull=True, date_joined__lt=inactive_cutoff)
    )
    erased = 0
    for user in stale:
        _erase_user(user)
        erased += 1
    return {
        "audit_entries": audit_deleted,
        "invitations": invitations_deleted,
        "accounts_erased": erased,
    }
