"""Finance tables: what the dashboard shows and the exports write.

Every function here is pure: a ``TrackerData`` (from ``tracker.figures.data.load``)
in, a ``Table`` (``tracker.files.table``) out. A ``Table`` is a DataFrame with
machine column names (money as int64 pence, never float) plus what a person
needs to read it: a title per column, which columns are money or percentages,
and whether the last row is a total. The dashboard and ``tracker.files.exports``
both take their headings from here, so a download says what the screen says.

Tables:

* ``pivot_table(data, rows)``: committed new money, rows (commitment,
  recipient, programme or funder) by financial year, with a Total column and
  a Total row. Re-announcements add nothing (``committed_pence``).
* ``commitments_table``: one row per commitment in the commitments CSV
  contract (DESIGN.md), so an exported file imports again to the same
  records (``quote`` is the announcement's quoted words).
* ``schedule_table``: commitment x financial year, headline and new money.
* ``yearly_table``: committed against delivered per year, with % delivered,
  running totals and a Total row.
* ``deliveries_table``: payments and spend, in the deliveries CSV contract
  plus their financial year.

Summary tables (pivots, yearly) end in a Total row; record lists (commitments,
schedule, deliveries) do not, so they can be re-imported or pivoted as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial

import numpy as np
import pandas as pd

from tracker.core.fiscal import fy_label
from tracker.core.money import plain_pounds
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.figures import delivery as delivery_maths
from tracker.figures.data import TrackerData
from tracker.figures.totals import NO_VALUE, committed_vs_delivered, fy_of_dates
from tracker.files.table import Table

TOTAL = "Total"
PIVOT_ROWS = ("commitment", "recipient", "programme", "funder")

# What "committed" means, said once for every table that shows it.
COMMITTED_NOTE = (
    "Committed is new money: a re-announcement is counted once; "
    "'over' amounts count at their floor and 'up to' amounts at their ceiling."
)
ILLUSTRATIVE_NOTE = "Demo delivery figures are illustrative: no payment figures were published."


# --- helpers -----------------------------------------------------------------


def _text(values) -> list[str]:
    """Text cells with blanks (None, NaN) as empty strings."""
    return ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values]


def _pence(values) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind == "f":
        raise TypeError("money must be integer pence, not float")
    return array.astype(np.int64)


def _labels(years) -> list[str]:
    """Financial-year labels; blank where the year is not stated."""
    return ["" if pd.isna(y) else fy_label(int(y)) for y in years]


def _optional_column(c: pd.DataFrame, name: str, default: object = "") -> pd.Series:
    """A column the loaded data carries beside the contract's (blank when a frame lacks it)."""
    if name not in c:
        return pd.Series([default] * len(c), dtype=object)
    return pd.Series(
        [default if v is None or (not isinstance(v, (str, tuple)) and pd.isna(v)) else v for v in c[name]], dtype=object
    )


def _counted(data: TrackerData) -> pd.DataFrame:
    """Schedule rows that carry new money."""
    schedule = data.schedule
    return schedule.loc[schedule["committed_pence"] != 0]


def _year_span(years) -> list[int]:
    years = [int(y) for y in years]
    return list(range(min(years), max(years) + 1)) if years else []


def _uplift_pct(bp: int) -> Decimal | None:
    """Hundredths of a percent as the contract's ``uplift_pct``: 250 -> ``Decimal('2.5')``, 0 -> None (blank)."""
    if bp == 0:
        return None
    sign = "-" if bp < 0 else ""
    whole, part = divmod(abs(int(bp)), 100)
    return Decimal(f"{sign}{whole}" + (f".{part:02d}".rstrip("0") if part else ""))


# --- pivot -------------------------------------------------------------------


PIVOT_TITLES = {
    "commitment": "Committed by commitment",
    "recipient": "Committed by recipient",
    "programme": "Committed by programme",
    "funder": "Committed by funder",
}
_LABEL_TITLES = {
    "ref": "Ref",
    "purpose": "Purpose",
    "recipient": "Recipient",
    "programme": "Programme",
    "funder": "Funder",
}


