"""Shared pieces of the dashboard: the database engine, cached data, money columns.

``st.cache_resource`` holds the engine (one per database URL) and the loaded
figures, both shared by every session and never changed in place. The
figures are kept until the data changes (keyed on
``tracker.figures.data.data_version``, not a timer), so widgets rerunning the
script do not query again and a write from anywhere is seen on the next run.
Shared rather than copied per run (``st.cache_data`` would unpickle the whole
read model on every run): what a page works out from them is kept with them
too (``TrackerData.remember``), so a page opened again is drawn from what it
worked out before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import links
from dashboard.table_style import money_column, percent_column
from dashboard.tables import show_table
from tracker import store
from tracker.core.clock import today
from tracker.core.fiscal import FinancialYear
from tracker.core.money import to_decimal
from tracker.figures import data as queries
from tracker.figures.areas import area_label
from tracker.figures.data_version import last_changed, last_changed_sentence
from tracker.figures.filters import Filters, choices, narrowed
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.paging import PAGE_SIZE, PICK_AT_MOST, Page, matching, page_of
from tracker.i18n import _, ngettext
from tracker.i18n.dates import long_date


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    return store.open_database(url)


def engine():
    """The engine for the configured database, migrated on first use."""
    return _engine(store.database_url())


@st.cache_resource(show_spinner=False, max_entries=2)  # big at scale: the live view and one other
def _cached_data(url: str, as_at: date | None, version: int) -> queries.TrackerData:
    return queries.load(_engine(url), as_at=as_at)


def _data(url: str, as_at: date | None, version: int) -> queries.TrackerData:
    """The figures (cached), saying so in the reader's language while they load (shown after half a second)."""
    with st.spinner(_("Loading the figures…")):
        return _cached_data(url, as_at, version)


def tracker_data(as_at: date | None = None) -> queries.TrackerData:
    """The figures, read again only when the data has changed (``version``:
    the newest audit event, so a write by another server process or the CLI
    is seen on the next run), not on a timer."""
    url = store.database_url()
    return _data(url, as_at, queries.data_version(_engine(url)))


@st.cache_data(show_spinner=False, max_entries=4)
def _last_changed(url: str, version: int):
    return last_changed(_engine(url))


def illustrative_notice(count: int) -> None:
    if count:
        st.warning(
            ngettext(
                "**Delivery figures are illustrative.** {count} delivery record in this dataset was made up "
                "for the demo: no payment or outturn figures were published for these announcements.",
                "**Delivery figures are illustrative.** {count} delivery records in this dataset were made up "
                "for the demo: no payment or outturn figures were published for these announcements.",
                count,
                count=format(count, ","),
            ),
            icon=":material/science:",
        )


@dataclass(frozen=True)
class View:
    """What every page shows: the data narrowed by the sidebar's filters."""

    data: queries.TrackerData
    filters: Filters
    today: date
    everything: queries.TrackerData  # before filtering, e.g. for "x of y shown"


SEARCH_PAGE = "app_pages/search.py"
SEARCH_BOX, SEARCH_GO = "sidebar_search", "_sidebar_search_go"


def _search_from_sidebar() -> None:
    """The sidebar's search box, on Enter: open the Search page for it (and empty the box)."""
    st.session_state[SEARCH_GO] = st.session_state.get(SEARCH_BOX, "")
    st.session_state[SEARCH_BOX] = ""


