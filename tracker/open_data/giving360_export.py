"""360Giving grants out: what the tracker holds that a 360Giving publisher
would publish, as a data package (JSON, schema 1.4) or the standard's
flattened form (CSV or XLSX, through the safe writers). The inverse of the
importer (``tracker.open_data.giving360``): an exported file imports to the
same figures.

Pure functions of a ``TrackerData`` (``tracker.figures.data.load``); the CLI
(``funding-tracker export 360giving``) and the Finance page only call them.

**Which commitments are grants.** One grant per live commitment that has a
recipient and an announcement date. Every pound is published once, as the
tracker counts it (``committed``):

* a re-announcement of a recorded commitment is not a new grant: its money
  (the same, or a changed amount that replaced the original's) is in the
  grant of the commitment it re-announces, placed as last announced;
* a pot is published for what is left of it once its shares are taken out
  (which may be nothing), each share as its own grant, linked to the pot's in
  the extension; a share of a pot that is not published stands on its own.

So the grants' ``amountAwarded`` add up to committed money less what is left
out, and what is left out is listed (``Selection.left_out``) with a count,
the refs and the money, and why: no recipient, no announcement date, a
re-announcement, illustrative deliveries (demo figures never published),
deliveries of commitments left out, and milestones (360Giving has no place
for them). Internal notes are never published.

**Fields.** ``id``: the commitment's ref when it already is a 360Giving
identifier (``360G-...``, as imported grants are), else ``<prefix>-<ref>``
(``TRACKER_360G_PREFIX``, default ``360G-fundingtracker``). Organisations
go by their org-id identifier, else ``<prefix>-org-<name as a slug>``; a
grant to an individual names no one (``recipientIndividual``). Amounts are
exact numbers of pounds made from integer pence (100050 -> ``1000.5``);
dates are full date-times (``2014-07-24T00:00:00+00:00``).
``description`` is the announcement's quoted words, else the title.
``plannedDates`` are the commitment's planned dates, else its financial
years. ``amountDisbursed`` is disbursements less refunds (expenditure is the
recipient's spending, not money passed to it, so it is not a disbursement);
``disbursementTransaction`` lists the dated ones. The extension
(``tracker.open_data.giving360_extension``) carries what 360Giving cannot
say: how the money falls in years, the qualifier, status, links, and every
delivery with its kind.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from tracker.core import limits
from tracker.core.fiscal import FinancialYear, fy_label
from tracker.core.money import format_pounds
from tracker.core.places import area_name
from tracker.figures.data import TrackerData
from tracker.files.exports import to_csv_bytes, to_xlsx_bytes
from tracker.files.table import Table
from tracker.open_data import giving360
from tracker.open_data import giving360_extension as extension
from tracker.open_data.giving360 import INDIVIDUAL

PREFIX_VARIABLE = "TRACKER_360G_PREFIX"
DEFAULT_PREFIX = "360G-fundingtracker"
STANDARD_PREFIX = "360G-"
SCHEMA_VERSION = "1.4"
INDIVIDUAL_NAME = "Individual Recipient"  # the standard's generic name for a person
DISBURSED = ("disbursement", "refund")  # what amountDisbursed counts (a refund is stored negative)
FORMATS = ("json", "csv", "xlsx")
_SHOWN_REFS = 10  # refs named in a line about what is left out; the rest counted


class PrefixError(ValueError):
    """``TRACKER_360G_PREFIX`` is not a 360Giving prefix."""


# --- small pure pieces ---------------------------------------------------------------


def pounds(pence: int) -> Decimal:
    """Integer pence as an exact number of pounds, no trailing zeros:
    100050 -> ``Decimal('1000.5')``, 100000 -> ``Decimal('1000')``, -250 -> ``Decimal('-2.5')``.
    Never through a float."""
    if isinstance(pence, bool) or not isinstance(pence, int):
        if not (hasattr(pence, "item") and isinstance(pence.item(), int)):  # numpy integers are fine
            raise TypeError(f"money must be integer pence, got {type(pence).__name__} {pence!r}")
        pence = int(pence)
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return Decimal(f"{sign}{whole}" + (f".{part:02d}".rstrip("0") if part else ""))


def date_time(day: date) -> str:
    """A date as the full date-time 360Giving asks for: ``2014-07-24T00:00:00+00:00``."""
    return f"{day.isoformat()}T00:00:00+00:00"


def check_prefix(prefix: str) -> str | None:
    """What is wrong with a 360Giving prefix, or None."""
    if not prefix.startswith(STANDARD_PREFIX) or len(prefix) <= len(STANDARD_PREFIX):
        return f"expected a 360Giving prefix: {STANDARD_PREFIX} and the publisher's own text, e.g. {DEFAULT_PREFIX}"
    if limits.REF_PATTERN.fullmatch(prefix) is None or len(prefix) > 60:
        return f"expected at most 60 characters of {limits.REF_RULE}"
    return None


def prefix_from(environ: Mapping[str, str] = os.environ) -> str:
    """The prefix of the tracker's own identifiers (``TRACKER_360G_PREFIX``);
    raises ``PrefixError`` saying what is wrong with a bad one."""
    prefix = (environ.get(PREFIX_VARIABLE) or DEFAULT_PREFIX).strip().rstrip("-")
    problem = check_prefix(prefix)
    if problem:
        raise PrefixError(f"{PREFIX_VARIABLE} {prefix!r}: {problem}")
    return prefix


PAGE_HELP = (
    "Every commitment with a recipient and an announcement date, as a grant in the 360Giving standard "
    "(valid against its schema), every pound once; the sidebar's filters do not apply. The same as "
    "`funding-tracker export 360giving --out grants.json`."
)


def prefix_problem(environ: Mapping[str, str] = os.environ) -> str | None:
    """What is wrong with ``TRACKER_360G_PREFIX``, or None (for a page to say)."""
    try:
        prefix_from(environ)
    except PrefixError as err:
        return str(err)
    return None


def grant_id(ref: str, prefix: str = DEFAULT_PREFIX) -> str:
    """A commitment's grant identifier: its ref when it already is a 360Giving
    identifier (``360G-...``), else ``<prefix>-<ref>``."""
    return ref if ref.startswith(STANDARD_PREFIX) else f"{prefix}-{ref}"


def slug(name: str) -> str:
    """A name as an identifier's tail: ``Cyngor Sir Ynys Môn`` -> ``cyngor-sir-ynys-mon``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "organisation"


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
    reannounces = {i: _id(v) for i, v in zip(ids, c["reannounces_id"])}
    recipient = dict(zip(ids, (_present(v) for v in c["recipient"])))
    dated = dict(zip(ids, (_present(v) for v in c["announced_on"])))

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
            if _id(pot) is not None and int(share) not in grant_of and _id(pot) in grant_of
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


