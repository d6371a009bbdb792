"""Progress review: statuses with history, meetings with frozen snapshots,
what changed since the last review (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from db.models import AuditEvent, ProgressStatus, ReviewMeeting, ReviewSnapshot
from db.session import read_session, write_session
from tests.actors import ADMIN, admin
from tracker.demo import load_demo
from tracker.figures import data as queries
from tracker.records import commitments, deliveries, editing, milestones
from tracker.records.inputs import DeliveryInput, MilestoneInput
from tracker.records.permissions import Actor, PermissionDenied
from tracker.records.problems import ValidationFailed
from tracker.review import changes as review_changes
from tracker.review import meetings as review
from tracker.review import recording, snapshot
from tracker.review.recording import StatusInput


@pytest.fixture
def demo(each_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("TRACKER_TODAY", "2026-11-27")
    load_demo(each_engine, actor=ADMIN)
    return each_engine


def _count(engine: Engine, model) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_three_statuses_leave_three_history_rows_in_order_and_the_latest_is_current(demo: Engine) -> None:
    events = _count(demo, AuditEvent)
    for status, day, note in (
        ("not started", "2025-01-10", "Recruitment not begun"),
        ("at risk", "2025-06-10", "Advert reissued"),
        ("on track", "2025-11-10", "Interviews held"),
    ):
        recording.record_status(
            StatusInput(status, commitment_ref="W1", assessed_on=day, note=note),
            engine=demo,
            actor=admin("Reviewer One"),
        )

    history = review.status_history(demo, "W1")
    assert list(history["status"]) == ["not started", "at risk", "on track"]
    assert list(history["assessed_on"]) == ["2025-01-10", "2025-06-10", "2025-11-10"]
    assert set(history["reviewer"]) == {"Reviewer One"}
    (current,) = [s for s in review.current_statuses(demo) if s["subject"] == "W1"]
    assert (current["status"], current["note"]) == ("on track", "Interviews held")
    assert _count(demo, AuditEvent) == events + 3


def test_a_programme_can_carry_a_status_of_its_own(demo: Engine) -> None:
    programme = next(p for p in review.subjects(queries.load(demo)) if p.startswith("programme: "))
    recording.record_status(
        StatusInput(
            "stalled", programme=programme.removeprefix("programme: "), evidence_url="https://example.org/minutes"
        ),
        engine=demo,
        actor=ADMIN,
    )
    assert [s["status"] for s in review.current_statuses(demo) if s["subject"] == programme] == ["stalled"]


@pytest.mark.parametrize(
    ("inp", "field", "expected"),
    [
        (StatusInput("green", commitment_ref="W1", note="n"), "status", "expected one of: not started"),
        (StatusInput("on track", note="n"), "commitment_ref", "a commitment or a programme"),
        (StatusInput("on track", commitment_ref="W1", programme="X", note="n"), "commitment_ref", "(one, not both)"),
        (
            StatusInput("on track", commitment_ref="W99", note="n"),
            "commitment_ref",
            "ref of a commitment in the database",
        ),
        (StatusInput("on track", programme="No such programme", note="n"), "programme", "programme of a commitment"),
        (StatusInput("on track", commitment_ref="W1"), "note", "an evidence link or a note"),
        (
            StatusInput("on track", commitment_ref="W1", note="n", assessed_on="2026-11-28"),
            "assessed_on",
            "on or before today",
        ),
        (
            StatusInput("on track", commitment_ref="W1", note="n", assessed_on="31/02/2025"),
            "assessed_on",
            "no such date",
        ),
        (StatusInput("on track", commitment_ref="W1", evidence_url="javascript:alert(1)"), "evidence_url", "https://"),
        (
            StatusInput("on track", commitment_ref="W1", note="n", meeting_held_on="2025-01-01"),
            "meeting_held_on",
            "the date of a meeting",
        ),
    ],
)
def test_a_bad_status_is_refused_with_its_field_and_nothing_is_written(demo, inp, field, expected) -> None:
    events = _count(demo, AuditEvent)
    with pytest.raises(ValidationFailed) as failed:
        recording.record_status(inp, engine=demo, actor=ADMIN)
    assert any(expected in p.expected for p in failed.value.for_field(field)), failed.value.problems
    assert _count(demo, ProgressStatus) == 0
    assert _count(demo, AuditEvent) == events


def test_statuses_and_snapshots_refuse_update_and_delete(demo: Engine) -> None:
    recording.record_status(StatusInput("at risk", commitment_ref="W1", note="late"), engine=demo, actor=ADMIN)
    recording.open_meeting("2026-11-27", engine=demo, actor=ADMIN)
    for model, column in ((ProgressStatus, "status"), (ReviewSnapshot, "taken_by")):
        with pytest.raises(IntegrityError, match="append-only"):
            with write_session(demo) as session:
                session.execute(update(model).values({column: "stalled"}))
        with pytest.raises(IntegrityError, match="append-only"):
            with write_session(demo) as session:
                session.execute(delete(model))
        if demo.dialect.name == "postgresql":
            with pytest.raises(IntegrityError, match="append-only"):
                with write_session(demo) as session:
                    session.execute(text(f"TRUNCATE {model.__tablename__} CASCADE"))
    assert _count(demo, ProgressStatus) == 1 and _count(demo, ReviewSnapshot) == 1


def test_opening_a_meeting_freezes_the_figures_and_audits_meeting_and_snapshot(demo: Engine) -> None:
    events = _count(demo, AuditEvent)
    recording.open_meeting("2026-11-27", title="November meeting", engine=demo, actor=ADMIN)
    meeting = review.meeting(demo, date(2026, 11, 27))
    head = meeting.figures["headline"]
    assert (head["committed"], head["delivered"], head["qualifier"]) == (1_330_000_000, 1_252_000_000, "at least")
    assert [
        {k: row[k] for k in ("financial_year", "committed", "delivered", "variance")}
        for row in meeting.figures["yearly"]
    ] == [
        {"financial_year": "2020-21", "committed": 150_000_000, "delivered": 117_000_000, "variance": -33_000_000},
        {"financial_year": "2021-22", "committed": 540_000_000, "delivered": 540_000_000, "variance": 0},
        {"financial_year": "2022-23", "committed": 640_000_000, "delivered": 595_000_000, "variance": -45_000_000},
    ]
    # The demo's money is all new, in stated years, none of it spread (tests/integration/test_review_as_said.py has the rest).
    assert all(row["new_money"] == row["committed"] and row["estimated"] == 0 for row in meeting.figures["yearly"])
    cdo = next(m for m in meeting.figures["milestones"] if m["ref"] == "M1")
    assert (cdo["state"], cdo["lateness"]) == ("achieved late", "about 8 months late")
    with read_session(demo) as session:
        audited = session.execute(
            select(AuditEvent.entity, AuditEvent.after).where(AuditEvent.id > events).order_by(AuditEvent.id)
        ).all()
    assert [entity for entity, _ in audited] == ["review_meetings", "review_snapshots"]
    assert audited[1][1]["figures_sha256"] == snapshot.fingerprint(meeting.figures)


def test_the_as_at_date_limits_a_snapshot_to_what_was_known_then(demo: Engine) -> None:
    recording.open_meeting("2022-04-20", as_at="2022-03-31", engine=demo, actor=ADMIN)
    figures = review.meeting(demo, date(2022, 4, 20)).figures
    assert figures["as_at"] == "2022-03-31"
    assert [a["ref"] for a in figures["announcements"]] == ["A1", "A2", "A3"]
    assert sum(d["amount"] for d in figures["deliveries"]) == 657_000_000  # D1, D2, D4 and D5: paid by 31 March 2022


@pytest.mark.parametrize(
    ("held_on", "as_at", "field", "expected"),
    [
        ("", "", "held_on", "required"),
        ("2026-02-30", "", "held_on", "no such date"),
        ("2026-01-10", "2026-01-11", "as_at", "on or before the meeting's date"),
        ("2026-12-10", "", "as_at", "on or before today"),
        ("2026-12-10", "2026-11-28", "as_at", "on or before today"),
    ],
)
def test_a_bad_meeting_is_refused_and_nothing_is_written(demo, held_on, as_at, field, expected) -> None:
    with pytest.raises(ValidationFailed) as failed:
        recording.open_meeting(held_on, as_at, engine=demo, actor=ADMIN)
    assert any(expected in p.expected for p in failed.value.for_field(field)), failed.value.problems
    assert _count(demo, ReviewMeeting) == 0 and _count(demo, ReviewSnapshot) == 0


def test_a_second_meeting_on_the_same_day_is_refused(demo: Engine) -> None:
    recording.open_meeting("2026-11-27", engine=demo, actor=ADMIN)
    with pytest.raises(ValidationFailed, match="already open"):
        recording.open_meeting("27/11/2026", engine=demo, actor=ADMIN)
    assert _count(demo, ReviewMeeting) == 1


def test_later_edits_never_move_a_snapshot_and_the_next_review_shows_exactly_them(demo: Engine) -> None:
    recording.open_meeting("2025-06-01", engine=demo, actor=ADMIN)
    frozen = review.meeting(demo, date(2025, 6, 1)).figures

    # After the meeting: W7 re-profiled, a payment recorded, a milestone achieved, a status given.
    editable = editing.load_for_edit("commitment", "W7", engine=demo)
    commitments.update_commitment(
        "W7",
        replace(editable.value, amount="£1.2m"),
        expected_version=editable.version,
        reason="correction",
        engine=demo,
        actor=ADMIN,
    )
    deliveries.record_delivery(DeliveryInput("D9", "W7", "2025-09-01", "£100,000"), engine=demo, actor=ADMIN)
    milestones.create_milestone(
        MilestoneInput("M9", "W7", "Projects evaluated", due_on="2025-07-31"), engine=demo, actor=ADMIN
    )
    recording.record_status(
        StatusInput("at risk", commitment_ref="W7", note="Evaluation late", assessed_on="2025-10-01"),
        engine=demo,
        actor=ADMIN,
    )

    assert review.meeting(demo, date(2025, 6, 1)).figures == frozen

    recording.open_meeting("2025-12-01", engine=demo, actor=ADMIN)
    found = review_changes.changes(frozen, review.meeting(demo, date(2025, 12, 1)).figures)
    assert [a["ref"] for a in found.new_announcements] == ["A6"]
    assert [(c["ref"], c["change"]) for c in found.commitments] == [("W7", "changed")]
    assert "Amount changed from £1,000,000 to £1,200,000" in found.commitments[0]["what"]
    assert [(d["ref"], d["change"], d["amount"]) for d in found.deliveries] == [("D9", "new", 10_000_000)]
    assert found.milestones_achieved == []
    assert [m["ref"] for m in found.milestones_newly_overdue] == ["M9"]
    assert [(s["subject"], s["before"], s["after"]) for s in found.status_changes] == [("W7", None, "at risk")]
    moved = {m.name: m.change for m in found.movements}
    assert moved["delivered"] == 10_000_000
    assert moved["committed"] == 20_000_000
    assert list(review_changes.changes_table(found)["what"]) == [
        "New announcement",
        "Commitment changed",
        "New delivery",
        "Milestone newly overdue",
        "Status",
    ]


def test_a_meeting_still_to_come_can_freeze_todays_figures(demo: Engine) -> None:
    recording.open_meeting("2026-12-10", as_at="2026-11-27", engine=demo, actor=ADMIN)
    assert review.meeting(demo, date(2026, 12, 10)).as_at == date(2026, 11, 27)


def test_payments_against_a_re_announcement_count_toward_the_original_in_every_table(demo: Engine) -> None:
    recording.open_meeting("2026-11-27", engine=demo, actor=ADMIN)
    figures = review.meeting(demo, date(2026, 11, 27)).figures
    by_ref = {c["ref"]: c["delivered"] for c in figures["commitments"]}
    by_year: dict[str, int] = {}
    for row in figures["commitment_years"]:
        by_year[row["ref"]] = by_year.get(row["ref"], 0) + row["delivered"]
    assert {ref: by_year.get(ref, 0) for ref in by_ref} == by_ref
    assert all(row["delivered"] >= 0 for row in figures["commitment_years"])


def test_the_first_review_compares_with_nothing(demo: Engine) -> None:
    recording.open_meeting("2026-11-27", engine=demo, actor=ADMIN)
    found = review_changes.changes(None, review.meeting(demo, date(2026, 11, 27)).figures)
    assert (
        review_changes.movement_sentence(found) == "This is the first review: there is nothing earlier to compare with."
    )
    assert review.previous_meeting(demo, date(2026, 11, 27)) is None


def test_only_reviewers_record_statuses_and_open_meetings(demo: Engine) -> None:
    finance = Actor("test:finance", frozenset({"viewer", "finance"}))
    reviewer = Actor("test:reviewer", frozenset({"viewer", "reviewer"}))
    status = StatusInput("on track", commitment_ref="W1", note="Interviews held")
    with pytest.raises(PermissionDenied, match="test:finance may not record status"):
        recording.record_status(status, engine=demo, actor=finance)
    with pytest.raises(PermissionDenied, match="test:finance may not open meeting"):
        recording.open_meeting("2026-11-27", engine=demo, actor=finance)
    assert _count(demo, ProgressStatus) == 0 and _count(demo, ReviewMeeting) == 0

    recording.record_status(status, engine=demo, actor=reviewer)
    recording.open_meeting("2026-11-27", engine=demo, actor=reviewer)
    assert review.meeting(demo, date(2026, 11, 27)).taken_by == "test:reviewer"
    assert [s["reviewer"] for s in review.current_statuses(demo)] == ["test:reviewer"]


def test_a_status_given_at_a_meeting_belongs_to_it_but_not_to_its_frozen_figures(demo: Engine) -> None:
    recording.record_status(StatusInput("at risk", commitment_ref="W1", note="Before"), engine=demo, actor=ADMIN)
    recording.open_meeting("2026-11-27", engine=demo, actor=ADMIN)
    recording.record_status(
        StatusInput("on track", commitment_ref="W1", note="Agreed at the meeting", meeting_held_on="27/11/2026"),
        engine=demo,
        actor=ADMIN,
    )
    meeting = review.meeting(demo, date(2026, 11, 27))
    assert [s["status"] for s in meeting.figures["statuses"]] == ["at risk"]
    assert [(s["subject"], s["status"], s["note"]) for s in meeting.statuses()] == [
        ("W1", "on track", "Agreed at the meeting")
    ]
    assert list(review.status_history(demo, "W1")["meeting_held_on"].fillna("")) == ["", "2026-11-27"]


def test_a_meeting_opened_in_welsh_keeps_the_same_english_words(demo: Engine) -> None:
    """A snapshot keeps its words in English whoever opens the meeting (a Welsh pack says them again)."""
    from tracker.i18n import speaking
    from tracker.review.snapshot import build_snapshot

    english = build_snapshot(demo, date(2026, 11, 27))
    with speaking("cy"):
        welsh = build_snapshot(demo, date(2026, 11, 27))
    assert welsh == english
    assert "behind" in repr(english) or "on profile" in repr(english) or "overdue" in repr(english)
