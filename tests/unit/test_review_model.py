"""The review read model without a database: RAG words, milestone order, and
what changed between two snapshots."""

from __future__ import annotations

import copy

from tracker.core.vocabulary import PROGRESS_STATUSES
from tracker.review import changes as review_changes
from tracker.review import meetings as review
from tracker.review import snapshot


def test_every_status_has_words_a_colour_and_an_icon() -> None:
    assert set(review.RAG) == set(PROGRESS_STATUSES)
    assert len({r.icon for r in review.RAG.values()}) == len(PROGRESS_STATUSES)
    assert review.status_label("at risk") == "At risk (amber)"
    assert review.status_label("off track") == "Off track (red)"
    assert review.status_label(None) == "No status yet"


def _snapshot() -> dict:
    return {
        "schema": 1,
        "as_at": "2025-06-01",
        "headline": {
            "committed": 100_000_00,
            "delivered": 50_000_00,
            "due_to_date": 80_000_00,
            "outstanding": 50_000_00,
            "variance": -30_000_00,
            "pct_delivered": 0.5,
            "pct_of_due_delivered": 0.625,
            "qualifier": "exact",
            "illustrative_deliveries": 0,
        },
        "yearly": [],
        "announcements": [{"ref": "A1", "announced_on": "2019-10-25", "title": "CDO", "funder": "WG"}],
        "commitments": [
            {
                "ref": "W1",
                "purpose": "CDO post",
                "committed": 100_000_00,
                "status": "confirmed",
                "programme": None,
                "recipient": "WLGA",
                "restates": None,
                "terms": {
                    "kind": "recurring",
                    "amount": 50_000_00,
                    "first_year": "2020-21",
                    "years": 2,
                    "uplift_bp": 0,
                    "qualifier": "exact",
                    "profile": {},
                },
            },
        ],
        "deliveries": [
            {
                "ref": "D1",
                "commitment_ref": "W1",
                "paid_on": "2021-03-31",
                "amount": 50_000_00,
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
                "due_on": "2020-09-01",
                "achieved_on": None,
                "state": "due",
                "days_late": 0,
                "lateness": "",
                "achieved_note": None,
            },
            {
                "ref": "M3",
                "title": "Plan",
                "commitment_ref": "W1",
                "due_on": "2019-12-01",
                "achieved_on": None,
                "state": "overdue",
                "days_late": 200,
                "lateness": "about 7 months late",
                "achieved_note": None,
            },
        ],
        "statuses": [],
    }


def test_milestones_are_listed_overdue_first_the_latest_first() -> None:
    assert [m["ref"] for m in snapshot.milestones_overdue_first(_snapshot())] == ["M3", "M1", "M2"]


def test_nothing_changed_between_equal_snapshots() -> None:
    found = review_changes.changes(_snapshot(), _snapshot())
    assert found.count == 0
    assert review_changes.changes_table(found).empty
    assert review_changes.movement_sentence(found) == (
        "Delivered did not move (50.0% of committed); variance against what was due stayed at -£30,000."
    )


def _moved(delivered: tuple[int, int], pct: tuple[float, float]):
    before, after = _snapshot(), _snapshot()
    before["headline"] = {**before["headline"], "delivered": delivered[0], "pct_delivered": pct[0]}
    after["headline"] = {**after["headline"], "delivered": delivered[1], "pct_delivered": pct[1]}
    return review_changes.movement_sentence(review_changes.changes(before, after)).split(";")[0]


def test_a_share_that_moved_against_the_money_is_said_in_words_never_rose_to_a_lower_figure() -> None:
    assert _moved((100_00, 200_00), (0.941, 0.815)) == (
        "Delivered rose by £100, but as a share of committed it fell, from 94.1% to 81.5%: more was committed"
    )
    assert _moved((200_00, 100_00), (0.5, 0.6)) == (
        "Delivered fell by £100, but as a share of committed it rose, from 50.0% to 60.0%: less was committed"
    )
    assert _moved((100_00, 200_00), (0.5, 0.6)) == "Delivered rose by £100 (from 50.0% to 60.0% of committed)"
    assert _moved((100_00, 200_00), (0.5, 0.5)) == "Delivered rose by £100 (from 50.0% to 50.0% of committed)"


def test_removed_and_changed_records_are_named() -> None:
    before, after = _snapshot(), _snapshot()
    after["commitments"][0]["terms"]["profile"] = {}
    after["commitments"][0]["terms"]["amount"] = 60_000_00
    after["commitments"][0]["committed"] = 120_000_00
    after["deliveries"] = []
    after["milestones"][0] = {**after["milestones"][0], "achieved_on": "2020-05-01", "state": "achieved late"}
    after["headline"] = {**after["headline"], "delivered": 0, "pct_delivered": 0.0, "variance": -80_000_00}
    found = review_changes.changes(before, after)
    assert [(c["ref"], c["what"]) for c in found.commitments] == [
        ("W1", "Amount changed from £50,000 to £60,000; Committed changed from £100,000 to £120,000")
    ]
    assert [(d["ref"], d["change"]) for d in found.deliveries] == [("D1", "removed")]
    assert [m["ref"] for m in found.milestones_achieved] == ["M1"]
    assert review_changes.movement_sentence(found) == (
        "Delivered fell by £50,000 (from 50.0% to 0.0% of committed); "
        "variance against what was due moved from -£30,000 to -£80,000."
    )


def test_a_snapshot_is_not_changed_by_comparing_it() -> None:
    before, after = _snapshot(), _snapshot()
    after["statuses"] = [
        {
            "subject": "W1",
            "commitment_ref": "W1",
            "programme": None,
            "status": "at risk",
            "assessed_on": "2025-05-01",
            "reviewer": "R",
            "evidence_url": None,
            "note": "late",
        }
    ]
    kept = copy.deepcopy(after)
    found = review_changes.changes(before, after)
    assert [(s["subject"], s["before"], s["after"]) for s in found.status_changes] == [("W1", None, "at risk")]
    assert after == kept
