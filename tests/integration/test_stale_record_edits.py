"""Stale edits through tracker.records against a real database: a form opened at an
older version is refused, naming who changed or deleted the record and when, even
when the race is lost inside the database.

Tests taking ``each_engine`` run on SQLite and on PostgreSQL; those taking
``engine`` run on whichever the run uses.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm.attributes import set_committed_value

from db.models import Commitment, Milestone
from tests.actors import admin
from tests.integration.records_helpers import (
    CDO_IN_POST,
    EDITOR,
    PAYMENT,
    REPROFILED,
    audit_events,
    found,
    last_audit_id,
    row_counts,
    stored,
)
from tracker.records.commitments import update_commitment
from tracker.records.deletion import delete
from tracker.records.deliveries import record_delivery, update_delivery
from tracker.records.editing import load_for_edit
from tracker.records.milestones import create_milestone, update_milestone
from tracker.records.problems import StaleEdit
from tracker.records.revisions import baseline_vs_revised
from tracker.records.unit_of_work import UnitOfWork

# --- stale edits ------------------------------------------------------------------------------------


def test_the_second_of_two_edits_from_the_same_version_is_refused_as_stale(each_engine: Engine) -> None:
    engine = each_engine
    found(engine)
    alice, bob = admin("alice@wlga.example"), admin("bob@wlga.example")
    # Two sessions open the same commitment form.
    alice_form = load_for_edit("commitment", "C1", engine=engine)
    bob_form = load_for_edit("commitment", "C1", engine=engine)
    since = last_audit_id(engine)

    update_commitment(
        "C1",
        dataclasses.replace(alice_form.value, purpose="CDO post"),
        expected_version=alice_form.version,
        engine=engine,
        actor=alice,
    )
    with pytest.raises(StaleEdit) as err:
        update_commitment(
            "C1",
            dataclasses.replace(bob_form.value, purpose="Delivery Unit only"),
            expected_version=bob_form.version,
            engine=engine,
            actor=bob,
        )

    (event,) = audit_events(engine, since)
    assert re.fullmatch(
        r"This commitment was changed by alice@wlga\.example at \d\d:\d\d after you opened it; "
        r"reload to see their change",
        str(err.value),
    )
    assert str(err.value).endswith(f"at {event.occurred_at:%H:%M} after you opened it; reload to see their change")
    assert (event.actor, event.action, event.after["purpose"]) == (alice.name, "update", "CDO post")
    saved = stored(engine, Commitment, "C1")
    assert (saved.purpose, saved.version) == ("CDO post", 2)


@pytest.mark.parametrize(
    "second_save",
    [
        lambda engine, actor: delete("delivery", "D1", expected_version=1, engine=engine, actor=actor),
        lambda engine, actor: update_delivery(
            "D1", dataclasses.replace(PAYMENT, amount="£1"), expected_version=1, engine=engine, actor=actor
        ),
    ],
    ids=["delete", "update"],
)
def test_a_stale_delivery_edit_or_delete_is_refused_and_names_who_deleted_it(engine: Engine, second_save) -> None:
    found(engine)
    record_delivery(PAYMENT, engine=engine, actor=EDITOR)
    delete("delivery", "D1", expected_version=1, engine=engine, actor=admin("carol"))
    before = row_counts(engine)

    with pytest.raises(StaleEdit, match=r"^This delivery was deleted by carol at \d\d:\d\d after you opened it"):
        second_save(engine, admin("dave"))

    assert row_counts(engine) == before


def test_a_save_that_loses_a_race_inside_the_database_is_reported_as_a_stale_edit(
    each_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another transaction commits between our version check and our UPDATE:
    # SQLAlchemy's version check (UPDATE ... WHERE version = n) matches no
    # row and raises StaleDataError. Simulated by letting the row claim the
    # version the form was opened at.
    engine = each_engine
    found(engine)
    create_milestone(CDO_IN_POST, engine=engine, actor=EDITOR)
    update_milestone(
        "M1",
        dataclasses.replace(CDO_IN_POST, title="CDO appointed"),
        expected_version=1,
        engine=engine,
        actor=admin("erin"),
    )
    original = UnitOfWork.load_for_change

    def as_opened(uow, model, ref, expected_version, *, live=True):
        row = original(uow, model, ref, None, live=live)
        set_committed_value(row, "version", expected_version)
        return row

    monkeypatch.setattr(UnitOfWork, "load_for_change", as_opened)
    before = row_counts(engine)

    with pytest.raises(StaleEdit, match=r"^This milestone was changed by erin at"):
        update_milestone(
            "M1",
            dataclasses.replace(CDO_IN_POST, title="CDO in post at last"),
            expected_version=1,
            engine=engine,
            actor=admin("frank"),
        )

    assert row_counts(engine) == before
    assert stored(engine, Milestone, "M1").title == "CDO appointed"


def test_moving_money_between_years_alone_still_makes_an_older_form_stale(engine: Engine) -> None:
    found(engine)
    version = update_commitment("C1", REPROFILED, expected_version=1, reason="re-profiled", engine=engine, actor=EDITOR)
    stale_form = load_for_edit("commitment", "C1", engine=engine)
    # Same total, same years: only the profile lines change ...
    evened = dataclasses.replace(REPROFILED, profile="2020-21=£500k;2021-22=£500k;2022-23=£500k")
    newer = update_commitment(
        "C1", evened, expected_version=version, reason="correction", engine=engine, actor=admin("gwen")
    )

    # ... yet the commitment's version moves on, so a form opened before is refused.
    assert newer == version + 1
    with pytest.raises(StaleEdit, match="changed by gwen"):
        update_commitment(
            "C1",
            dataclasses.replace(stale_form.value, purpose="Anything"),
            expected_version=stale_form.version,
            engine=engine,
            actor=EDITOR,
        )
    assert baseline_vs_revised(engine, "C1")["revised_pence"].tolist() == [50_000_000] * 3
