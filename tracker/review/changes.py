"""Since the last review: what changed between two meeting snapshots
(``tracker.review.snapshot`` describes the document).

* ``changes(before, after)``: new announcements, commitments new, changed or
  removed, deliveries likewise, milestones achieved or newly overdue, status
  changes, and how the headline figures moved (``before`` None: the first
  review, everything is new).
* ``changes_table(found)``: every change as one row, in words.
* ``movement_sentence(found)``: how delivery and variance moved, in a sentence
  (and new money and unphased money, when both snapshots record them).

Snapshots of either schema compare: a figure or flag one of them lacks
(schema 1 has no new money, unphased or estimated money, shares or "announced
before") reads as absent or not set, so it never shows as a change by
itself (``tracker.review.as_said``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tracker.core.money import format_pounds
from tracker.core.phrases import changed
from tracker.core.vocabulary import DELIVERY_KIND_ALIASES
from tracker.review.meetings import status_label

NONE = "none"
UNDATED = "undated"
# A delivery's fields as the list of changes names them.
_DELIVERY_WORDS = {"amount": "amount", "paid_on": "paid on", "commitment_ref": "commitment", "kind": "kind"}


@dataclass(frozen=True)
class Movement:
    """How a headline figure moved between two snapshots."""

    name: str
    before: int | float | None
    after: int | float | None

    @property
    def change(self) -> int | float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Changes:
    """What changed between two snapshots (``before`` None: everything is new)."""

    new_announcements: list[dict[str, Any]] = field(default_factory=list)
    commitments: list[dict[str, Any]] = field(default_factory=list)  # {"ref", "purpose", "change", "what"}
    deliveries: list[dict[str, Any]] = field(default_factory=list)  # {"ref", ..., "change", "what"}
    milestones_achieved: list[dict[str, Any]] = field(default_factory=list)
    milestones_newly_overdue: list[dict[str, Any]] = field(default_factory=list)
    status_changes: list[dict[str, Any]] = field(default_factory=list)  # {"subject", "before", "after", ...}
    movements: list[Movement] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(
            len(x)
            for x in (
                self.new_announcements,
                self.commitments,
                self.deliveries,
                self.milestones_achieved,
                self.milestones_newly_overdue,
                self.status_changes,
            )
        )


def _current_kinds(deliveries: list[dict]) -> list[dict]:
    """Deliveries with kinds under today's names: a pack frozen before the
    kinds were renamed (payment -> disbursement) must not show every delivery
    as changed."""
    return [{**d, "kind": DELIVERY_KIND_ALIASES.get(str(d["kind"]), d["kind"])} for d in deliveries]


def _by_ref(rows: list[dict[str, Any]], key: str = "ref") -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


def _blank(value: Any) -> Any:
    """NaN as None: a snapshot frozen before recipients could be left out may
    hold NaN where no recipient was named (SQLite's JSON took it)."""
    return None if isinstance(value, float) and value != value else value


def _both(old: dict[str, Any], new: dict[str, Any], key: str) -> bool:
    """Both snapshots record ``key``: a schema 1 row lacks the newer ones,
    and a key one side never recorded is not a change."""
    return key in old and key in new


def _commitment_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    parts = []
    for key, words in (
        ("terms", "terms"),
        ("purpose", "purpose"),
        ("recipient", "recipient"),
        ("programme", "programme"),
        ("status", "status"),
        ("restates", "re-announces"),
    ):
        before, after = _blank(old.get(key)), _blank(new.get(key))
        if before != after:
            if key == "terms":
                parts.append(_terms_difference(before or {}, after or {}))
            else:
                parts.append(changed(words, before or NONE, after or NONE))
    if _both(old, new, "part_of") and old["part_of"] != new["part_of"]:
        parts.append(changed("share of", old["part_of"] or NONE, new["part_of"] or NONE))
    if _both(old, new, "reannounces_earlier") and old["reannounces_earlier"] != new["reannounces_earlier"]:
        parts.append("now announced before" if new["reannounces_earlier"] else "no longer announced before")
    if _both(old, new, "areas") and old["areas"] != new["areas"]:
        parts.append(changed("areas", ", ".join(old["areas"]) or NONE, ", ".join(new["areas"]) or NONE))
    if old["committed"] != new["committed"]:
        parts.append(changed("committed", format_pounds(old["committed"]), format_pounds(new["committed"])))
    if _both(old, new, "new_money") and old["new_money"] != new["new_money"]:
        parts.append(changed("new money", format_pounds(old["new_money"]), format_pounds(new["new_money"])))
    return "; ".join(p for p in parts if p)


def _terms_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    parts = []
    if old.get("kind") != new.get("kind"):
        parts.append(changed("kind", str(old.get("kind")), str(new.get("kind"))))
    if old.get("amount") != new.get("amount"):
        parts.append(changed("amount", format_pounds(old.get("amount") or 0), format_pounds(new.get("amount") or 0)))
    for key, words in (
        ("first_year", "first year"),
        ("years", "years"),
        ("qualifier", "qualifier"),
        ("uplift_bp", "uplift (basis points)"),
        ("spread", "spread"),
        ("planned_start", "planned start"),
        ("planned_end", "planned end"),
    ):
        if _both(old, new, key) and old[key] != new[key]:
            parts.append(changed(words, _unstated(old[key]), _unstated(new[key])))
    before, after = old.get("profile") or {}, new.get("profile") or {}
    if before != after:
        years = sorted(set(before) | set(after))
        parts += [
            changed(f"{y} profile", format_pounds(before.get(y, 0)), format_pounds(after.get(y, 0)))
            for y in years
            if before.get(y, 0) != after.get(y, 0)
        ]
    return "; ".join(parts)


def _unstated(value: Any) -> str:
    return "not stated" if value is None else str(value)


def _new_commitment(row: dict[str, Any]) -> str:
    """A commitment new since the last review, in words."""
    if row.get("restates"):
        return f"re-announces {row['restates']} (no new money)"
    what = f"committed {format_pounds(row['committed'])}"
    if row.get("part_of"):
        what += f", a share of {row['part_of']} (inside its pot, not added to it)"
    if row.get("reannounces_earlier"):
        what += ", announced before (not new money)"
    unphased = int(row.get("unphased") or 0)
    if unphased:
        what += f", {format_pounds(unphased)} of it unphased (no year stated)"
    estimated = int(row.get("estimated") or 0)
    if estimated:
        what += f", {format_pounds(estimated)} of it in years estimated by a chosen spread"
    return what


MOVEMENTS = (
    "committed",
    "delivered",
    "due_to_date",
    "variance",
    "pct_delivered",
    "pct_of_due_delivered",
    "new_money",
    "unphased",
    "estimated",
)


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> Changes:
    """What changed from snapshot ``before`` to snapshot ``after``."""
    empty: dict[str, Any] = {
        "announcements": [],
        "commitments": [],
        "deliveries": [],
        "milestones": [],
        "statuses": [],
        "headline": {},
    }
    before = before or empty

    old_announcements = _by_ref(before["announcements"])
    new_announcements = [a for a in after["announcements"] if a["ref"] not in old_announcements]

    old_c, new_c = _by_ref(before["commitments"]), _by_ref(after["commitments"])
    commitments = []
    for ref, row in new_c.items():
        if ref not in old_c:
            commitments.append({"ref": ref, "purpose": row["purpose"], "change": "new", "what": _new_commitment(row)})
        else:
            what = _commitment_difference(old_c[ref], row)
            if what:
                commitments.append({"ref": ref, "purpose": row["purpose"], "change": "changed", "what": what})
    for ref, row in old_c.items():
        if ref not in new_c:
            commitments.append(
                {"ref": ref, "purpose": row["purpose"], "change": "removed", "what": "no longer counted (deleted)"}
            )

    old_d, new_d = _by_ref(_current_kinds(before["deliveries"])), _by_ref(_current_kinds(after["deliveries"]))
    deliveries = []
    for ref, row in new_d.items():
        old = old_d.get(ref)
        if old is None:
            deliveries.append(
                {
                    **row,
                    "change": "new",
                    "what": f"{format_pounds(row['amount'])} {row['kind']} "
                    + (f"on {row['paid_on']} " if row["paid_on"] else "undated ")
                    + f"against {row['commitment_ref']}",
                }
            )
        elif old != row:
            diffs = [
                changed(
                    _DELIVERY_WORDS[k],
                    format_pounds(old[k]) if k == "amount" else str(old[k] or UNDATED),
                    format_pounds(row[k]) if k == "amount" else str(row[k] or UNDATED),
                )
                for k in _DELIVERY_WORDS
                if old[k] != row[k]
            ]
            deliveries.append({**row, "change": "changed", "what": "; ".join(diffs) or "details changed"})
    for ref, row in old_d.items():
        if ref not in new_d:
            deliveries.append({**row, "change": "removed", "what": "no longer counted (deleted)"})

    old_m = _by_ref(before["milestones"])
    achieved, overdue = [], []
    for row in after["milestones"]:
        old = old_m.get(row["ref"])
        if row["achieved_on"] and (old is None or not old["achieved_on"]):
            achieved.append(row)
        if row["state"] == "overdue" and (old is None or old["state"] != "overdue"):
            overdue.append(row)

    old_s = _by_ref(before["statuses"], "subject")
    status_changes = []
    for row in after["statuses"]:
        old = old_s.get(row["subject"])
        if old is None or (old["status"], old["assessed_on"]) != (row["status"], row["assessed_on"]):
            status_changes.append({**row, "before": old["status"] if old else None, "after": row["status"]})

    head_old, head_new = before["headline"], after["headline"]
    # A figure one snapshot lacks (schema 1) is None there: its change is None, not a move from 0.
    movements = [Movement(name, head_old.get(name), head_new.get(name)) for name in MOVEMENTS]
    return Changes(new_announcements, commitments, deliveries, achieved, overdue, status_changes, movements)


CHANGE_COLUMNS = ["what", "ref", "detail"]
_WHAT = {
    (kind, change): text
    for kind in ("Commitment", "Delivery")
    for change, text in (("new", f"New {kind.lower()}"), ("changed", f"{kind} changed"), ("removed", f"{kind} removed"))
}


def changes_table(found: Changes) -> pd.DataFrame:
    """Every change as one row: ``what`` (the kind of change), ``ref``,
    ``detail`` in words, in the order the review reads them."""
    rows = []
    rows += [("New announcement", a["ref"], f"{a['announced_on']}: {a['title']}") for a in found.new_announcements]
    rows += [(_WHAT[("Commitment", c["change"])], c["ref"], f"{c['purpose']}: {c['what']}") for c in found.commitments]
    rows += [(_WHAT[("Delivery", d["change"])], d["ref"], d["what"]) for d in found.deliveries]
    rows += [
        (
            "Milestone achieved",
            m["ref"],
            f"{m['title']}: achieved {m['achieved_on']}" + (f" ({m['lateness']})" if m["lateness"] else ""),
        )
        for m in found.milestones_achieved
    ]
    rows += [
        ("Milestone newly overdue", m["ref"], f"{m['title']}: due {m['due_on']}, {m['lateness']}")
        for m in found.milestones_newly_overdue
    ]
    rows += [
        (
            "Status",
            s["subject"],
            changed("status", status_label(s["before"]) if s["before"] else "no status", status_label(s["after"]))
            + f" ({s['assessed_on']}, {s['reviewer']})",
        )
        for s in found.status_changes
    ]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _pence(value: int | float) -> int:
    """A money movement's figure: whole pence (only the percentages are floats)."""
    if isinstance(value, float):
        raise TypeError(f"money must be integer pence, got float {value!r}")
    return value


def movement_sentence(found: Changes) -> str:
    """'Delivered rose by £400,000 (from 88.0% to 91.0% of committed); variance moved from ... to ...'

    A share that moved against the money says so in words ("Delivered rose by
    £2m, but as a share of committed it fell, from 94.1% to 81.5%: more was
    committed"), never "rose ... from 94.1% to 81.5%"."""
    by = {m.name: m for m in found.movements}
    delivered, pct, variance = by["delivered"], by["pct_delivered"], by["variance"]
    if delivered.before is None:
        return "This is the first review: there is nothing earlier to compare with."
    parts = []
    if delivered.change:
        verb = "rose" if delivered.change > 0 else "fell"
        parts.append(f"Delivered {verb} by {format_pounds(abs(_pence(delivered.change)))}")
        if pct.before is not None and pct.after is not None:
            share = "rose" if pct.after > pct.before else "fell" if pct.after < pct.before else verb
            if share == verb:
                parts[-1] += f" (from {pct.before:.1%} to {pct.after:.1%} of committed)"
            else:  # the money moved one way, its share of a committed total that moved more the other
                more = "more" if share == "fell" else "less"
                parts[-1] += (
                    f", but as a share of committed it {share}, from {pct.before:.1%} to {pct.after:.1%}: "
                    f"{more} was committed"
                )
    else:
        parts.append("Delivered did not move")
        if pct.after is not None and pct.before == pct.after:
            parts[-1] += f" ({pct.after:.1%} of committed)"
        elif pct.before is not None and pct.after is not None:
            parts[-1] += f" (from {pct.before:.1%} to {pct.after:.1%} of committed: more was committed)"
    if variance.before is not None and variance.after is not None:
        if variance.before == variance.after:
            parts.append(f"variance against what was due stayed at {format_pounds(_pence(variance.after))}")
        else:
            parts.append(
                f"variance against what was due moved from {format_pounds(_pence(variance.before))} "
                f"to {format_pounds(_pence(variance.after))}"
            )
    for name, words in (("new_money", "new money"), ("unphased", "unphased money (no year stated)")):
        moved = by.get(name)
        if moved is None or moved.before is None or moved.after is None or moved.before == moved.after:
            continue  # not recorded in one of the snapshots (schema 1), or did not move
        before, after = _pence(moved.before), _pence(moved.after)
        parts.append(
            f"{words} {'rose' if after > before else 'fell'} by {format_pounds(abs(after - before))}, "
            f"from {format_pounds(before)} to {format_pounds(after)}"
        )
    return "; ".join(parts) + "."
