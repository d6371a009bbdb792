"""The fields of the Record and Change forms, said once, and the one way they are drawn.

A form is a list of ``Field`` s, one per field of its ``tracker.records.inputs``
input (``AnnouncementInput``, ``CommitmentInput``, ``DeliveryInput``,
``MilestoneInput``): the field's name there, the label and help people see,
the kind of widget, whether it must be filled in, and the most characters it
takes (``tracker.core.limits.LIMITS``, the same table the validation uses, so
the browser stops typing where a save would refuse). The closed lists offered
in a select, and their labels, are ``tracker.core.vocabulary`` 's.

The Record page draws every field of a form; the Change page every field but
the ones set once, when the record is made (its ref). Both draw them with
``render_fields`` and read what was typed back with ``read_input`` (or
``typed``): a widget's key is the page's prefix and the field's name
(``record_d_amount``, ``change_f_amount``), so a callback finds it in the
session state. Values stay text as typed: the use-case parses them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Generic, ParamSpec, TypeVar

import streamlit as st

from dashboard.components import NEW_ORGANISATION, organisation_names, searched
from dashboard.error_sentences import Name
from dashboard.form_errors import NO_ERRORS, Drawn, FormErrors
from tracker.core import vocabulary
from tracker.core.limits import LIMITS
from tracker.i18n import N_, _
from tracker.records.inputs import AnnouncementInput, CommitmentInput, DeliveryInput, MilestoneInput
from tracker.records.problems import ValidationFailed

InputT = TypeVar("InputT")  # the input a form is typed into
P = ParamSpec("P")
T = TypeVar("T")

NO_PROBLEMS = ValidationFailed([])
MONEY_HELP = N_("As you would type it: £1m, 500,000, £1,250.50.")
DATE_HELP = N_("A date like 2019-10-31 or 31/10/2019.")
YEAR_HELP = N_("A financial year like 2020-21 (1 April to 31 March).")


class Kind(StrEnum):
    """How a field is typed in. Every kind but the selects is a text box: the
    value stays text as typed (a date as ``31/10/2019``, money as ``£1m``)."""

    TEXT = "text"
    AREA = "text area"  # several lines, drawn the whole width of the form
    DATE = "date"
    YEAR = "financial year"
    MONEY = "money"
    NUMBER = "number"  # a count or a percentage, typed (never a float)
    PROFILE = "amounts per year"  # 2020-21=£1m;2021-22=500,000
    CHOICE = "select"  # one of a closed list of tracker.core.vocabulary
    ORGANISATION = "organisation"  # a known organisation, or a new name typed beside it
    COMMITMENT = "commitment"  # the ref of a recorded commitment


PLACEHOLDERS = {Kind.DATE: "31/10/2019", Kind.YEAR: "2020-21", Kind.MONEY: "£500,000"}
HELP = {Kind.DATE: DATE_HELP, Kind.YEAR: YEAR_HELP, Kind.MONEY: MONEY_HELP}


@dataclass(frozen=True)
class Field:
    """One field of a form. ``name`` is the input's field; ``label`` is shown
    as it is when the field is required, else followed by ``(optional)`` or
    by ``condition`` (when it is needed: ``Years (recurring)``). ``what`` is
    what a message asks for when it is left blank ("Enter the amount.",
    ``dashboard.error_sentences``). The words (label, condition, help, what,
    a placeholder in words, a select's labels) are written in English and
    marked for the catalogue; they are said in the language in use when the
    field is drawn (``caption``, ``shown``, ``said_help``, ``named``)."""

    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    condition: str | None = None
    help: str | None = None
    placeholder: str | None = None
    max_chars: int | None = None
    labels: Mapping[str, str] | None = None  # a select's values, and what is shown for each
    set_once: bool = False  # typed when the record is made, never changed (its ref)
    what: str | None = None

    @property
    def chosen(self) -> bool:
        """Picked from a list (a message says "Choose ...", not "Enter ...")."""
        return self.kind in (Kind.CHOICE, Kind.ORGANISATION, Kind.COMMITMENT)

    @property
    def caption(self) -> str:
        """The label as drawn, in the language in use."""
        if self.required:
            return _(self.label)
        if self.condition:
            return _("{label} ({condition})", label=_(self.label), condition=_(self.condition))
        return _("{label} (optional)", label=_(self.label))

    @property
    def said_help(self) -> str | None:
        """The help shown: the kind's own (how to write a date, money, a year) first, then the field's."""
        helps = " ".join(_(h) for h in (HELP.get(self.kind), self.help) if h)
        return helps or None

    @property
    def named(self) -> Name:
        """How a refused save's messages name the field, in the language in use."""
        return Name(_(self.label), _(self.what) if self.what else None, self.chosen)

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.labels or ())

    def shown(self, value: str) -> str:
        """What a select shows for ``value``: its label, in the language in use (an unknown value as it is)."""
        label = (self.labels or {}).get(value)
        return value if label is None else _(label)


