"""The persistence layer against real databases: migrations, models, sessions.

Tests taking ``each_engine``/``each_database_url`` run on SQLite and on
PostgreSQL; tests taking ``engine``/``database_url`` run on whichever the run
uses (see conftest.py).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, delete, event, func, inspect, select, text, update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from db.models import (
    Announcement,
    AuditEvent,
    Base,
    Commitment,
    Delivery,
    Milestone,
    Organisation,
    ProfileLine,
)
from db.session import (
    DEFAULT_DATABASE_URL,
    SCHEMA_HEAD,
    SQLITE_BUSY_TIMEOUT_MS,
    alembic_config,
    database_url,
    downgrade,
    ensure_schema,
    make_engine,
    migration_transaction,
    read_session,
    stored_revision,
    upgrade,
    write_engine,
    write_session,
)
from tracker.core.fiscal import FinancialYear

MODEL_TABLES = set(Base.metadata.tables)
BST = timezone(timedelta(hours=1), "BST")


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _append_only_triggers(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
            )
        else:
            rows = connection.execute(
                text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal")
            )
        return set(rows.scalars())


def _add_founding_example(engine: Engine) -> int:
    """The October 2019 announcement; returns the CDO commitment's id."""
    with write_session(engine) as session:
        funder = Organisation(name="Welsh Government", kind="funder")
        wlga = Organisation(name="Welsh Local Government Association", kind="recipient")
        announcement = Announcement(
            ref="WG-2019-10-31",
            announced_on=date(2019, 10, 31),
            title="Digital transformation funding for local government",
            funder=funder,
        )
        cdo = Commitment(
            ref="WG-2019-10-31-CDO",
            announcement=announcement,
            purpose="Chief Digital Officer post and Delivery Unit",
            recipient=wlga,
            kind="recurring",
            amount_pence=50_000_000,
            first_year=FinancialYear(2020),
            years=3,
        )
        session.add(cdo)
        session.flush()
        return cdo.id


# --- Migrations -------------------------------------------------------------


def test_upgrading_an_empty_database_creates_every_table(each_database_url: str) -> None:
    engine = ensure_schema(each_database_url)
    try:
        assert _tables(engine) == MODEL_TABLES | {"alembic_version"}
        assert _current_revision(engine) == _head_revision()
    finally:
        engine.dispose()


def test_the_schema_head_named_in_code_is_alembics(each_engine: Engine) -> None:
    """``ensure_schema`` leaves a database at ``SCHEMA_HEAD`` alone: it must be the
    newest migration (after adding one, set ``db.session.SCHEMA_HEAD`` to it)."""
    assert _head_revision() == SCHEMA_HEAD
    assert stored_revision(each_engine) == SCHEMA_HEAD
    downgrade(each_engine, "0005")
    assert stored_revision(each_engine) == "0005"
    ensure_schema(each_engine.url).dispose()  # not at the head: upgraded
    assert stored_revision(each_engine) == SCHEMA_HEAD


def test_applying_migrations_again_changes_nothing(engine: Engine) -> None:
    cdo_id = _add_founding_example(engine)
    upgrade(engine)
    with read_session(engine) as session:
        assert session.get(Commitment, cdo_id).purpose == "Chief Digital Officer post and Delivery Unit"
    assert _current_revision(engine) == _head_revision()


def test_models_match_the_migrations(each_engine: Engine) -> None:
    with each_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_migration_history_has_a_single_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_downgrading_to_base_removes_everything_and_upgrading_again_works(each_engine: Engine) -> None:
    downgrade(each_engine, "base")
    assert _tables(each_engine) <= {"alembic_version"}
    if each_engine.dialect.name == "postgresql":
        with each_engine.connect() as connection:
            functions = connection.execute(
                text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_events_append_only'")
            ).scalar_one()
        assert functions == 0

    upgrade(each_engine)
    assert _tables(each_engine) == MODEL_TABLES | {"alembic_version"}
    assert _append_only_triggers(each_engine)
    _add_founding_example(each_engine)


