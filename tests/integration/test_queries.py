"""The read models over the Welsh demo: the figures the Overview page shows.

Expected figures come from shared/data/README.md ("wales"): committed new
money 2020-21 £1.5m, 2021-22 £5.4m, 2022-23 £6.4m (£13.3m, "at least"
because of the 2019 "over £1m"); headline money £14.3m with the June 2020
re-announcement. Delivered figures are the demo's ILLUSTRATIVE payments,
worked out here from tracker/demo/deliveries.csv rather than copied.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, update

from db.models import Commitment
from db.session import write_session
from tests.actors import ADMIN
from tracker.demo import DEMO_FOLDER, load_demo
from tracker.figures import data as queries

TODAY = date(2026, 11, 27)
COMMITTED = {2020: 150_000_000, 2021: 540_000_000, 2022: 640_000_000}


def _pence(text: str) -> int:
    """The demo file's amounts ('£250,000', '£4.9m'), read independently of tracker.core.money."""
    match = re.fullmatch(r"(-)?£?([\d,]+(?:\.\d+)?)(m)?", text.strip())
    assert match, text
    pounds = Decimal(match[2].replace(",", "")) * (1_000_000 if match[3] else 1)
    return int(pounds * 100) * (-1 if match[1] else 1)


def demo_deliveries() -> list[dict]:
    with open(DEMO_FOLDER / "deliveries.csv", encoding="utf-8", newline="") as handle:
        return [
            {**row, "paid_on": date.fromisoformat(row["paid_on"]), "pence": _pence(row["amount"])}
            for row in csv.DictReader(handle)
        ]


def demo_delivered_by_fy(as_at: date | None = None, leave_out: set[str] = frozenset()) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for row in demo_deliveries():
        if (as_at is None or row["paid_on"] <= as_at) and row["commitment_ref"] not in leave_out:
            day = row["paid_on"]
            totals[day.year if day.month >= 4 else day.year - 1] += row["pence"]
    return dict(totals)


@pytest.fixture
def demo(engine: Engine) -> Engine:
    load_demo(engine, actor=ADMIN)
    return engine


def by_year(frame, column: str) -> dict[int, int]:
    return {int(y): int(v) for y, v in zip(frame["financial_year"], frame[column])}


def soft_delete(engine: Engine, ref: str) -> None:
    with write_session(engine) as session:
        session.execute(update(Commitment).where(Commitment.ref == ref).values(deleted_at=datetime.now(UTC)))


def test_the_demo_overview_commits_at_least_13_3m_of_new_money_and_14_3m_headline(demo: Engine) -> None:
    view = queries.overview(queries.load(demo), today=TODAY)

    figures = view.headline
    assert figures.committed == 1_330_000_000
    assert figures.qualifier == "at least"
    assert figures.headline_money == 1_430_000_000
    assert figures.reannounced == 100_000_000
    assert by_year(view.yearly, "committed") == COMMITTED
    assert list(view.yearly["label"]) == ["2020-21", "2021-22", "2022-23"]
    assert list(view.yearly["qualifier"]) == ["at least", "exact", "exact"]


def test_the_demo_overview_counts_the_illustrative_deliveries(demo: Engine) -> None:
    view = queries.overview(queries.load(demo), today=TODAY)

    rows = demo_deliveries()
    assert all(row["illustrative"] == "yes" for row in rows)
    assert view.headline.illustrative_deliveries == len(rows) == 7
    assert view.headline.delivered == sum(row["pence"] for row in rows)
    assert by_year(view.yearly, "delivered") == demo_delivered_by_fy()
    expected_variance = {fy: demo_delivered_by_fy().get(fy, 0) - pence for fy, pence in COMMITTED.items()}
    assert by_year(view.yearly, "variance") == expected_variance


def test_the_chief_digital_officer_milestone_was_achieved_about_eight_months_late(demo: Engine) -> None:
    milestones = queries.overview(queries.load(demo), today=TODAY).milestones.set_index("ref")

    cdo = milestones.loc["M1"]
    assert cdo["state"] == "achieved late"
    assert "about 8 months" in cdo["lateness"]
    assert (cdo["due_on"], cdo["achieved_on"]) == (date(2020, 4, 1), date(2020, 11, 30))
    assert milestones.loc["M2", "state"] == "achieved"


def test_as_at_before_the_first_announcement_shows_nothing(demo: Engine) -> None:
    data = queries.load(demo, as_at=date(2019, 10, 24))
    view = queries.overview(data, today=TODAY)

    assert data.commitments.empty and data.deliveries.empty
    assert view.is_empty
    assert (view.headline.committed, view.headline.headline_money, view.headline.delivered) == (0, 0, 0)
    assert queries.totals(as_at=date(2019, 10, 24), engine=demo).empty


def test_as_at_the_day_of_the_first_announcement_shows_it(demo: Engine) -> None:
    frame = queries.totals(as_at=date(2019, 10, 25), engine=demo)

    assert by_year(frame, "committed") == {2020: 150_000_000, 2021: 50_000_000, 2022: 50_000_000}
    assert by_year(frame, "delivered") == {2020: 0, 2021: 0, 2022: 0}


def test_as_at_counts_only_announcements_and_payments_made_by_that_date(demo: Engine) -> None:
    as_at = date(2021, 2, 15)  # after A3 (2021-01-12); the day D4 was paid, before D1
    frame = queries.totals(as_at=as_at, engine=demo)

    assert by_year(frame, "committed") == {2020: 150_000_000, 2021: 540_000_000, 2022: 50_000_000}
    assert by_year(frame, "delivered") == {2020: demo_delivered_by_fy(as_at)[2020], 2021: 0, 2022: 0}
    assert demo_delivered_by_fy(as_at) == {2020: 92_000_000}


def test_a_soft_deleted_commitment_disappears_from_the_totals(demo: Engine) -> None:
    soft_delete(demo, "W5")  # CDPS £4.9m for 2021-22

    view = queries.overview(queries.load(demo), today=TODAY)

    assert "W5" not in set(queries.load(demo).commitments["ref"])
    assert view.headline.committed == 1_330_000_000 - 490_000_000
    assert by_year(view.yearly, "committed") == {2020: 150_000_000, 2021: 50_000_000, 2022: 640_000_000}
    assert by_year(queries.totals(engine=demo), "committed") == {2020: 150_000_000, 2021: 50_000_000, 2022: 640_000_000}
    assert by_year(view.yearly, "delivered") == demo_delivered_by_fy(leave_out={"W5"})


def test_deleting_the_original_makes_its_reannouncement_the_new_money(demo: Engine) -> None:
    soft_delete(demo, "W2")  # the "over £1m"; W3 (June 2020, exact £1m) re-announced it

    view = queries.overview(queries.load(demo), today=TODAY)

    assert by_year(view.yearly, "committed") == COMMITTED  # W3's £1m now counts in 2020-21
    assert view.headline.committed == 1_330_000_000
    assert view.headline.headline_money == 1_330_000_000
    assert view.headline.qualifier == "exact"  # no "over" amount is left
