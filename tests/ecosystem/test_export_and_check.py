"""`highlands export` and `highlands check`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

pytestmark = pytest.mark.django_db

HOSTILE_PROFILE = (
    "General information about the cluster:\n"
    'Name: =HYPERLINK("http://example.invalid","click")\n'
    "Coordinator: @SUM(A1:A9) Association\n"
    "Number of members in the cluster: 5\n"
    "Year of establishment: 2020\n"
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_clusters_json(seeded):
    rows = json.loads(run("export", "clusters", "--format", "json"))
    assert len(rows) == 20
    unnamed = next(r for r in rows if r["slug"] == "unnamed-netrix-group-sp-z-oo-2011")
    assert unnamed["name"] is None
    assert unnamed["counts"] == {
        "members": 26,
        "enterprises": 25,
        "business_environment_institutions": None,
        "universities": None,
    }
    assert {"code", "message"} <= set(unnamed["issues"][0])


def test_export_csv_has_one_row_per_record(seeded):
    for entity, n in (("clusters", 20), ("highlands", 5), ("organizations", 49)):
        rows = list(csv.DictReader(io.StringIO(run("export", entity, "--format", "csv"))))
        assert len(rows) == n, entity
    clusters = list(csv.DictReader(io.StringIO(run("export", "clusters", "--format", "csv"))))
    assert clusters[0]["counts.members"] == "15"
    assert clusters[0]["sub_clusters"] == "lubtechbridge-goz; lubtechbridge-4-0"


def test_export_csv_neutralises_formulas(tmp_path, db):
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE_PROFILE)
    call_command("import", str(path), stdout=io.StringIO())
    (row,) = csv.DictReader(io.StringIO(run("export", "clusters", "--format", "csv")))
    assert row["name"] == '\'=HYPERLINK("http://example.invalid","click")'
    assert row["coordinator"] == "'@SUM(A1:A9) Association"
    # JSON keeps the text exactly as stated.
    (item,) = json.loads(run("export", "clusters"))
    assert item["name"].startswith("=HYPERLINK")


@pytest.mark.parametrize("separator", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_export_csv_resists_the_separator_bypass(db, separator):
    """Issue 12 finding 5: a ';' inside a name must not start a formula cell under ';'."""
    from highlands.ecosystem.models import Cluster

    attack = "LubTech;=cmd|' /C calc'!A0;x"
    Cluster.objects.create(slug="lubtech", name=attack, display_name=attack)
    document = run("export", "clusters", "--format", "csv")
    for line in document.splitlines():
        for field in line.split(separator):  # a reader that ignores quotes
            assert not field.lstrip(' "').startswith(("=", "+", "-", "@")), field
    for row in csv.reader(io.StringIO(document), delimiter=separator):
        assert not any(field.startswith(("=", "+", "-", "@", "\t", "\r")) for field in row)


def test_check_prints_the_data_quality_report(seeded):
    out = run("check")
    assert "System check identified no issues" in out
    assert "Data quality: 20 open flags" in out
    assert "missing_coordinator: The profile names no coordinator." in out
    assert "[lublin-economic-highlands.txt:359]" in out


def test_check_deploy_skips_the_data_report(seeded):
    out = io.StringIO()
    # Base settings serve plain HTTP locally, so the HTTPS-only deploy checks warn here.
    with pytest.raises(SystemCheckError, match="SECURE_SSL_REDIRECT"):
        call_command("check", "--deploy", "--fail-level", "WARNING", stdout=out, stderr=out)
    assert "Data quality" not in out.getvalue()
