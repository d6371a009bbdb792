"""The command-line reference, ``docs/cli.md``, generated from the argparse definitions.

``render_markdown(parser)`` walks the parser and its sub-commands; nothing is
written by hand, so the reference cannot drift from what the command accepts
(a unit test compares ``docs/cli.md`` with a fresh render). Regenerate it with
``make docs``, which runs::

    python -m tracker.cli_reference docs/cli.md

(with no argument the Markdown goes to standard output). Building the parser
imports no database code, so this needs no database.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

# A fixed width, so that the usage lines do not depend on the terminal.
USAGE_WIDTH = 100

PREAMBLE = """\
<!-- Generated from tracker/cli.py by `make docs` (python -m tracker.cli_reference docs/cli.md).
     Do not edit by hand: a test fails when this file and the command definitions disagree. -->

# Command-line reference

After `make install` the command is `.venv/bin/funding-tracker`. Every command
accepts `-h` / `--help`.

The database is `TRACKER_DATABASE_URL` (any SQLAlchemy URL), else the SQLite
file `data/tracker.db` under the folder the command runs in. Every command that
opens the database applies pending migrations first. Only `serve`, `db upgrade`
and `demo` create a SQLite database that does not exist yet; any other command
stops instead (exit 1, naming the file it looked for).

Exit codes: 0 success; 1 bad data (one line per problem on standard error,
nothing changed); 2 a bad command line.
"""


def render_markdown(parser: argparse.ArgumentParser) -> str:
    """The Markdown reference of ``parser``: a contents table, then a section per command."""
    commands = list(_commands(parser))
    lines = [PREAMBLE]
    if parser.description:
        lines += [parser.description, ""]
    lines += ["| command | what it does |", "|---|---|"]
    for prog, help_text, _ in commands:
        lines.append(f"| [`{_command_name(parser, prog)}`](#{_anchor(prog)}) | {_cell(help_text)} |")
    lines.append("")
    for prog, help_text, sub in commands:
        depth = prog.count(" ") - parser.prog.count(" ")
        lines += _section(sub, prog, help_text, level=min(depth + 1, 4))
    return "\n".join(lines).rstrip("\n") + "\n"


def _commands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """Every sub-command, depth first, in the order defined: (prog, help, parser)."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
        for name, sub in action.choices.items():
            yield sub.prog, helps.get(name, ""), sub
            yield from _commands(sub)


def _section(parser: argparse.ArgumentParser, prog: str, help_text: str, level: int) -> list[str]:
    lines = [f"{'#' * level} {prog}", ""]
    about = parser.description or help_text
    if about:
        lines += [_sentence(about, capital=True), ""]
    lines += ["```", _usage(parser).rstrip(), "```", ""]
    rows = [_argument_row(action) for action in parser._actions if _documented(action)]
    if rows:
        lines += ["| argument | meaning |", "|---|---|", *rows, ""]
    for group in parser._mutually_exclusive_groups:
        names = ", ".join(f"`{action.option_strings[-1]}`" for action in group._group_actions)
        lines += [f"At most one of {names}.", ""]
    return lines


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(parser.prog, width=USAGE_WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help()


def _documented(action: argparse.Action) -> bool:
    if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
        return False
    return action.help is not argparse.SUPPRESS


def _argument_row(action: argparse.Action) -> str:
    metavar = " ".join(action.metavar) if isinstance(action.metavar, tuple) else action.metavar
    if action.option_strings:
        name = ", ".join(action.option_strings)
        if action.nargs != 0:
            name += f" {metavar or action.dest.upper()}"
    else:
        name = metavar or action.dest
        if action.nargs == argparse.REMAINDER:
            name = f"[-- {name.upper()} ...]"
    notes = []
    if action.help:
        notes.append(_sentence(_expand(action)))
    if action.choices is not None and action.metavar is None:
        notes.append("One of: " + ", ".join(f"`{choice}`" for choice in action.choices) + ".")
    if action.option_strings and action.required:
        notes.append("Required.")
    if isinstance(action, argparse._AppendAction):
        notes.append("May be given more than once.")
    if _shows_default(action):
        notes.append(f"Default: `{action.default}`.")
    return f"| `{name}` | {_cell(' '.join(notes))} |"


def _shows_default(action: argparse.Action) -> bool:
    if not action.option_strings or action.nargs == 0 or action.required:
        return False
    return action.default not in (None, argparse.SUPPRESS, [])


def _expand(action: argparse.Action) -> str:
    """The help text with ``%(default)s`` and the like filled in, as ``--help`` shows it."""
    params = {name: value for name, value in vars(action).items() if value is not argparse.SUPPRESS}
    if params.get("choices") is not None:
        params["choices"] = ", ".join(str(choice) for choice in params["choices"])
    return (action.help or "") % params


def _sentence(text: str, *, capital: bool = False) -> str:
    """``text`` ending with a full stop (help texts are written without one)."""
    text = text.strip()
    if capital and text:
        text = text[0].upper() + text[1:]
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _command_name(parser: argparse.ArgumentParser, prog: str) -> str:
    return prog.removeprefix(parser.prog).strip()


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, spaces to hyphens, punctuation dropped."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def main(argv: list[str] | None = None) -> int:
    from tracker.cli import build_parser

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python -m tracker.cli_reference [OUTPUT.md]", file=sys.stderr)
        return 2
    text = render_markdown(build_parser())
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8", newline="\n")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
