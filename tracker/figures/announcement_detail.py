"""The detail of one announcement: its commitments, their schedule,
deliveries, milestones and re-announcements (``detail``), the sentence under
its schedule chart (``schedule_sentence``) and its schedule as a finance table
(``schedule_table``). Money is int64 pence.

The announcements it reads are ``tracker.figures.register.read_announcements``
(or, without them, those ``TrackerData`` knows of).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from tracker.core.fiscal import UNPHASED, fy_label
from tracker.core.money import format_pounds, format_short, qualified
from tracker.core.phrases import terms_phrase
from tracker.core.projection import schedule_frame
from tracker.figures.data import TrackerData
from tracker.figures.delivery import combine_qualifiers, milestone_states
from tracker.figures.register import announcements_from, optional_text, said_date, titled_table, year_span
from tracker.figures.shared import per_data
from tracker.figures.totals import fy_of_dates
from tracker.files.table import Table
from tracker.i18n import N_, _


class Link(NamedTuple):
    """A commitment of this announcement and the commitment it restates (or is restated by)."""

    commitment_ref: str
    other_commitment_ref: str
    other_announcement_ref: str
    other_announced_on: date | None
    sentence: str


@dataclass(frozen=True)
class AnnouncementDetail:
    """Everything the detail of one announcement shows; money in pence."""

    ref: str
    announced_on: date | None
    title: str
    funder: str
    made_by: str | None
    source_url: str | None
    quote: str | None
    notes: str | None
    title_cy: str | None  # the title and quoted words in Welsh, when recorded
    quote_cy: str | None
    headline_claim: str | None  # the headline as stated ("over £1bn for digital"), when recorded
    # ref, purpose, programme, recipient, kind, terms, amount_pence, qualifier, status,
    # capital_or_revenue, years (text), reannounces_ref, headline_pence, committed_pence
    commitments: pd.DataFrame
    # commitment_ref, financial_year (start year), label, headline_pence, committed_pence,
    # new_money_pence, qualifier, estimated (placed by a chosen spread)
    schedule: pd.DataFrame
    # ref, commitment_ref, paid_on, label, amount_pence, kind, note, illustrative
    deliveries: pd.DataFrame
    milestones: pd.DataFrame  # tracker.figures.delivery.milestone_states
    reannounces: tuple[Link, ...]
    reannounced_by: tuple[Link, ...]
    summary: str  # one sentence under the schedule chart
    # Pots and their shares, as nested lines ("  " per level): each pot with what
    # is allocated and unallocated, each share with the pot it is taken out of.
    shares: tuple[str, ...] = ()

    @property
    def has_money(self) -> bool:
        return not self.commitments.empty

    @property
    def headline_pence(self) -> int:
        return int(self.schedule["headline_pence"].sum())

    @property
    def committed_pence(self) -> int:
        return int(self.schedule["committed_pence"].sum())

    @property
    def new_money_pence(self) -> int:
        return int(self.schedule["new_money_pence"].sum())

    @property
    def qualifier(self) -> str:
        return combine_qualifiers(self.commitments["qualifier"]) if self.has_money else "exact"

    @property
    def delivered_pence(self) -> int:
        return int(self.deliveries["amount_pence"].sum())

    @property
    def illustrative_deliveries(self) -> int:
        return int(self.deliveries["illustrative"].sum()) if len(self.deliveries) else 0


def detail(data: TrackerData, announcements: pd.DataFrame | None, ref: str, today: date) -> AnnouncementDetail:
    """One announcement as ``data`` sees it. ``KeyError`` if ``ref`` is not known."""
    announcements = announcements_from(data) if announcements is None else announcements
    found = announcements.loc[announcements["ref"] == ref]
    if found.empty:
        found = announcements_from(data).pipe(lambda f: f.loc[f["ref"] == ref])
    if found.empty:
        raise KeyError(f"no announcement {ref!r}")
    ann = found.iloc[0]

    everything = data.commitments
    own = everything.loc[everything["announcement_ref"] == ref].sort_values("ref").reset_index(drop=True)
    totals = _totals(data)
    ids = set(own["commitment_id"])
    schedule = data.schedule
    schedule = schedule.loc[schedule["commitment_id"].isin(ids)]
    schedule_table = pd.DataFrame(
        {
            "commitment_ref": schedule["ref"].to_numpy(),
            "financial_year": schedule["financial_year"].to_numpy(dtype=np.int64),
            "label": [fy_label(int(y)) for y in schedule["financial_year"]],
            "headline_pence": schedule["headline_pence"].to_numpy(dtype=np.int64),
            "committed_pence": schedule["committed_pence"].to_numpy(dtype=np.int64),
            "new_money_pence": schedule["new_money_pence"].to_numpy(dtype=np.int64),
            "qualifier": schedule["qualifier"].to_numpy(),
            "estimated": schedule["estimated"].to_numpy(dtype=bool)
            if "estimated" in schedule
            else np.zeros(len(schedule), bool),
        },
        columns=[
            "commitment_ref",
            "financial_year",
            "label",
            "headline_pence",
            "committed_pence",
            "new_money_pence",
            "qualifier",
            "estimated",
        ],
    )
    schedule_table = schedule_table.sort_values(["financial_year", "commitment_ref"]).reset_index(drop=True)

    return AnnouncementDetail(
        ref=ref,
        announced_on=ann["announced_on"],
        title=ann["title"],
        funder=ann["funder"],
        made_by=optional_text(ann["made_by"]),
        source_url=optional_text(ann["source_url"]),
        quote=optional_text(ann["quote"]),
        notes=optional_text(ann["notes"]),
        title_cy=optional_text(ann.get("title_cy")),
        quote_cy=optional_text(ann.get("quote_cy")),
        headline_claim=optional_text(ann.get("headline")),
        commitments=_commitments_table(own, schedule_table),
        schedule=schedule_table,
        deliveries=_deliveries_table(data.deliveries_in_full, own),
        milestones=milestone_states(
            data.milestones.loc[data.milestones["commitment_id"].isin(ids)].reset_index(drop=True),
            everything,
            today,
        ),
        reannounces=_reannounces(own, everything, totals),
        reannounced_by=_reannounced_by(own, everything),
        summary=schedule_sentence(ref, own, schedule_table, has_commitments=not own.empty),
        shares=_shares(own, everything, totals),
    )


def terms(row) -> str:
    """The commitment in words: ``£500,000 a year for 3 years from 2020-21``, ``over £1,000,000 in 2020-21``."""
    amount = qualified(format_pounds(int(row.amount_pence)), row.qualifier)
    return terms_phrase(
        amount,
        row.kind,
        fy_label(int(row.first_year)) if pd.notna(row.first_year) else None,
        int(row.years) if pd.notna(row.years) else None,
        uplift=f"{int(row.uplift_bp) / 100:g}%" if int(row.uplift_bp) else "",
        spread=getattr(row, "spread", "none") or "none",
    )


def _commitments_table(own: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    money = schedule.groupby("commitment_ref")[["headline_pence", "committed_pence", "new_money_pence"]].sum()
    spans = schedule.loc[schedule["headline_pence"] != 0].groupby("commitment_ref")["financial_year"]
    out = pd.DataFrame(
        {
            "ref": own["ref"].to_numpy(),
            "purpose": own["purpose"].to_numpy(),
            "programme": own["programme"].to_numpy(),
            "recipient": own["recipient"].to_numpy(),
            "kind": own["kind"].to_numpy(),
            "terms": [terms(row) for row in own.itertuples(index=False)],
            "amount_pence": own["amount_pence"].to_numpy(dtype=np.int64),
            "qualifier": own["qualifier"].to_numpy(),
            "status": own["status"].to_numpy(),
            "capital_or_revenue": own["capital_or_revenue"].to_numpy(),
            "years": [year_span(spans.get_group(r)) if r in spans.groups else "" for r in own["ref"]],
            "reannounces_ref": own["reannounces_ref"].to_numpy(),
            "headline_pence": [int(money.at[r, "headline_pence"]) if r in money.index else 0 for r in own["ref"]],
            "committed_pence": [int(money.at[r, "committed_pence"]) if r in money.index else 0 for r in own["ref"]],
            "new_money_pence": [int(money.at[r, "new_money_pence"]) if r in money.index else 0 for r in own["ref"]],
        }
    )
    return out.astype(
        {"amount_pence": "int64", "headline_pence": "int64", "committed_pence": "int64", "new_money_pence": "int64"}
    )


def _deliveries_table(deliveries: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    refs = dict(zip(own["commitment_id"], own["ref"]))
    paid = deliveries.loc[deliveries["commitment_id"].isin(refs)].sort_values(["paid_on", "ref"])
    out = pd.DataFrame(
        {
            "ref": paid["ref"].to_numpy(),
            "commitment_ref": paid["commitment_id"].map(refs).to_numpy(),
            "paid_on": paid["paid_on"].to_numpy(),
            "label": [fy_label(int(y)) for y in fy_of_dates(paid["paid_on"])] if len(paid) else [],
            "amount_pence": paid["amount_pence"].to_numpy(dtype=np.int64),
            "kind": paid["kind"].to_numpy(),
            "note": paid["note"].to_numpy(),
            "illustrative": paid["illustrative"].to_numpy(dtype=bool),
        },
        columns=["ref", "commitment_ref", "paid_on", "label", "amount_pence", "kind", "note", "illustrative"],
    )
    return out.astype({"amount_pence": "int64", "illustrative": "bool"})


def _day(value: date | None) -> str:
    return said_date(value)


@per_data
def _totals(data: TrackerData) -> dict[int, int]:
    """Each commitment's whole headline money (all years, and unphased), kept with ``data``."""
    schedule = schedule_frame(data.commitments, data.profile_lines) if data.year_range is not None else data.schedule
    return {int(k): int(v) for k, v in schedule.groupby("commitment_id")["headline_pence"].sum().items()}


