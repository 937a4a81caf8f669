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


def test_backup_while_writes_continue_restores_consistently(tmp_path: Path) -> None:
    import threading
    from datetime import date

    from django.db import connection

    from highlands.accounts.models import User
    from highlands.audit.models import AuditEntry
    from highlands.ecosystem.models import Cluster, FigureObservation
    from highlands.ecosystem.services import figure_observe
    from highlands.ops.backup import database_backup

    actor = User.objects.create_user(username="writer", is_city_admin=True)
    cluster = Cluster.objects.create(slug="busy", name="Busy", display_name="Busy")
    acked: list[int] = []
    stop = threading.Event()
    errors: list[str] = []

    def write() -> None:
        try:
            n = 0
            while not stop.is_set() and n < 5000:
                figure_observe(
                    actor=actor, cluster=cluster, kind="members", value=n, as_of=date(2026, 1, 1)
                )
                acked.append(n)
                n += 1
        except Exception as exc:  # collected and asserted on, never hidden
            errors.append(repr(exc))
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    while len(acked) < 50 and writer.is_alive():
        threading.Event().wait(0.01)
    before_backup = len(acked)
    database_backup(path=tmp_path / "live.dump")
    after_backup = len(acked)
    while len(acked) < after_backup + 20 and writer.is_alive():
        threading.Event().wait(0.01)
    stop.set()
    writer.join(timeout=60)
    assert errors == []
    total = FigureObservation.objects.count()
    assert total == len(acked)
    database_restore(path=tmp_path / "live.dump")
    restored = FigureObservation.objects.count()
    assert before_backup <= restored < total
    assert AuditEntry.objects.filter(action="figure.observe").count() == restored