def sidebar() -> View:
    """The shared sidebar: the search box, the filters every page honours, and the as-at date.

    Called by ``app.py`` before the page runs, so the widgets (and their
    values) are the same on every page.
    """
    searched_for = st.session_state.pop(SEARCH_GO, None)
    if searched_for:
        st.switch_page(SEARCH_PAGE, query_params={"q": searched_for})
    as_at = today()
    url = store.database_url()
    version = queries.data_version(_engine(url))  # read once a run: the figures and "last changed" share it
    everything = _data(url, None, version)
    options = choices(everything)  # kept with the data
    labels = [fy.label for fy in options["years"]]
    notes = links.filters_from_address(options, labels)  # a link opened: its filters
    with st.sidebar:
        st.text_input(
            _("Search everything"),
            key=SEARCH_BOX,
            on_change=_search_from_sidebar,
            icon=":material/search:",
            placeholder=_("Words, a name, a ref or a place"),
            help=_("Announcements, commitments, organisations, programmes and places. Press Enter to search."),
        )
        st.header(_("Filters"))
        for note in notes:
            st.warning(escape_markdown(note), icon=":material/link_off:")  # it quotes the address, anyone's text
        first = last = None
        if len(labels) > 1:
            full = (labels[0], labels[-1])
            # Left at "everything", the range follows the data when new years
            # arrive (e.g. after a save); a range someone chose stays put, if
            # its years still exist.
            previous_full = st.session_state.get("_filter_years_full")
            chosen = st.session_state.get("filter_years")
            if chosen is not None and (chosen == previous_full or not set(chosen) <= set(labels)):
                st.session_state["filter_years"] = full
            st.session_state["_filter_years_full"] = full
            low, high = st.select_slider(
                _("Financial years"), options=labels, value=(labels[0], labels[-1]), key="filter_years"
            )
            if (low, high) != (labels[0], labels[-1]):
                first, last = FinancialYear.parse(low), FinancialYear.parse(high)
        funders = multi_pick(_("Funder"), options["funders"], "filter_funders", _("funders"), _("All funders"))
        recipients = multi_pick(
            _("Recipient"), options["recipients"], "filter_recipients", _("recipients"), _("All recipients")
        )
        programmes = multi_pick(
            _("Programme"), options["programmes"], "filter_programmes", _("programmes"), _("All programmes")
        )
        areas = multi_pick(
            _("Area"), options["areas"], "filter_areas", _("areas"), _("All areas"), format_func=area_label
        )
        st.divider()
        st.caption(_("Figures as at **{day}**. Financial years run from 1 April to 31 March.", day=long_date(as_at)))
        st.caption(last_changed_sentence(_last_changed(url, version)))
    filters = Filters(first, last, tuple(funders), tuple(recipients), tuple(programmes), tuple(areas))
    links.write_filters(filters)
    return View(narrowed(everything, filters), filters, as_at, everything)


def current_view() -> View:
    """The view ``app.py`` built for this run (pages call this)."""
    view = st.session_state.get("_view")
    if view is None:  # a page run on its own, e.g. in a test
        view = sidebar()
    return view


def filters_caption(view: View) -> None:
    if not view.filters.is_empty:
        st.caption(_("Filtered: {filters}.", filters=escape_markdown(view.filters.describe())))


def table_for_display(table, page: Page | None = None):
    """A ``tracker.files.table.Table`` (the rows of ``page`` of its body, and
    its total row on every page; else all) ready for ``st.dataframe``: exact
    pounds and its own headings, money and percentage columns formatted."""
    if page is None:
        frame = table.frame.copy()
    else:
        frame = page.rows(table.body)
        if table.total_row:
            frame = pd.concat([frame, table.frame.iloc[-1:]])
        frame = frame.reset_index(drop=True)
    frame = table.shown(frame)  # the tracker's words in cells ("Total", "unphased") in the reader's language
    config = {}
    for column in frame.columns:
        title = table.titles[column]
        if column in table.money_columns:
            frame[column] = [
                None if value is None or value != value else to_decimal(int(value)) for value in frame[column]
            ]
            config[column] = money_column(title)
        elif column in table.percent_columns:
            config[column] = percent_column(title)
        else:
            config[column] = st.column_config.Column(title)
    return frame, config


def pager(total: int, key: str, many: str) -> Page:
    """Which rows of a long table to show: a page number when there are more
    than ``PAGE_SIZE`` rows, and a caption saying which rows are shown."""
    if total <= PAGE_SIZE:
        return page_of(total, None)
    count = page_of(total, None).count
    if st.session_state.get(key, 1) > count:  # the list got shorter (a search, a filter)
        st.session_state[key] = count
    number_box, said = st.columns([1, 4], vertical_alignment="bottom")
    number = number_box.number_input(
        _("Page (of {count})", count=format(count, ",")),
        min_value=1,
        max_value=count,
        value=1,
        step=1,
        key=key,
        help=_("{size} rows a page. Search or filter to narrow the list; downloads hold every row.", size=PAGE_SIZE),
    )
    page = page_of(total, number)
    said.caption(page.caption(many))
    return page


