"""Review snapshots as announced, without a database: how new money,
unphased and estimated money read from a schema 2 snapshot, and how a
schema 1 snapshot (which never recorded them) still shows and compares."""

from __future__ import annotations

import copy
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.review_as_said_data import schema_1
from tracker.review import as_said, pack_chart, pack_html, pack_xlsx, presentation
from tracker.review import changes as review_changes
from tracker.review.meetings import Meeting

SOURCE = "funding tracker database (test)"


def _commitment(ref: str, **extra) -> dict:
    row = {
        "ref": ref,
        "purpose": f"Purpose of {ref}",
        "announcement_ref": "A1",
        "recipient": None,
        "programme": None,
        "kind": "one-off",
        "qualifier": "exact",
        "status": "confirmed",
        "restates": None,
        "reannounces_earlier": False,
        "part_of": None,
        "areas": [],
        "terms": {
            "kind": "one-off",
            "amount": 100_000_001,
            "first_year": "2024-25",
            "years": 1,
            "uplift_bp": 0,
            "qualifier": "exact",
            "profile": {},
            "spread": "none",
            "planned_start": None,
            "planned_end": None,
        },
        "committed": 100_000_001,
        "new_money": 100_000_001,
        "unphased": 0,
        "estimated": 0,
        "due_to_date": 100_000_001,
        "delivered": 0,
        "variance": -100_000_001,
        "outstanding": 100_000_001,
        "slippage": 100_000_001,
        "progress": "behind by £1m",
    }
    for key, value in extra.items():
        if key in row["terms"] and key not in ("kind", "qualifier"):
            row["terms"][key] = value
        else:
            row[key] = value
    return row


def schema_2() -> dict:
    """A small schema 2 snapshot: money in a year, money spread by choice, money with no year."""
    return {
        "schema": 2,
        "as_at": "2026-11-27",
        "headline": {
            "committed": 500_000_003,
            "delivered": 10_000_001,
            "due_to_date": 300_000_002,
            "outstanding": 490_000_002,
            "variance": -290_000_001,
            "pct_delivered": 0.02,
            "pct_of_due_delivered": 0.0333,
            "qualifier": "exact",
            "illustrative_deliveries": 0,
            "new_money": 400_000_002,
            "unphased": 100_000_001,
            "estimated": 200_000_000,
        },
        "yearly": [
            {
                "financial_year": "2024-25",
                "committed": 200_000_002,
                "delivered": 10_000_001,
                "variance": -190_000_001,
                "new_money": 100_000_001,
                "estimated": 0,
            },
            {
                "financial_year": "2025-26",
                "committed": 200_000_000,
                "delivered": 0,
                "variance": -200_000_000,
                "new_money": 200_000_000,
                "estimated": 200_000_000,
            },
            {
                "financial_year": "unphased",
                "committed": 100_000_001,
                "delivered": 0,
                "variance": -100_000_001,
                "new_money": 100_000_001,
                "estimated": 0,
            },
        ],
        "commitments": [
            _commitment("C1"),
            _commitment("C2", reannounces_earlier=True, new_money=0, part_of="C1"),
            _commitment("C3", spread="even", years=2, first_year="2025-26", estimated=200_000_000),
            _commitment("C4", first_year=None, unphased=100_000_001),
        ],
        "commitment_years": [],
        "announcements": [{"ref": "A1", "announced_on": None, "title": "Budget", "funder": "WG"}],
        "deliveries": [],
        "milestones": [],
        "statuses": [],
    }


def _meeting(figures: dict) -> Meeting:
    return Meeting(
        date(2026, 11, 27),
        date.fromisoformat(figures["as_at"]),
        None,
        datetime(2026, 11, 27, 9, tzinfo=UTC),
        "Ann",
        figures,
    )


def test_a_schema_1_snapshot_records_no_split_and_says_nothing_about_it() -> None:
    old = schema_1()
    assert as_said.money_split(old) is None and not as_said.has_split(old)
    assert as_said.money_notes(old) == []
    assert as_said.how_counted(old["commitments"][0]) == ""
    assert presentation.yearly_columns(old) == ("committed", "delivered", "variance")
    table = presentation.commitments_table(old, {})
    assert list(table.columns) == presentation.COMMITMENT_COLUMNS
    assert list(table["new_money"]) == [None, None]  # not recorded: blank, never £0


def test_a_schema_1_snapshot_whose_years_left_out_unphased_money_says_how_much() -> None:
    old = schema_1()
    old["headline"]["committed"] += 2_000_000_001  # counted in the headline, in no year (as schema 1 froze it)
    (note,) = as_said.money_notes(old)
    assert note.text.startswith("£20m (£20,000,000.01) of committed money is in no year of these figures")
    assert presentation.money_notes(old) == [note.text]


def test_how_each_commitment_is_counted_in_words() -> None:
    words = {r["ref"]: as_said.how_counted(r) for r in schema_2()["commitments"]}
    assert words["C1"] == ""
    assert words["C2"] == "announced before: counted, not new money; share of C1: inside its pot, not added to it"
    assert words["C3"] == "spread evenly over its years (estimated)"
    assert words["C4"] == "£1m unphased: no year stated"


