"""The demo set: realistic profiles derived from the source document's services and products.

Every record is flagged ``is_demo=True`` and shown as demo content.  Owners are organisations
the source names (e.g. the Eastern Metal Processing Cluster's coordinator WKTiR posts its
members' subcontracting services); ``highlands marketplace-demo`` loads the set idempotently,
keyed on ``demo_key``, through the same services as people (acting as ``SYSTEM``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..audit.services import audit_record
from ..ecosystem.models import Highland, Organization
from ..servicekit import SYSTEM
from . import services
from .models import CooperationProfile, Interest, ProfileKind

WKTIR = "voivodeship-club-of-technology-and-rationalization"
METAL_NOTE = (
    " Offered by member companies of the Eastern Metal Processing Cluster (Lublin, "
    "Świętokrzyskie and Subcarpathian regions); the cluster coordinator WKTiR forwards enquiries."
)


@dataclass(frozen=True)
class DemoProfile:
    key: str
    organization: str
    kind: str
    title: str
    description: str
    keywords: tuple[str, ...] = ()
    highlands: tuple[str, ...] = ()
    capacity: str = ""
    region: str = ""
    language: str = "en"
    visibility: str = "public"


def _metal(
    key: str, title: str, description: str, *keywords: str, capacity: str = ""
) -> DemoProfile:
    return DemoProfile(
        key=key,
        organization=WKTIR,
        kind=ProfileKind.SUBCONTRACTING,
        title=title,
        description=description + METAL_NOTE,
        keywords=("metal processing", *keywords),
        highlands=("automotive-and-machine",),
        capacity=capacity,
        region="Eastern Poland",
    )


DEMO_PROFILES: tuple[DemoProfile, ...] = (
    # Eastern Metal Processing Cluster — services (source: "Services offered by companies").
    _metal(
        "emp-sheet-metal",
        "Sheet metal cutting and bending",
        "Laser and plasma cutting of sheet metal and CNC press-brake bending of steel, stainless "
        "and aluminium sheets, from prototypes to series.",
        "sheet metal",
        "cutting",
        "bending",
        capacity="up to 3 mm, 500 pcs/month",
    ),
    _metal(
        "emp-hardening",
        "Steel hardening and heat treatment",
        "Hardening, tempering, annealing and other heat treatment of steel parts and tools.",
        "hardening",
        "heat treatment",
    ),
    _metal(
        "emp-welding",
        "Welding of steel structures",
        "MIG/MAG and TIG welding of steel and stainless components and structures.",
        "welding",
    ),
    _metal(
        "emp-machining",
        "Machining: turning, milling and grinding",
        "CNC machining of metal parts: turning, milling, grinding, drilling to drawings.",
        "machining",
        "milling",
        "grinding",
    ),
    _metal(
        "emp-anticorrosion",
        "Anti-corrosion protection of metal",
        "Anti-corrosion protection: galvanising, painting and powder coating of steel elements.",
        "anti-corrosion",
        "coating",
    ),
    _metal(
        "emp-quality-tests",
        "Quality tests of metal products",
        "Quality testing and inspection of metal products and welds.",
        "quality tests",
        "inspection",
    ),
    _metal(
        "emp-lines-cranes",
        "Assembly, repair and modernisation of technological lines and cranes",
        "Assembly, repair and modernisation of technological production lines and cranes; "
        "servicing of food and chemical industry machines.",
        "maintenance",
        "cranes",
        "production lines",
    ),
    _metal(
        "emp-engine-blocks",
        "Regeneration of engine blocks",
        "Regeneration and reconditioning of combustion engine blocks.",
        "engine",
        "regeneration",
    ),
    _metal(
        "emp-plastics",
        "Plastic processing",
        "Processing of plastics alongside metal work: cutting, forming, injection parts.",
        "plastics",
    ),
    # Eastern Metal Processing Cluster — products.
    DemoProfile(
        key="emp-heat-exchangers",
        organization=WKTIR,
        kind=ProfileKind.BUSINESS_OFFER,
        title="Heat exchangers and steel tanks",
        description="Design and manufacture of heat exchangers, steel tanks and containers."
        + METAL_NOTE,
        keywords=("heat exchangers", "tanks", "containers"),
        highlands=("automotive-and-machine",),
    ),
    DemoProfile(
        key="emp-steel-structures",
        organization=WKTIR,
        kind=ProfileKind.BUSINESS_OFFER,
        title="Steel structures and halls",
        description="Steel structures, design and construction of halls, pavilions, fences, "
        "railings and balustrades." + METAL_NOTE,
        keywords=("steel structures", "halls", "construction"),
        highlands=("automotive-and-machine",),
    ),
    DemoProfile(
        key="emp-food-lines",
        organization=WKTIR,
        kind=ProfileKind.BUSINESS_OFFER,
        title="Complete lines for food processing",
        description="Complete production lines and machines for food processing plants."
        + METAL_NOTE,
        keywords=("food processing", "machines"),
        highlands=("automotive-and-machine",),
    ),
    DemoProfile(
        key="emp-screws-mining",
        organization=WKTIR,
        kind=ProfileKind.BUSINESS_OFFER,
        title="Specialised screws and small metal parts for mining",
        description="Specialised screws, small metal parts including for mining, wire production "
        "and cutting." + METAL_NOTE,
        keywords=("screws", "fasteners", "mining", "wire"),
        highlands=("automotive-and-machine",),
    ),
    DemoProfile(
        key="emp-tools",
        organization=WKTIR,
        kind=ProfileKind.BUSINESS_OFFER,
        title="Diamond and sintered tools",
        description="Diamond and sintered cutting tools for stone, construction and industry."
        + METAL_NOTE,
        keywords=("tools", "diamond", "sintered"),
        highlands=("automotive-and-machine",),
    ),
    DemoProfile(
        key="emp-boilers",
        organization=WKTIR,
        kind=ProfileKind.BUSINESS_OFFER,
        title="Central heating boilers and furnaces",
        description="Central heating boilers and furnaces manufactured by cluster members."
        + METAL_NOTE,
        keywords=("boilers", "heating", "furnaces"),
    ),
    DemoProfile(
        key="emp-locks",
        organization=WKTIR,
        kind=ProfileKind.BUSINESS_OFFER,
        title="Locks, padlocks and door accessories",
        description="Locks, padlocks, door handles and accessories, kiosks and housings."
        + METAL_NOTE,
        keywords=("locks", "door hardware"),
    ),
    # Photonics and Optical Fiber Cluster.
    DemoProfile(
        key="photonics-fibre-sensors",
        organization="polish-center-of-photonics-and-optical-fiber",
        kind=ProfileKind.TECHNOLOGY_OFFER,
        title="Optical fibre sensors and photonic components",
        description="Design and manufacture of special optical fibres and fibre-optic sensors "
        "(temperature, strain, pressure) building on the optical fibre technology laboratory "
        "of Maria Curie-Skłodowska University.",
        keywords=("photonics", "optical fibre", "sensors"),
        highlands=("it",),
    ),
    DemoProfile(
        key="photonics-lab",
        organization="polish-center-of-photonics-and-optical-fiber",
        kind=ProfileKind.EXPERTISE,
        title="Optical measurement laboratory",
        description="Laboratory measurements of optical fibres, lasers and photonic devices: "
        "attenuation, spectra, reflectometry.",
        keywords=("photonics", "laboratory", "measurement"),
    ),
    # Medicine.
    DemoProfile(
        key="med-clinical-research",
        organization="medical-university-of-lublin",
        kind=ProfileKind.EXPERTISE,
        title="Clinical research and trials of medical devices",
        description="The Medical University of Lublin runs clinical studies, validation and "
        "trials of medical devices and health technologies with hospital partners.",
        keywords=("clinical trials", "medical devices", "health"),
        highlands=("medical",),
    ),
    DemoProfile(
        key="med-rd-telemedicine",
        organization="medical-university-of-lublin",
        kind=ProfileKind.RD_COOPERATION,
        title="Partners for telemedicine and digital health R&D",
        description="Looking for IT companies to co-develop telemedicine and remote patient "
        "monitoring solutions for the Lublin Medicine cluster.",
        keywords=("telemedicine", "digital health", "software"),
        highlands=("medical", "it"),
    ),
    # Biotechnology.
    DemoProfile(
        key="bio-lab-analyses",
        organization="uniwersytet-przyrodniczy-w-lublinie",
        kind=ProfileKind.EXPERTISE,
        title="Analizy mikrobiologiczne i biotechnologiczne",
        description="Laboratorium uczelni wykonuje analizy mikrobiologiczne, badania "
        "fermentacji i hodowle komórkowe dla firm z branży spożywczej i biotechnologicznej.",
        keywords=("biotechnologia", "mikrobiologia", "laboratorium"),
        highlands=("biotechnological",),
        language="pl",
    ),
    # Aviation.
    DemoProfile(
        key="avi-supplier-request",
        organization="pzl-swidnik",
        kind=ProfileKind.BUSINESS_REQUEST,
        title="Suppliers of machined aluminium parts for helicopters",
        description="We look for certified suppliers of precision machined aluminium and "
        "titanium parts for helicopter structures.",
        keywords=("aviation", "machining", "suppliers"),
        highlands=("aviation",),
        capacity="batches of 50–200 parts",
    ),
    DemoProfile(
        key="avi-composites-rd",
        organization="politechnika-lubelska",
        kind=ProfileKind.EXPERTISE,
        title="Composite materials testing for aviation",
        description="Lublin University of Technology tests strength and fatigue of composite "
        "and metal materials for aviation and automotive structures.",
        keywords=("composites", "materials testing", "aviation"),
        highlands=("aviation", "automotive-and-machine"),
    ),
    # IT / Industry 4.0 (LubTechBridge) and energy.
    DemoProfile(
        key="it-industry40",
        organization="software-camp-sp-z-oo",
        kind=ProfileKind.TECHNOLOGY_OFFER,
        title="Industry 4.0 digitisation of production",
        description="Digitisation, automation and intelligent management of production "
        "processes: MES, IoT data collection and dashboards for manufacturing SMEs.",
        keywords=("Industry 4.0", "IoT", "automation", "software"),
        highlands=("it",),
    ),
    DemoProfile(
        key="bei-consulting",
        organization="netrix-group-sp-z-oo",
        kind=ProfileKind.BUSINESS_OFFER,
        title="Business process optimisation and investment analysis",
        description="Consulting for SMEs: optimisation of business processes and analysis of "
        "investment projects according to the UNIDO methodology.",
        keywords=("consulting", "UNIDO", "business processes"),
    ),
    DemoProfile(
        key="energy-res-design",
        organization="foundation-for-lubelskie-development",
        kind=ProfileKind.BUSINESS_OFFER,
        title="Renewable energy installations: design and energy efficiency",
        description="Partners of the Lublin Eco-Energy Cluster design and build solar, wind and "
        "biomass installations and improve energy efficiency of buildings.",
        keywords=("renewable energy", "solar", "biomass", "energy efficiency"),
    ),
    DemoProfile(
        key="wood-houses",
        organization="association-lubelskie-drewno-regional-cluster-in-lublin",
        kind=ProfileKind.BUSINESS_OFFER,
        title="Construction of wooden houses",
        description="Members of the Lublin Wood cluster build wooden houses and timber frame "
        "buildings.",
        keywords=("wood", "timber", "houses"),
    ),
    DemoProfile(
        key="hydrogen-bus-request",
        organization="pak-pce-polski-autobus-wodorowy-sp-z-oo",
        kind=ProfileKind.TECHNOLOGY_REQUEST,
        title="Corrosion protection for hydrogen bus frames",
        description="We need a subcontractor for anti-corrosion coating of steel frames and "
        "chassis parts of hydrogen buses.",
        keywords=("hydrogen", "bus", "corrosion"),
        highlands=("automotive-and-machine",),
    ),
)

# Demo cooperations: (profile key, interested organisation, ratings owner→partner, partner→owner)
DEMO_COOPERATIONS: tuple[tuple[str, str, int, int], ...] = (
    ("emp-sheet-metal", "pzl-swidnik", 5, 5),
    ("emp-hardening", "lubelska-wytwornia-dzwigow-osobowych-lift-service-sa", 4, 5),
    ("photonics-lab", "politechnika-lubelska", 5, 4),
)


@transaction.atomic
def demo_load(*, actor: Any = SYSTEM) -> dict[str, int]:
    """Create the missing demo records (idempotent) through the marketplace's services;
    returns counts of what was created."""
    created = {"profiles": 0, "interests": 0, "confirmations": 0}
    organizations = Organization.objects.in_bulk(
        {p.organization for p in DEMO_PROFILES} | {c[1] for c in DEMO_COOPERATIONS},
        field_name="slug",
    )
    highlands = Highland.objects.in_bulk(field_name="slug")
    profiles: dict[str, CooperationProfile] = {
        p.demo_key: p for p in CooperationProfile.objects.filter(is_demo=True)
    }
    valid_until = timezone.localdate() + timedelta(days=365)
    for demo in DEMO_PROFILES:
        organization = organizations.get(demo.organization)
        if organization is None or demo.key in profiles:
            continue  # the registry lacks the owner (not imported) or it exists already
        profiles[demo.key] = services.profile_create(
            actor=actor,
            organization=organization,
            kind=demo.kind,
            title=demo.title,
            description=demo.description,
            language=demo.language,
            keywords=demo.keywords,
            highlands=[highlands[h] for h in demo.highlands if h in highlands],
            capacity=demo.capacity,
            region=demo.region,
            valid_until=valid_until,
            visibility=demo.visibility,
            publish=True,
            is_demo=True,
            demo_key=demo.key,
        )
        created["profiles"] += 1
    for key, partner_slug, owner_rating, partner_rating in DEMO_COOPERATIONS:
        profile, partner = profiles.get(key), organizations.get(partner_slug)
        if profile is None or partner is None:
            continue
        interest = Interest.objects.filter(profile=profile, organization=partner).first()
        if interest is None:
            interest = services.interest_express(
                actor=actor,
                profile=profile,
                organization=partner,
                message="Demo cooperation (demo content).",
                is_demo=True,
            )
            services.interest_decide(actor=actor, interest=interest, accept=True)
            services.cooperation_close(actor=actor, interest=interest)
            created["interests"] += 1
        confirmed = set(interest.confirmations.values_list("organization_id", flat=True))
        for side, rating in ((profile.organization, owner_rating), (partner, partner_rating)):
            if side.pk in confirmed:
                continue
            services.cooperation_confirm(
                actor=actor, interest=interest, organization=side, rating=rating, is_demo=True
            )
            created["confirmations"] += 1
    if any(created.values()):
        audit_record(actor=actor, action="marketplace.demo_load", after=created)
    return created
