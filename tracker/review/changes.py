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
from tracker.i18n import N_, _
from tracker.review.meetings import status_label, subject_words
from tracker.review.snapshot import lateness_words

# The words of the list of changes are said in the language in use when it is made.
NONE = N_("none")
UNDATED = N_("undated")
FIRST_REVIEW = N_("This is the first review: there is nothing earlier to compare with.")
# A delivery's fields as the list of changes names them.
_DELIVERY_WORDS = {
    "amount": N_("amount"),
    "paid_on": N_("paid on"),
    "commitment_ref": N_("commitment"),
    "kind": N_("kind"),
}


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
    none = _(NONE)
    for key, words in (
        ("terms", N_("terms")),
        ("purpose", N_("purpose")),
        ("recipient", N_("recipient")),
        ("programme", N_("programme")),
        ("status", N_("status")),
        ("restates", N_("re-announces")),
    ):
        before, after = _blank(old.get(key)), _blank(new.get(key))
        if before != after:
            if key == "terms":
                parts.append(_terms_difference(before or {}, after or {}))
            else:
                parts.append(changed(_(words), before or none, after or none))
    if _both(old, new, "part_of") and old["part_of"] != new["part_of"]:
        parts.append(changed(_("share of"), old["part_of"] or none, new["part_of"] or none))
    if _both(old, new, "reannounces_earlier") and old["reannounces_earlier"] != new["reannounces_earlier"]:
        parts.append(_("now announced before") if new["reannounces_earlier"] else _("no longer announced before"))
    if _both(old, new, "areas") and old["areas"] != new["areas"]:
        parts.append(changed(_("areas"), ", ".join(old["areas"]) or none, ", ".join(new["areas"]) or none))
    if old["committed"] != new["committed"]:
        parts.append(changed(_("committed"), format_pounds(old["committed"]), format_pounds(new["committed"])))
    if _both(old, new, "new_money") and old["new_money"] != new["new_money"]:
        parts.append(changed(_("new money"), format_pounds(old["new_money"]), format_pounds(new["new_money"])))
    return "; ".join(p for p in parts if p)


def _terms_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    parts = []
    if old.get("kind") != new.get("kind"):
        parts.append(changed(_("kind"), str(old.get("kind")), str(new.get("kind"))))
    if old.get("amount") != new.get("amount"):
        parts.append(changed(_("amount"), format_pounds(old.get("amount") or 0), format_pounds(new.get("amount") or 0)))
    for key, words in (
        ("first_year", N_("first year")),
        ("years", N_("years")),
        ("qualifier", N_("qualifier")),
        ("uplift_bp", N_("uplift (basis points)")),
        ("spread", N_("spread")),
        ("planned_start", N_("planned start")),
        ("planned_end", N_("planned end")),
    ):
        if _both(old, new, key) and old[key] != new[key]:
            parts.append(changed(_(words), _unstated(old[key]), _unstated(new[key])))
    before, after = old.get("profile") or {}, new.get("profile") or {}
    if before != after:
        years = sorted(set(before) | set(after))
        parts += [
            changed(_("{year} profile", year=y), format_pounds(before.get(y, 0)), format_pounds(after.get(y, 0)))
            for y in years
            if before.get(y, 0) != after.get(y, 0)
        ]
    return "; ".join(parts)


def _unstated(value: Any) -> str:
    return _("not stated") if value is None else str(value)


def _new_commitment(row: dict[str, Any]) -> str:
    """A commitment new since the last review, in words."""
    if row.get("restates"):
        return _("re-announces {ref} (no new money)", ref=row["restates"])
    what = [_("committed {amount}", amount=format_pounds(row["committed"]))]
    if row.get("part_of"):
        what.append(_("a share of {pot} (inside its pot, not added to it)", pot=row["part_of"]))
    if row.get("reannounces_earlier"):
        what.append(_("announced before (not new money)"))
    unphased = int(row.get("unphased") or 0)
    if unphased:
        what.append(_("{amount} of it unphased (no year stated)", amount=format_pounds(unphased)))
    estimated = int(row.get("estimated") or 0)
    if estimated:
        what.append(_("{amount} of it in years estimated by a chosen spread", amount=format_pounds(estimated)))
    return ", ".join(what)


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
                {"ref": ref, "purpose": row["purpose"], "change": "removed", "what": _("no longer counted (deleted)")}
            )

    old_d, new_d = _by_ref(_current_kinds(before["deliveries"])), _by_ref(_current_kinds(after["deliveries"]))
    deliveries = []
    for ref, row in new_d.items():
        old = old_d.get(ref)
        if old is None:
            values = {"amount": format_pounds(row["amount"]), "kind": row["kind"], "ref": row["commitment_ref"]}
            deliveries.append(
                {
                    **row,
                    "change": "new",
                    "what": _("{amount} {kind} on {day} against {ref}", day=row["paid_on"], **values)
                    if row["paid_on"]
                    else _("{amount} {kind} undated against {ref}", **values),
                }
            )
        elif old != row:
            undated = _(UNDATED)
            diffs = [
                changed(
                    _(_DELIVERY_WORDS[k]),
                    format_pounds(old[k]) if k == "amount" else str(old[k] or undated),
                    format_pounds(row[k]) if k == "amount" else str(row[k] or undated),
                )
                for k in _DELIVERY_WORDS
                if old[k] != row[k]
            ]
            deliveries.append({**row, "change": "changed", "what": "; ".join(diffs) or _("details changed")})
    for ref, row in old_d.items():
        if ref not in new_d:
            deliveries.append({**row, "change": "removed", "what": _("no longer counted (deleted)")})

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
    ("commitment", "new"): N_("New commitment"),
    ("commitment", "changed"): N_("Commitment changed"),
    ("commitment", "removed"): N_("Commitment removed"),
    ("delivery", "new"): N_("New delivery"),
    ("delivery", "changed"): N_("Delivery changed"),
    ("delivery", "removed"): N_("Delivery removed"),
}


