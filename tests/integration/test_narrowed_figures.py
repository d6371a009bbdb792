"""A narrowed view's figures are the figures worked out from scratch for the
filtered data, on a generated database whose re-announcements and shares of
pots cross every filter's boundary.

A narrowed view takes its schedule from the unfiltered one
(``TrackerData.narrowed_from``), working out again only the commitments
linked, through any chain of links, to one left out (``counted_apart``);
its Overview reads ``schedule_money``, never the whole schedule. Each filter
set's schedule, Overview, breakdowns and (narrowed again) area figures must
be those of the same frames with nothing taken from the unfiltered view.

The data: the benchmark's generator (``bench/generate.py --as-said``: pots
with shares, re-announcements of the same money, money announced before,
areas), programmes added, and a few rows it does not make: money announced
again at other amounts by other funders (a chain), and a share of a share.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import Engine

from bench.generate import AS_SAID_COLUMNS, deliveries_table, generate_table, write_csv
from tests.actors import ADMIN
from tracker.core.fiscal import FinancialYear
from tracker.figures import data as queries
from tracker.figures.area_view import area_view
from tracker.figures.data import MONEY_COLUMNS, TrackerData, breakdown, overview
from tracker.figures.filters import NO_PROGRAMME, Filters, narrowed
from tracker.imports.apply import import_file

N = 1_200
TODAY = date(2026, 12, 5)
# Rows the generator does not make: one-off money, each in one year.
EXTRA_FIELDS = [
    "ref",
    "announced_on",
    "funder",
    "recipient",
    "amount",
    "first_year",
    "reannounces",
    "part_of",
    "areas",
    "programme",
]
EXTRA = """\
X1,2023-02-01,Welsh Government,Cardiff Council,1000000.00,2024-25,,,,Skills
X2,2023-06-01,UK Government,Cardiff Council,1500000.00,2024-25,X1,,,
X3,2023-09-01,Sport Wales,Swansea Council,1200000.00,2025-26,X2,,,Skills
X4,2023-02-01,Welsh Government,Welsh councils,9000000.00,2024-25,,,W06000015;W06000022,Fund
X5,2023-03-01,UK Government,Cardiff Council,2000000.00,2024-25,,X4,W06000015,Fund
X6,2023-04-01,Arts Council of Wales,Swansea Council,500000.00,2024-25,,X5,W06000011,
"""
EXTRA_REFS = [line.split(",")[0] for line in EXTRA.splitlines()]


@pytest.fixture
def data(engine: Engine, tmp_path: Path) -> TrackerData:
    table = generate_table(N, seed=20240601, as_said=True)
    programmes = [f"Programme {k % 4}" if k % 3 else "" for k in range(N)]
    table = table.append_column("programme", pa.array(programmes, pa.string()))
    rows = {name: table.column(name).to_pylist() for name in table.column_names}
    blank = dict.fromkeys(rows, "")
    for line in EXTRA.splitlines():
        row = {**blank, **dict(zip(EXTRA_FIELDS, line.split(",")))}
        row |= {"purpose": f"Extra {row['ref']}", "kind": "one-off", "years": "1", "qualifier": "exact"}
        row["status"] = "confirmed"
        for name in rows:
            rows[name].append(row[name])
    table = pa.table({name: pa.array(values, pa.string()) for name, values in rows.items()})
    assert set(AS_SAID_COLUMNS) < set(table.column_names)
    commitments, deliveries = tmp_path / "commitments.csv", tmp_path / "deliveries.csv"
    write_csv(table, commitments)
    write_csv(deliveries_table(table, 2, seed=20240602), deliveries)
    import_file("commitments", commitments, engine=engine, actor=ADMIN)
    import_file("deliveries", deliveries, engine=engine, actor=ADMIN)
    return queries.load(engine)


def _from_scratch(view: TrackerData) -> TrackerData:
    """The view's frames, every figure worked out from them alone."""
    return replace(view, narrowed_from=None, counted_apart=None)


