"""``highlands generate-demo --organizations N``: a synthetic ecosystem for benchmarks and demos.

Everything it writes has ``is_synthetic=True`` and a ``demo-`` slug; synthetic
organisations only join synthetic clusters, lists and exports hide them, and search
returns them only when asked (``include_synthetic``).  ``--delete`` removes them all.
"""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from ....ecosystem.models import Cluster, HelixRole, Membership, Organization, OrganizationType
from ...indexing import rebuild
from ...progress import ProgressBar

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


class Command(BaseCommand):
    help = "Create (or --delete) a clearly marked synthetic ecosystem for benchmarks and demos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organizations", type=int, default=1000)
        parser.add_argument("--clusters", type=int, default=40)
        parser.add_argument("--seed", type=int, default=20260101)
        parser.add_argument("--delete", action="store_true", help="remove all synthetic records")
        parser.add_argument("--no-index", action="store_true", help="skip the index rebuild")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["delete"]:
            with transaction.atomic():
                Membership.objects.filter(organization__is_synthetic=True).delete()
                orgs, _ = Organization.objects.filter(is_synthetic=True).delete()
                clusters, _ = Cluster.objects.filter(is_synthetic=True).delete()
            self.stdout.write(f"Deleted the synthetic ecosystem ({orgs + clusters} rows).")
        else:
            n = self._generate(options["organizations"], options["clusters"], options["seed"])
            self.stdout.write(f"Created {n} synthetic organizations (is_synthetic=True).")
        if not options["no_index"]:
            rebuild(progress=ProgressBar(self.stderr._out))

    def _generate(self, n_orgs: int, n_clusters: int, seed: int) -> int:
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        start = Organization.objects.filter(is_synthetic=True).count()
        with transaction.atomic():
            clusters = list(Cluster.objects.filter(is_synthetic=True))
            for i in range(len(clusters), n_clusters):
                theme = rng.choice(VOCABULARY)
                clusters.append(
                    Cluster.objects.create(
                        slug=f"demo-cluster-{i + 1}",
                        name=f"Demo {theme.title()} Cluster {i + 1}",
                        display_name=f"Demo {theme.title()} Cluster {i + 1}",
                        year_established=rng.randint(2004, 2025),
                        position=10_000 + i,
                        is_synthetic=True,
                    )
                )
            roles = list(ROLE_TYPES)
            batch: list[Organization] = []
            for i in range(start, start + n_orgs):
                role = rng.choices(roles, ROLE_WEIGHTS)[0]
                stem = f"{rng.choice(STEMS)}{rng.choice(STEMS).lower()}"
                if rng.random() < 0.5:
                    name = f"{rng.choice(PREFIXES_PL)} {stem} {i + 1}"
                else:
                    name = f"{stem} {rng.choice(PREFIXES_EN)} {i + 1}"
                words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(5, 9)))
                city = rng.choice(CITIES)
                batch.append(
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
            Organization.objects.bulk_create(batch, batch_size=2000)
            orgs = Organization.objects.filter(
                is_synthetic=True, slug__in=[o.slug for o in batch[:1]]
            )
            first = orgs.first()
            created = Organization.objects.filter(
                is_synthetic=True, pk__gte=first.pk if first else 0
            )
            memberships = [
                Membership(
                    organization_id=pk,
                    cluster=rng.choice(clusters),
                    role="member",
                    listed_as=role,
                    position=j,
                )
                for j, (pk, role) in enumerate(created.values_list("pk", "helix_role"))
            ]
            Membership.objects.bulk_create(memberships, batch_size=5000, ignore_conflicts=True)
        return n_orgs
