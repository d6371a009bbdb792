"""The refs the Record page suggests, read from the database (tracker.records.next_refs.suggested_refs)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.actors import ADMIN
from tracker.records import deletion, editing, next_refs
from tracker.records.announcements import create_announcement
from tracker.records.inputs import AnnouncementInput, CommitmentInput
from tracker.records.next_refs import suggested_refs


def _announce(engine: Engine, ref: str, *commitment_refs: str) -> None:
    commitments = [
        CommitmentInput(c, "Data unit", "Welsh councils", "one-off", "£1m", "2022-23") for c in commitment_refs
    ]
    inp = AnnouncementInput(ref, "2022-02-01", "Data", "Welsh Government", commitments=commitments)
    create_announcement(inp, engine=engine, actor=ADMIN, new_organisations_ok=True)


def test_an_empty_database_starts_each_kind_at_one(each_engine: Engine) -> None:
    assert [
        suggested_refs(each_engine, kind)[0] for kind in ("announcement", "commitment", "delivery", "milestone")
    ] == [
        "A1",
        "C1",
        "D1",
        "M1",
    ]


def test_the_highest_number_counts_however_old_and_a_deleted_ref_is_skipped(
    each_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(next_refs, "RECENT", 2)  # the pattern from the newest two: W3 and W2
    _announce(each_engine, "A1", "W100", "W101")  # the highest numbers, recorded first
    _announce(each_engine, "A2", "W1", "W2", "W3")
    w101 = editing.load_for_edit("commitment", "W101", engine=each_engine)
    deletion.delete("commitment", "W101", expected_version=w101.version, engine=each_engine, actor=ADMIN)
    assert suggested_refs(each_engine, "commitment", 2) == ["W102", "W103"]
    assert suggested_refs(each_engine, "announcement") == ["A3"]