def test_a_sqlite_batch_migration_keeps_the_rows_that_point_at_the_rebuilt_table(
    sqlite_file_url: str,
) -> None:
    # Batch mode rebuilds "commitments" (copy, drop, rename). With foreign keys
    # on, the drop would cascade and silently delete every profile line.
    engine = ensure_schema(sqlite_file_url)
    try:
        with write_session(engine) as session:
            funder = Organisation(name="Welsh Government", kind="funder")
            announcement = Announcement(ref="A", announced_on=date(2019, 10, 31), title="t", funder=funder)
            session.add(
                Commitment(
                    ref="CAP",
                    announcement=announcement,
                    purpose="Capital programme",
                    recipient=funder,
                    kind="profiled",
                    amount_pence=300,
                    first_year=FinancialYear(2020),
                    profile_lines=[
                        ProfileLine(financial_year=FinancialYear(2020), amount_pence=100),
                        ProfileLine(financial_year=FinancialYear(2021), amount_pence=200),
                    ],
                )
            )

        with write_engine(engine).connect() as connection:
            operations = Operations(MigrationContext.configure(connection, opts={"render_as_batch": True}))
            with migration_transaction(connection, connection.begin):
                with operations.batch_alter_table("commitments", recreate="always") as batch:
                    batch.add_column(Column("extra", Integer, nullable=True))

        with read_session(engine) as session:
            assert session.scalar(select(func.count()).select_from(ProfileLine)) == 2
            assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    finally:
        engine.dispose()


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda conn, cursor, statement, *rest: seen.append(statement))
    return seen


def test_a_sqlite_migration_that_leaves_a_broken_foreign_key_is_refused(sqlite_file_url: str) -> None:
    engine = ensure_schema(sqlite_file_url)
    try:
        with write_engine(engine).connect() as connection:
            with pytest.raises(RuntimeError, match="broken foreign keys"):
                with migration_transaction(connection, connection.begin):
                    connection.exec_driver_sql(
                        "INSERT INTO commitment_areas (commitment_id, gss_code) VALUES (999, 'W06000015')"
                    )
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM commitment_areas").scalar_one() == 0
    finally:
        engine.dispose()


def test_migrating_a_sqlite_database_that_is_up_to_date_reads_no_rows_to_check_keys(sqlite_file_url: str) -> None:
    # PRAGMA foreign_key_check reads every row: at a million commitments it
    # was half a second of every command, which migrates first.
    ensure_schema(sqlite_file_url).dispose()
    engine = make_engine(sqlite_file_url)
    try:
        statements = _statements(engine)
        upgrade(engine)
        assert statements and not [s for s in statements if "foreign_key_check" in s]
    finally:
        engine.dispose()


def test_ensure_schema_with_no_url_creates_data_folder_and_default_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    assert database_url() == DEFAULT_DATABASE_URL

    engine = ensure_schema()
    try:
        assert (tmp_path / "data" / "tracker.db").is_file()
        assert _tables(engine) == MODEL_TABLES | {"alembic_version"}
    finally:
        engine.dispose()


def test_the_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", "sqlite:////srv/tracker/tracker.db")
    assert database_url() == "sqlite:////srv/tracker/tracker.db"


# --- Models -----------------------------------------------------------------


