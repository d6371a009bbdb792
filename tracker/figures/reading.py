"""How the read models read the database: what is visible, and frames from the driver's rows.

One place says which records a view sees (``visible_commitments``,
``visible_deliveries``): not deleted, and with ``as_at`` only announcements
made and deliveries paid on or before it (an undated one has no date to leave
it out by). ``tracker.figures.data.load`` reads what pages show (and
``tracker.figures.later_columns`` the rest, when asked);
``funding-tracker totals`` (``tracker.figures.totals_data``) asks the same
queries for the few columns the totals need.

Frames are built from the driver's own tuples (no ORM objects, no per-row
result processing): a financial year comes back as its start year, a flag
as 0/1 from SQLite, a date as text from SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype
from sqlalchemy import CompoundSelect, Connection, Select, case, nulls_last, or_, select, union
from sqlalchemy.orm import aliased

from db.models import Announcement, Commitment, CommitmentArea, Delivery, Organisation

_FUNDER = aliased(Organisation, name="funder")
_RECIPIENT = aliased(Organisation, name="recipient")
_ORIGINAL = aliased(Commitment, name="original")
_POT = aliased(Commitment, name="pot")

# Each column a commitments frame may hold, by its name there.
_COMMITMENT_FIELDS = {
    "commitment_id": Commitment.id,
    "ref": Commitment.ref,
    "announcement_ref": Announcement.ref,
    "announced_on": Announcement.announced_on,
    "title": Announcement.title,
    "source_url": Announcement.source_url,
    "funder": _FUNDER.name,
    "recipient": _RECIPIENT.name,
    "purpose": Commitment.purpose,
    "programme": Commitment.programme,
    "kind": Commitment.kind,
    "amount_pence": Commitment.amount_pence,
    "qualifier": Commitment.qualifier,
    "status": Commitment.status,
    "capital_or_revenue": Commitment.capital_or_revenue,
    "first_year": Commitment.first_year,
    "years": Commitment.years,
    "uplift_bp": Commitment.uplift_bp,
    "reannounces_id": Commitment.reannounces_id,
    "reannounces_ref": _ORIGINAL.ref,
    "quote": Announcement.quote,
    "title_cy": Announcement.title_cy,
    "quote_cy": Announcement.quote_cy,
    "headline": Announcement.headline,
    "reannounces_earlier": Commitment.reannounces_earlier,
    "part_of_id": Commitment.part_of_id,
    "part_of_ref": _POT.ref,
    "spread": Commitment.spread,
    "planned_start": Commitment.planned_start,
    "planned_end": Commitment.planned_end,
    "funder_org": Announcement.funder_id,  # (the organisation's id: no join needed for it)
    "funder_id": _FUNDER.org_identifier,
    "recipient_org": Commitment.recipient_id,
    "recipient_id": _RECIPIENT.org_identifier,
}
# Joins to a row's own funder, recipient, original and pot: at most one row
# each (an announcement always has its funder), so they never change which
# commitments are read; made only when a column from them is asked for.
_OPTIONAL_JOINS = (
    (_FUNDER, Announcement.funder_id == _FUNDER.id, ("funder", "funder_id")),
    (_RECIPIENT, Commitment.recipient_id == _RECIPIENT.id, ("recipient", "recipient_id")),
    (_ORIGINAL, Commitment.reannounces_id == _ORIGINAL.id, ("reannounces_ref",)),
    (_POT, Commitment.part_of_id == _POT.id, ("part_of_ref",)),
)
COMMITMENT_DATES = ("announced_on", "planned_start", "planned_end")

_DELIVERY_FIELDS = {
    "delivery_id": Delivery.id,
    "ref": Delivery.ref,
    "commitment_id": Delivery.commitment_id,
    "paid_on": Delivery.paid_on,
    "amount_pence": Delivery.amount_pence,
    "kind": Delivery.kind,
    "note": Delivery.note,
    "illustrative": Delivery.illustrative,
}


def visible_commitments(
    names: list[str], as_at: date | None, *, ordered: bool = True, closed: Mapping[str, Sequence[str]] | None = None
) -> Select:
    """The visible commitments' columns ``names``; ``ordered``: by announcement
    date (undated last), then ref, the order every frame of commitments keeps.

    The columns in ``closed`` (each one of a closed list, which the database
    checks) come last, together in one number: each value's place in its
    list, in mixed radix (``typed_frame`` takes them apart)."""
    closed = closed or {}
    query = (
        select(
            *(_COMMITMENT_FIELDS[name] for name in names if name not in closed),
            *(
                [_places({_COMMITMENT_FIELDS[name]: closed[name] for name in names if name in closed})]
                if closed
                else []
            ),
        )
        .select_from(Commitment)
        .join(Announcement, Commitment.announcement_id == Announcement.id)
    )
    for table, on, columns in _OPTIONAL_JOINS:
        if any(name in columns for name in names):
            query = query.outerjoin(table, on)
    query = query.where(Commitment.deleted_at.is_(None), Announcement.deleted_at.is_(None))
    if as_at is not None:  # an undated announcement has no date to leave it out by
        query = query.where(or_(Announcement.announced_on <= as_at, Announcement.announced_on.is_(None)))
    if ordered:
        query = query.order_by(nulls_last(Announcement.announced_on.asc()), Commitment.ref)
    return query


def _places(lists: Mapping[Any, Sequence[str]]):
    """Each column's place in its list (its length: in none), in mixed radix, first column lowest."""
    packed, radix = None, 1
    for column, values in lists.items():
        place = case({value: i for i, value in enumerate(values)}, value=column, else_=len(values)) * radix
        packed = place if packed is None else packed + place
        radix *= len(values) + 1
    return packed


