"""Links that keep the page, its record and the filters (dashboard/links.py), on the demo.

A link's query string sets the sidebar's filters when it is opened; the
filters chosen are written into the address and carried from page to page;
a page's own record (``/announcements?ref=...``, ``/areas?code=...``) opens
from the address and is written back as it changes."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES
from tests.app.conftest import APP

CDPS = "Centre for Digital Public Services"


def _open(page: str | None = None, **params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _yearly(at: AppTest) -> dict[str, str]:
    return {row.label: f"{row.committed}" for row in at.dataframe[0].value.itertuples()}


def _address(at: AppTest) -> dict[str, list[str]]:
    """The query string after the run (a repeated key as a list, as a single one)."""
    return {key: value if isinstance(value, list) else [value] for key, value in at.query_params.items()}


def test_a_links_filters_are_the_sidebars_and_narrow_the_page() -> None:
    at = _open(fy="2021-22", recipient=CDPS)
    assert at.select_slider(key="filter_years").value == ("2021-22", "2021-22")
    assert at.multiselect(key="filter_recipients").value == [CDPS]
    assert _yearly(at) == {"2021-22": "4900000.00"}  # CDPS's money in 2021-22 only
    assert not at.sidebar.warning


def test_a_link_to_a_page_opens_that_page_with_its_filters() -> None:
    at = _open("app_pages/delivery.py", fy="2020-21..2021-22", funder="Welsh Government")
    assert at.title[0].value == "Delivery"
    assert at.select_slider(key="filter_years").value == ("2020-21", "2021-22")
    assert at.multiselect(key="filter_funders").value == ["Welsh Government"]


def test_filters_chosen_are_written_into_the_address() -> None:
    at = _open()
    assert _address(at) == {}  # no filter: a bare address
    at.select_slider(key="filter_years").set_value(("2021-22", "2022-23")).run()
    at.multiselect(key="filter_recipients").set_value([CDPS, "Welsh councils"]).run()
    assert _address(at) == {"fy": ["2021-22..2022-23"], "recipient": [CDPS, "Welsh councils"]}
    at.multiselect(key="filter_recipients").set_value([]).run()
    at.select_slider(key="filter_years").set_value(("2020-21", "2022-23")).run()  # every year again
    assert _address(at) == {}


def test_the_filters_go_with_the_person_from_page_to_page() -> None:
    at = _open()
    at.multiselect(key="filter_recipients").set_value([CDPS]).run()
    at.query_params.clear()  # what the browser's navigation does on a change of page
    at.switch_page("app_pages/finance.py").run()
    assert at.title[0].value == "Finance tables"
    assert at.multiselect(key="filter_recipients").value == [CDPS]
    assert _address(at) == {"recipient": [CDPS]}


def test_what_a_link_asks_for_and_the_data_lacks_is_said_and_left_out() -> None:
    at = _open(fy="2040-41", recipient=[CDPS, "Nobody Ltd"])
    warnings = [w.value for w in at.sidebar.warning]
    assert "No recipient 'Nobody Ltd' in the data: left out of the filters." in warnings
    assert any(w.startswith("The data has no money in 2040-41") for w in warnings)
    assert at.multiselect(key="filter_recipients").value == [CDPS]
    assert _address(at) == {"recipient": [CDPS]}  # the address now says what is shown


def test_a_link_to_one_announcement_opens_its_detail_and_choosing_another_changes_the_address() -> None:
    at = _open("app_pages/announcements.py", ref="A3")
    assert at.selectbox(key="announcements_pick").value == "A3"
    assert at.header[0].value.startswith("A3: Draft budget 2021-22")
    at.selectbox(key="announcements_pick").set_value("A1").run()
    assert at.query_params["ref"] == "A1"
    assert at.header[0].value.startswith("A1: ")


def test_a_link_to_an_announcement_the_filters_hide_or_that_does_not_exist_says_so() -> None:
    at = _open("app_pages/announcements.py", ref="A1", recipient=CDPS)  # A1 announced no money for CDPS
    assert any("Announcement 'A1' is not among those shown" in w.value for w in at.warning)
    at = _open("app_pages/announcements.py", ref="Z99")
    assert any("No announcement 'Z99' is recorded" in w.value for w in at.warning)
    assert at.selectbox(key="announcements_pick").value is None


def test_a_link_to_an_area_opens_it() -> None:
    at = _open("app_pages/areas.py", code="w06000015")
    assert at.selectbox(key="areas_pick").value == "W06000015"
    assert at.query_params["code"] == "W06000015"


def test_every_page_has_a_copy_link_button() -> None:
    at = _open()
    for page in PAGES:
        at.switch_page(page.path).run()
        assert not at.exception, page.title
        bodies = [element.proto.body for element in at.main.get("html")]
        assert any("Copy link to this view" in body for body in bodies), page.title
