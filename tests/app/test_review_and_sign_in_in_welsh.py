"""The Review page's own words (its forms, tabs, captions and column titles),
what signing in says (refusals, notices, the "Signed in as" line), what the
tracker says of a refused field from a callback (the Users and Account pages)
and the audit trail's words about each change, in Welsh: every string a person sees
there comes from the message catalogue.

``marked_catalogue`` marks every catalogued message; any word left outside a
mark that is not stored data is English the catalogue never saw. The pages
are also opened in Welsh for real, to read their Welsh.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import components
from db.session import make_engine
from tests.app.conftest import APP, SETUP, TEST_ADMIN, TEST_PASSWORD
from tests.app.untranslated import marked_catalogue, stored_words, untranslated
from tracker import accounts, sign_in_guard
from tracker.i18n import speaking

pytestmark = pytest.mark.markup  # what a page says, the same on every database

TITLE = "Adolygiad y gaeaf"  # the meeting's title, typed: data
BADGE = re.compile(r":[a-z]+-badge\[:material/[a-z_]+:")  # st.badge's markup around its (marked) words


def _review(lang: str = "cy", at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/review.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open_meeting(at: AppTest) -> None:
    at.date_input(key="review_new_held_on").set_value(date(2026, 11, 20))
    at.text_input(key="review_new_title").input(TITLE)
    at.button(key="review_open").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _give_status(at: AppTest, ref: str = "W2") -> None:
    with speaking("cy"):  # AppTest finds a chosen value by its label, here the Welsh (or marked) one
        at.selectbox(key="review_subject").set_value(ref)
        at.selectbox(key="review_status").set_value("at risk")
        at.text_area(key="review_note").input("Llithriant yn y gwaith")
        at.button(key="review_save_status").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _markup(at: AppTest) -> list[str]:
    """The badges' markup (colour and icon), not words: taken out like data."""
    return [found for element in at.markdown for found in BADGE.findall(str(element.value))]


def _column_titles(at: AppTest, first_column: str) -> list[str]:
    """The titles shown over the table whose first column is ``first_column``."""
    for frame in at.dataframe:
        if list(frame.value.columns[:1]) == [first_column]:
            config = json.loads(frame.proto.columns)
            return [config[name]["label"] for name in config if "label" in config[name]]
    raise AssertionError(f"no table starting with {first_column}")


def test_the_review_page_with_no_meeting_comes_from_the_catalogue(app_database, monkeypatch) -> None:
    marked_catalogue(monkeypatch)
    at = _review()
    assert untranslated(at, stored_words(app_database)) == []


def test_the_review_page_with_a_meeting_and_a_status_comes_from_the_catalogue(app_database, monkeypatch) -> None:
    """A meeting opened (its success message), every tab (the statuses tab's form and history), and a
    status given (its success message and the history's table)."""
    marked_catalogue(monkeypatch)
    at = _review()
    _open_meeting(at)
    assert at.success  # the meeting opened, said from the catalogue
    assert untranslated(at, [*stored_words(app_database), TITLE, *_markup(at)]) == []
    _give_status(at)
    assert len(at.success) == 1 and at.success[0].value.startswith("⟪Saved: ")
    assert untranslated(at, [*stored_words(app_database), TITLE, *_markup(at)]) == []


def test_the_review_page_in_welsh_with_a_meeting_opened_and_a_status_given(monkeypatch) -> None:
    monkeypatch.setattr(components, "PAGE_SIZE", 3)  # the demo's tables are short: page them, to read the pager
    at = _review()
    assert at.title[0].value == "Adolygu"
    assert at.info[0].value.startswith("Dim cyfarfod adolygu eto.")
    assert at.button(key="review_open").label == "Agor y cyfarfod a rhewi ei ffigurau"
    _open_meeting(at)
    assert at.success[0].value == (
        "Agorwyd cyfarfod 20 Tachwedd 2026. Mae'r ffigurau ar 20 Tachwedd 2026 wedi'u rhewi ar ei gyfer."
    )
    assert [tab.label for tab in at.tabs] == [
        "Ffigurau wedi'u rhewi",
        "Ers yr adolygiad diwethaf",
        "Cerrig milltir",
        "Statwsau",
    ]
    assert at.selectbox(key="review_status").placeholder == "Dewiswch statws"
    assert _column_titles(at, "title")[:3] == ["Carreg filltir", "Ymrwymiad", "Yn ddyledus"]
    paged = [caption.value for caption in at.caption if caption.value.endswith((" ymrwymiad.", " rhaglen."))]
    assert len(paged) == 2, [caption.value for caption in at.caption]  # the commitments and the programmes

    _give_status(at)
    assert at.success[0].value == (
        "Wedi'i gadw: mae W2 yn Mewn perygl (ambr), wedi'i gofnodi fel un a roddwyd yng nghyfarfod 20 Tachwedd 2026."
    )
    assert "Aseswyd" in _column_titles(at, "assessed_on")


def test_the_statuses_link_names_the_statuses_tab_as_shown_in_welsh() -> None:
    """The jump link finds its tab by the label shown: in Welsh, the Welsh label."""
    at = _review()
    _open_meeting(at)
    link = next(h.proto.body for h in at.get("html") if "tracker-jump-link" in h.proto.body)
    assert 'data-tab="Statwsau"' in link and ">Rhoi statws yn y cyfarfod hwn</a>" in link


def test_a_refused_status_is_said_in_welsh() -> None:
    """The tracker's problem texts, built in the callback, are said in the page's language."""
    at = _review()
    _open_meeting(at)
    at.text_area(key="review_note").input("Llithriant yn y gwaith")
    at.button(key="review_save_status").click().run()
    said = " ".join(e.value for e in at.error)
    assert "Statws: disgwyliwyd un o'r canlynol:" in said, said


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


# --- the audit trail's words ---------------------------------------------------------------------------------


def _audit_changes(lang: str) -> list[str]:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return [str(said) for said in at.dataframe[0].value["changes"]]


def test_the_audit_trail_names_fields_in_welsh_and_in_english_again_after() -> None:
    """The events' summaries are worked out once per language: Welsh, then English from the same cache."""
    welsh = _audit_changes("cy")
    assert any(said.startswith("Cyfeirnod: ") for said in welsh), welsh[:3]
    assert not any(said.startswith("Ref: ") for said in welsh)
    english = _audit_changes("en")
    assert any(said.startswith("Ref: ") for said in english) and not any("Cyfeirnod" in said for said in english)


# --- what the tracker says of what was typed, from a callback ---------------------------------------------------


def _page(page: str, lang: str = "cy") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_new_user_refused_by_the_tracker_is_said_in_welsh() -> None:
    at = _page("app_pages/users.py")
    at.text_input(key="users_new_username").input("two words")
    at.multiselect(key="users_new_roles").select("viewer")
    at.button(key="users_add").click().run()
    said = " ".join(e.value for e in at.error)
    assert "disgwyliwyd rhwng 1 a 100 nod heb fylchau" in said, said


def test_a_short_new_password_is_refused_in_welsh() -> None:
    at = _page("app_pages/account.py")
    at.text_input(key="account_current").input(TEST_PASSWORD)
    at.text_input(key="account_new").input("short one")
    at.text_input(key="account_again").input("short one")
    at.button(key="account_change").click().run()
    said = " ".join(e.value for e in at.error)
    assert "disgwyliwyd o leiaf 12 nod (mae gan hwn 9); mae ymadrodd byr yn hawdd i'w gofio" in said, said
