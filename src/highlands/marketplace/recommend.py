"""Explainable partner recommendations: "who should you talk to".

Score = 0.70 · semantic fit (cross-lingual sentence vectors, offer ↔ request)
      + 0.10 · complementary helix roles
      + 0.10 · proximity (shared cluster, shared or neighbouring highland)
      + 0.10 · track record (confirmed cooperations × average rating)
Every result carries the reasons that made its score, in words.

Ranking runs on an in-process numpy index of all profile vectors (rebuilt when profiles
change), so one recommendation is a matrix–vector product.  The index only pre-filters:
the final candidates are re-checked against ``selectors.profiles_visible_to`` in the
database, so a stale index can never show a profile to someone who may not see it.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..ecosystem.models import (
    AttributeKind,
    Cluster,
    ClusterAttribute,
    HighlandCluster,
    HighlandCooperation,
    Membership,
    Organization,
)
from . import encoding
from .models import CapabilityVector, CooperationProfile, Direction, ProfileStatus, Visibility
from .selectors import (
    Badge,
    Viewer,
    all_badges,
    live_q,
    profiles_visible_to,
    viewer_of,
    visibility_q,
)

W_SEMANTIC, W_HELIX, W_PROXIMITY, W_TRACK = 0.70, 0.10, 0.10, 0.10
MIN_FIT = 0.20  # below this cosine a candidate is noise, whatever else it has
# A semantic fit in words for people (``match_words``): the cosine is an internal score.
FIT_STRONG, FIT_GOOD = 0.60, 0.40
_SCORE = re.compile(r"\s*\((?:fit|dopasowanie)\s+-?\d+[.,]\d+\)")
CAPABILITY_KINDS = (
    AttributeKind.SERVICE,
    AttributeKind.PRODUCT,
    AttributeKind.CHARACTERISTICS,
    AttributeKind.ACTIVITY,
    AttributeKind.MISSION,
)

# How well two helix roles complement each other (symmetric; missing pairs score 0.2).
HELIX_FIT: dict[frozenset[str], float] = {
    frozenset({"business", "academia"}): 1.0,
    frozenset({"business"}): 0.6,  # subcontracting and supply chains
    frozenset({"business", "bei"}): 0.6,
    frozenset({"academia", "bei"}): 0.5,
    frozenset({"academia", "public_authority"}): 0.5,
    frozenset({"business", "public_authority"}): 0.4,
    frozenset({"academia"}): 0.5,  # joint research
}
HELIX_NAMES = {
    "business": "business",
    "bei": "business environment institution",
    "academia": "academia",
    "public_authority": "public authority",
    "civil_society": "civil society",
}
OPPOSITE: dict[str, tuple[str, ...]] = {
    Direction.OFFER: (Direction.REQUEST, Direction.PARTNERSHIP),
    Direction.REQUEST: (Direction.OFFER, Direction.PARTNERSHIP),
    Direction.PARTNERSHIP: (Direction.OFFER, Direction.REQUEST, Direction.PARTNERSHIP),
}
DIRECTION_CODE: dict[str, int] = {
    Direction.OFFER: 0,
    Direction.REQUEST: 1,
    Direction.PARTNERSHIP: 2,
}
VISIBILITY_CODE: dict[str, int] = {
    Visibility.PUBLIC: 0,
    Visibility.ECOSYSTEM: 1,
    Visibility.CLUSTERS: 2,
}


def helix_fit(a: str, b: str) -> float:
    if not a or not b:
        return 0.2
    return HELIX_FIT.get(frozenset({a, b}), 0.2)


@dataclass
class Recommendation:
    organization: Organization
    score: float
    fit: float
    reasons: list[str]
    badge: Badge
    profile: CooperationProfile | None = None

    @property
    def kind(self) -> str:
        return "profile" if self.profile is not None else "organization"


@dataclass
class Recommendations:
    profiles: list[Recommendation] = field(default_factory=list)
    organizations: list[Recommendation] = field(default_factory=list)


# -- the ecosystem graph (organisations, clusters, highlands) --------------------------------


@dataclass
class Graph:
    org_index: dict[int, int]
    org_ids: np.ndarray
    helix: list[str]
    mem_org: np.ndarray  # membership pairs as parallel index arrays
    mem_cluster: np.ndarray
    cluster_index: dict[int, int]
    cluster_names: list[str]
    org_highlands: list[frozenset[int]]
    org_clusters: list[frozenset[int]]
    neighbours: dict[int, set[int]]
    highland_names: dict[int, str]
    cap_vectors: np.ndarray  # (n_texts, 512) cluster capability texts
    cap_cluster: np.ndarray  # cluster index of each text
    cap_texts: list[str]
    badges: dict[int, Badge]


def capability_vectors() -> list[tuple[int, str, np.ndarray]]:
    """(cluster id, text, vector) of every capability text; missing vectors are computed once."""
    attributes = list(
        ClusterAttribute.objects.filter(kind__in=CAPABILITY_KINDS).values_list(
            "pk", "cluster_id", "title", "text"
        )
    )
    cached = {
        a: (sha, encoding.from_bytes(v))
        for a, sha, v in CapabilityVector.objects.values_list("attribute_id", "text_sha", "vector")
    }
    rows: list[tuple[int, str, np.ndarray]] = []
    missing: list[tuple[int, int, str, str]] = []
    for pk, cluster_id, title, text in attributes:
        full = f"{title}: {text}" if title else text
        sha = hashlib.sha256(full.encode()).hexdigest()
        hit = cached.get(pk)
        if hit is not None and hit[0] == sha and hit[1] is not None:
            rows.append((cluster_id, full, hit[1]))
        else:
            missing.append((pk, cluster_id, full, sha))
    if missing:
        vectors = encoding.encode([m[2] for m in missing])
        for (pk, cluster_id, full, sha), vector in zip(missing, vectors, strict=True):
            CapabilityVector.objects.update_or_create(
                attribute_id=pk, defaults={"text_sha": sha, "vector": encoding.to_bytes(vector)}
            )
            rows.append((cluster_id, full, vector))
    return rows


def build_graph() -> Graph:
    orgs = list(Organization.objects.values_list("pk", "helix_role"))
    org_index = {pk: i for i, (pk, _role) in enumerate(orgs)}
    clusters = list(Cluster.objects.values_list("pk", "display_name", "parent_id"))
    cluster_index = {pk: i for i, (pk, _n, _p) in enumerate(clusters)}
    parent = {pk: p for pk, _n, p in clusters}
    cluster_highlands: dict[int, set[int]] = {}
    for highland_id, cluster_id in HighlandCluster.objects.values_list("highland_id", "cluster_id"):
        cluster_highlands.setdefault(cluster_id, set()).add(highland_id)
    memberships = list(Membership.objects.values_list("organization_id", "cluster_id").distinct())
    org_clusters: list[set[int]] = [set() for _ in orgs]
    org_highlands: list[set[int]] = [set() for _ in orgs]
    for org_id, cluster_id in memberships:
        i = org_index[org_id]
        org_clusters[i].add(cluster_id)
        for c in (cluster_id, parent.get(cluster_id)):
            if c is not None:
                org_highlands[i] |= cluster_highlands.get(c, set())
    neighbours: dict[int, set[int]] = {}
    for a, b in HighlandCooperation.objects.values_list("from_highland_id", "to_highland_id"):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    from ..ecosystem.models import Highland

    caps = capability_vectors()
    return Graph(
        org_index=org_index,
        org_ids=np.array([pk for pk, _r in orgs], dtype=np.int64),
        helix=[role for _pk, role in orgs],
        mem_org=np.array([org_index[o] for o, _c in memberships], dtype=np.int64),
        mem_cluster=np.array([cluster_index[c] for _o, c in memberships], dtype=np.int64),
        cluster_index=cluster_index,
        cluster_names=[name for _pk, name, _p in clusters],
        org_highlands=[frozenset(s) for s in org_highlands],
        org_clusters=[frozenset(s) for s in org_clusters],
        neighbours=neighbours,
        highland_names=dict(Highland.objects.values_list("pk", "name")),
        cap_vectors=(
            np.stack([v for _c, _t, v in caps])
            if caps
            else np.zeros((0, encoding.DIMENSION), dtype=np.float32)
        ),
        cap_cluster=np.array([cluster_index[c] for c, _t, _v in caps], dtype=np.int64),
        cap_texts=[t for _c, t, _v in caps],
        badges=all_badges(),
    )


# -- the profile index -------------------------------------------------------------------------


@dataclass
class ProfileIndex:
    ids: np.ndarray
    org_ids: np.ndarray
    direction: np.ndarray
    visibility: np.ndarray
    live: np.ndarray
    vectors: np.ndarray
    org_pos: np.ndarray  # position of each profile's organisation in the graph (-1: unknown)


def build_profile_index(graph: Graph) -> ProfileIndex:
    today = timezone.localdate()
    rows = list(
        CooperationProfile.objects.exclude(vector=None)
        .order_by("pk")
        .values_list(
            "pk", "organization_id", "direction", "visibility", "status", "valid_until", "vector"
        )
        .iterator(chunk_size=5000)
    )
    vectors = np.zeros((len(rows), encoding.DIMENSION), dtype=np.float32)
    for i, row in enumerate(rows):
        vector = encoding.from_bytes(row[6])
        if vector is not None:
            vectors[i] = vector
    return ProfileIndex(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        org_ids=np.array([r[1] for r in rows], dtype=np.int64),
        direction=np.array([DIRECTION_CODE.get(r[2], 2) for r in rows], dtype=np.int8),
        visibility=np.array([VISIBILITY_CODE.get(r[3], 2) for r in rows], dtype=np.int8),
        live=np.array(
            [r[4] == ProfileStatus.PUBLISHED and r[5] >= today for r in rows], dtype=bool
        ),
        vectors=vectors,
        org_pos=np.array([graph.org_index.get(r[1], -1) for r in rows], dtype=np.int64),
    )


_cache: dict[str, Any] = {}
_cache_lock = threading.Lock()


GRAPH_TTL_SECONDS = 300.0


def _profile_version() -> tuple[Any, ...]:
    """Changes when a profile is added or changed (two indexed MAX lookups, no scan)."""
    return (
        CooperationProfile.objects.aggregate(i=Max("id"))["i"],
        CooperationProfile.objects.aggregate(t=Max("updated_at"))["t"],
        timezone.localdate(),  # liveness depends on the date
    )


def _graph_version() -> tuple[Any, ...]:
    """Changes when rows are added to what the graph mirrors (primary-key MAX lookups).

    Removals and edits of registry rows are picked up by the time-to-live instead; they
    only shift scores, since visibility is always re-checked in the database.
    """
    from .models import CooperationConfirmation

    return tuple(
        model.objects.aggregate(m=Max("id"))["m"]
        for model in (
            Organization,
            Membership,
            ClusterAttribute,
            CooperationConfirmation,
            HighlandCluster,
        )
    )


def indexes() -> tuple[Graph, ProfileIndex]:
    """The cached graph and profile index, rebuilt when the data they mirror changed."""
    profile_version, graph_version = _profile_version(), _graph_version()
    now = time.monotonic()
    with _cache_lock:
        if (
            _cache.get("graph_version") != graph_version
            or now - _cache.get("graph_built", -1e9) > GRAPH_TTL_SECONDS
        ):
            _cache["graph"] = build_graph()
            _cache["graph_version"], _cache["graph_built"] = graph_version, now
            _cache.pop("profile_version", None)  # profile positions refer to the graph
        if _cache.get("profile_version") != profile_version:
            _cache["profiles"] = build_profile_index(_cache["graph"])
            _cache["profile_version"] = profile_version
        return _cache["graph"], _cache["profiles"]


def reset_cache() -> None:
    with _cache_lock:
        _cache.clear()


# -- ranking -----------------------------------------------------------------------------------


def _visible_mask(index: ProfileIndex, graph: Graph, viewer: Viewer) -> np.ndarray:
    if viewer.sees_all:
        return index.live.copy()
    audience = index.visibility == VISIBILITY_CODE[Visibility.PUBLIC]
    if viewer.has_role:
        audience |= index.visibility == VISIBILITY_CODE[Visibility.ECOSYSTEM]
    if viewer.cluster_ids:
        cluster_flags = np.zeros(len(graph.cluster_names), dtype=bool)
        cluster_flags[
            [graph.cluster_index[c] for c in viewer.cluster_ids if c in graph.cluster_index]
        ] = True
        org_flags = np.zeros(len(graph.org_ids) + 1, dtype=bool)  # last slot: unknown (-1)
        org_flags[graph.mem_org[cluster_flags[graph.mem_cluster]]] = True
        audience |= (index.visibility == VISIBILITY_CODE[Visibility.CLUSTERS]) & org_flags[
            index.org_pos
        ]
    if viewer.organization_ids:
        audience |= np.isin(index.org_ids, list(viewer.organization_ids))
    return index.live & audience


def _proximity(graph: Graph, a: int, b: int) -> tuple[float, list[str]]:
    """Shared clusters and shared or neighbouring highlands of two organisation indexes."""
    reasons: list[str] = []
    score = 0.0
    shared_clusters = graph.org_clusters[a] & graph.org_clusters[b]
    if shared_clusters:
        names = sorted(graph.cluster_names[graph.cluster_index[c]] for c in shared_clusters)
        reasons.append(_("Both are members of %(clusters)s") % {"clusters": ", ".join(names)})
        score += 0.5
    shared_highlands = graph.org_highlands[a] & graph.org_highlands[b]
    if shared_highlands:
        names = sorted(graph.highland_names[h] for h in shared_highlands)
        reasons.append(_("Same highland: %(highlands)s") % {"highlands": ", ".join(names)})
        score += 0.5
    else:
        pairs = sorted(
            f"{graph.highland_names[h]} ↔ {graph.highland_names[n]}"
            for h in graph.org_highlands[a]
            for n in graph.neighbours.get(h, set()) & graph.org_highlands[b]
        )
        if pairs:
            reasons.append(_("Neighbouring highlands: %(pairs)s") % {"pairs": "; ".join(pairs)})
            score += 0.3
    return min(score, 1.0), reasons


def _track(badge: Badge | None) -> tuple[float, list[str]]:
    if badge is None or not badge.count:
        return 0.0, []
    rating = badge.average_rating or 0.0
    return min(badge.count, 5) / 5 * rating / 5, [
        _("Verified: %(n)d confirmed cooperation(s), average rating %(r).1f/5")
        % {"n": badge.count, "r": rating}
    ]


def _helix(graph: Graph, a: int | None, b: int) -> tuple[float, list[str]]:
    role_a = graph.helix[a] if a is not None else ""
    role_b = graph.helix[b]
    score = helix_fit(role_a, role_b)
    if score >= 0.6 and role_a and role_b:
        return score, [
            _("Complementary roles: %(a)s ↔ %(b)s")
            % {"a": HELIX_NAMES.get(role_a, role_a), "b": HELIX_NAMES.get(role_b, role_b)}
        ]
    return score, []


def _combine(fit: float, helix: float, proximity: float, track: float) -> float:
    return W_SEMANTIC * max(fit, 0.0) + W_HELIX * helix + W_PROXIMITY * proximity + W_TRACK * track


def rank(
    *,
    user: Any,
    query: np.ndarray,
    direction: str,
    organization_id: int | None,
    limit: int = 10,
    exclude_profile_ids: set[int] | None = None,
    viewer: Viewer | None = None,
) -> Recommendations:
    """Rank profiles and organisations for one query vector of a given direction."""
    viewer = viewer or viewer_of(user)
    graph, index = indexes()
    me = graph.org_index.get(organization_id) if organization_id is not None else None
    mask = _visible_mask(index, graph, viewer)
    wanted = np.zeros(len(DIRECTION_CODE), dtype=bool)
    wanted[[DIRECTION_CODE[d] for d in OPPOSITE[direction]]] = True
    mask &= wanted[index.direction]
    if organization_id is not None:
        mask &= index.org_ids != organization_id
    for pk in exclude_profile_ids or ():
        mask &= index.ids != pk
    sims = index.vectors @ query if len(index.ids) else np.zeros(0, dtype=np.float32)
    sims = np.where(mask, sims, -2.0)

    result = Recommendations()
    # Profiles: semantic pre-selection, then the full (explainable) score on a short list.
    shortlist = _top(sims, max(limit * 3, 30))
    shortlist = [i for i in shortlist if sims[i] >= MIN_FIT]
    ids = [int(index.ids[i]) for i in shortlist]
    visible = (
        CooperationProfile.objects.filter(visibility_q(viewer), live_q(), pk__in=ids)
        .select_related("organization")
        .defer("vector")
        .order_by()
        .in_bulk()
    )
    for i in shortlist:
        profile = visible.get(int(index.ids[i]))
        if profile is None:  # the database says no: stale index or not visible
            continue
        other = graph.org_index[profile.organization_id]
        rec = _explain(graph, me, other, float(sims[i]), profile.organization)
        rec.profile = profile
        rec.reasons.insert(
            0,
            _("Semantic fit %(fit).2f with “%(title)s”") % {"fit": sims[i], "title": profile.title},
        )
        result.profiles.append(rec)
    result.profiles.sort(key=lambda r: -r.score)
    result.profiles = result.profiles[:limit]

    # Organisations: best of their visible profiles and (for requests) their clusters' offer.
    n_orgs = len(graph.org_ids)
    cluster_fit = np.full(n_orgs, -2.0, dtype=np.float32)
    best = np.zeros(0, dtype=np.float32)
    best_text = np.zeros(0, dtype=np.int64)
    if direction != Direction.OFFER and len(graph.cap_vectors):
        cap_sims = graph.cap_vectors @ query
        n_clusters = len(graph.cluster_names)
        best = np.full(n_clusters, -2.0, dtype=np.float32)
        np.maximum.at(best, graph.cap_cluster, cap_sims)
        best_text = np.full(n_clusters, -1, dtype=np.int64)
        order = np.argsort(cap_sims)  # ascending, so the best text of a cluster is written last
        best_text[graph.cap_cluster[order]] = order
        np.maximum.at(cluster_fit, graph.mem_org, best[graph.mem_cluster])
    profile_fit = np.full(n_orgs, -2.0, dtype=np.float32)
    positions = index.org_pos[mask]
    known = positions >= 0
    np.maximum.at(profile_fit, positions[known], sims[mask][known])
    org_fit = np.maximum(cluster_fit, profile_fit)
    if me is not None:
        org_fit[me] = -2.0
    candidates = [o for o in _top(org_fit, max(limit * 3, 30)) if org_fit[o] >= MIN_FIT]
    orgs = Organization.objects.in_bulk([int(graph.org_ids[o]) for o in candidates])
    for o in candidates:
        organization = orgs.get(int(graph.org_ids[o]))
        if organization is None:
            continue
        rec = _explain(graph, me, o, float(org_fit[o]), organization)
        rec.reasons.insert(0, _why_organization(graph, o, profile_fit, best, best_text))
        result.organizations.append(rec)
    result.organizations.sort(key=lambda r: -r.score)
    result.organizations = result.organizations[:limit]
    return result


def _why_organization(
    graph: Graph, o: int, profile_fit: np.ndarray, best: np.ndarray, best_text: np.ndarray
) -> str:
    """The semantic reason of an organisation: its own profile, or its best cluster text."""
    clusters = [graph.cluster_index[c] for c in graph.org_clusters[o]]
    c = max(clusters, key=lambda i: best[i], default=None) if len(best) else None
    if c is None or profile_fit[o] >= best[c] or best_text[c] < 0:
        return _("It posted a matching profile (fit %(fit).2f)") % {"fit": profile_fit[o]}
    text = graph.cap_texts[best_text[c]]
    return _("Its cluster %(cluster)s offers “%(text)s” (fit %(fit).2f)") % {
        "cluster": graph.cluster_names[c],
        "text": text if len(text) <= 120 else text[:117] + "…",
        "fit": best[c],
    }


def match_words(fit: float) -> str:
    """A semantic fit as plain words (strong, good or some match), never the number."""
    if fit >= FIT_STRONG:
        return _("Strong match")
    if fit >= FIT_GOOD:
        return _("Good match")
    return _("Some match")


def profile_match_words(fit: float, title: str) -> str:
    """A profile's semantic fit in words, naming the profile: "Strong match with “…”"."""
    if fit >= FIT_STRONG:
        return _("Strong match with “%(title)s”") % {"title": title}
    if fit >= FIT_GOOD:
        return _("Good match with “%(title)s”") % {"title": title}
    return _("Some match with “%(title)s”") % {"title": title}


