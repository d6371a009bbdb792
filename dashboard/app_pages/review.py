"""Review: the Digital Advisory Group's progress review.

Choose a meeting (latest first) or open a new one. Opening a meeting freezes
the figures as they stand on its as-at date (``tracker.review.recording.open_meeting``); the
page shows those frozen figures, what changed since the previous meeting,
the milestones overdue first, and a form to give a commitment or programme a
status (always words with a RAG colour), recorded as given at the meeting.
The meeting's pack downloads as HTML or as an Excel workbook. The frozen
headline and tables (with new money, unphased and estimated money, when the
snapshot records them) are drawn by ``dashboard.review_figures``.
"""

from datetime import date
from typing import Literal, cast

import streamlit as st

from dashboard import auth, review_figures
from dashboard.components import clear_data, current_view, engine, pick_by_search
from dashboard.error_sentences import Name
from dashboard.failure_page import guarded
from dashboard.form_errors import Drawn, FormErrors
from dashboard.jump_link import jump_link
from dashboard.tables import show_table
from tracker import store
from tracker.core.clock import today
from tracker.core.vocabulary import PROGRESS_STATUSES
from tracker.figures.data import data_version
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import N_, _, deferred
from tracker.i18n.dates import long_date
from tracker.records.problems import ValidationFailed
from tracker.review import changes as review_changes
from tracker.review import meetings as review
from tracker.review import pack as review_pack
from tracker.review import presentation as view
from tracker.review import recording
from tracker.review.pack_real_terms import pack_prices
from tracker.review.snapshot import build_snapshot

me = auth.require("view")

db = engine()
state = st.session_state
as_of = today()
NO_PROBLEMS = ValidationFailed([])
# The figures and the packs are for everyone; statuses and meetings are the reviewers' (and admins').
may_open, may_record = auth.allows(me, "open_meeting"), auth.allows(me, "record_status")
REVIEWERS_ONLY = N_("Opening meetings and recording statuses needs the reviewer role.")
# The colours tracker.review.presentation.badge gives (typed there as plain text: the domain does not know
# Streamlit), each one that st.badge takes.
BadgeColour = Literal["green", "orange", "red", "blue", "gray"]
# The tab the jump link opens, found by its label as shown (dashboard/jump_link.py): one message for both.
STATUSES_TAB = N_("Statuses")

st.title(_("Review"))
st.caption(
    _(
        "For the Digital Advisory Group. Opening a meeting freezes the figures for it, so the group discusses one "
        "set of numbers and the next review can say what changed. The sidebar's filters do not apply here: a "
        "meeting's figures cover every commitment."
    )
)

# What a callback saved is kept as its facts and said here, in the language of this run (a callback runs before
# the run knows its language).
opened = state.pop("review_opened", None)
if opened:
    held_day, as_at_day = opened
    st.success(
        _(
            "Opened the meeting of {held_on}. The figures as at {as_at} are frozen for it.",
            held_on=long_date(held_day),
            as_at=long_date(as_at_day),
        ),
        icon=":material/check_circle:",
    )


# --- open a meeting ----------------------------------------------------------------------


@guarded
def open_new_meeting() -> None:
    held: date | None = state.get("review_new_held_on")
    as_at: date | None = state.get("review_new_as_at")
    saved, _saved_as = auth.attempt(
        lambda: recording.open_meeting(
            held.isoformat() if held else "",
            as_at.isoformat() if as_at else "",
            state.get("review_new_title", ""),
            engine=db,
            actor=auth.actor(),
        ),
        "review_new_problems",
    )
    if not saved:
        return
    clear_data()
    # Set, not deleted: a deleted widget value comes back from the browser on the next run.
    state.update(review_new_held_on=as_of, review_new_as_at=None, review_new_title="")
    found = review.meeting(db, held) if held is not None else None
    if found is None:  # not reached: open_meeting requires the date, and it saved the meeting just now
        return
    state["review_meeting"] = found.held_on.isoformat()
    state["review_opened"] = (found.held_on, found.as_at)


