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
from dashboard.prices_choice import prices_choice
from dashboard.tables import show_table
from tracker.figures import chart_summaries, chart_tables, delivery
from tracker.figures import revisions as revision_view
from tracker.figures.delivery_view import progress_in_view
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.real_terms import PRICE_WORDS
from tracker.figures.shortfall import chart_rows
from tracker.figures.yearly_prices import delivery_in_prices, left_out
from tracker.i18n import _, deferred, ngettext
from tracker.i18n.dates import long_date
from tracker.records.listings import revised_commitments
from tracker.records.revisions import baseline_vs_revised, revision_history

auth.require("view")

shown = current_view()
figures = progress_in_view(shown.everything, shown.filters, shown.today)

st.title(_("Delivery"))
st.caption(
    _(
        "Figures as at {day}. Money falls due in the financial year it was committed for; "
        "**behind profile** is money due in years that have started but not yet delivered.",
        day=long_date(shown.today),
    )
)
filters_caption(shown)

stop_if_nothing_to_show(shown, figures.is_empty)

if figures.delivery_count == 0:
    if shown.everything.deliveries.empty:
        empty_state(_("No deliveries recorded yet."), "deliveries")
    else:
        empty_state(
            _("No deliveries recorded yet for what these filters show. Clear a filter in the sidebar to see others."),
            "deliveries",
        )
illustrative_notice(figures.illustrative_deliveries)
for note in figures.notes:
    st.info(note, icon=":material/event_busy:")

by_year_tab, by_commitment_tab = st.tabs([_("By financial year"), _("By commitment")])

with by_year_tab:
    prices = prices_choice("delivery")
    by_year, in_prices_summary = delivery_in_prices(figures.by_year, prices, shown.today)
    for why, years in left_out(figures.by_year, prices).items():
        st.caption(
            _(
                "No real-terms value for {years} ({why}): left out, never deflated by guess.",
                years=", ".join(years),
                why=_(PRICE_WORDS[why]),
            )
        )
    chart, numbers = st.container(), st.container()  # the chart full width, its table below (readable at 1024 px)
    with chart:
        chart_panel(
            charts.cumulative_slippage(by_year),
            in_prices_summary or figures.year_summary,
            chart_tables.cumulative_slippage(by_year),
            key="delivery_years_chart",
        )
    with numbers:
        show_table(
            delivery.in_pounds(
                by_year,
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
                "label": st.column_config.TextColumn(_("Financial year"), pinned=True),
                "committed": money_column(
                    _("Committed"),
                    help=_(
                        "Every pound once: re-announcements once, shares inside their pots; "
                        "'over' amounts at their floor."
                    ),
                ),
                "new_money": money_column(_("New money"), help=_("Committed less money announced before.")),
                "estimated": money_column(
                    _("Estimated"), help=_("The part of committed placed in this year by a chosen spread.")
                ),
                "delivered": money_column(
                    _("Delivered"), help=_("Disbursements and expenditure dated in the year (undated: unphased).")
                ),
                "variance": money_column(_("Variance"), help=_("Delivered minus committed: negative when behind.")),
                "pct_delivered": percent_column(_("% delivered")),
                "cumulative_committed": money_column(_("Committed to date")),
                "cumulative_delivered": money_column(_("Delivered to date")),
                "slippage": money_column(
                    _("Behind profile"),
                    help=_("Committed to date minus delivered to date, when behind, for years that have started."),
                ),
                "status": st.column_config.TextColumn(
                    _("At year end"), help=_("Delivered to date against committed to date.")
                ),
            },
        )
        st.download_button(
            _("Download by year (CSV)"),
            deferred(downloads.by_year_csv, by_year, prices),
            file_name=f"delivery-by-financial-year{'-real' if prices.is_real else ''}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="delivery_download_years",
        )

    st.header(_("Deliveries in a financial year"))
    year = st.selectbox(_("Financial year"), figures.years, index=figures.latest_year, key="delivery_year")
    st.markdown(figures.year_sentence(year))
    records = delivery.deliveries_of_year(shown.data, figures.start_year(year))
    if records.empty:
        empty_state(_("No deliveries recorded yet for {year}.", year=year), "deliveries")
    else:
        year_page = pager(
            len(records),
            f"delivery_year_page_{year}",
            _("deliveries in {year}; the CSV holds every one", year=year),
        )
        show_table(
            delivery.in_pounds(year_page.rows(records), ["amount_pence"]),
            hide_index=True,
            width="stretch",
            column_config={
                "ref": st.column_config.TextColumn(_("Ref")),
                "paid_on": st.column_config.DateColumn(_("Paid on"), format="D MMM YYYY"),
                "commitment_ref": st.column_config.TextColumn(_("Recorded against")),
                "counted_toward": st.column_config.TextColumn(
                    _("Counted toward"),
                    help=_("A payment against a re-announcement delivers the original commitment's money."),
                ),
                "purpose": st.column_config.TextColumn(_("Purpose")),
                "amount_pence": money_column(_("Amount")),
                "kind": st.column_config.TextColumn(_("Kind")),
                "note": st.column_config.TextColumn(_("Note")),
                "illustrative": st.column_config.CheckboxColumn(_("Illustrative")),
            },
        )
        st.download_button(
            _("Download {year} deliveries (CSV)", year=year),
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
            _("commitments in the order announced; the CSV holds every one"),
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
                "ref": st.column_config.TextColumn(_("Ref"), pinned=True),
                "status": st.column_config.TextColumn(_("Against profile")),
                "committed": money_column(_("Committed"), help=_("Every pound once, in all the years shown.")),
                "due_to_date": money_column(
                    _("Due to date"), help=_("Committed for financial years that have started.")
                ),
                "delivered": money_column(
                    _("Delivered"), help=_("Including payments recorded against a re-announcement of it.")
                ),
                "variance": money_column(_("Variance"), help=_("Delivered minus due to date: negative when behind.")),
                "pct_of_due_delivered": percent_column(_("% of due delivered")),
                "outstanding": money_column(_("Outstanding"), help=_("Committed minus delivered.")),
                "slippage": money_column(_("Behind profile"), help=_("Due to date minus delivered, when behind.")),
                "purpose": st.column_config.TextColumn(_("Purpose")),
                "recipient": st.column_config.TextColumn(_("Recipient")),
                "programme": st.column_config.TextColumn(_("Programme")),
                "restates": st.column_config.TextColumn(
                    _("Restates"),
                    help=_("The earlier commitment this re-announces; its money and payments are counted there."),
                ),
            },
        )
        st.caption(
            _("Select a column heading to sort.")
            if commitment_page.is_whole
            else _("Select a column heading to sort this page.")
        )
        st.download_button(
            _("Download by commitment (CSV)"),
            deferred(downloads.by_commitment_csv, figures.by_commitment),
            file_name="delivery-by-commitment.csv",
            mime="text/csv",
            icon=":material/download:",
            key="delivery_download_commitments",
        )

