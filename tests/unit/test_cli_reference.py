"""docs/cli.md is generated from the argparse definitions and must stay in step with them."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.cli import build_parser
from tracker.cli_reference import render_markdown

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "cli.md"
REGENERATE = "run `make docs` (or `.venv/bin/python -m tracker.cli_reference docs/cli.md`) and commit docs/cli.md"


def test_docs_cli_md_is_up_to_date():
    assert DOCS.is_file(), f"docs/cli.md is missing: {REGENERATE}"
    fresh = render_markdown(build_parser())
    assert DOCS.read_text(encoding="utf-8") == fresh, f"docs/cli.md is out of date with tracker/cli.py: {REGENERATE}"


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield sub
                yield from _subparsers(sub)


def test_every_command_and_option_is_in_the_reference():
    parser = build_parser()
    text = render_markdown(parser)
    subs = list(_subparsers(parser))

    assert {"funding-tracker users add", "funding-tracker db upgrade", "funding-tracker review-pack"} <= {
        sub.prog for sub in subs
    }
    for sub in subs:
        assert f"# {sub.prog}\n" in text
        for action in sub._actions:
            for option in action.option_strings:
                assert option in text, f"{sub.prog} {option}"


def test_the_rendering_does_not_depend_on_the_terminal_width(monkeypatch: pytest.MonkeyPatch):
    wide = render_markdown(build_parser())
    monkeypatch.setenv("COLUMNS", "40")

    assert render_markdown(build_parser()) == wide


def test_building_the_parser_and_the_reference_loads_no_database_code():
    code = (
        "import sys\n"
        "from tracker.cli import build_parser\n"
        "from tracker.cli_reference import render_markdown\n"
        "render_markdown(build_parser())\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'db', 'alembic'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr


def test_a_synthetic_parser_renders_commands_arguments_and_notes():
    parser = argparse.ArgumentParser(prog="tool", description="A tool.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser("run", help="run it | fast")
    run.add_argument("target", help="what to run")
    run.add_argument("--level", choices=("low", "high"), default="low", help="how hard (default %(default)s)")
    run.add_argument("--tag", action="append", metavar="TAG", help="a tag")
    either = run.add_mutually_exclusive_group()
    either.add_argument("--quiet", action="store_true", help="say nothing")
    either.add_argument("--loud", action="store_true", help="say everything")
    group = commands.add_parser("group", help="a group of actions")
    actions = group.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("go", help="go on").add_argument("--out", required=True, metavar="PATH", help="where")

    text = render_markdown(parser)

    assert "| [`run`](#tool-run) | run it \\| fast |" in text
    assert "| [`group go`](#tool-group-go) | go on |" in text
    assert "## tool run\n\nRun it | fast.\n" in text
    assert "### tool group go\n" in text
    assert "usage: tool run [-h] [--level {low,high}] [--tag TAG] [--quiet | --loud] target" in text
    assert "| `target` | what to run. |" in text
    assert "| `--level LEVEL` | how hard (default low). One of: `low`, `high`. Default: `low`. |" in text
    assert "| `--tag TAG` | a tag. May be given more than once. |" in text
    assert "| `--out PATH` | where. Required. |" in text
    assert "At most one of `--quiet`, `--loud`." in text
    assert "-h, --help" not in text
