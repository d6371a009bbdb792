"""``funding-tracker review-pack`` against a real database, run as a subprocess.

The pack's "Committed and delivered" sheet must say what
``funding-tracker totals --as-at DATE --format csv`` says for the meeting's
as-at date; a second run on the same day reuses the meeting; a bad date is
refused with exit 1.
"""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from db.models import ReviewMeeting, ReviewSnapshot
from db.session import read_session
from tests.actors import ADMIN
from tests.integration.cli_runner import TODAY, ok
from tests.integration.cli_runner import run_cli as run_tracker
from tracker.demo import load_demo
from tracker.records.inputs import MilestoneInput
from tracker.records.milestones import create_milestone
from tracker.review import meetings as review
from tracker.review.pack import write_pack
from tracker.review.recording import open_meeting


def run_cli(database_url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as the officer who takes the pack runs it."""
    return run_tracker(database_url, *args, cwd=cwd, TRACKER_ACTOR="officer@wlga")


def pounds(value) -> str:
    """A money cell read back from XLSX as the Totals CSV writes it."""
    return f"{Decimal(str(value)):.2f}"


def _meetings(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(ReviewMeeting))


def _snapshots(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(ReviewSnapshot))


def _yearly_sheet(path: Path) -> list[list[str]]:
    sheet = load_workbook(path)["Committed and delivered"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Financial year", "Committed", "Delivered", "Variance", "New money", "Estimated"]
    assert rows[-1][0] == "Total"
    return [[r[0], *(pounds(v) for v in r[1:])] for r in rows[1:-1]]


def _totals(database_url: str, as_at: str, cwd: Path) -> list[list[str]]:
    out = ok(run_cli(database_url, "totals", "--as-at", as_at, "--format", "csv", cwd=cwd))
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == ["financial_year", "committed", "delivered", "variance", "new_money", "estimated", "qualifiers"]
    return [row[:6] for row in rows[1:]]  # the pack's columns, in the same order


@pytest.fixture
def demo(engine: Engine) -> Engine:
    load_demo(engine, actor=ADMIN)
    create_milestone(MilestoneInput("M9", "W7", "Projects evaluated", due_on="2024-01-31"), engine=engine, actor=ADMIN)
    return engine


@pytest.mark.parametrize("held_on", ["2022-03-31", "2026-11-27"])
def test_the_pack_matches_the_command_line_totals_for_the_meetings_date(
    demo: Engine, database_url: str, tmp_path: Path, held_on: str
) -> None:
    out = tmp_path / "packs" / "nested"

    lines = ok(run_cli(database_url, "review-pack", "--meeting", held_on, "--out", str(out), cwd=tmp_path))

    html_path, xlsx_path = out / f"review-pack-{held_on}.html", out / f"review-pack-{held_on}.xlsx"
    assert lines.splitlines() == [
        f"opened the review meeting of {held_on} (figures as at {held_on})",
        f"wrote {html_path}",
        f"wrote {xlsx_path}",
    ]
    totals = _totals(database_url, held_on, tmp_path)
    assert totals  # the demo has money in both cases
    assert _yearly_sheet(xlsx_path) == totals
    found = review.meeting(demo, date.fromisoformat(held_on))
    assert found is not None and found.as_at == date.fromisoformat(held_on)
    assert found.taken_by == "officer@wlga"
    text = html_path.read_text(encoding="utf-8")
    assert "officer@wlga" in text and "Demo delivery figures are illustrative" in text


def test_the_two_dates_differ_and_the_later_pack_compares_with_the_earlier(
    demo: Engine, database_url: str, tmp_path: Path
) -> None:
    ok(run_cli(database_url, "review-pack", "--meeting", "31/03/2022", "--out", str(tmp_path), cwd=tmp_path))
    ok(run_cli(database_url, "review-pack", "--meeting", "2026-11-27", "--out", str(tmp_path), cwd=tmp_path))

    early = _yearly_sheet(tmp_path / "review-pack-2022-03-31.xlsx")
    late = _yearly_sheet(tmp_path / "review-pack-2026-11-27.xlsx")
    assert early != late
    assert early[-1] == ["2022-23", "500000.00", "0.00", "-500000.00", "500000.00", "0.00"]
    first = (tmp_path / "review-pack-2022-03-31.html").read_text(encoding="utf-8")
    second = (tmp_path / "review-pack-2026-11-27.html").read_text(encoding="utf-8")
    assert "This is the first review: there is nothing earlier to compare with." in first
    assert "Compared with the meeting of 31 March 2022" in second
    assert "Projects evaluated" in second and "about 2.8 years late" in second
    changes = [
        [c.value for c in row]
        for row in load_workbook(tmp_path / "review-pack-2026-11-27.xlsx")["Changes since last review"].iter_rows(
            min_row=2
        )
    ]
    assert ["Milestone newly overdue", "M9", "Projects evaluated: due 2024-01-31, about 2.8 years late"] in changes


def test_a_second_run_on_the_same_day_reuses_the_meeting(demo: Engine, database_url: str, tmp_path: Path) -> None:
    ok(run_cli(database_url, "review-pack", "--meeting", TODAY, "--out", str(tmp_path), cwd=tmp_path))
    first = review.meeting(demo, date.fromisoformat(TODAY))
    assert (_meetings(demo), _snapshots(demo)) == (1, 1)

    again = ok(run_cli(database_url, "review-pack", "--meeting", "27/11/2026", "--out", str(tmp_path), cwd=tmp_path))

    assert (_meetings(demo), _snapshots(demo)) == (1, 1)
    assert again.splitlines() == [
        f"wrote {tmp_path / 'review-pack-2026-11-27.html'}",
        f"wrote {tmp_path / 'review-pack-2026-11-27.xlsx'}",
    ]
    assert review.meeting(demo, date.fromisoformat(TODAY)) == first


def test_an_existing_meeting_keeps_its_own_as_at_date(demo: Engine, database_url: str, tmp_path: Path) -> None:
    open_meeting("2026-11-27", "2023-03-31", "Autumn review", engine=demo, actor=ADMIN)

    lines = ok(run_cli(database_url, "review-pack", "--meeting", "2026-11-27", "--out", str(tmp_path), cwd=tmp_path))

    assert not lines.startswith("opened")
    assert _meetings(demo) == 1
    assert _yearly_sheet(tmp_path / "review-pack-2026-11-27.xlsx") == _totals(database_url, "2023-03-31", tmp_path)
    text = (tmp_path / "review-pack-2026-11-27.html").read_text(encoding="utf-8")
    assert "Autumn review: figures as at 31 March 2023" in text


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", "27-11-2026x"])
def test_a_bad_date_exits_1_with_a_clear_message_and_changes_nothing(
    demo: Engine, database_url: str, tmp_path: Path, bad: str
) -> None:
    out = tmp_path / "out"
    result = run_cli(database_url, "review-pack", "--meeting", bad, "--out", str(out), cwd=tmp_path)

    assert result.returncode == 1, result
    assert result.stdout == ""
    assert result.stderr.startswith(f"--meeting {bad!r}: ")
    assert "expected a date like 2019-10-31 or 31/10/2019" in result.stderr
    assert _meetings(demo) == 0
    assert not out.exists()


def test_a_folder_that_cannot_be_made_exits_1_and_opens_no_meeting(
    demo: Engine, database_url: str, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    result = run_cli(database_url, "review-pack", "--meeting", TODAY, "--out", str(blocker / "packs"), cwd=tmp_path)

    assert result.returncode == 1
    assert "cannot write the review pack" in result.stderr
    assert _meetings(demo) == 0


def test_the_command_line_needs_both_options(database_url: str, tmp_path: Path) -> None:
    result = run_cli(database_url, "review-pack", "--meeting", TODAY, cwd=tmp_path)
    assert result.returncode == 2 and "--out" in result.stderr


def test_write_pack_in_process_returns_the_paths_it_wrote(demo: Engine, tmp_path: Path) -> None:
    paths = write_pack(demo, date(2026, 11, 27), tmp_path / "new", actor=ADMIN)

    assert paths == [tmp_path / "new" / "review-pack-2026-11-27.html", tmp_path / "new" / "review-pack-2026-11-27.xlsx"]
    assert all(p.stat().st_size > 0 for p in paths)
    assert paths[0].read_bytes().startswith(b"<!DOCTYPE html>")
    assert load_workbook(paths[1]).sheetnames[-1] == "About"
    assert not [p.name for p in (tmp_path / "new").iterdir() if p.name.startswith(".")]  # no temporary files left


def test_language_cy_writes_the_pack_in_welsh_and_the_command_still_speaks_english(
    demo: Engine, database_url: str, tmp_path: Path
) -> None:
    args = ("review-pack", "--meeting", "2026-11-27", "--language", "cy", "--out", str(tmp_path))

    lines = ok(run_cli(database_url, *args, cwd=tmp_path))

    html_path, xlsx_path = tmp_path / "review-pack-2026-11-27.html", tmp_path / "review-pack-2026-11-27.xlsx"
    assert lines.splitlines() == [
        "opened the review meeting of 2026-11-27 (figures as at 2026-11-27)",
        f"wrote {html_path}",
        f"wrote {xlsx_path}",
    ]
    text = html_path.read_text(encoding="utf-8")
    assert '<html lang="cy">' in text
    assert "<h1>Pecyn adolygu: cyfarfod 27 Tachwedd 2026</h1>" in text and "Prif ffigurau" in text
    book = load_workbook(xlsx_path)
    assert book.sheetnames[0] == "Ymrwymwyd a chyflawnwyd"
    yearly = [[c.value for c in row] for row in book["Ymrwymwyd a chyflawnwyd"].iter_rows()]
    assert yearly[0][:3] == ["Blwyddyn ariannol", "Ymrwymwyd", "Cyflawnwyd"]
    assert [[r[0], *(pounds(v) for v in r[1:])] for r in yearly[1:-1]] == _totals(database_url, "2026-11-27", tmp_path)


def test_a_refusal_is_said_in_english_whatever_the_language_of_the_pack(
    demo: Engine, database_url: str, tmp_path: Path
) -> None:
    result = run_cli(
        database_url, "review-pack", "--meeting", "2027-01-31", "--language", "cy", "--out", str(tmp_path), cwd=tmp_path
    )

    assert result.returncode == 1
    assert "expected an as-at date on or before today" in result.stderr
    assert "1 problem(s) found; nothing was changed." in result.stderr
    assert _meetings(demo) == 0 and not list(tmp_path.glob("review-pack-*"))


def test_an_unknown_language_is_refused(database_url: str, tmp_path: Path) -> None:
    result = run_cli(
        database_url, "review-pack", "--meeting", TODAY, "--language", "fr", "--out", str(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 2 and "--language" in result.stderr and "'cy'" in result.stderr
