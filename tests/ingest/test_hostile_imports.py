"""Hostile imports (issue 12, finding 4): zip bombs, tables over the row limit, progress.

Each refusal names the file and what was over which limit, and writes nothing.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Cluster, Organization, SourceDocument
from highlands.ingest.models import ReviewItem

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
# One identical row, repeated: deflate packs it about a thousand times.
BOMB_ROW = b'<row><c t="inlineStr"><is><t>Klaster Bomba</t></is></c></row>'


def written() -> tuple[int, ...]:
    return (
        Cluster.objects.count(),
        Organization.objects.count(),
        SourceDocument.objects.count(),
        ReviewItem.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(path: Path, match: str) -> str:
    before = written()
    with pytest.raises(CommandError, match=match) as caught:
        call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert written() == before
    return str(caught.value)


def zip_bomb_xlsx(path: Path, unpacked_mb: int) -> Path:
    """A real workbook whose first sheet is ``unpacked_mb`` MB of one repeated row."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nazwa klastra"])
    plain = io.BytesIO()
    workbook.save(plain)
    rows = BOMB_ROW * (unpacked_mb * 1024 * 1024 // len(BOMB_ROW))
    with (
        zipfile.ZipFile(plain) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in original.infolist():
            data = original.read(info)
            if info.filename == SHEET:
                assert b"</sheetData>" in data
                data = data.replace(b"</sheetData>", rows + b"</sheetData>")
            bomb.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def test_zip_bomb_xlsx_is_refused_by_its_compression_ratio(tmp_path, seeded):
    path = zip_bomb_xlsx(tmp_path / "bomb.xlsx", unpacked_mb=24)
    assert path.stat().st_size < 200_000  # a small file ...
    message = refused(path, r"^bomb\.xlsx: member 'xl/worksheets/sheet1\.xml' unpacks \d+ times")
    assert "the import limit is 100 times" in message  # ... named, with the limit
    assert "HIGHLANDS_IMPORT_MAX_COMPRESSION_RATIO" in message


@override_settings(
    HIGHLANDS_IMPORT_MAX_UNPACKED_BYTES=10 * 1024 * 1024,
    HIGHLANDS_IMPORT_MAX_COMPRESSION_RATIO=100_000,
)
def test_xlsx_that_unpacks_past_the_limit_is_refused(tmp_path, seeded):
    path = zip_bomb_xlsx(tmp_path / "duzy.xlsx", unpacked_mb=12)
    message = refused(path, r"^duzy\.xlsx: the workbook unpacks to 12\.\d MB")
    assert "the import limit is 10.5 MB (setting HIGHLANDS_IMPORT_MAX_UNPACKED_BYTES)" in message


def distinct_names(count: int) -> list[str]:
    """Names that share no word: every row is a new organisation."""
    rng = random.Random(12)  # noqa: S311 — test names, not secrets
    letters = "bcdfghklmnprstwz"
    vowels = "aeiouy"
    words = {
        "".join(rng.choice(letters) + rng.choice(vowels) for _ in range(4)).title()
        for _ in range(count * 2)
    }
    return [f"{word} sp. z o.o." for word in sorted(words)[:count]]


def member_csv(rows: int) -> str:
    lines = ["nazwa;miasto;rola;strona www;opis;klaster"]
    lines += [f"{name};Lublin;przedsiębiorstwo;;;" for name in distinct_names(rows)]
    return "\n".join(lines) + "\n"


@override_settings(HIGHLANDS_IMPORT_MAX_ROWS=40)
def test_csv_over_the_row_limit_is_refused(tmp_path, seeded):
    path = tmp_path / "czlonkowie.csv"
    path.write_text(member_csv(41), encoding="utf-8")
    message = refused(path, r"^czlonkowie\.csv: 1 problem\(s\); nothing was imported")
    assert "the table has 41 rows; at most 40 rows are imported from one file" in message
    assert "(setting HIGHLANDS_IMPORT_MAX_ROWS)" in message
    # At the limit it imports.
    path.write_text(member_csv(40), encoding="utf-8")
    call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Organization.objects.filter(name__endswith=" sp. z o.o.", city="Lublin").count() == 40


@override_settings(HIGHLANDS_IMPORT_MAX_ROWS=40)
def test_xlsx_and_json_over_the_row_limit_are_refused(tmp_path, seeded):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nazwa", "Miasto"])
    for n in range(60):
        workbook.active.append([f"Firma Testowa {n}", "Lublin"])
    workbook.save(tmp_path / "lista.xlsx")
    refused(tmp_path / "lista.xlsx", r"the table has more than 40 rows; at most 40 rows")
    items = [{"nazwa": f"Firma Testowa {n}", "miasto": "Lublin"} for n in range(41)]
    (tmp_path / "lista.json").write_text(json.dumps(items), encoding="utf-8")
    refused(tmp_path / "lista.json", r"the table has 41 rows; at most 40 rows")


def test_progress_is_reported_on_stderr_only(tmp_path, seeded):
    path = tmp_path / "czlonkowie.csv"
    path.write_text(member_csv(30), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), "--progress", "always", stdout=out, stderr=err)
    assert "Reconciling rows: 30 / 30 (100%)" in err.getvalue()
    assert "Reconciling" not in out.getvalue()
    # Not a terminal and not asked for: no progress line in the way.
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), "--dry-run", stdout=out, stderr=err)
    assert "Reconciling" not in err.getvalue()
