"""Demo funding calls: invented to show how calls, filters and "am I eligible?" work.

Every call is flagged ``is_demo=True``, its identifier starts with ``DEMO-``, it has no
official link, and every page labels it as demo content: it is never presented as a real
call. The programmes named are real (so the filters look like the real thing); the calls are
not. ``highlands funding-demo`` loads the set idempotently (keyed on ``demo_key``) through
``call_create`` acting as ``SYSTEM``; dates are relative to the day of loading.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from ..servicekit import SYSTEM
from . import services
from .document_rules import EASTERN_POLAND
from .models import FundingCall

WARSAW = ZoneInfo("Europe/Warsaw")
FEL = "European Funds for Lubelskie 2021–2027"
PARP = "European Funds for a Modern Economy (FENG) — PARP"
HORIZON = "Horizon Europe"

SME = {
    "id": "sme",
    "title": {
        "en": "A micro, small or medium-sized enterprise",
        "pl": "Mikro, małe lub średnie przedsiębiorstwo",
    },
    "condition": {"fact": "size_class", "in": ["micro", "small", "medium"]},
}
IN_LUBELSKIE = {
    "id": "seat-lubelskie",
    "title": {"en": "Seat in the Lublin voivodeship", "pl": "Siedziba w województwie lubelskim"},
    "condition": {"fact": "voivodeship", "in": ["lubelskie"]},
}
EASTERN = {
    "id": "seat-eastern-poland",
    "title": {"en": "Seat in Eastern Poland", "pl": "Siedziba w Polsce Wschodniej"},
    "condition": {"fact": "voivodeship", "in": EASTERN_POLAND},
}
METAL_ACTIVITY = {
    "id": "metal-activity",
    "title": {
        "en": "Activity in metal manufacturing (NACE 24 or 25)",
        "pl": "Działalność w produkcji metali lub wyrobów z metali (PKD 24 lub 25)",
    },
    "condition": {"fact": "nace_codes", "prefix": ["24", "25"]},
}
RESEARCH_OR_COMPANY = {
    "id": "applicant-type",
    "title": {
        "en": "A company, university or research institute",
        "pl": "Przedsiębiorstwo, uczelnia lub instytut badawczy",
    },
    "condition": {
        "any": [
            {"fact": "helix_role", "in": ["business", "academia"]},
            {"fact": "org_type", "in": ["company", "university", "research_institute"]},
        ]
    },
}


def _at(days: int, hour: int = 15) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, 0), tzinfo=WARSAW)


def demo_calls() -> list[dict[str, Any]]:
    return [
        {
            "demo_key": "fel-rd-sme",
            "programme": FEL,
            "identifier": "DEMO-FELU.01.02-IZ.00-001/26",
            "title": "R&D projects of small and medium-sized enterprises",
            "title_pl": "Projekty badawczo-rozwojowe małych i średnich przedsiębiorstw",
            "summary": "Grants for industrial research and experimental development carried "
            "out by SMEs with a seat in the Lublin voivodeship.",
            "summary_pl": "Dotacje na badania przemysłowe i prace rozwojowe prowadzone przez "
            "MŚP z siedzibą w województwie lubelskim.",
            "topics": ["r&d", "innovation"],
            "opens_at": _at(-20, 0),
            "closes_at": _at(45),
            "budget_eur": 12_000_000,
            "max_grant_eur": 1_500_000,
            "funding_rate": 70,
            "rules": [IN_LUBELSKIE, SME],
        },
        {
            "demo_key": "fel-circular-metal",
            "programme": FEL,
            "identifier": "DEMO-FELU.02.05-IZ.00-002/26",
            "title": "Circular economy in metal processing",
            "title_pl": "Gospodarka o obiegu zamkniętym w obróbce metali",
            "summary": "Investments that cut scrap and energy use in metal-processing plants "
            "of Eastern Poland.",
            "summary_pl": "Inwestycje ograniczające odpady i zużycie energii w zakładach "
            "obróbki metali w Polsce Wschodniej.",
            "topics": ["circular economy", "industry 4.0"],
            "opens_at": _at(-5, 0),
            "closes_at": _at(20),
            "budget_eur": 6_000_000,
            "max_grant_eur": 800_000,
            "funding_rate": 50,
            "rules": [EASTERN, SME, METAL_ACTIVITY],
        },
        {
            "demo_key": "feng-internationalisation",
            "programme": PARP,
            "identifier": "DEMO-FENG.02.25-IP.02-001/26",
            "title": "Internationalisation of SMEs: trade fairs and economic missions",
            "title_pl": "Internacjonalizacja MŚP: targi i misje gospodarcze",
            "summary": "Support for taking part in foreign trade fairs and economic missions.",
            "summary_pl": "Wsparcie udziału w zagranicznych targach i misjach gospodarczych.",
            "topics": ["internationalisation"],
            "opens_at": _at(30, 0),
            "closes_at": _at(90),
            "budget_eur": 20_000_000,
            "max_grant_eur": 200_000,
            "funding_rate": 80,
            "rules": [SME],
        },
        {
            "demo_key": "horizon-pilot-lines",
            "programme": HORIZON,
            "identifier": "DEMO-HORIZON-CL4-2026-TWIN-TRANSITION-01",
            "title": "Pilot lines for digital manufacturing",
            "title_pl": "Linie pilotażowe produkcji cyfrowej",
            "summary": "Consortia of companies and research organisations piloting digital "
            "manufacturing lines.",
            "summary_pl": "Konsorcja firm i organizacji badawczych pilotujące cyfrowe linie "
            "produkcyjne.",
            "topics": ["industry 4.0", "r&d"],
            "opens_at": _at(-120, 0),
            "closes_at": _at(-10, 17),
            "time_zone": "Europe/Brussels",
            "budget_eur": 40_000_000,
            "max_grant_eur": 5_000_000,
            "funding_rate": 70,
            "rules": [RESEARCH_OR_COMPANY],
        },
    ]


@transaction.atomic
def demo_load() -> int:
    """Create the demo calls not yet loaded; returns how many were created."""
    created = 0
    for data in demo_calls():
        key = data.pop("demo_key")
        if FundingCall.objects.filter(demo_key=key).exists():
            continue
        services.call_create(actor=SYSTEM, data={**data, "is_demo": True}, demo_key=key)
        created += 1
    return created
