"""Filling the Record page's forms in AppTest, shared by the tests that
save through them (tests/app/test_record.py, tests/app/test_role_matrix.py).
The values are the demo's next records: announcement A7 with commitment W8
(£250k for councils' data unit from 2022-23), and delivery D8 of £400,000
against W7."""

from __future__ import annotations

from html.parser import HTMLParser

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


class _Summary(HTMLParser):
    """The entries of an error summary's list: (words, the key of the field linked, or None)."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[str, str | None]] = []
        self.heading = ""
        self._in: str | None = None
        self._field: str | None = None
        self._words = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("li", "h2"):
            self._in, self._field, self._words = tag, None, ""
        elif tag == "a" and self._in == "li":
            self._field = dict(attrs).get("data-field")

    def handle_data(self, data: str) -> None:
        if self._in:
            self._words += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._in == "li":
            self.entries.append((self._words, self._field))
            self._in = None
        elif tag == "h2" and self._in == "h2":
            self.heading, self._in = self._words, None


def error_summaries(at: AppTest) -> list[list[tuple[str, str | None]]]:
    """Each error summary drawn ("There is a problem", dashboard/form_errors.py):
    its entries, each (its words, the key of the widget it links to, or None)."""
    found = []
    for element in at.html:
        if 'class="tracker-error-summary"' in element.value:
            summary = _Summary()
            summary.feed(element.value)
            assert summary.heading == "There is a problem"
            found.append(summary.entries)
    return found


def error_summary(at: AppTest) -> list[tuple[str, str | None]]:
    """The one error summary drawn: its entries (``error_summaries``)."""
    (summary,) = error_summaries(at)
    return summary