def _shares(own: pd.DataFrame, everything: pd.DataFrame, totals: dict[int, int]) -> tuple[str, ...]:
    """Lines for the pots and shares this announcement takes part in: a tree, pots first."""
    if "part_of_id" not in everything:
        return ()
    pot_of = {int(c): int(p) for c, p in zip(everything["commitment_id"], everything["part_of_id"]) if pd.notna(p)}
    if not pot_of:
        return ()
    rows = everything.set_index("commitment_id")
    children: dict[int, list[int]] = {}
    for child, pot in pot_of.items():
        children.setdefault(pot, []).append(child)
    mine = {int(c) for c in own["commitment_id"]}
    roots = set()
    for cid in mine:
        if cid in pot_of or cid in children:
            node, seen = cid, set()
            while node in pot_of and node not in seen:
                seen.add(node)
                node = pot_of[node]
            roots.add(node)
    lines: list[str] = []

    def describe(cid: int, depth: int) -> None:
        row = rows.loc[cid]
        total = totals.get(cid, 0)
        kids = sorted(children.get(cid, []), key=lambda c: str(rows.loc[c, "ref"]))
        allocated = sum(totals.get(k, 0) for k in kids)
        values = {
            "ref": row["ref"],
            "announcement": row["announcement_ref"],
            "total": format_short(total),
            "purpose": row["purpose"],
            "recipient": row["recipient"] if isinstance(row["recipient"], str) else _("recipient not stated"),
            "allocated": format_short(allocated),
            "left": format_short(total - allocated),
        }
        elsewhere = row["announcement_ref"] not in set(own["announcement_ref"])
        lines.append("  " * depth + _(_SHARE_LINES[(elsewhere, bool(kids))], **values))
        for kid in kids:
            describe(kid, depth + 1)

    for root in sorted(roots, key=lambda c: str(rows.loc[c, "ref"])):
        describe(root, 0)
    return tuple(lines)


