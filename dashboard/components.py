"""Shared pieces of the dashboard: the database engine, cached data, money columns.

``st.cache_resource`` holds the engine (one per database URL, shared and never
mutated); ``st.cache_data`` holds query results for a minute so that widgets
rerunning the script do not query again.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from db.session import database_url, ensure_schema
from tracker import queries


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    return ensure_schema(url)


def engine():
    """The engine for the configured database, migrated on first use."""
    return _engine(database_url())


@st.cache_data(ttl=60, show_spinner="Loading the figures…")
def _data(url: str, as_at: date | None) -> queries.TrackerData:
    return queries.load(_engine(url), as_at=as_at)


def tracker_data(as_at: date | None = None) -> queries.TrackerData:
    return _data(database_url(), as_at)


def money_column(label: str, help: str | None = None):
    """A column of pounds: the frame holds pounds as exact decimals of pence / 100."""
    return st.column_config.NumberColumn(label, help=help, format="£%,.2f")


def signed_money_column(label: str, help: str | None = None):
    """Pounds that may be negative, as finance staff write them: (330,000.00)."""
    return st.column_config.NumberColumn(f"{label} (£)", help=help, format="accounting")


def illustrative_notice(count: int) -> None:
    if count:
        st.warning(
            f"**Delivery figures are illustrative.** {count} payment records in this dataset were made up "
            "for the demo: no payment or outturn figures were published for these announcements.",
            icon=":material/science:",
        )