def pivot(data: TrackerData, rows: str) -> pd.DataFrame:
    """Committed new money: ``rows`` x financial year, with a Total column and row.

    ``rows`` is ``commitment`` (labelled by ``ref``, ``purpose`` and
    ``recipient``), ``recipient``, ``programme`` or ``funder``. Year columns
    are labelled ``2020-21`` and run from the first to the last year with new
    money, zero-filled. Every visible commitment (or group) has a row, so a
    re-announcement shows as zeros. Groups are in name order, ``(none)`` last;
    commitments in announcement order. Money is int64 pence.
    """
    if rows not in PIVOT_ROWS:
        raise ValueError(f"rows must be one of {', '.join(PIVOT_ROWS)}, not {rows!r}")
    commitments = data.commitments
    counted = _counted(data)
    years = _year_span(counted["financial_year"].unique())

    if rows == "commitment":
        label_columns = ["ref", "purpose", "recipient"]
        keys = commitments["commitment_id"].to_numpy()
        labels = pd.DataFrame({c: _text(commitments[c]) for c in label_columns})
        row_of = counted["commitment_id"]
    else:
        label_columns = [rows]
        names = pd.Series(_text(commitments[rows]), index=commitments["commitment_id"].to_numpy())
        names = names.replace("", NO_VALUE)
        keys = sorted(set(names), key=lambda n: (n == NO_VALUE, n.casefold(), n))
        labels = pd.DataFrame({rows: keys})
        row_of = counted["commitment_id"].map(names)

    sums = (
        pd.DataFrame(
            {
                "row": row_of.to_numpy(),
                "year": counted["financial_year"].to_numpy(),
                "pence": _pence(counted["committed_pence"]),
            }
        )
        .groupby(["row", "year"])["pence"]
        .sum()
    )
    grid = np.zeros((len(keys), len(years)), np.int64)
    if len(sums):
        position = {key: i for i, key in enumerate(keys)}
        year_index = {y: j for j, y in enumerate(years)}
        for (row, year), pence in sums.items():
            grid[position[row], year_index[int(year)]] += int(pence)

    money = pd.DataFrame(grid, columns=_labels(years), dtype="int64")
    money[TOTAL] = grid.sum(axis=1, dtype=np.int64)
    body = pd.concat([labels.reset_index(drop=True), money], axis=1)
    total = {c: "" for c in label_columns}
    total[label_columns[0]] = TOTAL
    total.update({c: int(money[c].sum()) for c in money.columns})
    frame = pd.concat([body, pd.DataFrame([total])], ignore_index=True)
    return frame.astype({c: "int64" for c in money.columns})


def pivot_table(data: TrackerData, rows: str) -> Table:
    frame = pivot(data, rows)
    label_count = 3 if rows == "commitment" else 1
    labels, money = list(frame.columns[:label_count]), list(frame.columns[label_count:])
    titles = {c: _LABEL_TITLES[c] for c in labels} | {c: c for c in money}
    return Table(
        name=f"pivot-{rows}",
        title=PIVOT_TITLES[rows],
        frame=frame,
        titles=titles,
        money_columns=tuple(money),
        total_row=True,
        notes=(COMMITTED_NOTE,),
    )


# --- commitments -------------------------------------------------------------

