"""``funding-tracker users ...`` against a real database, run as a subprocess,
and the first administrator that ``funding-tracker serve`` (``make run``) creates.

Each run gets ``TRACKER_DATABASE_URL`` pointing at the test's own database
(SQLite file, or the PostgreSQL server in the PostgreSQL run). Checks of
what the commands wrote are made in-process with ``tracker.accounts``.
"""

from __future__ import annotations

import getpass
import io
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update

from db.models import AuditEvent, SignInFailure, User, UserRole
from db.session import ensure_schema, read_session, write_session
from tests.actors import ADMIN
from tests.integration.cli_runner import ok
from tests.integration.cli_runner import run_cli as run_tracker
from tracker import accounts, cli
from tracker.accounts import SIGN_IN_FAILED, SignInFailed
from tracker.core.vocabulary import ROLES
from tracker.serve import announce_first_admin

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PASSWORD = "quiet harbour lantern"
ONE_TIME = re.compile(r"one-time password for (\S+): (\S+)")


def run_cli(database_url: str, *args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``users`` commands need no date of today."""
    return run_tracker(database_url, *args, cwd=cwd, stdin=stdin, today=None, timeout=120)


@pytest.fixture
def db(engine: Engine, database_url: str, tmp_path: Path):
    """Run the CLI on the test's database: ``db("users", "list")``."""

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return run_cli(database_url, *args, cwd=tmp_path, stdin=stdin)

    return run


def user_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(User))


def can_sign_in(engine: Engine, username: str, password: str, now: datetime | None = NOW) -> bool:
    try:
        accounts.sign_in(username, password, engine=engine, now=now)
    except SignInFailed as err:
        assert str(err) == SIGN_IN_FAILED
        return False
    return True


def lock(engine: Engine, username: str, until: datetime) -> None:
    """Lock an account as the sign-in guard does after many failures from many addresses."""
    with write_session(engine) as session:
        session.execute(update(User).where(User.username == username).values(locked_until=until))


def row(engine: Engine, username: str):
    return accounts.list_users(engine).set_index("username").loc[username]


