"""``highlands import PATH`` — import a source file (format auto-detected)."""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from dataclasses import asdict
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from ....errors import ApplicationError
from ...importers import import_file

ROWS_SUMMARY = (
    "Rows: {match} matched, {new} new, {review} for review "
    "(the admin's review queue lists what waits for a person)."
)


def parse_as_of(value: str) -> date:
    """Accept YYYY (→ 1 January), YYYY-MM (→ the 1st) or YYYY-MM-DD."""
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        text += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from exc


# Tables with fewer rows finish before a progress line would help.
PROGRESS_FROM_ROWS = 1000


class ProgressLine:
    """``Reconciling rows: 12,000 / 100,000 (12%), 3,900 rows/s`` on stderr.

    On a terminal the line is redrawn in place; otherwise (``--progress always`` into a file
    or a log) one line per tenth.  Standard output keeps only the report.
    """

    def __init__(self, stream: OutputWrapper, *, terminal: bool, force: bool) -> None:
        self.stream = stream
        self.terminal = terminal
        self.force = force
        self.started = time.monotonic()
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM_ROWS and not self.force:
            return
        rate = done / max(time.monotonic() - self.started, 1e-6)
        line = (
            f"Reconciling rows: {done:,} / {total:,} ({done * 100 // total}%), {rate:,.0f} rows/s"
        )
        if self.terminal:
            self.stream.write("\r" + line, ending="\n" if done == total else "")
            self.stream.flush()
            return
        tenth = done * 10 // total
        if tenth != self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(line)


class Command(BaseCommand):
    help = "Import a source file: cluster profiles as text, or CSV, XLSX and JSON tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and reconcile, report, but write nothing"
        )
        parser.add_argument(
            "--as-of",
            type=parse_as_of,
            default=None,
            help="date the source's figures are valid for (YYYY[-MM[-DD]])",
        )
        parser.add_argument(
            "--encoding",
            default=None,
            help="text encoding when the file is not UTF-8 (e.g. cp1250)",
        )
        parser.add_argument("--report", choices=["text", "json"], default="text")
        parser.add_argument(
            "--progress",
            choices=["auto", "always", "never"],
            default="auto",
            help=(
                "progress of a table's rows on stderr: auto = on a terminal, "
                f"for tables of {PROGRESS_FROM_ROWS:,} rows or more"
            ),
        )

    def handle(self, *args: object, **options: object) -> None:
        mode = options["progress"]
        terminal = bool(getattr(self.stderr._out, "isatty", lambda: False)())
        progress = None
        if mode == "always" or (mode == "auto" and terminal):
            progress = ProgressLine(self.stderr, terminal=terminal, force=mode == "always")
        try:
            report = import_file(
                str(options["path"]),
                as_of=options["as_of"],  # type: ignore[arg-type]
                encoding=options["encoding"],  # type: ignore[arg-type]
                dry_run=bool(options["dry_run"]),
                progress=progress,
            )
        except ApplicationError as exc:
            if options["report"] == "json":
                # Still exactly one JSON object on stdout; the exit status says it failed.
                errors = exc.extra.get("errors") or [exc.message]
                failed = {"rows": [], "created": 0, "updated": 0, "errors": errors}
                self.stdout.write(json.dumps(failed, ensure_ascii=False))
            raise CommandError(exc.message) from exc
        if options["report"] == "json":
            self.stdout.write(json.dumps(asdict(report), ensure_ascii=False))
        else:
            self.stdout.write(report.summary())
            if report.rows:
                decisions = Counter(row["decision"] for row in report.rows)
                self.stdout.write(
                    ROWS_SUMMARY.format(
                        match=decisions["match"], new=decisions["new"], review=decisions["review"]
                    )
                )
            for warning in report.warnings:
                self.stderr.write(f"warning: {warning}")
