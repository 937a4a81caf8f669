"""Who may write what in the registry — the one place these rules are declared.

Checked by the workspace views, the write API and (always) the services in ``services.py``.
Superusers pass every check (Django's ``User.has_perm``).
"""

from __future__ import annotations

import rules

from ..accounts.predicates import (
    coordinates_cluster,
    coordinates_issue_cluster,
    is_city_admin,
    represents_organization,
)

rules.add_perm("ecosystem.edit_cluster", is_city_admin | coordinates_cluster)
rules.add_perm("ecosystem.manage_cluster_members", is_city_admin | coordinates_cluster)
rules.add_perm("ecosystem.observe_cluster_figures", is_city_admin | coordinates_cluster)
rules.add_perm("ecosystem.view_cluster_workspace", is_city_admin | coordinates_cluster)
rules.add_perm("ecosystem.resolve_issue", is_city_admin | coordinates_issue_cluster)
rules.add_perm("ecosystem.edit_organization", is_city_admin | represents_organization)
# Helix role (and memberships, via manage_cluster_members) are not the organisation's own call.
rules.add_perm("ecosystem.classify_organization", is_city_admin)
