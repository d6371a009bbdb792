"""``funding-tracker export`` keeps plain numbers: a single-table XLSX holds no
formula (its Total row is figures, as before the Finance workbook kept its totals
as formulas) and a CSV's money is plain pounds, never a formula."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from tests.actors import ADMIN
from tests.integration.cli_runner import TODAY
from tracker.cli import main
from tracker.demo import load_demo
from tracker.figures import data as queries
from tracker.figures import finance_tables as tables

PLAIN_POUNDS = re.compile(r"-?\d+\.\d\d")


@pytest.fixture
def exported(engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    load_demo(engine, actor=ADMIN)
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    for name in tables.TABLE_NAMES:
        for suffix in ("xlsx", "csv"):
            assert main(["export", name, "--out", str(tmp_path / f"{name}.{suffix}")]) == 0
    return tmp_path


def test_a_single_table_xlsx_export_has_no_formulas_and_its_totals_are_numbers(exported: Path, engine: Engine):
    data = queries.load(engine)
    for name in tables.TABLE_NAMES:
        path = exported / f"{name}.xlsx"
        with zipfile.ZipFile(path) as archive:
            sheets = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets), name
        table = tables.build(name, data)
        if table.total_row:
            sheet = load_workbook(path)[table.title]
            total = [c for c in sheet[len(table.frame) + 1]]
            money = [total[j] for j, c in enumerate(table.frame.columns) if c in table.money_columns]
            assert money and all(c.data_type == "n" for c in money), name


def test_every_csv_export_has_plain_pounds_and_no_cell_a_spreadsheet_would_run(exported: Path, engine: Engine):
    data = queries.load(engine)
    for name in tables.TABLE_NAMES:
        rows = list(csv.reader(io.StringIO((exported / f"{name}.csv").read_text(encoding="utf-8"), newline="")))
        assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "@"))], name
        table = tables.build(name, data)
        money = [j for j, c in enumerate(rows[0]) if c in table.money_columns]
        assert money, name
        assert all(PLAIN_POUNDS.fullmatch(row[j]) for row in rows[1:] for j in money if row[j]), name
