"""Every field of every app that points at a person is covered by the GDPR export and the
erasure (``accounts.gdpr``): declared once (``ACCOUNT_REFERENCES`` or an app's
``register_personal_data``), listed by the export, and gone after erasure unless it is kept
on purpose, with its reason. A new app's foreign key to the user model fails here until its
app declares it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from highlands.accounts import gdpr
from highlands.events.models import Event
from tests.accounts.fixtures import make_user
from tests.web.conftest import site as site  # the page walk's world of every app

# The references a world of every app must exercise, so the walk below is not vacuous.
EXERCISED = {
    "accounts.ApiToken.user",
    "accounts.Consent.user",
    "accounts.OrganizationRepresentative.user",
    "audit.AuditEntry.actor",
    "notifications.Notification.user",
    "events.Registration.user",
    "meetings.Participant.user",
    "meetings.MeetingRequest.created_by",
    "funding.CallApplication.owner",
    "funding.MembershipApplication.submitted_by",
    "funding.OrganizationFact.stated_by",
    "marketplace.Follow.user",
    "marketplace.SavedSearch.user",
    "marketplace.Interest.author",
}


def references_to_people() -> dict[str, models.Field[Any, Any]]:
    """Every foreign key, one-to-one and many-to-many field of every installed model that
    points at the user model, as ``app_label.Model.field``."""
    user_model = get_user_model()
    found = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            # A many-to-many field has no column (``concrete`` is false): asked for by name.
            forward = field.concrete or (field.many_to_many and not field.auto_created)
            if forward and field.is_relation and field.related_model is user_model:
                found[f"{model._meta.label}.{field.name}"] = field
    return found


def declared() -> dict[str, tuple[str, str]]:
    """Every reference the export and erasure say they cover, with (export path, fate)."""
    every = dict(gdpr.ACCOUNT_REFERENCES)
    for share in gdpr.personal_data():
        assert not every.keys() & share.references.keys(), share.section
        every |= share.references
    return every


def test_every_reference_to_a_person_is_declared() -> None:
    walked, covered = set(references_to_people()), set(declared())
    assert walked - covered == set(), (
        "These fields point at a person but neither the GDPR export nor the erasure covers "
        "them: declare them with accounts.gdpr.register_personal_data in the app's ready()"
    )
    assert covered - walked == set(), "declared fields that no longer exist"
    assert len(walked) >= 40  # the walk sees every app


def test_every_fate_is_known_and_every_kept_reference_says_why() -> None:
    for name, (path, fate) in declared().items():
        assert path, name
        if fate.startswith("kept: "):
            assert len(fate) > len("kept: ") + 20, f"{name}: say why it must stay"
        else:
            assert fate in (gdpr.DELETED, gdpr.CLEARED), f"{name}: unknown fate {fate!r}"


def test_the_walk_finds_a_new_reference() -> None:
    """The walk itself is not blind: a model of a new app with a foreign key to people is
    reported (built on the fly, never migrated)."""

    class Forgotten(models.Model):
        person = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        one = models.OneToOneField(get_user_model(), on_delete=models.CASCADE, related_name="+")
        people = models.ManyToManyField(get_user_model(), related_name="+")

        class Meta:
            app_label = "audit"

        def __str__(self) -> str:
            return f"forgotten {self.pk}"

    try:
        missed = set(references_to_people()) - set(declared())
        assert {"audit.Forgotten.person", "audit.Forgotten.one", "audit.Forgotten.people"} <= missed
    finally:
        apps.all_models["audit"].pop("forgotten", None)
        apps.all_models["audit"].pop("forgotten_people", None)  # its many-to-many table
        apps.clear_cache()


def _dig(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        data = data[key]
    return data


def _rows(field: models.Field[Any, Any], user: Any) -> int:
    return int(field.model._default_manager.filter(**{field.name: user}).count())


@pytest.mark.django_db
def test_export_lists_and_erasure_removes_every_reference_in_a_world_of_every_app(
    site: Any,
) -> None:
    fields, fates = references_to_people(), declared()
    exercised: set[str] = set()
    people = list(get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk"))
    assert len(people) >= 6
    office = make_user("data-protection@example.org", is_city_admin=True)  # reads afterwards
    # Addresses held as data, not as a relation: every person is on an invitation list.
    invited = Event.objects.order_by("pk").first()
    assert invited is not None
    Event.objects.filter(pk=invited.pk).update(
        invitees=[p.email.upper() for p in people] + ["stays@example.org"]
    )
    for person in people:
        counts = {name: _rows(field, person) for name, field in fields.items()}
        exercised |= {name for name, n in counts.items() if n}
        data = gdpr.person_export(actor=person, user=person)
        text = json.dumps(data, cls=DjangoJSONEncoder)  # all of it is JSON
        assert person.email in text
        for name, n in counts.items():
            listed = _dig(data, fates[name][0])
            assert len(listed) >= min(n, 1), f"{person.email}: the export misses {name}"
        assert data["events"]["invitations"], f"{person.email}: the export misses an invitation"
        email = person.email
        gdpr.user_erase(actor=person, user=person)
        for name, field in fields.items():
            fate = fates[name][1]
            if fate in (gdpr.DELETED, gdpr.CLEARED):
                assert _rows(field, person) == 0, f"{email}: erasure left {name}"
        invited.refresh_from_db()
        assert email.upper() not in invited.invitees, f"{email} is still invited"
        assert "stays@example.org" in invited.invitees
        person.refresh_from_db()
        after = json.dumps(gdpr.person_export(actor=office, user=person), cls=DjangoJSONEncoder)
        assert person.email == ""
        assert not email or email not in after, f"{email} is still in the export after erasure"
    assert exercised >= EXERCISED, f"the world lacks {EXERCISED - exercised}"
