"""Scrubbing the audit log's copies of erased records in bulk (``audit_scrub_all``) and an
erased address out of the lists it copied (``audit_scrub_list_items``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from highlands.audit.models import AuditEntry
from highlands.audit.services import (
    ERASED,
    audit_record,
    audit_scrub_all,
    audit_scrub_list_items,
)
from highlands.ecosystem.models import Cluster, Organization
from tests.accounts.fixtures import World

pytestmark = pytest.mark.django_db


def _log(obj, n: int = 2) -> None:
    for i in range(n):
        audit_record(actor=None, action="x.change", obj=obj, before={"n": i}, after={"n": i + 1})


def _scrubbed(obj) -> list[bool]:
    return [
        e.object_repr == ERASED and e.before is None and e.after is None
        for e in AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    ]


def test_a_queryset_is_scrubbed_in_one_statement_and_nothing_else_is(world: World) -> None:
    organizations = [
        Organization.objects.create(slug=f"o{i}", name=f"O {i}", normalized_name=f"o {i}")
        for i in range(5)
    ]
    for obj in (*organizations, *Cluster.objects.all()):
        _log(obj)
    leaving = Organization.objects.filter(slug__in=["o1", "o3"])
    with CaptureQueriesContext(connection) as queries:
        assert audit_scrub_all(leaving) == 4
    assert len(queries) == 1
    for obj in organizations:
        assert _scrubbed(obj) == [obj.slug in ("o1", "o3")] * 2
    # the same id of another model's record is not touched
    assert not any(x for c in Cluster.objects.all() for x in _scrubbed(c))


def test_instances_of_several_models_are_scrubbed_with_one_statement_per_model(
    world: World,
) -> None:
    organization = Organization.objects.create(slug="o", name="O", normalized_name="o")
    cluster = Cluster.objects.first()
    _log(organization)
    _log(cluster)
    with CaptureQueriesContext(connection) as queries:
        assert audit_scrub_all([organization, cluster]) == 4
    assert len(queries) == 2
    assert _scrubbed(organization) == _scrubbed(cluster) == [True, True]
    assert audit_scrub_all([]) == 0


def test_an_item_leaves_the_copied_lists_and_the_rest_stays(world: World) -> None:
    cluster = Cluster.objects.first()
    audit_record(
        actor=None,
        action="x.change",
        obj=cluster,
        before={"invitees": ["a@example.org"], "capacity": 1},
        after={"invitees": ["A@example.org", "b@example.org"], "capacity": 2},
    )
    audit_record(actor=None, action="x.other", obj=cluster, after={"note": "a@example.org"})
    assert (
        audit_scrub_list_items(
            object_type="ecosystem.cluster", key="invitees", items=["a@EXAMPLE.org"]
        )
        == 1
    )
    changed = AuditEntry.objects.get(action="x.change")
    assert changed.before == {"invitees": [], "capacity": 1}
    assert changed.after == {"invitees": ["b@example.org"], "capacity": 2}
    assert str(changed.object_repr) != ERASED
    assert AuditEntry.objects.get(action="x.other").after == {"note": "a@example.org"}


def test_a_unicode_item_leaves_the_copied_lists(world: World) -> None:
    """SQLite keeps the JSON with \\u escapes, and casefold turns ß into ss: the item is
    still found (compared in Python) and taken out."""
    cluster = Cluster.objects.first()
    audit_record(
        actor=None,
        action="x.change",
        obj=cluster,
        before={"invitees": ["straße@bücher.de", "zoë@example.org"]},
        after={"invitees": ["strasse@bücher.de", "zoë@example.org"]},
    )
    items = ["Straße@Bücher.de"]
    assert audit_scrub_list_items(object_type="ecosystem.cluster", key="invitees", items=items)
    changed = AuditEntry.objects.get(action="x.change")
    assert changed.before == {"invitees": ["zoë@example.org"]}
    assert changed.after == {"invitees": ["zoë@example.org"]}


def test_the_scrub_never_updates_the_log_while_a_cursor_over_it_is_open(
    world: World, monkeypatch
) -> None:
    """SQLite gives no isolation between a streaming ``iterator()`` and an UPDATE of the same
    table on one connection: the ids are collected first, then the entries written."""
    from django.db.models import QuerySet

    def streaming(self, *args, **kwargs):
        raise AssertionError("the log is updated while iterating over it")

    monkeypatch.setattr(QuerySet, "iterator", streaming)
    cluster = Cluster.objects.first()
    for n in range(3):
        audit_record(
            actor=None,
            action="x.change",
            obj=cluster,
            after={"invitees": [f"a{n}@x.org", "a@x.org"]},
        )
    assert (
        audit_scrub_list_items(object_type="ecosystem.cluster", key="invitees", items=["A@x.org"])
        == 3
    )
    assert [
        e.after["invitees"] for e in AuditEntry.objects.filter(action="x.change").order_by("pk")
    ] == [
        ["a0@x.org"],
        ["a1@x.org"],
        ["a2@x.org"],
    ]
