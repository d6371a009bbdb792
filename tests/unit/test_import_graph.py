"""Imports point one way, ``dashboard -> tracker -> db``, and never go round in a circle.

A small walk over the syntax trees of every ``.py`` file under tracker/,
dashboard/ and db/ (nothing is imported or run). Every import counts, also
one inside a function or a ``try``; only the body of ``if TYPE_CHECKING:``
is exempt, since it never runs. Relative imports are resolved.
``from tracker.x import y`` is an import of the module ``tracker.x.y`` when
there is one (a ``.py`` file or a package), else of ``tracker.x``; importing
a package means importing its ``__init__``, the module ``tracker.x``.

Layer rules (a "back-edge" breaks one):

- nothing in ``db`` or ``tracker`` imports ``dashboard``;
- nothing in ``dashboard`` imports ``db`` (pages go through tracker);
- ``db`` imports nothing from ``tracker`` but ``tracker.core``.

A cycle is reported as the full path of modules, e.g.
``tracker.a -> tracker.b -> tracker.a``.
"""

from __future__ import annotations

import ast
import itertools
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("tracker", "dashboard", "db")


@dataclass(frozen=True)
class Source:
    """One module's text; ``package`` for an ``__init__.py``; ``path`` for messages."""

    text: str
    package: bool = False
    path: str = ""


@dataclass(frozen=True, order=True)
class Edge:
    importer: str
    imported: str
    line: int
    path: str = ""

    def where(self) -> str:
        return f"{self.path or self.importer}:{self.line}"


# --- reading the tree ----------------------------------------------------------------------------


