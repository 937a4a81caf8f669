"""Authentication events into the audit log: who and what happened, never secrets.

Django's ``user_login_failed`` passes the submitted credentials; only the matching account's
id (if any) is kept, never the password or the session key.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import (
    email_confirmed,
    password_changed,
    password_reset,
    user_signed_up,
)
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", subject_user_id=user.pk)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", subject_user_id=user.pk)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    identifier = credentials.get("email") or credentials.get("username") or ""
    user_model = get_user_model()
    match = (
        user_model._default_manager.filter(email__iexact=identifier).only("pk").first()
        if identifier
        else None
    )
    audit_record(
        actor=None, action="auth.login_failed", subject_user_id=match.pk if match else None
    )


@receiver(user_signed_up)
def _signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.signup", subject_user_id=user.pk)


@receiver(email_confirmed)
def _email_confirmed(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    audit_record(actor=None, action="auth.email_confirmed", subject_user_id=email_address.user_id)


@receiver(password_changed)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.password_changed", subject_user_id=user.pk)


@receiver(password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=None, action="auth.password_reset", subject_user_id=user.pk)
