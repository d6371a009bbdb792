"""The documented deployment for more than one server, run as written
(docs/deployment.md): two ``funding-tracker serve`` processes on one fresh
PostgreSQL database, behind nginx configured by
``deploy/nginx-funding-tracker.conf`` itself (only its ports, certificate and
host name swapped for the test's: HTTPS with a certificate made here), nginx
run by the test in the foreground, as the account running the tests, on free
ports with every file it writes under the test's folder (never the system's
nginx or its port 80).

Through the proxy, Chromium signs in and sees the Overview: that needs the
WebSocket proxied (without the upgrade headers the page never draws). Every
request of that browser reaches one server (the affinity cookie). A person
signed in on the *other* server's own port imports a commitment there, and
the browser behind the proxy sees it on its next run, on its own server; so
does the other server. Both servers hold the one cookie secret the database
keeps (it never reaches the audit trail); ``/_stcore/health`` answers
through nginx; the sign-in cookie is Secure behind https; and when the
browser's server stops, the proxy sends it to the other one, which accepts
the same sign-in (held in the database): a reload asks for no password and
shows the same figures.
"""

from __future__ import annotations

import contextlib
import datetime
import getpass
import ipaddress
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from db.models import AppSetting, AuditEvent
from db.session import ensure_schema, normalise_url, read_session
from tests.browser.conftest import ADMIN, PASSWORD, READY, ROOT, TODAY, free_port, go_to, sign_in, stop
from tests.integration.conftest import reset_postgres
from tests.services import require_nginx, require_postgres, service_unavailable
from tracker import accounts
from tracker.demo import load_demo
from tracker.records.permissions import Actor
from tracker.serve import COOKIE_SECRET_ENV

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SITE = ROOT / "deploy" / "nginx-funding-tracker.conf"
COMMITMENT = "ref,announced_on,funder,recipient,purpose,kind,amount,first_year\nX1,2020-01-10,Welsh Government,Welsh councils,More,one-off,£1m,2020-21\n"


# --- the database, the servers, nginx --------------------------------------------------------------


def _own_database() -> str:
    """A database of this test's own beside the test one (the other browser
    tests' server may be using that), emptied, with the demo and an admin."""
    base = make_url(require_postgres())
    name = f"{base.database}_two_servers"
    admin = create_engine(normalise_url(base.render_as_string(hide_password=False)), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as err:  # e.g. the role may not create databases: say so
        service_unavailable(f"cannot create the PostgreSQL database {name}: {str(err).splitlines()[0]}")
    finally:
        admin.dispose()
    url = base.set(database=name).render_as_string(hide_password=False)
    reset_postgres(url)
    engine = ensure_schema(url)
    try:
        setup = Actor("setup", frozenset({"admin"}))
        load_demo(engine, actor=setup)
        accounts.add_user(ADMIN, ["admin"], engine=engine, password=PASSWORD, actor=setup)
    finally:
        engine.dispose()
    return url


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environ(self) -> dict[str, str]:
        """The environment Streamlit runs with (``serve`` became Streamlit: the same process)."""
        raw = Path(f"/proc/{self.process.pid}/environ").read_bytes()
        return dict(entry.split("=", 1) for entry in raw.decode(errors="replace").split("\0") if "=" in entry)


def _wait(url: str, process: subprocess.Popen, what: str, log: Path, timeout: float = 90) -> None:
    insecure = ssl._create_unverified_context()  # the test's own certificate
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2, context=insecure) as response:
                if response.status == 200:
                    return
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{what} did not start: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)


def _start_servers(url: str, folder: Path, count: int = 2) -> list[Server]:
    """``funding-tracker serve`` ``count`` times at once, as a service manager would start them."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("STREAMLIT_")}
    home = folder / "home"
    home.mkdir()
    env.update(TRACKER_DATABASE_URL=url, TRACKER_TODAY=TODAY, TRACKER_TRUSTED_PROXIES="127.0.0.1", HOME=str(home))
    servers = []
    for _ in range(count):
        port = free_port()
        log = folder / f"serve-{port}.log"
        command = [sys.executable, "-m", "tracker.cli", "serve", "--address", "127.0.0.1", "--port", str(port)]
        command += ["--", "--server.fileWatcherType=none"]
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        servers.append(Server(port, process, log))
    for server in servers:
        _wait(f"{server.url}/_stcore/health", server.process, f"funding-tracker serve --port {server.port}", server.log)
    return servers


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the browser is told to accept it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tracker.crt", folder / "tracker.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def site_for_test(site: str, *, https_port: int, http_port: int, servers: list[int], cert: Path, key: Path) -> str:
    """The shipped site, its addresses and certificate swapped for the test's.
    Each swap must find its line exactly once: a change to the shipped file
    that the test would no longer follow fails here, not silently."""
    swaps = [
        ("server 127.0.0.1:8501 ", f"server 127.0.0.1:{servers[0]} "),
        ("server 127.0.0.1:8502 ", f"server 127.0.0.1:{servers[1]} "),
        ("    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/letsencrypt/live/tracker.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/tracker.example.org/privkey.pem", str(key)),
        ("wss://tracker.example.org", f"wss://127.0.0.1:{https_port}"),
    ]
    for old, new in swaps:
        assert site.count(old) == 1, f"{SITE}: expected {old!r} once, found it {site.count(old)} times"
        site = site.replace(old, new)
    return site


def _nginx_config(folder: Path, site: Path) -> Path:
    """nginx's main file: everything it writes under ``folder``; the site included as Debian includes it."""
    temp = {name: folder / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    lines = [
        f"user {getpass.getuser()};" if os.geteuid() == 0 else "",  # as root, workers would be nobody
        "worker_processes 1;",
        f"pid {folder / 'nginx.pid'};",
        f"error_log {folder / 'error.log'} info;",
        "events { worker_connections 256; }",
        "http {",
        *(f"    {name}_temp_path {path};" for name, path in temp.items()),
        "    log_format upstreams '$request_method $uri $upstream_addr $status';",
        f"    access_log {folder / 'access.log'} upstreams;",
        f"    include {site};",
        "}",
    ]
    path = folder / "nginx.conf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def _nginx(binary: str, folder: Path, servers: list[Server]) -> Iterator[str]:
    """nginx in front of ``servers`` (foreground, unprivileged, free ports); yields its https address."""
    https_port, http_port = free_port(), free_port()
    cert, key = _certificate(folder)
    site = folder / "funding-tracker.conf"
    site.write_text(
        site_for_test(
            SITE.read_text(encoding="utf-8"),
            https_port=https_port,
            http_port=http_port,
            servers=[server.port for server in servers],
            cert=cert,
            key=key,
        ),
        encoding="utf-8",
    )
    conf = _nginx_config(folder, site)
    log = folder / "nginx.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log"), "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"https://127.0.0.1:{https_port}"
    try:
        _wait(f"{url}/_stcore/health", process, "nginx", folder / "error.log")
        yield url
    finally:
        stop(process)


