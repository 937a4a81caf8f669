"""The layers of the house hold: every import of ``src/highlands`` (read with ``ast``, lazy
imports inside functions included) goes to its own package or to a lower layer, and no files
or apps import each other in a circle.

``LAYERS`` is the one definition of the order; ``docs/architecture.md`` draws it (a test
below keeps the drawing in step). A new app is placed in a layer here, or this test fails.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src/highlands"
ARCHITECTURE = ROOT / "docs/architecture.md"

# Bottom first. A package may import its own modules and any package of a lower layer; never
# a package of its own layer or of a layer above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors",),  # the domain error: nothing of ours below it
    ("text",),  # text helpers (folding, names, slugs, markup, analysis, spreadsheets)
    ("audit", "apikit"),  # the audit log; the API toolkit (auth, errors, pagination, types)
    ("servicekit",),  # the guards every service shares (permission, bounded text, audit)
    ("search",),  # index, ranking, "why"; apps register what is searchable
    ("ecosystem",),  # the registry
    ("accounts",),  # people, roles and personal data over the registry
    ("notifications",),  # notify() with per-kind preferences; the due-jobs registry
    ("analytics",),  # dashboard, network, reports, open data; apps register their metrics
    ("events", "funding", "ingest", "marketplace", "ops", "workspace", "web"),  # apps
    ("meetings",),  # brokerage meetings: over events (registrations) and the marketplace
    ("config", "__main__"),  # settings, URLs, the one API: assembles everything
)

# Edges that break the layers today and are being removed on other branches; delete each
# line when its branch is merged (a listed edge that no longer exists fails the test).
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()


def _module_name(path: Path) -> str:
    parts = ["highlands", *path.relative_to(SRC).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py") if "migrations" not in p.parts}


def _imported_names(module: str, path: Path) -> list[str]:
    """Every dotted name ``module`` imports, relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([source] if source else [])])
            # "from package import module" imports the module; "from module import name" it.
            names += [f"{source}.{alias.name}" for alias in node.names]
            names.append(source)
    return names


def _graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports, names relative to ``highlands``."""
    modules = _modules()
    short = {name: name.removeprefix("highlands").removeprefix(".") for name in modules}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for name in _imported_names(module, path):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module and name != "highlands":
                targets.add(short[name])
        graph[short[module]] = targets
    return graph


def _package(module: str) -> str:
    return module.split(".")[0] if module else ""


def _layer_of() -> dict[str, int]:
    return {package: level for level, packages in enumerate(LAYERS) for package in packages}


GRAPH = _graph()


def _edges() -> set[tuple[str, str]]:
    return {(a, b) for a, targets in GRAPH.items() for b in targets}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _without_known(edges: set[tuple[str, str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges - KNOWN_VIOLATIONS:
        graph[a].add(b)
    return graph


def test_the_walk_sees_the_imports_it_must():
    # Absolute, relative, "from package import module" and lazy imports inside functions.
    assert "apikit.errors" in GRAPH["config.api"]
    assert "accounts.gdpr" in GRAPH["accounts.api"]
    assert "apikit.auth" in GRAPH["accounts.apps"]  # imported inside ready()
    assert "text.folding" in GRAPH["text.analysis"]


def test_every_package_has_a_layer():
    layer_of = _layer_of()
    missing = sorted({_package(m) for m in GRAPH if m and _package(m) not in layer_of})
    assert not missing, f"place these packages in LAYERS (tests/test_layers.py): {missing}"


def test_no_import_goes_up_or_sideways():
    layer_of = _layer_of()
    wrong = sorted(
        f"{a} -> {b}"
        for a, b in _edges() - KNOWN_VIOLATIONS
        if a
        and _package(a) != _package(b)
        and layer_of.get(_package(a), -1) <= layer_of.get(_package(b), len(LAYERS))
    )
    assert not wrong, "imports against the layers (see LAYERS):\n" + "\n".join(wrong)


def test_no_import_cycle_between_files():
    cycles = _cycles(_without_known(_edges()))
    assert not cycles, f"files importing each other in a circle: {cycles}"


def test_no_import_cycle_between_apps():
    apps: dict[str, set[str]] = defaultdict(set)
    for a, b in _edges() - KNOWN_VIOLATIONS:
        if _package(a) != _package(b):
            apps[_package(a)].add(_package(b))
    cycles = _cycles(apps)
    assert not cycles, f"apps importing each other in a circle: {cycles}"


@pytest.mark.parametrize("edge", sorted(KNOWN_VIOLATIONS), ids=" -> ".join)
def test_known_violations_still_exist(edge):
    # When a branch removes one of these, delete its line from KNOWN_VIOLATIONS.
    assert edge in _edges(), f"{edge} is gone: remove it from KNOWN_VIOLATIONS"


def test_the_checks_catch_what_they_must():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_architecture_draws_the_layers_in_this_order():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    drawing = re.search(r"## Layers\n.*?```text\n(.*?)```", text, re.S)
    assert drawing, "docs/architecture.md has a '## Layers' section with a ```text drawing"
    names = {package for layer in LAYERS for package in layer}
    drawn = [
        tuple(sorted(set(re.findall(r"[\w]+", line)) & names))
        for line in drawing.group(1).splitlines()
    ]
    drawn = [layer for layer in drawn if layer]
    assert drawn == [tuple(sorted(layer)) for layer in reversed(LAYERS)]
