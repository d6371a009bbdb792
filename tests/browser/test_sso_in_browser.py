"""Single sign-on in Chromium, the whole OpenID Connect round trip, offline.

A mock OpenID provider (oidc-provider-mock 0.3.4, in its own venv built by
``make test``) stands in for Microsoft Entra ID: its authorisation page asks
for a subject and vouches for it as the user's email. A second Streamlit
server runs the dashboard with an ``[auth]`` section pointing at it (a
secrets file of the test's own, passed with ``--secrets.files``), on a
SQLite database of its own with the demo and two users: ``erin`` (reviewer)
and ``fin`` (finance), known by their email only.

Authlib accepts plain http only for ``localhost`` (TESTING.md), so both
servers are addressed as ``localhost``, which is also the origin of the
redirect address the provider sends the browser back to.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, TODAY, free_port, running, streamlit_server
from tests.services import require_oidc_mock

pytestmark = pytest.mark.browser

ERIN = "erin@council.gov.uk"
# How long the provider's tokens are good for: as Entra ID's (about an hour), and,
# for the one test that sees a token expire, long enough for its sign-in steps.
TOKEN_SECONDS = 3600
SHORT_TOKEN_SECONDS = 12
FIN = "Fin.Officer@council.gov.uk"


@contextmanager
def _provider(token_seconds: int) -> Iterator[str]:
    """The mock OpenID provider, its tokens good for ``token_seconds``; yields its address."""
    mock = require_oidc_mock()
    port = free_port()
    url = f"http://localhost:{port}"
    command = [str(mock), "--port", str(port), "--token-max-age", str(token_seconds)]
    with running(command, f"{url}/.well-known/openid-configuration", "The mock OpenID provider"):
        yield url


@contextmanager
def _dashboard(provider: str, folder: Path) -> Iterator[str]:
    """The dashboard on the demo with single sign-on against ``provider``; yields its address."""
    import os

    from db.session import ensure_schema
    from tracker import accounts
    from tracker.demo import load_demo
    from tracker.records.permissions import Actor

    database = f"sqlite:///{folder / 'tracker.db'}"
    engine = ensure_schema(database)
    try:
        setup = Actor("setup", frozenset({"admin"}))
        load_demo(engine, actor=setup)
        accounts.add_user("erin", ["reviewer"], engine=engine, email=ERIN, sso_only=True, actor=setup)
        accounts.add_user("fin", ["finance"], engine=engine, email=FIN, sso_only=True, actor=setup)
    finally:
        engine.dispose()
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "funding-tracker"\n'
        'client_secret = "any secret: the mock does not check it"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "TRACKER_DATABASE_URL": database, "TRACKER_TODAY": TODAY}
    with streamlit_server(env, host="localhost", port=port, extra=(f"--secrets.files={secrets_file}",)) as url:
        yield url


@pytest.fixture(scope="module")
def sso_url(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[str]:
    """The dashboard with single sign-on (tokens good for an hour, as Entra ID's); yields its address."""
    with _provider(TOKEN_SECONDS) as provider, _dashboard(provider, tmp_path_factory.mktemp("sso")) as url:
        yield url


@pytest.fixture(scope="module")
def short_sso_url(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[str]:
    """The same, against a provider whose tokens expire in seconds: to see one expire."""
    with (
        _provider(SHORT_TOKEN_SECONDS) as provider,
        _dashboard(provider, tmp_path_factory.mktemp("sso-short")) as url,
    ):
        yield url


@pytest.fixture
def sso_page(browser, sso_url: str):
    expect.set_options(timeout=30_000)
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _sign_in_at_provider(page, sso_url: str, email: str, address: str = "") -> None:
    """From the sign-in page (at ``address``), through the provider's authorisation page, back to the app."""
    page.goto(sso_url + address)
    page.wait_for_selector(READY)
    page.get_by_role("button", name="Sign in with your organisation account").click()
    page.wait_for_url("**/oauth2/authorize?**")
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{sso_url}/**")
    page.wait_for_selector(READY)


def _navigation(page) -> list[str]:
    """The titles of the sidebar's navigation links (each link's text starts with its icon's name)."""
    texts = page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()
    return [text.strip().splitlines()[-1] for text in texts]


def test_a_known_email_signs_in_with_its_roles(sso_page, sso_url, screenshot_dir):
    page = sso_page
    page.goto(sso_url)
    page.wait_for_selector(READY)
    expect(page.get_by_role("button", name="Sign in with your organisation account")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "sign-in-sso.png"), full_page=True)

    _sign_in_at_provider(page, sso_url, ERIN)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.get_by_text("Signed in as erin (reviewer).")).to_be_visible()
    links = _navigation(page)
    assert "Review" in links and "Account" in links
    assert not {"Record", "Change a record", "Import", "Users", "Audit trail"} & set(links)

    # The identity lasts beyond the tab's session (Streamlit's cookie): a reload stays signed in.
    page.reload()
    page.wait_for_selector(READY)
    expect(page.get_by_text("Signed in as erin (reviewer).")).to_be_visible()


def test_a_link_opened_signed_out_is_opened_after_the_organisation_sign_in(sso_page, sso_url):
    """The provider sends the browser back to ``/``; the tab goes on to the address it was asked for."""
    page = sso_page
    _sign_in_at_provider(page, sso_url, ERIN, "/delivery?fy=2021-22")
    page.wait_for_url(f"{sso_url}/delivery?fy=2021-22")
    page.wait_for_selector(READY)
    expect(page.locator("h1").first).to_have_text("Delivery")
    expect(page.get_by_text("Filtered: financial years 2021-22 to 2021-22.")).to_be_visible()


def test_a_new_session_after_the_token_expired_asks_again(sso_page, short_sso_url):
    """Streamlit's identity cookie lasts 30 days; the tracker resumes from it
    only while the provider's token is good."""
    page, sso_url = sso_page, short_sso_url
    _sign_in_at_provider(page, sso_url, ERIN)
    signed_in_at = time.monotonic()
    expect(page.get_by_text("Signed in as erin (reviewer).")).to_be_visible()
    time.sleep(max(0.0, SHORT_TOKEN_SECONDS + 2 - (time.monotonic() - signed_in_at)))
    page.reload()
    page.wait_for_selector(READY)
    expect(page.get_by_text("Your organisation sign-in has expired.")).to_be_visible()
    expect(page.get_by_text("Signed in as erin")).to_have_count(0)
    # One click (the provider still knows the user; the mock asks again) signs back in.
    page.get_by_role("button", name="Sign in with your organisation account").click()
    page.wait_for_url("**/oauth2/authorize?**")
    page.get_by_role("button", name=ERIN).click()  # the mock offers the last subject again
    page.wait_for_url(f"{sso_url}/**")
    page.wait_for_selector(READY)
    expect(page.get_by_text("Signed in as erin (reviewer).")).to_be_visible()


def test_an_email_is_matched_whatever_its_case_and_gets_that_users_roles(sso_page, sso_url):
    page = sso_page
    _sign_in_at_provider(page, sso_url, FIN.lower())
    expect(page.get_by_text("Signed in as fin (finance).")).to_be_visible()
    links = _navigation(page)
    assert "Record" in links and "Review" in links and "Users" not in links


def test_an_unknown_email_is_refused_with_a_clear_message(sso_page, sso_url, screenshot_dir):
    page = sso_page
    _sign_in_at_provider(page, sso_url, "mallory@example.org")
    expect(
        page.get_by_text("You signed in as mallory@example.org, but that address has no access to the funding tracker.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert _navigation(page) == []  # one page only: Streamlit shows no navigation
    page.screenshot(path=str(screenshot_dir / "sign-in-sso-refused.png"), full_page=True)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_have_count(0)

    # Signing out of that identity offers the organisation sign-in again.
    page.get_by_role("button", name="Sign out of that account").click()
    _through_the_providers_sign_out(page, sso_url)
    expect(page.get_by_role("button", name="Sign in with your organisation account")).to_be_visible()
    expect(page.get_by_text("mallory@example.org")).to_have_count(0)


def test_signing_out_ends_the_single_sign_on(sso_page, sso_url):
    page = sso_page
    _sign_in_at_provider(page, sso_url, ERIN)
    expect(page.get_by_text("Signed in as erin (reviewer).")).to_be_visible()
    # Not go_to(): the app never settles, the browser leaves it for the provider.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sign out", exact=True).click()
    _through_the_providers_sign_out(page, sso_url)
    expect(page.get_by_role("button", name="Sign in with your organisation account")).to_be_visible()
    page.reload()  # the identity cookie is gone: a reload does not sign back in
    page.wait_for_selector(READY)
    expect(page.get_by_role("button", name="Sign in with your organisation account")).to_be_visible()
    expect(page.get_by_text("Signed in as erin")).to_have_count(0)


def _through_the_providers_sign_out(page, sso_url: str) -> None:
    """``st.logout`` sends the browser to the provider's end-session page
    (Entra ID asks which account to sign out; the mock asks to confirm), which
    sends it back to the app."""
    page.wait_for_url("**/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{sso_url}/**")
    page.wait_for_selector(READY)
