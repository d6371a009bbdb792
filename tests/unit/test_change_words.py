"""One way to say a change: the audit trail, an import's preview, the review's
list of changes and a revision of the money all write "Amount changed from
£1,000,000 to £1,200,000"."""

from __future__ import annotations

from tracker.audit import describe_changes
from tracker.core.phrases import changed
from tracker.figures.revisions import what_changed


def test_a_change_names_the_field_then_both_values():
    assert changed("amount", "£1,000,000", "£1,200,000") == "Amount changed from £1,000,000 to £1,200,000"
    assert changed("first financial year", "not stated", "2020-21") == (
        "First financial year changed from not stated to 2020-21"
    )


def test_the_audit_trail_and_a_revision_say_a_change_of_money_the_same_way():
    audit = describe_changes("commitment", {"amount_pence": 100_000_000}, {"amount_pence": 120_000_000})
    revision = what_changed(
        {"kind": "one-off", "schedule": {"2020-21": 100_000_000}},
        {"kind": "one-off", "schedule": {"2020-21": 120_000_000}},
    )
    assert audit == "Amount changed from £1,000,000 to £1,200,000"
    assert revision.split("; ") == [
        "2020-21 changed from £1,000,000 to £1,200,000",
        "Total changed from £1,000,000 to £1,200,000",
    ]
