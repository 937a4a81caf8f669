"""The guards every service repeats, written once: permission, choices, bounded plain text,
change-and-audit, mail after commit, and stored files deleted after their rows' deletion
commits.

A lower layer: it imports only ``audit``, ``errors``, ``text`` and Django, never an app, so the
registry, accounts, marketplace and workspace services all use the same rules and messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import FileField, Model
from django.db.models.signals import post_delete
from django.utils import timezone

from .audit.services import audit_record, snapshot
from .errors import ApplicationError, PermissionDeniedError
from .text.markup import clean_plain_text

INVALID_CHOICE = "'{value}' is not a valid {field}."
TEXT_REQUIRED = "The {field} cannot be empty."
TEXT_TOO_LONG = "The {field} is too long ({length} characters; at most {limit})."
TOO_MANY_ITEMS = "The {field} has too many items ({count}; at most {limit})."


class SystemActor:
    """The operator running a command (demo loaders, maintenance): passes every permission
    check and is recorded in the audit log without a person, like an import.

    Only code can pass it; a view or the API always passes ``request.user``.
    """

    pk = None
    is_authenticated = False
    is_active = True
    is_superuser = False

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


class FieldTooLongError(ApplicationError):
    """A text over its documented limit; ``extra`` names the field and the limit."""

    def __init__(self, *, field: str, length: int, limit: int) -> None:
        super().__init__(
            TEXT_TOO_LONG.format(field=field, length=length, limit=limit),
            code="too_long",
            extra={"field": field, "limit": limit, "length": length},
        )
        self.field = field
        self.limit = limit


def person(actor: Any) -> Any:
    """The signed-in person behind an actor, for ``author``/``decided_by`` columns (``None``
    for ``SYSTEM`` and anonymous actors)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def require(actor: Any, perm: str, obj: Any, message: str) -> None:
    """Refuse (403) unless the actor holds ``perm`` on ``obj`` (django-rules)."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDeniedError(message)


def choice(value: str, choices: Iterable[str], field: str) -> str:
    """The value if it is one of ``choices``; otherwise a 400 naming the field."""
    if value not in set(choices):
        raise ApplicationError(INVALID_CHOICE.format(value=value, field=field), code="invalid")
    return value


def strip_markup(value: str) -> str:
    """Strip every HTML tag and keep the text: what people type is plain text."""
    return clean_plain_text(value)


def plain_text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    """Cleaned plain text of at most ``limit`` characters, else a 400 naming field and limit.

    The raw length is checked first too, so a huge hostile body is refused before any work.
    """
    if len(value) > limit * 4:
        raise FieldTooLongError(field=field, length=len(value), limit=limit)
    cleaned = strip_markup(value)
    if required and not cleaned:
        raise ApplicationError(TEXT_REQUIRED.format(field=field), code="required")
    if len(cleaned) > limit:
        raise FieldTooLongError(field=field, length=len(cleaned), limit=limit)
    return cleaned


def bounded_items(items: Sequence[Any], *, field: str, limit: int) -> Sequence[Any]:
    """A list of at most ``limit`` items (each item's text is bounded by ``plain_text``)."""
    if len(items) > limit:
        raise ApplicationError(
            TOO_MANY_ITEMS.format(field=field, count=len(items), limit=limit), code="too_long"
        )
    return items


@dataclass
class Change:
    """What ``set_fields`` changed: the field names and their values before and after."""

    fields: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields)


def set_fields(obj: Model, values: Mapping[str, Any], *, also_save: Sequence[str] = ()) -> Change:
    """Set the values that differ, save only those fields (plus ``also_save``), and say what
    changed; nothing is saved when nothing differs."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return Change()
    before = snapshot(obj, changed)
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=[*changed, *also_save])
    return Change(changed, before, snapshot(obj, changed))


def update_audited(
    obj: Model,
    values: Mapping[str, Any],
    *,
    actor: Any,
    action: str,
    also_save: Sequence[str] = (),
    **scope: Any,
) -> Change:
    """``set_fields`` and, when something changed, one audit entry with before and after."""
    change = set_fields(obj, values, also_save=also_save)
    if change:
        audit_record(
            actor=actor, action=action, obj=obj, before=change.before, after=change.after, **scope
        )
    return change


def close_pending(
    obj: Model,
    *,
    actor: Any,
    status: str,
    action: str,
    pending: str = "pending",
    logged: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    **scope: Any,
) -> None:
    """Close a pending decision (a request, an application, a claim): its new ``status``, who
    decided (``decided_by``) and when (``decided_at``), plus ``values``, saved as one partial
    update, and one audit entry from ``pending`` to ``status`` with ``logged`` (by default
    ``values``).  The caller has locked the row and checked that it was still pending."""
    values = dict(values or {})
    obj.status = status  # type: ignore[attr-defined]
    obj.decided_by = person(actor)  # type: ignore[attr-defined]
    obj.decided_at = timezone.now()  # type: ignore[attr-defined]
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=["status", "decided_by", "decided_at", *values])
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        before={"status": pending},
        after={"status": status, **(values if logged is None else logged)},
        **scope,
    )


def mail_on_commit(
    addresses: Iterable[str], subject: str, body: str, *, fail_silently: bool = True
) -> None:
    """E-mail each address its own copy once the transaction commits (never on rollback)."""
    recipients = sorted({a for a in addresses if a})
    if not recipients:
        return
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"[:200]

    def send() -> None:
        for address in recipients:  # one message each: recipients never see each other
            send_mail(subject, body, None, [address], fail_silently=fail_silently)

    transaction.on_commit(send)


# -- stored files -----------------------------------------------------------------------------

# The models whose rows own files in storage; ``delete_files_with_rows`` fills it.
FILE_OWNING_MODELS: set[type[Model]] = set()


def _delete_files_on_commit(sender: type[Model], instance: Model, using: str, **_: Any) -> None:
    """``post_delete``: the row's stored files go once its deletion commits (never on a
    rollback, which keeps the row). A signal, because cascades bypass every service."""
    for model_field in instance._meta.concrete_fields:
        if not isinstance(model_field, FileField):
            continue
        stored = getattr(instance, model_field.attname)
        if stored and stored.name:
            transaction.on_commit(partial(stored.storage.delete, stored.name), using=using)


def delete_files_with_rows(model: type[Model]) -> None:
    """Delete ``model``'s stored files after commit whenever one of its rows is deleted — by a
    service, a queryset or a cascade (call it from the app's ``AppConfig.ready()``)."""
    post_delete.connect(
        _delete_files_on_commit, sender=model, dispatch_uid=f"files-of-{model._meta.label}"
    )
    FILE_OWNING_MODELS.add(model)
