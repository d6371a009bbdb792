"""STAND-IN until helper A's module lands (replaced at merge): the shipped release only."""

from __future__ import annotations

from sqlalchemy import Engine

from tracker.core.deflators import SHIPPED_NAME, Release, shipped
from tracker.records.problems import NotFound


def release_for(engine: Engine, name: str | None = None) -> Release:
    if name is None or name.strip().casefold() == SHIPPED_NAME.casefold():
        return shipped()
    raise NotFound(f"there is no deflator release named {name!r}: known releases: {SHIPPED_NAME}")


from dataclasses import dataclass  # noqa: E402

from tracker.core.fiscal import FinancialYear  # noqa: E402


@dataclass(frozen=True)
class ReleaseSummary:
    name: str
    first: FinancialYear
    last: FinancialYear
    shipped: bool
    is_default: bool


def releases(engine: Engine) -> list[ReleaseSummary]:
    release = shipped()
    return [ReleaseSummary(release.name, release.first, release.last, True, True)]
