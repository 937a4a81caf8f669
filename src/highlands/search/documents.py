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

from ..ecosystem.models import (
    AttributeKind,
    Cluster,
    ClusterAttribute,
    FigureKind,
    HelixRole,
    Membership,
    Organization,
)
from .models import DocumentKind
from .text import acronym

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
        members = [m.organization.name for m in memberships if m.role != "coordinator"]
        highlands = list(cluster.highlands.all())
        attributes = [a for a in cluster.attributes.all() if a.kind != AttributeKind.CONTACT]
        body = [
            f"Coordinator: {cluster.coordinator_stated or ''} {' '.join(coordinators)}",
            *(f"{a.title} {a.text}" for a in attributes),
            "Members: " + "; ".join(members),
            *(f"{h.name} {h.name_pl}" for h in highlands),
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
    """Search documents for the given organisations (missing pks are skipped)."""
    qs = Organization.objects.filter(pk__in=list(pks)).prefetch_related(
        "aliases",
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("cluster").prefetch_related(
                "cluster__highlands"
            ),
        ),
    )
    roles = dict(HelixRole.choices)
    for org in qs:
        aliases = [a.name for a in org.aliases.all()]
        names = [org.name, *aliases]
        names += [acronym(n) for n in names]
        memberships = list(org.memberships.all())
        clusters = {m.cluster_id: m.cluster for m in memberships}
        highlands = {h.slug: h for c in clusters.values() for h in c.highlands.all()}
        role_label = roles.get(org.helix_role, "")
        in_clusters = "; ".join(
            f"{m.get_role_display()} of {m.cluster.display_name}" for m in memberships
        )
        body = [org.description, org.city, role_label, in_clusters, org.get_org_type_display()]
        lead = f"{org.name}. {org.description}".strip()
        passages = [lead] if org.description else [f"{lead} {role_label} {in_clusters}".strip()]
        yield DocumentData(
            kind=DocumentKind.ORGANIZATION,
            object_id=org.pk,
            title=org.name,
            slug=org.slug,
            url=reverse("web:organization", args=[org.slug]),
            names=[n for n in dict.fromkeys(names) if n],
            body=[b for b in body if b],
            passages=passages,
            highlands=sorted(highlands),
            clusters=sorted(clusters),
            helix_role=org.helix_role,
            year=org.year_established,
            size=None,  # the registry states no headcount for organisations
            is_synthetic=org.is_synthetic,
        )


BUILDERS: dict[str, Callable[[Iterable[int]], Iterator[DocumentData]]] = {
    DocumentKind.CLUSTER: build_clusters,
    DocumentKind.ORGANIZATION: build_organizations,
}
ALL_IDS: dict[str, Callable[[], Iterable[int]]] = {
    DocumentKind.CLUSTER: lambda: Cluster.objects.order_by("pk").values_list("pk", flat=True),
    DocumentKind.ORGANIZATION: lambda: Organization.objects.order_by("pk").values_list(
        "pk", flat=True
    ),
}
