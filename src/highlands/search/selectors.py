"""Search reads: keyword (BM25), semantic (nearest neighbours) and their fusion.

``search()`` is the one entry point for the API, the portal and the CLI. It runs four
stages: ``retrieve`` (the name, keyword and semantic lists, each computed independently),
``fuse`` (reciprocal rank fusion), ``hide`` (drop what the searcher may not see, asked of
each kind's own visibility rule) and ``explain`` (every hit says why it matched).
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import tantivy
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ..errors import ApplicationError
from ..text.analysis import STOP_WORDS, analyze, stem, words
from ..text.name_matching import (
    GLOSSARY_CONCEPTS,
    concept_words,
    concepts,
    concepts_of,
    distinctive,
    is_generic,
    name_key,
)
from . import registry
from .encoders import get_encoder
from .engine import MAX_CHUNKS, SCHEMA, Reader, chunk_keys, get_reader
from .glossary import expand, surface_forms
from .models import SearchChunk, SearchDocument

EMPTY_QUERY = "Type something to search for."
QUERY_TOO_LONG = "The query is longer than {max} characters."
BAD_MODE = "Unknown search mode {mode!r}; use hybrid, keyword or semantic."
BAD_YEARS = "year_min is after year_max."
OUT_OF_RANGE = "{name} must be between {low} and {high}."
MAX_QUERY = 300
MAX_LIMIT = 100
MODES = ("hybrid", "keyword", "semantic")
RRF_K = 60
# Keyword evidence is exact (names, acronyms, services); semantic evidence is broader and
# noisier on this corpus (docs/benchmarks.md), so its ranks count a little less.
KEYWORD_WEIGHT = 1.0
SEMANTIC_WEIGHT = 0.6
NAME_WEIGHT = 1.0
# The list of documents whose names hold every word of the query in any order (a name typed
# partly, reordered or inflected) counts like the keyword list (0: no such list).
NAME_WORDS_WEIGHT = 1.0
PHRASE_BOOST = 6.0
CANDIDATES = 100
SEMANTIC_DEPTH = 60
EXACT_FILTER_MAX = 2000  # filtered semantic search falls back to exact scoring up to this

# Semantic acceptance is calibrated per query, not on a fixed cosine: the multilingual
# encoder's cosines are low in absolute terms across languages (a Polish query and the one
# English passage that answers it: ~0.1-0.3) while that passage still stands far above the
# crowd. Each query's similarities to a fixed sample of the index's passages give its
# median and spread (1.4826 × median absolute deviation); a document's ``z`` is how many
# spreads its best passage lies above that median (docs/search.md, docs/benchmarks.md).
# Every passage of a small index (the seed's), so a rebuild's new keys change nothing.
CALIBRATION_SAMPLE = 4096  # passages in the background sample
MIN_BACKGROUND = 64  # below this many passages the prior below is used instead
PRIOR_MEDIAN, PRIOR_SPREAD = 0.02, 0.07  # typical per-query values on the source document
MIN_SPREAD = 0.03
# A query has a semantic answer in the index when its nearest passage of any kind lies at
# least Z_GATE above its median (made-up words reach z ≈ 2-3.2 on the source document,
# their nearest passage being the best of noise). Then the documents of the searched kinds
# with z ≥ Z_RELATED are its semantic neighbours, nearest first. In hybrid mode, when BM25
# found something, semantic only adds documents with z ≥ Z_HYBRID (weak neighbours mostly
# added noise there).
Z_GATE = 3.3
Z_RELATED = 1.0
Z_HYBRID = 2.5
# Documents whose names or text contain the whole query as a phrase (two words or more: an
# organisation's exact name in a cluster's member list) come before the rest: a literal
# phrase outweighs any sum of single words and glossary expansions.
LITERAL_TIER = 1.0
# A query that names something by another of its forms: the same concepts as a name the
# index holds under reconciliation's PL↔EN name glossary ("Lublin University of Technology"
# and "Politechnika Lubelska" are both {university, technology, lublin}), or such a name and
# one more word ("współpraca z Politechniką Lubelską"). The documents holding that name as a
# phrase (the organisation, the clusters listing it) join the literal phrases' tier (half of
# it ranked one development query lower, docs/benchmarks.md).
RESOLVED_TIER = LITERAL_TIER
# Whether a document holding both the literal phrase and a resolved name gets both tiers.
TIERS_STACK = False
RESOLVE_CANDIDATES = 20  # documents whose names are compared with the query
RESOLVE_MAX_NAMES = 3
RESOLVE_MAX_WORDS = 8
# Besides generic words ("cluster", "Lublin"), a query may say this many more things than a
# name it resolves to ("współpraca z Politechniką Lubelską", "clusters founded by …").
RESOLVE_EXTRA = 1
# A part of a name resolves to the whole when it leaves out only generic, place and form
# concepts ("Urząd Marszałkowski" → "Marshal's Office of the Lublin Province").
RESOLVE_PARTS = True
# A one-word name that is a name word (an acronym alias, a brand) resolves when the query
# adds only generic words to it ("WKTiR Lublin").
RESOLVE_ONE_WORD = True
# Candidates for resolution also come from names holding a word of one of the query's
# glossary concepts in the other language; each such concept counts this much.
RESOLVE_CONCEPT_BOOST = 3.0

# Keyword evidence is ordered by how much of the query a document covers, not by BM25
# alone: a query's word, its glossary translations and the glossary phrases it is part of
# are one concept, and a document's coverage is the share of the query's concepts it
# contains (words the index does not hold count as covered by none). The keyword list is
# ranked by BM25 × coverage, so a long document that matches one generic word of three
# ("sieci" → network) many times no longer outranks one that says what the whole query
# says. When no keyword document covers at least COVERAGE_FULL of the query, its words do
# not speak for it, and semantic neighbours are accepted as when words found nothing
# (z ≥ Z_RELATED instead of Z_HYBRID): the query's meaning may be written only in the other
# language (a Polish query for an English-only profile; docs/benchmarks.md, issue 14,
# semantic side).
COVERAGE_FULL = 0.6
COVERAGE_DEPTH = 30  # the keyword hits reordered (the rest follow in BM25's order)

# Documents the searcher may not see are dropped after retrieval (the index holds, say,
# every live cooperation profile whatever its audience), so when a kind with a visibility
# rule is searched the lists are fetched this much deeper.
HIDDEN_OVERFETCH = 3

# The numeric filters' bounds: those of the columns that store them (so no stored value is
# out of reach), all inside the keyword engine's 64-bit integers.
YEAR_RANGE = (0, 32767)  # PositiveSmallIntegerField
SIZE_RANGE = (0, 2**31 - 1)  # PositiveIntegerField
ID_RANGE = (1, 2**63 - 1)  # BigAutoField

NAME_BOOST = 3.0
TRANSLATION_BOOST = 0.7
FUZZY_BOOST = 0.5  # a typo match's score without FUZZY_IDF
# Typo matches are weighted by their rarity (``_fuzzy_idf``), as BM25 weighs a word, times
# this (0: the constant FUZZY_BOOST, as before).
FUZZY_IDF = 0.6
TRANSLATION_TIE = 0.3  # what a word's other translations add to its best one


@dataclass
class SearchFilters:
    types: list[str] = field(default_factory=list)
    highlands: list[str] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)
    helix_roles: list[str] = field(default_factory=list)
    year_min: int | None = None
    year_max: int | None = None
    size_min: int | None = None
    size_max: int | None = None
    include_synthetic: bool = False

    def __post_init__(self) -> None:
        for name, value, (low, high) in (
            *(("cluster", pk, ID_RANGE) for pk in self.clusters),
            ("year_min", self.year_min, YEAR_RANGE),
            ("year_max", self.year_max, YEAR_RANGE),
            ("size_min", self.size_min, SIZE_RANGE),
            ("size_max", self.size_max, SIZE_RANGE),
        ):
            if value is not None and not low <= value <= high:
                raise ApplicationError(
                    OUT_OF_RANGE.format(name=name, low=low, high=high), code="filter_out_of_range"
                )
        if (
            self.year_min is not None
            and self.year_max is not None
            and self.year_min > self.year_max
        ):
            raise ApplicationError(BAD_YEARS, code="invalid_filter")
        self.types = [t for t in self.types if t and t != "all"]
        known = registry.names()
        for t in self.types:
            if t not in known:
                raise ApplicationError(f"Unknown type {t!r}.", code="invalid_filter")

    @property
    def kinds(self) -> list[str]:
        """The kinds searched: those asked for (all when none) that carry every active
        filter, since a document without a filter's value can never match it."""
        wanted = {
            "highland": bool(self.highlands),
            "cluster": bool(self.clusters),
            "helix_role": bool(self.helix_roles),
            "year": self.year_min is not None or self.year_max is not None,
            "size": self.size_min is not None or self.size_max is not None,
        }
        active = {name for name, on in wanted.items() if on}
        return [
            kind.name
            for kind in registry.kinds()
            if (not self.types or kind.name in self.types) and active <= kind.filters
        ]

    def apply(self, qs: QuerySet[SearchDocument]) -> QuerySet[SearchDocument]:
        """The same filters on database rows (used on semantic candidates)."""
        if not self.include_synthetic:
            qs = qs.filter(is_synthetic=False)
        if self.types:
            qs = qs.filter(kind__in=self.types)
        if self.highlands:
            cond = Q()
            for slug in self.highlands:
                cond |= Q(highlands__contains=f"|{slug}|")
            qs = qs.filter(cond)
        if self.clusters:
            cond = Q()
            for pk in self.clusters:
                cond |= Q(clusters__contains=f"|{pk}|")
            qs = qs.filter(cond)
        if self.helix_roles:
            qs = qs.filter(helix_role__in=self.helix_roles)
        if self.year_min is not None:
            qs = qs.filter(year__gte=self.year_min)
        if self.year_max is not None:
            qs = qs.filter(year__lte=self.year_max)
        if self.size_min is not None:
            qs = qs.filter(size__gte=self.size_min)
        if self.size_max is not None:
            qs = qs.filter(size__lte=self.size_max)
        return qs

    def tantivy_clauses(self) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """The same filters as Tantivy MUST clauses (used inside the keyword query)."""
        must = tantivy.Occur.Must
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if not self.include_synthetic:
            clauses.append((must, tantivy.Query.term_query(SCHEMA, "synthetic", 0)))

        def any_of(field_name: str, values: list) -> None:
            if values:
                clauses.append((must, tantivy.Query.term_set_query(SCHEMA, field_name, values)))

        any_of("kind", self.types)
        any_of("highland", self.highlands)
        any_of("cluster", self.clusters)
        any_of("helix", self.helix_roles)
        for name, low, high in (
            ("year", self.year_min, self.year_max),
            ("size", self.size_min, self.size_max),
        ):
            if low is not None or high is not None:
                clauses.append(
                    (
                        must,
                        tantivy.Query.range_query(
                            SCHEMA, name, tantivy.FieldType.Integer, low, high
                        ),
                    )
                )
        return clauses

    @property
    def active(self) -> bool:
        return bool(
            self.types
            or self.highlands
            or self.clusters
            or self.helix_roles
            or self.year_min is not None
            or self.year_max is not None
            or self.size_min is not None
            or self.size_max is not None
        )