def _id(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _present(value: Any) -> bool:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return False
    return bool(str(value).strip())


def _text(value: Any) -> str:
    return "" if not _present(value) else str(value)


# --- the package ----------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A 360Giving data package and what did not go into it."""

    package: dict[str, Any]
    selection: Selection
    notes: tuple[str, ...] = ()  # identifiers another tracker could not read back

    @property
    def grants(self) -> list[dict[str, Any]]:
        return self.package["grants"]

    def lines(self) -> list[str]:
        return self.selection.lines() + [f"note: {note}" for note in self.notes]


def build(data: TrackerData, *, prefix: str = DEFAULT_PREFIX, issued: date | None = None) -> Export:
    """The 360Giving data package of ``data`` (every grant ``select`` chooses)."""
    selection = select(data)
    c = data.commitments_with_quotes
    rows = {int(i): row for i, row in zip(c["commitment_id"], c.to_dict("records"))}
    lines = data.profile_lines.sort_values(["commitment_id", "financial_year"], kind="stable")
    profiles: dict[int, list[tuple[int, int]]] = {}
    for cid, year, pence in zip(lines["commitment_id"], lines["financial_year"], lines["amount_pence"]):
        profiles.setdefault(int(cid), []).append((int(year), int(pence)))
    paid: dict[int, list[dict[str, Any]]] = {}
    deliveries = data.deliveries_in_full
    for delivery in deliveries.loc[~deliveries["illustrative"].to_numpy(dtype=bool)].to_dict("records"):
        owner = selection.grant_of.get(int(delivery["commitment_id"]))
        if owner is not None:
            paid.setdefault(owner, []).append(delivery)
    orgs = _organisation_ids(c, prefix)
    notes: list[str] = []
    grants = []
    seen: dict[str, str] = {}
    for plan in selection.grants:
        grant = _grant(plan, rows, profiles, paid.get(plan.commitment, []), orgs, selection, prefix)
        ref, gid = rows[plan.commitment]["ref"], grant["id"]
        if len(gid) > limits.REF_LENGTH:
            notes.append(
                f"grant {gid}: an identifier of more than {limits.REF_LENGTH} characters, "
                "which the tracker's importer refuses (give the commitment a shorter ref)"
            )
        if gid in seen:
            notes.append(f"grant {gid}: the identifier of both {seen[gid]} and {ref} (give one of them another ref)")
        seen.setdefault(gid, ref)
        grants.append(grant)
    package: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "title": "Funding commitments from the funding tracker",
        "description": (
            "Grants as the funding tracker counts them: every pound once. The tracker's own extension under "
            '"tracker" says how each grant\'s money falls in UK financial years and lists its deliveries.'
        ),
    }
    if issued is not None:
        package["issued"] = date_time(issued)
    package["grants"] = grants
    return Export(package, selection, tuple(notes))


