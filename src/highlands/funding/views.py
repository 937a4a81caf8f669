"""Funding pages at /funding/: thin views over the selectors and services."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..accounts import selectors as account_selectors
from ..apikit.objects import visible
from ..ecosystem import selectors as registry
from ..ecosystem.localization import pick
from ..ecosystem.models import Organization
from ..errors import ApplicationError, NotFoundError, PermissionDeniedError
from . import engine, explain, forms, selectors, services
from .calendar import calendar_response
from .downloads import evidence_response
from .models import CallApplication, MembershipApplication, PipelineStage
from .templatetags import funding_tags

DENIED = "You may not see this page."


def _represented(user: Any) -> list[Organization]:
    return list(account_selectors.organizations_kept_by(user=user))


def _evaluation_rows(evaluation: engine.Evaluation) -> list[dict[str, Any]]:
    return explain.rows(evaluation)


@require_safe
def call_index(request: HttpRequest) -> HttpResponse:
    """Calls with filters (status, programme, topic, words), soonest deadline first."""
    form = forms.CallFilterForm(
        request.GET or None, programmes=selectors.programmes(), topics=selectors.topics()
    )
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    calls = list(
        selectors.call_list(
            status=filters.get("status") or "",
            programme=filters.get("programme") or "",
            topic=filters.get("topic") or "",
            query=(filters.get("q") or "").strip(),
        )[:200]
    )
    now = timezone.now()
    context = {
        "calls": [(call, selectors.call_status(call, now)) for call in calls],
        "form": form,
        "organizations": _represented(request.user) if request.user.is_authenticated else [],
    }
    template = "funding/_results.html" if request.htmx else "funding/index.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_safe
def call_calendar(request: HttpRequest) -> HttpResponse:
    """The deadlines of calls not yet closed as an iCalendar feed."""
    return calendar_response(selectors.call_list(status="").filter(closes_at__gt=timezone.now()))


@require_safe
def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A call; for a signed-in representative, "am I eligible?" rule by rule."""
    call = selectors.call_get(slug=slug)
    organizations = _represented(request.user) if request.user.is_authenticated else []
    chosen = next(
        (o for o in organizations if o.slug == request.GET.get("organization")),
        organizations[0] if organizations else None,
    )
    evaluation = rows = None
    if chosen is not None:
        evaluation = selectors.call_eligibility(call=call, organization=chosen)
        rows = _evaluation_rows(evaluation)
    return render(
        request,
        "funding/call.html",
        {
            "call": call,
            "status": selectors.call_status(call),
            "organizations": organizations,
            "chosen": chosen,
            "evaluation": evaluation,
            "rows": rows,
            "rule_titles": [explain.rule_title(rule) for rule in call.rules],
        },
    )


def _visible_application(request: HttpRequest, pk: int) -> MembershipApplication:
    return visible(
        request,
        "funding.view_application",
        selectors.application_get(pk=pk),
        selectors.APPLICATION_NOT_FOUND.format(pk=pk),
    )


def _organization_for(request: HttpRequest, slug: str, perm: str) -> Organization:
    organization = registry.organization_get(slug=slug)
    if not request.user.has_perm(perm, organization):
        raise PermissionDeniedError(DENIED)
    return organization


