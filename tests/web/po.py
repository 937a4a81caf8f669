"""Reading the committed Polish catalogue (``django.po``) without a gettext library."""

from __future__ import annotations

import re
from pathlib import Path

import highlands

PO_PATH = Path(highlands.__file__).parent / "locale/pl/LC_MESSAGES/django.po"
_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$')


def _unescape(text: str) -> str:
    return text.encode().decode("unicode_escape").encode("latin-1").decode()


def po_entries(text: str | None = None) -> list[dict[str, str]]:
    """Each live entry's fields (``msgctxt``, ``msgid``, ``msgstr``/``msgstr[0]``…),
    unescaped; obsolete (``#~``) entries are left out."""
    text = PO_PATH.read_text("utf-8") if text is None else text
    entries = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = _FIELD.match(line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            entries.append({k: _unescape(v) for k, v in fields.items()})
    return entries
