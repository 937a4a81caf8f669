"""Reconciliation: is an incoming record one the registry already knows?

Pure: known entities and an incoming record in, a :class:`Decision` out.  Several signals:

* **names** — every known name (English, Polish ``name_pl``, aliases in both languages)
  compared three ways: the normalized key (case, diacritics incl. ł, quotes, legal forms
  such as "sp. z o.o." or "Association"); the set of *concepts* the words stand for, through
  the curated PL↔EN glossary in :mod:`highlands.text.name_matching` (cross-lingual:
  "Wschodni Klaster Obróbki Metali" = "Eastern Metal Processing Cluster"); and a
  typo-tolerant weighted overlap of those concepts where generic words ("cluster", "Lublin")
  count little;
* **year of establishment** — equal corroborates, different is a conflict;
* **coordinator** — compared the same way as names; similar corroborates, unrelated conflicts;
* **figures** — an equal member count adds a little (figures change over time, so a
  different count is no conflict);
* **city** (organisations) — equal corroborates.

A wrong merge is far worse than a question, so ``match`` needs names that agree fully, or
nearly with an independent signal agreeing, no conflict, and a clear lead over the runner-up.
``new`` needs every candidate to be far off.  Everything else is ``review``.

**Distinct names are new**: two names that share a *name word* (a word the glossary does not
know: a surname, a brand) and each have a *distinctive* concept (not generic, not a place,
not a form) the other has nothing like — not the same concept, not a related one, not a
typo of it — at least one of them a name word, name two different things ("Zakład Metalowy
Nowak-Kowalski" and "Zakład Metalowy Nowak-Wójcik"), however many words they share; their
name score is capped at ``DISTINCT_NAMES``, below ``NEW_BELOW``.  A name whose distinctive
concepts are all found in the other (a shorter or a longer form of it) stays a question, and
so do names that differ only in domain words ("eco-energy" and "renewable energy" may be
one cluster) or share no name word at all ("Polish Precision Farming Cluster" and "Polish
Precision Agriculture Cluster": "farming" may be a word the glossary lacks).

**Blocking**: a row is scored only against the known entities that could score at least
``NEW_BELOW``, i.e. that are not distinct from it: those with the same normalised key or the
same concepts; those whose names hold every distinctive concept of the row (or a related
one or a typo of it); those whose distinctive concepts are all among the row's; and those
with the same name words (the names may then differ in domain words only).  Indexes of
keys, concepts and signatures make that a few set intersections per row, however many
entities are known.  Clusters, few, are also blocked broadly: every cluster sharing a
concept, a concept's first letters or a coordinator is scored.  Organisations are not: one
sharing no name word with the row and holding only some of its distinctive concepts is not
a candidate, though its name might score a question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations, islice, product

from ..text.folding import fold
from ..text.name_matching import (
    GENERIC_CONCEPTS,
    RELATED_CONCEPTS,
    concepts,
    distinctive,
    name_key,
    name_similarity,
    name_words,
    typo_similarity,
)

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
MAX_SIGNATURES = 256  # distinctive-concept subsets looked up per name


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
    """Scores incoming records against known entities, found through blocking indexes.

    ``add`` makes an entity known (e.g. one this import has just created), so the rows after
    it are reconciled against it too.  ``broad`` (for the few clusters) also scores every
    entity sharing a concept or a concept's first letters, which a coordinator or a partial
    name may make a candidate; organisations, by the hundred thousand, are not.
    """

    def __init__(self, known: Iterable[Known], *, broad: bool = True) -> None:
        self._broad_blocking = broad
        self._known: list[Known] = []
        self._index: dict[int, int] = {}  # pk → position in _known
        self._keys: dict[str, set[int]] = defaultdict(set)
        self._by_concept: dict[str, set[int]] = defaultdict(set)
        self._by_prefix: dict[str, set[int]] = defaultdict(set)
        # Entities holding both concepts of a pair (in any of their names): the entities
        # holding every concept of a signature are found without the large sets of one.
        self._by_pair: dict[frozenset[str], set[int]] = defaultdict(set)
        self._held: dict[int, set[str]] = defaultdict(set)  # index → its concepts
        self._by_signature: dict[frozenset[str], set[int]] = defaultdict(set)  # distinctive
        self._by_name_words: dict[frozenset[str], set[int]] = defaultdict(set)
        self._by_concepts: dict[frozenset[str], set[int]] = defaultdict(set)
        self._vocabulary: dict[str, set[str]] = defaultdict(set)  # concept[:2] → concepts
        # Remembered partners, by the bucket (first letters) a new concept would change.
        self._partners: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
        for entity in known:
            self.add(entity)

    def __len__(self) -> int:
        return len(self._known)

    def add(self, entity: Known) -> None:
        """Make an entity known; an entity known already (same ``pk``) learns the names it
        did not have (aliases a matched row adds) and a year or city it lacked, as the
        registry will hold them."""
        index = self._index.get(entity.pk)
        if index is not None:
            known = self._known[index]
            names = tuple(n for n in entity.names if n not in known.names)
            self._known[index] = replace(
                known,
                names=(*known.names, *names),
                year=known.year or entity.year,  # blanks filled, as the registry does
                city=known.city or entity.city,
            )
            if not names:
                return
            entity = replace(entity, names=names, coordinators=())
        else:
            index = len(self._known)
            self._known.append(entity)
            self._index[entity.pk] = index
        held = self._held[index]
        for name in (*entity.names, *entity.coordinators):
            self._keys[name_key(name)].add(index)
            name_concepts = concepts(name)
            for concept in name_concepts:
                if concept not in self._by_concept:
                    self._learn(concept)
                self._by_concept[concept].add(index)
                self._by_prefix[concept[:3]].add(index)
                if concept not in held:
                    for other in held:
                        self._by_pair[frozenset((concept, other))].add(index)
                    held.add(concept)
        for name in entity.names:
            name_concepts = concepts(name)
            if name_concepts:
                self._by_concepts[name_concepts].add(index)
            self._by_signature[distinctive(name_concepts)].add(index)
            self._by_name_words[name_words(name_concepts)].add(index)

    def _learn(self, concept: str) -> None:
        """A concept seen for the first time: it may be the partner of remembered ones."""
        self._vocabulary[concept[:2]].add(concept)
        self._partners.pop(concept[:2], None)

    def partners(self, concept: str) -> frozenset[str]:
        """Known concepts that count for ``concept``: itself, related ones, typos of it."""
        remembered = self._partners[concept[:2]]
        found = remembered.get(concept)
        if found is None:
            near = {
                c for c in self._vocabulary.get(concept[:2], ()) if typo_similarity(concept, c) > 0
            }
            related = {o for pair in RELATED_CONCEPTS if concept in pair for o in pair}
            found = frozenset(c for c in near | related | {concept} if c in self._by_concept)
            remembered[concept] = found
        return found

    def _blocked(self, incoming: Incoming) -> set[int]:
        """The entities that could score at least ``NEW_BELOW`` (see the module's notes)."""
        found: set[int] = set()
        for name in (*incoming.names, *([incoming.coordinator] if incoming.coordinator else [])):
            found |= self._keys.get(name_key(name), set())
            if self._broad_blocking:
                found |= self._broad(name)
        for name in incoming.names:
            name_concepts = concepts(name)
            if name_concepts:
                found |= self._by_concepts.get(name_concepts, set())
            signature = distinctive(name_concepts)
            if signature:
                found |= self._containing(signature)
                found |= self._contained(signature, self._by_signature, subsets=True)
                found |= self._contained(
                    name_words(name_concepts), self._by_name_words, subsets=False
                )
        return found

    def _broad(self, name: str) -> set[int]:
        """Entities sharing a distinctive concept or its first letters (few entities only)."""
        found: set[int] = set()
        for concept in concepts(name):
            if concept not in GENERIC_CONCEPTS:
                found |= self._by_concept.get(concept, set())
                found |= self._by_prefix.get(concept[:3], set())
                for pair in RELATED_CONCEPTS:
                    if concept in pair:
                        for other in pair - {concept}:
                            found |= self._by_concept.get(other, set())
        return found

    def _containing(self, signature: frozenset[str]) -> set[int]:
        """Entities with a name holding every concept of ``signature`` (or a partner of it).

        The two concepts with the fewest entities are looked up as pairs; the few entities
        holding both are then checked for the other concepts, one by one."""
        options = []
        for concept in signature:
            partners = self.partners(concept)
            if not partners:
                return set()
            options.append((sum(len(self._by_concept[p]) for p in partners), sorted(partners)))
        options.sort()
        if len(options) == 1:
            return set().union(*(self._by_concept[p] for p in options[0][1]))
        found: set[int] = set()
        for first, second in product(options[0][1], options[1][1]):
            if first == second:  # one concept partners both
                found |= self._by_concept[first]
            else:
                found |= self._by_pair.get(frozenset((first, second)), set())
        for _, others in options[2:]:
            if not found:
                break
            held = [self._by_concept[p] for p in others]
            found = {i for i in found if any(i in group for group in held)}
        return found

    def _contained(
        self,
        signature: frozenset[str],
        index: dict[frozenset[str], set[int]],
        *,
        subsets: bool,
    ) -> set[int]:
        """Entities whose ``index`` signature is ``signature`` (or, with ``subsets``, a part
        of it), each concept possibly replaced by a partner."""
        options = [sorted(self.partners(c)) for c in sorted(signature)]
        if not subsets:
            return set().union(
                *(index.get(frozenset(p), set()) for p in islice(product(*options), MAX_SIGNATURES))
            )
        found: set[int] = set()
        looked = 0
        for size in range(1, len(options) + 1):
            for chosen in combinations(options, size):
                for pick in islice(product(*chosen), MAX_SIGNATURES - looked):
                    found |= index.get(frozenset(pick), set())
                    looked += 1
                if looked >= MAX_SIGNATURES:
                    return found
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
