"""Accounts against a real database: sign-in, roles, administration.

Most tests run on SQLite and on PostgreSQL (``each_engine``). Times come from
an injected clock. Throttling and the hard lock: test_sign_in_throttle.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, update

from db.models import AuditEvent, User, UserRole
from db.session import read_session, write_session
from tracker import accounts
from tracker.accounts import SIGN_IN_FAILED, SignInFailed
from tracker.records.permissions import Actor, PermissionDenied
from tracker.records.problems import ValidationFailed

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ADMIN = Actor("admin-tester", frozenset({"admin"}))
EDITOR = Actor("editor-tester", frozenset({"editor"}))
PASSWORD = "quiet harbour lantern"
OTHER = "amber orchard 1987"


def add(
    engine: Engine,
    username: str = "alice",
    roles=("editor",),
    password: str | None = PASSWORD,
    email: str | None = None,
) -> str | None:
    return accounts.add_user(username, roles, engine=engine, password=password, email=email, actor=ADMIN)


def refused(engine: Engine, username: str, password: str, now: datetime, client: str | None = None) -> str:
    with pytest.raises(SignInFailed) as err:
        accounts.sign_in(username, password, engine=engine, client=client, now=now)
    return str(err.value)


def lock(engine: Engine, username: str, until: datetime) -> None:
    """Lock an account as the sign-in guard does after many failures from many addresses."""
    with write_session(engine) as session:
        session.execute(update(User).where(User.username == username).values(locked_until=until))


def user_row(engine: Engine, username: str) -> User:
    with read_session(engine) as session:
        return session.scalars(select(User).where(User.username == username)).one()


def counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (User, UserRole, AuditEvent)
        }


def user_events(engine: Engine) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == "users").order_by(AuditEvent.id)))


# --- sign-in and lockout ---------------------------------------------------------------------


def test_the_right_password_signs_in_with_the_users_roles(each_engine):
    add(each_engine, roles=("editor", "finance"))
    signed = accounts.sign_in("alice", PASSWORD, engine=each_engine, now=T0)
    assert signed.username == "alice"
    assert signed.roles == frozenset({"editor", "finance"})
    assert signed.must_change_password is False
    assert signed.actor == Actor("alice", frozenset({"editor", "finance"}))
    assert user_row(each_engine, "alice").last_sign_in_at == T0


def test_every_refusal_reads_the_same(each_engine):
    add(each_engine, "alice")
    add(each_engine, "bob")
    accounts.disable_user("bob", engine=each_engine, actor=ADMIN)
    add(each_engine, "carol")
    lock(each_engine, "carol", T0 + timedelta(hours=1))
    messages = {
        # each from its own address, so that none is slowed by the others (test_sign_in_throttle.py)
        "unknown user": refused(each_engine, "nobody", PASSWORD, T0, "192.0.2.1"),
        "wrong password": refused(each_engine, "alice", "wrong password!", T0, "192.0.2.2"),
        "disabled": refused(each_engine, "bob", PASSWORD, T0, "192.0.2.3"),
        "locked": refused(each_engine, "carol", PASSWORD, T0 + timedelta(minutes=1), "192.0.2.4"),
        "no username": refused(each_engine, "", PASSWORD, T0, "192.0.2.5"),
        "no password": refused(each_engine, "alice", "", T0, "192.0.2.6"),
    }
    assert set(messages.values()) == {SIGN_IN_FAILED}, messages
    for said in messages.values():
        assert "alice" not in said and "nobody" not in said and PASSWORD not in said


def test_a_disabled_user_cannot_sign_in_until_enabled(each_engine):
    add(each_engine)
    accounts.disable_user("alice", engine=each_engine, actor=ADMIN)
    assert refused(each_engine, "alice", PASSWORD, T0) == SIGN_IN_FAILED
    accounts.enable_user("alice", engine=each_engine, actor=ADMIN)
    assert accounts.sign_in("alice", PASSWORD, engine=each_engine, now=T0).username == "alice"


def test_a_single_sign_on_user_has_no_password_to_guess(engine):
    assert (
        accounts.add_user("erin", ["viewer"], engine=engine, email="Erin@Council.gov.uk", actor=ADMIN, sso_only=True)
        is None
    )
    assert user_row(engine, "erin").password_hash is None
    assert refused(engine, "erin", "", T0) == SIGN_IN_FAILED
    assert refused(engine, "erin", PASSWORD, T0) == SIGN_IN_FAILED
    assert accounts.sign_in_email("erin@council.gov.uk", engine=engine, now=T0).username == "erin"


def test_single_sign_on_maps_an_email_to_its_user_and_nothing_else(each_engine):
    accounts.add_user(
        "erin", ["reviewer", "finance"], engine=each_engine, email="erin@council.gov.uk", actor=ADMIN, sso_only=True
    )
    signed_in = accounts.sign_in_email("  ERIN@council.gov.uk ", engine=each_engine, now=T0)
    assert (signed_in.username, signed_in.roles) == ("erin", frozenset({"reviewer", "finance"}))
    assert signed_in.must_change_password is False
    assert user_row(each_engine, "erin").last_sign_in_at is not None
    for unknown in ("mallory@example.org", "erin@council.gov.uk.evil.example", "erin"):
        with pytest.raises(accounts.SignInFailed) as err:
            accounts.sign_in_email(unknown, engine=each_engine, now=T0)
        assert str(err.value) == accounts.SSO_NO_ACCESS.format(email=unknown)
    with pytest.raises(accounts.SignInFailed) as err:
        accounts.sign_in_email("", engine=each_engine, now=T0)
    assert str(err.value) == accounts.SSO_NO_EMAIL
    accounts.disable_user("erin", engine=each_engine, actor=ADMIN)
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in_email("erin@council.gov.uk", engine=each_engine, now=T0)


def test_a_single_sign_on_user_needs_an_email(engine):
    with pytest.raises(ValidationFailed) as err:
        accounts.add_user("erin", ["viewer"], engine=engine, actor=ADMIN, sso_only=True)
    assert [p.field for p in err.value.problems] == ["email"]
    assert counts(engine)["users"] == 0


# --- roles are read fresh ---------------------------------------------------------------------


def test_current_reads_roles_and_disabling_at_once(each_engine):
    add(each_engine, roles=("viewer",))
    signed = accounts.sign_in("alice", PASSWORD, engine=each_engine, now=T0)
    assert accounts.current(signed.user_id, engine=each_engine).roles == frozenset({"viewer"})
    accounts.set_roles("alice", ["finance", "reviewer"], engine=each_engine, actor=ADMIN)
    assert accounts.current(signed.user_id, engine=each_engine).roles == frozenset({"finance", "reviewer"})
    accounts.disable_user("alice", engine=each_engine, actor=ADMIN)
    assert accounts.current(signed.user_id, engine=each_engine) is None
    assert accounts.current(999_999, engine=each_engine) is None


def test_set_roles_refuses_unknown_roles_and_keeps_the_old_ones(engine):
    add(engine, roles=("viewer",))
    with pytest.raises(ValidationFailed) as err:
        accounts.set_roles("alice", ["viewer", "superuser"], engine=engine, actor=ADMIN)
    assert "superuser" in str(err.value)
    with pytest.raises(ValidationFailed):
        accounts.set_roles("alice", [], engine=engine, actor=ADMIN)
    with pytest.raises(ValidationFailed) as err:
        accounts.set_roles("nobody", ["viewer"], engine=engine, actor=ADMIN)
    assert "nobody" in str(err.value)
    assert accounts.list_users(engine).set_index("username").loc["alice", "roles"] == "viewer"


# --- the audit trail --------------------------------------------------------------------------


def test_audit_events_about_users_never_hold_a_password_hash(each_engine):
    add(each_engine)
    add(each_engine, "bob", password=None, email="bob@council.gov.uk")
    accounts.set_roles("alice", ["admin"], engine=each_engine, actor=ADMIN)
    refused(each_engine, "alice", "wrong password!", T0)
    accounts.sign_in("alice", PASSWORD, engine=each_engine, now=T0)
    accounts.change_password("alice", PASSWORD, OTHER, engine=each_engine, now=T0)
    accounts.reset_password("alice", engine=each_engine, actor=ADMIN)
    accounts.disable_user("bob", engine=each_engine, actor=ADMIN)
    accounts.enable_user("bob", engine=each_engine, actor=ADMIN)
    accounts.sign_in_email("bob@council.gov.uk", engine=each_engine, now=T0)
    events = user_events(each_engine)
    assert [e.action for e in events][:2] == ["create", "create"]
    # two adds, roles, password change, reset, disable, enable, the single sign-on (failures are not audited)
    assert len(events) == 8
    for event in events:
        text = json.dumps([event.before, event.after])
        assert "$argon2" not in text
        assert "password_hash" not in text
        assert PASSWORD not in text and OTHER not in text
    create = events[0]
    assert create.actor == "admin-tester" and create.entity_id == user_row(each_engine, "alice").id
    assert create.after["username"] == "alice" and create.after["roles"] == ["editor"]
    assert create.after["password_set"] is True
    roles_change = events[2]
    assert roles_change.before["roles"] == ["editor"] and roles_change.after["roles"] == ["admin"]


# --- only admins manage users -------------------------------------------------------------------


def test_only_an_admin_may_manage_users_and_nothing_is_written_otherwise(each_engine):
    add(each_engine, roles=("viewer",))
    before = counts(each_engine)
    attempts = {
        "add": lambda: accounts.add_user("mallory", ["admin"], engine=each_engine, password=OTHER, actor=EDITOR),
        "set roles": lambda: accounts.set_roles("alice", ["admin"], engine=each_engine, actor=EDITOR),
        "disable": lambda: accounts.disable_user("alice", engine=each_engine, actor=EDITOR),
        "enable": lambda: accounts.enable_user("alice", engine=each_engine, actor=EDITOR),
        "reset": lambda: accounts.reset_password("alice", engine=each_engine, actor=EDITOR),
    }
    for name, attempt in attempts.items():
        with pytest.raises(PermissionDenied) as err:
            attempt()
        assert "admin" in str(err.value), name
    assert counts(each_engine) == before
    row = accounts.list_users(each_engine).set_index("username").loc["alice"]
    assert row["roles"] == "viewer" and not row["disabled"] and not row["must_change_password"]
    assert accounts.sign_in("alice", PASSWORD, engine=each_engine, now=T0).roles == frozenset({"viewer"})


def test_a_signed_in_admin_may_manage_users(engine):
    add(engine, "root", roles=("admin",))
    admin = accounts.sign_in("root", PASSWORD, engine=engine, now=T0).actor
    accounts.add_user("alice", ["viewer"], engine=engine, password=OTHER, actor=admin)
    assert user_events(engine)[-1].actor == "root"


# --- passwords -----------------------------------------------------------------------------------


def test_change_password(each_engine):
    add(each_engine)
    with pytest.raises(ValidationFailed) as err:
        accounts.change_password("alice", "not my password", OTHER, engine=each_engine, now=T0)
    assert [p.field for p in err.value.problems] == ["current_password"]
    with pytest.raises(ValidationFailed) as err:
        accounts.change_password("alice", PASSWORD, "Xy7kq", engine=each_engine, now=T0)
    assert [p.field for p in err.value.problems] == ["new_password"]
    assert "Xy7kq" not in str(err.value)
    with pytest.raises(ValidationFailed) as err:
        accounts.change_password("alice", PASSWORD, "Password1234", engine=each_engine, now=T0)
    assert "common" in str(err.value)
    with pytest.raises(ValidationFailed) as err:
        accounts.change_password("alice", PASSWORD, PASSWORD, engine=each_engine, now=T0)
    assert "different" in str(err.value)
    assert accounts.sign_in("alice", PASSWORD, engine=each_engine, now=T0)  # still the old one

    accounts.change_password("alice", PASSWORD, OTHER, engine=each_engine, now=T0 + timedelta(minutes=1))
    assert refused(each_engine, "alice", PASSWORD, T0 + timedelta(minutes=2)) == SIGN_IN_FAILED
    assert accounts.sign_in("alice", OTHER, engine=each_engine, now=T0 + timedelta(minutes=3)).username == "alice"
    assert user_row(each_engine, "alice").password_changed_at == T0 + timedelta(minutes=1)


def test_a_one_time_password_must_be_changed_and_changing_it_clears_that(each_engine):
    one_time = add(each_engine, password=None)
    assert one_time and len(one_time) >= 20
    signed = accounts.sign_in("alice", one_time, engine=each_engine, now=T0)
    assert signed.must_change_password is True
    assert accounts.current(signed.user_id, engine=each_engine).must_change_password is True
    accounts.change_password("alice", one_time, OTHER, engine=each_engine, now=T0)
    assert accounts.current(signed.user_id, engine=each_engine).must_change_password is False
    assert refused(each_engine, "alice", one_time, T0) == SIGN_IN_FAILED
    assert accounts.sign_in("alice", OTHER, engine=each_engine, now=T0).must_change_password is False


def test_reset_password_gives_a_one_time_password_and_lifts_a_lockout(engine):
    add(engine)
    lock(engine, "alice", T0 + timedelta(hours=1))
    new = accounts.reset_password("alice", engine=engine, actor=ADMIN)
    assert refused(engine, "alice", PASSWORD, T0 + timedelta(minutes=1)) == SIGN_IN_FAILED
    signed = accounts.sign_in("alice", new, engine=engine, now=T0 + timedelta(minutes=1))
    assert signed.must_change_password is True


def test_a_weak_password_is_refused_when_adding_a_user(engine):
    with pytest.raises(ValidationFailed) as err:
        accounts.add_user("alice", ["viewer"], engine=engine, password="alice-password-1", actor=ADMIN)
    assert "username" in str(err.value) and "alice-password-1" not in str(err.value)
    assert counts(engine)["users"] == 0


# --- the first administrator ---------------------------------------------------------------------


def test_bootstrap_admin_only_on_an_empty_users_table(each_engine):
    password = accounts.bootstrap_admin(each_engine)
    assert password and len(password) >= 20
    assert accounts.password_problems(password, "admin") == []
    users = accounts.list_users(each_engine)
    assert users["username"].tolist() == ["admin"]
    assert users.loc[0, "roles"] == "admin" and bool(users.loc[0, "must_change_password"])
    signed = accounts.sign_in("admin", password, engine=each_engine, now=T0)
    assert signed.roles == frozenset({"admin"}) and signed.must_change_password
    assert accounts.bootstrap_admin(each_engine) is None
    assert len(accounts.list_users(each_engine)) == 1
    assert user_events(each_engine)[0].actor == "setup"


def test_no_bootstrap_when_someone_else_is_the_first_user(engine):
    add(engine, "alice", roles=("viewer",))
    assert accounts.bootstrap_admin(engine) is None
    assert accounts.list_users(engine)["username"].tolist() == ["alice"]


# --- duplicates and bad input --------------------------------------------------------------------


def test_duplicate_usernames_and_emails_are_refused(each_engine):
    add(each_engine, "alice", email="alice@council.gov.uk")
    with pytest.raises(ValidationFailed) as err:
        add(each_engine, "alice", email="someone@council.gov.uk")
    assert [p.field for p in err.value.problems] == ["username"]
    with pytest.raises(ValidationFailed) as err:
        add(each_engine, "bob", email=" Alice@Council.GOV.uk ")
    assert [p.field for p in err.value.problems] == ["email"]
    with pytest.raises(ValidationFailed) as err:
        add(each_engine, "alice", email="ALICE@council.gov.uk")
    assert sorted(p.field for p in err.value.problems) == ["email", "username"]
    assert accounts.list_users(each_engine)["username"].tolist() == ["alice"]


@pytest.mark.parametrize("username", ["", "   ", "two words", "x" * 101])
def test_bad_usernames_are_refused(engine, username):
    with pytest.raises(ValidationFailed) as err:
        add(engine, username)
    assert "username" in [p.field for p in err.value.problems]


def test_a_bad_email_is_refused(engine):
    with pytest.raises(ValidationFailed) as err:
        add(engine, email="not-an-address")
    assert [p.field for p in err.value.problems] == ["email"]


def test_emails_are_kept_in_lower_case(engine):
    add(engine, email="Alice.Jones@Council.GOV.uk")
    assert accounts.list_users(engine).loc[0, "email"] == "alice.jones@council.gov.uk"


def test_list_users_shows_no_hashes(engine):
    add(engine)
    add(engine, "bob", password=None)
    frame = accounts.list_users(engine)
    assert list(frame.columns) == accounts.USER_COLUMNS
    assert "$argon2" not in frame.to_csv()


def test_the_last_active_admin_cannot_be_disabled_or_lose_the_role(engine) -> None:
    owner = Actor("cli:owner", frozenset({"admin"}))
    accounts.add_user("ann", ["admin"], engine=engine, actor=owner)
    for attempt in (
        lambda: accounts.disable_user("ann", engine=engine, actor=owner),
        lambda: accounts.set_roles("ann", ["viewer"], engine=engine, actor=owner),
    ):
        with pytest.raises(ValidationFailed, match="at least one active admin"):
            attempt()
    assert accounts.list_users(engine).to_dict("records")[0]["roles"] == "admin"
    accounts.add_user("bob", ["admin"], engine=engine, actor=owner)
    accounts.disable_user("ann", engine=engine, actor=owner)
    assert list(accounts.list_users(engine)["disabled"]) == [True, False]


def test_a_nul_byte_in_a_username_or_password_is_a_failed_sign_in_not_a_database_error(each_engine):
    """PostgreSQL refuses NUL in a query's text; sign-in must say what it says for any bad pair."""
    add(each_engine)
    before = counts(each_engine)
    for username, password in (("alice\x00", PASSWORD), ("\x00", "x"), ("alice", PASSWORD + "\x00")):
        assert refused(each_engine, username, password, T0) == SIGN_IN_FAILED
    with pytest.raises(SignInFailed):
        accounts.sign_in_email("alice\x00@example.org", engine=each_engine)
    assert counts(each_engine)["users"] == before["users"]


