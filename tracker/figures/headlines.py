"""Headlines that do not add up: each announcement's headline claim against its money.

An announcement's money, for its headline, is what its own commitments state,
counted by the tracker's one engine (``tracker.core.projection.schedule_frame``
and ``tracker.core.counting``), with the announcement as the whole world:

* **all money**: every pound its commitments state, once. A share of a pot in
  the same announcement is inside the pot; re-announced money counts (it is
  part of what the headline says), at the amount this announcement gives it.
* **new money**: of it, the money not announced before. A re-announcement of
  a recorded commitment adds only the difference it makes (the engine's rule);
  money marked as announced before adds none; a share of a pot announced in
  another announcement restates that pot's money, so it is not new here.

To count that way, each announcement's commitments are handed to the engine
with copies of the commitments they re-announce (and those they re-announce,
back to the first), the copies' money counted in all money but not in new
money; a pot in another announcement is cut away and its share marked as
announced before. One engine run covers every announcement at once. (The
Announcements page's figures count every pound once across all announcements
instead, so a pot shared out later shows less there: its shares are counted
where they are made.)

``report(data, announcements)`` judges every recorded headline
(``tracker.figures.headline_claims``); ``report_table`` is the report as a
finance table (CSV headers English; money exact).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.core.money import to_decimal
from tracker.core.projection import schedule_frame
from tracker.figures.data import TrackerData
from tracker.figures.headline_claims import Claim, Verdict, judge, read_claim
from tracker.figures.register import optional_text, titled_table
from tracker.figures.shared import per_data
from tracker.files.table import Table
from tracker.i18n import _

REPORT_COLUMNS = [
    "ref",
    "announced_on",
    "title",
    "funder",
    "headline",
    "claim_pence",
    "qualifier",
    "all_money_pence",
    "new_money_pence",
    "new_share_percent",
    "verdict",
]

_ENGINE_COLUMNS = (
    *("commitment_id", "announcement_ref", "announced_on", "kind", "amount_pence", "first_year", "years"),
    *("uplift_bp", "reannounces_id", "reannounces_earlier", "part_of_id", "spread", "planned_start", "planned_end"),
)


@per_data
def announcement_money(data: TrackerData) -> pd.DataFrame:
    """Per announcement ref (the index): ``all_money_pence`` and ``new_money_pence``
    (int64), counted as the module docstring says. ``data`` should be the whole
    data: a commitment filtered away is not counted."""
    schedule = scoped_schedule(data)
    if schedule.empty:
        return pd.DataFrame({"all_money_pence": [], "new_money_pence": []}, dtype="int64")
    money = schedule.assign(
        new_money_pence=np.where(schedule["own"].to_numpy(dtype=bool), schedule["new_money_pence"].to_numpy(), 0)
    )
    sums = money.groupby("announcement_ref")[["committed_pence", "new_money_pence"]].sum()
    return sums.rename(columns={"committed_pence": "all_money_pence"}).astype("int64")


SCOPED_CARRY = ["commitment_id", "announcement_ref", "own", "reannounces_id", "reannounces_earlier", "pot_elsewhere"]


@per_data
def scoped_schedule(data: TrackerData) -> pd.DataFrame:
    """The engine's schedule with each announcement as its own world (the module
    docstring): its rows carry ``SCOPED_CARRY`` (``own`` False on the copies of what
    a commitment re-announces; ``reannounces_earlier`` True where the scoping says
    announced before; ``pot_elsewhere`` True on a share of a pot in another
    announcement). Empty when there are no commitments."""
    commitments = data.commitments
    own = commitments[[c for c in _ENGINE_COLUMNS if c in commitments]].reset_index(drop=True)
    if own.empty:
        return pd.DataFrame(columns=[*SCOPED_CARRY, "financial_year", "headline_pence", "new_money_pence"])
    scoped, lines = _scoped(own, data.profile_lines)
    return schedule_frame(scoped, lines, carry=SCOPED_CARRY)


def _scoped(own: pd.DataFrame, profile_lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``own`` with each announcement as its own world (see the module docstring):
    the commitments (``own`` True) and the copies of what they re-announce."""
    ids = own["commitment_id"].to_numpy(dtype=np.int64)
    announcement = dict(zip(ids.tolist(), own["announcement_ref"].tolist()))
    row = {cid: i for i, cid in enumerate(ids.tolist())}
    reannounces = own["reannounces_id"].astype("Int64")
    part_of = own["part_of_id"].astype("Int64") if "part_of_id" in own else pd.Series(pd.NA, index=own.index)
    earlier = own["reannounces_earlier"].fillna(False).to_numpy(dtype=bool).copy()
    elsewhere = np.zeros(len(own), bool)
    target = [None if pd.isna(t) else int(t) for t in reannounces]
    pot = [None if pd.isna(p) else int(p) for p in part_of]

    next_id = int(ids.max()) + 1 if len(ids) else 1
    copies: list[dict] = []  # the re-announced commitments, as copies in the re-announcing one's world
    copy_of: dict[tuple[str, int], int] = {}  # (announcement, original id) -> the copy's id
    new_target: list[int | None] = list(target)

    def copied(where: str, original: int, seen: frozenset[int]) -> int | None:
        nonlocal next_id
        if original not in row or original in seen:
            return None  # not visible (or a loop, refused when recorded)
        key = (where, original)
        if key in copy_of:
            return copy_of[key]
        cid = next_id
        next_id += 1
        copy_of[key] = cid
        source = own.iloc[row[original]].to_dict()
        before = target[row[original]]
        earlier_target = copied(where, before, seen | {original}) if before is not None else None
        copies.append(
            {
                **source,
                "commitment_id": cid,
                "announcement_ref": where,
                "reannounces_id": earlier_target,
                "part_of_id": None,
                "reannounces_earlier": bool(source["reannounces_earlier"])
                or (before is not None and earlier_target is None),
                "pot_elsewhere": False,
                "_original": original,
            }
        )
        return cid

    for i, cid in enumerate(ids.tolist()):
        where, original = announcement[cid], target[i]
        if original is not None and announcement.get(original) != where:
            found = copied(where, original, frozenset({cid}))
            new_target[i] = found
            if found is None:
                earlier[i] = True  # its original is not visible: announced before, all the same
        if pot[i] is not None and announcement.get(pot[i]) != where:
            pot[i] = None
            earlier[i] = True  # the pot's money was announced in another announcement
            elsewhere[i] = True

    scoped = own.assign(
        reannounces_id=pd.array(new_target, dtype="Int64"),
        part_of_id=pd.array(pot, dtype="Int64"),
        reannounces_earlier=earlier,
        own=True,
        pot_elsewhere=elsewhere,
    )
    lines = profile_lines
    if copies:
        extra = pd.DataFrame(copies).assign(own=False)
        pairs = pd.DataFrame({"commitment_id": extra.pop("_original"), "copy_id": extra["commitment_id"]})
        extra = extra.astype({"reannounces_id": "Int64", "part_of_id": "Int64"})
        scoped = pd.concat([scoped, extra[scoped.columns]], ignore_index=True)
        if len(profile_lines):
            copied_lines = profile_lines.merge(pairs, on="commitment_id")
            copied_lines = copied_lines.assign(commitment_id=copied_lines.pop("copy_id"))
            lines = pd.concat([profile_lines, copied_lines[profile_lines.columns]], ignore_index=True)
    return scoped, lines


