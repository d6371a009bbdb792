"""What the JSON API reads: the tracker's own read models, kept while the data stays the same.

One read model: ``/api/totals`` rows are ``tracker.figures.totals_data.report(...,
form="json")``, the very text ``funding-tracker totals --format json`` prints,
parsed back; the records come from ``tracker.figures.data.load`` (what every
page reads), their money from its schedule (the projection engine) and the
announcements' from ``tracker.figures.register.register`` (what the
Announcements page shows). Nothing here works money out its own way: a
commitment's totals are the sums of its rows of the engine's schedule, its
delivered money the sum of its visible deliveries.

Kept while the data stays the same: every write is audited in its own
transaction, so ``data_version`` (the newest audit event's id; on
PostgreSQL with the writers still running) changes whenever the data does.
Each request asks for it (a short read; events about users, tokens and
settings do not count, ``ApiReads.version``), and
what was worked out for that version is reused; a new version is worked out
once, by one thread, while the others wait for it rather than each doing it
again (the first request after a change pays for the load: about two seconds
at 100,000 commitments; bench/README.md).

A record's figures are those of the whole data, as ``totals`` with no
filter: filters choose which records are listed, they never count a
record's money differently (the dashboard's filtered views do: a
re-announcement whose original is filtered away counts as new money there).

Money: like ``totals --format json``, each amount twice: exact pounds as
text with two decimals (``"1500000.00"``) and integer pence (``..._pence``).
Never a float. Financial years as labels (``2020-21``; ``unphased``: money
whose year was not stated). Dates ISO (``2019-10-25``); times ISO UTC.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import Engine, select

from db.models import Announcement, Commitment, Delivery
from db.session import read_session
from tracker.api.params import BadParameters, Problem, RecordQuery, TotalsQuery
from tracker.api.tables import (
    SCHEDULE_MONEY,
    Announcements,
    Commitments,
    Deliveries,
    Tables,
    day,
    is_in,
    money,
    percent,
    ref_order,
    text,
    whole,
    year_label,
)
from tracker.core.fiscal import fy_label
from tracker.figures import totals_data
from tracker.figures.data_version import data_version
from tracker.figures.real_terms import Prices, PricesRefused, chosen_prices
from tracker.records.permissions import PERMISSIONS, Actor, holds
from tracker.records.unit_of_work import snapshot

T = TypeVar("T")
KINDS = ("announcements", "commitments", "deliveries")
TOTALS_KEPT = 32  # (by, as_at) answers kept for the current data


# --- rows as JSON ----------------------------------------------------------------------------------


def _years_of(commitments: Commitments, position: int) -> list[dict[str, Any]]:
    first, last = commitments.schedule_starts[position], commitments.schedule_starts[position + 1]
    columns = {name: values[first:last].tolist() for name, values in commitments.schedule_columns.items()}
    years = []
    for i, year in enumerate(columns["financial_year"]):
        item: dict[str, Any] = {"financial_year": fy_label(year)}
        for name in SCHEDULE_MONEY:
            money(item, name, columns[name][i])
        years.append(item)
    return years


def commitment_rows(tables: Tables, positions: np.ndarray) -> list[dict[str, Any]]:
    commitments = tables.commitments
    c = commitments.columns
    rows = []
    for position in positions.tolist():
        item: dict[str, Any] = {
            "ref": c["ref"][position],
            "announcement_ref": c["announcement_ref"][position],
            "announced_on": day(c["announced_on"][position]),
            "funder": text(c["funder"][position]),
            "funder_id": text(c["funder_id"][position]),
            "recipient": text(c["recipient"][position]),
            "recipient_id": text(c["recipient_id"][position]),
            "purpose": text(c["purpose"][position]),
            "programme": text(c["programme"][position]),
            "kind": c["kind"][position],
        }
        money(item, "amount", c["amount_pence"][position])
        item.update(
            {
                "qualifier": c["qualifier"][position],
                "status": c["status"][position],
                "capital_or_revenue": text(c["capital_or_revenue"][position]),
                "first_year": year_label(c["first_year"][position]),
                "years": whole(c["years"][position]),
                "uplift_pct": percent(c["uplift_bp"][position]),
                "reannounces": text(c["reannounces_ref"][position]),
                "reannounces_earlier": bool(c["reannounces_earlier"][position]),
                "part_of": text(c["part_of_ref"][position]),
                "spread": c["spread"][position],
                "planned_start": day(c["planned_start"][position]),
                "planned_end": day(c["planned_end"][position]),
                "areas": list(c["areas"][position]),
            }
        )
        for name in (*SCHEDULE_MONEY, "delivered"):
            money(item, name, c[f"{name}_pence"][position])
        item["financial_years"] = _years_of(commitments, position)
        rows.append(item)
    return rows


def announcement_rows(tables: Tables, positions: np.ndarray) -> list[dict[str, Any]]:
    announcements = tables.announcements
    commitments = tables.commitments
    refs = commitments.columns["ref"]
    a = announcements.columns
    order, starts = announcements.commitments
    rows = []
    for position in positions.tolist():
        own = sorted(order[starts[position] : starts[position + 1]].tolist(), key=refs.__getitem__)
        item: dict[str, Any] = {
            "ref": a["ref"][position],
            "announced_on": day(a["announced_on"][position]),
            "title": text(a["title"][position]),
            "funder": text(a["funder"][position]),
            "funder_id": text(a["funder_id"][position]),
            "made_by": text(a["made_by"][position]),
            "source_url": text(a["source_url"][position]),
            "quote": text(a["quote"][position]),
            "notes": text(a["notes"][position]),
            "title_cy": text(a["title_cy"][position]),  # the title and quote in Welsh, when recorded
            "quote_cy": text(a["quote_cy"][position]),
            "headline_claim": text(a["headline"][position]),  # as stated ("headline" is the money announced)
            "commitments": [refs[i] for i in own],
        }
        money(item, "headline", a["headline_pence"][position])
        item["qualifier"] = text(a["qualifier"][position]) or "exact"
        money(item, "committed", a["committed_pence"][position])
        money(item, "new_money", a["new_money_pence"][position])
        item["financial_years"] = _money_years(commitments, own)
        rows.append(item)
    return rows


def _money_years(commitments: Commitments, positions: list[int]) -> list[str]:
    """The financial years the commitments at ``positions`` announce money in, in order."""
    starts, columns = commitments.schedule_starts, commitments.schedule_columns
    found: set[int] = set()
    for position in positions:
        first, last = starts[position], starts[position + 1]
        found.update(columns["financial_year"][first:last][columns["headline"][first:last] != 0].tolist())
    return [fy_label(year) for year in sorted(found)]


def delivery_rows(tables: Tables, positions: np.ndarray) -> list[dict[str, Any]]:
    deliveries = tables.deliveries
    commitment_refs = tables.commitments.columns["ref"]
    d = deliveries.columns
    rows = []
    for position, commitment in zip(positions.tolist(), deliveries.commitment[positions].tolist()):
        item: dict[str, Any] = {
            "ref": d["ref"][position],
            "commitment_ref": commitment_refs[commitment],
            "paid_on": day(d["paid_on"][position]),
            "financial_year": fy_label(int(d["financial_year"][position])),
        }
        money(item, "amount", d["amount_pence"][position])
        item.update(
            {
                "kind": d["kind"][position],
                "note": text(d["note"][position]),
                "evidence_url": text(d["evidence_url"][position]),
                "illustrative": bool(d["illustrative"][position]),
            }
        )
        rows.append(item)
    return rows


ROWS: dict[str, Callable[[Tables, np.ndarray], list[dict[str, Any]]]] = {
    "announcements": announcement_rows,
    "commitments": commitment_rows,
    "deliveries": delivery_rows,
}


# --- filters ----------------------------------------------------------------------------------------


def check_names(tables: Tables, query: RecordQuery) -> None:
    """422 when a funder, recipient or programme names nothing the tracker knows."""
    if not (query.funders or query.recipients or query.programmes):
        return
    commitments = tables.commitments
    problems = []
    for name, values in (("funder", query.funders), ("recipient", query.recipients)):
        for value in values:
            if value not in commitments.organisation_words:
                problems.append(
                    Problem(
                        name, value, "expected the exact name or identifier of an organisation, e.g. Welsh Government"
                    )
                )
    for value in query.programmes:
        if value not in commitments.programmes:
            problems.append(Problem("programme", value, "expected the exact name of a programme a commitment is in"))
    if problems:
        raise BadParameters(problems, 422)


def commitment_mask(tables: Tables, query: RecordQuery) -> np.ndarray:
    """Which commitments (by position) the query's filters keep."""
    commitments = tables.commitments
    frame = commitments.frame
    keep = np.ones(len(frame), bool)
    for values, name in ((query.funders, "funder"), (query.recipients, "recipient")):
        if values:
            keep &= is_in(frame[name], values) | is_in(frame[f"{name}_id"], values)
    if query.programmes:
        keep &= is_in(frame["programme"], query.programmes)
    if query.areas:
        named = np.zeros(len(frame), bool)
        named[commitments.area_rows[is_in(commitments.area_codes, query.areas)]] = True
        keep &= named
    if query.years:
        schedule = commitments.schedule
        inside = schedule["financial_year"].isin(query.years).to_numpy() & (schedule["headline"].to_numpy() != 0)
        with_money = np.zeros(len(frame), bool)
        with_money[schedule["row"].to_numpy()[inside]] = True
        keep &= with_money
    return keep


