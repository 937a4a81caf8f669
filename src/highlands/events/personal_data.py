"""What events hold about a person, for the GDPR export and erasure (``accounts.gdpr``)."""

from __future__ import annotations

from typing import Any

from ..accounts.gdpr import kept, register_personal_data
from ..accounts.selectors import addresses_of
from ..audit.services import audit_scrub_all
from .models import Event, Registration
from .services import events_invited, invitees_erase_person, registrations_erase_person


def export(user: Any) -> dict[str, Any]:
    """The person's registrations (with tickets and check-in) and the events they created."""
    return {
        "registrations": [
            {
                "event": r.event.title or r.event.title_pl,
                "starts_at": r.event.starts_at.isoformat(),
                "status": r.status,
                "organization": r.organization.name if r.organization else None,
                "seats": r.seats,
                "attendees": r.attendees,
                "answers": r.answers,
                "ticket_key": r.ticket_key,
                "registered_at": r.created_at.isoformat(),
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
                "cancelled_at": r.cancelled_at.isoformat() if r.cancelled_at else None,
            }
            for r in Registration.objects.filter(user=user).select_related("event", "organization")
        ],
        "invitations": [
            {"event": e.title or e.title_pl, "starts_at": e.starts_at.isoformat()}
            for e in events_invited(addresses_of(user, verified_only=True))
        ],
        "events_created": [
            {"event": e.title or e.title_pl, "starts_at": e.starts_at.isoformat()}
            for e in Event.objects.filter(created_by=user)
        ],
    }


def erase(user: Any) -> None:
    """Scrub the audit log's copies of the registrations (answers, names), then erase them;
    take the person's addresses off every invitation list (and its copies in the log)."""
    audit_scrub_all(Registration.objects.filter(user=user))
    registrations_erase_person(user)
    invitees_erase_person(addresses_of(user, verified_only=True))


def register() -> None:
    """Declare events' share (from ``EventsConfig.ready()``)."""
    register_personal_data(
        "events",
        export=export,
        erase=erase,
        references={
            "events.Registration.user": (
                "events.registrations",
                kept(
                    "attendance and seat counts of the event; upcoming registrations are "
                    "cancelled, names and answers replaced"
                ),
            ),
            "events.Event.created_by": (
                "events.events_created",
                kept("an organiser's event, published for the cluster or the city office"),
            ),
        },
    )