@dataclass
class Hit:
    doc_id: int
    kind: str
    object_id: int
    name: str
    slug: str
    url: str
    score: float
    keyword_score: float | None = None
    semantic_score: float | None = None
    why: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        """What the hit is, in the UI language ("cooperation profile")."""
        try:
            return str(registry.get(self.kind).label)
        except LookupError:
            return self.kind


@dataclass
class SearchResult:
    query: str
    mode: str
    took_ms: float
    results: list[Hit]
    facets: dict[str, dict[str, int]]
    engine_ms: dict[str, float] = field(default_factory=dict)
    # False when nothing matched closely and the results are only the nearest in meaning.
    close: bool = True


@dataclass
class QueryTerms:
    """The analyzed query: its own terms and their translations."""

    raw: str
    terms: list[str]
    translations: dict[str, tuple[str, ...]]


def parse_query(q: str) -> QueryTerms:
    tokens = [stem(w) for w in words(q) if w not in STOP_WORDS] or analyze(q)
    terms = list(dict.fromkeys(tokens))
    return QueryTerms(raw=q, terms=terms, translations=expand(terms))


def _term_queries(
    reader: Reader, term: str, boost: float, *, fuzzy: bool = True
) -> list[tantivy.Query]:
    searcher = reader.keyword.searcher()
    queries = [
        tantivy.Query.boost_query(
            tantivy.Query.term_query(SCHEMA, "names", term), NAME_BOOST * boost
        ),
        tantivy.Query.boost_query(tantivy.Query.term_query(SCHEMA, "body", term), boost),
    ]
    known = searcher.doc_freq("body", term) or searcher.doc_freq("names", term)
    if fuzzy and not known and len(term) >= 4 and not term.isdigit():
        # Typo tolerance for words the index does not know: one edit (two for long words).
        distance = 2 if len(term) >= 8 else 1
        for field_name in ("names", "body"):
            fuzzy_query = tantivy.Query.fuzzy_term_query(
                SCHEMA, field_name, term, distance=distance
            )
            # A typo's matches score like a word that rare (BM25's idf), not a constant far
            # below any common word's score ("Photonix cluster": the misspelt name word
            # must outweigh "cluster", found in every cluster's name).
            weight = FUZZY_IDF * _fuzzy_idf(searcher, fuzzy_query) if FUZZY_IDF else FUZZY_BOOST
            queries.append(tantivy.Query.boost_query(fuzzy_query, boost * weight))
    return queries


