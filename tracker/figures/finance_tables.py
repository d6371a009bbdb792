"""Finance tables: what the dashboard shows and the exports write.

Every function here is pure: a ``TrackerData`` (from ``tracker.figures.data.load``)
in, a ``Table`` (``tracker.files.table``) out. A ``Table`` is a DataFrame with
machine column names (money as int64 pence, never float) plus what a person
needs to read it: a title per column, which columns are money or percentages,
and whether the last row is a total. The dashboard and ``tracker.files.exports``
both take their headings from here, so a download says what the screen says.

Tables:

* ``pivot_table(data, rows)`` (``tracker.figures.pivots``): committed money,
  rows (commitment, recipient, programme, funder or area) by financial year
  (then ``unphased``), with a Total column and a Total row. Re-announcements
  add nothing (``committed_pence``).
* ``commitments_table``: one row per commitment in the commitments CSV
  contract (DESIGN.md), so an exported file imports again to the same
  records (``quote`` is the announcement's quoted words).
* ``schedule_table``: commitment x financial year: headline, committed, new
  money, and whether the year is estimated (a chosen spread).
* ``yearly_table``: committed, new money, estimated and delivered per year
  (then ``unphased``), with % delivered, running totals and a Total row.
* ``deliveries_table``: payments and spend, in the deliveries CSV contract
  plus their financial year.

Summary tables (pivots, yearly) end in a Total row; record lists (commitments,
schedule, deliveries) do not, so they can be re-imported or pivoted as they are.

A table is made in the language in use (its title, headings and notes; the
words the tracker writes in its cells as ``Table.words``), and kept per
language (``kept``). Its frame, which a CSV is written from, is the same in
every language: column names, ``Total``, ``unphased`` and the contract's
values (``one-off``, ``yes``) stay as they are, so a file re-imports whichever
language wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial

import numpy as np
import pandas as pd

from tracker.core.fiscal import UNPHASED, fy_label
from tracker.core.money import plain_pounds
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.figures import delivery as delivery_maths
from tracker.figures import yearly_prices
from tracker.figures.data import TrackerData
from tracker.figures.pivots import PIVOT_ROWS, pivot_table
from tracker.figures.real_tables import left_out_note, pivot_in_prices, prices_note
from tracker.figures.real_terms import CASH, Prices
from tracker.figures.shared import per_data_in_language
from tracker.figures.table_cells import (
    COMMITTED_NOTE,
    ESTIMATED_NOTE,
    ESTIMATED_WORD,
    ILLUSTRATIVE_NOTE,
    TOTAL,
    UNPHASED_NOTE,
    UNPHASED_WORD,
    cell_words,
    optional_column,
    pence_cells,
    text_cells,
    year_labels,
)
from tracker.figures.totals import committed_vs_delivered, fy_of_dates
from tracker.files import workbook
from tracker.files.headings import COMMITMENT_TITLES, DELIVERY_TITLES
from tracker.files.table import Table
from tracker.i18n import N_, _, current, ngettext, speaking

# --- helpers -----------------------------------------------------------------


def _uplift_pct(bp: int) -> Decimal | None:
    """Hundredths of a percent as the contract's ``uplift_pct``: 250 -> ``Decimal('2.5')``, 0 -> None (blank)."""
    if bp == 0:
        return None
    sign = "-" if bp < 0 else ""
    whole, part = divmod(abs(int(bp)), 100)
    return Decimal(f"{sign}{whole}" + (f".{part:02d}".rstrip("0") if part else ""))


def _titled(titles: dict[str, str]) -> dict[str, str]:
    """Each column's heading in the language in use."""
    return {column: _(title) for column, title in titles.items()}


# --- commitments -------------------------------------------------------------

# COMMITMENT_TITLES (tracker.files.headings): each heading, in English or in
# Welsh, reads back as the contract's name on import, so an XLSX export re-imports.