def select_positions(tables: Tables, kind: str, query: RecordQuery) -> np.ndarray:
    """The positions, in ref order, of the records of ``kind`` the query keeps.

    Commitments: by their own funder, recipient, programme and areas, and a
    year they announce money in. Announcements: by their funder, and for the
    other filters when one of their commitments is kept (a statement with no
    money is kept only when no such filter is given). Deliveries: by their
    commitment's funder, recipient, programme and areas, and the financial
    year of the day they were paid.
    """
    check_names(tables, query)
    if query.funders == query.recipients == query.areas == query.programmes == query.years == ():
        return getattr(tables, kind).order  # every record
    if kind == "commitments":
        keep = commitment_mask(tables, query)
        order = tables.commitments.order
        return order[keep[order]]
    if kind == "announcements":
        announcements = tables.announcements
        frame = announcements.frame
        keep = np.ones(len(frame), bool)
        if query.funders:
            keep &= is_in(frame["funder"], query.funders) | is_in(frame["funder_id"], query.funders)
        inner = RecordQuery(
            recipients=query.recipients, areas=query.areas, programmes=query.programmes, years=query.years
        )
        if inner != RecordQuery():
            kept = np.zeros(len(frame), bool)
            of = announcements.of_commitment[commitment_mask(tables, inner)]
            kept[of[of >= 0]] = True
            keep &= kept
        return announcements.order[keep[announcements.order]]
    deliveries = tables.deliveries
    outer = RecordQuery(
        funders=query.funders, recipients=query.recipients, areas=query.areas, programmes=query.programmes
    )
    keep = commitment_mask(tables, outer)[deliveries.commitment] if len(deliveries.frame) else np.zeros(0, bool)
    if query.years:
        keep &= deliveries.frame["financial_year"].isin(query.years).to_numpy()
    return deliveries.order[keep[deliveries.order]]


