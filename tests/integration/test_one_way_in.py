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


# name -> (file name, bytes, words the problem must contain)
CORPUS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "javascript address": ("c.csv", lambda: csv_with(source_url="javascript:alert(1)"), "source_url"),
    "150-character ref": ("c.csv", lambda: csv_with(ref="R" * 150), "at most 100 characters"),
    "100,000-character title": ("c.csv", lambda: csv_with(title="T" * 100_000), "at most 300 characters"),
    "NUL byte": ("c.csv", lambda: csv_with(purpose="Digital\x00fund"), "U+0000"),
    "Arabic-Indic digits": ("c.csv", lambda: csv_with(amount="£١٠٠٠"), "amount"),
    "undefined cp1252 byte": ("c.csv", undefined_cp1252_byte, "0x81"),
    "two-sheet workbook": ("book.xlsx", two_sheet_workbook, "Commitments"),
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
