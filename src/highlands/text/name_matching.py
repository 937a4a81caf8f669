"""Do two organisation or cluster names mean the same one, in either language?

Pure and deterministic: names are compared as sets of *concepts* through a small curated
PL↔EN glossary ("Politechnika Lubelska" and "Lublin University of Technology" are both
{university, technology, lublin}), with typo tolerance and little weight for generic words.
Reconciliation (``ingest/reconcile.py``) and the registry's self-service onboarding use it.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

from .folding import tokens
from .names import normalize_name

EXACT_NAME = 1.0  # same normalized key as a known name or alias
SAME_CONCEPTS = 0.95  # same concepts, e.g. the Polish name of an English-named cluster
FUZZY_TOKEN = 0.80  # a concept word this similar counts (typos)
# Distinct names (see ``distinct_names``) score at most this: below reconciliation's NEW_BELOW.
DISTINCT_NAMES = 0.30


# --- Cross-lingual cluster vocabulary --------------------------------------------------------
# A small, curated PL↔EN glossary of the words cluster and organisation names are made of.
# Each concept lists folded word prefixes in both languages (Polish prefixes cover the
# inflected forms: "obróbki", "obróbka" → "obrob").  Reconciliation compares names as sets
# of concepts, so "Wschodni Klaster Obróbki Metali" and "Eastern Metal Processing Cluster"
# meet on {eastern, cluster, processing, metal}.  Longest prefix wins.
CONCEPT_PREFIXES: dict[str, tuple[str, ...]] = {
    "cluster": ("cluster", "klast", "kalster"),
    "association": ("association", "stowarzysz", "zwiaz", "union"),
    "foundation": ("foundation", "fundac"),
    "eastern": ("east", "wschod"),
    "western": ("west", "zachod"),
    "metal": ("metal",),
    "processing": ("process", "obrob", "przetworst"),
    "lublin": ("lublin", "lubel"),  # the city and its region (Lubelskie) alike
    "region": ("region",),
    "wood": ("wood", "drewn", "drzewn", "drewni"),
    "ict": ("ict", "telecommun", "telekomun"),
    "it": ("it", "informaty"),
    "medical": ("medic", "medyc", "medycz", "medyk", "health", "zdrow"),
    "wellness": ("wellness",),
    "biotechnology": ("biotech",),
    "aviation": ("aviat", "lotnic", "aero"),
    "advanced": ("advanc", "zaawans"),
    "technology": ("technolog", "techni", "tech"),
    "energy": ("energ",),
    "renewable": ("renewab", "odnawial", "oze"),
    "eco": ("eco", "eko", "ekolog"),
    "photonics": ("photon", "foton"),
    "optical": ("optic", "optycz", "opty"),
    "fiber": ("fiber", "fibre", "wlokn"),
    "innovation": ("innovat", "innowac"),
    "fashion": ("fashion", "mod", "odziez"),
    "design": ("design", "wzornict", "projekt"),
    "hotel": ("hotel",),
    "restaurant": ("restaur", "gastronom"),
    "enterprise": ("enterpris", "przedsiebior", "firm", "business", "biznes"),
    "institution": ("institution", "instytuc"),
    "environment": ("environment", "otoczen"),
    "industrial": ("industr", "przemysl"),
    "upland": ("upland", "wyzyn", "highland"),
    "precision": ("precis", "precyz"),
    "agriculture": ("agricult", "rolnic", "rolnict"),
    "polish": ("polish", "polsk", "poland"),
    "automotive": ("automotiv", "motoryz", "samochod"),
    "machine": ("machin", "maszyn"),
    "development": ("develop", "rozwoj", "rozwoju"),
    "agency": ("agenc", "agency"),
    "club": ("club", "klub"),
    "rationalization": ("rational", "racjonaliz"),
    "voivodeship": ("voivodeship", "provinc", "wojewodz"),
    "municipality": ("municipal", "gmin", "miast", "city", "commune", "communal"),
    "university": ("universit", "uniwersyt", "uczeln"),
    "software": ("software", "oprogramow"),
    "game": ("game", "gier", "gry"),
    "tourism": ("touris", "turyst"),
    "food": ("food", "zywnosc", "spozywcz"),
    "logistics": ("logist",),
    "construction": ("construct", "budow", "budown"),
    "water": ("water", "wod"),
    "chemistry": ("chemi", "chemic"),
    "creative": ("creativ", "kreatyw"),
    "space": ("space", "kosmi"),
    "cosmetics": ("cosmet", "kosmet"),
    "center": ("center", "centre", "centrum"),
    "national": ("national", "krajow", "ogolnopolsk"),
    "smart": ("smart", "inteligent"),
    "city_word": ("miejsk", "urban"),
    "services": ("servic", "uslug"),
    # Public offices and institutions: the words official names are made of in both
    # languages ("Urząd Marszałkowski Województwa Lubelskiego" = "Marshal's Office of the
    # Lublin Province", "Starostwo Powiatowe" = "County Office", "Izba Gospodarcza" =
    # "Chamber of Commerce", "Park Naukowo-Technologiczny" = "Science and Technology Park").
    "office": ("office", "urzad", "urzed", "biuro", "biura", "bureau", "hall", "ratusz"),
    "marshal": ("marshal", "marszal"),
    "county": ("county", "powiat", "district"),
    "mayor": ("mayor", "burmistrz", "prezydent", "wojt"),
    "ministry": ("ministr",),
    "government": ("government", "rzadow", "samorzad", "wojewoda", "wojewody", "governor"),
    "council": ("council", "sejmik"),
    "chamber": ("chamber", "izba", "izby", "izbie"),
    "commerce": ("commerc", "handlow", "handlu", "gospodarcz", "economic"),
    "employment": ("employment", "zatrudnien"),
    "science": ("scien", "nauk"),
    "research": ("research", "badawcz", "badan"),
    "institute": ("institut", "instytut"),
    "academy": ("academ", "akadem"),
    "hospital": ("hospital", "szpital"),
    "clinic": ("clinic", "klinik", "przychodn"),
    "library": ("librar", "bibliotek"),
    "museum": ("museum", "muze"),
    "european": ("europ",),
    "insurance": ("insuranc", "ubezpiecz"),
    "social": ("social", "spoleczn"),
}
# Concepts written as a few whole words only: as prefixes they would take other words
# ("port" is not "portal", "szkole" is not "szkolenie" = training, "life" is not "lifestyle").
WHOLE_WORDS: dict[str, tuple[str, ...]] = {
    "school": ("school", "schools", "college", "szkola", "szkoly", "szkole", "szkol", "szkolach"),
    "port": ("port", "ports", "portu", "porty"),
    "park": ("park", "parks", "parku", "parki"),
    "life": ("life",),
    "government": ("self", "rzad", "rzadu"),  # "self-government"; "rząd" = government
}

# Words that carry no identity in a name (both languages).
NAME_STOPWORDS = frozenset(
    {
        "of",
        "the",
        "and",
        "in",
        "for",
        "a",
        "an",
        "w",
        "i",
        "z",
        "na",
        "dla",
        "oraz",
        "we",
        "ze",
        "s",
    }
)
# Legal-form words written without their dots ("SA", "Sp z oo") that normalize_name keeps.
LEGAL_FORM_WORDS = frozenset({"sa", "sp", "zoo", "spj", "spk", "ltd", "llc", "inc", "gmbh", "plc"})
# Concepts nearly every local cluster name contains: they count, but little.
GENERIC_CONCEPTS = frozenset({"cluster", "lublin", "association", "region"})
# Places say where, not what; organisation forms say what kind, not which: they count half.
PLACE_CONCEPTS = frozenset({"eastern", "western", "polish", "national", "european", "voivodeship"})
FORM_CONCEPTS = frozenset(
    {"foundation", "university", "agency", "club", "center", "office", "institute", "academy"}
    | {"school", "chamber", "ministry", "council"}
)
# Different concepts that are near in meaning: partial credit, never a full match.
RELATED_CONCEPTS: dict[frozenset[str], float] = {frozenset({"it", "ict"}): 0.7}
# Polish compounds that English writes as two words.
COMPOUND_PREFIXES: dict[str, tuple[str, ...]] = {
    "ekoenerg": ("eco", "energy"),
    "swiatlowod": ("optical", "fiber"),
    "teleinform": ("ict",),
    "politechnik": ("university", "technology"),  # "Politechnika" = university of technology
    "przyrodnicz": ("life", "science"),  # "Uniwersytet Przyrodniczy" = University of Life Sciences
    "airport": ("aviation", "port"),  # "Port Lotniczy", "lotnisko"
    "lotnisk": ("aviation", "port"),
    "starostw": ("county", "office"),  # "Starostwo Powiatowe" = County Office
}

_PREFIX_INDEX = sorted(
    ((prefix, concept) for concept, prefixes in CONCEPT_PREFIXES.items() for prefix in prefixes),
    key=lambda pc: -len(pc[0]),
)
# Short prefixes must match the whole word ("it" is not "item"; "mod" is not "model").
_WHOLE_WORD_BELOW = 4
_SHORT_WORDS = {"mod": ("moda", "mody", "modowy", "modowa", "modowe", "modowego", "modowych")}


# Every concept the glossary knows (a word outside it is a name: a surname, a brand).
GLOSSARY_CONCEPTS = (
    frozenset(CONCEPT_PREFIXES)
    | frozenset(WHOLE_WORDS)
    | frozenset(c for concepts in COMPOUND_PREFIXES.values() for c in concepts)
)
_WHOLE_WORD_INDEX = {word: concept for concept, ws in WHOLE_WORDS.items() for word in ws}


@lru_cache(maxsize=131072)
def concepts_of(word: str) -> tuple[str, ...]:
    """The glossary concepts of a folded word ('ekoenergetyczny' → eco, energy)."""
    for prefix, concepts in COMPOUND_PREFIXES.items():
        if word.startswith(prefix):
            return concepts
    return (concept_of(word),)


def concept_of(word: str) -> str:
    """The glossary concept of a folded word, or the word itself with a crude suffix cut."""
    if word in _WHOLE_WORD_INDEX:
        return _WHOLE_WORD_INDEX[word]
    for prefix, concept in _PREFIX_INDEX:
        if len(prefix) < _WHOLE_WORD_BELOW:
            if word == prefix or word in _SHORT_WORDS.get(prefix, ()):
                return concept
            continue
        if word.startswith(prefix):
            return concept
    return _crude_stem(word)


def _crude_stem(word: str) -> str:
    for suffix in ("ies", "es", "s", "ego", "ych", "ymi", "ami", "ach", "ow", "ie", "y", "a"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


_IGNORED_WORDS = NAME_STOPWORDS | LEGAL_FORM_WORDS


@lru_cache(maxsize=262144)
def name_key(name: str) -> str:
    """``normalize_name``, remembered (every name is compared many times)."""
    return normalize_name(name)


@lru_cache(maxsize=262144)
def concepts(name: str) -> frozenset[str]:
    """The concepts a name is made of: legal forms and stop words dropped, PL/EN folded."""
    words = [w for w in tokens(name_key(name)) if w not in _IGNORED_WORDS]
    return frozenset(c for w in words for c in concepts_of(w))


@lru_cache(maxsize=262144)
def distinctive(name_concepts: frozenset[str]) -> frozenset[str]:
    """The concepts that say *what*: not generic, not a place, not a form."""
    return frozenset(c for c in name_concepts if _weight(c) == 1.0)


@lru_cache(maxsize=262144)
def name_words(name_concepts: frozenset[str]) -> frozenset[str]:
    """The distinctive concepts the glossary does not know: the words that say *which* one
    (a surname, a brand), where two domain words ("eco", "renewable") may still mean one."""
    return frozenset(c for c in distinctive(name_concepts) if c not in GLOSSARY_CONCEPTS)


def typo_similarity(a: str, b: str) -> float:
    """A typo's similarity of two concept words (0 when too short or too different)."""
    shorter, longer = sorted((len(a), len(b)))
    # The ratio is at most 2·shorter / (shorter + longer): skip pairs that cannot reach it.
    if shorter < 4 or shorter * 3 < longer * 2:
        return 0.0
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < FUZZY_TOKEN or matcher.quick_ratio() < FUZZY_TOKEN:
        return 0.0
    ratio = matcher.ratio()
    return ratio * 0.9 if ratio >= FUZZY_TOKEN else 0.0  # a typo is evidence, not identity


