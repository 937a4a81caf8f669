"""Folding, name keys and slugs."""

import pytest

from highlands.ecosystem.models import Organization
from highlands.text.folding import clean_text, fold, tokens
from highlands.text.names import normalize_name
from highlands.text.slugs import free_slug, make_slug, unique_slug


def test_fold_handles_polish_l():
    assert fold("Łódź Przemysłowa światłowody") == "lodz przemyslowa swiatlowody"


def test_clean_text_straightens_quotes_and_dashes_and_keeps_case():
    assert clean_text("„Klaster”  –\u00a0Lublin ") == '"Klaster" - Lublin'


def test_tokens_are_folded_words():
    assert tokens("PZL-Świdnik S.A.") == ["pzl", "swidnik", "s", "a"]


def test_normalize_name_ignores_legal_forms_and_quotes():
    assert normalize_name("Netrix Group sp.z o.o.") == normalize_name("Netrix Group Sp. z o. o.")
    assert normalize_name("Association “Lubelski Klaster”") == "lubelski klaster"


def test_make_slug_keeps_versions_apart():
    assert make_slug("LubTechBridge 4.0") == "lubtechbridge-4-0"


def test_free_slug_suffixes_until_free():
    assert free_slug("Tarki Lublin", set()) == "tarki-lublin"
    assert free_slug("Tarki Lublin", {"tarki-lublin", "tarki-lublin-2"}) == "tarki-lublin-3"


@pytest.mark.django_db
def test_unique_slug_asks_the_database():
    Organization.objects.create(name="Tarki", normalized_name="tarki", slug="tarki")
    assert unique_slug("Tarki", Organization) == "tarki-2"
