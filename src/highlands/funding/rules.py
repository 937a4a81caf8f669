"""Who may do what in funding (django-rules), declared once.

Facts are the organisation's: its representatives declare them, the coordinators of its
clusters (and the city office) verify them. Calls are kept by the city office and the
coordinators; admission rules by the cluster's coordinator. An application is seen by the
organisation and the cluster it applies to.
"""

from __future__ import annotations

from typing import Any

import rules

from ..accounts.models import ClusterCoordinator
from ..accounts.predicates import (
    coordinates_a_cluster_of,
    coordinates_cluster,
    is_active_user,
    is_city_admin,
    represents_organization,
)
from .models import MembershipApplication


@rules.predicate
def coordinates_any_cluster(user: Any) -> bool:
    return bool(is_active_user(user)) and ClusterCoordinator.objects.filter(user=user).exists()


@rules.predicate
def represents_applicant(user: Any, application: MembershipApplication | None) -> bool:
    if not isinstance(application, MembershipApplication):
        return False
    return bool(represents_organization(user, application.organization))


@rules.predicate
def coordinates_applied_cluster(user: Any, application: MembershipApplication | None) -> bool:
    if not isinstance(application, MembershipApplication):
        return False
    return bool(coordinates_cluster(user, application.cluster))


rules.add_perm("funding.declare_facts", represents_organization | is_city_admin)
rules.add_perm("funding.verify_facts", coordinates_a_cluster_of | is_city_admin)
rules.add_perm(
    "funding.view_facts", represents_organization | coordinates_a_cluster_of | is_city_admin
)
rules.add_perm("funding.manage_calls", is_city_admin | coordinates_any_cluster)
rules.add_perm("funding.edit_admission_rules", coordinates_cluster | is_city_admin)
rules.add_perm("funding.apply", represents_organization)
rules.add_perm(
    "funding.view_application",
    represents_applicant | coordinates_applied_cluster | is_city_admin,
)
rules.add_perm("funding.decide_application", coordinates_applied_cluster | is_city_admin)
rules.add_perm("funding.withdraw_application", represents_applicant)
