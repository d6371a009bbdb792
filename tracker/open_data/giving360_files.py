"""A 360Giving package written out: JSON with amounts exact from their
Decimals, or the standard's flattened form (CSV, XLSX with an About sheet)
that the importer reads back. Split from ``tracker.open_data.giving360_export``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from tracker.figures.data import TrackerData
from tracker.files.exports import to_csv_bytes, to_xlsx_bytes
from tracker.files.table import Table
from tracker.open_data import giving360
from tracker.open_data import giving360_extension as extension
from tracker.open_data.giving360_export import FORMATS, Export, build, prefix_from
from tracker.open_data.giving360_selection import LeftOut

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
