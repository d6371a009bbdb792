"""Dates in words, in the language in use: "31 October 2019", "31 Hydref 2019".

Babel's CLDR data gives each language's month names. Financial years are
never put into words here: ``2020-21`` reads the same in both languages.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_time

from tracker.i18n import _, current


def long_date(day: date) -> str:
    """``31 October 2019`` (``31 Hydref 2019``)."""
    return format_date(day, "d MMMM y", locale=current())


def short_date(day: date) -> str:
    """``31 Oct 2019`` (``31 Hyd 2019``), for dense lists."""
    return format_date(day, "d MMM y", locale=current())


def long_moment(moment: datetime) -> str:
    """``31 October 2019 at 14:05`` (the clock as given: say its zone beside it)."""
    return _("{day} at {time}", day=long_date(moment.date()), time=format_time(moment, "HH:mm", locale=current()))
