"""Writers for committed-vs-delivered totals: the Totals CSV, JSON and a text table.

Totals CSV (DESIGN.md, widened by "Record what announcements really say"):
UTF-8, no BOM, LF line endings; header
``financial_year,committed,delivered,variance,new_money,estimated,qualifiers``
(with ``--by X`` the first column is X; by funder or recipient the
organisation's identifier, ``funder_id`` or ``recipient_id``, follows it);
amounts as plain pounds with two decimals; after the financial years one
``unphased`` row when some money has no year. ``qualifiers`` lists the
non-exact qualifiers of the row's committed money, sorted, joined by ``;``.
JSON carries the same names with amounts as exact decimal strings, plus
integer pence (``committed_pence`` ...), so no consumer has to trust a float.
In the CSV, a name (funder, recipient, programme, purpose, area) that a
spreadsheet would run as a formula gets a leading ``'``, as every CSV the
tracker writes (``tracker.files.exports.neutralise``); JSON keeps names as
they are.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pandas as pd

from tracker.core.fiscal import UNPHASED, fy_label
from tracker.core.money import format_pounds, plain_pounds
from tracker.figures.areas import shared_note
from tracker.figures.totals import FIGURES, MONEY, figures_for, identifier_column
from tracker.files.exports import neutralise


def _lead(by: str | None) -> list[str]:
    identifier = identifier_column(by)
    return [*([by] if by else []), *([identifier] if identifier else [])]


def _columns(by: str | None) -> list[str]:
    return [*_lead(by), "financial_year", *FIGURES, "qualifiers", *figures_for(by)[len(FIGURES) :]]


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def to_csv(frame: pd.DataFrame, by: str | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_columns(by))
    for row in frame.itertuples(index=False):
        values = row._asdict()
        writer.writerow(
            [
                *(neutralise(_text(values.get(c))) for c in _lead(by)),  # names are text a spreadsheet may run
                fy_label(int(values["financial_year"])),
                *(plain_pounds(int(values[m])) for m in FIGURES),
                values["qualifiers"],
                *(plain_pounds(int(values[m])) for m in figures_for(by)[len(FIGURES) :]),
            ]
        )
    return out.getvalue()


def to_json(frame: pd.DataFrame, by: str | None = None) -> str:
    rows = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        item: dict[str, str | int] = {c: _text(values.get(c)) for c in _lead(by)}
        item["financial_year"] = fy_label(int(values["financial_year"]))
        for m in FIGURES:
            item[m] = plain_pounds(int(values[m]))
        item["qualifiers"] = values["qualifiers"]
        for m in figures_for(by)[len(FIGURES) :]:
            item[m] = plain_pounds(int(values[m]))
        for m in figures_for(by):
            item[f"{m}_pence"] = int(values[m])
        rows.append(item)
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def to_table(frame: pd.DataFrame, by: str | None = None, as_at: date | None = None) -> str:
    """An aligned table for a terminal, with a total row."""
    lead = _lead(by)
    shown = [*MONEY, "new_money"]
    header = [
        *(c.replace("_", " ").capitalize() for c in lead),
        "Financial year",
        "Committed",
        "Delivered",
        "Variance",
        "New money",
    ]
    body = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        body.append(
            [
                *(_text(values.get(c)) for c in lead),
                fy_label(int(values["financial_year"])),
                *(format_pounds(int(values[m]), always_pence=True) for m in shown),
            ]
        )
    totals = [*([""] * len(lead)), "Total", *(format_pounds(int(frame[m].sum()), always_pence=True) for m in shown)]
    rows = [header, *body, totals]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    money_from = len(header) - len(shown)

    def line(cells):
        return "  ".join(
            c.rjust(w) if i >= money_from else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    text = [line(header), rule, *(line(r) for r in body), rule, line(totals)]
    if as_at is not None:
        text.append(f"As at {as_at.isoformat()}: announcements made and deliveries paid on or before that date.")
    text.append(
        "Committed counts every pound once: re-announcements once, shares inside their pots; "
        "'over' amounts at their floor. New money leaves out money announced before."
    )
    note = shared_note(frame)
    if note:
        text.append(note)
    if (frame["financial_year"] == UNPHASED).any():
        text.append("Unphased: money whose financial year was not stated; it is never placed in a year by guess.")
    estimated = int(frame["estimated"].sum()) if "estimated" in frame else 0
    if estimated:
        text.append(f"Estimated: {format_pounds(estimated)} of committed is placed in years by a chosen spread.")
    return "\n".join(text) + "\n"