def _achieved(m: dict[str, Any]) -> str:
    lateness = lateness_words(m)
    if lateness:
        return _("{title}: achieved {day} ({lateness})", title=m["title"], day=m["achieved_on"], lateness=lateness)
    return _("{title}: achieved {day}", title=m["title"], day=m["achieved_on"])


def changes_table(found: Changes) -> pd.DataFrame:
    """Every change as one row: ``what`` (the kind of change), ``ref``,
    ``detail`` in words (in the language in use), in the order the review reads them."""
    rows = []
    rows += [(_("New announcement"), a["ref"], f"{a['announced_on']}: {a['title']}") for a in found.new_announcements]
    rows += [
        (_(_WHAT[("commitment", c["change"])]), c["ref"], f"{c['purpose']}: {c['what']}") for c in found.commitments
    ]
    rows += [(_(_WHAT[("delivery", d["change"])]), d["ref"], d["what"]) for d in found.deliveries]
    rows += [(_("Milestone achieved"), m["ref"], _achieved(m)) for m in found.milestones_achieved]
    rows += [
        (
            _("Milestone newly overdue"),
            m["ref"],
            _("{title}: due {day}, {lateness}", title=m["title"], day=m["due_on"], lateness=lateness_words(m)),
        )
        for m in found.milestones_newly_overdue
    ]
    rows += [
        (
            _("Status"),
            subject_words(s["subject"]),
            changed(_("status"), status_label(s["before"]) if s["before"] else _("no status"), status_label(s["after"]))
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
        return _(FIRST_REVIEW)
    parts = []
    if delivered.change:
        parts.append(_delivered_moved(abs(_pence(delivered.change)), delivered.change > 0, pct))
    elif pct.after is not None and pct.before == pct.after:
        parts.append(_("Delivered did not move ({share} of committed)", share=format(pct.after, ".1%")))
    elif pct.before is not None and pct.after is not None:
        parts.append(
            _(
                "Delivered did not move (from {before} to {after} of committed: more was committed)",
                before=format(pct.before, ".1%"),
                after=format(pct.after, ".1%"),
            )
        )
    else:
        parts.append(_("Delivered did not move"))
    if variance.before is not None and variance.after is not None:
        if variance.before == variance.after:
            parts.append(
                _("variance against what was due stayed at {amount}", amount=format_pounds(_pence(variance.after)))
            )
        else:
            parts.append(
                _(
                    "variance against what was due moved from {before} to {after}",
                    before=format_pounds(_pence(variance.before)),
                    after=format_pounds(_pence(variance.after)),
                )
            )
    for name in ("new_money", "unphased"):
        moved = by.get(name)
        if moved is None or moved.before is None or moved.after is None or moved.before == moved.after:
            continue  # not recorded in one of the snapshots (schema 1), or did not move
        before, after = _pence(moved.before), _pence(moved.after)
        sentence = _MONEY_MOVED[(name, after > before)]
        parts.append(
            _(
                sentence,
                amount=format_pounds(abs(after - before)),
                before=format_pounds(before),
                after=format_pounds(after),
            )
        )
    return "; ".join(parts) + "."


# How new money and unphased money moved: (figure, rose) -> the clause.
_MONEY_MOVED = {
    ("new_money", True): N_("new money rose by {amount}, from {before} to {after}"),
    ("new_money", False): N_("new money fell by {amount}, from {before} to {after}"),
    ("unphased", True): N_("unphased money (no year stated) rose by {amount}, from {before} to {after}"),
    ("unphased", False): N_("unphased money (no year stated) fell by {amount}, from {before} to {after}"),
}


def _delivered_moved(amount: int, rose: bool, pct: Movement) -> str:
    """How delivered money moved, and its share of committed with it (or, when
    the share moved the other way, against it: more or less was committed)."""
    money = format_pounds(amount)
    if pct.before is None or pct.after is None:
        return _("Delivered rose by {amount}", amount=money) if rose else _("Delivered fell by {amount}", amount=money)
    shares = {"amount": money, "before": f"{pct.before:.1%}", "after": f"{pct.after:.1%}"}
    share_rose = pct.after > pct.before if pct.after != pct.before else rose
    if share_rose == rose:
        if rose:
            return _("Delivered rose by {amount} (from {before} to {after} of committed)", **shares)
        return _("Delivered fell by {amount} (from {before} to {after} of committed)", **shares)
    # The money moved one way, its share of a committed total that moved more the other.
    if rose:
        return _(
            "Delivered rose by {amount}, but as a share of committed it fell, from {before} to {after}: "
            "more was committed",
            **shares,
        )
    return _(
        "Delivered fell by {amount}, but as a share of committed it rose, from {before} to {after}: less was committed",
        **shares,
    )
