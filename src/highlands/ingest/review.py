"""A person's decisions in the review queue: ``review_item_resolve``, the one write path.

A queued row (``ReviewItem``) carries the parsed table row; accepting it applies the row to
the chosen record, creating makes a new record from it, rejecting skips it — each through
the table importer's ``RowWriter`` and the ``upsert`` rules, checked by ``ingest/rules.py``,
audited, and remembered (``ReconciliationDecision``) for the next import of that source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..audit.services import audit_record
from ..ecosystem.models import Cluster, Organization
from ..errors import ApplicationError
from ..servicekit import person, require
from .models import Entity, ReconciliationDecision, ReviewItem
from .table_import import RowWriter

NOT_PENDING = "This row was already decided ({status})."
MAY_NOT_DECIDE = "You may not decide this row of the review queue."
MAY_NOT_CREATE = "Only the city office may create a new record from a row of the review queue."
MAY_NOT_ACCEPT = "You may not add this row to '{name}'."
UNKNOWN_ACTION = "Unknown review action '{action}'."
NO_TARGET = "Choose which existing record the row is."
WRONG_ENTITY = "The chosen record is not a {entity}."


_Apply = Callable[[RowWriter, Any, dict[str, Any], Any], None]
# What accepting a row into a record of each kind takes: the model, the permission on the
# record (another name of an organisation is its identity: the city office's call), the
# record's name for the refusal, and the writer's step that applies the row.
_ACCEPT: dict[str, tuple[type[Cluster] | type[Organization], str, str, _Apply]] = {
    Entity.CLUSTER: (Cluster, "ecosystem.edit_cluster", "display_name", RowWriter.cluster_apply),
    Entity.ORGANIZATION: (
        Organization,
        "ecosystem.rename_organization",
        "name",
        RowWriter.organization_apply,
    ),
}


def _accept(
    writer: RowWriter, item: ReviewItem, target_pk: int, actor: Any
) -> Cluster | Organization:
    model, permission, name, apply = _ACCEPT[Entity(item.entity)]
    target: Cluster | Organization | None = model._default_manager.filter(pk=target_pk).first()
    if target is None:
        raise ApplicationError(WRONG_ENTITY.format(entity=model._meta.model_name))
    require(actor, permission, target, MAY_NOT_ACCEPT.format(name=getattr(target, name)))
    apply(writer, target, item.payload, item.source)
    return target


@transaction.atomic
def review_item_resolve(
    *, item: ReviewItem, action: str, target_pk: int | None = None, actor: Any = None
) -> ReviewItem:
    """Apply a person's decision on a queued row and remember it for the next import.

    Checked (``ingest/rules.py``): deciding the row at all, creating a record from it, and
    accepting it into the chosen record; audited as ``review_item.resolve``.
    """
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    require(actor, "ingest.resolve_review_item", item, MAY_NOT_DECIDE)
    if item.status != ReviewItem.Status.PENDING:
        raise ApplicationError(NOT_PENDING.format(status=item.get_status_display()))
    writer = RowWriter()
    cluster: Cluster | None = None
    organization: Organization | None = None
    actions = ReconciliationDecision.Action
    if action == actions.ACCEPT:
        if target_pk is None:
            raise ApplicationError(NO_TARGET)
        target = _accept(writer, item, target_pk, actor)
        if isinstance(target, Cluster):
            cluster = target
        else:
            organization = target
        item.status = ReviewItem.Status.ACCEPTED
    elif action == actions.CREATE:
        require(actor, "ingest.create_from_review_item", item, MAY_NOT_CREATE)
        if item.entity == Entity.CLUSTER:
            cluster = writer.cluster_create(item.payload, item.source)
        else:
            organization = writer.organization_create(item.payload, item.source)
        item.status = ReviewItem.Status.CREATED
    elif action == actions.REJECT:
        item.status = ReviewItem.Status.REJECTED
    else:
        raise ApplicationError(UNKNOWN_ACTION.format(action=action))
    now = timezone.now()
    user = person(actor)
    item.resolved_cluster, item.resolved_organization = cluster, organization
    item.decided_by, item.decided_at = user, now
    item.save(
        update_fields=[
            "status",
            "resolved_cluster",
            "resolved_organization",
            "decided_by",
            "decided_at",
        ]
    )
    ReconciliationDecision.objects.update_or_create(
        source_key=item.source_key,
        entity=item.entity,
        normalized_name=item.normalized_name,
        defaults={
            "incoming_name": item.incoming_name,
            "action": action,
            "cluster": cluster,
            "organization": organization,
            "review_item": item,
            "decided_by": user,
            "decided_at": now,
        },
    )
    audit_record(
        actor=actor,
        action="review_item.resolve",
        obj=item,
        cluster_id=cluster.pk if cluster else None,
        organization_id=organization.pk if organization else None,
        before={"status": ReviewItem.Status.PENDING},
        after={
            "status": item.status,
            "action": action,
            "source": item.source_key,
            "row": item.row,
            "incoming_name": item.incoming_name,
            "cluster": cluster.pk if cluster else None,
            "organization": organization.pk if organization else None,
        },
    )
    return item
