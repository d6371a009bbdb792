"""New and recycled: of the money announced in what the filters show, how much is new.

The headline (every commitment's money as recorded, shares of pots included) split
into new commitments, re-announced money, money announced before, shares of pots
already counted, and the rise or cut on re-announcements (tracker/figures/new_and_recycled.py;
docs/new-and-recycled.md): a sentence, a waterfall from headline to new money, and the
breakdown by financial year, by funder and by announcement, with CSV and XLSX downloads.
"""

import streamlit as st

from dashboard import auth, charts, downloads
from dashboard.chart_panel import chart_panel
from dashboard.components import current_view, filters_caption, money_column, pager
from dashboard.empty_states import stop_if_nothing_to_show
from dashboard.prices_choice import prices_choice
from dashboard.tables import show_table
from tracker import store
from tracker.figures import new_and_recycled as recycled
from tracker.figures import new_and_recycled_tables as tables
from tracker.figures.finance_tables import export_about
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.real_terms import CASH, PRICE_WORDS, without_value
from tracker.i18n import _, current, deferred

auth.require("view")

shown = current_view()
rows = recycled.set_rows(shown.data)
found = recycled.total(rows)

st.title(_("New and recycled"))
st.caption(
    _(
        "How much of the money announced is new. The **headline** is every commitment's money as recorded, a pot "
        "and its shares both in full; a re-announcement, money announced before and a share of a pot already "
        "counted are taken away, and a re-announcement's rise (or cut) counts as new money. The years and funders "
        "count every pound once across what is shown; each announcement is counted on its own, as on its page."
    )
)
filters_caption(shown)
stop_if_nothing_to_show(shown, rows.empty)

st.markdown(f"**{escape_markdown(found.sentence())}**")
chart_panel(
    charts.new_money_waterfall(tables.steps(found)),
    tables.summary(found),
    tables.chart_table(found),
    key="new_and_recycled_chart",
)

prices = prices_choice("new_and_recycled")
by_year = recycled.by_year(rows)
if prices.is_real:
    st.caption(
        _(
            "The table by financial year is in these prices, each part deflated once; the sentence, the chart and "
            "the tables by funder and by announcement are in cash."
        )
    )
    for why, years in without_value(by_year["financial_year"], prices).items():
        st.caption(
            _(
                "No real-terms value for {years} ({why}): left out, never deflated by guess.",
                years=", ".join(years),
                why=_(PRICE_WORDS[why]),
            )
        )
frames = {
    "by-year": recycled.by_year_in_prices(by_year, prices),
    "by-funder": recycled.by_funder(rows),
    "by-announcement": recycled.by_announcement(
        shown.everything, shown.data.commitments["commitment_id"].to_numpy(), shown.data.year_range
    ),
}
money = {name: money_column(_(title)) for name, title in recycled.PART_NAMES.items()}
leads = {
    "by-year": {"label": st.column_config.TextColumn(_("Financial year"), pinned=True)},
    "by-funder": {"funder": st.column_config.TextColumn(_("Funder"), pinned=True)},
    "by-announcement": {"announcement_ref": st.column_config.TextColumn(_("Announcement"), pinned=True)},
}
by_year_tab, by_funder_tab, by_announcement_tab = st.tabs(
    [_("By financial year"), _("By funder"), _("By announcement")]
)
many = {
    "by-year": _("financial years; the CSV holds every one"),
    "by-funder": _("funders; the CSV holds every one"),
    "by-announcement": _("announcements; the CSV holds every one"),
}
for tab, name in ((by_year_tab, "by-year"), (by_funder_tab, "by-funder"), (by_announcement_tab, "by-announcement")):
    with tab:
        lead = next(iter(leads[name]))
        page = pager(len(frames[name]), f"new_and_recycled_{name}_page", many[name])
        show_table(
            tables.shown(page.rows(frames[name]))[[lead, *recycled.COLUMNS]],
            hide_index=True,
            width="stretch",
            column_config={**leads[name], **money},
        )
        st.download_button(
            _("Download this table (CSV)"),
            deferred(
                downloads.csv_of, tables.export_table, name, frames[name], prices=prices if name == "by-year" else CASH
            ),
            file_name=f"new-and-recycled-{name}{'-real' if prices.is_real and name == 'by-year' else ''}.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"new_and_recycled_{name}_csv",
        )
st.caption(_(tables.NOTE))

about = export_about(
    shown.data, source=store.source_description(), filters=shown.filters.describe(), exported_on=shown.today
)
st.download_button(
    _("Download the three tables as an Excel workbook (XLSX)"),
    data=deferred(tables.workbook, frames, about, current()),
    file_name=f"new-and-recycled-{shown.today.isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key="new_and_recycled_xlsx",
)
