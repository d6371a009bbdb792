"""The dashboard and the JSON API in one server process.

``funding-tracker serve --with-api`` runs ``streamlit run dashboard/with_api.py``:
Streamlit serves ``app.py`` (the dashboard, unchanged) as an ``st.App`` with
the tracker's own routes (``dashboard/session_routes.py``, as
``dashboard/app.py`` has them) and the API (``tracker.api.create_app``)
mounted at ``/api``, so ``/api/totals`` answers beside the dashboard on the
same port. ``funding-tracker api`` serves the API alone. The database is
checked here (it must be upgraded; ``serve`` upgrades it before starting
Streamlit).
"""

from pathlib import Path

import streamlit as st
from starlette.routing import Mount

from dashboard.session_routes import routes
from tracker.api import create_app
from tracker.api.server import check_database

app = st.App(
    Path(__file__).resolve().parent / "app.py",
    routes=[*routes(), Mount("/api", app=create_app(check_database(), prefix=""))],
)
