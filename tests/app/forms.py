"""Filling the Record page's forms in AppTest, shared by the tests that
save through them (tests/app/test_record.py, tests/app/test_role_matrix.py).
The values are the demo's next records: announcement A7 with commitment W8
(£250k for councils' data unit from 2022-23), and delivery D8 of £400,000
against W7."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def fill_new_announcement(at: AppTest, announced_on: str = "01/02/2022", *, years: int | None = None) -> None:
    """A7 with one commitment, W8: one-off, or recurring for ``years`` years."""
    at.text_input(key="record_a_ref").input("A7")
    at.text_input(key="record_a_announced_on").input(announced_on)
    at.text_input(key="record_a_title").input("Data unit for councils")
    at.selectbox(key="record_a_funder").set_value("Welsh Government")
    at.text_input(key="record_c0_ref").input("W8")
    at.text_input(key="record_c0_purpose").input("Data unit")
    at.selectbox(key="record_c0_recipient").set_value("Welsh councils")
    if years is not None:
        at.selectbox(key="record_c0_kind").set_value("recurring")
        at.text_input(key="record_c0_years").input(str(years))
    at.text_input(key="record_c0_amount").input("£250k")
    at.text_input(key="record_c0_first_year").input("2022-23")


def fill_delivery(at: AppTest) -> None:
    """D8: £400,000 paid against W7 on 20 March 2023."""
    at.selectbox(key="record_d_commitment_ref").set_value("W7")
    at.text_input(key="record_d_ref").input("D8")
    at.text_input(key="record_d_paid_on").input("20/03/2023")
    at.text_input(key="record_d_amount").input("£400,000")