def _organisation_ids(c: pd.DataFrame, prefix: str) -> dict[int, str]:
    """Each organisation's identifier: its own, else ``<prefix>-org-<slug>``
    (made unique, and short enough for the tracker to read back)."""
    known: dict[int, tuple[str, str]] = {}
    for role in ("funder", "recipient"):
        for org, name, identifier in zip(c[f"{role}_org"], c[role], c[f"{role}_id"]):
            if _id(org) is not None and _present(name):
                known.setdefault(int(org), (str(name), _text(identifier)))
    taken = {identifier for _, identifier in known.values() if identifier}
    ids: dict[int, str] = {}
    room = limits.LIMITS["org_identifier"] - len(prefix) - len("-org-") - 4
    for org in sorted(known):
        name, identifier = known[org]
        if identifier:
            ids[org] = identifier
            continue
        base = f"{prefix}-org-{slug(name)[:room].rstrip('-')}"
        made, n = base, 2
        while made in taken:
            made, n = f"{base}-{n}", n + 1
        taken.add(made)
        ids[org] = made
    return ids


def _grant(
    plan: Planned,
    rows: Mapping[int, dict[str, Any]],
    profiles: Mapping[int, list[tuple[int, int]]],
    deliveries: list[dict[str, Any]],
    orgs: Mapping[int, str],
    selection: Selection,
    prefix: str,
) -> dict[str, Any]:
    row, placed = rows[plan.commitment], rows[plan.placed_by]
    gid = grant_id(row["ref"], prefix)
    quote = _text(row.get("quote"))
    grant: dict[str, Any] = {
        "id": gid,
        "title": row["purpose"],
        "description": quote or row["purpose"],
        "currency": "GBP",
        "amountAwarded": pounds(plan.awarded_pence),
        "awardDate": date_time(row["announced_on"]),
    }
    source = _text(row.get("source_url"))
    if source.lower().startswith(("http://", "https://")):
        grant["url"] = source
    planned = _planned_dates(placed, profiles.get(plan.placed_by, []))
    if planned:
        grant["plannedDates"] = [planned]
    if str(row["recipient"]).strip().casefold() == INDIVIDUAL:
        grant["recipientIndividual"] = {"id": f"{prefix}-IND-{row['ref']}", "name": INDIVIDUAL_NAME}
    else:
        grant["recipientOrganization"] = [{"id": orgs[int(row["recipient_org"])], "name": row["recipient"]}]
    grant["fundingOrganization"] = [{"id": orgs[int(row["funder_org"])], "name": row["funder"]}]
    areas = tuple(row.get("areas") or ())
    if areas:
        grant["beneficiaryLocation"] = [{"geoCode": code, "name": area_name(code)} for code in areas]
    if _present(row.get("programme")):
        grant["grantProgramme"] = [{"title": row["programme"]}]
    items = [_delivery(d, gid) for d in deliveries]
    disbursed = [(d, item) for d, item in zip(deliveries, items) if d["kind"] in DISBURSED]
    if disbursed:
        grant["amountDisbursed"] = pounds(sum(int(d["amount_pence"]) for d, _ in disbursed))
        dated = [item for d, item in disbursed if "transactionDate" in item]
        if dated:
            grant["disbursementTransaction"] = [
                {"id": item["id"], "transactionDate": item["transactionDate"], "value": item["value"]} for item in dated
            ]
    grant[extension.KEY] = _extension(row, placed, profiles.get(plan.placed_by, []), items, rows, selection, prefix)
    return grant


