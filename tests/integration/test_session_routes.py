"""The tracker's own routes beside the dashboard (dashboard/session_routes.py),
over HTTP: a ticket from the browser that signed in gets the session cookie
(HttpOnly, SameSite=Strict, Path=/, Secure over https), once; from another
browser, or another site, nothing; signing out ends the session and removes
the cookie."""

from __future__ import annotations

import binascii
import json

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from dashboard import session_routes
from db.models import User
from db.session import read_session
from tests.actors import ADMIN
from tracker import accounts
from tracker import sign_in_sessions as sessions

XSRF_TOKEN = bytes(range(16))


@pytest.fixture
def client(database_url: str, engine, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    monkeypatch.setattr(session_routes, "_mounted", False)  # routes() sets it: put back afterwards
    session_routes._engine.cache_clear()
    accounts.add_user("sam", ["viewer"], engine=engine, password="a long enough passphrase", actor=ADMIN)
    app = Starlette(routes=session_routes.routes())
    assert session_routes.mounted()
    with TestClient(app, base_url="https://tracker.example.org") as test_client:
        yield test_client
    session_routes._engine().dispose()
    session_routes._engine.cache_clear()


def _sam(engine) -> int:
    with read_session(engine) as session:
        return session.scalars(select(User.id).where(User.username == "sam")).one()


def _ticket(engine, token: bytes = XSRF_TOKEN) -> tuple[int, str]:
    started = sessions.start(_sam(engine), engine=engine, binding=binascii.b2a_hex(token).decode("ascii"))
    return started.session_id, started.ticket


def _xsrf(token: bytes = XSRF_TOKEN) -> str:
    return generate_xsrf_token_string(token)  # masked afresh each time, as Streamlit sets it


def test_the_browser_that_signed_in_gets_the_cookie_once(client, engine):
    session_id, ticket = _ticket(engine)
    client.cookies.set(session_routes.XSRF_COOKIE, _xsrf())
    response = client.post(session_routes.SESSION_PATH, json={"ticket": ticket})
    assert response.status_code == 204
    set_cookie = response.headers["set-cookie"]
    name, _, rest = set_cookie.partition("=")
    token = rest.split(";")[0]
    assert name == session_routes.COOKIE and len(token) == 43
    attributes = {part.strip().lower() for part in set_cookie.split(";")[1:]}
    assert {"httponly", "secure", "path=/", "samesite=strict"} <= attributes
    assert response.headers["cache-control"] == "no-store"
    assert sessions.resume(token, engine=engine) == sessions.Checked(session_id, _sam(engine))

    again = client.post(session_routes.SESSION_PATH, json={"ticket": ticket})
    assert again.status_code == 403 and "set-cookie" not in again.headers


def test_plain_http_gets_a_cookie_without_secure(database_url, engine, client):
    _, ticket = _ticket(engine)
    with TestClient(client.app, base_url="http://127.0.0.1") as plain:
        plain.cookies.set(session_routes.XSRF_COOKIE, _xsrf())
        response = plain.post(session_routes.SESSION_PATH, json={"ticket": ticket})
    assert response.status_code == 204
    assert "secure" not in {part.strip().lower() for part in response.headers["set-cookie"].split(";")}


def test_another_browsers_ticket_gets_no_cookie(client, engine):
    """Login CSRF: a ticket someone got by signing in themselves, sent from another browser."""
    _, ticket = _ticket(engine)
    client.cookies.set(session_routes.XSRF_COOKIE, _xsrf(bytes(16)))
    response = client.post(session_routes.SESSION_PATH, json={"ticket": ticket})
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_another_site_gets_no_cookie(client, engine):
    _, ticket = _ticket(engine)
    client.cookies.set(session_routes.XSRF_COOKIE, _xsrf())
    response = client.post(
        session_routes.SESSION_PATH, json={"ticket": ticket}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403 and "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"ticket": 7}',
        b'{"ticket": "made up"}',
        b"\xff\xfe",
        b'{"ticket": "' + b"x" * 5000 + b'"}',
    ],
)
def test_anything_but_a_ticket_gets_no_cookie(client, body):
    response = client.post(session_routes.SESSION_PATH, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_a_body_longer_than_a_ticket_needs_is_not_read_even_around_a_good_ticket(client, engine):
    _, ticket = _ticket(engine)
    client.cookies.set(session_routes.XSRF_COOKIE, _xsrf())
    padded = json.dumps({"ticket": ticket}).encode() + b" " * 2000  # more than a ticket could need
    response = client.post(session_routes.SESSION_PATH, content=padded, headers={"Content-Type": "application/json"})
    assert response.status_code == 403 and "set-cookie" not in response.headers
    fits = json.dumps({"ticket": ticket}).encode() + b" " * 100
    assert client.post(session_routes.SESSION_PATH, content=fits).status_code == 204


def test_only_post(client):
    assert client.get(session_routes.SESSION_PATH).status_code == 405
    assert client.get(session_routes.SIGN_OUT_PATH).status_code == 405


def test_signing_out_ends_the_session_and_removes_the_cookie(client, engine):
    _, ticket = _ticket(engine)
    client.cookies.set(session_routes.XSRF_COOKIE, _xsrf())
    token = client.post(session_routes.SESSION_PATH, json={"ticket": ticket}).cookies[session_routes.COOKIE]
    client.cookies.set(session_routes.COOKIE, token)
    response = client.post(session_routes.SIGN_OUT_PATH)
    assert response.status_code == 204
    set_cookie = response.headers["set-cookie"].lower()
    assert set_cookie.startswith(f"{session_routes.COOKIE}=") and "max-age=0" in set_cookie
    checked = sessions.resume(token, engine=engine)
    assert checked is not None and not checked.live
