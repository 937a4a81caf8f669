"""Who may read the audit log: the city office all of it, a coordinator their cluster's."""

from __future__ import annotations

import rules

from ..accounts.predicates import coordinates_cluster, is_city_admin

rules.add_perm("audit.view_all", is_city_admin)
rules.add_perm("audit.view_cluster_log", is_city_admin | coordinates_cluster)