def open_meeting_form() -> None:
    errors = FormErrors(
        state.get("review_new_problems", NO_PROBLEMS),
        {
            "held_on": Drawn(Name(_("Meeting date"), _("the meeting date")), "review_new_held_on"),
            "as_at": Drawn(Name(_("Figures as at")), "review_new_as_at"),
            "title": Drawn(Name(_("Title")), "review_new_title"),
        },
    )
    errors.summary()
    left, right = st.columns(2)
    with left:
        st.date_input(
            _("Meeting date"), value=as_of, format="DD/MM/YYYY", min_value=date(2000, 1, 1), key="review_new_held_on"
        )
        errors.beside("held_on")
        st.date_input(
            _("Figures as at (optional)"),
            value=None,
            format="DD/MM/YYYY",
            min_value=date(2000, 1, 1),
            key="review_new_as_at",
            help=_("Leave blank for the meeting date. Announcements and payments up to this date count."),
        )
        errors.beside("as_at")
    with right:
        st.text_input(
            _("Title (optional)"), key="review_new_title", placeholder=_("e.g. Digital Advisory Group, winter")
        )
        errors.beside("title")
    st.button(
        _("Open the meeting and freeze its figures"),
        on_click=open_new_meeting,
        type="primary",
        key="review_open",
        icon=":material/ac_unit:",
    )


@st.cache_resource(show_spinner=_("Reading the meeting's frozen figures…"), max_entries=4)
def _meeting(_db, url: str, held_iso: str, version: int) -> review.Meeting | None:
    """A meeting and its frozen figures, shared and never changed, until the
    data changes (``version``: a status given at it is a change)."""
    return review.meeting(_db, date.fromisoformat(held_iso))


@st.cache_resource(show_spinner=False, max_entries=4)
def _previous_meeting(_db, url: str, held_iso: str, version: int) -> review.Meeting | None:
    return review.previous_meeting(_db, date.fromisoformat(held_iso))


choices = view.meeting_choices(review.meetings(db))
if not choices:
    st.info(
        _(
            "No review meeting yet. Opening a meeting takes a frozen copy of the figures as they stand on its as-at "
            "date: the totals, each commitment, the milestones and the statuses. Later changes do not move them, "
            "so the next meeting can show what changed since this one. Statuses given at the meeting are linked to "
            "it, and its pack can be downloaded for the papers."
        ),
        icon=":material/info:",
    )
    if may_open:
        st.header(_("Open the first meeting"))
        open_meeting_form()
    else:
        st.caption(_(REVIEWERS_ONLY))
    st.stop()

pick, new = st.columns([3, 2], vertical_alignment="top")
with pick:
    held_iso = st.selectbox(
        _("Meeting"),
        list(choices),
        format_func=lambda iso: choices[iso],
        key="review_meeting",
        help=_("Latest first."),
    )
with new:
    if may_open:
        with st.expander(_("Open a new meeting"), expanded="review_new_problems" in state, key="review_new_section"):
            open_meeting_form()
if may_record:  # the status form is in the last tab, far down: a keyboard user reaches it from here
    jump_link(
        _("Give a status at this meeting"),
        tabs_key="review_tab",
        tab=_(STATUSES_TAB),  # as the tab below shows it
        field_keys=("review_subject_find", "review_subject"),  # the search box first, when there are many
    )

version = data_version(db)
picked = _meeting(db, db.url.render_as_string(), held_iso, version)
if picked is None:  # listed a moment ago: only a meeting gone since, with nothing to show
    st.stop()
meeting = picked  # a Meeting, in the callbacks below too
previous = _previous_meeting(db, db.url.render_as_string(), held_iso, version)
figures = meeting.figures
latest = held_iso == next(iter(choices))


# --- the frozen figures ------------------------------------------------------------------

st.info(view.frozen_sentence(meeting), icon=":material/lock:")

review_figures.headline(figures)

source = store.source_description()
st.markdown(
    _(
        "**The pack for this meeting**: the frozen figures, what changed since the last review, milestones "
        "and statuses, for the papers."
    )
)
html_col, xlsx_col, _space = st.columns([1, 1, 2])
prices = pack_prices(db, meeting.as_at)  # year on year in real terms, by the default deflator release
# Built when clicked (from this meeting's frozen figures), not on every run: the HTML carries its own charts.
html_col.download_button(
    _("Download the pack (HTML)"),
    deferred(review_pack.html_pack, meeting, previous, source, prices),
    file_name=f"review-pack-{held_iso}.html",
    mime="text/html",
    icon=":material/download:",
    key="review_pack_html",
)
xlsx_col.download_button(
    _("Download the pack (Excel)"),
    deferred(review_pack.xlsx_pack, meeting, previous, source, prices),
    file_name=f"review-pack-{held_iso}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key="review_pack_xlsx",
)

