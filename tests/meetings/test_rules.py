"""Who may do what, as a role × object matrix: a participant sees the session's participants,
their own requests and their own agenda; the organiser (and the city office) all of their
event; everybody else nothing. The selectors answer 404 where the rules say no."""

from __future__ import annotations

import pytest

from highlands.errors import NotFoundError
from highlands.meetings import selectors, services
from highlands.meetings.models import Meeting

from .conftest import Brokerage

ROLES = ("anonymous", "visitor", "outsider", "anna", "bolek", "cezary", "organiser", "city_admin")


def _actor(b: Brokerage, role: str):
    from django.contrib.auth.models import AnonymousUser

    if role == "anonymous":
        return AnonymousUser()
    if role in ("visitor", "city_admin"):
        return b.world.users[role]
    if role == "outsider":
        return b.outsider
    if role == "organiser":
        return b.organiser
    return b.people[role].user


@pytest.fixture
def scene(brokerage):
    """Anna asked Bolek (accepted, scheduled and published); Bolek asked Cezary (pending)."""
    b = brokerage
    ab = services.request_create(
        actor=b.people["anna"].user, recipient=b.people["bolek"], reason="x"
    )
    services.request_decide(actor=b.people["bolek"].user, request=ab, accept=True)
    bc = services.request_create(
        actor=b.people["bolek"].user, recipient=b.people["cezary"], reason="y"
    )
    services.schedule_run(actor=b.organiser, session=b.session, time_limit=5)
    services.schedule_publish(actor=b.organiser, session=b.session)
    meeting = Meeting.objects.get(request=ab)
    objects = {
        "session": b.session,
        "anna": b.people["anna"],
        "request_ab": ab,
        "request_bc": bc,
        "meeting_ab": meeting,
    }
    return b, objects


# perm, object: the roles that hold it (every other role must not).
MATRIX = [
    ("meetings.view_session", "session", {"anna", "bolek", "cezary", "organiser", "city_admin"}),
    ("meetings.manage_session", "session", {"organiser", "city_admin"}),
    ("meetings.send_request", "session", {"anna", "bolek", "cezary"}),
    ("meetings.add_request", "session", {"organiser", "city_admin"}),
    ("meetings.view_participant", "anna", {"anna", "bolek", "cezary", "organiser", "city_admin"}),
    ("meetings.edit_participant", "anna", {"anna", "organiser", "city_admin"}),
    ("meetings.view_request", "request_ab", {"anna", "bolek", "organiser", "city_admin"}),
    ("meetings.view_request", "request_bc", {"bolek", "cezary", "organiser", "city_admin"}),
    ("meetings.decide_request", "request_bc", {"cezary"}),
    ("meetings.withdraw_request", "request_bc", {"bolek"}),
    ("meetings.view_meeting", "meeting_ab", {"anna", "bolek", "organiser", "city_admin"}),
    ("meetings.record_outcome", "meeting_ab", {"anna", "bolek"}),
    ("meetings.answer_offer", "meeting_ab", {"anna", "bolek"}),
]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(scene, role):
    b, objects = scene
    actor = _actor(b, role)
    for perm, name, allowed in MATRIX:
        assert actor.has_perm(perm, objects[name]) is (role in allowed), (perm, name, role)


@pytest.mark.parametrize("role", ROLES)
def test_selectors_hide_what_the_rules_deny(scene, role):
    b, objects = scene
    actor = _actor(b, role)
    checks = [
        (lambda: selectors.session_get(user=actor, pk=b.session.pk), "view_session", "session"),
        (
            lambda: selectors.session_get(user=actor, pk=b.session.pk, manage=True),
            "manage_session",
            "session",
        ),
        (
            lambda: selectors.request_get(user=actor, pk=objects["request_bc"].pk),
            "view_request",
            "request_bc",
        ),
        (
            lambda: selectors.meeting_get(user=actor, pk=objects["meeting_ab"].pk),
            "view_meeting",
            "meeting_ab",
        ),
        (
            lambda: selectors.participant_get(user=actor, session=b.session, pk=objects["anna"].pk),
            "view_participant",
            "anna",
        ),
    ]
    for read, perm, name in checks:
        allowed = actor.has_perm(f"meetings.{perm}", objects[name])
        if allowed:
            assert read() is not None
        else:
            with pytest.raises(NotFoundError):
                read()


def test_another_clusters_coordinator_does_not_manage(scene, world):
    from highlands.accounts.models import ClusterCoordinator
    from tests.accounts.fixtures import make_user

    _b, objects = scene
    other = make_user("other-coordinator@example.org")
    ClusterCoordinator.objects.create(user=other, cluster=world.clusters["other"])
    for perm, name, _allowed in MATRIX:
        assert not other.has_perm(perm, objects[name]), perm
