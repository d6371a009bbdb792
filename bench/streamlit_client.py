"""A Streamlit session without a browser: the dashboard driven over its own websocket protocol.

What a browser tab does, as far as the server can tell, and no more:

1. ``GET /_stcore/health`` (any page of the app would do): the answer sets the XSRF cookie
   (``_streamlit_xsrf``);
2. a websocket to ``/_stcore/stream`` with the subprotocols ``streamlit`` and the XSRF token
   (the browser's way of passing it), the cookie, and an ``Origin`` of the app's own address;
   compression is offered, as browsers do;
3. every script run is a ``BackMsg`` with ``rerun_script`` (a ``ClientState``): the first with
   ``page_name`` "" (the app's root address), the others with the ``page_script_hash`` of the
   page shown (a widget's rerun) or of the page chosen (a link of the navigation), the
   states of the widgets changed (a form's fields and its submit button's trigger) and the
   browser's context (time zone, locale, address);
4. the server answers with ``ForwardMsg`` protobufs: ``new_session`` when the run starts,
   then ``navigation`` (the pages offered), ``delta`` (the elements drawn), and
   ``script_finished`` when the run is over (``FINISHED_EARLY_FOR_RERUN`` when a run is
   cut short by another in the same chain, which is not the end).

A run is timed from sending its ``BackMsg`` to receiving the ``script_finished`` that ends it:
on the same machine, the server's time plus microseconds. Unlike a browser, this client
sends only the widget states it changes (the server keeps the others), no cached message
hashes (so the server sends every message whole), and fetches nothing a browser would fetch
after the run (media, further rows of a table as it is scrolled).

Used by ``bench/sessions.py`` and by ``tests/integration/test_bench_sessions.py``; it
needs only the ``websockets`` package Streamlit itself depends on.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

XSRF_COOKIE = "_streamlit_xsrf"
STREAM = "/_stcore/stream"
HEALTH = "/_stcore/health"
# The run's last message; FINISHED_EARLY_FOR_RERUN (st.rerun, a callback's rerun) is not the end.
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
# The sign-in form's widgets, by key (dashboard/sign_in_form.py): a widget's id ends with "-KEY".
SIGN_IN_USERNAME = "sign_in_username"
SIGN_IN_PASSWORD = "sign_in_password"
SIGN_IN_SUBMIT = "sign_in_submit"
SIGN_IN_TITLE = "Sign in"
FIRST_PAGE = "Overview"  # where signing in lands


class SessionError(Exception):
    """The session cannot go on: it was disconnected, a run timed out, or the app did not
    show what a step needs (``kind`` says which, for counting)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class SignInFailed(SessionError):
    """Signing in did not open the pages: the sign-in form came back (``message`` says what
    the page said)."""

    def __init__(self, message: str) -> None:
        super().__init__("sign-in failed", message)


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    status: int  # ForwardMsg.ScriptFinishedStatus of the last script_finished
    page_script_hash: str = ""  # from new_session: the page the server ran
    headings: list[tuple[str, str]] = field(default_factory=list)  # (tag, text): ("h1", "Overview")
    exceptions: list[str] = field(default_factory=list)  # exception elements and compile errors
    error_alerts: list[str] = field(default_factory=list)  # st.error boxes
    widget_ids: list[str] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # the navigation's links: title -> page_script_hash
    messages: int = 0
    bytes: int = 0

    @property
    def title(self) -> str:
        """The page's title: its first ``h1`` ("" when it has none)."""
        return next((text for tag, text in self.headings if tag == "h1"), "")

    def widget_id(self, key: str) -> str | None:
        """The id of the widget made with ``key`` (Streamlit's ids end with ``-KEY``)."""
        return next((wid for wid in self.widget_ids if wid.endswith(f"-{key}")), None)


