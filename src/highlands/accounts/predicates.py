"""Role predicates (django-rules) shared by every app's ``rules.py``.

Each takes ``(user, object)``; they are cheap ``EXISTS`` queries, evaluated per object.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from ..ecosystem.models import Cluster, DataQualityIssue, Membership, Organization
from .models import ClusterCoordinator, OrganizationClaim, OrganizationRepresentative


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _cluster_ids(cluster: Cluster) -> list[int]:
    # The coordinator of a cluster also keeps its sub-clusters.
    return [cluster.pk] if cluster.parent_id is None else [cluster.pk, cluster.parent_id]


@rules.predicate
def is_active_user(user: Any) -> bool:
    return _active(user)


@rules.predicate
def is_city_admin(user: Any) -> bool:
    return _active(user) and bool(getattr(user, "is_city_admin", False))


@rules.predicate
def coordinates_cluster(user: Any, cluster: Cluster | None) -> bool:
    if not _active(user) or not isinstance(cluster, Cluster):
        return False
    return ClusterCoordinator.objects.filter(
        user=user, cluster_id__in=_cluster_ids(cluster)
    ).exists()


@rules.predicate
def coordinates_issue_cluster(user: Any, issue: DataQualityIssue | None) -> bool:
    if not isinstance(issue, DataQualityIssue) or issue.cluster_id is None:
        return False
    return bool(coordinates_cluster(user, issue.cluster))


@rules.predicate
def represents_organization(user: Any, organization: Organization | None) -> bool:
    if not _active(user) or not isinstance(organization, Organization):
        return False
    return OrganizationRepresentative.objects.filter(user=user, organization=organization).exists()


@rules.predicate
def coordinates_a_cluster_of(user: Any, organization: Organization | None) -> bool:
    """The user coordinates a cluster (or its parent) the organisation stands behind being in.

    Only consented memberships count (stated by an imported source, or accepted by the
    organisation or the city office): a listing the coordinator merely asked for gives them
    no authority over the organisation.
    """
    if not _active(user) or not isinstance(organization, Organization):
        return False
    cluster_ids = (
        Membership.objects.consented().filter(organization=organization).values("cluster_id")
    )
    return Cluster.objects.filter(
        Q(coordinator_users__user=user) | Q(parent__coordinator_users__user=user),
        pk__in=cluster_ids,
    ).exists()


@rules.predicate
def has_no_representative(user: Any, organization: Organization | None) -> bool:
    """Nobody (active) represents the organisation yet."""
    return isinstance(organization, Organization) and not (
        OrganizationRepresentative.objects.filter(
            organization=organization, user__is_active=True
        ).exists()
    )


# Who answers for an organisation (accepts a cluster's membership request, ...): its own
# representatives; the city office only while it has none.
answers_for_organization = represents_organization | (is_city_admin & has_no_representative)


@rules.predicate
def is_self(user: Any, other: Any) -> bool:
    return _active(user) and other is not None and getattr(other, "pk", None) == user.pk


@rules.predicate
def keeps_contact_subject(user: Any, subject: Cluster | Organization | None) -> bool:
    """Cluster contacts are kept by its coordinator; organisation contacts by its representative."""
    if isinstance(subject, Cluster):
        return bool(coordinates_cluster(user, subject))
    if isinstance(subject, Organization):
        return bool(represents_organization(user, subject))
    return False


@rules.predicate
def coordinates_a_named_cluster(user: Any, organization: Organization | None) -> bool:
    """The user coordinates the cluster a pending *registration* of the organisation names.

    A new organisation has no membership yet: the person registering it says which cluster
    it is a member of, and that cluster's coordinator is who knows.  A claim of an organisation
    already in the registry never gives this authority (it is not the registration's).
    """
    if not _active(user) or not isinstance(organization, Organization):
        return False
    cluster_ids = OrganizationClaim.objects.filter(
        organization=organization, kind="register", status="pending", cluster__isnull=False
    ).values("cluster_id")
    return Cluster.objects.filter(
        Q(coordinator_users__user=user) | Q(parent__coordinator_users__user=user),
        pk__in=cluster_ids,
    ).exists()


# Who verifies an organisation and the people claiming it: the city office, or a coordinator of
# a cluster it is in by consent, or (for a registration) of the cluster it names.
verifies_organization = is_city_admin | coordinates_a_cluster_of | coordinates_a_named_cluster
