"""The audit trail's read model (tracker.audit) over the Welsh demo.

Loading the demo writes one create event per row. Two events are added by
hand, as the writes in tracker.records would write them: an update of commitment W1
(£500,000 -> £750,000 a year) by a finance officer the day after the demo was
loaded, and the deletion of an old delivery, in May 2020, whose stored values
a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from db.models import AuditEvent
from db.session import read_session, write_session
from tracker import audit
from tracker.audit import AuditFilter
from tracker.demo import load_demo
from tracker.files.exports import to_csv_bytes
from tracker.records.permissions import local_actor

DELETED_ON = datetime(2020, 5, 1, 12, 0, tzinfo=UTC)
UPDATE = "Amount changed from £500,000 to £750,000"


@pytest.fixture
def trail(engine: Engine) -> Engine:
    load_demo(engine, actor=local_actor())
    with write_session(engine) as session:
        created = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "commitments", AuditEvent.action == "create")
        ).all()
        w1 = next(event for event in created if event.after["ref"] == "W1")
        loaded_at = max(event.occurred_at for event in created)
        session.add_all(
            [
                AuditEvent(
                    occurred_at=loaded_at + timedelta(days=1),
                    actor="finance:alice",
                    action="update",
                    entity="commitments",
                    entity_id=w1.entity_id,
                    before=w1.after,
                    after={**w1.after, "amount_pence": 75_000_000, "version": 2},
                ),
                AuditEvent(
                    occurred_at=DELETED_ON,
                    actor="@SUM(1)",
                    action="delete",
                    entity="deliveries",
                    entity_id=99,
                    before={
                        "id": 99,
                        "ref": "=1+1",
                        "paid_on": "2020-04-30",
                        "amount_pence": 123_456,
                        "kind": "disbursement",
                        "note": "-2+3 paid twice",
                        "version": 1,
                    },
                    after=None,
                ),
            ]
        )
    return engine


def _count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def _update_day(engine: Engine) -> date:
    return audit.span(engine).last.date()


def test_every_event_is_listed_newest_first(trail):
    frame = audit.events(trail)
    assert len(frame) == _count(trail) == 25 + 2
    when = list(frame["occurred_at"])
    assert when == sorted(when, reverse=True)
    assert list(frame["action"].iloc[[0, -1]]) == ["update", "delete"]
    assert str(frame["occurred_at"].dt.tz) == "UTC"
    assert list(frame.columns) == [
        "id",
        "occurred_at",
        "actor",
        "action",
        "entity",
        "entity_id",
        "ref",
        "changes",
        "before",
        "after",
    ]


def test_events_of_the_same_moment_keep_the_newest_id_first(trail):
    frame = audit.events(trail)
    for _, same_moment in frame.groupby("occurred_at"):
        assert list(same_moment["id"]) == sorted(same_moment["id"], reverse=True)


def test_the_entity_action_and_actor_filters_narrow_the_list(trail):
    commitments = audit.events(trail, AuditFilter(entities=("commitments",)))
    assert len(commitments) == 7  # six creates and the update
    assert set(commitments["entity"]) == {"commitments"}
    assert list(audit.events(trail, AuditFilter(actions=("update", "delete")))["action"]) == ["update", "delete"]
    assert list(audit.events(trail, AuditFilter(actors=("finance:alice",)))["ref"]) == ["W1"]
    both = audit.events(trail, AuditFilter(entities=("commitments", "deliveries"), actions=("create",)))
    assert len(both) == 6 + 7


def test_the_date_filter_takes_whole_utc_days_both_included(trail):
    update_day = _update_day(trail)
    assert list(audit.events(trail, AuditFilter(since=update_day))["action"]) == ["update"]
    assert list(audit.events(trail, AuditFilter(until=DELETED_ON.date()))["action"]) == ["delete"]
    one_day = audit.events(trail, AuditFilter(since=DELETED_ON.date(), until=DELETED_ON.date()))
    assert list(one_day["ref"]) == ["=1+1"]
    between = audit.events(trail, AuditFilter(since=date(2020, 5, 2), until=update_day - timedelta(days=1)))
    assert set(between["action"]) == {"create"} and len(between) == 25


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("w2", ["W2"]),  # a ref, ignoring case
        ("=1+1", ["=1+1"]),
        ("paid twice", ["=1+1"]),  # any value in the before snapshot
        ("£750,000", ["W1"]),  # money as pounds
        ("75000000", ["W1"]),  # money as stored, in pence
        ("1,234.56", ["=1+1"]),  # pounds and pence
        ("Chief Digital Officer post", ["W1", "W1", "A1"]),  # the update, the create, A1's quote
        ("amount_pence", []),  # key names are not values
        ("no such thing", []),
    ],
)
def test_the_text_filter_matches_a_ref_or_any_value(trail, text, refs):
    assert list(audit.events(trail, AuditFilter(text=text))["ref"].fillna("")) == refs


def test_the_text_filter_finds_an_organisation_by_name(trail):
    found = audit.events(trail, AuditFilter(entities=("organisations",), text="welsh government"))
    assert list(found["changes"]) == ["Name: Welsh Government; Kind: funder"]


def test_an_update_lists_only_the_changed_keys_with_money_in_pounds(trail):
    update = audit.events(trail, AuditFilter(actions=("update",))).iloc[0]
    assert update["changes"] == UPDATE
    assert '"amount_pence": 50000000' in update["before"]
    assert '"amount_pence": 75000000' in update["after"]


def test_a_create_summarises_the_fields_that_identify_the_row(trail):
    created = audit.events(trail, AuditFilter(entities=("commitments",), actions=("create",), text="W1")).iloc[0]
    assert created["changes"] == (
        "Ref: W1; Purpose: Chief Digital Officer post and Delivery Unit; Kind: recurring; "
        "Amount: £500,000; Qualifier: exact; First financial year: 2020-21; Years: 3"
    )
    assert created["before"] is None and created["after"].startswith('{"id": ')


def test_a_delete_summarises_the_row_as_it_was(trail):
    deleted = audit.events(trail, AuditFilter(actions=("delete",))).iloc[0]
    assert deleted["changes"] == "Ref: =1+1; Paid on: 2020-04-30; Amount: £1,234.56; Kind: disbursement"
    assert deleted["entity_id"] == 99 and deleted["after"] is None


def test_the_limit_keeps_the_newest(trail):
    assert list(audit.events(trail, limit=2)["action"]) == ["update", "create"]
    assert len(audit.events(trail, AuditFilter(text="W1"), limit=1)) == 1


def test_choices_offer_what_the_trail_holds(trail):
    assert audit.choices(trail) == {
        "entities": ["announcements", "commitments", "deliveries", "milestones", "organisations"],
        "actions": ["create", "update", "delete"],
        "actors": sorted(["@SUM(1)", "finance:alice", local_actor().name], key=str.casefold),
    }
    span = audit.span(trail)
    assert span.count == 27 and span.first == DELETED_ON and span.last.date() == _update_day(trail)


def test_the_csv_download_neutralises_formulas_and_keeps_pence_in_the_json(trail):
    frame = audit.events(trail)
    frame.loc[0, "changes"] = "=1+1"  # however it got there, a formula stays text
    rows = list(csv.DictReader(io.StringIO(to_csv_bytes(audit.audit_table(frame)).decode("utf-8"))))
    assert list(rows[0]) == [
        "occurred_at",
        "actor",
        "action",
        "entity",
        "entity_id",
        "ref",
        "changes",
        "before",
        "after",
    ]
    assert len(rows) == 27
    assert rows[0]["changes"] == "'=1+1"
    deleted = rows[-1]
    assert deleted["occurred_at"] == "2020-05-01T12:00:00+00:00"
    assert (deleted["actor"], deleted["ref"], deleted["entity_id"], deleted["after"]) == ("'@SUM(1)", "'=1+1", "99", "")
    assert deleted["before"].startswith('{"id": 99, "ref": "=1+1"')  # JSON text starts with {: harmless
    assert '"amount_pence": 123456' in deleted["before"]
    organisation = next(row for row in rows if row["entity"] == "organisations")
    assert organisation["entity_id"] and organisation["ref"] == ""


def test_a_restore_and_a_deletion_are_said_in_words_and_bookkeeping_is_left_out():
    before = {"id": 3, "ref": "D3", "deleted_at": "2026-01-05T10:00:00+00:00", "version": 4}
    after = {**before, "deleted_at": None, "version": 5}
    assert audit.describe_changes("deliveries", before, after) == "Restored"
    assert audit.describe_changes("deliveries", after, before) == "Deleted"
    assert audit.describe_changes("deliveries", {**before, "version": 1}, before) == "No values changed"


def test_fields_are_named_as_people_call_them():
    before = {"ref": "W1", "amount_pence": 100_000_000, "first_year": 2020, "org_identifier": None, "version": 1}
    after = {**before, "amount_pence": 120_000_000, "first_year": 2021, "org_identifier": "GB-CHC-1", "version": 2}
    assert audit.describe_changes("commitments", before, after) == (
        "Amount changed from £1,000,000 to £1,200,000; First financial year changed from 2020 to 2021; "
        "Identifier changed from (blank) to GB-CHC-1"
    )


def test_a_table_without_key_fields_shows_its_first_values_and_long_text_is_cut():
    after = {"id": 1, "email": "a@example.org", "note": "word " * 40, "active": True, "version": 1}
    summary = audit.describe_changes("users", None, after)
    assert summary.startswith("Email: a@example.org; Note: word word")
    assert summary.endswith("…; Active: yes")
    assert len(summary.split("; ")[1]) == len("Note: ") + 80


def test_an_empty_trail_gives_an_empty_frame_with_the_columns(engine):
    frame = audit.events(engine)
    assert frame.empty and list(frame.columns) == list(audit.COLUMNS)
    assert audit.choices(engine) == {"entities": [], "actions": [], "actors": []}
    assert audit.span(engine) == audit.AuditSpan(0, None, None)
    assert to_csv_bytes(audit.audit_table(frame)).decode().startswith("occurred_at,actor,")