st.divider()
st.header(_("Original and revised profiles"))
revised = revised_commitments(engine())
shown_revised = revised.loc[revised["ref"].isin(set(shown.data.commitments["ref"]))]
if revised.empty:
    st.info(
        _(
            "No commitment has been revised yet. When a commitment's amount or profile is changed, its "
            "original profile will appear here beside the revised one, with the reason for the change. "
            'Changes are made on the "Change a record" page.'
        ),
        icon=":material/info:",
    )
elif shown_revised.empty:
    st.info(
        ngettext(
            "None of the commitments these filters show has been revised. Clear a filter in the sidebar to "
            "see the {n} that has.",
            "None of the commitments these filters show has been revised. Clear a filter in the sidebar to "
            "see the {n} that have.",
            len(revised),
        ),
        icon=":material/filter_alt_off:",
    )
else:
    options = revision_view.choices(shown_revised)
    ref = st.selectbox(
        _("Revised commitment"), list(options), format_func=lambda ref: options[ref], key="delivery_revised_commitment"
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
                "financial_year": st.column_config.TextColumn(_("Financial year"), pinned=True),
                "original": money_column(_("Original"), help=_("The profile as first committed.")),
                "revised": money_column(_("Revised"), help=_("The profile as it stands now.")),
                "change": money_column(_("Change"), help=_("Revised minus original: negative when less.")),
            },
        )
        st.caption(_("The last row is the total over every year."))
        st.download_button(
            _("Download {ref} original and revised (CSV)", ref=escape_markdown(ref)),
            deferred(downloads.comparison_csv, comparison),
            file_name=f"original-and-revised-{ref}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="delivery_download_revised",
        )

    st.markdown(_("**Revisions, oldest first**"))
    show_table(
        revision_view.history(revisions),
        hide_index=True,
        width="stretch",
        column_config={
            "revised_at": st.column_config.DatetimeColumn(
                _("When (UTC)"), format="D MMM YYYY, HH:mm:ss", timezone="UTC"
            ),
            "actor": st.column_config.TextColumn(_("Who")),
            "reason": st.column_config.TextColumn(_("Reason")),
            "reason_text": st.column_config.TextColumn(_("Reason given")),
            "changed": st.column_config.TextColumn(_("What changed"), width="large"),
        },
    )
