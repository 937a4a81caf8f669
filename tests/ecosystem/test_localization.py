from types import SimpleNamespace

from django.utils import translation

from highlands.ecosystem.localization import cluster_name, localized, pick


def test_pick_prefers_the_asked_language():
    value = pick("Medical Highland", "Wyżyna Medyczna", "pl")
    assert (value.text, value.language, value.is_fallback) == ("Wyżyna Medyczna", "pl", False)


def test_pick_falls_back_to_the_other_language_and_says_so():
    value = pick("Medical Highland", "", "pl")
    assert (value.text, value.language, value.is_fallback) == ("Medical Highland", "en", True)
    value = pick("", "Wyżyna Medyczna", "en")
    assert (value.text, value.language, value.is_fallback) == ("Wyżyna Medyczna", "pl", True)


def test_nothing_in_either_language_is_not_a_fallback():
    value = pick("", None, "pl")
    assert (value.text, value.is_fallback) == ("", False)


def test_localized_uses_the_active_language():
    obj = SimpleNamespace(name="IT Highland", name_pl="Wyżyna IT")
    with translation.override("pl"):
        assert localized(obj, "name").text == "Wyżyna IT"
    with translation.override("en"):
        assert localized(obj, "name").text == "IT Highland"


def test_unnamed_cluster_is_described_never_named():
    cluster = SimpleNamespace(
        name=None, name_pl="", coordinator_stated="Netrix Group sp. z o.o.", year_established=2011
    )
    assert cluster_name(cluster, "en").text == (
        "Unnamed cluster (coordinator: Netrix Group sp. z o.o., est. 2011)"
    )
    assert cluster_name(cluster, "pl").text == (
        "Klaster bez nazwy (koordynator: Netrix Group sp. z o.o., zał. 2011)"
    )
