"""``notify``: an in-app record in both languages always, an e-mail after commit unless the
person turned that kind's e-mail off; marking read; preferences per kind."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from highlands.errors import ApplicationError, PermissionDeniedError
from highlands.notifications import selectors, services
from highlands.notifications.models import Notification
from highlands.notifications.registry import register_kind
from tests.accounts.fixtures import make_user

register_kind("test.hello", label="Test greetings")
register_kind("test.quiet", label="Test quiet", email_default=False)
# "Your seat is confirmed: %(title)s" is in the Polish catalogue (events uses it).
SUBJECT = "Your seat is confirmed: %(title)s"


@pytest.fixture
def person(db):
    return make_user("reader@example.org", first_name="Reader")


def test_notify_keeps_both_languages_and_mails_after_commit(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        note = services.notify(
            recipient=person,
            kind="test.hello",
            subject=SUBJECT,
            body="Hello %(title)s",
            url="/events/1/",
            context={"title": lambda lang: f"T-{lang}"},
            language="pl",
            attachments=lambda lang: [("a.txt", lang.encode(), "text/plain")],
        )
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert note.subject_en == "Your seat is confirmed: T-en"
    assert note.subject_pl.startswith("Twoje miejsce")
    assert note.subject_pl.endswith("T-pl")
    assert note.body_en == "Hello T-en"
    assert note.emailed
    [message] = mail.outbox
    assert message.to == [person.email]
    assert "T-pl" in message.subject
    assert "/events/1/" in message.body
    assert reverse("notifications:preferences") in message.body
    assert message.attachments[0][1] in (b"pl", "pl")


def test_email_off_for_a_kind_keeps_the_in_app_record(person, django_capture_on_commit_callbacks):
    services.preferences_update(actor=person, email={"test.hello": False})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipient=person, kind="test.hello", subject=SUBJECT, context={"title": "x"}
        )
        services.notify(
            recipient=person, kind="test.quiet", subject=SUBJECT, context={"title": "y"}
        )
    assert mail.outbox == []
    assert selectors.unread_count(person) == 2
    assert Notification.objects.filter(user=person, emailed=False).count() == 2
    choices = {c.kind: c.email for c in selectors.email_choices(person)}
    assert choices["test.hello"] is False
    assert choices["test.quiet"] is False
    assert choices["events.reminder"] is True  # untouched kinds keep their default


def test_preferences_refuse_unknown_kinds_and_anonymous_people(person):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ApplicationError, match="'nope' is not a kind of notification"):
        services.preferences_update(actor=person, email={"nope": True})
    with pytest.raises(PermissionDeniedError):
        services.preferences_update(actor=AnonymousUser(), email={"test.hello": True})
    with pytest.raises(PermissionDeniedError):
        services.notifications_mark_read(actor=AnonymousUser())


def test_an_unregistered_kind_is_a_programming_error(person):
    with pytest.raises(ValueError, match="unknown notification kind"):
        services.notify(recipient=person, kind="test.unknown", subject="x")


def test_mark_read_touches_only_ones_own(person):
    other = make_user("other@example.org")
    mine = services.notify(
        recipient=person, kind="test.hello", subject=SUBJECT, context={"title": "a"}
    )
    theirs = services.notify(
        recipient=other, kind="test.hello", subject=SUBJECT, context={"title": "b"}
    )
    assert services.notifications_mark_read(actor=person, ids=[mine.pk, theirs.pk]) == 1
    assert selectors.unread_count(person) == 0
    assert selectors.unread_count(other) == 1
