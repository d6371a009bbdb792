"""Changes, a commitment's money in words and the print copy of a table, in
Welsh: whole sentences from the catalogue, with Welsh's plural forms, and
month names in the language in use."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import streamlit as st

from dashboard.tables import PRINT_ROWS_AT_MOST, cell, print_table
from tracker import i18n
from tracker.core.phrases import changed, terms_phrase


def test_a_change_in_welsh_names_the_field_then_both_values():
    with i18n.speaking("cy"):
        assert changed("swm", "£1,000,000", "£1,200,000") == "Swm: newidiodd o £1,000,000 i £1,200,000"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("£1", "recurring", "2020-21", 1), "£1 yn 2020-21"),
        (("£1", "recurring", None, 1), "£1 y flwyddyn am 1 flwyddyn, blwyddyn gyntaf heb ei nodi"),
        (("£1", "recurring", "2020-21", 2), "£1 y flwyddyn am 2 flynedd o 2020-21"),
        (("£1", "recurring", "2020-21", 3), "£1 y flwyddyn am 3 blynedd o 2020-21"),
        (("£1", "recurring", "2020-21", None), "£1 y flwyddyn, diwedd heb ei nodi, o 2020-21"),
        (("£1", "profiled", "2020-21", 2), "£1 i gyd, wedi'i broffilio fesul blwyddyn"),
        (
            ("£1", "multi-year", "2020-21", 3),
            "£1 dros 3 blynedd o 2020-21, dim rhaniad fesul blwyddyn (heb ei gyfnodoli)",
        ),
        (("£1", "one-off", None, None), "£1, blwyddyn heb ei nodi (heb ei gyfnodoli)"),
    ],
)
def test_a_commitments_money_in_welsh(args, said):
    with i18n.speaking("cy"):
        assert terms_phrase(*args) == said


def test_the_terms_with_a_rise_or_a_spread_in_welsh():
    with i18n.speaking("cy"):
        assert terms_phrase("£1", "recurring", "2020-21", 6, uplift="2.5%") == (
            "£1 y flwyddyn am 6 blynedd o 2020-21, gan godi 2.5% y flwyddyn"
        )
        assert terms_phrase("£1", "multi-year", None, None, spread="even") == (
            "£1 dros sawl blwyddyn, blwyddyn gyntaf heb ei nodi, "
            "wedi'i ddosbarthu'n gyfartal dros ei flynyddoedd (amcangyfrif)"
        )
        assert terms_phrase("£1", "profiled", "2020-21", 2, last_year="2021-22") == (
            "£1 i gyd, wedi'i broffilio fesul blwyddyn o 2020-21 i 2021-22"
        )


def test_the_print_copy_in_welsh_says_yes_months_and_its_note_in_welsh():
    with i18n.speaking("cy"):
        assert cell(True, {"type": "checkbox"}) == "Ie" and cell(False, {"type": "checkbox"}) == "Na"
        assert cell(date(2023, 3, 15), {"type": "date", "format": "D MMM YYYY"}) == "15 Maw 2023"
        frame = pd.DataFrame({"n": range(PRINT_ROWS_AT_MOST + 5)})
        said = print_table(frame, ["n"], {"n": st.column_config.NumberColumn("Rhif")})
    assert f"Argraffwyd: y {PRINT_ROWS_AT_MOST:,} rhes gyntaf o {PRINT_ROWS_AT_MOST + 5:,}." in said
    assert cell(date(2023, 3, 15), {"type": "date", "format": "D MMM YYYY"}) == "15 Mar 2023"  # English again
