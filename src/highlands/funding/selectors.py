"""Every read of funding: current facts, the admission rules that apply, calls with their
derived status, eligibility against a call or a cluster, and applications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from ..ecosystem.models import Cluster, Membership, Organization
from ..errors import NotFoundError
from . import engine
from .document_rules import document_rules
from .models import (
    AdmissionRuleSet,
    ApplicationStatus,
    CallApplication,
    CallFollow,
    ConsortiumMember,
    ConsortiumRole,
    Evidence,
    FundingCall,
    InvitationStatus,
    MembershipApplication,
    OrganizationFact,
    PipelineStage,
    RuleBasis,
    StageChange,
)

CALL_NOT_FOUND = "No funding call '{slug}'."
APPLICATION_NOT_FOUND = "No membership application {pk}."


class CallStatus:
    FORTHCOMING = "forthcoming"
    OPEN = "open"
    CLOSED = "closed"
    ALL = ("forthcoming", "open", "closed")


# --- facts --------------------------------------------------------------------------------


def current_facts(*, organization: Organization) -> dict[str, OrganizationFact]:
    """The newest statement of each fact that is stated (a withdrawn fact is left out)."""
    newest: dict[str, OrganizationFact] = {}
    for fact in OrganizationFact.objects.filter(organization=organization).select_related(
        "stated_by"
    ):
        newest.setdefault(fact.name, fact)  # ordered newest first per name
    return {name: fact for name, fact in newest.items() if fact.value is not None}


def fact_values(*, organization: Organization) -> dict[str, Any]:
    """The current facts as the engine reads them (name → value); unknown ones are absent."""
    return {name: fact.value for name, fact in current_facts(organization=organization).items()}


def fact_history(*, organization: Organization, name: str) -> list[OrganizationFact]:
    return list(
        OrganizationFact.objects.filter(organization=organization, name=name).select_related(
            "stated_by"
        )
    )


# --- admission rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class AdmissionRules:
    """The rules that apply to a cluster now: a stored version, the document's, or none."""

    rules: list[dict[str, Any]]
    version: int  # 0: the document's defaults (or no rules at all)
    basis: str  # RuleBasis, or "" when the cluster states no rules


def admission_rules(*, cluster: Cluster) -> AdmissionRules:
    stored = AdmissionRuleSet.objects.filter(cluster=cluster).order_by("-version").first()
    if stored is not None:
        return AdmissionRules(list(stored.rules), stored.version, stored.basis)
    rules = document_rules(cluster.name) or document_rules(cluster.display_name)
    if rules is None:
        return AdmissionRules([], 0, "")
    return AdmissionRules(rules, 0, RuleBasis.DOCUMENT)


def admission_history(*, cluster: Cluster) -> list[AdmissionRuleSet]:
    return list(AdmissionRuleSet.objects.filter(cluster=cluster).select_related("created_by"))


def evaluate_admission(
    *, cluster: Cluster, facts: dict[str, Any]
) -> tuple[AdmissionRules, engine.Evaluation]:
    applying = admission_rules(cluster=cluster)
    return applying, engine.evaluate_rules(applying.rules, facts)


# --- calls --------------------------------------------------------------------------------


