"""Announcements: the register of public funding announcements, and the detail of one.

The register honours the sidebar's filters; the page adds a text search and a
status filter. A row selected in the table, or chosen in the list under it
(for keyboards and tests), opens its detail: the words quoted, the money by
commitment and financial year, deliveries, milestones and re-announcements.
"""

import pandas as pd
import streamlit as st

from dashboard import auth, charts, downloads, links
from dashboard.chart_panel import chart_panel
from dashboard.components import (
    current_view,
    engine,
    filters_caption,
    illustrative_notice,
    milestones_table,
    money_column,
    pager,
)
from dashboard.empty_states import empty_state
from dashboard.tables import show_table
from tracker.core.limits import check_web_address
from tracker.core.money import format_pounds, format_short
from tracker.figures import chart_tables
from tracker.figures.activity_budgets import activity_facts
from tracker.figures.announcement_detail import detail, schedule_table
from tracker.figures.data import data_version
from tracker.figures.delivery import qualified
from tracker.figures.markdown_text import blockquote, escape_markdown
from tracker.figures.paging import page_holding
from tracker.figures.register import (
    STATUSES,
    in_pounds,
    kept_search,
    pick_labels,
    read_announcements,
    register_table,
)
from tracker.i18n import _, deferred

auth.require("view")

PICK, TABLE, PAGE = "announcements_pick", "announcements_table", "announcements_page"


@st.cache_resource(show_spinner=False, max_entries=2)
def _announcements(_engine, url: str, version: int) -> pd.DataFrame:
    """Every announcement with its quoted words, shared and never changed
    (``url`` and the data's ``version`` key the cache; the engine is not hashed)."""
    return read_announcements(_engine)


def _keep_table_and_list_in_step(refs: list[str]) -> None:
    """The table's selected row and the list's choice show the same announcement."""
    if st.session_state.get(PICK) not in refs:
        st.session_state[PICK] = None
    pick = st.session_state[PICK]
    wanted = [refs.index(pick)] if pick is not None else []
    state = st.session_state.get(TABLE)
    if (list(state["selection"]["rows"]) if state else []) != wanted:
        st.session_state[TABLE] = {"selection": {"rows": wanted, "columns": [], "cells": []}}


def _picked_in_table(refs: list[str]):
    def picked() -> None:
        rows = st.session_state[TABLE]["selection"]["rows"]
        st.session_state[PICK] = refs[rows[0]] if rows else None

    return picked


def _open(ref: str, page_number: int) -> None:
    st.session_state[PICK] = ref
    st.session_state[PAGE] = page_number


shown = current_view()
database = engine()
version = data_version(database)
announcements = _announcements(database, database.url.render_as_string(), version)

st.title(_("Announcements"))
st.caption(
    "Every public funding announcement: when it was made, by whom, the words used and the money it carries. "
    "Select a row, or choose an announcement under the table, to see its detail."
)
filters_caption(shown)

if announcements.empty:
    empty_state("No announcements recorded yet.")
    st.stop()

search_box, status_box = st.columns([3, 1])
text = search_box.text_input(
    "Search",
    key="announcements_search",
    icon=":material/search:",
    placeholder="Words in a title, purpose, recipient, quote or ref, e.g. CDPS",
)
statuses = status_box.multiselect("Status", STATUSES, key="announcements_status", placeholder="Any status")
rows = kept_search(shown.data, announcements, version, shown.filters, text, statuses)

if rows.empty:
    st.info(
        "No announcements match. Clear the search or the status, or widen the filters in the sidebar.",
        icon=":material/filter_alt_off:",
    )
    st.stop()

st.caption(
    f"{len(rows):,} of {len(announcements):,} announcements shown. **Headline**: the money announced, in the "
    "financial years shown; **new money** leaves out re-announcements, which are counted once."
)
asked = links.asked_record("ref", st.session_state.get(PICK))
if asked is not None:  # a link to one announcement
    holding = page_holding(rows["ref"], asked)
    if holding is not None:
        _open(asked, holding)
    else:
        known = asked in set(announcements["ref"])
        st.warning(
            escape_markdown(
                f"Announcement {asked!r} is not among those shown: clear the search, the status or the filters "
                "in the sidebar to see it."
                if known
                else f"No announcement {asked!r} is recorded: the link may be mistyped, or it was deleted."
            ),
            icon=":material/link_off:",
        )  # it quotes the address, anyone's text
