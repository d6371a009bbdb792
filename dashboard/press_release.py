"""The Record page's "From a press release" tab: from the words of an announcement to its commitments.

The officer pastes the text (or chooses a .txt, .html or .pdf file), says
when it was published if known, and asks the tracker to find the money
(``tracker.extract``). The tab then shows the text with each amount marked
by its draft's number, and the drafts as a table to edit: each accepted or
not, its amount, qualifier, kind, years, purpose and the rest as the
commitments CSV contract holds them, and the sentence it came from. The
amounts left out, with their reasons, are in an expander.

Saving makes one new announcement of the accepted drafts, as edited, through
the import pipeline (``tracker.extract.saving``: all or nothing, audited,
recorded as an import that can be undone on the Import page). A refused save
keeps everything typed: problems with the announcement beside its fields, a
draft's problems in a table by draft and column. Saved, the tab is emptied
and the page says what was saved, with a link to it.

The drafts and the edits live in the session state (``press_found``), so no
rerun loses them, nor going to another page and back.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from dashboard import auth, form_flow, forms
from dashboard.components import clear_data
from dashboard.failure_page import guarded
from dashboard.form_errors import NO_ERRORS, FormErrors
from dashboard.form_flow import Saved, in_the_language_shown
from dashboard.forms import ANNOUNCEMENT
from dashboard.import_problems import problems_table
from dashboard.marked_text import LEFT_OUT, Mark, marked
from dashboard.tables import edit_table, show_table
from tracker.core.money import format_pounds
from tracker.core.vocabulary import (
    CAPITAL_OR_REVENUE,
    CAPITAL_OR_REVENUE_LABELS,
    COMMITMENT_KIND_LABELS,
    QUALIFIER_LABELS,
    QUALIFIERS,
)
from tracker.extract import drafts, saving, source, suggestions
from tracker.figures.markdown_text import escape_markdown
from tracker.files.tabular import DataError, Problem
from tracker.i18n import N_, _, ngettext
from tracker.records import next_refs
from tracker.records.permissions import PermissionDenied
from tracker.records.problems import FieldProblem, ValidationFailed

state = st.session_state
PREFIX = "press_a_"  # the announcement's fields: ref, title, funder
FOUND, ERROR, PROBLEMS, ROUND = "press_found", "press_error", "press_problems", "press_round"
FIELDS = tuple(f for f in ANNOUNCEMENT.fields if f.name in ("ref", "title", "funder", "headline"))
# A save's problems with the announcement, by the column the import names, and the field drawn for each.
HEADING_FIELDS = {"announcement_ref": "ref", "title": "title", "funder": "funder", "headline": "headline"}
KINDS = tuple(kind for kind in COMMITMENT_KIND_LABELS if kind != "profiled")  # a profile is typed on the Change page
SHOWN = ("draft", "accept", *saving.EDITABLE, "note", "quote")  # what a person may change, then the evidence
# The review table's column headings (the import's names for them, in a save's problems, are the same words).
HEADINGS = {
    "draft": N_("Draft"),
    "accept": N_("Accept"),
    "ref": N_("Ref"),
    "amount": N_("Amount"),
    "qualifier": N_("Qualifier"),
    "kind": N_("Kind"),
    "years": N_("Years"),
    "first_year": N_("First year"),
    "purpose": N_("What it pays for"),
    "recipient": N_("Recipient"),
    "capital_or_revenue": N_("Capital or revenue"),
    "reannounces": N_("Re-announces"),
    "part_of": N_("Part of"),
    "note": N_("Note"),
    "quote": N_("The sentence it came from"),
    "announcement_ref": N_("Reference"),
    "funder": N_("Funder of this announcement"),
    "title": N_("Title"),
    "headline": N_("Headline claim"),
    "announced_on": N_("Date published"),
}


@dataclass
class Found:
    """What the last "Find the money" found: the extraction, each draft's row as the
    table started it, the refs suggested, and the edits made (kept here as well as
    in the table's own state, which Streamlit lets go when the page is left)."""

    extraction: drafts.Extraction
    rows: list[dict[str, Any]]
    refs: list[str]
    generation: int
    edits: dict[str, Any] = field(default_factory=dict)
    likely: dict[int, suggestions.Suggestion] = field(default_factory=dict)  # stored money a draft may restate

    @property
    def key(self) -> str:
        """The table's key: a new one for each finding, so a new table starts without the last one's edits."""
        return f"press_drafts_{self.generation}"


def _with_edits(rows: Sequence[dict[str, Any]], edits: dict[str, Any] | None) -> list[dict[str, Any]]:
    """``rows`` with the table's edits (``{"edited_rows": {position: {column: value}}}``)."""
    rows = [dict(row) for row in rows]
    for position, changed in ((edits or {}).get("edited_rows") or {}).items():
        rows[int(position)].update(changed)
    return rows


def _current(found: Found) -> list[dict[str, Any]]:
    return _with_edits(found.rows, state.get(found.key, found.edits))


# --- what the buttons do -------------------------------------------------------------------------


@guarded
@in_the_language_shown
def find_money(db: Engine) -> None:
    """Read the file chosen (else the text pasted) and find the money in it; a text that cannot be
    read is said, and nothing else changes."""
    upload = state.get(f"press_file_{state.get(ROUND, 0)}")
    try:
        if upload is not None:
            text = source.read_source(upload.getvalue(), upload.name).text
        elif (state.get("press_text") or "").strip():
            text = source.checked_text(state["press_text"], _("pasted text"))
        else:
            state[ERROR] = _("Paste the text of the press release, or choose its file, then find the money.")
            return
    except source.SourceError as err:
        state[ERROR] = _("The text could not be read: {why}", why=str(err))
        return
    extraction = drafts.extract(text, published=state.get("press_published"))
    refs = next_refs.suggested_refs(db, "commitment", len(extraction.drafts)) if extraction.drafts else []
    last = state.get(FOUND)
    state[FOUND] = Found(
        extraction,
        saving.review_rows(extraction, refs),
        list(refs),
        (last.generation + 1) if last else 1,
        likely=suggestions.likely_reannouncements(db, extraction.drafts),
    )
    for shown in (ERROR, PROBLEMS):
        state.pop(shown, None)
    form_flow.suggest(f"{PREFIX}title", extraction.title)
    if extraction.headline:  # the title states money: the announcement's headline claim, as stated
        form_flow.suggest(f"{PREFIX}headline", extraction.title)


@in_the_language_shown
def link(index: int, ref: str) -> None:
    """Set draft ``index`` to re-announce the stored commitment ``ref`` (in a new table, keeping every edit)."""
    found: Found | None = state.get(FOUND)
    if found is None:
        return
    found.rows, found.edits = _with_edits(found.rows, state.get(found.key, found.edits)), {}
    found.rows[index]["reannounces"] = ref
    found.generation += 1


def _heading(typed: dict[str, str]) -> saving.Heading:
    return saving.Heading(
        typed["ref"], typed["funder"], typed["title"], state.get("press_published"), typed.get("headline", "")
    )


@guarded
@in_the_language_shown
def save(db: Engine) -> None:
    found: Found | None = state.get(FOUND)
    if found is None:
        return
    heading = _heading(forms.typed(FIELDS, PREFIX))
    try:
        outcome = saving.save_drafts(_current(found), heading, engine=db, actor=auth.actor(), original_refs=found.refs)
    except DataError as err:
        state[PROBLEMS] = list(err.problems)
        return
    except PermissionDenied as err:
        auth.refused(err)
        return
    clear_data()
    forms.blank(FIELDS, PREFIX)
    state["press_text"] = ""
    state["press_published"] = None
    state[ROUND] = state.get(ROUND, 0) + 1  # a new file box: a chosen file cannot be taken out of one
    for shown in (FOUND, ERROR, PROBLEMS):
        state.pop(shown, None)
    ref = heading.announcement_ref.strip()
    state["record_saved"] = Saved(
        ngettext(
            "Saved announcement {ref} with {n} commitment from the press release. The other pages now include it.",
            "Saved announcement {ref} with {n} commitments from the press release. The other pages now include it.",
            outcome.created,
            ref=ref,
        ),
        ref,
        _("See announcement {ref}", ref=ref),
    )


# --- what the tab shows --------------------------------------------------------------------------


def _marks(extraction: drafts.Extraction) -> list[Mark]:
    marks = [
        Mark(start, end, f"[{number}]")
        for number, draft in enumerate(extraction.drafts, start=1)
        for start, end in [(draft.start, draft.end), *draft.also_at]
    ]
    left_out = _("left out")
    marks += [Mark(item.start, item.end, f"[{left_out}]", LEFT_OUT) for item in extraction.left_out]
    return marks


def _table(found: Found) -> pd.DataFrame:
    rows = [
        {
            **row,
            "draft": number,
            "qualifier": row["qualifier"] or None,
            "kind": row["kind"] or None,
            "capital_or_revenue": row["capital_or_revenue"] or None,
            "note": _(row["note"]) if row["note"] else "",
        }
        for number, row in enumerate(found.rows, start=1)
    ]
    return pd.DataFrame(rows, columns=[*SHOWN, "quote_start", "quote_end"])


def _columns() -> dict[str, Any]:
    text = st.column_config.TextColumn
    return {
        "draft": st.column_config.NumberColumn(_(HEADINGS["draft"]), format="%d", disabled=True),
        "accept": st.column_config.CheckboxColumn(
            _(HEADINGS["accept"]), help=_("Untick a draft that is not a commitment: it is not saved.")
        ),
        "ref": text(_(HEADINGS["ref"]), required=True, help=_("The commitment's ref: a new one.")),
        "amount": text(_(HEADINGS["amount"]), required=True, help=_(forms.MONEY_HELP)),
        "qualifier": st.column_config.SelectboxColumn(
            _(HEADINGS["qualifier"]),
            options=QUALIFIERS,
            required=True,
            format_func=lambda value: _(QUALIFIER_LABELS[str(value)]),
        ),
        "kind": st.column_config.SelectboxColumn(
            _(HEADINGS["kind"]), options=KINDS, required=True, format_func=lambda v: _(COMMITMENT_KIND_LABELS[str(v)])
        ),
        "years": text(_(HEADINGS["years"]), help=_("How many years; blank when the text does not say.")),
        "first_year": text(_(HEADINGS["first_year"]), help=_(forms.YEAR_HELP)),
        "purpose": text(_(HEADINGS["purpose"]), width="medium"),
        "recipient": text(_(HEADINGS["recipient"]), help=_("Blank when the text names no recipient.")),
        "capital_or_revenue": st.column_config.SelectboxColumn(
            _(HEADINGS["capital_or_revenue"]),
            options=CAPITAL_OR_REVENUE,
            format_func=lambda value: _(CAPITAL_OR_REVENUE_LABELS[str(value)]),
        ),
        "reannounces": text(
            _(HEADINGS["reannounces"]),
            help=_("The ref of the recorded commitment it restates, or earlier (announced before, not recorded)."),
        ),
        "part_of": text(_(HEADINGS["part_of"]), help=_("The ref of the pot it is a share of.")),
        "note": text(_(HEADINGS["note"]), disabled=True),
        "quote": text(_(HEADINGS["quote"]), disabled=True, width="large"),
    }


def _left_out(extraction: drafts.Extraction) -> None:
    count = len(extraction.left_out)
    if not count:
        return
    with st.expander(ngettext("{n} amount left out, and why", "{n} amounts left out, and why", count)):
        show_table(
            [
                {
                    "amount": format_pounds(item.pence),
                    "reason": _(item.reason),
                    "quote": extraction.text[item.quote_start : item.quote_end],
                }
                for item in extraction.left_out
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "amount": _("Amount"),
                "reason": st.column_config.TextColumn(_("Why it is not a commitment"), width="medium"),
                "quote": st.column_config.TextColumn(_("The sentence it came from"), width="large"),
            },
        )


def _problems(problems: Sequence[Problem]) -> FormErrors:
    """A refused save: the announcement's problems for its fields; the drafts' in a table by draft."""
    heading = [p for p in problems if p.line is None and p.column in HEADING_FIELDS]
    failed = ValidationFailed(FieldProblem(HEADING_FIELDS[p.column or ""], p.value, p.expected) for p in heading)
    errors = forms.errors_of(failed, (FIELDS, PREFIX, ""))
    errors.summary()
    rest = [p for p in problems if p not in heading]
    if rest:
        st.error(
            ngettext(
                "**{count} problem with the drafts: nothing was saved.** Put it right in the table, then save again.",
                "**{count} problems with the drafts: nothing was saved.** Put them right in the table, then save "
                "again.",
                len(rest),
                count=len(rest),
            ),
            icon=":material/error:",
        )
        problems_table(
            rest,
            line=_("Draft"),
            line_help=_("The draft's number in the table of drafts (and beside its amount in the text)."),
            whole=_("all"),
            columns={name: _(label) for name, label in HEADINGS.items()},
        )
    return errors


def _likely(found: Found) -> None:
    """The drafts that look like money already recorded, each with a button to link it."""
    if not found.likely:
        return
    st.subheader(_("Likely re-announcements"))
    rows = _current(found)
    for index, suggestion in sorted(found.likely.items()):
        number = index + 1
        linked = rows[index].get("reannounces") == suggestion.ref
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(escape_markdown(_("Draft {number}: {recorded}.", number=number, recorded=suggestion.said())))
        if linked:
            right.caption(_("Linked to {ref}.", ref=suggestion.ref))
        else:
            right.button(
                _("Link draft {number} to {ref}", number=number, ref=suggestion.ref),
                on_click=link,
                args=(index, suggestion.ref),
                key=f"press_link_{found.generation}_{index}",
            )


def draw(db: Engine, suggested: Callable[[str], tuple[str, ...]]) -> None:
    """The tab. ``suggested(entity)`` gives the next free refs (the page's, worked out once per change of the data)."""
    st.caption(
        _(
            "Paste a press release, or choose its file, and find the money in it: each amount found becomes a "
            "draft commitment with the sentence it came from. Check each draft, put right what is wrong, untick "
            "what is not a commitment, and save them as one announcement. Nothing is saved until you do."
        )
    )
    st.text_area(_("The text of the press release"), key="press_text", height=200)
    st.file_uploader(
        _("Or its file"),
        type=[suffix.lstrip(".") for suffix in source.SUFFIXES],
        key=f"press_file_{state.get(ROUND, 0)}",
        help=_("A .txt, .html or .pdf file. A file chosen is read instead of the text pasted."),
    )
    st.date_input(
        _("Date published (optional)"),
        value=None,
        key="press_published",
        format="DD/MM/YYYY",
        help=_(
            "Needed to work out 'this financial year' or 'next financial year' in the text: "
            "give it before finding the money."
        ),
    )
    st.button(_("Find the money"), on_click=find_money, args=(db,), key="press_find", icon=":material/search:")
    if state.get(ERROR):
        st.error(escape_markdown(state[ERROR]), icon=":material/error:")  # a file's name is the uploader's text
    found: Found | None = state.get(FOUND)
    if found is None:
        return
    if found.key not in state and found.edits:  # back from another page: the edits are kept, in a new table
        found.rows, found.edits = _with_edits(found.rows, found.edits), {}
        found.generation += 1
    extraction = found.extraction
    st.header(_("What the text says"))
    if extraction.welsh_only:
        st.info(
            _(
                "The text is in Welsh only. The amounts are still found (the £ is the same), but what each is for "
                "is read from English words: check each draft's purpose."
            ),
            icon=":material/translate:",
        )
    st.html(marked(extraction.text, _marks(extraction), name=_("The text, with each amount found marked")))
    _left_out(extraction)
    if not extraction.drafts:
        st.info(_("No statement of money was found in the text."), icon=":material/info:")
        return
    st.header(_("Drafts to save as one announcement"))
    errors = _problems(state[PROBLEMS]) if state.get(PROBLEMS) else NO_ERRORS
    edit_table(
        _table(found),
        column_config=_columns(),
        column_order=SHOWN,
        key=found.key,
        hide_index=True,
        width="stretch",
        num_rows="fixed",
    )
    found.edits = copy.deepcopy(dict(state.get(found.key) or {}))
    _likely(found)
    form_flow.suggest(f"{PREFIX}ref", suggested("announcement")[0])
    forms.render_fields(FIELDS, PREFIX, errors=errors, columns=3)
    st.button(
        _("Save the accepted drafts as one announcement"),
        on_click=save,
        args=(db,),
        type="primary",
        key="press_save",
        icon=":material/save:",
    )