def _fuzzy_idf(searcher: tantivy.Searcher, query: tantivy.Query) -> float:
    """BM25's idf of the documents a typo-tolerant query matches (as if one word)."""
    matched = int(getattr(searcher.search(query, limit=1, count=True), "count", 0) or 0)
    total = searcher.num_docs
    return math.log(1.0 + (total - matched + 0.5) / (matched + 0.5))


def keyword_search(
    reader: Reader, parsed: QueryTerms, filters: SearchFilters, limit: int
) -> list[tuple[int, float]]:
    """BM25 over names (boosted) and text, with translations and typo-tolerant terms; the
    first ``COVERAGE_DEPTH`` hits ranked by BM25 × their coverage of the query."""
    return keyword_ranked(reader, parsed, filters, limit)[0]


def keyword_ranked(
    reader: Reader, parsed: QueryTerms, filters: SearchFilters, limit: int
) -> tuple[list[tuple[int, float]], dict[int, float]]:
    """``keyword_search``'s hits and the coverage of the ranked ones (``keyword_coverage``)."""
    should: list[tuple[tantivy.Occur, tantivy.Query]] = []
    translated_sources = {w for key in parsed.translations for w in key.split()}
    for term in parsed.terms:
        own = _any_field(_term_queries(reader, term, 1.0, fuzzy=term not in translated_sources))
        # A word and its translations are one concept: a document scores by the best of
        # them (plus a little of the rest), so a glossary expansion never adds to the word
        # it translates ("Lublin" → lubelski did), and a rarer word of the query counts.
        alternatives = [
            _any_field(_term_queries(reader, t, TRANSLATION_BOOST, fuzzy=False))
            for t in parsed.translations.get(term, ())
        ]
        if alternatives:
            own = tantivy.Query.disjunction_max_query([own, *alternatives], TRANSLATION_TIE)
        should.append((tantivy.Occur.Should, own))
    for key, translated in parsed.translations.items():
        if key in parsed.terms:
            continue  # a single word: grouped with it above
        for term in translated:
            for query in _term_queries(reader, term, TRANSLATION_BOOST, fuzzy=False):
                should.append((tantivy.Occur.Should, query))
    for term in _joined_terms(reader, parsed.raw):
        for query in _term_queries(reader, term, 1.0, fuzzy=False):
            should.append((tantivy.Occur.Should, query))
    if not should:
        return [], {}
    all_terms = analyze(parsed.raw)
    if len(all_terms) >= 2:
        # The whole query as a phrase of a name ("Lublin ICT Cluster") outranks its words.
        phrase = tantivy.Query.phrase_query(SCHEMA, "names", list[str | tuple[int, str]](all_terms))
        should.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, PHRASE_BOOST)))
    query = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, tantivy.Query.boolean_query(should)), *filters.tantivy_clauses()]
    )
    searcher = reader.keyword.searcher()
    result = searcher.search(query, limit=limit, count=False)
    hits = [(searcher.doc(addr)["doc_id"][0], score) for score, addr in result.hits]
    head = hits[:COVERAGE_DEPTH]
    # The hits' addresses in this searcher: coverage asks no stored document again.
    addresses = {
        (addr.segment_ord, addr.doc): doc_id
        for (doc_id, _score), (_s, addr) in zip(head, result.hits, strict=False)
    }
    coverage = keyword_coverage(searcher, parsed, addresses)
    head.sort(key=lambda hit: -hit[1] * coverage[hit[0]])  # stable: ties keep BM25's order
    hits[: len(head)] = head
    return hits, coverage


def _any_field(queries: list[tantivy.Query]) -> tantivy.Query:
    """One term's queries over the fields (names, body, typo variants), scores summed."""
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def _joined_terms(reader: Reader, q: str) -> list[str]:
    """Two neighbouring words of the query written as one ("LubTech Bridge" →
    ``lubtechbridge``, "eko energia"), when the index knows that word."""
    folded = words(q)
    searcher = reader.keyword.searcher()
    joined = []
    for first, second in pairwise(folded):
        term = stem(first + second)
        if searcher.doc_freq("names", term) or searcher.doc_freq("body", term):
            joined.append(term)
    return joined


def name_word_matches(
    reader: Reader, parsed: QueryTerms, filters: SearchFilters, limit: int
) -> list[int]:
    """Documents whose names hold every word of the query (two or more), each as typed or
    as one of its translations, in any order and any inflection: a name typed partly or
    reordered ("dźwigi osobowe Lublin" for "Lubelska Wytwórnia Dźwigów Osobowych"),
    ranked by BM25 over the names."""
    if len(parsed.terms) < 2 or not NAME_WORDS_WEIGHT:
        return []
    must: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for term in parsed.terms:
        forms = [term, *parsed.translations.get(term, ())]
        must.append(
            (
                tantivy.Occur.Must,
                tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "names", f))
                        for f in forms
                    ]
                ),
            )
        )
    query = tantivy.Query.boolean_query([*must, *filters.tantivy_clauses()])
    searcher = reader.keyword.searcher()
    result = searcher.search(query, limit=limit, count=False)
    return [searcher.doc(addr)["doc_id"][0] for _score, addr in result.hits]


