"""Signing in and out (AppTest): the sign-in page, lockout, one-time
passwords, the idle timeout, and accounts changed while signed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import AuditEvent, User
from db.session import make_engine, read_session
from tests.app.conftest import (
    APP,
    SETUP,
    TEST_ADMIN,
    TEST_PASSWORD,
    add_test_user,
    offered,
    sign_in_as,
    user_id,
)
from tracker import accounts, sign_in_guard

ADMIN_PAGES = [
    "Overview",
    "Announcements",
    "Headlines",
    "New and recycled",
    "Delivery",
    "Review",
    "Finance tables",
    "Areas",
    "Organisations",
    "Search",
    "Record",
    "Change a record",
    "Import",
    "Audit trail",
    "Deleted records",
    "Manage organisations",
    "Users",
    "Deflators",
    "Account",
    "Sign out",
]


@pytest.fixture
def db(app_database: str):
    engine = make_engine(app_database)
    yield engine
    engine.dispose()


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button(key="sign_in_submit").click().run()
    assert not at.exception
    return at


def _visitor() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


# --- signed out -------------------------------------------------------------------------------


def test_a_signed_out_visitor_is_offered_only_the_sign_in_form(signed_out, navigation):
    at = _visitor()
    assert offered(navigation) == []  # every page's address is known, none is listed
    assert at.title[0].value == "Sign in"
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert any("reloading the page or opening a new tab asks you to sign in again" in c.value for c in at.caption)
    assert not at.sidebar.children or not list(at.sidebar.multiselect)  # no filters, so no data at all
    assert not at.dataframe and not at.metric
    at.switch_page("app_pages/record.py").run()  # a page's address, opened signed out
    assert [t.value for t in at.title] == ["Sign in"] and not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]  # nothing of the Record page


def test_a_page_opened_signed_out_is_the_page_shown_after_signing_in(signed_out, navigation):
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/delivery.py").run()
    assert [t.value for t in at.title] == ["Sign in"]
    _sign_in(at, TEST_ADMIN, TEST_PASSWORD)
    assert [t.value for t in at.title] == ["Delivery"]


def test_a_wrong_password_gets_the_one_message_and_is_not_kept(signed_out, navigation):
    at = _sign_in(_visitor(), TEST_ADMIN, "not the password at all")
    assert _errors(at) == [accounts.SIGN_IN_FAILED]
    assert at.title[0].value == "Sign in" and offered(navigation) == []
    assert at.text_input(key="sign_in_password").value == ""  # the password typed is gone from the session
    assert "user_id" not in at.session_state


def test_an_unknown_username_gets_the_same_message(signed_out):
    at = _sign_in(_visitor(), "nobody-here", TEST_PASSWORD)
    assert _errors(at) == [accounts.SIGN_IN_FAILED]


def test_repeated_failures_make_the_next_attempt_wait_even_with_the_right_password(signed_out, db):
    at = _visitor()
    for _ in range(sign_in_guard.PAIR_FREE + 1):
        _sign_in(at, TEST_ADMIN, "wrong wrong wrong")
    assert _errors(at) == [accounts.SIGN_IN_FAILED]

    _sign_in(at, TEST_ADMIN, TEST_PASSWORD)
    [said] = _errors(at)
    assert said.startswith("Too many failed sign-ins from your address: wait ")
    assert at.title[0].value == "Sign in" and "user_id" not in at.session_state
    with read_session(db) as session:  # throttled, not locked
        assert session.scalar(select(User.locked_until).where(User.username == TEST_ADMIN)) is None


def test_a_good_sign_in_opens_the_pages_of_the_role(signed_out, navigation):
    at = _sign_in(_visitor(), TEST_ADMIN, TEST_PASSWORD)
    assert not at.error
    assert at.title[0].value == "Overview"
    assert offered(navigation) == ADMIN_PAGES
    assert "user_id" in at.session_state and at.session_state["sign_in_password"] == ""
    assert any(f"Signed in as **{TEST_ADMIN}** (admin)" in c.value for c in at.sidebar.caption)


# --- one-time passwords --------------------------------------------------------------------------


def test_a_one_time_password_opens_only_the_account_page_until_it_is_changed(signed_out, db, navigation):
    one_time = accounts.add_user("sam", ["viewer"], engine=db, actor=SETUP)
    at = _sign_in(_visitor(), "sam", one_time)

    assert offered(navigation) == ["Account"]
    assert at.title[0].value == "Account"
    assert "You signed in with a one-time password" in at.warning[0].value
    with pytest.raises(ValueError):
        at.switch_page("app_pages/overview.py")  # not registered until the password is changed

    at.text_input(key="account_current").input(one_time)
    at.text_input(key="account_new").input("river stones and moss")
    at.text_input(key="account_again").input("river stones and mos")
    at.button(key="account_change").click().run()
    assert "New password again: expected the same new password twice." in _errors(at)
    assert offered(navigation) == ["Account"]

    at.text_input(key="account_current").input(one_time)
    at.text_input(key="account_new").input("short")
    at.text_input(key="account_again").input("short")
    at.button(key="account_change").click().run()
    assert any("expected at least 12 characters" in e for e in _errors(at))

    at.text_input(key="account_current").input(one_time)
    at.text_input(key="account_new").input("river stones and moss")
    at.text_input(key="account_again").input("river stones and moss")
    at.button(key="account_change").click().run()
    assert not at.exception and not at.error
    assert "Your password is changed" in at.success[0].value
    assert offered(navigation) == [
        "Overview",
        "Announcements",
        "Headlines",
        "New and recycled",
        "Delivery",
        "Review",
        "Finance tables",
        "Areas",
        "Organisations",
        "Search",
        "Account",
        "Sign out",
    ]
    assert all(at.text_input(key=k).value == "" for k in ("account_current", "account_new", "account_again"))

    at.button(key="account_sign_out").click().run()
    _sign_in(at, "sam", "river stones and moss")
    assert at.title[0].value == "Account"  # signing in again at the address it signed out from


def test_a_wrong_current_password_is_refused_beside_its_field(db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/account.py").run()
    at.text_input(key="account_current").input("not my password")
    at.text_input(key="account_new").input("river stones and moss")
    at.text_input(key="account_again").input("river stones and moss")
    at.button(key="account_change").click().run()
    assert _errors(at) == ["Current password: expected your current password."]
    assert accounts.sign_in(TEST_ADMIN, TEST_PASSWORD, engine=db)  # unchanged


# --- signing out ----------------------------------------------------------------------------------


def test_signing_out_forgets_the_session_and_shows_the_sign_in_page(navigation):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/record.py").run()
    at.text_input(key="record_d_ref").input("D99").run()  # something typed, to be forgotten
    at.switch_page("app_pages/account.py").run()

    at.button(key="account_sign_out").click().run()

    assert not at.exception
    assert at.title[0].value == "Sign in" and offered(navigation) == []
    assert _infos(at) == ["You signed out."]
    assert "user_id" not in at.session_state and "record_d_ref" not in at.session_state


def test_after_30_idle_minutes_the_next_run_signs_out_with_a_message(navigation):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["last_seen"] = datetime.now(UTC) - timedelta(minutes=31)
    at.run()
    assert at.title[0].value == "Sign in" and offered(navigation) == []
    assert _infos(at) == ["You were signed out after 30 minutes without activity. Sign in again to carry on."]
    assert "user_id" not in at.session_state


def test_activity_within_the_timeout_keeps_the_session_and_moves_the_clock(navigation):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["last_seen"] = datetime.now(UTC) - timedelta(minutes=29)
    at.run()
    assert at.title[0].value == "Overview"
    assert datetime.now(UTC) - at.session_state["last_seen"] < timedelta(minutes=1)


def test_the_timeout_follows_tracker_idle_minutes_and_not_tracker_today(monkeypatch):
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", "5")
    monkeypatch.setenv("TRACKER_TODAY", "2019-10-31")  # as-at figures only: not the idle clock
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Overview"
    at.session_state["last_seen"] = datetime.now(UTC) - timedelta(minutes=6)
    at.run()
    assert _infos(at) == ["You were signed out after 5 minutes without activity. Sign in again to carry on."]


# --- accounts changed while signed in ----------------------------------------------------------------


def test_a_user_disabled_while_signed_in_is_signed_out_on_the_next_run(app_as, db):
    at = app_as("editor").run()
    assert at.title[0].value == "Overview"
    accounts.disable_user("editor-user", engine=db, actor=SETUP)
    at.run()
    assert at.title[0].value == "Sign in"
    assert _infos(at) == [
        "You were signed out: your account is no longer active. Ask an admin if you think this is a mistake."
    ]


def test_a_role_taken_away_while_signed_in_applies_on_the_next_run(app_as, db, navigation):
    at = app_as("editor").run()
    at.switch_page("app_pages/record.py").run()
    assert at.title[0].value == "Record"
    accounts.set_roles("editor-user", ["viewer"], engine=db, actor=SETUP)
    at.run()
    assert "Record" not in offered(navigation)
    assert _errors(at)[0].startswith("You do not have access to this page (it needs the finance or editor role).")


# --- the audit trail names who signed in -----------------------------------------------------------


def test_changes_made_on_the_pages_are_audited_as_the_signed_in_user(app_database, db):
    uid = add_test_user(app_database, "pat", ["finance"])
    at = sign_in_as(AppTest.from_file(APP, default_timeout=60), uid).run()
    at.switch_page("app_pages/record.py").run()
    at.selectbox(key="record_d_commitment_ref").set_value("W7")
    at.text_input(key="record_d_ref").input("D8")
    at.text_input(key="record_d_paid_on").input("20/03/2023")
    at.text_input(key="record_d_amount").input("£400,000")
    at.button(key="record_d_save").click().run()
    assert "Saved delivery D8 against W7" in at.success[0].value

    with read_session(db) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (event.actor, event.action, event.entity) == ("pat", "create", "deliveries")


def test_the_admin_adds_a_user_whose_one_time_password_is_shown_once(db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/users.py").run()
    assert list(at.dataframe[0].value["username"]) == [TEST_ADMIN]
    at.text_input(key="users_new_username").input("jo")
    at.multiselect(key="users_new_roles").set_value(["finance", "reviewer"])
    at.button(key="users_add").click().run()

    assert not at.exception and not at.error
    assert "**jo** was added" in at.success[0].value and "shown only this once" in at.success[0].value
    password = at.code[0].value
    assert accounts.sign_in("jo", password, engine=db).roles == frozenset({"finance", "reviewer"})
    assert list(at.dataframe[0].value["username"]) == ["jo", TEST_ADMIN]
    at.run()
    assert not at.code  # gone on the next run
    with read_session(db) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "users").order_by(AuditEvent.id)).first()
    assert event.actor == TEST_ADMIN and password not in str(event.after)  # nor its hash: accounts keeps neither


def test_the_admin_changes_roles_disables_enables_and_resets(app_database, db):
    add_test_user(app_database, "kim", ["viewer"])
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/users.py").run()
    at.selectbox(key="users_pick").set_value("kim").run()
    at.multiselect(key="users_roles_kim").set_value(["viewer", "reviewer"])
    at.button(key="users_save_roles").click().run()
    assert "Saved the roles of kim." in at.success[0].value
    assert accounts.current(user_id(app_database, "kim"), engine=db).roles == {"viewer", "reviewer"}

    at.button(key="users_disable").click().run()
    assert "Disabled kim" in at.success[0].value
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in("kim", TEST_PASSWORD, engine=db)
    at.button(key="users_enable").click().run()
    assert accounts.sign_in("kim", TEST_PASSWORD, engine=db).username == "kim"

    at.checkbox(key="users_confirm_reset").check().run()
    at.button(key="users_reset").click().run()
    one_time = at.code[0].value
    assert accounts.sign_in("kim", one_time, engine=db).must_change_password


def test_an_admin_cannot_lock_themselves_out(db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/users.py").run()
    at.selectbox(key="users_pick").set_value(TEST_ADMIN).run()
    at.button(key="users_disable").click().run()
    assert "User: you cannot disable your own account: ask another admin." in _errors(at)
    at.multiselect(key=f"users_roles_{TEST_ADMIN}").set_value(["viewer"])
    at.button(key="users_save_roles").click().run()
    assert "User: you cannot take the admin role from yourself: ask another admin." in _errors(at)
    assert accounts.sign_in(TEST_ADMIN, TEST_PASSWORD, engine=db).roles == {"admin"}
