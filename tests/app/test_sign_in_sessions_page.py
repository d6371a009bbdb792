"""Sign-in sessions on the pages (AppTest): a password sign-in starts a
session in the database and hands the browser a ticket for its cookie; a new
Streamlit session with a live session's cookie opens signed in; an ended,
idle or unknown one does not; signing out in one tab signs out the others.

AppTest cannot send cookies (``AppTest.context`` does not seed them), so the
cookie the browser would send is put in place of ``auth._cookie``; the
script runs in this process, with this module object."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from dashboard import auth, session_routes
from db.models import SignInSession
from db.session import make_engine, read_session
from tests.app.conftest import APP, SETUP, TEST_ADMIN, TEST_PASSWORD, offered, user_id
from tracker import accounts
from tracker import sign_in_sessions as sessions

BROWSER = "00112233445566778899aabbccddeeff"


@pytest.fixture
def db(app_database: str):
    engine = make_engine(app_database)
    yield engine
    engine.dispose()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """As ``funding-tracker serve`` runs it (the routes mounted), with the
    cookies the browser sends (empty: none)."""
    cookies: dict[str, str] = {}
    monkeypatch.setattr(session_routes, "_mounted", True)
    monkeypatch.setattr(auth, "_cookie", cookies.get)
    return cookies


def _rows(engine) -> list[SignInSession]:
    with read_session(engine) as session:
        return list(session.scalars(select(SignInSession).order_by(SignInSession.id)))


def _signed_in_by_password(served: dict[str, str]) -> AppTest:
    served[session_routes.XSRF_COOKIE] = "browser's own"
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="sign_in_username").input(TEST_ADMIN)
    at.text_input(key="sign_in_password").input(TEST_PASSWORD)
    at.button(key="sign_in_submit").click().run()
    assert not at.exception
    return at


def _live_cookie(engine, app_database: str) -> tuple[int, str]:
    started = sessions.start(user_id(app_database, TEST_ADMIN), engine=engine, binding=BROWSER)
    token = sessions.exchange(started.ticket, BROWSER, engine=engine)
    assert token is not None
    return started.session_id, token


def test_a_password_sign_in_starts_a_session_and_hands_the_browser_its_ticket(
    signed_out, served, db, navigation, monkeypatch
):
    monkeypatch.setattr(auth, "browser_xsrf", lambda: BROWSER)
    at = _signed_in_by_password(served)
    assert at.title[0].value == "Overview"
    (row,) = _rows(db)
    assert row.ended_at is None and row.token_hash is None and row.ticket_binding == sessions.digest(BROWSER)
    assert at.session_state[auth.SESSION_ID] == row.id
    scripts = [element.proto.body for element in at.get("html")]
    (script,) = [body for body in scripts if session_routes.SESSION_PATH in body]
    (ticket,) = re.findall(r'ticket: "([A-Za-z0-9_-]{43})"', script)
    assert sessions.digest(ticket) == row.ticket_hash
    at.run()  # handed over once: not again on the next run
    assert not [e for e in at.get("html") if session_routes.SESSION_PATH in e.proto.body]


def test_without_the_routes_a_sign_in_hands_over_nothing_and_says_a_reload_asks_again(signed_out, db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert any("reloading the page or opening a new tab asks you to sign in again" in c.value for c in at.caption)
    at.text_input(key="sign_in_username").input(TEST_ADMIN)
    at.text_input(key="sign_in_password").input(TEST_PASSWORD)
    at.button(key="sign_in_submit").click().run()
    assert at.title[0].value == "Overview"
    assert len(_rows(db)) == 1  # the session is there all the same (the idle timeout, signing out)
    assert not [e for e in at.get("html") if session_routes.SESSION_PATH in e.proto.body]


def test_the_sign_in_page_says_the_browser_stays_signed_in(signed_out, served):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert any("in every tab of this browser, until you sign out" in c.value for c in at.caption)


def test_a_new_session_with_a_live_cookie_opens_signed_in(signed_out, served, db, app_database, navigation):
    session_id, token = _live_cookie(db, app_database)
    served[session_routes.COOKIE] = token
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Overview" and "Sign out" in offered(navigation)
    assert at.session_state[auth.SESSION_ID] == session_id


@pytest.mark.parametrize("cookie", ["made up", ""])
def test_an_unknown_cookie_signs_nobody_in(signed_out, served, db, navigation, cookie):
    served[session_routes.COOKIE] = cookie
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Sign in" and offered(navigation) == []


def test_an_ended_sessions_cookie_signs_nobody_in(signed_out, served, db, app_database, navigation):
    session_id, token = _live_cookie(db, app_database)
    sessions.end(session_id, engine=db)
    served[session_routes.COOKIE] = token
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Sign in" and offered(navigation) == []


def test_an_idle_sessions_cookie_signs_nobody_in_and_says_why(signed_out, served, db, app_database):
    _, token = _live_cookie(db, app_database)
    long_ago = datetime.now(UTC) - timedelta(minutes=31)
    with db.begin() as connection:
        connection.execute(update(SignInSession).values(last_seen_at=long_ago))
    served[session_routes.COOKIE] = token
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Sign in"
    assert [i.value for i in at.info] == [
        "You were signed out after 30 minutes without activity. Sign in again to carry on."
    ]
    assert _rows(db)[0].ended_at is not None


def test_signing_out_in_one_tab_signs_out_the_others(signed_out, served, db, app_database):
    session_id, token = _live_cookie(db, app_database)
    served[session_routes.COOKIE] = token
    first = AppTest.from_file(APP, default_timeout=60).run()
    second = AppTest.from_file(APP, default_timeout=60).run()
    assert first.title[0].value == second.title[0].value == "Overview"
    assert first.session_state[auth.SESSION_ID] == second.session_state[auth.SESSION_ID] == session_id
    sessions.end(session_id, engine=db)  # what signing out in the first tab does
    second.run()
    assert second.title[0].value == "Sign in"
    assert [i.value for i in second.info] == [auth.SIGNED_OUT_ELSEWHERE]


def test_a_disabled_users_cookie_signs_nobody_in(signed_out, served, db, app_database):
    _, token = _live_cookie(db, app_database)
    accounts.add_user("other-admin", ["admin"], engine=db, password="yet another passphrase", actor=SETUP)
    accounts.disable_user(TEST_ADMIN, engine=db, actor=SETUP)
    served[session_routes.COOKIE] = token
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Sign in"


def test_changing_the_password_in_one_browser_signs_out_the_other_and_says_why(signed_out, served, db, app_database):
    mine, token = _live_cookie(db, app_database)
    other, other_token = _live_cookie(db, app_database)  # another browser, signed in with the old password
    served[session_routes.COOKIE] = other_token
    elsewhere = AppTest.from_file(APP, default_timeout=60).run()
    served[session_routes.COOKIE] = token
    here = AppTest.from_file(APP, default_timeout=60).run()
    assert here.session_state[auth.SESSION_ID] == mine and elsewhere.session_state[auth.SESSION_ID] == other

    here.switch_page("app_pages/account.py").run()
    here.text_input(key="account_current").input(TEST_PASSWORD)
    here.text_input(key="account_new").input("river stones and moss")
    here.text_input(key="account_again").input("river stones and moss")
    here.button(key="account_change").click().run()
    assert "Anywhere else you were signed in with the old one is signed out" in here.success[0].value

    here.switch_page("app_pages/overview.py").run()
    assert here.title[0].value == "Overview"  # the tab that changed it stays signed in
    elsewhere.run()
    assert elsewhere.title[0].value == "Sign in"
    assert [i.value for i in elsewhere.info] == [auth.ENDED_NOTICES[sessions.PASSWORD_CHANGED]]


def test_a_cookie_of_a_session_ended_by_a_password_reset_says_why(signed_out, served, db, app_database):
    _, token = _live_cookie(db, app_database)
    accounts.reset_password(TEST_ADMIN, engine=db, actor=SETUP)
    served[session_routes.COOKIE] = token
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Sign in"
    assert [i.value for i in at.info] == [auth.ENDED_NOTICES[sessions.PASSWORD_RESET]]


def test_the_account_page_says_signing_out_here_signs_out_every_tab(signed_out, served, db, app_database):
    _, token = _live_cookie(db, app_database)
    served[session_routes.COOKIE] = token
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/account.py").run()
    assert any("Signing out here signs out every tab of this browser" in c.value for c in at.caption)
