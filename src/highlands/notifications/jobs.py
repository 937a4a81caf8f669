"""The due-jobs registry: ``register_job(name, run, *, label)`` from an app's
``AppConfig.ready()``, and ``run_due_jobs()`` that ``highlands run-due-jobs`` (cron, every
few minutes) calls. Each job runs on its own: one that fails is reported with its name and
the others still run."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from .registry import Job, jobs, register_job, unregister_job

__all__ = ["Job", "JobResult", "jobs", "register_job", "run_due_jobs", "unregister_job"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobResult:
    """What one job did: its count, or the error that stopped it."""

    name: str
    label: str
    count: int | None
    error: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return bool(self.error)


def run_due_jobs(only: list[str] | None = None) -> list[JobResult]:
    """Run every registered job (or those named in ``only``) once, in registration order."""
    results: list[JobResult] = []
    for job in jobs():
        if only is not None and job.name not in only:
            continue
        started = time.monotonic()
        try:
            count = int(job.run())
        except Exception as exc:
            logger.exception("due job %s failed", job.name)
            results.append(
                JobResult(
                    job.name,
                    job.label,
                    None,
                    f"{type(exc).__name__}: {exc}"[:500],
                    time.monotonic() - started,
                )
            )
            continue
        results.append(JobResult(job.name, job.label, count, "", time.monotonic() - started))
    return results
