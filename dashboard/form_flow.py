"""What a form offers and what it says after a save: the records a picker lists, a suggested ref, a
callback speaking the page's language, and the message (with its link) a save leaves for the next run.

The forms themselves (their fields, drawing and reading) are ``dashboard.forms``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ParamSpec, TypeVar

import streamlit as st

from dashboard import language
from dashboard.components import current_view
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import current, speaking
from tracker.records import listings

P = ParamSpec("P")
T = TypeVar("T")


@st.cache_resource(show_spinner=False, max_entries=8)
def _choices(_db, url: str, entity: str, version: int, language: str) -> Mapping[str, str]:
    return MappingProxyType(listings.editable(_db, entity))


def record_choices(db, entity: str, version: int) -> Mapping[str, str]:
    """ref -> label of every live record of ``entity`` (a commitment as
    ``W8 · Data unit · Welsh councils · £250,000``), read once per
    ``version`` of the data (``tracker.figures.data.data_version``) and
    language (a delivery's label says "on ... against", in words) and
    shared by every session: never changed."""
    return _choices(db, db.url.render_as_string(), entity, version, current())


def suggest(widget_key: str, suggestion: str) -> None:
    """Put ``suggestion`` (a new record's ref) in a text box before it is
    drawn, unless someone typed something else there: an empty box, or one
    still holding the last suggestion, takes the new one (the data may have
    moved on); anything typed stays."""
    state = st.session_state
    offered = f"_suggested_{widget_key}"
    shown = state.get(widget_key)
    # Set only to change it: a value set is sent to the browser and replaces what
    # is being typed there while this run is on its way (a ref typed just after
    # choosing a commitment was lost to the same suggestion, set again).
    if shown in (None, "", state.get(offered)) and shown != suggestion:
        state[widget_key] = suggestion
    state[offered] = suggestion


def in_the_language_shown(callback: Callable[P, T]) -> Callable[P, T]:
    """``callback`` (a form's ``on_click``) speaking the language the page was
    shown in. Streamlit runs a callback before the run that chooses the
    language (``dashboard.language``), so what a save says (a refusal's words,
    built in ``tracker.records``; what was saved) would otherwise be English."""

    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with speaking(st.session_state.get(language.WRITTEN)):
            return callback(*args, **kwargs)

    return run


ANNOUNCEMENTS_PAGE = "app_pages/announcements.py"  # /announcements?ref=A1 (docs/links.md)


@dataclass(frozen=True)
class Saved:
    """What a save says on the next run: ``message``, and a link to the
    announcement page showing what was saved (``announcement_ref``) named ``link``."""

    message: str
    announcement_ref: str | None = None
    link: str = ""


def announcement_of(commitment_ref: str) -> str | None:
    """The ref of the announcement carrying the commitment ``commitment_ref`` (None: not in the data)."""
    commitments = current_view().everything.commitments
    found = commitments.loc[commitments["ref"] == commitment_ref, "announcement_ref"]
    return None if found.empty else str(found.iloc[0])


def show_saved(state_key: str) -> None:
    """The message a save left under ``state_key``, once, with its link."""
    saved = st.session_state.pop(state_key, None)
    if saved is None:
        return
    st.success(escape_markdown(saved.message), icon=":material/check_circle:")  # refs as typed
    if saved.announcement_ref:
        st.page_link(
            ANNOUNCEMENTS_PAGE,
            label=escape_markdown(saved.link),
            query_params={"ref": saved.announcement_ref},
            icon=":material/arrow_forward:",
        )