def name_matches(reader: Reader, q: str, filters: SearchFilters, limit: int) -> list[int]:
    """Documents whose names contain every word of the query (in order for 2+ words)."""
    terms = analyze(q)
    if not terms:
        return []
    if len(terms) == 1:
        query = tantivy.Query.term_query(SCHEMA, "names", terms[0])
    else:
        query = tantivy.Query.phrase_query(SCHEMA, "names", list[str | tuple[int, str]](terms))
    query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *filters.tantivy_clauses()])
    searcher = reader.keyword.searcher()
    result = searcher.search(query, limit=limit, count=False)
    return [searcher.doc(addr)["doc_id"][0] for _score, addr in result.hits]


@dataclass(frozen=True)
class Calibration:
    """A query's similarity to the index's passages in general: its median and spread."""

    median: float
    spread: float

    def z(self, similarity: float) -> float:
        """How many spreads ``similarity`` lies above the query's median passage."""
        return (similarity - self.median) / self.spread

    def similarity(self, z: float) -> float:
        """The cosine that lies ``z`` spreads above the median (-inf for z = -inf)."""
        return self.median + z * self.spread


def calibrate(reader: Reader, vector: np.ndarray) -> Calibration:
    """The query's calibration against the index's background sample of passages (the
    prior's typical values while the index has too few passages to say); computed once per
    query vector and state of the index (``Reader.memo``)."""
    vector = np.ascontiguousarray(vector, dtype=np.float32)
    calibration: Calibration = reader.memo(
        "calibration", vector.tobytes(), lambda: _calibrate(reader, vector)
    )
    return calibration


def _calibrate(reader: Reader, vector: np.ndarray) -> Calibration:
    background = reader.background(CALIBRATION_SAMPLE)
    if len(background) < MIN_BACKGROUND:
        return Calibration(PRIOR_MEDIAN, PRIOR_SPREAD)
    single_blas_thread()
    similarities = background @ vector
    median = _median_in_place(similarities)
    np.subtract(similarities, np.float32(median), out=similarities)
    np.abs(similarities, out=similarities)
    spread = 1.4826 * _median_in_place(similarities)
    return Calibration(median, max(spread, MIN_SPREAD))


def _median_in_place(values: np.ndarray) -> float:
    """``np.median`` of a float32 vector (the same value, bit for bit), partitioning it in
    place instead of copying it."""
    n = len(values)
    k = n // 2
    if n % 2:
        values.partition(k)
        return float(values[k])
    values.partition([k - 1, k])
    return float((values[k - 1] + values[k]) / np.float32(2))


_blas_limited = False


def single_blas_thread() -> None:
    """Run this process's BLAS on one thread (once; every later call is a flag check).

    The query path's products are small (4,096 × 512 at most): on the 2 shared cores
    OpenBLAS's second thread made the calibration's product 5-15x slower in wall time (and
    counted twice in CPU time) instead of faster (docs/benchmarks.md)."""
    global _blas_limited
    if not _blas_limited:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        _blas_limited = True


def query_calibration(vector: np.ndarray) -> Calibration:
    """``calibrate`` against the live index, for callers outside search (the marketplace's
    followed searches); the prior when nothing is indexed yet."""
    reader = get_reader()
    if reader is None:
        return Calibration(PRIOR_MEDIAN, PRIOR_SPREAD)
    return calibrate(reader, vector)


def phrase_matches(
    reader: Reader, q: str, filters: SearchFilters, limit: int, *, in_names: list[int]
) -> list[int]:
    """Documents whose names or text contain the whole query, word for word, as a phrase
    (queries of two words or more: "Politechnika Lubelska" in a cluster's member list).
    ``in_names`` are those found by ``name_matches`` (the same phrase in the names), so only
    the text is asked here."""
    terms = analyze(q)
    if len(terms) < 2:
        return []
    phrase = tantivy.Query.phrase_query(SCHEMA, "body", list[str | tuple[int, str]](terms))
    query = tantivy.Query.boolean_query([(tantivy.Occur.Must, phrase), *filters.tantivy_clauses()])
    searcher = reader.keyword.searcher()
    result = searcher.search(query, limit=limit, count=False)
    in_text = [searcher.doc(addr)["doc_id"][0] for _score, addr in result.hits]
    return list(dict.fromkeys([*in_names, *in_text]))


def word_matches(reader: Reader, word: str, filters: SearchFilters, limit: int) -> list[int]:
    """Documents whose text holds this one word (a one-word resolved name)."""
    terms = analyze(word)
    if len(terms) != 1:
        return []
    term = tantivy.Query.term_query(SCHEMA, "body", terms[0])
    query = tantivy.Query.boolean_query([(tantivy.Occur.Must, term), *filters.tantivy_clauses()])
    searcher = reader.keyword.searcher()
    result = searcher.search(query, limit=limit, count=False)
    return [searcher.doc(addr)["doc_id"][0] for _score, addr in result.hits]


def resolved_names(reader: Reader, parsed: QueryTerms, filters: SearchFilters) -> list[str]:
    """Names the index holds that the query names in another language or form (see
    ``RESOLVED_TIER``), compared as sets of concepts (``text.name_matching``): found among
    the documents whose names hold the query's words, their translations, or a word of one
    of the query's concepts in either language (``_concept_queries``)."""
    kept = [w for w in words(parsed.raw) if w not in STOP_WORDS or _is_glossary_word(w)]
    if not 2 <= len(kept) <= RESOLVE_MAX_WORDS:
        return []  # one word is the keyword list's ("Politechnika" finds its names there)
    wanted = concepts(" ".join(kept))
    if len(wanted) < 2:
        return []
    terms = set(parsed.terms) | {t for ts in parsed.translations.values() for t in ts}
    should = [
        (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "names", term)) for term in terms
    ]
    should += [(tantivy.Occur.Should, query) for query in _concept_queries(wanted)]
    if not should:
        return []
    clauses = [(tantivy.Occur.Must, tantivy.Query.boolean_query(should))]
    if not filters.include_synthetic:
        clauses.append((tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, "synthetic", 0)))
    searcher = reader.keyword.searcher()
    hits = searcher.search(
        tantivy.Query.boolean_query(clauses), limit=RESOLVE_CANDIDATES, count=False
    ).hits
    doc_ids = [searcher.doc(addr)["doc_id"][0] for _score, addr in hits]
    typed = name_key(parsed.raw)
    found: list[str] = []
    for lines in SearchDocument.objects.filter(pk__in=doc_ids).values_list("names", flat=True):
        for name in lines.split("\n"):
            if name not in found and name_key(name) != typed and names_same(wanted, concepts(name)):
                found.append(name)
    # The closest names first (fewest concepts apart), then the fullest.
    found.sort(key=lambda n: (len(concepts(n) ^ wanted), -len(concepts(n))))
    return found[:RESOLVE_MAX_NAMES]