def test_add_with_a_password_on_stdin(db, engine):
    out = ok(
        db(
            "users",
            "add",
            "alice",
            "--role",
            "editor",
            "--role",
            "finance",
            "--email",
            "Alice@Council.gov.uk",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
    )
    assert "alice" in out and "editor" in out and "finance" in out
    assert PASSWORD not in out and "one-time" not in out
    signed = accounts.sign_in("alice", PASSWORD, engine=engine, now=NOW)
    assert signed.roles == frozenset({"editor", "finance"})
    assert signed.must_change_password is False
    assert row(engine, "alice")["email"] == "alice@council.gov.uk"


def test_only_the_newline_is_stripped_from_the_password(db, engine):
    ok(db("users", "add", "alice", "--role", "viewer", "--password-stdin", stdin=f"  {PASSWORD} \r\nsecond line\n"))
    assert can_sign_in(engine, "alice", f"  {PASSWORD} ")
    assert not can_sign_in(engine, "alice", PASSWORD)


def test_add_without_a_password_prints_a_one_time_password(db, engine):
    out = ok(db("users", "add", "bob", "--role", "viewer"))
    [(username, password)] = ONE_TIME.findall(out)
    assert username == "bob" and len(password) >= 20
    assert "must change it at their first sign-in" in out
    assert bool(row(engine, "bob")["must_change_password"])
    signed = accounts.sign_in("bob", password, engine=engine, now=NOW)
    assert signed.must_change_password is True
    accounts.change_password("bob", password, "amber orchard 1987", engine=engine, now=NOW)
    assert not can_sign_in(engine, "bob", password)  # it worked once only
    assert not bool(row(engine, "bob")["must_change_password"])


def test_a_weak_password_on_stdin_is_refused_without_echoing_it(db, engine):
    result = db("users", "add", "carol", "--role", "viewer", "--password-stdin", stdin="carol-secret-1\n")
    assert result.returncode == 1
    assert "carol-secret-1" not in result.stderr + result.stdout
    assert "username" in result.stderr and "nothing was changed" in result.stderr
    result = db("users", "add", "carol", "--role", "viewer", "--password-stdin", stdin="Password1234\n")
    assert result.returncode == 1 and "common" in result.stderr
    assert "Password1234" not in result.stderr + result.stdout
    assert user_count(engine) == 0


def test_no_password_on_stdin_is_refused(db, engine):
    result = db("users", "add", "carol", "--role", "viewer", "--password-stdin", stdin="")
    assert result.returncode == 1
    assert "--password-stdin" in result.stderr
    assert user_count(engine) == 0


def test_a_bad_role_exits_1_naming_it(db, engine):
    result = db("users", "add", "dave", "--role", "viewer", "--role", "superuser")
    assert result.returncode == 1
    assert "'superuser'" in result.stderr
    for role in ROLES:
        assert role in result.stderr  # what was expected
    assert user_count(engine) == 0


def test_a_duplicate_user_exits_1(db, engine):
    accounts.add_user("alice", ["viewer"], engine=engine, password=PASSWORD, actor=ADMIN)
    result = db("users", "add", "alice", "--role", "viewer")
    assert result.returncode == 1 and "already exists" in result.stderr
    assert user_count(engine) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["users", "add", "erin"],  # no --role
        ["users", "add", "erin", "--role", "viewer", "--sso-only", "--password-stdin"],
        ["users"],
        ["users", "frobnicate", "erin"],
    ],
)
def test_bad_command_lines_exit_2(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(args)
    assert exit_.value.code == 2


def test_single_sign_on_users(db, engine):
    out = ok(db("users", "add", "erin", "--role", "reviewer", "--email", "erin@council.gov.uk", "--sso-only"))
    assert "single sign-on" in out and not ONE_TIME.search(out)
    assert accounts.sign_in_email("erin@council.gov.uk", engine=engine, now=NOW).roles == frozenset({"reviewer"})
    result = db("users", "add", "frank", "--role", "viewer", "--sso-only")
    assert result.returncode == 1 and "email" in result.stderr


def test_set_roles_disable_enable(db, engine):
    accounts.add_user("alice", ["viewer"], engine=engine, password=PASSWORD, actor=ADMIN)
    signed = accounts.sign_in("alice", PASSWORD, engine=engine, now=NOW)
    out = ok(db("users", "set-roles", "alice", "--role", "reviewer", "--role", "FINANCE"))
    assert "finance, reviewer" in out
    assert accounts.current(signed.user_id, engine=engine).roles == frozenset({"finance", "reviewer"})

    ok(db("users", "disable", "alice"))
    assert accounts.current(signed.user_id, engine=engine) is None
    assert not can_sign_in(engine, "alice", PASSWORD)
    ok(db("users", "enable", "alice"))
    assert can_sign_in(engine, "alice", PASSWORD)

    result = db("users", "set-roles", "alice", "--role", "root")
    assert result.returncode == 1 and "'root'" in result.stderr
    result = db("users", "disable", "nobody")
    assert result.returncode == 1 and "'nobody'" in result.stderr


def test_changes_are_audited_as_the_local_administrator(db, engine):
    ok(db("users", "add", "alice", "--role", "viewer"))
    ok(db("users", "disable", "alice"))
    with read_session(engine) as session:
        actors = session.scalars(select(AuditEvent.actor).where(AuditEvent.entity == "users")).all()
    assert actors == [f"cli:{getpass.getuser()}"] * 2


def test_reset_password_prints_a_new_one_time_password(db, engine):
    accounts.add_user("alice", ["viewer"], engine=engine, password=PASSWORD, actor=ADMIN)
    lock(engine, "alice", NOW + timedelta(hours=1))
    out = ok(db("users", "reset-password", "alice"))
    [(username, password)] = ONE_TIME.findall(out)
    assert username == "alice" and password != PASSWORD
    assert "must change it at the next sign-in" in out
    assert not can_sign_in(engine, "alice", PASSWORD)
    assert accounts.sign_in("alice", password, engine=engine, now=NOW).must_change_password


def test_unlock_lifts_a_lock_forgets_the_failures_and_is_audited(db, engine):
    accounts.add_user("alice", ["viewer"], engine=engine, password=PASSWORD, actor=ADMIN)
    lock(engine, "alice", datetime.now(UTC) + timedelta(hours=1))
    for _ in range(3):
        assert not can_sign_in(engine, "alice", "wrong password!", now=None)
    assert not can_sign_in(engine, "alice", PASSWORD, now=None)  # locked: the right password is refused
    out = ok(db("users", "unlock", "alice"))
    assert "unlocked alice" in out
    with read_session(engine) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        left = session.scalar(select(func.count(SignInFailure.id)).where(SignInFailure.username == "alice"))
    assert event.actor == f"cli:{getpass.getuser()}" and event.after["locked_until"] is None
    assert event.before["locked_until"] is not None
    assert left == 0
    assert can_sign_in(engine, "alice", PASSWORD, now=None)
    assert "nothing changed" in ok(db("users", "unlock", "alice"))
    assert db("users", "unlock", "nobody").returncode == 1


def test_list_shows_users_but_never_hashes(db, engine):
    assert ok(db("users", "list")).strip() == "no users yet"
    accounts.add_user(
        "alice", ["viewer", "editor"], engine=engine, password=PASSWORD, email="alice@council.gov.uk", actor=ADMIN
    )
    accounts.add_user("bob", ["admin"], engine=engine, actor=ADMIN)
    accounts.add_user("dora", ["admin"], engine=engine, actor=ADMIN)  # the last active admin cannot be disabled
    accounts.disable_user("bob", engine=engine, actor=ADMIN)
    lock(engine, "alice", datetime.now(UTC) + timedelta(hours=1))
    accounts.add_user("carol", ["viewer"], engine=engine, password=PASSWORD, actor=ADMIN)
    accounts.sign_in("carol", PASSWORD, engine=engine, now=NOW - timedelta(days=2))
    lock(engine, "carol", NOW - timedelta(days=1))  # a lock long over
    out = ok(db("users", "list"))
    lines = out.splitlines()
    assert lines[0].split() == [
        "username",
        "email",
        "roles",
        "disabled",
        "locked",
        "until",
        "last",
        "sign-in",
        "must",
        "change",
        "password",
    ]
    alice = next(line for line in lines if line.startswith("alice"))
    bob = next(line for line in lines if line.startswith("bob"))
    carol = next(line for line in lines if line.startswith("carol"))
    assert "alice@council.gov.uk" in alice and "editor, viewer" in alice
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", alice)  # locked until
    assert carol.split()[:5] == ["carol", "-", "viewer", "no", "-"]  # no lock shown once it is over
    assert "2026-11-25 09:00 UTC" in carol  # last sign-in
    assert bob.split()[:4] == ["bob", "-", "admin", "yes"]
    assert "$argon2" not in out and "argon2" not in out
    assert PASSWORD not in out


def test_the_cli_help_lists_every_role_the_database_accepts(capsys):
    # The roles the user_roles CHECK constraint allows, read from the table itself.
    check = next(c for c in UserRole.__table__.constraints if "role IN" in str(getattr(c, "sqltext", "")))
    allowed = re.findall(r"'([^']+)'", str(check.sqltext))
    assert allowed == list(ROLES)
    for command in ("add", "set-roles"):
        with pytest.raises(SystemExit):
            cli.build_parser().parse_args(["users", command, "--help"])
        help_text = " ".join(capsys.readouterr().out.split())
        assert "a role: " + ", ".join(allowed) + " (repeat --role for several)" in help_text


# --- the first administrator (the serve path of make run) -------------------------------------


def test_serve_creates_the_first_admin_and_prints_its_one_time_password(engine):
    out = io.StringIO()
    password = announce_first_admin(engine, "http://localhost:8501", out=out)
    text = out.getvalue()
    assert password and password in text
    assert "An administrator account was created" in text
    assert "username:           admin" in text and f"one-time password:  {password}" in text
    assert "Sign in at http://localhost:8501 and you will be asked to choose a new password." in text
    assert "funding-tracker users add" in text
    signed = accounts.sign_in("admin", password, engine=engine, now=NOW)
    assert signed.roles == frozenset({"admin"}) and signed.must_change_password

    again = io.StringIO()
    assert announce_first_admin(engine, "http://localhost:8501", out=again) is None
    assert again.getvalue() == ""
    assert accounts.list_users(engine)["username"].tolist() == ["admin"]


def test_serve_creates_no_admin_when_there_are_users(engine):
    accounts.add_user("alice", ["viewer"], engine=engine, password=PASSWORD, actor=ADMIN)
    out = io.StringIO()
    assert announce_first_admin(engine, "http://localhost:8501", out=out) is None
    assert out.getvalue() == ""


def test_the_serve_command_prints_the_admin_block_before_starting(database_url, tmp_path, monkeypatch, capsys):
    """``funding-tracker serve`` up to the point where it would start Streamlit."""
    from tracker import serve as serve_module

    started = []
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(serve_module.PROJECT)  # where make run starts it
    monkeypatch.setattr(serve_module, "launch", lambda command: started.append(command) or 0)
    assert cli.main(["serve", "--port", "8599"]) == 0
    out = capsys.readouterr().out
    [password] = re.findall(r"one-time password:\s+(\S+)", out)
    assert "Sign in at http://localhost:8599" in out
    assert len(started) == 1
    assert started[0][:4] == [sys.executable, "-m", "streamlit", "run"] and "--server.port=8599" in started[0]
    engine = ensure_schema(database_url)
    try:
        assert can_sign_in(engine, "admin", password)
    finally:
        engine.dispose()
    # The second start finds the admin and prints no password.
    assert cli.main(["serve", "--port", "8599"]) == 0
    assert "one-time password" not in capsys.readouterr().out
