"""``db.fast_insert.insert_rows`` stores each value exactly as a SQLAlchemy
Core insert stores it: the same text in SQLite (dates, UTC datetimes), the
same JSON (and SQL NULL for a missing snapshot), the same financial years,
and Python-side defaults filled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    insert,
    select,
    text,
)

from db import fast_insert
from db.fast_insert import growing_tables, insert_rows, one_of, one_of_lists
from db.models.base import utc_now
from db.session import ensure_schema
from db.types import FinancialYearType, UTCDateTime
from tracker.core.fiscal import FinancialYear

METADATA = MetaData()
SAMPLES = Table(
    "fast_insert_samples",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("ref", Text, nullable=False, unique=True),
    Column("amount_pence", BigInteger, nullable=False),
    Column("day", Date),
    Column("year", FinancialYearType),
    Column("flag", Boolean, nullable=False),
    Column("after", JSON(none_as_null=True)),
    Column("when", UTCDateTime),
    Column("kind", Text, nullable=False, default="other"),
    Column("created_at", UTCDateTime, nullable=False, default=utc_now),
)

VALUES = [
    {
        "amount_pence": 123_456_789_012,
        "day": date(2020, 4, 1),
        "year": FinancialYear(2020),
        "flag": True,
        "after": {"ref": "C1", "amount_pence": 5, "note": "café “quoted”", "first_year": "2020-21"},
        "when": datetime(2021, 3, 31, 23, 59, 59, 123456, tzinfo=UTC),
    },
    {"amount_pence": 0, "day": None, "year": None, "flag": False, "after": None, "when": None},
]

COLUMNS = ["amount_pence", "day", "year", "flag", "after", "when", "kind"]

# No JSON: every column of a type PostgreSQL's COPY takes in binary form.
PLAIN = Table(
    "fast_insert_plain",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("ref", String(40), nullable=False, unique=True),
    Column("amount_pence", BigInteger, nullable=False),
    Column("count", Integer),
    Column("small", SmallInteger),
    Column("day", Date),
    Column("year", FinancialYearType),
    Column("flag", Boolean, nullable=False),
    Column("note", Text),
    Column("when", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False, default=utc_now),
)
PLAIN_VALUES = [
    {
        "amount_pence": -123_456_789_012,
        "count": 2_147_483_647,
        "small": -32_768,
        "day": date(2020, 4, 1),
        "year": FinancialYear(2020),
        "flag": True,
        "note": "tab\there, line\nbreak, back\\slash, \"quoted\" 'single' café “curly” 💷 \\N",
        "when": datetime(2021, 3, 31, 23, 59, 59, 123456, tzinfo=UTC),
    },
    {
        "amount_pence": 0,
        "count": None,
        "small": None,
        "day": None,
        "year": None,
        "flag": False,
        "note": "",
        "when": None,
    },
    {"amount_pence": 1, "count": 0, "small": 0, "day": None, "year": None, "flag": False, "note": None, "when": None},
]


def _stored(connection, ref: str):
    row = connection.execute(select(SAMPLES).where(SAMPLES.c.ref == ref)).one()
    raw = connection.execute(
        text(
            'SELECT CAST(day AS TEXT), CAST(year AS TEXT), CAST("after" AS TEXT), CAST("when" AS TEXT) '
            "FROM fast_insert_samples WHERE ref = :ref"
        ),
        {"ref": ref},
    ).one()
    return row, tuple(raw)


def test_rows_are_stored_as_a_core_insert_stores_them(each_engine):
    METADATA.create_all(each_engine)
    before = datetime.now(UTC)
    with each_engine.begin() as connection:
        for n, values in enumerate(VALUES):
            connection.execute(insert(SAMPLES), [{"ref": f"core-{n}", **values}])
        insert_rows(connection, SAMPLES, [{"ref": f"fast-{n}", **values} for n, values in enumerate(VALUES)])
    with each_engine.connect() as connection:
        for n, values in enumerate(VALUES):
            core, core_raw = _stored(connection, f"core-{n}")
            fast, fast_raw = _stored(connection, f"fast-{n}")
            assert {c: getattr(fast, c) for c in COLUMNS} == {c: getattr(core, c) for c in COLUMNS}
            assert {c: getattr(fast, c) for c in values} == values  # read back as given
            assert fast.kind == "other"  # a scalar default filled
            assert fast_raw == core_raw  # the same text in the database
            assert before - timedelta(seconds=1) <= fast.created_at <= datetime.now(UTC)
        assert connection.execute(text('SELECT COUNT(*) FROM fast_insert_samples WHERE "after" IS NULL')).scalar() == 2


def test_rows_of_plain_types_are_stored_as_a_core_insert_stores_them(each_engine):
    """On PostgreSQL these go by COPY in binary form: the same values, text and all."""
    METADATA.create_all(each_engine)
    with each_engine.begin() as connection:
        connection.execute(insert(PLAIN), [{"ref": f"core-{n}", **values} for n, values in enumerate(PLAIN_VALUES)])
        insert_rows(connection, PLAIN, [{"ref": f"fast-{n}", **values} for n, values in enumerate(PLAIN_VALUES)])
    shown = text(
        'SELECT ref, amount_pence, "count", small, CAST(day AS TEXT), CAST(year AS TEXT), flag, note, '
        'CAST("when" AS TEXT) FROM fast_insert_plain ORDER BY id'
    )
    with each_engine.connect() as connection:
        rows = connection.execute(select(PLAIN).order_by(PLAIN.c.id)).all()
        raw = [tuple(row)[1:] for row in connection.execute(shown)]
    half = len(PLAIN_VALUES)
    for n, values in enumerate(PLAIN_VALUES):
        core, fast = rows[n], rows[half + n]
        assert {c: getattr(fast, c) for c in values} == values  # read back as given
        assert {c: getattr(fast, c) for c in values} == {c: getattr(core, c) for c in values}
        assert raw[half + n] == raw[n]  # the same in the database


@pytest.mark.postgres
def test_copy_goes_in_binary_form_only_where_every_column_takes_it(postgres_url):
    engine = ensure_schema(postgres_url)
    try:
        METADATA.create_all(engine)
        with engine.connect() as connection:
            cursor = connection.connection.cursor()
            plain = fast_insert._binary_types(cursor, '"fast_insert_plain"', [c.name for c in PLAIN.columns])
            with_json = fast_insert._binary_types(cursor, '"fast_insert_samples"', [c.name for c in SAMPLES.columns])
        assert plain is not None and len(plain) == len(PLAIN.columns)
        assert with_json is None  # JSON goes as text, as psycopg writes a str in text form
    finally:
        engine.dispose()


def test_one_default_time_for_a_whole_call_and_all_or_nothing_with_the_transaction(each_engine):
    METADATA.create_all(each_engine)
    rows = [{"ref": f"r{n}", **VALUES[1]} for n in range(12_000)]  # more than one batch
    with each_engine.begin() as connection:
        insert_rows(connection, SAMPLES, rows)
    with each_engine.connect() as connection:
        times = connection.execute(select(SAMPLES.c.created_at).distinct()).scalars().all()
        assert len(times) == 1
        assert connection.execute(select(SAMPLES.c.ref).order_by(SAMPLES.c.id)).scalars().all() == [
            row["ref"] for row in rows
        ]

    try:
        with each_engine.begin() as connection:
            insert_rows(connection, SAMPLES, [{"ref": "new-1", **VALUES[0]}])
            insert_rows(connection, SAMPLES, [{"ref": "r5", **VALUES[0]}])  # a ref already stored
    except Exception as err:  # the driver's own IntegrityError
        assert "unique" in str(err).lower()
    else:
        raise AssertionError("a duplicate ref was inserted")
    with each_engine.connect() as connection:
        assert connection.execute(select(SAMPLES.c.id).where(SAMPLES.c.ref == "new-1")).first() is None


def test_one_of_finds_every_value_asked_for_in_lists_of_any_length(each_engine):
    METADATA.create_all(each_engine)
    refs = [f"ref-{n:05d}" for n in range(1, 12_001)]
    with each_engine.begin() as connection:
        insert_rows(connection, SAMPLES, [{"ref": ref, **VALUES[1]} for ref in refs])
    asked = [*refs[::3], "ref-missing", "ref-00002", "ref-00002", 'O\'Brien "quoted" café']
    dialect = each_engine.dialect.name
    with each_engine.connect() as connection:
        found = [
            ref
            for where in one_of_lists(dialect, SAMPLES.c.ref, asked, size=1000)
            for ref in connection.execute(select(SAMPLES.c.ref).where(where)).scalars()
        ]
        ids = connection.execute(select(SAMPLES.c.id).where(one_of(dialect, SAMPLES.c.id, [1, 3, 99_999]))).scalars()
        assert sorted(ids) == [1, 3]
    assert sorted(found) == sorted({*refs[::3], "ref-00002"})
    with pytest.raises(TypeError):  # SQLite takes the list as JSON: text and whole numbers only
        one_of("sqlite", SAMPLES.c.day, [date(2020, 4, 1)])


@pytest.mark.postgres
def test_foreign_key_checks_keep_their_plan_during_a_copy_and_the_transaction_its_setting(postgres_url):
    """PostgreSQL checks each copied row's foreign keys with a saved query:
    the COPY runs with ``plan_cache_mode = auto`` so that plan is kept (re-planned for
    every row it was a fifth of an import), and the transaction's own
    setting (``growing_tables``: plan each lookup afresh) is back after it."""
    seen = Table(
        "fast_insert_planning",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("ref", Text, nullable=False),
        Column("planning", Text, server_default=text("current_setting('plan_cache_mode')")),
    )
    engine = ensure_schema(postgres_url)
    try:
        seen.create(engine)
        with engine.begin() as connection:
            growing_tables(connection)
            insert_rows(connection, seen, [{"ref": "a"}, {"ref": "b"}])
            assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
            assert connection.execute(select(seen.c.planning)).scalars().all() == ["auto", "auto"]
    finally:
        engine.dispose()
