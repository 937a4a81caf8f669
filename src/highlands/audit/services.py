"""Writing the audit log.  Services call ``audit_record`` inside their own transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from .models import AuditEntry

# Never written to the log, whatever a caller passes.
REDACTED_KEYS = frozenset({"password", "password1", "password2", "session_key", "sessionid"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items() if str(k) not in REDACTED_KEYS}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a record as JSON-ready values (``attname`` for foreign keys)."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    cluster_id: int | None = None,
    organization_id: int | None = None,
    subject_user_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; call it inside the caller's transaction so both commit together."""
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor_id=actor_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        cluster_id=cluster_id,
        organization_id=organization_id,
        subject_user_id=subject_user_id,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
