"""Delivery: commitments against delivery, by financial year and by commitment, with slippage;
and a revised commitment's original profile beside its revised one."""

import streamlit as st

from dashboard import auth, charts, downloads
from dashboard.chart_panel import chart_panel
from dashboard.components import (
    current_view,
    engine,
    filters_caption,
    illustrative_notice,
    money_column,
    pager,
    percent_column,
)
from dashboard.empty_states import empty_state, stop_if_nothing_to_show
from dashboard.tables import show_table
from tracker.figures import chart_summaries, chart_tables, delivery
from tracker.figures import revisions as revision_view
from tracker.figures.delivery_view import progress_in_view
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.shortfall import chart_rows
from tracker.i18n import _, deferred
from tracker.records.listings import revised_commitments
from tracker.records.revisions import baseline_vs_revised, revision_history

auth.require("view")

shown = current_view()
figures = progress_in_view(shown.everything, shown.filters, shown.today)

st.title(_("Delivery"))
st.caption(
    f"Figures as at {shown.today:%-d %B %Y}. Money falls due in the financial year it was committed for; "
    "**behind profile** is money due in years that have started but not yet delivered."
)
filters_caption(shown)

stop_if_nothing_to_show(shown, figures.is_empty)

if figures.delivery_count == 0:
    if shown.everything.deliveries.empty:
        empty_state("No deliveries recorded yet.", "deliveries")
    else:
        empty_state(
            "No deliveries recorded yet for what these filters show. Clear a filter in the sidebar to see others.",
            "deliveries",
        )
illustrative_notice(figures.illustrative_deliveries)
for note in figures.notes:
    st.info(note, icon=":material/event_busy:")

by_year_tab, by_commitment_tab = st.tabs(["By financial year", "By commitment"])

with by_year_tab:
    chart, numbers = st.container(), st.container()  # the chart full width, its table below (readable at 1024 px)
    with chart:
        chart_panel(
            charts.cumulative_slippage(figures.by_year),
            figures.year_summary,
            chart_tables.cumulative_slippage(figures.by_year),
            key="delivery_years_chart",
        )
    with numbers:
        show_table(
            delivery.in_pounds(
                figures.by_year,
                [
                    "committed",
                    "new_money",
                    "estimated",
                    "delivered",
                    "variance",
                    "cumulative_committed",
                    "cumulative_delivered",
                    "slippage",
                ],
            )[
                [
                    "label",
                    "committed",
                    "new_money",
                    "estimated",
                    "delivered",
                    "variance",
                    "pct_delivered",
                    "slippage",
                    "status",
                    "cumulative_committed",
                    "cumulative_delivered",
                ]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "label": st.column_config.TextColumn("Financial year", pinned=True),
                "committed": money_column(
                    "Committed",
                    help="Every pound once: re-announcements once, shares inside their pots; "
                    "'over' amounts at their floor.",
                ),
                "new_money": money_column("New money", help="Committed less money announced before."),
                "estimated": money_column(
                    "Estimated", help="The part of committed placed in this year by a chosen spread."
                ),
                "delivered": money_column(
                    "Delivered", help="Disbursements and expenditure dated in the year (undated: unphased)."
                ),
                "variance": money_column("Variance", help="Delivered minus committed: negative when behind."),
                "pct_delivered": percent_column("% delivered"),
                "cumulative_committed": money_column("Committed to date"),
                "cumulative_delivered": money_column("Delivered to date"),
                "slippage": money_column(
                    "Behind profile",
                    help="Committed to date minus delivered to date, when behind, for years that have started.",
                ),
                "status": st.column_config.TextColumn(
                    "At year end", help="Delivered to date against committed to date."
                ),
            },
        )
        st.download_button(
            "Download by year (CSV)",
            deferred(downloads.by_year_csv, figures.by_year),
            file_name="delivery-by-financial-year.csv",
            mime="text/csv",
            icon=":material/download:",
            key="delivery_download_years",
        )

    st.header("Deliveries in a financial year")
    year = st.selectbox("Financial year", figures.years, index=figures.latest_year, key="delivery_year")
    st.markdown(figures.year_sentence(year))
    records = delivery.deliveries_of_year(shown.data, figures.start_year(year))
    if records.empty:
        empty_state(f"No deliveries recorded yet for {year}.", "deliveries")
    else:
        year_page = pager(len(records), f"delivery_year_page_{year}", f"deliveries in {year}; the CSV holds every one")
        show_table(
            delivery.in_pounds(year_page.rows(records), ["amount_pence"]),
            hide_index=True,
            width="stretch",
            column_config={
                "ref": st.column_config.TextColumn("Ref"),
                "paid_on": st.column_config.DateColumn("Paid on", format="D MMM YYYY"),
                "commitment_ref": st.column_config.TextColumn("Recorded against"),
                "counted_toward": st.column_config.TextColumn(
                    "Counted toward",
                    help="A payment against a re-announcement delivers the original commitment's money.",
                ),
                "purpose": st.column_config.TextColumn("Purpose"),
                "amount_pence": money_column("Amount"),
                "kind": st.column_config.TextColumn("Kind"),
                "note": st.column_config.TextColumn("Note"),
                "illustrative": st.column_config.CheckboxColumn("Illustrative"),
            },
        )
        st.download_button(
            f"Download {year} deliveries (CSV)",
            deferred(downloads.deliveries_csv, records),
            file_name=f"deliveries-{year}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="delivery_download_year_records",
        )