# --- one record ----------------------------------------------------------------------------------


def record(tables: Tables, kind: str, ref: str) -> dict[str, Any] | None:
    """One visible record with what belongs to it; None when no visible record has that ref."""
    part: Commitments | Announcements | Deliveries = getattr(tables, kind)
    position = part.refs.get(ref)
    if position is None:
        return None
    item = ROWS[kind](tables, np.array([position]))[0]
    if kind == "commitments":
        order, starts = tables.deliveries.by_commitment
        within = order[starts[position] : starts[position + 1]]
        item["deliveries"] = delivery_rows(tables, within[ref_order(tables.deliveries.frame["ref"].iloc[within])])
        order, starts = tables.commitments.milestones
        milestones = tables.data.milestones.iloc[order[starts[position] : starts[position + 1]]]
        item["milestones"] = [
            {
                "ref": m.ref,
                "title": text(m.title),
                "due_on": day(m.due_on),
                "achieved_on": day(m.achieved_on),
                "achieved_note": text(m.achieved_note),
                "source_url": text(m.source_url),
            }
            for m in milestones.sort_values("ref", kind="stable").itertuples(index=False)
        ]
    elif kind == "announcements":
        refs = tables.commitments.refs
        item["commitments"] = commitment_rows(tables, np.array([refs[r] for r in item["commitments"]], np.int64))
    return item


MODELS: dict[str, Any] = {"announcements": Announcement, "commitments": Commitment, "deliveries": Delivery}


def hidden_record(engine: Engine, kind: str, ref: str) -> dict[str, Any] | None:
    """A record no figure counts (deleted, or read through a deleted one), as
    the audit trail records rows (``snapshot``: money in pence, ids): for
    admins. None when there is no such record at all."""
    model = MODELS[kind]
    with read_session(engine) as session:
        row = session.scalars(select(model).where(model.ref == ref)).one_or_none()
        if row is None:
            return None
        why = "deleted" if row.deleted_at is not None else None
        if why is None and kind == "commitments":
            announcement = session.get(Announcement, row.announcement_id)
            if announcement is not None and announcement.deleted_at is not None:
                why = f"its announcement {announcement.ref} is deleted"
        if why is None and kind == "deliveries":
            commitment = session.get(Commitment, row.commitment_id)
            if commitment is not None:
                why = f"its commitment {commitment.ref} is deleted or hidden"
        return {
            "ref": row.ref,
            "hidden": True,
            "why": why or "not counted",
            "deleted_at": row.deleted_at.isoformat() if row.deleted_at else None,
            "record": snapshot(row),
        }


