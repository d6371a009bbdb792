"""API tokens and public mode from the command line (``funding-tracker users token NAME
[--revoke]``, ``users public-api on|off|status``), run as a subprocess on the test's
database, and what they write: a hash, never the token; one live token per user; an
audit event for each issue, revocation and switch, naming neither token nor hash."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.models import ApiToken, AuditEvent
from db.session import read_session
from tests.actors import ADMIN
from tracker import accounts
from tracker.api import access
from tracker.records.permissions import Actor, PermissionDenied
from tracker.records.problems import ValidationFailed

URL_SAFE = re.compile(r"[A-Za-z0-9_-]{43}")


@pytest.fixture
def db(engine: Engine, database_url: str, tmp_path: Path):
    """Run ``funding-tracker`` on the test's database: ``db("users", "token", "vic")``."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tracker.cli", *args],
            env={**os.environ, "TRACKER_DATABASE_URL": database_url},
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


def _events(engine: Engine, entity: str) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)))


def _live(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None)))


def test_users_token_prints_a_new_url_safe_token_alone_on_the_last_line(engine, db):
    accounts.add_user("vic", ["viewer"], engine=engine, actor=ADMIN)
    out = ok(db("users", "token", "vic"))

    token = out.splitlines()[-1]
    assert URL_SAFE.fullmatch(token), out
    assert access.authenticate(token, engine=engine).username == "vic"
    with read_session(engine) as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]  # the hash only
    (event,) = _events(engine, "api_tokens")
    assert event.action == "create" and event.actor.startswith("cli:")
    assert token not in str(event.after) and stored[0] not in str(event.after)
    assert event.after["username"] == "vic" and event.after["revoked_at"] is None


def test_a_new_token_revokes_the_old_and_revoke_revokes(engine, db):
    accounts.add_user("vic", ["viewer"], engine=engine, actor=ADMIN)
    first = ok(db("users", "token", "vic")).splitlines()[-1]
    second = ok(db("users", "token", "vic")).splitlines()[-1]

    assert first != second and _live(engine) == 1
    assert access.authenticate(first, engine=engine) is None
    assert access.authenticate(second, engine=engine).username == "vic"

    assert "revoked" in ok(db("users", "token", "vic", "--revoke"))
    assert access.authenticate(second, engine=engine) is None and _live(engine) == 0
    assert "nothing to revoke" in ok(db("users", "token", "vic", "--revoke"))
    assert [(e.action, e.before is None) for e in _events(engine, "api_tokens")] == [
        ("create", True),
        ("update", False),  # the first, revoked by the second
        ("create", True),
        ("update", False),
    ]


def test_tokens_are_refused_for_unknown_and_disabled_users(engine, db):
    accounts.add_user("vic", ["viewer"], engine=engine, actor=ADMIN)
    accounts.add_user("spare-admin", ["admin"], engine=engine, actor=ADMIN)
    token = ok(db("users", "token", "vic")).splitlines()[-1]
    ok(db("users", "disable", "vic"))

    assert access.authenticate(token, engine=engine) is None  # a disabled user's token does not work
    refused = db("users", "token", "vic")
    assert refused.returncode == 1 and "expected an enabled user" in refused.stderr
    unknown = db("users", "token", "nobody")
    assert unknown.returncode == 1 and "expected the username of a user" in unknown.stderr
    assert _live(engine) == 1


def test_public_mode_is_off_until_an_admin_turns_it_on_and_each_switch_is_audited(engine, db):
    assert ok(db("users", "public-api", "status")).strip() == "public mode is off"
    assert "on:" in ok(db("users", "public-api", "on"))
    assert access.public_api(engine)
    assert "already was" in ok(db("users", "public-api", "on"))
    assert "off:" in ok(db("users", "public-api", "off"))
    assert not access.public_api(engine)

    events = _events(engine, "app_settings")
    assert [(e.action, (e.before or {}).get("setting_value"), e.after["setting_value"]) for e in events] == [
        ("create", None, "on"),
        ("update", "on", "off"),
    ]
    assert all(e.actor.startswith("cli:") for e in events)


def test_only_admins_issue_tokens_or_switch_public_mode(engine):
    accounts.add_user("vic", ["viewer"], engine=engine, actor=ADMIN)
    editor = Actor("ed", frozenset({"editor"}))

    with pytest.raises(PermissionDenied):
        access.issue_token("vic", engine=engine, actor=editor)
    with pytest.raises(PermissionDenied):
        access.set_public_api(True, engine=engine, actor=editor)
    with pytest.raises(ValidationFailed):
        access.revoke_token("nobody", engine=engine, actor=ADMIN)
    assert _live(engine) == 0 and not access.public_api(engine)


@pytest.mark.parametrize("presented", ["", "short", "x" * 300, "has spaces in it and is long enough", "é" * 43])
def test_what_is_no_token_is_refused_before_the_database(engine, presented):
    assert access.authenticate(presented, engine=engine) is None