def _planned_dates(row: Mapping[str, Any], profile: list[tuple[int, int]]) -> dict[str, str]:
    """The commitment's planned dates, else the financial years its money is for."""
    start: Any = row.get("planned_start")
    end: Any = row.get("planned_end")
    if _present(start) or _present(end):
        return {
            **({"startDate": date_time(start)} if _present(start) else {}),
            **({"endDate": date_time(end)} if _present(end) else {}),
        }
    first = _id(row.get("first_year"))
    if first is None:
        return {}
    years = _id(row.get("years"))
    if row["kind"] == "profiled" and profile:
        years = profile[-1][0] - first + 1
    elif row["kind"] == "one-off":
        years = 1
    dates = {"startDate": date_time(FinancialYear(first).start)}
    if years is not None:
        dates["endDate"] = date_time(FinancialYear(first + years - 1).last_day)
    return dates


def _delivery(delivery: Mapping[str, Any], gid: str) -> dict[str, Any]:
    ref = str(delivery["ref"])
    item: dict[str, Any] = {"id": ref if ref.startswith(f"{gid}/") else f"{gid}/{ref}", "kind": delivery["kind"]}
    if _present(delivery.get("paid_on")):
        item["transactionDate"] = date_time(delivery["paid_on"])
    item["value"] = pounds(int(delivery["amount_pence"]))
    return item


