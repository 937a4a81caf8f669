"""Who sees what of the analytics (django-rules): public figures for everyone; the audit
log's registry activity and the edges that are not public (confirmed marketplace
cooperations) for the city office."""

from __future__ import annotations

import rules

from ..accounts.predicates import is_city_admin

rules.add_perm("analytics.view_city_figures", is_city_admin)
