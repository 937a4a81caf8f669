"""Who may do what with events (django-rules), declared once.

Coordinators organise their clusters' events, the city office all events (and the events of
a highland or of the office itself); registrants see and manage only their own
registrations. Who may *register* depends on the event's audience.
"""

from __future__ import annotations

from typing import Any

import rules

from ..accounts.models import ClusterCoordinator, OrganizationRepresentative
from ..accounts.predicates import coordinates_cluster, is_active_user, is_city_admin, is_self
from ..ecosystem.models import Cluster, Membership
from .models import Audience, Event, EventStatus, Registration


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _cluster_ids(event: Event) -> set[int]:
    """The organising clusters and their parents (a parent's coordinator keeps them)."""
    ids: set[int] = set()
    for cluster in event.clusters.all():
        ids.add(cluster.pk)
        if cluster.parent_id is not None:
            ids.add(cluster.parent_id)
    return ids


@rules.predicate
def organises_event(user: Any, event: Event | None) -> bool:
    """The user coordinates one of the event's organising clusters."""
    if not _active(user) or not isinstance(event, Event) or event.pk is None:
        return False
    return ClusterCoordinator.objects.filter(user=user, cluster_id__in=_cluster_ids(event)).exists()


@rules.predicate
def event_is_public(user: Any, event: Event | None) -> bool:
    return isinstance(event, Event) and event.status != EventStatus.DRAFT


@rules.predicate
def in_event_audience(user: Any, event: Event | None) -> bool:
    """Open: everyone signed in. Members: representatives of an organisation in (and
    coordinators of) an organising cluster. Invitation: the invited addresses."""
    if not _active(user) or not isinstance(event, Event):
        return False
    if event.audience == Audience.OPEN:
        return True
    if event.audience == Audience.INVITATION:
        invited = {e.casefold() for e in event.invitees}
        return bool(user.email) and user.email.casefold() in invited
    cluster_ids = {c.pk for c in event.clusters.all()}
    if ClusterCoordinator.objects.filter(user=user, cluster_id__in=cluster_ids).exists():
        return True
    members = Membership.objects.consented().filter(cluster_id__in=cluster_ids)
    return OrganizationRepresentative.objects.filter(
        user=user, organization_id__in=members.values("organization_id")
    ).exists()


@rules.predicate
def owns_registration(user: Any, registration: Registration | None) -> bool:
    return isinstance(registration, Registration) and bool(is_self(user, registration.user))


@rules.predicate
def organises_registration_event(user: Any, registration: Registration | None) -> bool:
    return isinstance(registration, Registration) and bool(
        organises_event(user, registration.event)
    )


@rules.predicate
def coordinates_organising_cluster(user: Any, cluster: Cluster | None) -> bool:
    return bool(coordinates_cluster(user, cluster))


manages_event = is_city_admin | organises_event

rules.add_perm("events.organise_for_cluster", is_city_admin | coordinates_organising_cluster)
rules.add_perm("events.organise_for_city", is_city_admin)
rules.add_perm("events.manage_event", manages_event)
rules.add_perm("events.view_event", event_is_public | manages_event)
rules.add_perm("events.register", is_active_user & in_event_audience)
rules.add_perm("events.manage_registration", owns_registration)
rules.add_perm(
    "events.view_registration",
    owns_registration | is_city_admin | organises_registration_event,
)