COMMITMENT_TITLES = {
    # Each heading normalises back to the contract's name on import
    # (tracker.files.tabular.normalise_header), so an XLSX export re-imports.
    "ref": "Ref",
    "announced_on": "Announced on",
    "funder": "Funder",
    "recipient": "Recipient",
    "purpose": "Purpose",
    "kind": "Kind",
    "amount": "Amount (£)",
    "first_year": "First year",
    "years": "Years",
    "qualifier": "Qualifier",
    "programme": "Programme",
    "announcement_ref": "Announcement ref",
    "title": "Title",
    "source_url": "Source URL",
    "status": "Status",
    "capital_or_revenue": "Capital or revenue",
    "uplift_pct": "Uplift",
    "reannounces": "Re-announces",
    "profile": "Profile",
    "quote": "Quote",
    "part_of": "Part of",
    "funder_id": "Funder ID",
    "recipient_id": "Recipient ID",
    "spread": "Spread",
    "planned_start": "Planned start",
    "planned_end": "Planned end",
    "areas": "Areas",
}


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
    c = data.commitments
    profiles = _profiles(data)
    ids = [int(i) for i in c["commitment_id"]]
    frame = pd.DataFrame(
        {
            "ref": _text(c["ref"]),
            "announced_on": pd.Series(list(c["announced_on"]), dtype=object),
            "funder": _text(c["funder"]),
            "recipient": _text(c["recipient"]),
            "purpose": _text(c["purpose"]),
            "kind": _text(c["kind"]),
            "amount": _pence(c["amount_pence"]),
            "first_year": _labels(c["first_year"]),
            "years": pd.array(c["years"], dtype="Int64"),
            "qualifier": _text(c["qualifier"]),
            "programme": _text(c["programme"]),
            "announcement_ref": _text(c["announcement_ref"]),
            "title": _text(c["title"]),
            "source_url": _text(c["source_url"]),
            "status": _text(c["status"]),
            "capital_or_revenue": _text(c["capital_or_revenue"]),
            "uplift_pct": pd.Series([_uplift_pct(int(bp)) for bp in c["uplift_bp"]], dtype=object),
            "reannounces": [
                ANNOUNCED_EARLIER if earlier else (ref or "")
                for earlier, ref in zip(_optional_column(c, "reannounces_earlier", False), _text(c["reannounces_ref"]))
            ],
            "profile": [profiles.get(i, "") if kind == "profiled" else "" for i, kind in zip(ids, c["kind"])],
            "quote": _text(c["quote"]) if "quote" in c else [""] * len(c),
            "part_of": _optional_column(c, "part_of_ref"),
            "funder_id": _optional_column(c, "funder_id"),
            "recipient_id": _optional_column(c, "recipient_id"),
            "spread": [("" if s == "none" else s) for s in _optional_column(c, "spread", "none")],
            "planned_start": _optional_column(c, "planned_start", None),
            "planned_end": _optional_column(c, "planned_end", None),
            "areas": [";".join(codes) for codes in _optional_column(c, "areas", ())],
        },
        columns=list(COMMITMENT_TITLES),
    )
    return Table(
        name="commitments",
        title="Commitments",
        frame=frame,
        titles=dict(COMMITMENT_TITLES),
        money_columns=("amount",),
        notes=("Amount is per year for recurring commitments and the total otherwise.",),
    )


# --- schedule ----------------------------------------------------------------

SCHEDULE_TITLES = {
    "ref": "Ref",
    "purpose": "Purpose",
    "recipient": "Recipient",
    "programme": "Programme",
    "financial_year": "Financial year",
    "headline": "Headline",
    "new_money": "New money",
}


def schedule_table(data: TrackerData) -> Table:
    """Commitment x financial year: the headline amount and the new money it adds."""
    s = data.schedule
    frame = pd.DataFrame(
        {
            "ref": _text(s["ref"]),
            "purpose": _text(s["purpose"]),
            "recipient": _text(s["recipient"]),
            "programme": _text(s["programme"]),
            "financial_year": _labels(s["financial_year"]),
            "headline": _pence(s["headline_pence"]),
            "new_money": _pence(s["new_money_pence"]),
        },
        columns=list(SCHEDULE_TITLES),
    )
    return Table(
        name="schedule",
        title="Schedule",
        frame=frame,
        titles=dict(SCHEDULE_TITLES),
        money_columns=("headline", "new_money"),
        notes=("Headline is the amount as announced; new money is zero for a re-announcement.", COMMITTED_NOTE),
    )


# --- yearly ------------------------------------------------------------------

YEARLY_TITLES = {
    "financial_year": "Financial year",
    "committed": "Committed",
    "delivered": "Delivered",
    "variance": "Variance",
    "pct_delivered": "% delivered",
    "cumulative_committed": "Committed to date",
    "cumulative_delivered": "Delivered to date",
}
_YEARLY_MONEY = ("committed", "delivered", "variance", "cumulative_committed", "cumulative_delivered")