# A pot or share as its line says it: (in another announcement, shared out further) -> words.
_SHARE_LINES = {
    (False, False): N_("{ref}: {total} for {purpose} to {recipient}"),
    (True, False): N_("{ref} (announcement {announcement}): {total} for {purpose} to {recipient}"),
    (False, True): N_(
        "{ref}: {total} for {purpose} to {recipient}; {allocated} of it is shared out below, {left} unallocated"
    ),
    (True, True): N_(
        "{ref} (announcement {announcement}): {total} for {purpose} to {recipient}; "
        "{allocated} of it is shared out below, {left} unallocated"
    ),
}


def _reannounces(own: pd.DataFrame, everything: pd.DataFrame, totals: dict[int, int]) -> tuple[Link, ...]:
    by_id = everything.set_index("commitment_id")
    links = []
    for row in own.loc[own["reannounces_id"].notna()].itertuples(index=False):
        earlier = by_id.loc[int(row.reannounces_id)]
        now, then = totals.get(int(row.commitment_id), 0), totals.get(int(row.reannounces_id), 0)
        values = {
            "ref": row.ref,
            "earlier": earlier["ref"],
            "announcement": earlier["announcement_ref"],
            "day": _day(earlier["announced_on"]),
            "now": format_short(now),
            "then": format_short(then),
            "difference": format_short(now - then),
        }
        if now == then:
            sentence = _(
                "{ref} re-announces {earlier} (announcement {announcement}, {day}): it adds no new money.", **values
            )
        elif now > then:
            sentence = _(
                "{ref} re-announces {earlier} (announcement {announcement}, {day}) at {now}, up from {then}: the later "
                "amount replaces the earlier one, and the difference ({difference}) is new money.",
                **values,
            )
        else:
            sentence = _(
                "{ref} re-announces {earlier} (announcement {announcement}, {day}) at {now}, down from {then}: the "
                "later amount replaces the earlier one, and the difference ({difference}) is new money.",
                **values,
            )
        links.append(Link(row.ref, earlier["ref"], earlier["announcement_ref"], earlier["announced_on"], sentence))
    if "reannounces_earlier" in own:
        for row in own.loc[own["reannounces_earlier"].astype(bool)].itertuples(index=False):
            sentence = _(
                "{ref} was announced before; the earlier announcement is not recorded here. "
                "Its money counts, but not as new money.",
                ref=row.ref,
            )
            links.append(Link(row.ref, "", "", None, sentence))
    return tuple(links)


