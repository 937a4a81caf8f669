"""Typed records that parsers produce and the upsert service consumes.

Parsers are pure: text in, these records out, each carrying the 1-based line span it came
from.  Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    @classmethod
    def line(cls, n: int) -> Span:
        return cls(n, n)

    def cover(self, other: Span) -> Span:
        return Span(min(self.start, other.start), max(self.end, other.end))


@dataclass
class IssueRecord:
    """A data-quality flag: a gap or contradiction in the source, never silently fixed."""

    code: str
    severity: str  # error | warning | info
    message: str
    span: Span | None = None
    subject: str = "cluster"  # cluster | highland | organization | document
    subject_key: str | None = None  # org / highland name when the subject is not the profile


@dataclass
class OrganizationRecord:
    name: str
    span: Span
    role: str  # coordinator | founder | member
    helix_role: str = ""
    helix_role_basis: str = ""
    org_type: str = ""
    listed_as: str = ""  # helix category of the list it appeared in
    year_established: int | None = None
    aliases: list[tuple[str, Span]] = field(default_factory=list)


@dataclass
class FigureRecord:
    kind: str
    value: int
    span: Span
    raw: str


@dataclass
class AttributeRecord:
    kind: str
    text: str
    span: Span
    title: str = ""


@dataclass
class ClusterRecord:
    """One cluster profile (or sub-cluster segment) as the source states it."""

    name: str | None
    name_basis: str  # name_field | title | text | "" (no name stated)
    span: Span
    title: str | None = None
    coordinator: str | None = None
    coordinator_span: Span | None = None
    year_established: int | None = None
    contact_kind: str = ""
    figures: list[FigureRecord] = field(default_factory=list)
    organizations: list[OrganizationRecord] = field(default_factory=list)
    attributes: list[AttributeRecord] = field(default_factory=list)
    aliases: list[tuple[str, Span]] = field(default_factory=list)
    sub_clusters: list[ClusterRecord] = field(default_factory=list)
    issues: list[IssueRecord] = field(default_factory=list)

    def figure(self, kind: str) -> int | None:
        for fig in self.figures:
            if fig.kind == kind:
                return fig.value
        return None


@dataclass
class HighlandRecord:
    name: str
    short_name: str
    span: Span
    description: str = ""
    cluster_refs: list[tuple[str, Span, str]] = field(default_factory=list)  # name, span, quote


@dataclass
class CooperationRecord:
    a: str
    b: str
    span: Span
    basis: str


@dataclass
class DocumentRecord:
    """Everything a profile-text document states."""

    title: str
    line_count: int
    intro: str = ""
    highlands: list[HighlandRecord] = field(default_factory=list)
    cooperations: list[CooperationRecord] = field(default_factory=list)
    clusters: list[ClusterRecord] = field(default_factory=list)
    issues: list[IssueRecord] = field(default_factory=list)
