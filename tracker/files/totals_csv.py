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
integer pence (``committed_pence`` ...), so no consumer has to trust a float;
without ``--by`` each year also splits its headline (what was announced,
every pound of every announcement): ``headline = new + restated + earlier +
pot_share + rise_or_cut``, and ``new + rise_or_cut = new_money``
(``tracker.figures.new_and_recycled``).
In the CSV, a name (funder, recipient, programme, purpose, area) that a
spreadsheet would run as a formula gets a leading ``'``, as every CSV the
tracker writes (``tracker.files.exports.neutralise``); JSON keeps names as
they are.

In real terms (``totals --prices real``, issue 20) the columns are the same,
their amounts in the base year's prices, and every row ends with
``prices,base_year,deflator_release``: ``prices`` is ``real``, or ``no
deflator`` (a year the release holds no index for) or ``no year`` (unphased
money), whose amounts are blank (JSON: null). In cash nothing is added, so
the contract of the nominal file is unchanged.
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
from tracker.figures.real_terms import CASH, NO_DEFLATOR, NO_YEAR, PRICE_COLUMNS, REAL, Prices
from tracker.figures.totals import FIGURES, MONEY, figures_for, identifier_column
from tracker.files.exports import neutralise

# Without --by, JSON splits each year's headline: new, restated, earlier, a share of a pot, the rise or cut.
BREAKDOWN = ("headline", "new", "restated", "earlier", "pot_share", "rise_or_cut")


def _lead(by: str | None) -> list[str]:
    identifier = identifier_column(by)
    return [*([by] if by else []), *([identifier] if identifier else [])]


def _columns(by: str | None, prices: Prices = CASH) -> list[str]:
    added = list(PRICE_COLUMNS) if prices.is_real else []
    return [*_lead(by), "financial_year", *FIGURES, "qualifiers", *figures_for(by)[len(FIGURES) :], *added]


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _pounds(value) -> str:
    """Plain pounds of a cell (blank: no value in these prices)."""
    return "" if pd.isna(value) else plain_pounds(int(value))


def _pence(value) -> int | None:
    return None if pd.isna(value) else int(value)


def to_csv(frame: pd.DataFrame, by: str | None = None, prices: Prices = CASH) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_columns(by, prices))
    for row in frame.itertuples(index=False):
        values = row._asdict()
        year = int(values["financial_year"])
        writer.writerow(
            [
                *(neutralise(_text(values.get(c))) for c in _lead(by)),  # names are text a spreadsheet may run
                fy_label(year),
                *(_pounds(values[m]) for m in FIGURES),
                values["qualifiers"],
                *(_pounds(values[m]) for m in figures_for(by)[len(FIGURES) :]),
                *(neutralise(cell) for cell in (prices.file_cells(year) if prices.is_real else ())),
            ]
        )
    return out.getvalue()


def json_rows(frame: pd.DataFrame, by: str | None = None, prices: Prices = CASH) -> list[dict[str, str | int | None]]:
    """The rows of ``to_json``, as Python values."""
    rows = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        year = int(values["financial_year"])
        item: dict[str, str | int | None] = {c: _text(values.get(c)) for c in _lead(by)}
        item["financial_year"] = fy_label(year)
        for m in FIGURES:
            item[m] = _pounds(values[m]) or None
        item["qualifiers"] = values["qualifiers"]
        for m in figures_for(by)[len(FIGURES) :]:
            item[m] = _pounds(values[m]) or None
        for m in figures_for(by):
            item[f"{m}_pence"] = _pence(values[m])
        for m in BREAKDOWN:  # (without --by: how much of the year's headline is new)
            if m in values:
                item[m], item[f"{m}_pence"] = _pounds(values[m]) or None, _pence(values[m])
        if prices.is_real:
            item.update(zip(PRICE_COLUMNS, prices.file_cells(year)))
        rows.append(item)
    return rows


def to_json(frame: pd.DataFrame, by: str | None = None, prices: Prices = CASH) -> str:
    return json.dumps(json_rows(frame, by, prices), indent=2, ensure_ascii=False) + "\n"


def _money(value) -> str:
    return "-" if pd.isna(value) else format_pounds(int(value), always_pence=True)


def to_table(frame: pd.DataFrame, by: str | None = None, as_at: date | None = None, prices: Prices = CASH) -> str:
    """An aligned table for a terminal, with a total row (in real terms, of the rows that have a value)."""
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
                *(_money(values[m]) for m in shown),
            ]
        )
    totals = [*([""] * len(lead)), "Total", *(_money(frame[m].sum()) for m in shown)]
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
    if prices.is_real:
        text.extend(_real_terms_notes(frame, prices))
    text.append(
        "Committed counts every pound once: re-announcements once, shares inside their pots; "
        "'over' amounts at their floor. New money leaves out money announced before."
    )
    note = shared_note(frame)
    if note:
        text.append(note)
    if (frame["financial_year"] == UNPHASED).any() and not prices.is_real:
        text.append("Unphased: money whose financial year was not stated; it is never placed in a year by guess.")
    estimated = int(frame["estimated"].sum()) if "estimated" in frame else 0  # (<NA> cells are left out)
    if estimated:
        text.append(f"Estimated: {format_pounds(estimated)} of committed is placed in years by a chosen spread.")
    return "\n".join(text) + "\n"


def _real_terms_notes(frame: pd.DataFrame, prices: Prices) -> list[str]:
    """What a real-terms table is in, and the rows it could not deflate."""
    assert prices.release is not None
    notes = [
        f"Prices: real terms in {prices.base} prices, deflated by {prices.release.name} "
        f"({prices.release.first} to {prices.release.last}); each cell rounded once, totals summed from them."
    ]
    statuses = {prices.status(int(y)) for y in frame["financial_year"]} - {REAL}
    if NO_DEFLATOR in statuses:
        notes.append(
            f"-: no deflator. {prices.release.name} has no index for these years; they are left blank, "
            "never extrapolated, and not in the total."
        )
    if NO_YEAR in statuses:
        notes.append("Unphased: money with no stated year has no real-terms value; blank, and not in the total.")
    return notes
