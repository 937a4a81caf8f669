"""Dispatch a file to the importer for its format."""

from __future__ import annotations

from datetime import date

from ..errors import SourceImportError
from .services import ImportReport, profile_document_import
from .sources import read_source

UNSUPPORTED = "{name}: {kind} import is not supported yet"


def import_file(
    path: str,
    *,
    as_of: date | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    actor: object = None,
) -> ImportReport:
    source = read_source(path)
    if source.kind == "profile_text":
        return profile_document_import(
            source=source, as_of=as_of, encoding=encoding, dry_run=dry_run, actor=actor
        )
    raise SourceImportError(
        UNSUPPORTED.format(name=source.name, kind=source.kind.upper()), code="unsupported"
    )
