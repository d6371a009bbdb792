"""Sign-in throttling (tracker/sign_in_guard.py): failures slow down whoever
makes them, from where they make them; nobody can lock anyone else out from
one place; many failures from many places lock an account until an admin
unlocks it (or the lock runs out). On SQLite and PostgreSQL, with an
injected clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from db.models import AuditEvent, SignInFailure, User
from db.session import read_session
from tracker import accounts
from tracker import sign_in_guard as guard
from tracker.accounts import SIGN_IN_FAILED, SignInFailed, SignInThrottled
from tracker.records.permissions import Actor, PermissionDenied

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
ADMIN = Actor("admin-tester", frozenset({"admin"}))
PASSWORD = "quiet harbour lantern"
WRONG = "wrong password!"
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
PAST_ANY_WAIT = guard.LONGEST_WAIT + timedelta(seconds=1)


def add(engine: Engine, username: str = "alice") -> None:
    accounts.add_user(username, ["editor"], engine=engine, password=PASSWORD, actor=ADMIN)


def attempt(engine: Engine, username: str, password: str, client: str | None, now: datetime) -> str:
    """'signed in', or the message of the refusal (a wait says so)."""
    try:
        accounts.sign_in(username, password, engine=engine, client=client, now=now)
    except SignInThrottled as err:
        return f"wait {err.seconds}"
    except SignInFailed as err:
        assert str(err) == SIGN_IN_FAILED
        return "failed"
    return "signed in"


def locked_until(engine: Engine, username: str) -> datetime | None:
    with read_session(engine) as session:
        return session.scalar(select(User.locked_until).where(User.username == username))


def failures(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count(SignInFailure.id)))


def guard_events(engine: Engine) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == "users").order_by(AuditEvent.id)))


def test_the_owner_signs_in_from_elsewhere_while_an_attacker_is_throttled(each_engine):
    add(each_engine)
    said = [attempt(each_engine, "alice", WRONG, ATTACKER, T0) for _ in range(guard.PAIR_FREE + 1)]
    assert said == ["failed"] * (guard.PAIR_FREE + 1)
    # The attacker now waits, even with the right password (it is not checked).
    assert attempt(each_engine, "alice", PASSWORD, ATTACKER, T0) == "wait 1"
    assert attempt(each_engine, "alice", WRONG, ATTACKER, T0) == "wait 1"
    # The owner, from another address, is not slowed at all.
    assert attempt(each_engine, "alice", PASSWORD, OWNER, T0) == "signed in"
    assert attempt(each_engine, "alice", PASSWORD, None, T0) == "signed in"
    # A wait is not a lock: once it has passed, the right password works from there too.
    assert attempt(each_engine, "alice", PASSWORD, ATTACKER, T0 + timedelta(seconds=1)) == "signed in"
    assert locked_until(each_engine, "alice") is None


def test_the_wait_doubles_with_each_failure_up_to_fifteen_minutes(engine):
    add(engine)
    now = T0
    waits = []
    for _ in range(16):
        assert attempt(engine, "alice", WRONG, ATTACKER, now) == "failed"
        with read_session(engine) as session:
            seconds = guard.retry_after(guard.failures_so_far(session, "alice", ATTACKER, now), now)
        if seconds:  # and an attempt within the wait is refused unchecked, saying so
            assert attempt(engine, "alice", PASSWORD, ATTACKER, now) == f"wait {seconds}"
        waits.append(seconds)
        now += timedelta(seconds=seconds)
    assert waits[: guard.PAIR_FREE] == [0] * guard.PAIR_FREE
    assert waits[guard.PAIR_FREE : guard.PAIR_FREE + 6] == [1, 2, 4, 8, 16, 32]
    assert max(waits) == 15 * 60 and waits[-1] == 15 * 60
    # Still throttled, never locked: one address alone cannot lock an account.
    assert locked_until(engine, "alice") is None
    assert attempt(engine, "alice", PASSWORD, OWNER, now) == "signed in"


def test_a_success_clears_its_own_address_only(each_engine):
    add(each_engine)
    for client in (ATTACKER, OWNER):
        for _ in range(guard.PAIR_FREE):
            assert attempt(each_engine, "alice", WRONG, client, T0) == "failed"
    assert attempt(each_engine, "alice", PASSWORD, OWNER, T0) == "signed in"
    # The owner's slate is clean; the attacker's failures still count.
    for _ in range(guard.PAIR_FREE):
        assert attempt(each_engine, "alice", WRONG, OWNER, T0) == "failed"
    assert attempt(each_engine, "alice", WRONG, ATTACKER, T0) == "failed"
    assert attempt(each_engine, "alice", WRONG, ATTACKER, T0) == "wait 1"


def test_an_unknown_username_is_throttled_with_the_same_words_and_the_same_work(each_engine):
    add(each_engine)
    for name in ("alice", "nobody"):
        for _ in range(guard.PAIR_FREE + 1):
            assert attempt(each_engine, name, WRONG, ATTACKER, T0) == "failed"
    with pytest.raises(SignInThrottled) as known:
        accounts.sign_in("alice", WRONG, engine=each_engine, client=ATTACKER, now=T0)
    with pytest.raises(SignInThrottled) as unknown:
        accounts.sign_in("nobody", WRONG, engine=each_engine, client=ATTACKER, now=T0)
    assert str(known.value) == str(unknown.value)
    assert "alice" not in str(known.value)
    # Each failure was counted the same way, existing user or not.
    assert failures(each_engine) == 2 * (guard.PAIR_FREE + 1)


def test_one_address_trying_many_usernames_is_slowed_for_all_of_them(each_engine):
    add(each_engine)
    for n in range(guard.ADDRESS_FREE + 1):
        assert attempt(each_engine, f"user{n}", WRONG, ATTACKER, T0) == "failed"
    assert attempt(each_engine, "alice", PASSWORD, ATTACKER, T0) == "wait 1"
    assert attempt(each_engine, "alice", PASSWORD, OWNER, T0) == "signed in"


def test_many_failures_from_many_addresses_lock_the_account_until_an_admin_unlocks_it(each_engine):
    add(each_engine)
    add(each_engine, "bob")
    per_address = guard.LOCK_FAILURES // guard.LOCK_ADDRESSES
    now = T0
    for n in range(guard.LOCK_ADDRESSES):
        for _ in range(per_address):
            assert attempt(each_engine, "alice", WRONG, f"192.0.2.{n + 1}", now) == "failed"
            now += PAST_ANY_WAIT
    assert locked_until(each_engine, "alice") == now - PAST_ANY_WAIT + guard.LOCK_FOR
    # Locked: the right password from a new address is refused with the usual words; bob is not affected.
    assert attempt(each_engine, "alice", PASSWORD, OWNER, now) == "failed"
    assert attempt(each_engine, "bob", PASSWORD, OWNER, now) == "signed in"
    lock_event = guard_events(each_engine)[-1]
    assert lock_event.actor == accounts.SIGN_IN_GUARD
    assert lock_event.before["locked_until"] is None and lock_event.after["locked_until"] is not None
    # Only an admin may unlock; the unlock is audited and forgets alice's failures.
    with pytest.raises(PermissionDenied):
        accounts.unlock_user("alice", engine=each_engine, actor=Actor("ed", frozenset({"editor"})))
    assert accounts.unlock_user("alice", engine=each_engine, actor=ADMIN) is True
    unlock_event = guard_events(each_engine)[-1]
    assert unlock_event.actor == ADMIN.name and unlock_event.after["locked_until"] is None
    assert attempt(each_engine, "alice", PASSWORD, OWNER, now) == "signed in"
    assert accounts.unlock_user("alice", engine=each_engine, actor=ADMIN) is False  # nothing left to lift


def test_the_hard_lock_runs_out_by_itself(engine):
    add(engine)
    now = T0
    for n in range(guard.LOCK_FAILURES):
        attempt(engine, "alice", WRONG, f"192.0.2.{n % guard.LOCK_ADDRESSES + 1}", now)
        now += PAST_ANY_WAIT
    until = locked_until(engine, "alice")
    assert until is not None
    assert attempt(engine, "alice", PASSWORD, OWNER, until - timedelta(seconds=1)) == "failed"
    assert attempt(engine, "alice", PASSWORD, "198.51.100.8", until + timedelta(seconds=1)) == "signed in"


def test_many_failures_from_one_address_never_lock(engine):
    add(engine)
    now = T0
    for _ in range(guard.LOCK_FAILURES * 2):
        assert attempt(engine, "alice", WRONG, ATTACKER, now) == "failed"
        now += PAST_ANY_WAIT
    assert locked_until(engine, "alice") is None
    assert attempt(engine, "alice", PASSWORD, OWNER, now) == "signed in"


def test_failures_older_than_a_day_are_forgotten(engine):
    add(engine)
    for _ in range(guard.PAIR_FREE + 3):
        attempt(engine, "alice", WRONG, ATTACKER, T0)
    later = T0 + guard.WINDOW + timedelta(seconds=1)
    assert attempt(engine, "alice", WRONG, ATTACKER, later) == "failed"  # not throttled: the old ones expired
    assert failures(engine) == 1  # and they were removed as the new one was written


def test_a_single_sign_on_sign_in_is_audited(each_engine):
    accounts.add_user("erin", ["viewer"], engine=each_engine, email="erin@council.gov.uk", actor=ADMIN, sso_only=True)
    accounts.sign_in_email("Erin@Council.gov.uk", engine=each_engine, now=T0)
    event = guard_events(each_engine)[-1]
    assert event.actor == "sso:erin@council.gov.uk" and event.action == "update"
    assert event.before["last_sign_in_at"] is None and event.after["last_sign_in_at"] == T0.isoformat()
