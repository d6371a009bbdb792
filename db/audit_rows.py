"""Audit events for many new rows, written by the database in one statement.

``tracker.records.unit_of_work.snapshot`` records an ORM object's values as
JSON (dates as ISO text, financial years as labels, flags as true/false,
``created_at`` and ``updated_at`` left out). ``created_events`` writes the
same values for rows already inserted, as ``INSERT INTO audit_events ...
SELECT`` over the table: the database builds each event's JSON from the row
as stored (SQLite ``json_object``, PostgreSQL ``json_build_object``), so no
event is built in Python. The JSON is spaced differently from Python's
``json.dumps``; it holds the same values (the audit trail reads them back
as JSON), which ``tests/integration/test_audit_rows.py`` checks against
``snapshot`` on both databases.

A column of a type this module cannot write as ``snapshot`` would (a
timestamp, JSON) must be empty in the new rows; the caller checks
(``unwritable``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from db.models import AuditEvent
from db.types import FinancialYearType

UNAUDITED = ("created_at", "updated_at")  # bookkeeping: no audit event records them
AUDIT_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]
MOST_KEYS = 50  # PostgreSQL's json_build_object takes at most 100 arguments


def audited_columns(table: Table) -> list[Any]:
    """The columns an audit event records (``tracker.records.unit_of_work.snapshot``
    too), in the table's order."""
    return [column for column in table.columns if column.key not in UNAUDITED]


def unwritable(table: Table) -> list[str]:
    """The audited columns whose values ``created_events`` cannot write as
    ``snapshot`` would (they must be empty in the rows it audits)."""
    return [column.key for column in audited_columns(table) if _kind(column) is None]


def created_events(
    dialect_name: str,
    table: Table,
    where: ColumnElement[bool],
    actor: str,
    occurred_at: datetime,
    import_id: int | None = None,
) -> Any:
    """``INSERT INTO audit_events`` one "create" event per row of ``table``
    matching ``where``, in the order of their ids (``import_id``: the import
    that wrote them, if any)."""
    columns = audited_columns(table)
    if len(columns) > MOST_KEYS:
        raise ValueError(f"{table.name} has {len(columns)} audited columns; at most {MOST_KEYS} fit one JSON object")
    pairs: list[Any] = []
    for column in columns:
        pairs += [literal(column.key, String()), _json_value(dialect_name, column)]
    build = func.json_build_object if dialect_name == "postgresql" else func.json_object
    events = (
        select(
            bindparam("occurred_at", occurred_at, type_=AUDIT_EVENTS.c.occurred_at.type),
            literal(actor, String()),
            literal("create", String()),
            literal(table.name, String()),
            table.c.id,
            null(),
            build(*pairs),
            null() if import_id is None else literal(import_id, Integer()),
        )
        .where(where)
        .order_by(table.c.id)
    )
    names = ["occurred_at", "actor", "action", "entity", "entity_id", "before", "after", "import_id"]
    return insert(AUDIT_EVENTS).from_select(names, events)


def _kind(column: Any) -> str | None:
    """How a column's value becomes JSON: ``None`` for a type this module does not write."""
    column_type = column.type
    if isinstance(column_type, FinancialYearType):
        return "year"
    if isinstance(column_type, Boolean):
        return "flag"
    if isinstance(column_type, Date):  # (``DateTime`` is no ``Date``; nor is ``UTCDateTime``)
        return "date"
    if isinstance(column_type, (Integer, String, Text)):
        return "plain"
    return None


def _json_value(dialect_name: str, column: Any) -> Any:
    """The column's value as ``json_value`` gives it, in SQL."""
    kind = _kind(column)
    if kind is None:  # (the rows audited hold none: ``unwritable``)
        return null()
    if kind == "year":  # the label: 2020 -> '2020-21'
        start = cast(column, Integer)
        label: Any
        if dialect_name == "postgresql":
            label = func.concat(cast(start, Text), "-", func.lpad(cast((start + 1) % 100, Text), 2, "0"))
        else:
            label = func.printf("%d-%02d", start, (start + 1) % 100)
        return case((start.is_(None), null()), else_=label)
    if kind == "flag" and dialect_name != "postgresql":  # SQLite keeps 0/1: JSON true/false
        return func.json(case((column.is_(None), "null"), (cast(column, Integer) != 0, "true"), else_="false"))
    if kind == "date" and dialect_name != "postgresql":  # SQLite keeps the ISO text already
        return cast(column, Text)
    return column
