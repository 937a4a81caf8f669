"""Writes to the registry by people (the workspace and the write API call these).

Every service is keyword-only, runs in one transaction, checks the actor's permission on the
object (rules in ``rules.py``) and appends an audit entry with the values before and after.
Imports of source documents go through ``ingest.services`` instead. Every write queues the
records whose search entries change (``search.indexing``; drained after commit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max

from ..audit.services import audit_record, snapshot
from ..errors import ApplicationError, NotFoundError, PermissionDeniedError
from ..ingest.normalize import normalize_name, unique_slug
from ..search.indexing import enqueue, enqueue_many
from .models import (
    AttributeKind,
    Cluster,
    ClusterAttribute,
    DataQualityIssue,
    FigureKind,
    FigureObservation,
    HelixRole,
    Language,
    Membership,
    MembershipRole,
    Organization,
    OrganizationType,
)
from .search_documents import DocumentKind
from .text import clean_plain_text

# Profile sections a coordinator keeps, in both languages.
EDITABLE_ATTRIBUTE_KINDS = (
    AttributeKind.GOAL,
    AttributeKind.MEANS,
    AttributeKind.SERVICE,
    AttributeKind.PRODUCT,
    AttributeKind.MEMBERSHIP_CONDITION,
    AttributeKind.FLAGSHIP_PROJECT,
    AttributeKind.CONTACT,
)
ORGANIZATION_PROFILE_FIELDS = ("description", "city", "website", "year_established", "org_type")

CLUSTER_EDIT_DENIED = "You may not edit this cluster."
MEMBERS_DENIED = "You may not change this cluster's members."
FIGURES_DENIED = "You may not record figures for this cluster."
ISSUE_DENIED = "You may not resolve this data-quality flag."
ORGANIZATION_EDIT_DENIED = "You may not edit this organization."
CLASSIFY_DENIED = "Only the city administrator may change an organization's helix role."
MEMBERSHIP_EXISTS = "This organization already has that role in the cluster."
MEMBERSHIP_OTHER_CLUSTER = "That membership belongs to another cluster."
ISSUE_ALREADY_RESOLVED = "This data-quality flag is already resolved."
INVALID_CHOICE = "'{value}' is not a valid {field}."
INVALID_WEBSITE = "The website must be an http(s) address."
INVALID_YEAR = "The year must be between 1800 and 2100."
INVALID_FIGURE = "A figure must be a whole number between 0 and 1,000,000."
EMPTY_NAME = "The name cannot be empty."

# (kind, language) -> the section's items, each a text or a (title, text) pair.
AttributeEdits = Mapping[tuple[str, str], Sequence[str | tuple[str, str]]]


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDeniedError(message)


def _choice(value: str, choices: Sequence[str], field: str) -> str:
    if value not in choices:
        raise ApplicationError(INVALID_CHOICE.format(value=value, field=field), code="invalid")
    return value


def _year(value: int | None) -> int | None:
    if value is not None and not 1800 <= value <= 2100:
        raise ApplicationError(INVALID_YEAR, code="invalid")
    return value


def _attribute_items(cluster: Cluster, kind: str, language: str) -> list[tuple[str, str]]:
    return list(
        ClusterAttribute.objects.filter(cluster=cluster, kind=kind, language=language)
        .order_by("position")
        .values_list("title", "text")
    )


def _clean_item(item: str | tuple[str, str]) -> tuple[str, str]:
    title, text = item if isinstance(item, tuple) else ("", item)
    return clean_plain_text(title)[:255], clean_plain_text(text)


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
    _require(actor, "ecosystem.edit_cluster", cluster, CLUSTER_EDIT_DENIED)
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    if name is not None:
        name = clean_plain_text(name)
        if not name:
            raise ApplicationError(EMPTY_NAME, code="invalid")
        fields["name"] = name
        fields["display_name"] = name
    if name_pl is not None:
        fields["name_pl"] = clean_plain_text(name_pl)
    if year_established is not None:
        fields["year_established"] = _year(year_established)
    changed = [k for k, v in fields.items() if getattr(cluster, k) != v]
    if changed:
        before.update(snapshot(cluster, changed))
        for k in changed:
            setattr(cluster, k, fields[k])
        cluster.save(update_fields=changed)
        after.update(snapshot(cluster, changed))
    for (kind, language), items in (attributes or {}).items():
        _choice(kind, EDITABLE_ATTRIBUTE_KINDS, "profile section")
        _choice(language, Language.values, "language")
        new = [(title, text) for title, text in map(_clean_item, items) if text]
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


@transaction.atomic
def cluster_add_member(
    *,
    actor: Any,
    cluster: Cluster,
    organization: Organization,
    role: str = MembershipRole.MEMBER,
    listed_as: str = "",
) -> Membership:
    """List an organisation in a cluster with a role (member, founder, coordinator)."""
    _require(actor, "ecosystem.manage_cluster_members", cluster, MEMBERS_DENIED)
    _choice(role, MembershipRole.values, "membership role")
    if listed_as:
        _choice(listed_as, HelixRole.values, "helix role")
    if Membership.objects.filter(cluster=cluster, organization=organization, role=role).exists():
        raise ApplicationError(MEMBERSHIP_EXISTS, code="conflict")
    last = Membership.objects.filter(cluster=cluster, role=role).aggregate(m=Max("position"))["m"]
    membership = Membership.objects.create(
        cluster=cluster,
        organization=organization,
        role=role,
        listed_as=listed_as,
        position=(last or 0) + 1,
    )
    audit_record(
        actor=actor,
        action="cluster.add_member",
        obj=membership,
        cluster_id=cluster.pk,
        organization_id=organization.pk,
        after=snapshot(membership, ["organization_id", "cluster_id", "role", "listed_as"]),
    )
    _reindex(clusters=[cluster.pk], organizations=[membership.organization_id])
    return membership


@transaction.atomic
def cluster_remove_member(*, actor: Any, cluster: Cluster, membership: Membership) -> None:
    """Remove one membership row of a cluster; the organisation itself stays in the registry."""
    _require(actor, "ecosystem.manage_cluster_members", cluster, MEMBERS_DENIED)
    if membership.cluster_id != cluster.pk:
        raise PermissionDeniedError(MEMBERSHIP_OTHER_CLUSTER)
    before = snapshot(membership, ["organization_id", "cluster_id", "role", "listed_as"])
    audit_record(
        actor=actor,
        action="cluster.remove_member",
        obj=membership,
        cluster_id=cluster.pk,
        organization_id=membership.organization_id,
        before=before,
    )
    membership.delete()
    _reindex(clusters=[cluster.pk], organizations=[membership.organization_id])


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
    _require(actor, "ecosystem.manage_cluster_members", cluster, MEMBERS_DENIED)
    if membership.cluster_id != cluster.pk:
        raise PermissionDeniedError(MEMBERSHIP_OTHER_CLUSTER)
    _choice(role, MembershipRole.values, "membership role")
    if listed_as:
        _choice(listed_as, HelixRole.values, "helix role")
    fields = ["role", "listed_as", "position"]
    before = snapshot(membership, ["role", "listed_as"])
    if role != membership.role:
        if (
            Membership.objects.filter(
                cluster=cluster, organization_id=membership.organization_id, role=role
            )
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise ApplicationError(MEMBERSHIP_EXISTS, code="conflict")
        last = Membership.objects.filter(cluster=cluster, role=role).aggregate(m=Max("position"))
        membership.position = (last["m"] or 0) + 1
        membership.role = role
    if listed_as is not None:
        membership.listed_as = listed_as
    after = snapshot(membership, ["role", "listed_as"])
    if after == before:
        return membership
    membership.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="cluster.change_member_role",
        obj=membership,
        cluster_id=cluster.pk,
        organization_id=membership.organization_id,
        before=before,
        after=after,
    )
    _reindex(clusters=[cluster.pk], organizations=[membership.organization_id])
    return membership


@transaction.atomic
def figure_observe(
    *, actor: Any, cluster: Cluster, kind: str, value: int, as_of: date
) -> FigureObservation:
    """Record a new observation of a stated figure; earlier observations are never changed."""
    _require(actor, "ecosystem.observe_cluster_figures", cluster, FIGURES_DENIED)
    _choice(kind, FigureKind.values, "figure")
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
    _require(actor, "ecosystem.resolve_issue", issue, ISSUE_DENIED)
    issue = DataQualityIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.resolved:
        raise ApplicationError(ISSUE_ALREADY_RESOLVED, code="conflict")
    issue.resolved = True
    issue.save(update_fields=["resolved"])
    audit_record(
        actor=actor,
        action="issue.resolve",
        obj=issue,
        cluster_id=issue.cluster_id,
        organization_id=issue.organization_id,
        before={"resolved": False},
        after={"resolved": True},
    )
    return issue


@transaction.atomic
def organization_update_profile(
    *,
    actor: Any,
    organization: Organization,
    description: str | None = None,
    city: str | None = None,
    website: str | None = None,
    year_established: int | None = None,
    org_type: str | None = None,
    helix_role: str | None = None,
) -> Organization:
    """Change an organisation's own profile; its helix role only by the city administrator."""
    _require(actor, "ecosystem.edit_organization", organization, ORGANIZATION_EDIT_DENIED)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    fields: dict[str, Any] = {}
    if description is not None:
        fields["description"] = clean_plain_text(description)
    if city is not None:
        fields["city"] = clean_plain_text(city)[:120]
    if website is not None:
        website = website.strip()
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError as exc:
                raise ApplicationError(INVALID_WEBSITE, code="invalid") from exc
        fields["website"] = website
    if year_established is not None:
        fields["year_established"] = _year(year_established)
    if org_type is not None:
        fields["org_type"] = _choice(org_type, ["", *OrganizationType.values], "organization type")
    if helix_role is not None and helix_role != organization.helix_role:
        _require(actor, "ecosystem.classify_organization", organization, CLASSIFY_DENIED)
        fields["helix_role"] = _choice(helix_role, ["", *HelixRole.values], "helix role")
        fields["helix_role_basis"] = "set by the city administrator"
    changed = [k for k, v in fields.items() if getattr(organization, k) != v]
    if not changed:
        return organization
    before = snapshot(organization, changed)
    for k in changed:
        setattr(organization, k, fields[k])
    organization.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="organization.update_profile",
        obj=organization,
        organization_id=organization.pk,
        before=before,
        after=snapshot(organization, changed),
    )
    _reindex(organizations=[organization.pk])
    return organization


