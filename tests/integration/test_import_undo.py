"""Undoing an import as one unit (``tracker.imports.undo``), on SQLite and PostgreSQL.

What an import created is soft-deleted (an admin can restore it), what it
changed is put back (a commitment's money as a revision), every change is
audited with the import's id, and an undo that would lose someone's later
change is refused whole, changing nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from db.models import (
    ActivityLink,
    Announcement,
    AuditEvent,
    Commitment,
    Delivery,
    Import,
    Organisation,
    PlannedBudget,
    ProfileLine,
)
from db.session import read_session
from tests.actors import admin
from tracker.core.fiscal import FinancialYear
from tracker.demo import load_demo
from tracker.figures import totals_data
from tracker.imports import history
from tracker.imports.apply import ImportOutcome, apply_plan, import_file
from tracker.imports.plan import plan_import
from tracker.imports.undo import UndoRefused, undo_import
from tracker.records import commitments as commitment_writes
from tracker.records import deletion
from tracker.records.inputs import CommitmentInput
from tracker.records.permissions import Actor, PermissionDenied
from tracker.records.problems import Conflict, NotFound
from tracker.records.revisions import baseline_vs_revised, revision_history

IMPORTER = admin("test:importer")
UNDOER = admin("test:undoer")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

HEADER = "ref,announcement_ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,profile,areas\n"
# New announcements (N1, N2) and organisations (Powys Digital Partnership, Gwynedd Data Lab); a
# commitment in the demo's announcement A1 from its funder; a profiled one; areas.
NEW_COMMITMENTS = HEADER + (
    "N1,N1,2024-05-01,Welsh Government,Powys Digital Partnership,Data platform,recurring,£200k,2024-25,3,,W06000023\n"
    "N2,N1,2024-05-01,Welsh Government,Gwynedd Data Lab,Open data,one-off,£75k,2024-25,,,\n"
    "N3,N2,2024-09-01,Welsh Government,Powys Digital Partnership,Skills,profiled,,2024-25,,"
    "2024-25=£100k;2025-26=£150k,W06000023;W06000002\n"
    "N4,A1,2019-10-25,Welsh Government,Welsh councils,Added to an old announcement,one-off,£10k,2020-21,,,\n"
)
NEW_DELIVERIES = (
    "ref,commitment_ref,paid_on,amount,kind,note,illustrative\n"
    "ND1,N1,2024-06-30,£50k,disbursement,first,no\n"
    "ND2,N3,2024-10-01,£25k,expenditure,,no\n"
    "ND3,W1,2023-03-01,£1k,disbursement,on a demo commitment,no\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _import(engine: Engine, kind: str, path: Path, **options) -> ImportOutcome:
    outcome = import_file(kind, path, engine=engine, actor=IMPORTER, **options)
    assert outcome.import_id is not None
    return outcome


def _totals(engine: Engine) -> str:
    return totals_data.report(totals_data.load(engine), form="csv")


def _events(engine: Engine, **where) -> list[AuditEvent]:
    with read_session(engine) as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        return list(session.scalars(query))


def _count(engine: Engine, model, *where) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _commitment(engine: Engine, ref: str) -> Commitment:
    with read_session(engine) as session:
        found = session.scalars(select(Commitment).where(Commitment.ref == ref)).one()
        _ = found.profile_lines, found.areas
        return found


def _terms(commitment: Commitment) -> tuple:
    return (
        commitment.kind,
        commitment.amount_pence,
        commitment.first_year,
        commitment.years,
        tuple((line.financial_year, line.amount_pence) for line in commitment.profile_lines),
        tuple(area.gss_code for area in commitment.areas),
    )


def _state(engine: Engine) -> tuple:
    """Everything an undo may touch, to show a refused undo changed nothing."""
    with read_session(engine) as session:
        rows = tuple(
            tuple(session.execute(select(model.id, model.version).order_by(model.id)).all())
            for model in (Announcement, Commitment, Delivery, Organisation, ProfileLine, PlannedBudget)
        )
        undone = tuple(session.execute(select(Import.id, Import.undone_at).order_by(Import.id)).all())
    return rows, undone, len(_events(engine))


# --- what an import created ----------------------------------------------------------------


def test_undoing_imports_deletes_what_they_created_and_the_totals_are_as_before(each_engine: Engine, tmp_path):
    load_demo(each_engine, actor=IMPORTER)
    before = _totals(each_engine)
    organisations_before = _count(each_engine, Organisation)
    commitments = _import(each_engine, "commitments", _write(tmp_path, "new.csv", NEW_COMMITMENTS))
    deliveries = _import(each_engine, "deliveries", _write(tmp_path, "paid.csv", NEW_DELIVERIES))
    assert commitments.details.created == {"organisation": 2, "announcement": 2, "commitment": 4}
    assert _totals(each_engine) != before

    # The deliveries import hangs on the commitments import's rows: that one first.
    with pytest.raises(UndoRefused) as refused:
        undo_import(commitments.import_id, engine=each_engine, actor=UNDOER)
    assert any("delivery ND1" in reason and "commitment N1" in reason for reason in refused.value.reasons)
    assert any("delivery ND2" in reason and "commitment N3" in reason for reason in refused.value.reasons)
    assert not any("ND3" in reason for reason in refused.value.reasons)  # on a demo commitment

    said = undo_import(deliveries.import_id, engine=each_engine, actor=UNDOER)
    assert dict(said.deleted) == {"delivery": 3}
    said = undo_import(commitments.import_id, engine=each_engine, actor=UNDOER)
    assert dict(said.deleted) == {"commitment": 4, "announcement": 2} and dict(said.kept) == {"organisation": 2}

    assert _totals(each_engine) == before
    with read_session(each_engine) as session:
        for model, refs in (
            (Commitment, {"N1", "N2", "N3", "N4"}),
            (Announcement, {"N1", "N2"}),
            (Delivery, {"ND1", "ND2", "ND3"}),
        ):
            rows = session.scalars(select(model).where(model.ref.in_(refs))).all()
            assert {row.ref for row in rows} == refs and all(row.deleted_at is not None for row in rows)
        assert session.scalars(select(Announcement).where(Announcement.ref == "A1")).one().deleted_at is None
    assert _count(each_engine, Organisation) == organisations_before + 2  # kept: the deleted records name them

    # Audited: one "delete" per record, by whoever undid it, carrying the import's id.
    undo_events = [e for e in _events(each_engine, import_id=commitments.import_id) if e.actor == UNDOER.name]
    assert sorted((e.entity, e.action) for e in undo_events) == sorted(
        [("commitments", "delete")] * 4 + [("announcements", "delete")] * 2
    )
    assert all(e.before["deleted_at"] is None and e.after["deleted_at"] for e in undo_events)
    listed = {one.id: one for one in history.recent(each_engine)}
    assert listed[commitments.import_id].undone_by == UNDOER.name and listed[commitments.import_id].undone_at
    assert (listed[commitments.import_id].created, listed[commitments.import_id].updated) == (4, 0)

    # An admin can restore what an undo deleted, as any deletion.
    deletion.restore("announcement", "N1", engine=each_engine, actor=UNDOER)
    deletion.restore("commitment", "N2", engine=each_engine, actor=UNDOER)
    assert _commitment(each_engine, "N2").deleted_at is None
    assert _totals(each_engine) != before


def test_undoing_twice_is_refused(each_engine: Engine, tmp_path):
    outcome = _import(each_engine, "commitments", _write(tmp_path, "new.csv", NEW_COMMITMENTS))
    undo_import(outcome.import_id, engine=each_engine, actor=UNDOER)
    state = _state(each_engine)

    with pytest.raises(Conflict, match=rf"import {outcome.import_id} was undone already, by test:undoer at "):
        undo_import(outcome.import_id, engine=each_engine, actor=UNDOER)
    assert _state(each_engine) == state
    with pytest.raises(NotFound, match="there is no import 999"):
        undo_import(999, engine=each_engine, actor=UNDOER)


# --- what an import changed --------------------------------------------------------------------

CHANGED_COMMITMENTS = HEADER + (
    "N1,N1,2024-05-01,Welsh Government,Powys Digital Partnership,Data platform,recurring,£250k,2024-25,3,,"
    "W06000002;W06000015\n"
    "N2,N1,2024-05-01,Welsh Government,Gwynedd Data Lab,Open data,one-off,£75k,2024-25,,,\n"
    "N3,N2,2024-09-01,Welsh Government,Powys Digital Partnership,Skills,profiled,,2024-25,,"
    "2024-25=£50k;2026-27=£200k,W06000023\n"
    "N4,A1,2019-10-25,Welsh Government,Cardiff Digital Hub,Added to an old announcement,one-off,£10k,2020-21,,,\n"
    "N5,N2,2024-09-01,Welsh Government,Powys Digital Partnership,New in the second file,one-off,£1k,2024-25,,,\n"
)


def test_an_import_that_changed_commitments_is_put_back_money_areas_and_revisions(each_engine: Engine, tmp_path):
    _import(each_engine, "commitments", _write(tmp_path, "first.csv", NEW_COMMITMENTS))
    before = _totals(each_engine)
    terms = {ref: _terms(_commitment(each_engine, ref)) for ref in ("N1", "N3", "N4")}
    recipient_n4 = _commitment(each_engine, "N4").recipient_id

    second = _import(each_engine, "commitments", _write(tmp_path, "second.csv", CHANGED_COMMITMENTS), reason="slippage")
    assert (second.created, second.updated, second.unchanged) == (1, 3, 1)
    assert _terms(_commitment(each_engine, "N3"))[4] == (
        (FinancialYear(2024), 5_000_000),
        (FinancialYear(2026), 20_000_000),
    )

    said = undo_import(second.import_id, engine=each_engine, actor=UNDOER)

    assert dict(said.put_back) == {"commitment": 3} and dict(said.deleted) == {"commitment": 1}
    assert _totals(each_engine) == before
    for ref, was in terms.items():
        assert _terms(_commitment(each_engine, ref)) == was, ref
    assert _commitment(each_engine, "N4").recipient_id == recipient_n4
    assert _commitment(each_engine, "N5").deleted_at is not None
    # The money's history: the import's revision, then the undo's, back to the terms as first committed.
    history_n3 = revision_history(each_engine, "N3")
    assert list(history_n3["reason"]) == ["slippage", "correction"]
    assert list(history_n3["actor"]) == [IMPORTER.name, UNDOER.name]
    assert history_n3["reason_text"].iloc[1] == f"undo of import {second.import_id}"
    assert history_n3["after"].iloc[1] == history_n3["before"].iloc[0]
    assert history_n3["before"].iloc[1] == history_n3["after"].iloc[0]
    schedule = baseline_vs_revised(each_engine, "N3")
    assert list(schedule["original_pence"]) == list(schedule["revised_pence"])
    assert list(revision_history(each_engine, "N2")["reason"]) == []  # unchanged: no revision either way


def test_an_undo_is_refused_when_a_row_was_changed_since_and_changes_nothing(each_engine: Engine, tmp_path):
    first = _import(each_engine, "commitments", _write(tmp_path, "first.csv", NEW_COMMITMENTS))
    second = _import(each_engine, "commitments", _write(tmp_path, "second.csv", CHANGED_COMMITMENTS), reason="slippage")
    alice = Actor("alice", frozenset({"editor"}))
    n1 = _commitment(each_engine, "N1")
    commitment_writes.update_commitment(
        "N1",
        CommitmentInput(
            ref="N1",
            purpose="Data platform, renamed by hand",
            recipient="Powys Digital Partnership",
            kind="recurring",
            amount="250000",
            first_year="2024-25",
            years="3",
            areas="W06000002;W06000015",
        ),
        expected_version=n1.version,
        engine=each_engine,
        actor=alice,
    )
    state = _state(each_engine)

    for undone in (second, first):  # what it changed, and what it created
        with pytest.raises(UndoRefused) as refused:
            undo_import(undone.import_id, engine=each_engine, actor=UNDOER)
        assert [r for r in refused.value.reasons if "N1" in r] == [
            f"commitment N1 was changed since the import, by alice at {r.split(' at ', 1)[1]}"
            for r in refused.value.reasons
            if "N1" in r
        ]
        assert len([r for r in refused.value.reasons if "commitment N1 was changed since" in r]) == 1
        assert "nothing was changed" in str(refused.value)
        assert _state(each_engine) == state
    assert _commitment(each_engine, "N5").deleted_at is None


def test_undoing_the_later_import_first_lets_the_earlier_one_be_undone(each_engine: Engine, tmp_path):
    before = _totals(each_engine)
    first = _import(each_engine, "commitments", _write(tmp_path, "first.csv", NEW_COMMITMENTS))
    second = _import(each_engine, "commitments", _write(tmp_path, "second.csv", CHANGED_COMMITMENTS), reason="slippage")
    with pytest.raises(UndoRefused, match="import " + str(second.import_id)):
        undo_import(first.import_id, engine=each_engine, actor=UNDOER)

    undo_import(second.import_id, engine=each_engine, actor=UNDOER)
    undo_import(first.import_id, engine=each_engine, actor=UNDOER)  # the second's changes were put back

    assert _totals(each_engine) == before
    assert _count(each_engine, Commitment, Commitment.deleted_at.is_(None)) == 0


# --- every audit event of an import carries its id -------------------------------------------------


def test_every_audit_event_an_import_writes_carries_its_id(each_engine: Engine, tmp_path):
    first = _import(each_engine, "commitments", _write(tmp_path, "first.csv", NEW_COMMITMENTS))
    newest = _events(each_engine)[-1].id
    second = _import(each_engine, "commitments", _write(tmp_path, "second.csv", CHANGED_COMMITMENTS), reason="slippage")
    written = [e for e in _events(each_engine) if e.id > newest]

    assert {e.import_id for e in written} == {second.import_id}
    # Bulk (INSERT ... SELECT), ORM, and the edit use-cases joined to the import's transaction:
    kinds = {(e.entity, e.action) for e in written}
    assert {
        ("commitments", "create"),  # N5, in bulk
        ("commitments", "update"),  # update_commitment
        ("organisations", "create"),  # Cardiff Digital Hub, named by an update
        ("commitment_revisions", "create"),
        ("commitment_baselines", "create"),
        ("profile_lines", "delete"),
        ("profile_lines", "update"),
        ("profile_lines", "create"),
        ("commitment_areas", "delete"),
        ("commitment_areas", "create"),
    } <= kinds
    assert {e.import_id for e in _events(each_engine) if e.id <= newest} == {first.import_id}
    # A write that is not an import carries none.
    deletion.delete(
        "commitment", "N2", expected_version=_commitment(each_engine, "N2").version, engine=each_engine, actor=UNDOER
    )
    assert _events(each_engine)[-1].import_id is None


# --- who may undo --------------------------------------------------------------------------------


def test_undoing_needs_what_importing_such_a_file_needs(each_engine: Engine, tmp_path):
    load_demo(each_engine, actor=IMPORTER)
    commitments = _import(each_engine, "commitments", _write(tmp_path, "new.csv", NEW_COMMITMENTS))
    deliveries = _import(each_engine, "deliveries", _write(tmp_path, "paid.csv", NEW_DELIVERIES))
    finance = Actor("fiona", frozenset({"finance"}))
    state = _state(each_engine)

    with pytest.raises(PermissionDenied, match="import commitments"):
        undo_import(commitments.import_id, engine=each_engine, actor=finance)
    assert _state(each_engine) == state
    undo_import(deliveries.import_id, engine=each_engine, actor=finance)
    assert _events(each_engine)[-1].actor == "fiona"


# --- 360Giving and IATI ---------------------------------------------------------------------------


def test_a_360giving_import_is_undone(each_engine: Engine):
    before = _totals(each_engine)
    outcome = _import(each_engine, "360giving", FIXTURES / "360giving" / "fundingproviders-2-grants.csv")
    assert outcome.created == 2 and _totals(each_engine) != before

    said = undo_import(outcome.import_id, engine=each_engine, actor=UNDOER)

    assert dict(said.deleted) == {"commitment": 2, "announcement": 2}
    assert _totals(each_engine) == before
    assert _count(each_engine, Commitment, Commitment.deleted_at.is_(None)) == 0


GRANTS = (
    "Identifier,Title,Currency,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,"
    "Recipient Org:Name,Amount Disbursed\n"
    "G1,Grant 1,GBP,1000,2016-05-01,GB-GOR-X,Funder,Charity,{paid}\n"
    "G2,Grant 2,GBP,2000,2016-05-01,GB-GOR-X,Funder,Charity,700\n"
)


def test_a_360giving_reimport_previewed_and_saved_on_the_page_is_undone_with_its_disbursements(
    each_engine: Engine, tmp_path
):
    first = _import(each_engine, "360giving", _write(tmp_path, "g.csv", GRANTS.format(paid="400")))
    before = _totals(each_engine)
    data = GRANTS.format(paid="450").encode()
    plan = plan_import("360giving", data, "g.csv", engine=each_engine)  # the Import page's way in
    again = apply_plan(plan, data, engine=each_engine, actor=IMPORTER)
    assert "1 delivery updated" in str(again) and again.import_id is not None
    assert _totals(each_engine) != before

    said = undo_import(again.import_id, engine=each_engine, actor=UNDOER)

    assert dict(said.put_back) == {"delivery": 1}
    assert _totals(each_engine) == before
    said = undo_import(first.import_id, engine=each_engine, actor=UNDOER)
    assert dict(said.deleted) == {"delivery": 2, "commitment": 2, "announcement": 2}
    assert _count(each_engine, Delivery, Delivery.deleted_at.is_(None)) == 0


def test_an_iati_import_is_undone(each_engine: Engine):
    before = _totals(each_engine)
    outcome = _import(each_engine, "iati", FIXTURES / "iati" / "worldvisionuk-2-activities.xml")

    undo_import(outcome.import_id, engine=each_engine, actor=UNDOER)

    assert _totals(each_engine) == before
    assert _count(each_engine, Commitment, Commitment.deleted_at.is_(None)) == 0
    assert _count(each_engine, PlannedBudget) == 4  # they follow their (deleted) commitments


def _activity(budget: str, parent: str) -> str:
    return (
        '<?xml version="1.0"?><iati-activities version="2.03"><iati-activity default-currency="GBP">'
        "<iati-identifier>GB-GOV-1-A1</iati-identifier>"
        '<reporting-org ref="GB-GOV-1" type="10"><narrative>Department for Aid</narrative></reporting-org>'
        "<title><narrative>Activity A1</narrative></title>"
        '<transaction><transaction-type code="2"/><transaction-date iso-date="2020-04-01"/>'
        '<value value-date="2020-04-01">1000</value></transaction>'
        f'<budget type="1"><period-start iso-date="2020-04-01"/><period-end iso-date="2021-03-31"/>'
        f"<value>{budget}</value></budget>"
        f'<related-activity ref="{parent}" type="1"/>'
        "</iati-activity></iati-activities>"
    )


def _extras(engine: Engine) -> tuple:
    with read_session(engine) as session:
        budgets = sorted(session.execute(select(PlannedBudget.status, PlannedBudget.amount_pence)).all())
        links = sorted(session.execute(select(ActivityLink.relation, ActivityLink.other_ref)).all())
    return budgets, links


def test_an_iati_reimport_that_replaced_budgets_and_links_is_put_back(each_engine: Engine, tmp_path):
    _import(each_engine, "iati", _write(tmp_path, "a.xml", _activity("3000", "GB-GOV-1-PARENT")))
    before = _extras(each_engine)
    assert before == ([("original", 300_000)], [("parent", "GB-GOV-1-PARENT")])
    again = _import(each_engine, "iati", _write(tmp_path, "b.xml", _activity("4500", "GB-GOV-1-OTHER")))
    assert _extras(each_engine) == ([("original", 450_000)], [("parent", "GB-GOV-1-OTHER")])

    said = undo_import(again.import_id, engine=each_engine, actor=UNDOER)

    assert _extras(each_engine) == before
    assert dict(said.put_back) == {"budget": 1, "activity link": 1}
    assert _commitment(each_engine, "GB-GOV-1-A1").deleted_at is None
    undo_events = [e for e in _events(each_engine, import_id=again.import_id) if e.actor == UNDOER.name]
    assert sorted((e.entity, e.action) for e in undo_events) == [
        ("activity_links", "create"),
        ("activity_links", "delete"),
        ("planned_budgets", "create"),
        ("planned_budgets", "delete"),
    ]


def test_budgets_replaced_again_since_refuse_the_undo(each_engine: Engine, tmp_path):
    _import(each_engine, "iati", _write(tmp_path, "a.xml", _activity("3000", "GB-GOV-1-PARENT")))
    again = _import(each_engine, "iati", _write(tmp_path, "b.xml", _activity("4500", "GB-GOV-1-OTHER")))
    _import(each_engine, "iati", _write(tmp_path, "c.xml", _activity("5000", "GB-GOV-1-OTHER")))
    state = _state(each_engine)

    refusal = r"the budgets and activity links of commitment GB-GOV-1-A1 were changed since the import, by test:importer at .* \(import \d+\)"
    with pytest.raises(UndoRefused, match=refusal):
        undo_import(again.import_id, engine=each_engine, actor=UNDOER)
    assert _state(each_engine) == state


def test_the_undo_refusal_speaks_of_a_deleted_row_too(each_engine: Engine, tmp_path):
    outcome = _import(each_engine, "commitments", _write(tmp_path, "new.csv", NEW_COMMITMENTS))
    deletion.delete(
        "commitment", "N2", expected_version=_commitment(each_engine, "N2").version, engine=each_engine, actor=UNDOER
    )

    with pytest.raises(UndoRefused, match=r"commitment N2 was deleted since the import, by test:undoer at \d{4}-"):
        undo_import(outcome.import_id, engine=each_engine, actor=UNDOER)


def test_an_events_import_id_is_append_only_like_the_rest_of_the_trail(each_engine: Engine, tmp_path):
    outcome = _import(each_engine, "commitments", _write(tmp_path, "new.csv", NEW_COMMITMENTS))
    for statement in (
        "UPDATE audit_events SET import_id = NULL WHERE import_id = :id",
        "DELETE FROM audit_events WHERE import_id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            with each_engine.begin() as connection:
                connection.execute(text(statement), {"id": outcome.import_id})
    assert {e.import_id for e in _events(each_engine)} == {outcome.import_id}
