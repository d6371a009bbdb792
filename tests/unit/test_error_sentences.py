"""The sentences a refused save shows (dashboard/error_sentences.py): each
names its field, and a commitment's field which commitment; a blank field
asks for what is missing; text that is not money, a date or a financial year
says how to write one; no two problems of one form read alike. The problems
are the validation's own (tracker.records.inputs), not made up here."""

from __future__ import annotations

import re
import string
from dataclasses import replace

import pytest

from dashboard.error_sentences import SENTENCES, Name, place_of, sentence
from dashboard.forms import ANNOUNCEMENT, COMMITMENT, DELIVERY, FORMS, MILESTONE, Field
from tracker.records.inputs import (
    AnnouncementInput,
    Checks,
    CommitmentInput,
    DeliveryInput,
    MilestoneInput,
    delivery_record,
    milestone_fields,
    validate_announcement,
)
from tracker.records.problems import MUST_NOT_BE_BLANK, FieldProblem

BLANK_COMMITMENT = CommitmentInput("", "", "", "one-off", "", "")
MONEY = "is not an amount of money; write pounds like 1,500,000 or £1.5m."


def _named(form_fields: tuple[Field, ...]) -> dict[str, Field]:
    return {field.name: field for field in form_fields}


def _said(problems: list[FieldProblem], form: tuple[Field, ...] = ANNOUNCEMENT.fields) -> list[str]:
    """Each problem of a save on ``form`` (an announcement's: with its commitments) as the form says it."""
    fields = _named(form)
    said = []
    for problem in problems:
        place = place_of(problem.field)
        named = _named(COMMITMENT.fields) if place.group == "commitments" else fields
        said.append(sentence(problem, named.get(place.name)))
    return said


def _announcement_problems(*commitments: CommitmentInput) -> list[FieldProblem]:
    return validate_announcement(AnnouncementInput("A7", "", "", "", commitments=commitments))[2]


def test_every_required_field_says_what_to_enter_or_choose():
    for form in FORMS.values():
        for field in form.fields:
            if field.required:
                assert field.what, f"{field.name}: a required field needs what a blank one asks for"
                verb = "Choose" if field.chosen else "Enter"
                blank = FieldProblem(field.name, "", MUST_NOT_BE_BLANK)
                assert sentence(blank, field) == f"{verb} {field.what}."


def test_three_blank_commitments_are_each_named_by_number_and_no_two_messages_are_alike():
    said = _said(_announcement_problems(BLANK_COMMITMENT, BLANK_COMMITMENT, BLANK_COMMITMENT))
    assert said[:2] == ["Enter the title.", "Choose the funder."]
    for number in (1, 2, 3):
        assert [s for s in said if s.endswith(f" for commitment {number}.")] == [
            f"Enter the reference for commitment {number}.",
            f"Enter the purpose for commitment {number}.",
            f"Enter the amount for commitment {number}.",
        ]
    assert len(said) == 2 + 3 * 3
    assert len(set(said)) == len(said)  # nine "must not be blank"s, nine different sentences


def test_text_that_is_not_money_a_date_or_a_year_says_how_to_write_one():
    wrong = replace(BLANK_COMMITMENT, ref="W8", purpose="Data unit", amount="12x", first_year="2020")
    problems = validate_announcement(
        AnnouncementInput("A7", "31/02/2020", "Title", "Welsh Government", commitments=(BLANK_COMMITMENT, wrong))
    )[2]
    said = _said(problems)
    assert "Date announced: there is no such date as '31/02/2020'; write a date like 31/10/2019." in said
    assert f"Amount (commitment 2): '12x' {MONEY}" in said
    assert "First financial year (commitment 2): '2020' is not a financial year; write it like 2020-21." in said

    found: list[FieldProblem] = []
    milestone_fields(MilestoneInput("M3", "W7", "Staffed", due_on="next week"), Checks(found))
    assert _said(found, MILESTONE.fields) == [
        "Due on: 'next week' is not a date; write it like 31/10/2019 or 2019-10-31."
    ]


def test_a_blank_delivery_asks_for_the_commitment_the_reference_and_the_amount():
    found: list[FieldProblem] = []
    delivery_record(DeliveryInput("", "", "", ""), Checks(found))
    assert _said(found, DELIVERY.fields) == ["Enter the reference.", "Choose the commitment.", "Enter the amount."]
    found = []
    delivery_record(DeliveryInput("D8", "W7", "", "£1.2.3m"), Checks(found))
    assert _said(found, DELIVERY.fields) == [f"Amount: '£1.2.3m' {MONEY}"]


def test_any_other_problem_gives_the_label_what_was_expected_and_what_was_given():
    years = replace(BLANK_COMMITMENT, ref="W8", purpose="Data unit", kind="recurring", amount="£1m", years="0")
    (problem,) = _announcement_problems(years)[2:]  # after the blank title and funder
    assert problem.field == "commitments[0].years"
    (said,) = _said([problem])
    assert said.startswith("Years (commitment 1): expected ")
    assert said.endswith(" (you gave '0').")
    # A value the tracker quotes already is not said twice; a problem without a value says none.
    quoted = FieldProblem("funder", "Acme", "no organisation called 'Acme': pick one from the list or add it")
    assert _said([quoted]) == [
        "Funder of this announcement: no organisation called 'Acme': pick one from the list or add it."
    ]
    assert sentence(FieldProblem("new_password", None, "expected at least 12 characters"), Name("New password")) == (
        "New password: expected at least 12 characters."
    )


def test_a_problem_with_a_field_the_form_does_not_draw_says_what_was_expected():
    assert sentence(FieldProblem("merge", None, "choose two different organisations"), None) == (
        "Choose two different organisations."
    )
    assert sentence(FieldProblem("commitments[3].currency", "USD", "expected GBP (or blank)"), None) == (
        "Commitment 4: expected GBP (or blank)."
    )


def test_a_field_path_names_its_commitment_counted_from_one():
    assert (place_of("commitments[0].amount").number, place_of("commitments[0].amount").name) == (1, "amount")
    assert place_of("commitments[11].ref").number == 12
    assert (place_of("title").group, place_of("title").name) == ("", "title")


def test_each_sentence_is_one_template_with_named_placeholders_in_each_group():
    """Ready for a translation: the same situations in each group, every
    placeholder named, and each group's own number in its sentences."""
    known = {"label", "what", "number", "value", "expected"}
    assert set(SENTENCES[""]) == set(SENTENCES["commitments"])
    for group, sentences in SENTENCES.items():
        for situation, template in sentences.items():
            names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
            assert names <= known and "" not in names, (group, situation)
            assert ("number" in names) == (group == "commitments"), (group, situation)
            assert re.search(r"[.]$", template), (group, situation)


@pytest.mark.parametrize("number", [1, 2])
def test_the_examples_of_the_issue_read_as_asked(number):
    blank = FieldProblem(f"commitments[{number - 1}].amount", "", MUST_NOT_BE_BLANK)
    assert sentence(blank, _named(COMMITMENT.fields)["amount"]) == f"Enter the amount for commitment {number}."