history = review.status_history(db)
at_meeting = {s["subject"]: s["status"] for s in meeting.statuses()}
# Tracked (a key, a rerun on switching), so a save or a choice in a tab stays in that tab.
figures_tab, since_tab, milestones_tab, statuses_tab = st.tabs(
    [_("Frozen figures"), _("Since the last review"), _("Milestones"), _(STATUSES_TAB)],
    key="review_tab",
    on_change="rerun",
)

with figures_tab:
    if not figures["commitments"]:
        st.info(
            _("No commitment had been announced by the as-at date, so these figures are empty."),
            icon=":material/info:",
        )
    st.header(_("Committed against delivered, by financial year"))
    review_figures.yearly(figures)
    st.header(_("By commitment"))
    review_figures.commitments(meeting, at_meeting)


def changes_list(found: review_changes.Changes, key: str) -> None:
    st.markdown(review_changes.movement_sentence(found))
    if not found.count:
        st.info(
            _("Nothing else changed: no announcement, commitment, delivery, milestone or status."),
            icon=":material/info:",
        )
        return
    show_table(
        review_changes.changes_table(found),
        hide_index=True,
        width="stretch",
        column_config={
            "what": st.column_config.TextColumn(_("What changed")),
            "ref": st.column_config.TextColumn(_("Ref")),
            "detail": st.column_config.TextColumn(_("Detail"), width="large"),
        },
        key=key,
    )


with since_tab:
    if previous is None:
        st.info(review_changes.movement_sentence(review_changes.changes(None, figures)), icon=":material/info:")
    else:
        st.caption(_("From the meeting of {meeting} to this one.", meeting=escape_markdown(previous.label)))
        before = previous.figures
        since = view.kept(meeting, ("changes since", previous.held_on), lambda: review_changes.changes(before, figures))
        changes_list(since, "review_changes")
    if latest:
        st.divider()
        if st.toggle(
            _("Also show what has changed since this meeting, until today ({today})", today=long_date(as_of)),
            key="review_since_today",
        ):
            st.caption(_("Today's figures are live, not frozen: they move as records are saved."))
            changes_list(review_changes.changes(figures, build_snapshot(db, as_of)), "review_changes_today")

with milestones_tab:
    st.markdown(
        escape_markdown(view.overdue_sentence(figures))
        if figures["milestones"]
        else _("No milestone had been recorded by the as-at date.")
    )
    show_table(
        view.milestones_table(figures),
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            "title": st.column_config.TextColumn(_("Milestone"), width="large"),
            "commitment_ref": _("Commitment"),
            "due_on": st.column_config.DateColumn(_("Due"), format="D MMM YYYY"),
            "achieved_on": st.column_config.DateColumn(_("Achieved"), format="D MMM YYYY"),
            "state": _("State"),
            "lateness": _("How late"),
        },
        key="review_milestones",
    )


# --- statuses ----------------------------------------------------------------------------


@guarded
def save_status() -> None:
    subject = state.get("review_subject") or ""
    programme = subject.removeprefix(review.PROGRAMME_PREFIX) if subject.startswith(review.PROGRAMME_PREFIX) else ""
    assessed = state.get("review_assessed_on")
    inp = recording.StatusInput(
        status=state.get("review_status") or "",
        commitment_ref="" if programme else subject,
        programme=programme,
        assessed_on=assessed.isoformat() if assessed else "",
        evidence_url=state.get("review_evidence", ""),
        note=state.get("review_note", ""),
        meeting_held_on=held_iso,
    )
    saved, _saved_as = auth.attempt(
        lambda: recording.record_status(inp, engine=db, actor=auth.actor()), "review_status_problems"
    )
    if not saved:
        return
    clear_data()
    state.update(review_status=None, review_evidence="", review_note="")  # ready for the next status
    state["review_status_saved"] = (subject, inp.status, meeting.held_on)


