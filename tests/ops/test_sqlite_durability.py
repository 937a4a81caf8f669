"""SQLite under load, crash and backup, on a real file (in-memory test databases do not lock).

Each test copies a migrated template database and drives ``sqlite_worker.py`` in separate
processes, as the web server's workers would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite-only: locking, WAL and file backups of the embedded database",
)

WORKER = Path(__file__).with_name("sqlite_worker.py")
HIGHLANDS = Path(sys.executable).with_name("highlands")


def _env(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "highlands.config.settings.test",
        "HIGHLANDS_VAR_DIR": str(db.parent),
    }


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


FIGURES = "SELECT COUNT(*) FROM ecosystem_figureobservation"
FIGURE_AUDITS = "SELECT COUNT(*) FROM audit_auditentry WHERE action = 'figure.observe'"


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("template") / "template.sqlite3"
    subprocess.run([HIGHLANDS, "migrate", "-v0"], env=_env(db), check=True)
    subprocess.run([sys.executable, WORKER, "setup"], env=_env(db), check=True)
    return db


@pytest.fixture
def live_db(template_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "live.sqlite3"
    shutil.copy(template_db, db)
    return db


def test_twenty_threads_write_at_once_without_locks_or_lost_writes(live_db: Path) -> None:
    done = subprocess.run(
        [sys.executable, WORKER, "threads", "20", "10"],
        env=_env(live_db),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["errors"] == []
    assert "database is locked" not in done.stderr
    values = {
        row[0]
        for row in sqlite3.connect(live_db).execute("SELECT value FROM ecosystem_figureobservation")
    }
    assert values == {t * 1000 + i for t in range(20) for i in range(10)}
    assert _count(live_db, FIGURE_AUDITS) == 200
    assert _integrity(live_db) == "ok"


def _start_writer(db: Path, count: int, pause: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, WORKER, "serial", str(count), str(pause)],
        env=_env(db),
        stdout=subprocess.PIPE,
        text=True,
    )


def _acks(process: subprocess.Popen[str], until: int) -> Iterator[int]:
    assert process.stdout is not None
    for n, line in enumerate(process.stdout, start=1):
        yield int(line)
        if n >= until:
            return


def test_sigkill_during_writes_loses_no_acknowledged_row(live_db: Path) -> None:
    writer = _start_writer(live_db, 1000, 0.0)
    acknowledged = list(_acks(writer, until=400))
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    assert len(acknowledged) == 400
    assert _integrity(live_db) == "ok"
    stored = {
        row[0]
        for row in sqlite3.connect(live_db).execute("SELECT id FROM ecosystem_figureobservation")
    }
    assert set(acknowledged) <= stored
    # Each write and its audit entry commit together or not at all.
    assert _count(live_db, FIGURES) == _count(live_db, FIGURE_AUDITS)


def test_backup_during_writes_restores_to_a_consistent_database(
    live_db: Path, template_db: Path, tmp_path: Path
) -> None:
    writer = _start_writer(live_db, 1000, 0.004)
    acks = _acks(writer, until=1000)
    before_backup = len([next(acks) for _ in range(100)])
    backup = tmp_path / "backup.sqlite3"
    subprocess.run([HIGHLANDS, "backup", backup], env=_env(live_db), check=True, timeout=60)
    after_backup = before_backup + len([next(acks) for _ in range(5)])
    still_writing = writer.poll() is None
    writer.kill()
    writer.wait(timeout=30)
    assert still_writing, "the writer must still be running after the backup"
    assert _integrity(backup) == "ok"
    in_backup = _count(backup, FIGURES)
    in_live = _count(live_db, FIGURES)
    assert before_backup <= in_backup < in_live, (before_backup, in_backup, in_live)
    assert after_backup > before_backup
    assert in_backup == _count(backup, FIGURE_AUDITS)

    restored = tmp_path / "restored.sqlite3"
    shutil.copy(template_db, restored)
    subprocess.run(
        [HIGHLANDS, "restore", "--noinput", backup], env=_env(restored), check=True, timeout=60
    )
    assert _integrity(restored) == "ok"
    assert _count(restored, FIGURES) == in_backup
    assert _count(restored, FIGURE_AUDITS) == in_backup
    assert _count(restored, "SELECT COUNT(*) FROM accounts_user") == 1


def test_restore_refuses_a_corrupt_backup(live_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    before = _count(live_db, "SELECT COUNT(*) FROM accounts_user")
    done = subprocess.run(
        [HIGHLANDS, "restore", "--noinput", bad], env=_env(live_db), capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "integrity" in done.stderr or "not a database" in done.stderr
    assert _count(live_db, "SELECT COUNT(*) FROM accounts_user") == before
