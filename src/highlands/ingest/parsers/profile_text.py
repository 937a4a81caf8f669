"""Parser for cluster profiles written as free text, in the source document's style.

Pure: ``parse_profile_text(text)`` → :class:`DocumentRecord`.  It never invents a fact: a
name the text does not state stays ``None`` and is flagged; a coordinator the text names two
ways is kept as stated and flagged; counts are kept exactly as stated beside what is listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...text.folding import clean_text, fold, tokens
from ...text.names import normalize_name
from ..records import (
    AttributeRecord,
    ClusterRecord,
    CooperationRecord,
    DocumentRecord,
    FigureRecord,
    HighlandRecord,
    IssueRecord,
    OrganizationRecord,
    Span,
)
from ..vocabulary import (
    BREAKDOWN_ROLE,
    FIGURE_FIELDS,
    NUMBER_WORDS,
    classify_field,
    infer_organization,
    looks_like_person,
)


class ProfileParseError(ValueError):
    """The text holds no recognisable cluster profile."""


GENERAL_INFO = re.compile(
    r"^\s*(?:general\s+information\s+about\s+the\s+cluster|og[oó]lne\s+informacje\s+o\s+klastrze)"
    r"\s*:?\s*$",
    re.I,
)
FIELD_LINE = re.compile(r"^\s*(?:[-–•*]\s*)?(?P<key>[^:\s][^:]{0,79}?)\s*:\s*(?P<value>.*?)\s*$")
BULLET = re.compile(r"^\s*[-–•*]\s*(?P<text>.+?)\s*$")
FOOTER = re.compile(r"^\s*more\s+information\s+about\b", re.I)
# Section headings such as "Clusters in Lublin" / "Klastry w Lublinie" are not profile titles.
SECTION_HEADING_NOT_TITLE = re.compile(r"^\s*(?:clusters|klastry)\b", re.I)
HEADER_FIELDS = {"name", "coordinator", "year", *FIGURE_FIELDS, "contact"}
STARTER_FIELDS = {"name", "coordinator", "year", "members"}


@dataclass
class _Line:
    number: int  # 1-based
    text: str


@dataclass
class _Field:
    kind: str
    key: str
    value: str


def _field(text: str) -> _Field | None:
    match = FIELD_LINE.match(text)
    if not match:
        return None
    kind = classify_field(match["key"])
    if kind is None:
        return None
    return _Field(kind, match["key"], match["value"])


def _is_bullet(text: str) -> bool:
    return bool(BULLET.match(text))


def _bullet_text(text: str) -> str:
    match = BULLET.match(text)
    return match["text"] if match else text.strip()


# --------------------------------------------------------------------------- document level


def parse_profile_text(text: str) -> DocumentRecord:
    """Parse a whole document: intro with highlands, then cluster profiles."""
    raw_lines = text.splitlines()
    lines = [_Line(i + 1, line.rstrip()) for i, line in enumerate(raw_lines)]
    starts = _profile_starts(lines)
    if not starts:
        raise ProfileParseError(
            "no cluster profile found (expected lines such as 'General information about the "
            "cluster:', 'Name:', 'Coordinator:' or 'Number of members in the cluster:')"
        )
    # A profile may begin one line earlier, at its title.
    titles: dict[int, _Line | None] = {}
    block_starts = []
    for s in starts:
        title = _title_before(lines, s)
        titles[s] = title
        block_starts.append(s - 1 if title else s)
    end = len(lines)
    footer_at = next((i for i in range(len(lines)) if FOOTER.match(lines[i].text)), None)
    if footer_at is not None and footer_at > block_starts[-1]:
        end = footer_at

    first_nonblank = next((ln for ln in lines if ln.text.strip()), None)
    doc_title = first_nonblank.text.strip() if first_nonblank else ""
    document = DocumentRecord(title=doc_title, line_count=len(lines))

    intro_lines = [ln for ln in lines[: block_starts[0]] if ln.text.strip()]
    if intro_lines and intro_lines[0].text.strip() == doc_title and len(doc_title) < 120:
        intro_lines = intro_lines[1:]
    # A heading such as "Clusters in Lublin" right before the first profile is not intro prose.
    while intro_lines and SECTION_HEADING_NOT_TITLE.match(intro_lines[-1].text):
        intro_lines.pop()
    _parse_intro(intro_lines, document)

    for idx, s in enumerate(starts):
        block_end = block_starts[idx + 1] if idx + 1 < len(starts) else end
        block = lines[s:block_end]
        document.clusters.append(_parse_profile(block, titles[s]))

    _check_duplicate_profiles(document)
    _apply_descriptions(intro_lines, document)
    return document


APPOSITIVE = re.compile(
    r"(?P<org>[A-Z][\w]*(?:\s?[–-]\s?[A-ZŚŁŻŹ][\w]+)?),\s+an?\s+(?:[\w-]+\s+){0,3}?"
    r"(?P<what>manufacturer|producer|company|university|foundation|association)\b"
)
_APPOSITIVE_ROLE = {
    "manufacturer": ("business", "company"),
    "producer": ("business", "company"),
    "company": ("business", "company"),
    "university": ("academia", "university"),
    "foundation": ("", "foundation"),
    "association": ("civil_society", "association"),
}


def _apply_descriptions(intro: list[_Line], document: DocumentRecord) -> None:
    """'PZL-Świdnik, a helicopter manufacturer' tells us what PZL-Świdnik is."""
    described: dict[str, tuple[str, str, str]] = {}
    for line in intro:
        for match in APPOSITIVE.finditer(line.text):
            role, org_type = _APPOSITIVE_ROLE[match["what"]]
            basis = f"text: '{match[0]}' (line {line.number})"
            described[normalize_name(match["org"])] = (role, org_type, basis)
    for cluster in document.clusters:
        for org in cluster.organizations:
            hit = described.get(normalize_name(org.name))
            if hit and not org.helix_role:
                org.helix_role, org.org_type, org.helix_role_basis = hit


def _profile_starts(lines: list[_Line]) -> list[int]:
    """Indexes of lines that open a profile: the general-info line or its first field."""
    starts: list[int] = []
    in_header = False
    for i, line in enumerate(lines):
        if GENERAL_INFO.match(line.text):
            starts.append(i)
            in_header = True
            continue
        field = _field(line.text)
        if field and field.kind in STARTER_FIELDS and field.value:
            if not in_header:
                starts.append(i)
            in_header = True
            continue
        if in_header and ((field and field.kind in HEADER_FIELDS) or _is_bullet(line.text)):
            continue
        in_header = False
    return starts


def _title_before(lines: list[_Line], start: int) -> _Line | None:
    if start == 0:
        return None
    prev = lines[start - 1]
    text = prev.text.strip()
    if (
        not text
        or len(text) > 100
        or text.endswith((".", ":", ";", ","))
        or _is_bullet(text)
        or FIELD_LINE.match(text)
        or SECTION_HEADING_NOT_TITLE.match(text)
        or GENERAL_INFO.match(text)
    ):
        return None
    return prev


HIGHLAND_NAME = re.compile(
    r"\bLublin\s+(?P<short>(?:[A-Z][\w-]*)(?:\s+and\s+[A-Z][\w-]*)?)\s+Highland\b(?!s)"
)
CLUSTER_REF = re.compile(
    r"\b(?:operates\s+(?:with)?in|is\s+built\s+around|is\s+created\s+by|is\s+based\s+on)\s+"
    r"(?:the\s+)?(?P<cluster>[A-Z][^,.;]*?Cluster(?:\s+of(?:\s+[A-Z][\w-]*)+)?)(?=[,.;]|\s+which|$)"
)
COOPERATION = re.compile(r"\b(?:cooperates\s+with|closely\s+connected\s+with)\b", re.I)
STATED_COUNT = re.compile(r"\bidentifies\s+(?P<n>\w+)\s+ecosystems\b", re.I)
OTHER_COUNT = re.compile(r"\bthe\s+other\s+(?P<n>\w+)\s+Highlands?\b", re.I)


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word.lower())


def _parse_intro(intro: list[_Line], document: DocumentRecord) -> None:
    """Find highlands, the clusters they are built on and how they cooperate."""
    highlands: dict[str, HighlandRecord] = {}
    paragraphs_of: dict[str, list[str]] = {}
    pending: list[str] = []  # context paragraphs that precede their highland's paragraph
    strategy: list[str] = []
    for line in intro:
        text = clean_text(line.text)
        found = [m["short"] for m in HIGHLAND_NAME.finditer(text)]
        for short in found:
            if short not in highlands:
                highlands[short] = HighlandRecord(
                    name=f"Lublin {short} Highland", short_name=short, span=Span.line(line.number)
                )
                paragraphs_of[short] = []
        if not found:
            (pending if highlands else strategy).append(line.text.strip())
            continue
        subject = found[0]
        record = highlands[subject]
        # A highland's span is its own paragraphs (with the context paragraph before them).
        own = Span(line.number - len(pending), line.number)
        record.span = own if not paragraphs_of[subject] else record.span.cover(own)
        paragraphs_of[subject].extend([*pending, line.text.strip()])
        pending = []
        for sentence in _sentences(text):
            sentence_highlands = [m["short"] for m in HIGHLAND_NAME.finditer(sentence)]
            for ref in CLUSTER_REF.finditer(sentence):
                owner = sentence_highlands[0] if sentence_highlands else subject
                highlands[owner].cluster_refs.append(
                    (ref["cluster"].strip(), Span.line(line.number), sentence.strip())
                )
            if COOPERATION.search(sentence):
                head = COOPERATION.split(sentence, maxsplit=1)
                left = [m["short"] for m in HIGHLAND_NAME.finditer(head[0])] or [subject]
                right = [m["short"] for m in HIGHLAND_NAME.finditer(head[1])]
                for partner in right:
                    if partner != left[0]:
                        document.cooperations.append(
                            CooperationRecord(
                                f"Lublin {left[0]} Highland",
                                f"Lublin {partner} Highland",
                                Span.line(line.number),
                                sentence.strip(),
                            )
                        )
    for short, record in highlands.items():
        record.description = "\n\n".join(paragraphs_of[short])
    document.highlands = sorted(highlands.values(), key=lambda h: h.span.start)
    document.intro = "\n\n".join(strategy)

    for line in intro:
        text = clean_text(line.text)
        stated = STATED_COUNT.search(text)
        other = OTHER_COUNT.search(text)
        n_found = len(highlands)
        if stated and (n := _number(stated["n"])) is not None and n != n_found:
            document.issues.append(
                IssueRecord(
                    "highland_count_inconsistent",
                    "warning",
                    f"The text says it identifies {stated['n']} ecosystems but names {n_found} "
                    "highlands.",
                    Span.line(line.number),
                    subject="document",
                )
            )
        if other and (n := _number(other["n"])) is not None and n + 1 != n_found:
            subject_short = next((m["short"] for m in HIGHLAND_NAME.finditer(text)), None)
            document.issues.append(
                IssueRecord(
                    "highland_count_inconsistent",
                    "warning",
                    f"The text speaks of 'the other {other['n']} Highland', which implies "
                    f"{n + 1} highlands; the document names {n_found}"
                    + (
                        f" and elsewhere says {stated_n}."
                        if (stated_n := _stated_total(intro))
                        else "."
                    ),
                    Span.line(line.number),
                    subject="highland" if subject_short else "document",
                    subject_key=f"Lublin {subject_short} Highland" if subject_short else None,
                )
            )


def _stated_total(intro: list[_Line]) -> str | None:
    for line in intro:
        if m := STATED_COUNT.search(line.text):
            return f"it identifies {m['n']} ecosystems"
    return None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def _sentences(text: str) -> list[str]:
    # Abbreviations such as "sp. z o.o." are followed by lower case and so never split.
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def _check_duplicate_profiles(document: DocumentRecord) -> None:
    seen: dict[str, ClusterRecord] = {}
    for cluster in document.clusters:
        if not cluster.name:
            continue
        key = normalize_name(cluster.name)
        if key in seen:
            cluster.issues.append(
                IssueRecord(
                    "duplicate_profile",
                    "error",
                    f"A second profile of '{cluster.name}' (first at line "
                    f"{seen[key].span.start}); only the first is imported.",
                    cluster.span,
                )
            )
        else:
            seen[key] = cluster


# --------------------------------------------------------------------------- profile level

GOALS_HEADING = re.compile(
    r"^(?:the\s+)?(?:main\s+)?(?:strategic\s+)?(?:cluster(?:'s)?\s+)?(?:goals|objectives)\b"
    r"(?:\s+of\b.*|\s+(?:implemented|include|are)\b.*)?$"
)
MEANS_HEADING = re.compile(
    r"achieves\s+its\s+goals\s+(?:particularly|in\s+particular)\s+through:?", re.I
)
SERVICES_HEADING = re.compile(r"^(?:the\s+)?services\s+offered\b.*$")
PRODUCTS_HEADING = re.compile(r"^(?:the\s+)?(?:offered\s+products|products\s+offered)\b.*$")
BENEFITS_HEADING = re.compile(r"^(?:cluster\s+)?(?:companies|members)\s+gain$")
ACTIVITIES_HEADING = re.compile(r"^key\s+activities\s+of\s+(?P<subject>.+?)\s+include$")
FLAGSHIP_HEADING = re.compile(r"\bflagship\s+(?:projects?|products?)\b")
COORDINATOR_HEADING = re.compile(r"^cluster\s+coordinator$")
CONDITION = re.compile(
    r"\b(?:can\s+become\s+members|condition\s+of\s+joining|closed\s+group|"
    r"participants\s+may\s+be|membership\s+is\s+open|may\s+join)\b",
    re.I,
)
SUBCLUSTERS = re.compile(
    r"\bcompris\w*\s+(?P<n>\w+)\s+clusters\s*[–-]\s*(?P<list>.+?)\.(?:\s|$)", re.I
)
NAME_FROM_TEXT = re.compile(
    r"^(?P<name>[A-Z][\w.&’'-]*(?:\s+[A-Z0-9][\w.&’'-]*)*)\s+is\s+(?:an?|the)\s+"
)
NAME_VARIANT = re.compile(
    r"(?:^|(?<=\.\s))(?:The\s+)?(?P<name>[A-Z][\w’'&.-]{0,40}(?:\s+(?:[A-Z][\w’'&.-]{0,40}|of|and|"
    r"for|in|–|-|&)){0,12}?\s+Cluster(?:\s+(?:of|in)(?:\s+[A-Z][\w’'-]{0,40}){1,6})?)\s+"
    r"(?:was|is|has|brings|integrates|associates|focuses|took)\b"
)
ELIDED_NAME = re.compile(r"\b(?:of|vision\s+of)\s+(?:is|achieves)\b|^(?:was|is)\s+\w+")
COORDINATOR_STATEMENT = re.compile(
    r"\b(?i:the\s+)?(?P<founder>(?i:founder\s+and\s+))?(?i:first\s+)?(?i:cluster\s+)?"
    r"(?i:coordinator)(?:\s+of\s+(?:the\s+)?(?P<of>[^.]*?))?\s+is\s+(?:the\s+)?"
    r"(?P<org>[^,(]+?)(?:\s*\((?P<acronym>[^)]+)\))?"
    r"(?=,|\.\s+[A-Z]|\.$|$|\s+which\b|\s*\()"
)
ESTABLISHED_AFTER_ACRONYM = re.compile(r"^\s*,\s*established\s+in\s+(?P<year>\d{4})")
BEI_MENTION = re.compile(r"\((?:BEI|IOB)\)|\bbusiness\s+environment\s+institution\b", re.I)
# Bounded repetitions keep every pattern linear on hostile input (a 1 MB line of capitals).
FORMERLY = re.compile(
    r"(?:The\s+)?(?P<org>[A-Z][^()]{0,150}?)\s*\(formerly\s+[“\"](?P<former>[^”\"]{1,200})[”\"]\)"
)
FOUNDERS = [
    re.compile(
        r"\bpartnership\s+agreement\s+between\s+(?:the\s+)?(?P<companies>companies\s+)?"
        r"(?P<list>.+?)"
        r"(?=\.\s+(?:[A-Z]|(?:is|was|are)\b)|\.?$)"
    ),
    re.compile(
        r"\binitiative\s+to\s+establish\s+the\s+cluster\s+was\s+taken\s+by\s+(?P<list>.+?)"
        r"(?=\.\s+[A-Z]|\.?$)",
        re.I,
    ),
    re.compile(r"\bon\s+the\s+initiative\s+of\s+(?P<list>.+?)(?=,\s+an?\s+|\.\s+[A-Z]|\.?$)", re.I),
]
COUNT_IN_TEXT = re.compile(
    r"\b(?:cooperation\s+of|currently\s+includes|includes|brings\s+together|consists\s+of|"
    r"comprises|associates)\s+(?P<n>\d+)\s+(?P<unit>entities|members|organi[sz]ations|"
    r"companies|enterprises)\b",
    re.I,
)
YEAR_IN_TEXT = re.compile(
    r"^(?P<subject>.*?)\bestablished\s+(?:in|on)\s+(?:[A-Z][a-z]+\s+)?(?:\d{1,2},?\s+)?"
    r"(?P<year>\d{4})\b"
)


def _parse_int(value: str) -> int | None:
    match = re.match(r"^\s*(\d{1,3}(?:[\s ,.]\d{3})+|\d+)\b", value)
    if not match:
        return None
    return int(re.sub(r"\D", "", match[1]))


def _strip_trailing_period(value: str) -> str:
    value = value.strip()
    # Keep the period of an abbreviation ("sp. z o.o.", "Ltd.", "S.A.").
    if value.endswith(".") and not re.search(
        r"(?:\b\w\.\w\.|\b(?:ltd|inc|co|o|a)\.)$", value, re.I
    ):
        value = value[:-1].rstrip()
    return value


def _balance_quotes(value: str) -> tuple[str, bool]:
    """Return the value with a lone opening quote closed, and whether it was unterminated."""
    opens = value.count("“") + value.count("„")
    closes = value.count("”")
    if opens > closes:
        return value + "”", True
    straight = value.count('"')
    if straight % 2:
        return value + '"', True
    return value, False


class _ProfileBuilder:
    """Collects one profile's records while walking its lines."""

    def __init__(self, block: list[_Line], title: _Line | None) -> None:
        self.block = block
        span = Span(block[0].number, block[-1].number)
        if title:
            span = span.cover(Span.line(title.number))
        self.cluster = ClusterRecord(name=None, name_basis="", span=span)
        self.title = title
        self.positions: dict[tuple[str, str], int] = {}
        self.orgs: dict[str, OrganizationRecord] = {}
        self.coordinators: list[OrganizationRecord] = []
        self.subclusters: dict[str, ClusterRecord] = {}

    # -- helpers
    def issue(
        self, code: str, severity: str, message: str, span: Span | None = None, **kw: str | None
    ) -> None:
        self.cluster.issues.append(IssueRecord(code, severity, message, span, **kw))  # type: ignore[arg-type]

    def add_org(self, record: OrganizationRecord) -> OrganizationRecord:
        key = normalize_name(record.name)
        # A founder named in prose may be a shorter form of a listed organisation.
        for existing_key, existing in self.orgs.items():
            if key == existing_key or (
                record.role == "founder"
                and set(key.split()) <= set(existing_key.split())
                and len(key.split()) >= 2
            ):
                if record.role == "founder" and existing.role != "founder":
                    founder = OrganizationRecord(
                        name=existing.name,
                        span=record.span,
                        role="founder",
                        helix_role=existing.helix_role,
                        helix_role_basis=existing.helix_role_basis,
                        org_type=existing.org_type,
                    )
                    self.cluster.organizations.append(founder)
                return existing
        if not record.helix_role:
            role, org_type, basis = infer_organization(record.name)
            record.helix_role, record.org_type = role, record.org_type or org_type
            record.helix_role_basis = basis if role else ""
        elif not record.org_type:
            record.org_type = infer_organization(record.name)[1]
        self.orgs[key] = record
        self.cluster.organizations.append(record)
        return record

    def add_attribute(
        self, kind: str, text: str, span: Span, title: str = "", target: ClusterRecord | None = None
    ) -> None:
        target = target or self.cluster
        text = text.strip()
        if not text and not title:
            return
        if target is not self.cluster:
            target.span = target.span.cover(span)
        target.attributes.append(AttributeRecord(kind, text, span, title))

    # -- header
    def parse_header(self) -> int:
        """Parse the general-information fields; return the index of the first body line."""
        category: str | None = None
        i = 0
        while i < len(self.block):
            line = self.block[i]
            text = line.text
            if not text.strip() or GENERAL_INFO.match(text):
                i += 1
                continue
            field = _field(text)
            if field and field.kind in HEADER_FIELDS:
                category = self.header_field(field, line) or category
                if field.kind == "members":
                    category = None
                i += 1
                continue
            if category and _is_bullet(text):
                name = _bullet_text(text)
                self.add_org(
                    OrganizationRecord(
                        name=name,
                        span=Span.line(line.number),
                        role="member",
                        helix_role=BREAKDOWN_ROLE[category],
                        helix_role_basis=f"listed under '{self.breakdown_key[category]}'",
                        listed_as=BREAKDOWN_ROLE[category],
                    )
                )
                i += 1
                continue
            break
        return i

    breakdown_key: dict[str, str]

    def header_field(self, field: _Field, line: _Line) -> str | None:
        span = Span.line(line.number)
        value = field.value.strip()
        if field.kind == "name":
            name = _strip_trailing_period(value)
            if name:
                self.cluster.name, self.cluster.name_basis = name, "name_field"
        elif field.kind == "coordinator":
            self.set_coordinator(value, span)
        elif field.kind == "year":
            self.set_year(value, span)
        elif field.kind in FIGURE_FIELDS:
            number = _parse_int(value)
            if number is None:
                self.issue(
                    "unparseable_value", "error", f"'{field.key}: {value}' is not a number.", span
                )
                return None
            self.cluster.figures = [f for f in self.cluster.figures if f.kind != field.kind]
            self.cluster.figures.append(FigureRecord(field.kind, number, span, line.text.strip()))
            if field.kind in BREAKDOWN_ROLE:
                self.breakdown_key = getattr(self, "breakdown_key", {})
                self.breakdown_key[field.kind] = field.key
                return field.kind
        elif field.kind == "contact":
            self.cluster.contact_kind = _strip_trailing_period(value)
        return None

    def set_coordinator(self, value: str, span: Span) -> None:
        # Kept as stated (an unclosed quote stays unclosed); only a sentence's full stop goes.
        stated = _strip_trailing_period(value)
        if not stated:
            return
        self.cluster.coordinator = stated
        self.cluster.coordinator_span = span
        cleaned = _strip_trailing_period(stated)
        cleaned, unterminated = _balance_quotes(cleaned)
        if unterminated:
            self.issue(
                "unterminated_quote",
                "info",
                f"The coordinator '{stated}' opens a quotation mark that is never closed.",
                span,
            )
        parts = [p.strip() for p in re.split(r"\s+and\s+the\s+", cleaned) if p.strip()]
        for part in parts:
            if looks_like_person(part):
                self.issue(
                    "coordinator_is_person",
                    "info",
                    f"The coordinator '{part}' is a natural person, not an organisation; "
                    "kept as stated, with no organisation record.",
                    span,
                )
                continue
            org = self.add_org(OrganizationRecord(name=part, span=span, role="coordinator"))
            if org.role != "coordinator":
                org.role = "coordinator"
            self.coordinators.append(org)

    def set_year(self, value: str, span: Span) -> None:
        labelled = re.findall(r"(?P<label>[A-Za-z]+)\s*[–-]\s*(?P<year>\d{4})", value)
        if labelled:
            for label, year in labelled:
                if label.lower() in {"cluster", "klaster"}:
                    self.cluster.year_established = int(year)
                else:
                    self.other_years = getattr(self, "other_years", {})
                    self.other_years[label.lower()] = (int(year), span)
            if self.cluster.year_established is None:
                self.issue(
                    "unparseable_value",
                    "error",
                    f"Cannot tell the cluster's year from '{value}'.",
                    span,
                )
            return
        match = re.fullmatch(r"\s*(\d{4})\.?\s*", value)
        if match:
            self.cluster.year_established = int(match[1])
        elif value:
            self.issue("unparseable_value", "error", f"'{value}' is not a year.", span)

    # -- body
    def parse_body(self, start: int) -> None:
        section = "characteristics"
        target: ClusterRecord = self.cluster
        after_bullets = False
        flagship: dict[str, object] | None = None
        body = self.block[start:]
        for line in body:
            text = line.text.strip()
            if not text:
                continue
            span = Span.line(line.number)
            folded = fold(text).rstrip(":").strip()
            field = _field(text)

            if (field and field.kind == "characteristics") or classify_field(
                text.rstrip(":")
            ) == "characteristics":
                section, target, after_bullets = "characteristics", self.cluster, False
                if field and field.value:
                    self.add_paragraph(section, field.value, span, target)
                continue
            if field and field.kind == "contact":
                self.cluster.contact_kind = _strip_trailing_period(field.value)
                section = "done"
                continue
            if text in self.subclusters:
                target = self.subclusters[text]
                target.span = span  # the segment starts at its own heading
                section, after_bullets = "characteristics", False
                continue
            if m := ACTIVITIES_HEADING.match(folded):
                subject = self.subcluster_by_folded(m["subject"])
                target = subject or self.cluster
                section, after_bullets = "activity", False
                continue
            # "...institutions. achieves its goals in particular through:" — a heading glued
            # to the end of a list item whose subject (the cluster's name) is missing.
            glued = MEANS_HEADING.search(text)
            if glued and text[: glued.start()].rstrip().endswith("."):
                before = text[: glued.start()].strip()
                self.add_item(section, _bullet_text(before), span, target)
                self.elided.append(span)
                section, after_bullets = "means", False
                continue
            heading = self.heading(folded, text)
            if heading:
                if heading == "flagship_project":
                    flagship = None
                if target is not self.cluster and heading != "activity":
                    target = self.cluster
                section, after_bullets = heading, False
                continue

            if _is_bullet(text):
                item = _bullet_text(text)
                if section == "flagship_project":
                    flagship = {"title": item, "text": [], "span": span}
                    self.flush_flagship(flagship, target)
                    after_bullets = True
                    continue
                if section in {"characteristics", "coordinator_info", "done"}:
                    # A list with no heading of its own continues the preceding paragraph.
                    self.add_item("characteristics", item, span, target)
                else:
                    self.add_item(section, item, span, target)
                after_bullets = True
                continue

            # A paragraph.
            if section == "flagship_project":
                if flagship is not None:
                    self.extend_flagship(flagship, text, span, target)
                else:
                    self.add_item("flagship_project", text, span, target)
                continue
            if CONDITION.search(text):
                sentences = _sentences(text)
                # A condition sentence and the sentences that spell it out ("The condition…").
                rule = [
                    s
                    for s in sentences
                    if CONDITION.search(s) or re.match(r"^(?:the\s+)?conditions?\b", s, re.I)
                ]
                self.add_item("membership_condition", " ".join(rule), span, self.cluster)
                if len(rule) == len(sentences):
                    if section not in {"characteristics", "coordinator_info"}:
                        section = "characteristics"
                    continue
            if section in {"goal", "means", "service", "product", "benefit", "activity"}:
                if after_bullets:
                    section, after_bullets = "characteristics", False
                else:
                    self.add_item(section, text, span, target)
                    continue
            if section == "done":
                section = "characteristics"
            self.add_paragraph(section, text, span, target)

    def subcluster_by_folded(self, folded_name: str) -> ClusterRecord | None:
        for name, record in self.subclusters.items():
            if fold(name) == folded_name.strip():
                return record
        return None

    def heading(self, folded: str, text: str) -> str | None:
        is_heading_shape = text.endswith(":") or (len(text) <= 90 and not text.endswith("."))
        if not is_heading_shape:
            return None
        if MEANS_HEADING.search(text) and text.rstrip().endswith(":"):
            return "means"
        if COORDINATOR_HEADING.match(folded):
            return "coordinator_info"
        if FLAGSHIP_HEADING.search(folded) and len(text) <= 90:
            return "flagship_project"
        if GOALS_HEADING.match(folded.rstrip(",")):
            return "goal"
        if SERVICES_HEADING.match(folded):
            return "service"
        if PRODUCTS_HEADING.match(folded):
            return "product"
        if BENEFITS_HEADING.match(folded):
            return "benefit"
        return None

    def add_item(self, kind: str, text: str, span: Span, target: ClusterRecord) -> None:
        text = text.strip().rstrip(",;").strip()
        self.add_attribute(kind, text, span, target=target)

    def add_paragraph(self, section: str, text: str, span: Span, target: ClusterRecord) -> None:
        kind = section
        if section == "characteristics" and target is self.cluster:
            first = _sentences(clean_text(text))[0] if text else ""
            statement = COORDINATOR_STATEMENT.search(first)
            if statement and first.lstrip().lower().startswith("the"):
                rest = fold(clean_text(text)[len(first) :])
                # About the coordinator, unless it goes on to the cluster's mission or origin.
                if not re.search(r"\bmission\b|\bwas\s+established\b", rest):
                    kind = "coordinator_info"
            elif re.match(r"^(?:the\s+)?mission\b", fold(text)):
                kind = "mission"
        self.add_attribute(kind, text, span, target=target)

    def flush_flagship(self, flagship: dict[str, object], target: ClusterRecord) -> None:
        target.attributes.append(
            AttributeRecord("flagship_project", "", flagship["span"], str(flagship["title"]))  # type: ignore[arg-type]
        )

    def extend_flagship(
        self, flagship: dict[str, object], text: str, span: Span, target: ClusterRecord
    ) -> None:
        record = target.attributes[-1]
        record.text = f"{record.text}\n\n{text}".strip()
        record.span = record.span.cover(span)

    # -- prose analysis
    def analyse_prose(self, body_start: int) -> None:
        body = [ln for ln in self.block[body_start:] if ln.text.strip()]
        first_paragraph = next(
            (a for a in self.cluster.attributes if a.kind == "characteristics"), None
        )
        self.name_from_title_or_text(first_paragraph)
        for line in body:
            # Typography is kept so that names keep their own dashes and quotes.
            text = re.sub(r"\s+", " ", line.text).strip()
            span = Span.line(line.number)
            self.coordinator_statements(text, span)
            self.founder_statements(text, span)
            self.count_statements(text, span)
            self.year_statements(text, span)
            self.name_variants(text, span)
            self.former_names(text, span)
            if ELIDED_NAME.search(re.sub(r"^.*?characteristics:\s*", "", text, flags=re.I)) or (
                re.search(r"\bof$", text) and len(text) < 40
            ):
                self.elided.append(span)

    elided: list[Span]

    def find_subclusters(self, body_start: int) -> None:
        for line in self.block[body_start:]:
            match = SUBCLUSTERS.search(clean_text(line.text))
            if not match:
                continue
            names = [n.strip() for n in re.split(r",\s*|\s+and\s+", match["list"]) if n.strip()]
            for name in names:
                sub = ClusterRecord(name=name, name_basis="text", span=Span.line(line.number))
                self.subclusters[name] = sub
            expected = _number(match["n"])
            if expected is not None and expected != len(names):
                self.issue(
                    "count_disagrees_with_text",
                    "warning",
                    f"The text says {match['n']} sub-clusters but names {len(names)}.",
                    Span.line(line.number),
                )
            self.cluster.sub_clusters = list(self.subclusters.values())
            return

    def name_from_title_or_text(self, first_paragraph: AttributeRecord | None) -> None:
        if self.title is not None:
            title = self.title.text.strip()
            self.cluster.title = title
            if self.cluster.name is None:
                self.cluster.name, self.cluster.name_basis = title, "title"
            elif normalize_name(title) != normalize_name(self.cluster.name):
                self.issue(
                    "name_variant",
                    "info",
                    f"The heading says '{title}' but the Name field says '{self.cluster.name}'.",
                    Span.line(self.title.number),
                )
                self.cluster.aliases.append((title, Span.line(self.title.number)))
        if self.cluster.name is None and first_paragraph is not None:
            match = NAME_FROM_TEXT.match(clean_text(first_paragraph.text))
            if match:
                self.cluster.name, self.cluster.name_basis = match["name"], "text"
                self.issue(
                    "name_from_text",
                    "info",
                    f"The profile has no Name line; the name '{match['name']}' is taken from "
                    "the text.",
                    first_paragraph.span,
                )

    def coordinator_statements(self, text: str, span: Span) -> None:
        for match in COORDINATOR_STATEMENT.finditer(text):
            named = _strip_trailing_period(match["org"].strip())
            if not named:
                continue
            if not self.coordinators:
                if self.cluster.coordinator is None and not looks_like_person(named):
                    self.issue(
                        "coordinator_only_in_text",
                        "info",
                        f"No Coordinator field; the text names '{named}'.",
                        span,
                    )
                    org = self.add_org(
                        OrganizationRecord(name=named, span=span, role="coordinator")
                    )
                    self.coordinators.append(org)
                continue
            target = self.match_coordinator(named)
            if target is None:
                if len(self.coordinators) != 1:
                    continue
                target = self.coordinators[0]
                self.issue(
                    "coordinator_named_differently",
                    "warning",
                    f"The Coordinator field names '{target.name}' but the text calls the "
                    f"coordinator '{named}'.",
                    span,
                )
                target.aliases.append((named, span))
            elif self._legal_form_differs(target.name, named):
                self.issue(
                    "coordinator_legal_form_differs",
                    "warning",
                    f"The Coordinator field names '{target.name}' but the text calls it "
                    f"'{named}' — two different legal forms.",
                    span,
                )
                target.aliases.append((named, span))
            if match["acronym"]:
                target.aliases.append((match["acronym"].strip(), span))
                after = text[match.end() :]
                if year := ESTABLISHED_AFTER_ACRONYM.match(after):
                    target.year_established = int(year["year"])
            if BEI_MENTION.search(text[match.start() :]) and target.helix_role != "bei":
                target.helix_role = "bei"
                target.helix_role_basis = (
                    f"text calls it a business environment institution (line {span.start})"
                )
            if match["founder"]:
                self.add_founder(target.name, span)

    def match_coordinator(self, named: str) -> OrganizationRecord | None:
        key = normalize_name(named)
        for org in self.coordinators:
            if normalize_name(org.name) == key or any(
                normalize_name(alias) == key for alias, _ in org.aliases
            ):
                return org
        return None

    @staticmethod
    def _legal_form_differs(a: str, b: str) -> bool:
        def form(name: str) -> str:
            _, org_type, _ = infer_organization(name)
            return org_type if org_type in {"company", "association"} else ""

        fa, fb = form(a), form(b)
        return bool(fa and fb and fa != fb)

    def add_founder(self, name: str, span: Span, *, company: bool = False) -> None:
        name = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
        name = _strip_trailing_period(name)
        if not name:
            return
        record = OrganizationRecord(name=name, span=span, role="founder")
        if company:
            record.helix_role, record.org_type = "business", "company"
            record.helix_role_basis = f"text calls it a company (line {span.start})"
        self.add_org(record)

    def founder_statements(self, text: str, span: Span) -> None:
        for pattern in FOUNDERS:
            for match in pattern.finditer(text):
                companies = bool(match.groupdict().get("companies"))
                for name in _split_org_list(match["list"]):
                    self.add_founder(name, span, company=companies)

    def count_statements(self, text: str, span: Span) -> None:
        for match in COUNT_IN_TEXT.finditer(text):
            unit = match["unit"].lower()
            kind = "enterprises" if unit in {"companies", "enterprises"} else "members"
            stated = self.cluster.figure(kind)
            said = int(match["n"])
            if stated is not None and stated != said:
                self.issue(
                    "count_disagrees_with_text",
                    "warning",
                    f"The profile states {stated} {kind} but the text says '{match[0]}'.",
                    span,
                )

    def year_statements(self, text: str, span: Span) -> None:
        for sentence in _sentences(text):
            match = YEAR_IN_TEXT.search(sentence)
            if not match or self.cluster.year_established is None:
                continue
            if COORDINATOR_STATEMENT.search(sentence):
                continue  # the coordinator's own founding year
            subject = fold(match["subject"])
            if subject.strip() and "cluster" not in subject:
                continue  # about another body (e.g. the coordinating foundation)
            year = int(match["year"])
            if year != self.cluster.year_established:
                self.issue(
                    "year_disagrees_with_text",
                    "warning",
                    f"The profile states it was established in "
                    f"{self.cluster.year_established} but the text says {year}.",
                    span,
                )

    def name_variants(self, text: str, span: Span) -> None:
        if not self.cluster.name:
            return
        own = {normalize_name(self.cluster.name), *(normalize_name(n) for n in self.subclusters)}
        own |= {normalize_name(a) for a, _ in self.cluster.aliases}
        coordinators = {normalize_name(o.name) for o in self.coordinators}
        for match in NAME_VARIANT.finditer(text):
            variant = match["name"].strip()
            key = normalize_name(variant)
            if key in own or key in coordinators or len(tokens(variant)) < 2:
                continue
            own.add(key)
            self.cluster.aliases.append((variant, span))
            self.issue(
                "name_variant",
                "info",
                f"The text also calls this cluster '{variant}'.",
                span,
            )

    def former_names(self, text: str, span: Span) -> None:
        if "(formerly" not in text:
            return
        for match in FORMERLY.finditer(text):
            org_key = normalize_name(match["org"])
            for org in self.orgs.values():
                if normalize_name(org.name) == org_key:
                    org.aliases.append((match["former"].strip(), span))
                    for label, (year, _span) in getattr(self, "other_years", {}).items():
                        if label in fold(org.name) and org.year_established is None:
                            org.year_established = year

    # -- consistency checks
    def check(self) -> None:
        c = self.cluster
        for label, (year, _span) in getattr(self, "other_years", {}).items():
            for org in self.coordinators:
                if label in fold(org.name) and org.year_established is None:
                    org.year_established = year
        self.organisation_types_from_text()
        if c.name is None:
            evidence = (
                " (the text leaves a gap where the name should be: line "
                f"{min(s.start for s in self.elided)})"
                if self.elided
                else ""
            )
            self.issue(
                "missing_name",
                "warning",
                "The profile states no name and the text does not give one; the name is left "
                f"empty{evidence}.",
                Span(c.span.start, c.span.start),
            )
        if c.coordinator is None and not self.coordinators:
            self.issue(
                "missing_coordinator",
                "warning",
                "The profile names no coordinator.",
                Span(c.span.start, c.span.start),
            )
        members = c.figure("members")
        parts = {k: c.figure(k) for k in BREAKDOWN_ROLE}
        stated_parts = {k: v for k, v in parts.items() if v is not None}
        if members is not None and stated_parts:
            total = sum(stated_parts.values())
            if total > members or (len(stated_parts) == len(parts) and total != members):
                detail = " + ".join(f"{v} {k.replace('_', ' ')}" for k, v in stated_parts.items())
                self.issue(
                    "parts_do_not_add_up",
                    "warning",
                    f"The parts ({detail} = {total}) do not add up to the {members} members "
                    "stated.",
                    self.figure_span("members"),
                )
        for kind, role in BREAKDOWN_ROLE.items():
            listed = [o for o in c.organizations if o.listed_as == role and o.role == "member"]
            stated = c.figure(kind)
            if listed and stated is not None and len(listed) != stated:
                self.issue(
                    "count_disagrees_with_list",
                    "warning",
                    f"The profile states {stated} {kind.replace('_', ' ')} but lists "
                    f"{len(listed)}.",
                    self.figure_span(kind),
                )
        listed_members = [o for o in c.organizations if o.role == "member"]
        if listed_members and members is not None and len(listed_members) != members:
            self.issue(
                "count_disagrees_with_list",
                "warning",
                f"The profile states {members} members but lists {len(listed_members)} by name.",
                self.figure_span("members"),
            )

    def organisation_types_from_text(self) -> None:
        """Apply what the text says an organisation is ("WKTiR is an association")."""
        body = [(ln.number, re.sub(r"\s+", " ", ln.text)) for ln in self.block]
        own_name = normalize_name(self.cluster.name or "")
        for org in self.orgs.values():
            if org.org_type and org.helix_role:
                continue
            names = [org.name, *(alias for alias, _ in org.aliases)]
            for number, text in body:
                for name in names:
                    # The cluster's own legal entity is "the association" of its profile.
                    refers = (
                        rf"\b{re.escape(name)}\s+is\s+an?\s+(?P<kind>association|foundation)\b"
                        if normalize_name(org.name) != own_name
                        else r"\b(?:the|an?)\s+(?P<kind>association)\b"
                    )
                    match = re.search(refers, text, re.I)
                    if match:
                        kind = match["kind"].lower()
                        org.org_type = kind
                        if kind == "association" and not org.helix_role:
                            org.helix_role = "civil_society"
                            org.helix_role_basis = f"text calls it an association (line {number})"
                        break
                else:
                    continue
                break

    def figure_span(self, kind: str) -> Span | None:
        return next((f.span for f in self.cluster.figures if f.kind == kind), None)


def _split_org_list(text: str) -> list[str]:
    """Split 'A, the B and C' into organisation names without breaking 'X and Y Cluster'."""
    text = re.sub(r"\s+", " ", text).strip()
    pieces = [p for p in re.split(r",\s+", text) if p.strip()]
    if len(pieces) > 1:
        last = re.split(r"\s+and\s+(?:the\s+)?", pieces[-1], maxsplit=1)
        pieces = pieces[:-1] + last
    else:
        pieces = re.split(r"\s+and\s+the\s+", text)
    return [re.sub(r"^the\s+", "", p.strip(), flags=re.I) for p in pieces if p.strip()]


def _parse_profile(block: list[_Line], title: _Line | None) -> ClusterRecord:
    builder = _ProfileBuilder(block, title)
    builder.elided = []
    body_start = builder.parse_header()
    builder.find_subclusters(body_start)
    builder.parse_body(body_start)
    builder.analyse_prose(body_start)
    builder.check()
    return builder.cluster
