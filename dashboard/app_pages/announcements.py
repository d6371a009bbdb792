"""Announcements: the register of public funding announcements, and the detail of one.

The register honours the sidebar's filters; the page adds a text search and a
status filter. A row selected in the table, or chosen in the list under it
(for keyboards and tests), opens its detail: the words quoted, the money by
commitment and financial year, deliveries, milestones and re-announcements.
"""

import pandas as pd
import streamlit as st

from dashboard import auth, charts, downloads, links, recorded_words
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
from tracker.core.languages import ENGLISH
from tracker.core.limits import check_web_address
from tracker.core.money import format_pounds, format_short
from tracker.core.vocabulary import STATUS_LABELS, label
from tracker.figures import chart_tables
from tracker.figures.activity_budgets import activity_facts
from tracker.figures.announcement_detail import detail, schedule_table
from tracker.figures.data import data_version
from tracker.figures.delivery import qualified
from tracker.figures.headlines import verdict_of
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.new_and_recycled import of_announcement
from tracker.figures.new_and_recycled_tables import parts_rows
from tracker.figures.paging import page_holding
from tracker.figures.recorded_language import Said, said, titles
from tracker.figures.register import (
    STATUSES,
    in_pounds,
    kept_search,
    pick_labels,
    read_announcements,
    register_table,
)
from tracker.i18n import _, deferred, ngettext
from tracker.i18n.dates import long_date

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


def _link_line(link) -> str:
    """An IATI activity's link to another, in words."""
    ref, relation, other = escape_markdown(link.commitment_ref), link.relation.lower(), escape_markdown(link.other_ref)
    if link.held:
        return _("{ref}: {relation} {other}", ref=ref, relation=relation, other=other)
    return _("{ref}: {relation} {other} (not held here)", ref=ref, relation=relation, other=other)


def _open(ref: str, page_number: int) -> None:
    st.session_state[PICK] = ref
    st.session_state[PAGE] = page_number


shown = current_view()
database = engine()
version = data_version(database)
announcements = _announcements(database, database.url.render_as_string(), version)

st.title(_("Announcements"))
st.caption(
    _(
        "Every public funding announcement: when it was made, by whom, the words used and the money it carries. "
        "Select a row, or choose an announcement under the table, to see its detail."
    )
)
filters_caption(shown)

if announcements.empty:
    empty_state(_("No announcements recorded yet."))
    st.stop()

search_box, status_box = st.columns([3, 1])
text = search_box.text_input(
    _("Search"),
    key="announcements_search",
    icon=":material/search:",
    placeholder=_("Words in a title, purpose, recipient, quote or ref, e.g. CDPS"),
)
statuses = status_box.multiselect(
    _("Status"),
    STATUSES,
    format_func=lambda status: label(STATUS_LABELS, status),
    key="announcements_status",
    placeholder=_("Any status"),
)
rows = kept_search(shown.data, announcements, version, shown.filters, text, statuses)

if rows.empty:
    st.info(
        _("No announcements match. Clear the search or the status, or widen the filters in the sidebar."),
        icon=":material/filter_alt_off:",
    )
    st.stop()

st.caption(
    ngettext(
        "{shown} of {total} announcement shown. **Headline**: the money announced, in the financial years shown; "
        "**new money** leaves out re-announcements, which are counted once.",
        "{shown} of {total} announcements shown. **Headline**: the money announced, in the financial years shown; "
        "**new money** leaves out re-announcements, which are counted once.",
        len(announcements),
        shown=format(len(rows), ","),
        total=format(len(announcements), ","),
    )
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
                _(
                    "Announcement {asked} is not among those shown: clear the search, the status or the filters "
                    "in the sidebar to see it.",
                    asked=repr(asked),
                )
                if known
                else _(
                    "No announcement {asked} is recorded: the link may be mistyped, or it was deleted.",
                    asked=repr(asked),
                )
            ),
            icon=":material/link_off:",
        )  # it quotes the address, anyone's text
