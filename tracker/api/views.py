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
transaction, so the newest audit event's id (``data_version``) changes
whenever the data does. Each request asks for it (one indexed read; events
about users, tokens and settings do not count, ``ApiReads.version``), and
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
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from db.models import Announcement, AuditEvent, Commitment, Delivery, Organisation
from db.session import read_session
from tracker.api.params import BadParameters, Problem, RecordQuery, TotalsQuery
from tracker.core.fiscal import fy_label
from tracker.figures import data as queries
from tracker.figures import register, totals_data
from tracker.figures.totals import fy_of_dates
from tracker.records.permissions import PERMISSIONS, Actor, holds
from tracker.records.unit_of_work import snapshot

T = TypeVar("T")
KINDS = ("announcements", "commitments", "deliveries")
TOTALS_KEPT = 32  # (by, as_at) answers kept for the current data
# Audit trail entities that change nothing the API shows (who may sign in or read it).
NOT_DATA = ("users", "user_roles", "api_tokens", "app_settings")


# --- values as JSON ----------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return isinstance(value, str) and not value.strip()


def text(value: Any) -> str | None:
    return None if _blank(value) else str(value)


def day(value: Any) -> str | None:
    if _blank(value):
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def whole(value: Any) -> int | None:
    return None if _blank(value) else int(value)


def pounds(pence: int) -> str:
    """``tracker.core.money.plain_pounds``, the same text (a test checks), a few times quicker:
    a page of commitments writes some two thousand amounts."""
    if pence < 0:
        whole_part, part = divmod(-pence, 100)
        return f"-{whole_part}.{part:02d}"
    whole_part, part = divmod(pence, 100)
    return f"{whole_part}.{part:02d}"


def money(item: dict[str, Any], name: str, pence: int) -> None:
    """``name`` as exact pounds text and ``name_pence`` as integer pence (as ``totals --format json``)."""
    pence = int(pence)
    item[name] = pounds(pence)
    item[f"{name}_pence"] = pence


def percent(basis_points: int) -> str:
    """Basis points as a percentage with two decimals: 250 -> ``"2.50"``."""
    sign = "-" if basis_points < 0 else ""
    whole_part, part = divmod(abs(int(basis_points)), 100)
    return f"{sign}{whole_part}.{part:02d}"


def year_label(start: Any) -> str | None:
    return None if _blank(start) else fy_label(int(start))


# --- the tables, per data version ----------------------------------------------------------------


def ref_order(refs: pd.Series) -> np.ndarray:
    """Row positions in the order of their refs, compared character by character (the same on every database)."""
    return np.argsort(refs.to_numpy(dtype=object).astype(str), kind="stable")