@login_required
@require_safe
def organization_calls(request: HttpRequest, slug: str) -> HttpResponse:
    """Calls for my organisation, ranked by fit, with the explanation per rule."""
    organization = _organization_for(request, slug, "funding.view_facts")
    fits = selectors.calls_for_organization(organization=organization)
    facts = selectors.current_facts(organization=organization)
    return render(
        request,
        "funding/organization.html",
        {
            "organization": organization,
            "fits": [(fit, _evaluation_rows(fit.evaluation)) for fit in fits],
            "facts": [
                (explain.fact_label(name), explain.value_text(name, fact.value), fact)
                for name, fact in sorted(facts.items())
            ],
            "can_edit": request.user.has_perm("funding.declare_facts", organization),
            "applications": selectors.applications_of_organization(organization=organization),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def facts_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The representative states the organisation's facts (source: declared)."""
    organization = _organization_for(request, slug, "funding.declare_facts")
    current = selectors.fact_values(organization=organization)
    form = forms.FactsForm(request.POST or None, initial=forms.FactsForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.facts_state(actor=request.user, organization=organization, facts=form.facts())
        except ApplicationError as exc:
            field = exc.extra.get("field", "")
            target = field.split(".", 1)[-1] if field.split(".", 1)[-1] in form.fields else None
            form.add_error(target, _("This value cannot be used: %(field)s.") % {"field": field})
        else:
            messages.success(request, _("The facts are saved."))
            return redirect("funding:organization", slug=organization.slug)
    return render(request, "funding/facts_form.html", {"organization": organization, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A representative applies to join a cluster; the pre-check is shown before sending."""
    cluster = registry.cluster_get(slug=slug)
    organizations = _represented(request.user)
    if not organizations:
        raise PermissionDeniedError(_("Only an organisation's representative can apply."))
    form = forms.ApplicationForm(
        request.POST or None,
        request.FILES or None,
        organizations=[(o.slug, o.name) for o in organizations],
        initial={"organization": request.GET.get("organization")},
    )
    chosen = next(
        (
            o
            for o in organizations
            if o.slug == (form.data.get("organization") or request.GET.get("organization"))
        ),
        organizations[0],
    )
    applying, evaluation = selectors.evaluate_admission(
        cluster=cluster, facts=selectors.fact_values(organization=chosen)
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=request.user,
                cluster=cluster,
                organization=chosen,
                message=form.cleaned_data["message"],
                evidence=form.cleaned_data["evidence"],
            )
        except ApplicationError as exc:
            messages.error(request, _application_error(exc))
        else:
            messages.success(request, _("Your application is sent to the cluster's coordinator."))
            return redirect("funding:application", pk=application.pk)
    return render(
        request,
        "funding/apply.html",
        {
            "cluster": cluster,
            "form": form,
            "chosen": chosen,
            "rules": applying,
            "evaluation": evaluation,
            "rows": _evaluation_rows(evaluation),
        },
    )


def _application_error(exc: ApplicationError) -> str:
    if exc.extra.get("field") == "evidence" and not exc.extra.get("file"):
        return _("Send at most 10 evidence files with one application.")
    if exc.extra.get("field") == "evidence":
        return _(
            "The evidence file “%(name)s” was not accepted: send PDF, PNG or JPEG files of at "
            "most 5 MB each (10 at most), whose content matches their name. Nothing was sent."
        ) % {"name": exc.extra.get("file", "")}
    by_code = {
        "closed": _("This cluster admits by invitation only; it does not take applications."),
        "conflict": _("The organisation is already a member or already has a pending application."),
        "permission_denied": _("You may not do this."),
        "required": _("Say why the application is rejected."),
    }
    return str(by_code.get(exc.code, _("The request could not be completed.")))


@login_required
@require_safe
def cluster_applications(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinator's list of applications to the cluster, with their pre-check."""
    cluster = registry.cluster_get(slug=slug)
    if not request.user.has_perm("funding.edit_admission_rules", cluster):
        raise PermissionDeniedError(DENIED)
    rules = selectors.admission_rules(cluster=cluster)
    return render(
        request,
        "funding/cluster_applications.html",
        {
            "cluster": cluster,
            "applications": selectors.applications_of_cluster(cluster=cluster),
            "rules": rules,
            "rule_titles": [explain.rule_title(rule) for rule in rules.rules],
        },
    )


@login_required
@require_safe
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One application: the pre-check on its facts, and the decision or its buttons."""
    application = _visible_application(request, pk)
    applying = selectors.admission_rules(cluster=application.cluster)
    evaluation = engine.evaluate_rules(applying.rules, application.facts)
    return render(
        request,
        "funding/application.html",
        {
            "application": application,
            "rows": _evaluation_rows(evaluation),
            "evaluation": evaluation,
            "can_decide": request.user.has_perm("funding.decide_application", application),
            "can_withdraw": request.user.has_perm("funding.withdraw_application", application),
            "evidence": selectors.evidence_of_application(application=application),
            "form": forms.DecisionForm(),
        },
    )


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, reject (with a reason) or withdraw an application."""
    application = _visible_application(request, pk)
    form = forms.DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "accept":
            services.application_accept(actor=request.user, application=application, reason=reason)
            messages.success(
                request, _("The application is accepted; the organisation is a member.")
            )
        elif action == "reject":
            services.application_reject(actor=request.user, application=application, reason=reason)
            messages.success(request, _("The application is rejected."))
        elif action == "withdraw":
            services.application_withdraw(actor=request.user, application=application)
            messages.success(request, _("The application is withdrawn."))
        else:
            raise NotFoundError(DENIED)
    except NotFoundError:
        raise
    except ApplicationError as exc:
        messages.error(request, _application_error(exc))
    return redirect("funding:application", pk=application.pk)


@login_required
@require_http_methods(["GET", "POST"])
def admission_rules_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinator edits the cluster's admission rules: each save is a new version."""
    cluster = registry.cluster_get(slug=slug)
    if not request.user.has_perm("funding.edit_admission_rules", cluster):
        raise PermissionDeniedError(DENIED)
    current = selectors.admission_rules(cluster=cluster)
    form = forms.AdmissionRulesForm(
        request.POST or None,
        initial={"rules": json.dumps(current.rules, ensure_ascii=False, indent=2)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.admission_rules_set(
                actor=request.user, cluster=cluster, rules=form.cleaned_data["rules"]
            )
        except ApplicationError as exc:
            form.add_error(
                "rules",
                _("Rule %(where)s cannot be used: %(problem)s")
                % {"where": exc.extra.get("field", ""), "problem": exc.message},
            )
        else:
            messages.success(request, _("The admission rules are saved as a new version."))
            return redirect("funding:applications", slug=cluster.slug)
    return render(
        request,
        "funding/rules_form.html",
        {"cluster": cluster, "form": form, "current": current},
    )


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence file, to the applicant's representatives, the cluster's coordinators and
    the city office; to anyone else it does not exist."""
    evidence = visible(
        request,
        "funding.view_evidence",
        selectors.evidence_get(pk=pk),
        selectors.EVIDENCE_NOT_FOUND.format(pk=pk),
    )
    return evidence_response(evidence)


# --- the application pipeline -------------------------------------------------------------


def _next_stages(entry: CallApplication) -> list[tuple[str, str]]:
    """The stages an entry may move to (the current one first), labelled."""
    if entry.stage in services.FINAL_STAGES:
        return []
    order = services.STAGE_ORDER
    return [
        (value, str(funding_tags.STAGE_LABELS[value]))
        for value in PipelineStage.values
        if value == entry.stage
        or value == PipelineStage.WITHDRAWN
        or order[value] > order[entry.stage]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_index(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's applications for funding and the consortia it is invited into;
    a form to record an intention to apply to a call that is not closed."""
    organization = _organization_for(request, slug, "funding.plan_application")
    entries = selectors.pipeline_of_organization(organization=organization)
    taken = {e.call_id for e in entries if e.organization_id == organization.pk}
    calls = [
        c
        for c in selectors.call_list().filter(closes_at__gt=timezone.now())[:300]
        if c.pk not in taken
    ]
    form = forms.PipelineCreateForm(
        request.POST or None,
        calls=[(c.slug, f"{c.identifier} — {pick(c.title, c.title_pl)}") for c in calls],
    )
    if request.method == "POST" and form.is_valid():
        entry = services.pipeline_entry_create(
            actor=request.user,
            call=selectors.call_get(slug=form.cleaned_data["call"]),
            organization=organization,
            requested_eur=form.cleaned_data["requested_eur"],
            shared=form.cleaned_data["shared"],
        )
        messages.success(request, _("The application for funding is recorded."))
        return redirect("funding:pipeline_entry", pk=entry.pk)
    return render(
        request,
        "funding/pipeline.html",
        {"organization": organization, "entries": entries, "form": form},
    )


def _visible_entry(request: HttpRequest, pk: int) -> CallApplication:
    return visible(
        request,
        "funding.view_pipeline_entry",
        selectors.pipeline_entry_get(pk=pk),
        selectors.PIPELINE_NOT_FOUND.format(pk=pk),
    )


@login_required
@require_safe
def pipeline_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One application for funding: stages with dates, the consortium, and — for its
    organisation — the next step and partner candidates with the reasons."""
    entry = _visible_entry(request, pk)
    can_change = request.user.has_perm("funding.change_pipeline_entry", entry)
    consortium = selectors.consortium_of(entry=entry)
    candidates = selectors.consortium_candidates(entry=entry) if can_change else []
    return render(
        request,
        "funding/pipeline_entry.html",
        {
            "entry": entry,
            "stages": selectors.stage_history(entry=entry),
            "consortium": consortium,
            "answerable": [
                m for m in consortium if request.user.has_perm("funding.answer_invitation", m)
            ],
            "can_change": can_change,
            "update_form": forms.PipelineUpdateForm(
                initial={
                    "stage": entry.stage,
                    "requested_eur": entry.requested_eur,
                    "granted_eur": entry.granted_eur,
                    "shared": entry.shared,
                },
                stages=_next_stages(entry),
            )
            if can_change and _next_stages(entry)
            else None,
            "candidates": [(c, _evaluation_rows(c.evaluation)) for c in candidates],
            "invite_form": forms.InviteForm(
                candidates=[(c.organization.slug, c.organization.name) for c in candidates]
            )
            if candidates and entry.stage not in services.FINAL_STAGES
            else None,
        },
    )


@login_required
@require_POST
def pipeline_update(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    form = forms.PipelineUpdateForm(request.POST, stages=_next_stages(entry))
    if not form.is_valid():
        messages.error(request, _("Check the stage and the amounts."))
        return redirect("funding:pipeline_entry", pk=pk)
    data = {k: form.cleaned_data[k] for k in ("stage", "requested_eur", "shared")}
    if form.cleaned_data["granted_eur"] is not None:
        data["granted_eur"] = form.cleaned_data["granted_eur"]
    services.pipeline_entry_update(
        actor=request.user, entry=entry, data=data, stage_note=form.cleaned_data["stage_note"]
    )
    messages.success(request, _("The application for funding is updated."))
    return redirect("funding:pipeline_entry", pk=pk)


@login_required
@require_POST
def pipeline_invite(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    slug = request.POST.get("organization", "")[:160]
    services.consortium_invite(
        actor=request.user,
        entry=entry,
        organization=registry.organization_get(slug=slug),
        message=request.POST.get("message", "")[:4000],
    )
    messages.success(request, _("The partner is invited; its representatives are told."))
    return redirect("funding:pipeline_entry", pk=pk)


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    member = selectors.invitation_get(pk=pk)
    _visible_entry(request, member.application_id)
    if answer not in ("accept", "decline"):
        raise NotFoundError(selectors.INVITATION_NOT_FOUND.format(pk=pk))
    services.consortium_answer(actor=request.user, member=member, accept=answer == "accept")
    messages.success(request, _("Your answer is sent to the lead organisation."))
    return redirect("funding:pipeline_entry", pk=member.application_id)


@login_required
@require_safe
def cluster_pipeline(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinator's board: the applications for funding its members share."""
    cluster = registry.cluster_get(slug=slug)
    if not request.user.has_perm("funding.view_member_pipeline", cluster):
        raise PermissionDeniedError(DENIED)
    return render(
        request,
        "funding/cluster_pipeline.html",
        {
            "cluster": cluster,
            "entries": selectors.member_pipeline(cluster=cluster),
            "won": selectors.funding_won(cluster=cluster),
        },
    )
