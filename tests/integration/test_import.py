"""Importing commitments and deliveries files into a real database.

Every test takes ``engine`` (a fresh migrated database: SQLite, or PostgreSQL
when TRACKER_DATABASE_URL names one), so the PostgreSQL CI run covers them too.

The contract: a file with any bad row imports nothing and the error names
every bad row; each created row gets one audit event in the same
transaction; re-importing identical records changes nothing; a ref already
stored with different money is a revision that needs a reason. These go
through ``tracker.imports.apply.import_file``, the CLI's way in: the same plan
and apply as the Import page.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from db.models import (
    Announcement,
    AuditEvent,
    Commitment,
    Delivery,
    Milestone,
    Organisation,
    ProfileLine,
)
from db.session import read_session
from tests.actors import admin
from tracker.core.fiscal import FinancialYear
from tracker.figures import data as queries
from tracker.files.tabular import DataError
from tracker.imports.apply import ImportOutcome, import_file

ACTOR = admin("test:finance-officer")


def import_commitments_file(path: Path, *, engine: Engine, actor=ACTOR, **options) -> ImportOutcome:
    """``funding-tracker import commitments PATH``: the one plan-and-apply pipeline."""
    return import_file("commitments", path, engine=engine, actor=actor, **options)


def import_deliveries_file(path: Path, *, engine: Engine, actor=ACTOR, **options) -> ImportOutcome:
    return import_file("deliveries", path, engine=engine, actor=actor, **options)


MODELS = {
    "organisations": Organisation,
    "announcements": Announcement,
    "commitments": Commitment,
    "profile_lines": ProfileLine,
    "deliveries": Delivery,
    "milestones": Milestone,
    "audit_events": AuditEvent,
}

COMMITMENTS_HEADER = "ref,announcement_ref,announced_on,funder,recipient,purpose,programme,kind,amount,qualifier,first_year,years,profile"
# Three commitments in two announcements: a recurring, an "over" one-off and a
# profiled line. 4 organisations, 2 announcements, 3 commitments, 2 profile lines.
VALID_COMMITMENTS = (
    COMMITMENTS_HEADER
    + "\n"
    + 'C1,A1,2019-10-25,Welsh Government,Welsh Local Government Association,CDO post and Delivery Unit,,recurring,"£500,000",exact,2020-21,3,\n'
    + "C2,A1,2019-10-25,Welsh Government,Welsh councils,Digital transformation,LG Digital Transformation Fund,one-off,£1m,over,next financial year,,\n"
    + "C3,A2,2021-01-12,Welsh Government,Centre for Digital Public Services,Digital squads,,profiled,,,2021-22,,2021-22=£3m;2022-23=£1.9m\n"
)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def row_counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {name: session.scalar(select(func.count()).select_from(model)) for name, model in MODELS.items()}


def audit_events(engine: Engine) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def commitment(engine: Engine, ref: str) -> Commitment:
    with read_session(engine) as session:
        found = session.scalars(select(Commitment).where(Commitment.ref == ref)).one()
        # Touch the relationships the tests read, while the session is open.
        _ = (found.announcement.funder, found.recipient, found.reannounces, found.profile_lines)
        return found


def committed_by_year(engine: Engine) -> dict[str, int]:
    frame = queries.totals(engine=engine)
    return {FinancialYear(int(y)).label: int(c) for y, c in zip(frame["financial_year"], frame["committed"])}


def delivered_by_year(engine: Engine) -> dict[str, int]:
    frame = queries.totals(engine=engine)
    return {FinancialYear(int(y)).label: int(d) for y, d in zip(frame["financial_year"], frame["delivered"])}


EMPTY = {name: 0 for name in MODELS}


# --- commitments: a valid file ------------------------------------------------


def test_a_valid_commitments_file_imports_every_row_with_its_money(engine: Engine, tmp_path: Path) -> None:
    result = import_commitments_file(write(tmp_path, "c.csv", VALID_COMMITMENTS), engine=engine, actor=ACTOR)

    assert result.details.created == {"organisation": 4, "announcement": 2, "commitment": 3}
    counts = row_counts(engine)
    assert (counts["organisations"], counts["announcements"], counts["commitments"], counts["profile_lines"]) == (
        4,
        2,
        3,
        2,
    )

    c2 = commitment(engine, "C2")
    assert (c2.amount_pence, c2.qualifier, c2.first_year) == (100_000_000, "over", FinancialYear(2020))
    assert c2.announcement.ref == "A1" and c2.announcement.funder.name == "Welsh Government"
    c3 = commitment(engine, "C3")
    assert [(line.financial_year, line.amount_pence) for line in c3.profile_lines] == [
        (FinancialYear(2021), 300_000_000),
        (FinancialYear(2022), 190_000_000),
    ]
    assert committed_by_year(engine) == {"2020-21": 150_000_000, "2021-22": 350_000_000, "2022-23": 240_000_000}


def test_an_import_writes_exactly_one_audit_event_per_created_row_naming_the_actor(
    engine: Engine, tmp_path: Path
) -> None:
    import_commitments_file(write(tmp_path, "c.csv", VALID_COMMITMENTS), engine=engine, actor=ACTOR)

    with read_session(engine) as session:
        created_rows = sorted(
            (model.__tablename__, row_id)
            for model in (Organisation, Announcement, Commitment, ProfileLine)
            for row_id in session.scalars(select(model.id))
        )
    events = audit_events(engine)
    assert len(created_rows) == 11
    assert sorted((e.entity, e.entity_id) for e in events) == created_rows  # one each, none extra
    assert {e.actor for e in events} == {ACTOR.name}
    assert {e.action for e in events} == {"create"}
    assert all(e.before is None for e in events)
    after_by_ref = {e.after["ref"]: e.after for e in events if e.entity == "commitments"}
    assert set(after_by_ref) == {"C1", "C2", "C3"}
    assert after_by_ref["C1"]["amount_pence"] == 50_000_000
    assert after_by_ref["C1"]["first_year"] == "2020-21"


def test_reimporting_the_same_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", VALID_COMMITMENTS)
    import_commitments_file(path, engine=engine, actor=ACTOR)
    before = row_counts(engine)

    again = import_commitments_file(path, engine=engine, actor=ACTOR)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert row_counts(engine) == before
    assert committed_by_year(engine) == {"2020-21": 150_000_000, "2021-22": 350_000_000, "2022-23": 240_000_000}


# --- commitments: bad files import nothing --------------------------------------


def test_a_file_with_several_bad_rows_imports_nothing_and_reports_every_bad_row(engine: Engine, tmp_path: Path) -> None:
    text = (
        COMMITMENTS_HEADER
        + "\n"
        + "G1,,2019-10-25,Welsh Government,Welsh councils,Good row,,one-off,£1m,,2020-21,,\n"  # line 2
        + "B1,,2019-10-25,Welsh Government,Welsh councils,Bad amount,,one-off,£1.2.3m,,2020-21,,\n"  # line 3
        + "G2,,2019-10-25,Welsh Government,Welsh councils,Good row,,one-off,£2m,,2020-21,,\n"  # line 4
        + "B2,,2019-10-25,Welsh Government,Welsh councils,Bad kind,,sometimes,£1m,,2020-21,,\n"  # line 5
        + "B3,,31/02/2020,Welsh Government,Welsh councils,Bad date,,one-off,£1m,,2020-21,,\n"  # line 6
        + "B4,,2019-10-25,Welsh Government,Welsh councils,Bad year,,one-off,£1m,,2020-22,,\n"  # line 7
        + "B5,,2019-10-25,Welsh Government,Welsh councils,Bad qualifier,,one-off,£1m,roughly,2020-21,,\n"  # line 8
    )
    with pytest.raises(DataError) as caught:
        import_commitments_file(write(tmp_path, "bad.csv", text), engine=engine, actor=ACTOR)

    problems = caught.value.problems
    assert [p.line for p in problems] == [3, 5, 6, 7, 8]
    messages = [str(p) for p in problems]
    assert messages[0] == "line 3: amount '£1.2.3m': expected an amount like 1000000, £1,000,000.50, £1.5m or £500k"
    assert messages[1].startswith("line 5: kind 'sometimes': expected")
    assert messages[2].startswith("line 6: announced_on '31/02/2020': ")
    assert messages[3].startswith("line 7: first_year '2020-22': ")
    assert messages[4].startswith("line 8: qualifier 'roughly': expected")
    assert row_counts(engine) == EMPTY  # the good rows were not saved either


def test_a_file_that_changes_a_stored_commitments_money_needs_a_reason_and_then_revises_it(
    engine: Engine, tmp_path: Path
) -> None:
    header = "ref,announced_on,funder,recipient,purpose,kind,amount,first_year\n"
    import_commitments_file(
        write(
            tmp_path, "first.csv", header + "C1,2019-10-25,Welsh Government,Welsh councils,Fund,one-off,£1m,2020-21\n"
        ),
        engine=engine,
        actor=ACTOR,
    )
    before = row_counts(engine)
    changed = write(
        tmp_path,
        "changed.csv",
        (
            header
            + "NEW,2019-10-25,Welsh Government,Welsh councils,Another fund,one-off,£3m,2020-21\n"
            + "C1,2019-10-25,Welsh Government,Welsh councils,Fund,one-off,£2m,2020-21\n"
        ),
    )

    with pytest.raises(DataError) as caught:
        import_commitments_file(changed, engine=engine, actor=ACTOR)

    [problem] = caught.value.problems
    assert (problem.column, problem.value) == ("reason", None)
    assert str(problem).startswith("file: reason: the file changes the money of a stored commitment: give a reason")
    assert row_counts(engine) == before  # NEW was not saved either
    assert commitment(engine, "C1").amount_pence == 100_000_000

    outcome = import_commitments_file(changed, engine=engine, actor=ACTOR, reason="correction")

    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 1, 0)
    assert commitment(engine, "C1").amount_pence == 200_000_000


# --- commitments: the files UK officers actually have ------------------------------


def test_a_utf8_file_with_a_bom_uk_dates_short_amounts_and_blank_trailing_rows_imports(
    engine: Engine, tmp_path: Path
) -> None:
    text = (
        "Ref,Announced_On,Funder,Recipient,Purpose,Kind,Amount,Qualifier,First_Year,Years\r\n"
        "U1,31/10/2019,Welsh Government,Welsh councils,Councils’ digital work,one-off,£1m,over,next financial year,\r\n"
        "U2,31/10/2019,Welsh Government,Welsh Local Government Association,CDO post,recurring,£500k,,2020/21,3\r\n"
        ",,,,,,,,,\r\n"
        ",,,,,,,,,\r\n"
    )
    data = b"\xef\xbb\xbf" + text.encode("utf-8")

    result = import_commitments_file(write(tmp_path, "excel.csv", data), engine=engine, actor=ACTOR)

    assert result.details.created["commitment"] == 2 and result.created == 2
    u1 = commitment(engine, "U1")
    assert u1.announcement.announced_on == date(2019, 10, 31)
    assert (u1.amount_pence, u1.qualifier, u1.first_year) == (100_000_000, "over", FinancialYear(2020))
    assert u1.purpose == "Councils’ digital work"
    u2 = commitment(engine, "U2")
    assert (u2.amount_pence, u2.years, u2.first_year) == (50_000_000, 3, FinancialYear(2020))
    assert committed_by_year(engine) == {"2020-21": 150_000_000, "2021-22": 50_000_000, "2022-23": 50_000_000}
    before = row_counts(engine)
    again = import_commitments_file(tmp_path / "excel.csv", engine=engine, actor=ACTOR)
    assert (again.created, again.updated, row_counts(engine)) == (
        0,
        0,
        before,
    )  # "next financial year" reads the same again


def test_a_windows_1252_file_with_pound_signs_imports(engine: Engine, tmp_path: Path) -> None:
    text = (
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year\r\n"
        'W1,25/10/2019,Welsh Government,Welsh councils,Councils’ digital work,one-off,"£1,000,000.50",2020-21\r\n'
        ",,,,,,,\r\n"
    )
    data = text.encode("cp1252")
    assert b"\xa3" in data  # the pound sign as Excel writes it, not valid UTF-8

    import_commitments_file(write(tmp_path, "cp1252.csv", data), engine=engine, actor=ACTOR)

    w1 = commitment(engine, "W1")
    assert w1.amount_pence == 100_000_050
    assert w1.purpose == "Councils’ digital work"
    assert w1.announcement.announced_on == date(2019, 10, 25)


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


XLSX_HEADER = [
    "ref",
    "announced_on",
    "funder",
    "recipient",
    "purpose",
    "kind",
    "amount",
    "qualifier",
    "first_year",
    "years",
]


def test_an_xlsx_file_imports_with_real_dates_and_numeric_amounts(engine: Engine, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "commitments.xlsx",
        [
            XLSX_HEADER,
            [
                "X1",
                datetime(2019, 10, 25),
                "Welsh Government",
                "Welsh councils",
                "Fund",
                "one-off",
                1000000,
                "over",
                "2020-21",
                None,
            ],
            [
                "X2",
                "31/10/2019",
                "Welsh Government",
                "Welsh Local Government Association",
                "CDO",
                "recurring",
                "£500,000",
                None,
                "2020/21",
                3,
            ],
            [
                "X3",
                date(2021, 1, 12),
                "Welsh Government",
                "Centre for Digital Public Services",
                "Squads",
                "one-off",
                4900000.5,
                None,
                "FY2021-22",
                None,
            ],
        ],
    )

    result = import_commitments_file(path, engine=engine, actor=ACTOR)

    assert result.details.created["commitment"] == 3 and result.created == 3
    x1 = commitment(engine, "X1")
    assert (x1.announcement.announced_on, x1.amount_pence, x1.qualifier) == (date(2019, 10, 25), 100_000_000, "over")
    assert commitment(engine, "X2").years == 3
    assert commitment(engine, "X3").amount_pence == 490_000_050
    assert committed_by_year(engine) == {"2020-21": 150_000_000, "2021-22": 540_000_050, "2022-23": 50_000_000}
    assert len(audit_events(engine)) == 4 + 3 + 3  # organisations, announcements, commitments
    before = row_counts(engine)
    again = import_commitments_file(path, engine=engine, actor=ACTOR)
    assert (again.created, again.updated, row_counts(engine)) == (0, 0, before)


def test_a_bad_xlsx_row_is_reported_by_its_sheet_row_and_nothing_is_imported(engine: Engine, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "bad.xlsx",
        [
            XLSX_HEADER,
            [
                "X1",
                datetime(2019, 10, 25),
                "Welsh Government",
                "Welsh councils",
                "Fund",
                "one-off",
                1000000,
                None,
                "2020-21",
                None,
            ],
            [
                "X2",
                datetime(2019, 10, 25),
                "Welsh Government",
                "Welsh councils",
                "Fund",
                "one-off",
                "£1.2.3m",
                None,
                "2020-21",
                None,
            ],
        ],
    )

    with pytest.raises(DataError) as caught:
        import_commitments_file(path, engine=engine, actor=ACTOR)

    assert [str(p) for p in caught.value.problems] == [
        "line 3: amount '£1.2.3m': expected an amount like 1000000, £1,000,000.50, £1.5m or £500k"
    ]
    assert row_counts(engine) == EMPTY


# --- re-announcements across imports --------------------------------------------------


def test_a_reannouncement_of_a_commitment_from_an_earlier_import_adds_no_new_money(
    engine: Engine, tmp_path: Path
) -> None:
    header = "ref,announced_on,funder,recipient,purpose,programme,kind,amount,qualifier,first_year,reannounces\n"
    import_commitments_file(
        write(
            tmp_path,
            "2019.csv",
            header + "W2,2019-10-25,Welsh Government,Welsh councils,Digital,LGDTF,one-off,£1m,over,2020-21,\n",
        ),
        engine=engine,
        actor=ACTOR,
    )
    audits_before = len(audit_events(engine))

    result = import_commitments_file(
        write(
            tmp_path,
            "2020.csv",
            header + "W3,2020-06-26,Welsh Government,Welsh councils,COVID grants,LGDTF,one-off,£1m,exact,2020-21,W2\n",
        ),
        engine=engine,
        actor=ACTOR,
    )

    assert result.details.created == {"announcement": 1, "commitment": 1}
    w2, w3 = commitment(engine, "W2"), commitment(engine, "W3")
    assert w3.reannounces is not None and w3.reannounces.ref == "W2"
    assert committed_by_year(engine) == {"2020-21": 100_000_000}  # counted once
    view = queries.overview(queries.load(engine), today=date(2026, 11, 27))
    assert (view.headline.committed, view.headline.headline_money) == (100_000_000, 200_000_000)
    new_events = audit_events(engine)[audits_before:]
    assert sorted(e.entity for e in new_events) == ["announcements", "commitments"]
    [event] = [e for e in new_events if e.entity == "commitments"]
    assert event.after["reannounces_id"] == w2.id


def test_a_reannouncement_of_an_unknown_ref_is_refused(engine: Engine, tmp_path: Path) -> None:
    text = (
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,reannounces\n"
        "W3,2020-06-26,Welsh Government,Welsh councils,Grants,one-off,£1m,2020-21,NOPE\n"
    )
    with pytest.raises(DataError) as caught:
        import_commitments_file(write(tmp_path, "c.csv", text), engine=engine, actor=ACTOR)

    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [(2, "reannounces", "NOPE")]
    assert row_counts(engine) == EMPTY


# --- deliveries ---------------------------------------------------------------------------


@pytest.fixture
def with_commitments(engine: Engine, tmp_path: Path) -> Engine:
    import_commitments_file(write(tmp_path, "commitments.csv", VALID_COMMITMENTS), engine=engine, actor=ACTOR)
    return engine


DELIVERIES_HEADER = "ref,commitment_ref,paid_on,amount,kind,note\n"


def test_deliveries_import_against_existing_commitments_with_a_negative_correction(
    with_commitments: Engine, tmp_path: Path
) -> None:
    engine = with_commitments
    audits_before = len(audit_events(engine))
    text = (
        DELIVERIES_HEADER
        + 'P1,C1,2020-09-30,"£500,000",disbursement,first year\n'
        + 'P2,C1,31/03/2021,"-£20,000",disbursement,correction: overpaid\n'
        + "P3,C2,2021-06-30,£250k,expenditure,\n"
    )

    result = import_deliveries_file(write(tmp_path, "d.csv", text), engine=engine, actor=ACTOR)

    assert result.details.created == {"delivery": 3}
    with read_session(engine) as session:
        stored = {
            d.ref: (d.commitment.ref, d.paid_on, d.amount_pence, d.kind) for d in session.scalars(select(Delivery))
        }
    assert stored == {
        "P1": ("C1", date(2020, 9, 30), 50_000_000, "disbursement"),
        "P2": ("C1", date(2021, 3, 31), -2_000_000, "disbursement"),
        "P3": ("C2", date(2021, 6, 30), 25_000_000, "expenditure"),
    }
    assert delivered_by_year(engine) == {"2020-21": 48_000_000, "2021-22": 25_000_000, "2022-23": 0}
    new_events = audit_events(engine)[audits_before:]
    assert sorted((e.entity, e.actor) for e in new_events) == [("deliveries", ACTOR.name)] * 3

    again = import_deliveries_file(write(tmp_path, "d.csv", text), engine=engine, actor=ACTOR)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert len(audit_events(engine)) == audits_before + 3


def test_a_delivery_against_an_unknown_commitment_is_refused_and_nothing_is_saved(
    with_commitments: Engine, tmp_path: Path
) -> None:
    engine = with_commitments
    before = row_counts(engine)
    text = (
        DELIVERIES_HEADER + 'P1,C1,2020-09-30,"£500,000",disbursement,\n' + "P2,NOPE,2020-10-31,£1000,disbursement,\n"
    )

    with pytest.raises(DataError) as caught:
        import_deliveries_file(write(tmp_path, "d.csv", text), engine=engine, actor=ACTOR)

    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.value) == (3, "commitment_ref", "NOPE")
    assert str(problem).startswith("line 3: commitment_ref 'NOPE': ")
    assert row_counts(engine) == before
    assert before["deliveries"] == 0
