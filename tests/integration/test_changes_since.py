"""What changed since a day (tracker.figures.changes_since), read from the audit trail.

The founding example (A1 with C1 and C2, a payment D1 and a milestone M1) is
saved first, with A0's C5 made and deleted; then, after a moment noted
between the two, a second announcement (A2 with C3), a change of C1's amount
and areas, C2 deleted, a delivery and a milestone of C3, M1 met, C5 restored,
and a commitment C4 made and deleted again.
Every write goes through the use-cases, so the audit events are the ones a
person's writes make, at the times they were made. Only what came after the
moment is listed; C4, neither there before nor now, is not.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from db.models import AuditEvent, Commitment, Milestone
from db.session import read_session
from tests.integration.records_helpers import CDO, CDO_IN_POST, EDITOR, PAYMENT, SECOND, found, stored
from tracker.figures import changes_since as cs
from tracker.figures import data as queries
from tracker.i18n import speaking
from tracker.i18n.dates import long_date
from tracker.records.announcements import create_announcement
from tracker.records.commitments import update_commitment
from tracker.records.deletion import delete, restore
from tracker.records.deliveries import record_delivery
from tracker.records.inputs import AnnouncementInput, CommitmentInput, DeliveryInput, MilestoneInput
from tracker.records.milestones import create_milestone, update_milestone

LATER = AnnouncementInput(
    ref="A3",
    announced_on="2022-02-01",
    title="Withdrawn at once",
    funder="Welsh Government",
    commitments=(CommitmentInput(ref="C4", purpose="Gone again", recipient="Welsh councils", kind="one-off",
                                 amount="£10,000", first_year="2022-23"),),
)  # fmt: skip


EARLIER = AnnouncementInput(
    ref="A0",
    announced_on="2019-06-01",
    title="Deleted before, restored after",
    funder="Welsh Government",
    commitments=(CommitmentInput(ref="C5", purpose="Back again", recipient="Welsh councils", kind="one-off",
                                 amount="£20,000", first_year="2020-21"),),
)  # fmt: skip


def _newest_event_time(engine: Engine) -> datetime:
    with read_session(engine) as session:
        return session.scalar(select(func.max(AuditEvent.occurred_at)))


def _version(engine: Engine, model, ref: str) -> int:
    return stored(engine, model, ref).version


@pytest.fixture
def history(each_engine: Engine) -> tuple[Engine, datetime]:
    """The founding example, then the changes after a moment; the engine and the moment."""
    engine = each_engine
    found(engine)
    record_delivery(PAYMENT, engine=engine, actor=EDITOR)
    create_milestone(CDO_IN_POST, engine=engine, actor=EDITOR)
    create_announcement(EARLIER, engine=engine, actor=EDITOR)
    delete("commitment", "C5", expected_version=_version(engine, Commitment, "C5"), engine=engine, actor=EDITOR)
    moment = _newest_event_time(engine) + timedelta(microseconds=1)
    time.sleep(0.01)  # the writes below are later than the moment, on any clock's resolution

    create_announcement(SECOND, engine=engine, actor=EDITOR)
    update_commitment(
        "C1",
        CommitmentInput(**{**CDO.__dict__, "amount": "£600,000", "areas": "W06000015"}),
        expected_version=_version(engine, Commitment, "C1"),
        reason="correction",
        engine=engine,
        actor=EDITOR,
    )
    delete("commitment", "C2", expected_version=_version(engine, Commitment, "C2"), engine=engine, actor=EDITOR)
    record_delivery(
        DeliveryInput(ref="D2", commitment_ref="C3", paid_on="2021-07-01", amount="£250,000"),
        engine=engine,
        actor=EDITOR,
    )
    create_milestone(MilestoneInput(ref="M2", commitment_ref="C3", title="Squads hired"), engine=engine, actor=EDITOR)
    update_milestone(
        "M1",
        MilestoneInput(**{**CDO_IN_POST.__dict__, "achieved_on": "2020-05-15"}),
        expected_version=_version(engine, Milestone, "M1"),
        engine=engine,
        actor=EDITOR,
    )
    restore("commitment", "C5", engine=engine, actor=EDITOR)
    create_announcement(LATER, engine=engine, actor=EDITOR)
    delete("commitment", "C4", expected_version=_version(engine, Commitment, "C4"), engine=engine, actor=EDITOR)
    return engine, moment


def _changes(engine: Engine, since, shown_at_most: int = cs.SHOWN_AT_MOST) -> cs.Changes:
    return cs.changes_since(engine, queries.load(engine), since, shown_at_most)


def test_only_announcements_recorded_after_the_moment_are_listed_with_their_funder_and_total(history) -> None:
    engine, moment = history
    listed = _changes(engine, moment).announcements.rows

    assert list(listed["ref"]) == ["A3", "A2"]  # the latest first; A1 came before the moment
    second = listed.set_index("ref").loc["A2"]
    assert second["title"] == SECOND.title and second["funder"] == SECOND.funder
    assert second["total_pence"] == 300_000_000 + 190_000_000  # its profile: £3m and £1.9m
    assert second["address"] == "/announcements?ref=A2"
    assert second["recorded_at"] >= moment


def test_commitments_new_changed_and_deleted_since_are_told_apart_in_words(history) -> None:
    engine, moment = history
    rows = _changes(engine, moment).commitments.rows.set_index("ref")

    assert set(rows.index) == {"C1", "C2", "C3", "C5"}  # C4 was made and deleted since: not there then, nor now
    assert rows.loc["C1", "change"] == cs.CHANGED
    assert rows.loc["C1", "what"] == "Amount changed from £500,000 to £600,000; Areas added: Cardiff (W06000015)"
    assert rows.loc["C5", "change"] == cs.RESTORED
    assert rows.loc["C5", "what"] == "Restored"
    assert rows.loc["C2", "change"] == cs.DELETED
    assert rows.loc["C2", "what"].startswith("Deleted. Ref: C2; Purpose: Council digital transformation")
    assert rows.loc["C3", "change"] == cs.NEW
    assert rows.loc["C3", "what"].startswith("Ref: C3; Purpose: Digital squads; Kind: profiled")
    assert rows.loc["C1", "address"] == "/announcements?ref=A1"


def test_deliveries_and_milestones_since_are_listed_and_those_before_are_not(history) -> None:
    engine, moment = history
    changes = _changes(engine, moment)

    deliveries = changes.deliveries.rows
    assert list(deliveries["ref"]) == ["D2"]  # D1 was paid before the moment
    assert list(deliveries["commitment_ref"]) == ["C3"] and list(deliveries["amount_pence"]) == [25_000_000]
    assert list(deliveries["paid_on"]) == [date(2021, 7, 1)]
    milestones = changes.milestones.rows.set_index("title")
    assert dict(milestones["change"]) == {"CDO in post": cs.MET, "Squads hired": cs.ADDED}
    assert milestones.loc["CDO in post", "achieved_on"] == date(2020, 5, 15)


def test_the_counts_are_the_lists_lengths_and_the_sentence_says_them(history) -> None:
    engine, moment = history
    whole = _changes(engine, moment)
    lists = (whole.announcements, whole.commitments, whole.deliveries, whole.milestones)

    assert [listed.count for listed in lists] == [len(listed.rows) for listed in lists]
    for most in range(4):  # a shorter list still counts every one
        short = _changes(engine, moment, shown_at_most=most)
        for listed, every in zip(
            (short.announcements, short.commitments, short.deliveries, short.milestones), lists, strict=True
        ):
            assert listed.count == every.count
            assert len(listed.rows) == min(most, every.count)
            assert listed.more == every.count - len(listed.rows)
            assert list(listed.rows.iloc[:, 0]) == list(every.rows.iloc[:most, 0])  # the same, latest first
    assert whole.sentence() == (
        f"Since {whole.since.day} {whole.since:%B %Y}: 2 new announcements, 4 commitments changed, "
        "1 delivery, 2 milestones added or met."
    )


def test_a_day_counts_from_its_start_in_utc(history) -> None:
    engine, _moment = history
    today = datetime.now(UTC).date()

    everything = _changes(engine, today - timedelta(days=1))
    assert set(everything.announcements.rows["ref"]) == {"A0", "A1", "A2", "A3"}
    commitments = everything.commitments.rows
    assert dict(zip(commitments["ref"], commitments["change"])) == {"C1": cs.NEW, "C3": cs.NEW, "C5": cs.NEW}
    nothing = _changes(engine, today + timedelta(days=1))
    assert nothing.is_empty
    assert nothing.sentence() == f"Since {nothing.since.day} {nothing.since:%B %Y}: nothing recorded or changed."


def test_what_was_read_once_is_said_in_each_readers_language(history) -> None:
    """The Overview keeps one read for everyone: its lists, sentence and areas are said in the reader's language."""
    engine, moment = history
    changes = _changes(engine, moment)  # read once, as the page's cache does

    with speaking("cy"):
        rows = changes.commitments.rows.set_index("ref")
        assert rows.loc["C1", "change"] == "Newidiwyd"
        assert rows.loc["C1", "what"].endswith("; Ardaloedd a ychwanegwyd: Caerdydd (W06000015)")
        assert rows.loc["C2", "change"] == "Dilëwyd" and rows.loc["C2", "what"].startswith("Dilëwyd. ")
        assert rows.loc["C3", "change"] == "Newydd" and rows.loc["C5", "change"] == "Adferwyd"
        milestones = changes.milestones.rows.set_index("title")
        assert dict(milestones["change"]) == {"CDO in post": "Cyrhaeddwyd", "Squads hired": "Ychwanegwyd"}
        assert list(changes.deliveries.rows["kind"]) == ["alldaliad"]
        assert changes.sentence() == (
            f"Ers {long_date(changes.since)}: 2 cyhoeddiad newydd, 4 ymrwymiad wedi newid, 1 cyflawniad, "
            "2 garreg filltir wedi'u hychwanegu neu eu cyrraedd."
        )
        assert "Tachwedd" in long_date(date(2026, 11, 3))
    rows = changes.commitments.rows.set_index("ref")  # and in English again, from the same read
    assert rows.loc["C1", "change"] == cs.CHANGED
    assert rows.loc["C1", "what"].endswith("; Areas added: Cardiff (W06000015)")
    assert list(changes.deliveries.rows["kind"]) == ["disbursement"]
    assert set(changes.commitments.read["change"]) == {cs.CHANGED, cs.DELETED, cs.NEW, cs.RESTORED}  # kept as keys
