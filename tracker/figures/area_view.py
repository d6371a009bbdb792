"""One area's page: the money for an area (a GSS code) and what has been
delivered of it, by financial year, by commitment and by the announcements
that made it (each with the money its commitments naming the area hold).

A commitment names the areas it benefits; it is listed under each with its
full money, and "shared with N other areas" says when the money is not the
area's alone (so areas' pages do not add up to the whole). Recipients are
never matched to places by name: an area's money is what names the area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from tracker.core.money import format_short, qualified
from tracker.figures import delivery as delivery_maths
from tracker.figures.announcement_list import announcements_of
from tracker.figures.areas import NOT_STATED, area_label, kept_area_rows
from tracker.figures.data import TrackerData
from tracker.figures.filters import Filters
from tracker.figures.shared import per_data_in_language
from tracker.i18n import _, ngettext


@dataclass(frozen=True)
class AreaView:
    """What the Areas page shows for one area, money in pence."""

    code: str
    yearly: pd.DataFrame  # slippage_by_year's frame, with an unphased row when needed
    commitments: pd.DataFrame  # ref, purpose, recipient, funder, committed, delivered, shared_with, areas
    headline: delivery_maths.Headline
    # ref, announced_on, title, funder, address, committed (of its commitments naming the area, in full)
    announcements: pd.DataFrame

    @property
    def label(self) -> str:
        """``Cardiff (W06000015)``, in the language in use."""
        return area_label(self.code)

    @property
    def is_empty(self) -> bool:
        return self.commitments.empty

    @property
    def shared(self) -> int:
        """Committed money the area shares with other areas."""
        return int(self.commitments.loc[self.commitments["shared_with"] > 0, "committed"].sum())

    def sentence(self) -> str:
        """'£9m is committed for Cardiff (W06000015) in 2 commitments; £7m of it is shared with other areas.'"""
        if self.is_empty:
            return _("No money recorded names {area}.", area=self.label)
        count = len(self.commitments)
        values = {
            "committed": qualified(format_short(self.headline.committed), self.headline.qualifier),
            "area": self.label,
            "count": format(count, ","),
            "delivered": format_short(self.headline.delivered),
            "shared": format_short(self.shared),
        }
        if self.shared:
            return ngettext(
                "{committed} is committed for {area} in {count} commitment, and {delivered} delivered; {shared} of it "
                "is shared with other areas and counted in full under each.",
                "{committed} is committed for {area} in {count} commitments, and {delivered} delivered; {shared} of "
                "it is shared with other areas and counted in full under each.",
                count,
                **values,
            )
        return ngettext(
            "{committed} is committed for {area} in {count} commitment, and {delivered} delivered.",
            "{committed} is committed for {area} in {count} commitments, and {delivered} delivered.",
            count,
            **values,
        )


@per_data_in_language  # the other areas are named in the language in use
def area_view(data: TrackerData, code: str, today: date) -> AreaView:
    """The money naming ``code`` (``area not stated``: naming no area)."""
    mine = Filters(areas=(code,)).apply(data)
    schedule = mine.schedule
    progress = delivery_maths.progress(schedule, mine.deliveries, mine.commitments, today)
    named = kept_area_rows(data)
    counts = named.loc[named["area"] != NOT_STATED].groupby("commitment_id")["area"].agg(list)
    table = progress.by_commitment[["commitment_id", "ref", "purpose", "recipient", "committed", "delivered"]].copy()
    table.insert(4, "funder", table["commitment_id"].map(mine.commitments.set_index("commitment_id")["funder"]))
    others = [[a for a in counts.get(cid, []) if a != code] for cid in table["commitment_id"]]
    table["shared_with"] = pd.array([len(o) for o in others], dtype="int64")
    table["other_areas"] = ["; ".join(area_label(a) for a in o) for o in others]
    return AreaView(
        code=code,
        yearly=progress.by_year,
        commitments=table.drop(columns="commitment_id").reset_index(drop=True),
        headline=delivery_maths.headline(schedule, mine.deliveries, mine.commitments, today),
        announcements=announcements_of(
            mine.commitments, progress.by_commitment.set_index("commitment_id")["committed"]
        ),
    )