def _profiles(data: TrackerData) -> dict[int, str]:
    """``2020-21=123.45;2021-22=500000.00`` per profiled commitment id."""
    lines = data.profile_lines.sort_values(["commitment_id", "financial_year"], kind="stable")
    out: dict[int, list[str]] = {}
    for cid, year, pence in zip(lines["commitment_id"], lines["financial_year"], lines["amount_pence"]):
        out.setdefault(int(cid), []).append(f"{fy_label(int(year))}={plain_pounds(int(pence))}")
    return {cid: ";".join(parts) for cid, parts in out.items()}


def commitments_table(data: TrackerData) -> Table:
    """One row per commitment, in the commitments CSV contract's columns.

    ``amount`` is pence (the per-year amount for recurring rows, the total
    otherwise); ``first_year`` a label; ``uplift_pct`` ``Decimal('2.5')`` for
    250 hundredths of a percent (None for none: a number, not text); ``profile``
    ``2020-21=123.45;...`` for profiled rows; ``reannounces`` the ref of the
    commitment restated (blank when that one is not visible in this view).
    """
    c = data.commitments_with_quotes
    profiles = _profiles(data)
    ids = [int(i) for i in c["commitment_id"]]
    frame = pd.DataFrame(
        {
            "ref": text_cells(c["ref"]),
            "announced_on": pd.Series(list(c["announced_on"]), dtype=object),
            "funder": text_cells(c["funder"]),
            "recipient": text_cells(c["recipient"]),
            "purpose": text_cells(c["purpose"]),
            "kind": text_cells(c["kind"]),
            "amount": pence_cells(c["amount_pence"]),
            "first_year": year_labels(c["first_year"]),
            "years": pd.array(c["years"], dtype="Int64"),
            "qualifier": text_cells(c["qualifier"]),
            "programme": text_cells(c["programme"]),
            "announcement_ref": text_cells(c["announcement_ref"]),
            "title": text_cells(c["title"]),
            "source_url": text_cells(c["source_url"]),
            "status": text_cells(c["status"]),
            "capital_or_revenue": text_cells(c["capital_or_revenue"]),
            "uplift_pct": pd.Series([_uplift_pct(int(bp)) for bp in c["uplift_bp"]], dtype=object),
            "reannounces": [
                ANNOUNCED_EARLIER if earlier else (ref or "")
                for earlier, ref in zip(
                    optional_column(c, "reannounces_earlier", False), text_cells(c["reannounces_ref"])
                )
            ],
            "profile": [profiles.get(i, "") if kind == "profiled" else "" for i, kind in zip(ids, c["kind"])],
            "quote": text_cells(c["quote"]) if "quote" in c else [""] * len(c),
            "part_of": optional_column(c, "part_of_ref"),
            "funder_id": optional_column(c, "funder_id"),
            "recipient_id": optional_column(c, "recipient_id"),
            "spread": [("" if s == "none" else s) for s in optional_column(c, "spread", "none")],
            "planned_start": optional_column(c, "planned_start", None),
            "planned_end": optional_column(c, "planned_end", None),
            "areas": [";".join(codes) for codes in optional_column(c, "areas", ())],
            "title_cy": text_cells(c["title_cy"]) if "title_cy" in c else [""] * len(c),
            "quote_cy": text_cells(c["quote_cy"]) if "quote_cy" in c else [""] * len(c),
            "headline": text_cells(c["headline"]) if "headline" in c else [""] * len(c),
        },
        columns=list(COMMITMENT_TITLES),
    )
    return Table(
        name="commitments",
        title=_("Commitments"),
        frame=frame,
        titles=_titled(COMMITMENT_TITLES),
        money_columns=("amount",),
        notes=(_("Amount is per year for recurring commitments and the total otherwise."),),
    )


# --- schedule ----------------------------------------------------------------

SCHEDULE_TITLES = {
    "ref": N_("Ref"),
    "purpose": N_("Purpose"),
    "recipient": N_("Recipient"),
    "programme": N_("Programme"),
    "financial_year": N_("Financial year"),
    "headline": N_("Headline"),
    "committed": N_("Committed"),
    "new_money": N_("New money"),
    "estimated": N_("Estimated"),
}