def verdicts(data: TrackerData, announcements: pd.DataFrame) -> dict[str, Verdict]:
    """Each announcement with a headline recorded (``announcements`` from
    ``register.read_announcements``): its claim judged against its money."""
    claims = {
        ref: read_claim(optional_text(stated)) for ref, stated in zip(announcements["ref"], announcements["headline"])
    }
    if not any(claims.values()):
        return {}  # nothing to count for
    money = announcement_money(data)
    found: dict[str, Verdict] = {}
    for ref, claim in claims.items():
        if claim is None:
            continue
        all_pence = int(money.at[ref, "all_money_pence"]) if ref in money.index else 0
        new_pence = int(money.at[ref, "new_money_pence"]) if ref in money.index else 0
        found[ref] = judge(claim, all_pence, new_pence)
    return found


def verdict_of(data: TrackerData, announcements: pd.DataFrame, ref: str) -> Verdict | None:
    """One announcement's verdict; None when it has no headline recorded."""
    return verdicts(data, announcements.loc[announcements["ref"] == ref]).get(ref)


def report(data: TrackerData, announcements: pd.DataFrame, *, every: bool = False) -> pd.DataFrame:
    """The headlines that differ from the money recorded or count money announced
    before as new (``every``: every recorded headline), earliest first (``REPORT_COLUMNS``)."""
    judged = verdicts(data, announcements)
    listed = announcements.loc[announcements["ref"].isin([r for r, v in judged.items() if every or v.differs])]
    rows = [judged[ref] for ref in listed["ref"]]
    frame = pd.DataFrame(
        {
            "ref": listed["ref"].to_numpy(),
            "announced_on": listed["announced_on"].to_numpy(),
            "title": listed["title"].to_numpy(),
            "funder": listed["funder"].to_numpy(),
            "headline": [v.claim.stated for v in rows],
            "claim_pence": pd.array([v.claim.pence for v in rows], dtype="Int64"),
            "qualifier": [v.claim.qualifier if v.claim.pence is not None else "" for v in rows],
            "all_money_pence": np.array([v.all_pence for v in rows], dtype=np.int64),
            "new_money_pence": np.array([v.new_pence for v in rows], dtype=np.int64),
            "new_share_percent": pd.array([v.new_share_percent for v in rows], dtype="Int64"),
            "verdict": [v.verdict for v in rows],
        },
        columns=REPORT_COLUMNS,
    )
    return frame.reset_index(drop=True)


