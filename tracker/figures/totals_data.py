"""What ``funding-tracker totals`` reads: only the columns its figures need.

The figures are worked out as everywhere else, by the projection engine
(``TrackerData.schedule``) and ``tracker.figures.totals.committed_vs_delivered``,
from a ``TrackerData`` that holds fewer columns: the engine's inputs, the
qualifier, the columns grouped ``by``, and each delivery's commitment, date,
amount and whether it is illustrative. Nothing else is read (no titles,
refs, quotes, notes, milestones), the column types are known rather than
guessed, and the rows are not sorted, so a million commitments take seconds.

Row order: the engine's figures for a commitment depend on the order of the
rows only where money is counted across commitments (``tracker.core.counting``:
re-announcements apply in the order they were announced; shares come out of
their pots in turn). Those commitments (``reading.linked_in_order``) come
first, in the order ``load`` reads them, with their announcement dates; every
other commitment's figures are its own, wherever it stands.
``tests/integration/test_totals_data.py`` checks every option of
``funding-tracker totals`` against the figures from ``tracker.figures.data.load``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, select

from db.models import ProfileLine
from tracker.core import vocabulary
from tracker.core.money import format_pounds
from tracker.figures import reading
from tracker.figures.data import LINE_COLUMNS, MILESTONE_COLUMNS, TrackerData, settle
from tracker.figures.new_and_recycled import TOTALS_COLUMNS, parts_in_prices, totals_columns
from tracker.figures.real_terms import CASH, Prices, in_prices
from tracker.figures.totals import ORGANISATION_KEYS, committed_vs_delivered, figures_for
from tracker.files import totals_csv

# The engine's inputs (``tracker.core.frame_columns``) and the qualifier, with their types.
COMMITMENT_KINDS: dict[str, str | tuple[str, ...]] = {
    "commitment_id": "int",
    "kind": vocabulary.COMMITMENT_KINDS,
    "amount_pence": "int",
    "first_year": "nullable",
    "years": "nullable",
    "uplift_bp": "int",
    "reannounces_id": "nullable",
    "reannounces_earlier": "flag",
    "part_of_id": "nullable",
    "spread": vocabulary.SPREADS,
    "planned_start": "date",
    "planned_end": "date",
    "qualifier": vocabulary.QUALIFIERS,
}
BY_KINDS: dict[str, dict[str, str | tuple[str, ...]]] = {
    "funder": {"funder_org": "int"},  # with its name and identifier (``_organisations``)
    "recipient": {"recipient_org": "nullable"},
    "programme": {"programme": "text"},
    "purpose": {"purpose": "text"},
    "area": {},  # the areas each commitment names, read beside
}
# What the totals read of each schedule row beside its money (the group and
# the qualifier come from the commitment).
CARRIED = ("commitment_id", "part_of_id", "qualifier")
DELIVERY_KINDS: dict[str, str | tuple[str, ...]] = {
    "commitment_id": "int",
    "paid_on": "date",
    "amount_pence": "int",
    "illustrative": "flag",
}


def load(engine: Engine, as_at: date | None = None, by: str | None = None) -> TrackerData:
    """The visible commitments and deliveries, as ``tracker.figures.data.load``
    sees them, with only the columns totals (grouped ``by``) need."""
    kinds = {**COMMITMENT_KINDS, **BY_KINDS.get(by or "", {})}
    names = list(kinds)
    with engine.connect() as connection:
        closed = {name: kind for name, kind in kinds.items() if isinstance(kind, tuple)}
        query = reading.visible_commitments(names, as_at, ordered=False, closed=closed)
        commitments = _linked_first(connection, reading.typed_frame(reading.chunks(connection, query), kinds), as_at)
        if by == "area":
            areas = reading.areas_by_commitment(connection)
            commitments["areas"] = [areas.get(cid, ()) for cid in commitments["commitment_id"]]
        if by in ORGANISATION_KEYS:
            _organisations(connection, commitments, by)
        lines = reading.frame(
            connection,
            select(ProfileLine.commitment_id, ProfileLine.financial_year, ProfileLine.amount_pence),
            LINE_COLUMNS,
        )
        paid = reading.visible_deliveries(list(DELIVERY_KINDS), as_at, ordered=False)
        deliveries = reading.typed_frame(reading.chunks(connection, paid), DELIVERY_KINDS)
    milestones = pd.DataFrame({name: pd.Series(dtype=object) for name in MILESTONE_COLUMNS})
    return replace(settle(commitments, lines, deliveries, milestones, as_at), carried=CARRIED)


def _linked_first(connection: Connection, commitments: pd.DataFrame, as_at: date | None) -> pd.DataFrame:
    """The linked commitments first, in order, with their announcement dates
    (what orders re-announcements); the rest after them, undated here."""
    linked = reading.rows(connection, reading.linked_in_order(as_at))
    commitments["announced_on"] = pd.Series(None, index=commitments.index, dtype=object)
    if not linked:
        return commitments
    ids, announced = zip(*linked)
    first = pd.Index(commitments["commitment_id"]).get_indexer(pd.Index(ids))
    first, announced = first[first >= 0], np.array(announced, dtype=object)[first >= 0]  # (written in between)
    rest = np.ones(len(commitments), bool)
    rest[first] = False
    ordered = commitments.take(np.concatenate([first, np.flatnonzero(rest)])).reset_index(drop=True)
    ordered.loc[: len(first) - 1, "announced_on"] = reading.as_dates(announced).to_numpy()
    return ordered


def _organisations(connection: Connection, commitments: pd.DataFrame, by: str) -> None:
    """Each commitment's funder or recipient (``by``) by name and identifier,
    from its organisation's id: the few organisations are read once, not a
    name per commitment."""
    org, identifier = ORGANISATION_KEYS[by]
    known = reading.organisations(connection)
    for name, column in ((by, "name"), (identifier, "org_identifier")):
        values = reading.by_id(commitments[org], known["id"], known[column].to_numpy(dtype=object))
        commitments[name] = pd.Series(values, index=commitments.index, dtype=object)


def report(
    data: TrackerData, by: str | None = None, form: str = "table", as_at: date | None = None, prices: Prices = CASH
) -> str:
    """What ``funding-tracker totals`` prints of ``data``: the Totals CSV, JSON,
    or a table with what the headline money holds and any illustrative deliveries;
    in cash, or in real terms (``prices``: each cell deflated, ``tracker.figures.real_terms``)."""
    frame = committed_vs_delivered(data.schedule, data.deliveries, data.commitments, by=by, unphased=True)
    if form == "json" and by is None:  # how much is new, year by year (issue 20)
        frame = with_breakdown(frame, data)
    frame = in_prices(frame, prices, figures_for(by))
    if form == "csv":
        return totals_csv.to_csv(frame, by=by, prices=prices)
    if form == "json":
        if by is None:
            frame = parts_in_prices(frame, prices)  # (new money is in prices already)
        return totals_csv.to_json(frame, by=by, prices=prices)
    lines = [totals_csv.to_table(frame, by=by, as_at=as_at, prices=prices)]
    schedule = data.schedule
    headline = int(schedule["headline_pence"].sum())
    inside_pots = int(schedule.loc[schedule["part_of_id"].notna(), "headline_pence"].sum())
    restated = headline - int(schedule["committed_pence"].sum()) - inside_pots
    if restated or inside_pots:
        parts = [
            *([f"{format_pounds(restated)} re-announced earlier commitments"] if restated else []),
            *([f"{format_pounds(inside_pots)} is shares inside their pots"] if inside_pots else []),
        ]
        cash = " (in cash)" if prices.is_real else ""
        lines.append(
            f"Headline money announced{cash}: {format_pounds(headline)}, of which " + " and ".join(parts) + ".\n"
        )
    illustrative = int(data.deliveries["illustrative"].sum())
    if illustrative:
        lines.append(
            f"Delivered includes {illustrative} ILLUSTRATIVE deliveries (demo figures: none were published).\n"
        )
    return "".join(lines)


def with_breakdown(frame: pd.DataFrame, data: TrackerData) -> pd.DataFrame:
    """The yearly totals with each year's headline split into new, restated, earlier, a share of a pot
    and the rise or cut on a re-announcement (``tracker.figures.new_and_recycled``; a year not there: 0)."""
    parts = totals_columns(data, unphased=True)
    joined = frame.merge(parts, on="financial_year", how="left")
    return joined.fillna({c: 0 for c in TOTALS_COLUMNS}).astype({c: "int64" for c in TOTALS_COLUMNS})
