"""The committed Polish catalogue is complete and its compiled .mo matches the .po."""

import gettext
import re
from pathlib import Path

import highlands

SAME_IN_POLISH = {"API", "Menu", "Excel (XLSX)"}
LOCALE = Path(highlands.__file__).parent / "locale"


def _po_entries(text: str) -> list[tuple[str | None, str, bool]]:
    entries = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            translated = all(v for k, v in fields.items() if k.startswith("msgstr"))
            msgid = fields["msgid"].encode().decode("unicode_escape").encode("latin-1").decode()
            entries.append((fields.get("msgctxt"), msgid, translated))
    return entries


def test_every_polish_ui_string_is_translated_and_compiled():
    po = (LOCALE / "pl/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = _po_entries(po)
    assert len(entries) > 150
    untranslated = [msgid for _, msgid, ok in entries if not ok]
    assert untranslated == []
    assert "#, fuzzy" not in po
    with (LOCALE / "pl/LC_MESSAGES/django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    stale = [
        msgid
        for ctx, msgid, _ in entries
        if ctx is None and msgid not in SAME_IN_POLISH and catalogue.gettext(msgid) == msgid
    ]
    assert stale == [], "django.mo is older than django.po: run `django-admin compilemessages`"
