"""The Delivery page's figures for a view: ``delivery.progress`` of the view,
with "to date" counted from the start under a financial-year filter."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import date

from tracker.core.fiscal import UNPHASED
from tracker.figures.data import TrackerData
from tracker.figures.delivery import DeliveryProgress, cumulative_sentence, progress_of, with_slippage
from tracker.figures.filters import Filters, narrowed
from tracker.figures.shared import per_data
from tracker.i18n import current


def progress_in_view(everything: TrackerData, filters: Filters, today: date) -> DeliveryProgress:
    """The Delivery page's figures: ``everything`` narrowed by ``filters``, kept
    once per language (its statuses and sentences are words)."""
    return _in_view(everything, filters, today, current())


@per_data
def _in_view(everything: TrackerData, filters: Filters, today: date, language: str) -> DeliveryProgress:
    """``progress_in_view`` said in ``language`` (the language in use: the key it is kept under).

    "To date" means to date under a financial-year filter too: the cumulative
    columns, the slippage, the statuses and the sentence under the chart count
    what was committed and delivered in the years before the first year shown,
    so they agree with the same years unfiltered (2021-22 alone: "£6.9m had
    been committed by the end of 2021-22", not that year's £5.4m)."""
    shown = progress_of(narrowed(everything, filters), today)
    if filters.first_year is None or shown.is_empty:
        return shown
    wide = progress_of(narrowed(everything, replace(filters, first_year=None, last_year=None)), today)
    earlier = wide.by_year.loc[wide.by_year["financial_year"] < filters.first_year.start_year]
    committed, delivered = int(earlier["committed"].sum()), int(earlier["delivered"].sum())
    if not committed and not delivered:
        return shown
    yearly = shown.by_year.copy()
    phased = yearly["financial_year"] != UNPHASED
    yearly.loc[phased, "cumulative_committed"] += committed
    yearly.loc[phased, "cumulative_delivered"] += delivered
    yearly = with_slippage(yearly, today)
    summary = cumulative_sentence(yearly, earlier=earlier["qualifier"])
    return dataclasses.replace(shown, by_year=yearly, year_summary=summary)