def _upstreams(folder: Path) -> list[str]:
    """For each request nginx passed on, in order: the last server it tried (``port``)."""
    found = []
    for line in (folder / "access.log").read_text().splitlines():
        upstream = line.split(" ")[2]
        if upstream != "-":
            found.append(upstream.replace(",", " ").split()[-1].rsplit(":", 1)[1])
    return found


@pytest.fixture
def deployment(tmp_path: Path, chromium_path: str):
    nginx = require_nginx()
    url = _own_database()
    servers = _start_servers(url, tmp_path)
    try:
        with _nginx(nginx, tmp_path, servers) as proxy:
            yield url, servers, proxy, tmp_path
    finally:
        for server in servers:
            stop(server.process)


# --- the test ---------------------------------------------------------------------------------------


def _session_cookie(context, timeout: float = 15) -> dict:
    """The sign-in cookie, once the page that signed in has had it set."""
    deadline = time.monotonic() + timeout
    while True:
        found = [cookie for cookie in context.cookies() if cookie["name"] == "tracker_session"]
        if found:
            return found[0]
        assert time.monotonic() < deadline, "no sign-in cookie"
        time.sleep(0.2)


def _committed(page):
    return expect(page.get_by_test_id("stMetric").first)


def test_two_servers_behind_nginx_share_one_database_and_one_secret(browser, deployment):
    url, servers, proxy, folder = deployment
    expect.set_options(timeout=30_000)
    behind = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1100})
    direct = browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        page = behind.new_page()
        page.goto(proxy)
        sign_in(page, ADMIN)  # needs the WebSocket through nginx
        _committed(page).to_contain_text("at least £13.3m")  # the demo
        assert any(cookie["name"] == "tracker_route" for cookie in behind.cookies())
        used = set(_upstreams(folder))
        assert len(used) == 1, f"one browser's requests reached {used}: no affinity"
        (mine,) = (server for server in servers if str(server.port) in used)
        (other,) = (server for server in servers if server is not mine)

        # A write on the other server, at its own port.
        there = direct.new_page()
        there.goto(other.url)
        sign_in(there, ADMIN)
        go_to(there, "Import")
        upload = folder / "more.csv"
        upload.write_text(COMMITMENT, encoding="utf-8")
        there.locator('input[type="file"]').set_input_files(upload)
        there.get_by_role("button", name="Import 1 row").click()
        expect(there.get_by_text("Imported more.csv")).to_be_visible()
        go_to(there, "Overview")
        _committed(there).to_contain_text("at least £14.3m")

        # Seen through the proxy, on the browser's own server, at its next run.
        go_to(page, "Delivery")
        go_to(page, "Overview")
        _committed(page).to_contain_text("at least £14.3m")
        assert set(_upstreams(folder)) == {str(mine.port)}

        # One cookie secret, the database's, handed to both; never in the audit trail.
        secrets = {server.environ().get(COOKIE_SECRET_ENV) for server in servers}
        engine = ensure_schema(url)
        try:
            with read_session(engine) as session:
                stored = session.scalars(select(AppSetting.setting_value).where(AppSetting.setting == "cookie_secret"))
                trail = [repr((e.before, e.after)) for e in session.scalars(select(AuditEvent))]
        finally:
            engine.dispose()
        assert secrets == set(stored) and None not in secrets
        (secret,) = secrets
        assert not [event for event in trail if secret in event]

        with urllib.request.urlopen(f"{proxy}/_stcore/health", context=ssl._create_unverified_context()) as health:
            assert (health.status, health.read()) == (200, b"ok")

        # The sign-in is a session in the database, the browser's cookie for it Secure behind https.
        cookie = _session_cookie(behind)
        assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"

        # The browser's server stops: the proxy sends it to the other, which accepts the same sign-in.
        stop(mine.process)
        page.reload()
        page.wait_for_selector(READY)
        _committed(page).to_contain_text("at least £14.3m")
        assert page.get_by_role("button", name="Sign in").count() == 0
        assert _upstreams(folder)[-1] == str(other.port)
    finally:
        behind.close()
        direct.close()
    assert re.search(r"Cookie secret: the one in the database", other.log.read_text())
