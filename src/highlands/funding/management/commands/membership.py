"""``highlands membership evaluate CLUSTER_SLUG FACTS.json [--json] [--lang en|pl]``.

Evaluates a cluster's admission rules (the coordinator's newest version, else the rules the
source document states) over the facts in a JSON file and prints the decision rule by rule.
The facts document's keys (each optional; ``null`` or absent means "not stated"):

- ``voivodeship``: Polish or English name, any case, with or without "voivodeship"/"województwo"
- ``revenue_shares``: ``{"metal_processing_services": …, "own_metal_production": …}``, each
  ``0.4``, ``40``, ``"40%"``, ``"40 %"`` or ``"45,5 %"`` (together at most 100 %)
- ``size_class``: micro, small, medium or large; ``employees``: whole number;
  ``turnover_eur``: whole number
- ``legal_form``, ``helix_role`` (business, bei, academia, public_authority, civil_society),
  ``org_type`` (company, university, research_institute, municipality, …): codes
- ``nace_codes``, ``certifications``: lists of codes (or one comma-separated text)
- ``year_founded``: a year

Invalid facts exit with status 2 and one line naming the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from ....ecosystem.models import Cluster
from ... import engine, explain, selectors


class Command(BaseCommand):
    help = "Evaluate a cluster's admission rules over an organisation's facts (JSON file)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        evaluate = actions.add_parser("evaluate", help="evaluate the admission rules")
        evaluate.add_argument("cluster", metavar="CLUSTER_SLUG")
        evaluate.add_argument("facts", metavar="FACTS.json", type=Path)
        evaluate.add_argument("--json", action="store_true", help="print one JSON object")
        evaluate.add_argument("--lang", choices=("en", "pl"), default="en")

    def handle(self, *args: Any, **options: Any) -> None:
        cluster = Cluster.objects.filter(slug=options["cluster"]).first()
        if cluster is None:
            raise CommandError(f"cluster: no cluster '{options['cluster']}'")
        try:
            raw = json.loads(options["facts"].read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"facts: cannot read {options['facts']}: {error}") from None
        try:
            facts = engine.parse_facts(raw)
        except engine.FactError as error:
            raise CommandError(f"{error.field}: {error.message}", returncode=2) from None
        with translation.override(options["lang"]):
            _applying, evaluation = selectors.evaluate_admission(cluster=cluster, facts=facts)
            rows = explain.rows(evaluation)
        if options["json"]:
            out = {
                "cluster": cluster.slug,
                "decision": evaluation.decision.value,
                "rules": [
                    {"rule": r["rule"], "result": r["result"], "explanation": r["explanation"]}
                    for r in rows
                ],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(f"{cluster.display_name}: {evaluation.decision.value}")
        for row in rows:
            self.stdout.write(f"  [{row['result']}] {row['title']}: {row['explanation']}")
