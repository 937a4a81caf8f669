"""Facts with provenance, calls, and membership applications through the registry's
membership requests; permissions as a role × action matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Membership, MembershipRequestStatus
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.funding import selectors, services
from highlands.funding.demo import demo_load
from highlands.funding.models import FundingCall, MembershipApplication, OrganizationFact
from highlands.servicekit import SYSTEM

pytestmark = pytest.mark.django_db
METAL_FACTS = {
    "voivodeship": "Podkarpackie",
    "revenue_shares": {"metal_processing_services": "30 %", "own_metal_production": "15 %"},
    "size_class": "small",
    "nace_codes": "25.62, 25.11",
}


def test_facts_keep_who_when_and_source_and_unknown_stays_absent(funding) -> None:
    rep = funding.users["representative"]
    services.facts_state(actor=rep, organization=funding.applicant, facts=METAL_FACTS)
    current = selectors.current_facts(organization=funding.applicant)
    assert current["voivodeship"].value == "podkarpackie"
    assert current["voivodeship"].stated_by == rep
    assert current["voivodeship"].source == "declared"
    assert current["revenue_shares.metal_processing_services"].value == pytest.approx(0.3)
    assert current["nace_codes"].value == ["25.11", "25.62"]
    assert "employees" not in current  # not stated: unknown, never 0
    # The coordinator verifies one fact once the company is a member: a new statement.
    funding.join_metal()
    services.facts_state(
        actor=funding.users["coordinator"],
        organization=funding.applicant,
        facts={"size_class": "small"},
        source="verified",
    )
    history = selectors.fact_history(organization=funding.applicant, name="size_class")
    assert [f.source for f in history] == ["verified", "declared"]
    # Withdrawing a fact makes it unknown again.
    services.facts_state(actor=rep, organization=funding.applicant, facts={"size_class": None})
    assert "size_class" not in selectors.fact_values(organization=funding.applicant)
    assert AuditEntry.objects.filter(action="organization_facts.state").count() == 3


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"voivodeship": "Bavaria"}, "voivodeship"),
        (
            {"revenue_shares": {"own_metal_production": "101 %"}},
            "revenue_shares.own_metal_production",
        ),
        ({"employees": -3}, "employees"),
        ({"shoe_size": 42}, "shoe_size"),
    ],
)
def test_bad_facts_change_nothing_and_name_the_field(funding, facts, field) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.facts_state(
            actor=funding.users["representative"],
            organization=funding.applicant,
            facts={"size_class": "small", **facts},
        )
    assert caught.value.extra["field"] == field
    assert not OrganizationFact.objects.exists()


def test_shares_adding_above_100_with_stored_ones_are_refused(funding) -> None:
    rep = funding.users["representative"]
    services.facts_state(actor=rep, organization=funding.applicant, facts=METAL_FACTS)
    with pytest.raises(ApplicationError) as caught:
        services.facts_state(
            actor=rep,
            organization=funding.applicant,
            facts={"revenue_shares": {"own_metal_production": "80 %"}},
        )
    assert caught.value.extra["field"] == "revenue_shares"


@pytest.mark.parametrize(
    ("role", "source", "allowed"),
    [
        ("representative", "declared", True),
        ("city_admin", "declared", True),
        ("coordinator", "declared", False),
        ("stranger", "declared", False),
        ("representative", "verified", False),
        ("coordinator", "verified", False),  # not (yet) a member of the coordinator's cluster
        ("city_admin", "verified", True),
    ],
)
def test_who_states_facts(funding, role, source, allowed) -> None:
    def state():
        services.facts_state(
            actor=funding.users[role],
            organization=funding.applicant,
            facts={"size_class": "micro"},
            source=source,
        )

    if allowed:
        state()
    else:
        with pytest.raises(PermissionDeniedError):
            state()


def test_an_application_is_prechecked_and_acceptance_makes_a_consented_membership(funding):
    rep, coordinator = funding.users["representative"], funding.users["coordinator"]
    services.facts_state(actor=rep, organization=funding.applicant, facts=METAL_FACTS)
    application = services.application_submit(
        actor=rep, cluster=funding.metal, organization=funding.applicant, message="Prosimy."
    )
    assert application.decision == "eligible"
    assert [r["result"] for r in application.evaluation] == ["pass", "pass"]
    with pytest.raises(ApplicationError):  # one pending application per cluster
        services.application_submit(
            actor=rep, cluster=funding.metal, organization=funding.applicant
        )
    with pytest.raises(PermissionDeniedError):
        services.application_accept(actor=rep, application=application)
    services.application_accept(actor=coordinator, application=application, reason="Welcome")
    application.refresh_from_db()
    assert application.status == "accepted"
    request = application.membership_request
    assert request.status == MembershipRequestStatus.ACCEPTED
    membership = Membership.objects.consented().get(
        cluster=funding.metal, organization=funding.applicant
    )
    assert request.membership == membership
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "membership_application.submit",
        "membership_request.create",
        "membership_request.accept",
        "membership_application.accepted",
    } <= actions
    with pytest.raises(ApplicationError):
        services.application_submit(
            actor=rep, cluster=funding.metal, organization=funding.applicant
        )


def test_missing_facts_leave_the_precheck_unknown_and_rejection_needs_a_reason(funding):
    rep, coordinator = funding.users["representative"], funding.users["coordinator"]
    services.facts_state(
        actor=rep, organization=funding.applicant, facts={"voivodeship": "lubelskie"}
    )
    application = services.application_submit(
        actor=rep, cluster=funding.metal, organization=funding.applicant
    )
    assert application.decision == "unknown"
    assert application.evaluation[1]["missing"] == [
        "revenue_shares.metal_processing_services",
        "revenue_shares.own_metal_production",
    ]
    with pytest.raises(ApplicationError):
        services.application_reject(actor=coordinator, application=application, reason="")
    services.application_reject(actor=coordinator, application=application, reason="No data")
    application.refresh_from_db()
    assert application.status == "rejected"
    assert not Membership.objects.filter(organization=funding.applicant).exists()


def test_a_closed_cluster_takes_no_applications(funding) -> None:
    from highlands.ecosystem.models import Cluster

    esta = Cluster.objects.get(display_name="ESTA Cluster")
    with pytest.raises(ApplicationError) as caught:
        services.application_submit(
            actor=funding.users["representative"], cluster=esta, organization=funding.applicant
        )
    assert caught.value.code == "closed"
    assert not MembershipApplication.objects.exists()


def test_the_coordinator_sets_a_new_rule_version(funding) -> None:
    coordinator = funding.users["coordinator"]
    rules = selectors.admission_rules(cluster=funding.metal).rules
    assert selectors.admission_rules(cluster=funding.metal).basis == "document"
    rule_set = services.admission_rules_set(
        actor=coordinator, cluster=funding.metal, rules=rules[:1]
    )
    assert rule_set.version == 1
    assert selectors.admission_rules(cluster=funding.metal).rules == rules[:1]
    with pytest.raises(ApplicationError) as caught:
        services.admission_rules_set(
            actor=coordinator, cluster=funding.metal, rules=[{"id": "x", "condition": {}}]
        )
    assert caught.value.extra["field"] == "rules[0].title"
    with pytest.raises(PermissionDeniedError):
        services.admission_rules_set(
            actor=funding.users["representative"], cluster=funding.metal, rules=rules
        )


def test_demo_calls_are_flagged_and_statuses_follow_the_dates(funding) -> None:
    assert demo_load() == 4
    assert demo_load() == 0  # idempotent
    calls = FundingCall.objects.all()
    assert all(c.is_demo and c.identifier.startswith("DEMO-") and not c.url for c in calls)
    statuses = {selectors.call_status(c) for c in calls}
    assert statuses == {"open", "forthcoming", "closed"}
    assert {c.slug for c in selectors.call_list(status="closed")} == {
        c.slug for c in calls if selectors.call_status(c) == "closed"
    }
    assert len(selectors.call_list(topic="industry 4.0")) == 2


def test_calls_for_my_organisation_are_ranked_by_fit(funding) -> None:
    demo_load()
    services.facts_state(
        actor=funding.users["representative"], organization=funding.applicant, facts=METAL_FACTS
    )
    fits = selectors.calls_for_organization(organization=funding.applicant)
    decisions = [fit.evaluation.decision for fit in fits]
    assert decisions == sorted(decisions, key=["eligible", "unknown", "not_eligible"].index)
    by_key = {fit.call.demo_key: fit.evaluation.decision for fit in fits}
    assert by_key["fel-circular-metal"] == "eligible"  # podkarpackie, small, NACE 25
    assert by_key["fel-rd-sme"] == "not_eligible"  # seat outside lubelskie
    assert "horizon-pilot-lines" not in by_key  # closed


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"closes_at": "tomorrow"}, "closes_at"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"funding_rate": 120}, "funding_rate"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"rules": [{"id": "a"}]}, "rules[0]"),
    ],
)
def test_bad_calls_are_refused_with_the_field_named(funding, data, field) -> None:
    base = {
        "programme": "Horizon Europe",
        "identifier": "HORIZON-X",
        "title": "A call",
        "closes_at": (timezone.now() + timedelta(days=3)).isoformat(),
    }
    with pytest.raises(ApplicationError) as caught:
        services.call_create(actor=SYSTEM, data={**base, **data})
    assert caught.value.extra["field"] == field
    with pytest.raises(PermissionDeniedError):
        services.call_create(actor=funding.users["representative"], data=base)


def test_a_member_whose_facts_break_the_rules_is_flagged_never_removed(funding) -> None:
    from highlands.ecosystem.models import DataQualityIssue

    rep = funding.users["representative"]
    services.facts_state(actor=rep, organization=funding.applicant, facts=METAL_FACTS)
    application = services.application_submit(
        actor=rep, cluster=funding.metal, organization=funding.applicant
    )
    services.application_accept(actor=funding.users["coordinator"], application=application)
    assert not DataQualityIssue.objects.filter(code="admission_rule_broken").exists()
    # Unknown is not a break: withdrawing a share leaves the rule unknown, no flag.
    services.facts_state(
        actor=rep,
        organization=funding.applicant,
        facts={"revenue_shares": {"own_metal_production": None}},
    )
    assert not DataQualityIssue.objects.filter(code="admission_rule_broken").exists()
    services.facts_state(actor=rep, organization=funding.applicant, facts={"voivodeship": "Opole"})
    flag = DataQualityIssue.objects.get(code="admission_rule_broken")
    assert flag.cluster == funding.metal
    assert flag.organization == funding.applicant
    assert "eastern-poland" in flag.message
    assert not flag.resolved
    assert Membership.objects.filter(cluster=funding.metal, organization=funding.applicant).exists()
    # The same break again keeps one flag.
    services.facts_state(actor=rep, organization=funding.applicant, facts={"size_class": "micro"})
    assert DataQualityIssue.objects.filter(code="admission_rule_broken").count() == 1


def test_calls_are_indexed_for_search(funding) -> None:
    from highlands.search.indexing import refresh_documents
    from highlands.search.models import SearchDocument

    demo_load()
    pks = list(FundingCall.objects.values_list("pk", flat=True))
    refresh_documents("call", pks)
    titles = set(SearchDocument.objects.filter(kind="call").values_list("title", flat=True))
    assert "Circular economy in metal processing" in titles
