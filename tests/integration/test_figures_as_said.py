"""The Overview, Delivery and Finance figures (tables, charts, exports) of
money recorded as said: unphased, estimated by a chosen spread, announced
before, shares inside their pots, areas and organisations with identifiers.

One small file (tests/fixtures/as_said/), imported through the one way in,
covers every case:

* P1  £10m fund (Welsh Government, Cardiff and Swansea), 2024-25
* S1  £2m of P1 for Council X (GB-PLA-1), 2024-25: taken out of P1
* S2  £1m of P1 for Council X (GB-PLA-2: the same name, another council)
* U1  £500,000 a year for 3 years, first year not stated: £1.5m unphased
* M1  £3m over 2 years from 2025-26, spread evenly: £1.5m estimated in each
* E1  £4m in 2024-25, announced before (``earlier``): committed, not new money
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from dashboard import charts
from tests.actors import ADMIN
from tracker.core.fiscal import UNPHASED
from tracker.figures import data as queries
from tracker.figures import delivery
from tracker.figures.announcement_detail import detail
from tracker.figures.announcement_detail import schedule_table as announcement_schedule_table
from tracker.figures.finance_tables import schedule_table, yearly_table
from tracker.figures.pivots import pivot, pivot_table
from tracker.figures.register import read_announcements
from tracker.files.exports import to_csv_bytes
from tracker.imports.apply import import_file

AS_SAID = Path(__file__).resolve().parents[1] / "fixtures" / "as_said"
POUND = 100
TODAY = date(2025, 6, 1)


@pytest.fixture
def data(engine: Engine) -> queries.TrackerData:
    import_file("commitments", AS_SAID / "commitments.csv", engine=engine, actor=ADMIN)
    import_file("deliveries", AS_SAID / "deliveries.csv", engine=engine, actor=ADMIN)
    return queries.load(engine)


def _by_year(frame: pd.DataFrame, year_column: str = "financial_year") -> dict[str, dict[str, object]]:
    return {str(row[year_column]): row for row in frame.to_dict("records")}


def test_the_yearly_table_has_new_money_estimated_and_an_unphased_row(data) -> None:
    table = yearly_table(data)
    rows = _by_year(table.frame)
    assert list(rows) == ["2024-25", "2025-26", "2026-27", "unphased", "Total"]
    # P1 £10m holds S1 and S2: £10m in 2024-25 all told, plus E1's £4m announced before.
    assert rows["2024-25"]["committed"] == 14_000_000 * POUND
    assert rows["2024-25"]["new_money"] == 10_000_000 * POUND
    assert rows["2025-26"]["estimated"] == rows["2026-27"]["estimated"] == 1_500_000 * POUND
    assert rows["unphased"]["committed"] == 1_500_000 * POUND
    assert rows["unphased"]["delivered"] == 250_000 * POUND  # the undated delivery
    assert rows["2024-25"]["delivered"] == 1_400_000 * POUND  # a refund is negative
    total = rows["Total"]
    assert total["committed"] == 18_500_000 * POUND  # every pound once: 10 + 3 + 1.5 + 4
    assert total["new_money"] == 14_500_000 * POUND
    assert total["estimated"] == 3_000_000 * POUND
    assert any("Unphased" in note for note in table.notes)
    assert any("chosen spread" in note for note in table.notes)
    csv = to_csv_bytes(table).decode("utf-8-sig")
    assert "new_money,estimated" in csv.splitlines()[0] and "\nunphased," in csv


def test_the_schedule_export_marks_estimated_years_and_unphased_money(data) -> None:
    frame = schedule_table(data).frame
    m1 = frame.loc[frame["ref"] == "M1"]
    assert list(m1["estimated"]) == ["estimated", "estimated"]
    assert list(frame.loc[frame["ref"] == "U1", "financial_year"]) == ["unphased"]
    pot = frame.loc[frame["ref"] == "P1"].iloc[0]
    assert pot["headline"] == 10_000_000 * POUND and pot["committed"] == 7_000_000 * POUND
    assert frame.loc[frame["ref"] == "E1", "new_money"].tolist() == [0]


def test_pivots_put_unphased_money_last_and_keep_same_named_organisations_apart(data) -> None:
    by_recipient = pivot(data, "recipient")
    assert list(by_recipient.columns) == [
        "recipient",
        "recipient_id",
        "2024-25",
        "2025-26",
        "2026-27",
        "unphased",
        "Total",
    ]
    councils = by_recipient.loc[by_recipient["recipient"] == "Council X"]
    assert list(councils["recipient_id"]) == ["GB-PLA-1", "GB-PLA-2"]
    assert list(councils["Total"]) == [2_000_000 * POUND, 1_000_000 * POUND]
    wlga = by_recipient.loc[by_recipient["recipient"] == "WLGA"].iloc[0]
    assert wlga["unphased"] == 1_500_000 * POUND
    assert by_recipient.iloc[-1]["Total"] == 18_500_000 * POUND


def test_the_area_pivot_counts_shared_money_under_each_area_and_the_total_once(data) -> None:
    frame = pivot(data, "area")
    rows = {row["area"]: row for row in frame.to_dict("records")}
    # P1's own £7m names Cardiff and Swansea; S1's £2m names Cardiff.
    assert rows["W06000015"]["area_name"] == "Cardiff" and rows["W06000015"]["Total"] == 9_000_000 * POUND
    assert rows["W06000011"]["Total"] == 7_000_000 * POUND
    assert rows["W92000004"]["Total"] == 3_000_000 * POUND
    assert rows["area not stated"]["Total"] == (1_000_000 + 1_500_000 + 4_000_000) * POUND
    assert rows["Total"]["Total"] == 18_500_000 * POUND
    assert sum(r["Total"] for a, r in rows.items() if a != "Total") > rows["Total"]["Total"]
    assert any("more than the whole" in note for note in pivot_table(data, "area").notes)


def test_the_overview_shows_the_unphased_row_and_says_what_is_estimated(data) -> None:
    view = queries.overview(data, TODAY)
    assert list(view.yearly["label"]) == ["2024-25", "2025-26", "2026-27", "unphased"]
    assert view.headline.unphased == 1_500_000 * POUND
    assert view.headline.estimated == 3_000_000 * POUND
    assert view.summaries[-1] == (
        "Unphased: £1.5m was committed with no financial year stated, and £250k delivered undated."
    )
    assert "£1.5m (all of it estimated by a chosen spread) was committed" in view.summaries[1]
    notes = delivery.unplaced_notes(view.headline)
    assert any(n.startswith("£1.5m of committed money is unphased") for n in notes)
    assert any(n.startswith("£3m is placed in years by a chosen spread") for n in notes)


def test_the_overview_chart_draws_estimated_money_apart_and_unphased_money_last(data) -> None:
    fig = charts.committed_vs_delivered(queries.overview(data, TODAY).yearly)
    traces = {trace.name: trace for trace in fig.data}
    estimated = traces["Committed, estimated (a chosen spread, not announced by year)"]
    assert list(estimated.x) == ["2024-25", "2025-26", "2026-27", "unphased"]
    assert list(estimated.y) == [0, 1_500_000, 1_500_000, 0]
    assert list(traces["Committed"].y) == [14_000_000, 0, 0, 1_500_000]
    assert estimated.marker.pattern.shape == "x"  # cross-hatched: estimated, without its colour
    assert "unphased" not in list(traces["Cumulative committed"].x)


def test_delivery_progress_keeps_unphased_money_out_of_what_is_due(data) -> None:
    progress = delivery.progress(data.schedule, data.deliveries, data.commitments, TODAY)
    by_year = _by_year(progress.by_year, "label")
    assert by_year["unphased"]["status"] == "year not stated"
    assert not by_year["unphased"]["started"] and by_year["unphased"]["slippage"] == 0
    assert progress.years[progress.latest_year] == "2026-27"
    assert progress.start_year("unphased") == UNPHASED
    undated = delivery.deliveries_in_year(data.deliveries_in_full, data.commitments, UNPHASED)
    assert list(undated["ref"]) == ["SD2"]
    assert any("unphased" in note for note in progress.notes)
    fig = charts.cumulative_slippage(progress.by_year)
    assert all("unphased" not in list(trace.x or []) for trace in fig.data)
    hatched = [t for t in fig.data if t.name == "Year includes estimated money (a chosen spread)"]
    assert len(hatched) == 1 and list(hatched[0].x) == ["2025-26", "2026-27"]
    assert hatched[0].marker.pattern.shape == "x"


def test_an_announcement_with_a_chosen_spread_says_its_years_are_estimated(engine: Engine, data) -> None:
    found = detail(data, read_announcements(engine), "AS2", TODAY)
    assert "£3m of it (M1) is placed in years by a chosen spread" in found.summary
    table = announcement_schedule_table(found).frame
    assert set(table.loc[table["commitment_ref"] == "M1", "estimated"]) == {"estimated"}
    fig = charts.announcement_schedule(found.schedule)
    assert any(trace.name.endswith("(years estimated)") for trace in fig.data)


def test_a_pot_keeps_its_shares_out_whatever_the_filters_keep(data) -> None:
    from tracker.figures.filters import Filters

    # Filtered to the pot's recipient, the shares are out of view but still out of the pot.
    pot_only = Filters(recipients=("Welsh Government",)).apply(data)
    assert int(pot_only.schedule["committed_pence"].sum()) == 7_000_000 * POUND
    # Filtered to Cardiff: the pot's remainder and S1 (S2 names no area, so it is not Cardiff's).
    cardiff = Filters(areas=("W06000015",)).apply(data)
    assert list(cardiff.commitments["ref"]) == ["P1", "S1"]
    assert int(cardiff.schedule["committed_pence"].sum()) == 9_000_000 * POUND
    by_area = pivot(data, "area").set_index("area")
    assert by_area.loc["W06000015", "Total"] == 9_000_000 * POUND  # the same figure on every page


def test_a_commitment_with_no_year_stated_is_never_ahead_or_behind(data) -> None:
    table = delivery.by_commitment(data.schedule, data.deliveries, data.commitments, TODAY).set_index("ref")
    assert table.loc["U1", "status"] == "no year stated: £250k delivered"
    assert table.loc["U1", "due_to_date"] == 0 and table.loc["U1", "slippage"] == 0


def test_area_rows_are_in_name_order_with_money_naming_no_area_last(data) -> None:
    frame = pivot(data, "area")
    assert list(frame["area_name"][:3]) == ["Cardiff", "Swansea", "Wales"]
    assert list(frame["area"][3:]) == ["area not stated", "Total"]


def test_a_year_with_nothing_committed_or_delivered_says_so_plainly() -> None:
    from types import SimpleNamespace

    row = SimpleNamespace(financial_year=2023, label="2023-24", committed=0, delivered=0, estimated=0)
    assert delivery.year_sentence(row) == "In 2023-24, nothing was committed or delivered."