def test_a_nul_byte_in_a_username_or_email_is_a_problem_not_a_database_error(each_engine):
    """PostgreSQL refuses NUL in a query's text: every users write says what is wrong with the field instead."""
    add(each_engine)
    before = counts(each_engine)
    with pytest.raises(ValidationFailed) as err:
        accounts.add_user("bob\x00", ["viewer"], engine=each_engine, password=PASSWORD, actor=ADMIN)
    assert [p.field for p in err.value.problems] == ["username"]
    assert "U+0000" in err.value.problems[0].expected
    with pytest.raises(ValidationFailed) as err:
        accounts.add_user("bob", ["viewer"], engine=each_engine, email="bob\x00@council.gov.uk", actor=ADMIN)
    assert [p.field for p in err.value.problems] == ["email"]
    for change in (
        lambda: accounts.set_roles("alice\x00", ["viewer"], engine=each_engine, actor=ADMIN),
        lambda: accounts.disable_user("alice\x00", engine=each_engine, actor=ADMIN),
        lambda: accounts.reset_password("alice\x00", engine=each_engine, actor=ADMIN),
        lambda: accounts.unlock_user("alice\x00", engine=each_engine, actor=ADMIN),
    ):
        with pytest.raises(ValidationFailed, match="expected the username of a user"):
            change()
    with pytest.raises(ValidationFailed, match="expected your current password"):
        accounts.change_password("alice\x00", PASSWORD, OTHER, engine=each_engine)
    assert counts(each_engine) == before
