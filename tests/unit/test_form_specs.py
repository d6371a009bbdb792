"""The Record and Change forms' field specifications (dashboard/forms.py)
agree with the inputs they are typed into, the limits table, the vocabulary
and the validation: a field the input does not have, a text box that takes
more (or fewer) characters than a save accepts, or a select offering other
values than the closed list would each show up here, without a browser."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import replace

import pytest

from dashboard.forms import ANNOUNCEMENT, COMMITMENT, DELIVERY, FORMS, MILESTONE, REVISION_REASON, Field, Kind
from tracker.core import vocabulary
from tracker.core.limits import LIMITS
from tracker.records import commitments
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
from tracker.records.problems import FieldProblem
from tracker.records.revisions import check_reason

# The input's fields a form leaves out on purpose: an announcement's
# commitments have forms of their own; "illustrative" marks demo payments.
LEFT_OUT = {"announcement": {"commitments"}, "delivery": {"illustrative"}}
# Every select, and the closed list (with its labels) it offers.
SELECTS = {
    ("commitment", "kind"): vocabulary.COMMITMENT_KIND_LABELS,
    ("commitment", "qualifier"): vocabulary.QUALIFIER_LABELS,
    ("commitment", "status"): vocabulary.STATUS_LABELS,
    ("commitment", "capital_or_revenue"): vocabulary.CAPITAL_OR_REVENUE_LABELS,
    ("commitment", "spread"): vocabulary.SPREAD_LABELS,
    ("delivery", "kind"): vocabulary.DELIVERY_KIND_LABELS,
    ("revision", "reason"): vocabulary.REVISION_REASON_LABELS,
}
SPECS: dict[str, tuple[Field, ...]] = {
    **{name: form.fields for name, form in FORMS.items()},
    "revision": REVISION_REASON,
}
EVERY_FIELD = [(form, field) for form, fields in SPECS.items() for field in fields]
FREE_TEXT = (Kind.TEXT, Kind.AREA, Kind.ORGANISATION)

# A valid record of each form (the demo's next records), to change one field of.
VALID = {
    "announcement": AnnouncementInput("A7", "01/02/2022", "Data unit for councils", "Welsh Government"),
    "commitment": CommitmentInput("W8", "Data unit", "Welsh councils", "one-off", "£250k", "2022-23"),
    "delivery": DeliveryInput("D8", "W7", "20/03/2023", "£400,000"),
    "milestone": MilestoneInput("M3", "W7", "Five projects funded"),
}


def _id(pair: tuple[str, Field]) -> str:
    return f"{pair[0]}.{pair[1].name}"


def problems_with(form: str, value: object) -> list[FieldProblem]:
    """What the checks that need no database say about ``value`` (a form's
    input, or for "revision" the reason and its text), by the form's field names."""
    found: list[FieldProblem] = []
    if form == "announcement":
        found = validate_announcement(value)[2]  # type: ignore[arg-type]
    elif form == "commitment":
        carrying = replace(VALID["announcement"], commitments=(value,))  # type: ignore[arg-type]
        found = [replace(p, field=p.field.removeprefix("commitments[0].")) for p in validate_announcement(carrying)[2]]
    elif form == "delivery":
        delivery_record(value, Checks(found))  # type: ignore[arg-type]
    elif form == "milestone":
        milestone_fields(value, Checks(found))  # type: ignore[arg-type]
    else:
        reason, reason_text = value  # type: ignore[misc]
        found = check_reason(reason, reason_text)
    return found


def with_value(form: str, name: str, text: str) -> object:
    if form == "revision":
        return ("other", text) if name == "reason_text" else (text, "")
    return replace(VALID[form], **{name: text})


def test_the_valid_records_are_valid():
    for form in VALID:
        assert problems_with(form, VALID[form]) == [], form


# --- the inputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", list(FORMS))
def test_every_field_is_a_field_of_the_input_and_every_input_field_is_offered(form):
    names = [field.name for field in FORMS[form].fields]
    typed_into = {f.name for f in dataclasses.fields(FORMS[form].input)}  # type: ignore[arg-type]
    assert len(names) == len(set(names)), "a field drawn twice would share a widget key"
    assert set(names) <= typed_into, f"not fields of {FORMS[form].input.__name__}: {set(names) - typed_into}"
    assert typed_into - set(names) == LEFT_OUT.get(form, set())


def test_the_forms_type_into_their_inputs():
    assert (ANNOUNCEMENT.input, COMMITMENT.input, DELIVERY.input, MILESTONE.input) == (
        AnnouncementInput,
        CommitmentInput,
        DeliveryInput,
        MilestoneInput,
    )


