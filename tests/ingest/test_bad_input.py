"""Bad files: one clear line naming the problem, a non-zero exit, and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from highlands.ecosystem.models import Cluster, DataQualityIssue, Organization, SourceDocument

pytestmark = pytest.mark.django_db

POLISH_PROFILE = (
    "General information about the cluster:\n"
    "Name: Klaster Przemysłowy Łódź\n"
    "Coordinator: Fundacja Rozwoju Łódzkiego\n"
    "Number of members in the cluster: 12\n"
)


def counts():
    return (
        Cluster.objects.count(),
        Organization.objects.count(),
        DataQualityIssue.objects.count(),
        SourceDocument.objects.count(),
    )


def refused(path: Path, match: str, *args: str) -> None:
    before = counts()
    with pytest.raises(CommandError, match=match):
        call_command("import", str(path), *args)
    assert counts() == before


def test_empty_file(tmp_path, seeded):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    refused(path, r"^empty\.txt: the file is empty$")


def test_binary_file(tmp_path, seeded):
    path = tmp_path / "logo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(256))
    refused(path, r"^logo\.txt: this is a binary file \(PNG image\), not text$")
    nul = tmp_path / "data.txt"
    nul.write_bytes(b"General information\x00\x01\x02")
    refused(nul, r"binary file \(contains NUL bytes\)")


def test_wrong_encoding_names_the_line(tmp_path, seeded):
    path = tmp_path / "cp1250.txt"
    path.write_bytes(POLISH_PROFILE.encode("cp1250"))
    refused(
        path,
        r"^cp1250\.txt: line 2: not valid UTF-8 \(byte 0xb3\) — it looks like "
        r"Windows-1250 \(cp1250\); convert the file to UTF-8 or pass --encoding$",
    )


def test_wrong_encoding_can_be_named(tmp_path, db):
    path = tmp_path / "cp1250.txt"
    path.write_bytes(POLISH_PROFILE.encode("cp1250"))
    call_command("import", str(path), "--encoding", "cp1250")
    assert Cluster.objects.get().name == "Klaster Przemysłowy Łódź"


def test_huge_file_is_refused_before_reading(tmp_path, seeded):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(200 * 1024 * 1024)
    refused(path, r"^huge\.txt: the file is 209\.7 MB; the import limit is 52\.4 MB$")


def test_file_without_profiles(tmp_path, seeded):
    path = tmp_path / "notes.txt"
    path.write_text("Meeting notes\nWe talked about clusters in general.\n")
    refused(path, r"^notes\.txt: no cluster profile found")


def test_missing_file(tmp_path, db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", str(tmp_path / "nope.txt"))


def test_bad_as_of_is_refused(seed_path, db):
    with pytest.raises(CommandError, match="is not a date"):
        call_command("import", str(seed_path), "--as-of", "last year")


def test_cli_exit_code_and_single_line(tmp_path):
    """Through the real console script: exit status ≠ 0 and one line on stderr."""
    path = tmp_path / "empty.txt"
    path.write_text("")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HIGHLANDS_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "highlands", "import", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["CommandError: empty.txt: the file is empty"]
