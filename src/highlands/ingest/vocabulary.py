"""Field names and organisation cues in English and Polish, shared by all importers."""

from __future__ import annotations

import re
from functools import lru_cache

from ..text.folding import fold

# Profile field keys → canonical field.  Matched against the folded key text.
FIELD_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("name", re.compile(r"^(?:cluster\s+)?name$|^nazwa(?:\s+klastra)?$")),
    ("coordinator", re.compile(r"^(?:cluster\s+)?coordinator$|^koordynator(?:\s+klastra)?$")),
    (
        "year",
        re.compile(
            r"^year\s+of\s+(?:establishment|foundation)$|^(?:year\s+)?established$"
            r"|^rok\s+(?:utworzenia|powstania|zalozenia)$"
        ),
    ),
    ("members", re.compile(r"^number\s+of\s+members\b|^liczba\s+czlonkow\b")),
    (
        "enterprises",
        re.compile(
            r"^number\s+of\s+(?:enterprises|businesses|companies|firms)\b"
            r"|^(?:w\s+tym\s+|liczba\s+)?przedsiebiorstw\b|^liczba\s+firm\b"
        ),
    ),
    (
        "business_environment_institutions",
        re.compile(
            r"^number\s+of\s+business\s+(?:environment|support)\s+institutions\b"
            r"|^(?:liczba\s+)?(?:instytucji\s+otoczenia\s+biznesu|iob)\b"
        ),
    ),
    (
        "universities",
        re.compile(
            r"^number\s+of\s+(?:universities|higher\s+educations?\s+institutions|"
            r"research\s+and\s+academic\s+institutions)\b|^(?:liczba\s+)?uczelni\b"
        ),
    ),
    ("contact", re.compile(r"^contact$|^kontakt$")),
    (
        "characteristics",
        re.compile(
            r"^(?:cluster\s+)?characteristics(?:\s+of\s+the\s+(?:organi[sz]ation|cluster))?$"
            r"|^charakterystyka(?:\s+klastra)?$"
        ),
    ),
]

FIGURE_FIELDS = ("members", "enterprises", "business_environment_institutions", "universities")
# Figures that break the member total down by helix role, and the role of what is listed under.
BREAKDOWN_ROLE = {
    "enterprises": "business",
    "business_environment_institutions": "bei",
    "universities": "academia",
}


def classify_field(key: str) -> str | None:
    """Canonical field for a profile key such as 'Number of businesses in the cluster'."""
    folded = re.sub(r"\s+", " ", fold(key)).strip()
    for field, pattern in FIELD_PATTERNS:
        if pattern.search(folded):
            return field
    return None


# Organisation cues: (pattern on the folded name, helix role, organisation type, why).
ORG_CUES: list[tuple[re.Pattern[str], str, str, str]] = [
    (
        re.compile(
            r"\b(?:university|uniwersytet|politechnika|akademia|academy|higher school|"
            r"szkola wyzsza|uczelnia)\b"
        ),
        "academia",
        "university",
        "name: university",
    ),
    (
        re.compile(r"\b(?:institute|instytut|research centre|research center)\b"),
        "academia",
        "research_institute",
        "name: research institute",
    ),
    (
        re.compile(
            r"\b(?:municipality|municipal office|city hall|city office|marshal'?s office|"
            r"urzad|gmina|voivodeship office|starostwo)\b"
        ),
        "public_authority",
        "municipality",
        "name: public authority",
    ),
    (
        re.compile(r"\b(?:park naukowo|technology park|science park|park technologiczny)\b"),
        "bei",
        "technology_park",
        "name: technology park",
    ),
    (
        re.compile(r"\b(?:development agency|agencja rozwoju|agency)\b"),
        "bei",
        "agency",
        "name: development agency",
    ),
    (
        re.compile(r"\b(?:development foundation|foundation for .*development|fundacja rozwoju)\b"),
        "bei",
        "foundation",
        "name: development foundation",
    ),
    (re.compile(r"\b(?:foundation|fundacja)\b"), "", "foundation", "name: foundation"),
    (
        re.compile(r"\b(?:association|stowarzyszenie|society|towarzystwo)\b"),
        "civil_society",
        "association",
        "legal form: association (NGO)",
    ),
    (
        re.compile(
            r"\b(?:sp\s*\.?\s*z\s*o\s*\.?\s*o|s\s*\.\s*a\b|ltd|sp\s*\.\s*j|spolka|"
            r"przedsiebiorstwo)\b"
        ),
        "business",
        "company",
        "legal form: company",
    ),
]