def report_table(frame: pd.DataFrame) -> Table:
    """The report as a finance table: headers English, titles in the reader's language,
    the verdict as stored (English) in the file."""
    columns = {
        "ref": ("ref", _("Ref")),
        "announced_on": ("announced_on", _("Announced on")),
        "title": ("title", _("Title")),
        "funder": ("funder", _("Funder")),
        "headline": ("headline", _("Headline claim")),
        "claim_pence": ("claim", _("Amount claimed")),
        "qualifier": ("claim_qualifier", _("Claim is")),
        "all_money_pence": ("all_money", _("All money recorded")),
        "new_money_pence": ("new_money", _("New money")),
        "new_share_percent": ("new_share_percent", _("Share new (%)")),
        "verdict": ("verdict", _("Verdict")),
    }
    return titled_table(
        "headlines",
        _("Headlines that do not add up"),
        frame,
        columns,
        notes=(
            _(
                "All money: every pound the announcement's commitments state, once. New money leaves out money "
                "announced before. A claim with more than one amount is checked at its largest."
            ),
        ),
    )


def shown_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The report as a page shows it, in the reader's language: the claim and the verdict
    in words, money as exact ``Decimal`` pounds (``all_money``, ``new_money``)."""
    claims = [
        Claim(h, None if pd.isna(p) else int(p), q or "exact").words
        for h, p, q in zip(frame["headline"], frame["claim_pence"], frame["qualifier"])
    ]
    return pd.DataFrame(
        {
            "ref": frame["ref"].to_numpy(),
            "announced_on": frame["announced_on"].to_numpy(),
            "title": frame["title"].to_numpy(),
            "headline": frame["headline"].to_numpy(),
            "claim": claims,
            "all_money": [to_decimal(int(p)) for p in frame["all_money_pence"]],
            "new_money": [to_decimal(int(p)) for p in frame["new_money_pence"]],
            "new_share": [None if pd.isna(s) else int(s) / 100 for s in frame["new_share_percent"]],  # 0.93: 93%
            "verdict": [_(v) for v in frame["verdict"]],
        }
    )
