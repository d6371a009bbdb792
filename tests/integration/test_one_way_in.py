"""One import pipeline: the same bad file gives the same problems, word for
word, through ``funding-tracker import`` (a subprocess) and through the
Import page's plan (``tracker.imports.plan.plan_import`` on the upload's
bytes), and neither saves anything.

The corpus is what people (and attackers) really upload: a ``javascript:``
source address, a 150-character ref, a 100,000-character title, a NUL byte,
Arabic-Indic digits, a byte that is not a character in UTF-8 or
Windows-1252, and a workbook with two sheets, neither named Commitments.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from db.models import AuditEvent
from db.session import read_session
from tracker.imports.plan import plan_import

HEADER = "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,title,source_url\n"
GOOD = (
    "C1,2019-10-25,Welsh Government,Welsh councils,Digital fund,one-off,£1m,2020-21,Digital fund,https://gov.wales/a\n"
)


def csv_with(**changes: str) -> bytes:
    values = dict(zip(HEADER.strip().split(","), GOOD.strip().split(",")))
    values.update(changes)
    return (HEADER + ",".join(values.values()) + "\n").encode("utf-8")


def two_sheet_workbook() -> bytes:
    book = Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["Read me"])
    second = book.create_sheet("Data")
    second.append(HEADER.strip().split(","))
    second.append(GOOD.strip().split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def undefined_cp1252_byte() -> bytes:
    # "£" in Windows-1252 (0xA3) makes the file not UTF-8; 0x81 is no character in either.
    return (
        HEADER + "C1,2019-10-25,Welsh Government,Welsh councils,Digital \x81fund,one-off,\xa31m,2020-21,"
        "Digital fund,https://gov.wales/a\n"
    ).encode("latin-1")


AS_SAID_HEADER = (
    "ref,announced_on,funder,recipient,recipient_id,purpose,kind,amount,first_year,years,currency,"
    "part_of,spread,planned_start,planned_end,areas\n"
)
POT = "POT,2019-10-25,Welsh Government,,,A fund,one-off,£1m,2020-21,,,,,,,\n"


def as_said(row: str, *before: str) -> Callable[[], bytes]:
    """A file in the later contract's columns: ``before`` rows, then ``row``."""
    return lambda: (AS_SAID_HEADER + "".join(before) + row + "\n").encode("utf-8")


# name -> (file name, bytes, words the problem must contain)
CORPUS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "javascript address": ("c.csv", lambda: csv_with(source_url="javascript:alert(1)"), "source_url"),
    "150-character ref": ("c.csv", lambda: csv_with(ref="R" * 150), "at most 100 characters"),
    "100,000-character title": ("c.csv", lambda: csv_with(title="T" * 100_000), "at most 300 characters"),
    "NUL byte": ("c.csv", lambda: csv_with(purpose="Digital\x00fund"), "U+0000"),
    "Arabic-Indic digits": ("c.csv", lambda: csv_with(amount="£١٠٠٠"), "amount"),
    "undefined cp1252 byte": ("c.csv", undefined_cp1252_byte, "0x81"),
    "two-sheet workbook": ("book.xlsx", two_sheet_workbook, "Commitments"),
    # The later contract's columns (issue 13).
    "a currency other than GBP": (
        "c.csv",
        as_said("C1,2019-10-25,Welsh Government,,,Fund,one-off,£1m,2020-21,,USD,,,,,"),
        "currency",
    ),
    "a malformed area code": (
        "c.csv",
        as_said("C1,2019-10-25,Welsh Government,,,Fund,one-off,£1m,2020-21,,,,,,,W0600001"),
        "W0600001",
    ),
    "a share of an unknown pot": (
        "c.csv",
        as_said("C1,2019-10-25,Welsh Government,,,Fund,one-off,£1m,2020-21,,,NOPOT,,,,"),
        "NOPOT",
    ),
    "shares over their pot": (
        "c.csv",
        as_said("C1,2019-10-25,Welsh Government,,,Share,one-off,£2m,2020-21,,,POT,,,,", POT),
        "part_of",
    ),
    "an identifier with a space": (
        "c.csv",
        as_said("C1,2019-10-25,Welsh Government,Council X,GB-CHC 123,Fund,one-off,£1m,2020-21,,,,,,,"),
        "recipient_id",
    ),
    "a spread on a one-off": (
        "c.csv",
        as_said("C1,2019-10-25,Welsh Government,,,Fund,one-off,£1m,2020-21,,,,even,,,"),
        "spread",
    ),
    "planned dates the wrong way round": (
        "c.csv",
        as_said("C1,2019-10-25,Welsh Government,,,Fund,multi-year,£1m,,2,,,planned-dates,2022-03-31,2021-04-01,"),
        "planned_end",
    ),
}


def cli_problems(database_url: str, path: Path) -> tuple[int, list[str]]:
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "import", "commitments", str(path)],
        env=env,
        cwd=path.parent,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    lines = done.stderr.splitlines()
    assert lines and lines[-1].endswith("problem(s) found; nothing was changed."), done.stderr
    return done.returncode, lines[:-1]


def audit_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.mark.parametrize("case", list(CORPUS))
def test_a_bad_file_gets_the_same_problems_from_the_cli_and_the_page(
    case: str, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    name, build, words = CORPUS[case]
    data = build()
    path = tmp_path / name
    path.write_bytes(data)

    page = [str(problem) for problem in plan_import("commitments", data, name, engine=engine).problems]
    code, cli = cli_problems(database_url, path)

    assert page, f"{case}: the page's plan found no problem"
    assert any(words in line for line in page), f"{case}: {words!r} not in {page}"
    assert cli == page  # word for word, in the same order
    assert code == 1
    assert audit_count(engine) == 0  # nothing was saved either way


AS_SAID = Path(__file__).resolve().parents[1] / "fixtures" / "as_said"
KINDS = ("commitments", "deliveries")


def test_a_file_recorded_as_said_gives_the_same_totals_through_the_cli_and_the_page(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    from tests.actors import ADMIN
    from tracker.imports.apply import apply_plan

    # The page: plan the upload's bytes, then save the plan.
    for kind in KINDS:
        data = (AS_SAID / f"{kind}.csv").read_bytes()
        apply_plan(plan_import(kind, data, f"{kind}.csv", engine=engine), data, engine=engine, actor=ADMIN)
    # The command line, into a database of its own.
    other = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "TRACKER_DATABASE_URL": other}
    for command in (["db", "upgrade"], *(["import", kind, str(AS_SAID / f"{kind}.csv")] for kind in KINDS)):
        subprocess.run(
            [sys.executable, "-m", "tracker.cli", *command],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def totals(url: str, *by: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "tracker.cli", "totals", "--format", "csv", *by],
            env={**os.environ, "TRACKER_DATABASE_URL": url},
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout

    for by in ((), ("--by", "recipient"), ("--by", "area")):
        page, cli = totals(database_url, *by), totals(other, *by)
        assert page == cli, by
    assert "\nunphased,1500000.00," in totals(other)
