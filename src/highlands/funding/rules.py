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
from .models import (
    CallApplication,
    ConsortiumMember,
    Evidence,
    InvitationStatus,
    MembershipApplication,
)


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


# --- evidence, the pipeline and consortia --------------------------------------------------


@rules.predicate
def represents_evidence_owner(user: Any, evidence: Any) -> bool:
    return isinstance(evidence, Evidence) and bool(
        represents_organization(user, evidence.organization)
    )


@rules.predicate
def coordinates_evidence_cluster(user: Any, evidence: Any) -> bool:
    """The coordinator of the cluster applied to (application evidence), or of a cluster the
    organisation is a member of (fact evidence: they verify facts)."""
    if not isinstance(evidence, Evidence):
        return False
    if evidence.application is not None:
        return bool(coordinates_cluster(user, evidence.application.cluster))
    return bool(coordinates_a_cluster_of(user, evidence.organization))


@rules.predicate
def represents_pipeline_owner(user: Any, entry: Any) -> bool:
    return isinstance(entry, CallApplication) and bool(
        represents_organization(user, entry.organization)
    )


@rules.predicate
def coordinates_shared_pipeline(user: Any, entry: Any) -> bool:
    return (
        isinstance(entry, CallApplication)
        and entry.shared
        and bool(coordinates_a_cluster_of(user, entry.organization))
    )


@rules.predicate
def represents_invited_partner(user: Any, entry: Any) -> bool:
    if not isinstance(entry, CallApplication) or not is_active_user(user):
        return False
    return entry.consortium.filter(
        organization__representative_users__user=user,
        status__in=[InvitationStatus.INVITED, InvitationStatus.ACCEPTED],
    ).exists()


@rules.predicate
def represents_invited(user: Any, member: Any) -> bool:
    return isinstance(member, ConsortiumMember) and bool(
        represents_organization(user, member.organization)
    )


rules.add_perm("funding.add_application_evidence", represents_applicant)
rules.add_perm(
    "funding.view_evidence",
    represents_evidence_owner | coordinates_evidence_cluster | is_city_admin,
)
rules.add_perm("funding.plan_application", represents_organization)
rules.add_perm(
    "funding.view_pipeline_entry",
    represents_pipeline_owner | coordinates_shared_pipeline | represents_invited_partner,
)
rules.add_perm("funding.change_pipeline_entry", represents_pipeline_owner)
rules.add_perm("funding.answer_invitation", represents_invited)
rules.add_perm("funding.view_member_pipeline", coordinates_cluster | is_city_admin)
rules.add_perm("funding.follow_organization", represents_organization | coordinates_a_cluster_of)
