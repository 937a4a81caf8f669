"""Who may decide rows of the review queue (django-rules), declared once.

The city office decides every row.  A cluster's coordinator may decide a queued *cluster* row
that names their cluster as a candidate: accept it as their own cluster (``ecosystem.
edit_cluster`` on the target) or reject it.  Whether a row is a new cluster or organisation,
or another name of an existing organisation, is the city office's call (as creating and
renaming organisations are), never a cluster's say-so.  Superusers pass every check.
"""

from __future__ import annotations

from typing import Any

import rules

from ..accounts.predicates import coordinates_cluster, is_city_admin
from ..ecosystem.models import Cluster
from .models import Entity, ReviewItem


@rules.predicate
def coordinates_a_review_candidate(user: Any, item: ReviewItem | None) -> bool:
    """A queued cluster row lists, among its candidates, a cluster the user coordinates."""
    if not isinstance(item, ReviewItem) or item.entity != Entity.CLUSTER:
        return False
    pks = [c["pk"] for c in item.candidates if isinstance(c, dict) and "pk" in c]
    return any(coordinates_cluster(user, c) for c in Cluster.objects.filter(pk__in=pks))


rules.add_perm("ingest.resolve_review_item", is_city_admin | coordinates_a_review_candidate)
rules.add_perm("ingest.create_from_review_item", is_city_admin)