def _reindex(*, clusters: Sequence[int] = (), organizations: Sequence[int] = ()) -> None:
    """Queue the changed records for the search index (drained after commit)."""
    enqueue_many(DocumentKind.CLUSTER, clusters)
    enqueue_many(DocumentKind.ORGANIZATION, organizations)


# -- System writes: trusted callers only (commands, importers, tests), never a view or the API,
# so they take no permission check; people's writes go through the services above.

ORGANIZATION_EXISTS = "An organization named '{name}' already exists."
ORGANIZATION_MISSING = "No organization with id {pk}."
_ADMIN_EDITABLE = {
    "name",
    "helix_role",
    "org_type",
    "year_established",
    "description",
    "city",
    "website",
}


def _cluster_ids(org: Organization) -> list[int]:
    return list(org.memberships.values_list("cluster_id", flat=True).distinct())


@transaction.atomic
def organization_create(*, name: str, actor: Any = None, **fields: Any) -> Organization:
    """Create an organisation (merged by normalized name: a duplicate is refused)."""
    unknown = set(fields) - _ADMIN_EDITABLE
    if unknown:
        raise ApplicationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    key = normalize_name(name)
    if Organization.objects.filter(normalized_name=key).exists():
        raise ApplicationError(ORGANIZATION_EXISTS.format(name=name), code="duplicate")
    slug = unique_slug(name, Organization)
    org = Organization.objects.create(name=name, normalized_name=key, slug=slug, **fields)
    enqueue(DocumentKind.ORGANIZATION, org.pk)
    return org


