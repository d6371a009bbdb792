"""Accounts without a database: password hashing, password rules, idle timeout."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
from argon2.exceptions import VerifyMismatchError

from tracker import accounts

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
GOOD = "quiet harbour lantern"  # 21 characters, not a common password


def _b64(part: str) -> bytes:
    return base64.b64decode(part + "=" * (-len(part) % 4))


# --- hashing ------------------------------------------------------------------------------


def test_hashes_are_argon2id_with_the_owasp_parameters():
    encoded = accounts.hash_password(GOOD)
    match = re.fullmatch(r"\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)", encoded)
    assert match, encoded
    version, memory_kib, time_cost, parallelism, salt, digest = match.groups()
    assert int(version) == 19
    assert int(memory_kib) == 19 * 1024  # 19 MiB
    assert int(time_cost) == 2
    assert int(parallelism) == 1
    assert len(_b64(salt)) == 16
    assert len(_b64(digest)) == 32
    assert accounts.HASHER.verify(encoded, GOOD)
    with pytest.raises(VerifyMismatchError):
        accounts.HASHER.verify(encoded, GOOD + "!")


def test_the_same_password_hashes_differently_each_time():
    assert accounts.hash_password(GOOD) != accounts.hash_password(GOOD)


def test_generated_passwords_are_long_random_and_pass_the_rules():
    made = {accounts.generate_password() for _ in range(20)}
    assert len(made) == 20
    for password in made:
        assert len(password) >= 20
        assert accounts.password_problems(password, "admin") == []


# --- password rules -------------------------------------------------------------------------


def _said(problems) -> str:
    return "\n".join(str(p) for p in problems)


def test_eleven_characters_are_refused_and_twelve_accepted():
    eleven, twelve = "tulip-meado", "tulip-meadow"
    assert len(eleven) == 11 and len(twelve) == 12
    problems = accounts.password_problems(eleven, "alice")
    assert len(problems) == 1
    assert problems[0].field == "password"
    assert "at least 12 characters" in str(problems[0]) and "has 11" in str(problems[0])
    assert accounts.password_problems(twelve, "alice") == []


@pytest.mark.parametrize("password", ["password1234", "PASSWORD1234", "PassWord1234", "QwertyuiopASDFGH"])
def test_a_common_password_is_refused_whatever_its_case(password):
    assert password.lower() in accounts.common_passwords()
    problems = accounts.password_problems(password, "alice")
    assert [p.field for p in problems] == ["password"]
    assert "common" in str(problems[0])


def test_the_common_list_ships_with_the_package_and_holds_long_ones():
    common = accounts.common_passwords()
    assert len(common) > 20
    assert all(p == p.lower() and not p.startswith("#") for p in common)
    assert any(len(p) >= 12 for p in common)


@pytest.mark.parametrize("password", ["alice-in-wonderland", "ALICE-in-wonderland", "wonderland-Alice-99"])
def test_a_password_containing_the_username_is_refused(password):
    problems = accounts.password_problems(password, "Alice")
    assert len(problems) == 1
    assert "username" in str(problems[0])


def test_several_problems_are_all_listed_and_a_form_field_can_be_named():
    problems = accounts.password_problems("bob1", "bob", field="new_password")
    assert {p.field for p in problems} == {"new_password"}
    assert len(problems) == 2  # too short, and contains the username


@pytest.mark.parametrize("password", ["tiny", "password1234", "alice-in-wonderland", "bob1"])
def test_the_password_is_never_echoed_in_a_message(password):
    problems = accounts.password_problems(password, "alice")
    assert problems
    for problem in problems:
        assert problem.value is None
        assert password not in str(problem)
        assert password.lower() not in str(problem).lower()


# --- idle timeout -------------------------------------------------------------------------------


@pytest.fixture
def no_idle_setting(monkeypatch):
    monkeypatch.delenv(accounts.IDLE_MINUTES_ENV, raising=False)


def test_idle_minutes_default_to_thirty(no_idle_setting):
    assert accounts.idle_minutes() == 30


@pytest.mark.parametrize("raw, minutes", [("45", 45), (" 5 ", 5), ("1", 1), ("", 30), ("  ", 30)])
def test_idle_minutes_come_from_the_environment(monkeypatch, raw, minutes):
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", raw)
    assert accounts.idle_minutes() == minutes


@pytest.mark.parametrize("raw", ["thirty", "1.5", "0", "-5", "30m"])
def test_bad_idle_minutes_are_refused_naming_the_variable_and_value(monkeypatch, raw):
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", raw)
    with pytest.raises(ValueError) as err:
        accounts.idle_minutes()
    assert "TRACKER_IDLE_MINUTES" in str(err.value)
    assert repr(raw) in str(err.value)


@pytest.mark.parametrize(
    "after, idle",
    [
        (timedelta(minutes=29, seconds=59), False),
        (timedelta(minutes=30), False),
        (timedelta(minutes=30, seconds=1), True),
        (timedelta(hours=5), True),
        (timedelta(0), False),
    ],
    ids=["29:59", "30:00", "30:01", "5h", "0"],
)
def test_a_session_is_idle_only_after_thirty_minutes(no_idle_setting, after, idle):
    assert accounts.is_idle(T0, T0 + after) is idle
    assert accounts.is_idle(T0, T0 + after, minutes=30) is idle


def test_no_activity_yet_is_not_idle(no_idle_setting):
    assert accounts.is_idle(None, T0) is False


def test_the_idle_timeout_follows_the_environment(monkeypatch):
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", "5")
    assert accounts.is_idle(T0, T0 + timedelta(minutes=4, seconds=59)) is False
    assert accounts.is_idle(T0, T0 + timedelta(minutes=5, seconds=1)) is True
    # An explicit value wins over the environment.
    assert accounts.is_idle(T0, T0 + timedelta(minutes=5, seconds=1), minutes=10) is False


def test_a_bad_idle_setting_is_not_silently_ignored(monkeypatch):
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", "never")
    with pytest.raises(ValueError, match="TRACKER_IDLE_MINUTES"):
        accounts.is_idle(T0, T0 + timedelta(minutes=1))


def test_is_idle_uses_the_real_clock_when_none_is_given(no_idle_setting):
    now = datetime.now(UTC)
    assert accounts.is_idle(now - timedelta(minutes=1)) is False
    assert accounts.is_idle(now - timedelta(minutes=31)) is True
