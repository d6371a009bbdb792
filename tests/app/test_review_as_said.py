"""The Review page with money recorded as announced (a share of a pot, money
with no year, a spread multi-year total, money announced before) and a
meeting an older tracker froze in schema 1: the old meeting shows as it was
frozen, the new one shows new money, unphased and estimated money, and what
changed between them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db.session import ensure_schema
from tests.app.conftest import APP
from tests.review_as_said_data import record, store_schema_1_meeting


@pytest.fixture
def as_said(empty_database: bool, app_database: str, tmp_path: Path) -> str:
    engine = ensure_schema(app_database)
    try:
        record(engine, tmp_path)
        store_schema_1_meeting(engine)
    finally:
        engine.dispose()
    return app_database


def _frame(at: AppTest, first_columns: list[str]):
    (found,) = [d.value for d in at.dataframe if list(d.value.columns[: len(first_columns)]) == first_columns]
    return found


def test_an_old_meeting_shows_as_frozen_and_a_new_one_shows_new_unphased_and_estimated_money(as_said: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/review.py").run()
    assert not at.exception, [e.value for e in at.exception]

    # The schema 1 meeting, as it was frozen: nothing it never recorded.
    assert at.selectbox(key="review_meeting").value == "2024-03-05"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Committed (new money)"] == "£10m" and "New money" not in metrics
    yearly = _frame(at, ["financial_year", "committed"])
    assert list(yearly.columns) == ["financial_year", "committed", "delivered", "variance", "pct_delivered"]
    assert not any("unphased" in i.value for i in at.info)

    at.button(key="review_open").click().run()  # a meeting today: 27 November 2026
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="review_meeting").value == "2026-11-27"
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Committed"], metrics["New money"]) == ("£24m", "£21m")
    notes = " ".join(i.value for i in at.info)
    assert "£5m (£4,999,999.99) of committed money is unphased" in notes
    assert "£6m (£6,000,000.00) of committed money is estimated" in notes
    yearly = _frame(at, ["financial_year", "committed"])
    assert list(yearly["financial_year"]) == ["2024-25", "2025-26", "2026-27", "2027-28", "unphased", "Total"]
    unphased = yearly.set_index("financial_year").loc["unphased"]
    assert (unphased["committed"], unphased["delivered"], unphased["new_money"]) == (
        Decimal("4999999.99"),
        Decimal("500000.00"),
        Decimal("4999999.99"),
    )
    assert yearly.set_index("financial_year").loc["Total", "estimated"] == Decimal("6000000.00")
    commitments = _frame(at, ["ref", "purpose", "status"]).set_index("ref")
    assert commitments.loc["OLD", "new_money"] == Decimal("0.00")
    assert commitments.loc["SHARE", "how_counted"].startswith("share of POT")

    since = _frame(at, ["what", "ref", "detail"])
    assert "Commitment changed" not in set(since["what"])  # the pot and its share, as the old meeting froze them
    old = since.loc[since["ref"] == "OLD", "detail"].iloc[0]
    assert old.endswith("committed £3,000,000.07, announced before (not new money)")
