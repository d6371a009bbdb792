"""The Audit trail page on the demo data (loading the demo writes one create event per row)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from db.session import make_engine
from tests.app.conftest import add_test_user
from tracker import audit

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def _audit() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception
    return at


def _recorded(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("select count(*) from audit_events"))
    finally:
        engine.dispose()


def _markdown(at: AppTest) -> list[str]:
    return [element.value for element in at.markdown]


def test_the_page_lists_every_change_newest_first(app_database):
    at = _audit()
    assert at.title[0].value == "Audit trail"
    assert "The database refuses to alter or delete these records." in at.caption[0].value
    table = at.dataframe[0].value
    assert len(table) == _recorded(app_database) == 25
    assert set(table["action"]) == {"create"}
    assert list(table["occurred_at"]) == sorted(table["occurred_at"], reverse=True)
    assert "**25** changes recorded." in _markdown(at)


def test_the_record_type_filter_narrows_to_the_commitments():
    at = _audit()
    at.multiselect(key="audit_entities").set_value(["commitments"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 6
    assert sorted(table["ref"]) == ["W1", "W2", "W3", "W5", "W6", "W7"]
    assert "**6** of 25 changes match these filters." in _markdown(at)


def test_the_text_box_finds_a_ref():
    at = _audit()
    at.text_input(key="audit_text").input("w2").run()
    assert list(at.dataframe[0].value["ref"]) == ["W2"]


def test_filters_that_match_nothing_say_so():
    at = _audit()
    at.multiselect(key="audit_actions").set_value(["create"]).run()
    at.date_input(key="audit_dates").set_value((date(2019, 1, 1), date(2019, 12, 31))).run()
    assert not at.exception
    assert not at.dataframe
    assert [info.value for info in at.info] == ["No changes match these filters."]


def test_the_page_offers_the_filtered_changes_as_csv():
    at = _audit()
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["Download these changes as CSV"]


def test_an_empty_database_says_no_changes_yet(empty_database):
    at = _audit()
    assert [info.value for info in at.info] == ["No changes recorded yet."]
    assert not at.dataframe


def test_the_span_and_the_filters_choices_are_read_again_only_when_something_is_saved(app_database, monkeypatch):
    """At scale the count, first, last and distinct values scan every event: not on every rerun."""
    read: list[str] = []
    for name in ("span", "choices"):
        real = getattr(audit, name)
        monkeypatch.setattr(audit, name, lambda engine, real=real, name=name: read.append(name) or real(engine))
    at = _audit()
    assert sorted(read) == ["choices", "span"]
    assert "Users" not in at.multiselect(key="audit_entities").options  # shown by its label

    at.multiselect(key="audit_actions").set_value(["create"]).run()
    at.run()
    assert not at.exception
    assert sorted(read) == ["choices", "span"]  # reruns with nothing saved read neither again

    add_test_user(app_database, "new-viewer", ("viewer",))  # saved elsewhere: another session, the CLI
    at.multiselect(key="audit_actions").set_value([]).run()
    assert not at.exception
    assert sorted(read) == ["choices", "choices", "span", "span"]
    assert "Users" in at.multiselect(key="audit_entities").options
    assert "**26** changes recorded." in _markdown(at)
