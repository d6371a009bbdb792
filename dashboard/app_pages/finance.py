"""Finance tables: committed money by commitment, recipient and programme per
financial year, and the downloads finance staff take into Excel."""

import streamlit as st

from dashboard import auth, downloads
from dashboard.components import current_view, filters_caption, illustrative_notice, pager, table_for_display
from dashboard.empty_states import empty_state, filtered_out
from dashboard.prices_choice import prices_choice
from dashboard.tables import show_table
from tracker import store
from tracker.figures import finance_tables as tables
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.real_terms import CASH
from tracker.i18n import _, deferred
from tracker.i18n.dates import long_date
from tracker.open_data import giving360_export as giving360
from tracker.open_data import giving360_files, giving360_selection

auth.require("view")

shown = current_view()
data = shown.data

st.title(_("Finance tables"))
said_first = st.empty()  # what the figures are in, said once the Prices choice below is known
filters_caption(shown)
prices = prices_choice("finance")
said_first.caption(
    _(
        "Figures in pounds, exact to the penny, as at {day}: the yearly and ×-year tables in the prices chosen "
        "below, the record lists in cash, as recorded. {committed}",
        day=long_date(shown.today),
        committed=_(tables.COMMITTED_NOTE),
    )
    if prices.is_real
    else _(
        "Cash figures in pounds, exact to the penny, as at {day}. {committed}",
        day=long_date(shown.today),
        committed=_(tables.COMMITTED_NOTE),
    )
)

if shown.everything.commitments.empty:
    empty_state(_("No commitments to tabulate: none is recorded yet."))
    st.stop()
if data.commitments.empty:
    filtered_out(_("No commitments match these filters."))
    st.stop()

illustrative_notice(data.has_illustrative_deliveries)

about = tables.export_about(
    data, source=store.source_description(), filters=shown.filters.describe(), exported_on=shown.today, prices=prices
)
# Files are written when asked for (a callable), not on every run of the page.
st.download_button(
    _("Download every table as an Excel workbook (XLSX)"),
    data=deferred(tables.workbook_bytes, data, about, prices=prices),
    file_name=f"funding-tracker-{shown.today.isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key="finance_xlsx",
    type="primary",
)
# 360Giving: every commitment the tracker holds (the filters would cut grants short), as one package.
# Choosing what can be published reads every commitment (seconds at 100,000): only when asked for.
prefix_problem = giving360.prefix_problem()
if prefix_problem:
    st.caption(_("360Giving data package: {problem}", problem=prefix_problem))
elif st.toggle(
    _("Publish as 360Giving"),
    key="finance_360giving_wanted",
    help=_(
        "Every commitment with a recipient and an announcement date, as a grant in the 360Giving standard "
        "(valid against its schema), every pound once; the sidebar's filters do not apply. The same as "
        "`funding-tracker export 360giving --out grants.json`."
    ),
):
    with st.spinner(_("Choosing what can be published…")):
        published = giving360_selection.select(shown.everything)
    st.download_button(
        _("Download the 360Giving grants (JSON data package)"),
        data=deferred(giving360_files.package_json, shown.everything, shown.today),
        file_name=f"funding-tracker-360giving-{shown.today.isoformat()}.json",
        mime="application/json",
        icon=":material/download:",
        key="finance_360giving",
        disabled=not published.grants,
    )
    st.caption(_("360Giving data package of the whole tracker, not filtered: {summary}", summary=published.summary()))

# Only the open tab's table is worked out and sent (on_change="rerun").
tabs = st.tabs([_(label) for label in tables.TAB_LABELS.values()], key="finance_tab", on_change="rerun")
for tab, name in zip(tabs, tables.TAB_LABELS):
    if not tab.open:
        continue
    table = tables.kept(data, name, prices)
    with tab:
        st.markdown(f"**{table.title}**")
        for note in table.notes[1:]:
            st.caption(escape_markdown(note))  # a deflator release's name (real terms) is anyone's text
        if table.body.empty:
            st.info(_("Nothing recorded yet for this table within the filters."))
            continue
        page = pager(len(table.body), f"finance_page_{name}", _("rows; the CSV download holds every row"))
        frame, column_config = table_for_display(table, page)
        show_table(frame, hide_index=True, width="stretch", column_config=column_config)
        st.download_button(
            _("Download “{title}” as CSV", title=table.title),
            data=deferred(downloads.csv_in_prices, table, prices if name in tables.IN_PRICES else CASH),
            file_name=f"{table.name}-{'real-' if prices.is_real and name in tables.IN_PRICES else ''}"
            f"{shown.today.isoformat()}.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"finance_csv_{name}",
        )