def visible_deliveries(names: list[str], as_at: date | None, *, ordered: bool = True) -> Select:
    """The deliveries' columns ``names`` (a delivery of a commitment that is
    not visible is left out by the caller); ``ordered``: by date (undated
    last), then ref."""
    query = select(*(_DELIVERY_FIELDS[name] for name in names)).where(Delivery.deleted_at.is_(None))
    if as_at is not None:  # an undated delivery has no date to leave it out by
        query = query.where(or_(Delivery.paid_on <= as_at, Delivery.paid_on.is_(None)))
    if ordered:
        query = query.order_by(nulls_last(Delivery.paid_on.asc()), Delivery.ref)
    return query


def linked_in_order(as_at: date | None) -> Select:
    """The ids and announcement dates of the visible commitments that
    re-announce or share another, or that another re-announces or shares, in
    the order of ``visible_commitments``.

    The only commitments whose order changes how money is counted
    (``tracker.core.counting``: re-announcements apply in the order they
    were announced, shares are taken out of their pots in turn); the figures
    of any other commitment are its own, wherever it stands.
    """
    linked = aliased(Commitment, name="linked")
    ids: CompoundSelect = union(  # each found through the index on its link
        *(select(linked.id).where(link.is_not(None)) for link in (linked.reannounces_id, linked.part_of_id)),
        *(select(link).where(link.is_not(None)) for link in (linked.reannounces_id, linked.part_of_id)),
    )
    return visible_commitments(["commitment_id", "announced_on"], as_at).where(Commitment.id.in_(ids))


# Columns a commitments frame takes from other rows by id, after reading,
# rather than joined in for each row: (the id column, what it names). The few
# organisations are read once; a linked commitment's ref comes from the
# frame itself (one the view cannot see has none: ``settle`` drops its link).
_BY_ID = {
    "funder": ("funder_org", "name"),
    "funder_id": ("funder_org", "org_identifier"),
    "recipient": ("recipient_org", "name"),
    "recipient_id": ("recipient_org", "org_identifier"),
    "reannounces_ref": ("reannounces_id", "ref"),
    "part_of_ref": ("part_of_id", "ref"),
}


def commitments_frame(connection: Connection, names: list[str], as_at: date | None) -> pd.DataFrame:
    """``ordered_frame`` of the visible commitments' columns ``names``, in
    that order; names of organisations and refs of linked commitments filled
    in by id (typed as ``frame_of`` types what it reads)."""
    mapped = [name for name in names if name in _BY_ID]
    read = [name for name in names if name not in _BY_ID]
    read += [key for key in dict.fromkeys(_BY_ID[name][0] for name in mapped) if key not in read]
    read += [key for key in ("commitment_id", "ref", "announced_on") if key not in read]  # ids, refs, order
    found = ordered_frame(connection, visible_commitments, read, as_at, "announced_on", COMMITMENT_DATES)
    known = organisations(connection) if any(_BY_ID[name][1] != "ref" for name in mapped) else None
    for name in mapped:
        key, what = _BY_ID[name]
        if what == "ref":
            ids, values = found["commitment_id"], found["ref"].to_numpy(dtype=object)
        else:
            assert known is not None
            ids, values = known["id"], known[what].to_numpy(dtype=object)
        found[name] = _inferred(by_id(found[key], ids, values)) if len(found) else pd.Series([], dtype=object)
    return found[names]


