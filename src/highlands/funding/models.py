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


# --- evidence files -----------------------------------------------------------------------


def evidence_path(instance: Evidence, filename: str) -> str:
    """Where the file is stored: a random name under the organisation, never the uploaded
    name (that one is kept, sanitised, in ``Evidence.name`` for the download)."""
    import secrets

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"funding/evidence/{instance.organization_id}/{secrets.token_hex(16)}.{suffix}"


class Evidence(models.Model):
    """A file that backs a membership application or a stated fact of an organisation.

    Private: stored with Django's default storage outside the static and public paths and
    only handed out by a view that checks ``funding.view_evidence``.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="evidence"
    )
    application = models.ForeignKey(
        MembershipApplication,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    fact_name = models.CharField(max_length=64, blank=True)  # evidence for a fact
    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField(max_length=120)  # the uploaded name, sanitised
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False) | ~Q(fact_name=""),
                name="evidence_backs_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"


# --- the application pipeline and consortia ---------------------------------------------


class PipelineStage(models.TextChoices):
    INTERESTED = "interested", "Interested"
    PREPARING = "preparing", "Preparing"
    SUBMITTED = "submitted", "Submitted"
    AWARDED = "awarded", "Awarded"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CallApplication(models.Model):
    """An organisation's intention to apply to a funding call, followed through its stages.

    Private to the organisation; shown to the coordinators of its clusters only when it shares
    it (``shared``), and to the organisations it invites into the consortium.
    """

    call = models.ForeignKey(FundingCall, on_delete=models.CASCADE, related_name="applications")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="call_applications"
    )
    stage = models.CharField(
        max_length=16, choices=PipelineStage.choices, default=PipelineStage.INTERESTED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared = models.BooleanField(default=False)  # with the coordinators of its clusters
    requested_eur = models.BigIntegerField(null=True, blank=True)
    granted_eur = models.BigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["call__closes_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "organization"], name="uniq_call_application")
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.call.identifier} ({self.stage})"


class StageChange(models.Model):
    """One move of a pipeline entry to a stage: when, by whom, with what note."""

    application = models.ForeignKey(
        CallApplication, on_delete=models.CASCADE, related_name="stage_changes"
    )
    stage = models.CharField(max_length=16, choices=PipelineStage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.stage}"


class ConsortiumRole(models.TextChoices):
    LEAD = "lead", "Lead"
    PARTNER = "partner", "Partner"


class InvitationStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class ConsortiumMember(models.Model):
    """An organisation in the consortium of a pipeline entry: the lead (the entry's own
    organisation, accepted from the start) or a partner invited by the lead, who agrees or
    declines through its own representatives."""

    application = models.ForeignKey(
        CallApplication, on_delete=models.CASCADE, related_name="consortium"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="consortia"
    )
    role = models.CharField(max_length=16, choices=ConsortiumRole.choices)
    status = models.CharField(max_length=16, choices=InvitationStatus.choices)
    message = models.CharField(max_length=1000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "role", "invited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organization"], name="uniq_consortium_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.role}, {self.status})"


# --- alerts ---------------------------------------------------------------------------------


class CallFollow(models.Model):
    """A person follows the calls that fit an organisation they may see the facts of (by the
    eligibility engine) and/or calls on some topics."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_follows"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topics = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(organization__isnull=False),
                name="uniq_follow_organization",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(organization__isnull=True), name="uniq_follow_topics"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.organization_id or self.topics}"


class AlertKind(models.TextChoices):
    NEW_CALL = "new_call", "A new call fits"
    DEADLINE = "deadline", "Deadline within 7 days"


class CallAlert(models.Model):
    """An alert sent: one per person, call and kind, so a job run twice sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(FundingCall, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "call", "kind"], name="uniq_call_alert")
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert of call {self.call_id} to {self.user_id}"
