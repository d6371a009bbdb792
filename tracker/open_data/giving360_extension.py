"""The tracker's extension to a 360Giving grant: what the standard cannot say.

A 360Giving grant is an amount awarded on a date. The tracker also knows how
the money falls in financial years (a one-off in a stated year, a recurring
amount, a profile, a multi-year total and how it is spread, money with no
stated year), how exact the amount is, which pot a share comes out of, and
every delivery with its kind (expenditure and refunds as well as
disbursements, dated or not). The export (``giving360_export``) writes that
in an object under ``"tracker"`` on each grant (the 360Giving schema allows
properties of a publisher's own), and in ``Tracker:...`` columns in the
flattened CSV/XLSX; the importer (``giving360``) reads it back, so a file
the tracker wrote imports to the same figures. A grant without it imports as
any 360Giving grant does.

In a JSON package::

    "tracker": {
      "kind": "recurring",              one-off, recurring, profiled or multi-year (always given)
      "amount": 500000,                 pounds: per year for recurring, the total otherwise
      "firstYear": "2020-21",           absent: not stated (the money is unphased)
      "years": 3,                       absent: one for a one-off; not stated for recurring or multi-year
      "profile": [{"financialYear": "2020-21", "amount": 1000.5}, ...],   profiled
      "upliftPct": 2.5,                 recurring: the yearly uplift
      "spread": "even",                 multi-year: even or planned-dates (estimated)
      "plannedStart": "2020-04-01T00:00:00+00:00", "plannedEnd": ...,     the tracker's own planned dates
      "qualifier": "over",              over, up to or about (absent: exact)
      "status": "indicative",           (absent: confirmed)
      "capitalOrRevenue": "revenue",
      "reannounces": "earlier",         announced before: counted, but not new money
      "partOf": "360G-...-POT1",        the grant of the pot this share comes out of
      "announcement": {"id": ..., "title": ..., "sourceUrl": ..., "quoted": false},
      "deliveries": [{"id": "<grant id>/D1", "kind": "expenditure",
                      "transactionDate": "2021-03-31T00:00:00+00:00", "value": 250}, ...]
    }

(``quoted`` false: the grant's description is its title, not the
announcement's words; a delivery with no ``transactionDate`` is undated.)
The flattened form writes the same as text, one column each: a profile as
``2020-21=1000.50;2021-22=2000.00`` (as in the commitments file), the
deliveries as ``<id> <kind> <date or undated> <amount>`` separated by ``;``.
A delivery's id is kept only under its grant's own identifier
(``<grant id>/...``), so a file can never reach another grant's deliveries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tracker.files.tabular import Problem, Row, normalise_header
from tracker.i18n import N_, _
from tracker.records import delivery_rows
from tracker.records.delivery_rows import DeliveryRecord

KEY = "tracker"  # the grant's property that holds the extension
UNDATED = "undated"

# The extension's flattened column titles -> the tracker's commitments column
# each one sets (the announcement's, and the deliveries, are read apart).
COMMITMENT_TITLES: dict[str, str] = {
    "Tracker:Kind": "kind",
    "Tracker:Amount": "amount",
    "Tracker:First Year": "first_year",
    "Tracker:Years": "years",
    "Tracker:Profile": "profile",
    "Tracker:Uplift (%)": "uplift_pct",
    "Tracker:Spread": "spread",
    "Tracker:Planned Start": "planned_start",
    "Tracker:Planned End": "planned_end",
    "Tracker:Qualifier": "qualifier",
    "Tracker:Status": "status",
    "Tracker:Capital or Revenue": "capital_or_revenue",
    "Tracker:Re-announces": "reannounces",
    "Tracker:Part Of": "part_of",
    "Tracker:Announcement:Identifier": "announcement_ref",
    "Tracker:Announcement:Title": "title",
    "Tracker:Announcement:Source URL": "source_url",
}
QUOTED = "Tracker:Announcement:Quoted"
DELIVERIES = "Tracker:Deliveries"
TITLES_IN_ORDER = (*COMMITMENT_TITLES, QUOTED, DELIVERIES)

# The importer's own name for each column (its title normalised, so that it
# is never one of the commitments file's names).
COLUMNS: dict[str, str] = {title: normalise_header(title) for title in TITLES_IN_ORDER}
HEADER = list(COLUMNS.values())
_KIND = COLUMNS["Tracker:Kind"]
_QUOTED = COLUMNS[QUOTED]
_DELIVERIES = COLUMNS[DELIVERIES]
# A commitments column's title in messages about a grant that carries the extension.
TITLES: dict[str, str] = {column: title for title, column in COMMITMENT_TITLES.items()}

# Each column, from the extension object of a JSON package: a path of keys.
_JSON_PATHS: dict[str, tuple[str, ...]] = {
    "Tracker:Kind": ("kind",),
    "Tracker:Amount": ("amount",),
    "Tracker:First Year": ("firstYear",),
    "Tracker:Years": ("years",),
    "Tracker:Uplift (%)": ("upliftPct",),
    "Tracker:Spread": ("spread",),
    "Tracker:Planned Start": ("plannedStart",),
    "Tracker:Planned End": ("plannedEnd",),
    "Tracker:Qualifier": ("qualifier",),
    "Tracker:Status": ("status",),
    "Tracker:Capital or Revenue": ("capitalOrRevenue",),
    "Tracker:Re-announces": ("reannounces",),
    "Tracker:Part Of": ("partOf",),
    "Tracker:Announcement:Identifier": ("announcement", "id"),
    "Tracker:Announcement:Title": ("announcement", "title"),
    "Tracker:Announcement:Source URL": ("announcement", "sourceUrl"),
    QUOTED: ("announcement", "quoted"),
}
_ITEM = re.compile(r"(\S+)\s+(\S+)\s+(\S+)\s+(\S+)")
DELIVERY_EXPECTED = N_(
    "expected each delivery as <id> <kind> <date or undated> <amount>, separated by ;"
    " (e.g. G1/D1 disbursement 2020-05-01 1000.00; G1/D2 expenditure undated 250.00)"
)
# A problem or note about one grant (``tracker.imports.reading.notes_said`` groups the notes by it).
ABOUT_GRANT = N_("grant {ref}: {text}")


def present(row: Row) -> bool:
    """Whether the grant carries the tracker's extension (its kind is always given)."""
    return bool(row.get(_KIND))


