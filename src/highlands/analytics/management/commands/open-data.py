"""``highlands open-data DIR``: write the open datasets as files.

One CSV (UTF-8 with BOM) and one JSON file per dataset of ``analytics.opendata.DATASETS``, a
``datapackage.json`` describing the CSV files (relative paths, so the folder is a valid
Frictionless Data Package wherever it is copied) and ``catalogue.jsonld``, the DCAT-AP
catalogue record of the files (IRIs relative to it, resolved where the folder is
published). The same rows as the portal's
``/analytics/open-data/`` downloads; unchanged data gives byte-identical files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ....text.spreadsheet import to_csv
from ...opendata import DATASETS, datapackage, dataset_rows, dcat_catalogue


class Command(BaseCommand):
    help = "Write the open datasets (CSV, JSON), datapackage.json and catalogue.jsonld."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["directory"]
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a folder.")
        out.mkdir(parents=True, exist_ok=True)
        for name in DATASETS:
            rows = dataset_rows(name)
            (out / f"{name}.csv").write_text("\ufeff" + to_csv(rows), encoding="utf-8")
            (out / f"{name}.json").write_text(
                json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8"
            )
        package = datapackage("")
        for resource in package["resources"]:
            resource["path"] = f"{resource['name'].replace('-', '_')}.csv"
        package["sources"] = [{"title": "Lublin Economic Highlands registry"}]
        (out / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (out / "catalogue.jsonld").write_text(
            json.dumps(dcat_catalogue("", files=True), ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        self.stdout.write(
            f"Wrote {len(DATASETS)} datasets, datapackage.json and catalogue.jsonld to {out}."
        )
