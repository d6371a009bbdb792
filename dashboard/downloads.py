"""What the dashboard's download buttons hand over: the Delivery page's tables
and a revised commitment's original and revised profiles as CSV.

Written by ``tracker.files.exports`` (plain pounds, percentages with one
decimal, text neutralised for spreadsheets); the header row is the machine
column names below, the titles are what the dashboard calls them.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from tracker.figures.real_tables import labelled
from tracker.figures.real_terms import CASH, Prices
from tracker.files.exports import to_csv_bytes
from tracker.files.table import Table

BY_YEAR_COLUMNS = {
    "financial_year": "Financial year",
    "committed": "Committed",
    "new_money": "New money",
    "estimated": "Estimated",
    "delivered": "Delivered",
    "variance": "Variance",
    "pct_delivered": "% delivered",
    "cumulative_committed": "Committed to date",
    "cumulative_delivered": "Delivered to date",
    "slippage": "Behind profile",
    "status": "Against profile",
}
BY_COMMITMENT_COLUMNS = {
    "ref": "Ref",
    "purpose": "Purpose",
    "recipient": "Recipient",
    "programme": "Programme",
    "restates": "Restates",
    "committed": "Committed",
    "due_to_date": "Due to date",
    "delivered": "Delivered",
    "variance": "Variance",
    "pct_of_due_delivered": "% of due delivered",
    "outstanding": "Outstanding",
    "slippage": "Behind profile",
    "status": "Against profile",
}
DELIVERIES_COLUMNS = {
    "ref": "Ref",
    "paid_on": "Paid on",
    "commitment_ref": "Recorded against",
    "counted_toward": "Counted toward",
    "purpose": "Purpose",
    "amount": "Amount",
    "kind": "Kind",
    "note": "Note",
    "illustrative": "Illustrative",
}
AREA_COMMITMENT_COLUMNS = {
    "ref": "Ref",
    "purpose": "Purpose",
    "recipient": "Recipient",
    "funder": "Funder",
    "committed": "Committed",
    "delivered": "Delivered",
    "shared_with": "Shared with (other areas)",
    "other_areas": "Other areas",
}
_MONEY_COLUMNS = (
    "committed",
    "new_money",
    "estimated",
    "delivered",
    "variance",
    "cumulative_committed",
    "cumulative_delivered",
    "slippage",
    "due_to_date",
    "outstanding",
    "amount",
)
_PERCENT_COLUMNS = ("pct_delivered", "pct_of_due_delivered")


def _export_table(name: str, title: str, frame: pd.DataFrame, columns: dict[str, str]) -> Table:
    frame = frame[list(columns)].reset_index(drop=True)
    return Table(
        name=name,
        title=title,
        frame=frame,
        titles=columns,
        money_columns=tuple(c for c in columns if c in _MONEY_COLUMNS),
        percent_columns=tuple(c for c in columns if c in _PERCENT_COLUMNS),
    )


def by_year_csv(yearly: pd.DataFrame, prices: Prices = CASH) -> bytes:
    """The by-year table (``tracker.figures.delivery.slippage_by_year``) as CSV, financial years as labels;
    in real terms, each row ending with the prices, base year and deflator release."""
    frame = yearly.assign(financial_year=yearly["label"])
    table = _export_table("delivery-by-year", "Delivery by financial year", frame, BY_YEAR_COLUMNS)
    return to_csv_bytes(labelled(table, prices))


def by_commitment_csv(table: pd.DataFrame) -> bytes:
    """The by-commitment table (``tracker.figures.delivery.by_commitment``) as CSV."""
    return to_csv_bytes(_export_table("delivery-by-commitment", "Delivery by commitment", table, BY_COMMITMENT_COLUMNS))


def deliveries_csv(records: pd.DataFrame) -> bytes:
    """One year's deliveries (``tracker.figures.delivery.deliveries_in_year``) as CSV, amounts in pounds."""
    frame = records.rename(columns={"amount_pence": "amount"})
    return to_csv_bytes(_export_table("deliveries", "Deliveries", frame, DELIVERIES_COLUMNS))


def comparison_csv(table: Table) -> bytes:
    """A revised commitment's original and revised profiles
    (``tracker.figures.revisions.comparison_table``) as CSV: plain pounds, Total row last."""
    return to_csv_bytes(table)


def area_commitments_csv(table: pd.DataFrame) -> bytes:
    """An area's commitments (``tracker.figures.area_view.AreaView.commitments``) as CSV."""
    return to_csv_bytes(_export_table("area-commitments", "Commitments naming an area", table, AREA_COMMITMENT_COLUMNS))


def csv_of(build: Callable[..., Table], *args, prices: Prices = CASH) -> bytes:
    """``build(*args)`` as CSV: for ``st.download_button(data=deferred(csv_of, ...))``,
    so a table is built and written only when someone asks for the file; in real terms (``prices``),
    every row ends with the prices, base year and deflator release."""
    return to_csv_bytes(labelled(build(*args), prices))


def csv_in_prices(table: Table, prices: Prices) -> bytes:
    """A table as CSV; in real terms, every row ends with the prices, base year and deflator release."""
    return to_csv_bytes(labelled(table, prices))
