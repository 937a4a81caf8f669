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
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from ..apikit.auth import READ_AUTH, SIGNED_IN_AUTH
from ..apikit.errors import CALLER_ERRORS, DETAIL_ERRORS, READ_ERRORS
from ..apikit.inputs import LangIn, StrictIn
from ..apikit.objects import permitted, visible
from ..apikit.pagination import PageIn, PageMetaOut, paginate
from ..apikit.types import NO_NUL, Count, Id, Slug, Text, WholeNumber
from ..ecosystem import selectors as registry
from . import engine, explain, selectors, services
from .models import FundingCall, MembershipApplication

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


@router.get(
    "/calls",
    response={200: CallPageOut, **READ_ERRORS},
    auth=READ_AUTH,
    operation_id="funding_call_list",
    summary="Funding calls, soonest deadline first (demo calls have is_demo)",
)
def call_list(request: HttpRequest, filters: Query[CallFilterIn], page: Query[PageIn]) -> Any:
    calls = selectors.call_list(
        status=filters.status or "",
        programme=filters.programme or "",
        topic=filters.topic or "",
        query=(filters.q or "").strip(),
    )
    return paginate(calls, page, _call)


@router.get(
    "/calls/{slug}",
    response={200: CallOut, **DETAIL_ERRORS},
    auth=READ_AUTH,
    operation_id="funding_call_get",
    summary="One funding call with its eligibility rules",
)
def call_get(request: HttpRequest, slug: Path[Slug]) -> Any:
    return _call(selectors.call_get(slug=slug))


@router.post(
    "/calls",
    response={201: CallOut, **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_call_create",
    summary="Publish a funding call (the city office and cluster coordinators)",
)
def call_create(request: HttpRequest, payload: CallIn) -> Any:
    call = services.call_create(actor=request.user, data=payload.model_dump())
    return Status(201, _call(call))


@router.patch(
    "/calls/{slug}",
    response={200: CallOut, **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_call_update",
    summary="Change a funding call (the city office and cluster coordinators)",
)
def call_update(request: HttpRequest, slug: Path[Slug], payload: CallChangeIn) -> Any:
    call = selectors.call_get(slug=slug)
    data = payload.model_dump(exclude_unset=True)
    return _call(services.call_update(actor=request.user, call=call, data=data))


@router.get(
    "/calls/{slug}/eligibility/{organization}",
    response={200: EvaluationOut, **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_call_eligibility",
    summary="Is the organisation eligible for the call? Rule by rule, with what is missing",
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


@router.get(
    "/organizations/{slug}/calls",
    response={200: list[CallFitOut], **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_organization_calls",
    summary="Calls not yet closed for the organisation, ranked by fit",
)
def organization_calls(request: HttpRequest, slug: Path[Slug], lang: Query[LangIn]) -> Any:
    organization = _organization(request, slug)
    return [
        {"call": _call(fit.call), "evaluation": _evaluation(fit.evaluation, lang.lang)}
        for fit in selectors.calls_for_organization(organization=organization)
    ]


@router.get(
    "/organizations/{slug}/facts",
    response={200: list[FactOut], **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_facts_get",
    summary="The organisation's stated facts with who stated them, when and the source",
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


@router.post(
    "/organizations/{slug}/facts",
    response={200: list[FactOut], **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_facts_state",
    summary="State facts (null withdraws one); source declared, imported or verified",
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


@router.get(
    "/clusters/{slug}/admission-rules",
    response={200: AdmissionRulesOut, **DETAIL_ERRORS},
    auth=READ_AUTH,
    operation_id="funding_admission_rules_get",
    summary="The cluster's admission rules now (version 0: derived from the source document)",
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


@router.put(
    "/clusters/{slug}/admission-rules",
    response={200: AdmissionRulesOut, **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_admission_rules_set",
    summary="A new version of the cluster's admission rules (its coordinator or the city office)",
)
def admission_rules_set(request: HttpRequest, slug: Path[Slug], payload: AdmissionRulesIn) -> Any:
    cluster = registry.cluster_get(slug=slug)
    services.admission_rules_set(actor=request.user, cluster=cluster, rules=payload.rules)
    return admission_rules_get(request, slug)


@router.post(
    "/clusters/{slug}/admission-rules/evaluate",
    response={200: EvaluationOut, **CALLER_ERRORS},
    auth=READ_AUTH,
    operation_id="funding_admission_evaluate",
    summary="Evaluate the cluster's admission rules over the given facts (stores nothing)",
)
def admission_evaluate(
    request: HttpRequest, slug: Path[Slug], payload: FactsIn, lang: Query[LangIn]
) -> Any:
    cluster = registry.cluster_get(slug=slug)
    _applying, evaluation = selectors.evaluate_admission(cluster=cluster, facts=_parsed(payload))
    return _evaluation(evaluation, lang.lang)


@router.post(
    "/applications",
    response={201: ApplicationOut, **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_application_submit",
    summary="Apply to join a cluster for an organisation you represent (pre-checked now)",
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


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_application_get",
    summary="One membership application (the organisation's and the cluster's to see)",
)
def application_get(request: HttpRequest, application_id: Path[Id]) -> Any:
    return _application(_visible_application(request, application_id))


@router.post(
    "/applications/{application_id}/{action}",
    response={200: ApplicationOut, **CALLER_ERRORS},
    auth=SIGNED_IN_AUTH,
    operation_id="funding_application_decide",
    summary="accept / reject (with a reason) as the coordinator; withdraw as the organisation",
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
