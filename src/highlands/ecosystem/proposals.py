"""Which highland might a cluster belong to?  Proposals for the city office, never facts.

Most clusters belong to no highland because the source document does not say.  For each of
them this compares what the cluster is about (its names, characteristics, goals, services and
products, in both languages) with what each highland is about (its name and description and
the clusters the document builds it on), through the search layer: the multilingual sentence
encoder (`search.encoders`, meaning across Polish and English) and the search analyzer (the
words both texts use).  The result is a ranked list with reasons a person reads before
confirming; nothing is stored until they do (`services.highland_cluster_assign`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..search.encoders import bounded_text, get_encoder
from ..text.analysis import STOP_WORDS, analyze
from .models import AttributeKind, Cluster, ClusterAttribute, Highland, HighlandCluster

TOPIC_KINDS = (
    AttributeKind.CHARACTERISTICS,
    AttributeKind.MISSION,
    AttributeKind.GOAL,
    AttributeKind.ACTIVITY,
    AttributeKind.SERVICE,
    AttributeKind.PRODUCT,
)
PROPOSE_FROM = 0.30  # cosine similarity of the two texts' vectors below which nothing is proposed
STRONG_FROM = 0.45  # "close in meaning" rather than "somewhat close"
PER_CLUSTER = 2
SHARED_WORDS_SHOWN = 6
COMMON_SHARE = 0.25  # a word in more than this share of the texts is too common to be a reason
_WORD = re.compile(r"\w+", re.UNICODE)
_MIN_WORD = 4


@dataclass
class Proposal:
    highland: Highland
    similarity: float
    strong: bool
    shared_words: list[str] = field(default_factory=list)


@dataclass
class ClusterProposals:
    cluster: Cluster
    proposals: list[Proposal]


def _cluster_text(cluster: Cluster, attributes: list[ClusterAttribute]) -> str:
    parts = [cluster.display_name, cluster.name or "", cluster.name_pl]
    parts += [f"{a.title} {a.text}".strip() for a in attributes]
    return bounded_text(". ".join(p for p in parts if p))


def _stems(text: str) -> dict[str, str]:
    """Stem → the first word of the text that has it (for showing), content words only."""
    found: dict[str, str] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) < _MIN_WORD or word.isdigit():
            continue
        stems = analyze(word, keep_stop_words=False)
        if stems and stems[0] not in STOP_WORDS:
            found.setdefault(stems[0], word)
    return found


def highland_proposals(*, clusters: list[Cluster] | None = None) -> list[ClusterProposals]:
    """Clusters the document assigns to no highland, each with up to ``PER_CLUSTER``
    highlands whose topic is close, best first (clusters with no close highland included,
    with no proposal)."""
    highlands = list(Highland.objects.order_by("position", "pk"))
    linked = set(HighlandCluster.objects.values_list("cluster_id", flat=True))
    if clusters is None:
        clusters = list(
            Cluster.objects.filter(is_synthetic=False, parent__isnull=True)
            .exclude(pk__in=linked)
            .order_by("position", "pk")
        )
    if not highlands or not clusters:
        return [ClusterProposals(cluster=c, proposals=[]) for c in clusters]
    attributes: dict[int, list[ClusterAttribute]] = {}
    for attribute in ClusterAttribute.objects.filter(kind__in=TOPIC_KINDS).order_by(
        "cluster_id", "kind", "position"
    ):
        attributes.setdefault(attribute.cluster_id, []).append(attribute)
    cluster_texts = [_cluster_text(c, attributes.get(c.pk, [])) for c in clusters]
    base: dict[int, list[Cluster]] = {}
    for link in HighlandCluster.objects.select_related("cluster"):
        base.setdefault(link.highland_id, []).append(link.cluster)
    highland_texts = [
        bounded_text(
            ". ".join(
                p
                for p in [
                    h.name,
                    h.name_pl,
                    h.description,
                    h.description_pl,
                    *(_cluster_text(c, attributes.get(c.pk, [])) for c in base.get(h.pk, [])),
                ]
                if p
            )
        )
        for h in highlands
    ]
    vectors = get_encoder().encode([*cluster_texts, *highland_texts])
    cluster_vectors, highland_vectors = vectors[: len(clusters)], vectors[len(clusters) :]
    similarity = np.asarray(cluster_vectors @ highland_vectors.T, dtype=np.float64)
    highland_stems = [_stems(text) for text in highland_texts]
    cluster_stems = [_stems(text) for text in cluster_texts]
    # A word many of the texts use ("cluster", "Lublin", "support", "through") says nothing
    # about a topic: only the rarer words both sides share are shown as a reason.
    texts = [*highland_stems, *cluster_stems]
    common = Counter(stem for stems in texts for stem in stems)
    everywhere = {stem for stem, n in common.items() if n > max(2, len(texts) * COMMON_SHARE)}
    result = []
    for row, cluster in enumerate(clusters):
        own = cluster_stems[row]
        ranked = sorted(range(len(highlands)), key=lambda col: -similarity[row, col])
        proposals = []
        for col in ranked[:PER_CLUSTER]:
            score = float(similarity[row, col])
            if score < PROPOSE_FROM:
                break
            shared = [
                word
                for stem, word in own.items()
                if stem in highland_stems[col] and stem not in everywhere
            ]
            proposals.append(
                Proposal(
                    highland=highlands[col],
                    similarity=round(score, 3),
                    strong=score >= STRONG_FROM,
                    shared_words=shared[:SHARED_WORDS_SHOWN],
                )
            )
        result.append(ClusterProposals(cluster=cluster, proposals=proposals))
    return result
