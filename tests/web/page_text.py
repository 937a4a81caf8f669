"""Reading a rendered page as a person does: its words, where they are, and whether they show.

``page_strings(html, ui_language)`` walks every text node and the attributes people read
(``placeholder``, ``aria-label``, ``title``, ``alt``, the ``value`` of buttons, ``content`` of
the description) and returns them with two facts: whether the string is interface text (not
inside an element whose ``lang`` says it is content in another language, not code) and
whether it is visible by default (not inside a closed ``<details>`` or a ``hidden`` element).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .po import po_entries

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
NOT_TEXT = {"script", "style", "template", "code", "kbd", "samp", "svg"}
READ_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")


@dataclass(frozen=True)
class Chunk:
    text: str
    where: str  # "text", or the attribute it came from
    interface: bool  # UI text (not content marked as another language, not code)
    visible: bool  # shown without opening anything


@dataclass
class _Frame:
    tag: str
    interface: bool
    visible: bool  # this element is rendered
    children_visible: bool


class _Walker(HTMLParser):
    def __init__(self, ui_language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ui = ui_language
        self.stack: list[_Frame] = [_Frame("#root", True, True, True)]
        self.chunks: list[Chunk] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        parent = self.stack[-1]
        interface = parent.interface
        if "lang" in a:
            interface = a["lang"].lower().startswith(self.ui)
        if tag in NOT_TEXT or a.get("translate") == "no":
            interface = False
        visible = parent.children_visible and "hidden" not in a
        if tag == "summary" and parent.tag == "details":
            visible = parent.visible and "hidden" not in a
        children_visible = visible and not (tag == "details" and "open" not in a)
        if tag == "title" and parent.tag == "svg":
            interface = False  # chart titles repeat the page's own words; checked elsewhere
        for name in READ_ATTRIBUTES:
            if a.get(name):
                self.chunks.append(Chunk(a[name], name, interface, visible))
        if tag == "meta" and a.get("name") == "description":
            self.chunks.append(Chunk(a.get("content", ""), "description", interface, False))
        if (tag == "input" and a.get("type") in ("submit", "button", "reset")) and a.get("value"):
            self.chunks.append(Chunk(a["value"], "value", interface, visible))
        if tag not in VOID:
            self.stack.append(_Frame(tag, interface, visible, children_visible))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text:
            return
        frame = self.stack[-1]
        if frame.tag in ("script", "style", "template"):
            return
        self.chunks.append(Chunk(text, "text", frame.interface, frame.children_visible))


def page_strings(html: str, ui_language: str) -> list[Chunk]:
    walker = _Walker(ui_language)
    walker.feed(html)
    walker.close()
    return walker.chunks


def visible_text(html: str) -> str:
    """The words shown by default (a closed <details> shows only its summary)."""
    return " ".join(c.text for c in page_strings(html, "en") if c.where == "text" and c.visible)


# -- English left on a Polish page ------------------------------------------------------

# Words that are English and never Polish (so "to", "a", "i", "no", "on", "data", "profile",
# "IT" are left out: they are Polish words or names too).
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "with",
        "your",
        "you",
        "this",
        "that",
        "for",
        "from",
        "by",
        "is",
        "are",
        "was",
        "were",
        "not",
        "has",
        "have",
        "may",
        "will",
        "which",
        "there",
        "their",
        "its",
        "an",
        "or",
        "be",
        "been",
        "here",
        "all",
        "any",
        "none",
        "please",
        "sign",
        "search",
        "clusters",
        "cluster",
        "organizations",
        "organization",
        "organisation",
        "marketplace",
        "quality",
        "compare",
        "filter",
        "filters",
        "members",
        "member",
        "save",
        "send",
        "password",
        "email",
        "back",
        "next",
        "previous",
        "page",
        "download",
        "details",
        "source",
        "sources",
        "workspace",
        "privacy",
        "language",
        "yet",
        "found",
        "what",
        "who",
        "when",
        "where",
        "why",
        "how",
        "should",
        "could",
        "would",
        "about",
        "only",
        "also",
        "more",
        "than",
        "into",
        "our",
        "we",
        "they",
        "them",
        "these",
        "those",
        "every",
        "each",
        "other",
        "new",
        "show",
        "hide",
        "invitation",
        "accept",
        "decline",
        "confirm",
        "remove",
        "add",
        "change",
        "edit",
        "delete",
    ]
)
SAME_IN_BOTH = {"API", "CSV", "JSON", "XLSX", "Excel (XLSX)", "Menu", "SHA-256", "LH", "Highlands"}
_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"(https?://|/)\S*")


def english_msgids() -> frozenset[str]:
    """The interface's English strings whose Polish differs (from the committed catalogue)."""
    found, polish = set(), set()
    for entry in po_entries():
        msgid = entry["msgid"]
        msgstr = entry.get("msgstr", entry.get("msgstr[0]", ""))
        if msgstr and msgid != msgstr and "%(" not in msgid and "<" not in msgid:
            found.add(_norm(msgid))
            polish.add(_norm(msgstr))
    # "Profile" is English and Polish (the plural of "profil"): a Polish word is no evidence.
    return frozenset(found - polish - {_norm(s) for s in SAME_IN_BOTH})


def _norm(text: str) -> str:
    return " ".join(text.split()).strip(" .:;,–—-").casefold()


def english_in(chunks: list[Chunk], *, proper_names: set[str], msgids: frozenset[str]) -> list:
    """Interface strings of a Polish page that are English: an English msgid of the
    catalogue, or text with English words once proper names, addresses and links are cut."""
    names = sorted(proper_names, key=len, reverse=True)
    problems = []
    for chunk in chunks:
        if not chunk.interface or chunk.text in SAME_IN_BOTH:
            continue
        text = chunk.text
        for name in names:
            if name in text:
                text = text.replace(name, " ")
        text = _URL.sub(" ", _EMAIL.sub(" ", text))
        words = {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}
        if _norm(text) in msgids or words & ENGLISH_WORDS:
            problems.append((chunk.where, chunk.text))
    return problems


# -- Internal words on public pages -----------------------------------------------------

INTERNAL = [
    (re.compile(r"\bsemantic\w*\s+\d", re.I), "a similarity score"),
    (re.compile(r"\bsemantyczne?\s+\d", re.I), "a similarity score"),
    (re.compile(r"\b(in|w)\s+\d+([.,]\d+)?\s*ms\b"), "a timing"),
    (re.compile(r"\b(keyword|słowa? kluczowe?):", re.I), "a matching internal"),
    (re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"), "a code"),
    (re.compile(r"\bslug\b", re.I), "the word slug"),
    (re.compile(r"\b(line|lines|wiersz|wiersze|wierszach?)\s+\d+", re.I), "a line number"),
    (re.compile(r"\b(score|wynik|fit|dopasowanie)\s+-?\d+[.,]\d+", re.I), "a score"),
    (re.compile(r"\(\s*(fit|dopasowanie)\b", re.I), "a score"),
]


def internal_words(html: str) -> list[tuple[str, str]]:
    """What a public page shows by default that is an internal code, score, timing or line."""
    text = visible_text(html)
    return [(what, m.group(0)) for pattern, what in INTERNAL for m in pattern.finditer(text)]