page = pager(len(rows), PAGE, _("announcements; search to find one"))
on_page = page.rows(rows)
on_page = on_page.assign(title=titles(on_page))  # in the reader's language, where it was recorded
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
        "ref": st.column_config.TextColumn(_("Ref"), pinned=True),
        "announced_on": st.column_config.DateColumn(_("Announced"), format="D MMM YYYY"),
        "title": st.column_config.TextColumn(_("Title"), width="medium"),
        "funder": _("Funder"),
        "recipients": _("Recipients"),
        "years": _("Financial years"),
        "headline": money_column(
            _("Headline"), help=_("The amounts its commitments announced, in the financial years shown.")
        ),
        "qualifier": st.column_config.TextColumn(
            _("Headline is"), help=_("'at least' where an 'over' amount is counted at its floor")
        ),
        "new_money": money_column(_("New money"), help=_("Headline less re-announced money, which is counted once.")),
        "statuses": _("Status"),
        "source_url": st.column_config.LinkColumn(_("Source"), display_text=r"https?://(?:www\.)?([^/]+)"),
    },
)
st.download_button(
    _("Download the register (CSV)"),
    deferred(downloads.csv_of, register_table, rows),
    file_name="announcements.csv",
    mime="text/csv",
    icon=":material/download:",
    key="announcements_download_register",
)

labels = pick_labels(on_page)
picked = st.selectbox(
    _("Open an announcement"),
    refs,
    format_func=lambda ref: labels[ref],
    key=PICK,
    placeholder=_("Choose an announcement…"),
)
links.show_record("ref", picked)
if picked is None:
    st.info(
        _("Select a row in the table, or choose an announcement above, to see its detail."),
        icon=":material/touch_app:",
    )
    st.stop()

found = detail(shown.data, announcements, picked, shown.today)
title = said(found.title, found.title_cy) or Said(found.title, ENGLISH, False)  # a title is always recorded

st.divider()
st.header(escape_markdown(f"{found.ref}: {title.words}"))
if title.note:
    st.caption(title.note)
if found.announced_on and found.made_by:
    when = _(
        "Announced on {day} by {funder} ({made_by}).",
        day=long_date(found.announced_on),
        funder=found.funder,
        made_by=found.made_by,
    )
elif found.announced_on:
    when = _("Announced on {day} by {funder}.", day=long_date(found.announced_on), funder=found.funder)
elif found.made_by:
    when = _("Undated: no date was published, by {funder} ({made_by}).", funder=found.funder, made_by=found.made_by)
else:
    when = _("Undated: no date was published, by {funder}.", funder=found.funder)
st.markdown(escape_markdown(when))
quoted = said(found.quote, found.quote_cy)
if quoted:
    recorded_words.quote(quoted)
else:
    st.caption(_("No words were quoted for this announcement."))
if found.source_url and check_web_address("source_url", found.source_url) is None:  # never a javascript: link
    st.link_button(_("Read the source"), found.source_url, icon=":material/open_in_new:")
if found.notes:
    st.markdown(_("**Notes.** {notes}", notes=escape_markdown(found.notes)))
checked = verdict_of(shown.everything, announcements, found.ref)  # against all its money, not the filtered
if checked is not None:
    st.markdown(_("**Headline claim, as stated.** {headline}", headline=escape_markdown(checked.claim.stated)))
    said_of_it = escape_markdown(checked.sentence())
    if checked.differs:
        st.warning(said_of_it, icon=":material/rule:")
    else:
        st.info(said_of_it, icon=":material/rule:")

if not found.has_money:
    empty_state(
        _(
            "{ref} carries no money: no commitments are recorded against it, so there is no "
            "schedule, delivery or milestone to show. If it turns out to carry money:",
            ref=escape_markdown(found.ref),
        ),
        "its commitments",
        icon=":material/money_off:",
    )
    st.stop()

headline, new_money, delivered = st.columns(3)
headline.metric(
    _("Headline"),
    qualified(format_short(found.headline_pence), found.qualifier),
    help=_("The amounts its commitments announced, in the financial years shown."),
)
new_money.metric(
    _("New money"),
    format_short(found.new_money_pence),
    help=_("Re-announced money is counted once, under the commitment it restates."),
)
delivered.metric(_("Delivered so far"), format_short(found.delivered_pence))

st.subheader(_("New and recycled"))
recycled = of_announcement(shown.everything, found.ref)  # counted on its own, as its headline's verdict is
st.markdown(escape_markdown(recycled.sentence()))
show_table(
    parts_rows(recycled),
    hide_index=True,
    column_config={"part": _("Part"), "amount": money_column(_("Amount"))},
    key="announcement_new_and_recycled",
)

