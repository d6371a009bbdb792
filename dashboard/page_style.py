"""The tracker's own styles on top of Streamlit's, drawn once per run (``frame.py``).

- Headline figures never end in "…": Streamlit cuts a metric's value that is
  wider than its column (at 1024 px, "at least £15.75m" became "at least
  £..."); here it wraps instead, and its size follows the window's width.
"""

import streamlit as st

STYLE = """<style>
[data-testid="stMetricValue"] { font-size: clamp(1.5rem, 2.5vw, 2.25rem); }
[data-testid="stMetricValue"] > div { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere; }
</style>"""


def apply() -> None:
    st.html(STYLE)
