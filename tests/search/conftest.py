"""Search fixtures: a private index directory per test and the seed, indexed."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def search_dir(settings, tmp_path):
    """Every test writes its index files under its own temporary directory."""
    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"
    return settings.HIGHLANDS_SEARCH_DIR


@pytest.fixture
def indexed(seeded):
    """The imported source document with a freshly built index."""
    from highlands.search.indexing import rebuild

    rebuild()
    return seeded


def slugs(result, kind: str | None = None) -> list[str]:
    return [hit.slug for hit in result.results if kind is None or hit.kind == kind]
