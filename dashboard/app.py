"""The dashboard's entry point: page setup, navigation, then the chosen page."""

import streamlit as st

from dashboard.components import sidebar

st.set_page_config(page_title="Funding tracker", page_icon=":material/account_balance:", layout="wide")

pages = {
    "Figures": [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("app_pages/announcements.py", title="Announcements", icon=":material/campaign:"),
        st.Page("app_pages/delivery.py", title="Delivery", icon=":material/payments:"),
        st.Page("app_pages/review.py", title="Review", icon=":material/fact_check:"),
        st.Page("app_pages/finance.py", title="Finance tables", icon=":material/table_view:"),
    ],
    "Keep the data": [
        st.Page("app_pages/record.py", title="Record", icon=":material/edit_note:"),
        st.Page("app_pages/change.py", title="Change a record", icon=":material/edit:"),
        st.Page("app_pages/import_data.py", title="Import", icon=":material/upload_file:"),
    ],
    "Admin": [
        st.Page("app_pages/audit.py", title="Audit trail", icon=":material/history:"),
        st.Page("app_pages/deleted.py", title="Deleted records", icon=":material/restore_from_trash:"),
    ],
}
page = st.navigation(pages)
st.session_state["_view"] = sidebar()
page.run()
