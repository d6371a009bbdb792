"""Search across everything, from the sidebar's box and the Search page (demo data)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP


def _search_page(q: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if q is not None:
        at.query_params["q"] = q
    at.switch_page("app_pages/search.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _links(at: AppTest) -> dict[str, list[str]]:
    """The result links under each kind's heading: heading (without its count) -> labels."""
    grouped: dict[str, list[str]] = {}
    current = None
    for node in at.main:
        kind = type(node).__name__
        if kind == "Header":
            current = node.value.split(":")[0]
            grouped[current] = []
        elif kind == "PageLink" and current is not None:
            grouped[current].append(node.proto.label.split(" — :gray[")[0])
    return grouped


def test_the_sidebar_box_opens_the_search_page_with_the_results_grouped_by_kind() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="sidebar_search").input("digital squads").run()
    assert not at.exception
    assert at.title[0].value == "Search"
    assert at.query_params["q"] == "digital squads"
    assert at.text_input(key="search_text").value == "digital squads"
    assert at.text_input(key="sidebar_search").value == ""  # the box is ready for the next search
    found = _links(at)
    assert found["Commitments"] == ["W5: Digital squads and training for Welsh public services"]


def test_a_word_only_in_a_quote_finds_its_announcement() -> None:
    at = _search_page("introducing technology")  # only in A1's quoted words
    assert _links(at)["Announcements"] == [
        "A1: Chief Digital Officer for local government and digital transformation funding"
    ]


def test_names_places_and_programmes_are_found_without_case_or_accents() -> None:
    found = _links(_search_page("CAERDYDD"))  # Cardiff's Welsh name
    assert found == {"Places": ["Cardiff (W06000015)"]}
    found = _links(_search_page("transformation fund"))
    assert found["Programmes"] == ["Local Government Digital Transformation Fund"]
    assert "Organisations" not in found
    found = _links(_search_page("welsh local government"))
    assert "Welsh Local Government Association" in found["Organisations"]


def test_every_word_must_be_there_and_nothing_found_is_said() -> None:
    at = _search_page("digital zebra")
    assert not _links(at)
    assert any("Nothing holds every word of “digital zebra”" in i.value for i in at.info)


def test_an_empty_search_asks_for_words_and_a_link_keeps_the_search() -> None:
    at = _search_page()
    assert any("Type a word or two" in i.value for i in at.info)
    at.text_input(key="search_text").input("CDPS").run()
    assert at.query_params["q"] == "CDPS"
