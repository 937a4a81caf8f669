"""Every write of funding: facts, admission rules, funding calls and membership applications.

Keyword-only, one transaction each, the actor's permission checked through ``rules.py``,
every text bounded, one audit entry per change; search reindexing is queued with the write.
Membership itself is the registry's: accepting an application goes through
``ecosystem.services.membership_request_create``/``_accept`` (the organisation consented by
applying), so there is one way a membership comes to be.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from ..audit.services import audit_record, snapshot
from ..ecosystem import services as registry
from ..ecosystem.models import Cluster, Membership, MembershipRole, Organization
from ..errors import ApplicationError
from ..search.indexing import enqueue
from ..servicekit import (
    SYSTEM,
    bounded_items,
    choice,
    close_pending,
    person,
    plain_text,
    require,
)
from ..text.slugs import unique_slug
from . import engine, selectors
from .models import (
    AdmissionRuleSet,
    ApplicationStatus,
    FactSource,
    FundingCall,
    MembershipApplication,
    OrganizationFact,
    RuleBasis,
)
from .search_documents import DocumentKind

FACTS_DENIED = "Only the organisation's representatives (or the city office) state its facts."
VERIFY_DENIED = "Only a coordinator of one of its clusters (or the city office) verifies facts."
RULES_DENIED = "Only the cluster's coordinator (or the city office) sets its admission rules."
CALLS_DENIED = "Only the city office and cluster coordinators keep funding calls."
APPLY_DENIED = "Only the organisation's representatives apply on its behalf."
DECIDE_DENIED = "Only the cluster's coordinator (or the city office) decides applications."
WITHDRAW_DENIED = "Only the organisation's representatives withdraw its application."
ALREADY_MEMBER = "The organisation is already a member of this cluster."
APPLICATION_PENDING = "The organisation already has a pending application to this cluster."
APPLICATION_CLOSED = "The application is already {status}."
CLOSED_CLUSTER = "This cluster admits by invitation only; it does not take applications."
REASON_REQUIRED = "Say why the application is rejected."
INVALID_FACT = "Invalid fact {field}: {message}"
INVALID_RULE = "Invalid rule at {path}: {message}"
INVALID_DATE = "The {field} is not a valid date and time."
DATES_ORDER = "The call must open before it closes."
INVALID_URL = "The link is not a valid web address."
INVALID_ZONE = "'{value}' is not a known time zone."
INVALID_AMOUNT = "The {field} must be a whole amount between 0 and 10^15."
INVALID_RATE = "The co-financing rate must be a percentage between 1 and 100."
ADMISSION_BROKEN = "admission_rule_broken"
ADMISSION_BROKEN_MESSAGE = (
    "{organization}'s stated facts no longer meet the admission rules of {cluster} "
    "(failed: {rules}). The membership is kept; the coordinator decides."
)

# Text limits (characters), documented in docs/data-model.md.
NOTE_MAX = 300
MESSAGE_MAX = 2000
REASON_MAX = 1000
PROGRAMME_MAX = 200
IDENTIFIER_MAX = 120
TITLE_MAX = 300
SUMMARY_MAX = 5000
TOPIC_MAX = 60
TOPICS_MAX = 12
SOURCE_MAX = 200


def fact_error(error: engine.FactError) -> ApplicationError:
    return ApplicationError(
        INVALID_FACT.format(field=error.field, message=error.message),
        code="invalid",
        extra={"field": error.field},
    )


def _rule_error(error: engine.RuleError) -> ApplicationError:
    return ApplicationError(
        INVALID_RULE.format(path=error.path, message=error.message),
        code="invalid",
        extra={"field": error.path},
    )


# --- facts --------------------------------------------------------------------------------


@transaction.atomic
def facts_state(
    *,
    actor: Any,
    organization: Organization,
    facts: Mapping[str, Any],
    source: str = FactSource.DECLARED,
    note: str = "",
) -> list[OrganizationFact]:
    """State (or, with ``null``, withdraw) facts of an organisation; each changed fact is a
    new statement with who, when and the source. The whole document is checked first, so a
    bad value changes nothing."""
    choice(source, FactSource.values, "fact source")
    perm = "funding.verify_facts" if source == FactSource.VERIFIED else "funding.declare_facts"
    require(
        actor, perm, organization, VERIFY_DENIED if source == FactSource.VERIFIED else FACTS_DENIED
    )
    note = plain_text(note, field="note", limit=NOTE_MAX)
    withdrawn = [
        name for name, value in facts.items() if value is None and name != "revenue_shares"
    ]
    if isinstance(facts.get("revenue_shares"), Mapping):
        withdrawn += [
            f"revenue_shares.{k}" for k, v in facts["revenue_shares"].items() if v is None
        ]
    for name in withdrawn:
        if name not in engine.FACT_KEYS:
            raise fact_error(engine.FactError(name, "not a known fact"))
    try:
        parsed = engine.parse_facts(facts)
    except engine.FactError as error:
        raise fact_error(error) from None
    current = selectors.current_facts(organization=organization)
    merged: dict[str, Any] = {n: f.value for n, f in current.items() if n not in withdrawn} | parsed
    shares = sum(float(v) for k, v in merged.items() if k.startswith("revenue_shares."))
    if shares > 1 + 1e-6:
        raise fact_error(engine.FactError("revenue_shares", "the shares add up to more than 100 %"))
    written = []
    changes = dict(parsed) | dict.fromkeys(withdrawn)
    for name, value in sorted(changes.items()):
        before = current.get(name)
        if before is not None and before.value == value and before.source == source:
            continue
        if before is None and value is None:
            continue
        written.append(
            OrganizationFact.objects.create(
                organization=organization,
                name=name,
                value=value,
                source=source,
                stated_by=person(actor),
                note=note,
            )
        )
    if written:
        audit_record(
            actor=actor,
            action="organization_facts.state",
            obj=organization,
            organization_id=organization.pk,
            before={f.name: current[f.name].value for f in written if f.name in current},
            after={"source": source, **{f.name: f.value for f in written}},
        )
        _flag_broken_admission(organization)
    return written


def _open_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A closed group admits by invitation: its members joined that way, so "closed" is no
    # condition a member's facts can stop meeting.
    return [rule for rule in rules if "closed" not in rule["condition"]]


def _flag_broken_admission(organization: Organization) -> None:
    """A member whose stated facts now fail its cluster's admission rules is flagged for the
    coordinator (a data-quality flag); the membership itself is never removed silently."""
    facts = selectors.fact_values(organization=organization)
    memberships = Membership.objects.consented().filter(organization=organization)
    for membership in memberships.select_related("cluster").order_by("cluster_id"):
        rules = _open_rules(selectors.admission_rules(cluster=membership.cluster).rules)
        evaluation = engine.evaluate_rules(rules, facts)
        if evaluation.decision != engine.Decision.NOT_ELIGIBLE:
            continue
        failed = [r.rule["id"] for r in evaluation.rules if r.result == engine.Result.FAIL]
        registry.issue_raise(
            actor=SYSTEM,  # the platform raises it; the representative only changed facts
            code=ADMISSION_BROKEN,
            cluster=membership.cluster,
            organization=organization,
            message=ADMISSION_BROKEN_MESSAGE.format(
                organization=organization.name,
                cluster=membership.cluster.display_name,
                rules=", ".join(failed),
            ),
        )


# --- admission rules ----------------------------------------------------------------------


@transaction.atomic
def admission_rules_set(*, actor: Any, cluster: Cluster, rules: Any) -> AdmissionRuleSet:
    """A new version of the cluster's admission rules, checked part by part."""
    require(actor, "funding.edit_admission_rules", cluster, RULES_DENIED)
    try:
        checked = engine.check_rules(rules)
    except engine.RuleError as error:
        raise _rule_error(error) from None
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    previous = selectors.admission_rules(cluster=cluster)
    rule_set = AdmissionRuleSet.objects.create(
        cluster=cluster,
        version=previous.version + 1,
        rules=checked,
        basis=RuleBasis.COORDINATOR,
        created_by=person(actor),
    )
    audit_record(
        actor=actor,
        action="admission_rules.set",
        obj=rule_set,
        cluster_id=cluster.pk,
        before={"version": previous.version, "rules": previous.rules},
        after={"version": rule_set.version, "rules": checked},
    )
    return rule_set


