"""The tracker's own HTTP routes beside the dashboard: the sign-in cookie.

Streamlit reads cookies (``st.context.cookies``) but cannot set one, so
the dashboard is an ``st.App`` with these routes on the same port
(``dashboard/app.py``, whether run by ``funding-tracker serve`` or by a
plain ``streamlit run dashboard/app.py``; ``dashboard/with_api.py`` adds the
JSON API):

- ``POST /_tracker/session`` with ``{"ticket": ...}``: the page that signed in
  hands over its one-time ticket (tracker/sign_in_sessions.py) and gets the
  session cookie: ``HttpOnly`` (no script reads it), ``SameSite=Strict`` (no
  other site's request carries it), ``Path=/``, ``Secure`` when the browser
  came over https (the request's scheme: behind a trusted proxy, its
  ``X-Forwarded-Proto``). The ticket is good only from the browser that
  signed in: it is bound to that browser's XSRF token, read here from its
  cookie. Anything else: 403, and no cookie.
- ``POST /_tracker/sign-out``: ends the session the cookie names, if any,
  and removes the cookie.

Both refuse a request whose ``Origin`` is another site's. The cookie holds a
random token; the database keeps only its hash. The session itself lives in
the database, so every server of one tracker accepts the cookie.

Run without them (Streamlit's test harness runs ``app.py`` as a script)
``mounted()`` is False and a sign-in lasts while the tab's session lives.
"""

from __future__ import annotations

import binascii
import functools
import json
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from tracker import sign_in_sessions as sessions
from tracker import store

COOKIE = "tracker_session"
XSRF_COOKIE = "_streamlit_xsrf"  # Streamlit's (streamlit.web.server.starlette.starlette_server_config)
SESSION_PATH = "/_tracker/session"
SIGN_OUT_PATH = "/_tracker/sign-out"
BODY_MAX = 1024  # bytes of a ticket's body read at most

_mounted = False


def mounted() -> bool:
    """Whether this server serves the routes (``serve`` always does)."""
    return _mounted


def browser_binding(xsrf_cookie: str | None) -> str | None:
    """What a ticket is bound to: the token inside Streamlit's XSRF cookie, as
    hex (its value is masked afresh on every page load; the token stays), or
    None when there is none (XSRF protection off)."""
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    if not xsrf_cookie:
        return None
    token, _ = decode_xsrf_token_string(xsrf_cookie)
    return binascii.b2a_hex(token).decode("ascii") if token else None


@functools.cache
def _engine():
    return store.open_database(store.database_url())


def _same_site(request: Request) -> bool:
    """No ``Origin`` (not a cross-site fetch), or the page's own host."""
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host", "")


async def _small_json(request: Request) -> object:
    """The request's JSON body, or None when it is not JSON or longer than
    ``BODY_MAX`` bytes (read no further: nobody can make the server hold a
    large body in memory; a ticket's body is about 60 bytes)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > BODY_MAX:
            return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _refused() -> Response:
    return Response("Refused.", status_code=403, media_type="text/plain", headers={"Cache-Control": "no-store"})


async def _session(request: Request) -> Response:
    if not _same_site(request):
        return _refused()
    body = await _small_json(request)
    ticket = body.get("ticket") if isinstance(body, dict) else None
    binding = browser_binding(request.cookies.get(XSRF_COOKIE))
    token = await run_in_threadpool(
        lambda: sessions.exchange(ticket if isinstance(ticket, str) else None, binding, engine=_engine())
    )
    if token is None:
        return _refused()
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(COOKIE, token, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


async def _sign_out(request: Request) -> Response:
    if not _same_site(request):
        return _refused()
    token = request.cookies.get(COOKIE)
    await run_in_threadpool(lambda: sessions.end_by_token(token, engine=_engine()))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


def routes() -> list[BaseRoute]:
    """The routes, for ``st.App(..., routes=...)``; from now on ``mounted()``."""
    global _mounted
    _mounted = True
    return [Route(SESSION_PATH, _session, methods=["POST"]), Route(SIGN_OUT_PATH, _sign_out, methods=["POST"])]
