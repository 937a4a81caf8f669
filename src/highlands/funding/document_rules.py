"""The admission rules the source document states, loaded as the defaults of those clusters.

Only what the document says: each rule carries the line it comes from in
``lublin-economic-highlands.txt``. Clusters whose profile states no admission rule get none
(their admission is the coordinator's call; nothing is invented here).
"""

from __future__ import annotations

from typing import Any

EASTERN_POLAND = [
    "lubelskie",
    "podkarpackie",
    "swietokrzyskie",
    "podlaskie",
    "warminsko-mazurskie",
]

# Keyed on the cluster's name as the document states it (``Cluster.name``).
DOCUMENT_RULES: dict[str, list[dict[str, Any]]] = {
    "Eastern Metal Processing Cluster": [
        {
            "id": "eastern-poland",
            "line": 186,
            "title": {
                "en": "Seat in Eastern Poland (Lublin, Subcarpathian, Świętokrzyskie, "
                "Podlaskie or Warmian-Masurian)",
                "pl": "Siedziba w Polsce Wschodniej (lubelskie, podkarpackie, "
                "świętokrzyskie, podlaskie lub warmińsko-mazurskie)",
            },
            "condition": {"fact": "voivodeship", "in": EASTERN_POLAND},
        },
        {
            "id": "metal-revenue-40",
            "line": 186,
            "title": {
                "en": "At least 40 % of revenue from metal-processing services or own "
                "production made with metal processes",
                "pl": "Co najmniej 40 % przychodów ze sprzedaży usług obróbki metali lub "
                "własnej produkcji wytwarzanej w procesach obróbki metali",
            },
            "condition": {
                "sum": [
                    "revenue_shares.metal_processing_services",
                    "revenue_shares.own_metal_production",
                ],
                "gte": 0.4,
            },
        },
    ],
    "ESTA Cluster": [
        {
            "id": "closed-group",
            "line": 60,
            "title": {
                "en": "ESTA is a closed group of entrepreneurs: it admits by invitation",
                "pl": "ESTA to zamknięta grupa przedsiębiorców: przyjmuje na zaproszenie",
            },
            "condition": {"closed": True},
        },
    ],
    "Lublin Medicine – Medical & Wellness Cluster": [
        {
            "id": "participant-type",
            "line": 267,
            "title": {
                "en": "A university, R&D unit, healthcare entity, medical or medical-related "
                "company, business environment institution or local government unit",
                "pl": "Uczelnia, jednostka badawczo-rozwojowa, podmiot leczniczy, "
                "przedsiębiorca z branży medycznej lub pokrewnej, instytucja otoczenia "
                "biznesu albo jednostka samorządu terytorialnego",
            },
            "condition": {
                "any": [
                    {"fact": "org_type", "in": ["university", "research_institute"]},
                    {"fact": "org_type", "in": ["municipality"]},
                    {"fact": "helix_role", "in": ["bei"]},
                    # Healthcare (NACE Q 86) and the medical industries: pharmaceuticals
                    # (21), irradiation/electromedical equipment (26.6), medical instruments
                    # (32.5).
                    {"fact": "nace_codes", "prefix": ["86", "21", "26.6", "32.5"]},
                ]
            },
        },
    ],
}


def document_rules(cluster_name: str | None) -> list[dict[str, Any]] | None:
    """The rules the document states for the cluster with this name, or ``None``."""
    if not cluster_name:
        return None
    return DOCUMENT_RULES.get(cluster_name)
