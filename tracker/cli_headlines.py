"""``funding-tracker headlines``: the announcements whose headline claim does not add up
(the work is in ``tracker.figures.headlines``; docs/headlines.md says how it counts).

Output is English (a CSV reads the same in either language); money is exact.
"""

from __future__ import annotations

import argparse
import sys

from tracker.cli_common import date_argument

HEADLINES_DESCRIPTION = (
    "List the announcements whose headline claim, as recorded ('£14.3m for digital', 'over £1bn', "
    "'multi-million'), does not add up: the amount claimed against all the money the announcement's "
    "commitments state (every pound once) and against its new money (leaving out money announced before). "
    "The qualifier counts: 'over £1bn' adds up when all the money is £1bn or more, 'up to' when it is no more, "
    "'about' within 10%, an exact figure to the penny. A headline that adds up only by counting money "
    "announced before is listed too, with the new money and the share of it that is new. Exits 0."
)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """The ``headlines`` sub-command."""
    headlines = commands.add_parser(
        "headlines",
        help="list the announcements whose headline claim does not add up",
        description=HEADLINES_DESCRIPTION,
    )
    headlines.add_argument("--format", choices=("table", "csv"), default="table", help="table (default) or csv")
    headlines.add_argument("--all", action="store_true", help="every recorded headline, those that add up too")
    headlines.add_argument("--as-at", type=date_argument, metavar="DATE", help="the figures as they stood on DATE")


def cmd_headlines(args: argparse.Namespace) -> int:
    from tracker.cli_common import open_database
    from tracker.figures import data as queries
    from tracker.figures.headlines import report, report_table
    from tracker.figures.register import read_announcements
    from tracker.files.exports import to_csv_bytes

    engine = open_database()
    try:
        data = queries.load(engine, as_at=args.as_at)
        announcements = read_announcements(engine, as_at=args.as_at)
    finally:
        engine.dispose()
    frame = report(data, announcements, every=args.all)
    if args.format == "csv":
        sys.stdout.write(to_csv_bytes(report_table(frame)).decode("utf-8"))
        return 0
    recorded = int(announcements["headline"].notna().sum())
    sys.stdout.write(as_text(frame, recorded, every=args.all))
    return 0


def as_text(frame, recorded: int, *, every: bool = False) -> str:
    """For a person at a terminal: one headline in a few lines each."""
    import pandas as pd

    from tracker.core.money import format_pounds

    lines = []
    for row in frame.itertuples(index=False):
        day = "undated" if pd.isna(row.announced_on) else row.announced_on.isoformat()
        lines.append(f"{row.ref}  {day}  {row.title}")
        lines.append(f'    headline: "{row.headline}"')
        claim = "no amount"
        if not pd.isna(row.claim_pence):
            claim = (f"{row.qualifier} " if row.qualifier != "exact" else "") + format_pounds(int(row.claim_pence))
        share = "" if pd.isna(row.new_share_percent) else f" ({int(row.new_share_percent)}% new)"
        lines.append(
            f"    claims {claim}; recorded: {format_pounds(int(row.all_money_pence))}, new money "
            f"{format_pounds(int(row.new_money_pence))}{share}: {row.verdict}"
        )
    if not recorded:
        lines.append("No headline claim is recorded: record one on an announcement (headline) to check it.")
    elif frame.empty:
        lines.append(f"Every recorded headline adds up ({recorded} checked).")
    elif not every:
        lines.append(f"{len(frame)} of {recorded} recorded headlines do not add up.")
    return "\n".join(lines) + "\n"
