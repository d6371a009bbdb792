"""``funding-tracker extract FILE``: draft commitments from a press release, with the words as evidence.

The work is in ``tracker.extract``. It reads no database and writes nothing:
``--format csv`` prints the commitments CSV contract (plus ``quote_start``,
``quote_end``, ``note``) for a person to check, fill in ``funder`` and give to
``funding-tracker import commitments``. It exits 0 whenever the text could be
read, even with no money found; 1 when the file cannot be read (and says why).
"""

from __future__ import annotations

import argparse
import sys

from tracker.cli_common import date_argument

EXTRACT_DESCRIPTION = (
    "Read a press release, written statement or news item (.txt, .html or .pdf; - reads standard input) and "
    "propose a draft commitment for every statement of money in it, each with the exact sentence it came from "
    "and its character offsets. Nothing is saved: check the drafts, fill in the funder, and import them with "
    "`funding-tracker import commitments`. A first financial year is given only when the text names one, or "
    "says this or next financial year and --published is given; otherwise it is left blank, never guessed. "
    "Amounts that are not commitments (per-head figures, ratios, bids, shortfalls, another government's money "
    "for elsewhere) are left out; --why lists them with the reason."
)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    extract = commands.add_parser(
        "extract",
        help="propose draft commitments from a press release's words (prints them; saves nothing)",
        description=EXTRACT_DESCRIPTION,
    )
    extract.add_argument("file", metavar="FILE", help="a .txt, .html or .pdf file, or - for standard input")
    extract.add_argument(
        "--published", type=date_argument, metavar="DATE", help="the day it was published (announced_on)"
    )
    extract.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="table (default), csv or json"
    )
    extract.add_argument(
        "--funder", default="", help="the funder's name for every row (else blank, for a person to fill)"
    )
    extract.add_argument("--ref", metavar="REF", help="the announcement's ref (default: from the file's name)")
    extract.add_argument("--title", help="the announcement's title (default: the text's first line)")
    extract.add_argument("--why", action="store_true", help="in the table, list the amounts left out and why")
    extract.add_argument(
        "--suggest",
        action="store_true",
        help="compare the drafts with the commitments recorded in the database (TRACKER_DATABASE_URL) and say, "
        "in each draft's note, which it likely re-announces",
    )


def cmd_extract(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tracker.core.limits import check_field
    from tracker.extract.drafts import extract
    from tracker.extract.rows import Naming, announcement_ref_from, as_csv, as_json, as_table, draft_rows
    from tracker.extract.source import SourceError, read_source
    from tracker.files.limits import MAX_PRESS_RELEASE_BYTES

    name = "standard input" if args.file == "-" else args.file
    for field, value in (("announcement_ref", args.ref), ("funder", args.funder), ("title", args.title)):
        wrong = check_field(field, value) if value else None
        if wrong:
            print(f"funding-tracker extract: --{field.split('_')[-1]} {value!r}: {wrong}", file=sys.stderr)
            return 2
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read(MAX_PRESS_RELEASE_BYTES + 1)
        else:
            path = Path(args.file)
            if not path.is_file():
                print(f"funding-tracker extract: {args.file}: no such file", file=sys.stderr)
                return 1
            with path.open("rb") as handle:
                data = handle.read(MAX_PRESS_RELEASE_BYTES + 1)  # never more than one byte past the limit
        source = read_source(data, name)
    except SourceError as err:
        print(f"funding-tracker extract: {err}", file=sys.stderr)
        return 1
    ref = args.ref or (announcement_ref_from(args.file) if args.file != "-" else "DRAFT")
    naming = Naming(ref, args.funder, args.title)
    extraction = extract(source.text, published=args.published)
    if extraction.welsh_only:
        print(
            "funding-tracker extract: the text looks to be in Welsh only: the amounts are found (the £ is the "
            "same), but what each is for, its kind and its years are read from English words and may be blank",
            file=sys.stderr,
        )
    notes: dict[int, str] = {}
    if args.suggest:
        from tracker.cli_common import open_database
        from tracker.extract.suggestions import likely_reannouncements

        found = likely_reannouncements(open_database(), extraction.drafts)
        notes = {index: f"likely re-announces {s.ref}: {s.said()}" for index, s in found.items()}
    if args.format == "csv":
        sys.stdout.write(as_csv(draft_rows(extraction, naming, notes)))
    elif args.format == "json":
        sys.stdout.write(as_json(extraction, naming, notes))
    else:
        sys.stdout.write(as_table(extraction, naming, notes, why=args.why))
    return 0
