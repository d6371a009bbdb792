"""A refused save on the Record and Change pages: an error summary at the top
of the form with one entry per problem, each naming its field (and, for a
commitment of an announcement, which one) and linking to it, and the same
sentence beside the field; no two messages alike (demo data loaded).

The sentences themselves are tests/unit/test_error_sentences.py's; that the
links move focus and the inputs point at their messages is
tests/browser/test_form_errors_in_browser.py's."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.forms import error_summaries, error_summary

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
MONEY = "is not an amount of money; write pounds like 1,500,000 or £1.5m."


def _page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


def _said_twice(at: AppTest) -> list[str]:
    """The messages beside the fields: each one once, and each one the summary's too."""
    beside = [e.value for e in at.error]
    assert sorted(beside) == sorted(words for words, _ in error_summary(at))
    return [words for words, count in Counter(beside).items() if count > 1]


def test_an_announcement_with_several_blank_and_wrong_fields_lists_each_one_by_field_and_commitment():
    at = _page("record")
    at.number_input(key="record_a_count").set_value(2).run()
    at.text_input(key="record_c0_amount").input("12x")
    at.text_input(key="record_c1_first_year").input("2020-22")
    at.button(key="record_a_save").click().run()
    assert not at.exception and not at.success

    assert error_summary(at) == [
        ("Enter the title.", "record_a_title"),
        ("Choose the funder.", "record_a_funder"),
        ("Enter the purpose for commitment 1.", "record_c0_purpose"),
        (f"Amount (commitment 1): '12x' {MONEY}", "record_c0_amount"),
        ("Enter the purpose for commitment 2.", "record_c1_purpose"),
        ("Enter the amount for commitment 2.", "record_c1_amount"),
        (
            "First financial year (commitment 2): a financial year spans two consecutive years, e.g. 2020-21 "
            "(you gave '2020-22').",
            "record_c1_first_year",
        ),
    ]
    assert _said_twice(at) == []
    assert at.text_input(key="record_c0_amount").value == "12x"  # what was typed stays, to put right

    # Put right, the summary and the messages go.
    at.text_input(key="record_a_title").input("Data unit for councils")
    at.selectbox(key="record_a_funder").set_value("Welsh Government")
    for i, purpose, amount in ((0, "Data unit", "£250k"), (1, "Training", "£50k")):
        at.text_input(key=f"record_c{i}_purpose").input(purpose)
        at.text_input(key=f"record_c{i}_amount").input(amount)
    at.text_input(key="record_c1_first_year").input("2022-23")
    at.button(key="record_a_save").click().run()
    assert not at.exception and "Saved announcement A7 with 2 commitments" in at.success[0].value
    assert not at.error and not error_summaries(at)


def test_a_blank_delivery_asks_for_each_field_it_needs():
    at = _page("record")
    at.text_input(key="record_d_ref").input("")
    at.button(key="record_d_save").click().run()
    assert not at.exception and not at.success
    # The Delivery tab's own summary (the announcement's form has none: it was not saved).
    assert error_summary(at) == [
        ("Choose the commitment.", "record_d_commitment_ref"),
        ("Enter the reference.", "record_d_ref"),
        ("Enter the amount.", "record_d_amount"),
    ]
    assert _said_twice(at) == []


def test_a_change_with_several_problems_names_each_field():
    at = _page("change")
    at.segmented_control(key="change_kind").set_value("Commitment").run()
    next(box for box in at.selectbox if box.label == "Commitment to change").set_value("W1").run()
    at.text_input(key="change_f_purpose").input("")
    at.text_input(key="change_f_amount").input("12x")
    at.text_input(key="change_f_years").input("0")
    at.button(key="change_save").click().run()
    assert not at.exception and not at.success
    summary = error_summary(at)
    assert summary[:2] == [("Enter the purpose.", "change_f_purpose"), (f"Amount: '12x' {MONEY}", "change_f_amount")]
    assert [key for _, key in summary] == ["change_f_purpose", "change_f_amount", "change_f_years"]
    assert summary[2][0].startswith("Years: ") and summary[2][0].endswith("(you gave '0').")
    assert _said_twice(at) == []
    assert at.text_input(key="change_f_amount").value == "12x"


def test_correcting_and_merging_organisations_say_each_problem_at_the_top_and_beside_its_field():
    at = _page("manage_organisations")
    picker = at.selectbox(key="organisations_pick")
    picker.set_value(picker.options[0]).run()
    at.text_input(key="organisations_name").input("")
    at.text_input(key="organisations_identifier").input("not an id")
    at.button(key="organisations_save").click().run()
    assert not at.exception and not at.success
    summary = error_summary(at)
    assert summary[0] == ("Enter the name.", "organisations_name")
    assert [key for _, key in summary] == ["organisations_name", "organisations_identifier"]
    assert summary[1][0].startswith("Identifier: ") and summary[1][0].endswith("(you gave 'not an id').")
    assert _said_twice(at) == []

    # The merge has a summary of its own, above its pickers.
    first = at.selectbox(key="organisations_keep").options[0]
    at.selectbox(key="organisations_keep").set_value(first)
    at.selectbox(key="organisations_merge").set_value(first).run()
    at.button(key="organisations_do_merge").click().run()
    assert error_summaries(at)[-1] == [
        ("Merge into it and remove: choose two different organisations.", "organisations_merge")
    ]