def names_same(wanted: frozenset[str], have: frozenset[str]) -> bool:
    """Whether a query of concepts ``wanted`` names the name of concepts ``have``:
    - the whole name, perhaps with ``RESOLVE_EXTRA`` more words and any generic ones
      ("współpraca z Politechniką Lubelską", "clusters founded by Lublin City Hall"); a name
      of one word must be a name word (an acronym, a brand), and then only generic words
      may come with it ("WKTiR Lublin");
    - or a part of the name that holds what it is, leaving out only where and what kind
      (generic, place and form concepts: "Urząd Marszałkowski" for the Marshal's Office
      of the Lublin Province, ``RESOLVE_PARTS``)."""
    if not have or not distinctive(have):
        return False
    extra = {c for c in wanted - have if not is_generic(c)}
    if have <= wanted:
        if len(have) >= 2:
            return len(extra) <= RESOLVE_EXTRA
        (word,) = have
        return RESOLVE_ONE_WORD and word not in GLOSSARY_CONCEPTS and len(word) >= 3 and not extra
    if not RESOLVE_PARTS or not wanted < have:
        return False
    return bool(distinctive(wanted)) and not distinctive(have - wanted)


def _is_glossary_word(word: str) -> bool:
    return any(c in GLOSSARY_CONCEPTS for c in concepts_of(word))


def _concept_queries(wanted: frozenset[str]) -> list[tantivy.Query]:
    """For each glossary concept of the query that is not generic, one query over the names
    for the words of that concept in either language, each counting
    ``RESOLVE_CONCEPT_BOOST`` once (``_concept_query``)."""
    queries = [_concept_query(c) for c in sorted(wanted) if not is_generic(c)]
    return [q for q in queries if q is not None]


@lru_cache(maxsize=1024)
def _concept_query(concept: str) -> tantivy.Query | None:
    """The names query of one glossary concept (the index holds stems: a word starting with
    the prefix, or the prefix cut by a stem's ending). Compiling the regular expression
    costs milliseconds, so each concept's query is built once per process."""
    if concept not in GLOSSARY_CONCEPTS:
        return None
    prefixes, whole = concept_words(concept)
    patterns = [re.escape(p) + ".*" for p in prefixes]
    patterns += [re.escape(p[:n]) for p in prefixes for n in range(max(4, len(p) - 4), len(p))]
    patterns += [re.escape(stem(w)) for w in whole]
    if not patterns:
        return None
    query = tantivy.Query.regex_query(SCHEMA, "names", "|".join(dict.fromkeys(patterns)))
    return tantivy.Query.boost_query(
        tantivy.Query.const_score_query(query, 1.0), RESOLVE_CONCEPT_BOOST
    )


def semantic_search(
    reader: Reader,
    vector: np.ndarray,
    filters: SearchFilters,
    limit: int,
    min_z: float = Z_RELATED,
    *,
    gate: bool = True,
    related: bool = False,
    exact_fallback: bool = True,
) -> tuple[list[tuple[int, float, int]], bool]:
    """Nearest passages, best passage per document, of the documents calibrated as
    semantic matches, and whether they are close: when nothing in the index stands out from
    the query's median (``Z_GATE``; not asked with ``gate=False``), none, or with
    ``related=True`` the nearest documents whatever their distance (not close); else those
    ``min_z`` above it. ([(doc_id, cosine, chunk position)], close)."""
    if len(reader.vectors) == 0:
        return [], True
    want = limit * (4 if filters.active or not filters.include_synthetic else 2)
    matches = reader.vectors.search(vector, min(want, len(reader.vectors)))
    calibration = calibrate(reader, vector)
    close = not gate or (
        len(matches.keys) > 0 and calibration.z(1.0 - float(matches.distances[0])) >= Z_GATE
    )
    if not close and not related:
        return [], False  # nothing in the index is close in meaning
    similarities = 1.0 - np.asarray(matches.distances)

    def nearest(floor: float) -> list[tuple[int, float, int]]:
        best = _best_per_document(matches.keys, similarities, floor)
        if not filters.tantivy_clauses():  # nothing to filter by
            allowed = set(best)
        else:
            allowed = _filtered_ids(reader, filters, within=list(best)) if best else set()
        ranked = [(d, s, p) for d, (s, p) in best.items() if d in allowed]
        if (
            filters.active
            and len(ranked) < limit
            and _filtered_count(reader, filters) <= EXACT_FILTER_MAX
        ):
            ranked = _exact_filtered(reader, vector, filters, floor) or ranked
        ranked.sort(key=lambda x: -x[1])
        return ranked[:limit]

    # The cosine of z = min_z for this query; any distance for the related fallback (also
    # when something is close, but not among the documents the filters allow).
    ranked = nearest(calibration.similarity(min_z)) if close else []
    if not ranked and related:
        return nearest(-np.inf), False
    return ranked, close


def _best_per_document(
    keys: np.ndarray, similarities: np.ndarray, floor: float
) -> dict[int, tuple[float, int]]:
    best: dict[int, tuple[float, int]] = {}
    for key, similarity in zip(keys, similarities, strict=True):
        if similarity < floor:
            continue
        doc_id, position = divmod(int(key), MAX_CHUNKS)
        if doc_id not in best or similarity > best[doc_id][0]:
            best[doc_id] = (float(similarity), position)
    return best


def _filtered_count(reader: Reader, filters: SearchFilters) -> int:
    """How many documents pass the filters (Tantivy counts without fetching)."""
    query = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, tantivy.Query.all_query()), *filters.tantivy_clauses()]
    )
    result = reader.keyword.searcher().search(query, limit=1, count=True)
    return int(getattr(result, "count", 0) or 0)


