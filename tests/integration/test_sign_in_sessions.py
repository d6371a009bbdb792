"""Sign-in sessions held in the database (tracker/sign_in_sessions.py), on
SQLite and PostgreSQL: a ticket is swapped once, in time, by the browser it
was bound to, for a token the database keeps only as a hash; the token
finds its session until it ends (signed out, idle, the password changed or
reset, the user disabled), which the row keeps;
``last_seen_at`` moves at most once a minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from db.models import SignInSession, User
from db.session import read_session
from tests.actors import ADMIN
from tracker import accounts
from tracker import sign_in_sessions as sessions

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BROWSER = "a1b2c3d4e5f6a7b8a1b2c3d4e5f6a7b8"  # the hex of a browser's XSRF token
OTHER_BROWSER = "ffffffffffffffffffffffffffffffff"


@pytest.fixture
def user(each_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.delenv(sessions.IDLE_MINUTES_ENV, raising=False)
    accounts.add_user("sam", ["viewer"], engine=each_engine, password="a long enough passphrase", actor=ADMIN)
    accounts.add_user("ada", ["admin"], engine=each_engine, password="another long passphrase", actor=ADMIN)
    with read_session(each_engine) as session:
        return session.scalars(select(User.id).where(User.username == "sam")).one()


def _row(engine: Engine, session_id: int) -> SignInSession:
    with read_session(engine) as session:
        row = session.get(SignInSession, session_id)
        assert row is not None
        return row


def _signed_in(engine: Engine, user: int, *, binding: str | None = BROWSER) -> tuple[int, str]:
    started = sessions.start(user, engine=engine, client="203.0.113.9", binding=binding, now=T0)
    token = sessions.exchange(started.ticket, binding, engine=engine, now=T0 + timedelta(seconds=5))
    assert token is not None
    return started.session_id, token


def test_a_ticket_is_swapped_for_a_token_that_finds_the_session_and_neither_is_stored(each_engine, user):
    started = sessions.start(user, engine=each_engine, client="203.0.113.9", binding=BROWSER, now=T0)
    row = _row(each_engine, started.session_id)
    assert (row.user_id, row.client_address, row.created_at, row.last_seen_at) == (user, "203.0.113.9", T0, T0)
    assert row.token_hash is None and row.ticket_hash == sessions.digest(started.ticket)
    assert row.ticket_expires_at == T0 + sessions.TICKET_LIFETIME

    token = sessions.exchange(started.ticket, BROWSER, engine=each_engine, now=T0 + timedelta(seconds=30))
    assert token is not None and len(token) == 43
    row = _row(each_engine, started.session_id)
    assert row.token_hash == sessions.digest(token) and row.ticket_hash is None
    stored = repr([getattr(row, column.name) for column in SignInSession.__table__.columns])
    assert token not in stored and started.ticket not in stored and BROWSER not in stored

    found = sessions.resume(token, engine=each_engine, now=T0 + timedelta(minutes=5))
    assert found == sessions.Checked(started.session_id, user)
    assert sessions.resume("not a token of ours", engine=each_engine, now=T0) is None
    assert sessions.resume(None, engine=each_engine, now=T0) is None


def test_a_ticket_is_good_once(each_engine, user):
    started = sessions.start(user, engine=each_engine, binding=BROWSER, now=T0)
    assert sessions.exchange(started.ticket, BROWSER, engine=each_engine, now=T0) is not None
    assert sessions.exchange(started.ticket, BROWSER, engine=each_engine, now=T0) is None


def test_a_late_ticket_gets_nothing_and_is_used_up(each_engine, user):
    started = sessions.start(user, engine=each_engine, binding=BROWSER, now=T0)
    late = T0 + sessions.TICKET_LIFETIME + timedelta(seconds=1)
    assert sessions.exchange(started.ticket, BROWSER, engine=each_engine, now=late) is None
    assert _row(each_engine, started.session_id).ticket_hash is None


def test_a_ticket_from_another_browser_gets_nothing_and_is_used_up(each_engine, user):
    """Login CSRF: someone's own ticket, sent from another person's browser, signs nobody in."""
    started = sessions.start(user, engine=each_engine, binding=BROWSER, now=T0)
    assert sessions.exchange(started.ticket, OTHER_BROWSER, engine=each_engine, now=T0) is None
    assert sessions.exchange(started.ticket, BROWSER, engine=each_engine, now=T0) is None
    other = sessions.start(user, engine=each_engine, binding=BROWSER, now=T0)
    assert sessions.exchange(other.ticket, None, engine=each_engine, now=T0) is None  # no XSRF cookie at all


def test_an_unbound_ticket_is_taken_from_any_browser(each_engine, user):
    """XSRF protection off (no token to bind to): the ticket's secrecy alone."""
    started = sessions.start(user, engine=each_engine, binding=None, now=T0)
    assert _row(each_engine, started.session_id).ticket_binding is None
    assert sessions.exchange(started.ticket, OTHER_BROWSER, engine=each_engine, now=T0) is not None