@dataclass(frozen=True)
class Form(Generic[InputT]):
    """The fields of one input, in the order they are drawn."""

    input: Callable[..., InputT]
    fields: tuple[Field, ...]

    @property
    def changeable(self) -> tuple[Field, ...]:
        """The fields the Change page offers: all but those set once."""
        return tuple(f for f in self.fields if not f.set_once)


# --- the fields, by kind ---------------------------------------------------------------------------


def text(name: str, label: str, *, area: bool = False, **more: Any) -> Field:
    """Free text, at most ``LIMITS[name]`` characters."""
    return Field(name, label, Kind.AREA if area else Kind.TEXT, max_chars=LIMITS[name], **more)


def typed_as(kind: Kind, name: str, label: str, *, placeholder: str | None = None, **more: Any) -> Field:
    """A date, financial year, money, number or profile, typed as text; the
    kind's own help comes first (``Field.said_help``)."""
    return Field(name, label, kind, placeholder=placeholder or PLACEHOLDERS.get(kind), **more)


def choice(name: str, label: str, labels: Mapping[str, str], **more: Any) -> Field:
    """One of a closed list. A required choice starts at the list's first value
    (the input's default); an optional one starts empty."""
    return Field(name, label, Kind.CHOICE, labels=labels, **more)


def organisation(name: str, label: str, help: str, required: bool = True, what: str | None = None) -> Field:
    """A known organisation, or a new one's name (at most ``LIMITS[name]`` characters)."""
    return Field(name, label, Kind.ORGANISATION, required=required, help=help, max_chars=LIMITS[name], what=what)


def commitment(name: str, label: str, **more: Any) -> Field:
    return Field(name, label, Kind.COMMITMENT, **more)


def ref(example: str) -> Field:
    """A record's ref, typed once; ``example`` is its placeholder ("e.g. A7")."""
    return text("ref", N_("Reference"), required=True, placeholder=example, set_once=True, what=N_("the reference"))


# --- the forms -------------------------------------------------------------------------------------

ANNOUNCEMENT = Form(
    AnnouncementInput,
    (
        ref(N_("e.g. A7")),
        typed_as(
            Kind.DATE,
            "announced_on",
            N_("Date announced"),
            help=N_("Leave blank when the statement is undated: 'next financial year' then cannot be worked out."),
        ),
        text("title", N_("Title"), required=True, what=N_("the title")),
        text("title_cy", N_("Title in Welsh"), help=N_("When the funder published it in Welsh too.")),
        text("headline", N_("Headline claim"), help=N_("As stated, e.g. over £1bn for digital.")),
        # Not "Funder", "Recipient", "Programme" or "Area": those are the sidebar's filters.
        organisation(
            "funder", N_("Funder of this announcement"), N_("Who is giving the money."), what=N_("the funder")
        ),
        text("made_by", N_("Made by"), placeholder=N_("e.g. the Minister")),
        text(
            "source_url",
            N_("Source address"),
            placeholder="https://…",
            help=N_("Where it was published, so the figure can be checked."),
        ),
        text(
            "quote",
            N_("The words quoted"),
            area=True,
            help=N_("Exactly as published, so the figure can be checked."),
        ),
        text(
            "quote_cy",
            N_("The words quoted, in Welsh"),
            area=True,
            help=N_("Exactly as published in Welsh, when the statement was published in both languages."),
        ),
        text("notes", N_("Notes"), area=True),
    ),
)

