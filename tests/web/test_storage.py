"""A development server works before ``collectstatic``; after it, pages use hashed names.

Runs the real ``highlands runserver`` (DEBUG off, the default) on a fresh var directory:
right after ``migrate`` every page rendered 500 ("Missing staticfiles manifest entry").
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from highlands.web.storage import ManifestWhenCollectedStorage

STYLESHEET = re.compile(r'href="(/static/[^"]+\.css)"')


def _env(var_dir: Path) -> dict[str, str]:
    ignored = {"DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "HIGHLANDS_SEARCH_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(
        HIGHLANDS_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="highlands.config.settings.base",
        HIGHLANDS_SEARCH_SYNC="0",
    )
    return env


def _highlands(var_dir: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "highlands", *args],
        env=_env(var_dir),
        check=True,
        capture_output=True,
        timeout=300,
    )


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@contextmanager
def _runserver(var_dir: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "highlands", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=_env(var_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/api/v1/health")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_runserver_serves_pages_and_static_files_before_collectstatic(tmp_path):
    _highlands(tmp_path, "migrate", "--noinput", "-v0")

    with _runserver(tmp_path) as base:
        status, page = _get(f"{base}/")
        assert status == 200, page[:500]
        stylesheet = STYLESHEET.search(page).group(1)
        assert stylesheet == "/static/web/site.css"  # the plain name: nothing is collected
        assert _get(f"{base}{stylesheet}")[0] == 200  # served from the app by WhiteNoise

    # collectstatic (make run, deployments) still writes the manifest and the hashed copies.
    _highlands(tmp_path, "collectstatic", "--noinput", "-v0")
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["web/site.css"]
    assert re.fullmatch(r"web/site\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / "static" / hashed).exists()


def test_pages_link_hashed_names_once_collected_and_a_missing_name_is_an_error(tmp_path):
    storage = ManifestWhenCollectedStorage(location=tmp_path, base_url="/static/")
    assert storage.url("web/site.css") == "/static/web/site.css"  # no manifest: plain name
    storage.hashed_files = {"web/site.css": "web/site.0123456789ab.css"}
    assert storage.url("web/site.css") == "/static/web/site.0123456789ab.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("web/missing.css")
