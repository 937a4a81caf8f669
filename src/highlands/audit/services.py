"""Writing the audit log.  Services call ``audit_record`` inside their own transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast

from .models import AuditEntry

# Never written to the log, whatever a caller passes.
REDACTED_KEYS = frozenset({"password", "password1", "password2", "session_key", "sessionid"})
# What an erased record's name reads as in the log (and wherever an erased text is shown).
ERASED = "(erased)"
# Ids of records given as instances, per UPDATE (under SQLite's limit of bound parameters).
_SCRUB_CHUNK = 500


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


def audit_scrub_all(records: QuerySet[Any] | Iterable[Model]) -> int:
    """Empty what the log copied of records being erased (their name, before, after); who
    did what and when stays. ``records`` is a queryset (scrubbed by one UPDATE with the
    queryset as a subquery, nothing loaded) or model instances (one UPDATE per model and
    up to 500 ids). Call it before the records are deleted. Returns the entries scrubbed."""
    erased = {"object_repr": ERASED, "before": None, "after": None}
    if isinstance(records, QuerySet):
        ids = records.order_by().annotate(_audit_id=Cast("pk", CharField())).values("_audit_id")
        return AuditEntry.objects.filter(
            object_type=records.model._meta.label_lower, object_id__in=ids
        ).update(**erased)
    by_type: dict[str, list[str]] = {}
    for obj in records:
        by_type.setdefault(obj._meta.label_lower, []).append(str(obj.pk))
    scrubbed = 0
    for object_type, ids_of_type in by_type.items():
        for start in range(0, len(ids_of_type), _SCRUB_CHUNK):
            scrubbed += AuditEntry.objects.filter(
                object_type=object_type, object_id__in=ids_of_type[start : start + _SCRUB_CHUNK]
            ).update(**erased)
    return scrubbed


def audit_scrub_list_items(*, object_type: str, key: str, items: Iterable[str]) -> int:
    """Take ``items`` (compared casefolded) out of the list that the log copied under ``key``
    in the before and after of every entry of ``object_type`` — an erased person's address
    in an event's invitation list, say; the rest of the entry stays. Returns the entries
    changed.

    The database only picks the entries whose before or after has ``key``: a substring
    search there cannot be trusted with a non-ASCII item (SQLite keeps JSON with ``\\u``
    escapes; casefolding turns ß into ss), so each list is compared here. The ids are
    collected first and the entries then read and written in chunks, never updating the
    table while a cursor over it is open."""
    wanted = {item.casefold() for item in items if item}
    if not wanted:
        return 0

    def without(values: Any) -> tuple[Any, bool]:
        if not isinstance(values, dict) or not isinstance(values.get(key), list):
            return values, False
        kept = [v for v in values[key] if not (isinstance(v, str) and v.casefold() in wanted)]
        if len(kept) == len(values[key]):
            return values, False
        return {**values, key: kept}, True

    holding = Q(before__has_key=key) | Q(after__has_key=key)
    pks = list(
        AuditEntry.objects.filter(holding, object_type=object_type)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    for i in range(0, len(pks), _SCRUB_CHUNK):
        chunk = AuditEntry.objects.filter(pk__in=pks[i : i + _SCRUB_CHUNK])
        rows = list(chunk.values_list("pk", "before", "after"))
        for pk, old_before, old_after in rows:
            before, in_before = without(old_before)
            after, in_after = without(old_after)
            if in_before or in_after:
                AuditEntry.objects.filter(pk=pk).update(before=before, after=after)
                changed += 1
    return changed