def schedule_table(data: TrackerData) -> Table:
    """Commitment x financial year: the headline amount, the money it adds
    to committed and to new money, and whether its year is estimated."""
    s = data.schedule
    estimated = s["estimated"].to_numpy(dtype=bool) if "estimated" in s else np.zeros(len(s), bool)
    frame = pd.DataFrame(
        {
            "ref": text_cells(s["ref"]),
            "purpose": text_cells(s["purpose"]),
            "recipient": text_cells(s["recipient"]),
            "programme": text_cells(s["programme"]),
            "financial_year": year_labels(s["financial_year"]),
            "headline": pence_cells(s["headline_pence"]),
            "committed": pence_cells(s["committed_pence"]),
            "new_money": pence_cells(s["new_money_pence"]),
            "estimated": [ESTIMATED_WORD if e else "" for e in estimated],
        },
        columns=list(SCHEDULE_TITLES),
    )
    return Table(
        name="schedule",
        title=_("Schedule"),
        frame=frame,
        titles=_titled(SCHEDULE_TITLES),
        money_columns=("headline", "committed", "new_money"),
        notes=(
            _(
                "Headline is the amount as announced; committed is zero for a re-announcement, "
                "and a pot's committed money leaves out its shares."
            ),
            _(COMMITTED_NOTE),
            _(UNPHASED_NOTE),
            _(ESTIMATED_NOTE),
        ),
        words={"financial_year": cell_words(UNPHASED_WORD), "estimated": cell_words(ESTIMATED_WORD)},
    )


# --- yearly ------------------------------------------------------------------

YEARLY_TITLES = {
    "financial_year": N_("Financial year"),
    "committed": N_("Committed"),
    "new_money": N_("New money"),
    "estimated": N_("Estimated"),
    "delivered": N_("Delivered"),
    "variance": N_("Variance"),
    "pct_delivered": N_("% delivered"),
    "cumulative_committed": N_("Committed to date"),
    "cumulative_delivered": N_("Delivered to date"),
}
_YEARLY_MONEY = (
    "committed",
    "new_money",
    "estimated",
    "delivered",
    "variance",
    "cumulative_committed",
    "cumulative_delivered",
)


def yearly_table(data: TrackerData, prices: Prices = CASH) -> Table:
    """Committed against delivered per financial year, with a Total row.

    Years run from the first to the last with money, zero-filled, then an
    ``unphased`` row for money with no stated year (and undated deliveries).
    Variance is delivered - committed. The Total row's running totals are the
    overall totals and its % delivered is total delivered / total committed.
    In real terms (``prices``) each cell is deflated once and the rows with no
    real-terms value (unphased, years beyond the release) are left out, as the
    notes say (``tracker.figures.real_tables``).
    """
    cash = committed_vs_delivered(data.schedule, data.deliveries, data.commitments, unphased=True)
    real = yearly_prices.yearly_in_prices(cash, prices)
    left = yearly_prices.left_out(cash, prices)
    yearly = delivery_maths.with_progress(yearly_prices.drawn(real).drop(columns=["prices"], errors="ignore"))
    frame = pd.DataFrame(
        {
            "financial_year": year_labels(yearly["financial_year"]),
            **{c: pence_cells(yearly[c]) for c in ("committed", "new_money", "estimated", "delivered", "variance")},
            "pct_delivered": yearly["pct_delivered"].to_numpy(dtype=np.float64),
            **{c: pence_cells(yearly[c]) for c in ("cumulative_committed", "cumulative_delivered")},
        },
        columns=list(YEARLY_TITLES),
    )
    committed, delivered = int(frame["committed"].sum()), int(frame["delivered"].sum())
    total = {
        "financial_year": TOTAL,
        **{c: int(frame[c].sum()) for c in ("committed", "new_money", "estimated", "delivered", "variance")},
        "pct_delivered": delivered / committed if committed else np.nan,
        "cumulative_committed": committed,
        "cumulative_delivered": delivered,
    }
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame = frame.astype({c: "int64" for c in _YEARLY_MONEY} | {"pct_delivered": "float64"})
    notes: tuple[str, ...] = (COMMITTED_NOTE, N_("Variance is delivered minus committed: negative means behind."))
    if (yearly["financial_year"] == UNPHASED).any():
        notes += (UNPHASED_NOTE,)
    if int(frame["estimated"].iloc[-1]):
        notes += (ESTIMATED_NOTE,)
    if len(data.deliveries) and bool(data.deliveries["illustrative"].any()):
        notes += (ILLUSTRATIVE_NOTE,)
    in_prices = (prices_note(prices), *left_out_note(left)) if prices.is_real else ()
    return Table(
        name="yearly",
        title=_("Committed and delivered"),
        frame=frame,
        titles=_titled(YEARLY_TITLES),
        money_columns=_YEARLY_MONEY,
        percent_columns=("pct_delivered",),
        total_row=True,
        notes=(*(_(note) for note in notes), *in_prices),
        running_totals={"cumulative_committed": "committed", "cumulative_delivered": "delivered"},
        ratios={"pct_delivered": ("delivered", "committed")},
        words={"financial_year": cell_words(UNPHASED_WORD, TOTAL)},
    )


