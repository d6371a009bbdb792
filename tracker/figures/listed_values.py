"""Stored values of the closed lists, as a table on screen says them in the reader's language.

A table's frame holds what is stored (``at least``, ``one-off``,
``confirmed``, ``disbursement``, ``create``, ``admin``): CSV files are
written from it and read back the same in every language. On screen a Welsh
reader reads the words (``o leiaf``, ``untro``, ``wedi'i gadarnhau``).
``in_reader_words`` says the columns named in ``COLUMNS`` that way, each
value (or each of a list's, joined by ", ") through the one place its list
is worded (``tracker.core.vocabulary``, ``tracker.core.money``,
``tracker.records.permissions``). In English a frame is shown as stored, so
the English screens are exactly as before. ``dashboard.tables.show_table``
applies it to every table a page shows, and its print copy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import pandas as pd

from tracker.core import vocabulary
from tracker.core.languages import ENGLISH
from tracker.core.money import qualifier_word
from tracker.i18n import N_, _, current
from tracker.records.permissions import role_word

# A milestone's state as tracker.figures.delivery.milestone_states names it.
MILESTONE_STATES = MappingProxyType(
    {
        "overdue": N_("overdue"),
        "due": N_("due"),
        "achieved late": N_("achieved late"),
        "achieved": N_("achieved"),
        "no due date": N_("no due date"),
    }
)


def _milestone_state(value: str) -> str:
    return _(MILESTONE_STATES[value]) if value in MILESTONE_STATES else value


def _audit_action(value: str) -> str:
    return vocabulary.label(vocabulary.AUDIT_ACTION_LABELS, value)


def _kind(value: str) -> str:
    """A commitment's or delivery's kind in words; an organisation's kind by its label."""
    if value in vocabulary.WORDS:
        return vocabulary.in_words(value)
    return vocabulary.label(vocabulary.ORGANISATION_KIND_LABELS, value)


def _status(value: str) -> str:
    """A commitment's status in words; a progress status (a review's judgement) by its label."""
    if value in vocabulary.WORDS:
        return vocabulary.in_words(value)
    return vocabulary.label(vocabulary.PROGRESS_STATUS_LABELS, value)


# Each column that holds a closed list's values, by the name tables give it, and how a value is said.
COLUMNS: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {
        "qualifier": qualifier_word,
        "headline_qualifier": qualifier_word,
        "kind": _kind,
        "status": _status,
        "statuses": _status,
        "capital_or_revenue": vocabulary.in_words,
        "state": _milestone_state,
        "action": _audit_action,
        "roles": role_word,
    }
)
LISTS = frozenset({"statuses", "roles"})  # columns holding several values joined by ", "


def in_reader_words(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its closed-list columns said in the language in use (a copy; in English, ``frame``)."""
    present = [column for column in COLUMNS if column in frame.columns and _text(frame[column])]
    if current() == ENGLISH or not present:
        return frame
    return frame.assign(**{column: _said(frame[column], COLUMNS[column], column in LISTS) for column in present})


def _text(values: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)


def _said(values: pd.Series, say: Callable[[str], str], listed: bool) -> pd.Series:
    words: dict[str, str] = {}
    for value in values.dropna().unique():
        if isinstance(value, str):
            parts = value.split(", ") if listed else [value]
            words[value] = ", ".join(say(part) if part else part for part in parts)
    return values.map(lambda value: words.get(value, value) if isinstance(value, str) else value)
