"""Single sign-on in the dashboard (AppTest): what app.py and the pages do
with the identity ``st.login`` left in ``st.user``.

AppTest cannot run the OpenID Connect round trip (``at.secrets`` does not
reach ``st.login``; TESTING.md): these tests give the app an ``[auth]``
section through ``at.secrets`` and the provider's answer through ``at.user``,
as Streamlit does after a real sign-in. The round trip itself, against a
mock OpenID provider, is in tests/browser/test_sso_in_browser.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard import auth
from db.models import User
from db.session import ensure_schema, make_engine, read_session
from tests.app.conftest import APP, SETUP, offered
from tracker import accounts
from tracker.figures.markdown_text import escape_markdown

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a cookie secret for the tests only, long enough",
    "client_id": "funding-tracker",
    "client_secret": "not a real secret",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}
ERIN = "erin@council.gov.uk"


@pytest.fixture
def db(app_database: str):
    engine = make_engine(app_database)
    yield engine
    engine.dispose()


def _add_sso_user(url: str, username: str, roles, email: str) -> None:
    engine = ensure_schema(url)
    try:
        accounts.add_user(username, roles, engine=engine, email=email, sso_only=True, actor=SETUP)
    finally:
        engine.dispose()


def _app(email: str | None, *, sso: bool = True) -> AppTest:
    """The app as a browser that came back from the identity provider vouching
    for ``email`` (None: signed in through it without an email claim)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if sso:
        at.secrets["auth"] = AUTH
    at.user = {
        "is_logged_in": True,
        "exp": int(datetime.now(UTC).timestamp()) + 3600,
        **({"email": email} if email is not None else {}),
    }
    return at


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _last_sign_in(db, username: str):
    with read_session(db) as session:
        return session.scalar(select(User.last_sign_in_at).where(User.username == username))


def test_a_known_email_signs_in_with_the_users_roles(signed_out, navigation, app_database, db):
    _add_sso_user(app_database, "erin", ["reviewer"], ERIN)
    at = _app("Erin@Council.gov.uk").run()  # providers do not always keep the case it was added with
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert offered(navigation) == [
        "Overview",
        "Announcements",
        "Headlines",
        "New and recycled",
        "Delivery",
        "Review",
        "Finance tables",
        "Areas",
        "Organisations",
        "Search",
        "Account",
        "Sign out",
    ]
    assert "Signed in as **erin** (reviewer)." in [c.value for c in at.sidebar.caption]
    assert at.session_state["signed_in_by_sso"] is True
    assert _last_sign_in(db, "erin") is not None


def test_an_unknown_email_gets_no_access_and_a_way_to_try_another_account(signed_out, navigation):
    at = _app("mallory@example.org").run()
    assert not at.exception
    assert offered(navigation) == []
    assert _errors(at) == [escape_markdown(accounts.SSO_NO_ACCESS.format(email="mallory@example.org"))]
    assert "user_id" not in at.session_state
    at.button(key="sso_sign_out").click().run()
    assert not at.exception
    assert at.user == {"is_logged_in": False}  # st.logout: the identity cookie goes
    assert _errors(at) == []
    assert [b.label for b in at.button] == ["Sign in with your organisation account", "Sign in"]


def test_what_the_provider_sent_is_shown_as_text_not_markdown(signed_out):
    at = _app("[click here](https://evil.example)@x.org").run()
    assert not at.exception
    assert "\\[click here\\](https" in _errors(at)[0]  # escaped brackets: no link


def test_a_disabled_users_email_gets_no_access(signed_out, navigation, app_database, db):
    _add_sso_user(app_database, "erin", ["viewer"], ERIN)
    accounts.disable_user("erin", engine=db, actor=SETUP)
    at = _app(ERIN).run()
    assert offered(navigation) == []
    assert _errors(at) == [escape_markdown(accounts.SSO_NO_ACCESS.format(email=ERIN))]


def test_a_provider_that_sends_no_email_is_explained(signed_out, navigation):
    at = _app(None).run()
    assert offered(navigation) == []
    assert _errors(at) == [escape_markdown(accounts.SSO_NO_EMAIL)]


def test_an_expired_identity_asks_for_the_organisation_sign_in_again(signed_out, navigation, app_database):
    """Streamlit's cookie lasts 30 days; a new session resumes from it only
    while the provider's identity token is good."""
    _add_sso_user(app_database, "erin", ["viewer"], ERIN)
    at = _app(ERIN)
    at.user = {**at.user, "exp": int(datetime.now(UTC).timestamp()) - 1}
    at.run()
    assert not at.exception
    assert offered(navigation) == [] and "user_id" not in at.session_state
    assert [i.value for i in at.info] == [auth.SSO_EXPIRED]
    assert [b.label for b in at.button] == ["Sign in with your organisation account", "Sign in"]