@lru_cache(maxsize=65536)
def _weight(concept: str) -> float:
    if concept in GENERIC_CONCEPTS:
        return 0.25
    if concept in PLACE_CONCEPTS or concept in FORM_CONCEPTS:
        return 0.5
    return 1.0


@lru_cache(maxsize=262144)
def _partner_score(concept: str, other: str) -> float:
    if concept == other:
        return 1.0
    return RELATED_CONCEPTS.get(frozenset({concept, other})) or typo_similarity(concept, other)


def _best_partner(concept: str, others: frozenset[str]) -> float:
    if concept in others:
        return 1.0
    return max((_partner_score(concept, other) for other in others), default=0.0)


def distinct_names(a: frozenset[str], b: frozenset[str]) -> bool:
    """The names share a name word, each has a distinctive concept with no partner on the
    other side, and one of those is a name word (see ``ingest/reconcile.py``'s notes)."""
    # A word both names share is paired with itself, so it is no one else's typo partner
    # ("Piotrowski" is not a typo of the "Ostrowski" both names hold).
    rest_a, rest_b = a - b, b - a
    only_a = {c for c in distinctive(rest_a) if _best_partner(c, rest_b) == 0.0}
    only_b = {c for c in distinctive(rest_b) if _best_partner(c, rest_a) == 0.0}
    if not only_a or not only_b or not name_words(a & b):
        return False
    return any(c not in GLOSSARY_CONCEPTS for c in only_a | only_b)