page = pager(len(rows), PAGE, "announcements; search to find one")
on_page = page.rows(rows)
refs = list(on_page["ref"])
_keep_table_and_list_in_step(refs)
show_table(
    in_pounds(on_page)[
        [
            "ref",
            "announced_on",
            "title",
            "headline",
            "qualifier",
            "new_money",
            "years",
            "recipients",
            "funder",
            "statuses",
            "source_url",
        ]
    ],
    hide_index=True,
    placeholder="—",
    width="stretch",
    key=TABLE,
    on_select=_picked_in_table(refs),
    selection_mode="single-row",
    column_config={
        "ref": st.column_config.TextColumn("Ref", pinned=True),
        "announced_on": st.column_config.DateColumn("Announced", format="D MMM YYYY"),
        "title": st.column_config.TextColumn("Title", width="medium"),
        "funder": "Funder",
        "recipients": "Recipients",
        "years": "Financial years",
        "headline": money_column(
            "Headline", help="The amounts its commitments announced, in the financial years shown."
        ),
        "qualifier": st.column_config.TextColumn(
            "Headline is", help="'at least' where an 'over' amount is counted at its floor"
        ),
        "new_money": money_column("New money", help="Headline less re-announced money, which is counted once."),
        "statuses": "Status",
        "source_url": st.column_config.LinkColumn("Source", display_text=r"https?://(?:www\.)?([^/]+)"),
    },
)
st.download_button(
    "Download the register (CSV)",
    deferred(downloads.csv_of, register_table, rows),
    file_name="announcements.csv",
    mime="text/csv",
    icon=":material/download:",
    key="announcements_download_register",
)

labels = pick_labels(on_page)
picked = st.selectbox(
    "Open an announcement",
    refs,
    format_func=lambda ref: labels[ref],
    key=PICK,
    placeholder="Choose an announcement…",
)
links.show_record("ref", picked)
if picked is None:
    st.info(
        "Select a row in the table, or choose an announcement above, to see its detail.", icon=":material/touch_app:"
    )
    st.stop()

found = detail(shown.data, announcements, picked, shown.today)

st.divider()
st.header(escape_markdown(f"{found.ref}: {found.title}"))
made_by = f" ({found.made_by})" if found.made_by else ""
when = f"Announced on {found.announced_on:%-d %B %Y}" if found.announced_on else "Undated: no date was published"
st.markdown(
    escape_markdown(
        f"{when}, by {found.funder}{made_by}." if not found.announced_on else f"{when} by {found.funder}{made_by}."
    )
)
if found.quote:
    st.markdown(blockquote(found.quote))
else:
    st.caption("No words were quoted for this announcement.")
if found.source_url and check_web_address("source_url", found.source_url) is None:  # never a javascript: link
    st.link_button("Read the source", found.source_url, icon=":material/open_in_new:")
if found.notes:
    st.markdown("**Notes.** " + escape_markdown(found.notes))

if not found.has_money:
    empty_state(
        f"{escape_markdown(found.ref)} carries no money: no commitments are recorded against it, so there is no "
        "schedule, delivery or milestone to show. If it turns out to carry money:",
        "its commitments",
        icon=":material/money_off:",
    )
    st.stop()

headline, new_money, delivered = st.columns(3)
headline.metric(
    "Headline",
    qualified(format_short(found.headline_pence), found.qualifier),
    help="The amounts its commitments announced, in the financial years shown.",
)
new_money.metric(
    "New money",
    format_short(found.new_money_pence),
    help="Re-announced money is counted once, under the commitment it restates.",
)
delivered.metric("Delivered so far", format_short(found.delivered_pence))

st.subheader("Commitments")
show_table(
    in_pounds(found.commitments)[
        [
            "ref",
            "purpose",
            "terms",
            "headline",
            "new_money",
            "years",
            "reannounces_ref",
            "status",
            "recipient",
            "programme",
        ]
    ],
    hide_index=True,
    placeholder="—",
    width="stretch",
    column_config={
        "ref": st.column_config.TextColumn("Ref", pinned=True),
        "purpose": st.column_config.TextColumn("Purpose", width="medium"),
        "recipient": "Recipient",
        "programme": "Programme",
        "terms": st.column_config.TextColumn("As announced", width="medium"),
        "status": "Status",
        "years": "Financial years",
        "reannounces_ref": st.column_config.TextColumn("Re-announces", help="The earlier commitment it restates."),
        "headline": money_column("Headline"),
        "new_money": money_column("New money"),
    },
)

st.subheader("Re-announcements")
reannouncements = [*found.reannounces, *found.reannounced_by]
if not reannouncements:
    st.caption("It does not re-announce an earlier commitment, and no later announcement re-announces it.")