COMMITMENT = Form(
    CommitmentInput,
    (
        ref(N_("e.g. W8")),
        text("purpose", N_("What it pays for"), required=True, what=N_("the purpose")),
        organisation(
            "recipient",
            N_("Recipient organisation"),
            N_("Who receives the money. Leave blank when the announcement names no recipient."),
            required=False,
        ),
        choice(
            "kind",
            N_("Kind"),
            vocabulary.COMMITMENT_KIND_LABELS,
            required=True,
            what=N_("the kind"),
            help=N_(
                "One-off: in one year. Recurring: the same each year (years blank: end not stated). "
                "Profiled: an amount per year. Multi-year: a total over several years with no yearly split."
            ),
        ),
        typed_as(
            Kind.MONEY,
            "amount",
            N_("Amount"),
            required=True,
            what=N_("the amount"),
            help=N_(
                "Recurring: per year. One-off and multi-year: the total. Profiled: the total (or leave it blank). "
                "£0 is allowed."
            ),
        ),
        choice(
            "qualifier",
            N_("The amount is"),
            vocabulary.QUALIFIER_LABELS,
            required=True,
            what=N_("whether the amount is exact, a floor or a ceiling"),
            help=N_("'Over' is a floor, 'up to' a ceiling."),
        ),
        typed_as(
            Kind.YEAR,
            "first_year",
            N_("First financial year"),
            help=N_(
                "Or 'next financial year', counted from the date announced. Leave blank when the "
                "announcement does not say: the money is then shown as unphased, never placed by guess."
            ),
        ),
        typed_as(
            Kind.NUMBER,
            "years",
            N_("Years"),
            condition=N_("recurring or multi-year"),
            placeholder="3",
            help=N_(
                "How many years a recurring amount is paid, or a multi-year total covers. Blank for a recurring "
                "amount: 'a year', end not stated (counted as one year, never extended)."
            ),
        ),
        choice(
            "spread",
            N_("Spread the total"),
            vocabulary.SPREAD_LABELS,
            condition=N_("multi-year, optional"),
            help=N_(
                "A multi-year total with no stated split is unphased. Spreading it places it in years as an "
                "estimate, marked estimated everywhere."
            ),
        ),
        typed_as(Kind.DATE, "planned_start", N_("Planned start"), condition=N_("for a spread by planned dates")),
        typed_as(Kind.DATE, "planned_end", N_("Planned end"), condition=N_("for a spread by planned dates")),
        typed_as(
            Kind.PROFILE,
            "profile",
            N_("Profile"),
            condition=N_("profiled"),
            placeholder="2020-21=£1m;2021-22=500,000",
            help=N_("Each financial year and its amount, separated by semicolons."),
        ),
        typed_as(
            Kind.NUMBER,
            "uplift_pct",
            N_("Yearly uplift %"),
            placeholder="2.5",
            help=N_("Recurring only: how much the amount rises each year."),
        ),
        choice("status", N_("Status"), vocabulary.STATUS_LABELS, required=True, what=N_("the status")),
        choice("capital_or_revenue", N_("Capital or revenue"), vocabulary.CAPITAL_OR_REVENUE_LABELS),
        text(
            "programme",
            N_("Funding programme"),
            help=N_("The programme or fund the money comes through, if any."),
        ),
        commitment(
            "reannounces",
            N_("Re-announces"),
            labels=MappingProxyType({vocabulary.ANNOUNCED_EARLIER: N_("Announced before (not recorded here)")}),
            help=N_(
                "The earlier commitment this one restates: counted once (a changed amount replaces it). "
                "'Announced before': counted here, but not as new money."
            ),
        ),
        commitment(
            "part_of",
            N_("Part of"),
            help=N_("The pot (fund) this money is a share of: it is taken out of the pot, never added on top."),
        ),
        text(
            "areas",
            N_("Areas it benefits"),
            placeholder="W06000015; W92000004",
            help=N_("ONS GSS codes of the areas it benefits, separated by ; (W06000015 Cardiff, W92000004 Wales)."),
        ),
        text(
            "recipient_id",
            N_("Recipient identifier"),
            placeholder="GB-CHC-1234567",
            help=N_("The recipient's org-id identifier, where known: it tells apart organisations with one name."),
        ),
    ),
)

DELIVERY = Form(
    DeliveryInput,
    (
        commitment("commitment_ref", N_("Commitment"), required=True, what=N_("the commitment")),
        ref(N_("e.g. D8")),
        typed_as(
            Kind.DATE,
            "paid_on",
            N_("Paid on"),
            help=N_("Leave blank when the date is not known: the money is then unphased."),
        ),
        typed_as(
            Kind.MONEY,
            "amount",
            N_("Amount"),
            required=True,
            what=N_("the amount"),
            placeholder="£250,000",
            help=N_(
                "A negative amount (-£500) corrects an earlier disbursement or expenditure; a refund is "
                "counted negative whichever sign it is typed with."
            ),
        ),
        choice("kind", N_("Kind"), vocabulary.DELIVERY_KIND_LABELS, required=True, what=N_("the kind")),
        text("evidence_url", N_("Evidence address"), placeholder="https://…"),
        text("note", N_("Note")),
    ),
)