def organisations(connection: Connection) -> pd.DataFrame:
    """Every organisation's ``id``, ``name`` and ``org_identifier`` (a few hundred rows, read once)."""
    found = rows(connection, select(Organisation.id, Organisation.name, Organisation.org_identifier))
    return pd.DataFrame(list(found), columns=["id", "name", "org_identifier"])


def by_id(keys: Any, ids: Any, values: np.ndarray) -> np.ndarray:
    """For each of ``keys``, the value of ``values`` at its place in ``ids``
    (Python objects; None where a key is missing or not among ``ids``)."""
    lookup = np.empty(len(values) + 1, dtype=object)  # the last one, for no match: None
    lookup[:-1] = values
    return lookup[pd.Index(ids).get_indexer(pd.Index(keys))]


def ordered_frame(
    connection: Connection, visible, names: list[str], as_at: date | None, by: str, dates: tuple[str, ...]
) -> pd.DataFrame:
    """``frame`` of ``visible(names, as_at)`` (``visible_commitments`` or
    ``visible_deliveries``) in that query's order: by the date ``by``
    (undated last), then ``ref``.

    SQLite: read unsorted and put in order here, the same order as its
    ``ORDER BY`` (dates as ISO text and refs compared byte by byte, as
    Python compares them), which sorted 100,000 rows in about a quarter of
    a second more. PostgreSQL sorts refs by its collation: left to it."""
    if connection.dialect.name != "sqlite":
        return frame(connection, visible(names, as_at), names, dates=dates)
    found = frame(connection, visible(names, as_at, ordered=False), names, dates=dates)
    if len(found) < 2:
        return found
    day = found[by].to_numpy(dtype=object)
    undated = pd.isna(day)
    ordinal = np.fromiter((0 if gap else value.toordinal() for gap, value in zip(undated, day)), np.int64, len(day))
    order = np.lexsort((found["ref"].to_numpy(dtype=object), ordinal, undated))
    return found.take(order).reset_index(drop=True)


