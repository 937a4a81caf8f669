"""Importing tables: figures over time, aliases, atomic errors, the JSON report, dry runs."""

from __future__ import annotations

import importlib
import io
import json
import shutil
from datetime import date
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from highlands.ecosystem.models import (
    Cluster,
    ClusterAlias,
    FigureObservation,
    Membership,
    Organization,
    SourceDocument,
)
from highlands.ecosystem.selectors import cluster_detail
from highlands.errors import SourceImportError
from highlands.ingest import review, sources, table_import
from highlands.ingest.importers import import_file
from highlands.ingest.models import ReconciliationDecision, ReviewItem
from highlands.ingest.parsers import tables
from highlands.servicekit import SYSTEM

pytestmark = pytest.mark.django_db
import_command = importlib.import_module("highlands.ingest.management.commands.import")

FIXTURES = Path(__file__).parent / "fixtures"
EMPC = "eastern-metal-processing-cluster"


def _fixture(name: str) -> str:
    return str(FIXTURES / name)


def _json_report(*args: str) -> dict:
    out = io.StringIO()
    call_command("import", *args, "--report", "json", stdout=out)
    return json.loads(out.getvalue())  # exactly one JSON object, nothing else


def _counts() -> dict[str, int]:
    models = [Cluster, ClusterAlias, FigureObservation, Organization, Membership, SourceDocument]
    return {m.__name__: m.objects.count() for m in [*models, ReviewItem, ReconciliationDecision]}


def test_an_older_table_adds_history_and_keeps_the_current_value(seeded, client):
    report = import_file(_fixture("city_2019_pl_cp1250.csv"))
    assert report.warnings == [
        table_import.DECODED_AS_CP1250.format(name="city_2019_pl_cp1250.csv"),
        "city_2019_pl_cp1250.csv: " + tables.UNKNOWN_COLUMN.format(column="'Uwagi' (G)"),
    ]
    detail = cluster_detail(slug=EMPC)
    assert detail.figures["members"].value == 99  # the profile stays current
    assert detail.figures["enterprises"].value == 92
    history = [(o.value, o.as_of, o.as_of_basis) for o in detail.history["members"]]
    assert history == [
        (65, date(2019, 12, 31), FigureObservation.AsOfBasis.STATED),
        (99, timezone.localdate(), FigureObservation.AsOfBasis.IMPORTED),
    ]
    cluster = detail.cluster
    assert cluster.name == "Eastern Metal Processing Cluster"
    assert cluster.name_pl == "Wschodni Klaster Obróbki Metali"
    alias = cluster.aliases.get(name="Wschodni Klaster Obróbki Metali")
    assert (alias.language, alias.line_start) == ("pl", 3)
    response = client.get(reverse("web:cluster", args=[EMPC]))
    body = response.content.decode()
    assert "Figures over time" in body
    series = {
        kind: [(o.as_of.isoformat(), o.value) for o in obs]
        for kind, _svg, obs in response.context["charts"]
    }
    assert series["members"][0] == ("2019-12-31", 65)
    assert series["members"][-1][1] == 99
    assert '<td>2019-12-31</td><td class="num">65</td>' in body
    assert ">city_2019_pl_cp1250.csv</a>" in body


def test_a_newer_table_becomes_current_and_the_profile_history(seeded):
    import_file(_fixture("clusters_2021.json"), as_of=None)
    detail = cluster_detail(slug=EMPC)
    # The JSON states 2021-06-30, older than the profile's import date: still 99.
    assert detail.figures["members"].value == 99
    import_file(_fixture("city_2019_pl_cp1250.csv"), as_of=date(2100, 1, 1))
    detail = cluster_detail(slug=EMPC)
    assert detail.figures["members"].value == 65
    assert detail.figures["members"].as_of_basis == FigureObservation.AsOfBasis.GIVEN
    assert [o.value for o in detail.history["members"]] == [80, 99, 65]


def test_json_report_rows_created_updated_errors(seeded):
    report = _json_report(_fixture("clusters_en_utf8_bom.csv"))
    assert set(report) >= {"rows", "created", "updated", "errors"}
    assert report["errors"] == []
    rows = {r["source_name"]: r for r in report["rows"]}
    hotels = rows["Cluster of Hotels and Restaurants"]
    assert hotels["decision"] == "match"
    assert hotels["match"] == "Cluster of Hotels and Restaurants"
    assert hotels["score"] == 1.0
    assert hotels["candidates"][0] == {"name": "Cluster of Hotels and Restaurants", "score": 1.0}
    games = rows["Lublin Video Games Cluster"]
    assert (games["decision"], games["match"]) == ("new", None)
    network = Cluster.objects.get(name="Lubelskie Cluster Network")
    assert {f.kind: f.value for f in network.figures.all()} == {"member_clusters": 5}
    assert report["created"] > 0


