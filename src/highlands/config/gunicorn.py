"""gunicorn's settings for the documented deployment (``make serve`` uses them):

    gunicorn -c python:highlands.config.gunicorn highlands.config.wsgi --workers 2 --threads 4

One request must never take the machine, so each worker's memory is capped twice:

- a hard limit on its private data (``RLIMIT_DATA``: heap and anonymous mappings, not the
  memory-mapped index files that workers share through the page cache): an allocation past
  it fails, the request fails with it (``MemoryError``; a search reindex stays in the
  outbox and backs off) and the worker lives on (``HIGHLANDS_WORKER_MAX_DATA_MB``);
- a soft limit on its resident private memory (``RssAnon``), checked after each request: a
  worker above it finishes its requests and is replaced (``HIGHLANDS_WORKER_MAX_RSS_MB``);

and every worker is replaced after ``HIGHLANDS_WORKER_MAX_REQUESTS`` requests (±10 %), so
what fragmentation keeps is given back too. A worker with the search encoder loaded holds
~250 MB (docs/benchmarks.md); 0 turns a limit off.
"""

from __future__ import annotations

import os
import resource
from typing import Any


def _number(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


MIB = 2**20
MAX_DATA_MB = _number("HIGHLANDS_WORKER_MAX_DATA_MB", 2048)
MAX_RSS_MB = _number("HIGHLANDS_WORKER_MAX_RSS_MB", 768)

max_requests = _number("HIGHLANDS_WORKER_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10


def post_fork(server: Any, worker: Any) -> None:
    """Cap the new worker's private data (the master stays uncapped)."""
    if MAX_DATA_MB > 0:
        limit = MAX_DATA_MB * MIB
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def private_resident_bytes() -> int:
    """This process's resident anonymous memory (``RssAnon``): what it does not share."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    return 0


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """Replace a worker that grew past the soft limit, once its requests are done."""
    if MAX_RSS_MB <= 0:
        return
    resident = private_resident_bytes()
    if resident > MAX_RSS_MB * MIB:
        worker.log.warning(
            "Worker %s holds %d MiB of private memory (limit %d MiB): replacing it.",
            worker.pid,
            resident // MIB,
            MAX_RSS_MB,
        )
        worker.alive = False