# --- deliveries --------------------------------------------------------------

# DELIVERY_TITLES (tracker.files.headings): read back on import in English or in Welsh.


def deliveries_table(data: TrackerData) -> Table:
    """Payments and spend with their commitment's ref and financial year.

    Columns follow the deliveries CSV contract (plus ``financial_year``, which
    an import ignores), so an exported file imports again. ``illustrative`` is
    ``yes`` or ``no``; a negative amount is a correction.
    """
    d = data.deliveries_in_full
    refs = dict(zip(data.commitments["commitment_id"].astype("int64"), text_cells(data.commitments["ref"])))
    frame = pd.DataFrame(
        {
            "ref": text_cells(d["ref"]),
            "commitment_ref": [refs.get(int(cid), "") for cid in d["commitment_id"]],
            "paid_on": pd.Series(list(d["paid_on"]), dtype=object),
            "financial_year": year_labels(fy_of_dates(d["paid_on"])) if len(d) else [],
            "amount": pence_cells(d["amount_pence"]),
            "kind": text_cells(d["kind"]),
            "note": text_cells(d["note"]),
            "illustrative": ["yes" if bool(v) else "no" for v in d["illustrative"]],
        },
        columns=list(DELIVERY_TITLES),
    )
    frame = frame.astype({"amount": "int64"})
    notes = (_(ILLUSTRATIVE_NOTE),) if (frame["illustrative"] == "yes").any() else ()
    return Table(
        name="deliveries",
        title=_("Deliveries"),
        frame=frame,
        titles=_titled(DELIVERY_TITLES),
        money_columns=("amount",),
        notes=notes,
        words={"financial_year": cell_words(UNPHASED_WORD)},
    )


# --- by name -----------------------------------------------------------------

BUILDERS: dict[str, Callable[[TrackerData], Table]] = {
    "commitments": commitments_table,
    "schedule": schedule_table,
    "yearly": yearly_table,
    "deliveries": deliveries_table,
    **{f"pivot-{rows}": partial(pivot_table, rows=rows) for rows in PIVOT_ROWS},
}
TABLE_NAMES = tuple(BUILDERS)


# The tables whose money is by financial year, and so can be in real terms; the others are records, in cash.
IN_PRICES = ("yearly", *(f"pivot-{rows}" for rows in PIVOT_ROWS))


def build(name: str, data: TrackerData, prices: Prices = CASH) -> Table:
    """The table called ``name`` (one of ``TABLE_NAMES``), in the language in use, in ``prices``
    (the summary tables, ``IN_PRICES``; the record lists are always in cash)."""
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise ValueError(f"no table called {name!r}: expected one of {', '.join(TABLE_NAMES)}") from None
    if name == "yearly":
        return yearly_table(data, prices)
    table = builder(data)
    return pivot_in_prices(table, prices) if name in IN_PRICES else table


# The Finance page's tabs, in order: table name -> tab label (say it with ``_(label)``).
TAB_LABELS = {
    "pivot-commitment": N_("Commitment × year"),
    "pivot-recipient": N_("Recipient × year"),
    "pivot-programme": N_("Programme × year"),
    "pivot-area": N_("Area × year"),
    "yearly": N_("Yearly totals"),
    "commitments": N_("Commitments"),
    "schedule": N_("Schedule"),
    "deliveries": N_("Deliveries"),
}