def test_activity_is_written_at_most_once_a_minute(each_engine, user):
    session_id, token = _signed_in(each_engine, user)
    seen = T0 + timedelta(seconds=5)
    assert sessions.touch(session_id, engine=each_engine, now=seen + timedelta(seconds=59)).live
    assert _row(each_engine, session_id).last_seen_at == seen
    later = seen + timedelta(minutes=1)
    assert sessions.touch(session_id, engine=each_engine, now=later).live
    assert _row(each_engine, session_id).last_seen_at == later
    assert sessions.resume(token, engine=each_engine, now=later + timedelta(minutes=2)).live
    assert _row(each_engine, session_id).last_seen_at == later + timedelta(minutes=2)


def test_an_idle_session_ends_and_stays_ended(each_engine, user, monkeypatch):
    session_id, token = _signed_in(each_engine, user)
    seen = T0 + timedelta(seconds=5)
    assert sessions.is_live(session_id, engine=each_engine, now=seen + timedelta(minutes=30))
    idle = seen + timedelta(minutes=30, seconds=1)
    assert not sessions.is_live(session_id, engine=each_engine, now=idle)
    assert sessions.resume(token, engine=each_engine, now=idle) == sessions.Checked(session_id, None, sessions.IDLE)
    assert (_row(each_engine, session_id).ended_at, _row(each_engine, session_id).ended_because) == (idle, "idle")
    # Ended: no later activity brings it back, even with a longer timeout.
    monkeypatch.setenv(sessions.IDLE_MINUTES_ENV, "600")
    assert sessions.resume(token, engine=each_engine, now=idle) == sessions.Checked(session_id, None, sessions.IDLE)
    assert not sessions.touch(session_id, engine=each_engine, now=idle).live


def test_the_idle_timeout_follows_tracker_idle_minutes(each_engine, user, monkeypatch):
    monkeypatch.setenv(sessions.IDLE_MINUTES_ENV, "5")
    session_id, _ = _signed_in(each_engine, user)
    seen = T0 + timedelta(seconds=5)
    assert sessions.touch(session_id, engine=each_engine, now=seen + timedelta(minutes=4, seconds=59)).live
    assert sessions.touch(session_id, engine=each_engine, now=seen + timedelta(minutes=10)).idle


def test_a_signed_out_session_is_dead_to_its_copied_cookie(each_engine, user):
    session_id, token = _signed_in(each_engine, user)
    sessions.end_by_token(token, engine=each_engine, now=T0 + timedelta(minutes=1))
    assert _row(each_engine, session_id).ended_at == T0 + timedelta(minutes=1)
    assert _row(each_engine, session_id).ended_because == "signed out"
    assert not sessions.resume(token, engine=each_engine, now=T0 + timedelta(minutes=2)).live
    other_id, other = _signed_in(each_engine, user)
    sessions.end(other_id, engine=each_engine)
    assert not sessions.resume(other, engine=each_engine, now=T0 + timedelta(minutes=2)).live


