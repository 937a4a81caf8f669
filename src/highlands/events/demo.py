"""Demo events: a living calendar derived from the activities the source document names.

The source names kinds of events and series (LubTechBridge's free GOZ and Industry 4.0
training, the hotel cluster's HACCP courses and culinary competitions, #LubLean conferences
and MEETUP-style meetings, the annual "Engineers for Lublin" conference, the Eastern ICT
Cluster's trips to fairs) but no dates: the dates here are made up, relative to the day the
demo is loaded, and every event is flagged ``is_demo=True`` and labelled as demo content
("its date is made up") on its page. ``highlands events-demo`` loads the set idempotently,
keyed on ``demo_key``, through ``services.event_create`` acting as ``SYSTEM``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from ..ecosystem.models import Cluster, Highland
from ..servicekit import SYSTEM
from . import services
from .models import Event, EventSeries


@dataclass(frozen=True)
class DemoEvent:
    key: str
    cluster: str
    kind: str
    title: str
    title_pl: str
    description: str
    description_pl: str
    days_ahead: int  # made up: the demo's calendar is relative to the day it is loaded
    hours: int = 3
    capacity: int = 30
    venue: str = ""
    online: bool = False
    language: str = "pl"
    topics: tuple[str, ...] = ()
    series: str = ""


DEMO_EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        "ltb-goz-training", "lubtechbridge-goz", "training",
        "Free training: moving to the circular economy (GOZ)",
        "Bezpłatne szkolenie: przejście na gospodarkę o obiegu zamkniętym (GOZ)",
        "LubTechBridge GOZ's free training programme: business models that save resources, "
        "cut waste and reuse materials; good practices and where to find financing.",
        "Bezpłatny program szkoleń LubTechBridge GOZ: modele biznesowe oszczędzające zasoby, "
        "ograniczanie odpadów i ponowne użycie materiałów; dobre praktyki i źródła finansowania.",
        days_ahead=9, capacity=10, venue="Lublin",
    ),
    DemoEvent(
        "ltb-40-webinar", "lubtechbridge-4-0", "webinar",
        "Webinar: first steps to Industry 4.0",
        "Webinarium: pierwsze kroki w stronę Przemysłu 4.0",
        "Automation, digitisation and intelligent management of production: what an SME can "
        "start with, and which co-financing helps.",
        "Automatyzacja, cyfryzacja i inteligentne zarządzanie produkcją: od czego może zacząć "
        "MŚP i jakie dofinansowanie pomaga.",
        days_ahead=16, hours=2, capacity=100, online=True,
    ),
    DemoEvent(
        "hotels-haccp", "cluster-of-hotels-and-restaurants", "training",
        "HACCP course for restaurant staff", "Kurs HACCP dla pracowników gastronomii",
        "Working in line with HACCP principles, with the cluster's own manual.",
        "Praca zgodnie z zasadami HACCP, z podręcznikiem przygotowanym przez klaster.",
        days_ahead=23, hours=6, capacity=20, venue="Lublin",
    ),
    DemoEvent(
        "hotels-culinary", "cluster-of-hotels-and-restaurants", "competition",
        "Regional cuisine competition", "Konkurs kuchni regionalnej",
        "Members' chefs cook dishes of the Lublin region's cuisine.",
        "Kucharze firm członkowskich przygotowują dania kuchni regionu lubelskiego.",
        days_ahead=44, hours=5, capacity=40, venue="Lublin",
    ),
    DemoEvent(
        "lublean-meetup-1", "industrial-upland-cluster", "meetup",
        "#LubLean meetup: process management in manufacturing",
        "Spotkanie #LubLean: zarządzanie procesami w zakładach produkcyjnych",
        "An informal after-hours meeting of Lublin manufacturers on process management.",
        "Nieformalne spotkanie po godzinach lubelskich producentów o zarządzaniu procesami.",
        days_ahead=12, hours=2, capacity=25, venue="Lublin", series="#LubLean meetups",
    ),
    DemoEvent(
        "lublean-meetup-2", "industrial-upland-cluster", "meetup",
        "#LubLean meetup: automation and robotisation",
        "Spotkanie #LubLean: automatyzacja i robotyzacja",
        "The next informal #LubLean meeting, on automation and robotisation in practice.",
        "Kolejne nieformalne spotkanie #LubLean o automatyzacji i robotyzacji w praktyce.",
        days_ahead=40, hours=2, capacity=25, venue="Lublin", series="#LubLean meetups",
    ),
    DemoEvent(
        "lublean-conference", "industrial-upland-cluster", "conference",
        "#LubLean conference", "Konferencja #LubLean",
        "Practitioners implementing Industry 4.0, automation and robotisation show how to "
        "prepare a company for the coming changes in production.",
        "Praktycy wdrażający Przemysł 4.0, automatyzację i robotyzację pokazują, jak "
        "przygotować firmę na nadchodzące zmiany w produkcji.",
        days_ahead=58, hours=8, capacity=150, venue="Lublin", topics=("automotive-and-machine",),
    ),
    DemoEvent(
        "engineers-for-lublin", "industrial-upland-cluster", "conference",
        "Engineers for Lublin", "Inżynierowie dla Lublina",
        "The annual conference promoting technical education and work in Lublin's industry "
        "among pupils choosing their career path.",
        "Coroczna konferencja promująca kształcenie techniczne i pracę w lubelskim przemyśle "
        "wśród uczniów wybierających ścieżkę zawodową.",
        days_ahead=75, hours=5, capacity=200, venue="Lublin",
    ),
    DemoEvent(
        "ict-fair-trip", "eastern-ict-cluster", "fair_trip",
        "Trip to an international ICT fair", "Wyjazd na międzynarodowe targi ICT",
        "A joint stand and trip of member companies to an international ICT fair.",
        "Wspólne stoisko i wyjazd firm członkowskich na międzynarodowe targi ICT.",
        days_ahead=90, hours=48, capacity=12, venue="", language="en", topics=("it",),
    ),
)  # fmt: skip


def _at(days: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def demo_load(*, actor: Any = SYSTEM) -> int:
    """Create the missing demo events (idempotent); returns how many were created."""
    existing = set(Event.objects.filter(is_demo=True).values_list("demo_key", flat=True))
    clusters = Cluster.objects.in_bulk({d.cluster for d in DEMO_EVENTS}, field_name="slug")
    highlands = Highland.objects.in_bulk(field_name="slug")
    created = 0
    for demo in DEMO_EVENTS:
        cluster = clusters.get(demo.cluster)
        if cluster is None or demo.key in existing:
            continue  # the registry lacks the organiser (not imported) or it exists already
        series = None
        if demo.series:
            series, _ = EventSeries.objects.get_or_create(name=demo.series)
        start = _at(demo.days_ahead)
        services.event_create(
            actor=actor,
            clusters=[cluster],
            topics=[highlands[h] for h in demo.topics if h in highlands],
            series=series,
            kind=demo.kind,
            title=demo.title,
            title_pl=demo.title_pl,
            description=demo.description,
            description_pl=demo.description_pl,
            starts_at=start,
            ends_at=start + timedelta(hours=demo.hours),
            venue=demo.venue,
            online_url="https://example.org/webinar" if demo.online else "",
            language=demo.language,
            capacity=demo.capacity,
            registration_closes_at=start - timedelta(hours=1),
            publish=True,
            is_demo=True,
            demo_key=demo.key,
        )
        created += 1
    return created