def yearly_table(data: TrackerData) -> Table:
    """Committed against delivered per financial year, with a Total row.

    Years run from the first to the last with money, zero-filled. Variance is
    delivered - committed. The Total row's running totals are the overall
    totals and its % delivered is total delivered / total committed.
    """
    yearly = delivery_maths.with_progress(committed_vs_delivered(data.schedule, data.deliveries, data.commitments))
    frame = pd.DataFrame(
        {
            "financial_year": _labels(yearly["financial_year"]),
            **{c: _pence(yearly[c]) for c in ("committed", "delivered", "variance")},
            "pct_delivered": yearly["pct_delivered"].to_numpy(dtype=np.float64),
            **{c: _pence(yearly[c]) for c in ("cumulative_committed", "cumulative_delivered")},
        },
        columns=list(YEARLY_TITLES),
    )
    committed, delivered = int(frame["committed"].sum()), int(frame["delivered"].sum())
    total = {
        "financial_year": TOTAL,
        "committed": committed,
        "delivered": delivered,
        "variance": int(frame["variance"].sum()),
        "pct_delivered": delivered / committed if committed else np.nan,
        "cumulative_committed": committed,
        "cumulative_delivered": delivered,
    }
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame = frame.astype({c: "int64" for c in _YEARLY_MONEY} | {"pct_delivered": "float64"})
    notes: tuple[str, ...] = (COMMITTED_NOTE, "Variance is delivered minus committed: negative means behind.")
    if len(data.deliveries) and bool(data.deliveries["illustrative"].any()):
        notes += (ILLUSTRATIVE_NOTE,)
    return Table(
        name="yearly",
        title="Committed and delivered",
        frame=frame,
        titles=dict(YEARLY_TITLES),
        money_columns=_YEARLY_MONEY,
        percent_columns=("pct_delivered",),
        total_row=True,
        notes=notes,
    )


# --- deliveries --------------------------------------------------------------

DELIVERY_TITLES = {
    "ref": "Ref",
    "commitment_ref": "Commitment ref",
    "paid_on": "Paid on",
    "financial_year": "Financial year",
    "amount": "Amount (£)",
    "kind": "Kind",
    "note": "Note",
    "illustrative": "Illustrative",
}


def deliveries_table(data: TrackerData) -> Table:
    """Payments and spend with their commitment's ref and financial year.

    Columns follow the deliveries CSV contract (plus ``financial_year``, which
    an import ignores), so an exported file imports again. ``illustrative`` is
    ``yes`` or ``no``; a negative amount is a correction.
    """
    d = data.deliveries
    refs = dict(zip(data.commitments["commitment_id"].astype("int64"), _text(data.commitments["ref"])))
    frame = pd.DataFrame(
        {
            "ref": _text(d["ref"]),
            "commitment_ref": [refs.get(int(cid), "") for cid in d["commitment_id"]],
            "paid_on": pd.Series(list(d["paid_on"]), dtype=object),
            "financial_year": _labels(fy_of_dates(d["paid_on"])) if len(d) else [],
            "amount": _pence(d["amount_pence"]),
            "kind": _text(d["kind"]),
            "note": _text(d["note"]),
            "illustrative": ["yes" if bool(v) else "no" for v in d["illustrative"]],
        },
        columns=list(DELIVERY_TITLES),
    )
    frame = frame.astype({"amount": "int64"})
    notes = (ILLUSTRATIVE_NOTE,) if (frame["illustrative"] == "yes").any() else ()
    return Table(
        name="deliveries",
        title="Deliveries",
        frame=frame,
        titles=dict(DELIVERY_TITLES),
        money_columns=("amount",),
        notes=notes,
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


def build(name: str, data: TrackerData) -> Table:
    """The table called ``name`` (one of ``TABLE_NAMES``)."""
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise ValueError(f"no table called {name!r}: expected one of {', '.join(TABLE_NAMES)}") from None
    return builder(data)


def export_about(
    data: TrackerData,
    *,
    source: str,
    filters: str | None = None,
    exported_on: date | None = None,
) -> dict[str, str]:
    """What an export's About sheet says: as-at date, filters, source, caveats."""
    about = {
        "As at": data.as_at.isoformat() if data.as_at else "all data (no as-at date)",
    }
    if exported_on is not None:
        about["Exported on"] = exported_on.isoformat()
    about["Filters"] = filters or "none"
    about["Source"] = source
    about["Money"] = "Pounds sterling, exact to the penny. " + COMMITTED_NOTE
    about["Financial years"] = "UK financial years, 1 April to 31 March (2020-21 is 1 April 2020 to 31 March 2021)."
    if len(data.deliveries) and bool(data.deliveries["illustrative"].any()):
        count = int(data.deliveries["illustrative"].sum())
        about["Illustrative"] = f"{ILLUSTRATIVE_NOTE} ({count} of {len(data.deliveries)} deliveries)"
    return about
