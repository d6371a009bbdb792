"""The dashboard's entry point: page setup, navigation, then the chosen page."""

import streamlit as st

from dashboard.components import sidebar

st.set_page_config(page_title="Funding tracker", page_icon=":material/account_balance:", layout="wide")

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
]
page = st.navigation(pages)
st.session_state["_view"] = sidebar()
page.run()
