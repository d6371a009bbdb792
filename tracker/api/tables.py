"""The API's values as JSON (money as exact pounds text and pence, never a
float; years as labels) and the tables it lists records from, worked out
once per version of the data (``Tables``): split from ``tracker.api.views``,
which reads them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from db.models import Announcement, Delivery, Organisation
from db.session import read_session
from tracker.core.fiscal import fy_label
from tracker.figures import data as queries
from tracker.figures import register
from tracker.figures.totals import fy_of_dates

T = TypeVar("T")
KINDS = ("announcements", "commitments", "deliveries")
TOTALS_KEPT = 32  # (by, as_at) answers kept for the current data


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


def is_in(values: pd.Series | np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
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
        said = listed.set_index("ref")[["made_by", "notes", "quote", "headline"]].reindex(frame["ref"])
        frame = frame.assign(
            funder_id=pd.Series(identifiers, dtype=object).reindex(frame["ref"]).to_numpy(dtype=object),
            **{name: said[name].to_numpy(dtype=object) for name in ("made_by", "notes", "quote", "headline")},
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
    *("title_cy", "quote_cy", "headline"),
    *("headline_pence", "qualifier", "committed_pence", "new_money_pence"),
)
DELIVERY_FIELDS = ("ref", "paid_on", "financial_year", "amount_pence", "kind", "note", "evidence_url", "illustrative")


def _columns(frame: pd.DataFrame, names: tuple[str, ...]) -> dict[str, list]:
    """Each column as a list of Python values: a page of rows reads a few hundred cells
    at once, which a list answers in nanoseconds and a frame in microseconds."""
    return {name: frame[name].tolist() for name in names}
