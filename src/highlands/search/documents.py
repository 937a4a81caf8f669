"""Turning registry records into search documents (pure reads; one batch, fixed queries).

Each document type registers a builder here; adding offers, events or calls later means
adding a ``DocumentKind`` and a builder, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation

from ..ecosystem.models import (
    AttributeKind,
    Cluster,
    ClusterAttribute,
    FigureKind,
    HelixRole,
    HighlandCluster,
    Membership,
    MembershipRole,
    Organization,
    OrganizationAlias,
    OrganizationType,
)
from ..marketplace.models import CooperationProfile, Direction, ProfileKind
from ..marketplace.selectors import live_q
from ..text.analysis import acronym
from .models import DocumentKind

CHUNK_WORDS = 60


@dataclass
class DocumentData:
    """Everything the index needs about one record."""

    kind: str
    object_id: int
    title: str
    slug: str
    url: str
    names: list[str]
    body: list[str]
    passages: list[str]
    highlands: list[str] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)
    helix_role: str = ""
    year: int | None = None
    size: int | None = None
    is_synthetic: bool = False

    @property
    def chunks(self) -> list[str]:
        """Passages packed into chunks of about ``CHUNK_WORDS`` words, the title first."""
        chunks: list[str] = []
        current: list[str] = []
        for passage in self.passages:
            passage_words = passage.split()
            while passage_words:
                room = CHUNK_WORDS - len(current)
                if room <= 0 or (current and len(passage_words) > room and len(current) > 20):
                    chunks.append(" ".join(current))
                    current = []
                    room = CHUNK_WORDS
                current.extend(passage_words[:room])
                passage_words = passage_words[room:]
        if current:
            if chunks and len(current) < 20:  # a short tail joins the chunk before it
                chunks[-1] += " " + " ".join(current)
            else:
                chunks.append(" ".join(current))
        return chunks[:64]


def _cluster_queryset() -> Iterable[Cluster]:
    return Cluster.objects.select_related("parent").prefetch_related(
        "aliases",
        "highlands",
        "figures",
        "sub_clusters",
        Prefetch("attributes", queryset=ClusterAttribute.objects.order_by("kind", "position")),
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("organization").order_by("role", "position"),
        ),
    )


def _strip(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def build_clusters(pks: Iterable[int]) -> Iterator[DocumentData]:
    """Search documents for the given clusters (missing pks are skipped)."""
    for cluster in _cluster_queryset().filter(pk__in=list(pks)):  # type: ignore[attr-defined]
        aliases = [a.name for a in cluster.aliases.all()]
        names = [cluster.display_name, cluster.name or "", cluster.name_pl, *aliases]
        names += [acronym(n) for n in names if n]
        memberships = list(cluster.memberships.all())
        coordinators = [m.organization.name for m in memberships if m.role == "coordinator"]
        # Coordinators are how people name a cluster ("the SEBRUK cluster"), so they count
        # as names; other members stay in the body.
        names += coordinators + ([cluster.coordinator_stated] if cluster.coordinator_stated else [])
        members = [m.organization.name for m in memberships if m.role != "coordinator"]
        highlands = list(cluster.highlands.all())
        attributes = [a for a in cluster.attributes.all() if a.kind != AttributeKind.CONTACT]
        body = [
            f"Coordinator: {cluster.coordinator_stated or ''} {' '.join(coordinators)}",
            *(f"{a.title} {a.text}" for a in attributes),
            "Members: " + "; ".join(members),
            *(f"{h.name} {h.name_pl} {h.description}" for h in highlands),
        ]
        if cluster.parent:
            body.append(f"Part of {cluster.parent.display_name}")
        body += [f"Sub-cluster {s.display_name}" for s in cluster.sub_clusters.all()]
        lead = f"{cluster.display_name}. " + ". ".join(
            _strip(a.text) for a in attributes if a.kind == AttributeKind.CHARACTERISTICS
        )
        passages = [lead] + [
            _strip(f"{a.title}: {a.text}" if a.title else a.text)
            for a in attributes
            if a.kind != AttributeKind.CHARACTERISTICS and a.kind != AttributeKind.COORDINATOR_INFO
        ]
        # The strategy's text about the highland built on this cluster describes it too.
        passages += [_strip(h.description) for h in highlands if h.description]
        figures = {f.kind: f for f in sorted(cluster.figures.all(), key=lambda f: f.as_of)}
        stated = figures.get(FigureKind.MEMBERS)
        listed = sum(1 for m in memberships if m.role == "member")
        yield DocumentData(
            kind=DocumentKind.CLUSTER,
            object_id=cluster.pk,
            title=cluster.display_name,
            slug=cluster.slug,
            url=reverse("web:cluster", args=[cluster.slug]),
            names=[n for n in dict.fromkeys(names) if n],
            body=[b for b in body if b.strip()],
            passages=[p for p in passages if p],
            highlands=[h.slug for h in highlands],
            clusters=[cluster.pk] + ([cluster.parent_id] if cluster.parent_id else []),
            helix_role="",
            year=cluster.year_established,
            size=stated.value if stated else (listed or None),
            is_synthetic=cluster.is_synthetic,
        )


def build_organizations(pks: Iterable[int]) -> Iterator[DocumentData]:
    """Search documents for the given organisations (missing pks are skipped).

    Plain ``values()`` reads (four queries per batch): this runs for every organisation on
    a rebuild, so it avoids model instances and nested prefetches.
    """
    pks = list(pks)
    aliases: dict[int, list[str]] = {}
    for org_id, alias in OrganizationAlias.objects.filter(organization__in=pks).values_list(
        "organization_id", "name"
    ):
        aliases.setdefault(org_id, []).append(alias)
    memberships: dict[int, list[tuple[int, str, str]]] = {}
    for org_id, cluster_id, role, cluster_name in Membership.objects.filter(
        organization__in=pks
    ).values_list("organization_id", "cluster_id", "role", "cluster__display_name"):
        memberships.setdefault(org_id, []).append((cluster_id, role, cluster_name))
    cluster_ids = {c for rows in memberships.values() for c, _r, _n in rows}
    highlands_of: dict[int, set[str]] = {}
    for cluster_id, slug in HighlandCluster.objects.filter(cluster__in=cluster_ids).values_list(
        "cluster_id", "highland__slug"
    ):
        highlands_of.setdefault(cluster_id, set()).add(slug)
    roles = dict(HelixRole.choices)
    member_roles = dict(MembershipRole.choices)
    org_types = dict(OrganizationType.choices)
    url = reverse("web:organization", args=["SLUG"])
    rows = Organization.objects.filter(pk__in=pks).values_list(
        "pk",
        "name",
        "slug",
        "helix_role",
        "org_type",
        "year_established",
        "description",
        "city",
        "is_synthetic",
    )
    for pk, name, slug, helix_role, org_type, year, description, city, synthetic in rows:
        names = [name, *aliases.get(pk, [])]
        names += [acronym(n) for n in names]
        in_clusters_rows = memberships.get(pk, [])
        clusters = sorted({c for c, _r, _n in in_clusters_rows})
        highlands = sorted({h for c in clusters for h in highlands_of.get(c, ())})
        role_label = roles.get(helix_role, "")
        in_clusters = "; ".join(f"{member_roles.get(r, r)} of {n}" for _c, r, n in in_clusters_rows)
        body = [description, city, role_label, in_clusters, org_types.get(org_type, "")]
        lead = f"{name}. {description}".strip()
        passages = [lead] if description else [f"{lead} {role_label} {in_clusters}".strip()]
        yield DocumentData(
            kind=DocumentKind.ORGANIZATION,
            object_id=pk,
            title=name,
            slug=slug,
            url=url.replace("SLUG", slug),
            names=[n for n in dict.fromkeys(names) if n],
            body=[b for b in body if b],
            passages=passages,
            highlands=highlands,
            clusters=clusters,
            helix_role=helix_role,
            year=year,
            size=None,  # the registry states no headcount for organisations
            is_synthetic=synthetic,
        )


def _labels(choices: type[ProfileKind] | type[Direction], value: str) -> list[str]:
    """A stored code's label in English and Polish, so either language finds it."""
    labels = []
    for language in ("en", "pl"):
        with translation.override(language):
            labels.append(str(choices(value).label))
    return list(dict.fromkeys(labels))


