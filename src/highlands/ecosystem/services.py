"""Every write to the registry outside the importers: people's edits, the city office's
organisation records, membership requests, and the synthetic demo ecosystem.

Every service is keyword-only, runs in one transaction, checks the actor's permission on the
object (rules in ``rules.py``; commands pass ``servicekit.SYSTEM``), bounds every text (the
limits below, documented in ``docs/data-model.md``) and appends an audit entry with the
values before and after.  Imports of source documents go through ``ingest`` instead.  Every
write queues the records whose search entries change (``search.indexing``; drained after
commit); e-mail leaves only after commit.

Membership is consent: a cluster *asks* (``membership_request_create``) and the organisation
answers (its representatives, or the city office while it has none).  Until it accepts there
is no ``Membership`` row, so the request grants nothing and shows nothing.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit.services import audit_record, snapshot
from ..errors import ApplicationError, PermissionDeniedError
from ..search.indexing import enqueue_many
from ..servicekit import (
    SYSTEM,
    bounded_items,
    choice,
    close_pending,
    mail_on_commit,
    person,
    plain_text,
    require,
    set_fields,
    update_audited,
)
from ..text.identifiers import clean_krs, clean_nip, clean_regon
from ..text.names import normalize_name
from ..text.slugs import unique_slug
from . import selectors, synthetic
from .labels import MEMBERSHIP_ROLE_LABELS
from .models import (
    AttributeKind,
    Cluster,
    ClusterAttribute,
    DataQualityIssue,
    FigureKind,
    FigureObservation,
    HelixRole,
    Highland,
    HighlandCluster,
    Language,
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
    Organization,
    OrganizationType,
    Severity,
    Voivodeship,
)
from .search_documents import DocumentKind

# Profile sections a coordinator keeps, in both languages.
EDITABLE_ATTRIBUTE_KINDS = (
    AttributeKind.CHARACTERISTICS,
    AttributeKind.GOAL,
    AttributeKind.MEANS,
    AttributeKind.SERVICE,
    AttributeKind.PRODUCT,
    AttributeKind.MEMBERSHIP_CONDITION,
    AttributeKind.FLAGSHIP_PROJECT,
    AttributeKind.CONTACT,
)
ORGANIZATION_PROFILE_FIELDS = ("description", "city", "website", "year_established", "org_type")
# Where it is and its registry numbers: kept by its representatives after verification too.
ORGANIZATION_ADDRESS_FIELDS = (
    "street_address",
    "postal_code",
    "voivodeship",
    "nip",
    "regon",
    "krs",
)

# Text limits (characters).  The source document's longest profile item is a flagship project
# of 2,427 characters and its longest list has 27 items; organisation descriptions get the
# marketplace's description limit.  Names, city and website are their column sizes.
NAME_MAX = 255
ITEM_TITLE_MAX = 255
ITEM_TEXT_MAX = 4000
ITEMS_MAX = 60
DESCRIPTION_MAX = 5000
CITY_MAX = 120
STREET_MAX = 200
WEBSITE_MAX = 200
REQUEST_MESSAGE_MAX = 1000

CLUSTER_EDIT_DENIED = "You may not edit this cluster."
MEMBERS_DENIED = "You may not change this cluster's members."
FIGURES_DENIED = "You may not record figures for this cluster."
ISSUE_DENIED = "You may not resolve this data-quality flag."
RAISE_DENIED = "Data-quality flags outside an import are raised by the platform only."
ORGANIZATION_EDIT_DENIED = "You may not edit this organization."
CLASSIFY_DENIED = "Only the city administrator may change an organization's helix role."
RENAME_DENIED = "Only the city administrator may rename an organization."
CREATE_DENIED = "Only the city administrator may add organizations to the registry."
DELETE_DENIED = "Only the city administrator may delete an organization."
ANSWER_DENIED = (
    "Only the organization's representatives (or the city office, while it has none) "
    "may answer this request."
)
LEAVE_DENIED = "Only the organization's representatives may take it out of a cluster."
MEMBERSHIP_EXISTS = "This organization already has that role in the cluster."
REQUEST_PENDING = "This organization has already been asked to take that role in the cluster."
REQUEST_NOT_PENDING = "This request was already {status}."
MEMBERSHIP_OTHER_CLUSTER = "That membership belongs to another cluster."
ISSUE_ALREADY_RESOLVED = "This data-quality flag is already resolved."
INVALID_WEBSITE = "The website must be an http(s) address."
INVALID_YEAR = "The year must be between 1800 and 2100."
INVALID_FIGURE = "A figure must be a whole number between 0 and 1,000,000."
ORGANIZATION_EXISTS = "An organization named '{name}' already exists."
REGISTER_DENIED = "Sign in with an active account to register an organization."
VERIFY_DENIED = "You may not verify this organization."
ASSIGN_DENIED = "Only the city administrator may assign clusters to highlands."
ALREADY_ASSIGNED = "This cluster is already in this highland."
NOT_AN_ASSIGNMENT = (
    "Only an assignment made in the workspace can be undone here; the source states this one."
)
ALREADY_VERIFIED = "This organization is already verified."
ALREADY_IN_REGISTRY = (
    "This organization is already in the registry: claim it instead of registering it again."
)
SIMILAR_IN_REGISTRY = (
    "Organizations with a similar name are in the registry: claim yours if it is one of them, "
    "or confirm that yours is a different one."
)
NIP_TAKEN = "Another organization in the registry has this NIP: claim it instead."
REGON_TAKEN = "Another organization in the registry has this REGON: claim it instead."
KRS_TAKEN = "Another organization in the registry has this KRS number: claim it instead."
INVALID_NIP = "The NIP must be 10 digits with a valid check digit."
INVALID_REGON = "The REGON must be 9 or 14 digits with a valid check digit."
INVALID_KRS = "The KRS number must be up to 10 digits."
INVALID_POSTAL_CODE = "The postal code must look like 20-001."
IDENTIFIER_TAKEN = {"nip": NIP_TAKEN, "regon": REGON_TAKEN, "krs": KRS_TAKEN}
REGISTRY_NUMBER_FIELDS = ("nip", "regon", "krs")
IDENTIFIER_CHANGED = "identifier_changed"  # the flag a representative's change raises

# (kind, language) -> the section's items, each a text or a (title, text) pair.
AttributeEdits = Mapping[tuple[str, str], Sequence[str | tuple[str, str]]]

MEMBERSHIP_LOG_FIELDS = ["organization_id", "cluster_id", "role", "listed_as"]
REQUEST_LOG_FIELDS = ["organization_id", "cluster_id", "role", "listed_as", "status"]
ORGANIZATION_LOG_FIELDS = [
    "name",
    "helix_role",
    "org_type",
    "year_established",
    "description",
    "city",
    "website",
    "street_address",
    "postal_code",
    "voivodeship",
    "nip",
    "regon",
    "krs",
]


def _year(value: int | None) -> int | None:
    if value is not None and not 1800 <= value <= 2100:
        raise ApplicationError(INVALID_YEAR, code="invalid")
    return value


def _website(value: str) -> str:
    website = plain_text(value, field="website", limit=WEBSITE_MAX)
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError as exc:
            raise ApplicationError(INVALID_WEBSITE, code="invalid") from exc
    return website


def _attribute_items(cluster: Cluster, kind: str, language: str) -> list[tuple[str, str]]:
    return list(
        ClusterAttribute.objects.filter(cluster=cluster, kind=kind, language=language)
        .order_by("position")
        .values_list("title", "text")
    )


def _clean_items(
    kind: str, language: str, items: Sequence[str | tuple[str, str]]
) -> list[tuple[str, str]]:
    section = f"{kind} ({language})"
    bounded_items(items, field=f"profile section {section}", limit=ITEMS_MAX)
    cleaned = []
    for number, item in enumerate(items, start=1):
        title, text = item if isinstance(item, tuple) else ("", item)
        title = plain_text(title, field=f"title of {section} item {number}", limit=ITEM_TITLE_MAX)
        text = plain_text(text, field=f"{section} item {number}", limit=ITEM_TEXT_MAX)
        if text:
            cleaned.append((title, text))
    return cleaned


def _item_log(items: list[tuple[str, str]]) -> list[str]:
    return [f"{title}: {text}" if title else text for title, text in items]


@transaction.atomic
def cluster_update_profile(
    *,
    actor: Any,
    cluster: Cluster,
    name: str | None = None,
    name_pl: str | None = None,
    year_established: int | None = None,
    attributes: AttributeEdits | None = None,
) -> Cluster:
    """Change a cluster's names, year and profile sections; ``None`` leaves a value as it is.

    ``attributes`` maps ``(kind, language)`` to the complete new list of items of that
    section; a section that is not named is left alone.
    """
    require(actor, "ecosystem.edit_cluster", cluster, CLUSTER_EDIT_DENIED)
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    fields: dict[str, Any] = {}
    if name is not None:
        fields["name"] = fields["display_name"] = plain_text(
            name, field="name", limit=NAME_MAX, required=True
        )
    if name_pl is not None:
        fields["name_pl"] = plain_text(name_pl, field="Polish name", limit=NAME_MAX)
    if year_established is not None:
        fields["year_established"] = _year(year_established)
    sections: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for (kind, language), items in (attributes or {}).items():
        choice(kind, EDITABLE_ATTRIBUTE_KINDS, "profile section")
        choice(language, Language.values, "language")
        sections[(kind, language)] = _clean_items(kind, language, items)
    change = set_fields(cluster, fields)
    before, after = change.before, change.after
    for (kind, language), new in sections.items():
        old = _attribute_items(cluster, kind, language)
        if new == old:
            continue
        ClusterAttribute.objects.filter(cluster=cluster, kind=kind, language=language).delete()
        ClusterAttribute.objects.bulk_create(
            ClusterAttribute(
                cluster=cluster, kind=kind, language=language, position=i, title=title, text=text
            )
            for i, (title, text) in enumerate(new, start=1)
        )
        before[f"{kind}/{language}"] = _item_log(old)
        after[f"{kind}/{language}"] = _item_log(new)
    if after:
        audit_record(
            actor=actor,
            action="cluster.update_profile",
            obj=cluster,
            cluster_id=cluster.pk,
            before=before,
            after=after,
        )
    _reindex(clusters=[cluster.pk])
    return cluster


# -- Membership: a cluster asks, the organisation answers -----------------------------------


def _next_position(cluster: Cluster, role: str) -> int:
    last = Membership.objects.filter(cluster=cluster, role=role).aggregate(m=Max("position"))
    return (last["m"] or 0) + 1


def _role_word(role: str) -> str:
    return str(MEMBERSHIP_ROLE_LABELS.get(role, role))


@transaction.atomic
def membership_request_create(
    *,
    actor: Any,
    cluster: Cluster,
    organization: Organization,
    role: str = MembershipRole.MEMBER,
    listed_as: str = "",
    message: str = "",
    url_base: str = "",
) -> MembershipRequest:
    """Ask an existing organisation to be listed in a cluster with a role.

    The organisation answers: its representatives, or the city office while it has none
    (they are e-mailed).  When the actor may answer for the organisation themselves (e.g. the
    city office for an organisation nobody represents), the request is accepted at once and
    the membership exists on return (``request.membership``).
    """
    require(actor, "ecosystem.manage_cluster_members", cluster, MEMBERS_DENIED)
    choice(role, MembershipRole.values, "membership role")
    if listed_as:
        choice(listed_as, HelixRole.values, "helix role")
    text = plain_text(message, field="message", limit=REQUEST_MESSAGE_MAX)
    # Locks the organisation so two concurrent requests cannot both pass the checks below.
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if Membership.objects.filter(cluster=cluster, organization=organization, role=role).exists():
        raise ApplicationError(MEMBERSHIP_EXISTS, code="conflict")
    pending = MembershipRequest.objects.filter(
        cluster=cluster,
        organization=organization,
        role=role,
        status=MembershipRequestStatus.PENDING,
    )
    if pending.exists():
        raise ApplicationError(REQUEST_PENDING, code="conflict")
    request = MembershipRequest.objects.create(
        cluster=cluster,
        organization=organization,
        role=role,
        listed_as=listed_as,
        message=text,
        requested_by=person(actor),
    )
    audit_record(
        actor=actor,
        action="membership_request.create",
        obj=request,
        cluster_id=cluster.pk,
        organization_id=organization.pk,
        after=snapshot(request, [*REQUEST_LOG_FIELDS, "message"]),
    )
    if actor.has_perm("ecosystem.answer_membership_request", organization):
        return _accept(actor, request)
    link = url_base + reverse("workspace:membership_requests")
    mail_on_commit(
        [u.email for u in selectors.organization_answerers(organization=organization)],
        _("%(cluster)s asks %(organization)s to join")
        % {"cluster": cluster.display_name, "organization": organization.name},
        _(
            "%(cluster)s asks to list %(organization)s in the cluster as %(role)s.\n\n"
            "%(message)s\n\nNothing changes until you accept. Accept or decline here:\n%(link)s\n"
        )
        % {
            "cluster": cluster.display_name,
            "organization": organization.name,
            "role": _role_word(role),
            "message": text,
            "link": link,
        },
    )
    return request


_VERBS: dict[str, str] = {
    MembershipRequestStatus.ACCEPTED: "accept",
    MembershipRequestStatus.DECLINED: "decline",
    MembershipRequestStatus.WITHDRAWN: "withdraw",
}


def _lock_pending(request: MembershipRequest) -> MembershipRequest:
    request = (
        # Only the request's row: PostgreSQL cannot lock the nullable side of the join.
        MembershipRequest.objects.select_for_update(of=("self",))
        .select_related("cluster", "organization", "requested_by")
        .get(pk=request.pk)
    )
    if request.status != MembershipRequestStatus.PENDING:
        raise ApplicationError(REQUEST_NOT_PENDING.format(status=request.status), code="conflict")
    return request


def _decide(actor: Any, request: MembershipRequest, status: str, **values: Any) -> None:
    """Close a pending request: its new status, who and when, ``values``; one audit entry."""
    close_pending(
        request,
        actor=actor,
        status=status,
        action=f"membership_request.{_VERBS[status]}",
        pending=MembershipRequestStatus.PENDING,
        values=values,
        cluster_id=request.cluster_id,
        organization_id=request.organization_id,
    )


def _accept(actor: Any, request: MembershipRequest) -> MembershipRequest:
    membership = Membership.objects.filter(
        cluster=request.cluster, organization=request.organization, role=request.role
    ).first()
    if membership is None:  # e.g. an import stated it meanwhile: keep that one
        membership = Membership.objects.create(
            cluster=request.cluster,
            organization=request.organization,
            role=request.role,
            listed_as=request.listed_as,
            position=_next_position(request.cluster, request.role),
        )
    _decide(actor, request, MembershipRequestStatus.ACCEPTED, membership=membership)
    _reindex(clusters=[request.cluster_id], organizations=[request.organization_id])
    return request


def _tell_cluster(request: MembershipRequest, subject: str, body: str) -> None:
    people = selectors.cluster_coordinator_users(cluster=request.cluster)
    if request.requested_by is not None:
        people.append(request.requested_by)
    mail_on_commit([p.email for p in people], subject, body)


@transaction.atomic
def membership_request_accept(*, actor: Any, request: MembershipRequest) -> MembershipRequest:
    """The organisation agrees to be listed: the membership is created (and consented)."""
    require(actor, "ecosystem.answer_membership_request", request.organization, ANSWER_DENIED)
    request = _accept(actor, _lock_pending(request))
    words = {"organization": request.organization.name, "cluster": request.cluster.display_name}
    _tell_cluster(
        request,
        _("%(organization)s joined %(cluster)s") % words,
        _("%(organization)s accepted the request and is now listed in %(cluster)s.\n") % words,
    )
    return request


@transaction.atomic
def membership_request_decline(
    *, actor: Any, request: MembershipRequest, reason: str = ""
) -> MembershipRequest:
    """The organisation refuses to be listed; nothing is created."""
    require(actor, "ecosystem.answer_membership_request", request.organization, ANSWER_DENIED)
    request = _lock_pending(request)
    reason = plain_text(reason, field="reason", limit=REQUEST_MESSAGE_MAX)
    _decide(actor, request, MembershipRequestStatus.DECLINED, reason=reason)
    words = {"organization": request.organization.name, "cluster": request.cluster.display_name}
    _tell_cluster(
        request,
        _("%(organization)s declined to join %(cluster)s") % words,
        _("%(organization)s declined the request to be listed in %(cluster)s.\n\n%(reason)s\n")
        % {**words, "reason": reason},
    )
    return request


@transaction.atomic
def membership_request_withdraw(*, actor: Any, request: MembershipRequest) -> MembershipRequest:
    """The cluster takes back a request that is still pending."""
    require(actor, "ecosystem.manage_cluster_members", request.cluster, MEMBERS_DENIED)
    request = _lock_pending(request)
    _decide(actor, request, MembershipRequestStatus.WITHDRAWN)
    return request


def _remove_membership(actor: Any, membership: Membership, action: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=membership,
        cluster_id=membership.cluster_id,
        organization_id=membership.organization_id,
        before=snapshot(membership, MEMBERSHIP_LOG_FIELDS),
    )
    membership.delete()
    _reindex(clusters=[membership.cluster_id], organizations=[membership.organization_id])


@transaction.atomic
def cluster_remove_member(*, actor: Any, cluster: Cluster, membership: Membership) -> None:
    """Remove one membership row of a cluster; the organisation itself stays in the registry."""
    require(actor, "ecosystem.manage_cluster_members", cluster, MEMBERS_DENIED)
    if membership.cluster_id != cluster.pk:
        raise PermissionDeniedError(MEMBERSHIP_OTHER_CLUSTER)
    _remove_membership(actor, membership, "cluster.remove_member")


@transaction.atomic
def membership_leave(*, actor: Any, membership: Membership) -> None:
    """An organisation's representative takes it out of a cluster (its coordinators are told)."""
    require(actor, "ecosystem.leave_cluster", membership.organization, LEAVE_DENIED)
    words = {"organization": membership.organization.name, "cluster": str(membership.cluster)}
    coordinators = selectors.cluster_coordinator_users(cluster=membership.cluster)
    _remove_membership(actor, membership, "membership.leave")
    mail_on_commit(
        [u.email for u in coordinators],
        _("%(organization)s left %(cluster)s") % words,
        _("A representative of %(organization)s took it out of %(cluster)s.\n") % words,
    )