MILESTONE = Form(
    MilestoneInput,
    (
        commitment("commitment_ref", N_("Commitment"), required=True, what=N_("the commitment")),
        ref(N_("e.g. M3")),
        text(
            "title",
            N_("What will happen"),
            required=True,
            placeholder=N_("e.g. Delivery Unit fully staffed"),
            what=N_("what will happen"),
        ),
        typed_as(Kind.DATE, "due_on", N_("Due on")),
        typed_as(Kind.DATE, "achieved_on", N_("Achieved on")),
        text("achieved_note", N_("Note")),
        text("source_url", N_("Source address"), placeholder="https://…"),
    ),
)

FORMS: Mapping[str, Form[Any]] = MappingProxyType(
    {
        "announcement": ANNOUNCEMENT,
        "commitment": COMMITMENT,
        "delivery": DELIVERY,
        "milestone": MILESTONE,
    }
)

# Why a commitment's money changed: the reason ``update_commitment`` asks for
# beside the commitment (``reason``, ``reason_text``).
REVISION_REASON: tuple[Field, ...] = (
    choice(
        "reason",
        N_("Why the money changed"),
        vocabulary.REVISION_REASON_LABELS,
        condition=N_("if it did"),
        help=N_("Needed when the kind, amount, years, first year, profile or uplift change."),
    ),
    text("reason_text", N_("Say more"), condition=N_("needed for 'other'")),
)


# --- drawing and reading ---------------------------------------------------------------------------


def key(prefix: str, field: Field) -> str:
    """The widget's key: the page's prefix and the field's name."""
    return f"{prefix}{field.name}"


def _draw(field: Field, widget_key: str, commitments: Mapping[str, str]) -> None:
    shown, help = field.caption, field.said_help
    placeholder = _(field.placeholder) if field.placeholder else None  # e.g. A7; digits and codes stay as they are
    # What each choice shows, said now: a format_func may be called again after the run (a test's), in no language.
    choices = {value: field.shown(value) for value in field.options}
    if field.kind is Kind.AREA:
        st.text_area(shown, key=widget_key, help=help, placeholder=placeholder, max_chars=field.max_chars)
    elif field.kind is Kind.CHOICE:
        st.selectbox(
            shown,
            field.options,
            index=0 if field.required else None,
            key=widget_key,
            help=help,
            format_func=lambda value: choices.get(value, value),
            placeholder=_("Not said"),
        )
    elif field.kind is Kind.COMMITMENT:
        st.selectbox(
            shown,
            # A field's own choices (e.g. "earlier") come first; many commitments are searched, not all listed.
            searched(commitments, widget_key, _("commitments"), first=field.options) or [],
            index=None,
            key=widget_key,
            help=help,
            format_func=lambda ref: commitments.get(ref) or choices.get(ref, ref),
            placeholder=_("Choose a commitment") if field.required else _("None"),
        )
    elif field.kind is Kind.ORGANISATION:
        new = _("A new organisation…")
        picked = st.selectbox(
            shown,
            [*(searched(organisation_names(), widget_key, _("organisations")) or []), NEW_ORGANISATION],
            index=None,
            key=widget_key,
            help=help,
            # The choice stays NEW_ORGANISATION (code compares it); only its words are translated.
            format_func=lambda name: new if name == NEW_ORGANISATION else name,
            placeholder=_("Choose an organisation"),
        )
        if picked == NEW_ORGANISATION:
            st.text_input(
                _("{label}: new organisation's name", label=_(field.label)),
                key=f"{widget_key}_new",
                max_chars=field.max_chars,
            )
    else:
        st.text_input(shown, key=widget_key, help=help, placeholder=placeholder, max_chars=field.max_chars)


def _in_drawn_order(fields: Sequence[Field]) -> list[Field]:
    """Text areas go below the other fields, the full width."""
    return [f for f in fields if f.kind is not Kind.AREA] + [f for f in fields if f.kind is Kind.AREA]


def drawn(fields: Sequence[Field], key_prefix: str, path_prefix: str = "") -> dict[str, Drawn]:
    """``fields`` as ``render_fields`` draws them, for a form's errors
    (``FormErrors``): by their names in a save's problems (``path_prefix``
    and the name: ``commitments[1].amount``), in the order drawn."""
    return {f"{path_prefix}{f.name}": Drawn(f.named, key(key_prefix, f)) for f in _in_drawn_order(fields)}