def _same(got: object, expected: object, what: str) -> None:
    if isinstance(expected, pd.DataFrame):
        assert isinstance(got, pd.DataFrame), what
        pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=what)
    elif dataclasses.is_dataclass(expected) and not isinstance(expected, type):
        for part in dataclasses.fields(expected):
            _same(getattr(got, part.name), getattr(expected, part.name), f"{what}.{part.name}")
    else:
        assert got == expected, what


def _filters(data: TrackerData) -> list[Filters]:
    commitments = data.commitments
    recipients = commitments["recipient"].value_counts().index[:4]
    return [
        *(Filters(funders=(funder,)) for funder in sorted(commitments["funder"].unique())),
        *(Filters(recipients=(recipient,)) for recipient in recipients),
        Filters(recipients=("Cardiff Council", "Swansea Council")),
        Filters(programmes=("Skills",)),
        Filters(programmes=("Fund", NO_PROGRAMME)),
        Filters(areas=("W06000015",)),
        Filters(areas=("area not stated",)),
        Filters(first_year=FinancialYear(2018), last_year=FinancialYear(2025)),
        Filters(first_year=FinancialYear(2020), funders=("Welsh Government",)),
        Filters(funders=("UK Government", "Sport Wales"), areas=("W06000015", "W06000011")),
    ]


def test_each_narrowed_view_shows_the_figures_worked_out_from_scratch(data: TrackerData) -> None:
    overview(data, TODAY)  # the unfiltered view first, as the dashboard works it out
    linked_and_not = 0
    for number, filters in enumerate(_filters(data)):
        view = narrowed(data, filters)
        what = filters.describe()
        scratch = _from_scratch(view)
        apart = 0 if view.counted_apart is None else len(view.counted_apart)
        linked_and_not += 0 < apart < len(view.commitments)

        _same(overview(view, TODAY), overview(scratch, TODAY), f"overview, {what}")
        for by in ("recipient", "programme", "funder", "area"):
            _same(breakdown(view, by), breakdown(scratch, by), f"by {by}, {what}")
        _same(view.schedule, scratch.schedule, f"schedule, {what}")
        _same(view.schedule_money, scratch.schedule[MONEY_COLUMNS], f"schedule money, {what}")
        if number % 3 == 0:  # a view narrowed again, as the Areas page does (for a third of them: slow)
            code = ("W06000015", "area not stated")[number % 2]
            _same(area_view(view, code, TODAY), area_view(scratch, code, TODAY), f"area {code}, {what}")
    # Most views mix rows taken from the unfiltered schedule with rows worked out again.
    assert linked_and_not >= 5


def test_money_announced_again_by_other_funders_counts_in_the_view_as_from_scratch(data: TrackerData) -> None:
    """The chain X1 <- X2 <- X3 (other funders, other amounts) and the share
    of a share X6 <- X5 <- X4 across the funder filter: stated, not only compared."""
    overview(data, TODAY)

    def committed(filters: Filters) -> dict[str, int]:
        schedule = narrowed(data, filters).schedule
        extra = schedule.loc[schedule["ref"].isin(EXTRA_REFS)]
        return {ref: int(pence) for ref, pence in extra.groupby("ref")["committed_pence"].sum().items()}

    assert committed(Filters()) == {
        "X1": 0,
        "X2": 0,
        "X3": 120_000_000,
        "X4": 700_000_000,
        "X5": 150_000_000,
        "X6": 50_000_000,
    }
    # Without its re-announcements, X1 is money of its own; X4 still holds X5 (and X6 inside X5).
    welsh = committed(Filters(funders=("Welsh Government",)))
    assert (welsh["X1"], welsh["X4"]) == (100_000_000, 700_000_000)
    # X2 restates X1, not in view: new money of its own; X5 stands on its own, X6 still inside it.
    uk = committed(Filters(funders=("UK Government",)))
    assert (uk["X2"], uk["X5"]) == (150_000_000, 150_000_000)
    # With X3, X2's money is replaced by X3's.
    both = committed(Filters(funders=("UK Government", "Sport Wales")))
    assert (both["X2"], both["X3"]) == (0, 120_000_000)
