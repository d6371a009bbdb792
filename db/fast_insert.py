"""Many rows into one table, through the database driver's own ``executemany``.

SQLAlchemy Core's executemany builds and type-processes each row's parameters
with general machinery (about 10 microseconds a row), most of a large
import's saving time. ``insert_rows`` does the same work in one step per row:
the statement is compiled once by the dialect (so the SQL, quoting and
parameter style are SQLAlchemy's), each value goes through its column type's
own bind processor (``TypeEngine.bind_processor``: dates, the financial-year
type, UTC datetimes and JSON are stored exactly as an ORM or Core insert
stores them), and columns a row leaves out take their Python-side default
(``created_at``: one time for the whole call). Server defaults are not
needed: every row names every column the tables' Python defaults do not
fill.

On PostgreSQL the rows go by ``COPY ... FROM STDIN`` (psycopg adapts the
same processed values), one statement for all of them, in COPY's binary
form when every column is of a type written so (``BINARY_OIDS``). It runs on the
connection of the caller's transaction, so all or nothing holds. No
RETURNING: callers that need the new ids read them back by a unique key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from sqlalchemy import Connection, String, Table, any_, bindparam, func, insert, literal_column, select

BATCH = 5000  # rows per executemany call


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts by column key, every row the same keys) into ``table``."""
    if not rows:
        return
    given = list(rows[0])
    defaults = _defaults(table, given)
    keys = given + list(defaults)
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
    columns = {bind: compiled.binds[bind].key for bind in names}  # bind name -> column key
    if sorted(columns.values()) != sorted(keys):
        raise ValueError(f"cannot insert into {table.name}: the statement's parameters are not its columns")
    processors = {bind: _processor(table.c[key].type, dialect) for bind, key in columns.items()}
    # A default is made and processed once for the whole call.
    fixed = {key: make() for key, make in defaults.items()}
    template = [
        _processed(processors[bind], fixed[columns[bind]]) if columns[bind] in fixed else None for bind in names
    ]
    steps = [(i, columns[bind], processors[bind]) for i, bind in enumerate(names) if columns[bind] not in fixed]
    plain = [(i, key) for i, key, process in steps if process is None]
    processed = [(i, key, process) for i, key, process in steps if process is not None]

    def values(row: dict[str, Any]) -> list[Any]:
        out = template.copy()
        for i, key in plain:
            out[i] = row[key]
        for i, key, process in processed:
            out[i] = process(row[key])
        return out

    cursor = connection.connection.cursor()
    try:
        if dialect.name == "postgresql":  # COPY: no statement per row
            quote = dialect.identifier_preparer.quote
            stored = [table.c[columns[bind]].name for bind in names]
            types = _binary_types(cursor, quote(table.name), stored)
            listed = ", ".join(quote(name) for name in stored)
            form = " (FORMAT BINARY)" if types else ""
            statement = f"COPY {quote(table.name)} ({listed}) FROM STDIN{form}"
            with _checks_planned_once(cursor), cursor.copy(statement) as copy:
                if types:
                    copy.set_types(types)
                for row in rows:
                    copy.write_row(values(row))
            return
        for start in range(0, len(rows), BATCH):
            batch = [values(row) for row in rows[start : start + BATCH]]
            params: Any = batch if compiled.positional else [dict(zip(names, row)) for row in batch]
            cursor.executemany(compiled.string, params)
    finally:
        cursor.close()


# PostgreSQL types (by oid) whose binary form psycopg writes from the values
# ``insert_rows`` hands it (int; str; bool; date; aware datetime):
# int2, int4, int8, text, varchar, bool, date, timestamptz.
BINARY_OIDS = frozenset({21, 23, 20, 25, 1043, 16, 1082, 1184})