def call_status(call: FundingCall, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if call.closes_at <= now:
        return CallStatus.CLOSED
    if call.opens_at is not None and call.opens_at > now:
        return CallStatus.FORTHCOMING
    return CallStatus.OPEN


def _status_q(status: str, now: datetime) -> Q:
    if status == CallStatus.CLOSED:
        return Q(closes_at__lte=now)
    if status == CallStatus.FORTHCOMING:
        return Q(closes_at__gt=now, opens_at__gt=now)
    return Q(closes_at__gt=now) & (Q(opens_at__isnull=True) | Q(opens_at__lte=now))


def call_list(
    *, status: str = "", programme: str = "", topic: str = "", query: str = ""
) -> QuerySet[FundingCall]:
    """Calls, soonest deadline first; closed ones last, most recently closed first."""
    calls = FundingCall.objects.all()
    now = timezone.now()
    if status:
        calls = calls.filter(_status_q(status, now))
    if programme:
        calls = calls.filter(programme=programme)
    if topic:
        # JSON containment is PostgreSQL-only; the call table is small, so filter the ids.
        tagged = [pk for pk, values in calls.values_list("pk", "topics") if topic in values]
        calls = calls.filter(pk__in=tagged)
    if query:
        calls = calls.filter(
            Q(title__icontains=query)
            | Q(title_pl__icontains=query)
            | Q(identifier__icontains=query)
            | Q(programme__icontains=query)
        )
    return calls.order_by("closes_at", "id")


def programmes() -> list[str]:
    return sorted(set(FundingCall.objects.values_list("programme", flat=True)))


def topics() -> list[str]:
    seen: set[str] = set()
    for values in FundingCall.objects.values_list("topics", flat=True):
        seen.update(values or [])
    return sorted(seen)


def call_get(*, slug: str) -> FundingCall:
    call = FundingCall.objects.filter(slug=slug).first()
    if call is None:
        raise NotFoundError(CALL_NOT_FOUND.format(slug=slug))
    return call


@dataclass(frozen=True)
class CallFit:
    call: FundingCall
    evaluation: engine.Evaluation

    @property
    def rank(self) -> tuple[int, int, int]:
        results = [r.result for r in self.evaluation.rules]
        return (
            {"eligible": 0, "unknown": 1, "not_eligible": 2}[self.evaluation.decision],
            -results.count(engine.Result.PASS),
            results.count(engine.Result.UNKNOWN),
        )


def call_eligibility(*, call: FundingCall, organization: Organization) -> engine.Evaluation:
    return engine.evaluate_rules(call.rules, fact_values(organization=organization))


def calls_for_organization(*, organization: Organization) -> list[CallFit]:
    """Calls not yet closed, ranked by fit: eligible first, then unknown (fewest missing
    facts first), then not eligible; within each, the soonest deadline first."""
    facts = fact_values(organization=organization)
    now = timezone.now()
    fits = [
        CallFit(call, engine.evaluate_rules(call.rules, facts))
        for call in FundingCall.objects.filter(closes_at__gt=now).order_by("closes_at", "id")
    ]
    return sorted(fits, key=lambda fit: fit.rank)  # stable: deadline order within a rank


# --- applications -------------------------------------------------------------------------


def application_get(*, pk: int) -> MembershipApplication:
    application = (
        MembershipApplication.objects.select_related(
            "cluster", "organization", "submitted_by", "decided_by", "membership_request"
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise NotFoundError(APPLICATION_NOT_FOUND.format(pk=pk))
    return application


def applications_of_cluster(*, cluster: Cluster) -> list[MembershipApplication]:
    return list(
        MembershipApplication.objects.filter(cluster=cluster).select_related(
            "organization", "submitted_by", "decided_by"
        )
    )


def applications_of_organization(*, organization: Organization) -> list[MembershipApplication]:
    return list(
        MembershipApplication.objects.filter(organization=organization).select_related(
            "cluster", "decided_by"
        )
    )


def pending_application(*, cluster: Cluster, organization: Organization) -> bool:
    return MembershipApplication.objects.filter(
        cluster=cluster, organization=organization, status=ApplicationStatus.PENDING
    ).exists()


# --- evidence -----------------------------------------------------------------------------

EVIDENCE_NOT_FOUND = "No evidence file {pk}."


def evidence_get(*, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.select_related("organization", "application__cluster")
        .filter(pk=pk)
        .first()
    )
    if evidence is None:
        raise NotFoundError(EVIDENCE_NOT_FOUND.format(pk=pk))
    return evidence


def evidence_of_application(*, application: MembershipApplication) -> list[Evidence]:
    return list(Evidence.objects.filter(application=application))


def evidence_of_facts(*, organization: Organization) -> list[Evidence]:
    return list(Evidence.objects.filter(organization=organization, application__isnull=True))


# --- the application pipeline -------------------------------------------------------------

PIPELINE_NOT_FOUND = "No application for funding {pk}."
INVITATION_NOT_FOUND = "No consortium invitation {pk}."


def _entries() -> QuerySet[CallApplication]:
    return CallApplication.objects.select_related("call", "organization", "owner")


def pipeline_entry_get(*, pk: int) -> CallApplication:
    entry = _entries().filter(pk=pk).first()
    if entry is None:
        raise NotFoundError(PIPELINE_NOT_FOUND.format(pk=pk))
    return entry


def pipeline_of_organization(*, organization: Organization) -> list[CallApplication]:
    """The organisation's own entries and those it is invited into (or has joined)."""
    return list(
        _entries()
        .filter(
            Q(organization=organization)
            | Q(
                consortium__organization=organization,
                consortium__status__in=[InvitationStatus.INVITED, InvitationStatus.ACCEPTED],
            )
        )
        .distinct()
    )


def member_pipeline(*, cluster: Cluster) -> list[CallApplication]:
    """The coordinator's board: the entries the cluster's consented members share."""
    members = Membership.objects.consented().filter(cluster=cluster).values("organization_id")
    return list(_entries().filter(organization_id__in=members, shared=True))


def consortium_of(*, entry: CallApplication) -> list[ConsortiumMember]:
    return list(entry.consortium.select_related("organization", "invited_by", "answered_by"))


def stage_history(*, entry: CallApplication) -> list[StageChange]:
    return list(entry.stage_changes.select_related("changed_by"))


def invitation_get(*, pk: int) -> ConsortiumMember:
    member = (
        ConsortiumMember.objects.select_related(
            "organization", "application__organization", "application__call"
        )
        .filter(pk=pk, role=ConsortiumRole.PARTNER)
        .first()
    )
    if member is None:
        raise NotFoundError(INVITATION_NOT_FOUND.format(pk=pk))
    return member


def funding_won(*, cluster: Cluster) -> int:
    """Granted euros of the shared, awarded entries of the cluster's members."""
    members = Membership.objects.consented().filter(cluster=cluster).values("organization_id")
    total = CallApplication.objects.filter(
        organization_id__in=members, shared=True, stage=PipelineStage.AWARDED
    ).aggregate(total=Sum("granted_eur"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class Candidate:
    organization: Organization
    evaluation: engine.Evaluation


def consortium_candidates(*, entry: CallApplication, limit: int = 20) -> list[Candidate]:
    """Organisations with stated facts that the call's rules do not exclude, not yet in the
    consortium: eligible first, then unknown; each with its evaluation as the reason."""
    taken = entry.consortium.values("organization_id")
    with_facts = (
        OrganizationFact.objects.exclude(organization_id__in=taken)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    organizations = Organization.objects.filter(pk__in=with_facts).order_by("name")[:500]
    found = []
    for organization in organizations:
        evaluation = engine.evaluate_rules(entry.call.rules, fact_values(organization=organization))
        if evaluation.decision != engine.Decision.NOT_ELIGIBLE:
            found.append(Candidate(organization, evaluation))
    found.sort(key=lambda c: c.evaluation.decision != engine.Decision.ELIGIBLE)
    return found[:limit]


# --- following ----------------------------------------------------------------------------

FOLLOW_NOT_FOUND = "No follow {pk} of yours."


def follows_of(*, user: Any) -> list[CallFollow]:
    return list(CallFollow.objects.filter(user=user).select_related("organization"))


def follow_get(*, user: Any, pk: int) -> CallFollow:
    follow = CallFollow.objects.filter(user=user, pk=pk).first()
    if follow is None:
        raise NotFoundError(FOLLOW_NOT_FOUND.format(pk=pk))
    return follow
