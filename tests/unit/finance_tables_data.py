"""A hand-made TrackerData for the finance-table tests: commitment records, frames
shaped as ``tracker.figures.data.load`` returns them, and the records the pivots use."""

from __future__ import annotations

from datetime import date

import pandas as pd

from tracker.core.fiscal import FinancialYear
from tracker.figures.data import COMMITMENT_COLUMNS, DELIVERY_COLUMNS, MILESTONE_COLUMNS, TrackerData
from tracker.records.commitment_rows import CommitmentRecord

FY = FinancialYear


def record(ref: str, **fields) -> CommitmentRecord:
    base = dict(
        line=0,
        ref=ref,
        announced_on=date(2019, 10, 25),
        funder="Welsh Government",
        recipient="Council A",
        purpose=f"Purpose of {ref}",
        kind="one-off",
        amount_pence=10_000,
        first_year=FY(2020),
        years=1,
        announcement_ref=f"A-{ref}",
        title=f"Announcement of {ref}",
    )
    return CommitmentRecord(**(base | fields))


def tracker_data(records: list[CommitmentRecord], deliveries=(), as_at: date | None = None) -> TrackerData:
    """Frames shaped as ``tracker.figures.data.load`` returns them (ids from 1, in record order)."""
    ids = {rec.ref: i for i, rec in enumerate(records, start=1)}
    rows = [
        (
            ids[r.ref],
            r.ref,
            r.announcement_ref,
            r.announced_on,
            r.title,
            r.source_url,
            r.funder,
            r.recipient,
            r.purpose,
            r.programme,
            r.kind,
            r.amount_pence,
            r.qualifier,
            r.status,
            r.capital_or_revenue,
            r.first_year.start_year,
            r.years,
            r.uplift_bp,
            ids.get(r.reannounces),
            r.reannounces,
        )
        for r in records
    ]
    commitments = pd.DataFrame(rows, columns=COMMITMENT_COLUMNS).astype(
        {
            "commitment_id": "int64",
            "amount_pence": "int64",
            "first_year": "int64",
            "years": "int64",
            "uplift_bp": "int64",
            "reannounces_id": "Int64",
        }
    )
    lines = pd.DataFrame(
        [(ids[r.ref], fy.start_year, pence) for r in records for fy, pence in r.profile],
        columns=["commitment_id", "financial_year", "amount_pence"],
    ).astype("int64")
    delivery_frame = pd.DataFrame(
        [
            (i, ref, ids[commitment], paid_on, pence, kind, note, illustrative)
            for i, (ref, commitment, paid_on, pence, kind, note, illustrative) in enumerate(deliveries, start=1)
        ],
        columns=DELIVERY_COLUMNS,
    ).astype({"amount_pence": "int64", "commitment_id": "int64", "illustrative": "bool"})
    milestones = pd.DataFrame([], columns=MILESTONE_COLUMNS)
    return TrackerData(commitments, lines, delivery_frame, milestones, as_at)


# C1 £100 a year 2020-21..2022-23; C2 £50 in 2022-23; C3 £70 in 2024-25 (nothing
# in 2023-24); C4 re-announces C2; C5 profiled £10.01 in 2021-22 and £0.99 in 2022-23.
PIVOT_RECORDS = [
    record("C1", kind="recurring", amount_pence=10_000, years=3, programme="Fund X"),
    record("C2", recipient="Council B", amount_pence=5_000, first_year=FY(2022)),
    record("C3", funder="UK Government", amount_pence=7_000, first_year=FY(2024), programme="Fund Y"),
    record(
        "C4",
        recipient="Council B",
        amount_pence=5_000,
        first_year=FY(2022),
        reannounces="C2",
        announced_on=date(2020, 6, 26),
    ),
    record(
        "C5",
        recipient="Council B",
        kind="profiled",
        amount_pence=1_100,
        first_year=FY(2021),
        years=2,
        programme="Fund X",
        profile=((FY(2021), 1_001), (FY(2022), 99)),
    ),
]
YEARS = ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]


def rows_of(frame: pd.DataFrame) -> list[list]:
    return [[v if isinstance(v, str) else int(v) for v in row] for row in frame.itertuples(index=False, name=None)]