def _filtered_ids(
    reader: Reader, filters: SearchFilters, *, within: list[int] | None = None, limit: int = 0
) -> set[int]:
    """Ids of the documents that pass the filters, by Tantivy (the same filters as BM25)."""
    clauses = list(filters.tantivy_clauses())
    if within is not None:
        clauses.append((tantivy.Occur.Must, tantivy.Query.term_set_query(SCHEMA, "doc_id", within)))
    if not clauses:
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    searcher = reader.keyword.searcher()
    size = len(within) if within is not None else limit
    result = searcher.search(tantivy.Query.boolean_query(clauses), limit=max(size, 1), count=False)
    return {searcher.doc(addr)["doc_id"][0] for _score, addr in result.hits}


def _exact_filtered(
    reader: Reader, vector: np.ndarray, filters: SearchFilters, floor: float
) -> list[tuple[int, float, int]]:
    """Selective filters: score every passage of the (few) matching documents exactly."""
    doc_ids = sorted(_filtered_ids(reader, filters, limit=EXACT_FILTER_MAX))
    if not doc_ids:
        return []
    keys = np.concatenate([chunk_keys(d) for d in doc_ids])
    keys = keys[np.asarray(reader.vectors.contains(keys), dtype=bool)]
    if not len(keys):
        return []
    vectors = np.asarray(reader.vectors.get(keys), dtype=np.float32)
    single_blas_thread()
    best = _best_per_document(keys, vectors @ vector, floor)
    return [(d, s, p) for d, (s, p) in best.items()]


def _present_terms(reader: Reader, doc_ids: list[int], terms: set[str]) -> dict[int, set[str]]:
    """Which of these (analyzed) terms each document contains, asked of the keyword index:
    one small intersection per term, instead of re-analysing documents whose text can be
    long (a cluster lists thousands of members)."""
    present: dict[int, set[str]] = {doc_id: set() for doc_id in doc_ids}
    if not doc_ids or not terms:
        return present
    searcher = reader.keyword.searcher()
    within = tantivy.Query.term_set_query(SCHEMA, "doc_id", doc_ids)
    for term in terms:
        has = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "names", term)),
                (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "body", term)),
            ]
        )
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, has), (tantivy.Occur.Must, within)]
        )
        for _score, addr in searcher.search(query, limit=len(doc_ids), count=False).hits:
            present[searcher.doc(addr)["doc_id"][0]].add(term)
    return present


def _matched_terms(parsed: QueryTerms, present: set[str]) -> list[str]:
    """The query's words (and translations) found in a document, as the person typed them."""
    matched: list[str] = []
    # Explain in the person's own spelling ("światłowodów", not the folded "swiatlowodow").
    typed = {stem(w): raw for raw in re.findall(r"\w+", parsed.raw) for w in words(raw)[:1]}
    for term in parsed.terms:
        if term in present:
            matched.append(typed.get(term, term))
    for source, translated in parsed.translations.items():
        hits = [t for t in translated if t in present]
        if hits:
            readable = [surface_forms().get(t, t) for t in hits]
            matched.append(f"{typed.get(source, source)} → {', '.join(readable)}")
    return matched


def search(
    q: str,
    *,
    filters: SearchFilters | None = None,
    limit: int = 10,
    mode: str = "hybrid",
    user: Any = None,
) -> SearchResult:
    """Search every registered kind for what ``user`` may see (None: anonymous).

    The same shape on SQLite and PostgreSQL.
    """
    started = time.perf_counter()
    q = (q or "").strip()
    if not q:
        raise ApplicationError(EMPTY_QUERY, code="empty_query")
    if len(q) > MAX_QUERY:
        raise ApplicationError(QUERY_TOO_LONG.format(max=MAX_QUERY), code="query_too_long")
    if mode not in MODES:
        raise ApplicationError(BAD_MODE.format(mode=mode), code="invalid_mode")
    filters = filters or SearchFilters()
    limit = max(1, min(limit, MAX_LIMIT))
    reader = get_reader()
    if reader is None:
        return SearchResult(q, mode, _ms(started), [], {})
    if not filters.kinds:  # every kind asked for lacks one of the filters: nothing matches
        return SearchResult(q, mode, _ms(started), [], _facets([]))
    parsed = parse_query(q)
    searched = filters.types or registry.names()
    checked = [k for k in searched if registry.get(k).visible is not None]
    retrieved = retrieve(
        reader,
        parsed,
        filters,
        mode=mode,
        limit=limit,
        fetch=limit * HIDDEN_OVERFETCH if checked else limit,
    )
    fused = fuse(retrieved)
    ordered = hide(list(fused), user, kinds=checked)
    hits = explain(reader, parsed, ordered[:limit], fused, retrieved)
    return SearchResult(
        q, mode, _ms(started), hits, _facets(ordered), retrieved.engine_ms, not retrieved.related
    )


@dataclass
class Retrieved:
    """The ranked lists of one query, best first: each says why its documents are there."""

    names: list[int]  # documents whose names contain the whole query
    keyword: list[tuple[int, float]]  # (document, BM25 score)
    semantic: list[tuple[int, float, int]]  # (document, cosine, best passage's position)
    engine_ms: dict[str, float] = field(default_factory=dict)
    phrases: list[int] = field(default_factory=list)  # names or text contain the whole query
    related: bool = False  # ``semantic`` holds only the nearest documents, none close
    # Documents whose names or text hold a name the query names in another form, with that
    # name and whether it is in their names (``resolved_names``).
    resolved: dict[int, tuple[str, bool]] = field(default_factory=dict)
    # Documents whose names hold every word of the query, in any order (``name_word_matches``).
    name_words: list[int] = field(default_factory=list)
    # Share of the query's concepts each keyword document contains (``keyword_coverage``).
    coverage: dict[int, float] = field(default_factory=dict)