def test_every_kind_of_record_reads_back_with_the_values_written(engine: Engine) -> None:
    # Any zone goes in; UTC comes out, the same instant.
    written_at = datetime(2020, 6, 30, 9, 15, tzinfo=BST)
    with write_session(engine) as session:
        funder = Organisation(name="Welsh Government", kind="funder", org_identifier="GB-GOVUK-welsh-government")
        wlga = Organisation(name="Welsh Local Government Association", kind="recipient")
        announcement = Announcement(
            ref="WG-2019-10-31",
            announced_on=date(2019, 10, 31),
            title="Digital transformation funding for local government",
            funder=funder,
            made_by="Minister for Housing and Local Government",
            source_url="https://gov.wales/example",
            quote="over £1m will be made available next financial year",
        )
        one_off = Commitment(
            ref="WG-2019-10-31-DT",
            announcement=announcement,
            purpose="Council digital transformation",
            recipient=wlga,
            kind="one-off",
            amount_pence=100_000_000,
            qualifier="over",
            capital_or_revenue="revenue",
            first_year=FinancialYear(2020),
        )
        cdo = Commitment(
            ref="WG-2019-10-31-CDO",
            announcement=announcement,
            purpose="Chief Digital Officer post and Delivery Unit",
            programme="Digital Strategy",
            recipient=wlga,
            kind="recurring",
            amount_pence=50_000_000,
            status="indicative",
            first_year=FinancialYear(2020),
            years=3,
            uplift_bp=250,
        )
        profiled = Commitment(
            ref="WG-2019-10-31-CAP",
            announcement=announcement,
            purpose="Capital programme",
            recipient=wlga,
            kind="profiled",
            amount_pence=200_001_500_000,
            capital_or_revenue="capital",
            first_year=FinancialYear(2020),
            years=2,
            # Added out of order: the relationship sorts by financial year.
            profile_lines=[
                # £2bn: more than a 32-bit integer holds.
                ProfileLine(financial_year=FinancialYear(2021), amount_pence=200_000_000_000),
                ProfileLine(financial_year=FinancialYear(2020), amount_pence=1_500_000),
            ],
        )
        restated = Commitment(
            ref="WG-2020-03-CDO",
            announcement=Announcement(
                ref="WG-2020-03-01",
                announced_on=date(2020, 3, 1),
                title="Budget restates the CDO funding",
                funder=funder,
            ),
            purpose="Chief Digital Officer post (restated)",
            recipient=wlga,
            kind="recurring",
            amount_pence=50_000_000,
            first_year=FinancialYear(2020),
            years=3,
            reannounces=cdo,
        )
        cdo.deliveries = [
            Delivery(
                ref="PAY-2",
                paid_on=date(2020, 9, 30),
                amount_pence=-25_000,  # a correction
                kind="disbursement",
                note="correction of an over-payment",
            ),
            Delivery(
                ref="PAY-1",
                paid_on=date(2020, 6, 30),
                amount_pence=12_500_000,
                kind="disbursement",
                evidence_url="https://example.org/invoice",
                illustrative=True,
            ),
        ]
        cdo.milestones = [
            Milestone(
                ref="MS-CDO",
                title="CDO in post",
                due_on=date(2020, 4, 1),
                achieved_on=date(2020, 11, 23),
                achieved_note="late November 2020; the day was not published",
            )
        ]
        session.add_all([one_off, profiled, restated])
        session.add(
            AuditEvent(
                occurred_at=written_at,
                actor="officer@wlga.example",
                action="create",
                entity="commitment",
                entity_id=1,
                after={"ref": "WG-2019-10-31-DT", "amount_pence": 100_000_000, "first_year": "2020-21"},
            )
        )

    with read_session(engine) as session:
        by_ref = {c.ref: c for c in session.scalars(select(Commitment))}

        one_off = by_ref["WG-2019-10-31-DT"]
        assert type(one_off.amount_pence) is int and one_off.amount_pence == 100_000_000
        assert type(one_off.first_year) is FinancialYear and one_off.first_year == FinancialYear(2020)
        assert (one_off.kind, one_off.qualifier, one_off.status) == ("one-off", "over", "confirmed")
        # years has no default: a one-off written without it holds NULL ("not stated"), never a made-up 1.
        assert (one_off.capital_or_revenue, one_off.years, one_off.uplift_bp) == ("revenue", None, 0)
        assert one_off.announcement.announced_on == date(2019, 10, 31)
        assert one_off.announcement.quote == "over £1m will be made available next financial year"
        assert one_off.announcement.funder.name == "Welsh Government"
        assert one_off.announcement.funder.org_identifier == "GB-GOVUK-welsh-government"
        assert one_off.recipient.kind == "recipient"
        assert one_off.version == 1

        cdo = by_ref["WG-2019-10-31-CDO"]
        assert (cdo.status, cdo.years, cdo.uplift_bp) == ("indicative", 3, 250)
        assert cdo.programme == "Digital Strategy"
        assert [(d.ref, d.paid_on, d.amount_pence, d.illustrative) for d in cdo.deliveries] == [
            ("PAY-1", date(2020, 6, 30), 12_500_000, True),
            ("PAY-2", date(2020, 9, 30), -25_000, False),
        ]
        assert all(type(d.amount_pence) is int for d in cdo.deliveries)
        (milestone,) = cdo.milestones
        assert (milestone.due_on, milestone.achieved_on) == (date(2020, 4, 1), date(2020, 11, 23))
        assert milestone.achieved_note == "late November 2020; the day was not published"

        profiled = by_ref["WG-2019-10-31-CAP"]
        lines = [(line.financial_year, line.amount_pence) for line in profiled.profile_lines]
        assert lines == [(FinancialYear(2020), 1_500_000), (FinancialYear(2021), 200_000_000_000)]
        assert all(type(year) is FinancialYear and type(pence) is int for year, pence in lines)
        assert profiled.amount_pence == 200_001_500_000

        restated = by_ref["WG-2020-03-CDO"]
        assert restated.reannounces is cdo
        assert cdo.reannounced_by == [restated]

        event = session.scalars(select(AuditEvent)).one()
        assert event.occurred_at == written_at and event.occurred_at.tzinfo == UTC
        assert event.before is None
        assert event.after == {
            "ref": "WG-2019-10-31-DT",
            "amount_pence": 100_000_000,
            "first_year": "2020-21",
        }
        # A missing snapshot is SQL NULL, not the JSON text 'null'.
        assert session.scalar(select(func.count()).where(AuditEvent.before.is_(None))) == 1

        created = one_off.created_at
        assert created.tzinfo == UTC
        assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)