def _extension(
    row: Mapping[str, Any],
    placed: Mapping[str, Any],
    profile: list[tuple[int, int]],
    deliveries: list[dict[str, Any]],
    rows: Mapping[int, Mapping[str, Any]],
    selection: Selection,
    prefix: str,
) -> dict[str, Any]:
    """What 360Giving cannot say, from the commitment that places the grant's money."""
    kind = placed["kind"]
    out: dict[str, Any] = {"kind": kind, "amount": pounds(int(placed["amount_pence"]))}
    first = _id(placed.get("first_year"))
    if first is not None:
        out["firstYear"] = fy_label(first)
    years = _id(placed.get("years"))
    if years is not None and kind not in ("one-off", "profiled"):
        out["years"] = years
    if kind == "profiled":
        out["profile"] = [{"financialYear": fy_label(year), "amount": pounds(pence)} for year, pence in profile]
    uplift = int(placed.get("uplift_bp") or 0)
    if uplift:
        out["upliftPct"] = Decimal(uplift) / 100
    if _text(placed.get("spread")) not in ("", "none"):
        out["spread"] = placed["spread"]
    for key, column in (("plannedStart", "planned_start"), ("plannedEnd", "planned_end")):
        if _present(placed.get(column)):
            out[key] = date_time(placed[column])
    for key, column, usual in (
        ("qualifier", "qualifier", "exact"),
        ("status", "status", "confirmed"),
        ("capitalOrRevenue", "capital_or_revenue", ""),
    ):
        if _text(placed.get(column)) not in ("", usual):
            out[key] = placed[column]
    if bool(row.get("reannounces_earlier")) or _pot_announced_before(int(placed["commitment_id"]), rows, selection):
        out["reannounces"] = "earlier"
    pot = _id(placed.get("part_of_id"))
    if pot is not None and pot in selection.grant_of:
        out["partOf"] = grant_id(str(rows[selection.grant_of[pot]]["ref"]), prefix)
    announcement = _announcement(row, prefix)
    if announcement:
        out["announcement"] = announcement
    if deliveries:
        out["deliveries"] = deliveries
    return out


def _pot_announced_before(commitment: int, rows: Mapping[int, Mapping[str, Any]], selection: Selection) -> bool:
    """Whether a share published on its own (its pot is not) comes out of
    money announced before: then it is not new money either."""
    seen: set[int] = set()
    pot = _id(rows[commitment].get("part_of_id"))
    while pot is not None and pot in rows and pot not in seen:
        if pot in selection.grant_of:
            return False  # linked to its pot's grant: read back, the pot says
        seen.add(pot)
        if bool(rows[pot].get("reannounces_earlier")) or _id(rows[pot].get("reannounces_id")) is not None:
            return True
        pot = _id(rows[pot].get("part_of_id"))
    return False


