"""Ingestion state: the reconciliation review queue and the decisions people took there.

A row reconciliation could not decide is queued as a :class:`ReviewItem` with the row itself
(``payload``) so a person's decision can be applied later without the file.  The decision is
kept as a :class:`ReconciliationDecision` keyed on the source (its file name, so a revised
copy of the same spreadsheet counts as the same source) and the row's normalized name: the
next import of that source applies it instead of asking again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..ecosystem.models import Cluster, Organization, SourceDocument


class Entity(models.TextChoices):
    CLUSTER = "cluster", "Cluster"
    ORGANIZATION = "organization", "Organization"


class ReviewItem(models.Model):
    """An incoming row that may or may not be a known record: a person decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted a candidate"
        CREATED = "created", "Created a new record"
        REJECTED = "rejected", "Rejected the row"

    source = models.ForeignKey(SourceDocument, null=True, blank=True, on_delete=models.SET_NULL)
    source_key = models.CharField(max_length=255)
    entity = models.CharField(max_length=16, choices=Entity.choices)
    row = models.PositiveIntegerField()
    incoming_name = models.CharField(max_length=255)
    normalized_name = models.CharField(max_length=255)
    language = models.CharField(max_length=2, default="en")
    payload = models.JSONField(default=dict)  # the row as parsed, replayed on a decision
    candidates = models.JSONField(default=list)  # [{"pk", "name", "score"}], best first
    score = models.FloatField(default=0.0)
    reason = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    resolved_cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "source_key", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "entity", "normalized_name"], name="uniq_review_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_key} row {self.row}: {self.incoming_name}"


class ReconciliationDecision(models.Model):
    """What a person decided for a row name of a source; applied on the next import."""

    class Action(models.TextChoices):
        ACCEPT = "accept", "Accept a candidate"
        CREATE = "create", "Create new"
        REJECT = "reject", "Reject"

    source_key = models.CharField(max_length=255)
    entity = models.CharField(max_length=16, choices=Entity.choices)
    normalized_name = models.CharField(max_length=255)
    incoming_name = models.CharField(max_length=255)
    action = models.CharField(max_length=8, choices=Action.choices)
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    review_item = models.ForeignKey(
        ReviewItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["source_key", "entity", "normalized_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "entity", "normalized_name"],
                name="uniq_reconciliation_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_key}: {self.incoming_name} → {self.action}"
