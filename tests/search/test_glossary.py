"""Query translation through the PL↔EN glossary: pure functions, no database."""

from highlands.search.glossary import expand
from highlands.text.analysis import analyze


def test_polish_query_words_translate_to_english_stems():
    translations = expand(analyze("hartowanie stali"))
    assert analyze("steel")[0] in translations[analyze("stali")[0]]
    assert analyze("hardening")[0] in translations[analyze("hartowanie")[0]]