def _announcement(row: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The announcement the grant was made in, where the grant alone does not say it."""
    out: dict[str, Any] = {}
    ref = _text(row.get("announcement_ref"))
    if ref and ref != row["ref"] and len(grant_id(ref, prefix)) <= limits.REF_LENGTH:
        out["id"] = grant_id(ref, prefix)
    title = _text(row.get("title"))
    if title and title != row["purpose"]:
        out["title"] = title
    if _present(row.get("source_url")):
        out["sourceUrl"] = row["source_url"]
    if not _present(row.get("quote")):
        out["quoted"] = False
    return out


# --- writing --------------------------------------------------------------------------


def json_bytes(export: Export) -> bytes:
    """The package as UTF-8 JSON, amounts written exactly from their Decimals."""
    return (_json(export.package) + "\n").encode("utf-8")


def _json(value: Any, level: int = 0) -> str:
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(key, ensure_ascii=False)}: {_json(item, level + 1)}" for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{_json(item, level + 1)}" for item in value) + f"\n{pad}]"
    if isinstance(value, Decimal):
        return extension.number_text(value)
    if isinstance(value, float):
        raise TypeError(f"a float in a 360Giving package: {value!r} (amounts are Decimals made from pence)")
    return json.dumps(value, ensure_ascii=False)


# The flattened form: each column's title -> how to read it from a grant.
FLAT_TITLES = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "URL",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Ind:Identifier",
    "Recipient Ind:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Beneficiary Location:Geographic Code",
    "Grant Programme:Title",
    "Amount Disbursed",
    "Disbursement Transaction:Transaction Date",
    "Disbursement Transaction:Value",
    *extension.TITLES_IN_ORDER,
)
MONEY_TITLES = ("Amount Awarded", "Amount Disbursed", "Disbursement Transaction:Value", "Tracker:Amount")
# Where each plain column sits in a grant: as the importer reads it (``giving360.JSON_PATHS``), and the URL.
_PATHS: dict[str, tuple[str, ...]] = {
    title: path
    for title, path in giving360.JSON_PATHS.items()
    if title not in ("Amount Awarded", "Amount Disbursed", "Planned Dates:Duration (months)")
    and "*" not in path  # (the money and the places are written below)
} | {"URL": ("url",)}


def table(export: Export) -> Table:
    """The grants in the standard's flattened form (one row a grant, the
    standard's column titles; the extension in ``Tracker:...`` columns), for
    the safe CSV and XLSX writers. The importer reads it back."""
    rows = [_flat_row(grant) for grant in export.grants]
    frame = pd.DataFrame(rows, columns=list(FLAT_TITLES))
    for title in MONEY_TITLES:
        frame[title] = pd.array(frame[title], dtype="Int64")
    frame["Tracker:Years"] = pd.array(frame["Tracker:Years"], dtype="Int64")
    return Table(
        name="360giving",
        title="grants",  # the sheet the importer reads in a workbook
        frame=frame,
        titles={title: title for title in FLAT_TITLES},
        money_columns=MONEY_TITLES,
        notes=("360Giving grants: every pound the tracker counts, once.",),
    )


def _flat_row(grant: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {title: _first(grant, path) for title, path in _PATHS.items()}
    row["Amount Awarded"] = _pence(grant["amountAwarded"])
    row["Beneficiary Location:Geographic Code"] = ";".join(
        str(place["geoCode"]) for place in grant.get("beneficiaryLocation", [])
    )
    row["Amount Disbursed"] = _pence(grant.get("amountDisbursed"))
    transactions = grant.get("disbursementTransaction", [])
    if len(transactions) == 1:  # (the flattened form has room for one)
        row["Disbursement Transaction:Transaction Date"] = transactions[0]["transactionDate"]
        row["Disbursement Transaction:Value"] = _pence(transactions[0]["value"])
    ours = grant.get(extension.KEY, {})
    cells = extension.json_cells(ours)
    for title in extension.TITLES_IN_ORDER:
        row[title] = cells[extension.COLUMNS[title]]
    row["Tracker:Amount"] = _pence(ours.get("amount"))
    row["Tracker:Years"] = ours.get("years")
    row["Tracker:Uplift (%)"] = ours.get("upliftPct")  # a number, so never neutralised
    if "profile" in ours:  # as the commitments file writes a profile: pounds with their pence
        row["Tracker:Profile"] = ";".join(f"{line['financialYear']}={line['amount']:.2f}" for line in ours["profile"])
    return row


def _first(grant: Mapping[str, Any], path: tuple[str, ...]) -> str:
    value: Any = grant
    for key in path:
        if isinstance(value, list):
            value = value[0] if value else None
        value = value.get(key) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def _pence(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def package_json(data: TrackerData, issued: date | None = None) -> bytes:
    """The JSON data package of ``data`` with the configured prefix (the Finance page's download)."""
    return json_bytes(build(data, prefix=prefix_from(), issued=issued))


def to_bytes(export: Export, form: str, about: Mapping[str, str] | None = None) -> bytes:
    """The package as ``form``: ``json``, ``csv`` or ``xlsx`` (with an About sheet)."""
    if form == "json":
        return json_bytes(export)
    flat = table(export)
    if form == "csv":
        return to_csv_bytes(flat)
    if form == "xlsx":
        return to_xlsx_bytes([flat], dict(about or {}) | about_lines(export))
    raise ValueError(f"a 360Giving export is {', '.join(FORMATS)}, not {form!r}")


def about_lines(export: Export) -> dict[str, str]:
    """What the About sheet of an XLSX export says of the package."""
    about = {"360Giving": export.selection.summary()}
    for n, line in enumerate(export.lines(), start=1):
        about[f"Left out {n}" if line.startswith("left out") else f"Note {n}"] = line
    return about


def refs_in(items: Iterable[LeftOut]) -> dict[str, tuple[str, ...]]:
    """The refs of each reason (for tests and pages)."""
    return {item.reason: item.refs for item in items}
