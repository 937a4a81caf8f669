"""Reads of single records the workspace acts on (404 when absent or out of scope)."""

from __future__ import annotations

from typing import Any

from ..accounts.models import ApiToken, Consent, ContactPerson
from ..ecosystem.models import Cluster, DataQualityIssue, Membership
from ..errors import NotFoundError

NOT_FOUND = "Not found."


def membership_get(*, cluster: Cluster, pk: int) -> Membership:
    membership = (
        Membership.objects.select_related("organization").filter(pk=pk, cluster=cluster).first()
    )
    if membership is None:
        raise NotFoundError(NOT_FOUND)
    return membership


def issue_get(*, pk: int) -> DataQualityIssue:
    issue = DataQualityIssue.objects.select_related("cluster").filter(pk=pk).first()
    if issue is None:
        raise NotFoundError(NOT_FOUND)
    return issue


def cluster_issues(*, cluster: Cluster) -> list[DataQualityIssue]:
    return list(
        DataQualityIssue.objects.filter(cluster=cluster).order_by(
            "resolved", "severity", "code", "id"
        )
    )


def cluster_memberships(*, cluster: Cluster) -> list[Membership]:
    return list(
        Membership.objects.filter(cluster=cluster)
        .select_related("organization")
        .order_by("role", "position")
    )


def contact_get(*, pk: int) -> ContactPerson:
    person = ContactPerson.objects.select_related("organization", "cluster").filter(pk=pk).first()
    if person is None:
        raise NotFoundError(NOT_FOUND)
    return person


def token_get(*, user: Any, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise NotFoundError(NOT_FOUND)
    return token


def consent_get(*, user: Any, pk: int) -> Consent:
    consent = Consent.objects.filter(pk=pk, user=user).first()
    if consent is None:
        raise NotFoundError(NOT_FOUND)
    return consent
