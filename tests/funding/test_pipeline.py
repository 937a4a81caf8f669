"""The application pipeline and consortium building: stages that only move forward with
dates, amounts, partners invited and answering through their own representatives, the
coordinator's board of shared entries — and who may do what, as a role × object matrix."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from highlands.accounts.models import ClusterCoordinator, OrganizationRepresentative
from highlands.accounts.services import api_token_create
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Cluster, Organization
from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.funding import selectors, services
from highlands.funding.models import CallApplication, InvitationStatus
from highlands.servicekit import SYSTEM
from tests.accounts.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(shared_seed):
    return shared_seed


def make_call(identifier: str = "FELU.10.01-IZ.00-001/25", days: int = 30, **extra):
    data = {
        "programme": "European Funds for Lubelskie 2021-2027",
        "identifier": identifier,
        "title": "Circular economy in SMEs",
        "closes_at": timezone.now() + timedelta(days=days),
        "topics": ["circular economy"],
        **extra,
    }
    return services.call_create(actor=SYSTEM, data=data)


@pytest.fixture
def world(funding):
    """The applicant is a member of the metal cluster; a partner company with its own
    representative; the coordinator of another cluster."""
    funding.join_metal()
    partner = Organization.objects.create(
        slug="lublin-robotics",
        name="Lublin Robotics",
        normalized_name="lublin robotics",
        helix_role="business",
        org_type="company",
    )
    users = dict(funding.users)
    users["partner"] = make_user("partner@lublin-robotics.example")
    OrganizationRepresentative.objects.create(user=users["partner"], organization=partner)
    users["other_coordinator"] = make_user("othercoord@other.example")
    other = Cluster.objects.exclude(pk=funding.metal.pk).order_by("pk").first()
    ClusterCoordinator.objects.create(user=users["other_coordinator"], cluster=other)
    return funding, partner, users


def test_stages_move_forward_with_dates_and_amounts(world) -> None:
    funding, _partner, users = world
    rep = users["representative"]
    entry = services.pipeline_entry_create(
        actor=rep, call=make_call(), organization=funding.applicant, requested_eur=250_000
    )
    assert entry.stage == "interested"
    assert entry.owner == rep
    services.pipeline_entry_update(actor=rep, entry=entry, data={"stage": "preparing"})
    services.pipeline_entry_update(
        actor=rep, entry=entry, data={"stage": "submitted"}, stage_note="Sent via WOD2021"
    )
    with pytest.raises(ApplicationError, match="moves forward") as caught:
        services.pipeline_entry_update(actor=rep, entry=entry, data={"stage": "preparing"})
    assert caught.value.extra["field"] == "stage"
    with pytest.raises(ApplicationError, match="only when the application is awarded"):
        services.pipeline_entry_update(actor=rep, entry=entry, data={"granted_eur": 200_000})
    services.pipeline_entry_update(
        actor=rep, entry=entry, data={"stage": "awarded", "granted_eur": 200_000}
    )
    entry.refresh_from_db()
    assert (entry.stage, entry.requested_eur, entry.granted_eur) == ("awarded", 250_000, 200_000)
    history = selectors.stage_history(entry=entry)
    assert [c.stage for c in history] == ["interested", "preparing", "submitted", "awarded"]
    assert history[2].note == "Sent via WOD2021"
    assert history[2].changed_by == rep
    with pytest.raises(ApplicationError, match="already awarded"):
        services.pipeline_entry_update(actor=rep, entry=entry, data={"stage": "withdrawn"})
    actions = AuditEntry.objects.filter(action__startswith="call_application.").count()
    assert actions == 4  # created, then three moves


def test_withdrawn_from_any_open_stage_and_bad_values_change_nothing(world) -> None:
    funding, _partner, users = world
    rep = users["representative"]
    entry = services.pipeline_entry_create(
        actor=rep, call=make_call(), organization=funding.applicant
    )
    for data, field in [
        ({"stage": "won"}, None),
        ({"requested_eur": -5}, "requested_eur"),
        ({"stage": "preparing", "owner": users["stranger"]}, "owner"),
    ]:
        with pytest.raises(ApplicationError) as caught:
            services.pipeline_entry_update(actor=rep, entry=entry, data=data)
        if field:
            assert caught.value.extra["field"] == field
    entry.refresh_from_db()
    assert entry.stage == "interested"
    assert entry.requested_eur is None
    services.pipeline_entry_update(actor=rep, entry=entry, data={"stage": "withdrawn"})
    assert CallApplication.objects.get().stage == "withdrawn"


def test_a_closed_call_and_a_second_entry_are_refused(world) -> None:
    funding, _partner, users = world
    rep = users["representative"]
    call = make_call()
    services.pipeline_entry_create(actor=rep, call=call, organization=funding.applicant)
    with pytest.raises(ApplicationError, match="already follows this call"):
        services.pipeline_entry_create(actor=rep, call=call, organization=funding.applicant)
    closed = make_call("FELU-CLOSED", opens_at=timezone.now() - timedelta(days=60), days=-1)
    with pytest.raises(ApplicationError, match="The call is closed"):
        services.pipeline_entry_create(actor=rep, call=closed, organization=funding.applicant)


def test_consortium_invitation_is_answered_by_the_invited_organisation(world) -> None:
    funding, partner, users = world
    rep = users["representative"]
    entry = services.pipeline_entry_create(
        actor=rep, call=make_call(), organization=funding.applicant
    )
    member = services.consortium_invite(
        actor=rep, entry=entry, organization=partner, message="Robotic welding cell?"
    )
    assert member.role == "partner"
    assert member.status == "invited"
    with pytest.raises(ApplicationError, match="already invited"):
        services.consortium_invite(actor=rep, entry=entry, organization=partner)
    with pytest.raises(ApplicationError, match="already in its consortium"):
        services.consortium_invite(actor=rep, entry=entry, organization=funding.applicant)
    for role in ("representative", "coordinator", "city_admin", "stranger"):
        with pytest.raises(PermissionDeniedError):
            services.consortium_answer(actor=users[role], member=member, accept=True)
    services.consortium_answer(actor=users["partner"], member=member, accept=True)
    with pytest.raises(ApplicationError, match="already accepted"):
        services.consortium_answer(actor=users["partner"], member=member, accept=False)
    consortium = selectors.consortium_of(entry=entry)
    assert [(m.organization.slug, m.role, m.status) for m in consortium] == [
        (funding.applicant.slug, "lead", "accepted"),
        ("lublin-robotics", "partner", "accepted"),
    ]
    # The partner sees the entry in its own pipeline, as an invited member.
    assert entry in selectors.pipeline_of_organization(organization=partner)


def test_invitation_mail_reaches_the_partners_representatives(
    world, django_capture_on_commit_callbacks
) -> None:
    funding, partner, users = world
    rep = users["representative"]
    entry = services.pipeline_entry_create(
        actor=rep, call=make_call(), organization=funding.applicant
    )
    with django_capture_on_commit_callbacks(execute=True):
        member = services.consortium_invite(actor=rep, entry=entry, organization=partner)
    assert [m.to for m in mail.outbox] == [["partner@lublin-robotics.example"]]
    assert "FELU.10.01-IZ.00-001/25" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.consortium_answer(actor=users["partner"], member=member, accept=False)
    assert mail.outbox[-1].to == ["rep@rzeszow-metal.example"]
    assert "declined" in mail.outbox[-1].subject


def test_the_coordinators_board_shows_shared_entries_of_members_only(world) -> None:
    funding, partner, users = world
    rep = users["representative"]
    private = services.pipeline_entry_create(
        actor=rep, call=make_call("A-1"), organization=funding.applicant
    )
    shared = services.pipeline_entry_create(
        actor=rep, call=make_call("A-2"), organization=funding.applicant, shared=True
    )
    services.pipeline_entry_update(actor=rep, entry=shared, data={"stage": "submitted"})
    services.pipeline_entry_update(
        actor=rep, entry=shared, data={"stage": "awarded", "granted_eur": 120_000}
    )
    # A non-member's shared entry is not on the board.
    OrganizationRepresentative.objects.create(user=users["stranger"], organization=partner)
    services.pipeline_entry_create(
        actor=users["stranger"], call=make_call("A-3"), organization=partner, shared=True
    )
    assert selectors.member_pipeline(cluster=funding.metal) == [shared]
    assert private not in selectors.member_pipeline(cluster=funding.metal)
    assert selectors.funding_won(cluster=funding.metal) == 120_000


# --- the matrix ---------------------------------------------------------------------------

ROLES = ("representative", "partner", "coordinator", "other_coordinator", "city_admin", "stranger")
# (permission, {role: allowed}) on a shared entry with an invited partner.
MATRIX = {
    "funding.view_pipeline_entry": {"representative", "partner", "coordinator"},
    "funding.change_pipeline_entry": {"representative"},
}
PRIVATE_MATRIX = {
    "funding.view_pipeline_entry": {"representative", "partner"},
    "funding.change_pipeline_entry": {"representative"},
}


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_and_changes_an_entry(world, role, shared) -> None:
    funding, partner, users = world
    entry = services.pipeline_entry_create(
        actor=users["representative"],
        call=make_call(),
        organization=funding.applicant,
        shared=shared,
    )
    services.consortium_invite(actor=users["representative"], entry=entry, organization=partner)
    matrix = MATRIX if shared else PRIVATE_MATRIX
    for perm, allowed in matrix.items():
        assert users[role].has_perm(perm, entry) is (role in allowed), (perm, role)
    # The API answers as the rules say: 404 for an entry one may not see, 403 for a change.
    token = api_token_create(actor=users[role], name="t")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    seen = client.get(f"/api/v1/funding/pipeline/{entry.pk}")
    can_see = role in matrix["funding.view_pipeline_entry"]
    assert seen.status_code == (HTTPStatus.OK if can_see else HTTPStatus.NOT_FOUND)
    changed = client.patch(
        f"/api/v1/funding/pipeline/{entry.pk}",
        {"stage": "preparing"},
        content_type="application/json",
    )
    if role == "representative":
        assert changed.status_code == HTTPStatus.OK
        assert [s["stage"] for s in changed.json()["stages"]] == ["interested", "preparing"]
    else:
        assert changed.status_code == (HTTPStatus.FORBIDDEN if can_see else HTTPStatus.NOT_FOUND)
        entry.refresh_from_db()
        assert entry.stage == "interested"


@pytest.mark.parametrize("role", ROLES)
def test_who_creates_entries_and_sees_the_board(world, role) -> None:
    funding, _partner, users = world
    user = users[role]
    call = make_call()
    if role == "representative":
        services.pipeline_entry_create(actor=user, call=call, organization=funding.applicant)
    else:
        with pytest.raises(PermissionDeniedError):
            services.pipeline_entry_create(actor=user, call=call, organization=funding.applicant)
    token = api_token_create(actor=user, name="t")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    board = client.get(f"/api/v1/funding/clusters/{funding.metal.slug}/pipeline")
    allowed = role in {"coordinator", "city_admin"}
    assert board.status_code == (HTTPStatus.OK if allowed else HTTPStatus.FORBIDDEN)
    listing = client.get(f"/api/v1/funding/organizations/{funding.applicant.slug}/pipeline")
    assert listing.status_code == (
        HTTPStatus.OK if role == "representative" else HTTPStatus.FORBIDDEN
    )


def test_the_api_walks_the_whole_pipeline(world) -> None:
    funding, partner, users = world
    call = make_call()
    lead = Client(
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=users['representative'], name='t')[1]}"
    )
    created = lead.post(
        "/api/v1/funding/pipeline",
        {"call": call.slug, "organization": funding.applicant.slug, "requested_eur": 90000},
        content_type="application/json",
    )
    assert created.status_code == HTTPStatus.CREATED
    entry = created.json()
    assert entry["consortium"][0]["role"] == "lead"
    invited = lead.post(
        f"/api/v1/funding/pipeline/{entry['id']}/partners",
        {"organization": partner.slug, "message": "Join us"},
        content_type="application/json",
    )
    assert invited.status_code == HTTPStatus.CREATED
    other = Client(
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=users['partner'], name='t')[1]}"
    )
    answered = other.post(f"/api/v1/funding/invitations/{invited.json()['id']}/accept")
    assert answered.status_code == HTTPStatus.OK
    assert answered.json()["status"] == InvitationStatus.ACCEPTED
    again = lead.post(
        "/api/v1/funding/pipeline",
        {"call": call.slug, "organization": funding.applicant.slug},
        content_type="application/json",
    )
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert "already follows this call" in again.json()["message"]
    candidates = lead.get(f"/api/v1/funding/pipeline/{entry['id']}/candidates")
    assert candidates.status_code == HTTPStatus.OK
    assert partner.slug not in [c["organization"] for c in candidates.json()]
