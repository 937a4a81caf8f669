"""Reconciliation: is an incoming record one the registry already knows?

Pure: known entities and an incoming record in, a :class:`Decision` out.  Several signals:

* **names** — every known name (English, Polish ``name_pl``, aliases in both languages)
  compared three ways: the normalized key (case, diacritics incl. ł, quotes, legal forms
  such as "sp. z o.o." or "Association"); the set of *concepts* the words stand for, through
  the curated PL↔EN glossary in :mod:`.vocabulary` (cross-lingual: "Wschodni Klaster Obróbki
  Metali" = "Eastern Metal Processing Cluster"); and a typo-tolerant weighted overlap of
  those concepts where generic words ("cluster", "Lublin") count little;
* **year of establishment** — equal corroborates, different is a conflict;
* **coordinator** — compared the same way as names; similar corroborates, unrelated conflicts;
* **figures** — an equal member count adds a little (figures change over time, so a
  different count is no conflict);
* **city** (organisations) — equal corroborates.

A wrong merge is far worse than a question, so ``match`` needs names that agree fully, or
nearly with an independent signal agreeing, no conflict, and a clear lead over the runner-up.
``new`` needs every candidate to be far off.  Everything else is ``review``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..text.folding import fold
from ..text.name_matching import (  # noqa: F401  (EXACT_NAME, SAME_CONCEPTS: re-exported)
    EXACT_NAME,
    GENERIC_CONCEPTS,
    RELATED_CONCEPTS,
    SAME_CONCEPTS,
    concepts,
    name_similarity,
)
from ..text.names import normalize_name

MATCH = "match"
NEW = "new"
REVIEW = "review"

MATCH_ALONE = 0.95  # names this close match without further evidence
MATCH_CORROBORATED = 0.85  # names this close match when the year or coordinator agrees
MATCH_MARGIN = 0.10  # the best candidate must lead the runner-up by this much
NEW_BELOW = 0.50  # every candidate below this: confidently unknown
CANDIDATE_FLOOR = 0.30  # candidates shown to a reviewer
MAX_CANDIDATES = 3
YEAR_CONFLICT = 0.30
COORDINATOR_CONFLICT = 0.15
CORROBORATION_BONUS = 0.05
FIGURE_BONUS = 0.03
COORDINATOR_ONLY = 0.55  # no name resemblance, but the same coordinator: ask a person
COORDINATOR_SIMILAR = 0.85
COORDINATOR_UNRELATED = 0.40


@dataclass(frozen=True)
class Known:
    """An existing cluster or organisation as reconciliation sees it."""

    pk: int
    display_name: str
    names: tuple[str, ...]  # own name(s) and aliases, any language
    year: int | None = None
    coordinators: tuple[str, ...] = ()
    members: int | None = None
    city: str = ""


@dataclass(frozen=True)
class Incoming:
    """What a row states about the record it describes."""

    names: tuple[str, ...]
    year: int | None = None
    coordinator: str | None = None
    members: int | None = None
    city: str = ""


@dataclass
class Candidate:
    known: Known
    score: float
    name_score: float
    corroborations: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


@dataclass
class Decision:
    decision: str  # match | new | review
    match: Known | None
    score: float
    candidates: list[Candidate]
    reason: str


class Reconciler:
    """Scores incoming records against a fixed set of known entities (indexed once)."""

    def __init__(self, known: Iterable[Known]) -> None:
        self._known: list[Known] = []
        self._keys: dict[str, set[int]] = defaultdict(set)
        self._by_concept: dict[str, set[int]] = defaultdict(set)
        self._by_prefix: dict[str, set[int]] = defaultdict(set)
        for entity in known:
            self.add(entity)

    def add(self, entity: Known) -> None:
        """Make an entity known (e.g. one this import has just created)."""
        index = len(self._known)
        self._known.append(entity)
        for name in (*entity.names, *entity.coordinators):
            self._keys[normalize_name(name)].add(index)
            for concept in concepts(name):
                self._by_concept[concept].add(index)
                self._by_prefix[concept[:3]].add(index)

    def _blocked(self, incoming: Incoming) -> set[int]:
        """Entities sharing a key, a distinctive concept or a concept's first letters."""
        found: set[int] = set()
        for name in (*incoming.names, *([incoming.coordinator] if incoming.coordinator else [])):
            found |= self._keys.get(normalize_name(name), set())
            for concept in concepts(name):
                if concept not in GENERIC_CONCEPTS:
                    found |= self._by_concept.get(concept, set())
                    found |= self._by_prefix.get(concept[:3], set())
                    for pair in RELATED_CONCEPTS:
                        if concept in pair:
                            for other in pair - {concept}:
                                found |= self._by_concept.get(other, set())
        return found

    def score(self, incoming: Incoming, known: Known) -> Candidate:
        """All signals for one pair."""
        name_score = max(
            (name_similarity(a, b) for a in incoming.names for b in known.names), default=0.0
        )
        candidate = Candidate(known=known, score=name_score, name_score=name_score)
        if incoming.year and known.year:
            if incoming.year == known.year:
                candidate.corroborations.append("year")
            else:
                candidate.conflicts.append(f"year {incoming.year} ≠ {known.year}")
        coordinator_score = None
        if incoming.coordinator and known.coordinators:
            coordinator_score = max(
                name_similarity(incoming.coordinator, c) for c in known.coordinators
            )
            if coordinator_score >= COORDINATOR_SIMILAR:
                candidate.corroborations.append("coordinator")
            elif coordinator_score < COORDINATOR_UNRELATED:
                candidate.conflicts.append("coordinator differs")
        if incoming.city and known.city and fold(incoming.city) == fold(known.city):
            candidate.corroborations.append("city")
        score = name_score + CORROBORATION_BONUS * len(candidate.corroborations)
        if incoming.members is not None and incoming.members == known.members:
            score += FIGURE_BONUS
        for conflict in candidate.conflicts:
            score -= YEAR_CONFLICT if conflict.startswith("year") else COORDINATOR_CONFLICT
        if coordinator_score is not None and coordinator_score >= COORDINATOR_SIMILAR:
            score = max(score, COORDINATOR_ONLY)
        candidate.score = round(max(0.0, min(1.0, score)), 3)
        return candidate

    def decide(self, incoming: Incoming) -> Decision:
        """match / new / review for one incoming record, with the best candidates."""
        scored = sorted(
            (self.score(incoming, self._known[i]) for i in self._blocked(incoming)),
            key=lambda c: (-c.score, -c.name_score, c.known.display_name),
        )
        shown = [c for c in scored if c.score >= CANDIDATE_FLOOR][:MAX_CANDIDATES]
        if not scored or scored[0].score < NEW_BELOW:
            top = scored[0].score if scored else 0.0
            return Decision(NEW, None, top, shown, "no known record resembles it")
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        if best.conflicts:
            return Decision(REVIEW, None, best.score, shown, "; ".join(best.conflicts))
        if best.score - runner_up < MATCH_MARGIN:
            return Decision(REVIEW, None, best.score, shown, "two candidates are close")
        names_agree = best.name_score >= MATCH_ALONE or (
            best.name_score >= MATCH_CORROBORATED
            and ({"year", "coordinator"} & set(best.corroborations))
        )
        if not names_agree:
            return Decision(REVIEW, None, best.score, shown, "names only partly agree")
        return Decision(MATCH, best.known, best.score, shown, "names agree")


def reconcile(incoming: Incoming, known: Sequence[Known]) -> Decision:
    """One-off decision (build a :class:`Reconciler` to decide many rows)."""
    return Reconciler(known).decide(incoming)
