"""Search is a lower layer: nothing under ``highlands/search/`` imports an app above it.

The apps register their kinds of document with ``search.registry``; search itself may use
only what lies below it. The walk reads every module's imports (``ast``, so an import
inside a function counts too) and resolves relative ones against the module's package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import highlands

PACKAGE = Path(highlands.__file__).parent
SEARCH = PACKAGE / "search"

# What lies below search: the domain errors, the audit log, the shared text helpers
# (``ingest.normalize`` moves into ``highlands.text``), and the API's shared error schema.
LOWER = (
    "highlands.errors",
    "highlands.audit",
    "highlands.text",
    "highlands.ingest.normalize",
    "highlands.config.schemas",
)
# Known and being moved out of search by another change: generate-demo writes registry
# tables and moves into the ecosystem app (as a service-backed command).
MOVING_OUT = {"management/commands/generate-demo.py": {"highlands.ecosystem.models"}}


def imports_of(path: Path, top: Path = PACKAGE.parent) -> set[str]:
    """Absolute names of every module ``path`` imports (``from x import y``: x and x.y);
    ``top`` is the directory that holds the ``highlands`` package."""
    parts = path.relative_to(top).with_suffix("").parts
    package = ".".join(parts[:-1])  # a module's package; an __init__'s is itself
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            found.add(source)
            found |= {f"{source}.{alias.name}" for alias in node.names}
    return found


def upward(name: str) -> bool:
    """An import of a part of Highlands that is neither search itself nor below it."""
    if not name.startswith("highlands."):
        return False
    if name == "highlands.search" or name.startswith("highlands.search."):
        return False
    return not any(name == lower or name.startswith(lower + ".") for lower in LOWER)


def violations(root: Path, top: Path = PACKAGE.parent) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        bad = {name for name in imports_of(path, top) if upward(name)}
        # "from highlands.x import y" yields x and x.y; report the module once.
        bad = {name for name in bad if not any(name.startswith(o + ".") for o in bad)}
        bad -= MOVING_OUT.get(relative, set())
        if bad:
            found[relative] = bad
    return found


def test_search_imports_no_app_above_it():
    assert violations(SEARCH) == {}


def test_the_walk_finds_relative_absolute_and_nested_imports(tmp_path):
    """The check itself can fail: a search-like package that reaches up is caught."""
    fake = tmp_path / "highlands" / "search"
    (fake / "management" / "commands").mkdir(parents=True)
    (tmp_path / "highlands" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "documents.py").write_text(
        "from ..marketplace.selectors import live_q\n"
        "from . import registry\n"
        "from ..errors import ApplicationError\n"
    )
    (fake / "api.py").write_text("from highlands.config import api\nimport highlands.text\n")
    (fake / "views.py").write_text("def page():\n    from ..ecosystem.models import Highland\n")
    (fake / "management" / "commands" / "x.py").write_text("from ....accounts import models\n")
    assert violations(fake, tmp_path) == {
        "documents.py": {"highlands.marketplace.selectors"},
        "api.py": {"highlands.config"},
        "views.py": {"highlands.ecosystem.models"},
        "management/commands/x.py": {"highlands.accounts"},
    }


def test_the_lower_modules_search_may_use_are_lower_themselves():
    """``config.schemas`` is allowed because it imports nothing of Highlands."""
    schemas = PACKAGE / "config" / "schemas.py"
    assert not {name for name in imports_of(schemas) if name.startswith("highlands.")}
