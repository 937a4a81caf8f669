"""What the apps register with the notifications layer in their ``AppConfig.ready()``: the
kinds of notification a person can receive (each with its own e-mail preference) and the
time-driven jobs ``highlands run-due-jobs`` runs.

Both registries are plain dictionaries filled at start-up; registering the same name twice
with a different owner is a programming error and fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its code, its label (lazy, both languages), e-mail default."""

    name: str
    label: str | Promise
    email_default: bool = True


@dataclass(frozen=True)
class Job:
    """A due job: ``run()`` does whatever is due now, idempotently, and returns a count."""

    name: str
    run: Callable[[], int]
    label: str


_KINDS: dict[str, Kind] = {}
_JOBS: dict[str, Job] = {}


def register_kind(name: str, *, label: str | Promise, email_default: bool = True) -> Kind:
    """Declare a kind of notification (``events.reminder``...); idempotent for one label."""
    kind = Kind(name=name, label=label, email_default=email_default)
    existing = _KINDS.get(name)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {name!r} is registered twice, differently")
    _KINDS[name] = kind
    return kind


def kinds() -> list[Kind]:
    """Every registered kind, in registration order."""
    return list(_KINDS.values())


def kind(name: str) -> Kind:
    """The registered kind ``name``; an unknown name is a programming error."""
    try:
        return _KINDS[name]
    except KeyError:
        raise ValueError(f"unknown notification kind {name!r}: register it first") from None


def register_job(name: str, run: Callable[[], int], *, label: str) -> Job:
    """Declare a due job; registering the same function again under its name is a no-op."""
    job = Job(name=name, run=run, label=label)
    existing = _JOBS.get(name)
    if existing is not None and existing != job:
        raise ValueError(f"due job {name!r} is registered twice, differently")
    _JOBS[name] = job
    return job


def jobs() -> list[Job]:
    """Every registered due job, in registration order."""
    return list(_JOBS.values())


def unregister_job(name: str) -> None:
    """Forget a job (tests that register a throw-away job clean up with this)."""
    _JOBS.pop(name, None)
