"""``funding-tracker deflators``: load a deflator release, list the releases, choose the default
(the work is in ``tracker.records.deflator_releases`` and ``tracker.figures.deflator_releases``;
docs/deflators.md says what a release is).

Output is English; a file with any problem prints every one (line, column,
value, what was expected) on standard error, exits 1 and stores nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys

DEFLATORS_DESCRIPTION = (
    "Deflator releases: named series of index numbers by financial year, from which real-terms figures are "
    "worked. The release shipped with the tracker is always there; an admin may load newer ones, which are kept "
    "side by side and never replaced or changed, and choose which is the default."
)
LOAD_DESCRIPTION = (
    "Load the release in FILE, a CSV with the header financial_year,index and one row per financial year "
    "(2019-20,101.5): the years contiguous, every index a positive number, each year once. The whole file is "
    "checked first: a file with any problem prints every one and stores nothing. A name already used by a "
    "release (in any case) is refused."
)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """The ``deflators`` sub-command and its own commands."""
    deflators = commands.add_parser(
        "deflators", help="load, list and choose the default deflator release", description=DEFLATORS_DESCRIPTION
    )
    what = deflators.add_subparsers(dest="what", required=True, metavar="{load,list,default}")
    load = what.add_parser("load", help="load a deflator release from a CSV file", description=LOAD_DESCRIPTION)
    load.add_argument("file", metavar="FILE", help="a CSV file: financial_year,index")
    load.add_argument(
        "--release",
        required=True,
        metavar="NAME",
        help="the release's name, saying whose series and when, e.g. 'HM Treasury GDP deflators, December 2025'",
    )
    load.add_argument("--default", action="store_true", help="make it the default release too")
    listing = what.add_parser(
        "list", help="list the releases", description="List every release: its years, and which is the default."
    )
    listing.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="table (default), csv or json"
    )
    default = what.add_parser(
        "default",
        help="make a release the default",
        description="Make the release NAME (any case) the default: real-terms figures use it unless told otherwise.",
    )
    default.add_argument("name", metavar="NAME")


def cmd_deflators(args: argparse.Namespace) -> int:
    """``deflators load|list|default``."""
    from tracker.cli_common import open_database

    text = _read(args.file) if args.what == "load" else ""
    if text is None:
        return 1
    engine = open_database()
    try:
        if args.what == "load":
            return _load(engine, text, args.release, make_default=args.default)
        if args.what == "default":
            return _default(engine, args.name)
        return _list(engine, args.format)
    finally:
        engine.dispose()


def _read(path: str) -> str | None:
    from tracker.cli_common import print_problems
    from tracker.files.deflator_files import read_deflator_file
    from tracker.files.tabular import DataError

    try:
        return read_deflator_file(path)
    except OSError as err:
        print(f"cannot read {path}: {err.strerror or err}", file=sys.stderr)
    except DataError as err:
        print_problems(err.problems)
    return None


def _load(engine, text: str, name: str, *, make_default: bool) -> int:
    from tracker.cli_common import print_problems
    from tracker.records import deflator_releases as store
    from tracker.records.permissions import PermissionDenied, local_actor

    try:
        years = store.load_release(engine, text, name, actor=local_actor(), make_default=make_default)
    except store.ReleaseNotLoaded as err:
        return print_problems(err.problems)
    except PermissionDenied as err:
        print(str(err), file=sys.stderr)
        return 1
    print(store.loaded_sentence(name.strip(), years, made_default=make_default))
    return 0


def _default(engine, name: str) -> int:
    from tracker.records import deflator_releases as store
    from tracker.records.permissions import local_actor
    from tracker.records.problems import ServiceError

    try:
        changed = store.set_default(engine, name, actor=local_actor())
    except ServiceError as err:
        print(str(err), file=sys.stderr)
        return 1
    from tracker.figures.deflator_releases import default_name

    chosen = default_name(engine)
    print(f"{chosen} is now the default release." if changed else f"{chosen} was already the default release.")
    return 0


FIELDS = ("name", "first_year", "last_year", "default", "shipped", "loaded_at", "loaded_by")


def _records(engine) -> list[dict]:
    from tracker.figures.deflator_releases import releases

    return [
        {
            "name": one.name,
            "first_year": one.first.label,
            "last_year": one.last.label,
            "default": one.is_default,
            "shipped": one.shipped,
            "loaded_at": one.loaded_at.isoformat() if one.loaded_at else None,
            "loaded_by": one.loaded_by,
        }
        for one in releases(engine)
    ]


def _list(engine, form: str) -> int:
    records = _records(engine)
    if form == "json":
        print(json.dumps({"releases": records}, indent=2, ensure_ascii=False))
        return 0
    if form == "csv":
        from tracker.files.exports import neutralise

        writer = csv.DictWriter(sys.stdout, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {
                **r,
                "name": neutralise(r["name"]),
                "loaded_by": neutralise(r["loaded_by"] or ""),
                "loaded_at": r["loaded_at"] or "",
                "default": "yes" if r["default"] else "no",
                "shipped": "yes" if r["shipped"] else "no",
            }
            for r in records
        )
        return 0
    for r in records:
        marks = ", ".join(m for m, on in (("default", r["default"]), ("shipped", r["shipped"])) if on)
        loaded = f"loaded {r['loaded_at'][:16].replace('T', ' ')} UTC by {r['loaded_by']}" if r["loaded_at"] else ""
        print(f"{r['name']}  {r['first_year']} to {r['last_year']}" + (f"  ({marks})" if marks else ""))
        if loaded:
            print(f"    {loaded}")
    return 0