def test_headline_metrics_show_new_money_only_when_it_differs() -> None:
    figures = schema_2()
    rows = presentation.headline_metric_rows(figures)
    assert [m.label for m in rows[0]] == ["Committed", "New money", "Delivered to date", "% delivered"]
    assert rows[0][1].value == "£4m" and "4,000,000.02 pounds" in rows[0][1].help
    all_new = copy.deepcopy(figures)
    all_new["headline"]["new_money"] = all_new["headline"]["committed"]
    labels = [m.label for m in presentation.headline_metrics(all_new)]
    assert labels[0] == "Committed (new money)" and "New money" not in labels
    floor = copy.deepcopy(figures)
    floor["headline"]["qualifier"] = "at least"
    committed = presentation.headline_metric_rows(floor)[0][0]
    assert (committed.label, committed.value) == ("Committed (at least)", "£5m")  # four to a row: the figure fits
    notes = presentation.money_notes(figures)
    assert [n.topic for n in as_said.money_notes(figures)] == ["New money", "Unphased", "Estimated"]
    assert notes[0].startswith("New money is £4m (£4,000,000.02) of the £5m committed")


def test_the_yearly_table_has_new_money_estimated_and_the_unphased_row() -> None:
    table = presentation.yearly_table(schema_2())
    assert list(table.columns) == [
        "financial_year",
        "committed",
        "delivered",
        "variance",
        "new_money",
        "estimated",
        "pct_delivered",
    ]
    assert list(table["financial_year"]) == ["2024-25", "2025-26", "unphased", "Total"]
    assert list(table.iloc[-1][["committed", "new_money", "estimated"]]) == [
        Decimal("5000000.03"),
        Decimal("4000000.02"),
        Decimal("2000000.00"),
    ]


def test_a_schema_1_row_against_the_same_schema_2_row_is_no_change() -> None:
    before = schema_1()
    after = copy.deepcopy(before)
    after["schema"] = 2
    for row in after["commitments"]:
        row.update(reannounces_earlier=False, part_of=None, areas=["W92000004"], new_money=row["committed"])
        row["terms"].update(spread="even", planned_start=None, planned_end=None)  # not recorded before
    after["headline"].update(new_money=1, unphased=2, estimated=3)
    before["commitments"][1]["recipient"] = float("nan")  # as an older SQLite database may hold it
    after["commitments"][1]["recipient"] = None
    found = review_changes.changes(before, after)
    assert found.commitments == []
    assert {m.name: m.change for m in found.movements}["new_money"] is None
    assert "new money" not in review_changes.movement_sentence(found)
    assert review_changes.changes(after, before).commitments == []


def test_changes_to_what_was_said_are_named_between_two_schema_2_snapshots() -> None:
    before, after = schema_2(), schema_2()
    c1, c2, c3 = after["commitments"][:3]
    c1["reannounces_earlier"], c1["new_money"] = True, 0
    c2["part_of"] = None
    c3["terms"]["spread"] = "planned-dates"
    c3["terms"]["planned_start"], c3["terms"]["planned_end"] = "2025-06-01", "2027-05-31"
    after["headline"]["new_money"] -= 100_000_001
    after["headline"]["unphased"] -= 1
    what = {c["ref"]: c["what"] for c in review_changes.changes(before, after).commitments}
    assert what == {
        "C1": "now announced before; New money changed from £1,000,000.01 to £0",
        "C2": "Share of changed from C1 to none",
        "C3": "Spread changed from even to planned-dates; Planned start changed from not stated to 2025-06-01; Planned end changed from not stated to 2027-05-31",
    }
    sentence = review_changes.movement_sentence(review_changes.changes(before, after))
    assert "new money fell by £1,000,000.01, from £4,000,000.02 to £3,000,000.01" in sentence
    assert "unphased money (no year stated) fell by £0.01, from £1,000,000.01 to £1,000,000" in sentence


def test_the_chart_draws_unphased_money_as_bars_after_the_years_but_not_in_the_running_totals() -> None:
    figure = pack_chart.yearly_figure(schema_2())
    bars = [t for t in figure.data if t.type == "bar"]
    lines = [t for t in figure.data if t.type == "scatter"]
    assert all(list(t.x) == ["2024-25", "2025-26", "unphased"] for t in bars)
    assert all(list(t.x) == ["2024-25", "2025-26"] for t in lines)
    assert list(lines[0].y) == [2_000_000.02, 4_000_000.02]


def test_the_pack_chart_draws_money_placed_by_a_chosen_spread_apart_and_names_it() -> None:
    figures = schema_2()
    estimated = [int(r.get("estimated") or 0) / 100 for r in figures["yearly"]]
    assert any(estimated)
    traces = {t.name: t for t in pack_chart.yearly_figure(figures).data}
    drawn = traces["Committed, estimated (a chosen spread, not announced by year)"]
    assert list(drawn.y) == estimated
    assert "Committed, estimated (a chosen spread, not announced by year)" not in {
        t.name for t in pack_chart.yearly_figure(schema_1()).data
    }


@pytest.mark.parametrize("schema", [1, 2])
def test_the_pack_of_either_schema_renders(schema: int) -> None:
    figures = schema_1() if schema == 1 else schema_2()
    previous = _meeting(schema_1() if schema == 2 else schema_2())
    document = pack_html.html_pack(_meeting(figures), previous, SOURCE).decode("utf-8")
    book = load_workbook(io.BytesIO(pack_xlsx.xlsx_pack(_meeting(figures), previous, SOURCE)))
    header = [c.value for c in next(book["Committed and delivered"].iter_rows())]
    commitments = [c.value for c in next(book["By commitment"].iter_rows())]
    if schema == 1:
        assert header == ["Financial year", "Committed", "Delivered", "Variance"]
        assert "Share of" not in commitments and "New money" not in commitments
        assert "money-note" not in document.replace(".money-note", "")
    else:
        assert header == ["Financial year", "Committed", "Delivered", "Variance", "New money", "Estimated"]
        assert {"New money", "Unphased", "Estimated", "Share of", "Announced before"} <= set(commitments)
        assert document.count('<p class="money-note">') == 3
        assert "The years it sits in are our estimate, not what was announced." in document
