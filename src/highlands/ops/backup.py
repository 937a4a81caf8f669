"""Online backup and restore of the database (SQLite backup API, or pg_dump/pg_restore).

A SQLite backup is one self-contained file taken through SQLite's online backup API: it is
a consistent snapshot even while other processes keep writing (WAL lets them go on).  A
PostgreSQL backup is ``pg_dump --format=custom``.  Both are checked before a restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections

from ..errors import ApplicationError

BACKUP_NOT_FOUND = "No backup file at {path}."
BACKUP_CORRUPT = "The backup at {path} fails SQLite's integrity check: {detail}"
NOT_A_DUMP = "The file at {path} is not a pg_dump archive: {detail}"
TOOL_MISSING = "{tool} is not installed; it is needed to back up or restore PostgreSQL."
TOOL_FAILED = "{tool} failed: {detail}"
UNSUPPORTED = "Backup supports SQLite and PostgreSQL, not {vendor}."


@dataclass
class BackupResult:
    path: Path
    vendor: str
    size: int


def _settings(using: str) -> dict[str, Any]:
    return connections[using].settings_dict


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _pg_env(config: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if config.get(key):
            env[var] = str(config[key])
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return env


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise ApplicationError(TOOL_MISSING.format(tool=tool), code="tool_missing")
    done = subprocess.run(  # noqa: S603  (fixed argv, no shell)
        [executable, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ApplicationError(
            TOOL_FAILED.format(tool=tool, detail=done.stderr.strip()), code="tool_failed"
        )


def database_backup(*, path: Path, using: str = "default") -> BackupResult:
    """Write a consistent copy of the live database to ``path`` (replaced atomically)."""
    config = _settings(using)
    vendor = connections[using].vendor
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if vendor == "sqlite":
        source = sqlite3.connect(str(config["NAME"]), timeout=30)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # one step: a single read snapshot, writers go on (WAL)
            target.execute("PRAGMA journal_mode=DELETE")  # the copy is one standalone file
        finally:
            target.close()
            source.close()
        result = _integrity(partial)
        if result != "ok":
            partial.unlink(missing_ok=True)
            raise ApplicationError(BACKUP_CORRUPT.format(path=path, detail=result))
    elif vendor == "postgresql":
        _run(
            "pg_dump",
            ["--format=custom", "--no-owner", f"--file={partial}", str(config["NAME"])],
            _pg_env(config),
        )
    else:
        raise ApplicationError(UNSUPPORTED.format(vendor=vendor))
    os.replace(partial, path)
    return BackupResult(path=path, vendor=vendor, size=path.stat().st_size)


def database_restore(*, path: Path, using: str = "default") -> None:
    """Replace the live database's content with a backup made by ``database_backup``.

    Stop the web server first: requests during a restore would see it half-done (SQLite)
    or fail (PostgreSQL drops and recreates the tables in one transaction).
    """
    if not path.exists():
        raise ApplicationError(BACKUP_NOT_FOUND.format(path=path), code="not_found")
    config = _settings(using)
    vendor = connections[using].vendor
    connections[using].close()
    if vendor == "sqlite":
        try:
            result = _integrity(path)
        except sqlite3.DatabaseError as exc:
            result = str(exc)
        if result != "ok":
            raise ApplicationError(BACKUP_CORRUPT.format(path=path, detail=result))
        source = sqlite3.connect(path)
        target = sqlite3.connect(str(config["NAME"]), timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif vendor == "postgresql":
        env = _pg_env(config)
        try:
            _run("pg_restore", ["--list", str(path)], env)
        except ApplicationError as exc:
            raise ApplicationError(NOT_A_DUMP.format(path=path, detail=exc.message)) from exc
        _run(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={config['NAME']}",
                str(path),
            ],
            env,
        )
    else:
        raise ApplicationError(UNSUPPORTED.format(vendor=vendor))
