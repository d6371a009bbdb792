"""Outside services some tests need: PostgreSQL, Chromium, a mock OpenID provider, nginx, axe-core.

A test that needs a service asks for it with a ``require_...`` function. If
the service is missing the test is skipped with a reason that ``pytest -ra``
prints, so a green run never hides what did not run. With
``TRACKER_REQUIRE_SERVICES=1`` (CI sets it) a missing service fails the test
instead.

To add a service, check it the same way and call ``service_unavailable`` with
a reason that says what was tried, e.g.::

    def require_chromium() -> str:
        path = "/usr/bin/chromium"
        if not os.access(path, os.X_OK):
            service_unavailable(f"Chromium not found at {path} (apt-get install -y chromium)")
        return path
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.session import normalise_url

REQUIRE_SERVICES_ENV = "TRACKER_REQUIRE_SERVICES"
TEST_POSTGRES_URL_ENV = "TRACKER_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://tracker:tracker@127.0.0.1:5432/tracker"


def services_required() -> bool:
    return os.environ.get(REQUIRE_SERVICES_ENV) == "1"


def service_unavailable(reason: str) -> NoReturn:
    """Skip the current test, or fail it when services are required."""
    if services_required():
        pytest.fail(f"{reason} ({REQUIRE_SERVICES_ENV}=1, so this is a failure)", pytrace=False)
    pytest.skip(reason)


def postgres_test_url() -> str:
    """``TRACKER_TEST_POSTGRES_URL``, else a PostgreSQL ``TRACKER_DATABASE_URL``, else the local default."""
    configured = os.environ.get("TRACKER_DATABASE_URL", "")
    return (
        os.environ.get(TEST_POSTGRES_URL_ENV)
        or (configured if configured.startswith("postgresql") else "")
        or DEFAULT_POSTGRES_URL
    )


def require_postgres(url: str | None = None) -> str:
    """The URL of a PostgreSQL server that answers, or skip (fail) the test."""
    url = url or postgres_test_url()
    problem = _postgres_problem(url)
    if problem:
        shown = make_url(url).render_as_string(hide_password=True)
        service_unavailable(f"PostgreSQL not reachable at {shown}: {problem}")
    return url


@functools.cache
def _postgres_problem(url: str) -> str | None:
    """Why ``url`` cannot be used, or None. Asked once per URL per test run."""
    engine = create_engine(normalise_url(url), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not usable here"; say which
        return str(error).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


CHROMIUM_PATH = "/usr/bin/chromium"


def require_chromium() -> str:
    """Debian's Chromium for Playwright (never a downloaded browser), or skip (fail)."""
    if not os.access(CHROMIUM_PATH, os.X_OK):
        service_unavailable(f"Chromium not found at {CHROMIUM_PATH} (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        service_unavailable("the playwright package is not installed (make test installs the test extras)")
    return CHROMIUM_PATH


OIDC_MOCK_PATH = Path(__file__).resolve().parents[1] / ".venv-oidc" / "bin" / "oidc-provider-mock"


def require_oidc_mock() -> Path:
    """The mock OpenID provider (oidc-provider-mock, in its own venv), or skip (fail)."""
    if not os.access(OIDC_MOCK_PATH, os.X_OK):
        service_unavailable(
            f"the mock OpenID provider is not at {OIDC_MOCK_PATH} (make test builds .venv-oidc "
            "from tests/browser/oidc-provider-mock.txt)"
        )
    return OIDC_MOCK_PATH


NGINX_PATH = "/usr/sbin/nginx"


def require_nginx() -> str:
    """Debian's nginx (run by the test itself, unprivileged, never the system's service), or skip (fail)."""
    if not os.access(NGINX_PATH, os.X_OK):
        service_unavailable(f"nginx not found at {NGINX_PATH} (apt-get install -y nginx)")
    return NGINX_PATH


AXE_FOLDER = Path(__file__).resolve().parent / "browser" / "axe"
AXE_PATH = AXE_FOLDER / "node_modules" / "axe-core" / "axe.min.js"


def require_axe() -> Path:
    """axe-core at the version ``tests/browser/axe/package-lock.json`` pins (``npm ci``), or skip (fail)."""
    install = f"npm ci --prefix {AXE_FOLDER.relative_to(AXE_FOLDER.parents[2])} (make test runs it)"
    if not AXE_PATH.is_file():
        service_unavailable(f"axe-core not found at {AXE_PATH}: {install}")
    pinned = json.loads((AXE_FOLDER / "package-lock.json").read_text())["packages"]["node_modules/axe-core"]["version"]
    found = json.loads((AXE_PATH.parent / "package.json").read_text())["version"]
    if found != pinned:
        service_unavailable(f"axe-core {found} is installed, {pinned} is pinned: {install}")
    return AXE_PATH