def _reannounced_by(own: pd.DataFrame, everything: pd.DataFrame) -> tuple[Link, ...]:
    mine = dict(zip(own["commitment_id"], own["ref"]))
    later = everything.loc[everything["reannounces_id"].isin(mine)].sort_values(["announced_on", "ref"])
    links = []
    for row in later.itertuples(index=False):
        original = mine[int(row.reannounces_id)]
        sentence = _(
            "{ref} is re-announced by {later} (announcement {announcement}, {day}): the money is counted once, here.",
            ref=original,
            later=row.ref,
            announcement=row.announcement_ref,
            day=_day(row.announced_on),
        )
        links.append(Link(original, row.ref, row.announcement_ref, row.announced_on, sentence))
    return tuple(links)


# What part of an announcement's money is, by its commitments' qualifier.
_QUALIFIER_PARTS = {
    "over": N_("{amount} of it ({refs}) is a floor ('over')"),
    "up to": N_("{amount} of it ({refs}) is a ceiling ('up to')"),
    "about": N_("{amount} of it ({refs}) is approximate ('about')"),
}


def schedule_sentence(ref: str, own: pd.DataFrame, schedule: pd.DataFrame, *, has_commitments: bool = True) -> str:
    """The text summary of an announcement's schedule chart.

    'A1 announces at least £2.5m over 2020-21 to 2022-23, all of it new money;
    £1m of it (W2) is a floor ('over').'
    """
    if not has_commitments:
        return _("{ref} carries no money: no commitments are recorded against it.", ref=ref)
    headline = int(schedule["headline_pence"].sum())
    if headline == 0:
        return _("None of {ref}'s money falls in the financial years shown.", ref=ref)
    new_money = int(schedule["new_money_pence"].sum())
    counted = int(schedule["committed_pence"].sum())
    years = schedule.loc[schedule["headline_pence"] != 0, "financial_year"]
    span = year_span(years)
    several = len(set(int(y) for y in years) - {UNPHASED}) > 1
    when = _("over {years}", years=span) if several else _("in {years}", years=span)
    total = qualified(format_short(headline), combine_qualifiers(own["qualifier"]))
    restated, before = headline - counted, counted - new_money
    if new_money == headline:
        money = _("all of it new money")
    elif new_money == 0 and before == 0:
        money = _("none of it new money: it re-announces earlier commitments")
    elif new_money == 0:
        money = _("none of it new money: it was announced before")
    elif restated and before:
        money = _(
            "{new_money} of it new money ({restated} re-announced, {before} announced before)",
            new_money=format_short(new_money),
            restated=format_short(restated),
            before=format_short(before),
        )
    elif restated:
        money = _(
            "{new_money} of it new money ({restated} re-announced)",
            new_money=format_short(new_money),
            restated=format_short(restated),
        )
    else:
        money = _(
            "{new_money} of it new money ({before} announced before)",
            new_money=format_short(new_money),
            before=format_short(before),
        )
    parts = [_("{ref} announces {total} {when}, {money}", ref=ref, total=total, when=when, money=money)]
    qualifiers = dict(zip(own["ref"], own["qualifier"]))
    by_ref = schedule.groupby("commitment_ref")["headline_pence"].sum()
    for qualifier, words in _QUALIFIER_PARTS.items():
        refs = [r for r in by_ref.index if qualifiers.get(r) == qualifier and by_ref[r]]
        if refs:
            parts.append(_(words, amount=format_short(int(by_ref[refs].sum())), refs=", ".join(refs)))
    spread = schedule.loc[schedule["estimated"].astype(bool)] if "estimated" in schedule else schedule.iloc[0:0]
    if int(spread["headline_pence"].sum()):
        parts.append(
            _(
                "{amount} of it ({refs}) is placed in years by a chosen spread, not as announced: those years are "
                "estimated",
                amount=format_short(int(spread["headline_pence"].sum())),
                refs=", ".join(dict.fromkeys(spread["commitment_ref"])),
            )
        )
    return "; ".join(parts) + "."


def schedule_table(found: AnnouncementDetail) -> Table:
    """An announcement's schedule (commitment x financial year) as a finance table."""
    columns = {
        "announcement_ref": ("announcement_ref", _("Announcement")),
        "commitment_ref": ("commitment_ref", _("Commitment")),
        "label": ("financial_year", _("Financial year")),
        "headline_pence": ("headline", _("Headline")),
        "new_money_pence": ("new_money", _("New money")),
        "qualifier": ("qualifier", _("Qualifier")),
        "estimated_words": ("estimated", _("Estimated")),
    }
    shown = found.schedule.assign(
        announcement_ref=found.ref,
        estimated_words=[_("estimated") if e else "" for e in found.schedule["estimated"]],
    )
    return titled_table(f"schedule-{found.ref}", _("Schedule of {ref}", ref=found.ref), shown, columns)
