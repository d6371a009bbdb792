"""Money recorded as announced, for the review tests (tests/*/test_review_as_said.py):
a pot and a share of it, a multi-year total spread evenly, an undated
commitment with no year and no recipient, and money announced before; the
schema 2 figures a meeting as at 27 November 2026 freezes for them, and a
schema 1 snapshot written by hand as an older database stored it.

Amounts carry odd pence so that any float on the way to a file shows.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from db.models import ReviewMeeting, ReviewSnapshot
from db.session import write_session
from tests.actors import ADMIN
from tracker.imports.apply import import_file

COMMITMENTS = """\
ref,announcement_ref,announced_on,title,funder,recipient,purpose,kind,amount,first_year,years,spread,reannounces,part_of,areas
POT,A1,2024-01-10,Fund launched,Welsh Government,Councils,Digital fund,one-off,10000000,2024-25,,,,,W92000004
SHARE,A2,2024-02-01,Cardiff share,Welsh Government,Cardiff Council,Cardiff's share,one-off,2000000,2024-25,,,,POT,W06000015
MY,A3,2024-03-01,Three-year plan,Welsh Government,Councils,Three-year programme,multi-year,6000000,2025-26,3,even,,,
UNPH,A4,,Undated promise,Welsh Government,,Undated promise,one-off,4999999.99,,,,,,
OLD,A5,2024-04-15,Restated money,Welsh Government,Councils,Money announced before,one-off,3000000.07,2024-25,,,earlier,,
"""
DELIVERIES = """\
ref,commitment_ref,paid_on,amount,kind
D1,POT,2024-06-01,1000000,disbursement
D2,UNPH,,500000,disbursement
D3,MY,2025-07-01,250000.50,disbursement
"""

AS_AT = date(2026, 11, 27)
COMMITTED = 2_400_000_006  # every pound once: the share is inside its pot
NEW_MONEY = 2_099_999_999  # less OLD's £3,000,000.07, announced before
UNPHASED = 499_999_999  # UNPH: no year stated
ESTIMATED = 600_000_000  # MY, spread evenly by choice
DELIVERED = 175_000_050

YEARLY = [
    {
        "financial_year": "2024-25",
        "committed": 1_300_000_007,
        "delivered": 100_000_000,
        "variance": -1_200_000_007,
        "new_money": 1_000_000_000,
        "estimated": 0,
    },
    {
        "financial_year": "2025-26",
        "committed": 200_000_000,
        "delivered": 25_000_050,
        "variance": -174_999_950,
        "new_money": 200_000_000,
        "estimated": 200_000_000,
    },
    {
        "financial_year": "2026-27",
        "committed": 200_000_000,
        "delivered": 0,
        "variance": -200_000_000,
        "new_money": 200_000_000,
        "estimated": 200_000_000,
    },
    {
        "financial_year": "2027-28",
        "committed": 200_000_000,
        "delivered": 0,
        "variance": -200_000_000,
        "new_money": 200_000_000,
        "estimated": 200_000_000,
    },
    {
        "financial_year": "unphased",
        "committed": UNPHASED,
        "delivered": 50_000_000,
        "variance": -449_999_999,
        "new_money": UNPHASED,
        "estimated": 0,
    },
]


def record(engine: Engine, folder: Path) -> None:
    """Import the commitments and deliveries above, as a person would."""
    commitments, deliveries = folder / "as-said-commitments.csv", folder / "as-said-deliveries.csv"
    commitments.write_text(COMMITMENTS, encoding="utf-8")
    deliveries.write_text(DELIVERIES, encoding="utf-8")
    import_file("commitments", commitments, engine=engine, actor=ADMIN)
    import_file("deliveries", deliveries, engine=engine, actor=ADMIN)


def _terms(amount: int) -> dict[str, Any]:
    return {
        "kind": "one-off",
        "amount": amount,
        "first_year": "2024-25",
        "years": 1,
        "uplift_bp": 0,
        "qualifier": "exact",
        "profile": {},
    }


def _schema_1_commitment(ref: str, purpose: str, announcement: str, recipient: str, amount: int, committed: int):
    return {
        "ref": ref,
        "purpose": purpose,
        "announcement_ref": announcement,
        "recipient": recipient,
        "programme": None,
        "kind": "one-off",
        "qualifier": "exact",
        "status": "confirmed",
        "restates": None,
        "terms": _terms(amount),
        "committed": committed,
        "due_to_date": 0,
        "delivered": 0,
        "variance": 0,
        "outstanding": committed,
        "slippage": 0,
        "progress": "not yet due",
    }


SCHEMA_1: dict[str, Any] = {
    "schema": 1,
    "as_at": "2024-03-01",
    "headline": {
        "committed": 1_000_000_000,
        "delivered": 0,
        "due_to_date": 0,
        "outstanding": 1_000_000_000,
        "variance": 0,
        "pct_delivered": 0.0,
        "pct_of_due_delivered": None,
        "qualifier": "exact",
        "illustrative_deliveries": 0,
    },
    "yearly": [{"financial_year": "2024-25", "committed": 1_000_000_000, "delivered": 0, "variance": -1_000_000_000}],
    "commitments": [
        _schema_1_commitment("POT", "Digital fund", "A1", "Councils", 1_000_000_000, 800_000_000),
        _schema_1_commitment("SHARE", "Cardiff's share", "A2", "Cardiff Council", 200_000_000, 200_000_000),
    ],
    "commitment_years": [
        {"ref": "POT", "financial_year": "2024-25", "committed": 800_000_000, "delivered": 0, "variance": 0},
        {"ref": "SHARE", "financial_year": "2024-25", "committed": 200_000_000, "delivered": 0, "variance": 0},
    ],
    "announcements": [
        {"ref": "A1", "announced_on": "2024-01-10", "title": "Fund launched", "funder": "Welsh Government"},
        {"ref": "A2", "announced_on": "2024-02-01", "title": "Cardiff share", "funder": "Welsh Government"},
    ],
    "deliveries": [],
    "milestones": [],
    "statuses": [],
}


def schema_1() -> dict[str, Any]:
    """A snapshot as schema 1 stored it (before new money, unphased and estimated)."""
    return copy.deepcopy(SCHEMA_1)


def store_schema_1_meeting(engine: Engine, held_on: date = date(2024, 3, 5)) -> None:
    """Store ``schema_1()`` as a meeting an older tracker opened."""
    figures = schema_1()
    with write_session(engine) as session:
        meeting = ReviewMeeting(held_on=held_on, as_at=date.fromisoformat(figures["as_at"]), title="Spring 2024")
        session.add(meeting)
        session.flush()
        session.add(
            ReviewSnapshot(
                meeting_id=meeting.id,
                taken_at=datetime(2024, 3, 5, 9, 0, tzinfo=UTC),
                taken_by="local:officer",
                figures=figures,
            )
        )