def _binary_types(cursor: Any, quoted_table: str, names: list[str]) -> list[int] | None:
    """The oids of ``names``' columns as the database has them, for a COPY in
    binary form (about a fifth of the text form's work in this process, and
    less parsing in the server); ``None`` when a column's type is not one
    written here in binary (JSON, say: its text goes as text)."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        (quoted_table,),
    )
    oids = dict(cursor.fetchall())
    types = [oids.get(name) for name in names]
    return types if all(oid in BINARY_OIDS for oid in types) else None  # type: ignore[return-value]


@contextmanager
def _checks_planned_once(cursor: Any) -> Iterator[None]:
    """PostgreSQL checks each new row's foreign keys with one saved query per
    constraint; let it keep that query's plan (``plan_cache_mode = auto``)
    for the COPY even where ``growing_tables`` has the transaction plan every
    statement afresh: planning the check again for each row was a fifth of a
    100,000-row import's time. The setting the transaction had comes back
    after."""
    cursor.execute("SELECT current_setting('plan_cache_mode')")
    before = cursor.fetchone()[0]
    cursor.execute("SELECT set_config('plan_cache_mode', 'auto', true)")
    yield  # (a COPY that fails ends the transaction, and the setting with it)
    cursor.execute("SELECT set_config('plan_cache_mode', %s, true)", (before,))


def _processed(process: Callable[[Any], Any] | None, value: Any) -> Any:
    return value if process is None else process(value)


def _processor(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """What SQLAlchemy does to a value of ``column_type`` before the driver
    sees it: the dialect's own form of the type (SQLite's DATETIME writes
    text; a ``TypeDecorator`` adds its ``process_bind_param``)."""
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _defaults(table: Table, given: list[str]) -> dict[str, Callable[[], Any]]:
    """The Python-side defaults of the columns ``given`` leaves out (a value
    made once per call: ``utc_now`` for a whole insert)."""
    found: dict[str, Callable[[], Any]] = {}
    for column in table.columns:
        default: Any = column.default
        if column.key in given or default is None or column.primary_key:
            continue
        if default.is_callable:
            found[column.key] = partial(default.arg, None)  # SQLAlchemy's wrapper takes an execution context
        elif default.is_scalar:
            found[column.key] = partial(_same, default.arg)
    return found


def _same(value: Any) -> Any:
    return value


def growing_tables(connection: Connection) -> None:
    """Tell the database that tables grow within this transaction, so each
    lookup is planned for the rows there now.

    PostgreSQL keeps a generic plan for a statement prepared and run often
    (psycopg prepares after five runs); one made while an import's tables
    were still empty scans the whole table, and an import that looks up the
    refs of each chunk it saves would then slow down with the square of its
    size (100,000 commitments: minutes). ``SET LOCAL`` ends with the
    transaction; ``insert_rows`` sets ``auto`` again for each COPY, whose
    foreign-key checks keep one plan. Nothing to do for SQLite, which plans
    every statement."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")


LIST = 5000  # values per condition: one parameter (an array, a JSON list) whatever its length


def one_of(dialect_name: str, column: Any, values: Sequence[Any]) -> Any:
    """``column IN (values)``, as each database takes a long list best: one
    parameter, so the statement is the same for any list and compiled once.

    PostgreSQL: ``column = ANY(:values)``, an array (psycopg parses a
    statement of hundreds of parameters again on every run: a list of 500
    refs cost about 5 ms a query). SQLite, which has no arrays: ``column IN
    (SELECT value FROM json_each(:values))``, the list as JSON text (text and
    whole numbers only), still answered through ``column``'s index."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    listed = json.dumps([_json_key(value) for value in values])
    return column.in_(select(literal_column("value")).select_from(func.json_each(bindparam(None, listed, String()))))


def one_of_lists(dialect_name: str, column: Any, values: Iterable[Any], size: int = LIST) -> Iterator[Any]:
    """``one_of`` for any number of ``values`` (sorted, no repeats): a condition per ``size`` of them."""
    wanted = sorted(set(values))
    for start in range(0, len(wanted), size):
        yield one_of(dialect_name, column, wanted[start : start + size])


def _json_key(value: Any) -> str | int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"one_of compares text or whole numbers, not {value!r}")
    return value
