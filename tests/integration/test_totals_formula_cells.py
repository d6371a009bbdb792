"""``funding-tracker totals --by ... --format csv`` writes names a
spreadsheet would run as formulas with a leading ``'`` (OWASP "CSV
Injection"), as every CSV the tracker writes; the JSON keeps them as they are."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from tracker.files.exports import TRIGGERS

# Names that start a formula (or look like one), and ordinary names beside them.
CORPUS = [
    "=1+1",
    "+44 Trust",
    "-2+3",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://example.org","x")',
    "=cmd|' /C calc'!A0",
    "'=already quoted",
    "Plain Charity",
    "Cardiff Council",
]


def _cli(database_url: str, *args: str) -> str:
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "tracker.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_totals_by_recipient_csv_neutralises_formula_names_and_json_keeps_them(engine, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["ref", "funder", "purpose", "kind", "amount", "announced_on", "recipient", "first_year"])
    for n, name in enumerate(CORPUS, start=1):
        # (the importer removes one leading ' from a cell, as the tracker's own exports write it)
        written = "'" + name if name.startswith((*TRIGGERS, "'")) else name
        writer.writerow(
            [f"F{n}", "Welsh Government", f"Purpose {n}", "one-off", "100", "2020-05-01", written, "2020-21"]
        )
    path = tmp_path / "hostile.csv"
    path.write_text(rows.getvalue(), encoding="utf-8")
    _cli(url, "import", "commitments", str(path))

    text = _cli(url, "totals", "--by", "recipient", "--format", "csv")
    written = {row["recipient"] for row in csv.DictReader(io.StringIO(text))}
    assert not [cell for cell in written if cell.startswith(TRIGGERS)], written
    expected = {("'" + name if name.startswith((*TRIGGERS, "'")) else name) for name in CORPUS}
    assert written == expected

    as_json = json.loads(_cli(url, "totals", "--by", "recipient", "--format", "json"))
    assert {row["recipient"] for row in as_json} == set(CORPUS)
