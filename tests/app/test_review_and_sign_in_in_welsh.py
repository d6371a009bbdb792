"""What signing in says (refusals, notices, the "Signed in as" line) in
Welsh: every string a person sees there comes from the message catalogue.

``marked_catalogue`` marks every catalogued message; any word left outside a
mark that is not stored data is English the catalogue never saw. The pages
are also opened in Welsh for real, to read their Welsh.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from db.session import make_engine
from tests.app.conftest import APP, SETUP, TEST_ADMIN, TEST_PASSWORD
from tests.app.untranslated import marked_catalogue, stored_words, untranslated
from tracker import accounts, sign_in_guard

pytestmark = pytest.mark.markup  # what a page says, the same on every database


# --- signing in, refusals, notices ---------------------------------------------------------------------------


def _visitor(lang: str = "cy") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button(key="sign_in_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_sign_in_page_with_a_refusal_comes_from_the_catalogue(signed_out, app_database, monkeypatch) -> None:
    marked_catalogue(monkeypatch)
    at = _sign_in(_visitor(), "nobody-here", "not the password at all")
    assert at.error and at.error[0].value.startswith("⟪That username and password did not work.")
    assert untranslated(at, stored_words(app_database)) == []


def test_a_wrong_password_is_refused_in_welsh_and_repeated_ones_say_how_long_to_wait(signed_out) -> None:
    at = _visitor()
    assert at.title[0].value == "Mewngofnodi"
    _sign_in(at, TEST_ADMIN, "not the password at all")
    assert [e.value for e in at.error] == [
        "Ni weithiodd yr enw defnyddiwr a'r cyfrinair hynny. Gwiriwch nhw a rhowch gynnig arall arni. Mae methu "
        "dro ar ôl tro yn gwneud i'r ymgais nesaf aros; ni all cyfrif wedi'i analluogi fewngofnodi, nac un wedi'i "
        "gloi ar ôl llawer o fethiannau o lawer o leoedd (gall gweinyddwr ei ddatgloi)."
    ]
    for _attempt in range(sign_in_guard.PAIR_FREE):
        _sign_in(at, TEST_ADMIN, "wrong wrong wrong")
    _sign_in(at, TEST_ADMIN, TEST_PASSWORD)
    [said] = [e.value for e in at.error]
    assert said.startswith("Gormod o ymdrechion aflwyddiannus i fewngofnodi o'ch cyfeiriad: arhoswch "), said
    assert "user_id" not in at.session_state


def test_signing_out_and_the_signed_in_line_in_welsh() -> None:
    at = _visitor()
    assert "Wedi mewngofnodi fel **test-admin** (gweinyddu)." in [c.value for c in at.sidebar.caption]
    at.switch_page("app_pages/account.py").run()
    at.button(key="account_sign_out").click().run()
    assert at.title[0].value == "Mewngofnodi"
    assert [i.value for i in at.info] == ["Rydych wedi allgofnodi."]


def test_the_idle_notice_is_said_in_the_language_of_the_sign_in_page() -> None:
    """Kept as a key when the session is signed out, said when shown: here in Welsh."""
    at = _visitor()
    at.session_state["last_seen"] = datetime.now(UTC) - timedelta(minutes=31)
    at.run()
    assert [i.value for i in at.info] == [
        "Cawsoch eich allgofnodi ar ôl 30 munud heb weithgarwch. Mewngofnodwch eto i barhau."
    ]


def test_the_signed_in_line_and_a_refused_page_come_from_the_catalogue(app_as, app_database, monkeypatch) -> None:
    marked_catalogue(monkeypatch)
    at = app_as("viewer")
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page("app_pages/users.py").run()
    assert at.error and at.error[0].value.startswith("⟪⟪You do not have access to this page")
    assert untranslated(at, stored_words(app_database)) == []


def test_a_page_refused_for_a_role_is_said_in_welsh(app_as) -> None:
    at = app_as("finance")
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page("app_pages/users.py").run()
    assert [e.value for e in at.error] == [
        "Nid oes gennych fynediad i'r dudalen hon (mae angen y rôl gweinyddu arni). Rydych wedi mewngofnodi fel "
        "finance-user gyda'r rôl cyllid. Gall gweinyddwr newid eich rolau."
    ]
    assert "Wedi mewngofnodi fel **finance-user** (cyllid)." in [c.value for c in at.sidebar.caption]


def test_a_write_refused_in_a_callback_is_said_in_welsh_above_the_page(app_as, app_database) -> None:
    """The refusal is kept as it was raised and said when the page is drawn, in the page's language."""
    at = app_as("reviewer")
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page("app_pages/review.py").run()
    engine = make_engine(app_database)
    try:
        accounts.set_roles("reviewer-user", ["viewer"], engine=engine, actor=SETUP)
    finally:
        engine.dispose()
    at.button(key="review_open").click().run()
    assert "Ni chadwyd dim: nid yw reviewer-user yn cael agor cyfarfod: mae angen y rôl adolygydd" in [
        e.value for e in at.error
    ]
