"""Wide tables scroll inside their box with their first column pinned
(dashboard/tables.py): every table on these pages, whatever its columns."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

PAGES = ["app_pages/overview.py", "app_pages/announcements.py", "app_pages/finance.py", "app_pages/organisations.py"]


def first_shown_column(frame) -> str:
    """The first column a dataframe element shows (its column order, else its data's first column)."""
    order = list(frame.proto.column_order)
    return order[0] if order else str(frame.value.columns[0])


@pytest.mark.parametrize("page", PAGES)
def test_the_first_column_of_every_table_is_pinned(page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]

    assert at.dataframe
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns)
        first = first_shown_column(frame)
        assert config[first]["pinned"] is True, (page, first, config.get(first))
        assert sum(bool(column.get("pinned")) for column in config.values()) == 1
