"""Who may write what in the registry (``ecosystem.*`` permissions) — the one place these
rules are declared.

They live with the roles they read, not in ``ecosystem/``: the registry sits below accounts and
imports nothing of it.  Checked by the workspace views, the write API and (always) the
registry's services.  Superusers pass every check (Django's ``User.has_perm``).
"""

from __future__ import annotations

import rules

from .predicates import (
    answers_for_organization,
    coordinates_cluster,
    coordinates_issue_cluster,
    is_active_user,
    is_city_admin,
    represents_organization,
    verifies_organization,
)

rules.add_perm("ecosystem.edit_cluster", is_city_admin | coordinates_cluster)
rules.add_perm("ecosystem.manage_cluster_members", is_city_admin | coordinates_cluster)
rules.add_perm("ecosystem.observe_cluster_figures", is_city_admin | coordinates_cluster)
rules.add_perm("ecosystem.view_cluster_workspace", is_city_admin | coordinates_cluster)
rules.add_perm("ecosystem.resolve_issue", is_city_admin | coordinates_issue_cluster)
# Flags outside an import are raised by code only (servicekit.SYSTEM passes every check).
rules.add_perm("ecosystem.raise_issue", rules.always_deny)
rules.add_perm("ecosystem.edit_organization", is_city_admin | represents_organization)
# A cluster asks (manage_cluster_members); the organisation answers: its representatives, or
# the city office while it has none.  Its representatives may also take it out of a cluster.
rules.add_perm("ecosystem.answer_membership_request", answers_for_organization)
rules.add_perm("ecosystem.leave_cluster", represents_organization)
# Helix role, name and the organisation's existence are the city office's call.
rules.add_perm("ecosystem.classify_organization", is_city_admin)
rules.add_perm("ecosystem.rename_organization", is_city_admin)
rules.add_perm("ecosystem.create_organization", is_city_admin)
rules.add_perm("ecosystem.delete_organization", is_city_admin)
# Anybody signed in may register an organisation the registry lacks; it stays unverified
# until the city office or a coordinator of a cluster it belongs to (or names) verifies it.
rules.add_perm("ecosystem.register_organization", is_active_user)
rules.add_perm("ecosystem.verify_organization", verifies_organization)
# Which highland a cluster belongs to, where the document does not say: the city office.
rules.add_perm("ecosystem.assign_highland", is_city_admin)