# --- funding calls ------------------------------------------------------------------------

CALL_FIELDS = (
    "programme",
    "identifier",
    "title",
    "title_pl",
    "summary",
    "summary_pl",
    "topics",
    "opens_at",
    "closes_at",
    "time_zone",
    "budget_eur",
    "max_grant_eur",
    "funding_rate",
    "url",
    "source",
    "rules",
    "is_demo",
)


def _when(value: Any, field: str, label: str, zone: ZoneInfo) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ApplicationError(
                INVALID_DATE.format(field=label), extra={"field": field}
            ) from None
    if not isinstance(value, datetime) or not 2000 <= value.year <= 2100:
        raise ApplicationError(INVALID_DATE.format(field=label), extra={"field": field})
    return value if timezone.is_aware(value) else value.replace(tzinfo=zone)


def _amount(value: Any, field: str, label: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**15:
        raise ApplicationError(INVALID_AMOUNT.format(field=label), extra={"field": field})
    return value


def _call_values(data: Mapping[str, Any]) -> dict[str, Any]:
    zone_name = data.get("time_zone") or "Europe/Warsaw"
    if zone_name not in available_timezones():
        raise ApplicationError(
            INVALID_ZONE.format(value=str(zone_name)[:60]), extra={"field": "time_zone"}
        )
    zone = ZoneInfo(zone_name)
    opens_at = _when(data.get("opens_at"), "opens_at", "opening date", zone)
    closes_at = _when(data.get("closes_at"), "closes_at", "deadline", zone)
    if closes_at is None:
        raise ApplicationError(INVALID_DATE.format(field="deadline"), extra={"field": "closes_at"})
    if opens_at is not None and opens_at >= closes_at:
        raise ApplicationError(DATES_ORDER, extra={"field": "opens_at"})
    url = plain_text(data.get("url") or "", field="link", limit=500)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ApplicationError(INVALID_URL, extra={"field": "url"}) from None
    rate = data.get("funding_rate")
    bad_rate = isinstance(rate, bool) or not isinstance(rate, int) or not 1 <= rate <= 100
    if rate is not None and bad_rate:
        raise ApplicationError(INVALID_RATE, extra={"field": "funding_rate"})
    topics = bounded_items(list(data.get("topics") or []), field="topics", limit=TOPICS_MAX)
    try:
        rules = engine.check_rules(data.get("rules") or [])
    except engine.RuleError as error:
        raise _rule_error(error) from None
    return {
        "programme": plain_text(
            data.get("programme") or "", field="programme", limit=PROGRAMME_MAX, required=True
        ),
        "identifier": plain_text(
            data.get("identifier") or "",
            field="call identifier",
            limit=IDENTIFIER_MAX,
            required=True,
        ),
        "title": plain_text(data.get("title") or "", field="title", limit=TITLE_MAX, required=True),
        "title_pl": plain_text(data.get("title_pl") or "", field="Polish title", limit=TITLE_MAX),
        "summary": plain_text(data.get("summary") or "", field="summary", limit=SUMMARY_MAX),
        "summary_pl": plain_text(
            data.get("summary_pl") or "", field="Polish summary", limit=SUMMARY_MAX
        ),
        "topics": sorted(
            {
                plain_text(str(t), field="topic", limit=TOPIC_MAX, required=True).lower()
                for t in topics
            }
        ),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "time_zone": zone_name,
        "budget_eur": _amount(data.get("budget_eur"), "budget_eur", "budget"),
        "max_grant_eur": _amount(data.get("max_grant_eur"), "max_grant_eur", "maximum grant"),
        "funding_rate": rate,
        "url": url,
        "source": plain_text(data.get("source") or "", field="source", limit=SOURCE_MAX),
        "rules": rules,
        "is_demo": bool(data.get("is_demo", False)),
    }


def _unique_identifier(values: Mapping[str, Any], exclude: int | None = None) -> None:
    clash = FundingCall.objects.filter(
        programme=values["programme"], identifier=values["identifier"]
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ApplicationError(
            "A call with this identifier already exists in this programme.",
            code="conflict",
            extra={"field": "identifier"},
        )


@transaction.atomic
def call_create(*, actor: Any, data: Mapping[str, Any], demo_key: str = "") -> FundingCall:
    """A funding call from checked values (``data``: the keys of ``CALL_FIELDS``)."""
    require(actor, "funding.manage_calls", None, CALLS_DENIED)
    values = _call_values(data)
    _unique_identifier(values)
    call = FundingCall.objects.create(
        slug=unique_slug(f"{values['identifier']} {values['title']}"[:100], FundingCall),
        created_by=person(actor),
        demo_key=demo_key,
        **values,
    )
    audit_record(
        actor=actor,
        action="funding_call.create",
        obj=call,
        after=snapshot(call, ["programme", "identifier", "title", "closes_at", "is_demo"]),
    )
    enqueue(DocumentKind.CALL, call.pk)
    return call


@transaction.atomic
def call_update(*, actor: Any, call: FundingCall, data: Mapping[str, Any]) -> FundingCall:
    """Change a call: the given keys replace the stored ones, all checked together."""
    require(actor, "funding.manage_calls", call, CALLS_DENIED)
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    merged = {name: getattr(call, name) for name in CALL_FIELDS} | dict(data)
    values = _call_values(merged)
    _unique_identifier(values, exclude=call.pk)
    changed = [name for name, value in values.items() if getattr(call, name) != value]
    if changed:
        before = snapshot(call, changed)
        for name in changed:
            setattr(call, name, values[name])
        call.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="funding_call.update",
            obj=call,
            before=before,
            after=snapshot(call, changed),
        )
        enqueue(DocumentKind.CALL, call.pk)
    return call


# --- membership applications --------------------------------------------------------------


def _stored_evaluation(evaluation: engine.Evaluation) -> list[dict[str, Any]]:
    return [
        {"rule": r.rule["id"], "result": r.result.value, "missing": list(r.outcome.missing)}
        for r in evaluation.rules
    ]


@transaction.atomic
def application_submit(
    *, actor: Any, cluster: Cluster, organization: Organization, message: str = ""
) -> MembershipApplication:
    """An organisation applies to join a cluster with its current facts; the cluster's
    admission rules are evaluated now and the result kept with the application."""
    require(actor, "funding.apply", organization, APPLY_DENIED)
    message = plain_text(message, field="message", limit=MESSAGE_MAX)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if Membership.objects.filter(cluster=cluster, organization=organization).exists():
        raise ApplicationError(ALREADY_MEMBER, code="conflict")
    if selectors.pending_application(cluster=cluster, organization=organization):
        raise ApplicationError(APPLICATION_PENDING, code="conflict")
    facts = selectors.fact_values(organization=organization)
    applying, evaluation = selectors.evaluate_admission(cluster=cluster, facts=facts)
    if any(r.outcome.kind == "closed" for r in evaluation.rules):
        raise ApplicationError(CLOSED_CLUSTER, code="closed")
    application = MembershipApplication.objects.create(
        cluster=cluster,
        organization=organization,
        message=message,
        facts=facts,
        rules_version=applying.version,
        decision=evaluation.decision.value,
        evaluation=_stored_evaluation(evaluation),
        submitted_by=person(actor),
    )
    audit_record(
        actor=actor,
        action="membership_application.submit",
        obj=application,
        cluster_id=cluster.pk,
        organization_id=organization.pk,
        after={"decision": application.decision, "rules_version": applying.version},
    )
    return application


def _lock_pending(application: MembershipApplication) -> MembershipApplication:
    application = (
        MembershipApplication.objects.select_for_update(of=("self",))
        .select_related("cluster", "organization", "submitted_by")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.PENDING:
        raise ApplicationError(
            APPLICATION_CLOSED.format(status=application.status), code="conflict"
        )
    return application


def _close(actor: Any, application: MembershipApplication, status: str, **values: Any) -> None:
    close_pending(
        application,
        actor=actor,
        status=status,
        action=f"membership_application.{status}",
        pending=ApplicationStatus.PENDING,
        values=values,
        logged={k: v for k, v in values.items() if k == "reason"},
        cluster_id=application.cluster_id,
        organization_id=application.organization_id,
    )


@transaction.atomic
def application_accept(
    *, actor: Any, application: MembershipApplication, reason: str = ""
) -> MembershipApplication:
    """The coordinator accepts: the registry's membership request is made and, since the
    organisation consented by applying, accepted in the name of the representative who
    applied (if they still represent it; otherwise it waits for the organisation's answer)."""
    require(actor, "funding.decide_application", application, DECIDE_DENIED)
    application = _lock_pending(application)
    reason = plain_text(reason, field="reason", limit=REASON_MAX)
    listed_as = application.organization.helix_role or ""
    request = registry.membership_request_create(
        actor=actor,
        cluster=application.cluster,
        organization=application.organization,
        role=MembershipRole.MEMBER,
        listed_as=listed_as,
        message=reason or application.message,
    )
    applicant = application.submitted_by
    if (
        request.membership_id is None
        and applicant is not None
        and applicant.has_perm("ecosystem.answer_membership_request", application.organization)
    ):
        request = registry.membership_request_accept(actor=applicant, request=request)
    _close(
        actor, application, ApplicationStatus.ACCEPTED, reason=reason, membership_request=request
    )
    return application


@transaction.atomic
def application_reject(
    *, actor: Any, application: MembershipApplication, reason: str
) -> MembershipApplication:
    """The coordinator rejects, saying why; nothing else changes."""
    require(actor, "funding.decide_application", application, DECIDE_DENIED)
    application = _lock_pending(application)
    reason = plain_text(reason, field="reason", limit=REASON_MAX, required=True)
    _close(actor, application, ApplicationStatus.REJECTED, reason=reason)
    return application


@transaction.atomic
def application_withdraw(
    *, actor: Any, application: MembershipApplication
) -> MembershipApplication:
    """The organisation takes back its pending application."""
    require(actor, "funding.withdraw_application", application, WITHDRAW_DENIED)
    application = _lock_pending(application)
    _close(actor, application, ApplicationStatus.WITHDRAWN)
    return application