def xsrf_cookie(base_url: str, timeout: float = 30) -> tuple[str, str]:
    """``(Cookie header, token)``: the XSRF cookie the app sets on any page, as a browser gets it
    (("", "") when XSRF protection is off and none is set)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the app is on this machine
    with opener.open(base_url + HEALTH, timeout=timeout) as answer:
        headers = answer.headers.get_all("Set-Cookie") or []
    for header in headers:
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        if XSRF_COOKIE in cookie:
            token = cookie[XSRF_COOKIE].value
            return f"{XSRF_COOKIE}={token}", token
    return "", ""


def _element_summary(run: Run, msg: ForwardMsg) -> None:
    """Note what a delta message adds to the page: headings, exceptions, error boxes, widgets."""
    if msg.delta.WhichOneof("type") != "new_element":
        return
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind is None:
        return
    body = getattr(element, kind)
    if kind == "heading":
        run.headings.append((body.tag, body.body))
    elif kind == "exception":
        run.exceptions.append(f"{body.type}: {body.message}"[:500])
    elif kind == "alert" and body.format == Alert.ERROR:
        run.error_alerts.append(body.body[:500])
    wid = getattr(body, "id", "")
    if isinstance(wid, str) and wid:
        run.widget_ids.append(wid)


class StreamlitSession:
    """One browser tab's session with the app at ``base_url`` (``http://HOST:PORT``)."""

    def __init__(self, base_url: str, *, timeout: float = 120.0, timezone: str = "Europe/London") -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.timezone = timezone
        self.websocket: websockets.ClientConnection | None = None
        self.page_script_hash = ""  # the page shown now
        self.pages: dict[str, str] = {}  # the navigation last sent: title -> page_script_hash
        self.session_id = ""
        self.last: Run | None = None

    async def connect(self) -> None:
        cookie, token = await asyncio.to_thread(xsrf_cookie, self.base_url)
        address = self.base_url.split("://", 1)[1]
        headers = {"Cookie": cookie} if cookie else {}
        protocols = ["streamlit", token] if token else ["streamlit"]
        self.websocket = await websockets.connect(
            f"ws://{address}{STREAM}",
            subprotocols=[websockets.Subprotocol(name) for name in protocols],
            origin=websockets.Origin(self.base_url),
            additional_headers=headers,
            max_size=None,  # a page may send large messages
            ping_interval=None,  # a browser sends no pings: a busy server must not be dropped for a late pong
            open_timeout=self.timeout,
            proxy=None,
        )

    async def close(self) -> None:
        if self.websocket is not None:
            await self.websocket.close()
            self.websocket = None

    async def __aenter__(self) -> StreamlitSession:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _client_state(self, page_script_hash: str, page_name: str, widgets: dict[str, object]) -> ClientState:
        state = ClientState(query_string="", page_script_hash=page_script_hash, page_name=page_name)
        info = state.context_info
        info.timezone = self.timezone
        info.timezone_offset = 0
        info.locale = "en-GB"
        info.url = self.base_url + "/"
        info.is_embedded = False
        info.color_scheme = "light"
        for wid, value in widgets.items():
            widget = state.widget_states.widgets.add()
            widget.id = wid
            if value is True:  # a button's press
                widget.trigger_value = True
            elif isinstance(value, str):
                widget.string_value = value
            else:
                raise TypeError(f"no widget state for {value!r}")
        return state

    async def rerun(
        self, page_script_hash: str = "", page_name: str = "", widgets: dict[str, object] | None = None
    ) -> Run:
        """Ask for a script run and wait for its end; the run's time and what it drew.

        Raises ``SessionError`` ("disconnected" or "timeout") when the run does not end."""
        if self.websocket is None:
            raise SessionError("disconnected", "not connected")
        message = BackMsg()
        message.rerun_script.CopyFrom(self._client_state(page_script_hash, page_name, widgets or {}))
        start = time.perf_counter()
        try:
            await self.websocket.send(message.SerializeToString())
            run = await asyncio.wait_for(self._until_finished(start), self.timeout)
        except TimeoutError:
            raise SessionError("timeout", f"no end of the run after {self.timeout:.0f} s") from None
        except websockets.ConnectionClosed as closed:
            raise SessionError("disconnected", f"the server closed the connection: {closed}") from None
        self.last = run
        return run

    async def _until_finished(self, start: float) -> Run:
        assert self.websocket is not None
        run = Run(seconds=0.0, status=-1)
        started = False  # messages before the run's new_session belong to the run before
        while True:
            data = await self.websocket.recv(decode=False)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                started = True
                run.page_script_hash = msg.new_session.page_script_hash
                self.page_script_hash = run.page_script_hash
                self.session_id = msg.new_session.initialize.session_id or self.session_id
            if not started:
                continue
            run.messages += 1
            run.bytes += len(data)
            if kind == "navigation":
                # the links a person sees (a hidden page is reached only by its address)
                run.pages = {
                    page.page_name: page.page_script_hash for page in msg.navigation.app_pages if not page.is_hidden
                }
                self.pages = run.pages
                self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
            elif kind == "delta":
                _element_summary(run, msg)
            elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                failure = msg.session_event.script_compilation_exception
                run.exceptions.append(f"{failure.type}: {failure.message}"[:500])
            elif kind == "script_finished":
                run.status = msg.script_finished
                if run.status in FINISHED:
                    run.seconds = time.perf_counter() - start
                    return run

    # --- what a person does -------------------------------------------------------------------

    async def open_app(self) -> Run:
        """Load the app's address, as a new tab does: the sign-in page for someone signed out."""
        return await self.rerun(page_name="")

    async def sign_in(self, username: str, password: str) -> Run:
        """Fill in the sign-in form on screen and press its button; the run that follows.

        Raises ``SignInFailed`` unless that run drew the first page (``FIRST_PAGE``) with the
        navigation, and ``SessionError`` ("no sign-in form") when the form is not on screen."""
        form = self.last
        ids = {
            key: form.widget_id(key) if form else None for key in (SIGN_IN_USERNAME, SIGN_IN_PASSWORD, SIGN_IN_SUBMIT)
        }
        missing = [key for key, wid in ids.items() if wid is None]
        if form is None or missing:
            shown = form.title if form else "nothing"
            raise SessionError("no sign-in form", f"no sign-in form on screen ({shown!r} shown; missing {missing})")
        states: dict[str, object] = {
            str(ids[SIGN_IN_USERNAME]): username,
            str(ids[SIGN_IN_PASSWORD]): password,
            str(ids[SIGN_IN_SUBMIT]): True,
        }
        run = await self.rerun(page_script_hash=self.page_script_hash, widgets=states)
        if run.title != FIRST_PAGE or FIRST_PAGE not in run.pages:
            said = "; ".join(run.error_alerts + run.exceptions) or "nothing"
            raise SignInFailed(f"after signing in the page is {run.title!r}, not {FIRST_PAGE!r} (it said: {said})")
        return run

    async def open_page(self, title: str) -> Run:
        """Follow the navigation's link to the page called ``title``; the run that draws it.

        Raises ``SessionError`` ("no such page") when the navigation offers no such page."""
        page_hash = self.pages.get(title)
        if page_hash is None:
            raise SessionError("no such page", f"the navigation offers no page {title!r} ({sorted(self.pages)})")
        return await self.rerun(page_script_hash=page_hash)
