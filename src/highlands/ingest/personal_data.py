"""What ingestion holds about a person (their decisions in the review queue), for the GDPR
export; erasure keeps the decisions under the pseudonymous account."""

from __future__ import annotations

from typing import Any

from ..accounts.gdpr import kept, register_personal_data
from .models import ReconciliationDecision, ReviewItem

DECISION = kept("how an imported name was matched in the registry; replayed on re-imports")


def export(user: Any) -> dict[str, Any]:
    """The review-queue items the person decided and the decisions remembered from them."""
    return {
        "review_decisions": [
            {
                "name": i.incoming_name,
                "status": i.status,
                "at": i.decided_at.isoformat() if i.decided_at else None,
            }
            for i in ReviewItem.objects.filter(decided_by=user)
        ],
        "remembered_decisions": [
            {"name": d.incoming_name, "action": d.action, "at": d.decided_at.isoformat()}
            for d in ReconciliationDecision.objects.filter(decided_by=user)
        ],
    }


def erase(user: Any) -> None:
    """Nothing to erase: the decisions name no one but the (pseudonymous) account."""


def register() -> None:
    """Declare ingestion's share (from ``IngestConfig.ready()``)."""
    register_personal_data(
        "ingest",
        export=export,
        erase=erase,
        references={
            "ingest.ReviewItem.decided_by": ("ingest.review_decisions", DECISION),
            "ingest.ReconciliationDecision.decided_by": ("ingest.remembered_decisions", DECISION),
        },
    )