@per_data_in_language
def kept(data: TrackerData, name: str, prices: Prices = CASH) -> Table:
    """``build(name, data, prices)``, kept with ``data`` once per language (and prices)."""
    return build(name, data, prices)


# What each table holds, in a line: the workbook's Contents sheet (say it with ``_(line)``).
DESCRIPTIONS = {
    "commitments": N_("One row per commitment, in the commitments file's columns (it imports again)"),
    "schedule": N_("Each commitment's money per financial year: headline, committed and new money"),
    "yearly": N_(
        "Committed, new money, estimated and delivered per financial year, with % delivered and running totals"
    ),
    "deliveries": N_("Payments and spend, in the deliveries file's columns (it imports again)"),
    "pivot-commitment": N_("Committed money per commitment and financial year, with totals"),
    "pivot-recipient": N_("Committed money per recipient and financial year, with totals"),
    "pivot-programme": N_("Committed money per programme and financial year, with totals"),
    "pivot-funder": N_("Committed money per funder and financial year, with totals"),
    "pivot-area": N_(
        "Committed money per area and financial year; money naming several areas is under each, "
        "and the Total row counts it once"
    ),
}


class About(dict[str, str]):
    """What an export's About sheet says, line by line, and the language it
    says it in: the language its workbook is written in."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language


def workbook_bytes(
    data: TrackerData, about: dict[str, str], language: str | None = None, prices: Prices = CASH
) -> bytes:
    """Every table as one XLSX workbook (what the Finance page downloads): a
    Contents sheet, a sheet per table with its totals as formulas, then About.

    Written in ``language``, else the language ``about`` was made in
    (``export_about``), else the language in use. A download button runs
    this on a thread of its own, where the language in use is the default
    (unless the page hands it over with ``tracker.i18n.deferred``): the
    workbook speaks as its About sheet does either way.
    """
    with speaking(language or getattr(about, "language", None) or current()):
        descriptions = {name: _(line) for name, line in DESCRIPTIONS.items()}
        return workbook.workbook_bytes([kept(data, name, prices) for name in TABLE_NAMES], about, descriptions)


def export_about(
    data: TrackerData,
    *,
    source: str,
    filters: str | None = None,
    exported_on: date | None = None,
    prices: Prices = CASH,
) -> About:
    """What an export's About sheet says (as-at date, filters, source, caveats),
    in the language in use. Dates are ISO, as the workbook's cells are."""
    about = About(current())
    about[_("As at")] = data.as_at.isoformat() if data.as_at else _("all data (no as-at date)")
    if exported_on is not None:
        about[_("Exported on")] = exported_on.isoformat()
    about[_("Filters")] = filters or _("none")
    about[_("Source")] = source
    about[_("Money")] = _("Pounds sterling, exact to the penny. {committed}", committed=_(COMMITTED_NOTE))
    if prices.is_real:
        assert prices.release is not None and prices.base is not None
        about[_("Prices")] = _(
            "{prices}. The yearly and ×-year tables are in these prices, each cell deflated once (nominal × the "
            "base year's index ÷ the year's index, rounded half-even to the penny; totals are sums of the cells); "
            "unphased money and years the release has no index for are left out of them. Commitments, Schedule "
            "and Deliveries are in cash, as recorded.",
            prices=prices.label(),
        )
        about[_("Deflator release")] = prices.release.name
        about[_("Base year")] = prices.base.label
    else:
        about[_("Prices")] = _("Cash: money as announced and paid (nominal).")
    about[_("Financial years")] = _(
        "UK financial years, 1 April to 31 March (2020-21 is 1 April 2020 to 31 March 2021)."
    )
    if len(data.deliveries) and bool(data.deliveries["illustrative"].any()):
        count = int(data.deliveries["illustrative"].sum())
        about[_("Illustrative")] = ngettext(
            "{note} ({count} of {n} delivery)",
            "{note} ({count} of {n} deliveries)",
            len(data.deliveries),
            note=_(ILLUSTRATIVE_NOTE),
            count=count,
        )
    return about
