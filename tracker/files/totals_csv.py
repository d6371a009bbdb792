"""Writers for committed-vs-delivered totals: the Totals CSV, JSON and a text table.

Totals CSV (DESIGN.md): UTF-8, no BOM, LF line endings; header
``financial_year,committed,delivered,variance`` (with ``--by X`` the first
column is X); amounts as plain pounds with two decimals. JSON carries the
same amounts as exact decimal strings, plus integer pence, so no consumer
has to trust a float.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pandas as pd

from tracker.core.fiscal import fy_label
from tracker.core.money import format_pounds, plain_pounds

MONEY = ("committed", "delivered", "variance")


def _columns(by: str | None) -> list[str]:
    return [*([by] if by else []), "financial_year", *MONEY]


def to_csv(frame: pd.DataFrame, by: str | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_columns(by))
    for row in frame.itertuples(index=False):
        values = row._asdict()
        writer.writerow(
            [
                *([values[by]] if by else []),
                fy_label(int(values["financial_year"])),
                *(plain_pounds(int(values[m])) for m in MONEY),
            ]
        )
    return out.getvalue()


def to_json(frame: pd.DataFrame, by: str | None = None) -> str:
    rows = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        item = {**({by: values[by]} if by else {}), "financial_year": fy_label(int(values["financial_year"]))}
        for m in MONEY:
            item[m] = plain_pounds(int(values[m]))
        for m in MONEY:
            item[f"{m}_pence"] = int(values[m])
        rows.append(item)
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def to_table(frame: pd.DataFrame, by: str | None = None, as_at: date | None = None) -> str:
    """An aligned table for a terminal, with a total row."""
    header = [*([by.capitalize()] if by else []), "Financial year", "Committed", "Delivered", "Variance"]
    body = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        body.append(
            [
                *([str(values[by])] if by else []),
                fy_label(int(values["financial_year"])),
                *(format_pounds(int(values[m]), always_pence=True) for m in MONEY),
            ]
        )
    totals = [*([""] if by else []), "Total", *(format_pounds(int(frame[m].sum()), always_pence=True) for m in MONEY)]
    rows = [header, *body, totals]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    money_from = len(header) - 3

    def line(cells):
        return "  ".join(
            c.rjust(w) if i >= money_from else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    text = [line(header), rule, *(line(r) for r in body), rule, line(totals)]
    if as_at is not None:
        text.append(f"As at {as_at.isoformat()}: announcements made and deliveries paid on or before that date.")
    text.append("Committed is new money: re-announcements are counted once; 'over' amounts at their floor.")
    return "\n".join(text) + "\n"
