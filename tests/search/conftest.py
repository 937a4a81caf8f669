"""Search fixtures: a private index directory per test, and the seed indexed once per module.

Read-only tests share one imported-and-indexed seed per module (``shared_index``, in
``tests/conftest.py``): importing and indexing take about two seconds, which per test would
dominate the suite. Tests that write use ``indexed`` (function scope, rolled back, their own
index directory).
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def search_dir(request, settings, tmp_path):
    """Every test writes its index files under its own temporary directory."""
    if "shared_index" in request.fixturenames:
        return None
    settings.HIGHLANDS_SEARCH_DIR = tmp_path / "search"
    return settings.HIGHLANDS_SEARCH_DIR


@pytest.fixture
def indexed(seeded):
    """The imported source document with a freshly built index (this test's own)."""
    from highlands.search.indexing import rebuild

    rebuild()
    return seeded


def slugs(result, kind: str | None = None) -> list[str]:
    return [hit.slug for hit in result.results if kind is None or hit.kind == kind]
