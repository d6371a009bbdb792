"""``funding-tracker export`` against a real database, run as a subprocess.

Each run gets ``TRACKER_DATABASE_URL`` pointing at the test's own database
(SQLite file, or the PostgreSQL server in the PostgreSQL run) and
``TRACKER_TODAY=2026-11-27``. The demo is loaded in-process (fast); the
exports are what is under test.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from db.session import ensure_schema
from tests.actors import ADMIN, admin
from tests.integration.cli_runner import TODAY, ok, run_cli
from tracker.cli import main
from tracker.demo import load_demo
from tracker.figures import data as queries
from tracker.figures import finance_tables as tables
from tracker.figures.totals import committed_vs_delivered
from tracker.files import totals_csv as totals_format
from tracker.imports.apply import import_file

DEMO_COMMITTED = {"2020-21": "1500000.00", "2021-22": "5400000.00", "2022-23": "6400000.00"}


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def pounds(value) -> str:
    """A money cell read back from XLSX as the Totals CSV writes it."""
    return f"{Decimal(str(value)):.2f}"


@pytest.fixture
def demo_loaded(engine: Engine) -> Engine:
    load_demo(engine, actor=ADMIN)
    return engine


def test_yearly_xlsx_export_matches_the_totals_csv_year_by_year(
    demo_loaded: Engine, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "yearly.xlsx"

    result = run_cli(database_url, "export", "yearly", "--format", "xlsx", "--out", str(out), cwd=tmp_path)
    totals = csv_rows(ok(run_cli(database_url, "totals", "--format", "csv", cwd=tmp_path)))

    assert ok(result).splitlines() == [f"wrote yearly: 3 rows as XLSX to {out}"]
    book = load_workbook(out)
    assert book.sheetnames == ["Committed and delivered", "About"]
    sheet = book["Committed and delivered"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Financial year",
        "Committed",
        "New money",
        "Estimated",
        "Delivered",
        "Variance",
        "% delivered",
        "Committed to date",
        "Delivered to date",
    ]
    # Totals CSV: financial_year, committed, delivered, variance, new_money, estimated, qualifiers.
    assert [[r[0], *(pounds(r[i]) for i in (1, 4, 5, 2, 3))] for r in rows[1:-1]] == [t[:6] for t in totals[1:]]
    assert {r[0]: pounds(r[1]) for r in rows[1:-1]} == DEMO_COMMITTED
    total = rows[-1]
    assert total[0] == "Total" and pounds(total[1]) == "13300000.00"
    assert pounds(total[4]) == f"{sum(Decimal(r[2]) for r in totals[1:]):.2f}"
    assert all(c.font.b and c.data_type != "f" for c in sheet[len(rows)])

    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["As at"] == "all data (no as-at date)"
    assert about["Exported on"] == TODAY
    assert make_url(database_url).render_as_string(hide_password=True) in about["Source"]
    password = make_url(database_url).password
    if password is not None:  # PostgreSQL run: the password is hidden
        assert f":{password}@" not in about["Source"] and ":***@" in about["Source"]
    assert about["Illustrative"].startswith("Demo delivery figures are illustrative")


def test_yearly_csv_export_as_at_a_date_counts_only_what_was_known_then(
    demo_loaded: Engine, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "yearly.csv"

    result = run_cli(database_url, "export", "yearly", "--as-at", "2020-07-01", "--out", str(out), cwd=tmp_path)

    assert ok(result).strip() == f"wrote yearly as at 2020-07-01: 3 rows as CSV to {out}"
    assert out.read_bytes().decode("utf-8") == (
        "financial_year,committed,new_money,estimated,delivered,variance,pct_delivered,cumulative_committed,"
        "cumulative_delivered\n"
        "2020-21,1500000.00,1500000.00,0.00,0.00,-1500000.00,0.0,1500000.00,0.00\n"
        "2021-22,500000.00,500000.00,0.00,0.00,-500000.00,0.0,2000000.00,0.00\n"
        "2022-23,500000.00,500000.00,0.00,0.00,-500000.00,0.0,2500000.00,0.00\n"
        "Total,2500000.00,2500000.00,0.00,0.00,-2500000.00,0.0,2500000.00,0.00\n"
    )


def test_exported_commitments_and_deliveries_reimport_into_a_fresh_database_with_the_same_totals(
    demo_loaded: Engine, database_url: str, tmp_path: Path
) -> None:
    commitments_csv = tmp_path / "commitments.csv"
    deliveries_csv = tmp_path / "deliveries.csv"

    ok(run_cli(database_url, "export", "commitments", "--format", "csv", "--out", str(commitments_csv), cwd=tmp_path))
    ok(run_cli(database_url, "export", "deliveries", "--format", "csv", "--out", str(deliveries_csv), cwd=tmp_path))

    fresh = ensure_schema(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        import_file("commitments", commitments_csv, engine=fresh, actor=admin("test"))
        import_file("deliveries", deliveries_csv, engine=fresh, actor=admin("test"))
        original, copy = queries.load(demo_loaded), queries.load(fresh)
    finally:
        fresh.dispose()

    def totals_csv(data) -> str:
        return totals_format.to_csv(committed_vs_delivered(data.schedule, data.deliveries, data.commitments))

    assert totals_csv(copy) == totals_csv(original)
    assert {r[0]: r[1] for r in csv_rows(totals_csv(copy))[1:]} == DEMO_COMMITTED
    for build in (tables.commitments_table, tables.deliveries_table, tables.schedule_table):
        assert build(copy).frame.equals(build(original).frame), build.__name__


def test_an_unknown_table_name_exits_2(database_url: str, tmp_path: Path) -> None:
    result = run_cli(database_url, "export", "totals", "--out", str(tmp_path / "x.csv"), cwd=tmp_path)

    assert result.returncode == 2
    assert "invalid choice: 'totals'" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_the_format_comes_from_the_file_extension_when_not_given(
    demo_loaded: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_TODAY", TODAY)

    assert main(["export", "pivot-recipient", "--out", str(tmp_path / "p.xlsx")]) == 0
    assert main(["export", "pivot-recipient", "--out", str(tmp_path / "p.csv")]) == 0
    assert main(["export", "pivot-recipient", "--out", str(tmp_path / "p.txt")]) == 2

    _out, err = capsys.readouterr()
    assert load_workbook(tmp_path / "p.xlsx").sheetnames == ["Committed by recipient", "About"]
    csv_lines = (tmp_path / "p.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[-1] == "Total,,1500000.00,5400000.00,6400000.00,13300000.00"  # blank: recipient_id
    assert "give --format csv or xlsx" in err and not (tmp_path / "p.txt").exists()


def test_a_file_that_cannot_be_written_exits_1_with_a_message(
    demo_loaded: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    target = tmp_path / "no-such-folder" / "x.csv"

    assert main(["export", "schedule", "--out", str(target)]) == 1

    assert f"{target}: cannot write the file" in capsys.readouterr().err
