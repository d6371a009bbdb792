"""Many people saving at once, on SQLite (a WAL file) and on PostgreSQL.

Every write must either land, with its audit event, or be refused with a
domain error: never "database is locked", never a lost write, never a
write without its audit record.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine, func, select

from db.models import AuditEvent, Commitment, Delivery, Milestone
from db.session import read_session
from tests.actors import ADMIN, admin
from tracker.records.announcements import create_announcement
from tracker.records.commitments import update_commitment
from tracker.records.deliveries import record_delivery
from tracker.records.editing import load_for_edit
from tracker.records.inputs import AnnouncementInput, CommitmentInput, DeliveryInput, MilestoneInput
from tracker.records.milestones import create_milestone
from tracker.records.problems import StaleEdit, ValidationFailed

THREADS = 8
WRITES_PER_THREAD = 250

FOUNDING = AnnouncementInput(
    ref="A1",
    announced_on="2019-10-31",
    title="Digital transformation funding",
    funder="Welsh Government",
    commitments=(
        CommitmentInput(
            ref="C1",
            purpose="CDO post and Delivery Unit",
            recipient="Welsh Local Government Association",
            kind="recurring",
            amount="£500k",
            first_year="2020-21",
            years="3",
        ),
    ),
)


def count(engine: Engine, model, *where) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def run_together(workers: list[Callable[[], None]]) -> list[BaseException]:
    """Start every worker at the same moment; every exception any of them saw."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def run(work: Callable[[], None]) -> None:
        start.wait()
        try:
            work()
        except BaseException as error:  # collected, so the test can show them all
            errors.append(error)

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_eight_people_saving_250_records_each_lose_nothing_and_audit_everything(each_engine: Engine) -> None:
    engine = each_engine
    create_announcement(FOUNDING, engine=engine, new_organisations_ok=True, actor=ADMIN)
    audits_before = count(engine, AuditEvent)

    def saver(t: int) -> Callable[[], None]:
        actor = admin(f"officer-{t}")

        def work() -> None:
            # Half the people record payments, half record milestones.
            for i in range(WRITES_PER_THREAD):
                if t % 2:
                    record_delivery(
                        DeliveryInput(ref=f"D-{t}-{i}", commitment_ref="C1", paid_on="2020-06-30", amount="£1,000.01"),
                        engine=engine,
                        actor=actor,
                    )
                else:
                    create_milestone(
                        MilestoneInput(ref=f"M-{t}-{i}", commitment_ref="C1", title=f"step {i}"),
                        engine=engine,
                        actor=actor,
                    )

        return work

    errors = run_together([saver(t) for t in range(THREADS)])

    assert errors == []
    writes = THREADS * WRITES_PER_THREAD
    deliveries, milestones = count(engine, Delivery), count(engine, Milestone)
    assert deliveries + milestones == writes
    assert deliveries == milestones == writes // 2
    assert count(engine, AuditEvent) - audits_before == writes
    assert (
        count(engine, AuditEvent, AuditEvent.entity.in_(["deliveries", "milestones"]), AuditEvent.action == "create")
        == writes
    )
    with read_session(engine) as session:
        assert session.scalar(select(func.sum(Delivery.amount_pence))) == 100_001 * (writes // 2)


def test_of_eight_people_saving_the_same_version_at_once_one_wins_and_the_rest_are_told(
    each_engine: Engine,
) -> None:
    engine = each_engine
    create_announcement(FOUNDING, engine=engine, new_organisations_ok=True, actor=ADMIN)
    form = load_for_edit("commitment", "C1", engine=engine)
    audits_before = count(engine, AuditEvent)
    saved: list[str] = []

    def saver(t: int) -> Callable[[], None]:
        def work() -> None:
            edited = CommitmentInput(**{**form.value.__dict__, "purpose": f"purpose by officer-{t}"})
            update_commitment("C1", edited, expected_version=form.version, engine=engine, actor=admin(f"officer-{t}"))
            saved.append(f"officer-{t}")

        return work

    errors = run_together([saver(t) for t in range(THREADS)])

    assert len(saved) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(error, StaleEdit) for error in errors), errors
    assert all(f"changed by {saved[0]} at" in str(error) for error in errors)
    with read_session(engine) as session:
        commitment = session.scalars(select(Commitment)).one()
        assert (commitment.purpose, commitment.version) == (f"purpose by {saved[0]}", form.version + 1)
    assert count(engine, AuditEvent) - audits_before == 1


def test_of_eight_people_recording_the_same_ref_at_once_one_wins_and_the_rest_hear_it_exists(
    each_engine: Engine,
) -> None:
    # On PostgreSQL all eight pass the "ref is free" check side by side; the
    # unique constraint stops seven at INSERT, and each is reported as the
    # duplicate ref it is, not as a database error.
    engine = each_engine
    create_announcement(FOUNDING, engine=engine, new_organisations_ok=True, actor=ADMIN)
    audits_before = count(engine, AuditEvent)

    def saver(t: int) -> Callable[[], None]:
        def work() -> None:
            record_delivery(
                DeliveryInput(ref="D-same", commitment_ref="C1", paid_on="2020-06-30", amount=f"£{t + 1}"),
                engine=engine,
                actor=admin(f"officer-{t}"),
            )

        return work

    errors = run_together([saver(t) for t in range(THREADS)])

    assert len(errors) == THREADS - 1
    assert all(isinstance(error, ValidationFailed) for error in errors), errors
    assert all(error.problems[0].field == "ref" and "already exists" in error.problems[0].expected for error in errors)
    assert count(engine, Delivery) == 1
    assert count(engine, AuditEvent) - audits_before == 1
