"""The ``funding-tracker`` command (contract in DESIGN.md).

Exit codes: 0 success; 1 bad data (one line per problem on stderr); 2 a bad
command line (argparse's own convention).

Imports are made inside each command so that ``project`` never loads
SQLAlchemy, Streamlit, Plotly or pandas and starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import sys

# The closed list itself (tracker.core.vocabulary imports no SQLAlchemy, so
# building the parser stays light).
from tracker import cli_backup, cli_deflators, cli_extract, cli_headlines, cli_imports, cli_users
from tracker.allocation import prefer_quick_allocation
from tracker.cli_common import Refused, date_argument, open_database, print_problems, year_argument
from tracker.core.languages import DEFAULT, LANGUAGES, NAMES
from tracker.core.vocabulary import GRANT_PLACINGS, REVISION_REASONS
from tracker.core.vocabulary import ROLES as ROLE_NAMES

BY_CHOICES = ("funder", "recipient", "programme", "purpose", "area")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="funding-tracker",
        description="Track public funding commitments against delivery, by UK financial year.",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="when a command fails in a way the tracker did not expect, print the traceback too "
        "(without it: one line saying what went wrong, what to do, and a reference)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="start the dashboard (Streamlit)")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="localhost")
    serve.add_argument(
        "--allow-insecure-xsrf-off",
        action="store_true",
        help="start even though XSRF protection is off (only on a machine nobody else can reach)",
    )
    serve.add_argument(
        "--with-api",
        action="store_true",
        help="also serve the read-only JSON API at /api on the same port (as funding-tracker api does alone)",
    )
    serve.add_argument(
        "streamlit_args", nargs=argparse.REMAINDER, help="further options passed to streamlit run, after --"
    )

    api = commands.add_parser(
        "api",
        help="start the read-only JSON API (FastAPI on uvicorn)",
        description="Serve the read-only JSON API at /api: totals (the figures of `totals --format json`), "
        "announcements, commitments, deliveries and changes, described at /api/openapi.json. Readers send "
        "a token (funding-tracker users token NAME); with public mode on (users public-api on) anyone may read "
        "what a viewer sees. The database must be upgraded first (funding-tracker db upgrade).",
    )
    api.add_argument("--port", type=int, default=8502)
    api.add_argument("--address", default="127.0.0.1", help="where to listen (default 127.0.0.1: this machine only)")

    db = commands.add_parser("db", help="database operations")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply pending migrations")

    demo = commands.add_parser("demo", help="load the Welsh demo dataset (safe to run again)")
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="only load it into a database that has no announcements yet (make run uses this)",
    )

    imp = commands.add_parser(
        "import",
        help="import a file: CSV, XLSX, 360Giving or IATI (all or nothing); list recent imports; undo one",
        description="Three uses. `import KIND FILE` imports a file, all rows or none. `import list` shows the "
        "recent imports: number, when, who, kind, file, rows created and updated, and whether undone. "
        "`import undo ID` undoes one as a unit, in one transaction: what it created is deleted (an admin can "
        "restore it) and what it changed is put back, all audited; it is refused, changing nothing, if anyone "
        "changed those records since.",
    )
    imp.add_argument(
        "what",
        choices=("commitments", "deliveries", "360giving", "iati", *cli_imports.ACTIONS),
        help="what the file holds (360giving: grants in the 360Giving standard, flattened or a JSON data package; "
        "iati: IATI activity XML, versions 1.0x and 2.0x); or list (the recent imports) or undo (undo import ID)",
    )
    imp.add_argument(
        "file",
        nargs="?",
        metavar="FILE/ID",
        help="a CSV or XLSX file (a workbook with several sheets needs one named Commitments, Deliveries or grants), "
        "for 360giving also a JSON data package, for iati an XML file; for undo, the import's number",
    )
    imp.add_argument(
        "--reason",
        choices=REVISION_REASONS,
        help="why the money of stored commitments changes, when the file changes it",
    )
    imp.add_argument("--reason-text", metavar="TEXT", help="say why, when the reason is other")
    imp.add_argument(
        "--spread",
        choices=GRANT_PLACINGS,
        help="360giving: where each grant's money goes: award-year (the financial year of its award date, the "
        "default) or planned-dates (spread over its planned dates, estimated)",
    )
    cli_imports.add_arguments(imp)

    totals = commands.add_parser("totals", help="committed against delivered by financial year")
    totals.add_argument("--by", choices=BY_CHOICES)
    totals.add_argument(
        "--as-at",
        type=date_argument,
        metavar="DATE",
        help="only announcements made and deliveries paid on or before DATE",
    )
    totals.add_argument("--format", choices=("table", "csv", "json"), default="table")
    totals.add_argument(
        "--prices",
        choices=("nominal", "real"),
        default="nominal",
        help="nominal: cash, as announced and paid (the default); real: in the prices of --base by a deflator "
        "release (CSV and JSON rows end with prices,base_year,deflator_release)",
    )
    totals.add_argument(
        "--base",
        type=year_argument,
        metavar="YEAR",
        help="with --prices real: the financial year whose prices (default: this year, or the release's last)",
    )
    totals.add_argument(
        "--release",
        metavar="NAME",
        help="with --prices real: the deflator release by name (default: the default release; "
        "`funding-tracker deflators list` lists them)",
    )

    project = commands.add_parser("project", help="yearly committed totals of a commitments CSV (no database)")
    project.add_argument("file")

    export = commands.add_parser(
        "export",
        help="write a finance table as CSV or XLSX (safe to open in Excel), or the 360Giving grants",
        description="Write a finance table as CSV or XLSX (safe to open in Excel). 360giving writes every "
        "commitment with a recipient and an announcement date as a 360Giving grant (a JSON data package, or the "
        "standard's flattened CSV or XLSX), every pound once; what is left out is listed on standard error. "
        "A grant's identifier is its commitment's ref when that starts 360G-, else TRACKER_360G_PREFIX "
        "(default 360G-fundingtracker) and the ref, e.g. 360G-fundingtracker-W1.",
    )
    export_tables = (
        "360giving",
        "commitments",
        "schedule",
        "yearly",
        "deliveries",
        "pivot-commitment",
        "pivot-recipient",
        "pivot-programme",
        "pivot-funder",
        "pivot-area",
    )
    export.add_argument("table", choices=export_tables, metavar="TABLE", help="one of: " + ", ".join(export_tables))
    export.add_argument(
        "--format",
        choices=("csv", "xlsx", "json"),
        help="csv or xlsx, or json for 360giving (default: from the --out file's extension)",
    )
    export.add_argument("--out", required=True, metavar="PATH", help="the file to write")
    export.add_argument(
        "--as-at",
        type=date_argument,
        metavar="DATE",
        help="only announcements made and deliveries paid on or before DATE",
    )

    pack = commands.add_parser(
        "review-pack",
        help="write a review meeting's pack: an HTML file to read offline or print, and an XLSX workbook",
        description="Write review-pack-YYYY-MM-DD.html and .xlsx for the review meeting held on DATE. "
        "If no meeting was held on DATE, one is opened (its figures as at DATE) and its "
        "figures frozen first.",
    )
    pack.add_argument(
        "--meeting", required=True, metavar="DATE", help="the day the meeting is held, e.g. 2026-11-27 or 27/11/2026"
    )
    pack.add_argument("--out", required=True, metavar="DIR", help="the folder to write into (made if missing)")
    pack.add_argument(
        "--language",
        choices=LANGUAGES,
        default=DEFAULT,
        help="the language the pack is written in: "
        + " or ".join(f"{code} ({name})" for code, name in NAMES.items())
        + "; what this command prints stays in English",
    )

    users = commands.add_parser(
        "users",
        help="manage who may sign in (runs as the local administrator)",
        description="Add and change the people who may sign in to the dashboard. These commands run as the "
        "local administrator: whoever has a shell on the server owns the tracker.",
    )
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    role_help = "a role: " + ", ".join(ROLE_NAMES) + " (repeat --role for several)"
    add = user_commands.add_parser("add", help="add a user (prints a one-time password unless --password-stdin)")
    add.add_argument("username", metavar="NAME")
    add.add_argument("--role", action="append", required=True, metavar="ROLE", help=role_help)
    add.add_argument("--email", help="their email address (needed for single sign-on)")
    how = add.add_mutually_exclusive_group()
    how.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from one line of standard input instead of generating one",
    )
    how.add_argument(
        "--sso-only", action="store_true", help="no password: they sign in only through single sign-on, by --email"
    )
    set_roles = user_commands.add_parser("set-roles", help="replace a user's roles")
    set_roles.add_argument("username", metavar="NAME")
    set_roles.add_argument("--role", action="append", required=True, metavar="ROLE", help=role_help)
    for action, text in (
        ("disable", "stop a user signing in (the account is kept)"),
        ("enable", "let a disabled user sign in again"),
        ("reset-password", "give a user a new one-time password (also lifts a lockout)"),
        ("unlock", "lift the lock after many failed sign-ins from many addresses, and forget those failures"),
    ):
        user_commands.add_parser(action, help=text).add_argument("username", metavar="NAME")
    user_commands.add_parser("list", help="every user: email, roles, disabled, locked, last sign-in")
    token = user_commands.add_parser(
        "token",
        help="give a user a new JSON API token (printed alone on the last line; replaces their old one)",
        description="Print a new token for the JSON API (funding-tracker api) alone on the last line. It reads "
        "the API as NAME, with their roles. Only a hash is kept: it is shown only now. A user has one token: a new "
        "one revokes the old. A disabled user's token does not work.",
    )
    token.add_argument("username", metavar="NAME")
    token.add_argument("--revoke", action="store_true", help="revoke NAME's token instead (no new one)")
    public = user_commands.add_parser(
        "public-api",
        help="let anyone read the JSON API without a token, as a viewer (on), or not (off, the default)",
    )
    public.add_argument("setting", choices=("on", "off", "status"), help="on, off, or status to show it")
    cli_backup.add_parsers(commands)
    cli_extract.add_parsers(commands)
    cli_headlines.add_parsers(commands)
    cli_deflators.add_parsers(commands)
    return parser


def cmd_project(args) -> int:
    import os

    # numpy's OpenBLAS would start a spinning thread per core on import; the
    # projection does no linear algebra (about 60 ms of a 0.5 s run).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from pathlib import Path

    from tracker.core.projection import totals_csv
    from tracker.imports.fast_project import project_file

    if not Path(args.file).is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 1
    years, totals, problems = project_file(args.file)
    if problems:
        return print_problems(problems)
    sys.stdout.write(totals_csv(years, totals))
    return 0


def cmd_db(args) -> int:
    from db.session import database_url, ensure_schema

    ensure_schema()
    print(f"database is up to date: {_safe_url(database_url())}")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_demo(args) -> int:
    from db.session import ensure_schema
    from tracker.demo import load_demo
    from tracker.figures.data import has_announcements
    from tracker.records.permissions import local_actor

    engine = ensure_schema()
    try:
        if args.if_empty and has_announcements(engine):
            print("the database already holds announcements: demo not loaded")
            return 0
        print(f"demo loaded: {load_demo(engine, actor=local_actor())}")
    finally:
        engine.dispose()
    return 0


def cmd_import(args) -> int:
    from pathlib import Path

    from tracker.files.tabular import DataError
    from tracker.imports import apply, reading
    from tracker.records.permissions import local_actor

    wrong = cli_imports.misused(args)
    if wrong:
        print(f"funding-tracker import: error: {wrong}", file=sys.stderr)
        return cli_imports.USAGE_ERROR
    if args.what in cli_imports.ACTIONS:
        return cli_imports.cmd_imports(args)
    if not Path(args.file).is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 1
    if args.spread and args.what != "360giving":
        print("--spread is for 360giving files (commitments say their own spread)", file=sys.stderr)
        return 2
    engine = open_database()
    progress = apply.stderr_progress() if sys.stderr.isatty() else None
    try:
        outcome = apply.import_file(
            args.what,
            args.file,
            engine=engine,
            actor=local_actor(),
            reason=args.reason,
            reason_text=args.reason_text or "",
            progress=progress,
            options=reading.Options(grants=args.spread or "award-year"),
        )
    except DataError as err:
        return print_problems(err.problems)
    finally:
        engine.dispose()
    print(outcome)
    if outcome.import_id is not None:
        print(f"recorded as import {outcome.import_id} (funding-tracker import undo {outcome.import_id} undoes it)")
    for note in reading.notes_said(outcome.notes):
        print(f"note: {note}", file=sys.stderr)
    return 0


def cmd_totals(args) -> int:
    from tracker.figures import totals_data
    from tracker.figures.real_terms import PricesRefused, chosen_prices

    if args.prices != "real" and (args.base or args.release):
        print("--base and --release need --prices real", file=sys.stderr)
        return 2
    engine = open_database()
    try:
        try:
            prices = chosen_prices(engine, args.prices == "real", args.base, args.release)
        except PricesRefused as err:
            print(str(err), file=sys.stderr)
            return 1
        data = totals_data.load(engine, as_at=args.as_at, by=args.by)
    finally:
        engine.dispose()
    sys.stdout.write(totals_data.report(data, by=args.by, form=args.format, as_at=args.as_at, prices=prices))
    return 0


def cmd_export(args) -> int:
    from pathlib import Path

    from db.session import database_url
    from tracker.core import clock
    from tracker.figures import data as queries
    from tracker.figures import finance_tables as tables
    from tracker.files import exports

    out = Path(args.out)
    grants = args.table == "360giving"
    fmt = args.format or ({".csv": "csv", ".xlsx": "xlsx"} | ({".json": "json"} if grants else {})).get(
        out.suffix.lower()
    )
    if fmt is None or (fmt == "json" and not grants):
        formats = "json, csv or xlsx" if grants else "csv or xlsx"
        said = f"cannot tell from {args.out!r}" if fmt is None else "json is only for 360giving"
        print(f"funding-tracker export: error: give --format {formats} ({said})", file=sys.stderr)
        return 2
    if grants:
        from tracker.open_data import giving360_export as giving360
        from tracker.open_data import giving360_files

        problem = giving360.prefix_problem()
        if problem:
            print(f"funding-tracker export: error: {problem}", file=sys.stderr)
            return 2
    engine = open_database()
    try:
        data = queries.load(engine, as_at=args.as_at)
        if grants:
            package = giving360.build(data, prefix=giving360.prefix_from(), issued=clock.today())
        else:
            table = tables.build(args.table, data)  # (some tables read more: quotes, delivery notes)
    finally:
        engine.dispose()
    about = tables.export_about(data, source=queries.describe_source(database_url()), exported_on=clock.today())
    if grants:
        for line in package.lines():  # what is not published, and why
            print(line, file=sys.stderr)
        if not package.grants:
            print("nothing written: no commitment can be published as a 360Giving grant", file=sys.stderr)
            return 1
        content = giving360_files.to_bytes(package, fmt, {"Table": "360Giving grants (360giving)"} | about)
        name, rows = "360giving", f"{len(package.grants)} grants"
    else:
        if fmt == "csv":
            content = exports.to_csv_bytes(table)
        else:
            content = exports.to_xlsx_bytes([table], {"Table": f"{table.title} ({table.name})"} | about)
        name, rows = table.name, f"{len(table.body)} rows"
    try:
        out.write_bytes(content)
    except OSError as err:
        print(f"{args.out}: cannot write the file ({err.strerror or err})", file=sys.stderr)
        return 1
    as_at = f" as at {args.as_at.isoformat()}" if args.as_at else ""
    print(f"wrote {name}{as_at}: {rows} as {fmt.upper()} to {out}")
    return 0


def cmd_review_pack(args) -> int:
    from pathlib import Path

    from tracker.core.fiscal import FiscalError, parse_date
    from tracker.records.permissions import PermissionDenied, local_actor
    from tracker.records.problems import ValidationFailed
    from tracker.review import meetings as review
    from tracker.review.pack import write_pack

    try:
        held_on = parse_date(args.meeting)
    except FiscalError as err:
        print(f"--meeting {err}", file=sys.stderr)
        return 1
    engine = open_database()
    try:
        existing = review.meeting(engine, held_on)
        try:
            paths = write_pack(engine, held_on, Path(args.out), actor=local_actor(), language=args.language)
        except ValidationFailed as err:
            return print_problems(err.problems)
        except PermissionDenied as err:
            print(str(err), file=sys.stderr)
            return 1
        except OSError as err:
            print(f"{args.out}: cannot write the review pack ({err.strerror or err})", file=sys.stderr)
            return 1
    finally:
        engine.dispose()
    if existing is None:
        print(f"opened the review meeting of {held_on.isoformat()} (figures as at {held_on.isoformat()})")
    for path in paths:
        print(f"wrote {path}")
    return 0


def cmd_serve(args) -> int:
    from tracker.serve import serve

    return serve(
        port=args.port,
        address=args.address,
        extra=args.streamlit_args,
        allow_insecure_xsrf_off=args.allow_insecure_xsrf_off,
        with_api=args.with_api,
    )


def cmd_api(args) -> int:
    from tracker.api.server import run

    return run(port=args.port, address=args.address)


COMMANDS = {
    "api": cmd_api,
    "project": cmd_project,
    "db": cmd_db,
    "demo": cmd_demo,
    "import": cmd_import,
    "totals": cmd_totals,
    "serve": cmd_serve,
    "export": cmd_export,
    "review-pack": cmd_review_pack,
    "users": cli_users.cmd_users,
    "backup": cli_backup.cmd_backup,
    "restore": cli_backup.cmd_restore,
    "extract": cli_extract.cmd_extract,
    "headlines": cli_headlines.cmd_headlines,
    "deflators": cli_deflators.cmd_deflators,
}


def main(argv: list[str] | None = None) -> int:
    prefer_quick_allocation()  # before NumPy or pyarrow is imported (no command has yet)
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # e.g. piped into head
        return 0
    except Refused as err:
        print(err, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"funding-tracker {args.command}: stopped", file=sys.stderr)
        return 130
    except Exception as err:  # nobody handled it: one line in the tracker's words (tracker.failures)
        return _failed(err, args)


def _failed(err: Exception, args: argparse.Namespace) -> int:
    """Say an unexpected failure in one line with its reference; ``--debug``: its traceback too."""
    import logging

    from tracker import failures

    logger = logging.getLogger(failures.log.name)
    logger.propagate = False  # never Python's last-resort printing of the traceback
    if args.debug:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.NullHandler()
    logger.addHandler(handler)
    explained = failures.report(err, f"funding-tracker {args.command}")
    hint = "" if args.debug else "; run it again with --debug for the details"
    print(f"funding-tracker {args.command}: {explained}{hint}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
