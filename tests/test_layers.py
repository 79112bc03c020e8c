"""The package's shape, checked: layers import only downward, one owner per dependency,
no import cycle, no module over 500 lines, one definition per type name, no pickle.

Imports are read from the source (module level and inside functions alike), so a lazy
import counts as much as any other.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "checker"

LAYERS = [
    ("checker.errors", "checker.interrupts"),
    ("checker.model",),
    ("checker.read",),
    ("checker.ruleset", "checker.engine"),
    ("checker.evaluation",),
    ("checker.audit", "checker.explore"),
    ("checker.report",),
    ("checker.commands",),
    ("checker.cli",),
    ("checker.entry", "checker.__main__"),
]
"""Lowest first. A module may import its own layer's and lower layers' modules only."""

OWNERS = {
    "durable": ("checker.engine",),
    "durable_rules_engine": ("checker.engine",),
    "typer": ("checker.cli",),
    "click": (),
    "pydantic": ("checker.read",),
    "rich": ("checker.report.writer",),
    "matplotlib": ("checker.explore.plot",),
    "pickle": (),
    "marshal": (),
    "shelve": (),
}
"""Who may import each dependency (a module or a package prefix)."""


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            # `from checker.x import y` may import the submodule checker.x.y
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


MODULES = modules()
IMPORTS = {name: imports(name, path) for name, path in MODULES.items()}


def layer_of(name: str) -> int:
    for index, members in enumerate(LAYERS):
        if any(name == m or name.startswith(m + ".") for m in members):
            return index
    raise AssertionError(f"{name} is in no layer: add it to LAYERS")


def internal(found: set[str]) -> set[str]:
    return {m for m in found if m in MODULES and m != "checker"}


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != "checker"))
def test_a_module_imports_only_its_layer_and_below(name: str) -> None:
    mine = layer_of(name)
    higher = sorted(m for m in internal(IMPORTS[name]) if layer_of(m) > mine)
    assert not higher, f"{name} (layer {mine}) imports higher layers: {higher}"


@pytest.mark.parametrize("dependency", sorted(OWNERS))
def test_each_dependency_has_one_owner(dependency: str) -> None:
    owners = OWNERS[dependency]
    users = sorted(
        name
        for name, found in IMPORTS.items()
        if any(m == dependency or m.startswith(dependency + ".") for m in found)
        and not any(name == o or name.startswith(o + ".") for o in owners)
    )
    assert not users, f"{dependency} is imported by {users}, not only by {owners}"


RECORDS = ("msgspec", "msgspec.Struct", "msgspec.field", "msgspec.structs")
"""What the runtime types may take from msgspec: its record type (a class made in C, about
a tenth of a dataclass's cost to define, which every start of the CLI paid some 40 times),
and never its encoders, which are the reading layer's."""


def test_the_runtime_types_import_only_the_standard_library_and_their_records() -> None:
    stdlib = sys.stdlib_module_names
    for name, found in IMPORTS.items():
        if name.startswith(("checker.model", "checker.errors", "checker.interrupts")):
            outside = sorted(
                m
                for m in found
                if m.split(".")[0] not in stdlib
                and m != "__future__"
                and not m.startswith(("checker.model", "checker.errors"))
                and m not in RECORDS
                and not m.startswith("msgspec.structs.")
            )
            assert not outside, f"{name} imports {outside}"


def test_no_import_cycles() -> None:
    graph = {name: internal(found) - {name} for name, found in IMPORTS.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own modules
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                raise AssertionError(f"import cycle: {' -> '.join(cycle)}")
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_500_lines(name: str) -> None:
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= 500, f"{name} has {lines} lines"


def test_one_definition_per_type_name() -> None:
    where = defaultdict(list)
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where[node.name].append(name)
    twice = {cls: homes for cls, homes in where.items() if len(homes) > 1}
    assert not twice, twice


def test_every_package_says_what_it_owns_and_may_import() -> None:
    for name, path in MODULES.items():
        if path.name == "__init__.py" and name != "checker":
            doc = ast.get_docstring(ast.parse(path.read_text())) or ""
            assert "import" in doc.lower(), f"{name}'s docstring does not say what it may import"
