"""The deflator releases there are, and the one a figure uses.

``release_for(engine, name)``: the release named (any case), or with no name
the default one: the release an admin made the default
(``tracker.records.deflator_releases.set_default``), else the one shipped
with the tracker. ``releases(engine)``: every release, the shipped one first,
with its years and whether it is the default. Loading and choosing the
default are ``tracker.records.deflator_releases``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db.models import AppSetting, DeflatorIndex, DeflatorRelease
from db.session import read_session
from tracker.core.deflators import SHIPPED_NAME, Release, shipped
from tracker.core.fiscal import FinancialYear
from tracker.records.deflator_releases import DEFAULT_SETTING, known_names, no_such_release, stored_name


@dataclass(frozen=True)
class ReleaseSummary:
    name: str
    first: FinancialYear
    last: FinancialYear
    shipped: bool  # shipped with the tracker (never stored)
    is_default: bool
    loaded_at: datetime | None  # None for the shipped release
    loaded_by: str | None


def _default_name(session: Session) -> str:
    stored = session.scalar(select(AppSetting.setting_value).where(AppSetting.setting == DEFAULT_SETTING))
    return stored or SHIPPED_NAME


def default_name(engine: Engine) -> str:
    """The default release's name."""
    with read_session(engine) as session:
        return _default_name(session)


def release_for(engine: Engine, name: str | None = None) -> Release:
    """The release named ``name`` (any case), or the default one; ``NotFound``
    naming the releases there are when no release has that name."""
    with read_session(engine) as session:
        wanted = _default_name(session) if name is None else name
        found = stored_name(session, wanted)
        if found is None:
            raise no_such_release(wanted, known_names(session))
        if found == SHIPPED_NAME:
            return shipped()
        rows = session.execute(
            select(DeflatorIndex.financial_year, DeflatorIndex.deflator_index)
            .join(DeflatorRelease, DeflatorRelease.id == DeflatorIndex.release_id)
            .where(DeflatorRelease.name == found)
            .order_by(DeflatorIndex.financial_year)
        ).all()
    return Release(found, MappingProxyType({year: Decimal(index) for year, index in rows}))


def releases(engine: Engine) -> list[ReleaseSummary]:
    """Every release: the shipped one first, then those loaded, oldest first."""
    first_year, last_year = func.min(DeflatorIndex.financial_year), func.max(DeflatorIndex.financial_year)
    with read_session(engine) as session:
        default = _default_name(session)
        rows = session.execute(
            select(DeflatorRelease.name, DeflatorRelease.loaded_at, DeflatorRelease.loaded_by, first_year, last_year)
            .join(DeflatorIndex, DeflatorIndex.release_id == DeflatorRelease.id)
            .group_by(DeflatorRelease.id, DeflatorRelease.name, DeflatorRelease.loaded_at, DeflatorRelease.loaded_by)
            .order_by(DeflatorRelease.id)
        ).all()
    ours = shipped()
    listed = [ReleaseSummary(SHIPPED_NAME, ours.first, ours.last, True, default == SHIPPED_NAME, None, None)]
    listed += [ReleaseSummary(name, first, last, False, default == name, at, by) for name, at, by, first, last in rows]
    return listed


def releases_frame(engine: Engine):
    """``releases`` as a table for a page: name, first and last year (labels), default,
    shipped, loaded on (UTC) and by."""
    import pandas as pd

    frame = pd.DataFrame(
        [
            (r.name, r.first.label, r.last.label, r.is_default, r.shipped, r.loaded_at, r.loaded_by)
            for r in releases(engine)
        ],
        columns=["name", "first_year", "last_year", "is_default", "shipped", "loaded_at", "loaded_by"],
    )
    frame["loaded_at"] = pd.to_datetime(frame["loaded_at"], utc=True)
    return frame