def concept_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Weighted, typo-tolerant Dice overlap of two concept sets (0..1)."""
    if not a or not b:
        return 0.0
    matched = sum(_weight(c) * _best_partner(c, b) for c in a) + sum(
        _weight(c) * _best_partner(c, a) for c in b
    )
    total = sum(_weight(c) for c in a) + sum(_weight(c) for c in b)
    return matched / total


def name_similarity(a: str, b: str) -> float:
    """1.0 same key; 0.95 same concepts (e.g. across languages); else concept overlap,
    capped at ``DISTINCT_NAMES`` when the names are distinct."""
    key_a, key_b = name_key(a), name_key(b)
    if key_a and key_a == key_b:
        return EXACT_NAME
    ca, cb = concepts(a), concepts(b)
    if ca and ca == cb:
        return SAME_CONCEPTS
    similarity = min(concept_similarity(ca, cb), SAME_CONCEPTS - 0.01)
    if distinct_names(ca, cb):
        return min(similarity, DISTINCT_NAMES)
    return similarity


@lru_cache(maxsize=4096)
def concept_words(concept: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """How a glossary concept is written, in both languages: (folded word prefixes, whole
    words). Empty for a word the glossary does not know (a name word is written as itself).
    Search uses it to find the names that hold a concept in another language."""
    prefixes = list(CONCEPT_PREFIXES.get(concept, ()))
    prefixes += [p for p, cs in COMPOUND_PREFIXES.items() if concept in cs]
    # Short prefixes match whole words only (``concept_of``).
    whole = [p for p in prefixes if len(p) < _WHOLE_WORD_BELOW]
    whole += [w for p in whole for w in _SHORT_WORDS.get(p, ())]
    whole += list(WHOLE_WORDS.get(concept, ()))
    long = [p for p in prefixes if len(p) >= _WHOLE_WORD_BELOW]
    return tuple(dict.fromkeys(long)), tuple(dict.fromkeys(whole))


def is_generic(concept: str) -> bool:
    """A concept nearly every local name holds ("cluster", "Lublin")."""
    return concept in GENERIC_CONCEPTS
