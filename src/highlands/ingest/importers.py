"""Dispatch a file to the importer for its format."""

from __future__ import annotations

from datetime import date

from ..errors import SourceImportError
from .profile_import import profile_document_import
from .sources import read_source
from .table_import import Progress, table_import
from .upsert import ImportReport

UNSUPPORTED = "{name}: {kind} import is not supported yet"
TABLE_KINDS = {"csv", "xlsx", "json"}


def import_file(
    path: str,
    *,
    as_of: date | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    actor: object = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read a file, tell its format and hand it to that format's import service."""
    source = read_source(path)
    if source.kind == "profile_text":
        return profile_document_import(
            source=source, as_of=as_of, encoding=encoding, dry_run=dry_run, actor=actor
        )
    if source.kind in TABLE_KINDS:
        return table_import(
            source=source,
            as_of=as_of,
            encoding=encoding,
            dry_run=dry_run,
            actor=actor,
            progress=progress,
        )
    raise SourceImportError(
        UNSUPPORTED.format(name=source.name, kind=source.kind.upper()), code="unsupported"
    )