with statuses_tab:
    subjects = review.subjects(current_view().everything)
    st.caption(
        _(
            "A status is the group's judgement of progress, always shown in words with a colour. Each one is added "
            "to the subject's history (nothing is overwritten) and recorded as given at the meeting of {held_on}. "
            "It needs an evidence link or a note.",
            held_on=long_date(meeting.held_on),
        )
    )
    saved = state.pop("review_status_saved", None)
    if saved:
        saved_subject, saved_status, given_at = saved
        st.success(
            _(
                "Saved: {subject} is {status}, recorded as given at the meeting of {held_on}.",
                subject=escape_markdown(review.subject_words(saved_subject)),
                status=review.status_label(saved_status),
                held_on=long_date(given_at),
            ),
            icon=":material/check_circle:",
        )
    if not subjects:
        st.info(_("There is no commitment to give a status to."), icon=":material/info:")
        st.stop()
    subject_field = Drawn(
        Name(_("Commitment or programme"), _("a commitment or programme"), chosen=True), "review_subject"
    )
    errors = FormErrors(
        state.get("review_status_problems", NO_PROBLEMS),
        {
            "commitment_ref": subject_field,
            "programme": subject_field,
            "status": Drawn(Name(_("Status"), _("a status"), chosen=True), "review_status"),
            "assessed_on": Drawn(Name(_("Date assessed"), _("the date assessed")), "review_assessed_on"),
            "evidence_url": Drawn(Name(_("Evidence link")), "review_evidence"),
            "note": Drawn(Name(_("Note")), "review_note"),
        },
    )
    if may_record:
        errors.summary()
    left, right = st.columns(2)
    with left:
        subject = pick_by_search(
            _("Commitment or programme"), subjects, key="review_subject", many=_("commitments and programmes")
        )
        if subject is None:  # nothing matches what was typed (said beside the box)
            st.stop()
        errors.beside("commitment_ref")  # a programme's too: one picker offers both
        if may_record:
            st.selectbox(
                _("Status"),
                PROGRESS_STATUSES,
                index=None,
                format_func=review.status_label,
                key="review_status",
                placeholder=_("Choose a status"),
            )
            errors.beside("status")
            st.date_input(
                _("Date assessed"),
                value=as_of,
                max_value=as_of,
                min_value=date(2000, 1, 1),
                format="DD/MM/YYYY",
                key="review_assessed_on",
            )
            errors.beside("assessed_on")
    if may_record:
        with right:
            st.text_input(
                _("Evidence link"),
                key="review_evidence",
                placeholder="https://…",
                help=_("Where the status can be checked: minutes, a report, a published page."),
            )
            errors.beside("evidence_url")
            st.text_area(
                _("Note"), key="review_note", help=_("What the status rests on. Give a note, a link, or both.")
            )
            errors.beside("note")
        st.button(_("Save the status"), on_click=save_status, type="primary", key="review_save_status")
    else:
        st.caption(_(REVIEWERS_ONLY))

    st.header(_("History of {subject}", subject=escape_markdown(subjects.get(subject, subject))))
    own = history.loc[history["subject"] == subject].reset_index(drop=True)
    now = view.badge(view.current_status(own))
    st.markdown(_("**Current status**"))
    st.badge(now.label, icon=now.icon, color=cast(BadgeColour, now.colour))
    if own.empty:
        st.caption(_("No status has been given yet."))
    else:
        st.caption(_("Oldest first. Every status given is kept; the latest is the current one."))
        show_table(
            view.tinted_statuses(view.history_table(own)),
            hide_index=True,
            width="stretch",
            placeholder="—",
            column_config={
                "assessed_on": st.column_config.DateColumn(_("Assessed"), format="D MMM YYYY"),
                "status": st.column_config.TextColumn(_("Status"), width="medium"),
                "reviewer": st.column_config.TextColumn(_("Reviewer")),
                "evidence_url": st.column_config.LinkColumn(_("Evidence")),
                "note": st.column_config.TextColumn(_("Note"), width="medium"),
                "meeting_held_on": st.column_config.DateColumn(_("Given at the meeting of"), format="D MMM YYYY"),
                "recorded_at": st.column_config.DatetimeColumn(
                    _("Recorded (UTC)"), format="D MMM YYYY, HH:mm", timezone="UTC"
                ),
            },
            key="review_history",
        )
