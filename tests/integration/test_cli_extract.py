"""``funding-tracker extract FILE``: drafts printed, nothing saved; the CSV imports once the funder is filled."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import Engine, func, select

from db.models import Commitment
from tests.integration.cli_runner import ok, run_cli
from tracker.extract.rows import COLUMNS

PRESS = Path(__file__).resolve().parents[1] / "fixtures" / "press"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_is_the_commitments_contract_with_each_quote_verbatim_and_imports_once_the_funder_is_filled(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    source = PRESS / "00.txt"
    printed = ok(run_cli(None, "extract", str(source), "--published", "2019-10-31", "--format", "csv", cwd=tmp_path))
    assert printed.splitlines()[0] == ",".join(COLUMNS)
    rows = _rows(printed)
    text = source.read_text(encoding="utf-8")
    assert [(r["ref"], r["amount"], r["qualifier"], r["kind"], r["first_year"], r["years"]) for r in rows] == [
        ("00-1", "1000000.00", "over", "one-off", "2020-21", ""),
        ("00-2", "500000.00", "exact", "recurring", "", "3"),
    ]
    assert all(r["announced_on"] == "2019-10-31" and r["funder"] == "" for r in rows)
    assert [r["reannounces"] for r in rows] == ["earlier", "earlier"]
    for row in rows:
        assert text[int(row["quote_start"]) : int(row["quote_end"])] == row["quote"]

    filled = tmp_path / "drafts.csv"
    with filled.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows({**row, "funder": "Welsh Government"} for row in rows)
    ok(run_cli(database_url, "import", "commitments", str(filled), cwd=tmp_path))
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Commitment)) == 2


def test_every_statement_of_the_press_set_imports_in_one_file(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    rows: list[dict[str, str]] = []
    for name in ("00.txt", "07.txt", "09.txt", "15.txt"):
        printed = ok(
            run_cli(None, "extract", str(PRESS / name), "--format", "csv", "--funder", "Welsh Government", cwd=tmp_path)
        )
        rows += _rows(printed)
    combined = tmp_path / "all.csv"
    with combined.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    ok(run_cli(database_url, "import", "commitments", str(combined), cwd=tmp_path))
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Commitment)) == len(rows) == 14


def test_json_and_table_say_the_same_drafts_and_what_was_left_out(tmp_path: Path) -> None:
    release = tmp_path / "release.txt"
    release.write_text("Councils get £2m for parks.\nSchools receive £250 per pupil.\n", encoding="utf-8")
    document = json.loads(ok(run_cli(None, "extract", str(release), "--format", "json", cwd=tmp_path)))
    assert [d["amount_pence"] for d in document["drafts"]] == [200_000_000]
    assert [(d["amount_pence"], d["reason"]) for d in document["left_out"]] == [
        (25_000, "a per-head figure, not an amount committed")
    ]
    table = ok(run_cli(None, "extract", str(release), "--why", cwd=tmp_path))
    assert "release-1" in table and "£2,000,000" in table
    assert "a per-head figure, not an amount committed" in table


def test_no_money_found_still_exits_0_and_an_unreadable_file_exits_1_saying_why(tmp_path: Path) -> None:
    plain = tmp_path / "nothing.txt"
    plain.write_text("The Minister visited a school.\n", encoding="utf-8")
    result = run_cli(None, "extract", str(plain), "--format", "csv", cwd=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, ",".join(COLUMNS))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli(None, "extract", str(empty), cwd=tmp_path)
    assert result.returncode == 1
    assert "empty.txt is empty" in result.stderr
    result = run_cli(None, "extract", str(tmp_path / "missing.txt"), cwd=tmp_path)
    assert result.returncode == 1 and "no such file" in result.stderr
    assert not list(tmp_path.glob("**/*.db"))  # extract never makes a database


def test_standard_input_is_read_and_welsh_only_text_is_said(tmp_path: Path) -> None:
    welsh = (
        "Mae Llywodraeth Cymru wedi cyhoeddi £1.5 miliwn i gynghorau yng Nghymru. "
        "Bydd y cyllid hefyd yn helpu gwasanaethau lleol dros y flwyddyn.\n"
    )
    result = run_cli(None, "extract", "-", "--format", "csv", cwd=tmp_path, stdin=welsh)
    assert result.returncode == 0
    assert "Welsh only" in result.stderr
    assert [r["amount"] for r in _rows(result.stdout)] == ["1500000.00"]
