"""Events fixtures: the accounts ``world`` (two clusters, one user per role) plus a factory of
published events organised by cluster "own" and a supply of registrants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from highlands.events.models import Event
from highlands.events.services import event_create
from tests.accounts.fixtures import World, make_user
from tests.accounts.fixtures import world as world


@pytest.fixture(autouse=True)
def _search_dir(settings: Any, tmp_path: Any) -> None:
    """Event writes queue search reindexing: drained index files go to this test's folder."""
    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"


def make_event(world: World, **overrides: Any) -> Event:
    start = timezone.now() + timedelta(days=10)
    fields: dict[str, Any] = {
        "kind": "training",
        "title": "Lean management training",
        "title_pl": "Szkolenie lean management",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "capacity": 10,
        "venue": "Lublin Science and Technology Park",
        "publish": True,
        "clusters": [world.clusters["own"]],
    }
    fields.update(overrides)
    return event_create(actor=world.users["coordinator"], **fields)


@pytest.fixture
def event_factory(world: World):
    return lambda **overrides: make_event(world, **overrides)


@pytest.fixture
def people(db):
    return [make_user(f"person{i}@example.org", first_name=f"Person{i}") for i in range(14)]
