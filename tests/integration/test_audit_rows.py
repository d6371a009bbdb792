"""``db.audit_rows.created_events``: the database writes each new row's
"create" event holding the values ``snapshot`` records for the same row (dates
as ISO text, financial years as labels, flags as true/false, text as given,
NULLs as null), with no "before", on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db.audit_rows import created_events, unwritable
from db.models import Announcement, AuditEvent, Commitment, Delivery, Organisation, ProfileLine, utc_now
from tracker.core.fiscal import FinancialYear
from tracker.records.unit_of_work import snapshot

AWKWARD = 'café “quoted” "double" \\ back\nnew line\ttab 😀 Llanfair­pwll'


def _rows(session: Session) -> list:
    funder = Organisation(name="Welsh Government", normalised_name="welsh government", kind="funder")
    recipient = Organisation(
        name=AWKWARD, normalised_name="awkward", kind="recipient", org_identifier="GB-CHC-1", notes=AWKWARD
    )
    session.add_all([funder, recipient])
    session.flush()
    dated = Announcement(ref="A1", announced_on=date(2020, 4, 1), title=AWKWARD, funder_id=funder.id, quote=AWKWARD)
    undated = Announcement(ref="A2", announced_on=None, title="Undated", funder_id=funder.id)
    session.add_all([dated, undated])
    session.flush()
    common = {"purpose": AWKWARD, "kind": "one-off", "status": "confirmed", "capital_or_revenue": "revenue"}
    original = Commitment(
        ref="C1",
        announcement_id=dated.id,
        recipient_id=recipient.id,
        amount_pence=9_007_199_254_740_993,  # beyond a double's exact integers
        qualifier="over",
        first_year=FinancialYear(2099),  # the label 2099-00
        years=1,
        programme="Digital",
        **common,
    )
    session.add(original)
    session.flush()
    restated = Commitment(
        ref="C2",
        announcement_id=undated.id,
        amount_pence=0,
        first_year=None,
        reannounces_id=original.id,
        **{**common, "kind": "multi-year"},
        spread="even",
        planned_start=date(2021, 4, 1),
        planned_end=date(2024, 3, 31),
    )
    earlier = Commitment(
        ref="C3",
        announcement_id=undated.id,
        amount_pence=1,
        first_year=FinancialYear(2009),  # the label 2009-10
        reannounces_earlier=True,
        **{**common, "kind": "profiled"},
    )
    session.add_all([restated, earlier])
    session.flush()
    lines = [
        ProfileLine(commitment_id=earlier.id, financial_year=FinancialYear(2009), amount_pence=1),
        ProfileLine(commitment_id=earlier.id, financial_year=FinancialYear(1999), amount_pence=-5),
    ]
    deliveries = [
        Delivery(ref="D1", commitment_id=original.id, paid_on=date(2021, 3, 31), amount_pence=-250, kind="refund"),
        Delivery(
            ref="D2",
            commitment_id=original.id,
            paid_on=None,
            amount_pence=7,
            kind="disbursement",
            note=AWKWARD,
            illustrative=True,
        ),
    ]
    session.add_all([*lines, *deliveries])
    session.flush()
    return [funder, recipient, dated, undated, original, restated, earlier, *lines, *deliveries]


@pytest.mark.parametrize("model", [Organisation, Announcement, Commitment, ProfileLine, Delivery])
def test_each_event_holds_the_snapshot_of_its_row(each_engine, model) -> None:
    with Session(each_engine) as session, session.begin():
        rows = [row for row in _rows(session) if isinstance(row, model)]
        table = model.__table__
        before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
        at = utc_now()
        ids = [row.id for row in rows]
        session.execute(created_events(each_engine.dialect.name, table, table.c.id.in_(ids), "test:audit-rows", at))
        session.expire_all()
        events = session.scalars(select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)).all()
        raw_before = session.execute(
            text('SELECT CAST("before" AS TEXT) FROM audit_events WHERE id > :id'), {"id": before}
        ).scalars()

        assert [(e.action, e.entity, e.entity_id, e.actor) for e in events] == [
            ("create", table.name, row.id, "test:audit-rows") for row in sorted(rows, key=lambda r: r.id)
        ]
        assert [e.after for e in events] == [snapshot(row) for row in sorted(rows, key=lambda r: r.id)]
        assert all(e.before is None for e in events) and list(raw_before) == [None] * len(events)
        assert all(e.occurred_at == at for e in events)


def test_a_column_it_cannot_write_is_named() -> None:
    assert unwritable(Commitment.__table__) == ["deleted_at"]  # timestamps: never set on a new row
    assert unwritable(ProfileLine.__table__) == []
