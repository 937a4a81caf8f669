"""Who may grant, see and revoke roles, and who may see or erase a person's data.

A representative role is granted only by someone with authority over the organisation that
does not come from the person invited: the city office, the organisation's own
representatives, or the coordinator of a cluster the organisation stands behind being in
(``coordinates_a_cluster_of``: a membership stated by a source or accepted by the
organisation, never one the coordinator only asked for).  Nobody invites themselves, every
grant is announced to the organisation's representatives and the city office, and they may
revoke it (``services``).

The audit log's rules are declared here, not in ``audit/``: the log is a lower layer and does
not know the roles.
"""

from __future__ import annotations

from typing import Any

import rules

from . import registry_rules  # noqa: F401  (the registry's permissions, declared with the roles)
from .models import Invitation, OrganizationClaim
from .predicates import (
    coordinates_a_cluster_of,
    coordinates_cluster,
    is_active_user,
    is_city_admin,
    is_self,
    keeps_contact_subject,
    represents_organization,
    verifies_organization,
)


@rules.predicate
def invited_it(user: Any, invitation: Invitation | None) -> bool:
    if not isinstance(invitation, Invitation) or invitation.invited_by_id is None:
        return False
    return bool(is_active_user(user)) and invitation.invited_by_id == user.pk


@rules.predicate
def represents_invitation_organization(user: Any, invitation: Invitation | None) -> bool:
    if not isinstance(invitation, Invitation) or invitation.organization is None:
        return False
    return bool(represents_organization(user, invitation.organization))


@rules.predicate
def verifies_claim(user: Any, claim: OrganizationClaim | None) -> bool:
    if not isinstance(claim, OrganizationClaim):
        return False
    return bool(verifies_organization(user, claim.organization))


@rules.predicate
def made_claim(user: Any, claim: OrganizationClaim | None) -> bool:
    return (
        isinstance(claim, OrganizationClaim)
        and bool(is_active_user(user))
        and claim.claimant_id == user.pk
    )


# Claims and registrations: verified by the city office or the coordinator of a cluster the
# organisation is in by consent (a registration: the cluster it names); never by the claimant.
rules.add_perm("accounts.decide_claim", verifies_claim & ~made_claim)
rules.add_perm("accounts.withdraw_claim", made_claim)
# Anybody signed in may write to a cluster or an organisation through the platform.
rules.add_perm("accounts.send_contact_message", is_active_user)
rules.add_perm(
    "accounts.invite_representative",
    is_city_admin | represents_organization | coordinates_a_cluster_of,
)
rules.add_perm("accounts.revoke_representative", is_city_admin | represents_organization)
rules.add_perm(
    "accounts.view_representatives",
    is_city_admin | represents_organization | coordinates_a_cluster_of,
)
rules.add_perm(
    "accounts.cancel_invitation", is_city_admin | invited_it | represents_invitation_organization
)
# Only the city office appoints coordinators.
rules.add_perm("accounts.invite_coordinator", is_city_admin)
rules.add_perm("accounts.export_person", is_city_admin | is_self)
rules.add_perm("accounts.erase_person", is_city_admin | is_self)
rules.add_perm("accounts.manage_contacts", is_city_admin | keeps_contact_subject)

# The audit log: the city office reads all of it, a coordinator their cluster's.
rules.add_perm("audit.view_all", is_city_admin)
rules.add_perm("audit.view_cluster_log", is_city_admin | coordinates_cluster)
