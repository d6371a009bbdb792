"""On an empty database every figures page says what to do in the app
(dashboard/empty_states.py): record or import, with a link to the page it is
done on for someone who may; who to ask for someone who may not. Never a
command to type at the server."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from db.session import ensure_schema
from tests.actors import ADMIN
from tests.app.conftest import APP
from tracker.demo import DEMO_FOLDER
from tracker.imports.apply import import_file

PAGES = ["app_pages/overview.py", "app_pages/announcements.py", "app_pages/delivery.py", "app_pages/finance.py"]


def open_page(at: AppTest, page: str) -> AppTest:
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def everything_said(at: AppTest) -> str:
    kinds = ("info", "warning", "caption", "markdown", "error")
    return "\n".join(str(element.value) for kind in kinds for element in at.get(kind))


def links(at: AppTest) -> list[tuple[str, str]]:
    return [(link.proto.label, link.proto.page) for link in at.main.get("page_link")]


@pytest.mark.parametrize("page", PAGES)
def test_an_editor_is_sent_to_the_record_and_import_pages(empty_database: bool, page: str) -> None:
    at = open_page(AppTest.from_file(APP, default_timeout=60), page)  # the test admin

    [info] = [i.value for i in at.info]
    assert "record an announcement and its money on the Record page" in info
    assert "import a commitments file on the Import page" in info
    assert [label for label, _ in links(at)] == ["Record", "Import"]
    assert [target.rsplit("/", 1)[-1] for _, target in links(at)] == ["record", "import"]
    assert "funding-tracker" not in everything_said(at)


@pytest.mark.parametrize("page", PAGES)
def test_a_viewer_is_told_who_can_add_the_data(empty_database: bool, app_as, page: str) -> None:
    at = open_page(app_as("viewer"), page)

    [info] = [i.value for i in at.info]
    assert "Ask someone with the editor role to record an announcement" in info
    assert not links(at)  # the Record and Import pages do not open for a viewer
    assert "funding-tracker" not in everything_said(at)


def test_finance_staff_are_sent_to_record_a_payment(empty_database: bool, app_database: str, app_as) -> None:
    engine = ensure_schema(app_database)
    try:
        import_file("commitments", DEMO_FOLDER / "commitments.csv", engine=engine, actor=ADMIN)
    finally:
        engine.dispose()
    at = open_page(app_as("finance"), "app_pages/delivery.py")

    [info] = [i.value for i in at.info if i.value.startswith("No deliveries recorded yet.")]
    assert "To add them, record a payment on the Record page or import a deliveries file on the Import page." in info
    assert {label for label, _ in links(at)} == {"Record", "Import"}