def build_profiles(pks: Iterable[int]) -> Iterator[DocumentData]:
    """Search documents for the given cooperation profiles; only live ones are indexed.

    A draft, closed or expired profile yields nothing, so its document is removed.  The index
    is not what keeps a profile private: every search re-checks visibility and liveness
    against the database (``search.selectors``), since a profile also expires by the date.
    """
    profiles = list(
        CooperationProfile.objects.filter(live_q(), pk__in=list(pks))
        .select_related("organization")
        .prefetch_related("highlands")
    )
    clusters_of: dict[int, set[int]] = {}
    for org_id, cluster_id in Membership.objects.filter(
        organization__in={p.organization_id for p in profiles}
    ).values_list("organization_id", "cluster_id"):
        clusters_of.setdefault(org_id, set()).add(cluster_id)
    for profile in profiles:
        owner = profile.organization.name
        labels = _labels(ProfileKind, profile.kind) + _labels(Direction, profile.direction)
        body = [
            profile.description,
            ", ".join(profile.keywords),
            " ".join(labels),
            f"{owner} {profile.capacity} {profile.region}",
        ]
        lead = ". ".join(part for part in (profile.title, ", ".join(profile.keywords)) if part)
        yield DocumentData(
            kind=DocumentKind.PROFILE,
            object_id=profile.pk,
            title=profile.title,
            slug=str(profile.pk),
            url=reverse("marketplace:profile", args=[profile.pk]),
            names=[profile.title],
            body=[_strip(b) for b in body if b.strip()],
            passages=[_strip(lead), _strip(profile.description)],
            highlands=sorted(h.slug for h in profile.highlands.all()),
            clusters=sorted(clusters_of.get(profile.organization_id, ())),
            helix_role=profile.organization.helix_role,
            is_synthetic=False,  # demo profiles are labelled on their pages, not hidden
        )


BUILDERS: dict[str, Callable[[Iterable[int]], Iterator[DocumentData]]] = {
    DocumentKind.CLUSTER: build_clusters,
    DocumentKind.ORGANIZATION: build_organizations,
    DocumentKind.PROFILE: build_profiles,
}
# Documents that carry another record's data (a profile shows its owner's name, helix role
# and clusters): queueing that record also queues these, so they never show stale data.
EMBEDDING: dict[str, Callable[[list[int]], dict[str, Iterable[int]]]] = {
    DocumentKind.ORGANIZATION: lambda pks: {
        DocumentKind.PROFILE: CooperationProfile.objects.filter(
            live_q(), organization__in=pks
        ).values_list("pk", flat=True)
    },
}
ALL_IDS: dict[str, Callable[[], Iterable[int]]] = {
    DocumentKind.CLUSTER: lambda: Cluster.objects.order_by("pk").values_list("pk", flat=True),
    DocumentKind.ORGANIZATION: lambda: Organization.objects.order_by("pk").values_list(
        "pk", flat=True
    ),
    DocumentKind.PROFILE: lambda: (
        CooperationProfile.objects.filter(live_q()).order_by("pk").values_list("pk", flat=True)
    ),
}