def test_dry_run_writes_nothing_and_reports_the_same(seeded):
    before = _counts()
    dry = _json_report(_fixture("reconcile_labelled.csv"), "--dry-run")
    assert _counts() == before
    real = _json_report(_fixture("reconcile_labelled.csv"))
    assert _counts() != before
    assert dry["rows"] == real["rows"]
    assert (dry["created"], dry["updated"]) == (real["created"], real["updated"])
    assert dry["dry_run"] is True


def test_reimporting_the_same_table_changes_nothing(seeded):
    import_file(_fixture("clusters_pl_utf8.csv"))
    before = _counts()
    again = import_file(_fixture("clusters_pl_utf8.csv"))
    assert (again.created, again.updated) == (0, 0)
    assert _counts() == before


def test_new_polish_cluster_keeps_its_polish_name(seeded):
    import_file(_fixture("city_2019_pl_cp1250.csv"))
    tourism = Cluster.objects.get(name="Lubelski Klaster Turystyczny")
    assert tourism.name_pl == "Lubelski Klaster Turystyczny"
    assert tourism.year_established == 2016
    assert tourism.coordinator_stated == "Lubelska Regionalna Organizacja Turystyczna"
    assert tourism.figures.get(kind="members").value == 1020


def test_bad_table_is_atomic_and_names_every_problem(seeded):
    before = _counts()
    with pytest.raises(SourceImportError) as info:
        import_file(_fixture("bad_cells.csv"))
    errors = info.value.extra["errors"]
    assert len(errors) == 5
    assert errors[0] == "bad_cells.csv: " + tables.FORMULA_IN_NUMBER.format(
        row=2, column="'Liczba członków' (B)", value="=SUM(B3:B9)"
    )
    assert info.value.message.startswith(
        table_import.INVALID_TABLE.format(name="bad_cells.csv", count=5)
    )
    assert _counts() == before
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", _fixture("bad_cells.csv"), "--report", "json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed == {"rows": [], "created": 0, "updated": 0, "errors": errors}
    assert _counts() == before


def test_as_of_flag_and_a_stated_date(seeded):
    report = import_file(_fixture("clusters_pl_utf8.csv"), as_of=date(2018, 5, 1))
    hotels = Cluster.objects.get(slug="cluster-of-hotels-and-restaurants")
    table_obs = hotels.figures.exclude(source__kind="profile_text").get(kind="members")
    assert (table_obs.as_of, table_obs.as_of_basis) == (date(2018, 5, 1), "given")
    assert report.warnings == []
    report = import_file(_fixture("city_2019_pl_cp1250.csv"), as_of=date(2019, 1, 1))
    assert (
        table_import.AS_OF_OVERRIDES.format(given=date(2019, 1, 1), stated=date(2019, 12, 31))
        in report.warnings
    )


