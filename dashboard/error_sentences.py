"""What a form says when a save is refused: each problem as one sentence naming its field.

A problem (``tracker.records.problems.FieldProblem``) names its field as the
input does (``amount``, ``commitments[1].amount``) and says what was expected
in the tracker's own words, the words the CLI and the imports show too. Here
it becomes a sentence for the person at the form, in the GOV.UK Design
System's style:

- a blank field asks for what is missing: "Enter the amount for commitment 2.",
  "Choose the funder.";
- text that is not money, a date or a financial year says so, and how to
  write one: "Amount (commitment 2): '12x' is not an amount of money; write
  pounds like 1,500,000 or £1.5m.";
- any other problem gives the field's label, what was expected and what was
  given: "Years: expected a whole number of years from 1 to 50 (you gave '0').".

A field of one of an announcement's commitments is named with the
commitment's number, counted from 1 as the form shows it. Each sentence is
one whole template with named placeholders (``SENTENCES``), filled in one
place (``sentence``), so a translation can order the words its own way. The
same sentence is shown in the error summary at the top of the form and
beside the field (``dashboard.form_errors``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from tracker.core.fiscal import NO_SUCH_DATE, NOT_A_DATE, NOT_A_YEAR
from tracker.core.money import NOT_AN_AMOUNT
from tracker.i18n import N_, _
from tracker.records.problems import MUST_NOT_BE_BLANK, FieldProblem


class Named(Protocol):
    """How the messages name a field (``dashboard.forms.Field`` is one)."""

    @property
    def label(self) -> str: ...  # as its label shows it: "Amount"

    @property
    def what(self) -> str | None: ...  # what "Enter ..." asks for: "the amount"

    @property
    def chosen(self) -> bool: ...  # picked from a list: "Choose ...", not "Enter ..."


@dataclass(frozen=True)
class Name:
    """A field's name for the messages, on a page that draws its own widgets."""

    label: str
    what: str | None = None
    chosen: bool = False


# Each situation, said of a field on its own and of a field of one commitment
# of an announcement. Placeholders: {label} the field's label, {what} what is
# asked for, {number} the commitment's number, {value} what was given,
# {expected} what the tracker expected. Marked for the catalogue; said in
# the language in use (a field's label and what it asks for come translated).
SENTENCES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "": MappingProxyType(
            {
                "enter": N_("Enter {what}."),
                "choose": N_("Choose {what}."),
                "money": N_("{label}: '{value}' is not an amount of money; write pounds like 1,500,000 or £1.5m."),
                "date": N_("{label}: '{value}' is not a date; write it like 31/10/2019 or 2019-10-31."),
                "no such date": N_("{label}: there is no such date as '{value}'; write a date like 31/10/2019."),
                "year": N_("{label}: '{value}' is not a financial year; write it like 2020-21."),
                "other": N_("{label}: {expected} (you gave '{value}')."),
                "other, nothing given": N_("{label}: {expected}."),
                "not on the form": N_("{expected}."),
            }
        ),
        "commitments": MappingProxyType(
            {
                "enter": N_("Enter {what} for commitment {number}."),
                "choose": N_("Choose {what} for commitment {number}."),
                "money": N_(
                    "{label} (commitment {number}): '{value}' is not an amount of money; write pounds like "
                    "1,500,000 or £1.5m."
                ),
                "date": N_(
                    "{label} (commitment {number}): '{value}' is not a date; write it like 31/10/2019 or 2019-10-31."
                ),
                "no such date": N_(
                    "{label} (commitment {number}): there is no such date as '{value}'; write a date like 31/10/2019."
                ),
                "year": N_("{label} (commitment {number}): '{value}' is not a financial year; write it like 2020-21."),
                "other": N_("{label} (commitment {number}): {expected} (you gave '{value}')."),
                "other, nothing given": N_("{label} (commitment {number}): {expected}."),
                "not on the form": N_("Commitment {number}: {expected}."),
            }
        ),
    }
)

# The tracker's words for text that is not what a field holds, and the situation each is.
_NOT_READ = MappingProxyType(
    {NOT_AN_AMOUNT: "money", NOT_A_DATE: "date", NO_SUCH_DATE: "no such date", NOT_A_YEAR: "year"}
)
_IN_GROUP = re.compile(r"^(?P<group>[a-z_]+)\[(?P<index>[0-9]+)\]\.(?P<name>.+)$")


@dataclass(frozen=True)
class Place:
    """Where a problem's field is: its group (``commitments``, or "" for none),
    its number in the group (from 1), and its name there."""

    group: str
    number: int
    name: str


def place_of(field: str) -> Place:
    """``commitments[1].amount`` -> the amount of commitment 2; ``title`` -> the title."""
    found = _IN_GROUP.match(field)
    if found and found["group"] in SENTENCES:
        return Place(found["group"], int(found["index"]) + 1, found["name"])
    return Place("", 0, field)


def situation(problem: FieldProblem, named: Named | None) -> str:
    """Which sentence says ``problem`` (a key of each of ``SENTENCES``)."""
    if named is None:
        return "not on the form"
    given = bool(problem.value)
    kind = _NOT_READ.get(problem.expected)
    if not given and named.what and (problem.expected == MUST_NOT_BE_BLANK or kind is not None):
        return "choose" if named.chosen else "enter"
    if given and kind is not None:
        return kind
    if given and f"'{problem.value}'" not in problem.expected:  # (a value the tracker quotes is not said twice)
        return "other"
    return "other, nothing given"


def sentence(problem: FieldProblem, named: Named | None) -> str:
    """``problem`` as one sentence naming its field, ``named`` (None: the
    field is not on the form, and the sentence is what was expected)."""
    place = place_of(problem.field)
    said = _(
        SENTENCES[place.group][situation(problem, named)],
        label=named.label if named else "",
        what=(named.what if named else None) or "",
        number=place.number,
        value=problem.value or "",
        expected=_(problem.expected).rstrip("."),  # a page's own refusal is catalogued; the tracker's: English
    )
    return said[:1].upper() + said[1:]
