"""Announcements through tracker.records against a real database: creating one with
its commitments, refusing an invalid one (naming every field, changing nothing),
editing one, and the preview of its schedule that writes nothing.

Tests taking ``each_engine`` run on SQLite and on PostgreSQL; those taking
``engine`` run on whichever the run uses.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import Engine, select

from db.models import Announcement, Commitment, Organisation, ProfileLine
from db.session import read_session
from tests.integration.records_helpers import (
    CDO,
    EDITOR,
    FOUNDING,
    MODELS,
    SECOND,
    TRANSFORMATION,
    audit_events,
    committed_by_year,
    found,
    last_audit_id,
    row_counts,
    stored,
    the_problem,
)
from tracker.core.fiscal import FinancialYear
from tracker.records.announcements import create_announcement, preview_schedule, update_announcement
from tracker.records.commitments import create_commitment
from tracker.records.editing import load_for_edit
from tracker.records.inputs import AnnouncementInput
from tracker.records.problems import ValidationFailed

# --- creating an announcement -------------------------------------------------------


def test_creating_an_announcement_saves_it_with_its_commitments_and_their_money(engine: Engine) -> None:
    announcement_id = create_announcement(FOUNDING, engine=engine, actor=EDITOR, new_organisations_ok=True)

    with read_session(engine) as session:
        announcement = session.get(Announcement, announcement_id)
        assert (announcement.ref, announcement.announced_on, announcement.funder.name) == (
            "A1",
            date(2019, 10, 31),
            "Welsh Government",
        )
        assert announcement.quote == "over £1m will be made available"
        c2 = session.scalars(select(Commitment).where(Commitment.ref == "C2")).one()
        # "next financial year", said on 31 October 2019, means 2020-21.
        assert (c2.first_year, c2.amount_pence, c2.qualifier) == (FinancialYear(2020), 100_000_000, "over")
    assert committed_by_year(engine) == {"2020-21": 150_000_000, "2021-22": 50_000_000, "2022-23": 50_000_000}


def test_creating_an_announcement_writes_one_create_event_per_row_naming_the_actor(engine: Engine) -> None:
    create_announcement(SECOND, engine=engine, actor=EDITOR, new_organisations_ok=True)

    with read_session(engine) as session:
        created = sorted(
            (model.__tablename__, row_id)
            for model in (Organisation, Announcement, Commitment, ProfileLine)
            for row_id in session.scalars(select(model.id))
        )
    events = audit_events(engine)
    assert len(created) == 2 + 1 + 1 + 2  # funder and recipient, announcement, commitment, two profile years
    assert sorted((e.entity, e.entity_id) for e in events) == created
    assert {(e.actor, e.action) for e in events} == {(EDITOR.name, "create")}
    assert all(e.before is None for e in events)
    (commitment_event,) = [e for e in events if e.entity == "commitments"]
    assert (commitment_event.after["ref"], commitment_event.after["amount_pence"]) == ("C3", 490_000_000)


def test_a_commitment_can_re_announce_another_in_the_same_announcement(engine: Engine) -> None:
    again = dataclasses.replace(TRANSFORMATION, ref="C2-again", reannounces="C2")
    create_announcement(
        dataclasses.replace(FOUNDING, commitments=(CDO, TRANSFORMATION, again)),
        engine=engine,
        actor=EDITOR,
        new_organisations_ok=True,
    )

    with read_session(engine) as session:
        copy = session.scalars(select(Commitment).where(Commitment.ref == "C2-again")).one()
        assert copy.reannounces.ref == "C2"
    assert committed_by_year(engine)["2020-21"] == 150_000_000  # counted once


def test_a_form_naming_an_unknown_organisation_is_refused_unless_new_ones_are_allowed(engine: Engine) -> None:
    with pytest.raises(ValidationFailed) as err:
        create_announcement(FOUNDING, engine=engine, actor=EDITOR)

    assert str(the_problem(err, "commitments[0].recipient")) == (
        "commitments[0].recipient 'Welsh Local Government Association': no organisation called "
        "'Welsh Local Government Association': pick one from the list or add it"
    )
    assert the_problem(err, "funder").value == "Welsh Government"
    assert row_counts(engine) == {name: 0 for name in MODELS}


# --- refusing bad input: every table (and the audit trail) stays as it was ------------------


def _second_with(**changes: str) -> AnnouncementInput:
    return dataclasses.replace(SECOND, commitments=(dataclasses.replace(SECOND.commitments[0], **changes),))


REFUSED_ANNOUNCEMENTS = [
    pytest.param(
        _second_with(kind="profiled", profile="2020-21=£1m;2021-22=£1m", first_year="2021-22"),
        "commitments[0].first_year",
        "expected the first year of the profile, 2020-21",
        id="end-before-start",
    ),
    pytest.param(
        _second_with(kind="one-off", amount="-£500", profile=""),
        "commitments[0].amount",
        "expected an amount of zero or more",
        id="negative-amount",
    ),
    pytest.param(
        _second_with(recipient="Nobody Borough Council"),
        "commitments[0].recipient",
        "no organisation called 'Nobody Borough Council': pick one from the list or add it",
        id="unknown-recipient",
    ),
    pytest.param(
        _second_with(kind="recurring", amount="£1m", years="0", profile=""),
        "commitments[0].years",
        "expected a whole number of years from 1 to 50",
        id="recurring-0-years",
    ),
    pytest.param(
        _second_with(ref="C1"),
        "commitments[0].ref",
        "a commitment with this ref already exists: give a new ref",
        id="duplicate-ref-in-database",
    ),
    pytest.param(
        dataclasses.replace(SECOND, commitments=(SECOND.commitments[0], SECOND.commitments[0])),
        "commitments[1].ref",
        "duplicate ref: already used by commitments[0]",
        id="duplicate-ref-within-the-input",
    ),
    pytest.param(
        dataclasses.replace(SECOND, ref="A1"),
        "ref",
        "an announcement with this ref already exists: give a new ref",
        id="duplicate-announcement-ref",
    ),
    pytest.param(
        dataclasses.replace(SECOND, announced_on="31/02/2020"), "announced_on", "no such date", id="impossible-date"
    ),
    pytest.param(
        _second_with(first_year="2021-23", profile="", kind="one-off", amount="£1m"),
        "commitments[0].first_year",
        "a financial year spans two consecutive years",
        id="bad-fy",
    ),
    pytest.param(
        _second_with(kind="annually-ish"),
        "commitments[0].kind",
        "expected one-off, recurring, profiled or multi-year",
        id="bad-kind",
    ),
    pytest.param(
        _second_with(reannounces="C99"),
        "commitments[0].reannounces",
        "expected the ref of an earlier commitment in the database",
        id="unknown-reannounced-ref",
    ),
    pytest.param(
        dataclasses.replace(SECOND, source_url="javascript:alert(1)"),
        "source_url",
        "expected a web address starting with https:// or http://",
        id="not-a-web-address",
    ),
]


@pytest.mark.parametrize(("inp", "field", "expected"), REFUSED_ANNOUNCEMENTS)
def test_an_invalid_announcement_is_refused_naming_the_field_and_changes_nothing(
    engine: Engine, inp: AnnouncementInput, field: str, expected: str
) -> None:
    found(engine)
    before = row_counts(engine)

    with pytest.raises(ValidationFailed) as err:
        create_announcement(inp, engine=engine, actor=EDITOR)

    assert expected in the_problem(err, field).expected
    assert row_counts(engine) == before


def test_a_problem_reads_as_field_value_and_what_was_expected(engine: Engine) -> None:
    found(engine)
    with pytest.raises(ValidationFailed) as err:
        create_commitment(
            "A1", dataclasses.replace(TRANSFORMATION, ref="C9", amount="£1.2.3m"), engine=engine, actor=EDITOR
        )
    assert str(err.value) == "amount '£1.2.3m': expected an amount like 1000000, £1,000,000.50, £1.5m or £500k"


def test_every_problem_in_a_form_is_reported_at_once(engine: Engine) -> None:
    found(engine)
    bad = AnnouncementInput(
        ref="A3",
        announced_on="31/02/2020",
        title="",
        funder="Welsh Government",
        commitments=(dataclasses.replace(CDO, ref="C1", amount="-£1", years="0"),),
    )
    with pytest.raises(ValidationFailed) as err:
        create_announcement(bad, engine=engine, actor=EDITOR)
    assert {p.field for p in err.value.problems} >= {
        "announced_on",
        "title",
        "commitments[0].amount",
        "commitments[0].years",
    }


# --- editing: one update event, before and after ----------------------------------------------


def test_editing_an_announcement_saves_it_with_one_update_event(engine: Engine) -> None:
    found(engine)
    loaded = load_for_edit("announcement", "A1", engine=engine)
    since = last_audit_id(engine)

    version = update_announcement(
        "A1",
        dataclasses.replace(loaded.value, title="Local government digital funding"),
        expected_version=loaded.version,
        engine=engine,
        actor=EDITOR,
    )

    assert version == loaded.version + 1
    assert stored(engine, Announcement, "A1").title == "Local government digital funding"
    (event,) = audit_events(engine, since)
    assert (event.actor, event.action, event.entity) == (EDITOR.name, "update", "announcements")
    assert (event.before["title"], event.after["title"]) == (
        "Digital transformation funding for local government",
        "Local government digital funding",
    )
    assert (event.before["version"], event.after["version"]) == (1, 2)


# --- preview ---------------------------------------------------------------------------------------


def test_the_preview_shows_each_commitments_money_by_year_and_writes_nothing(engine: Engine) -> None:
    schedule, problems = preview_schedule(FOUNDING)

    assert problems == []
    assert list(schedule.columns) == ["2020-21", "2021-22", "2022-23"]
    assert schedule.loc["C1"].tolist() == [50_000_000] * 3
    assert schedule.loc["C2"].tolist() == [100_000_000, 0, 0]
    assert (schedule.dtypes == "int64").all()

    _, problems = preview_schedule(FOUNDING, engine=engine)
    assert {p.field for p in problems} == {"funder", "commitments[0].recipient", "commitments[1].recipient"}
    assert preview_schedule(FOUNDING, engine=engine, new_organisations_ok=True)[1] == []
    assert row_counts(engine) == {name: 0 for name in MODELS}


def test_the_preview_lists_the_problems_and_shows_the_valid_commitments(engine: Engine) -> None:
    bad = dataclasses.replace(FOUNDING, commitments=(CDO, dataclasses.replace(TRANSFORMATION, amount="£1.2.3m")))
    schedule, problems = preview_schedule(bad)
    assert [str(p) for p in problems] == [
        "commitments[1].amount '£1.2.3m': expected an amount like 1000000, £1,000,000.50, £1.5m or £500k"
    ]
    assert list(schedule.index) == ["C1"]
