"""Import with a preview (tracker.imports) against a real database with the Welsh demo.

Every test takes ``engine`` (a fresh migrated database: SQLite, or PostgreSQL
when TRACKER_DATABASE_URL names one). The contract (DESIGN.md, issue 4):
each row is previewed as create, update or unchanged by its ``ref``; the
confirm step saves exactly the file previewed, all rows or none; re-importing
the same file changes nothing; UK spreadsheet habits are read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from db.models import Announcement, AuditEvent, Commitment, Delivery, Organisation, ProfileLine
from db.session import read_session
from tests.actors import admin
from tracker.core.fiscal import FinancialYear
from tracker.demo import DEMO_FOLDER, load_demo
from tracker.figures import data as queries
from tracker.files.tabular import DataError
from tracker.imports import apply, bulk
from tracker.imports import plan as planning
from tracker.records import deliveries
from tracker.records.problems import FieldProblem, ValidationFailed
from tracker.records.revisions import baseline_vs_revised

ACTOR = admin("test:importer")
MODELS = (Organisation, Announcement, Commitment, ProfileLine, Delivery, AuditEvent)
DEMO_COMMITMENTS = (DEMO_FOLDER / "commitments.csv").read_bytes()
DEMO_DELIVERIES = (DEMO_FOLDER / "deliveries.csv").read_bytes()
W7_ROW = (
    "W7,A5,2022-07-18,Welsh Government,Welsh councils,Problem-statement-led digital transformation projects,"
    "Local Government Digital Transformation Fund,one-off,£1m,"
)
NEW_COMMITMENTS = (
    "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,reannounces\n"
    "N1,2023-05-01,Welsh Government,Welsh councils,Cyber resilience,one-off,£250k,2023-24,,\n"
    'N2,2023-05-01,Welsh Government,Newport City Council,Digital skills,recurring,"£100,000",2023-24,2,\n'
    "N3,2023-09-01,Welsh Government,Welsh councils,Cyber resilience (restated),one-off,£250k,2023-24,,N1\n"
)


@pytest.fixture
def demo(engine: Engine) -> Iterator[Engine]:
    load_demo(engine, actor=ACTOR)
    yield engine


def row_counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def stored(engine: Engine, model, ref: str):
    with read_session(engine) as session:
        return session.scalars(select(model).where(model.ref == ref)).one()


def committed_by_year(engine: Engine) -> dict[str, int]:
    frame = queries.totals(engine=engine)
    return {FinancialYear(int(y)).label: int(c) for y, c in zip(frame["financial_year"], frame["committed"])}


def actions(plan: planning.ImportPlan) -> dict[str, str]:
    return dict(zip(plan.rows["ref"], plan.rows["action"]))


def changes(plan: planning.ImportPlan) -> dict[str, str]:
    return dict(zip(plan.rows["ref"], plan.rows["changes"]))


def with_w7_amount(amount: str) -> bytes:
    old = W7_ROW.encode()
    assert old in DEMO_COMMITMENTS
    return DEMO_COMMITMENTS.replace(old, W7_ROW.replace(",£1m,", f",{amount},").encode())


# --- the preview -------------------------------------------------------------------------


def test_the_demo_file_previews_as_all_unchanged(demo: Engine) -> None:
    plan = planning.plan_commitments(DEMO_COMMITMENTS, "commitments.csv", engine=demo)

    assert plan.problems == []
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 6, "problems": 0}
    assert list(plan.rows["line"]) == [2, 3, 4, 5, 6, 7]
    assert not plan.can_apply


def test_each_row_is_previewed_as_create_update_or_unchanged_with_the_changes_named(demo: Engine) -> None:
    data = (
        with_w7_amount("£1.5m")
        + b"N1,A9,2023-05-01,Welsh Government,Welsh councils,Cyber,,one-off,\xc2\xa3250k,exact,2023-24,,confirmed,,,,\n"
    )

    plan = planning.plan_commitments(data, "commitments.csv", engine=demo)

    assert plan.problems == []
    assert plan.counts == {"create": 1, "update": 1, "unchanged": 5, "problems": 0}
    assert actions(plan) == {
        "W1": "unchanged",
        "W2": "unchanged",
        "W3": "unchanged",
        "W5": "unchanged",
        "W6": "unchanged",
        "W7": "update",
        "N1": "create",
    }
    assert changes(plan)["W7"] == "Amount changed from £1,000,000 to £1,500,000"
    summary = dict(zip(plan.rows["ref"], plan.rows["summary"]))
    assert summary["N1"] == "£250,000 in 2023-24 to Welsh councils: Cyber"
    assert summary["W2"] == "over £1,000,000 in 2020-21 to Welsh councils: Digital transformation of local government"
    assert plan.needs_reason  # the update changes money


def test_deliveries_are_previewed_against_the_stored_ones(demo: Engine) -> None:
    data = DEMO_DELIVERIES.replace(b"D7,W7,2023-03-15", b"D7,W7,2023-03-16") + b"D8,W7,2023-03-20,500,spend,new,no\n"

    plan = planning.plan_deliveries(data, "deliveries.csv", engine=demo)

    assert plan.problems == []
    assert plan.counts == {"create": 1, "update": 1, "unchanged": 6, "problems": 0}
    assert changes(plan)["D7"] == "Paid on changed from 2023-03-15 to 2023-03-16"
    assert (
        dict(zip(plan.rows["ref"], plan.rows["summary"]))["D8"] == "expenditure of £500 on 20 Mar 2023 against W7"
    )  # "spend" is read as expenditure
    assert not plan.needs_reason


def test_a_planned_import_changes_nothing_until_it_is_applied(demo: Engine) -> None:
    before = row_counts(demo)
    planning.plan_commitments(NEW_COMMITMENTS.encode(), "new.csv", engine=demo)
    assert row_counts(demo) == before


# --- applying -------------------------------------------------------------------------------


def test_applying_creates_the_new_rows_with_their_money_and_audit(demo: Engine) -> None:
    data = NEW_COMMITMENTS.encode()
    plan = planning.plan_commitments(data, "new.csv", engine=demo)
    assert plan.counts["create"] == 3 and plan.can_apply
    before = row_counts(demo)

    outcome = apply.apply_plan(plan, data, engine=demo, actor=ACTOR)

    assert (outcome.created, outcome.updated, outcome.unchanged) == (3, 0, 0)
    assert str(outcome).startswith("created 3 commitments, updated 0 commitments, 0 commitments unchanged")
    after = row_counts(demo)
    assert after["commitments"] == before["commitments"] + 3
    assert after["organisations"] == before["organisations"] + 1  # Newport City Council
    assert stored(demo, Commitment, "N3").reannounces_id == stored(demo, Commitment, "N1").id
    assert committed_by_year(demo)["2023-24"] == 25_000_000 + 10_000_000
    with read_session(demo) as session:
        actors = set(session.scalars(select(AuditEvent.actor).where(AuditEvent.id > before["audit_events"])))
    assert actors == {ACTOR.name}


def test_reimporting_the_same_file_changes_nothing(demo: Engine) -> None:
    data = NEW_COMMITMENTS.encode()
    apply.apply_plan(planning.plan_commitments(data, "new.csv", engine=demo), data, engine=demo, actor=ACTOR)
    before = row_counts(demo)

    again = planning.plan_commitments(data, "new.csv", engine=demo)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 3, "problems": 0}
    outcome = apply.apply_plan(again, data, engine=demo, actor=ACTOR)

    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 3)
    assert row_counts(demo) == before  # audit events included


def test_reimporting_the_demo_deliveries_changes_nothing(demo: Engine) -> None:
    before = row_counts(demo)
    plan = planning.plan_deliveries(DEMO_DELIVERIES, "deliveries.csv", engine=demo)
    apply.apply_plan(plan, DEMO_DELIVERIES, engine=demo, actor=ACTOR)
    assert row_counts(demo) == before


def test_a_file_changed_after_the_preview_is_refused(demo: Engine) -> None:
    data = NEW_COMMITMENTS.encode()
    plan = planning.plan_commitments(data, "new.csv", engine=demo)
    before = row_counts(demo)

    with pytest.raises(planning.PlanRefused, match="not the file that was previewed"):
        apply.apply_plan(plan, data.replace(b"\xc2\xa3250k", b"\xc2\xa3350k"), engine=demo, actor=ACTOR)
    assert row_counts(demo) == before


def test_a_database_changed_after_the_preview_is_refused(demo: Engine) -> None:
    data = NEW_COMMITMENTS.encode()
    plan = planning.plan_commitments(data, "new.csv", engine=demo)
    other = b"ref,commitment_ref,paid_on,amount,kind\nX1,W1,2023-01-01,10,payment\n"
    apply.apply_plan(planning.plan_deliveries(other, "x.csv", engine=demo), other, engine=demo, actor=ACTOR)
    before = row_counts(demo)

    with pytest.raises(planning.PlanRefused, match="database changed since"):
        apply.apply_plan(plan, data, engine=demo, actor=ACTOR)
    assert row_counts(demo) == before


def test_a_plan_with_problems_is_refused(demo: Engine) -> None:
    data = NEW_COMMITMENTS.replace('"£100,000",2023-24', '"£100,000",2023-22').encode()
    plan = planning.plan_commitments(data, "new.csv", engine=demo)
    assert [(p.line, p.column) for p in plan.problems] == [(3, "first_year")]
    assert plan.counts["create"] == 2 and not plan.can_apply
    before = row_counts(demo)

    with pytest.raises(DataError):
        apply.apply_plan(plan, data, engine=demo, actor=ACTOR)
    assert row_counts(demo) == before


def test_apply_is_all_or_nothing_when_saving_fails_part_way(demo: Engine, monkeypatch) -> None:
    rows = "".join(f"P{n},W1,2023-03-31,{n + 1},payment,\n" for n in range(250))
    data = ("ref,commitment_ref,paid_on,amount,kind,note\n" + rows).encode()
    plan = planning.plan_deliveries(data, "many.csv", engine=demo)
    assert plan.counts["create"] == 250 and plan.can_apply
    before = row_counts(demo)
    real_save = bulk.insert_deliveries
    calls: list[int] = []

    def fails_on_the_third_chunk(session, records, *args, **kwargs):
        calls.append(len(records))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_save(session, records, *args, **kwargs)

    monkeypatch.setattr(apply, "SAVE_CHUNK", 100)
    monkeypatch.setattr(bulk, "insert_deliveries", fails_on_the_third_chunk)
    with pytest.raises(RuntimeError, match="disk full"):
        apply.apply_plan(plan, data, engine=demo, actor=ACTOR)

    assert calls == [100, 100, 50]
    assert row_counts(demo) == before


def test_progress_is_reported_after_every_chunk(demo: Engine, monkeypatch) -> None:
    monkeypatch.setattr(apply, "SAVE_CHUNK", 100)
    rows = "".join(f"P{n},W1,2023-03-31,1000,payment,\n" for n in range(250))
    data = ("ref,commitment_ref,paid_on,amount,kind,note\n" + rows).encode()
    plan = planning.plan_deliveries(data, "many.csv", engine=demo)
    seen: list[tuple[int, int]] = []

    apply.apply_plan(plan, data, engine=demo, actor=ACTOR, progress=lambda done, total: seen.append((done, total)))

    assert seen == [(0, 250), (100, 250), (200, 250), (250, 250)]
    assert row_counts(demo)["deliveries"] == 7 + 250


def test_a_reannouncement_of_a_later_row_is_saved_in_the_right_order(demo: Engine) -> None:
    rows = [f"M{n},2023-05-01,Welsh Government,Welsh councils,Line {n},one-off,1000,2023-24,,\n" for n in range(150)]
    rows.insert(0, "FIRST,2023-05-01,Welsh Government,Welsh councils,Restated,one-off,1000,2023-24,,M149\n")
    data = (
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,reannounces\n" + "".join(rows)
    ).encode()
    plan = planning.plan_commitments(data, "order.csv", engine=demo)
    assert plan.problems == []

    apply.apply_plan(plan, data, engine=demo, actor=ACTOR)

    assert stored(demo, Commitment, "FIRST").reannounces_id == stored(demo, Commitment, "M149").id


# --- updates -------------------------------------------------------------------------------


def test_a_change_to_a_commitments_money_needs_a_reason_and_is_recorded_as_a_revision(demo: Engine) -> None:
    data = with_w7_amount("£1.5m")
    plan = planning.plan_commitments(data, "commitments.csv", engine=demo)
    before = row_counts(demo)

    with pytest.raises(DataError, match="give a reason"):
        apply.apply_plan(plan, data, engine=demo, actor=ACTOR)
    assert row_counts(demo) == before

    outcome = apply.apply_plan(plan, data, engine=demo, actor=ACTOR, reason="correction")

    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 5)
    assert stored(demo, Commitment, "W7").amount_pence == 150_000_000
    assert committed_by_year(demo)["2022-23"] == 690_000_000
    baseline = baseline_vs_revised(demo, "W7")
    assert list(baseline["original_pence"]) == [100_000_000] and list(baseline["revised_pence"]) == [150_000_000]
    again = planning.plan_commitments(data, "commitments.csv", engine=demo)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 6, "problems": 0}


def test_a_delivery_is_updated_by_its_ref(demo: Engine) -> None:
    data = DEMO_DELIVERIES.replace(b'D7,W7,2023-03-15,"\xc2\xa3600,000"', b'D7,W7,2023-03-15,"\xc2\xa3650,000"')
    plan = planning.plan_deliveries(data, "deliveries.csv", engine=demo)
    assert changes(plan)["D7"] == "Amount changed from £600,000 to £650,000"
    audits = row_counts(demo)["audit_events"]

    apply.apply_plan(plan, data, engine=demo, actor=ACTOR)

    assert stored(demo, Delivery, "D7").amount_pence == 65_000_000
    with read_session(demo) as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.id > audits)))
    assert [(e.action, e.entity, e.actor) for e in events] == [("update", "deliveries", ACTOR.name)]


def test_updates_and_creates_are_all_or_nothing_together(demo: Engine, monkeypatch) -> None:
    data = (
        DEMO_DELIVERIES.replace(b"D6,W6,2023-03-31,\xc2\xa34.9m", b"D6,W6,2023-03-31,\xc2\xa34.8m").replace(
            b"D7,W7,2023-03-15", b"D7,W7,2023-03-16"
        )
        + b"D8,W7,2023-03-20,500,spend,new,no\n"
    )
    plan = planning.plan_deliveries(data, "deliveries.csv", engine=demo)
    assert plan.counts == {"create": 1, "update": 2, "unchanged": 5, "problems": 0}
    before = row_counts(demo)
    real_update = deliveries.update_delivery
    calls: list[str] = []

    def refuses_the_second(ref, *args, **kwargs):
        calls.append(ref)
        if len(calls) == 2:
            raise ValidationFailed([FieldProblem("amount", "x", "refused for the test")])
        return real_update(ref, *args, **kwargs)

    monkeypatch.setattr(deliveries, "update_delivery", refuses_the_second)
    with pytest.raises(planning.PlanRefused) as refused:
        apply.apply_plan(plan, data, engine=demo, actor=ACTOR)

    assert [(p.line, p.column, p.expected) for p in refused.value.problems] == [(8, "amount", "refused for the test")]
    assert row_counts(demo) == before  # the first update and the new delivery were rolled back
    assert stored(demo, Delivery, "D6").amount_pence == 490_000_000


def test_an_import_does_not_move_a_commitment_to_another_announcement_date(demo: Engine) -> None:
    data = DEMO_COMMITMENTS.replace(b"W7,A5,2022-07-18", b"W7,A5,2022-07-19")
    plan = planning.plan_commitments(data, "commitments.csv", engine=demo)
    assert [(p.line, p.column) for p in plan.problems] == [(7, "announced_on")]
    assert "belong to announcement A5" in plan.problems[0].expected


# --- UK spreadsheet habits --------------------------------------------------------------------


UK_FILE = (
    "\ufeffReference,Date announced,Funder name,Recipient organisation,Purpose,Kind,Amount (£),Financial year,"
    "No. of years,Programme\r\n"
    'UK1,10/09/2019,Welsh Government,Welsh councils,Broadband,One-off,"£1,250,000.50",2020/21,,Digital fund\r\n'
    "UK2,10/09/2019,Welsh Government,Welsh councils,Skills,Recurring,£1m,next financial year,3,\r\n"
    ",,,,,,,,,\r\n"
    ",,,,,,,,,\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_uk_spreadsheet_habits_are_read(demo: Engine, encoding: str) -> None:
    text = UK_FILE if encoding == "utf-8" else UK_FILE.removeprefix("\ufeff")
    data = text.encode(encoding)
    plan = planning.plan_commitments(data, "excel.csv", engine=demo)
    assert plan.problems == []
    assert plan.counts["create"] == 2

    apply.apply_plan(plan, data, engine=demo, actor=ACTOR)

    uk1, uk2 = stored(demo, Commitment, "UK1"), stored(demo, Commitment, "UK2")
    assert (uk1.amount_pence, uk1.first_year, uk1.programme) == (125_000_050, FinancialYear(2020), "Digital fund")
    assert (uk2.amount_pence, uk2.first_year, uk2.years) == (100_000_000, FinancialYear(2020), 3)
    with read_session(demo) as session:
        announced = session.scalar(select(Announcement.announced_on).where(Announcement.ref == "UK1"))
    assert announced == date(2019, 9, 10)  # 10 September: day first


def test_deliveries_with_uk_habits_are_read(demo: Engine) -> None:
    data = (
        "Ref.,Commitment reference,Payment date,Amount paid,Type,Notes\r\n"
        'UKD1,W1,01/04/2023,"£12,500",Payment,first\r\n'
        "UKD2,W1,31.03.2024,-£500,payment,clawback\r\n\r\n"
    ).encode("cp1252")
    plan = planning.plan_deliveries(data, "payments.csv", engine=demo)
    assert plan.problems == []
    apply.apply_plan(plan, data, engine=demo, actor=ACTOR)
    assert stored(demo, Delivery, "UKD1").paid_on == date(2023, 4, 1)
    assert stored(demo, Delivery, "UKD2").amount_pence == -50_000


def test_an_xlsx_upload_with_real_dates_and_numbers_is_read(demo: Engine) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Ref", "Announcement date", "Funder", "Recipient", "Purpose", "Kind", "Amount £", "FY", "Years"])
    sheet.append(
        [
            "X1",
            datetime(2023, 5, 1),
            "Welsh Government",
            "Welsh councils",
            "Cyber",
            "one-off",
            250000.5,
            "2023-24",
            None,
        ]
    )
    sheet.append(
        ["X2", datetime(2023, 5, 1), "Welsh Government", "Welsh councils", "Skills", "recurring", 100000, "2023-24", 2]
    )
    sheet.append([None] * 9)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()

    plan = planning.plan_commitments(data, "book.xlsx", engine=demo)
    assert plan.problems == []
    apply.apply_plan(plan, data, engine=demo, actor=ACTOR)

    assert stored(demo, Commitment, "X1").amount_pence == 25_000_050
    assert stored(demo, Commitment, "X2").years == 2


def test_a_new_row_must_agree_with_its_stored_announcement(demo: Engine) -> None:
    data = (
        b"ref,announcement_ref,announced_on,funder,recipient,purpose,kind,amount,first_year\n"
        b"N1,A1,2019-10-26,Welsh Government,Welsh councils,More,one-off,1000,2020-21\n"
    )
    plan = planning.plan_commitments(data, "c.csv", engine=demo)
    assert [(p.line, p.column, p.value) for p in plan.problems] == [(2, "announcement_ref", "A1")]
    assert "stored as made on 2019-10-25" in plan.problems[0].expected


def test_a_plan_is_reused_only_while_the_file_and_the_database_are_the_same(demo: Engine) -> None:
    data = NEW_COMMITMENTS.encode()
    first = planning.plan_import("commitments", data, "new.csv", engine=demo)

    assert planning.plan_import("commitments", data, "new.csv", engine=demo, previous=first) is first
    assert planning.plan_import("commitments", data + b"\n", "new.csv", engine=demo, previous=first) is not first
    assert planning.plan_import("deliveries", data, "new.csv", engine=demo, previous=first) is not first
    apply.apply_plan(first, data, engine=demo, actor=ACTOR)
    fresh = planning.plan_import("commitments", data, "new.csv", engine=demo, previous=first)
    assert fresh is not first and fresh.counts["unchanged"] == 3
