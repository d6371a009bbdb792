"""Every write a dashboard page makes names the signed-in user as its actor.

A services or accounts write called without ``actor=`` runs as the local
user with every right (the CLI's owner), which on a shared server would skip
the role check and credit the change to the wrong person. This reads the
pages' source and lists any write call without an ``actor`` keyword.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tracker import accounts
from tracker.imports import pipeline as imports
from tracker.records import services

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
WRITES = {
    "services": {"create_announcement", "update_announcement", "create_commitment", "update_commitment",
                 "record_delivery", "update_delivery", "create_milestone", "update_milestone", "delete",
                 "restore", "record_status", "open_meeting", "import_commitments_file",
                 "import_deliveries_file", "load_dataset"},
    "accounts": {"add_user", "set_roles", "disable_user", "enable_user", "reset_password"},
    "imports": {"apply_plan"},
}


def _writes_without_actor(tree: ast.AST, update_names: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in WRITES.get(
                func.value.id, ()):
            name = f"{func.value.id}.{func.attr}"
        elif isinstance(func, ast.Subscript) and isinstance(func.value, ast.Name) and func.value.id in update_names:
            name = f"{func.value.id}[...]"
        if name and not any(k.arg == "actor" or k.arg is None for k in node.keywords):
            found.append((node.lineno, name))
    return found


def test_the_write_list_covers_every_permission_checked_use_case() -> None:
    for module, names in WRITES.items():
        owner = {"services": services, "accounts": accounts, "imports": imports}[module]
        assert all(callable(getattr(owner, n)) for n in names)


def test_every_write_from_a_page_names_its_actor() -> None:
    missing = []
    for path in sorted(DASHBOARD.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Tables of use cases (e.g. UPDATE = {"announcement": services.update_announcement, ...}) called by key.
        tables = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                  and isinstance(node.value, ast.Dict)
                  and any(isinstance(v, ast.Attribute) and isinstance(v.value, ast.Name)
                          and v.attr in WRITES.get(v.value.id, ()) for v in node.value.values)
                  for t in node.targets if isinstance(t, ast.Name)}
        missing += [f"{path.relative_to(DASHBOARD.parent)}:{line} {name}"
                    for line, name in _writes_without_actor(tree, tables)]
    assert missing == []


def test_the_check_finds_a_write_without_an_actor() -> None:
    tree = ast.parse("services.record_delivery(inp, engine=db)\nUPDATE = {'d': services.update_delivery}\n"
                     "UPDATE['d'](ref, inp, engine=db)\nservices.delete('x', 'y', engine=db, actor=me)\n")
    assert _writes_without_actor(tree, {"UPDATE"}) == [(1, "services.record_delivery"), (3, "UPDATE[...]")]
