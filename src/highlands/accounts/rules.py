"""Who may invite whom, who may see or erase a person's data, and who reads the audit log.

The audit log's rules are declared here, not in ``audit/``: the log is a lower layer and does
not know the roles.
"""

from __future__ import annotations

import rules

from .predicates import (
    coordinates_a_cluster_of,
    coordinates_cluster,
    is_city_admin,
    is_self,
    keeps_contact_subject,
)

# A coordinator invites representatives of organisations in their cluster(s).
rules.add_perm("accounts.invite_representative", is_city_admin | coordinates_a_cluster_of)
# Only the city office appoints coordinators.
rules.add_perm("accounts.invite_coordinator", is_city_admin)
rules.add_perm("accounts.export_person", is_city_admin | is_self)
rules.add_perm("accounts.erase_person", is_city_admin | is_self)
rules.add_perm("accounts.manage_contacts", is_city_admin | keeps_contact_subject)

# The audit log: the city office reads all of it, a coordinator their cluster's.
rules.add_perm("audit.view_all", is_city_admin)
rules.add_perm("audit.view_cluster_log", is_city_admin | coordinates_cluster)
