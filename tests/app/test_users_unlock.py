"""The Users page shows a locked account (after many failed sign-ins from
many addresses) and an admin unlocks it there, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from db.models import AuditEvent, User
from db.session import make_engine, read_session, write_session
from tests.app.conftest import APP, TEST_ADMIN, add_test_user


@pytest.fixture
def db(app_database: str):
    engine = make_engine(app_database)
    yield engine
    engine.dispose()


def locked_until(db, username: str):
    with read_session(db) as session:
        return session.scalar(select(User.locked_until).where(User.username == username))


def test_an_admin_sees_a_lock_and_lifts_it(app_database, db):
    add_test_user(app_database, "kim", ["viewer"])
    add_test_user(app_database, "lee", ["viewer"])
    with write_session(db) as session:
        session.execute(
            update(User).where(User.username == "kim").values(locked_until=datetime.now(UTC) + timedelta(hours=1))
        )
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = at.switch_page("app_pages/users.py").run()

    at.selectbox(key="users_pick").set_value("lee").run()
    assert not [b for b in at.button if b.key == "users_unlock"]  # not locked: nothing to lift

    at.selectbox(key="users_pick").set_value("kim").run()
    assert any("is locked after many failed sign-ins" in m.value for m in at.markdown)
    at.button(key="users_unlock").click().run()
    assert not at.exception and not at.error
    assert "Unlocked kim" in at.success[0].value
    assert locked_until(db, "kim") is None
    with read_session(db) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (event.entity, event.actor, event.after["locked_until"]) == ("users", TEST_ADMIN, None)
    assert not [b for b in at.button if b.key == "users_unlock"]
