"""The dashboard as ``funding-tracker serve`` runs it: ``app.py`` as an ``st.App``
with the tracker's own routes beside it (``dashboard/session_routes.py``: the
sign-in cookie that lets any server of one tracker accept a browser's
sign-in). ``dashboard/with_api.py`` is the same with the JSON API at ``/api``.
"""

import streamlit as st

from dashboard.session_routes import routes

app = st.App("app.py", routes=routes())
