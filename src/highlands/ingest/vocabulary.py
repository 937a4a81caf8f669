"""Field names and organisation cues in English and Polish, shared by all importers."""

from __future__ import annotations

import re

from .normalize import fold

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
