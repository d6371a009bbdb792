"""Which of the tracker's commitments a 360Giving package publishes, and what
it leaves out (with why and how much): every pound once. Split from
``tracker.open_data.giving360_export``, which builds the grants."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tracker.core.money import format_pounds
from tracker.figures.data import TrackerData

_SHOWN_REFS = 10  # refs named in a line about what is left out; the rest counted


# --- what is published ----------------------------------------------------------------


@dataclass(frozen=True)
class LeftOut:
    """Records not published (or not kept exactly), and why."""

    what: str  # "commitment", "delivery" or "milestone" (singular)
    reason: str
    refs: tuple[str, ...]
    pence: int = 0  # committed money (or, for deliveries, the amount) not in any grant

    def __post_init__(self) -> None:
        object.__setattr__(self, "refs", tuple(sorted(self.refs, key=_natural)))

    @property
    def count(self) -> int:
        return len(self.refs)

    def __str__(self) -> str:
        many = {"delivery": "deliveries"}.get(self.what, f"{self.what}s") if self.count != 1 else self.what
        shown = ", ".join(self.refs[:_SHOWN_REFS]) + (
            f" and {self.count - _SHOWN_REFS:,} more" if self.count > _SHOWN_REFS else ""
        )
        said = {"commitment": "committed", "delivery": "delivered"}.get(self.what, "")
        money = f": {format_pounds(self.pence)} {said}" if self.pence else ""
        return f"{self.count:,} {many}: {self.reason} ({shown}){money}"


@dataclass(frozen=True)
class Planned:
    """One grant: the commitment it is (``commitment``, the first announced
    of a re-announced chain), the one whose placement of the money it
    carries (``placed_by``: the chain's latest amount), its money and the
    commitments whose deliveries it carries."""

    commitment: int
    placed_by: int
    awarded_pence: int
    members: tuple[int, ...]


@dataclass(frozen=True)
class Selection:
    """Which commitments are grants, and what is left out (computed once per data)."""

    grants: tuple[Planned, ...]
    left_out: tuple[LeftOut, ...]  # not published
    not_kept: tuple[LeftOut, ...]  # published, but read back they count a little differently
    committed_pence: int  # all the money the tracker counts
    grant_of: Mapping[int, int] = field(repr=False)  # commitment id -> the commitment id of its grant

    @property
    def awarded_pence(self) -> int:
        return sum(plan.awarded_pence for plan in self.grants)

    def lines(self) -> list[str]:
        """What is left out and not kept exactly, one line each (the CLI's stderr)."""
        return [f"left out {item}" for item in self.left_out] + [f"not kept exactly: {item}" for item in self.not_kept]

    def summary(self) -> str:
        """One sentence for a page: how many grants, and what is left out."""
        grants = f"{len(self.grants):,} grant{'s' if len(self.grants) != 1 else ''}"
        said = f"{grants} worth {format_pounds(self.awarded_pence)}"
        if not self.left_out:
            return f"{said}; nothing left out."
        parts = [f"{item.count:,} {_plural(item)} ({item.reason})" for item in self.left_out]
        return f"{said}; left out: " + "; ".join(parts) + "."


def _natural(ref: str) -> tuple:
    """W2 before W10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", ref))


def _plural(item: LeftOut) -> str:
    if item.count == 1:
        return item.what
    return {"delivery": "deliveries"}.get(item.what, f"{item.what}s")


def select(data: TrackerData) -> Selection:
    """Which commitments are published as grants, and what is left out (kept with ``data``)."""
    return data.remember(("360giving selection",), lambda: _select(data))


def _select(data: TrackerData) -> Selection:
    c = data.commitments
    ids = [int(i) for i in c["commitment_id"]]
    refs = dict(zip(ids, (str(r) for r in c["ref"])))
    money = data.schedule_money
    committed = {int(k): int(v) for k, v in money.groupby("commitment_id")["committed_pence"].sum().items()}
    reannounces = {i: id_of(v) for i, v in zip(ids, c["reannounces_id"])}
    recipient = dict(zip(ids, (present(v) for v in c["recipient"])))
    dated = dict(zip(ids, (present(v) for v in c["announced_on"])))

    def root(i: int) -> int:
        seen = {i}
        while (up := reannounces.get(i)) is not None and up in refs and up not in seen:
            seen.add(up)
            i = up
        return i

    root_of = {i: root(i) for i in ids}
    chains: dict[int, list[int]] = {}
    for i in ids:  # in the data's order: by announcement date, then ref
        chains.setdefault(root_of[i], []).append(i)

    grants: list[Planned] = []
    why: dict[str, list[int]] = {}
    reasons = {
        "recipient": "no recipient",
        "date": "no announcement date",
        "restated": "a re-announcement: its money is counted once, in the grant of the commitment it re-announces",
        "restated-out": "a re-announcement of a commitment left out",
    }
    for first, members in chains.items():
        if not recipient[first]:
            why.setdefault("recipient", []).append(first)
        elif not dated[first]:
            why.setdefault("date", []).append(first)
        else:
            counted = [m for m in members if committed.get(m, 0)]
            grants.append(
                Planned(
                    commitment=first,
                    placed_by=counted[-1] if counted else first,
                    awarded_pence=sum(committed.get(m, 0) for m in members),
                    members=tuple(members),
                )
            )
        published = grants and grants[-1].commitment == first
        for member in (m for m in members if m != first):  # (the data's order is by date: any may come first)
            why.setdefault("restated" if published else "restated-out", []).append(member)
    grant_of = {member: plan.commitment for plan in grants for member in plan.members}

    left_out: list[LeftOut] = []
    for key, reason in reasons.items():
        found = why.get(key, [])
        if found:
            pence = sum(committed.get(m, 0) for f in found for m in (chains[f] if key in ("recipient", "date") else ()))
            left_out.append(LeftOut("commitment", reason, tuple(refs[i] for i in found), pence))
    left_out += _deliveries_left_out(data, grant_of)
    if len(data.milestones):
        left_out.append(
            LeftOut("milestone", "360Giving has no place for milestones", tuple(str(r) for r in data.milestones["ref"]))
        )
    return Selection(
        grants=tuple(grants),
        left_out=tuple(left_out),
        not_kept=tuple(_not_kept(data, grants, grant_of, refs)),
        committed_pence=int(money["committed_pence"].sum()),
        grant_of=grant_of,
    )


def _deliveries_left_out(data: TrackerData, grant_of: Mapping[int, int]) -> list[LeftOut]:
    d = data.deliveries
    if d.empty:
        return []
    illustrative = d["illustrative"].to_numpy(dtype=bool)
    orphan = ~illustrative & ~d["commitment_id"].map(lambda i: int(i) in grant_of).to_numpy(dtype=bool)
    found = []
    for mask, reason in (
        (illustrative, "illustrative: demo figures, never published"),
        (orphan, "of commitments left out"),
    ):
        if mask.any():
            rows = d.loc[mask]
            found.append(
                LeftOut("delivery", reason, tuple(str(r) for r in rows["ref"]), int(rows["amount_pence"].sum()))
            )
    return found


def _not_kept(
    data: TrackerData, grants: list[Planned], grant_of: Mapping[int, int], refs: Mapping[int, str]
) -> list[LeftOut]:
    """Grants whose figures a round trip through 360Giving cannot give back exactly."""
    changed = [refs[plan.commitment] for plan in grants if plan.placed_by != plan.commitment]
    c = data.commitments
    pots_missing_shares = sorted(
        {
            refs[int(pot)]
            for share, pot in zip(c["commitment_id"], c["part_of_id"])
            if id_of(pot) is not None and int(share) not in grant_of and id_of(pot) in grant_of
        }
    )
    found = []
    if changed:
        found.append(
            LeftOut(
                "commitment",
                "re-announced at another amount: published at its latest amount in its latest years "
                "(its new money by year is not kept)",
                tuple(changed),
            )
        )
    if pots_missing_shares:
        found.append(
            LeftOut(
                "commitment",
                "a pot with shares left out: read back, the pot holds their money too",
                tuple(pots_missing_shares),
            )
        )
    return found


def id_of(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def present(value: Any) -> bool:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return False
    return bool(str(value).strip())


def text_of(value: Any) -> str:
    return "" if not present(value) else str(value)
