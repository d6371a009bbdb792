"""``funding-tracker import list`` and ``funding-tracker import undo ID``: the
recent imports, and undoing one as a unit (the work is in
``tracker.imports.history`` and ``tracker.imports.undo``).

They share the ``import`` command with ``import KIND FILE``, which is
unchanged: ``list`` and ``undo`` are two more words its first argument takes.
Undoing runs as the person at the server's shell (``local_actor()``, an
admin), like ``import`` itself.
"""

from __future__ import annotations

import argparse
import sys

ACTIONS = ("list", "undo")
USAGE_ERROR = 2  # argparse's own exit code for a bad command line


def add_arguments(imp: argparse.ArgumentParser) -> None:
    """The options only ``import list`` takes."""
    imp.add_argument(
        "--limit",
        type=_positive,
        metavar="N",
        help="list: how many of the most recent imports to show (default 20)",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def misused(args: argparse.Namespace) -> str | None:
    """What is wrong with the command line of ``import`` (None: nothing)."""
    if args.what == "list":
        if args.file is not None:
            return "import list takes no FILE"
    elif args.what == "undo":
        if args.file is None or not args.file.isdigit():
            return "import undo needs the number of an import (funding-tracker import list shows them)"
    elif args.file is None:
        return f"import {args.what} needs the FILE to import"
    if args.what in ACTIONS and (args.reason or args.reason_text or args.spread):
        return f"--reason, --reason-text and --spread are for importing a file, not for import {args.what}"
    if args.what != "list" and args.limit is not None:
        return "--limit is for import list"
    return None


def cmd_imports(args: argparse.Namespace) -> int:
    """``import list`` or ``import undo ID``."""
    from tracker.cli_common import open_database

    engine = open_database()
    try:
        return _list(engine, args.limit) if args.what == "list" else _undo(engine, int(args.file))
    finally:
        engine.dispose()


def _list(engine, limit: int | None) -> int:
    from tracker.imports import history
    from tracker.imports.undo_words import when

    found = history.recent(engine, limit or history.RECENT)
    if not found:
        print("no imports yet")
        return 0
    header = ["id", "started (UTC)", "who", "kind", "file", "created", "updated", "undone"]
    rows = [header]
    for one in found:
        undone = f"{when(one.undone_at)} by {one.undone_by}" if one.undone_at is not None else "-"
        started = when(one.started_at).removesuffix(" UTC")
        rows.append(
            [str(one.id), started, one.actor, one.kind, one.file_name, f"{one.created:,}", f"{one.updated:,}", undone]
        )
    numbers = {0, 5, 6}  # right-aligned
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.rjust(w) if i in numbers else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _undo(engine, import_id: int) -> int:
    from tracker.imports.undo import undo_import
    from tracker.records.permissions import local_actor
    from tracker.records.problems import ServiceError

    try:
        outcome = undo_import(import_id, engine=engine, actor=local_actor())
    except ServiceError as err:
        print(f"funding-tracker import undo: {err}", file=sys.stderr)
        return 1
    print(outcome)
    return 0
