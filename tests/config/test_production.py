"""Production settings pass Django's deployment checks and send the security headers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys


def _run_check(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    ignored = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "highlands", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_no_issues_with_production_settings(tmp_path):
    result = _run_check(
        {
            "DJANGO_SETTINGS_MODULE": "highlands.config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "example.org",
            "HIGHLANDS_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_base_settings(tmp_path):
    """The same check does catch an insecure configuration (so the test above can fail)."""
    result = _run_check(
        {
            "DJANGO_SETTINGS_MODULE": "highlands.config.settings.base",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "HIGHLANDS_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS outside production


def test_production_requires_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(
        DJANGO_SETTINGS_MODULE="highlands.config.settings.production",
        HIGHLANDS_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "highlands", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
