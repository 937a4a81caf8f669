"""Property-based fuzzing of the whole API with schemathesis, as every role.

Each operation is called anonymously and with the bearer token of a member organisation's
representative, of a cluster's coordinator and of the city office, against the imported and
*indexed* source document (without an index the search engine never sees a filter) with the
marketplace's demo profiles, interests and confirmations (small ids, so examples reach them). Every
schemathesis check runs: no 5xx, documented status codes, content types and headers,
response bodies that conform to their schema, schema-valid requests not refused as invalid
(422) and schema-violating ones not accepted. A schema-valid request may still get a 400:
that is the domain refusing it (a duplicate, an already resolved flag, year_min > year_max).

Seeded and bounded for CI: ``HIGHLANDS_FUZZ_EXAMPLES`` examples per operation and role
(default 20; schemathesis' coverage phase adds each parameter's boundary values), seed
``HIGHLANDS_FUZZ_SEED``. To run it longer: ``HIGHLANDS_FUZZ_EXAMPLES=500 .venv/bin/pytest
tests/api/test_fuzz.py`` (and another seed for other examples).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "representative", "coordinator", "city_admin")
MAX_EXAMPLES = int(os.environ.get("HIGHLANDS_FUZZ_EXAMPLES", "20"))
SEED = int(os.environ.get("HIGHLANDS_FUZZ_SEED", "20260101"))

CHECKS = {
    # Every built-in check runs (schemathesis' default); these two are named to be sure.
    "not_a_server_error": {"enabled": True},
    "response_schema_conformance": {"enabled": True},
    # 400 is the domain refusing a well-formed request; only 422 says the schema lied.
    "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404"]},
}


def _schema(phase: str) -> schemathesis.BaseSchema:
    # pytest-django has set Django up before collection: the schema loads from the app itself.
    phases = {name: {"enabled": name == phase} for name in ("examples", "coverage", "fuzzing")}
    config = schemathesis.Config.from_dict({"seed": SEED, "checks": CHECKS, "phases": phases})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=config)


fuzzing = _schema("fuzzing")
boundaries = _schema("coverage")


@pytest.fixture(scope="module")
def bearer(shared_index, django_db_blocker) -> dict[str, dict[str, str]]:
    """The marketplace's demo profiles on the shared seed, and ``Authorization`` headers of
    one user per role: the representative of an organisation that posts demo profiles, the
    coordinator of its cluster, the city office (and none for an anonymous visitor)."""
    from highlands.accounts.models import ClusterCoordinator, OrganizationRepresentative, User
    from highlands.accounts.services import api_token_create
    from highlands.ecosystem.models import Membership
    from highlands.marketplace.demo import demo_load

    with django_db_blocker.unblock():
        demo_load()  # indexed into the shared index as it commits
        membership = (
            Membership.objects.filter(organization__cooperation_profiles__isnull=False)
            .select_related("cluster", "organization")
            .earliest("pk")
        )
        users = {
            "representative": User.objects.create_user(username="rep", email="rep@example.org"),
            "coordinator": User.objects.create_user(username="coord", email="co@example.org"),
            "city_admin": User.objects.create_user(
                username="city", email="city@example.org", is_city_admin=True
            ),
        }
        OrganizationRepresentative.objects.create(
            user=users["representative"], organization=membership.organization
        )
        ClusterCoordinator.objects.create(user=users["coordinator"], cluster=membership.cluster)
        tokens = {role: api_token_create(actor=u, name="fuzz")[1] for role, u in users.items()}
    return {"anonymous": {}} | {
        role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()
    }


@pytest.fixture
def in_process_requests(shared_index, db):
    """Like django.test.Client, a request must not close the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("role", ROLES)
@fuzzing.parametrize()
@SETTINGS
def test_every_role_gets_answers_that_match_the_schema(case, role, bearer, in_process_requests):
    case.call_and_validate(headers=bearer[role])


@boundaries.parametrize()
@SETTINGS
def test_parameter_boundaries_are_answered_as_documented(case, bearer, in_process_requests):
    # Every boundary and type violation of each parameter (schemathesis' coverage phase),
    # as the city office, whom authentication lets through to validation everywhere.
    case.call_and_validate(headers=bearer["city_admin"])