def infer_organization(name: str) -> tuple[str, str, str]:
    """(helix role, type, basis) implied by an organisation's own name; blanks when unknown."""
    folded = fold(name)
    for pattern, role, org_type, basis in ORG_CUES:
        if pattern.search(folded):
            return role, org_type, basis
    return "", "", ""


_ORG_WORDS = re.compile(
    r"\b(?:cluster|klaster|kalster|group|club|center|centre|office|agency|foundation|"
    r"association|society|university|company|ltd|sp|s\.a|fund|park|institute|chamber|"
    r"municipality|hall|lab|laboratory|bank|partners|solutions|systems|service|services|"
    r"inc|llc|gmbh)\b",
    re.IGNORECASE,
)


def looks_like_person(name: str) -> bool:
    """True for a bare 'First Last' personal name (no organisational words, no quotes)."""
    words = name.split()
    if not 2 <= len(words) <= 3 or _ORG_WORDS.search(name) or re.search(r"[\"“”„.&\d]", name):
        return False
    return all(
        re.fullmatch(r"[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]+(?:-[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]+)?", w)
        for w in words
    )


NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


# --- Table headers (CSV / XLSX / JSON keys) -------------------------------------------------
# Matched against the header folded to lower-case ASCII words (punctuation → spaces).  The
# order matters: the combined "members (of which enterprises)" column is tried before
# "members".  ``cluster`` is the cluster an organisation belongs to in a member list; in a
# table of clusters with no other name column it is the name itself (resolved by the parser).
TABLE_HEADER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("row_number", re.compile(r"^(?:lp|l p|nr|no|numer|number|id|pozycja)$")),
    (
        "name_pl",
        re.compile(
            r"^(?:nazwa|name)(?: klastra| organizacji| cluster)? (?:pl|polska|po polsku|polish)$"
            r"|^polish name$|^nazwa polska$"
        ),
    ),
    (
        "name_en",
        re.compile(
            r"^(?:nazwa|name)(?: klastra| organizacji| cluster)? (?:en|ang|angielska|"
            r"po angielsku|english|in english)$|^english name$|^nazwa angielska$"
        ),
    ),
    (
        "name",
        re.compile(
            r"^(?:(?:cluster|organi[sz]ation|company|member|entity) )?name$"
            r"|^nazwa(?: klastra| organizacji| podmiotu| firmy| czlonka| instytucji)?$"
            r"|^(?:organi[sz]ation|organizacja|podmiot|firma|company|member|czlonek)$"
        ),
    ),
    (
        "coordinator",
        re.compile(
            r"^(?:cluster )?coordinator(?: of the cluster)?$|^koordynator(?: klastra)?$"
            r"|^podmiot koordynujacy$|^lead organi[sz]ation$"
        ),
    ),
    (
        "year",
        re.compile(
            r"^year(?: of (?:establishment|foundation|creation))?$"
            r"|^(?:year )?(?:established|founded)$"
            r"|^rok(?: (?:utworzenia|powstania|zalozenia|zawiazania))?(?: klastra)?$"
            r"|^data (?:utworzenia|powstania|zalozenia)$"
        ),
    ),
    (
        "members_enterprises",
        re.compile(
            r"^(?:liczba )?czlonkow(?: klastra)? w tym (?:przedsiebiorstw|przedsiebiorcow|firm)$"
            r"|^(?:number of )?members (?:of which|incl|including|in which|with) "
            r"(?:enterprises|companies|businesses)$|^members enterprises$"
        ),
    ),
    (
        "member_clusters",
        re.compile(r"^(?:liczba )?klastrow(?: czlonkowskich)?$|^(?:number of )?member clusters$"),
    ),
    (
        "members",
        re.compile(
            r"^(?:liczba )?czlonkow\b|^number of members\b|^members(?: total)?$"
            r"|^(?:liczba )?(?:podmiotow|uczestnikow)\b|^czlonkowie$"
        ),
    ),
    (
        "enterprises",
        re.compile(
            r"^(?:w tym |liczba )?(?:przedsiebiorstw|przedsiebiorcow|firm)\b"
            r"|^(?:of which |incl |including )?(?:enterprises|companies|businesses|firms)$"
            r"|^number of (?:enterprises|businesses|companies|firms)\b"
        ),
    ),
    (
        "business_environment_institutions",
        re.compile(
            r"^(?:number of )?business (?:environment|support) institutions\b|^bei$"
            r"|^(?:w tym |liczba )?(?:instytucji otoczenia biznesu|iob)\b"
        ),
    ),
    (
        "universities",
        re.compile(
            r"^(?:number of )?(?:universities|higher education institutions)\b"
            r"|^(?:w tym |liczba )?(?:uczelni|jednostek naukowych)\b"
        ),
    ),
    ("city", re.compile(r"^(?:miasto|miejscowosc|siedziba|city|town|location|lokalizacja)$")),
    (
        "helix_role",
        re.compile(
            r"^(?:rola|rola w helisie|helisa|helix|helix role|role|typ|type|rodzaj|typ podmiotu"
            r"|rodzaj podmiotu|kategoria|category|sektor|sector|organi[sz]ation type)$"
        ),
    ),
    (
        "website",
        re.compile(r"^(?:www|strona|strona www|strona internetowa|website|web site|web|url)$"),
    ),
    ("description", re.compile(r"^(?:opis|description|profil|profile|charakterystyka)$")),
    (
        "cluster",
        re.compile(
            r"^(?:klaster|klastry|cluster|clusters|member of(?: cluster)?|czlonek klastra"
            r"|przynaleznosc do klastra)$"
        ),
    ),
    ("as_of", re.compile(r"^(?:stan na|as of|as at|data|date|data stanu|as of date)$")),
]

