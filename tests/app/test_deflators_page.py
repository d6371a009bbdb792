"""The Deflators page (AppTest): an admin loads a release from an uploaded file and sees it
listed; a bad file shows every problem and saves nothing; choosing another release as the
default shows it; anyone else cannot open the page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import AppSetting, AuditEvent, DeflatorIndex, DeflatorRelease
from db.session import make_engine, read_session
from tests.app.conftest import APP, TEST_ADMIN
from tracker.core.deflators import SHIPPED_NAME
from tracker.figures.deflator_releases import release_for

NEWER = "HM Treasury GDP deflators, December 2025"
GOOD = b"financial_year,index\n2023-24,100\n2024-25,102.5\n2025-26,104.924736\n"
PAGE = "app_pages/deflators.py"


@pytest.fixture
def db(app_database: str):
    engine = make_engine(app_database)
    yield engine
    engine.dispose()


def _counts(db) -> dict[str, int]:
    with read_session(db) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (DeflatorRelease, DeflatorIndex, AppSetting, AuditEvent)
        }


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def _load(at: AppTest, data: bytes, name: str, *, make_default: bool = False, round_: int = 0) -> AppTest:
    at.file_uploader(key=f"deflators_file_{round_}").set_value(("release.csv", data, "text/csv")).run()
    at.text_input(key="deflators_name").input(name)
    if make_default:
        at.checkbox(key="deflators_make_default").check()
    at.button(key="deflators_load").click().run()
    assert not at.exception
    return at


def _listed(at: AppTest) -> list[tuple]:
    frame = at.dataframe[0].value
    return list(zip(frame["name"], frame["first_year"], frame["last_year"], frame["is_default"], frame["shipped"]))


def test_the_page_lists_the_shipped_release_as_the_default():
    at = _page()
    assert at.title[0].value == "Deflators"
    assert _listed(at) == [(SHIPPED_NAME, "1955-56", "2024-25", True, True)]
    assert at.selectbox(key="deflators_default_pick").value == SHIPPED_NAME


def test_a_good_file_is_loaded_listed_and_audited_as_the_admin(db):
    at = _load(_page(), GOOD, NEWER, make_default=True)
    assert not at.error
    assert at.success[0].value == f"Loaded the deflator release {NEWER}: 3 financial years. It is now the default."
    assert _listed(at) == [
        (SHIPPED_NAME, "1955-56", "2024-25", False, True),
        (NEWER, "2023-24", "2025-26", True, False),
    ]
    assert at.dataframe[0].value["loaded_by"].tolist()[1] == TEST_ADMIN
    assert at.text_input(key="deflators_name").value == ""  # ready for the next
    assert release_for(db).name == NEWER
    with read_session(db) as session:
        actors = set(session.scalars(select(AuditEvent.actor).where(AuditEvent.entity.like("deflator%"))))
    assert actors == {TEST_ADMIN}


@pytest.mark.parametrize(
    ("data", "name", "shown"),
    [
        (
            b"financial_year,index\n2023-24,100\n2024-25,-2\n2026-27,x\n",
            NEWER,
            [("3", "index", "-2"), ("4", "index", "x")],
        ),
        (b"2023-24,100\n", NEWER, [("1", "", "2023-24,100")]),
        (GOOD, SHIPPED_NAME.upper(), [("file", "Release name", SHIPPED_NAME.upper())]),
        (b"\x00\x01\x02\x03" * 100, NEWER, [("file", "", "")]),
    ],
    ids=["bad-rows", "no-header", "name-used", "binary"],
)
def test_a_bad_file_shows_every_problem_and_saves_nothing(db, data, name, shown):
    before = _counts(db)
    at = _load(_page(), data, name, make_default=True)
    assert "Nothing was saved" in at.error[0].value
    problems = at.dataframe[1].value
    assert list(zip(problems["line"], problems["column"], problems["value"])) == shown
    assert all(problems["expected"])
    assert _counts(db) == before
    assert _listed(at) == [(SHIPPED_NAME, "1955-56", "2024-25", True, True)]


def test_no_file_chosen_says_so_and_saves_nothing(db):
    before = _counts(db)
    at = _page()
    at.text_input(key="deflators_name").input(NEWER)
    at.button(key="deflators_load").click().run()
    assert at.error[0].value == "Choose a file to load."
    assert _counts(db) == before


def test_another_release_made_the_default_is_shown(db):
    at = _load(_page(), GOOD, NEWER)
    assert _listed(at)[0][3] is True  # loading alone leaves the default
    at.selectbox(key="deflators_default_pick").set_value(NEWER).run()
    at.button(key="deflators_make_it_default").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == f"{NEWER} is now the default release."
    assert [row[3] for row in _listed(at)] == [False, True]
    assert release_for(db).name == NEWER
    at.selectbox(key="deflators_default_pick").set_value(SHIPPED_NAME).run()
    at.button(key="deflators_make_it_default").click().run()
    assert [row[3] for row in _listed(at)] == [True, False]


@pytest.mark.parametrize("role", ["viewer", "reviewer", "finance", "editor"])
def test_no_one_but_an_admin_may_open_the_page(app_as, role):
    at = app_as(role).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.error[0].value.startswith("You do not have access to this page (it needs the admin role).")
    assert not at.title or at.title[0].value != "Deflators"
    assert not [b for b in at.button if b.key == "deflators_load"]
    assert not at.file_uploader
