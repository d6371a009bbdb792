"""``data_version``, the mark the dashboard's caches are keyed on: it changes
with every committed write, also one that commits after a later write took a
higher audit id (PostgreSQL), and stays put for transactions that record no
audit events (a sign-in's bookkeeping), so the figures are not read again
for them. The JSON API's reader keys its tables on it too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from db.session import ensure_schema
from tests.actors import ADMIN
from tracker import accounts
from tracker.api.views import ApiReads
from tracker.figures.data import data_version

EVENT = text(
    "INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id) "
    "VALUES (CURRENT_TIMESTAMP, 'test', 'create', 'deliveries', 1)"
)


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Engine]:
    engine = ensure_schema(postgres_url)
    yield engine
    engine.dispose()


def test_each_committed_write_changes_it(each_engine):
    seen = {data_version(each_engine)}
    for _ in range(2):
        with each_engine.begin() as connection:
            connection.execute(EVENT)
        now = data_version(each_engine)
        assert now not in seen
        seen.add(now)
    assert data_version(each_engine) == now  # and stays while nothing is written


def test_changes_to_who_may_sign_in_leave_it_alone(each_engine):
    """Users, their sign-ins, locks and tokens change no figure: the caches stay (else anyone at the
    sign-in page could make the server load everything again for everyone)."""
    before = data_version(each_engine)
    accounts.add_user("erin", ["viewer"], engine=each_engine, email="erin@council.gov.uk", actor=ADMIN, sso_only=True)
    accounts.sign_in_email("erin@council.gov.uk", engine=each_engine)
    accounts.disable_user("erin", engine=each_engine, actor=ADMIN)
    assert data_version(each_engine) == before
    with each_engine.begin() as connection:
        connection.execute(EVENT)
    assert data_version(each_engine) != before


@pytest.mark.postgres
def test_a_write_committed_after_a_later_one_changes_it(pg):
    early, late = pg.connect(), pg.connect()
    try:
        early.begin()
        early.execute(EVENT)  # takes the lower id, commits last
        late.begin()
        late.execute(EVENT)
        late.commit()
        between = data_version(pg)
        assert data_version(pg) == between  # steady while the early writer runs
        early.commit()
    finally:
        early.close()
        late.close()
    after = data_version(pg)
    assert after != between
    with pg.connect() as connection:  # no writer running: the newest id itself
        assert after == connection.execute(text("SELECT max(id) FROM audit_events")).scalar()


@pytest.mark.postgres
def test_transactions_that_record_no_audit_events_leave_it_alone(pg):
    accounts.add_user("ann", ["viewer"], engine=pg, actor=ADMIN)
    before = data_version(pg)
    bookkeeping = pg.connect()
    try:
        bookkeeping.begin()
        bookkeeping.execute(text("UPDATE users SET last_sign_in_at = CURRENT_TIMESTAMP"))
        assert data_version(pg) == before
        bookkeeping.rollback()
    finally:
        bookkeeping.close()
    assert data_version(pg) == before


@pytest.mark.postgres
def test_a_writer_that_rolls_back_leaves_it_as_it_was(pg):
    before = data_version(pg)
    writer = pg.connect()
    try:
        writer.begin()
        writer.execute(EVENT)
        assert data_version(pg) != before  # it might commit
        writer.rollback()
    finally:
        writer.close()
    assert data_version(pg) == before


@pytest.mark.postgres
def test_the_api_works_its_tables_out_again_after_a_write_committed_after_a_later_one(pg):
    reads = ApiReads(pg)
    early, late = pg.connect(), pg.connect()
    try:
        early.begin()
        early.execute(EVENT)  # takes the lower id, commits last
        late.begin()
        late.execute(EVENT)
        late.commit()
        between = reads.tables()
        assert reads.tables() is between  # kept while nothing changes
        early.commit()
    finally:
        early.close()
        late.close()
    after = reads.tables()
    assert after is not between and after.version == data_version(pg)
    assert reads.tables() is after