def project_modules(root: Path = ROOT, packages: Iterable[str] = PROJECT_PACKAGES) -> dict[str, Source]:
    """Every module under ``root/<package>``, by dotted name (folders without ``__init__.py`` too)."""
    modules: dict[str, Source] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            relative = str(path.relative_to(root))
            modules[name] = Source(path.read_text(encoding="utf-8"), is_package, relative)
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterable[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except in the body of ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _resolve_base(importer: str, source: Source, node: ast.ImportFrom) -> str:
    """The absolute module that ``from <...> import`` names, relative imports resolved."""
    if node.level == 0:
        return node.module or ""
    package = importer.split(".") if source.package else importer.split(".")[:-1]
    up = node.level - 1
    if up > len(package):
        raise ValueError(f"{importer}: relative import beyond the top-level package")
    base = package[: len(package) - up]
    return ".".join([*base, *([node.module] if node.module else [])])


def _known(name: str, modules: Mapping[str, Source]) -> str | None:
    """``name`` or its longest prefix that is a project module; None outside the project."""
    parts = name.split(".")
    if parts[0] not in {module.split(".")[0] for module in modules}:
        return None
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def import_edges(modules: Mapping[str, Source]) -> list[Edge]:
    """Every import between project modules, with the line it is on."""
    edges: list[Edge] = []
    for importer, source in sorted(modules.items()):
        tree = ast.parse(source.text, filename=source.path or importer)
        for node in _imports(tree):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [_known(alias.name, modules) for alias in node.names]
            else:
                base = _resolve_base(importer, source, node)
                for alias in node.names:
                    submodule = f"{base}.{alias.name}" if base else alias.name
                    targets.append(submodule if alias.name != "*" and submodule in modules else _known(base, modules))
            for target in targets:
                if target is not None and target != importer:
                    edges.append(Edge(importer, target, node.lineno, source.path))
    return sorted(set(edges))


# --- the rules ----------------------------------------------------------------------------------


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layer_rule_broken(importer: str, imported: str) -> str | None:
    """Why ``importer`` may not import ``imported``, or None if it may."""
    if _under(imported, "dashboard") and (_under(importer, "db") or _under(importer, "tracker")):
        return f"{importer.split('.')[0]} must not import dashboard"
    if _under(importer, "dashboard") and _under(imported, "db"):
        return "dashboard must not import db (pages go through tracker)"
    if _under(importer, "db") and _under(imported, "tracker") and not _under(imported, "tracker.core"):
        return "db may import only tracker.core from tracker"
    return None


def back_edges(edges: Iterable[Edge]) -> list[str]:
    """One line per import that breaks a layer rule."""
    found = []
    for edge in edges:
        reason = layer_rule_broken(edge.importer, edge.imported)
        if reason:
            found.append(f"{edge.importer} -> {edge.imported} ({edge.where()}): {reason}")
    return found


def cycles(edges: Iterable[Edge]) -> list[list[str]]:
    """One cycle (its full path, first module repeated at the end) per strongly connected group."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, set()).add(edge.imported)
        graph.setdefault(edge.imported, set())
    found = []
    for group in _strongly_connected(graph):
        start = min(group)
        found.append(_shortest_cycle(graph, start, group))
    return sorted(found)


def _strongly_connected(graph: Mapping[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively; only groups that hold a cycle (two or more modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
    return groups


def _shortest_cycle(graph: Mapping[str, set[str]], start: str, group: set[str]) -> list[str]:
    """The shortest path from ``start`` back to itself inside ``group`` (breadth first)."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"{start} is in a cycle group but no cycle was found")


def describe(cycle: list[str], edges: Iterable[Edge]) -> str:
    """``a -> b -> a`` followed by where each step is imported."""
    at = {(e.importer, e.imported): e.where() for e in sorted(edges, key=lambda e: e.line, reverse=True)}
    steps = [f"    {a} -> {b} at {at[(a, b)]}" for a, b in itertools.pairwise(cycle)]
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


# --- the real tree --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_edges() -> list[Edge]:
    return import_edges(project_modules())


def test_the_walk_sees_the_real_imports(real_edges):
    pairs = {(e.importer, e.imported) for e in real_edges}
    assert ("tracker.cli", "tracker.core.fiscal") in pairs  # an import inside a function
    assert ("db.session", "db.migrations.env") not in pairs
    assert any(e.importer.startswith("dashboard.") and e.imported.startswith("tracker.") for e in real_edges)
    assert len(real_edges) > 100


def test_no_layer_imports_another_backwards(real_edges):
    found = back_edges(real_edges)
    assert not found, f"{len(found)} import(s) against the layers dashboard -> tracker -> db:\n" + "\n".join(found)


def test_no_modules_import_each_other_in_a_circle(real_edges):
    found = cycles(real_edges)
    assert not found, f"{len(found)} import cycle(s):\n" + "\n".join(describe(c, real_edges) for c in found)


# --- the walker on made-up modules ---------------------------------------------------------------


def modules(**texts: str) -> dict[str, Source]:
    """Made-up modules: ``tracker__a="..."`` is tracker.a; a name ending ``__init`` is a package."""
    made = {}
    for key, text in texts.items():
        parts = key.split("__")
        package = parts[-1] == "init"
        name = ".".join(parts[:-1] if package else parts)
        made[name] = Source(text, package)
    return made


def pairs(found: Iterable[Edge]) -> set[tuple[str, str]]:
    return {(e.importer, e.imported) for e in found}


def test_a_back_edge_from_db_into_tracker_is_found_but_tracker_core_is_allowed():
    edges = import_edges(
        modules(
            db__models="from tracker.core import money\nfrom tracker.figures import data\n",
            tracker__core__init="",
            tracker__core__money="",
            tracker__figures__init="",
            tracker__figures__data="",
        )
    )
    assert pairs(edges) == {("db.models", "tracker.core.money"), ("db.models", "tracker.figures.data")}
    assert back_edges(edges) == [
        "db.models -> tracker.figures.data (db.models:2): db may import only tracker.core from tracker"
    ]


def test_pages_importing_db_and_tracker_importing_dashboard_are_back_edges():
    edges = import_edges(
        modules(
            dashboard__app_pages__review="import db.session\nfrom tracker import serve\n",
            db__session="",
            tracker__serve="import dashboard.components\n",
            dashboard__components="",
        )
    )
    found = back_edges(edges)
    assert len(found) == 2
    assert found[0].startswith("dashboard.app_pages.review -> db.session")
    assert found[1].startswith("tracker.serve -> dashboard.components")
    assert layer_rule_broken("dashboard.app", "tracker.cli") is None
    assert layer_rule_broken("tracker.cli", "db.session") is None


def test_a_cycle_is_reported_with_its_full_path():
    edges = import_edges(
        modules(
            tracker__figures__delivery="from tracker.files import exports\n",
            tracker__files__exports="from tracker.figures.finance_tables import build\n",
            tracker__figures__finance_tables="import tracker.figures.data as data\n",
            tracker__figures__data="def f():\n    from tracker.figures import delivery\n",
            tracker__core__money="",
        )
    )
    found = cycles(edges)
    assert found == [
        [
            "tracker.figures.data",
            "tracker.figures.delivery",
            "tracker.files.exports",
            "tracker.figures.finance_tables",
            "tracker.figures.data",
        ]
    ]
    text = describe(found[0], edges)
    assert text.startswith("tracker.figures.data -> tracker.figures.delivery -> ")
    assert "tracker.figures.data -> tracker.figures.delivery at tracker.figures.data:2" in text


def test_an_import_under_type_checking_is_ignored_but_its_else_branch_counts():
    edges = import_edges(
        modules(
            tracker__a=(
                "from typing import TYPE_CHECKING\n"
                "import typing\n"
                "if TYPE_CHECKING:\n    from tracker import b\n"
                "if typing.TYPE_CHECKING:\n    import tracker.c\nelse:\n    import tracker.d\n"
            ),
            tracker__b="import tracker.a\n",
            tracker__c="",
            tracker__d="",
        )
    )
    assert pairs(edges) == {("tracker.a", "tracker.d"), ("tracker.b", "tracker.a")}
    assert cycles(edges) == []


def test_an_import_inside_a_function_or_a_class_counts():
    edges = import_edges(
        modules(
            tracker__cli="def cmd():\n    from tracker.figures import data\n",
            tracker__figures__data="class A:\n    def m(self):\n        import tracker.cli\n",
        )
    )
    assert pairs(edges) == {("tracker.cli", "tracker.figures.data"), ("tracker.figures.data", "tracker.cli")}
    assert cycles(edges) == [["tracker.cli", "tracker.figures.data", "tracker.cli"]]


def test_from_imports_name_a_module_when_there_is_one_else_the_package():
    edges = import_edges(
        modules(
            tracker__cli=(
                "from tracker.figures import data, CONSTANT\n"  # a module, then a name in the package
                "from tracker.core.money import format_pounds\n"  # a name in a module
                "from tracker import figures\n"  # a package: its __init__
                "import tracker.records.unknown\n"  # no such module: the nearest that exists
                "import pandas, sqlalchemy.orm\n"  # outside the project: ignored
            ),
            tracker__figures__init="",
            tracker__figures__data="",
            tracker__core__money="",
            tracker__records__init="",
        )
    )
    assert pairs(edges) == {
        ("tracker.cli", "tracker.figures.data"),
        ("tracker.cli", "tracker.figures"),
        ("tracker.cli", "tracker.core.money"),
        ("tracker.cli", "tracker.records"),
    }


def test_relative_imports_are_resolved_from_a_module_and_from_a_package():
    edges = import_edges(
        modules(
            tracker__figures__data="from . import delivery\nfrom .delivery import x\nfrom ..core import money\n",
            tracker__figures__delivery="",
            tracker__figures__init="from .register import y\n",
            tracker__figures__register="",
            tracker__core__money="",
        )
    )
    assert pairs(edges) == {
        ("tracker.figures.data", "tracker.figures.delivery"),
        ("tracker.figures.data", "tracker.core.money"),
        ("tracker.figures", "tracker.figures.register"),
    }


def test_the_module_names_come_from_the_files(tmp_path: Path):
    (tmp_path / "db" / "migrations").mkdir(parents=True)
    (tmp_path / "db" / "__init__.py").write_text("")
    (tmp_path / "db" / "session.py").write_text("from db import models\n")
    (tmp_path / "db" / "models.py").write_text("")
    (tmp_path / "db" / "migrations" / "env.py").write_text("from db.session import x\n")

    found = project_modules(tmp_path, ["db"])

    assert set(found) == {"db", "db.session", "db.models", "db.migrations.env"}
    assert found["db"].package and not found["db.session"].package
    assert pairs(import_edges(found)) == {("db.session", "db.models"), ("db.migrations.env", "db.session")}