def query_concepts(parsed: QueryTerms) -> list[set[str]]:
    """The query's concepts: each word with its translations, a glossary phrase's words and
    translations together. Words the index does not hold count too: no document covers
    them, which is what coverage is to say (a Polish word whose meaning is written only in
    English, a misspelling)."""
    concepts: list[set[str]] = [{term} for term in parsed.terms]
    for key, translated in parsed.translations.items():
        # A phrase of the glossary ("gospodarka obiegu zamkniętego") is one concept.
        joined = {*key.split(), *translated}
        touched = [c for c in concepts if c & joined]
        concepts = [c for c in concepts if not c & joined]
        concepts.append(joined.union(*touched))
    return concepts


def keyword_coverage(
    searcher: tantivy.Searcher, parsed: QueryTerms, addresses: dict[tuple[int, int], int]
) -> dict[int, float]:
    """Share of the query's concepts (``query_concepts``) each document contains, by the
    documents' addresses in ``searcher`` → their ids. One search, restricted to these
    documents, in the same searcher that found them: addresses belong to one snapshot of
    the index, and a write between two searchers could point them at other documents."""
    doc_ids = list(addresses.values())
    concepts = query_concepts(parsed)
    if not concepts or not doc_ids:
        return dict.fromkeys(doc_ids, 1.0)
    # One search: each concept a clause of constant score 1, so a document's score is how
    # many concepts it contains (the restriction to these documents scores 0).
    within = tantivy.Query.term_set_query(SCHEMA, "doc_id", doc_ids)
    clauses = [(tantivy.Occur.Must, tantivy.Query.const_score_query(within, 0.0))]
    for concept in concepts:
        has = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, field_name, term))
                for term in sorted(concept)
                for field_name in ("names", "body")
            ]
        )
        clauses.append((tantivy.Occur.Should, tantivy.Query.const_score_query(has, 1.0)))
    counts = dict.fromkeys(doc_ids, 0)
    hits = searcher.search(tantivy.Query.boolean_query(clauses), limit=len(doc_ids), count=False)
    for score, addr in hits.hits:
        doc_id = addresses.get((addr.segment_ord, addr.doc))
        if doc_id is not None:
            counts[doc_id] = round(score)
    return {doc_id: n / len(concepts) for doc_id, n in counts.items()}


def retrieve(
    reader: Reader,
    parsed: QueryTerms,
    filters: SearchFilters,
    *,
    mode: str,
    limit: int,
    fetch: int,
) -> Retrieved:
    """Stage 1: the name, keyword and semantic lists the ``mode`` asks for, ``fetch`` deep
    (deeper than ``limit`` when hidden documents may have to be dropped)."""
    engine_ms: dict[str, float] = {}
    related = False
    keyword: list[tuple[int, float]] = []
    coverage: dict[int, float] = {}
    if mode in ("hybrid", "keyword"):
        t0 = time.perf_counter()
        keyword, coverage = keyword_ranked(reader, parsed, filters, max(CANDIDATES, fetch))
        engine_ms["keyword"] = _ms(t0)
    semantic: list[tuple[int, float, int]] = []
    if mode in ("hybrid", "semantic"):
        t0 = time.perf_counter()
        vector = get_encoder().encode([parsed.raw])[0]
        engine_ms["encode"] = _ms(t0)
        t0 = time.perf_counter()
        # Words the index knows already say the query means something; without them the
        # semantic list must first show that anything is close (``Z_GATE``).
        supplement = mode == "hybrid" and bool(keyword)
        # ... unless no keyword document covers enough of the query to speak for it: then
        # the semantic list is asked as if no word had matched (the gate, then Z_RELATED).
        covered = max(coverage.values(), default=0.0) >= COVERAGE_FULL
        supplement = supplement and covered
        min_z = Z_HYBRID if supplement else Z_RELATED
        # With a full BM25 list, semantic only supplements it: skip the exact filtered scan.
        # Without words found, rather than an empty page, the nearest documents are
        # returned, labelled as only related (``explain``), when nothing is close.
        semantic, close = semantic_search(
            reader,
            vector,
            filters,
            max(SEMANTIC_DEPTH, fetch),
            min_z,
            gate=not supplement,
            related=not keyword,
            exact_fallback=not (mode == "hybrid" and len(keyword) >= limit),
        )
        related = bool(semantic) and not close
        engine_ms["semantic"] = _ms(t0)
    names: list[int] = []
    phrases: list[int] = []
    name_words: list[int] = []
    if mode in ("hybrid", "keyword"):
        names = name_matches(reader, parsed.raw, filters, fetch)
        name_words = name_word_matches(reader, parsed, filters, fetch)
        if keyword:  # a document with the phrase has its words
            phrases = phrase_matches(reader, parsed.raw, filters, fetch, in_names=names)
    resolved: dict[int, tuple[str, bool]] = {}
    if mode in ("hybrid", "keyword"):
        t0 = time.perf_counter()
        for name in resolved_names(reader, parsed, filters):
            in_names = name_matches(reader, name, filters, fetch)
            if len(analyze(name)) == 1:  # a one-word name (an acronym): its word
                holders = [*in_names, *word_matches(reader, name, filters, fetch)]
            else:
                holders = phrase_matches(reader, name, filters, fetch, in_names=in_names)
            for doc_id in holders:
                resolved.setdefault(doc_id, (name, doc_id in in_names))
        engine_ms["resolve"] = _ms(t0)
    return Retrieved(
        names, keyword, semantic, engine_ms, phrases, related, resolved, name_words, coverage
    )


def fuse(retrieved: Retrieved) -> dict[int, float]:
    """Stage 2: reciprocal rank fusion of the lists, documents that contain the whole query
    as a phrase first; by fused score, best first (ties keep the order they were first seen
    in: names, keyword, semantic)."""
    fused: dict[int, float] = {}
    # A document whose name contains the whole query is strong evidence of its own.
    for rank, doc_id in enumerate(retrieved.names, start=1):
        fused[doc_id] = fused.get(doc_id, 0.0) + NAME_WEIGHT / (RRF_K + rank)
    for rank, doc_id in enumerate(retrieved.name_words, start=1):
        fused[doc_id] = fused.get(doc_id, 0.0) + NAME_WORDS_WEIGHT / (RRF_K + rank)
    for rank, (doc_id, _score) in enumerate(retrieved.keyword, start=1):
        fused[doc_id] = fused.get(doc_id, 0.0) + KEYWORD_WEIGHT / (RRF_K + rank)
    for rank, (doc_id, _sim, _pos) in enumerate(retrieved.semantic, start=1):
        fused[doc_id] = fused.get(doc_id, 0.0) + SEMANTIC_WEIGHT / (RRF_K + rank)
    # A literal phrase of the whole query outranks every document without one.
    for doc_id in dict.fromkeys(retrieved.phrases):
        fused[doc_id] = fused.get(doc_id, 0.0) + LITERAL_TIER
    # So does a name the query gives in another language or form.
    # A document with the literal phrase is not raised again by the same name in another
    # form: the tiers do not stack (``TIERS_STACK``).
    literal = set(retrieved.phrases)
    for doc_id in retrieved.resolved:
        if TIERS_STACK or doc_id not in literal:
            fused[doc_id] = fused.get(doc_id, 0.0) + RESOLVED_TIER
    return {doc_id: fused[doc_id] for doc_id in sorted(fused, key=lambda d: -fused[d])}


