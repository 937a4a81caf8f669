"""The services' refusals reach people in their language (``web/messages.py``)."""

from __future__ import annotations

import inspect
from http import HTTPStatus

from django.utils import translation

from highlands.accounts import services as accounts
from highlands.audit import selectors as audit
from highlands.ecosystem import exports
from highlands.ecosystem import services as ecosystem
from highlands.events import services as events
from highlands.events import views as events_views
from highlands.funding import services as funding
from highlands.marketplace import services as marketplace
from highlands.marketplace import views as marketplace_views
from highlands.notifications import services as notifications
from highlands.web.messages import KNOWN_ERRORS, error_message
from highlands.workspace import views as workspace_views
from tests.accounts.fixtures import World
from tests.accounts.fixtures import world as world  # a fixture

MODULES = [
    accounts, audit, ecosystem, events, events_views, exports, funding, marketplace,
    marketplace_views, notifications, workspace_views,
]  # fmt: skip
# Constants that are never shown to a person on a page (internal invariants of the services).
NOT_SHOWN = {
    accounts.INVITATION_NEEDS_ONE_TARGET,
    accounts.CONTACT_NEEDS_ONE_SUBJECT,
    accounts.CONTACT_NEEDS_ONE_TARGET,
    ecosystem.RAISE_DENIED,  # flags are raised by code acting as SYSTEM; no person reaches it
}


def _sentences(module) -> dict[str, str]:
    """The module's UPPER_CASE message constants without values to fill in."""
    return {
        name: value
        for name, value in inspect.getmembers(module)
        if name.isupper()
        and isinstance(value, str)
        and " " in value
        and value.endswith(".")
        and "{" not in value
    }


def test_every_refusal_of_the_services_is_listed_and_translated():
    missing, untranslated = [], []
    for module in MODULES:
        for name, message in _sentences(module).items():
            if message in NOT_SHOWN:
                continue
            if message not in KNOWN_ERRORS:
                missing.append(f"{module.__name__}.{name}")
                continue
            with translation.override("pl"):
                if error_message(message) == (message, True):
                    untranslated.append(message)
    assert missing == [], "add these to highlands/web/messages.py"
    assert untranslated == []
    assert len(KNOWN_ERRORS) > 40


def test_a_refusal_on_a_polish_page_is_polish(client, world: World):
    client.force_login(world.users["visitor"])
    response = client.get("/pl/marketplace/new/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    body = response.content.decode()
    assert "Brak uprawnień do publikowania profili w imieniu tej organizacji." in body
    assert "You may not" not in body


def test_a_message_with_values_is_shown_as_written_and_marked_english(client, seeded):
    body = client.get("/pl/clusters/no-such-cluster/").content.decode()
    assert "Pod tym adresem nie ma strony." in body
    details = body.split("<details", 1)[1]  # the service's own words, behind a toggle
    assert '<p lang="en">No cluster with the slug' in details