def unscored(reason: str) -> str:
    """A reason without the "(fit 0.72)" it may end in (English or Polish)."""
    return _SCORE.sub("", reason)


def match_reasons(rec: Recommendation) -> list[str]:
    """A recommendation's reasons for people: how well it matches in words first (a profile's
    "semantic fit 0.72" line becomes "Strong match with “…”"), then the other reasons
    without their scores."""
    reasons = [unscored(r) for r in rec.reasons]
    if rec.profile is not None and reasons:
        reasons[0] = profile_match_words(rec.fit, rec.profile.title)
    else:
        reasons.insert(0, match_words(rec.fit))
    return reasons


def _top(values: np.ndarray, k: int) -> list[int]:
    if len(values) == 0:
        return []
    k = min(k, len(values))
    part = np.argpartition(-values, k - 1)[:k]
    return [int(i) for i in part[np.argsort(-values[part])]]


def _explain(
    graph: Graph, me: int | None, other: int, fit: float, organization: Organization
) -> Recommendation:
    helix, helix_reasons = _helix(graph, me, other)
    proximity, proximity_reasons = _proximity(graph, me, other) if me is not None else (0.0, [])
    badge = graph.badges.get(organization.pk, Badge(0, None))
    track, track_reasons = _track(badge)
    return Recommendation(
        organization=organization,
        score=round(_combine(fit, helix, proximity, track), 4),
        fit=round(fit, 4),
        reasons=[*helix_reasons, *proximity_reasons, *track_reasons],
        badge=badge,
    )


