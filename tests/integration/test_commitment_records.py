"""Commitments through tracker.records against a real database: adding one to an
announcement, editing one (with and without a change to its money), refusing an
invalid edit, and revisions that keep the original schedule beside the revised one.

Tests taking ``each_engine`` run on SQLite and on PostgreSQL; those taking
``engine`` run on whichever the run uses.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine, select

from db.models import Commitment, CommitmentRevision
from db.session import read_session
from tests.integration.records_helpers import (
    CDO,
    EDITOR,
    REPROFILED,
    audit_events,
    committed_by_year,
    found,
    last_audit_id,
    row_counts,
    stored,
    the_problem,
)
from tracker.core.vocabulary import REVISION_REASONS
from tracker.records.commitments import create_commitment, update_commitment
from tracker.records.editing import load_for_edit
from tracker.records.problems import ValidationFailed
from tracker.records.revisions import baseline_vs_revised

# --- editing: one update event, before and after ----------------------------------------------


def test_adding_a_commitment_to_an_announcement_saves_it_with_one_create_event(engine: Engine) -> None:
    found(engine)
    since = last_audit_id(engine)

    commitment_id = create_commitment(
        "A1", dataclasses.replace(CDO, ref="C4", amount="£250k", years="2"), engine=engine, actor=EDITOR
    )

    (event,) = audit_events(engine, since)
    assert (event.action, event.entity, event.entity_id, event.after["ref"]) == (
        "create",
        "commitments",
        commitment_id,
        "C4",
    )
    assert committed_by_year(engine)["2021-22"] == 50_000_000 + 25_000_000


def test_changing_a_commitment_without_touching_its_money_needs_no_reason_and_keeps_no_baseline(
    engine: Engine,
) -> None:
    found(engine)
    loaded = load_for_edit("commitment", "C1", engine=engine)
    since = last_audit_id(engine)

    update_commitment(
        "C1",
        dataclasses.replace(loaded.value, purpose="CDO post", status="indicative"),
        expected_version=loaded.version,
        engine=engine,
        actor=EDITOR,
    )

    (event,) = audit_events(engine, since)
    assert (event.action, event.before["purpose"], event.after["purpose"]) == (
        "update",
        "Chief Digital Officer post and Delivery Unit",
        "CDO post",
    )
    assert (event.before["status"], event.after["status"]) == ("confirmed", "indicative")
    counts = row_counts(engine)
    assert (counts["commitment_baselines"], counts["commitment_revisions"]) == (0, 0)


def test_saving_a_form_unchanged_writes_nothing(engine: Engine) -> None:
    found(engine)
    loaded = load_for_edit("commitment", "C1", engine=engine)
    before = row_counts(engine)

    version = update_commitment("C1", loaded.value, expected_version=loaded.version, engine=engine, actor=EDITOR)

    assert version == loaded.version
    assert row_counts(engine) == before


# --- refusing bad input: every table (and the audit trail) stays as it was ------------------


def test_an_invalid_edit_is_refused_and_leaves_the_stored_commitment_as_it_was(engine: Engine) -> None:
    found(engine)
    loaded = load_for_edit("commitment", "C2", engine=engine)
    before = row_counts(engine)

    with pytest.raises(ValidationFailed) as err:
        update_commitment(
            "C2",
            dataclasses.replace(loaded.value, first_year="FY2020-22", purpose="Changed"),
            expected_version=loaded.version,
            engine=engine,
            actor=EDITOR,
        )

    assert the_problem(err, "first_year").value == "FY2020-22"
    assert row_counts(engine) == before
    assert stored(engine, Commitment, "C2").purpose == "Council digital transformation"


# --- revisions keep the baseline ----------------------------------------------------------------


def test_a_revision_keeps_the_original_schedule_beside_the_revised_one(each_engine: Engine) -> None:
    engine = each_engine
    found(engine)
    loaded = load_for_edit("commitment", "C1", engine=engine)
    since = last_audit_id(engine)

    update_commitment(
        "C1", REPROFILED, expected_version=loaded.version, reason="re-profiled", engine=engine, actor=EDITOR
    )

    frame = baseline_vs_revised(engine, "C1")
    assert frame.to_dict("list") == {
        "financial_year": [2020, 2021, 2022],
        "original_pence": [50_000_000, 50_000_000, 50_000_000],
        "revised_pence": [25_000_000, 75_000_000, 50_000_000],
    }
    assert committed_by_year(engine) == {"2020-21": 125_000_000, "2021-22": 75_000_000, "2022-23": 50_000_000}
    with read_session(engine) as session:
        (revision,) = session.scalars(select(CommitmentRevision)).all()
        assert (revision.reason, revision.actor) == ("re-profiled", EDITOR.name)
        assert revision.before["schedule"] == {"2020-21": 50_000_000, "2021-22": 50_000_000, "2022-23": 50_000_000}
        assert revision.after["schedule"] == {"2020-21": 25_000_000, "2021-22": 75_000_000, "2022-23": 50_000_000}
    # One event per changed row: the commitment, its three new profile
    # lines, the three baseline years and the revision.
    events = audit_events(engine, since)
    assert sorted((e.action, e.entity) for e in events) == sorted(
        [("update", "commitments")]
        + [("create", "profile_lines")] * 3
        + [("create", "commitment_baselines")] * 3
        + [("create", "commitment_revisions")]
    )
    (update,) = [e for e in events if e.action == "update"]
    assert (update.before["kind"], update.after["kind"]) == ("recurring", "profiled")
    assert (update.before["amount_pence"], update.after["amount_pence"]) == (50_000_000, 150_000_000)


def test_a_second_revision_keeps_the_first_baseline_and_removes_a_year_that_lost_its_money(
    engine: Engine,
) -> None:
    found(engine)
    version = update_commitment("C1", REPROFILED, expected_version=1, reason="re-profiled", engine=engine, actor=EDITOR)
    since = last_audit_id(engine)

    update_commitment(
        "C1",
        dataclasses.replace(REPROFILED, profile="2020-21=£250k;2021-22=£1.25m"),
        expected_version=version,
        reason="slippage",
        engine=engine,
        actor=EDITOR,
    )

    assert baseline_vs_revised(engine, "C1").to_dict("list") == {
        "financial_year": [2020, 2021, 2022],
        "original_pence": [50_000_000, 50_000_000, 50_000_000],
        "revised_pence": [25_000_000, 125_000_000, 0],
    }
    events = audit_events(engine, since)
    assert sorted((e.action, e.entity) for e in events) == [
        ("create", "commitment_revisions"),
        ("delete", "profile_lines"),
        ("update", "commitments"),
        ("update", "profile_lines"),
    ]
    (gone,) = [e for e in events if e.action == "delete"]
    assert (gone.before["amount_pence"], gone.after) == (50_000_000, None)
    assert row_counts(engine)["commitment_baselines"] == 3


def test_a_commitment_never_revised_has_its_original_equal_to_its_revised_schedule(engine: Engine) -> None:
    found(engine)
    frame = baseline_vs_revised(engine, "C1")
    assert frame["original_pence"].tolist() == frame["revised_pence"].tolist() == [50_000_000] * 3
    assert str(frame["original_pence"].dtype) == "int64"


@pytest.mark.parametrize(
    ("reason", "reason_text", "field"),
    [(None, "", "reason"), ("because", "", "reason"), ("other", "", "reason_text"), ("other", "   ", "reason_text")],
)
def test_a_change_to_the_money_without_a_proper_reason_is_refused(
    engine: Engine, reason: str | None, reason_text: str, field: str
) -> None:
    found(engine)
    before = row_counts(engine)

    with pytest.raises(ValidationFailed) as err:
        update_commitment(
            "C1", REPROFILED, expected_version=1, reason=reason, reason_text=reason_text, engine=engine, actor=EDITOR
        )

    assert the_problem(err, field)
    assert row_counts(engine) == before
    assert stored(engine, Commitment, "C1").kind == "recurring"


def test_other_with_words_is_a_reason(engine: Engine) -> None:
    found(engine)
    update_commitment(
        "C1",
        dataclasses.replace(CDO, amount="£520k"),
        expected_version=1,
        reason="other",
        reason_text="pay award",
        engine=engine,
        actor=EDITOR,
    )
    with read_session(engine) as session:
        revision = session.scalars(select(CommitmentRevision)).one()
        assert (revision.reason, revision.reason_text) == ("other", "pay award")
    assert "other" in REVISION_REASONS
