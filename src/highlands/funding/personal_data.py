"""What funding holds about a person, for the GDPR export and erasure."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from ..accounts.gdpr import CLEARED, DELETED, kept, register_personal_data
from .models import (
    AdmissionRuleSet,
    CallAlert,
    CallApplication,
    CallFollow,
    ConsortiumMember,
    Evidence,
    FundingCall,
    MembershipApplication,
    OrganizationFact,
    StageChange,
)

ORGANISATION_RECORD = kept(
    "an organisation's or cluster's funding record; the person is pseudonymous after erasure"
)


def _at(value: Any) -> str | None:
    return value.isoformat() if value else None


def export(user: Any) -> dict[str, Any]:
    """Facts stated, applications and evidence, pipeline work, follows and alerts."""
    return {
        "facts_stated": [
            {
                "organization": f.organization.name,
                "fact": f.name,
                "value": f.value,
                "at": _at(f.stated_at),
            }
            for f in OrganizationFact.objects.filter(stated_by=user).select_related("organization")
        ],
        "admission_rules_written": [
            {"cluster": str(r.cluster), "version": r.version, "at": _at(r.created_at)}
            for r in AdmissionRuleSet.objects.filter(created_by=user).select_related("cluster")
        ],
        "calls_created": [
            {"call": c.identifier, "at": _at(c.created_at)}
            for c in FundingCall.objects.filter(created_by=user)
        ],
        "membership_applications": [
            {
                "organization": a.organization.name,
                "cluster": str(a.cluster),
                "role": "submitted" if a.submitted_by_id == user.pk else "decided",
                "message": a.message,
                "status": a.status,
                "reason": a.reason,
                "at": _at(a.submitted_at),
            }
            for a in MembershipApplication.objects.filter(
                Q(submitted_by=user) | Q(decided_by=user)
            ).select_related("organization", "cluster")
        ],
        "evidence_uploaded": [
            {
                "name": e.name,
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "at": _at(e.uploaded_at),
            }
            for e in Evidence.objects.filter(uploaded_by=user)
        ],
        "pipeline": [
            {
                "call": a.call.identifier,
                "organization": a.organization.name,
                "stage": a.stage,
                "note": a.note,
            }
            for a in CallApplication.objects.filter(owner=user).select_related(
                "call", "organization"
            )
        ],
        "stage_changes": [
            {"stage": c.stage, "note": c.note, "at": _at(c.changed_at)}
            for c in StageChange.objects.filter(changed_by=user)
        ],
        "consortium_invitations": [
            {
                "organization": m.organization.name,
                "status": m.status,
                "role": "invited" if m.invited_by_id == user.pk else "answered",
            }
            for m in ConsortiumMember.objects.filter(
                Q(invited_by=user) | Q(answered_by=user)
            ).select_related("organization")
        ],
        "call_follows": [
            {
                "organization": f.organization.name if f.organization else None,
                "topics": f.topics,
                "since": _at(f.created_at),
            }
            for f in CallFollow.objects.filter(user=user).select_related("organization")
        ],
        "call_alerts": [
            {"call": a.call.identifier, "kind": a.kind, "sent_at": _at(a.sent_at)}
            for a in CallAlert.objects.filter(user=user).select_related("call")
        ],
    }


def erase(user: Any) -> None:
    """Their follows and alerts go; the pipeline entries they owned have no owner now (the
    organisation's other representatives keep them); the rest are organisations' records."""
    CallFollow.objects.filter(user=user).delete()
    CallAlert.objects.filter(user=user).delete()
    CallApplication.objects.filter(owner=user).update(owner=None)


def register() -> None:
    """Declare funding's share (from ``FundingConfig.ready()``)."""
    register_personal_data(
        "funding",
        export=export,
        erase=erase,
        references={
            "funding.CallFollow.user": ("funding.call_follows", DELETED),
            "funding.CallAlert.user": ("funding.call_alerts", DELETED),
            "funding.CallApplication.owner": ("funding.pipeline", CLEARED),
            "funding.OrganizationFact.stated_by": ("funding.facts_stated", ORGANISATION_RECORD),
            "funding.AdmissionRuleSet.created_by": (
                "funding.admission_rules_written",
                ORGANISATION_RECORD,
            ),
            "funding.FundingCall.created_by": ("funding.calls_created", ORGANISATION_RECORD),
            "funding.MembershipApplication.submitted_by": (
                "funding.membership_applications",
                ORGANISATION_RECORD,
            ),
            "funding.MembershipApplication.decided_by": (
                "funding.membership_applications",
                ORGANISATION_RECORD,
            ),
            "funding.Evidence.uploaded_by": ("funding.evidence_uploaded", ORGANISATION_RECORD),
            "funding.StageChange.changed_by": ("funding.stage_changes", ORGANISATION_RECORD),
            "funding.ConsortiumMember.invited_by": (
                "funding.consortium_invitations",
                ORGANISATION_RECORD,
            ),
            "funding.ConsortiumMember.answered_by": (
                "funding.consortium_invitations",
                ORGANISATION_RECORD,
            ),
        },
    )
