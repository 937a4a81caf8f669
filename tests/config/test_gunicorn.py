"""The documented deployment caps each gunicorn worker's memory."""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from highlands.config import gunicorn as config

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_cannot_allocate_past_its_data_limit():
    """post_fork's limit, in a process of its own (it cannot be raised again)."""
    script = (
        "from highlands.config import gunicorn\n"
        "gunicorn.post_fork(None, None)\n"
        "try:\n"
        "    block = bytearray(400 * 2**20)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
        "else:\n"
        "    print('allocated')\n"
    )
    for limit, expected in (("300", "refused"), ("0", "allocated")):
        done = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "HIGHLANDS_WORKER_MAX_DATA_MB": limit},
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip() == expected, (limit, done.stderr)


@pytest.fixture
def settings_module(monkeypatch):
    def load(**environ: str):
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(config)

    yield load
    monkeypatch.undo()
    importlib.reload(config)


def test_a_worker_past_its_resident_limit_is_replaced_after_its_request(settings_module):
    warnings: list[str] = []
    worker = SimpleNamespace(
        pid=123, alive=True, log=SimpleNamespace(warning=lambda *a: warnings.append(a[0] % a[1:]))
    )
    settings_module(HIGHLANDS_WORKER_MAX_RSS_MB="100000").post_request(worker, None, {}, None)
    assert worker.alive
    assert warnings == []
    settings_module(HIGHLANDS_WORKER_MAX_RSS_MB="1").post_request(worker, None, {}, None)
    assert not worker.alive
    assert warnings[0].startswith("Worker 123 holds ")
    assert warnings[0].endswith("MiB of private memory (limit 1 MiB): replacing it.")


def test_defaults_and_request_recycling(settings_module):
    loaded = settings_module()
    assert (loaded.MAX_DATA_MB, loaded.MAX_RSS_MB) == (2048, 768)
    assert (loaded.max_requests, loaded.max_requests_jitter) == (1000, 100)
    assert config.private_resident_bytes() > 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_replaces_a_worker_that_outgrew_its_limit(tmp_path):
    """The settings file as `make serve` loads it: each request to a worker over the limit
    is served, then the worker is replaced (the access log's pid changes)."""
    port = _free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "highlands.config.settings.test",
        "HIGHLANDS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HIGHLANDS_WORKER_MAX_RSS_MB": "1",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "python:highlands.config.gunicorn",
            "highlands.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(s)s",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        statuses = []
        deadline = time.monotonic() + 60
        while len(statuses) < 2 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health") as answer:
                    statuses.append(answer.status)
            except OSError:
                time.sleep(0.3)
        assert statuses == [200, 200]
    finally:
        server.terminate()
        _out, errors = server.communicate(timeout=30)
    lines = log.read_text().split("\n")
    pids = [line.split()[0] for line in lines if line.strip()]
    assert len(pids) == 2
    assert pids[0] != pids[1]  # the first worker was replaced after its request
    assert "MiB of private memory (limit 1 MiB): replacing it." in errors.decode()