def test_a_ticket_for_an_ended_session_gets_nothing(each_engine, user):
    started = sessions.start(user, engine=each_engine, binding=BROWSER, now=T0)
    sessions.end(started.session_id, engine=each_engine, now=T0)
    assert sessions.exchange(started.ticket, BROWSER, engine=each_engine, now=T0) is None


def test_disabling_a_user_ends_every_session_of_theirs_and_no_one_elses(each_engine, user):
    first, first_token = _signed_in(each_engine, user)
    second, second_token = _signed_in(each_engine, user)
    with read_session(each_engine) as session:
        ada = session.scalars(select(User.id).where(User.username == "ada")).one()
    theirs, theirs_token = _signed_in(each_engine, ada)
    accounts.disable_user("sam", engine=each_engine, actor=ADMIN)
    now = T0 + timedelta(minutes=1)
    assert not sessions.resume(first_token, engine=each_engine, now=now).live
    assert not sessions.resume(second_token, engine=each_engine, now=now).live
    assert _row(each_engine, first).ended_at is not None and _row(each_engine, second).ended_at is not None
    assert _row(each_engine, first).ended_because == _row(each_engine, second).ended_because == "disabled"
    assert sessions.resume(theirs_token, engine=each_engine, now=now) == sessions.Checked(theirs, ada)
    accounts.enable_user("sam", engine=each_engine, actor=ADMIN)  # enabled again: the old cookies stay dead
    assert not sessions.resume(first_token, engine=each_engine, now=now).live


def test_changing_a_password_ends_every_other_session_of_theirs_and_keeps_this_one(each_engine, user):
    here, here_token = _signed_in(each_engine, user)
    elsewhere, elsewhere_token = _signed_in(each_engine, user)  # another browser that knew the old password
    with read_session(each_engine) as session:
        ada = session.scalars(select(User.id).where(User.username == "ada")).one()
    theirs, theirs_token = _signed_in(each_engine, ada)
    now = T0 + timedelta(minutes=1)
    accounts.change_password(
        "sam", "a long enough passphrase", "a different passphrase", engine=each_engine, now=now, keep_session=here
    )
    later = now + timedelta(seconds=1)
    assert sessions.resume(here_token, engine=each_engine, now=later) == sessions.Checked(here, user)
    assert sessions.resume(elsewhere_token, engine=each_engine, now=later) == sessions.Checked(
        elsewhere, None, sessions.PASSWORD_CHANGED
    )
    assert _row(each_engine, elsewhere).ended_at == now
    assert sessions.resume(theirs_token, engine=each_engine, now=later) == sessions.Checked(theirs, ada)


def test_a_password_changed_without_a_session_of_its_own_ends_them_all(each_engine, user):
    first, _ = _signed_in(each_engine, user)
    accounts.change_password("sam", "a long enough passphrase", "a different passphrase", engine=each_engine, now=T0)
    assert _row(each_engine, first).ended_because == "password changed"


def test_an_admin_resetting_a_password_ends_every_session_of_theirs(each_engine, user):
    first, first_token = _signed_in(each_engine, user)
    second, _ = _signed_in(each_engine, user)
    accounts.reset_password("sam", engine=each_engine, actor=ADMIN)
    checked = sessions.resume(first_token, engine=each_engine, now=T0 + timedelta(minutes=1))
    assert checked == sessions.Checked(first, None, sessions.PASSWORD_RESET)
    assert _row(each_engine, second).ended_because == "password reset"


def test_a_session_ends_only_for_a_reason_on_the_list(each_engine, user):
    session_id, _ = _signed_in(each_engine, user)
    with pytest.raises(ValueError, match="expected one of signed out, idle"):
        sessions.end(session_id, engine=each_engine, because="bored")
    assert _row(each_engine, session_id).ended_at is None