for link in reannouncements:
    sentence, action = st.columns([5, 1], vertical_alignment="center")
    sentence.markdown(escape_markdown(link.sentence))
    other_page = page_holding(rows["ref"], link.other_announcement_ref)
    if other_page is not None and link.other_announcement_ref != found.ref:
        action.button(
            f"Open {escape_markdown(link.other_announcement_ref)}",
            key=f"announcements_open_{link.commitment_ref}_{link.other_commitment_ref}",
            on_click=_open,
            args=(link.other_announcement_ref, other_page),
            icon=":material/arrow_forward:",
        )

if found.shares:
    st.subheader("Pots and shares")
    st.caption("A share is taken out of its pot, never added on top: the money is counted once.")
    st.markdown(
        "\n".join(
            f"{'  ' * (len(line) - len(line.lstrip(' ')))}- {escape_markdown(line.strip())}" for line in found.shares
        )
    )

st.subheader("Money by financial year")
if found.schedule.empty:
    st.info(
        "None of its money falls in the financial years chosen. Widen the years in the sidebar.",
        icon=":material/filter_alt_off:",
    )
else:
    chart, numbers = st.container(), st.container()  # the chart full width, its table below (readable at 1024 px)
    with chart:
        names = {
            ref: f"{ref}: {purpose}" for ref, purpose in zip(found.commitments["ref"], found.commitments["purpose"])
        }
        chart_panel(
            charts.announcement_schedule(found.schedule, names),
            found.summary,
            chart_tables.announcement_schedule(found.schedule, names),
            key="announcements_schedule_chart",
        )
    with numbers:
        show_table(
            in_pounds(found.schedule)[["label", "commitment_ref", "headline", "new_money", "qualifier"]],
            hide_index=True,
            placeholder="—",
            width="stretch",
            column_config={
                "label": st.column_config.TextColumn("Financial year", pinned=True),
                "commitment_ref": "Commitment",
                "headline": money_column("Headline", help="As announced."),
                "new_money": money_column("New money", help="Nothing for a re-announcement."),
                "qualifier": st.column_config.TextColumn("Amount is", help="over: a floor; up to: a ceiling"),
            },
        )
        st.download_button(
            "Download the schedule (CSV)",
            deferred(downloads.csv_of, schedule_table, found),
            file_name=f"schedule-{found.ref}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="announcements_download_schedule",
        )

facts = activity_facts(engine(), list(found.commitments["ref"]), found.schedule)
if not facts.empty:
    st.subheader("Budgets and related activities (IATI)")
    st.caption(
        "What the activity planned to spend, by the financial year each budget period starts, beside what it "
        "committed. Budgets are a plan: they are never counted as committed."
    )
    if not facts.budgets.empty:
        show_table(
            in_pounds(facts.budgets)[["label", "commitment_ref", "committed", "original", "revised"]],
            hide_index=True,
            width="stretch",
            column_config={
                "label": st.column_config.TextColumn("Financial year", pinned=True),
                "commitment_ref": "Commitment",
                "committed": money_column("Committed", help="Its commitment transactions in the year."),
                "original": money_column("Original budget"),
                "revised": money_column("Revised budget"),
            },
        )
    if facts.undated_budget_pence:
        st.markdown(f"Budgets with no period start: {format_pounds(facts.undated_budget_pence)}.")
    if facts.links:
        st.markdown(
            "\n".join(
                f"- {escape_markdown(link.commitment_ref)}: {link.relation.lower()} "
                f"{escape_markdown(link.other_ref)}" + ("" if link.held else " (not held here)")
                for link in facts.links
            )
        )

st.subheader("Deliveries")
if found.deliveries.empty:
    st.info("No deliveries recorded yet against this announcement's commitments.", icon=":material/info:")
else:
    illustrative_notice(found.illustrative_deliveries)
    show_table(
        in_pounds(found.deliveries)[["paid_on", "label", "ref", "commitment_ref", "amount", "kind", "note"]],
        hide_index=True,
        placeholder="—",
        width="stretch",
        column_config={
            "paid_on": st.column_config.DateColumn("Paid on", format="D MMM YYYY"),
            "label": "Financial year",
            "ref": "Ref",
            "commitment_ref": "Commitment",
            "amount": money_column("Amount"),
            "kind": "Kind",
            "note": st.column_config.TextColumn("Note", width="large"),
        },
    )

st.subheader("Milestones")
if found.milestones.empty:
    st.info("No milestones recorded against this announcement's commitments.", icon=":material/info:")
else:
    milestones_table(found.milestones)
