"""Every write of funding: facts, admission rules, funding calls and membership applications.

Keyword-only, one transaction each, the actor's permission checked through ``rules.py``,
every text bounded, one audit entry per change; search reindexing is queued with the write.
Membership itself is the registry's: accepting an application goes through
``ecosystem.services.membership_request_create``/``_accept`` (the organisation consented by
applying), so there is one way a membership comes to be.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from ..accounts.models import OrganizationRepresentative
from ..audit.services import audit_record, snapshot
from ..ecosystem import services as registry
from ..ecosystem.models import Cluster, Membership, MembershipRole, Organization
from ..errors import ApplicationError, PermissionDeniedError
from ..search.indexing import enqueue
from ..servicekit import (
    SYSTEM,
    bounded_items,
    choice,
    close_pending,
    mail_on_commit,
    person,
    plain_text,
    require,
)
from ..text.slugs import unique_slug
from . import engine, selectors, table_import, uploads
from .models import (
    AdmissionRuleSet,
    ApplicationStatus,
    CallApplication,
    CallFollow,
    ConsortiumMember,
    ConsortiumRole,
    Evidence,
    FactSource,
    FundingCall,
    InvitationStatus,
    MembershipApplication,
    OrganizationFact,
    PipelineStage,
    RuleBasis,
    StageChange,
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
    *,
    actor: Any,
    cluster: Cluster,
    organization: Organization,
    message: str = "",
    evidence: Sequence[Any] = (),
) -> MembershipApplication:
    """An organisation applies to join a cluster with its current facts and evidence files;
    the cluster's admission rules are evaluated now and the result kept with the application.
    A refused file refuses the whole application (nothing is stored)."""
    require(actor, "funding.apply", organization, APPLY_DENIED)
    message = plain_text(message, field="message", limit=MESSAGE_MAX)
    _checked_uploads(evidence, uploads.MAX_FILES)
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
    if evidence:
        _store_evidence(actor, organization, evidence, application=application)
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


# --- evidence files -----------------------------------------------------------------------

EVIDENCE_DENIED = "Only the applicant's representatives add evidence to its application."
NO_FILES = "Send at least one evidence file."
EVIDENCE_FACT_DENIED = "Only the organisation's representatives (or the city office) add evidence."


def _checked_uploads(files: Sequence[Any], limit: int) -> list[tuple[Any, uploads.CheckedFile]]:
    """Every file checked before any is stored: one bad file refuses them all."""
    if len(files) > limit:
        raise ApplicationError(
            uploads.TOO_MANY.format(limit=uploads.MAX_FILES, target="application or fact"),
            code="too_long",
            extra={"field": "evidence"},
        )
    checked = []
    for upload in files:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        try:
            checked.append((upload, uploads.check(upload.name or "", upload.size or 0, head)))
        except uploads.UploadError as error:
            raise ApplicationError(
                error.message, code="invalid", extra={"field": "evidence", "file": error.name}
            ) from None
    return checked


def _store_evidence(
    actor: Any,
    organization: Organization,
    files: Sequence[Any],
    *,
    application: MembershipApplication | None = None,
    fact_name: str = "",
) -> list[Evidence]:
    """Store the checked files and their rows; if anything fails, the files already written
    are deleted again, so no file is left without its row (and no row without its file)."""
    existing = Evidence.objects.filter(organization=organization)
    existing = (
        existing.filter(application=application)
        if application
        else existing.filter(fact_name=fact_name)
    )
    checked = _checked_uploads(files, uploads.MAX_FILES - existing.count())
    stored: list[Evidence] = []
    try:
        for upload, info in checked:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            evidence = Evidence(
                organization=organization,
                application=application,
                fact_name=fact_name,
                name=info.name,
                content_type=info.content_type,
                size=upload.size,
                sha256=digest.hexdigest(),
                uploaded_by=person(actor),
            )
            evidence.file.save(f"upload.{info.extension}", upload, save=False)
            stored.append(evidence)
            evidence.save()
    except BaseException:
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise
    for evidence in stored:
        audit_record(
            actor=actor,
            action="evidence.add",
            obj=evidence,
            organization_id=organization.pk,
            cluster_id=application.cluster_id if application else None,
            after={
                "name": evidence.name,
                "size": evidence.size,
                "sha256": evidence.sha256,
                "application": application.pk if application else None,
                "fact": fact_name,
            },
        )
    return stored


@transaction.atomic
def application_evidence_add(
    *, actor: Any, application: MembershipApplication, files: Sequence[Any]
) -> list[Evidence]:
    """Add evidence files to a pending application (its representatives)."""
    require(actor, "funding.add_application_evidence", application, EVIDENCE_DENIED)
    application = _lock_pending(application)
    if not files:
        raise ApplicationError(NO_FILES, extra={"field": "evidence"})
    return _store_evidence(actor, application.organization, files, application=application)


@transaction.atomic
def fact_evidence_add(
    *, actor: Any, organization: Organization, fact_name: str, files: Sequence[Any]
) -> list[Evidence]:
    """Add evidence files backing one stated fact of an organisation."""
    require(actor, "funding.declare_facts", organization, EVIDENCE_FACT_DENIED)
    if fact_name not in engine.FACT_KEYS:
        raise fact_error(engine.FactError(fact_name[:64], "not a known fact"))
    if not files:
        raise ApplicationError(NO_FILES, extra={"field": "evidence"})
    return _store_evidence(actor, organization, files, fact_name=fact_name)


# --- the application pipeline and consortia ----------------------------------------------

PLAN_DENIED = "Only the organisation's representatives plan its applications for funding."
PIPELINE_DENIED = "Only the organisation's representatives change its application for funding."
INVITATION_DENIED = "Only the invited organisation's representatives answer the invitation."
CALL_CLOSED = "The call is closed; it takes no more applications."
ALREADY_PLANNED = "The organisation already follows this call in its pipeline."
STAGE_FINAL = "The application for funding is already {stage}; it does not change any more."
STAGE_BACKWARDS = "An application for funding moves forward: {current} cannot become {stage}."
GRANT_ONLY_AWARDED = "A granted amount is recorded only when the application is awarded."
OWNER_NOT_REPRESENTATIVE = "The owner must be one of the organisation's representatives."
INVITE_SELF = "The lead organisation is already in its consortium."
ALREADY_INVITED = "This organisation is already invited to the consortium."
INVITATION_ANSWERED = "The invitation is already {status}."

# The order stages move in; the final ones end the entry (withdrawn from any open stage).
STAGE_ORDER: dict[str, int] = {
    PipelineStage.INTERESTED: 0,
    PipelineStage.PREPARING: 1,
    PipelineStage.SUBMITTED: 2,
    PipelineStage.AWARDED: 3,
    PipelineStage.REJECTED: 3,
    PipelineStage.WITHDRAWN: 3,
}
FINAL_STAGES: frozenset[str] = frozenset(
    {PipelineStage.AWARDED, PipelineStage.REJECTED, PipelineStage.WITHDRAWN}
)


def _representative_emails(organization: Organization) -> list[str]:
    return list(
        OrganizationRepresentative.objects.filter(
            organization=organization, user__is_active=True
        ).values_list("user__email", flat=True)
    )


@transaction.atomic
def pipeline_entry_create(
    *,
    actor: Any,
    call: FundingCall,
    organization: Organization,
    requested_eur: int | None = None,
    note: str = "",
    shared: bool = False,
) -> CallApplication:
    """The organisation records its intention to apply to a call (stage ``interested``); it
    leads the consortium of this entry."""
    require(actor, "funding.plan_application", organization, PLAN_DENIED)
    note = plain_text(note, field="note", limit=MESSAGE_MAX)
    requested_eur = _amount(requested_eur, "requested_eur", "requested amount")
    if selectors.call_status(call) == selectors.CallStatus.CLOSED:
        raise ApplicationError(CALL_CLOSED, code="closed")
    if CallApplication.objects.filter(call=call, organization=organization).exists():
        raise ApplicationError(ALREADY_PLANNED, code="conflict")
    entry = CallApplication.objects.create(
        call=call,
        organization=organization,
        owner=person(actor),
        requested_eur=requested_eur,
        note=note,
        shared=bool(shared),
    )
    StageChange.objects.create(application=entry, stage=entry.stage, changed_by=person(actor))
    ConsortiumMember.objects.create(
        application=entry,
        organization=organization,
        role=ConsortiumRole.LEAD,
        status=InvitationStatus.ACCEPTED,
        invited_by=person(actor),
        answered_by=person(actor),
        answered_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="call_application.create",
        obj=entry,
        organization_id=organization.pk,
        after=snapshot(entry, ["call_id", "stage", "requested_eur", "shared"]),
    )
    return entry


PIPELINE_FIELDS = ("stage", "requested_eur", "granted_eur", "note", "shared", "owner")


@transaction.atomic
def pipeline_entry_update(
    *, actor: Any, entry: CallApplication, data: Mapping[str, Any], stage_note: str = ""
) -> CallApplication:
    """Move the entry to a later stage and/or change its amounts, owner, note or sharing; the
    stages only move forward (withdrawn from any open stage), each move recorded with when
    and by whom."""
    require(actor, "funding.change_pipeline_entry", entry, PIPELINE_DENIED)
    entry = (
        CallApplication.objects.select_for_update(of=("self",))
        .select_related("organization", "call")
        .get(pk=entry.pk)
    )
    if entry.stage in FINAL_STAGES:
        raise ApplicationError(STAGE_FINAL.format(stage=entry.stage), code="conflict")
    values: dict[str, Any] = {}
    stage = data.get("stage", entry.stage)
    choice(stage, PipelineStage.values, "stage")
    if stage != entry.stage:
        if stage != PipelineStage.WITHDRAWN and STAGE_ORDER[stage] <= STAGE_ORDER[entry.stage]:
            raise ApplicationError(
                STAGE_BACKWARDS.format(current=entry.stage, stage=stage),
                code="invalid",
                extra={"field": "stage"},
            )
        values["stage"] = stage
    if "requested_eur" in data:
        values["requested_eur"] = _amount(
            data["requested_eur"], "requested_eur", "requested amount"
        )
    if "granted_eur" in data:
        values["granted_eur"] = _amount(data["granted_eur"], "granted_eur", "granted amount")
        if values["granted_eur"] is not None and stage != PipelineStage.AWARDED:
            raise ApplicationError(GRANT_ONLY_AWARDED, extra={"field": "granted_eur"})
    if "note" in data:
        values["note"] = plain_text(data["note"] or "", field="note", limit=MESSAGE_MAX)
    if "shared" in data:
        values["shared"] = bool(data["shared"])
    if "owner" in data:
        owner = data["owner"]
        if (
            owner is not None
            and not OrganizationRepresentative.objects.filter(
                organization=entry.organization, user=owner, user__is_active=True
            ).exists()
        ):
            raise ApplicationError(OWNER_NOT_REPRESENTATIVE, extra={"field": "owner"})
        values["owner"] = owner
    stage_note = plain_text(stage_note, field="stage note", limit=NOTE_MAX)
    changed = {k: v for k, v in values.items() if getattr(entry, k) != v}
    if not changed:
        return entry
    before = {k: _plain(getattr(entry, k)) for k in changed}
    for name, value in changed.items():
        setattr(entry, name, value)
    entry.save(update_fields=[*changed, "updated_at"])
    if "stage" in changed:
        StageChange.objects.create(
            application=entry, stage=entry.stage, changed_by=person(actor), note=stage_note
        )
    audit_record(
        actor=actor,
        action="call_application.update",
        obj=entry,
        organization_id=entry.organization_id,
        before=before,
        after={k: _plain(v) for k, v in changed.items()},
    )
    return entry


def _plain(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def consortium_invite(
    *, actor: Any, entry: CallApplication, organization: Organization, message: str = ""
) -> ConsortiumMember:
    """The lead invites an organisation as a partner; its representatives are e-mailed and
    answer (``consortium_answer``)."""
    require(actor, "funding.change_pipeline_entry", entry, PIPELINE_DENIED)
    entry = CallApplication.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    if entry.stage in FINAL_STAGES:
        raise ApplicationError(STAGE_FINAL.format(stage=entry.stage), code="conflict")
    if organization.pk == entry.organization_id:
        raise ApplicationError(INVITE_SELF, code="conflict")
    if ConsortiumMember.objects.filter(application=entry, organization=organization).exists():
        raise ApplicationError(ALREADY_INVITED, code="conflict")
    message = plain_text(message, field="message", limit=REASON_MAX)
    member = ConsortiumMember.objects.create(
        application=entry,
        organization=organization,
        role=ConsortiumRole.PARTNER,
        status=InvitationStatus.INVITED,
        message=message,
        invited_by=person(actor),
    )
    audit_record(
        actor=actor,
        action="consortium.invite",
        obj=member,
        organization_id=organization.pk,
        after={"application": entry.pk, "organization": organization.slug},
    )
    call = entry.call
    mail_on_commit(
        _representative_emails(organization),
        f"Invitation to a consortium for {call.identifier}",
        f"{entry.organization.name} invites {organization.name} as a partner for the call "
        f"{call.identifier} ({call.title}), closing {call.closes_at:%Y-%m-%d}.\n\n{message}",
    )
    return member


@transaction.atomic
def consortium_answer(*, actor: Any, member: ConsortiumMember, accept: bool) -> ConsortiumMember:
    """The invited organisation's representative agrees or declines; the lead is e-mailed."""
    require(actor, "funding.answer_invitation", member, INVITATION_DENIED)
    member = (
        ConsortiumMember.objects.select_for_update(of=("self",))
        .select_related("application__organization", "application__call", "organization")
        .get(pk=member.pk)
    )
    if member.status != InvitationStatus.INVITED:
        raise ApplicationError(INVITATION_ANSWERED.format(status=member.status), code="conflict")
    member.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    member.answered_by = person(actor)
    member.answered_at = timezone.now()
    member.save(update_fields=["status", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        action=f"consortium.{member.status}",
        obj=member,
        organization_id=member.organization_id,
        before={"status": InvitationStatus.INVITED},
        after={"status": member.status},
    )
    entry = member.application
    mail_on_commit(
        _representative_emails(entry.organization),
        f"{member.organization.name} {member.status} your consortium invitation",
        f"{member.organization.name} has {member.status} the invitation to be a partner for "
        f"the call {entry.call.identifier} ({entry.call.title}).",
    )
    return member


# --- following calls ----------------------------------------------------------------------

FOLLOW_DENIED = "You may follow the calls of an organisation you represent or coordinate."
FOLLOW_NOTHING = "Follow an organisation, some topics, or both."


@transaction.atomic
def calls_follow(
    *, actor: Any, organization: Organization | None = None, topics: Sequence[str] = ()
) -> CallFollow:
    """Follow the calls that fit an organisation (by its eligibility) and/or calls on the
    given topics; following again replaces the topics. Alerts: ``jobs.py``."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(FOLLOW_DENIED)
    if organization is not None:
        require(actor, "funding.follow_organization", organization, FOLLOW_DENIED)
    topics = bounded_items(list(topics), field="topics", limit=TOPICS_MAX)
    cleaned = sorted(
        {plain_text(str(t), field="topic", limit=TOPIC_MAX, required=True).lower() for t in topics}
    )
    if organization is None and not cleaned:
        raise ApplicationError(FOLLOW_NOTHING, extra={"field": "topics"})
    follow, created = CallFollow.objects.get_or_create(
        user=actor, organization=organization, defaults={"topics": cleaned}
    )
    before = None if created else {"topics": follow.topics}
    if not created and follow.topics != cleaned:
        follow.topics = cleaned
        follow.save(update_fields=["topics"])
    audit_record(
        actor=actor,
        action="call_follow.set",
        obj=follow,
        organization_id=organization.pk if organization else None,
        before=before,
        after={"topics": cleaned},
    )
    return follow


@transaction.atomic
def calls_unfollow(*, actor: Any, follow: CallFollow) -> None:
    if follow.user_id != getattr(actor, "pk", None):
        raise PermissionDeniedError(FOLLOW_DENIED)
    audit_record(
        actor=actor,
        action="call_follow.delete",
        obj=follow,
        organization_id=follow.organization_id,
        before={"topics": follow.topics},
    )
    follow.delete()


# --- importing calls from a table ---------------------------------------------------------

IMPORT_FAILED = "The table has {count} error(s); nothing was imported. {errors}"
IMPORT_DUPLICATE = "the call {identifier} of {programme} is also in row {first}"
IMPORT_REQUIRED = "empty; every call needs it"
# the labels ``_call_values`` names fields by → the call field
_LABELS = {"call identifier": "identifier", "Polish title": "title_pl", "link": "url"}
_LABELS |= {"Polish summary": "summary_pl", "topic": "topics"}


@dataclass(frozen=True)
class ImportResult:
    created: list[FundingCall]
    updated: list[FundingCall]


def _cell_error(row: table_import.CallRow, error: ApplicationError) -> table_import.CellError:
    name = str(error.extra.get("field", ""))
    name = _LABELS.get(name, name)
    return table_import.CellError(row.row, row.headers.get(name, name or "?"), error.message)


@transaction.atomic
def calls_import(*, actor: Any, data: bytes, filename: str, is_demo: bool = False) -> ImportResult:
    """Funding calls from a CSV or XLSX table (``table_import``): every row is checked
    first and any error (named by row and column) refuses the whole table; a call whose
    programme and identifier are already known is updated, any other created."""
    require(actor, "funding.manage_calls", None, CALLS_DENIED)
    try:
        table = table_import.parse(data, filename)
    except table_import.TableError as error:
        raise ApplicationError(str(error), code="invalid", extra={"field": "file"}) from None
    errors = list(table.errors)
    checked: list[dict[str, Any]] = []
    first_row: dict[tuple[str, str], int] = {}
    for row in table.rows:
        missing = [n for n in table_import.REQUIRED if n not in row.data]
        errors += [
            table_import.CellError(row.row, row.headers[n], IMPORT_REQUIRED) for n in missing
        ]
        if missing:
            continue
        try:
            values = _call_values({**row.data, "is_demo": is_demo})
        except ApplicationError as error:
            errors.append(_cell_error(row, error))
            continue
        key = (values["programme"], values["identifier"])
        if key in first_row:
            message = IMPORT_DUPLICATE.format(
                identifier=key[1], programme=key[0], first=first_row[key]
            )
            errors.append(table_import.CellError(row.row, row.headers["identifier"], message))
            continue
        first_row[key] = row.row
        checked.append(values)
    if errors:
        shown = "; ".join(str(e) for e in errors[:20]) + ("; …" if len(errors) > 20 else "")
        raise ApplicationError(
            IMPORT_FAILED.format(count=len(errors), errors=shown),
            code="invalid",
            extra={"field": "file", "errors": [str(e) for e in errors]},
        )
    result = ImportResult([], [])
    for values in checked:
        known = FundingCall.objects.filter(
            programme=values["programme"], identifier=values["identifier"]
        ).first()
        if known is None:
            result.created.append(call_create(actor=actor, data=values))
        else:
            result.updated.append(call_update(actor=actor, call=known, data=values))
    return result
