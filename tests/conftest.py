"""Shared fixtures: the bundled source document, imported per test or once per module.

``seeded`` imports the source document inside the test's own transaction (about a second).
``shared_seed`` imports it once for a whole test module (committed, flushed when the module
ends) and is what modules of read-only tests use (they override ``seeded`` with it); each
test still runs in its own transaction that is rolled back, so nothing one test writes is
seen by the next. ``shared_index`` adds a search index built once for the module. A module
that shares the seed must not also use ``seeded`` itself or ``transactional_db`` (whose
flush would empty the shared seed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from highlands.ingest.sources import read_source

SEED_PATH = (
    Path(__file__).resolve().parents[1] / "src/highlands/ingest/data/lublin-economic-highlands.txt"
)


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request to /pl/ activates Polish in the test's own thread (the test client runs the
    view there) and nothing deactivates it: the next test's ``reverse()`` would give /pl/
    addresses. Each test starts in the default language."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def seed_path() -> Path:
    return SEED_PATH


@pytest.fixture
def seeded(db):
    """The database after importing the source document (this test's own import)."""
    from highlands.ingest.profile_import import profile_document_import

    return profile_document_import(source=read_source(SEED_PATH))


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    """The source document imported once for this module (committed; flushed afterwards).

    Search indexing stays queued, as after ``seeded`` (whose transaction never commits).
    """
    from django.conf import settings
    from django.core.management import call_command

    from highlands.ingest.profile_import import profile_document_import

    sync, settings.HIGHLANDS_SEARCH_SYNC = settings.HIGHLANDS_SEARCH_SYNC, False
    try:
        with django_db_blocker.unblock():
            report = profile_document_import(source=read_source(SEED_PATH))
    finally:
        settings.HIGHLANDS_SEARCH_SYNC = sync
    yield report
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def shared_seed(seeded_module, db):
    """The module's one import of the source document; this test's own writes roll back."""
    return seeded_module


@pytest.fixture(scope="module")
def shared_index(seeded_module, django_db_blocker, tmp_path_factory):
    """``seeded_module`` with a search index built once for the module (its own directory)."""
    from django.conf import settings

    from highlands.search.indexing import rebuild

    previous = settings.HIGHLANDS_SEARCH_DIR
    settings.HIGHLANDS_SEARCH_DIR = tmp_path_factory.mktemp("shared-search")
    with django_db_blocker.unblock():
        rebuild()
    yield seeded_module
    settings.HIGHLANDS_SEARCH_DIR = previous
