"""Who may invite whom, and who may see or erase a person's data."""

from __future__ import annotations

import rules

from .predicates import coordinates_a_cluster_of, is_city_admin, is_self, keeps_contact_subject

# A coordinator invites representatives of organisations in their cluster(s).
rules.add_perm("accounts.invite_representative", is_city_admin | coordinates_a_cluster_of)
# Only the city office appoints coordinators.
rules.add_perm("accounts.invite_coordinator", is_city_admin)
rules.add_perm("accounts.export_person", is_city_admin | is_self)
rules.add_perm("accounts.erase_person", is_city_admin | is_self)
rules.add_perm("accounts.manage_contacts", is_city_admin | keeps_contact_subject)