with by_commitment_tab:
    chart, numbers = st.container(), st.container()  # the chart full width, its table below (readable at 1024 px)
    with chart:
        shortfall = figures.shortfall if figures.shortfall is not None else chart_rows(figures.by_commitment)
        chart_panel(
            charts.share_of_due_delivered(figures.by_commitment, shortfall),
            chart_summaries.share_of_due_delivered(figures.by_commitment),
            chart_tables.share_of_due_delivered(shortfall),
            key="delivery_commitments_chart",
        )
    with numbers:
        commitment_page = pager(
            len(figures.by_commitment),
            "delivery_commitments_page",
            "commitments in the order announced; the CSV holds every one",
        )
        show_table(
            delivery.in_pounds(
                commitment_page.rows(figures.by_commitment),
                ["committed", "due_to_date", "delivered", "variance", "outstanding", "slippage"],
            )[
                [
                    "ref",
                    "status",
                    "pct_of_due_delivered",
                    "committed",
                    "due_to_date",
                    "delivered",
                    "variance",
                    "outstanding",
                    "slippage",
                    "purpose",
                    "recipient",
                    "programme",
                    "restates",
                ]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "ref": st.column_config.TextColumn("Ref", pinned=True),
                "status": st.column_config.TextColumn("Against profile"),
                "committed": money_column("Committed", help="Every pound once, in all the years shown."),
                "due_to_date": money_column("Due to date", help="Committed for financial years that have started."),
                "delivered": money_column(
                    "Delivered", help="Including payments recorded against a re-announcement of it."
                ),
                "variance": money_column("Variance", help="Delivered minus due to date: negative when behind."),
                "pct_of_due_delivered": percent_column("% of due delivered"),
                "outstanding": money_column("Outstanding", help="Committed minus delivered."),
                "slippage": money_column("Behind profile", help="Due to date minus delivered, when behind."),
                "purpose": st.column_config.TextColumn("Purpose"),
                "recipient": st.column_config.TextColumn("Recipient"),
                "programme": st.column_config.TextColumn("Programme"),
                "restates": st.column_config.TextColumn(
                    "Restates",
                    help="The earlier commitment this re-announces; its money and payments are counted there.",
                ),
            },
        )
        st.caption("Select a column heading to sort" + ("." if commitment_page.is_whole else " this page."))
        st.download_button(
            "Download by commitment (CSV)",
            deferred(downloads.by_commitment_csv, figures.by_commitment),
            file_name="delivery-by-commitment.csv",
            mime="text/csv",
            icon=":material/download:",
            key="delivery_download_commitments",
        )

st.divider()
st.header("Original and revised profiles")
revised = revised_commitments(engine())
shown_revised = revised.loc[revised["ref"].isin(set(shown.data.commitments["ref"]))]
if revised.empty:
    st.info(
        "No commitment has been revised yet. When a commitment's amount or profile is changed, its "
        "original profile will appear here beside the revised one, with the reason for the change. "
        'Changes are made on the "Change a record" page.',
        icon=":material/info:",
    )
elif shown_revised.empty:
    st.info(
        f"None of the commitments these filters show has been revised. Clear a filter in the sidebar to "
        f"see the {len(revised)} that have.",
        icon=":material/filter_alt_off:",
    )
else:
    options = revision_view.choices(shown_revised)
    ref = st.selectbox(
        "Revised commitment", list(options), format_func=lambda ref: options[ref], key="delivery_revised_commitment"
    )
    profiles = baseline_vs_revised(engine(), ref)
    revisions = revision_history(engine(), ref)
    comparison = revision_view.comparison_table(profiles, ref)
    chart, numbers = st.container(), st.container()  # the chart full width, its table below (readable at 1024 px)
    with chart:
        chart_panel(
            charts.original_vs_revised(comparison.body),
            revision_view.summary(ref, profiles, revisions),
            chart_tables.original_vs_revised(comparison.body),
            key="delivery_revised_chart",
        )
    with numbers:
        show_table(
            revision_view.in_pounds(comparison),
            hide_index=True,
            width="stretch",
            column_config={
                "financial_year": st.column_config.TextColumn("Financial year", pinned=True),
                "original": money_column("Original", help="The profile as first committed."),
                "revised": money_column("Revised", help="The profile as it stands now."),
                "change": money_column("Change", help="Revised minus original: negative when less."),
            },
        )
        st.caption("The last row is the total over every year.")
        st.download_button(
            f"Download {escape_markdown(ref)} original and revised (CSV)",
            deferred(downloads.comparison_csv, comparison),
            file_name=f"original-and-revised-{ref}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="delivery_download_revised",
        )

    st.markdown("**Revisions, oldest first**")
    show_table(
        revision_view.history(revisions),
        hide_index=True,
        width="stretch",
        column_config={
            "revised_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm:ss", timezone="UTC"),
            "actor": st.column_config.TextColumn("Who"),
            "reason": st.column_config.TextColumn("Reason"),
            "reason_text": st.column_config.TextColumn("Reason given"),
            "changed": st.column_config.TextColumn("What changed", width="large"),
        },
    )
