"""What events and funding register with analytics: every figure equals a count of the
stored records, the dashboard and its downloads show the registry's numbers, and the edges
reach the network (attendance only for the city office)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from highlands.analytics import network, registry, selectors
from highlands.ecosystem.models import Cluster, Highland, Organization
from highlands.events.models import Event, Registration
from highlands.funding.models import FundingCall, MembershipApplication
from tests.accounts.fixtures import make_user

pytestmark = pytest.mark.django_db


def _event(title: str, *, days: int, status: str, clusters=(), highland=None) -> Event:
    start = timezone.now() + timedelta(days=days)
    event = Event.objects.create(
        kind="workshop",
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=20,
        status=status,
        highland=highland,
    )
    event.clusters.set(clusters)
    return event


def _attend(event: Event, n: int, org: Organization | None, *, checked_in: bool = True) -> None:
    for _i in range(n):
        seq = Registration.objects.filter(event=event).count() + 1
        user = make_user(f"p{event.pk}-{seq}@example.org")
        Registration.objects.create(
            event=event,
            user=user,
            organization=org,
            status="confirmed",
            sequence=seq,
            ticket_key=f"t{event.pk}x{seq}",
            checked_in_at=event.starts_at + timedelta(minutes=5) if checked_in else None,
        )


@pytest.fixture
def activity(shared_seed):
    clusters = list(Cluster.objects.filter(is_synthetic=False).order_by("pk")[:2])
    highland = Highland.objects.order_by("position").first()
    by_role = {
        role: Organization.objects.filter(helix_role=role).order_by("pk").first()
        for role in ("business", "bei", "academia")
    }
    held = _event("Held", days=-30, status="finished", clusters=clusters, highland=highland)
    _attend(held, 2, by_role["business"])
    _attend(held, 1, by_role["bei"])
    _attend(held, 3, by_role["academia"])
    _attend(held, 1, None)
    _attend(held, 4, by_role["business"], checked_in=False)  # registered, never came
    _event("Ahead", days=10, status="published", clusters=clusters[:1])
    _event("Called off", days=-5, status="cancelled", clusters=clusters)
    _event("Draft", days=-3, status="draft", clusters=clusters)
    now = timezone.now()
    FundingCall.objects.create(
        slug="open-a",
        programme="P",
        identifier="A",
        title="Open A",
        opens_at=now - timedelta(days=20),
        closes_at=now + timedelta(days=20),
        budget_eur=1000,
    )
    FundingCall.objects.create(
        slug="open-b",
        programme="P",
        identifier="B",
        title="Open B",
        closes_at=now + timedelta(days=5),
    )
    FundingCall.objects.create(
        slug="ahead",
        programme="P",
        identifier="C",
        title="Ahead",
        opens_at=now + timedelta(days=3),
        closes_at=now + timedelta(days=40),
        budget_eur=500,
    )
    FundingCall.objects.create(
        slug="closed",
        programme="P",
        identifier="D",
        title="Closed",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        budget_eur=70,
    )
    org = by_role["business"]
    MembershipApplication.objects.create(cluster=clusters[0], organization=org, decision="x")
    MembershipApplication.objects.create(
        cluster=clusters[1], organization=org, decision="x", status="accepted", decided_at=now
    )
    return {"clusters": clusters, "highland": highland, "held": held, "orgs": by_role}


def _figures(restricted: bool = False) -> dict[str, selectors.Activity]:
    return {a.metric.name: a for a in selectors.activity(restricted=restricted)}


def test_events_and_attendance_by_helix_count_the_stored_records(activity):
    figures = _figures()
    assert figures["events_held"].count == 1
    assert figures["events_held"].series[-1][1] == 1
    # BEIs count with industry (docs/analytics.md), no organisation: role not stated.
    assert figures["attendance_industry"].count == 3
    assert figures["attendance_academia"].count == 3
    assert figures["attendance_government"].count == 0
    assert figures["attendance_civil_society"].count == 0
    assert figures["attendance_not_stated"].count == 1
    attended = Registration.objects.filter(checked_in_at__isnull=False).count()
    helices = [f"attendance_{h}" for h in (*selectors.HELICES, "not_stated")]
    assert sum(figures[name].count for name in helices) == attended == 7


def test_funding_pipeline_and_applications(activity):
    figures = _figures()
    assert figures["funding_calls_open"].count == 2
    # +1 on opening, -1 on closing: the running total ends at the calls open now.
    assert figures["funding_calls_open"].series[-1][1] == 2
    assert figures["funding_calls_forthcoming"].count == 1
    assert figures["funding_budget_open_eur"].count == 1000
    assert figures["funding_budget_open_eur"].series[-1][1] == 1000
    assert figures["membership_applications"].count == 2
    assert figures["membership_applications_accepted"].count == 1


def test_dashboard_and_downloads_show_the_registry_numbers(activity):
    client = Client()
    html = client.get("/analytics/").content.decode()
    assert "Events held" in html
    assert "Event attendance: academia" in html
    rows = json.loads(client.get("/analytics/tables/activity/?format=json").content)
    assert {r["metric"]: r["count"] for r in rows} == {
        m.name: m.count() for m in registry.metrics()
    }
    history = json.loads(client.get("/analytics/tables/activity_history/?format=json").content)
    last = {r["metric"]: r["total"] for r in history}  # rows in date order per metric
    assert last["events_held"] == 1
    assert last["attendance_academia"] == 3
    polish = client.get("/pl/analytics/").content.decode()
    assert "Wydarzenia, które się odbyły" in polish


def test_co_organised_events_are_public_edges_and_attendance_is_the_city_offices(activity):
    a, b = (f"cluster:{c.slug}" for c in activity["clusters"])
    public = network.build_network(restricted=False, co_membership=False)
    co = [e for e in public.edges if e.kind == "co_organised"]
    # One held event with two clusters and a highland: a-b, a-highland, b-highland; the
    # cancelled one (public, organised together) adds a-b again; the draft adds nothing.
    assert {tuple(sorted((e.a, e.b))) for e in co} >= {tuple(sorted((a, b)))}
    assert len(co) == 3 + 1
    assert all(e.record.startswith("Event #") and e.url for e in co)
    assert not [e for e in public.edges if e.kind == "event_attendance"]
    city = network.build_network(restricted=True, co_membership=False)
    attended = [e for e in city.edges if e.kind == "event_attendance"]
    # Three organisations checked in (the one registered without one draws no edge), each
    # linked to both organising clusters; the no-show's organisation came anyway.
    assert len(attended) == 3 * 2
    assert {e.b for e in attended} == {a, b}
