"""The Finance tables page's tables in Welsh (AppTest, ``?lang=cy``): each
table's headings and the tracker's own words in its cells (the Total row),
while the data under them, which the CSV is written from, is the same."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.markup  # what a page says, the same on every database

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def test_the_commitment_pivot_is_headed_and_totalled_in_welsh():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page("app_pages/finance.py").run()
    assert not at.exception
    frame = next(df for df in at.dataframe if df.value.columns[0] == "ref")  # the first tab: commitment x year
    labels = {column: said.get("label") for column, said in json.loads(frame.proto.columns).items()}
    assert labels["ref"] == "Cyfeirnod" and labels["purpose"] == "Diben" and labels["recipient"] == "Derbynnydd"
    assert labels["2020-21"] == "2020-21" and labels["Total"] == "Cyfanswm"
    pivot = frame.value.set_index("ref")
    assert "Cyfanswm" in pivot.index and "Total" not in pivot.index
    assert pivot.loc["W3", "Total"] == Decimal("0.00")  # the re-announcement, as in English
