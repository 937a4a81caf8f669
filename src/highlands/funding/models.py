"""Funding: organisation facts with provenance, admission rules, funding calls and
membership applications, all judged by one rule engine (``engine.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..ecosystem.models import Cluster, MembershipRequest, Organization


class FactSource(models.TextChoices):
    DECLARED = "declared", "Declared by the representative"
    IMPORTED = "imported", "Imported"
    VERIFIED = "verified", "Verified by the coordinator"


class OrganizationFact(models.Model):
    """One statement of one fact about an organisation: who stated it, when, from where.

    Append-only: the newest statement of a fact is the current one. A fact with no statement
    (or whose newest statement has ``value`` NULL: withdrawn) is *unknown*.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="facts")
    name = models.CharField(max_length=64)
    value = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=FactSource.choices)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stated_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["organization", "name", "-stated_at", "-id"]
        indexes = [models.Index(fields=["organization", "name", "-stated_at"])]

    def __str__(self) -> str:
        return f"{self.organization}: {self.name}={self.value!r} ({self.source})"


class RuleBasis(models.TextChoices):
    DOCUMENT = "document", "Derived from the source document"
    COORDINATOR = "coordinator", "Set by the coordinator"


class AdmissionRuleSet(models.Model):
    """A version of a cluster's admission rules (engine JSON); the newest version applies.

    A cluster with no row uses the rules the source document states for it, if any
    (``document_rules.py``); a coordinator's edit adds a version, never rewrites one.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="admission_rules")
    version = models.PositiveIntegerField()
    rules = models.JSONField()
    basis = models.CharField(max_length=16, choices=RuleBasis.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cluster", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "version"], name="uniq_admission_version")
        ]

    def __str__(self) -> str:
        return f"{self.cluster} admission rules v{self.version}"


class FundingCall(models.Model):
    """A call for proposals: programme, identifier, dates, money and eligibility rules.

    Its status (forthcoming, open, closed) is derived from the dates, never stored.
    """

    slug = models.SlugField(max_length=160, unique=True)
    programme = models.CharField(max_length=200)
    identifier = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    title_pl = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    summary_pl = models.TextField(blank=True)
    topics = models.JSONField(default=list, blank=True)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="Europe/Warsaw")
    budget_eur = models.BigIntegerField(null=True, blank=True)
    max_grant_eur = models.BigIntegerField(null=True, blank=True)
    funding_rate = models.PositiveSmallIntegerField(null=True, blank=True)  # percent
    url = models.URLField(max_length=500, blank=True)
    source = models.CharField(max_length=200, blank=True)
    rules = models.JSONField(default=list, blank=True)
    is_demo = models.BooleanField(default=False)
    demo_key = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["closes_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "identifier"], name="uniq_call_identifier"
            ),
            models.UniqueConstraint(
                fields=["demo_key"], condition=~Q(demo_key=""), name="uniq_call_demo_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.title}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MembershipApplication(models.Model):
    """An organisation asks to join a cluster; the rules are evaluated on submission.

    The organisation consents by applying; when the coordinator accepts, the membership is
    made through the registry's membership request (``ecosystem.services``), linked here.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="applications")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="cluster_applications"
    )
    message = models.TextField(blank=True)
    facts = models.JSONField(default=dict)  # the facts as they were on submission
    rules_version = models.PositiveIntegerField(default=0)  # 0: the document's defaults
    decision = models.CharField(max_length=16)  # engine.Decision
    evaluation = models.JSONField(default=list)  # per rule: id, result, missing
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    membership_request = models.OneToOneField(
        MembershipRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "organization"],
                condition=Q(status="pending"),
                name="uniq_pending_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} applies to {self.cluster} ({self.status})"
