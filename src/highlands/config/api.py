"""The one NinjaAPI at /api/v1/: it only assembles the routers each app keeps in its ``api.py``.

Authentication, errors (``ErrorOut`` and the ``ApplicationError`` → HTTP mapping), pagination
and bounded types come from the API toolkit (``highlands.apikit``). The OpenAPI document is
committed as ``docs/openapi.json`` (``scripts/openapi.py`` rewrites it).
"""

from __future__ import annotations

from ninja import NinjaAPI

from ..accounts.api import router as accounts_router
from ..accounts.api_onboarding import router as onboarding_router
from ..analytics.api import router as analytics_router
from ..apikit.errors import install_error_handlers
from ..ecosystem.api import ROUTERS as REGISTRY_ROUTERS
from ..ecosystem.api_write import router as manage_router
from ..events.api import router as events_router
from ..funding.api import router as funding_router
from ..marketplace.api import router as marketplace_router
from ..meetings.api import router as meetings_router
from ..ops.api import router as ops_router
from ..search.api import router as search_router

api = NinjaAPI(
    title="Highlands API",
    version="1.0.0",
    description=(
        "Open data and services of the Lublin Economic Highlands ecosystem. Lists are "
        "paginated (`page`, `page_size`); `lang=pl|en` picks the language of translatable "
        "content, which falls back to the other language with `fallback: true`."
    ),
    urls_namespace="api",
)
install_error_handlers(api)

api.add_router("/", ops_router)
for router in REGISTRY_ROUTERS:
    api.add_router("/", router)
api.add_router("/manage", manage_router)
api.add_router("/manage", accounts_router)
api.add_router("/search", search_router)
api.add_router("/marketplace", marketplace_router)
api.add_router("/analytics", analytics_router)
api.add_router("/funding", funding_router)
api.add_router("/events", events_router)
api.add_router("/onboarding", onboarding_router)
api.add_router("/meetings", meetings_router)
