"""The Review page's frozen figures (``dashboard/app_pages/review.py`` calls
these): the headline metrics with what is new money, unphased or estimated in
words, and the tables by year and by commitment. Everything comes from the
meeting's snapshot through ``tracker.review.presentation``; a snapshot frozen
before new money, unphased and estimated money were recorded shows without
them. Every label is in the language in use (``tracker.review.presentation.kept``
keeps what it works out for each language apart)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard.components import illustrative_notice, money_column, pager, percent_column
from dashboard.tables import show_table
from tracker.i18n import N_, _
from tracker.review import presentation as view
from tracker.review.meetings import Meeting


def headline(figures: Mapping[str, Any]) -> None:
    """The headline metrics, two rows, then the notes on how the money is counted."""
    for row in view.headline_metric_rows(figures):
        for column, metric in zip(st.columns(len(row)), row):
            column.metric(metric.label, metric.value, help=metric.help)
    for note in view.money_notes(figures):
        st.info(note, icon=":material/event_busy:")
    illustrative_notice(figures["headline"]["illustrative_deliveries"])


YEARLY_SPLIT = {  # column: (title, help), messages, for a snapshot that records them
    "new_money": (N_("New money"), N_("Committed less money announced before.")),
    "estimated": (
        N_("Estimated"),
        N_("Placed in years by a chosen spread of a multi-year total: an estimate, not as announced."),
    ),
}


def yearly(figures: Mapping[str, Any]) -> None:
    """Committed against delivered by financial year, then unphased money (no year stated)."""
    columns = {
        "financial_year": st.column_config.TextColumn(
            _("Financial year"), pinned=True, help=_("'unphased': money whose financial year was not stated.")
        ),
        "committed": money_column(
            _("Committed"), help=_("Every pound once: re-announcements once, shares in their pots.")
        ),
        "delivered": money_column(_("Delivered"), help=_("Payments and spend dated in the year.")),
        "variance": money_column(_("Variance"), help=_("Delivered minus committed: negative when behind.")),
        "pct_delivered": percent_column(_("% delivered")),
    }
    for name in view.yearly_columns(figures):
        if name in YEARLY_SPLIT:
            title, help_text = YEARLY_SPLIT[name]
            columns[name] = money_column(_(title), help=_(help_text))
    show_table(view.yearly_table(figures), hide_index=True, width="stretch", column_config=columns, key="review_yearly")


def commitments(meeting: Meeting, at_meeting: Mapping[str, str]) -> None:
    """Each commitment with its status, its money and how it is counted (a
    page at a time); then the programmes."""
    figures = meeting.figures
    table = view.kept(
        meeting,
        ("commitments", tuple(sorted(at_meeting.items()))),
        lambda: view.commitments_table(figures, at_meeting),
    )
    page = pager(len(table), "review_commitments_page", _("commitments"))
    show_table(
        view.tinted_statuses(page.rows(table)),
        hide_index=True,
        width="stretch",
        column_config={
            "ref": st.column_config.TextColumn(_("Ref"), pinned=True),
            "purpose": st.column_config.TextColumn(_("Purpose"), width="medium"),
            "status": st.column_config.TextColumn(
                _("Status"),
                width="medium",
                help=_("As frozen with the figures, or as given at this meeting (Statuses tab)."),
            ),
            "progress": st.column_config.TextColumn(_("Against profile")),
            "committed": money_column(_("Committed")),
            "new_money": money_column(_("New money"), help=_("Committed less money announced before.")),
            "due_to_date": money_column(_("Due to date"), help=_("Committed for financial years that had started.")),
            "delivered": money_column(_("Delivered")),
            "variance": money_column(_("Variance"), help=_("Delivered minus due to date: negative when behind.")),
            "outstanding": money_column(_("Outstanding"), help=_("Committed minus delivered.")),
            "programme": st.column_config.TextColumn(_("Programme")),
            "restates": st.column_config.TextColumn(
                _("Restates"), help=_("The earlier commitment this one re-announces: its money is counted there.")
            ),
            "how_counted": st.column_config.TextColumn(
                _("How counted"),
                width="medium",
                help=_("A share of a pot, money announced before, no year stated, or spread by a chosen spread."),
            ),
        },
        key="review_commitments",
    )
    programmes = view.programme_statuses(figures, at_meeting)
    if not programmes.empty:
        st.markdown(_("**Programmes**"))
        show_table(
            view.tinted_statuses(pager(len(programmes), "review_programmes_page", _("programmes")).rows(programmes)),
            hide_index=True,
            column_config={
                "programme": st.column_config.TextColumn(_("Programme"), width="large"),
                "status": st.column_config.TextColumn(_("Status"), width="medium"),
            },
            key="review_programmes",
        )
