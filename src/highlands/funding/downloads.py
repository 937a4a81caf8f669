"""Handing out an evidence file, once the caller's permission is checked (the page and the
API both answer with this): an attachment under its sanitised name, with its checked type,
never rendered inline and never cached by shared caches."""

from __future__ import annotations

from django.http import FileResponse

from .models import Evidence


def evidence_response(evidence: Evidence) -> FileResponse:
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