def recommend_for_profile(
    *, user: Any, profile: CooperationProfile, limit: int = 10
) -> Recommendations:
    """Opposite-direction profiles and capable organisations for one (visible) profile."""
    query = encoding.from_bytes(profile.vector)
    if query is None:
        query = encoding.encode([profile.embedding_text()])[0]
    return rank(
        user=user,
        query=query,
        direction=profile.direction,
        organization_id=profile.organization_id,
        limit=limit,
        exclude_profile_ids={profile.pk},
    )


def recommend_for_organization(
    *, user: Any, organization: Organization, limit: int = 10
) -> Recommendations:
    """Who an organisation should talk to: merged recommendations for its live profiles,
    or — when it has none — requests and partners matching what its clusters offer."""
    viewer = viewer_of(user)
    own = list(profiles_visible_to(user, viewer=viewer).filter(live_q(), organization=organization))
    queries: list[tuple[np.ndarray, str]] = []
    for profile in own:
        vector = encoding.from_bytes(profile.vector)
        if vector is not None:
            queries.append((vector, profile.direction))
    if not queries:
        graph, _index = indexes()
        o = graph.org_index.get(organization.pk)
        cluster_idx = [
            graph.cluster_index[c] for c in (graph.org_clusters[o] if o is not None else ())
        ]
        rows = np.isin(graph.cap_cluster, cluster_idx)
        if rows.any():
            mean = graph.cap_vectors[rows].mean(axis=0)
            queries.append((mean / (np.linalg.norm(mean) or 1.0), Direction.OFFER))
    merged = Recommendations()
    seen_profiles: dict[int, Recommendation] = {}
    seen_orgs: dict[int, Recommendation] = {}
    for vector, direction in queries:
        part = rank(
            user=user,
            query=vector.astype(np.float32),
            direction=direction,
            organization_id=organization.pk,
            limit=limit,
            viewer=viewer,
        )
        for rec in part.profiles:
            if rec.profile is None:
                continue
            if (
                rec.profile.pk not in seen_profiles
                or seen_profiles[rec.profile.pk].score < rec.score
            ):
                seen_profiles[rec.profile.pk] = rec
        for rec in part.organizations:
            if (
                rec.organization.pk not in seen_orgs
                or seen_orgs[rec.organization.pk].score < rec.score
            ):
                seen_orgs[rec.organization.pk] = rec
    merged.profiles = sorted(seen_profiles.values(), key=lambda r: -r.score)[:limit]
    merged.organizations = sorted(seen_orgs.values(), key=lambda r: -r.score)[:limit]
    return merged