@transaction.atomic
def organization_update(*, pk: int, actor: Any = None, **fields: Any) -> Organization:
    """Change an organisation's editable fields."""
    unknown = set(fields) - _ADMIN_EDITABLE
    if unknown:
        raise ApplicationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    org = Organization.objects.select_for_update().filter(pk=pk).first()
    if org is None:
        raise NotFoundError(ORGANIZATION_MISSING.format(pk=pk))
    for name, value in fields.items():
        setattr(org, name, value)
    update_fields = list(fields)
    if "name" in fields:
        org.normalized_name = normalize_name(fields["name"])
        update_fields.append("normalized_name")
    org.save(update_fields=update_fields)
    enqueue(DocumentKind.ORGANIZATION, org.pk)
    enqueue_many(DocumentKind.CLUSTER, _cluster_ids(org))
    return org


@transaction.atomic
def organization_delete(*, pk: int, actor: Any = None) -> None:
    """Delete an organisation and its memberships."""
    org = Organization.objects.filter(pk=pk).first()
    if org is None:
        raise NotFoundError(ORGANIZATION_MISSING.format(pk=pk))
    clusters = _cluster_ids(org)
    # Queued before the delete, while its profiles (deleted with it) can still be found.
    enqueue(DocumentKind.ORGANIZATION, pk)
    org.delete()
    enqueue_many(DocumentKind.CLUSTER, clusters)
