"""Writes to the registry outside imports: one service per action, each keeping search current.

Every service runs in one transaction and enqueues the records whose search entries change
(an organisation, and the clusters whose member lists name it); the search outbox is
drained after commit (``highlands.search.indexing``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..errors import ApplicationError, NotFoundError
from ..ingest.normalize import make_slug, normalize_name
from ..search.indexing import enqueue, enqueue_many
from ..search.models import DocumentKind
from .models import Organization

ORGANIZATION_EXISTS = "An organization named '{name}' already exists."
ORGANIZATION_MISSING = "No organization with id {pk}."
_EDITABLE = {"name", "helix_role", "org_type", "year_established", "description", "city", "website"}


def _cluster_ids(org: Organization) -> list[int]:
    return list(org.memberships.values_list("cluster_id", flat=True).distinct())


@transaction.atomic
def organization_create(*, name: str, actor: Any = None, **fields: Any) -> Organization:
    """Create an organisation (merged by normalized name: a duplicate is refused)."""
    unknown = set(fields) - _EDITABLE
    if unknown:
        raise ApplicationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    key = normalize_name(name)
    if Organization.objects.filter(normalized_name=key).exists():
        raise ApplicationError(ORGANIZATION_EXISTS.format(name=name), code="duplicate")
    slug, n = make_slug(name), 2
    base = slug
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    org = Organization.objects.create(name=name, normalized_name=key, slug=slug, **fields)
    enqueue(DocumentKind.ORGANIZATION, org.pk)
    return org


@transaction.atomic
def organization_update(*, pk: int, actor: Any = None, **fields: Any) -> Organization:
    """Change an organisation's editable fields."""
    unknown = set(fields) - _EDITABLE
    if unknown:
        raise ApplicationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    org = Organization.objects.select_for_update().filter(pk=pk).first()
    if org is None:
        raise NotFoundError(ORGANIZATION_MISSING.format(pk=pk))
    for name, value in fields.items():
        setattr(org, name, value)
    update_fields = list(fields)
    if "name" in fields:
        org.normalized_name = normalize_name(fields["name"])
        update_fields.append("normalized_name")
    org.save(update_fields=update_fields)
    enqueue(DocumentKind.ORGANIZATION, org.pk)
    enqueue_many(DocumentKind.CLUSTER, _cluster_ids(org))
    return org


@transaction.atomic
def organization_delete(*, pk: int, actor: Any = None) -> None:
    """Delete an organisation and its memberships."""
    org = Organization.objects.filter(pk=pk).first()
    if org is None:
        raise NotFoundError(ORGANIZATION_MISSING.format(pk=pk))
    clusters = _cluster_ids(org)
    org.delete()
    enqueue(DocumentKind.ORGANIZATION, pk)
    enqueue_many(DocumentKind.CLUSTER, clusters)
