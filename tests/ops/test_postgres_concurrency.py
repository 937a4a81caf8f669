"""20 threads writing through the services at once on PostgreSQL: no errors, no lost writes.

(SQLite's equivalent needs a file database and lives in ``test_sqlite_durability.py``.)
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import connection

from highlands.accounts.models import User
from highlands.audit.models import AuditEntry
from highlands.ecosystem.models import Cluster, FigureObservation
from highlands.ecosystem.services import figure_observe

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL-only: each thread needs its own connection to a shared database",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_twenty_threads_write_at_once() -> None:
    actor = User.objects.create_user(username="writer", is_city_admin=True)
    cluster = Cluster.objects.create(slug="busy", name="Busy", display_name="Busy")
    barrier = threading.Barrier(20)
    errors: list[str] = []

    def work(index: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                figure_observe(
                    actor=actor,
                    cluster=cluster,
                    kind="members",
                    value=index * 100 + i,
                    as_of=date(2026, 1, 1),
                )
        except Exception as exc:  # collected and asserted on, never hidden
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    values = set(FigureObservation.objects.values_list("value", flat=True))
    assert values == {t * 100 + i for t in range(20) for i in range(5)}
    assert AuditEntry.objects.filter(action="figure.observe").count() == 100
