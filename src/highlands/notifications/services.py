"""Every write of notifications: ``notify`` (the one way any app tells a person something),
marking read, and a person's e-mail preferences.

``notify`` keeps an in-app record in English and Polish (so the list reads in the reader's
language) and, unless the person turned e-mail off for that kind, e-mails them after the
transaction commits, in the language the caller gives (the event's, say)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from ..audit.services import audit_record
from ..errors import ApplicationError
from ..servicekit import require
from . import registry, selectors
from .models import Notification, NotificationPreference

LANGUAGES = ("en", "pl")
SUBJECT_MAX = 200
BODY_MAX = 20000
IDS_MAX = 500

SIGN_IN = gettext_noop("Sign in to see your notifications.")
UNKNOWN_KIND = gettext_noop("'{kind}' is not a kind of notification.")
TOO_MANY_IDS = gettext_noop("At most {limit} notifications can be marked at once.")

# A value of ``context`` may depend on the language (an event's title): a callable taking
# the language code.
ContextValue = Any | Callable[[str], Any]
# An attachment: file name, content, MIME type; or a callable of the language giving one.
Attachment = tuple[str, bytes, str]


def _values(context: Mapping[str, ContextValue], language: str) -> dict[str, Any]:
    return {k: (v(language) if callable(v) else v) for k, v in context.items()}


def _render(
    subject: str, body: str, template: str, context: Mapping[str, ContextValue], language: str
) -> tuple[str, str]:
    """Subject and body in ``language``: ``subject``/``body`` are English msgids with
    %(name)s placeholders; ``template`` a text template rendered under that language."""
    with translation.override(language):
        values = _values(context, language)
        text_subject = (gettext(subject) % values)[:SUBJECT_MAX]
        text_body: str
        if template:
            text_body = str(render_to_string(template, {**values, "language": language}))
        else:
            text_body = gettext(body) % values if body else ""
        return text_subject, text_body.strip()[:BODY_MAX]


def email_wanted(user: Any, kind: str) -> bool:
    """Whether ``user`` gets ``kind`` by e-mail: their choice, else the kind's default."""
    choice = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("email", flat=True)
        .first()
    )
    return registry.kind(kind).email_default if choice is None else choice


def notify(
    *,
    recipient: Any,
    kind: str,
    subject: str,
    body: str = "",
    template: str = "",
    url: str = "",
    context: Mapping[str, ContextValue] | None = None,
    language: str | None = None,
    attachments: Sequence[Attachment] | Callable[[str], Sequence[Attachment]] = (),
) -> Notification:
    """Tell ``recipient`` something of a registered ``kind``: an in-app notification always,
    an e-mail (in ``language``, after commit) unless they turned e-mail off for the kind.

    ``subject`` and ``body`` are English msgids (gettext_noop) with %(name)s placeholders
    filled from ``context``; or ``template`` names a text template rendered with it."""
    registry.kind(kind)  # an unregistered kind is a programming error
    context = context or {}
    language = language if language in LANGUAGES else settings.LANGUAGE_CODE[:2]
    rendered = {lang: _render(subject, body, template, context, lang) for lang in LANGUAGES}
    wanted = bool(recipient.email) and email_wanted(recipient, kind)
    notification = Notification.objects.create(
        user=recipient,
        kind=kind,
        subject_en=rendered["en"][0],
        subject_pl=rendered["pl"][0],
        body_en=rendered["en"][1],
        body_pl=rendered["pl"][1],
        url=url[:500],
        emailed=wanted,
    )
    if wanted:
        mail_subject, mail_body = rendered[language]
        files = attachments(language) if callable(attachments) else attachments
        _email_on_commit(recipient.email, mail_subject, mail_body, url, language, list(files))
    return notification


def _email_on_commit(
    address: str, subject: str, body: str, url: str, language: str, files: list[Attachment]
) -> None:
    with translation.override(language):
        settings_path = reverse("notifications:preferences")
        footer = [gettext("Change what we e-mail you: %(path)s") % {"path": settings_path}]
    if url:
        footer.insert(0, url)
    full_subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"[:SUBJECT_MAX]
    full_body = "\n\n".join([body, *footer])

    def send() -> None:
        message = EmailMessage(full_subject, full_body, None, [address])
        for name, content, mimetype in files:
            message.attach(name, content, mimetype)
        message.send(fail_silently=True)

    transaction.on_commit(send)


def _signed_in(actor: Any) -> None:
    require(actor, "notifications.manage_own", None, SIGN_IN)


@transaction.atomic
def notifications_mark_read(*, actor: Any, ids: Iterable[int] | None = None, app: str = "") -> int:
    """Mark the actor's own unread notifications (all, or those of ``ids``; only ``app``'s
    kinds, if given) as read."""
    _signed_in(actor)
    unread = Notification.objects.filter(user=actor, read_at__isnull=True, **selectors.of_app(app))
    if ids is not None:
        wanted = list(ids)
        if len(wanted) > IDS_MAX:
            raise ApplicationError(TOO_MANY_IDS.format(limit=IDS_MAX), code="invalid")
        unread = unread.filter(pk__in=wanted)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_update(*, actor: Any, email: Mapping[str, bool]) -> dict[str, bool]:
    """Set the actor's e-mail choice per kind (``{"events.reminder": False}``); the kinds
    not named keep their choice. Returns every kind's choice afterwards."""
    _signed_in(actor)
    known = {k.name for k in registry.kinds()}
    for name in email:
        if name not in known:
            raise ApplicationError(UNKNOWN_KIND.format(kind=str(name)[:64]), code="invalid")
    before = {p.kind: p.email for p in NotificationPreference.objects.filter(user=actor)}
    after = dict(before)
    changed = {}
    for name, wanted in email.items():
        wanted = bool(wanted)
        current = before.get(name, registry.kind(name).email_default)
        if wanted != current:
            NotificationPreference.objects.update_or_create(
                user=actor, kind=name, defaults={"email": wanted}
            )
            changed[name] = wanted
        after[name] = wanted
    if changed:
        audit_record(
            actor=actor,
            action="notifications.preferences_update",
            obj=None,
            before={k: not v for k, v in changed.items()},
            after=changed,
            subject_user_id=actor.pk,
        )
    return {k.name: after.get(k.name, k.email_default) for k in registry.kinds()}
