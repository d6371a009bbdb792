"""Every write names its actor, and a dashboard page names the signed-in user.

A write use-case takes ``actor`` as a required keyword: there is no default
"local user" with every right to fall back on. A page that left it out
would fail, but only when that write runs, which a test may never do; and a
page that passed the wrong actor (``local_actor()``, an admin) would skip
the role check and credit the change to the wrong person on a shared
server. So this reads the source: every write use-case in tracker/ takes a
required keyword-only ``actor`` and is listed below, and every write a page
makes passes ``actor=auth.actor()``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard"
TRACKER = ROOT / "tracker"

# module -> its write use-cases (each checks a permission and is audited).
WRITES = {
    "tracker.records.announcements": {"create_announcement", "update_announcement"},
    "tracker.records.commitments": {"create_commitment", "update_commitment"},
    "tracker.records.deliveries": {"record_delivery", "update_delivery"},
    "tracker.records.milestones": {"create_milestone", "update_milestone"},
    "tracker.records.deletion": {"delete", "restore"},
    "tracker.records.organisation_changes": {"update_organisation", "merge_organisations"},
    "tracker.review.recording": {"record_status", "open_meeting"},
    "tracker.review.pack": {"ensure_meeting", "write_pack"},
    "tracker.imports.apply": {"apply_plan", "import_file"},
    "tracker.imports.undo": {"undo_import"},
    "tracker.extract.saving": {"save_drafts"},
    "tracker.demo.loader": {"load_dataset"},
    "tracker.demo": {"load_demo"},
    "tracker.accounts": {"add_user", "set_roles", "disable_user", "enable_user", "reset_password", "unlock_user"},
    "tracker.api.access": {"issue_token", "revoke_token", "set_public_api"},
    "tracker.backup": {"restore"},
    "tracker.shared_settings": {"cookie_secret"},
    "tracker.records.deflator_releases": {"load_release", "load_release_bytes", "set_default"},
}
WRITE_TARGETS = {f"{module}.{name}" for module, names in WRITES.items() for name in names}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _aliases(tree: ast.AST) -> dict[str, str]:
    """What each imported name stands for, by its full dotted name."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    names[alias.name.split(".")[0]] = alias.name.split(".")[0]
    return names


def _target(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """The full dotted name ``node`` refers to (``deletion.delete`` -> ``tracker.records.deletion.delete``)."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
        return f"{aliases[node.value.id]}.{node.attr}"
    return None


def _is_signed_in_user(node: ast.expr) -> bool:
    """``auth.actor()``: the signed-in user, with their roles as the database has them now."""
    return (
        isinstance(node, ast.Call)
        and not node.args
        and not node.keywords
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "actor"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "auth"
    )


def _writes_without_the_signed_in_user(tree: ast.AST) -> list[tuple[int, str]]:
    """Write calls whose ``actor`` is missing or is not ``auth.actor()``: (line, what was called)."""
    aliases = _aliases(tree)
    # Tables of use cases (e.g. UPDATE = {"announcement": announcements.update_announcement, ...}) called by key.
    tables = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Dict)
        and any(_target(v, aliases) in WRITE_TARGETS for v in node.value.values if v is not None)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _target(node.func, aliases) in WRITE_TARGETS:
            name = ast.unparse(node.func)
        elif (
            isinstance(node.func, ast.Subscript)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in tables
        ):
            name = f"{node.func.value.id}[...]"
        else:
            continue
        actor = [k.value for k in node.keywords if k.arg == "actor"]
        if not (actor and _is_signed_in_user(actor[0])):
            found.append((node.lineno, name))
    return found


def test_every_write_takes_a_required_keyword_actor() -> None:
    for module, names in WRITES.items():
        owner = importlib.import_module(module)
        for name in names:
            actor = inspect.signature(getattr(owner, name)).parameters.get("actor")
            assert actor is not None, f"{module}.{name} takes no actor"
            assert actor.kind is inspect.Parameter.KEYWORD_ONLY, f"{module}.{name}: actor is not keyword-only"
            assert actor.default is inspect.Parameter.empty, f"{module}.{name}: actor has a default"


def test_the_write_list_covers_every_use_case_and_no_actor_has_a_default() -> None:
    taking_actor, defaulted = set(), []
    for path in sorted(TRACKER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            arguments = node.args
            positional = arguments.posonlyargs + arguments.args
            defaults = dict(zip([a.arg for a in positional][::-1], arguments.defaults[::-1]))
            defaults |= {a.arg: d for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None}
            if "actor" in defaults:
                defaulted.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
            if node in tree.body and not node.name.startswith("_") and "actor" in {a.arg for a in arguments.kwonlyargs}:
                taking_actor.add(f"{_module_name(path)}.{node.name}")
    assert defaulted == [], "an actor must always be given"
    assert taking_actor == WRITE_TARGETS, "a write use-case is missing from WRITES (or is listed but gone)"


def test_every_write_from_a_page_names_the_signed_in_user() -> None:
    wrong = []
    for path in sorted(DASHBOARD.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrong += [f"{path.relative_to(ROOT)}:{line} {name}" for line, name in _writes_without_the_signed_in_user(tree)]
        assert "local_actor" not in path.read_text(encoding="utf-8"), f"{path.name} acts as the local user"
    assert wrong == []


def test_the_check_finds_a_write_without_the_signed_in_user() -> None:
    tree = ast.parse(
        "from tracker.records import deletion, deliveries\n"
        "from tracker.records.milestones import create_milestone as new_milestone\n"
        "from tracker.records.permissions import local_actor\n"
        "deliveries.record_delivery(inp, engine=db)\n"
        "UPDATE = {'d': deliveries.update_delivery}\n"
        "UPDATE['d'](ref, inp, engine=db)\n"
        "deletion.delete('x', 'y', engine=db, actor=auth.actor())\n"
        "new_milestone(inp, engine=db, actor=local_actor())\n"
        "deletion.restore('x', 'y', engine=db, actor=auth.actor())\n"
    )
    assert _writes_without_the_signed_in_user(tree) == [
        (4, "deliveries.record_delivery"),
        (6, "UPDATE[...]"),
        (8, "new_milestone"),
    ]
