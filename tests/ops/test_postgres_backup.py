"""pg_dump / pg_restore through `highlands backup` and `highlands restore` (PostgreSQL only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from highlands.ecosystem.models import Organization
from highlands.errors import ApplicationError
from highlands.ops.backup import NOT_A_DUMP, database_restore

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL-only: pg_dump and pg_restore",
    ),
    pytest.mark.django_db(transaction=True),
]


def _org(n: int) -> Organization:
    return Organization.objects.create(slug=f"o{n}", name=f"O {n}", normalized_name=f"o {n}")


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    for n in range(5):
        _org(n)
    path = tmp_path / "db.dump"
    call_command("backup", str(path))
    assert path.read_bytes()[:5] == b"PGDMP"
    for n in range(5, 8):
        _org(n)
    assert Organization.objects.count() == 8
    call_command("restore", str(path), "--noinput")
    assert Organization.objects.count() == 5
    assert sorted(Organization.objects.values_list("slug", flat=True)) == [
        f"o{n}" for n in range(5)
    ]


def test_restore_refuses_a_file_that_is_not_a_dump(tmp_path: Path) -> None:
    _org(1)
    bad = tmp_path / "bad.dump"
    bad.write_text("not a dump")
    with pytest.raises(ApplicationError, match=NOT_A_DUMP.split("{")[0]):
        database_restore(path=bad)
    assert Organization.objects.count() == 1