def test_an_identity_without_an_expiry_is_not_trusted(signed_out, navigation, app_database):
    _add_sso_user(app_database, "erin", ["viewer"], ERIN)
    at = _app(ERIN)
    at.user = {k: v for k, v in at.user.items() if k != "exp"}
    at.run()
    assert offered(navigation) == [] and "user_id" not in at.session_state


def test_a_session_that_started_before_the_token_expired_carries_on(signed_out, navigation, app_database):
    """Expiry stops a new session resuming from the cookie; a session already
    signed in ends by signing out or the idle timeout."""
    _add_sso_user(app_database, "erin", ["viewer"], ERIN)
    at = _app(ERIN).run()
    assert at.title[0].value == "Overview"
    at.user = {**at.user, "exp": int(datetime.now(UTC).timestamp()) - 1}
    at.run()
    assert at.title[0].value == "Overview"


def test_without_an_auth_section_the_provider_identity_is_ignored(signed_out, navigation, app_database):
    """No [auth] section: single sign-on is off, whatever st.user holds."""
    _add_sso_user(app_database, "erin", ["admin"], ERIN)
    at = _app(ERIN, sso=False).run()
    assert offered(navigation) == []
    assert "user_id" not in at.session_state
    assert [b.label for b in at.button] == ["Sign in"]


def test_the_sign_in_page_offers_the_organisation_account_first(signed_out):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in with your organisation account", "Sign in"]
    assert at.button(key="sso_sign_in").proto.type == "primary"


def test_signing_out_ends_the_single_sign_on_too(signed_out, navigation, app_database):
    """Otherwise the provider's cookie would sign the next run straight back in."""
    _add_sso_user(app_database, "erin", ["viewer"], ERIN)
    at = _app(ERIN).run()
    at.switch_page("app_pages/account.py").run()
    assert not at.exception
    assert [f.id for f in at.get("form")] == []  # no password form: the organisation keeps the password
    assert ERIN in at.info[0].value
    at.button(key="account_sign_out").click().run()
    assert not at.exception
    assert at.user == {"is_logged_in": False}
    assert offered(navigation) == []
    at.run()
    assert offered(navigation) == [] and "user_id" not in at.session_state


def test_an_idle_single_sign_on_session_is_signed_out_everywhere(signed_out, navigation, app_database):
    _add_sso_user(app_database, "erin", ["viewer"], ERIN)
    at = _app(ERIN).run()
    assert at.title[0].value == "Overview"
    at.session_state["last_seen"] = datetime.now(UTC) - timedelta(minutes=accounts.idle_minutes() + 1)
    at.run()
    assert not at.exception
    assert at.user == {"is_logged_in": False}
    assert offered(navigation) == []
    at.run()
    assert "user_id" not in at.session_state


def test_a_role_change_reaches_a_single_sign_on_session_at_once(signed_out, navigation, app_database, db):
    _add_sso_user(app_database, "erin", ["viewer"], ERIN)
    at = _app(ERIN).run()
    assert "Record" not in offered(navigation)
    accounts.set_roles("erin", ["viewer", "editor"], engine=db, actor=SETUP)
    at.run()
    assert "Record" in offered(navigation)


def test_an_admin_adds_a_user_who_signs_in_only_with_their_organisation_account(db):
    at = AppTest.from_file(APP, default_timeout=60)  # signed in as the test admin
    at.secrets["auth"] = AUTH
    at.run()
    at.switch_page("app_pages/users.py").run()
    at.text_input(key="users_new_username").input("erin")
    at.text_input(key="users_new_email").input("Erin@Council.gov.uk")
    at.multiselect(key="users_new_roles").set_value(["reviewer"])
    at.checkbox(key="users_new_sso_only").check()
    at.button(key="users_add").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [
        "Added erin: they sign in with their organisation account, as Erin@Council.gov.uk."
    ]
    assert not at.code  # no one-time password: there is none
    with read_session(db) as session:
        erin = session.scalars(select(User).where(User.username == "erin")).one()
        assert (erin.email, erin.password_hash) == ("erin@council.gov.uk", None)
    assert accounts.sign_in_email(ERIN, engine=db).roles == frozenset({"reviewer"})


def test_without_single_sign_on_the_users_page_offers_no_password_free_accounts():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/users.py").run()
    assert not at.exception
    assert [c.key for c in at.checkbox if c.key == "users_new_sso_only"] == []
