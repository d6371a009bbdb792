"""Deliveries and milestones through tracker.records against a real database:
recording and correcting them (one audit event each), refusing invalid ones, and
every kind of record loading for editing and saving back unchanged.

Tests taking ``each_engine`` run on SQLite and on PostgreSQL; those taking
``engine`` run on whichever the run uses.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import Engine

from db.models import Milestone
from tests.integration.records_helpers import (
    CDO_IN_POST,
    EDITOR,
    PAYMENT,
    TRANSFORMATION,
    audit_events,
    delivered_total,
    found,
    last_audit_id,
    row_counts,
    stored,
    the_problem,
)
from tracker.records.deliveries import record_delivery, update_delivery
from tracker.records.editing import load_for_edit
from tracker.records.inputs import DeliveryInput, MilestoneInput
from tracker.records.milestones import create_milestone, update_milestone
from tracker.records.problems import NotFound, ValidationFailed

# --- refusing bad input: every table (and the audit trail) stays as it was ------------------


REFUSED_DELIVERIES = [
    pytest.param(dataclasses.replace(PAYMENT, paid_on="31/02/2020"), "paid_on", "no such date", id="impossible-date"),
    pytest.param(dataclasses.replace(PAYMENT, amount="0"), "amount", "expected a non-zero amount", id="zero-amount"),
    pytest.param(
        dataclasses.replace(PAYMENT, kind="grant"),
        "kind",
        "expected disbursement, expenditure or refund",
        id="bad-kind",
    ),
    pytest.param(
        dataclasses.replace(PAYMENT, commitment_ref="C99"),
        "commitment_ref",
        "expected the ref of a commitment in the database",
        id="unknown-commitment",
    ),
    pytest.param(
        dataclasses.replace(PAYMENT, ref="D0"),
        "ref",
        "a delivery with this ref already exists: give a new ref",
        id="duplicate-ref",
    ),
]


@pytest.mark.parametrize(("inp", "field", "expected"), REFUSED_DELIVERIES)
def test_an_invalid_delivery_is_refused_naming_the_field_and_changes_nothing(
    engine: Engine, inp: DeliveryInput, field: str, expected: str
) -> None:
    found(engine)
    record_delivery(dataclasses.replace(PAYMENT, ref="D0"), engine=engine, actor=EDITOR)
    before = row_counts(engine)

    with pytest.raises(ValidationFailed) as err:
        record_delivery(inp, engine=engine, actor=EDITOR)

    assert expected in the_problem(err, field).expected
    assert row_counts(engine) == before


REFUSED_MILESTONES = [
    pytest.param(dataclasses.replace(CDO_IN_POST, due_on="31/02/2020"), "due_on", "no such date", id="impossible-date"),
    pytest.param(dataclasses.replace(CDO_IN_POST, title=" "), "title", "required", id="blank-title"),
    pytest.param(
        dataclasses.replace(CDO_IN_POST, commitment_ref="C99"),
        "commitment_ref",
        "expected the ref of a commitment in the database",
        id="unknown-commitment",
    ),
    pytest.param(
        dataclasses.replace(CDO_IN_POST, ref="M0"),
        "ref",
        "a milestone with this ref already exists: give a new ref",
        id="duplicate-ref",
    ),
]


@pytest.mark.parametrize(("inp", "field", "expected"), REFUSED_MILESTONES)
def test_an_invalid_milestone_is_refused_naming_the_field_and_changes_nothing(
    engine: Engine, inp: MilestoneInput, field: str, expected: str
) -> None:
    found(engine)
    create_milestone(dataclasses.replace(CDO_IN_POST, ref="M0"), engine=engine, actor=EDITOR)
    before = row_counts(engine)

    with pytest.raises(ValidationFailed) as err:
        create_milestone(inp, engine=engine, actor=EDITOR)

    assert expected in the_problem(err, field).expected
    assert row_counts(engine) == before


# --- editing: one update event, before and after ----------------------------------------------


def test_recording_and_correcting_a_delivery_writes_one_event_each(engine: Engine) -> None:
    found(engine)
    since = last_audit_id(engine)

    delivery_id = record_delivery(PAYMENT, engine=engine, actor=EDITOR)
    version = update_delivery(
        "D1",
        dataclasses.replace(PAYMENT, amount="£120,000", note="invoice corrected"),
        expected_version=1,
        engine=engine,
        actor=EDITOR,
    )

    created, updated = audit_events(engine, since)
    assert (created.action, created.entity_id, created.after["amount_pence"]) == ("create", delivery_id, 12_500_000)
    assert (updated.action, updated.before["amount_pence"], updated.after["amount_pence"]) == (
        "update",
        12_500_000,
        12_000_000,
    )
    assert updated.after["note"] == "invoice corrected"
    assert version == 2
    assert delivered_total(engine) == 12_000_000


def test_creating_and_achieving_a_milestone_writes_one_event_each(engine: Engine) -> None:
    found(engine)
    since = last_audit_id(engine)

    create_milestone(CDO_IN_POST, engine=engine, actor=EDITOR)
    achieved = dataclasses.replace(
        CDO_IN_POST, achieved_on="30/11/2020", achieved_note="late November 2020; the day was not published"
    )
    update_milestone("M1", achieved, expected_version=1, engine=engine, actor=EDITOR)

    created, updated = audit_events(engine, since)
    assert (created.action, created.after["due_on"]) == ("create", "2020-04-01")
    assert (updated.action, updated.before["achieved_on"], updated.after["achieved_on"]) == (
        "update",
        None,
        "2020-11-30",
    )
    assert stored(engine, Milestone, "M1").achieved_on == date(2020, 11, 30)


def test_a_record_loaded_for_editing_saves_back_unchanged(engine: Engine) -> None:
    found(engine)
    record_delivery(
        dataclasses.replace(PAYMENT, illustrative=True, evidence_url="https://example.org/p"),
        engine=engine,
        actor=EDITOR,
    )
    create_milestone(CDO_IN_POST, engine=engine, actor=EDITOR)
    assert load_for_edit("commitment", "C2", engine=engine).value == dataclasses.replace(
        TRANSFORMATION, amount="1000000", first_year="2020-21"
    )
    assert load_for_edit("delivery", "D1", engine=engine).value == DeliveryInput(
        ref="D1",
        commitment_ref="C1",
        paid_on="2020-06-30",
        amount="125000",
        kind="disbursement",
        evidence_url="https://example.org/p",
        illustrative=True,
    )
    assert load_for_edit("milestone", "M1", engine=engine).value == CDO_IN_POST
    with pytest.raises(NotFound):
        load_for_edit("commitment", "C99", engine=engine)