@transaction.atomic
def cluster_change_member_role(
    *,
    actor: Any,
    cluster: Cluster,
    membership: Membership,
    role: str,
    listed_as: str | None = None,
) -> Membership:
    """Change the role (and optionally the helix heading) of one membership of a cluster."""
    require(actor, "ecosystem.manage_cluster_members", cluster, MEMBERS_DENIED)
    if membership.cluster_id != cluster.pk:
        raise PermissionDeniedError(MEMBERSHIP_OTHER_CLUSTER)
    choice(role, MembershipRole.values, "membership role")
    values: dict[str, Any] = {"role": role}
    if listed_as is not None:
        values["listed_as"] = choice(listed_as, ["", *HelixRole.values], "helix role")
    also_save = []
    if role != membership.role:
        if (
            Membership.objects.filter(
                cluster=cluster, organization_id=membership.organization_id, role=role
            )
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise ApplicationError(MEMBERSHIP_EXISTS, code="conflict")
        membership.position = _next_position(cluster, role)
        also_save.append("position")
    before = snapshot(membership, ["role", "listed_as"])
    if set_fields(membership, values, also_save=also_save):
        audit_record(
            actor=actor,
            action="cluster.change_member_role",
            obj=membership,
            cluster_id=cluster.pk,
            organization_id=membership.organization_id,
            before=before,
            after=snapshot(membership, ["role", "listed_as"]),
        )
        _reindex(clusters=[cluster.pk], organizations=[membership.organization_id])
    return membership


@transaction.atomic
def figure_observe(
    *, actor: Any, cluster: Cluster, kind: str, value: int, as_of: date
) -> FigureObservation:
    """Record a new observation of a stated figure; earlier observations are never changed."""
    require(actor, "ecosystem.observe_cluster_figures", cluster, FIGURES_DENIED)
    choice(kind, FigureKind.values, "figure")
    if not 0 <= value <= 1_000_000:
        raise ApplicationError(INVALID_FIGURE, code="invalid")
    observation = FigureObservation.objects.create(
        cluster=cluster,
        kind=kind,
        value=value,
        as_of=as_of,
        as_of_basis=FigureObservation.AsOfBasis.STATED,
        raw=f"{value} (entered in the workspace)",
    )
    audit_record(
        actor=actor,
        action="figure.observe",
        obj=observation,
        cluster_id=cluster.pk,
        after=snapshot(observation, ["kind", "value", "as_of"]),
    )
    _reindex(clusters=[cluster.pk])
    return observation


@transaction.atomic
def issue_resolve(*, actor: Any, issue: DataQualityIssue) -> DataQualityIssue:
    """Mark a data-quality flag resolved."""
    require(actor, "ecosystem.resolve_issue", issue, ISSUE_DENIED)
    issue = DataQualityIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.resolved:
        raise ApplicationError(ISSUE_ALREADY_RESOLVED, code="conflict")
    update_audited(
        issue,
        {"resolved": True},
        actor=actor,
        action="issue.resolve",
        cluster_id=issue.cluster_id,
        organization_id=issue.organization_id,
    )
    return issue


@transaction.atomic
def issue_raise(
    *,
    actor: Any,
    code: str,
    message: str,
    cluster: Cluster | None = None,
    organization: Organization | None = None,
    severity: str = Severity.WARNING,
) -> DataQualityIssue:
    """Raise a data-quality flag found outside an import (e.g. a member's changed facts that
    break the cluster's admission rules), or reopen the same one; only code raises flags
    (``SYSTEM``). One flag per code and subject: a later raise updates its message."""
    require(actor, "ecosystem.raise_issue", None, RAISE_DENIED)
    choice(severity, Severity.values, "severity")
    key = "\x1f".join(
        str(p) for p in (code, cluster and cluster.pk, organization and organization.pk)
    )
    issue, created = DataQualityIssue.objects.get_or_create(
        fingerprint=hashlib.sha256(key.encode()).hexdigest(),
        defaults={
            "code": code,
            "severity": severity,
            "message": message,
            "cluster": cluster,
            "organization": organization,
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="issue.raise",
            obj=issue,
            cluster_id=issue.cluster_id,
            organization_id=issue.organization_id,
            after={"code": code, "message": message},
        )
    else:
        update_audited(
            issue,
            {"message": message, "resolved": False},
            actor=actor,
            action="issue.raise",
            cluster_id=issue.cluster_id,
            organization_id=issue.organization_id,
        )
    return issue


# -- Organisations ------------------------------------------------------------------------


def _organization_fields(
    *,
    description: str | None,
    city: str | None,
    website: str | None,
    year_established: int | None,
    org_type: str | None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if description is not None:
        fields["description"] = plain_text(description, field="description", limit=DESCRIPTION_MAX)
    if city is not None:
        fields["city"] = plain_text(city, field="city", limit=CITY_MAX)
    if website is not None:
        fields["website"] = _website(website)
    if year_established is not None:
        fields["year_established"] = _year(year_established)
    if org_type is not None:
        fields["org_type"] = choice(org_type, ["", *OrganizationType.values], "organization type")
    return fields


def _helix(role: str) -> dict[str, str]:
    """A helix role the city office sets (blank clears it), with the basis saying so."""
    return {
        "helix_role": choice(role, ["", *HelixRole.values], "helix role"),
        "helix_role_basis": "set by the city administrator",
    }


def _organization_name(name: str, *, exclude_pk: int | None = None) -> tuple[str, str]:
    """A cleaned name and its normalized key; a name another organisation has is refused."""
    name = plain_text(name, field="name", limit=NAME_MAX, required=True)
    key = normalize_name(name)
    same = Organization.objects.filter(normalized_name=key)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ApplicationError(ORGANIZATION_EXISTS.format(name=name), code="duplicate")
    return name, key


@transaction.atomic
def organization_create(
    *,
    actor: Any,
    name: str,
    helix_role: str = "",
    org_type: str = "",
    year_established: int | None = None,
    description: str = "",
    city: str = "",
    website: str = "",
) -> Organization:
    """Add an organisation the source documents do not name (city office); merged by
    normalized name, so a duplicate is refused."""
    require(actor, "ecosystem.create_organization", None, CREATE_DENIED)
    name, key = _organization_name(name)
    fields = _organization_fields(
        description=description,
        city=city,
        website=website,
        year_established=year_established,
        org_type=org_type,
    )
    if helix_role:
        fields.update(_helix(helix_role))
    organization = Organization.objects.create(
        name=name, normalized_name=key, slug=unique_slug(name, Organization), **fields
    )
    audit_record(
        actor=actor,
        action="organization.create",
        obj=organization,
        organization_id=organization.pk,
        after=snapshot(organization, ORGANIZATION_LOG_FIELDS),
    )
    _reindex(organizations=[organization.pk])
    return organization


# The helix role an organisation type suggests; the person registering confirms or changes it.
HELIX_FOR_TYPE = {
    OrganizationType.COMPANY: HelixRole.BUSINESS,
    OrganizationType.ASSOCIATION: HelixRole.BEI,
    OrganizationType.FOUNDATION: HelixRole.CIVIL_SOCIETY,
    OrganizationType.UNIVERSITY: HelixRole.ACADEMIA,
    OrganizationType.RESEARCH_INSTITUTE: HelixRole.ACADEMIA,
    OrganizationType.MUNICIPALITY: HelixRole.PUBLIC_AUTHORITY,
    OrganizationType.PUBLIC_AGENCY: HelixRole.PUBLIC_AUTHORITY,
    OrganizationType.TECHNOLOGY_PARK: HelixRole.BEI,
    OrganizationType.AGENCY: HelixRole.BEI,
}
RESERVED_ORGANIZATION_SLUGS = frozenset({"join", "register"})
POSTAL_CODE = re.compile(r"\d{2}-\d{3}")


def proposed_helix_role(org_type: str) -> str:
    """The helix role an organisation type suggests ("" when it suggests none)."""
    return str(HELIX_FOR_TYPE.get(org_type, ""))  # type: ignore[call-overload]


def registry_numbers(*, nip: str = "", regon: str = "", krs: str = "") -> dict[str, str]:
    """NIP, REGON and KRS as digits, each checked (check digits); empty ones stay empty."""
    cleaned: dict[str, str] = {}
    for field_name, value, clean, message in (
        ("nip", nip, clean_nip, INVALID_NIP),
        ("regon", regon, clean_regon, INVALID_REGON),
        ("krs", krs, clean_krs, INVALID_KRS),
    ):
        value = plain_text(value, field=field_name, limit=40)
        if not value:
            cleaned[field_name] = ""
            continue
        try:
            cleaned[field_name] = clean(value)
        except ValueError as exc:
            raise ApplicationError(message, code="invalid", extra={"field": field_name}) from exc
    return cleaned


def _address(*, street_address: str, postal_code: str, voivodeship: str) -> dict[str, str]:
    postal_code = plain_text(postal_code, field="postal code", limit=6)
    if postal_code and not POSTAL_CODE.fullmatch(postal_code):
        raise ApplicationError(INVALID_POSTAL_CODE, code="invalid", extra={"field": "postal_code"})
    return {
        "street_address": plain_text(street_address, field="street address", limit=STREET_MAX),
        "postal_code": postal_code,
        "voivodeship": choice(voivodeship, ["", *Voivodeship.values], "voivodeship"),
    }


@transaction.atomic
def organization_register(
    *,
    actor: Any,
    name: str,
    org_type: str,
    helix_role: str,
    website: str = "",
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
    voivodeship: str = "",
    nip: str = "",
    regon: str = "",
    krs: str = "",
    description: str = "",
    different_from_similar: bool = False,
) -> Organization:
    """A signed-in person adds an organisation the registry does not have; it stays
    unverified (``is_verified=False``) until a coordinator or the city office verifies it.

    Duplicates are refused: the same registry number (NIP, REGON, KRS), the same name key, or a
    name meaning the same in the other language ("Politechnika Lubelska" = "Lublin University
    of Technology").  Names only resembling a known one need ``different_from_similar``.
    """
    require(actor, "ecosystem.register_organization", None, REGISTER_DENIED)
    numbers = registry_numbers(nip=nip, regon=regon, krs=krs)
    for field_name, _organization in selectors.organizations_with_identifiers(
        nip=numbers["nip"], regon=numbers["regon"], krs=numbers["krs"]
    ):
        raise ApplicationError(
            IDENTIFIER_TAKEN[field_name],
            code="duplicate",
            extra={"field": field_name},
        )
    name = plain_text(name, field="name", limit=NAME_MAX, required=True)
    key = normalize_name(name)
    if Organization.objects.filter(normalized_name=key).exists():
        raise ApplicationError(ALREADY_IN_REGISTRY, code="duplicate", extra={"field": "name"})
    resembling = selectors.organizations_resembling(name=name, limit=1)
    if resembling and resembling[0].score >= selectors.SAME_ORGANIZATION:
        raise ApplicationError(ALREADY_IN_REGISTRY, code="duplicate", extra={"field": "name"})
    if resembling and not different_from_similar:
        raise ApplicationError(SIMILAR_IN_REGISTRY, code="similar", extra={"field": "name"})
    fields = _organization_fields(
        description=description, city=city, website=website, year_established=None, org_type=None
    )
    fields["org_type"] = choice(org_type, OrganizationType.values, "organization type")
    fields["helix_role"] = choice(helix_role, HelixRole.values, "helix role")
    fields["helix_role_basis"] = "stated by the person who registered it"
    slug = unique_slug(name, Organization)
    if slug in RESERVED_ORGANIZATION_SLUGS:  # the workspace's onboarding pages use these
        slug = unique_slug(f"{name} organization", Organization)
    organization = Organization.objects.create(
        name=name,
        normalized_name=key,
        slug=slug,
        is_verified=False,
        **fields,
        **numbers,
        **_address(street_address=street_address, postal_code=postal_code, voivodeship=voivodeship),
    )
    audit_record(
        actor=actor,
        action="organization.register",
        obj=organization,
        organization_id=organization.pk,
        after=snapshot(organization, [*ORGANIZATION_LOG_FIELDS, "is_verified"]),
    )
    _reindex(organizations=[organization.pk])
    return organization


@transaction.atomic
def organization_verify(*, actor: Any, organization: Organization) -> Organization:
    """A coordinator of a cluster it belongs to (or names) or the city office vouches for a
    self-registered organisation; its profiles then reach every audience they are posted to."""
    require(actor, "ecosystem.verify_organization", organization, VERIFY_DENIED)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.is_verified:
        raise ApplicationError(ALREADY_VERIFIED, code="conflict")
    organization.is_verified = True
    organization.save(update_fields=["is_verified"])
    audit_record(
        actor=actor,
        action="organization.verify",
        obj=organization,
        organization_id=organization.pk,
        before={"is_verified": False},
        after={"is_verified": True},
    )
    _reindex(organizations=[organization.pk])
    return organization


@transaction.atomic
def membership_join_confirm(
    *,
    actor: Any,
    cluster: Cluster,
    organization: Organization,
    asked_by: Any,
    message: str = "",
) -> MembershipRequest:
    """The organisation asked to be in the cluster (its claimant, when registering) and the
    cluster's coordinator confirms it: an accepted request with both sides recorded, so the
    membership is consented."""
    require(actor, "ecosystem.manage_cluster_members", cluster, MEMBERS_DENIED)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    existing = MembershipRequest.objects.filter(
        cluster=cluster,
        organization=organization,
        role=MembershipRole.MEMBER,
        status=MembershipRequestStatus.PENDING,
    )
    for pending in existing:  # a request the cluster sent earlier is answered by this one
        _decide(actor, _lock_pending(pending), MembershipRequestStatus.WITHDRAWN)
    request = MembershipRequest.objects.create(
        cluster=cluster,
        organization=organization,
        role=MembershipRole.MEMBER,
        listed_as=organization.helix_role,
        message=plain_text(message, field="message", limit=REQUEST_MESSAGE_MAX),
        requested_by=asked_by,
    )
    audit_record(
        actor=actor,
        action="membership_request.create",
        obj=request,
        cluster_id=cluster.pk,
        organization_id=organization.pk,
        after={**snapshot(request, REQUEST_LOG_FIELDS), "asked_by_organization": True},
    )
    return _accept(actor, request)


# -- Highland assignment (the city office, from the platform's proposals) -------------------


@transaction.atomic
def highland_cluster_assign(
    *, actor: Any, highland: Highland, cluster: Cluster, basis: str = ""
) -> HighlandCluster:
    """The city office puts a cluster in a highland the document does not name it in; the
    link records who decided and when (``assigned_at``), and is shown as their decision."""
    require(actor, "ecosystem.assign_highland", highland, ASSIGN_DENIED)
    if HighlandCluster.objects.filter(highland=highland, cluster=cluster).exists():
        raise ApplicationError(ALREADY_ASSIGNED, code="conflict")
    link = HighlandCluster.objects.create(
        highland=highland,
        cluster=cluster,
        stated_name=cluster.display_name,
        basis=plain_text(basis, field="basis", limit=REQUEST_MESSAGE_MAX)
        or "assigned by the city office",
        assigned_by=person(actor),
        assigned_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="highland_cluster.assign",
        obj=link,
        cluster_id=cluster.pk,
        after={"highland": highland.slug, "cluster": cluster.slug, "basis": link.basis},
    )
    _reindex(clusters=[cluster.pk])
    return link


@transaction.atomic
def highland_cluster_unassign(*, actor: Any, link: HighlandCluster) -> None:
    """Undo an assignment made in the workspace (the document's own links stay)."""
    require(actor, "ecosystem.assign_highland", link.highland, ASSIGN_DENIED)
    if link.assigned_at is None:
        raise ApplicationError(NOT_AN_ASSIGNMENT, code="invalid")
    audit_record(
        actor=actor,
        action="highland_cluster.unassign",
        obj=link,
        cluster_id=link.cluster_id,
        before={"highland": link.highland.slug, "cluster": link.cluster.slug},
    )
    cluster_id = link.cluster_id
    link.delete()
    _reindex(clusters=[cluster_id])


@transaction.atomic
def organization_update_profile(
    *,
    actor: Any,
    organization: Organization,
    name: str | None = None,
    description: str | None = None,
    city: str | None = None,
    website: str | None = None,
    year_established: int | None = None,
    org_type: str | None = None,
    helix_role: str | None = None,
    street_address: str | None = None,
    postal_code: str | None = None,
    voivodeship: str | None = None,
    nip: str | None = None,
    regon: str | None = None,
    krs: str | None = None,
    url_base: str = "",
) -> Organization:
    """Change an organisation's profile (its representatives); its name and helix role only
    by the city administrator.  ``None`` leaves a value as it is.

    Registry numbers are checked like at registration (check digits, taken by no other
    organisation).  When a representative changes one of a verified organisation, the
    coordinators of its clusters (or, in none, the city office) get a data-quality flag and
    an e-mail: a number is what duplicates and verification were decided on."""
    require(actor, "ecosystem.edit_organization", organization, ORGANIZATION_EDIT_DENIED)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    fields = _organization_fields(
        description=description,
        city=city,
        website=website,
        year_established=year_established,
        org_type=org_type,
    )
    if (street_address, postal_code, voivodeship) != (None, None, None):
        fields.update(
            _address(
                street_address=_or(street_address, organization.street_address),
                postal_code=_or(postal_code, organization.postal_code),
                voivodeship=_or(voivodeship, organization.voivodeship),
            )
        )
    if (nip, regon, krs) != (None, None, None):
        numbers = registry_numbers(
            nip=_or(nip, organization.nip),
            regon=_or(regon, organization.regon),
            krs=_or(krs, organization.krs),
        )
        for field_name, _other in selectors.organizations_with_identifiers(
            **numbers, exclude_pk=organization.pk
        ):
            raise ApplicationError(
                IDENTIFIER_TAKEN[field_name], code="duplicate", extra={"field": field_name}
            )
        fields.update(numbers)
    if name is not None and name != organization.name:
        require(actor, "ecosystem.rename_organization", organization, RENAME_DENIED)
        fields["name"], fields["normalized_name"] = _organization_name(
            name, exclude_pk=organization.pk
        )
    if helix_role is not None and helix_role != organization.helix_role:
        require(actor, "ecosystem.classify_organization", organization, CLASSIFY_DENIED)
        fields.update(_helix(helix_role))
    change = update_audited(
        organization,
        fields,
        actor=actor,
        action="organization.update_profile",
        organization_id=organization.pk,
    )
    if change:
        # A new name also changes the documents of the clusters that list it.
        clusters = _cluster_ids(organization) if "name" in change.fields else []
        _reindex(organizations=[organization.pk], clusters=clusters)
    changed_numbers = [f for f in REGISTRY_NUMBER_FIELDS if f in change.fields]
    if (
        changed_numbers
        and organization.is_verified
        and not actor.has_perm("ecosystem.verify_organization", organization)
    ):
        _flag_changed_numbers(organization, change.before, change.after, url_base)
    return organization


def _or(value: str | None, current: str) -> str:
    return current if value is None else value


def _flag_changed_numbers(
    organization: Organization, before: dict[str, Any], after: dict[str, Any], url_base: str
) -> None:
    """A verified organisation's registry number changed by its representative: one flag per
    cluster that lists it by consent (its coordinators see and resolve it), else one for the
    city office; both are e-mailed."""
    changes = "; ".join(
        f"{field.upper()} {before[field] or '—'} → {after[field] or '—'}"
        for field in REGISTRY_NUMBER_FIELDS
        if field in after
    )
    message = (
        f"A representative changed the registry numbers of {organization.name} after it was "
        f"verified ({changes}); check them against the public registers."
    )
    clusters = selectors.consented_clusters_of(organization=organization)
    subjects: list[Cluster | None] = [*clusters] or [None]
    for cluster in subjects:
        issue_raise(
            actor=SYSTEM,
            code=IDENTIFIER_CHANGED,
            message=message,
            cluster=cluster,
            organization=organization,
        )
    people = [u for c in clusters for u in selectors.cluster_coordinator_users(cluster=c)]
    words = {
        "organization": organization.name,
        "changes": changes,
        "link": url_base + reverse("web:organization", args=[organization.slug]),
    }
    mail_on_commit(
        [u.email for u in people or selectors.city_office_users()],
        _("%(organization)s changed its registry numbers") % words,
        _(
            "A representative of %(organization)s changed its registry numbers after it was "
            "verified: %(changes)s.\n\nCheck them against the public registers; the change is "
            "flagged in your workspace until you resolve it.\n%(link)s\n"
        )
        % words,
    )


def _cluster_ids(organization: Organization) -> list[int]:
    return list(organization.memberships.values_list("cluster_id", flat=True).distinct())


@transaction.atomic
def organization_delete(*, actor: Any, organization: Organization) -> None:
    """Delete an organisation with its memberships (city office); the audit entry keeps it."""
    require(actor, "ecosystem.delete_organization", organization, DELETE_DENIED)
    clusters = _cluster_ids(organization)
    audit_record(
        actor=actor,
        action="organization.delete",
        obj=organization,
        organization_id=organization.pk,
        before=snapshot(organization, ORGANIZATION_LOG_FIELDS),
    )
    # Queued before the delete, while its profiles (deleted with it) can still be found.
    _reindex(organizations=[organization.pk])
    organization.delete()
    _reindex(clusters=clusters)


# -- The synthetic demo ecosystem (bulk, for benchmarks and demos) --------------------------


@transaction.atomic
def synthetic_ecosystem_generate(
    *, actor: Any, organizations: int, clusters: int, seed: int
) -> int:
    """Add ``organizations`` synthetic organisations, each a member of one of ``clusters``
    synthetic clusters (created if missing); deterministic for a seed.  Bulk writes: the
    caller rebuilds the search index afterwards.  Returns how many organisations it made."""
    require(actor, "ecosystem.create_organization", None, CREATE_DENIED)
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    start = Organization.objects.filter(is_synthetic=True).count()
    existing = list(Cluster.objects.filter(is_synthetic=True))
    new_clusters = synthetic.synthetic_clusters(rng, len(existing), clusters)
    Cluster.objects.bulk_create(new_clusters)
    all_clusters = list(Cluster.objects.filter(is_synthetic=True).order_by("position"))
    batch = synthetic.synthetic_organizations(rng, start, start + organizations)
    Organization.objects.bulk_create(batch, batch_size=2000)
    memberships: list[Membership] = []
    if batch:
        first = Organization.objects.filter(slug=batch[0].slug).values_list("pk", flat=True)
        # The new rows are the newest ones; in name order, as the generator always assigned.
        members = Organization.objects.filter(is_synthetic=True, pk__gte=first[0]).order_by("name")
        memberships = synthetic.synthetic_memberships(
            rng, list(members.values_list("pk", "helix_role")), all_clusters
        )
    Membership.objects.bulk_create(memberships, batch_size=5000, ignore_conflicts=True)
    audit_record(
        actor=actor,
        action="synthetic.generate",
        after={
            "organizations": len(batch),
            "clusters": len(new_clusters),
            "memberships": len(memberships),
            "seed": seed,
        },
    )
    return len(batch)


@transaction.atomic
def synthetic_ecosystem_delete(*, actor: Any) -> int:
    """Remove every synthetic record; returns how many rows went."""
    require(actor, "ecosystem.delete_organization", None, DELETE_DENIED)
    memberships, _ = Membership.objects.filter(organization__is_synthetic=True).delete()
    organizations, _ = Organization.objects.filter(is_synthetic=True).delete()
    clusters, _ = Cluster.objects.filter(is_synthetic=True).delete()
    removed = memberships + organizations + clusters
    audit_record(actor=actor, action="synthetic.delete", after={"rows": removed})
    return removed


def _reindex(*, clusters: Sequence[int] = (), organizations: Sequence[int] = ()) -> None:
    """Queue the changed records for the search index (drained after commit)."""
    enqueue_many(DocumentKind.CLUSTER, clusters)
    enqueue_many(DocumentKind.ORGANIZATION, organizations)