def errors_of(failed: ValidationFailed, *parts: tuple[Sequence[Field], str, str]) -> FormErrors:
    """A refused save's errors on a form drawn in ``parts``: each part its
    fields, their key prefix and their names' prefix in the problems."""
    return FormErrors(failed, {path: at for part in parts for path, at in drawn(*part).items()})


def render_fields(
    fields: Sequence[Field],
    key_prefix: str,
    *,
    errors: FormErrors = NO_ERRORS,
    path_prefix: str = "",
    commitments: Mapping[str, str] = MappingProxyType({}),
    columns: int = 2,
) -> dict[str, str]:
    """Draw ``fields`` in rows of ``columns``, in order (text areas below them,
    the full width), each with its messages under it
    (``errors.beside(path_prefix + name)``); return what they hold
    (``typed``). ``commitments`` are the commitments a commitment field
    offers: ref -> label (``record_choices``)."""
    in_order = _in_drawn_order(fields)
    narrow = [f for f in in_order if f.kind is not Kind.AREA]
    for start in range(0, len(narrow), columns):
        for column, field in zip(st.columns(columns), narrow[start : start + columns]):
            with column:
                _draw(field, key(key_prefix, field), commitments)
                errors.beside(path_prefix + field.name)
    for field in in_order[len(narrow) :]:
        _draw(field, key(key_prefix, field), commitments)
        errors.beside(path_prefix + field.name)
    return typed(fields, key_prefix)


def _value(field: Field, widget_key: str) -> str:
    state = st.session_state
    value = state.get(widget_key)
    if field.kind is Kind.ORGANISATION and value == NEW_ORGANISATION:
        value = state.get(f"{widget_key}_new")
    elif field.kind is Kind.CHOICE and widget_key not in state and field.required:
        value = field.options[0]  # not drawn yet: what the select starts at
    return "" if value is None else str(value)


def typed(fields: Sequence[Field], key_prefix: str) -> dict[str, str]:
    """What each field holds now, by name, as text ("" for nothing chosen)."""
    return {field.name: _value(field, key(key_prefix, field)) for field in fields}


def read_input(form: Form[InputT], key_prefix: str, **given: Any) -> InputT:
    """The form's input as typed (for a callback, which runs before the page
    draws the widgets again); ``given`` adds what the form does not draw
    (an announcement's commitments)."""
    return form.input(**typed(form.fields, key_prefix), **given)


def fill(fields: Sequence[Field], key_prefix: str, value: object) -> None:
    """Put a stored record's values in the widgets (call it from a callback, before they are drawn)."""
    state = st.session_state
    for field in fields:
        widget_key = key(key_prefix, field)
        stored = getattr(value, field.name)
        optional_pick = field.kind is Kind.COMMITMENT or (field.kind is Kind.CHOICE and not field.required)
        state[widget_key] = (stored or None) if optional_pick else stored
        state.pop(f"{widget_key}_new", None)


def new_organisation_chosen(fields: Sequence[Field], key_prefix: str) -> bool:
    """Whether an organisation field holds a new organisation's name (the use-case then creates it)."""
    return any(
        st.session_state.get(key(key_prefix, f)) == NEW_ORGANISATION for f in fields if f.kind is Kind.ORGANISATION
    )


# --- after a save -------------------------------------------------------------------------------


def blank(fields: Sequence[Field], key_prefix: str) -> None:
    """Empty the widgets of ``fields`` (call it from the callback of a save
    that succeeded, before they are drawn again): the next record starts from
    a blank form, and the same one is not saved twice.

    Each value is set, not deleted: a widget whose state is deleted starts
    again at its default on the server, but the browser keeps showing (and
    sends back) what was typed; a value set in the session state is sent to
    the browser and shown."""
    state = st.session_state
    for field in fields:
        widget_key = key(key_prefix, field)
        if field.kind is Kind.CHOICE:
            state[widget_key] = field.options[0] if field.required else None
        elif field.kind in (Kind.ORGANISATION, Kind.COMMITMENT):
            state[widget_key] = None
        else:
            state[widget_key] = ""
        for more in (f"{widget_key}_new", f"{widget_key}_find"):  # a new organisation's name; a search box
            if more in state:
                state[more] = ""
