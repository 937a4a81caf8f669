"""Migrations 0005–0006: the marketplace's own notifications and preferences move into the
notifications layer (time and read state kept), then the old tables go; and back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("marketplace", "0004_person_interests"), ("notifications", "0001_initial")]
COPIED = [("marketplace", "0005_notifications_into_the_layer")]
AFTER = [("marketplace", "0006_remove_own_notifications")]
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
READ = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    """Leave the schema at the leaves for the tests after this one."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_old_notifications_and_preferences_move_into_the_layer_and_back() -> None:
    apps = _migrate(BEFORE)
    user_model = apps.get_model("accounts", "User")
    reader = user_model.objects.create(username="reader", email="reader@example.org")
    quiet = user_model.objects.create(username="quiet", email="quiet@example.org")
    organization = apps.get_model("ecosystem", "Organization").objects.create(
        slug="o", name="O", normalized_name="o"
    )
    profile = apps.get_model("marketplace", "CooperationProfile").objects.create(
        organization=organization,
        kind="subcontracting",
        direction="offer",
        title="Laser",
        description="Laser cutting",
        valid_until=WHEN.date(),
    )
    old = apps.get_model("marketplace", "Notification")
    read = old.objects.create(
        user=reader, kind="interest_received", message="O is interested in “Laser”.",
        profile=profile,
    )  # fmt: skip
    old.objects.filter(pk=read.pk).update(created_at=WHEN, read_at=READ)
    old.objects.create(user=reader, kind="search_match", message="x" * 300, profile=None)
    preference = apps.get_model("marketplace", "NotificationPreference")
    preference.objects.create(user=quiet, notify_follows=False)  # e-mail on, follows off
    preference.objects.create(user=reader)  # all defaults: nothing to copy

    apps = _migrate(AFTER)
    new = apps.get_model("notifications", "Notification").objects
    first = new.get(kind="marketplace.interest_received")
    assert (first.user_id, first.subject_en, first.url) == (
        reader.pk,
        "O is interested in “Laser”.",
        f"/marketplace/profiles/{profile.pk}/",
    )
    assert (first.created_at, first.read_at) == (WHEN, READ)
    assert first.subject_pl == "Giełda współpracy: zainteresowanie Twoim profilem"
    assert first.body_pl == "O is interested in “Laser”."
    long = new.get(kind="marketplace.search_match")
    assert long.read_at is None
    assert long.subject_en == "x" * 200
    assert long.body_en == "x" * 300  # the whole message kept
    assert long.url == ""
    choices = apps.get_model("notifications", "NotificationPreference").objects
    assert set(choices.values_list("user_id", "kind", "email")) == {
        (quiet.pk, "marketplace.profile_updated", False),
        (quiet.pk, "marketplace.new_match", False),
    }
    tables = connection.introspection.table_names()
    assert "marketplace_notification" not in tables
    assert "marketplace_notificationpreference" not in tables

    apps = _migrate(COPIED)  # 0006 undone: the old tables are back, still empty
    apps = _migrate(BEFORE)  # 0005 undone: the rows go back
    back = apps.get_model("marketplace", "Notification").objects.get(kind="interest_received")
    assert (back.profile_id, back.read_at, back.created_at) == (profile.pk, READ, WHEN)
    assert not apps.get_model("notifications", "Notification").objects.exists()
