"""The dashboard's entry point, two ways.

- **The server.** ``streamlit run dashboard/app.py`` (and ``funding-tracker
  serve``, which runs just that) finds ``app`` below, an ``st.App``: this file
  is served, with the tracker's own routes beside it
  (``dashboard/session_routes.py``: the sign-in cookie, which a Streamlit page
  cannot set). ``dashboard/with_api.py`` is the same with the JSON API.
- **Each run in a browser.** Streamlit runs this file as ``__main__`` for
  every browser session and rerun: ``dashboard/frame.py`` draws the page the
  address names (sign-in first, when nobody is signed in).
"""

import streamlit as st

if __name__ == "__main__":
    from dashboard import frame

    frame.run()
else:
    from pathlib import Path

    from dashboard.session_routes import routes

    app = st.App(Path(__file__).resolve(), routes=routes())
