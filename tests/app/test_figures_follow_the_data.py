"""The figures a page shows are cached until the data changes, not for a
time: a write by another process (here the command line) is on the very next
run, with nothing cleared by hand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP


def _committed(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label.startswith("Committed"))


def _import_from_the_command_line(database_url: str, folder: Path, row: str) -> None:
    """One commitment imported by ``funding-tracker import`` in another process."""
    path = folder / "more.csv"
    path.write_text("ref,announced_on,funder,recipient,purpose,kind,amount,first_year\n" + row + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "import", "commitments", str(path)],
        env={**os.environ, "TRACKER_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_a_write_from_the_command_line_is_seen_on_the_next_run(app_database: str, tmp_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert _committed(at) == "at least £13.3m"  # the demo

    _import_from_the_command_line(
        app_database, tmp_path, "X1,2020-01-10,Welsh Government,Welsh councils,More,one-off,£1m,2020-21"
    )

    at.run()  # the same session, seconds later: well inside any timer a cache might have had
    assert not at.exception
    assert _committed(at) == "at least £14.3m"


def test_a_year_range_left_whole_takes_in_new_years_and_a_chosen_one_stays(app_database: str, tmp_path: Path) -> None:
    whole = AppTest.from_file(APP, default_timeout=60).run()
    chosen = AppTest.from_file(APP, default_timeout=60).run()
    years = whole.select_slider(key="filter_years")
    first, last = years.options[0], years.options[-1]
    assert years.value == (first, last)
    chosen.select_slider(key="filter_years").set_value((first, first)).run()

    _import_from_the_command_line(
        app_database, tmp_path, "X2,2020-01-10,Welsh Government,Welsh councils,Later,one-off,£1m,2031-32"
    )

    whole.run()
    chosen.run()
    assert not whole.exception and not chosen.exception
    assert whole.select_slider(key="filter_years").options[-1] == "2031-32"
    assert whole.select_slider(key="filter_years").value == (first, "2031-32")  # followed the data
    assert chosen.select_slider(key="filter_years").value == (first, first)  # left as chosen
    assert "2031-32" in set(whole.dataframe[0].value["label"])
