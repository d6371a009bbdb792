"""Hand-made review-meeting snapshots for the review-pack tests (no database): this
meeting's figures, with hostile text and a formula in them, and a previous meeting's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tracker.review.meetings import Meeting

HOSTILE = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'
SOURCE = "funding tracker database sqlite:///data/tracker.db"


def _figures() -> dict:
    return {
        "schema": 1,
        "as_at": "2025-06-01",
        "headline": {
            "committed": 1_330_000_000,
            "delivered": 1_252_000_000,
            "due_to_date": 1_300_000_000,
            "outstanding": 78_000_000,
            "variance": -48_000_000,
            "pct_delivered": 0.9414,
            "pct_of_due_delivered": 0.9631,
            "qualifier": "at least",
            "illustrative_deliveries": 0,
        },
        "yearly": [
            {"financial_year": "2020-21", "committed": 150_000_000, "delivered": 117_000_000, "variance": -33_000_000},
            {"financial_year": "2021-22", "committed": 540_000_000, "delivered": 540_000_000, "variance": 0},
            {"financial_year": "2022-23", "committed": 640_000_000, "delivered": 595_000_000, "variance": -45_000_000},
        ],
        "announcements": [{"ref": "A1", "announced_on": "2019-10-25", "title": "CDO", "funder": "WG"}],
        "commitments": [
            {
                "ref": "W1",
                "purpose": HOSTILE,
                "announcement_ref": "A1",
                "recipient": "WLGA",
                "programme": None,
                "kind": "one-off",
                "qualifier": "over",
                "status": "confirmed",
                "restates": None,
                "terms": {
                    "kind": "one-off",
                    "amount": 123_456_789,
                    "first_year": "2020-21",
                    "years": 1,
                    "uplift_bp": 0,
                    "qualifier": "over",
                    "profile": {},
                },
                "committed": 123_456_789,
                "due_to_date": 123_456_789,
                "delivered": 100_000_000,
                "variance": -23_456_789,
                "outstanding": 23_456_789,
                "slippage": 23_456_789,
                "progress": "behind by £234.57k",
            },
            {
                "ref": "W2",
                "purpose": FORMULA,
                "announcement_ref": "A1",
                "recipient": "Councils",
                "programme": "Fund",
                "kind": "one-off",
                "qualifier": "exact",
                "status": "confirmed",
                "restates": None,
                "terms": {
                    "kind": "one-off",
                    "amount": 50_000_00,
                    "first_year": "2021-22",
                    "years": 1,
                    "uplift_bp": 0,
                    "qualifier": "exact",
                    "profile": {},
                },
                "committed": 50_000_00,
                "due_to_date": 50_000_00,
                "delivered": 50_000_00,
                "variance": 0,
                "outstanding": 0,
                "slippage": 0,
                "progress": "on profile",
            },
        ],
        "commitment_years": [],
        "deliveries": [
            {
                "ref": "D1",
                "commitment_ref": "W1",
                "paid_on": "2021-03-31",
                "amount": 100_000_000,
                "kind": "disbursement",
                "illustrative": False,
            }
        ],
        "milestones": [
            {
                "ref": "M1",
                "title": "CDO in post",
                "commitment_ref": "W1",
                "due_on": "2020-04-01",
                "achieved_on": None,
                "state": "overdue",
                "days_late": 30,
                "lateness": "30 days late",
                "achieved_note": None,
            },
            {
                "ref": "M2",
                "title": "Unit staffed",
                "commitment_ref": "W1",
                "due_on": "2025-09-01",
                "achieved_on": None,
                "state": "due",
                "days_late": 0,
                "lateness": "",
                "achieved_note": None,
            },
            {
                "ref": "M3",
                "title": HOSTILE,
                "commitment_ref": "W2",
                "due_on": "2019-12-01",
                "achieved_on": None,
                "state": "overdue",
                "days_late": 548,
                "lateness": "about 1.5 years late",
                "achieved_note": FORMULA,
            },
            {
                "ref": "M4",
                "title": "Plan agreed",
                "commitment_ref": "W2",
                "due_on": "2020-01-01",
                "achieved_on": "2020-02-01",
                "state": "achieved late",
                "days_late": 31,
                "lateness": "31 days late",
                "achieved_note": None,
            },
        ],
        "statuses": [
            {
                "subject": "W1",
                "commitment_ref": "W1",
                "programme": None,
                "status": "at risk",
                "assessed_on": "2025-05-20",
                "reviewer": "Reviewer One",
                "evidence_url": "javascript:alert(1)",
                "note": HOSTILE,
            },
            {
                "subject": "programme: Fund",
                "commitment_ref": None,
                "programme": "Fund",
                "status": "on track",
                "assessed_on": "2025-05-21",
                "reviewer": "Reviewer Two",
                "evidence_url": "https://example.org/minutes?a=1&b=2",
                "note": FORMULA,
            },
        ],
    }


def _meeting(
    figures: dict | None = None,
    *,
    held_on: date = date(2025, 6, 3),
    title: str | None = HOSTILE,
    taken_by: str = "local:officer",
) -> Meeting:
    figures = figures or _figures()
    return Meeting(
        held_on=held_on,
        as_at=date.fromisoformat(figures["as_at"]),
        title=title,
        taken_at=datetime(2025, 6, 3, 9, 30, tzinfo=UTC),
        taken_by=taken_by,
        figures=figures,
    )


def _previous() -> Meeting:
    figures = _figures()
    figures["as_at"] = "2025-01-31"
    figures["headline"] = {
        **figures["headline"],
        "delivered": 1_000_000_000,
        "pct_delivered": 0.7519,
        "variance": -300_000_000,
    }
    figures["statuses"] = []
    figures["milestones"] = [m for m in figures["milestones"] if m["ref"] != "M1"]
    return _meeting(figures, held_on=date(2025, 2, 4), title="Winter review")