# Header words that say which language the table is written in (for names with no cue).
POLISH_HEADER_WORDS = re.compile(
    r"\b(?:nazwa|koordynator|rok|liczba|czlonkow|przedsiebiorstw|miasto|opis|klaster|lp|stan)\b"
)


_NOT_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def header_key(header: str) -> str:
    """A header folded to lower-case ASCII words: 'Liczba członków*' → 'liczba czlonkow'."""
    return _NOT_WORD.sub(" ", fold(header)).strip()


def classify_header(header: str) -> str | None:
    """Canonical table field for a column header in Polish or English; None when unknown."""
    if header.strip() in {"#", "№"}:
        return "row_number"
    key = header_key(header)
    for table_field, pattern in TABLE_HEADER_PATTERNS:
        if pattern.search(key):
            return table_field
    return None


# Helix role / type cell values → (helix role, organisation type).  Folded words.
HELIX_VALUES: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(
            r"^(?:iob|bei|instytucja otoczenia biznesu|business environment institution|"
            r"business support institution|park technologiczny|technology park|"
            r"park naukowo technologiczny)$"
        ),
        "bei",
        "",
    ),
    (
        re.compile(
            r"^(?:business|biznes|przedsiebiorstwo|przedsiebiorca|firma|enterprise|company|"
            r"sme|msp|duze przedsiebiorstwo|large enterprise)$"
        ),
        "business",
        "company",
    ),
    (
        re.compile(
            r"^(?:academia|nauka|uczelnia|university|uniwersytet|research institute|"
            r"instytut badawczy|jednostka naukowa|research|szkola wyzsza)$"
        ),
        "academia",
        "",
    ),
    (
        re.compile(
            r"^(?:public authority|public administration|administracja|administracja publiczna|"
            r"samorzad|jst|jednostka samorzadu terytorialnego|wladza publiczna|government|"
            r"local government)$"
        ),
        "public_authority",
        "",
    ),
    (
        re.compile(
            r"^(?:civil society|ngo|organizacja pozarzadowa|spoleczenstwo obywatelskie|"
            r"stowarzyszenie|association|fundacja|foundation|non profit)$"
        ),
        "civil_society",
        "",
    ),
]


@lru_cache(maxsize=4096)
def classify_helix_value(value: str) -> tuple[str, str] | None:
    """(helix role, organisation type) for a cell such as 'IOB' or 'uczelnia'; None if unknown."""
    key = header_key(value)
    for pattern, role, org_type in HELIX_VALUES:
        if pattern.search(key):
            return role, org_type
    return None
