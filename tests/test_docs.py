"""Docs that drift: every setting read from the environment and every command of ours is
documented in the README (after Datasette's tests/test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS = ROOT / "src/highlands/config/settings"


def environment_variables() -> set[str]:
    names: set[str] = set()
    for path in [*SETTINGS.glob("*.py"), SETTINGS.parent / "gunicorn.py"]:
        text = path.read_text(encoding="utf-8")
        names |= set(
            re.findall(
                r"""(?:environ\.get|environ\.setdefault|env_bool|_number)\(\s*["']([A-Z_]+)["']""",
                text,
            )
        )
        names |= set(re.findall(r"""environ\[\s*["']([A-Z_]+)["']\s*\]""", text))
    return names - {"DJANGO_SETTINGS_MODULE"}


def our_commands() -> set[str]:
    return {
        path.stem
        for path in (ROOT / "src/highlands").glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }


def test_settings_are_found():
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG"} <= environment_variables()


@pytest.mark.parametrize("name", sorted(environment_variables()))
def test_every_setting_is_documented(name):
    assert f"`{name}`" in README


@pytest.mark.parametrize("command", sorted(our_commands()))
def test_every_command_is_documented(command):
    assert f"`highlands {command}" in README
