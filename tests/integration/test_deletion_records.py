"""Soft delete and restore through tracker.records against a real database: a
deleted record leaves the totals, an admin can restore it, one audit event each.

Tests taking ``each_engine`` run on SQLite and on PostgreSQL; those taking
``engine`` run on whichever the run uses.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from db.models import Commitment
from tests.integration.records_helpers import (
    ADMIN,
    CDO_IN_POST,
    EDITOR,
    NOT_ADMIN,
    PAYMENT,
    audit_events,
    committed_by_year,
    delivered_total,
    found,
    last_audit_id,
    row_counts,
    stored,
    the_problem,
)
from tracker.figures import data as queries
from tracker.records.deletion import delete, restore
from tracker.records.deliveries import record_delivery
from tracker.records.milestones import create_milestone
from tracker.records.permissions import PermissionDenied
from tracker.records.problems import Conflict, NotFound, ValidationFailed

# --- soft delete and restore --------------------------------------------------------------------


def test_a_soft_deleted_commitment_leaves_the_totals_and_an_admin_can_restore_it(each_engine: Engine) -> None:
    engine = each_engine
    found(engine)
    record_delivery(PAYMENT, engine=engine, actor=EDITOR)
    with_everything = committed_by_year(engine)
    since = last_audit_id(engine)

    delete("commitment", "C1", expected_version=1, engine=engine, actor=EDITOR)

    assert committed_by_year(engine) == {"2020-21": 100_000_000}
    assert delivered_total(engine) == 0  # its delivery is hidden with it
    assert row_counts(engine)["commitments"] == 2  # still there, only marked
    (deleted,) = audit_events(engine, since)
    assert (deleted.action, deleted.before["deleted_at"], deleted.after["deleted_at"] is not None) == (
        "delete",
        None,
        True,
    )

    restore("commitment", "C1", engine=engine, actor=ADMIN)

    assert committed_by_year(engine) == with_everything
    assert delivered_total(engine) == 12_500_000
    restored = audit_events(engine, since)[-1]
    assert (restored.action, restored.actor, restored.after["deleted_at"]) == ("restore", ADMIN.name, None)
    assert len(audit_events(engine, since)) == 2


@pytest.mark.parametrize("entity, ref", [("announcement", "A1"), ("delivery", "D1"), ("milestone", "M1")])
def test_deleting_and_restoring_each_kind_of_record_writes_one_event_each(
    engine: Engine, entity: str, ref: str
) -> None:
    found(engine)
    record_delivery(PAYMENT, engine=engine, actor=EDITOR)
    create_milestone(CDO_IN_POST, engine=engine, actor=EDITOR)
    data = queries.load(engine)
    since = last_audit_id(engine)

    delete(entity, ref, expected_version=1, engine=engine, actor=EDITOR)
    hidden = queries.load(engine)
    restore(entity, ref, engine=engine, actor=ADMIN)
    back = queries.load(engine)

    assert [e.action for e in audit_events(engine, since)] == ["delete", "restore"]
    table = {"announcement": "commitments", "delivery": "deliveries", "milestone": "milestones"}[entity]
    assert len(getattr(hidden, table)) < len(getattr(data, table))
    assert len(getattr(back, table)) == len(getattr(data, table))


def test_deleting_what_is_already_deleted_or_restoring_what_is_not_is_refused(engine: Engine) -> None:
    found(engine)
    version = delete("commitment", "C2", expected_version=1, engine=engine, actor=EDITOR)
    before = row_counts(engine)
    with pytest.raises(Conflict, match="already deleted"):
        delete("commitment", "C2", expected_version=version, engine=engine, actor=EDITOR)
    with pytest.raises(Conflict, match="not deleted"):
        restore("commitment", "C1", engine=engine, actor=ADMIN)
    with pytest.raises(NotFound):
        delete("milestone", "M99", expected_version=1, engine=engine, actor=EDITOR)
    assert row_counts(engine) == before


def test_a_deleted_commitment_takes_no_new_deliveries(engine: Engine) -> None:
    found(engine)
    delete("commitment", "C1", expected_version=1, engine=engine, actor=EDITOR)
    with pytest.raises(ValidationFailed) as err:
        record_delivery(PAYMENT, engine=engine, actor=EDITOR)
    assert the_problem(err, "commitment_ref").value == "C1"


def test_restore_by_someone_who_is_not_an_admin_is_refused_and_changes_nothing(engine: Engine) -> None:
    found(engine)
    delete("commitment", "C1", expected_version=1, engine=engine, actor=EDITOR)
    before = row_counts(engine)

    with pytest.raises(PermissionDenied, match="x may not restore: it needs the admin role"):
        restore("commitment", "C1", engine=engine, actor=NOT_ADMIN)

    assert row_counts(engine) == before
    assert stored(engine, Commitment, "C1").deleted_at is not None
