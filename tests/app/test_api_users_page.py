"""The Users page's JSON API controls (admins): issue a user's token (shown once),
revoke it, and turn public mode on and off, each audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import AuditEvent
from db.session import make_engine, read_session
from tests.app.conftest import APP, TEST_ADMIN, add_test_user
from tracker.api import access

URL_SAFE = re.compile(r"[A-Za-z0-9_-]{43}")


@pytest.fixture
def db(app_database: str):
    engine = make_engine(app_database)
    yield engine
    engine.dispose()


def _users_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page("app_pages/users.py").run()


def test_an_admin_issues_a_token_shown_once_then_revokes_it(app_database, db):
    add_test_user(app_database, "kim", ["viewer"])
    at = _users_page()
    at.selectbox(key="users_pick").set_value("kim").run()
    assert any("has no JSON API token" in m.value for m in at.markdown)

    at.button(key="users_issue_token").click().run()
    assert not at.exception and not at.error
    assert "**kim** has a new JSON API token" in at.success[0].value
    token = at.code[0].value
    assert URL_SAFE.fullmatch(token)
    assert access.authenticate(token, engine=db).username == "kim"
    assert any("has a JSON API token, issued" in m.value for m in at.markdown)
    at.run()
    assert not at.code  # gone on the next run

    at.button(key="users_revoke_token").click().run()
    assert "Revoked the API token of kim." in at.success[0].value
    assert access.authenticate(token, engine=db) is None
    with read_session(db) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "api_tokens")).all()
    assert [(e.action, e.actor) for e in events] == [("create", TEST_ADMIN), ("update", TEST_ADMIN)]


def test_an_admin_turns_public_mode_on_and_off(db):
    at = _users_page()
    assert at.toggle(key="users_public_api").value is False

    at.toggle(key="users_public_api").set_value(True).run()
    assert not at.exception and access.public_api(db)
    assert "Public mode is on" in at.success[0].value
    at.toggle(key="users_public_api").set_value(False).run()
    assert not access.public_api(db) and at.toggle(key="users_public_api").value is False
    with read_session(db) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "app_settings")).all()
    assert [(e.action, e.after["setting_value"], e.actor) for e in events] == [
        ("create", "on", TEST_ADMIN),
        ("update", "off", TEST_ADMIN),
    ]
