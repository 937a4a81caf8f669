"""The workspace: coordinators keep their clusters, representatives their organisations.

Views parse input with forms, check the permission on the object (so a page is refused
before it shows anything) and call the services, which check it again and write.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..accounts import gdpr
from ..accounts import selectors as account_selectors
from ..accounts import services as account_services
from ..audit import selectors as audit_selectors
from ..ecosystem import proposals
from ..ecosystem import selectors as registry
from ..ecosystem import services as registry_services
from ..ecosystem.localization import cluster_name, localized
from ..ecosystem.models import Cluster, Organization
from ..ecosystem.services import EDITABLE_ATTRIBUTE_KINDS
from ..errors import ApplicationError, NotFoundError, PermissionDeniedError
from ..servicekit import require
from . import forms

WORKSPACE_DENIED = "You may not work on this record."


def _int(value: str | None) -> int:
    """A posted id; anything else matches no record (404), never a server error."""
    return int(value) if value and value.isdigit() else 0


def _user(request: HttpRequest) -> Any:
    return request.user


def _url_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@contextmanager
def _errors_on(form: Any) -> Iterator[None]:
    """A service's refusal of the input (too long, not a choice, a conflict) stays on the
    page as the form's error, with what was typed, instead of replacing the page; a refusal
    of the person (403, 404) is the error page as everywhere.  A refusal naming one of the
    form's fields (``extra["field"]``) is shown beside that field."""
    try:
        yield
    except (PermissionDeniedError, NotFoundError):
        raise
    except ApplicationError as exc:
        field = exc.extra.get("field") if exc.extra else None
        # Known refusals are in the catalogue (web/messages.py): shown in the UI language.
        form.add_error(field if field in form.fields else None, _(exc.message))


