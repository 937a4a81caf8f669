"""Search analysis (folding, stemming, acronyms): pure functions, no database."""

import pytest

from highlands.text.analysis import acronym, analyze, stem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Łódź", ["lodz"]),
        ("Przemysłowa", analyze("przemyslowa")),
        ("ŚWIATŁOWODY", analyze("swiatlowody")),
        ("PZL-Świdnik", ["pzl", "swidnik"]),
    ],
)
def test_folding_includes_polish_l_and_case(text, expected):
    assert analyze(text) == expected


@pytest.mark.parametrize(
    "forms",
    [
        ("światłowodów", "światłowody", "światłowód", "światłowodami"),
        ("hartowanie", "hartowania", "hartowaniu"),
        ("medyczny", "medycznych", "medycznej"),
        ("helicopter", "helicopters"),
        ("coating", "coatings"),
    ],
)
def test_inflected_forms_share_one_stem(forms):
    assert len({analyze(form)[0] for form in forms}) == 1


def test_short_words_are_not_stemmed():
    assert stem("stal") == "stal"
    assert stem("gmina") == "gmin"
    assert stem("ict") == "ict"


def test_acronym_from_capitalised_words():
    assert acronym("Eastern ICT Cluster") == "eic"
    assert acronym("cluster") == ""
