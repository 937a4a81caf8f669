"""The funding API at /api/v1/funding/: calls, eligibility, organisation facts, admission
rules and membership applications — the same selectors and services as the pages.

Calls and admission rules are public reads; evaluating facts against a cluster's rules is a
public computation that stores nothing (the CLI's contract). Facts, "calls for my
organisation" and applications need a token or the session (with CSRF for writes); an
application the caller may not see is a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from ..apikit.auth import READ_AUTH, SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS, DETAIL_ERRORS, READ_ERRORS
from ..apikit.inputs import LangIn, StrictIn
from ..apikit.objects import permitted, visible
from ..apikit.pagination import PageIn, PageMetaOut, paginate
from ..apikit.routes import Routes
from ..apikit.types import NO_NUL, Count, Id, Slug, Text, WholeNumber
from ..ecosystem import selectors as registry
from . import engine, explain, selectors, services, table_import, uploads
from .downloads import evidence_response
from .models import (
    CallApplication,
    CallFollow,
    ConsortiumMember,
    Evidence,
    FundingCall,
    MembershipApplication,
)

router = Router(tags=["funding"])
FACTS_DENIED = "You may not see this organisation's facts."

Share = (
    Annotated[str, StringConstraints(max_length=20, pattern=NO_NUL)]
    | Annotated[float, Field(ge=0, le=100)]
    | None
)
ShortText = Annotated[str, StringConstraints(max_length=64, pattern=NO_NUL)]
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
Amount = Annotated[int, Field(ge=0, le=10**15), WholeNumber]
Rate = Annotated[int, Field(ge=1, le=100), WholeNumber]


When = Annotated[datetime, Field(strict=False)]


class CallIn(StrictIn):
    """A funding call; dates without an offset are in ``time_zone`` (Europe/Warsaw)."""

    programme: Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
    identifier: Annotated[str, StringConstraints(max_length=120, pattern=NO_NUL)]
    title: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)]
    title_pl: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)] = ""
    summary: LongText = ""
    summary_pl: LongText = ""
    topics: Annotated[list[ShortText], Field(max_length=12)] = []
    opens_at: When | None = None
    closes_at: When
    time_zone: ShortText = "Europe/Warsaw"
    budget_eur: Amount | None = None
    max_grant_eur: Amount | None = None
    funding_rate: Rate | None = None
    url: Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)] = ""
    source: Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)] = ""
    rules: Annotated[list[dict[str, Any]], Field(max_length=50)] = []
    is_demo: bool = False


class CallChangeIn(StrictIn):
    """The fields to change; the others keep their values."""

    title: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)] | None = None
    title_pl: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)] | None = None
    summary: LongText | None = None
    summary_pl: LongText | None = None
    topics: Annotated[list[ShortText], Field(max_length=12)] | None = None
    opens_at: When | None = None
    closes_at: When | None = None
    budget_eur: Amount | None = None
    max_grant_eur: Amount | None = None
    funding_rate: Rate | None = None
    url: Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)] | None = None
    rules: Annotated[list[dict[str, Any]], Field(max_length=50)] | None = None


class CallFilterIn(Schema):
    status: Literal["forthcoming", "open", "closed"] | None = None
    programme: Text | None = None
    topic: Text | None = None
    q: Text | None = None


class CallOut(Schema):
    slug: str
    programme: str
    identifier: str
    title: str
    title_pl: str
    summary: str
    summary_pl: str
    topics: list[str]
    status: str
    opens_at: datetime | None
    closes_at: datetime
    time_zone: str
    budget_eur: int | None
    max_grant_eur: int | None
    funding_rate: int | None
    url: str
    source: str
    is_demo: bool
    rules: list[dict[str, Any]]


class CallPageOut(PageMetaOut):
    items: list[CallOut]


class RevenueSharesIn(StrictIn):
    metal_processing_services: Share = None
    own_metal_production: Share = None


class FactsIn(StrictIn):
    """Facts to state; a key left out is unchanged, ``null`` withdraws it (unknown again)."""

    voivodeship: ShortText | None = None
    revenue_shares: RevenueSharesIn | None = None
    size_class: ShortText | None = None
    employees: Count | None = None
    turnover_eur: Amount | None = None
    legal_form: ShortText | None = None
    helix_role: ShortText | None = None
    org_type: ShortText | None = None
    nace_codes: Annotated[list[ShortText], Field(max_length=100)] | None = None
    certifications: Annotated[list[ShortText], Field(max_length=100)] | None = None
    year_founded: Annotated[int, Field(ge=1000, le=2100), WholeNumber] | None = None


class FactsStateIn(FactsIn):
    source: Literal["declared", "imported", "verified"] = "declared"


class FactOut(Schema):
    name: str
    value: Any
    source: str
    stated_at: datetime
    stated_by: str | None


class RuleResultOut(Schema):
    rule: str
    title: str
    result: Literal["pass", "fail", "unknown"]
    explanation: str
    missing: list[str]
    line: int | None


class EvaluationOut(Schema):
    decision: Literal["eligible", "not_eligible", "unknown"]
    rules: list[RuleResultOut]


class CallFitOut(Schema):
    call: CallOut
    evaluation: EvaluationOut


class AdmissionRulesOut(Schema):
    cluster: str
    version: int
    basis: str
    rules: list[dict[str, Any]]


class AdmissionRulesIn(StrictIn):
    rules: Annotated[list[dict[str, Any]], Field(max_length=50)]


class ApplicationIn(StrictIn):
    cluster: Slug
    organization: Slug
    message: LongText = ""


class DecisionIn(StrictIn):
    reason: LongText = ""


class ApplicationOut(Schema):
    id: int
    cluster: str
    organization: str
    status: str
    decision: str
    rules_version: int
    evaluation: list[dict[str, Any]]
    submitted_at: datetime
    decided_at: datetime | None
    reason: str


def _call(call: FundingCall) -> dict[str, Any]:
    data = {name: getattr(call, name) for name in CallOut.model_fields if hasattr(call, name)}
    return {**data, "status": selectors.call_status(call)}


def _evaluation(evaluation: engine.Evaluation, lang: str) -> dict[str, Any]:
    from django.utils import translation

    with translation.override(lang):
        return {"decision": evaluation.decision.value, "rules": explain.rows(evaluation)}


def _application(application: MembershipApplication) -> dict[str, Any]:
    return {
        "id": application.pk,
        "cluster": application.cluster.slug,
        "organization": application.organization.slug,
        "status": application.status,
        "decision": application.decision,
        "rules_version": application.rules_version,
        "evaluation": application.evaluation,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "reason": application.reason,
    }


def _facts_document(payload: FactsIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, exclude={"source"})
    shares = data.get("revenue_shares")
    if isinstance(shares, dict):
        data["revenue_shares"] = {
            k: v
            for k, v in shares.items()
            if k in payload.revenue_shares.model_fields_set  # type: ignore[union-attr]
        }
    return data


def _parsed(payload: FactsIn) -> dict[str, Any]:
    try:
        return engine.parse_facts(_facts_document(payload))
    except engine.FactError as error:
        raise services.fact_error(error) from None


route = Routes(router, errors=CALLER_ERRORS, prefix="funding", auth=SIGNED_IN_AUTH)


@route.get(
    "/calls",
    CallPageOut,
    "Funding calls, soonest deadline first (demo calls have is_demo)",
    errors=READ_ERRORS,
    auth=READ_AUTH,
)
def call_list(request: HttpRequest, filters: Query[CallFilterIn], page: Query[PageIn]) -> Any:
    calls = selectors.call_list(
        status=filters.status or "",
        programme=filters.programme or "",
        topic=filters.topic or "",
        query=(filters.q or "").strip(),
    )
    return paginate(calls, page, _call)


# --- importing calls ----------------------------------------------------------------------


class ImportOut(Schema):
    created: list[str]
    updated: list[str]


@route.post(
    "/calls/import",
    ImportOut,
    "Import calls from a CSV or XLSX table (all rows or none; errors name row and column)",
)
def calls_import(request: HttpRequest, file: File[UploadedFile | None] = None) -> Any:
    # Optional in the schema: an empty file part never reaches the view as a file, so the
    # service answers "no rows" (400) for it, as for a missing one.
    data = file.read(table_import.MAX_BYTES + 1) if file is not None else b""
    name = (file.name or "") if file is not None else ""
    result = services.calls_import(actor=request.user, data=data, filename=name)
    return {
        "created": [c.slug for c in result.created],
        "updated": [c.slug for c in result.updated],
    }


@route.get(
    "/calls/{slug}",
    CallOut,
    "One funding call with its eligibility rules",
    errors=DETAIL_ERRORS,
    auth=READ_AUTH,
)
def call_get(request: HttpRequest, slug: Path[Slug]) -> Any:
    return _call(selectors.call_get(slug=slug))


@route.post(
    "/calls",
    CallOut,
    "Publish a funding call (the city office and cluster coordinators)",
    status=201,
)
def call_create(request: HttpRequest, payload: CallIn) -> Any:
    call = services.call_create(actor=request.user, data=payload.model_dump())
    return Status(201, _call(call))


@route.patch(
    "/calls/{slug}", CallOut, "Change a funding call (the city office and cluster coordinators)"
)
def call_update(request: HttpRequest, slug: Path[Slug], payload: CallChangeIn) -> Any:
    call = selectors.call_get(slug=slug)
    data = payload.model_dump(exclude_unset=True)
    return _call(services.call_update(actor=request.user, call=call, data=data))


@route.get(
    "/calls/{slug}/eligibility/{organization}",
    EvaluationOut,
    "Is the organisation eligible for the call? Rule by rule, with what is missing",
)
def call_eligibility(
    request: HttpRequest, slug: Path[Slug], organization: Path[Slug], lang: Query[LangIn]
) -> Any:
    call = selectors.call_get(slug=slug)
    org = _organization(request, organization)
    return _evaluation(selectors.call_eligibility(call=call, organization=org), lang.lang)


def _organization(request: HttpRequest, slug: str) -> Any:
    return permitted(
        request, "funding.view_facts", registry.organization_get(slug=slug), FACTS_DENIED
    )


@route.get(
    "/organizations/{slug}/calls",
    list[CallFitOut],
    "Calls not yet closed for the organisation, ranked by fit",
)
def organization_calls(request: HttpRequest, slug: Path[Slug], lang: Query[LangIn]) -> Any:
    organization = _organization(request, slug)
    return [
        {"call": _call(fit.call), "evaluation": _evaluation(fit.evaluation, lang.lang)}
        for fit in selectors.calls_for_organization(organization=organization)
    ]


@route.get(
    "/organizations/{slug}/facts",
    list[FactOut],
    "The organisation's stated facts with who stated them, when and the source",
)
def facts_get(request: HttpRequest, slug: Path[Slug]) -> Any:
    organization = _organization(request, slug)
    return [
        {
            "name": fact.name,
            "value": fact.value,
            "source": fact.source,
            "stated_at": fact.stated_at,
            "stated_by": fact.stated_by.email if fact.stated_by else None,
        }
        for fact in selectors.current_facts(organization=organization).values()
    ]


@route.post(
    "/organizations/{slug}/facts",
    list[FactOut],
    "State facts (null withdraws one); source declared, imported or verified",
)
def facts_state(request: HttpRequest, slug: Path[Slug], payload: FactsStateIn) -> Any:
    organization = registry.organization_get(slug=slug)
    services.facts_state(
        actor=request.user,
        organization=organization,
        facts=_facts_document(payload),
        source=payload.source,
    )
    return facts_get(request, slug)


@route.get(
    "/clusters/{slug}/admission-rules",
    AdmissionRulesOut,
    "The cluster's admission rules now (version 0: derived from the source document)",
    errors=DETAIL_ERRORS,
    auth=READ_AUTH,
)
def admission_rules_get(request: HttpRequest, slug: Path[Slug]) -> Any:
    cluster = registry.cluster_get(slug=slug)
    applying = selectors.admission_rules(cluster=cluster)
    return {
        "cluster": cluster.slug,
        "version": applying.version,
        "basis": applying.basis,
        "rules": applying.rules,
    }


@route.put(
    "/clusters/{slug}/admission-rules",
    AdmissionRulesOut,
    "A new version of the cluster's admission rules (its coordinator or the city office)",
)
def admission_rules_set(request: HttpRequest, slug: Path[Slug], payload: AdmissionRulesIn) -> Any:
    cluster = registry.cluster_get(slug=slug)
    services.admission_rules_set(actor=request.user, cluster=cluster, rules=payload.rules)
    return admission_rules_get(request, slug)


@route.post(
    "/clusters/{slug}/admission-rules/evaluate",
    EvaluationOut,
    "Evaluate the cluster's admission rules over the given facts (stores nothing)",
    auth=READ_AUTH,
)
def admission_evaluate(
    request: HttpRequest, slug: Path[Slug], payload: FactsIn, lang: Query[LangIn]
) -> Any:
    cluster = registry.cluster_get(slug=slug)
    _applying, evaluation = selectors.evaluate_admission(cluster=cluster, facts=_parsed(payload))
    return _evaluation(evaluation, lang.lang)


@route.post(
    "/applications",
    ApplicationOut,
    "Apply to join a cluster for an organisation you represent (pre-checked now)",
    status=201,
)
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Any:
    application = services.application_submit(
        actor=request.user,
        cluster=registry.cluster_get(slug=payload.cluster),
        organization=registry.organization_get(slug=payload.organization),
        message=payload.message,
    )
    return Status(201, _application(application))


def _visible_application(request: HttpRequest, pk: int) -> MembershipApplication:
    return visible(
        request,
        "funding.view_application",
        selectors.application_get(pk=pk),
        selectors.APPLICATION_NOT_FOUND.format(pk=pk),
    )


@route.get(
    "/applications/{application_id}",
    ApplicationOut,
    "One membership application (the organisation's and the cluster's to see)",
)
def application_get(request: HttpRequest, application_id: Path[Id]) -> Any:
    return _application(_visible_application(request, application_id))


# --- evidence files -----------------------------------------------------------------------
# Declared before /applications/{id}/{action}, as /calls/import is before /calls/{slug}: the
# first path that matches a URL answers it.

# At most uploads.MAX_FILES (the service says so); optional in the schema because an empty
# file part never reaches the view as a file: the service then answers 400.
Files = File[list[UploadedFile] | None]
FactName = Annotated[str, StringConstraints(max_length=64, pattern=r"^[a-z_.]+$")]
EVIDENCE_TYPES = sorted({content_type for _magic, content_type in uploads.TYPES.values()})


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    fact: str
    application: int | None
    uploaded_at: datetime


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "name": evidence.name,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "fact": evidence.fact_name,
        "application": evidence.application_id,
        "uploaded_at": evidence.uploaded_at,
    }


@route.get(
    "/applications/{application_id}/evidence",
    list[EvidenceOut],
    "The evidence files of a membership application",
)
def application_evidence_list(request: HttpRequest, application_id: Path[Id]) -> Any:
    application = _visible_application(request, application_id)
    return [_evidence(e) for e in selectors.evidence_of_application(application=application)]


@route.post(
    "/applications/{application_id}/evidence",
    list[EvidenceOut],
    "Add evidence files (PDF, PNG, JPEG; 5 MB each) to a pending application",
    status=201,
)
def application_evidence_add(
    request: HttpRequest, application_id: Path[Id], files: Files = None
) -> Any:
    application = _visible_application(request, application_id)
    added = services.application_evidence_add(
        actor=request.user, application=application, files=files or []
    )
    return Status(201, [_evidence(e) for e in added])


@route.post(
    "/organizations/{slug}/facts/{fact}/evidence",
    list[EvidenceOut],
    "Add evidence files backing one stated fact (PDF, PNG, JPEG; 5 MB each)",
    status=201,
)
def fact_evidence_add(
    request: HttpRequest, slug: Path[Slug], fact: Path[FactName], files: Files = None
) -> Any:
    organization = registry.organization_get(slug=slug)
    added = services.fact_evidence_add(
        actor=request.user, organization=organization, fact_name=fact, files=files or []
    )
    return Status(201, [_evidence(e) for e in added])


@route.get(
    "/organizations/{slug}/evidence",
    list[EvidenceOut],
    "The evidence files backing the organisation's facts",
)
def fact_evidence_list(request: HttpRequest, slug: Path[Slug]) -> Any:
    organization = _organization(request, slug)
    return [_evidence(e) for e in selectors.evidence_of_facts(organization=organization)]


@route.get(
    "/evidence/{evidence_id}",
    summary="Download an evidence file (the applicant's representatives, the cluster's "
    "coordinators, the city office)",
    response={**CALLER_ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment",
                "content": {
                    t: {"schema": {"type": "string", "format": "binary"}} for t in EVIDENCE_TYPES
                },
            }
        }
    },
)
def evidence_download(request: HttpRequest, evidence_id: Path[Id]) -> Any:
    evidence = visible(
        request,
        "funding.view_evidence",
        selectors.evidence_get(pk=evidence_id),
        selectors.EVIDENCE_NOT_FOUND.format(pk=evidence_id),
    )
    return evidence_response(evidence)


@route.post(
    "/applications/{application_id}/{action}",
    ApplicationOut,
    "accept / reject (with a reason) as the coordinator; withdraw as the organisation",
)
def application_decide(
    request: HttpRequest,
    application_id: Path[Id],
    action: Path[Literal["accept", "reject", "withdraw"]],
    payload: DecisionIn,
) -> Any:
    application = _visible_application(request, application_id)
    if action == "accept":
        application = services.application_accept(
            actor=request.user, application=application, reason=payload.reason
        )
    elif action == "reject":
        application = services.application_reject(
            actor=request.user, application=application, reason=payload.reason
        )
    else:
        application = services.application_withdraw(actor=request.user, application=application)
    return _application(selectors.application_get(pk=application.pk))


# --- the application pipeline and consortia ----------------------------------------------

Stage = Literal["interested", "preparing", "submitted", "awarded", "rejected", "withdrawn"]


class PipelineIn(StrictIn):
    call: Slug
    organization: Slug
    requested_eur: Amount | None = None
    note: LongText = ""
    shared: bool = False


class PipelineChangeIn(StrictIn):
    stage: Stage | None = None
    stage_note: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)] = ""
    requested_eur: Amount | None = None
    granted_eur: Amount | None = None
    note: LongText | None = None
    shared: bool | None = None


class StageOut(Schema):
    stage: str
    changed_at: datetime
    changed_by: str | None
    note: str


class MemberOut(Schema):
    id: int
    organization: str
    name: str
    role: str
    status: str
    invited_at: datetime
    answered_at: datetime | None


class PipelineOut(Schema):
    id: int
    call: str
    call_title: str
    closes_at: datetime
    organization: str
    stage: str
    owner: str | None
    shared: bool
    requested_eur: int | None
    granted_eur: int | None
    note: str
    created_at: datetime
    updated_at: datetime


class PipelineDetailOut(PipelineOut):
    stages: list[StageOut]
    consortium: list[MemberOut]


class InviteIn(StrictIn):
    organization: Slug
    message: LongText = ""


class CandidateOut(Schema):
    organization: str
    name: str
    evaluation: EvaluationOut


def _entry(entry: CallApplication) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "call": entry.call.slug,
        "call_title": entry.call.title,
        "closes_at": entry.call.closes_at,
        "organization": entry.organization.slug,
        "stage": entry.stage,
        "owner": entry.owner.email if entry.owner else None,
        "shared": entry.shared,
        "requested_eur": entry.requested_eur,
        "granted_eur": entry.granted_eur,
        "note": entry.note,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _member(member: ConsortiumMember) -> dict[str, Any]:
    return {
        "id": member.pk,
        "organization": member.organization.slug,
        "name": member.organization.name,
        "role": member.role,
        "status": member.status,
        "invited_at": member.invited_at,
        "answered_at": member.answered_at,
    }


def _entry_detail(entry: CallApplication) -> dict[str, Any]:
    return {
        **_entry(entry),
        "stages": [
            {
                "stage": change.stage,
                "changed_at": change.changed_at,
                "changed_by": change.changed_by.email if change.changed_by else None,
                "note": change.note,
            }
            for change in selectors.stage_history(entry=entry)
        ],
        "consortium": [_member(m) for m in selectors.consortium_of(entry=entry)],
    }


def _visible_entry(request: HttpRequest, pk: int) -> CallApplication:
    return visible(
        request,
        "funding.view_pipeline_entry",
        selectors.pipeline_entry_get(pk=pk),
        selectors.PIPELINE_NOT_FOUND.format(pk=pk),
    )


PIPELINE_DENIED = "You may not see this organisation's applications for funding."
BOARD_DENIED = "Only the cluster's coordinator (or the city office) sees its members' pipeline."


@route.get(
    "/organizations/{slug}/pipeline",
    list[PipelineOut],
    "The organisation's applications for funding and the consortia it is invited to",
)
def pipeline_list(request: HttpRequest, slug: Path[Slug]) -> Any:
    organization = permitted(
        request,
        "funding.plan_application",
        registry.organization_get(slug=slug),
        PIPELINE_DENIED,
    )
    return [_entry(e) for e in selectors.pipeline_of_organization(organization=organization)]


@route.post(
    "/pipeline",
    PipelineDetailOut,
    "Record an organisation's intention to apply to a call (it leads the consortium)",
    status=201,
)
def pipeline_create(request: HttpRequest, payload: PipelineIn) -> Any:
    entry = services.pipeline_entry_create(
        actor=request.user,
        call=selectors.call_get(slug=payload.call),
        organization=registry.organization_get(slug=payload.organization),
        requested_eur=payload.requested_eur,
        note=payload.note,
        shared=payload.shared,
    )
    return Status(201, _entry_detail(selectors.pipeline_entry_get(pk=entry.pk)))


@route.get(
    "/pipeline/{entry_id}",
    PipelineDetailOut,
    "One application for funding: stages with dates, consortium and amounts",
)
def pipeline_get(request: HttpRequest, entry_id: Path[Id]) -> Any:
    return _entry_detail(_visible_entry(request, entry_id))


@route.patch(
    "/pipeline/{entry_id}",
    PipelineDetailOut,
    "Move to a later stage, record amounts, share with the cluster coordinators",
)
def pipeline_update(request: HttpRequest, entry_id: Path[Id], payload: PipelineChangeIn) -> Any:
    entry = _visible_entry(request, entry_id)
    data = payload.model_dump(exclude_unset=True, exclude={"stage_note"})
    if data.get("stage") is None:
        data.pop("stage", None)
    services.pipeline_entry_update(
        actor=request.user, entry=entry, data=data, stage_note=payload.stage_note
    )
    return _entry_detail(selectors.pipeline_entry_get(pk=entry.pk))


@route.get(
    "/pipeline/{entry_id}/candidates",
    list[CandidateOut],
    "Partner candidates the call's rules do not exclude, with the reasons",
)
def pipeline_candidates(request: HttpRequest, entry_id: Path[Id], lang: Query[LangIn]) -> Any:
    entry = permitted(
        request,
        "funding.change_pipeline_entry",
        _visible_entry(request, entry_id),
        services.PIPELINE_DENIED,
    )
    return [
        {
            "organization": c.organization.slug,
            "name": c.organization.name,
            "evaluation": _evaluation(c.evaluation, lang.lang),
        }
        for c in selectors.consortium_candidates(entry=entry)
    ]


@route.post(
    "/pipeline/{entry_id}/partners",
    MemberOut,
    "Invite an organisation into the consortium as a partner",
    status=201,
)
def pipeline_invite(request: HttpRequest, entry_id: Path[Id], payload: InviteIn) -> Any:
    member = services.consortium_invite(
        actor=request.user,
        entry=_visible_entry(request, entry_id),
        organization=registry.organization_get(slug=payload.organization),
        message=payload.message,
    )
    return Status(201, _member(member))


@route.post(
    "/invitations/{invitation_id}/{answer}",
    MemberOut,
    "Accept or decline a consortium invitation (the invited organisation)",
)
def invitation_answer(
    request: HttpRequest, invitation_id: Path[Id], answer: Path[Literal["accept", "decline"]]
) -> Any:
    member = selectors.invitation_get(pk=invitation_id)
    visible(
        request,
        "funding.view_pipeline_entry",
        member.application,
        selectors.INVITATION_NOT_FOUND.format(pk=invitation_id),
    )
    member = services.consortium_answer(
        actor=request.user, member=member, accept=answer == "accept"
    )
    return _member(member)


@route.get(
    "/clusters/{slug}/pipeline",
    list[PipelineOut],
    "The coordinator's board: the applications for funding its members share",
)
def cluster_pipeline(request: HttpRequest, slug: Path[Slug]) -> Any:
    cluster = permitted(
        request, "funding.view_member_pipeline", registry.cluster_get(slug=slug), BOARD_DENIED
    )
    return [_entry(e) for e in selectors.member_pipeline(cluster=cluster)]


# --- following calls ----------------------------------------------------------------------


class FollowIn(StrictIn):
    organization: Slug | None = None
    topics: Annotated[list[ShortText], Field(max_length=12)] = []


class CallFollowOut(Schema):
    id: int
    organization: str | None
    topics: list[str]
    created_at: datetime


def _follow(follow: CallFollow) -> dict[str, Any]:
    return {
        "id": follow.pk,
        "organization": follow.organization.slug if follow.organization else None,
        "topics": follow.topics,
        "created_at": follow.created_at,
    }


@route.get(
    "/follows",
    list[CallFollowOut],
    "The calls you follow: for an organisation's fit and/or on topics",
)
def follow_list(request: HttpRequest) -> Any:
    return [_follow(f) for f in selectors.follows_of(user=request.user)]


@route.post(
    "/follows",
    CallFollowOut,
    "Follow calls that fit an organisation and/or topics (alerts and deadline reminders)",
)
def follow_set(request: HttpRequest, payload: FollowIn) -> Any:
    organization = (
        registry.organization_get(slug=payload.organization) if payload.organization else None
    )
    follow = services.calls_follow(
        actor=request.user, organization=organization, topics=payload.topics
    )
    return _follow(follow)


@route.delete("/follows/{follow_id}", None, "Stop following", status=204)
def follow_delete(request: HttpRequest, follow_id: Path[Id]) -> Any:
    follow = selectors.follow_get(user=request.user, pk=follow_id)
    services.calls_unfollow(actor=request.user, follow=follow)
    return Status(204, None)