# --- writing (the export) -----------------------------------------------------------


def number_text(value: Decimal) -> str:
    """A Decimal as plain digits, never an exponent: ``Decimal('1E+3')`` -> ``1000``."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def profile_text(profile: Any) -> str:
    """``[{"financialYear": "2020-21", "amount": Decimal("1000.5")}]`` -> ``2020-21=1000.5``."""
    if not isinstance(profile, list):
        return _text(profile)  # (what the profile's parser then says is wrong)
    return ";".join(f"{_text(line.get('financialYear'))}={_text(line.get('amount'))}" for line in _dicts(profile))


def deliveries_text(deliveries: Any) -> str:
    """The extension's deliveries as the flattened column writes them."""
    if not isinstance(deliveries, list):
        return _text(deliveries)  # (what the deliveries' parser then says is wrong)
    return ";".join(
        " ".join(
            (
                _text(item.get("id")) or "-",
                _text(item.get("kind")) or "-",
                _text(item.get("transactionDate")) or UNDATED,
                _text(item.get("value")) or "-",
            )
        )
        for item in _dicts(deliveries)
    )


def json_cells(extension: Any) -> dict[str, str]:
    """A package grant's extension object as the flattened columns' text ("" for none)."""
    cells = dict.fromkeys(HEADER, "")
    if not isinstance(extension, dict):
        return cells
    for title, path in _JSON_PATHS.items():
        value: Any = extension
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        cells[COLUMNS[title]] = _text(value)
    if "profile" in extension:
        cells[COLUMNS["Tracker:Profile"]] = profile_text(extension["profile"])
    if "deliveries" in extension:
        cells[_DELIVERIES] = deliveries_text(extension["deliveries"])
    return cells


def _dicts(items: list[Any]) -> list[dict[str, Any]]:
    return [item if isinstance(item, dict) else {"id": _text(item)} for item in items]


def _text(value: Any) -> str:
    """A JSON value as a cell's text (what no parser accepts, for what is not a plain value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return "not-a-value"  # (one word: each parser says what it expected instead)


# --- reading (the import) -------------------------------------------------------------


def apply(row: Row, cells: dict[str, str], as_written: Callable[[str], str]) -> None:
    """Set a grant's commitment cells from its extension: how its money falls
    in years, its qualifier, status and links, and its announcement."""
    for title, column in COMMITMENT_TITLES.items():
        value = row.get(COLUMNS[title])
        if column in ("title", "announcement_ref", "source_url") and not value:
            continue  # (the grant's own: its title, its identifier)
        cells[column] = as_written(value) if column in ("planned_start", "planned_end") else value
    if row.get(_QUOTED).lower() in ("no", "false"):
        cells["quote"] = ""  # the description is the grant's title, not words quoted


def deliveries(
    row: Row, grant: str, problems: list[Problem], as_written: Callable[[str], str]
) -> tuple[DeliveryRecord, ...]:
    """The grant's deliveries as the extension lists them (every kind, dated or not)."""
    text = row.get(_DELIVERIES)
    records: list[DeliveryRecord] = []
    for n, item in enumerate((part.strip() for part in text.split(";") if part.strip()), start=1):
        match = _ITEM.fullmatch(item)
        if match is None:
            problems.append(Problem(row.line, DELIVERIES, item, _(ABOUT_GRANT, ref=grant, text=_(DELIVERY_EXPECTED))))
            continue
        ref, kind, when, amount = match.groups()
        if not ref.startswith(f"{grant}/"):
            ref = f"{grant}/delivery-{n}"  # never another grant's delivery
        cells = {
            "ref": ref,
            "commitment_ref": grant,
            "kind": kind,
            "paid_on": "" if when == UNDATED else as_written(when),
            "amount": amount,
            "note": "a delivery in the 360Giving file (tracker extension)",
        }
        found: list[Problem] = []
        record = delivery_rows.parse_delivery_row(Row(row.line, cells), found)
        for problem in found:
            said = {"paid_on": "date", "ref": "id"}.get(problem.column or "", problem.column)
            text = _(
                "{field} {expected}", field=said, expected=_(problem.expected) if problem.expected else ""
            )  # the item's field as written
            problems.append(Problem(row.line, DELIVERIES, item, _(ABOUT_GRANT, ref=grant, text=text)))
        if record is not None:
            records.append(record)
    return tuple(records)