def _isin(values: pd.Series | np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    return series.isin(wanted).to_numpy(dtype=bool)


def _groups(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """For keys (row positions, any order; -1: none): an order that groups them, and each position's start in it."""
    order = np.argsort(keys, kind="stable")
    starts = np.searchsorted(keys[order], np.arange(size + 1))
    return order, starts


@dataclass(frozen=True)
class Commitments:
    """The visible commitments (``frame``, as loaded, with each one's money summed) and what finds them."""

    frame: pd.DataFrame
    columns: dict[str, list]  # the columns rows are built from, as Python values by position
    order: np.ndarray  # positions in ref order
    refs: dict[str, int]  # ref -> position
    schedule: pd.DataFrame  # row (a position), financial_year, money in pence; grouped by row, then year
    schedule_starts: np.ndarray
    schedule_columns: dict[str, np.ndarray]  # the schedule's columns as arrays (rows are built from slices)
    area_rows: np.ndarray  # each (commitment, area) pair: the position
    area_codes: np.ndarray  # ... and the code
    milestones: tuple[np.ndarray, np.ndarray]  # ``_groups`` of the milestones by position
    organisation_words: frozenset[str]  # every organisation's name and identifier
    programmes: frozenset[str]


@dataclass(frozen=True)
class Announcements:
    frame: pd.DataFrame  # the register's rows, with who made each, its notes and funder's identifier
    columns: dict[str, list]
    order: np.ndarray
    refs: dict[str, int]
    of_commitment: np.ndarray  # each commitment's announcement position
    commitments: tuple[np.ndarray, np.ndarray]  # ``_groups`` of the commitments by announcement position


@dataclass(frozen=True)
class Deliveries:
    frame: pd.DataFrame  # every visible delivery, with kind, note, evidence address and financial year
    columns: dict[str, list]
    order: np.ndarray
    refs: dict[str, int]
    commitment: np.ndarray  # each delivery's commitment position
    by_commitment: tuple[np.ndarray, np.ndarray]  # ``_groups`` of the deliveries by commitment position


class Tables:
    """Everything the record endpoints read, for one version of the data: the
    load, read once; the commitments, announcements and deliveries arranged
    for listing and looking up when first asked (each by one thread)."""

    def __init__(self, engine: Engine, version: int) -> None:
        self.engine = engine
        self.version = version
        self.data = queries.load(engine)
        self._parts: dict[str, Any] = {}
        self._locks = {name: threading.Lock() for name in KINDS}

    def _part(self, name: str, make: Callable[[], T]) -> T:
        found = self._parts.get(name)
        if found is None:
            with self._locks[name]:
                found = self._parts.get(name)
                if found is None:
                    found = self._parts[name] = make()
        return found

    @property
    def commitments(self) -> Commitments:
        return self._part("commitments", self._commitments)

    @property
    def announcements(self) -> Announcements:
        return self._part("announcements", self._announcements)

    @property
    def deliveries(self) -> Deliveries:
        return self._part("deliveries", self._deliveries)

    def _commitments(self) -> Commitments:
        data = self.data
        commitments = data.commitments
        ids = pd.Index(commitments["commitment_id"].to_numpy())
        size = len(commitments)
        money = data.schedule_money
        committed = money["committed_pence"].to_numpy(dtype=np.int64)
        schedule = pd.DataFrame(
            {
                "row": ids.get_indexer(money["commitment_id"].to_numpy()),
                "financial_year": money["financial_year"].to_numpy(dtype=np.int64),
                "headline": money["headline_pence"].to_numpy(dtype=np.int64),
                "committed": committed,
                "new_money": money["new_money_pence"].to_numpy(dtype=np.int64),
                "estimated": np.where(money["estimated"].to_numpy(dtype=bool), committed, 0),
            }
        )
        schedule = schedule.sort_values(["row", "financial_year"], kind="stable").reset_index(drop=True)
        sums = schedule.groupby("row")[list(SCHEDULE_MONEY)].sum().reindex(range(size), fill_value=0)
        paid = data.deliveries.groupby("commitment_id")["amount_pence"].sum().reindex(ids, fill_value=0)
        frame = commitments.assign(
            **{f"{name}_pence": sums[name].to_numpy(dtype=np.int64) for name in SCHEDULE_MONEY},
            delivered_pence=paid.to_numpy(dtype=np.int64),
        )
        counts = np.fromiter((len(a) for a in frame["areas"]), np.int64, size)
        with self.engine.connect() as connection:
            organisations = connection.execute(select(Organisation.name, Organisation.org_identifier)).all()
        return Commitments(
            frame=frame,
            columns=_columns(frame, COMMITMENT_FIELDS),
            order=ref_order(frame["ref"]),
            refs={ref: i for i, ref in enumerate(frame["ref"])},
            schedule=schedule,
            schedule_starts=np.searchsorted(schedule["row"].to_numpy(), np.arange(size + 1)),
            schedule_columns={name: schedule[name].to_numpy() for name in ("financial_year", *SCHEDULE_MONEY)},
            area_rows=np.repeat(np.arange(size), counts),
            area_codes=np.array([code for codes in frame["areas"] for code in codes], dtype=object),
            milestones=_groups(ids.get_indexer(data.milestones["commitment_id"].to_numpy()), size),
            organisation_words=frozenset(word for pair in organisations for word in pair if word),
            programmes=frozenset(p for p in frame["programme"].unique() if not _blank(p)),
        )

    def _announcements(self) -> Announcements:
        """Every visible announcement (those with no money too): the register's
        money and qualifier, with who made it, its notes and its funder's identifier."""
        listed = register.read_announcements(self.engine)
        frame = register.register(self.data, listed)
        with read_session(self.engine) as session:
            identifiers = dict(
                session.execute(
                    select(Announcement.ref, Organisation.org_identifier)
                    .join(Organisation, Announcement.funder_id == Organisation.id)
                    .where(Announcement.deleted_at.is_(None))
                ).all()
            )
        said = listed.set_index("ref")[["made_by", "notes", "quote"]].reindex(frame["ref"])
        frame = frame.assign(
            funder_id=pd.Series(identifiers, dtype=object).reindex(frame["ref"]).to_numpy(dtype=object),
            **{name: said[name].to_numpy(dtype=object) for name in ("made_by", "notes", "quote")},
        )
        commitments = self.commitments
        of_commitment = pd.Index(frame["ref"].to_numpy()).get_indexer(commitments.frame["announcement_ref"].to_numpy())
        return Announcements(
            frame=frame,
            columns=_columns(frame, ANNOUNCEMENT_FIELDS),
            order=ref_order(frame["ref"]),
            refs={ref: i for i, ref in enumerate(frame["ref"])},
            of_commitment=of_commitment,
            commitments=_groups(of_commitment, len(frame)),
        )

    def _deliveries(self) -> Deliveries:
        frame = self.data.deliveries_in_full
        with read_session(self.engine) as session:  # no read model carries the evidence address
            evidence = dict(
                session.execute(
                    select(Delivery.id, Delivery.evidence_url).where(
                        Delivery.deleted_at.is_(None), Delivery.evidence_url.is_not(None)
                    )
                ).all()
            )
        frame = frame.assign(
            evidence_url=[evidence.get(int(i)) for i in frame["delivery_id"]] if evidence else None,
            financial_year=fy_of_dates(frame["paid_on"]) if len(frame) else np.zeros(0, np.int64),
        )
        commitments = self.commitments
        commitment = pd.Index(commitments.frame["commitment_id"].to_numpy()).get_indexer(
            frame["commitment_id"].to_numpy()
        )
        return Deliveries(
            frame=frame,
            columns=_columns(frame, DELIVERY_FIELDS),
            order=ref_order(frame["ref"]),
            refs={ref: i for i, ref in enumerate(frame["ref"])},
            commitment=commitment,
            by_commitment=_groups(commitment, len(commitments.frame)),
        )


SCHEDULE_MONEY = ("headline", "committed", "new_money", "estimated")
# The columns each kind's rows are built from.
COMMITMENT_FIELDS = (
    *("ref", "announcement_ref", "announced_on", "funder", "funder_id", "recipient", "recipient_id"),
    *("purpose", "programme", "kind", "amount_pence", "qualifier", "status", "capital_or_revenue"),
    *("first_year", "years", "uplift_bp", "reannounces_ref", "reannounces_earlier", "part_of_ref", "spread"),
    *("planned_start", "planned_end", "areas", *(f"{name}_pence" for name in (*SCHEDULE_MONEY, "delivered"))),
)
ANNOUNCEMENT_FIELDS = (
    *("ref", "announced_on", "title", "funder", "funder_id", "made_by", "source_url", "quote", "notes"),
    *("headline_pence", "qualifier", "committed_pence", "new_money_pence"),
)
DELIVERY_FIELDS = ("ref", "paid_on", "financial_year", "amount_pence", "kind", "note", "evidence_url", "illustrative")


def _columns(frame: pd.DataFrame, names: tuple[str, ...]) -> dict[str, list]:
    """Each column as a list of Python values: a page of rows reads a few hundred cells
    at once, which a list answers in nanoseconds and a frame in microseconds."""
    return {name: frame[name].tolist() for name in names}


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
            keep &= _isin(frame[name], values) | _isin(frame[f"{name}_id"], values)
    if query.programmes:
        keep &= _isin(frame["programme"], query.programmes)
    if query.areas:
        named = np.zeros(len(frame), bool)
        named[commitments.area_rows[_isin(commitments.area_codes, query.areas)]] = True
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
            keep &= _isin(frame["funder"], query.funders) | _isin(frame["funder_id"], query.funders)
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
        self._versions = (-1, -1)  # the newest audit event seen, and the data's version then

    def version(self) -> int:
        """The data's version: the id of the newest audit event that changed what the API
        shows (``tracker.figures.data.data_version`` counts every event). Accounts, tokens
        and settings change nothing here, so issuing a token or a failed sign-in does not
        make the next request work everything out again: when the newest event is new,
        the events since the last one seen are looked at (a range of ids: a quick read)."""
        with self.engine.connect() as connection:
            newest = connection.execute(select(func.max(AuditEvent.id))).scalar() or 0
            with self._lock:
                seen, version = self._versions
            if newest == seen:
                return version
            if newest > seen >= 0:
                changed = connection.execute(
                    select(AuditEvent.id)
                    .where(AuditEvent.id > seen, AuditEvent.id <= newest, AuditEvent.entity.not_in(NOT_DATA))
                    .limit(1)
                ).scalar()
                version = newest if changed is not None else version
            else:  # the first look, or a database put back to an earlier state
                version = newest
        with self._lock:
            if newest >= self._versions[0]:
                self._versions = (newest, version)
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

    def _forget_before(self, version: int) -> None:
        """Drop the gates of older versions (their answers are never asked for again)."""
        with self._lock:
            self._loading = {key: gate for key, gate in self._loading.items() if key[1] >= version}

    def tables(self, version: int | None = None) -> Tables:
        version = self.version() if version is None else version

        def find() -> Tables | None:
            tables = self._tables
            return tables if tables is not None and tables.version == version else None

        def make() -> Tables:
            tables = Tables(self.engine, version)
            with self._lock:
                if self._tables is None or self._tables.version <= version:  # never an older one over a newer
                    self._tables = tables
            self._forget_before(version)
            return tables

        return self._single(("tables", version), find, make)

    def totals(self, query: TotalsQuery, version: int | None = None) -> list[dict[str, Any]]:
        """The rows ``funding-tracker totals --format json [--by] [--as-at]`` prints,
        only those of financial year ``fy`` when given."""
        version = self.version() if version is None else version
        key = ("totals", version, query.by, query.as_at)

        def find() -> list[dict[str, Any]] | None:
            with self._lock:
                found = self._totals.get(key)
                if found is not None:
                    self._totals.move_to_end(key)
                return found

        def make() -> list[dict[str, Any]]:
            data = totals_data.load(self.engine, as_at=query.as_at, by=query.by)
            rows = json.loads(totals_data.report(data, by=query.by, form="json", as_at=query.as_at))
            with self._lock:
                self._totals[key] = rows
                for old in [k for k in self._totals if k[1] != version]:
                    del self._totals[old]
                while len(self._totals) > TOTALS_KEPT:
                    self._totals.popitem(last=False)
            self._forget_before(version)
            return rows

        rows = self._single(key, find, make)
        if query.fy is None:
            return rows
        return [row for row in rows if row["financial_year"] == query.fy]


def may_see_hidden(actor: Actor) -> bool:
    """Whether ``actor`` may see records no figure counts (deleted ones): admins."""
    return holds(actor.roles, PERMISSIONS["view_deleted"])
