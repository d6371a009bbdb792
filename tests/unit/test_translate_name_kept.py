"""``_`` is the translate function wherever a module imports it: never a throwaway name there.

Python makes a name local to a whole function if the function assigns it
anywhere, so ``saved, _ = attempt(...)`` in a function that also says
``_("...")`` fails before the assignment is even reached; at a page's top
level it silently turns every later message into an error.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports_translate(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "tracker.i18n" and any(a.name == "_" for a in node.names)
        for node in ast.walk(tree)
    )


def _assigned_underscores(tree: ast.Module) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)) or (
            isinstance(node, ast.arg) and node.arg == "_"
        ):
            lines.append(node.lineno)
    return lines


def test_no_module_that_translates_uses_underscore_as_a_throwaway():
    found = []
    for package in ("dashboard", "tracker"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if _imports_translate(tree):
                found += [f"{path.relative_to(ROOT)}:{line}" for line in _assigned_underscores(tree)]
    assert not found, f"`_` is the translate function here; name the throwaway otherwise: {found}"


def test_the_check_finds_a_throwaway():
    tree = ast.parse("from tracker.i18n import _\ndef f():\n    saved, _ = g()\n    return _('x')\n")
    assert _imports_translate(tree) and _assigned_underscores(tree) == [3]