def test_financial_year_columns_refuse_plain_ints(engine: Engine) -> None:
    with pytest.raises(StatementError, match="expected a FinancialYear"):
        with read_session(engine) as session:
            session.scalars(select(Commitment).where(Commitment.first_year == 2020)).all()


def test_the_database_refuses_a_commitment_whose_announcement_does_not_exist(engine: Engine) -> None:
    # On SQLite this holds only because every connection turns foreign keys on.
    cdo_id = _add_founding_example(engine)
    with read_session(engine) as session:
        recipient_id = session.get(Commitment, cdo_id).recipient_id
    with pytest.raises(IntegrityError):
        with write_session(engine) as session:
            session.add(
                Commitment(
                    ref="ORPHAN",
                    announcement_id=9999,
                    purpose="nothing",
                    recipient_id=recipient_id,
                    kind="one-off",
                    amount_pence=1,
                    first_year=FinancialYear(2020),
                )
            )


def test_the_database_refuses_a_kind_outside_the_list(engine: Engine) -> None:
    with pytest.raises(IntegrityError):
        with write_session(engine) as session:
            session.add(Organisation(name="Somebody", kind="charity"))


# --- Sessions ---------------------------------------------------------------


def test_sqlite_connections_have_foreign_keys_wal_and_a_busy_timeout(sqlite_file_url: str) -> None:
    ensure_schema(sqlite_file_url).dispose()
    # A new engine: its connections have never run a migration (which sets
    # foreign_keys itself), so only the connect-time pragmas can pass this.
    engine = make_engine(sqlite_file_url)
    try:
        for open_session in (read_session, write_session):
            with open_session(engine) as session:
                pragma = lambda name: session.execute(text(f"PRAGMA {name}")).scalar_one()  # noqa: E731
                assert pragma("foreign_keys") == 1
                assert pragma("journal_mode") == "wal"
                assert pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS == 60_000
                assert pragma("synchronous") == 1  # NORMAL
    finally:
        engine.dispose()