st.subheader(_("Commitments"))
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
        "ref": st.column_config.TextColumn(_("Ref"), pinned=True),
        "purpose": st.column_config.TextColumn(_("Purpose"), width="medium"),
        "recipient": _("Recipient"),
        "programme": _("Programme"),
        "terms": st.column_config.TextColumn(_("As announced"), width="medium"),
        "status": _("Status"),
        "years": _("Financial years"),
        "reannounces_ref": st.column_config.TextColumn(
            _("Re-announces"), help=_("The earlier commitment it restates.")
        ),
        "headline": money_column(_("Headline")),
        "new_money": money_column(_("New money")),
    },
)

st.subheader(_("Re-announcements"))
reannouncements = [*found.reannounces, *found.reannounced_by]
if not reannouncements:
    st.caption(_("It does not re-announce an earlier commitment, and no later announcement re-announces it."))
for link in reannouncements:
    sentence, action = st.columns([5, 1], vertical_alignment="center")
    sentence.markdown(escape_markdown(link.sentence))
    other_page = page_holding(rows["ref"], link.other_announcement_ref)
    if other_page is not None and link.other_announcement_ref != found.ref:
        action.button(
            _("Open {ref}", ref=escape_markdown(link.other_announcement_ref)),
            key=f"announcements_open_{link.commitment_ref}_{link.other_commitment_ref}",
            on_click=_open,
            args=(link.other_announcement_ref, other_page),
            icon=":material/arrow_forward:",
        )

if found.shares:
    st.subheader(_("Pots and shares"))
    st.caption(_("A share is taken out of its pot, never added on top: the money is counted once."))
    st.markdown(
        "\n".join(
            f"{'  ' * (len(line) - len(line.lstrip(' ')))}- {escape_markdown(line.strip())}" for line in found.shares
        )
    )

st.subheader(_("Money by financial year"))
if found.schedule.empty:
    st.info(
        _("None of its money falls in the financial years chosen. Widen the years in the sidebar."),
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
                "label": st.column_config.TextColumn(_("Financial year"), pinned=True),
                "commitment_ref": _("Commitment"),
                "headline": money_column(_("Headline"), help=_("As announced.")),
                "new_money": money_column(_("New money"), help=_("Nothing for a re-announcement.")),
                "qualifier": st.column_config.TextColumn(_("Amount is"), help=_("over: a floor; up to: a ceiling")),
            },
        )
        st.download_button(
            _("Download the schedule (CSV)"),
            deferred(downloads.csv_of, schedule_table, found),
            file_name=f"schedule-{found.ref}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="announcements_download_schedule",
        )

facts = activity_facts(engine(), list(found.commitments["ref"]), found.schedule)
if not facts.empty:
    st.subheader(_("Budgets and related activities (IATI)"))
    st.caption(
        _(
            "What the activity planned to spend, by the financial year each budget period starts, beside what it "
            "committed. Budgets are a plan: they are never counted as committed."
        )
    )
    if not facts.budgets.empty:
        show_table(
            in_pounds(facts.budgets)[["label", "commitment_ref", "committed", "original", "revised"]],
            hide_index=True,
            width="stretch",
            column_config={
                "label": st.column_config.TextColumn(_("Financial year"), pinned=True),
                "commitment_ref": _("Commitment"),
                "committed": money_column(_("Committed"), help=_("Its commitment transactions in the year.")),
                "original": money_column(_("Original budget")),
                "revised": money_column(_("Revised budget")),
            },
        )
    if facts.undated_budget_pence:
        st.markdown(_("Budgets with no period start: {amount}.", amount=format_pounds(facts.undated_budget_pence)))
    if facts.links:
        st.markdown("\n".join(f"- {_link_line(link)}" for link in facts.links))

st.subheader(_("Deliveries"))
if found.deliveries.empty:
    st.info(_("No deliveries recorded yet against this announcement's commitments."), icon=":material/info:")
else:
    illustrative_notice(found.illustrative_deliveries)
    show_table(
        in_pounds(found.deliveries)[["paid_on", "label", "ref", "commitment_ref", "amount", "kind", "note"]],
        hide_index=True,
        placeholder="—",
        width="stretch",
        column_config={
            "paid_on": st.column_config.DateColumn(_("Paid on"), format="D MMM YYYY"),
            "label": _("Financial year"),
            "ref": _("Ref"),
            "commitment_ref": _("Commitment"),
            "amount": money_column(_("Amount")),
            "kind": _("Kind"),
            "note": st.column_config.TextColumn(_("Note"), width="large"),
        },
    )

st.subheader(_("Milestones"))
if found.milestones.empty:
    st.info(_("No milestones recorded against this announcement's commitments."), icon=":material/info:")
else:
    milestones_table(found.milestones)
