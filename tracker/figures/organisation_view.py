"""One organisation's page: the money it funded and the money it received,
committed against delivered by financial year and by commitment, and the
announcements it made.

An organisation is matched by its own id in the tracker, never by name, so
two bodies with one name (told apart by their identifiers) each have their
own page. The sidebar's filters apply as on every page (the view passed in
is already narrowed by them: ``within``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from tracker.core.money import format_short, qualified
from tracker.figures import delivery as delivery_maths
from tracker.figures.announcement_list import announcements_of
from tracker.figures.data import TrackerData
from tracker.figures.filters import Filters, narrowed
from tracker.figures.shared import per_data
from tracker.i18n import _, ngettext

FUNDED, RECEIVED = "funded", "received"  # keys (a page's widget keys name them); ``Side.sentence`` says them


@dataclass(frozen=True)
class Side:
    """The money an organisation funded, or received, money in pence."""

    role: str  # FUNDED or RECEIVED
    yearly: pd.DataFrame  # slippage_by_year's frame, with an unphased row when needed
    commitments: pd.DataFrame  # ref, announcement_ref, purpose, other (the recipient or funder), committed, delivered
    headline: delivery_maths.Headline

    @property
    def is_empty(self) -> bool:
        return self.commitments.empty

    def sentence(self, name: str) -> str:
        """'Welsh Government funded at least £16.8m in 6 commitments, of which £6.1m is delivered.'"""
        count = len(self.commitments)
        values = {
            "name": name,
            "committed": qualified(format_short(self.headline.committed), self.headline.qualifier),
            "count": format(count, ","),
            "delivered": format_short(self.headline.delivered),
        }
        if self.role == FUNDED:
            if self.is_empty:
                return _("{name} funded no money recorded here.", name=name)
            return ngettext(
                "{name} funded {committed} in {count} commitment, of which {delivered} is delivered.",
                "{name} funded {committed} in {count} commitments, of which {delivered} is delivered.",
                count,
                **values,
            )
        if self.is_empty:
            return _("{name} received no money recorded here.", name=name)
        return ngettext(
            "{name} received {committed} in {count} commitment, of which {delivered} is delivered.",
            "{name} received {committed} in {count} commitments, of which {delivered} is delivered.",
            count,
            **values,
        )


def _side(data: TrackerData, filters: Filters, role: str, today: date) -> Side:
    mine = narrowed(data, filters)
    progress = delivery_maths.progress(mine.schedule, mine.deliveries, mine.commitments, today)
    other = "recipient" if role == FUNDED else "funder"
    table = progress.by_commitment[["commitment_id", "ref", "purpose", "committed", "delivered"]].copy()
    details = mine.commitments.set_index("commitment_id")
    table.insert(2, "announcement_ref", table["commitment_id"].map(details["announcement_ref"]))
    table.insert(4, "other", table["commitment_id"].map(details[other]))
    return Side(
        role=role,
        yearly=progress.by_year,
        commitments=table.drop(columns="commitment_id").reset_index(drop=True),
        headline=delivery_maths.headline(mine.schedule, mine.deliveries, mine.commitments, today),
    )


@dataclass(frozen=True)
class OrganisationView:
    organisation_id: int
    name: str
    funded: Side
    received: Side
    announcements: pd.DataFrame  # ref, announced_on, title: those it made, in the view

    @property
    def is_empty(self) -> bool:
        return self.funded.is_empty and self.received.is_empty and self.announcements.empty


@per_data
def organisation_view(
    everything: TrackerData, filters: Filters, organisation_id: int, name: str, today: date
) -> OrganisationView:
    """The organisation ``organisation_id`` in ``everything`` narrowed by ``filters`` (the sidebar's)."""
    funded = _side(everything, replace(filters, funder_orgs=(organisation_id,)), FUNDED, today)
    received = _side(everything, replace(filters, recipient_orgs=(organisation_id,)), RECEIVED, today)
    commitments = narrowed(everything, replace(filters, funder_orgs=(organisation_id,))).commitments
    announcements = announcements_of(commitments)[["ref", "announced_on", "title"]]
    return OrganisationView(organisation_id, name, funded, received, announcements)
