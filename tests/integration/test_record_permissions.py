"""Permissions on the form use-cases in tracker.records: a viewer can change
nothing, and every refused attempt leaves every table as it was.

Tests taking ``each_engine`` run on SQLite and on PostgreSQL; those taking
``engine`` run on whichever the run uses.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine

from tests.integration.records_helpers import (
    CDO,
    CDO_IN_POST,
    EDITOR,
    FOUNDING,
    PAYMENT,
    SECOND,
    VIEWER,
    found,
    row_counts,
)
from tracker.records.announcements import create_announcement, update_announcement
from tracker.records.commitments import create_commitment, update_commitment
from tracker.records.deletion import delete
from tracker.records.deliveries import record_delivery, update_delivery
from tracker.records.editing import load_for_edit
from tracker.records.milestones import create_milestone, update_milestone
from tracker.records.permissions import PermissionDenied


def test_a_viewer_can_change_nothing(engine: Engine) -> None:
    found(engine)
    record_delivery(PAYMENT, engine=engine, actor=EDITOR)
    create_milestone(CDO_IN_POST, engine=engine, actor=EDITOR)
    before = row_counts(engine)
    c1 = load_for_edit("commitment", "C1", engine=engine)
    attempts = [
        lambda: create_announcement(SECOND, engine=engine, actor=VIEWER),
        lambda: update_announcement(
            "A1", dataclasses.replace(FOUNDING, commitments=()), expected_version=1, engine=engine, actor=VIEWER
        ),
        lambda: create_commitment("A1", dataclasses.replace(CDO, ref="C9"), engine=engine, actor=VIEWER),
        lambda: update_commitment("C1", c1.value, expected_version=c1.version, engine=engine, actor=VIEWER),
        lambda: record_delivery(dataclasses.replace(PAYMENT, ref="D2"), engine=engine, actor=VIEWER),
        lambda: update_delivery("D1", PAYMENT, expected_version=1, engine=engine, actor=VIEWER),
        lambda: create_milestone(dataclasses.replace(CDO_IN_POST, ref="M2"), engine=engine, actor=VIEWER),
        lambda: update_milestone("M1", CDO_IN_POST, expected_version=1, engine=engine, actor=VIEWER),
        *[
            lambda entity=entity, ref=ref: delete(entity, ref, expected_version=1, engine=engine, actor=VIEWER)
            for entity, ref in (("announcement", "A1"), ("commitment", "C1"), ("delivery", "D1"), ("milestone", "M1"))
        ],
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="test:viewer may not"):
            attempt()
    assert row_counts(engine) == before