# --- the reader -------------------------------------------------------------------------------------


class ApiReads:
    """The API's view of one database: the current version's tables and
    totals, worked out once per version (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._loading: dict[tuple, threading.Lock] = {}
        self._tables: Tables | None = None
        self._totals: OrderedDict[tuple, list[dict[str, Any]]] = OrderedDict()
        self._current: int | None = None  # the version the latest request asked for

    def version(self) -> int:
        """The data's version: ``data_version``, the mark the dashboard's caches
        are keyed on too (one short read on SQLite; on PostgreSQL it also names
        the writers still running, so a write that commits after a later one
        took a higher audit id is not missed). Accounts, tokens and settings
        change nothing here (``NOT_DATA``), so issuing a token or a failed
        sign-in does not make the next request work everything out again."""
        version = data_version(self.engine)
        with self._lock:
            self._current = version
        return version

    def _single(self, key: tuple, find: Callable[[], T | None], make: Callable[[], T]) -> T:
        """``find()``, else ``make()`` by one thread at a time per ``key`` (the others wait and find it)."""
        found = find()
        if found is not None:
            return found
        with self._lock:
            gate = self._loading.setdefault(key, threading.Lock())
        with gate:
            found = find()
            if found is not None:
                return found
            return make()

    def _forget_others(self, version: int) -> None:
        """Drop the gates of other versions (the marks are not ordered: on
        PostgreSQL a version may name running writers; once the data has moved
        on, an earlier version is not asked for again, and if it were, it would
        only be worked out again)."""
        with self._lock:
            self._loading = {key: gate for key, gate in self._loading.items() if key[1] == version}

    def tables(self, version: int | None = None) -> Tables:
        version = self.version() if version is None else version

        def find() -> Tables | None:
            tables = self._tables
            return tables if tables is not None and tables.version == version else None

        def make() -> Tables:
            tables = Tables(self.engine, version)
            with self._lock:
                if self._tables is None or version == self._current:  # never a stale one over the current
                    self._tables = tables
            self._forget_others(version)
            return tables

        return self._single(("tables", version), find, make)

    def prices(self, query: TotalsQuery) -> Prices:
        """The prices ``query`` asks for, its release found now (an admin may have made another the default);
        ``BadParameters`` (422) when there is no such release or the base year is not in it."""
        try:
            return chosen_prices(self.engine, query.real, query.base, query.release)
        except PricesRefused as err:
            given = query.base.label if err.field == "base" and query.base else query.release
            raise BadParameters([Problem(err.field, given, str(err))], 422) from None

    def totals(self, query: TotalsQuery, version: int | None = None) -> list[dict[str, Any]]:
        """The rows ``funding-tracker totals --format json [--by] [--as-at]`` prints,
        only those of financial year ``fy`` when given."""
        version = self.version() if version is None else version
        prices = self.prices(query)
        label = (prices.release.name, prices.base) if prices.release is not None else None
        key = ("totals", version, query.by, query.as_at, label)  # the release itself, never "the default"

        def find() -> list[dict[str, Any]] | None:
            with self._lock:
                found = self._totals.get(key)
                if found is not None:
                    self._totals.move_to_end(key)
                return found

        def make() -> list[dict[str, Any]]:
            data = totals_data.load(self.engine, as_at=query.as_at, by=query.by)
            rows = json.loads(totals_data.report(data, by=query.by, form="json", as_at=query.as_at, prices=prices))
            with self._lock:
                self._totals[key] = rows
                for old in [k for k in self._totals if k[1] != version]:
                    del self._totals[old]
                while len(self._totals) > TOTALS_KEPT:
                    self._totals.popitem(last=False)
            self._forget_others(version)
            return rows

        rows = self._single(key, find, make)
        if query.fy is None:
            return rows
        return [row for row in rows if row["financial_year"] == query.fy]


def may_see_hidden(actor: Actor) -> bool:
    """Whether ``actor`` may see records no figure counts (deleted ones): admins."""
    return holds(actor.roles, PERMISSIONS["view_deleted"])