def test_on_sqlite_a_write_session_takes_the_write_lock_at_once_and_a_read_session_does_not(
    sqlite_file_url: str, tmp_path: Path
) -> None:
    engine = ensure_schema(sqlite_file_url)

    def another_writer_can_start() -> bool:
        other = sqlite3.connect(tmp_path / "tracker.db", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError as error:
            assert "locked" in str(error)
            return False
        finally:
            other.close()

    try:
        with read_session(engine) as session:
            session.scalars(select(Organisation)).all()
            assert another_writer_can_start()
        with write_session(engine) as session:
            session.scalars(select(Organisation)).all()  # only a read so far
            assert not another_writer_can_start()
        assert another_writer_can_start()
    finally:
        engine.dispose()


def test_a_write_session_commits_when_its_block_succeeds_and_rolls_back_when_it_fails(
    engine: Engine,
) -> None:
    with write_session(engine) as session:
        session.add(Organisation(name="Kept", kind="funder"))
    with pytest.raises(RuntimeError, match="changed my mind"):
        with write_session(engine) as session:
            session.add(Organisation(name="Discarded", kind="funder"))
            session.flush()
            raise RuntimeError("changed my mind")
    with read_session(engine) as session:
        assert session.scalars(select(Organisation.name)).all() == ["Kept"]


def test_a_stale_write_is_refused_thanks_to_the_version_column(engine: Engine) -> None:
    cdo_id = _add_founding_example(engine)
    # Two people open the same commitment (as an edit form would) ...
    with read_session(engine) as session:
        alice_copy = session.get(Commitment, cdo_id)
    with read_session(engine) as session:
        bob_copy = session.get(Commitment, cdo_id)
    assert alice_copy.version == bob_copy.version == 1

    # ... both change it; the first save wins and bumps the version ...
    alice_copy.purpose = "Chief Digital Officer post"
    with write_session(engine) as session:
        session.add(alice_copy)
    assert alice_copy.version == 2

    # ... and the second, made against version 1, is refused.
    bob_copy.purpose = "Delivery Unit only"
    with pytest.raises(StaleDataError):
        with write_session(engine) as session:
            session.add(bob_copy)

    with read_session(engine) as session:
        saved = session.get(Commitment, cdo_id)
        assert (saved.purpose, saved.version) == ("Chief Digital Officer post", 2)


# --- The append-only audit trail --------------------------------------------


def test_the_append_only_triggers_are_in_place_after_a_full_upgrade(each_engine: Engine) -> None:
    expected = {
        "sqlite": {"audit_events_no_update", "audit_events_no_delete"},
        "postgresql": {"audit_events_append_only", "audit_events_no_truncate"},
    }[each_engine.dialect.name]
    assert _append_only_triggers(each_engine) == expected


def test_audit_events_refuse_update_and_delete(each_engine: Engine) -> None:
    with write_session(each_engine) as session:
        session.add(
            AuditEvent(
                actor="officer@wlga.example",
                action="create",
                entity="organisation",
                entity_id=1,
                after={"name": "Welsh Government"},
            )
        )

    with pytest.raises(IntegrityError, match="append-only"):
        with write_session(each_engine) as session:
            session.execute(update(AuditEvent).values(actor="someone else"))
    with pytest.raises(IntegrityError, match="append-only"):
        with write_session(each_engine) as session:
            session.execute(delete(AuditEvent))
    if each_engine.dialect.name == "postgresql":
        with pytest.raises(IntegrityError, match="append-only"):
            with write_session(each_engine) as session:
                session.execute(text("TRUNCATE audit_events"))

    with read_session(each_engine) as session:
        (event,) = session.scalars(select(AuditEvent)).all()
        assert (event.actor, event.after) == ("officer@wlga.example", {"name": "Welsh Government"})
