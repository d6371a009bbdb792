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

from tracker.core.fiscal import fy_label
from tracker.core.money import format_pounds, format_short
from tracker.core.phrases import terms_phrase
from tracker.core.projection import schedule_frame
from tracker.figures.data import TrackerData
from tracker.figures.delivery import combine_qualifiers, milestone_states, qualified
from tracker.figures.register import announcements_from, optional_text, said_date, titled_table, year_span
from tracker.figures.shared import per_data
from tracker.figures.totals import fy_of_dates
from tracker.files.table import Table


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
        recipient = row["recipient"] if isinstance(row["recipient"], str) else "recipient not stated"
        where = (
            ""
            if row["announcement_ref"] in set(own["announcement_ref"])
            else f" (announcement {row['announcement_ref']})"
        )
        kids = sorted(children.get(cid, []), key=lambda c: str(rows.loc[c, "ref"]))
        words = f"{row['ref']}{where}: {format_short(total)} for {row['purpose']} to {recipient}"
        if kids:
            allocated = sum(totals.get(k, 0) for k in kids)
            words += (
                f"; {format_short(allocated)} of it is shared out below, {format_short(total - allocated)} unallocated"
            )
        lines.append("  " * depth + words)
        for kid in kids:
            describe(kid, depth + 1)

    for root in sorted(roots, key=lambda c: str(rows.loc[c, "ref"])):
        describe(root, 0)
    return tuple(lines)


def _reannounces(own: pd.DataFrame, everything: pd.DataFrame, totals: dict[int, int]) -> tuple[Link, ...]:
    by_id = everything.set_index("commitment_id")
    links = []
    for row in own.loc[own["reannounces_id"].notna()].itertuples(index=False):
        earlier = by_id.loc[int(row.reannounces_id)]
        now, then = totals.get(int(row.commitment_id), 0), totals.get(int(row.reannounces_id), 0)
        said = (
            f"{row.ref} re-announces {earlier['ref']} "
            f"(announcement {earlier['announcement_ref']}, {_day(earlier['announced_on'])})"
        )
        if now == then:
            sentence = f"{said}: it adds no new money."
        else:
            change = "up" if now > then else "down"
            sentence = (
                f"{said} at {format_short(now)}, {change} from {format_short(then)}: the later amount replaces "
                f"the earlier one, and the difference ({format_short(now - then)}) is new money."
            )
        links.append(Link(row.ref, earlier["ref"], earlier["announcement_ref"], earlier["announced_on"], sentence))
    if "reannounces_earlier" in own:
        for row in own.loc[own["reannounces_earlier"].astype(bool)].itertuples(index=False):
            sentence = (
                f"{row.ref} was announced before; the earlier announcement is not recorded here. "
                "Its money counts, but not as new money."
            )
            links.append(Link(row.ref, "", "", None, sentence))
    return tuple(links)


def _reannounced_by(own: pd.DataFrame, everything: pd.DataFrame) -> tuple[Link, ...]:
    mine = dict(zip(own["commitment_id"], own["ref"]))
    later = everything.loc[everything["reannounces_id"].isin(mine)].sort_values(["announced_on", "ref"])
    links = []
    for row in later.itertuples(index=False):
        original = mine[int(row.reannounces_id)]
        sentence = (
            f"{original} is re-announced by {row.ref} (announcement {row.announcement_ref}, "
            f"{_day(row.announced_on)}): the money is counted once, here."
        )
        links.append(Link(original, row.ref, row.announcement_ref, row.announced_on, sentence))
    return tuple(links)


_QUALIFIER_WORDS = {"over": "a floor ('over')", "up to": "a ceiling ('up to')", "about": "approximate ('about')"}


def schedule_sentence(ref: str, own: pd.DataFrame, schedule: pd.DataFrame, *, has_commitments: bool = True) -> str:
    """The text summary of an announcement's schedule chart.

    'A1 announces at least £2.5m over 2020-21 to 2022-23, all of it new money;
    £1m of it (W2) is a floor ('over').'
    """
    if not has_commitments:
        return f"{ref} carries no money: no commitments are recorded against it."
    headline = int(schedule["headline_pence"].sum())
    if headline == 0:
        return f"None of {ref}'s money falls in the financial years shown."
    new_money = int(schedule["new_money_pence"].sum())
    counted = int(schedule["committed_pence"].sum())
    years = schedule.loc[schedule["headline_pence"] != 0, "financial_year"]
    span = year_span(years)
    when = f"over {span}" if " to " in span else f"in {span}"
    total = qualified(format_short(headline), combine_qualifiers(own["qualifier"]))
    restated, before = headline - counted, counted - new_money
    if new_money == headline:
        money = "all of it new money"
    elif new_money == 0 and before == 0:
        money = "none of it new money: it re-announces earlier commitments"
    elif new_money == 0:
        money = "none of it new money: it was announced before"
    else:
        reasons = [
            *([f"{format_short(restated)} re-announced"] if restated else []),
            *([f"{format_short(before)} announced before"] if before else []),
        ]
        money = f"{format_short(new_money)} of it new money ({', '.join(reasons)})"
    sentence = f"{ref} announces {total} {when}, {money}"
    parts = []
    qualifiers = dict(zip(own["ref"], own["qualifier"]))
    by_ref = schedule.groupby("commitment_ref")["headline_pence"].sum()
    for qualifier, words in _QUALIFIER_WORDS.items():
        refs = [r for r in by_ref.index if qualifiers.get(r) == qualifier and by_ref[r]]
        if refs:
            amount = format_short(int(by_ref[refs].sum()))
            parts.append(f"{amount} of it ({', '.join(refs)}) is {words}")
    spread = schedule.loc[schedule["estimated"].astype(bool)] if "estimated" in schedule else schedule.iloc[0:0]
    if int(spread["headline_pence"].sum()):
        spread_refs = ", ".join(dict.fromkeys(spread["commitment_ref"]))
        parts.append(
            f"{format_short(int(spread['headline_pence'].sum()))} of it ({spread_refs}) is placed in years by a chosen "
            "spread, not as announced: those years are estimated"
        )
    return sentence + ("; " + "; ".join(parts) if parts else "") + "."


def schedule_table(found: AnnouncementDetail) -> Table:
    """An announcement's schedule (commitment x financial year) as a finance table."""
    columns = {
        "announcement_ref": ("announcement_ref", "Announcement"),
        "commitment_ref": ("commitment_ref", "Commitment"),
        "label": ("financial_year", "Financial year"),
        "headline_pence": ("headline", "Headline"),
        "new_money_pence": ("new_money", "New money"),
        "qualifier": ("qualifier", "Qualifier"),
        "estimated_words": ("estimated", "Estimated"),
    }
    shown = found.schedule.assign(
        announcement_ref=found.ref,
        estimated_words=["estimated" if e else "" for e in found.schedule["estimated"]],
    )
    return titled_table(f"schedule-{found.ref}", f"Schedule of {found.ref}", shown, columns)
