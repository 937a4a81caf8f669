"""The committed Polish catalogue is complete and its compiled .mo matches the .po."""

import gettext
from pathlib import Path

import highlands

from .po import po_entries

SAME_IN_POLISH = {"API", "Menu", "Excel (XLSX)"}
LOCALE = Path(highlands.__file__).parent / "locale"


def _po_entries(text: str) -> list[tuple[str | None, str, bool]]:
    return [
        (e.get("msgctxt"), e["msgid"], all(v for k, v in e.items() if k.startswith("msgstr")))
        for e in po_entries(text)
    ]


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