def pick_by_search(label: str, options: Mapping[Any, str], key: str, many: str, **selectbox) -> Any:
    """A choice among ``options`` (key -> label). Up to ``PICK_AT_MOST`` it is a
    plain list; beyond, a search box narrows it (the list holds the first
    matches, and the current choice). ``selectbox``: more of ``st.selectbox``'s
    arguments (``index``, ``on_change``, ``placeholder``...)."""
    listed = searched(list(options) if len(options) <= PICK_AT_MOST else options, key, many)
    if listed is None:
        return None
    return st.selectbox(label, listed, format_func=options.__getitem__, key=key, **selectbox)


def multi_pick(label: str, options: list[str], key: str, many: str, everything: str, **multiselect) -> list[str]:
    """Choose any of ``options`` (none: all). Up to ``PICK_AT_MOST`` a plain
    list; beyond, a search box lists the first matches beside those chosen.
    ``many`` (what the options are) and ``everything`` (the placeholder, e.g.
    "All funders") already in the language in use."""
    if len(options) > PICK_AT_MOST:
        known = set(options)
        chosen = [value for value in st.session_state.get(key, []) if value in known]
        text = st.text_input(
            _("Find in {count} {many}", count=format(len(options), ","), many=many),
            key=f"{key}_find",
            icon=":material/search:",
            placeholder=_("Type part of a name"),
        )
        listed, found = matching(options, text)
        taken = set(chosen)
        options = [*chosen, *(value for value in listed if value not in taken)]
        if found > PICK_AT_MOST:
            st.caption(
                _(
                    "The first {shown} of {found} listed; type more to find others.",
                    shown=PICK_AT_MOST,
                    found=format(found, ","),
                )
            )
    return st.multiselect(label, options, key=key, placeholder=everything, **multiselect)


def searched(options: Mapping[Any, str] | list[str], key: str, many: str, first: Sequence[str] = ()) -> list | None:
    """The choices a picker (its widget ``key``) lists: all of ``options`` up to
    ``PICK_AT_MOST``, else a search box and the first matches of what is typed
    (with the current choice); ``first`` always comes first. None: nothing
    matches (said under the box)."""
    if len(options) <= PICK_AT_MOST:
        return [*first, *options]
    text = st.text_input(
        _("Find in {count} {many}", count=format(len(options), ","), many=many),
        key=f"{key}_find",
        icon=":material/search:",
        placeholder=_("Type part of a ref or a name"),
    )
    listed, found = matching(options, text, st.session_state.get(key))
    if not listed and not first:
        st.caption(_("Nothing matches “{text}”.", text=escape_markdown(text)))
        return None
    if found > PICK_AT_MOST:
        st.caption(
            _(
                "The first {shown} of {found} listed; type more to find the one you want.",
                shown=PICK_AT_MOST,
                found=format(found, ","),
            )
        )
    return [*first, *listed]


def milestones_table(milestones) -> None:
    """Milestones with their state and lateness (from ``tracker.figures.delivery.milestone_states``)."""
    show_table(
        milestones[["title", "commitment_ref", "due_on", "achieved_on", "state", "lateness", "achieved_note"]],
        hide_index=True,
        placeholder="—",
        width="stretch",
        column_config={
            "title": _("Milestone"),
            "commitment_ref": _("Commitment"),
            "due_on": st.column_config.DateColumn(_("Due"), format="D MMM YYYY"),
            "achieved_on": st.column_config.DateColumn(_("Achieved"), format="D MMM YYYY"),
            "state": _("State"),
            "lateness": _("How late"),
            "achieved_note": st.column_config.TextColumn(_("Note"), width="large"),
        },
    )


def clear_data() -> None:
    """After a save: every page reads the new figures on its next run."""
    _cached_data.clear()
    _organisation_names.clear()


@st.cache_data(show_spinner=False, max_entries=8)
def _organisation_names(url: str, version: int) -> list[str]:
    return queries.organisation_names(_engine(url))


def organisation_names(_engine_unused=None) -> list[str]:
    url = store.database_url()
    return _organisation_names(url, queries.data_version(_engine(url)))


NEW_ORGANISATION = "A new organisation…"  # the last choice of an organisation field (dashboard.forms)
