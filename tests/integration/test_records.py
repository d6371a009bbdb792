"""The form use-cases in tracker.records against a real database.

Each write is validated with the importer's rules, permitted, saved and
audited (one event per changed row) in one transaction; a refused write
changes nothing at all. Tests taking ``each_engine`` run on SQLite and on
PostgreSQL; those taking ``engine`` run on whichever the run uses.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm.attributes import set_committed_value

from db.models import (
    Announcement,
    AuditEvent,
    Commitment,
    CommitmentBaseline,
    CommitmentRevision,
    Delivery,
    Milestone,
    Organisation,
    ProfileLine,
)
from db.session import read_session
from tests.actors import admin
from tracker.core.fiscal import FinancialYear
from tracker.core.vocabulary import REVISION_REASONS
from tracker.figures import data as queries
from tracker.records.announcements import create_announcement, preview_schedule, update_announcement
from tracker.records.commitments import create_commitment, update_commitment
from tracker.records.deletion import delete, restore
from tracker.records.deliveries import record_delivery, update_delivery
from tracker.records.editing import load_for_edit
from tracker.records.inputs import AnnouncementInput, CommitmentInput, DeliveryInput, MilestoneInput
from tracker.records.milestones import create_milestone, update_milestone
from tracker.records.permissions import Actor, PermissionDenied
from tracker.records.problems import Conflict, FieldProblem, NotFound, StaleEdit, ValidationFailed
from tracker.records.revisions import baseline_vs_revised
from tracker.records.unit_of_work import UnitOfWork

EDITOR = admin("test:officer")  # every right, like the local user
ADMIN = Actor(name="test:admin", roles=frozenset({"admin"}))
NOT_ADMIN = Actor("x", frozenset({"editor"}))
VIEWER = Actor("test:viewer", frozenset({"viewer"}))

MODELS = {
    "organisations": Organisation,
    "announcements": Announcement,
    "commitments": Commitment,
    "profile_lines": ProfileLine,
    "deliveries": Delivery,
    "milestones": Milestone,
    "commitment_baselines": CommitmentBaseline,
    "commitment_revisions": CommitmentRevision,
    "audit_events": AuditEvent,
}

CDO = CommitmentInput(
    ref="C1",
    purpose="Chief Digital Officer post and Delivery Unit",
    recipient="Welsh Local Government Association",
    kind="recurring",
    amount="£500,000",
    first_year="2020-21",
    years="3",
)
TRANSFORMATION = CommitmentInput(
    ref="C2",
    purpose="Council digital transformation",
    recipient="Welsh councils",
    kind="one-off",
    amount="£1m",
    first_year="next financial year",
    qualifier="over",
)
FOUNDING = AnnouncementInput(
    ref="A1",
    announced_on="31/10/2019",
    title="Digital transformation funding for local government",
    funder="Welsh Government",
    made_by="Minister for Housing and Local Government",
    source_url="https://gov.wales/digital-funding",
    quote="over £1m will be made available",
    commitments=(CDO, TRANSFORMATION),
)
# A second announcement by known organisations, for the refusal table below.
SECOND = AnnouncementInput(
    ref="A2",
    announced_on="2021-01-12",
    title="Digital squads",
    funder="Welsh Government",
    commitments=(
        CommitmentInput(
            ref="C3",
            purpose="Digital squads",
            recipient="Welsh councils",
            kind="profiled",
            amount="",
            first_year="2021-22",
            profile="2021-22=£3m;2022-23=£1.9m",
        ),
    ),
)
PAYMENT = DeliveryInput(ref="D1", commitment_ref="C1", paid_on="2020-06-30", amount="£125,000")
CDO_IN_POST = MilestoneInput(ref="M1", commitment_ref="C1", title="CDO in post", due_on="2020-04-01")


def row_counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {name: session.scalar(select(func.count()).select_from(model)) for name, model in MODELS.items()}


def audit_events(engine: Engine, after_id: int = 0) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)))


def last_audit_id(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def stored(engine: Engine, model, ref: str):
    with read_session(engine) as session:
        return session.scalars(select(model).where(model.ref == ref)).one()


def committed_by_year(engine: Engine) -> dict[str, int]:
    frame = queries.totals(engine=engine)
    return {FinancialYear(int(y)).label: int(c) for y, c in zip(frame["financial_year"], frame["committed"])}


def delivered_total(engine: Engine) -> int:
    return int(queries.totals(engine=engine)["delivered"].sum())


def found(engine: Engine) -> None:
    """The founding example, its organisations created on first mention."""
    create_announcement(FOUNDING, engine=engine, actor=EDITOR, new_organisations_ok=True)


def the_problem(err: pytest.ExceptionInfo[ValidationFailed], field: str) -> FieldProblem:
    matching = err.value.for_field(field)
    assert matching, f"no problem with {field}: {err.value.problems}"
    return matching[0]


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
        _second_with(kind="one-off", amount="0", profile=""),
        "commitments[0].amount",
        "expected an amount greater than zero",
        id="zero-amount",
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
        _second_with(kind="recurring", amount="£1m", years="", profile=""),
        "commitments[0].years",
        "required for a recurring commitment",
        id="recurring-blank-years",
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
        "expected one-off, recurring or profiled",
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
        commitments=(dataclasses.replace(CDO, ref="C1", amount="0", years="0"),),
    )
    with pytest.raises(ValidationFailed) as err:
        create_announcement(bad, engine=engine, actor=EDITOR)
    assert {p.field for p in err.value.problems} >= {
        "announced_on",
        "title",
        "commitments[0].amount",
        "commitments[0].years",
    }


REFUSED_DELIVERIES = [
    pytest.param(dataclasses.replace(PAYMENT, paid_on="31/02/2020"), "paid_on", "no such date", id="impossible-date"),
    pytest.param(dataclasses.replace(PAYMENT, amount="0"), "amount", "expected a non-zero amount", id="zero-amount"),
    pytest.param(dataclasses.replace(PAYMENT, kind="grant"), "kind", "expected payment or spend", id="bad-kind"),
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
        kind="payment",
        evidence_url="https://example.org/p",
        illustrative=True,
    )
    assert load_for_edit("milestone", "M1", engine=engine).value == CDO_IN_POST
    with pytest.raises(NotFound):
        load_for_edit("commitment", "C99", engine=engine)


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


# --- revisions keep the baseline ----------------------------------------------------------------

REPROFILED = dataclasses.replace(
    CDO, kind="profiled", amount="", years="", profile="2020-21=£250k;2021-22=£750k;2022-23=£500k"
)


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
