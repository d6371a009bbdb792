"""One cookie-signing secret for every server on a database (``tracker.shared_settings``,
``serve.share_cookie_secret``): the first server to start makes it, the others
read it, two starting at once still store one; Streamlit gets it through the
variable it reads; an operator's own ``server.cookieSecret`` wins; the audit
trail records that it was made, never the secret. Also: two servers starting
at once on an empty database make one first administrator between them.

Each test runs on SQLite and on PostgreSQL, with its own engines standing in
for separate server processes (the start-up step is called, not a whole server).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.models import AppSetting, AuditEvent, User
from db.session import ensure_schema, read_session
from tracker import accounts, serve, shared_settings
from tracker.serve import COOKIE_SECRET_ENV, share_cookie_secret


@pytest.fixture
def servers(each_database_url: str) -> Iterator[Callable[[], Engine]]:
    """Make engines on one database, each standing in for a server process."""
    made: list[Engine] = []

    def another() -> Engine:
        made.append(ensure_schema(each_database_url))
        return made[-1]

    yield another
    for engine in made:
        engine.dispose()


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    """A working folder and a home folder with no .streamlit settings in them."""
    cwd, home = tmp_path / "cwd", tmp_path / "home"
    cwd.mkdir()
    home.mkdir()
    return cwd, home


def _start(engine: Engine, places: tuple[Path, Path], env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment one server's Streamlit would be started with."""
    env = {} if env is None else env
    share_cookie_secret(engine, env, cwd=places[0], home=places[1])
    return env


def _settings(engine: Engine) -> list[tuple[str, str]]:
    with read_session(engine) as session:
        return [tuple(row) for row in session.execute(select(AppSetting.setting, AppSetting.setting_value))]


def _secret_events(engine: Engine) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == "app_settings")))


def test_two_servers_on_one_database_hand_streamlit_the_same_secret(servers, places):
    first, second = servers(), servers()
    one = _start(first, places)
    other = _start(second, places)
    secret = one[COOKIE_SECRET_ENV]
    assert other[COOKIE_SECRET_ENV] == secret
    assert len(secret) >= 64
    assert _settings(first) == [("cookie_secret", secret)]
    # A restart reads it again rather than making another.
    assert _start(servers(), places)[COOKIE_SECRET_ENV] == secret


def test_two_servers_making_it_at_the_same_moment_store_one(servers, places, monkeypatch):
    """Both look, find none, and both try to store theirs: one is refused and uses the other's."""
    looked = threading.Barrier(2, timeout=30)
    seen = threading.local()
    real = shared_settings.stored

    def both_look_first(engine, setting):
        found = real(engine, setting)
        if not getattr(seen, "looked", False):
            seen.looked = True
            looked.wait()  # neither stores anything until both have found none
        return found

    monkeypatch.setattr(shared_settings, "stored", both_look_first)
    engines = [servers(), servers()]
    envs: list[dict[str, str]] = [{}, {}]
    failures: list[BaseException] = []

    def start(index: int) -> None:
        try:
            _start(engines[index], places, envs[index])
        except BaseException as err:  # reported below
            failures.append(err)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert not failures
    assert envs[0][COOKIE_SECRET_ENV] == envs[1][COOKIE_SECRET_ENV]
    assert _settings(engines[0]) == [("cookie_secret", envs[0][COOKIE_SECRET_ENV])]
    assert len(_secret_events(engines[0])) == 1


def test_the_audit_trail_says_it_was_made_and_never_holds_it(servers, places, monkeypatch):
    monkeypatch.setenv("TRACKER_ACTOR", "service:tracker")
    engine = servers()
    secret = _start(engine, places)[COOKIE_SECRET_ENV]
    (event,) = _secret_events(engine)
    assert (event.actor, event.action, event.before) == ("service:tracker", "create", None)
    assert event.after["setting"] == "cookie_secret"
    with read_session(engine) as session:
        everything = [(e.actor, e.entity, repr(e.before), repr(e.after)) for e in session.scalars(select(AuditEvent))]
    assert everything and not [row for row in everything if secret in "".join(row)]


@pytest.mark.parametrize("where", ["environment", "config.toml in the working folder", "~/.streamlit/config.toml"])
def test_an_operators_own_secret_wins_and_nothing_is_stored(servers, places, where):
    cwd, home = places
    mine = "the operator's own secret, long enough to sign with"
    env: dict[str, str] = {}
    if where == "environment":
        env[COOKIE_SECRET_ENV] = mine
    else:
        folder = (cwd if where.endswith("working folder") else home) / ".streamlit"
        folder.mkdir()
        (folder / "config.toml").write_text(f'[server]\ncookieSecret = "{mine}"\n', encoding="utf-8")
    engine = servers()
    said = share_cookie_secret(engine, env, cwd=cwd, home=home)
    assert env.get(COOKIE_SECRET_ENV) == (mine if where == "environment" else None)
    assert said.startswith("Cookie secret: yours, from ")
    assert _settings(engine) == []


def test_the_variable_is_the_one_streamlit_reads_for_its_cookie_secret(tmp_path):
    from streamlit import config

    assert config._config_options_template[serve.COOKIE_SECRET].env_var == COOKIE_SECRET_ENV
    code = "from streamlit import config\nconfig.get_config_options(force_reparse=True)\nprint(config.get_option('server.cookieSecret'))\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env[COOKIE_SECRET_ENV] = "handed over by funding-tracker serve"
    env["HOME"] = str(tmp_path)  # no ~/.streamlit/config.toml
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "handed over by funding-tracker serve"


def test_two_servers_starting_on_an_empty_database_make_one_first_admin(servers, monkeypatch):
    """Both find no users; one makes the admin and prints its password, the other starts quietly."""
    looked = threading.Barrier(2, timeout=30)
    real = accounts.has_users

    def both_look_first(engine):
        found = real(engine)
        looked.wait()
        return found

    monkeypatch.setattr(accounts, "has_users", both_look_first)
    engines = [servers(), servers()]
    outs = [io.StringIO(), io.StringIO()]
    passwords: list[str | None] = [None, None]
    failures: list[BaseException] = []

    def start(index: int) -> None:
        try:
            passwords[index] = serve.announce_first_admin(engines[index], "http://localhost:8501", out=outs[index])
        except BaseException as err:  # reported below
            failures.append(err)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert not failures
    made = [password for password in passwords if password]
    assert len(made) == 1
    assert sum(made[0] in out.getvalue() for out in outs) == 1
    with read_session(engines[0]) as session:
        assert list(session.scalars(select(User.username))) == ["admin"]
