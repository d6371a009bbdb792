"""Of the money announced since the last review, how much is new: one paragraph of the
review pack, read from the meeting's snapshot alone (never the live data).

The snapshot's commitments (their terms as announced, what each re-announces, whether it
was announced before, the pot it is a share of) are handed to the tracker's own counting
(``tracker.figures.new_and_recycled.by_announcement``: each announcement its own world, as
Headlines and an announcement's page count it); the announcements made after the last
review's as-at date (all of them at a first review) are added up. A snapshot frozen before
the tracker recorded shares and money announced before (schema 1) gets no paragraph: its
figures would be guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from tracker.core.fiscal import FinancialYear
from tracker.core.money import format_pounds
from tracker.figures.data import TrackerData
from tracker.figures.new_and_recycled import PARTS, Breakdown, by_announcement
from tracker.i18n import _, ngettext
from tracker.review import as_said


def snapshot_data(figures: Mapping[str, Any]) -> TrackerData:
    """The snapshot's commitments as the figures read them (no deliveries or milestones)."""
    entries = list(figures.get("commitments", []))
    announced = {a["ref"]: a for a in figures.get("announcements", [])}
    ids = {entry["ref"]: i for i, entry in enumerate(entries, start=1)}
    rows, lines = [], []
    for i, entry in enumerate(entries, start=1):
        terms = entry["terms"]
        announcement = announced.get(entry["announcement_ref"], {})
        rows.append(
            {
                "commitment_id": i,
                "ref": entry["ref"],
                "announcement_ref": entry["announcement_ref"],
                "announced_on": date.fromisoformat(announcement["announced_on"])
                if announcement.get("announced_on")
                else None,
                "funder": announcement.get("funder"),
                "kind": terms["kind"],
                "amount_pence": int(terms["amount"]),
                "qualifier": terms.get("qualifier") or "exact",
                "first_year": FinancialYear.parse(terms["first_year"]).start_year if terms.get("first_year") else None,
                "years": terms.get("years"),
                "uplift_bp": int(terms.get("uplift_bp") or 0),
                "reannounces_id": ids.get(entry.get("restates") or ""),
                "reannounces_earlier": bool(entry.get("reannounces_earlier")),
                "part_of_id": ids.get(entry.get("part_of") or ""),
                "spread": terms.get("spread") or "none",
                "planned_start": terms.get("planned_start"),
                "planned_end": terms.get("planned_end"),
            }
        )
        lines += [(i, FinancialYear.parse(year).start_year, int(p)) for year, p in (terms.get("profile") or {}).items()]
    commitments = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["commitment_id"]).astype(
        {"reannounces_id": "Int64", "part_of_id": "Int64", "first_year": "Int64", "years": "Int64"} if rows else {}
    )
    profile = pd.DataFrame(lines, columns=["commitment_id", "financial_year", "amount_pence"]).astype("int64")
    nothing = pd.DataFrame({"commitment_id": pd.Series(dtype="int64"), "amount_pence": pd.Series(dtype="int64")})
    return TrackerData(commitments, profile, nothing, nothing.iloc[:, :1], as_at=None)


def announced_since(figures: Mapping[str, Any], since: date | None) -> tuple[int, Breakdown]:
    """How many announcements were made after ``since`` (all of them when None; undated
    ones only then) and the breakdown of their money."""
    made = {
        a["ref"]
        for a in figures.get("announcements", [])
        if since is None or (a.get("announced_on") and date.fromisoformat(a["announced_on"]) > since)
    }
    data = snapshot_data(figures)
    if data.commitments.empty:
        return len(made), Breakdown(0, 0, 0, 0, 0, 0)
    each = by_announcement(data)
    mine = each.loc[each["announcement_ref"].isin(made)]
    sums = {name: int(mine[name].sum()) for name in ("headline", *PARTS)}
    return len(made), Breakdown(**sums)


def paragraph(figures: Mapping[str, Any], since: date | None) -> str | None:
    """The pack's paragraph, in the language in use; None for a schema 1 snapshot."""
    if not as_said.has_split(figures):
        return None
    count, found = announced_since(figures, since)
    if since is None:
        lead = ngettext(
            "At this first review, {n} announcement is recorded.",
            "At this first review, {n} announcements are recorded.",
            count,
        )
    elif count == 0:
        return _("No announcement was made since the last review.")
    else:
        lead = ngettext(
            "Since the last review, {n} announcement was made.",
            "Since the last review, {n} announcements were made.",
            count,
        )
    if found.headline == 0:
        return lead + " " + _("They announce no money.")
    said = found.sentence()
    recycled = _(
        "{restated} re-announces money recorded before, {earlier} was announced before and is not recorded, and "
        "{pot_share} is a share of a pot already counted.",
        restated=format_pounds(found.restated),
        earlier=format_pounds(found.earlier),
        pot_share=format_pounds(found.pot_share),
    )
    return " ".join([lead, said, recycled])
