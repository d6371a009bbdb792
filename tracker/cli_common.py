"""What every ``funding-tracker`` command shares: problems on stderr, a
refusal that ends the command, and opening the database without ever creating it."""

from __future__ import annotations

import sys
from datetime import date


def print_problems(problems) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s) found; nothing was changed.", file=sys.stderr)
    return 1


class Refused(Exception):
    """A command that cannot run at all: ``main`` prints the message and exits 1."""


def require_database() -> None:
    """Refuse to go on if the configured database is a SQLite file that does not exist.

    Only ``serve``, ``db upgrade`` and ``demo`` set a database up; any other
    command run in the wrong folder must not start an empty one there.
    """
    from db import session

    try:
        session.require_database()
    except session.NoDatabase as err:
        raise Refused(str(err)) from None


def open_database():
    """An engine on the configured database, migrated; never creates a missing SQLite file."""
    from db.session import NoDatabase, ensure_schema

    try:
        return ensure_schema(create=False)
    except NoDatabase as err:
        raise Refused(str(err)) from None


def date_argument(text: str) -> date:
    """A date given on the command line (ISO or UK day-first), for argparse's ``type=``."""
    import argparse

    from tracker.core.fiscal import FiscalError, parse_date

    try:
        return parse_date(text)
    except FiscalError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def year_argument(text: str):
    """A financial year given on the command line (2019-20, 2019/20, FY2019-20), for argparse's ``type=``."""
    import argparse

    from tracker.core.fiscal import FiscalError, parse_financial_year

    try:
        return parse_financial_year(text)
    except FiscalError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
