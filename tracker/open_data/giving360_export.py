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

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from tracker.core import limits
from tracker.core.fiscal import FinancialYear, fy_label
from tracker.core.places import area_name
from tracker.figures.data import TrackerData
from tracker.open_data import giving360_extension as extension
from tracker.open_data.giving360 import INDIVIDUAL
from tracker.open_data.giving360_selection import Planned, Selection, id_of, present, select, text_of

PREFIX_VARIABLE = "TRACKER_360G_PREFIX"
DEFAULT_PREFIX = "360G-fundingtracker"
STANDARD_PREFIX = "360G-"
SCHEMA_VERSION = "1.4"
INDIVIDUAL_NAME = "Individual Recipient"  # the standard's generic name for a person
DISBURSED = ("disbursement", "refund")  # what amountDisbursed counts (a refund is stored negative)
FORMATS = ("json", "csv", "xlsx")


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
            if id_of(org) is not None and present(name):
                known.setdefault(int(org), (str(name), text_of(identifier)))
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
    quote = text_of(row.get("quote"))
    grant: dict[str, Any] = {
        "id": gid,
        "title": row["purpose"],
        "description": quote or row["purpose"],
        "currency": "GBP",
        "amountAwarded": pounds(plan.awarded_pence),
        "awardDate": date_time(row["announced_on"]),
    }
    source = text_of(row.get("source_url"))
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
    if present(row.get("programme")):
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
    if present(start) or present(end):
        return {
            **({"startDate": date_time(start)} if present(start) else {}),
            **({"endDate": date_time(end)} if present(end) else {}),
        }
    first = id_of(row.get("first_year"))
    if first is None:
        return {}
    years = id_of(row.get("years"))
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
    if present(delivery.get("paid_on")):
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
    first = id_of(placed.get("first_year"))
    if first is not None:
        out["firstYear"] = fy_label(first)
    years = id_of(placed.get("years"))
    if years is not None and kind not in ("one-off", "profiled"):
        out["years"] = years
    if kind == "profiled":
        out["profile"] = [{"financialYear": fy_label(year), "amount": pounds(pence)} for year, pence in profile]
    uplift = int(placed.get("uplift_bp") or 0)
    if uplift:
        out["upliftPct"] = Decimal(uplift) / 100
    if text_of(placed.get("spread")) not in ("", "none"):
        out["spread"] = placed["spread"]
    for key, column in (("plannedStart", "planned_start"), ("plannedEnd", "planned_end")):
        if present(placed.get(column)):
            out[key] = date_time(placed[column])
    for key, column, usual in (
        ("qualifier", "qualifier", "exact"),
        ("status", "status", "confirmed"),
        ("capitalOrRevenue", "capital_or_revenue", ""),
    ):
        if text_of(placed.get(column)) not in ("", usual):
            out[key] = placed[column]
    if bool(row.get("reannounces_earlier")) or _pot_announced_before(int(placed["commitment_id"]), rows, selection):
        out["reannounces"] = "earlier"
    pot = id_of(placed.get("part_of_id"))
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
    pot = id_of(rows[commitment].get("part_of_id"))
    while pot is not None and pot in rows and pot not in seen:
        if pot in selection.grant_of:
            return False  # linked to its pot's grant: read back, the pot says
        seen.add(pot)
        if bool(rows[pot].get("reannounces_earlier")) or id_of(rows[pot].get("reannounces_id")) is not None:
            return True
        pot = id_of(rows[pot].get("part_of_id"))
    return False


def _announcement(row: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The announcement the grant was made in, where the grant alone does not say it."""
    out: dict[str, Any] = {}
    ref = text_of(row.get("announcement_ref"))
    if ref and ref != row["ref"] and len(grant_id(ref, prefix)) <= limits.REF_LENGTH:
        out["id"] = grant_id(ref, prefix)
    title = text_of(row.get("title"))
    if title and title != row["purpose"]:
        out["title"] = title
    if present(row.get("source_url")):
        out["sourceUrl"] = row["source_url"]
    if not present(row.get("quote")):
        out["quoted"] = False
    return out