def _cluster(
    request: HttpRequest, slug: str, perm: str = "ecosystem.view_cluster_workspace"
) -> Cluster:
    cluster = registry.cluster_get(slug=slug)
    require(request.user, perm, cluster, WORKSPACE_DENIED)
    return cluster


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "workspace/home.html",
        {
            "clusters": account_selectors.clusters_kept_by(user=user),
            "organizations": account_selectors.organizations_kept_by(user=user),
            "requests_to_answer": registry.membership_requests_to_answer(user=user).count(),
            "claims_to_verify": account_selectors.claims_to_verify(user=user).count(),
            "my_claims": account_selectors.claims_of(user=user)[:20],
            "can_view_all_audit": user.has_perm("audit.view_all"),
            "can_assign_highlands": user.has_perm("ecosystem.assign_highland"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cluster_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The profile in English and Polish, each section as rows of one item in both languages.

    "Add item", "Remove" and "Move up/down" post the form and get it back with the rows
    changed and everything typed kept (with htmx only the section, and the change said in
    the live region); only "Save" writes, through the registry's service.
    """
    cluster = _cluster(request, slug, "ecosystem.edit_cluster")
    items, channel = registry.cluster_profile_items(cluster=cluster, kinds=EDITABLE_ATTRIBUTE_KINDS)
    saved = forms.rows_from_items(items)
    initial = {
        "name": cluster.name or "",
        "name_pl": cluster.name_pl,
        "year_established": cluster.year_established,
    }
    status = ""
    if request.method == "GET":
        form = forms.ClusterProfileForm(initial=initial, rows=saved)
    else:
        rows = forms.rows_from_post(request.POST, saved=saved)
        try:
            action = forms.row_action(request.POST)
        except forms.InvalidRowActionError:
            return HttpResponseBadRequest(_("That row is not on the page any more."))
        if action is not None:
            try:
                change = forms.apply_row_action(rows, action)
            except forms.InvalidRowActionError:
                return HttpResponseBadRequest(_("That row is not on the page any more."))
            typed = {f: request.POST.get(f, "") for f in ("name", "name_pl", "year_established")}
            form = forms.ClusterProfileForm(initial=typed, rows=rows, focus=change.focus)
            status = change.message
            if request.htmx:  # type: ignore[attr-defined]
                return render(
                    request,
                    "workspace/_profile_section.html",
                    {"section": form.section(action.kind), "status": status, "swap": True},
                )
        else:
            form = forms.ClusterProfileForm(request.POST, initial=initial, rows=rows)
            if form.is_valid():
                with _errors_on(form):
                    registry_services.cluster_update_profile(
                        actor=request.user,
                        cluster=cluster,
                        name=form.cleaned_data["name"] or None,  # empty: leave it (unknown)
                        name_pl=form.cleaned_data["name_pl"],
                        year_established=form.cleaned_data["year_established"],
                        attributes={
                            key: [*channel.get(key, []), *edited]
                            for key, edited in form.attribute_edits().items()
                        },
                    )
                    messages.success(request, _("Profile saved."))
                    return redirect("workspace:cluster_edit", slug=cluster.slug)
    return render(
        request,
        "workspace/cluster_edit.html",
        {"cluster": cluster, "form": form, "status": status},
    )


def _member_candidates(
    cluster: Cluster, name: str, chosen: str = ""
) -> tuple[registry.NameMatch, list[dict[str, Any]]]:
    """The organisations a typed name may mean, each marked when the cluster cannot ask it
    (a member already, or asked and not answered) and checked when it is the one chosen."""
    match = registry.organization_by_name(name=name)
    states = registry.cluster_organization_states(cluster=cluster) if match.candidates else {}
    return match, [
        {
            "organization": organization,
            "state": states.get(organization.pk, ""),
            "checked": organization.slug == chosen and organization.pk not in states,
        }
        for organization in match.candidates
    ]


# Said beside the organisation's name when the members tab cannot tell whom it means.
MEMBER_NONE = gettext_lazy(
    "No organization in the registry matches “%(name)s”. Check the name, or ask the "
    "organization to register on the platform."
)
MEMBER_SEVERAL = gettext_lazy("Several organizations match “%(name)s”: choose one in the list.")
MEMBER_ALREADY = gettext_lazy("%(name)s is already a member of this cluster.")
MEMBER_ASKED = gettext_lazy(
    "%(name)s has already been asked to join this cluster and has not answered yet."
)


@login_required
@require_http_methods(["GET", "POST"])
def cluster_members(request: HttpRequest, slug: str) -> HttpResponse:
    """Members, and the form that asks an organisation to join (it joins once it accepts).

    The organisation is named, not given by its address: the candidates for the typed name
    are listed as radio buttons (as one types, with htmx; after "Find" or a name that means
    several, without), members and organisations already asked marked and not selectable.
    """
    cluster = _cluster(request, slug, "ecosystem.manage_cluster_members")
    if request.method == "POST":
        form = forms.MemberAddForm(request.POST, search_url=request.path)
        name = request.POST.get("organization", "")
        chosen = request.POST.get("choice", "")
    else:
        name = request.GET.get("organization", "")
        chosen = request.GET.get("choice", "")
        form = forms.MemberAddForm(initial={"organization": name}, search_url=request.path)
    name = name.strip()[: registry_services.NAME_MAX]
    match, candidates = _member_candidates(cluster, name, chosen)
    context = {
        "cluster": cluster,
        "form": form,
        "q": name,
        "candidates": candidates,
        "min_chars": registry.SEARCH_MIN_CHARS,
    }
    if request.method == "GET" and request.htmx:  # type: ignore[attr-defined]
        response = render(request, "workspace/_member_candidates.html", {**context, "swap": True})
        patch_vary_headers(response, ["HX-Request"])
        return response
    if request.method == "POST" and "find" not in request.POST and form.is_valid():
        picked = [c for c in candidates if c["organization"].slug == chosen]
        organization = picked[0]["organization"] if picked else match.organization
        state = next((c["state"] for c in candidates if c["organization"] == organization), "")
        words = {"name": organization.name if organization else name}
        if organization is None:
            form.add_error("organization", (MEMBER_SEVERAL if candidates else MEMBER_NONE) % words)
        elif state:
            form.add_error(
                "organization", (MEMBER_ALREADY if state == "member" else MEMBER_ASKED) % words
            )
        else:
            with _errors_on(form):
                membership_request = registry_services.membership_request_create(
                    actor=request.user,
                    cluster=cluster,
                    organization=organization,
                    role=form.cleaned_data["role"],
                    listed_as=form.cleaned_data["listed_as"],
                    message=form.cleaned_data["message"],
                    url_base=_url_base(request),
                )
                if membership_request.membership_id:
                    messages.success(request, _("Member added."))
                else:
                    messages.success(
                        request,
                        _("Request sent: %(organization)s joins once it accepts.")
                        % {"organization": organization.name},
                    )
                return redirect("workspace:cluster_members", slug=cluster.slug)
    response = render(
        request,
        "workspace/cluster_members.html",
        {
            **context,
            "memberships": registry.cluster_memberships(cluster=cluster),
            "requests": registry.membership_requests_of_cluster(cluster=cluster),
            "role_choices": forms.ROLE_CHOICES,
            "helix_choices": forms.HELIX_CHOICES[1:],
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def membership_request_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster = _cluster(request, slug, "ecosystem.manage_cluster_members")
    membership_request = registry.membership_request_get(pk=pk)
    if membership_request.cluster_id != cluster.pk:
        raise NotFoundError(registry.MEMBERSHIP_REQUEST_NOT_FOUND.format(pk=pk))
    registry_services.membership_request_withdraw(actor=request.user, request=membership_request)
    messages.success(request, _("Request withdrawn."))
    return redirect("workspace:cluster_members", slug=cluster.slug)


@login_required
@require_safe
def membership_requests(request: HttpRequest) -> HttpResponse:
    """Requests of clusters to list the user's organisations (the city office: those of
    organisations nobody represents), to accept or decline."""
    return render(
        request,
        "workspace/membership_requests.html",
        {
            "requests": registry.membership_requests_to_answer(user=request.user),
            "decline_form": forms.DeclineForm(),
        },
    )


@login_required
@require_POST
def membership_request_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    membership_request = registry.membership_request_get(pk=pk)
    require(
        request.user,
        "ecosystem.answer_membership_request",
        membership_request.organization,
        WORKSPACE_DENIED,
    )
    if answer == "accept":
        registry_services.membership_request_accept(actor=request.user, request=membership_request)
        messages.success(request, _("Accepted: the organization is now listed in the cluster."))
    else:
        form = forms.DeclineForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        registry_services.membership_request_decline(
            actor=request.user, request=membership_request, reason=reason
        )
        messages.success(request, _("Declined."))
    return redirect("workspace:membership_requests")


@login_required
@require_POST
def cluster_member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster = _cluster(request, slug, "ecosystem.manage_cluster_members")
    membership = registry.membership_get(cluster=cluster, pk=pk)
    registry_services.cluster_remove_member(
        actor=request.user, cluster=cluster, membership=membership
    )
    messages.success(request, _("Member removed."))
    return redirect("workspace:cluster_members", slug=cluster.slug)


@login_required
@require_POST
def cluster_member_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster = _cluster(request, slug, "ecosystem.manage_cluster_members")
    membership = registry.membership_get(cluster=cluster, pk=pk)
    form = forms.MemberRoleForm(request.POST)
    if form.is_valid():
        registry_services.cluster_change_member_role(
            actor=request.user,
            cluster=cluster,
            membership=membership,
            role=form.cleaned_data["role"],
            listed_as=form.cleaned_data["listed_as"],
        )
        messages.success(request, _("Member role changed."))
    return redirect("workspace:cluster_members", slug=cluster.slug)


@login_required
@require_http_methods(["GET", "POST"])
def cluster_figures(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug, "ecosystem.observe_cluster_figures")
    form = forms.FigureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _errors_on(form):
            registry_services.figure_observe(
                actor=request.user, cluster=cluster, **form.cleaned_data
            )
            messages.success(request, _("Figure recorded."))
            return redirect("workspace:cluster_figures", slug=cluster.slug)
    return render(
        request,
        "workspace/cluster_figures.html",
        {"cluster": cluster, "form": form, "history": registry.figure_history(cluster)},
    )


@login_required
@require_safe
def cluster_issues(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(request, slug)
    return render(
        request,
        "workspace/cluster_issues.html",
        {"cluster": cluster, "issues": registry.cluster_issues(cluster=cluster)},
    )


@login_required
@require_POST
def issue_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    issue = registry.issue_get(pk=pk)
    require(request.user, "ecosystem.resolve_issue", issue, WORKSPACE_DENIED)
    registry_services.issue_resolve(actor=request.user, issue=issue)
    messages.success(request, _("Flag resolved."))
    if issue.cluster is None:  # a flag on a highland or organisation (city office)
        return redirect("workspace:home")
    return redirect("workspace:cluster_issues", slug=issue.cluster.slug)


@login_required
@require_safe
def cluster_audit(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = registry.cluster_get(slug=slug)
    entries = audit_selectors.audit_entries_for_cluster(actor=request.user, cluster=cluster)
    return render(request, "workspace/audit.html", {"cluster": cluster, "entries": entries})


@login_required
@require_safe
def audit_all(request: HttpRequest) -> HttpResponse:
    entries = audit_selectors.audit_entries_all(actor=request.user)
    return render(request, "workspace/audit.html", {"cluster": None, "entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
def cluster_contacts(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = registry.cluster_get(slug=slug)
    require(request.user, "accounts.manage_contacts", cluster, WORKSPACE_DENIED)
    form = forms.ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "consent_given"}
        with _errors_on(form):
            account_services.contact_person_create(actor=request.user, cluster=cluster, **data)
            messages.success(request, _("Contact person added."))
            return redirect("workspace:cluster_contacts", slug=cluster.slug)
    return render(
        request,
        "workspace/contacts.html",
        {
            "subject": cluster,
            "form": form,
            "contacts": account_selectors.contacts_of(cluster=cluster),
            "invite_form": forms.InviteForm(),
            "can_invite_coordinator": request.user.has_perm("accounts.invite_coordinator", cluster),
            "cluster": cluster,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_contacts(request: HttpRequest, slug: str) -> HttpResponse:
    organization = registry.organization_get(slug=slug)
    require(request.user, "accounts.manage_contacts", organization, WORKSPACE_DENIED)
    form = forms.ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "consent_given"}
        with _errors_on(form):
            account_services.contact_person_create(
                actor=request.user, organization=organization, **data
            )
            messages.success(request, _("Contact person added."))
            return redirect("workspace:organization_contacts", slug=organization.slug)
    return render(
        request,
        "workspace/contacts.html",
        {
            "subject": organization,
            "form": form,
            "contacts": account_selectors.contacts_of(organization=organization),
            "cluster": None,
        },
    )


@login_required
@require_POST
def contact_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = account_selectors.contact_get(pk=pk)
    subject: Cluster | Organization | None = person.cluster or person.organization
    gdpr.contact_person_erase(actor=request.user, person=person)
    messages.success(request, _("Contact person erased."))
    if isinstance(subject, Cluster):
        return redirect("workspace:cluster_contacts", slug=subject.slug)
    if isinstance(subject, Organization):
        return redirect("workspace:organization_contacts", slug=subject.slug)
    return redirect("workspace:home")


@login_required
@require_safe
def contact_export(request: HttpRequest, pk: int) -> HttpResponse:
    person = account_selectors.contact_get(pk=pk)
    data = gdpr.contact_person_export(actor=request.user, person=person)
    return _json_download(data, f"contact-{person.pk}.json")


@login_required
@require_POST
def invite_coordinator(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = registry.cluster_get(slug=slug)
    form = forms.InviteForm(request.POST)
    if form.is_valid():
        account_services.invitation_create(
            actor=request.user,
            email=form.cleaned_data["email"],
            cluster=cluster,
            accept_url_base=_url_base(request),
        )
        messages.success(request, _("Invitation sent."))
    return redirect("workspace:cluster_contacts", slug=cluster.slug)


@login_required
@require_POST
def invite_representative(request: HttpRequest, slug: str) -> HttpResponse:
    organization = registry.organization_get(slug=slug)
    form = forms.InviteForm(request.POST)
    if form.is_valid():
        account_services.invitation_create(
            actor=request.user,
            email=form.cleaned_data["email"],
            organization=organization,
            accept_url_base=_url_base(request),
        )
        messages.success(request, _("Invitation sent."))
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    if request.user.has_perm("accounts.view_representatives", organization):
        return redirect("workspace:organization_representatives", slug=organization.slug)
    return redirect("workspace:home")


@login_required
@require_safe
def organization_representatives(request: HttpRequest, slug: str) -> HttpResponse:
    """Who represents an organisation, open invitations, its clusters and their requests."""
    organization = registry.organization_get(slug=slug)
    require(request.user, "accounts.view_representatives", organization, WORKSPACE_DENIED)
    user = request.user
    return render(
        request,
        "workspace/organization_representatives.html",
        {
            "organization": organization,
            "representatives": account_selectors.representatives_of(organization=organization),
            "invitations": account_selectors.open_invitations_of(organization=organization),
            "memberships": list(organization.memberships.all()),
            "requests": registry.membership_requests_of_organization(organization=organization),
            "invite_form": forms.InviteForm(),
            "decline_form": forms.DeclineForm(),
            "can_invite": user.has_perm("accounts.invite_representative", organization),
            "can_revoke": user.has_perm("accounts.revoke_representative", organization),
            "can_answer": user.has_perm("ecosystem.answer_membership_request", organization),
            "can_leave": user.has_perm("ecosystem.leave_cluster", organization),
        },
    )


@login_required
@require_POST
def representative_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = registry.organization_get(slug=slug)
    require(request.user, "accounts.revoke_representative", organization, WORKSPACE_DENIED)
    representative = account_selectors.representative_get(organization=organization, pk=pk)
    account_services.representative_revoke(
        actor=request.user, representative=representative, url_base=_url_base(request)
    )
    messages.success(request, _("Representative role revoked."))
    if not request.user.has_perm("accounts.view_representatives", organization):
        return redirect("workspace:home")  # they revoked their own role
    return redirect("workspace:organization_representatives", slug=organization.slug)


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = registry.organization_get(slug=slug)
    invitation = account_selectors.invitation_of(organization=organization, pk=pk)
    require(request.user, "accounts.cancel_invitation", invitation, WORKSPACE_DENIED)
    account_services.invitation_cancel(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation cancelled."))
    return redirect("workspace:organization_representatives", slug=organization.slug)


@login_required
@require_POST
def membership_leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = registry.organization_get(slug=slug)
    require(request.user, "ecosystem.leave_cluster", organization, WORKSPACE_DENIED)
    membership = registry.membership_of_organization(organization=organization, pk=pk)
    registry_services.membership_leave(actor=request.user, membership=membership)
    messages.success(request, _("The organization left the cluster."))
    return redirect("workspace:organization_representatives", slug=organization.slug)


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = registry.organization_get(slug=slug)
    require(request.user, "ecosystem.edit_organization", organization, WORKSPACE_DENIED)
    can_classify = request.user.has_perm("ecosystem.classify_organization", organization)
    form = forms.OrganizationProfileForm(
        request.POST or None,
        initial={
            f: getattr(organization, f)
            for f in (
                *registry_services.ORGANIZATION_PROFILE_FIELDS,
                *registry_services.ORGANIZATION_ADDRESS_FIELDS,
            )
        },
    )
    classification = forms.OrganizationClassificationForm(
        request.POST or None, initial={"helix_role": organization.helix_role}
    )
    extra: dict[str, Any] = {}
    if can_classify and classification.is_valid():
        extra["helix_role"] = classification.cleaned_data["helix_role"]
    if request.method == "POST" and form.is_valid():
        with _errors_on(form):
            registry_services.organization_update_profile(
                actor=request.user,
                organization=organization,
                url_base=_url_base(request),
                **form.cleaned_data,
                **extra,
            )
            messages.success(request, _("Profile saved."))
            return redirect("workspace:organization_edit", slug=organization.slug)
    return render(
        request,
        "workspace/organization_edit.html",
        {
            "organization": organization,
            "form": form,
            "classification": classification if can_classify else None,
            "can_see_representatives": request.user.has_perm(
                "accounts.view_representatives", organization
            ),
        },
    )


def _json_download(data: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    consent_form = forms.ConsentForm(request.POST or None)
    action = request.POST.get("action") if request.method == "POST" else None
    token_form = forms.TokenForm(request.POST if action == "token" else None)
    new_token = None
    if request.method == "POST":
        if action == "consent" and consent_form.is_valid():
            account_services.consent_give(actor=user, purpose=consent_form.cleaned_data["purpose"])
            return redirect("workspace:my_data")
        if action == "withdraw":
            consent = account_selectors.consent_get(user=user, pk=_int(request.POST.get("consent")))
            account_services.consent_withdraw(actor=user, consent=consent)
            return redirect("workspace:my_data")
        if action == "token" and token_form.is_valid():
            with _errors_on(token_form):
                _, new_token = account_services.api_token_create(
                    actor=user, name=token_form.cleaned_data["name"]
                )
        if action == "revoke":
            token = account_selectors.token_get(user=user, pk=_int(request.POST.get("token")))
            account_services.api_token_revoke(actor=user, token=token)
            return redirect("workspace:my_data")
    return render(
        request,
        "workspace/my_data.html",
        {
            "consents": account_selectors.consents_of(user=user),
            "tokens": account_selectors.api_tokens_of(user=user),
            "consent_form": forms.ConsentForm(),
            "token_form": token_form if token_form.errors else forms.TokenForm(),
            "new_token": new_token,
        },
    )


@login_required
@require_safe
def my_data_export(request: HttpRequest) -> HttpResponse:
    data = gdpr.person_export(actor=request.user, user=_user(request))
    return _json_download(data, "my-highlands-data.json")


@login_required
@require_POST
def my_account_erase(request: HttpRequest) -> HttpResponse:
    word = pgettext("the word to type to confirm account erasure", "erase")
    if request.POST.get("confirm", "").strip().lower() not in {word, "erase"}:
        messages.error(request, _("Type “%(word)s” to confirm.") % {"word": word})
        return redirect("workspace:my_data")
    gdpr.user_erase(actor=request.user, user=_user(request))
    from django.contrib.auth import logout

    logout(request)
    return redirect("web:home")


# -- organisation onboarding: register or claim, and the verifiers' queue ----------------------


def _cluster_choices() -> list[tuple[str, str]]:
    return [
        (c.slug, cluster_name(c).text)
        for c in registry.cluster_queryset().filter(parent__isnull=True)
    ]


@login_required
@require_safe
def onboarding(request: HttpRequest) -> HttpResponse:
    """Find your organisation (search as you type) and claim it, or register a new one."""
    form = forms.OrganizationSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "form": form,
        "q": q,
        "results": registry.organization_search(q=q) if q else [],
        "min_chars": registry.SEARCH_MIN_CHARS,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "workspace/_onboarding_results.html", context)
    return render(request, "workspace/onboarding.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_claim(request: HttpRequest, slug: str) -> HttpResponse:
    organization = registry.organization_get(slug=slug)
    form = forms.ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _errors_on(form):
            account_services.organization_claim_create(
                actor=request.user,
                organization=organization,
                message=form.cleaned_data["message"],
                url_base=_url_base(request),
            )
            messages.success(
                request,
                _("Request sent: you represent %(organization)s once it is verified.")
                % {"organization": organization.name},
            )
            return redirect("workspace:home")
    return render(
        request, "workspace/organization_claim.html", {"organization": organization, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_register(request: HttpRequest) -> HttpResponse:
    """Register a new organisation.  The helix role is proposed from the type and shown for
    the person to confirm; similar names already in the registry are offered to claim."""
    clusters = _cluster_choices()
    initial = {"name": request.GET.get("name", "")[: registry_services.NAME_MAX]}
    form = forms.OrganizationRegisterForm(request.POST or None, clusters=clusters, initial=initial)
    similar: list[Any] = []
    proposed = ""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data["helix_role"]:
            # Proposed, not decided: shown selected for the person to confirm or change.
            proposed = registry_services.proposed_helix_role(data["org_type"])
            form = forms.OrganizationRegisterForm(
                {**request.POST.dict(), "helix_role": proposed}, clusters=clusters
            )
            form.is_valid()
            if not proposed:
                form.add_error("helix_role", _("Choose the helix role of the organization."))
        else:
            cluster = registry.cluster_get(slug=data["cluster"]) if data["cluster"] else None
            try:
                claim = account_services.organization_claim_register(
                    actor=request.user,
                    cluster=cluster,
                    message=data["message"],
                    url_base=_url_base(request),
                    **{
                        k: v
                        for k, v in data.items()
                        if k not in ("cluster", "message") and v is not None
                    },
                )
            except (PermissionDeniedError, NotFoundError):
                raise
            except ApplicationError as exc:
                field = exc.extra.get("field")
                form.add_error(field if field in form.fields else None, _(exc.message))
                if exc.code in ("duplicate", "similar"):
                    similar = registry.organizations_resembling(name=data["name"])
            else:
                messages.success(
                    request,
                    _(
                        "%(organization)s is registered and waits for verification; until then "
                        "only signed-in people see its offers."
                    )
                    % {"organization": claim.organization.name},
                )
                return redirect("workspace:home")
    return render(
        request,
        "workspace/organization_register.html",
        {"form": form, "similar": similar, "proposed": proposed},
    )


@login_required
@require_safe
def claims(request: HttpRequest) -> HttpResponse:
    """The verification queue: registrations and claims the user may verify."""
    return render(
        request,
        "workspace/claims.html",
        {
            "claims": [
                (claim, forms.DeclineClaimForm(auto_id=f"id_%s_{claim.pk}"))
                for claim in account_selectors.claims_to_verify(user=request.user)
            ]
        },
    )


@login_required
@require_POST
def claim_decide(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    claim = account_selectors.claim_get(pk=pk)
    if answer == "approve":
        account_services.organization_claim_approve(
            actor=request.user, claim=claim, url_base=_url_base(request)
        )
        messages.success(
            request,
            _("Verified: %(person)s now represents %(organization)s.")
            % {"person": claim.claimant.email, "organization": claim.organization.name},
        )
    else:
        form = forms.DeclineClaimForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        account_services.organization_claim_decline(
            actor=request.user, claim=claim, reason=reason, url_base=_url_base(request)
        )
        messages.success(request, _("Declined."))
    return redirect("workspace:claims")


@login_required
@require_POST
def claim_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    claim = account_selectors.claim_get(pk=pk)
    account_services.organization_claim_withdraw(actor=request.user, claim=claim)
    messages.success(request, _("Request withdrawn."))
    return redirect("workspace:home")


@login_required
@require_POST
def cluster_member_invite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A coordinator invites a representative of one of the cluster's members."""
    cluster = _cluster(request, slug, "ecosystem.manage_cluster_members")
    membership = registry.membership_get(cluster=cluster, pk=pk)
    form = forms.InviteForm(request.POST)
    if form.is_valid():
        account_services.invitation_create(
            actor=request.user,
            email=form.cleaned_data["email"],
            organization=membership.organization,
            accept_url_base=_url_base(request),
        )
        messages.success(request, _("Invitation sent."))
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect("workspace:cluster_members", slug=cluster.slug)


# -- Highland assignment (the city office) ------------------------------------------------


@login_required
@require_safe
def highland_assignment(request: HttpRequest) -> HttpResponse:
    """Clusters the document puts in no highland, with the platform's proposals (each shown
    as proposed until the city office confirms it) and the assignments made so far."""
    require(request.user, "ecosystem.assign_highland", None, WORKSPACE_DENIED)
    return render(
        request,
        "workspace/highlands.html",
        {
            "rows": proposals.highland_proposals(),
            "assigned": registry.highland_assignments(),
            "highlands": registry.highland_list(),
        },
    )


@login_required
@require_POST
def highland_assign(request: HttpRequest) -> HttpResponse:
    require(request.user, "ecosystem.assign_highland", None, WORKSPACE_DENIED)
    highland = registry.highland_get(slug=request.POST.get("highland", ""))
    cluster = registry.cluster_get(slug=request.POST.get("cluster", ""))
    registry_services.highland_cluster_assign(
        actor=request.user,
        highland=highland,
        cluster=cluster,
        basis=request.POST.get("basis", "")[: registry_services.REQUEST_MESSAGE_MAX],
    )
    messages.success(
        request,
        _("%(cluster)s is now in the highland %(highland)s.")
        % {"cluster": cluster_name(cluster).text, "highland": localized(highland, "name").text},
    )
    return redirect("workspace:highlands")


@login_required
@require_POST
def highland_unassign(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "ecosystem.assign_highland", None, WORKSPACE_DENIED)
    link = registry.highland_assignment_get(pk=pk)
    registry_services.highland_cluster_unassign(actor=request.user, link=link)
    messages.success(request, _("Assignment undone."))
    return redirect("workspace:highlands")
