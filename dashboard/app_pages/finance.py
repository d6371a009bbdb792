"""Finance tables: committed money by commitment, recipient and programme per
financial year, and the downloads finance staff take into Excel."""

from functools import partial

import streamlit as st

from dashboard import auth
from dashboard.components import current_view, filters_caption, illustrative_notice, table_for_display
from tracker import store
from tracker.figures import finance_tables as tables
from tracker.files.exports import to_csv_bytes, to_xlsx_bytes

auth.require("view")

shown = current_view()
data = shown.data

st.title("Finance tables")
st.caption(f"Cash figures in pounds, exact to the penny, as at {shown.today:%-d %B %Y}. {tables.COMMITTED_NOTE}")
filters_caption(shown)

if data.commitments.empty:
    st.info(
        "No commitments to tabulate. Widen the filters in the sidebar, or import a commitments file "
        "with `funding-tracker import commitments FILE`.",
        icon=":material/info:",
    )
    st.stop()

illustrative_notice(data.has_illustrative_deliveries)

workbook_tables = [tables.build(name, data) for name in tables.TABLE_NAMES]
about = tables.export_about(
    data, source=store.source_description(), filters=shown.filters.describe(), exported_on=shown.today
)
# Files are written when asked for (a callable), not on every run of the page.
st.download_button(
    "Download every table as an Excel workbook (XLSX)",
    data=partial(to_xlsx_bytes, workbook_tables, about),
    file_name=f"funding-tracker-{shown.today.isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key="finance_xlsx",
    type="primary",
)

by_name = {table.name: table for table in workbook_tables}
tabs = st.tabs(
    [
        "Commitment × year",
        "Recipient × year",
        "Programme × year",
        "Area × year",
        "Yearly totals",
        "Commitments",
        "Schedule",
        "Deliveries",
    ]
)
for tab, name in zip(
    tabs,
    [
        "pivot-commitment",
        "pivot-recipient",
        "pivot-programme",
        "pivot-area",
        "yearly",
        "commitments",
        "schedule",
        "deliveries",
    ],
):
    table = by_name[name]
    with tab:
        st.markdown(f"**{table.title}**")
        for note in table.notes[1:]:
            st.caption(note)
        if table.body.empty:
            st.info("Nothing recorded yet for this table within the filters.")
            continue
        frame, column_config = table_for_display(table)
        st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config)
        st.download_button(
            f"Download “{table.title}” as CSV",
            data=partial(to_csv_bytes, table),
            file_name=f"{table.name}-{shown.today.isoformat()}.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"finance_csv_{name}",
        )
