"""Shared fixtures: the bundled source document, imported once per test that asks for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from highlands.ingest.sources import read_source

SEED_PATH = (
    Path(__file__).resolve().parents[1] / "src/highlands/ingest/data/lublin-economic-highlands.txt"
)


@pytest.fixture
def seed_path() -> Path:
    return SEED_PATH


@pytest.fixture
def seeded(db):
    """The database after importing the source document."""
    from highlands.ingest.services import profile_document_import

    return profile_document_import(source=read_source(SEED_PATH))