def test_the_reason_for_a_change_to_the_money_is_what_update_commitment_takes():
    taken = inspect.signature(commitments.update_commitment).parameters
    for field in REVISION_REASON:
        assert taken[field.name].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("form", list(FORMS))
def test_only_the_ref_is_set_once_so_the_change_page_offers_the_rest(form):
    assert [f.name for f in FORMS[form].fields if f.set_once] == ["ref"]
    assert [f.name for f in FORMS[form].changeable] == [f.name for f in FORMS[form].fields if f.name != "ref"]


# --- the limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "field"), EVERY_FIELD, ids=[_id(p) for p in EVERY_FIELD])
def test_a_text_box_takes_as_many_characters_as_the_limits_table_allows(form, field):
    if field.kind in FREE_TEXT:
        assert field.name in LIMITS, f"free text with no limit: {form}.{field.name}"
    if field.kind in FREE_TEXT or (field.name in LIMITS and field.kind not in (Kind.CHOICE, Kind.COMMITMENT)):
        assert field.max_chars == LIMITS[field.name]
    else:  # picked from a list, or parsed (a date, money, a year): no limit of its own in the table
        assert field.max_chars is None


def _text_of_length(field: Field, length: int) -> str:
    if field.name.endswith("url"):
        return "https://www.gov.wales/" + "a" * (length - len("https://www.gov.wales/"))
    if field.name in ("ref", "commitment_ref", "reannounces"):
        return "A" * length
    return "a" * length


LIMITED = [(form, field) for form, field in EVERY_FIELD if field.max_chars is not None]
# The validation does not yet check these fields' length (tracker.records.inputs
# and revisions.check_reason): the browser stops at max_chars, a save does not.


@pytest.mark.parametrize(
    ("form", "field"),
    LIMITED,
    ids=[_id(p) for p in LIMITED],
)
def test_a_save_refuses_one_character_more_than_the_box_takes(form, field):
    name = "funder" if field.kind is Kind.ORGANISATION and form == "announcement" else field.name
    over = problems_with(form, with_value(form, name, _text_of_length(field, field.max_chars + 1)))
    assert any(p.field == name and "at most" in p.expected for p in over)


@pytest.mark.parametrize(("form", "field"), LIMITED, ids=[_id(p) for p in LIMITED])
def test_a_save_takes_as_many_characters_as_the_box_takes(form, field):
    full = problems_with(form, with_value(form, field.name, _text_of_length(field, field.max_chars)))
    assert not [p for p in full if p.field == field.name and "at most" in p.expected]


# --- the closed lists ------------------------------------------------------------------------------


def test_every_select_is_listed_here():
    selects = {(form, field.name) for form, field in EVERY_FIELD if field.kind is Kind.CHOICE}
    assert selects == set(SELECTS)


@pytest.mark.parametrize(("form", "name"), list(SELECTS), ids=[f"{f}.{n}" for f, n in SELECTS])
def test_a_select_offers_exactly_the_vocabulary_list_with_its_labels(form, name):
    (field,) = [f for f in SPECS[form] if f.name == name]
    labels = SELECTS[(form, name)]
    assert field.options == tuple(labels)
    assert [field.shown(value) for value in field.options] == list(labels.values())


@pytest.mark.parametrize(("form", "name"), list(SELECTS), ids=[f"{f}.{n}" for f, n in SELECTS])
def test_a_required_select_starts_at_the_inputs_default(form, name):
    (field,) = [f for f in SPECS[form] if f.name == name]
    if form == "revision" or not field.required:
        return  # starts empty: nothing chosen
    default = {f.name: f.default for f in dataclasses.fields(FORMS[form].input)}[name]  # type: ignore[arg-type]
    if default is not dataclasses.MISSING:
        assert field.options[0] == default


# --- required ------------------------------------------------------------------------------------------


TYPED_IN = [(form, field) for form, field in EVERY_FIELD if form != "revision" and field.kind is not Kind.CHOICE]


@pytest.mark.parametrize(("form", "field"), TYPED_IN, ids=[_id(p) for p in TYPED_IN])
def test_a_field_is_marked_required_exactly_when_a_save_refuses_it_blank(form, field):
    blank = [p for p in problems_with(form, with_value(form, field.name, "")) if p.field == field.name]
    if field.required:
        assert blank, f"{form}.{field.name} is marked required, but a save takes it blank"
        assert field.caption == field.label
    else:
        assert blank == [], f"{form}.{field.name} is marked optional, but a save refuses it blank"
        assert field.caption.startswith(f"{field.label} (") and field.caption.endswith(")")
