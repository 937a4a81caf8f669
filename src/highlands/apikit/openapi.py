"""The OpenAPI document as committed text (``docs/openapi.json``), so API changes show in review."""

from __future__ import annotations

import json

from ninja import NinjaAPI

DOCUMENT = "docs/openapi.json"


def openapi_text(api: NinjaAPI) -> str:
    """The API's OpenAPI document as stable, readable JSON text."""
    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False) + "\n"