def _member_list(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Lp.", "Nazwa", "Miasto", "Rola w helisie", "Strona WWW", "Opis", "Klaster"])
    sheet.append(
        [
            1,
            "Uniwersytet Medyczny w Lublinie",
            "Lublin",
            "uczelnia",
            "www.umlub.pl",
            None,
            "Lubelski Klaster Medyczny Lublin Medicine",
        ]
    )
    sheet.append(
        [
            2,
            "Nowa Firma IT sp. z o.o.",
            "Świdnik",
            "przedsiębiorstwo",
            None,
            '=HYPERLINK("http://evil.example")',
            "Lubelski Klaster Teleinformatyczny",
        ]
    )
    sheet.append([3, "Fundacja Zielony Lublin", "Lublin", "NGO", None, None, "Klaster Nieznany"])
    path = tmp_path / "czlonkowie.xlsx"
    workbook.save(path)
    return path


def test_organization_member_list_from_xlsx(seeded, tmp_path):
    report = import_file(str(_member_list(tmp_path)))
    rows = {r["source_name"]: r for r in report.rows}
    umlub = rows["Uniwersytet Medyczny w Lublinie"]
    assert (umlub["decision"], umlub["match"]) == ("match", "Medical University of Lublin")
    org = Organization.objects.get(name="Medical University of Lublin")
    assert (org.city, org.website) == ("Lublin", "https://www.umlub.pl")
    assert org.aliases.get(language="pl").name == "Uniwersytet Medyczny w Lublinie"
    firm = Organization.objects.get(name="Nowa Firma IT sp. z o.o.")
    assert rows[firm.name]["decision"] == "new"
    assert firm.description == '=HYPERLINK("http://evil.example")'  # text, never evaluated
    assert (firm.helix_role, firm.city) == ("business", "Świdnik")
    membership = firm.memberships.get()
    assert (membership.cluster.slug, membership.listed_as) == ("lublin-ict-cluster", "business")
    assert SourceDocument.objects.get(kind="xlsx").name == "czlonkowie.xlsx"
    assert (
        table_import.CLUSTER_NOT_RECOGNISED.format(
            row=4, cluster="Klaster Nieznany", decision="new"
        )
        in report.warnings
    )
    assert rows["Fundacja Zielony Lublin"]["decision"] == "new"  # "Fundacja"+"Lublin" ≠ a match


def test_text_report_counts_decisions_and_prints_warnings(seeded):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", _fixture("reconcile_labelled.csv"), stdout=out, stderr=err)
    assert import_command.ROWS_SUMMARY.format(match=19, new=6, review=8) in out.getvalue()
    assert err.getvalue() == ""
    call_command("import", _fixture("clusters_en_utf8_bom.csv"), stdout=out, stderr=err)
    assert "warning: clusters_en_utf8_bom.csv: column 'Contact e-mail' (G)" in err.getvalue()


def test_a_row_decided_automatically_later_leaves_the_queue(seeded):
    import_file(_fixture("reconcile_labelled.csv"))
    assert ReviewItem.objects.filter(incoming_name="Klaster Medyczny").exists()
    # Someone records the name as an alias of the medical cluster; the next import matches.
    medical = Cluster.objects.get(slug="lublin-medicine-medical-and-wellness-cluster")
    medical.aliases.create(name="Klaster Medyczny", normalized="klaster medyczny", language="pl")
    report = import_file(_fixture("reconcile_labelled.csv"))
    row = next(r for r in report.rows if r["source_name"] == "Klaster Medyczny")
    assert (row["decision"], row["match"]) == ("match", medical.display_name)
    assert not ReviewItem.objects.filter(incoming_name="Klaster Medyczny").exists()
    assert ReviewItem.objects.count() == 7


def test_xlsx_xml_is_parsed_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_review_queue_decisions_are_applied_and_remembered(seeded, admin_client, tmp_path):
    import_file(_fixture("reconcile_labelled.csv"))
    queued = {i.incoming_name: i for i in ReviewItem.objects.all()}
    assert len(queued) == 8
    eastern = queued["Eastern Metal Cluster"]
    empc = Cluster.objects.get(slug=EMPC)
    assert eastern.candidates[0]["pk"] == empc.pk

    changelist = admin_client.get(reverse("admin:ingest_reviewitem_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    url = reverse("admin:ingest_reviewitem_change", args=[eastern.pk])
    page = admin_client.get(url)
    assert "Accept: it is “Eastern Metal Processing Cluster”" in page.content.decode()
    response = admin_client.post(url, {"resolution": f"accept:{empc.pk}"})
    assert response.status_code == HTTPStatus.FOUND
    eastern.refresh_from_db()
    assert (eastern.status, eastern.resolved_cluster) == ("accepted", empc)
    assert empc.aliases.filter(name="Eastern Metal Cluster").exists()

    changelist_url = reverse("admin:ingest_reviewitem_changelist")
    renewable = queued["Lubelski Klaster Energii Odnawialnej"]
    admin_client.post(changelist_url, {"action": "create_new", "_selected_action": [renewable.pk]})
    medical = queued["Klaster Medyczny"]
    admin_client.post(changelist_url, {"action": "reject_rows", "_selected_action": [medical.pk]})
    created = Cluster.objects.get(name="Lubelski Klaster Energii Odnawialnej")
    assert created.name_pl == "Lubelski Klaster Energii Odnawialnej"
    assert ReconciliationDecision.objects.count() == 3

    # The next import of the same source (a revised copy under the same name) remembers.
    revised = tmp_path / "reconcile_labelled.csv"
    shutil.copy(FIXTURES / "reconcile_labelled.csv", revised)
    with revised.open("a", encoding="utf-8") as f:
        f.write("34;Klaster Nowy;;2024;\n")
    report = _json_report(str(revised))
    rows = {r["source_name"]: r for r in report["rows"]}
    assert rows["Eastern Metal Cluster"]["decision"] == "match"
    assert rows["Eastern Metal Cluster"]["match"] == "Eastern Metal Processing Cluster"
    assert rows["Eastern Metal Cluster"]["remembered"] == "accept"
    assert rows["Lubelski Klaster Energii Odnawialnej"]["match"] == created.display_name
    assert rows["Lubelski Klaster Energii Odnawialnej"]["remembered"] == "create"
    assert rows["Klaster Medyczny"]["decision"] == "review"
    assert rows["Klaster Medyczny"]["remembered"] == "reject"
    assert rows["Klaster Nowy"]["decision"] == "new"
    assert ReviewItem.objects.filter(status="pending").count() == 5  # nothing re-queued


def test_a_decided_item_cannot_be_decided_again(seeded):
    import_file(_fixture("reconcile_labelled.csv"))
    item = ReviewItem.objects.get(incoming_name="Klaster Medyczny")
    review.review_item_resolve(item=item, action="reject", actor=SYSTEM)
    with pytest.raises(review.ApplicationError) as info:
        review.review_item_resolve(item=item, action="create", actor=SYSTEM)
    assert info.value.message == review.NOT_PENDING.format(status="Rejected the row")
    with pytest.raises(review.ApplicationError) as info:
        review.review_item_resolve(
            item=ReviewItem.objects.get(incoming_name="Eastern Metal Cluster"),
            action="accept",
            actor=SYSTEM,
        )
    assert info.value.message == review.NO_TARGET


def test_a_file_neither_utf8_nor_cp1250_is_refused(seeded, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"Nazwa;Rok utworzenia\nKlaster " + b"\x81\x98;2001\n")
    before = _counts()
    with pytest.raises(SourceImportError) as info:
        import_file(str(path))
    assert info.value.code == "encoding"
    assert info.value.message == sources.NOT_UTF8.format(
        name="broken.csv", line=2, byte=0x81, hint=""
    )
    assert _counts() == before


def test_creating_an_organization_that_exists_is_refused(seeded):
    source = SourceDocument.objects.get()
    item = ReviewItem.objects.create(
        source=source,
        source_key="lista.csv",
        entity="organization",
        row=2,
        incoming_name="Politechnika Lubelska",
        normalized_name="politechnika lubelska",
        payload={"row": 2, "names": [["Politechnika Lubelska", "pl"]], "figures": []},
    )
    with pytest.raises(review.ApplicationError) as info:
        review.review_item_resolve(item=item, action="create", actor=SYSTEM)
    assert info.value.message == table_import.ORGANIZATION_EXISTS.format(
        name="Politechnika Lubelska"
    )
    item.refresh_from_db()
    assert item.status == "pending"
    assert not ReconciliationDecision.objects.exists()


def test_admin_bulk_accept_and_the_decisions_list(seeded, admin_client):
    import_file(_fixture("reconcile_labelled.csv"))
    item = ReviewItem.objects.get(incoming_name="Lublin IT Cluster")
    changelist = reverse("admin:ingest_reviewitem_changelist")
    admin_client.post(
        changelist, {"action": "accept_best_candidate", "_selected_action": [item.pk]}
    )
    item.refresh_from_db()
    assert (item.status, item.resolved_cluster.slug) == ("accepted", "lublin-ict-cluster")
    assert item.decided_by is not None
    decided = admin_client.get(reverse("admin:ingest_reviewitem_change", args=[item.pk]))
    assert decided.status_code == HTTPStatus.OK
    assert 'name="resolution" disabled' in decided.content.decode()
    decisions = admin_client.get(reverse("admin:ingest_reconciliationdecision_changelist"))
    assert decisions.status_code == HTTPStatus.OK
    assert "Lublin IT Cluster" in decisions.content.decode()


def test_a_reviewer_accepting_a_different_year_keeps_it_and_flags_it(seeded):
    import_file(_fixture("reconcile_labelled.csv"))
    item = ReviewItem.objects.get(incoming_name="Klaster Biotechnologiczny")
    biotech = Cluster.objects.get(slug="lublin-biotechnology-cluster")
    review.review_item_resolve(item=item, action="accept", target_pk=biotech.pk, actor=SYSTEM)
    biotech.refresh_from_db()
    assert biotech.year_established == 2015
    message = table_import.YEAR_KEPT.format(
        row=30, stated=2016, cluster=biotech.display_name, existing=2015
    )
    flag = biotech.issues.get(code="table_year_differs")
    assert flag.message == f"reconcile_labelled.csv: {message}"
    assert (flag.source.name, flag.line_start, flag.severity) == (
        "reconcile_labelled.csv",
        30,
        "warning",
    )


def test_the_title_row_names_the_source(seeded):
    import_file(_fixture("city_2019_pl_cp1250.csv"))
    source = SourceDocument.objects.get(kind="csv")
    assert source.title == "Klastry w Lublinie – stan na 31.12.2019 r."
    assert source.as_of == date(2019, 12, 31)
