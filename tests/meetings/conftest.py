"""Meetings fixtures: a published brokerage event of cluster "own" (the accounts ``world``),
a session of four 20-minute slots and two tables, and four participants, each registered
for an organisation they represent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from highlands.accounts.models import OrganizationRepresentative, User
from highlands.ecosystem.models import Organization
from highlands.events.models import Event
from highlands.events.services import event_create, registration_create
from highlands.meetings.models import MeetingSession, Participant
from highlands.meetings.services import participant_join, session_create
from tests.accounts.fixtures import World, make_user
from tests.accounts.fixtures import world as world


@pytest.fixture(autouse=True)
def _search_dir(settings: Any, tmp_path: Any) -> None:
    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"


@dataclass
class Brokerage:
    world: World
    event: Event
    session: MeetingSession
    people: dict[str, Participant]  # "anna", "bolek", "cezary", "dora"
    outsider: User  # registered for the event, not a participant

    @property
    def organiser(self) -> User:
        return self.world.users["coordinator"]  # type: ignore[return-value]


NAMES = ("anna", "bolek", "cezary", "dora")


def make_brokerage(world: World, *, tables: int = 2, slots: int = 4) -> Brokerage:
    start = (timezone.now() + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    event = event_create(
        actor=world.users["coordinator"],
        kind="brokerage",
        title="Food cluster brokerage",
        title_pl="Giełda kooperacyjna klastra spożywczego",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        capacity=20,
        venue="Lublin Congress Centre",
        publish=True,
        clusters=[world.clusters["own"]],
    )
    session = session_create(
        actor=world.users["coordinator"],
        event=event,
        blocks=[(start + timedelta(hours=1), start + timedelta(hours=1, minutes=20 * slots))],
        tables=tables,
        slot_minutes=20,
    )
    people = {}
    for name in NAMES:
        user = make_user(f"{name}@example.org", first_name=name.title(), last_name="Test")
        organization = Organization.objects.create(
            slug=f"org-{name}", name=f"{name.title()} Ltd", normalized_name=f"{name} ltd"
        )
        OrganizationRepresentative.objects.create(user=user, organization=organization)
        registration_create(actor=user, event=event, organization=organization)
        people[name] = participant_join(actor=user, session=session)
    outsider = make_user("outsider@example.org", first_name="Out")
    registration_create(actor=outsider, event=event)
    return Brokerage(world, event, session, people, outsider)


@pytest.fixture
def brokerage(world: World) -> Brokerage:
    return make_brokerage(world)


def make_event(world: World, *, in_days: int, days: int, hours: int, title: str) -> Event:
    """A published brokerage event of cluster "own" from 08:00 local, ``days`` long, its
    last day ``hours`` long."""
    start = (timezone.localtime() + timedelta(days=in_days)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    return event_create(
        actor=world.users["coordinator"],
        kind="brokerage",
        title=title,
        title_pl=f"{title} (PL)",
        starts_at=start,
        ends_at=start + timedelta(days=days - 1, hours=hours),
        capacity=50,
        clusters=[world.clusters["own"]],
        publish=True,
    )


def blocks_data(blocks: list[tuple[Any, Any]], rows: int = 6) -> dict[str, str]:
    """The block rows of the set-up or settings form, as posted: day, from, to (local)."""
    data = {"block-TOTAL_FORMS": str(rows), "block-INITIAL_FORMS": "0"}
    for i in range(rows):
        start, end = blocks[i] if i < len(blocks) else (None, None)
        data[f"block-{i}-day"] = start.strftime("%Y-%m-%d") if start else ""
        data[f"block-{i}-starts"] = start.strftime("%H:%M") if start else ""
        data[f"block-{i}-ends"] = end.strftime("%H:%M") if end else ""
    return data