def rows(connection: Connection, query) -> Sequence[tuple]:
    """The driver's own tuples of ``query``."""
    result = connection.execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def frame(connection: Connection, query, names: list[str], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """A frame from a Core query (``frame_of`` its rows)."""
    return frame_of(rows(connection, query), names, dates)


def frame_of(found: Sequence[tuple], names: list[str], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """A frame from driver tuples, each column typed by its values as
    ``pd.DataFrame.from_records`` types it (whole numbers int64, or float64
    when some are missing; text ``str``; nothing at all: object), with one
    look at each column instead of pandas' general inference; ``dates`` as
    ``as_dates``."""
    if not found:
        return pd.DataFrame([], columns=names)
    table = _table(found, len(names))
    columns = {
        name: as_dates(table[:, i]).to_numpy() if name in dates else _inferred(table[:, i])
        for i, name in enumerate(names)
    }
    return pd.DataFrame(columns, columns=names)


def _table(found: Sequence[tuple], width: int) -> np.ndarray:
    """The tuples as a 2-D array of Python objects (a row per tuple)."""
    return np.fromiter(chain.from_iterable(found), dtype=object, count=len(found) * width).reshape(-1, width)


def _inferred(values: np.ndarray):
    kind = infer_dtype(values, skipna=True)
    if kind == "string":
        return pd.array(values, dtype="str")
    if kind == "integer":
        try:
            return values.astype(np.int64)
        except TypeError:  # some are missing
            return np.where(pd.isna(values), np.nan, values).astype(np.float64)
    if kind == "boolean" and not pd.isna(values).any():
        return values.astype(bool)
    if kind == "empty":  # nothing but None
        return values
    return pd.Series(list(values)).array  # anything else: as pandas types it


def chunks(connection: Connection, query, size: int = 5_000) -> Iterator[Sequence[tuple]]:
    """The driver's own tuples of ``query``, ``size`` at a time."""
    result = connection.execute(query)
    try:
        while found := result.cursor.fetchmany(size):
            yield found
    finally:
        result.close()


def typed_frame(found: Iterable[Sequence[tuple]], kinds: Mapping[str, str | tuple[str, ...]]) -> pd.DataFrame:
    """A frame from driver tuples (``chunks``) whose columns' types are known:
    ``kinds``, in the query's order, each ``int`` (int64), ``nullable``
    (Int64), ``flag`` (bool), ``date`` (``datetime.date`` or None), ``text``
    (the values as Python objects, None where there is none), or a closed
    list of text (its values, as Python objects; read together, last, as
    ``visible_commitments(closed=...)`` packs them).

    Each chunk is turned into columns at once (text and dates as codes into
    the values seen so far), so a million rows never sit in memory as Python
    tuples, and pandas never looks at every value to guess its type."""
    names = list(kinds)
    lists = {name: kind for name, kind in kinds.items() if isinstance(kind, tuple)}
    plain = [name for name in names if name not in lists]
    parts: dict[str, list[np.ndarray]] = {name: [] for name in [*plain, *(["places"] if lists else [])]}
    missing: dict[str, list[np.ndarray]] = {name: [] for name in names if kinds[name] == "nullable"}
    coded = {name: _Coded() for name in names if kinds[name] in ("text", "date")}
    for rows_ in found:
        table = _table(rows_, len(parts))
        del rows_
        for i, name in enumerate(parts):
            values = table[:, i]
            if name in coded:
                coded[name].add(values)
            elif name in missing:
                gaps = pd.isna(values)
                missing[name].append(gaps)
                parts[name].append(np.where(gaps, 0, values).astype(np.int64))
            else:  # typed now: the chunk's Python objects go
                parts[name].append(values.astype(bool if kinds.get(name) == "flag" else np.int64))
    columns: dict[str, object] = {}
    for name in plain:
        kind = kinds[name]
        if name in coded:
            columns[name] = pd.Series(coded[name].column(_day if kind == "date" else None), dtype=object)
            continue
        values = np.concatenate(parts.pop(name)) if parts[name] else np.zeros(0, bool if kind == "flag" else np.int64)
        if name in missing:
            gaps = np.concatenate(missing[name]) if missing[name] else np.zeros(0, bool)
            columns[name] = pd.arrays.IntegerArray(values, gaps)
        else:
            columns[name] = values
    places = np.concatenate(parts["places"]) if lists and parts["places"] else np.zeros(0, np.int64)
    for name, listed in lists.items():
        place, places = places % (len(listed) + 1), places // (len(listed) + 1)
        if (place == len(listed)).any():
            raise ValueError(f"{name}: a value outside {', '.join(listed)}")
        columns[name] = pd.Series(np.array(listed, dtype=object)[place], dtype=object)
    return pd.DataFrame({name: columns[name] for name in names}, copy=False)  # no copy into blocks


class _Coded:
    """A column as codes into the distinct values seen so far (-1: none)."""

    def __init__(self) -> None:
        self.values: dict[object, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, values: np.ndarray) -> None:
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        known = np.array([self.values.setdefault(value, len(self.values)) for value in distinct], dtype=np.int64)
        self.parts.append(np.where(codes < 0, -1, known[codes] if len(known) else codes))

    def column(self, parse=None) -> np.ndarray:
        lookup = np.empty(len(self.values) + 1, dtype=object)  # the last one, for code -1: None
        lookup[:-1] = [value if parse is None else parse(value) for value in self.values]
        return lookup[np.concatenate(self.parts) if self.parts else np.zeros(0, np.int64)]


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def as_dates(values: pd.Series | np.ndarray) -> pd.Series:
    """Dates as ``datetime.date`` whatever the driver hands back (SQLite: ISO
    text; PostgreSQL: dates), None where there is none; each distinct value
    is parsed once."""
    codes, distinct = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    parsed = np.empty(len(distinct) + 1, dtype=object)  # the first one, for code -1: None
    parsed[1:] = [_day(value) for value in distinct]
    return pd.Series(parsed[codes + 1], dtype=object)


def areas_by_commitment(connection: Connection) -> dict[int, tuple[str, ...]]:
    """The area codes each commitment names, in the order they were recorded."""
    found: dict[int, list[str]] = {}
    for cid, code in rows(
        connection, select(CommitmentArea.commitment_id, CommitmentArea.gss_code).order_by(CommitmentArea.id)
    ):
        found.setdefault(cid, []).append(code)
    return {cid: tuple(codes) for cid, codes in found.items()}
