"""A synthetic ecosystem for benchmarks and demos: deterministic, clearly marked records.

``synthetic_clusters`` / ``synthetic_organizations`` / ``synthetic_memberships`` only build
unsaved rows from a seeded random generator; ``services.synthetic_ecosystem_generate`` saves
them in bulk (with one audit entry).  Everything has ``is_synthetic=True`` and a ``demo-``
slug; synthetic organisations only join synthetic clusters.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from .models import Cluster, HelixRole, Membership, Organization, OrganizationType

CITIES = (
    "Lublin",
    "Świdnik",
    "Puławy",
    "Chełm",
    "Zamość",
    "Biała Podlaska",
    "Kraśnik",
    "Łęczna",
    "Łuków",
    "Tomaszów Lubelski",
    "Hrubieszów",
    "Biłgoraj",
    "Lubartów",
    "Międzyrzec Podlaski",
)
PREFIXES_PL = ("Zakład", "Przedsiębiorstwo", "Pracownia", "Fabryka", "Centrum", "Grupa", "Instytut")
PREFIXES_EN = ("Works", "Systems", "Solutions", "Technologies", "Labs", "Group", "Industries")
STEMS = (
    "Metal",
    "Stal",
    "Lot",
    "Med",
    "Bio",
    "Drew",
    "Eko",
    "Opti",
    "Info",
    "Agro",
    "Auto",
    "Termo",
    "Elektro",
    "Hydro",
    "Foto",
    "Chem",
    "Tech",
    "Mech",
    "Pol",
    "Lub",
)
VOCABULARY = (
    "sheet metal cutting and bending",
    "steel hardening",
    "welding",
    "machining",
    "milling",
    "grinding",
    "heat treatment",
    "anti-corrosion protection",
    "quality tests",
    "steel tanks",
    "steel structures",
    "heat exchangers",
    "assembly of technological lines",
    "plastic processing",
    "helicopter components",
    "aviation training",
    "cargo handling",
    "logistics centre",
    "optical fiber technology",
    "photonics research",
    "laser systems",
    "medical services",
    "wellness and spa",
    "rehabilitation",
    "biotechnology laboratory",
    "clinical research",
    "precision agriculture",
    "soil analysis",
    "drones for agriculture",
    "furniture production",
    "wood processing",
    "renewable energy",
    "solar installations",
    "biomass boilers",
    "smart grid",
    "software development",
    "cloud services",
    "cybersecurity audits",
    "artificial intelligence",
    "robotics and automation",
    "industry 4.0 consulting",
    "circular economy advisory",
    "waste minimisation",
    "regional cuisine",
    "hotel services",
    "fashion design",
    "textile printing",
    "training sessions and workshops",
    "funding applications",
    "trade fairs",
    "economic missions",
    "study visits",
    "obróbka metali",
    "hartowanie stali",
    "spawanie",
    "powłoki antykorozyjne",
    "usługi medyczne",
    "meble na zamówienie",
    "odnawialne źródła energii",
    "oprogramowanie",
)
ROLE_TYPES = {
    HelixRole.BUSINESS: OrganizationType.COMPANY,
    HelixRole.BEI: OrganizationType.TECHNOLOGY_PARK,
    HelixRole.ACADEMIA: OrganizationType.UNIVERSITY,
    HelixRole.PUBLIC_AUTHORITY: OrganizationType.PUBLIC_AGENCY,
    HelixRole.CIVIL_SOCIETY: OrganizationType.ASSOCIATION,
}
ROLE_WEIGHTS = (70, 12, 8, 4, 6)


def synthetic_clusters(rng: random.Random, start: int, stop: int) -> list[Cluster]:
    """Unsaved synthetic clusters number ``start + 1`` to ``stop``."""
    clusters = []
    for i in range(start, stop):
        theme = rng.choice(VOCABULARY)
        clusters.append(
            Cluster(
                slug=f"demo-cluster-{i + 1}",
                name=f"Demo {theme.title()} Cluster {i + 1}",
                display_name=f"Demo {theme.title()} Cluster {i + 1}",
                year_established=rng.randint(2004, 2025),
                position=10_000 + i,
                is_synthetic=True,
            )
        )
    return clusters


def synthetic_organizations(rng: random.Random, start: int, stop: int) -> list[Organization]:
    """Unsaved synthetic organisations number ``start + 1`` to ``stop``."""
    roles = list(ROLE_TYPES)
    organizations = []
    for i in range(start, stop):
        role = rng.choices(roles, ROLE_WEIGHTS)[0]
        stem = f"{rng.choice(STEMS)}{rng.choice(STEMS).lower()}"
        if rng.random() < 0.5:
            name = f"{rng.choice(PREFIXES_PL)} {stem} {i + 1}"
        else:
            name = f"{stem} {rng.choice(PREFIXES_EN)} {i + 1}"
        words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(5, 9)))
        city = rng.choice(CITIES)
        organizations.append(
            Organization(
                slug=f"demo-org-{i + 1}",
                name=name,
                normalized_name=f"demo org {i + 1}",
                helix_role=role,
                org_type=ROLE_TYPES[role],
                year_established=rng.randint(1950, 2025),
                city=city,
                description=f"Synthetic demo organisation in {city}: {words}.",
                is_synthetic=True,
            )
        )
    return organizations


def synthetic_memberships(
    rng: random.Random, members: Sequence[tuple[int, str]], clusters: Sequence[Cluster]
) -> list[Membership]:
    """Each (organisation id, helix role) joins one random synthetic cluster as a member."""
    return [
        Membership(
            organization_id=pk,
            cluster=rng.choice(clusters),
            role="member",
            listed_as=role,
            position=j,
        )
        for j, (pk, role) in enumerate(members)
    ]
