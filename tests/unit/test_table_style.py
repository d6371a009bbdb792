"""Tables on screen write money and shares the one way: ``-£330,000.00``
(never ``(330,000.00)`` or ``£-330,000.00``) and ``93.0%``, while the cells
keep their numbers (a column still sorts as numbers)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboard.table_style import money_column, percent_column, styled


def test_money_and_shares_are_written_for_the_screen_and_the_numbers_kept():
    frame = pd.DataFrame(
        {
            "ref": ["W1", "W2"],
            "variance": [Decimal("-330000.00"), Decimal("1234.5")],
            "pct": [0.92974, None],
            "years": [3, 2],
        }
    )
    config = {
        "ref": "Ref",
        "variance": money_column("Variance"),
        "pct": percent_column("% delivered"),
        "years": st.column_config.NumberColumn("Years", format="%d"),
    }
    shown, screen = styled(frame, config)
    html = shown.to_html()
    assert "-£330,000.00" in html and "£1,234.50" in html and "93.0%" in html and "—" in html
    assert shown.data["variance"].tolist() == [Decimal("-330000.00"), Decimal("1234.5")]  # numbers to sort by
    # Streamlit's own format would win over the written text: dropped for these columns only.
    assert screen["variance"]["type_config"]["format"] is None and screen["pct"]["type_config"]["format"] is None
    assert screen["years"]["type_config"]["format"] == "%d" and screen["ref"] == "Ref"
    assert config["variance"]["type_config"]["format"] == "£%,.2f"  # the page's settings are not changed


def test_a_table_with_no_money_or_share_is_drawn_as_it_is():
    frame = pd.DataFrame({"ref": ["W1"]})
    shown, screen = styled(frame, {"ref": "Ref"})
    assert shown is frame and screen == {"ref": "Ref"}
