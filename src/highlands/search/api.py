"""``GET /api/v1/search``: hybrid keyword + semantic search with facets and filters."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from ..apikit.auth import READ_AUTH
from ..apikit.errors import ErrorOut
from ..apikit.routes import Routes
from ..apikit.types import Count, Id, Slug, Year
from . import registry
from .selectors import MAX_LIMIT, MAX_QUERY, SearchFilters, search

# Read auth: a bearer token signs the caller in; without one, the session or anonymous.
router = Router(tags=["search"])


def _type_choices(schema: dict[str, Any]) -> None:
    # The registered kinds, read when the OpenAPI document is built (after app loading).
    schema["enum"] = [*registry.names(), "all"]


class SearchIn(Schema):
    q: str = Field(..., min_length=1, max_length=MAX_QUERY, pattern=r"\S")
    type: str = Field("all", json_schema_extra=_type_choices)
    limit: int = Field(10, ge=1, le=MAX_LIMIT)
    mode: Literal["hybrid", "keyword", "semantic"] = "hybrid"
    highland: list[Slug] = []
    cluster: list[Id] = []
    helix_role: list[Slug] = []
    year_min: Year | None = None
    year_max: Year | None = None
    size_min: Count | None = None
    size_max: Count | None = None
    include_synthetic: bool = False

    @field_validator("type")
    @classmethod
    def _registered_kind(cls, value: str) -> str:
        if value != "all" and value not in registry.names():
            raise ValueError(f"Input should be {', '.join(map(repr, [*registry.names(), 'all']))}")
        return value


class SearchHitOut(Schema):
    type: str
    id: int
    name: str
    slug: str
    url: str
    score: float
    keyword_score: float | None
    semantic_score: float | None
    why: list[str]


class SearchOut(Schema):
    query: str
    mode: str
    took_ms: float
    close: bool = Field(
        description="False when nothing matched the words or stood out in meaning: the "
        "results are then only the documents nearest in meaning, labelled as related."
    )
    results: list[SearchHitOut]
    facets: dict[str, dict[str, int]]


route = Routes(router, errors={400: ErrorOut, 401: ErrorOut, 422: ErrorOut}, auth=READ_AUTH)


@route.get(
    "",
    SearchOut,
    "Search clusters, organisations and cooperation profiles in Polish or English",
    op="search",
    description="Hybrid search: BM25 over folded, lightly stemmed text with Polish↔English term "
    "translation and typo tolerance, fused (reciprocal rank fusion) with multilingual "
    "sentence-embedding similarity, accepted when it stands out from the query's "
    "typical similarity. Each result says why it matched; with no close match the "
    "nearest documents are returned as related (close=false). Synthetic demo "
    "records are excluded unless include_synthetic=true. Cooperation profiles are "
    "returned only while live and only to callers who may see them (a bearer token or "
    "the session signs the caller in; without one, public profiles only).",
)
def search_endpoint(request: HttpRequest, params: Query[SearchIn]) -> SearchOut | dict:
    filters = SearchFilters(
        types=[params.type],
        highlands=params.highland,
        clusters=params.cluster,
        helix_roles=params.helix_role,
        year_min=params.year_min,
        year_max=params.year_max,
        size_min=params.size_min,
        size_max=params.size_max,
        include_synthetic=params.include_synthetic,
    )
    result = search(
        params.q, filters=filters, limit=params.limit, mode=params.mode, user=request.user
    )
    return {
        "query": result.query,
        "mode": result.mode,
        "took_ms": result.took_ms,
        "close": result.close,
        "results": [
            {
                "type": h.kind,
                "id": h.object_id,
                "name": h.name,
                "slug": h.slug,
                "url": h.url,
                "score": h.score,
                "keyword_score": h.keyword_score,
                "semantic_score": h.semantic_score,
                "why": h.why,
            }
            for h in result.results
        ],
        "facets": result.facets,
    }