def hide(doc_ids: list[int], user: Any, *, kinds: list[str] | None = None) -> list[int]:
    """Stage 3: the documents ``user`` may see, in order (see ``hidden_documents``)."""
    if kinds == []:
        return doc_ids
    hidden = hidden_documents(doc_ids, user, kinds=kinds)
    return [d for d in doc_ids if d not in hidden]


def hidden_documents(doc_ids: list[int], user: Any, *, kinds: list[str] | None = None) -> set[int]:
    """Of these documents, those ``user`` may not see now, asked of the visibility rule of
    each kind that has one (``kinds`` limits which are asked), in the database.

    The index may lag: a cooperation profile can expire by the date, change its audience or
    be deleted before its document is refreshed, so visibility comes from the owning app's
    own rule, never from the index.
    """
    ruled = [k.name for k in registry.kinds() if k.visible is not None]
    if kinds is not None:
        ruled = [k for k in ruled if k in kinds]
    if not doc_ids or not ruled:
        return set()
    by_kind: dict[str, dict[int, int]] = {}  # kind -> record id -> document id
    for doc_id, kind, object_id in SearchDocument.objects.filter(
        pk__in=doc_ids, kind__in=ruled
    ).values_list("pk", "kind", "object_id"):
        by_kind.setdefault(kind, {})[object_id] = doc_id
    hidden: set[int] = set()
    for kind, documents in by_kind.items():
        rule = registry.get(kind).visible
        assert rule is not None  # noqa: S101 - only ruled kinds were read
        visible = set(rule(user, list(documents)))
        hidden |= {doc for object_id, doc in documents.items() if object_id not in visible}
    return hidden


def explain(
    reader: Reader,
    parsed: QueryTerms,
    top: list[int],
    fused: dict[int, float],
    retrieved: Retrieved,
) -> list[Hit]:
    """Stage 4: the hits of ``top`` with their scores and why each matched: the whole query
    as a phrase (in the name or the text), the query's words (and translations) it contains,
    and the passage it is semantically close to (or, with nothing close, only related to)."""
    docs = SearchDocument.objects.defer("names", "body").in_bulk(top)
    kw_scores = dict(retrieved.keyword)
    query_terms = set(parsed.terms) | {t for ts in parsed.translations.values() for t in ts}
    present = _present_terms(reader, [d for d in top if d in kw_scores], query_terms)
    sem = {d: (s, p) for d, s, p in retrieved.semantic}
    passages = {
        (c.document_id, c.position): c.text
        for c in SearchChunk.objects.filter(
            Q(pk__in=[]) | _chunk_filter([(d, sem[d][1]) for d in top if d in sem])
        ).only("document_id", "position", "text")
    }
    hits: list[Hit] = []
    in_names = set(retrieved.names)
    phrases = set(retrieved.phrases)
    for doc_id in top:
        doc = docs.get(doc_id)
        if doc is None:  # deleted between the index read and now
            continue
        why: list[str] = []
        if doc_id in phrases:
            where = (
                _("phrase in the name: “%(phrase)s”")
                if doc_id in in_names
                else _("phrase in the text: “%(phrase)s”")
            )
            why.append(where % {"phrase": parsed.raw})
        elif doc_id in retrieved.resolved:
            name, in_name = retrieved.resolved[doc_id]
            where = (
                _("the same name in another form: “%(name)s”")
                if in_name
                else _("the same name in another form, in the text: “%(name)s”")
            )
            why.append(where % {"name": name})
        if doc_id in kw_scores:
            matched = _matched_terms(parsed, present[doc_id])
            terms = ", ".join(matched) if matched else _("similar spelling")
            why.append(_("keyword: %(terms)s") % {"terms": terms})
        if doc_id in sem:
            similarity, position = sem[doc_id]
            passage = passages.get((doc_id, position), "")
            excerpt = " ".join(passage.split()[:18])
            if retrieved.related:
                why.append(
                    _("no close match; related in meaning: “%(excerpt)s…”") % {"excerpt": excerpt}
                )
            else:
                why.append(
                    _("semantic %(similarity).2f: “%(excerpt)s…”")
                    % {"similarity": similarity, "excerpt": excerpt}
                )
        hits.append(
            Hit(
                doc_id=doc_id,
                kind=doc.kind,
                object_id=doc.object_id,
                name=doc.title,
                slug=doc.slug,
                url=doc.url,
                score=round(fused[doc_id], 6),
                keyword_score=round(kw_scores[doc_id], 4) if doc_id in kw_scores else None,
                semantic_score=round(sem[doc_id][0], 4) if doc_id in sem else None,
                why=why,
            )
        )
    return hits


def _chunk_filter(pairs: list[tuple[int, int]]) -> Q:
    cond = Q(pk__in=[])
    for doc_id, position in pairs:
        cond |= Q(document_id=doc_id, position=position)
    return cond


def _facets(doc_ids: list[int]) -> dict[str, dict[str, int]]:
    """Counts of the fused candidates per type, highland and helix role."""
    kinds: Counter[str] = Counter()
    highlands: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    rows = SearchDocument.objects.filter(pk__in=doc_ids).values_list(
        "kind", "highlands", "helix_role"
    )
    for kind, highland_slugs, role in rows:
        kinds[kind] += 1
        for slug in highland_slugs.split("|"):
            if slug:
                highlands[slug] += 1
        if role:
            roles[role] += 1
    return {"type": dict(kinds), "highland": dict(highlands), "helix_role": dict(roles)}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
