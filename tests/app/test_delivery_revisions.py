"""The Delivery page's "Original and revised profiles" section (AppTest) on the Welsh demo.

Revisions are made through tracker.records before the page opens: W3
(£1m one-off in 2020-21) slips to £2m in 2022-23; W1 (£500k a year for three
years) is re-profiled, then corrected. The expected figures are written out
here, not worked out by the code under test.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from db.session import make_engine
from tests.actors import admin
from tests.app.test_delivery import open_delivery, pounds, texts
from tracker.records import commitments, editing

PICK = "delivery_revised_commitment"
W1_PURPOSE = "Chief Digital Officer post and Delivery Unit"
W3_PURPOSE = "Grants for councils' collaborative digital projects (COVID-19)"


def revise(ref: str, reason: str, reason_text: str = "", actor: str = "Sam", **changes: str) -> None:
    engine = make_engine(os.environ["TRACKER_DATABASE_URL"])
    try:
        current = editing.load_for_edit("commitment", ref, engine=engine)
        commitments.update_commitment(
            ref,
            dataclasses.replace(current.value, **changes),
            expected_version=current.version,
            reason=reason,
            reason_text=reason_text,
            engine=engine,
            actor=admin(actor),
        )
    finally:
        engine.dispose()


@pytest.fixture
def revised() -> tuple[datetime, datetime]:
    """W3 slipped; W1 re-profiled then corrected. The UTC window they were made in."""
    start = datetime.now(UTC)
    revise("W3", "slippage", amount="£2m", first_year="2022-23")
    revise(
        "W1",
        "re-profiled",
        actor="Alex",
        kind="profiled",
        amount="",
        years="",
        profile="2020-21=£500k;2021-22=£300k;2022-23=£700,000.50",
    )
    revise(
        "W1", "other", "Budget moved to the final year", amount="", profile="2020-21=£500k;2021-22=£200k;2022-23=£800k"
    )
    return start, datetime.now(UTC)


def comparison(at: AppTest) -> pd.DataFrame:
    [table] = [df.value for df in at.dataframe if "original" in df.value.columns]
    return table


def history(at: AppTest) -> pd.DataFrame:
    [table] = [df.value for df in at.dataframe if "reason" in df.value.columns]
    return table


def revision_chart(at: AppTest) -> dict:
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    [chart] = [c for c in charts if any(t.get("name") == "Revised profile" for t in c["data"])]
    return chart


def test_with_no_revisions_the_section_says_what_will_appear_and_where_changes_are_made() -> None:
    at = open_delivery()

    assert "Original and revised profiles" in texts(at.header)
    [info] = [i for i in texts(at.info) if "revised" in i]
    assert "No commitment has been revised yet" in info
    assert "original profile will appear here beside the revised one" in info
    assert '"Change a record" page' in info
    assert not [s for s in at.selectbox if s.key == PICK]
    assert not [df for df in at.dataframe if "original" in df.value.columns or "reason" in df.value.columns]
    assert len(at.get("plotly_chart")) == 2  # only the two delivery charts


def test_the_revised_commitments_are_offered_by_ref_and_purpose(revised) -> None:
    at = open_delivery()

    pick = at.selectbox(key=PICK)
    assert list(pick.options) == [f"W1 · {W1_PURPOSE}", f"W3 · {W3_PURPOSE}"]
    assert pick.value == "W1"


def test_a_slipped_commitment_shows_its_original_year_beside_the_new_one(revised) -> None:
    start, end = revised
    at = open_delivery()
    at.selectbox(key=PICK).set_value("W3").run()
    assert not at.exception, [e.value for e in at.exception]

    table = comparison(at)
    assert list(table["financial_year"]) == ["2020-21", "2021-22", "2022-23", "Total"]
    assert pounds(table["original"]) == [Decimal("1000000.00"), Decimal("0.00"), Decimal("0.00"), Decimal("1000000.00")]
    assert pounds(table["revised"]) == [Decimal("0.00"), Decimal("0.00"), Decimal("2000000.00"), Decimal("2000000.00")]
    assert pounds(table["change"]) == [
        Decimal("-1000000.00"),
        Decimal("0.00"),
        Decimal("2000000.00"),
        Decimal("1000000.00"),
    ]
    assert "W3 was £1,000,000 in 2020-21; it is now £2,000,000 in 2022-23 after 1 revision (slippage)." in texts(
        at.markdown
    )

    rows = history(at)
    assert list(rows["actor"]) == ["Sam"]
    assert list(rows["reason"]) == ["slippage"]
    assert list(rows["changed"]) == [
        "2020-21 changed from £1,000,000 to £0; 2022-23 changed from £0 to £2,000,000; Total changed from £1,000,000 to £2,000,000"
    ]
    assert start <= rows["revised_at"].iloc[0].to_pydatetime() <= end

    chart = revision_chart(at)
    bars = {t["name"]: t for t in chart["data"]}
    assert bars["Original profile"]["x"] == bars["Revised profile"]["x"] == ["2020-21", "2021-22", "2022-23"]
    assert [Decimal(str(y)) for y in bars["Original profile"]["y"]] == [Decimal("1000000"), 0, 0]
    assert [Decimal(str(y)) for y in bars["Revised profile"]["y"]] == [0, 0, Decimal("2000000")]
    assert chart["layout"]["barmode"] == "group"
    assert "£2m" in chart["layout"]["yaxis"]["ticktext"]


def test_a_commitment_revised_twice_keeps_the_first_profile_and_lists_both_revisions_in_order(revised) -> None:
    start, end = revised
    at = open_delivery()
    at.selectbox(key=PICK).set_value("W1").run()
    assert not at.exception, [e.value for e in at.exception]

    table = comparison(at)
    assert list(table["financial_year"]) == ["2020-21", "2021-22", "2022-23", "Total"]
    assert pounds(table["original"]) == [Decimal("500000.00")] * 3 + [Decimal("1500000.00")]
    assert pounds(table["revised"]) == [
        Decimal("500000.00"),
        Decimal("200000.00"),
        Decimal("800000.00"),
        Decimal("1500000.00"),
    ]
    assert pounds(table["change"]) == [Decimal("0.00"), Decimal("-300000.00"), Decimal("300000.00"), Decimal("0.00")]
    assert (
        "W1 was £500,000 a year from 2020-21 to 2022-23; it is now £1,500,000 in all from 2020-21 to "
        "2022-23 after 2 revisions (re-profiled, other)." in texts(at.markdown)
    )

    rows = history(at)
    assert list(rows["actor"]) == ["Alex", "Sam"]
    assert list(rows["reason"]) == ["re-profiled", "other"]
    assert list(rows["reason_text"]) == ["", "Budget moved to the final year"]
    assert list(rows["changed"]) == [
        "Kind changed from recurring to profiled; 2021-22 changed from £500,000 to £300,000; 2022-23 changed from £500,000 to £700,000.50; "
        "Total changed from £1,500,000 to £1,500,000.50",
        "2021-22 changed from £300,000 to £200,000; 2022-23 changed from £700,000.50 to £800,000; Total changed from £1,500,000.50 to £1,500,000",
    ]
    times = [t.to_pydatetime() for t in rows["revised_at"]]
    assert start <= times[0] <= times[1] <= end


def test_the_sidebar_filters_narrow_the_revised_commitments(revised) -> None:
    at = open_delivery()
    at.multiselect(key="filter_recipients").set_value(["Welsh councils"]).run()
    assert not at.exception
    assert list(at.selectbox(key=PICK).options) == [f"W3 · {W3_PURPOSE}"]

    at.multiselect(key="filter_recipients").set_value(["Centre for Digital Public Services"]).run()
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == PICK]
    assert any(
        "None of the commitments these filters show has been revised" in i and "the 2 that have" in i
        for i in texts(at.info)
    )
