"""The review pack's workbook, built from hand-made snapshots without a database:
numbers in pounds to the penny, and neutralised text."""

from __future__ import annotations

import copy
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.unit.review_pack_snapshots import FORMULA, HOSTILE, SOURCE, _figures, _meeting, _previous
from tracker.review import pack_xlsx as review_xlsx

# --- the workbook ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    return load_workbook(io.BytesIO(review_xlsx.xlsx_pack(_meeting(), _previous(), SOURCE)))


def _rows(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_workbook_has_the_packs_tables_and_an_about_sheet(book) -> None:
    assert book.sheetnames == [
        "Committed and delivered",
        "By commitment",
        "Milestones",
        "Statuses",
        "Changes since last review",
        "About",
    ]


def test_committed_and_delivered_by_year_are_numbers_in_pounds(book) -> None:
    sheet = book["Committed and delivered"]
    rows = _rows(sheet)
    assert rows[0] == ["Financial year", "Committed", "Delivered", "Variance"]
    assert [[r[0], *(Decimal(str(v)) for v in r[1:])] for r in rows[1:]] == [
        ["2020-21", Decimal("1500000"), Decimal("1170000"), Decimal("-330000")],
        ["2021-22", Decimal("5400000"), Decimal("5400000"), Decimal("0")],
        ["2022-23", Decimal("6400000"), Decimal("5950000"), Decimal("-450000")],
        ["Total", Decimal("13300000"), Decimal("12520000"), Decimal("-780000")],
    ]
    assert sheet["B2"].number_format.startswith("£#,##0.00")
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"


def test_by_commitment_keeps_pence_and_neutralises_text(book) -> None:
    rows = _rows(book["By commitment"])
    header = rows[0]
    assert header[:6] == ["Ref", "Purpose", "Recipient", "Programme", "Qualifier", "Committed"]
    w1, w2 = (dict(zip(header, r)) for r in rows[1:])
    assert Decimal(str(w1["Committed"])) == Decimal("1234567.89")
    assert Decimal(str(w1["Variance"])) == Decimal("-234567.89")
    assert w1["Purpose"] == HOSTILE
    assert w1["Current status"] == "At risk (amber)" and w1["Status assessed on"].date() == date(2025, 5, 20)
    assert w2["Purpose"] == "'" + FORMULA
    assert w2["Current status"] == "No status yet"


def test_milestones_sheet_lists_overdue_first(book) -> None:
    rows = _rows(book["Milestones"])
    assert rows[0] == [
        "Ref",
        "Milestone",
        "Commitment",
        "Due on",
        "Achieved on",
        "State",
        "Days late",
        "How late",
        "Note",
    ]
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [
        ("M3", "overdue", 548),
        ("M1", "overdue", 30),
        ("M2", "due", 0),
        ("M4", "achieved late", 31),
    ]
    assert rows[1][8] == "'" + FORMULA
    assert rows[1][3].date() == date(2019, 12, 1)


def test_statuses_and_changes_sheets(book) -> None:
    statuses = _rows(book["Statuses"])
    assert [r[:2] for r in statuses[1:]] == [["W1", "At risk (amber)"], ["programme: Fund", "On track (green)"]]
    assert statuses[2][5] == "'" + FORMULA
    changes = _rows(book["Changes since last review"])
    assert changes[0] == ["What changed", "Ref", "Detail"]
    assert ["Milestone newly overdue", "M1", "CDO in post: due 2020-04-01, 30 days late"] in changes


def test_the_about_sheet_says_what_the_figures_are(book) -> None:
    about = {r[0]: r[1] for r in _rows(book["About"])}
    assert about["Meeting held on"] == "2025-06-03"
    assert about["Figures as at"] == "2025-06-01"
    assert about["Snapshot taken at"] == "3 June 2025 at 09:30 UTC"
    assert about["Snapshot taken by"] == "local:officer"
    assert about["Source"] == SOURCE
    assert about["Meeting title"] == HOSTILE
    assert about["Compared with"].startswith("the meeting of 4 February 2025")
    assert about["Since the last review"].startswith("Delivered rose by £2,520,000")
    assert "Illustrative" not in about


def test_the_workbook_of_a_first_review_with_illustrative_deliveries() -> None:
    figures = copy.deepcopy(_figures())
    figures["headline"]["illustrative_deliveries"] = 1
    book = load_workbook(io.BytesIO(review_xlsx.xlsx_pack(_meeting(figures, title=FORMULA), None, SOURCE)))
    about = {r[0]: r[1] for r in _rows(book["About"])}
    assert about["Illustrative"].startswith("Demo delivery figures are illustrative")
    assert about["Compared with"] == "nothing: this is the first review"
    assert about["Since the last review"] == "This is the first review: there is nothing earlier to compare with."
    assert about["Meeting title"] == "'" + FORMULA
    assert book["About"]["B3"].data_type == "s"
