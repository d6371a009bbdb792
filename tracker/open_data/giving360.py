"""360Giving grants in: each grant becomes a row of the tracker's own
commitments format, read by the same parser, checks and saving as any
commitments file (one import pipeline).

A grant is one announcement (the award: ``Award Date``, the funder) with one
commitment (``Identifier`` is its ref): by default a **one-off in the
financial year of its award date**, as GrantNav reports grants. Funding and
recipient organisations go by their identifiers; a grant to an individual
records "individual recipient", never the person's name. The file is either
the flattened form (CSV or XLSX with the standard's column titles,
``Funding Org:Name``...) or a JSON data package (``{"grants": [...]}``,
schema 1.4), which is flattened here to the same columns.

A grant the tracker wrote (``funding-tracker export 360giving``) carries the
tracker's extension (``giving360_extension``): its money is then placed in
years, and its deliveries taken, as the extension says (``--spread`` does
not apply to it), so the export imports to the same figures.

Dates may be written as dates (``2014-07-24``, day-first ``24/07/2014``) or
as date-times with a zone (``2014-07-24T00:00:00+00:00``): the date is the
one written, whatever the zone. Currency must be GBP.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from tracker.core.fiscal import DATE_EXAMPLES, FinancialYear, FiscalError
from tracker.core.limits import shown
from tracker.core.money import MoneyError, format_pounds, parse_pence
from tracker.core.places import AREA_SEPARATOR, GSS_CODE
from tracker.core.vocabulary import GRANT_PLACINGS
from tracker.files import limits
from tracker.files.tabular import Problem, Row, RowTaker, Table, normalise_header, parse_file_date
from tracker.i18n import N_, _
from tracker.open_data import giving360_extension as extension
from tracker.records import commitment_rows, delivery_rows
from tracker.records.bundles import Bundle
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.commitment_values import either
from tracker.records.delivery_rows import DeliveryRecord

ABOUT_GRANT = extension.ABOUT_GRANT  # "grant {ref}: {text}": a problem or note about one grant
INDIVIDUAL = "individual recipient"  # who a grant to a person is recorded as: never their name

# The columns read, by their title in the standard's flattened form -> the
# tracker's commitments column (or a column of the standard's own, kept
# under its normalised title). Titles are matched as every header is
# (``tabular.normalise_header``: case and punctuation do not matter).
COLUMNS: dict[str, str] = {
    "Identifier": "ref",
    "Title": "purpose",
    "Description": "quote",
    "Currency": "currency",
    "Amount Awarded": "amount",
    "Award Date": "announced_on",
    "Award date:Start date": "announced_on",  # an older spelling seen in published files
    "Recipient Org:Identifier": "recipient_id",
    "Recipient Org:Name": "recipient",
    "Recipient Ind:Identifier": "recipient_individual",
    "Recipient Ind:Name": "recipient_individual_name",
    "Funding Org:Identifier": "funder_id",
    "Funding Org:Name": "funder",
    "Planned Dates:Start Date": "planned_start",
    "Planned Dates:End Date": "planned_end",
    "Planned Dates:Duration (months)": "planned_months",
    "Planned Dates:Duration": "planned_months",  # (the same, as some publishers title it)
    "Beneficiary Location:Geographic Code": "areas",
    "Grant Programme:Title": "programme",
    "Amount Disbursed": "amount_disbursed",
    # The first disbursement transaction, as the standard's flattened form writes it
    # (a JSON package gives every one: see ``_DISBURSEMENTS``).
    "Disbursement Transaction:Transaction Date": "disbursed_on",
    "Disbursement Transaction:Value": "disbursement_value",
}
COLUMNS |= extension.COLUMNS  # the tracker's own extension (tracker.open_data.giving360_extension)
# The standard's title of each column, for messages.
TITLES: dict[str, str] = {}
for _title, _column in COLUMNS.items():
    TITLES.setdefault(_column, _title)
# The same for a grant carrying the extension, whose money the extension places.
_EXTENDED_TITLES = {**TITLES, **extension.TITLES}


ALIASES: dict[str, str] = {normalise_header(title): column for title, column in COLUMNS.items()}
# A delivery column's title in messages about a grant's disbursements.
DELIVERY_TITLES = {
    "ref": "Identifier",
    "amount": "Amount Disbursed",
    "paid_on": "Disbursement Transaction:Transaction Date",
}
_DISBURSEMENTS = "disbursements"  # a package's dated disbursement transactions, as JSON [[date, value], ...]
REQUIRED = ("ref", "purpose", "currency", "amount", "announced_on", "funder")

_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]([01]\d|2[0-3])(?::?[0-5]\d)?)?$"
)
_DATE_COLUMNS = ("announced_on", "planned_start", "planned_end")
_DATES_SAID = f"expected {DATE_EXAMPLES}"  # as tracker.core.fiscal says a date is wrong
_DATES_EXPECTED = N_("expected a date such as 2014-07-24, 2014-07-24T00:00:00+00:00 or 24/07/2014")


def parser(placing: str) -> Callable[[Row, list[Problem]], Bundle | CommitmentRecord | None]:
    """``parse_grant_row`` placing each grant's money as chosen (one of ``GRANT_PLACINGS``)."""
    if placing not in GRANT_PLACINGS:
        raise ValueError(f"a grant's money is placed {either(GRANT_PLACINGS)}, not {placing!r}")
    return partial(parse_grant_row, placing=placing)


def parse_grant_row(row: Row, problems: list[Problem], placing: str = "award-year") -> Bundle | CommitmentRecord | None:
    """One grant (a row of the flattened form) -> a one-off commitment in the
    financial year of its award date, or None with its problems (each naming
    the grant and the standard's column). A grant with money disbursed comes
    as a ``Bundle``: the commitment with its disbursements
    (``_disbursements``).

    ``placing`` "planned-dates": a grant with a planned period is instead a
    multi-year total spread over it by days (estimated); a period given only
    as a duration in months starts on the planned start, else on the award
    date. A grant with no planned period stays in its award year."""
    grant = row.get("ref") or "(no Identifier)"
    own: list[Problem] = []
    cells = {column: row.get(column) for column in commitment_rows.COLUMNS}
    for column in _DATE_COLUMNS:
        cells[column] = _date_as_written(cells[column])
    if not row.get("currency"):
        own.append(Problem(row.line, "currency", None, _("required: the grant's currency (GBP)")))
    if row.get("recipient_individual") or row.get("recipient_individual_name"):
        cells["recipient"], cells["recipient_id"] = INDIVIDUAL, ""
    cells["title"] = cells["purpose"]
    place_notes: list[Problem] = []
    cells["areas"] = _places(row, grant, place_notes)
    cells["kind"] = "one-off"
    cells["first_year"] = ""
    awarded = cells["announced_on"]
    if not awarded:
        own.append(Problem(row.line, "announced_on", None, _("required: the grant's award date")))
    else:
        with contextlib.suppress(FiscalError):  # (the parser says what is wrong with the date)
            cells["first_year"] = FinancialYear.from_date(parse_file_date(awarded)).label
    tracked = extension.present(row)
    if tracked:  # written by the tracker: its extension places the money, whatever the placing asked
        extension.apply(row, cells, _date_as_written)
    elif placing == "planned-dates" and not own:
        _spread_over_planned_dates(row, cells, own)
    found: list[Problem] = []
    record = commitment_rows.parse_commitment_row(Row(row.line, cells), found)
    for problem in own + found:
        problems.append(_named(problem, grant, _EXTENDED_TITLES if tracked else TITLES))
    paid: list[Problem] = []
    notes: tuple[Problem, ...] = ()
    if tracked:  # every delivery the extension lists, of every kind
        deliveries = extension.deliveries(row, grant, paid, _date_as_written)
    else:
        deliveries, notes = _disbursements(row, grant, paid)
    problems.extend(paid)
    if record is None or own or paid:
        return None
    notes = (*place_notes, *notes)
    return Bundle(record, deliveries, notes) if deliveries or notes else record


def _places(row: Row, grant: str, notes: list[Problem]) -> str:
    """The grant's beneficiary locations as GSS codes separated by ``;``: from
    ``Beneficiary Location:Geographic Code`` and the numbered columns GrantNav
    writes (``Beneficiary Location:0:Geographic Code``, ``:1:``...). A code
    that is not an ONS GSS code (a country code, a name) is left aside with a
    note, never a reason to refuse the grant."""
    written = [row.get("areas"), *(row.get(name) for name in row.cells if _NUMBERED_PLACE.fullmatch(name))]
    codes: list[str] = []
    for text in written:
        for part in text.split(AREA_SEPARATOR):
            code = part.strip().upper()
            if code and GSS_CODE.fullmatch(code):
                codes.append(code)
            elif code:
                notes.append(
                    Problem(
                        row.line,
                        TITLES["areas"],
                        part.strip(),
                        _(
                            ABOUT_GRANT,
                            ref=grant,
                            text=_("not an ONS GSS code (a letter and 8 digits): left aside"),
                        ),
                    )
                )
    return AREA_SEPARATOR.join(dict.fromkeys(codes))


_NUMBERED_PLACE = re.compile(r"beneficiary_location_\d+_geographic_code")


def _disbursements(
    row: Row, grant: str, problems: list[Problem]
) -> tuple[tuple[DeliveryRecord, ...], tuple[Problem, ...]]:
    """The grant's money paid out, as disbursement deliveries of its
    commitment: each dated disbursement transaction the file gives, else one
    undated delivery of its Amount Disbursed (none for 0). More disbursed
    than awarded is accepted: it shows as over-delivery."""
    transactions = _transactions(row)
    said = row.get("amount_disbursed")
    wanted = [
        (f"{grant}/disbursement-{n}", value, _date_as_written(when), "a disbursement transaction in the 360Giving file")
        for n, (when, value) in enumerate(transactions, start=1)
        if not _is_zero(value)
    ]
    notes: list[Problem] = []
    if not transactions and said and not _is_zero(said):
        wanted.append((f"{grant}/disbursed", said, "", "Amount Disbursed in the 360Giving file (undated)"))
    elif transactions and said:
        with contextlib.suppress(MoneyError):
            total = sum(parse_pence(value, allow_negative=True) for _when, value in transactions)
            if total != parse_pence(said, allow_negative=True):
                notes.append(
                    Problem(
                        row.line,
                        "Amount Disbursed",
                        said,
                        _(
                            ABOUT_GRANT,
                            ref=grant,
                            text=_(
                                "its disbursement transactions total {total}, which is what is recorded as delivered",
                                total=format_pounds(total),
                            ),
                        ),
                    )
                )
    records: list[DeliveryRecord] = []
    for ref, amount, paid_on, note in wanted:
        cells = {"ref": ref, "commitment_ref": grant, "amount": amount, "kind": "disbursement", "paid_on": paid_on}
        found: list[Problem] = []
        delivery = delivery_rows.parse_delivery_row(Row(row.line, {**cells, "note": note}), found)
        for problem in found:
            column = DELIVERY_TITLES.get(problem.column or "", problem.column)
            expected = problem.expected.replace(_DATES_SAID, _DATES_EXPECTED)
            problems.append(
                Problem(
                    problem.line,
                    column,
                    problem.value,
                    _(ABOUT_GRANT, ref=shown(grant), text=_(expected) if expected else ""),
                )
            )
        if delivery is not None:
            records.append(delivery)
    return tuple(records), tuple(notes)


def _transactions(row: Row) -> list[tuple[str, str]]:
    """The grant's disbursement transactions as (date, value) texts."""
    if row.get(_DISBURSEMENTS):
        return [(when or "", value or "") for when, value in json.loads(row.get(_DISBURSEMENTS))]
    if row.get("disbursement_value"):
        return [(row.get("disbursed_on"), row.get("disbursement_value"))]
    return []


def _is_zero(amount: str) -> bool:
    try:
        return parse_pence(amount, allow_negative=True) == 0
    except MoneyError:
        return False  # (the delivery's parser says what is wrong with it)


def _spread_over_planned_dates(row: Row, cells: dict[str, str], problems: list[Problem]) -> None:
    """Make ``cells`` a multi-year total spread by its planned dates, where it has a period."""
    try:
        start = parse_file_date(cells["planned_start"] or cells["announced_on"])
        end = parse_file_date(cells["planned_end"]) if cells["planned_end"] else None
    except FiscalError:
        return  # the parser says what is wrong with the date
    months_text = row.get("planned_months")
    if end is None and months_text:
        months = _whole_months(months_text)
        if months is None:
            problems.append(Problem(row.line, "planned_months", months_text, _("expected a whole number of months")))
            return
        end = _months_after(start, months) - timedelta(days=1)
    if end is None or end < start:
        return  # no planned period (or a backwards one, which the parser reports): the award year
    first, last = FinancialYear.from_date(start), FinancialYear.from_date(end)
    cells.update(
        kind="multi-year",
        spread="planned-dates",
        planned_start=start.isoformat(),
        planned_end=end.isoformat(),
        first_year=first.label,
        years=str(last - first + 1),
    )


def _whole_months(text: str) -> int | None:
    """``"30"`` or ``"30.0"`` -> 30; anything else (or a period over 100 years) -> None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() and 0 < value <= 1200 else None


def _months_after(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _date_as_written(text: str) -> str:
    """A date-time with a zone -> its date as written; anything else as it is."""
    match = _DATE_TIME.match(text)
    return match[1] if match else text


def _named(problem: Problem, grant: str, titles: dict[str, str] = TITLES) -> Problem:
    """A problem said with the standard's column title and the grant's identifier."""
    column = titles.get(problem.column or "", problem.column)
    expected = problem.expected
    if problem.column in _DATE_COLUMNS:
        expected = expected.replace(_DATES_SAID, _DATES_EXPECTED)
    return Problem(
        problem.line, column, problem.value, _(ABOUT_GRANT, ref=shown(grant), text=_(expected) if expected else "")
    )  # (a NUL, said safely)


class Repeats:
    """Identical repeats of a grant in one file (the same identifier, every
    cell the same): the first is imported, each repeat is left out and said
    in a note. The same identifier with different content is left to the
    duplicate-ref rule, which refuses the file. Holds a ref, a line and a
    16-byte digest per grant, not the rows."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[int, bytes]] = {}
        self.notes: list[Problem] = []

    def is_repeat(self, row: Row) -> bool:
        ref = row.get("ref")
        if not ref:
            return False
        cells = json.dumps(sorted((column, row.get(column)) for column in row.cells)).encode()
        digest = hashlib.blake2b(cells, digest_size=16).digest()
        first = self.seen.setdefault(ref, (row.line, digest))
        if first[0] == row.line or first[1] != digest:
            return False
        self.notes.append(
            Problem(
                row.line,
                TITLES["ref"],
                ref,
                _("grant {ref} repeats line {line} exactly: imported once", ref=ref, line=first[0]),
            )
        )
        return True


# --- JSON data packages ------------------------------------------------------------------

# Each column of the flattened form, from a grant in a package: a path of keys,
# where a list takes its first item ("*": every item, joined by ";").
JSON_PATHS: dict[str, tuple[str, ...]] = {
    "Identifier": ("id",),
    "Title": ("title",),
    "Description": ("description",),
    "Currency": ("currency",),
    "Amount Awarded": ("amountAwarded",),
    "Award Date": ("awardDate",),
    "Recipient Org:Identifier": ("recipientOrganization", "id"),
    "Recipient Org:Name": ("recipientOrganization", "name"),
    "Recipient Ind:Identifier": ("recipientIndividual", "id"),
    "Recipient Ind:Name": ("recipientIndividual", "name"),
    "Funding Org:Identifier": ("fundingOrganization", "id"),
    "Funding Org:Name": ("fundingOrganization", "name"),
    "Planned Dates:Start Date": ("plannedDates", "startDate"),
    "Planned Dates:End Date": ("plannedDates", "endDate"),
    "Planned Dates:Duration (months)": ("plannedDates", "duration"),
    "Beneficiary Location:Geographic Code": ("beneficiaryLocation", "*", "geoCode"),
    "Grant Programme:Title": ("grantProgramme", "title"),
    "Amount Disbursed": ("amountDisbursed",),
}


def looks_like_json(source: bytes | Path) -> bool:
    """Whether the file's first character (after a byte-order mark and spaces) opens a JSON value."""
    if isinstance(source, bytes):
        start = source[:4096]
    else:
        with open(source, "rb") as stream:
            start = stream.read(4096)
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text[:1] in (b"{", b"[")


def read_package(source: bytes | Path, take: RowTaker) -> Table:
    """A 360Giving JSON data package as the flattened form's rows (a grant's
    number in the package as its line), each handed to ``take``'s parser.

    The package is streamed (``ijson``): one grant is held at a time, so a
    large package takes no more memory than the records it makes."""
    size = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
    if size > limits.MAX_JSON_BYTES:
        return _refused(
            _(
                "is a JSON package of {size} MB: at most {most} MB is read as JSON; give the same grants as "
                "360Giving's flattened CSV, or split the package",
                size=format(size / 1024 / 1024, ",.0f"),
                most=limits.MAX_JSON_BYTES // 1024 // 1024,
            )
        )
    header = [ALIASES[normalise_header(title)] for title in JSON_PATHS] + [_DISBURSEMENTS, *extension.HEADER]
    parse: Callable[[Row], object] | None = take(header)
    rows: list[Any] = []
    problems: list[Problem] = []
    number = 0
    with _opened(source) as stream:
        try:
            for number, grant in enumerate(_grants(stream), start=1):
                if number > limits.MAX_GRANTS:
                    return _refused(_("has more than {most} grants", most=format(limits.MAX_GRANTS, ",")))
                if not isinstance(grant, dict):
                    problems.append(Problem(number, None, None, _("expected a grant (a JSON object)")))
                    continue
                cells = {column: _flat(grant, path) for column, path in zip(header, JSON_PATHS.values())}
                cells[_DISBURSEMENTS] = _dated_transactions(grant.get("disbursementTransaction"))
                cells.update(extension.json_cells(grant.get(extension.KEY)))
                row = Row(number, cells)
                kept = parse(row) if parse is not None else row
                if kept is not None:
                    rows.append(kept)
        except ijson.JSONError as err:
            return _refused(_("is not JSON: {reason}", reason=_reason(err, number)))
        except _NotAPackage as err:
            return _refused(str(err))
    return Table(header, rows, problems)


@contextlib.contextmanager
def _opened(source: bytes | Path) -> Iterator[BinaryIO]:
    """The package's bytes as a stream, after any UTF-8 byte-order mark."""
    stream: BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    with stream:
        if stream.read(3) != b"\xef\xbb\xbf":
            stream.seek(0)
        yield stream


MAX_DEPTH = 32  # arrays and objects open inside one another: a grant nests about five deep


class _NotAPackage(Exception):
    pass


def _grants(stream: BinaryIO) -> Iterator[Any]:
    """Each item of the package's top-level ``grants`` array, built one at a
    time from the parser's events. Nesting is counted as it is read: JSON
    nested deeper than ``MAX_DEPTH`` is refused before it is held (a parser
    that names each event's path would hold a path per level)."""
    depth = 0
    key: str | None = None
    in_grants = found = False
    builder: ijson.ObjectBuilder | None = None
    for event, value in ijson.basic_parse(stream):
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise _NotAPackage(_("is JSON nested too deeply to be a 360Giving data package"))
            if depth == 1 and event == "start_array":
                raise _NotAPackage(_(_NOT_A_PACKAGE))
            if depth == 2 and key == "grants" and event == "start_array":
                in_grants = found = True
                continue
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 1 and in_grants and event == "end_array":
                in_grants = False
                continue
        elif depth == 1 and event == "map_key":
            key = value
            continue
        if not in_grants:
            if depth == 1 and key == "grants" and event not in ("end_map", "end_array"):
                raise _NotAPackage(_(_NOT_A_PACKAGE))
            continue
        if builder is None:
            builder = ijson.ObjectBuilder()
        builder.event(event, value)
        if depth == 2:  # a grant is complete (or was a plain value)
            yield builder.value
            builder = None
    if not found:
        raise _NotAPackage(_(_NOT_A_PACKAGE))


_NOT_A_PACKAGE = N_('is JSON but not a 360Giving data package: expected {"grants": [...]}')


def _dated_transactions(transactions: Any) -> str:
    """A package's disbursement transactions as JSON ``[[date, value], ...]`` ("" for none)."""
    if not isinstance(transactions, list) or not transactions:
        return ""
    pairs = []
    for item in transactions:
        item = item if isinstance(item, dict) else {}
        when, value = item.get("transactionDate"), item.get("value")
        pairs.append([when if isinstance(when, str) else "", "" if value is None else str(value)])
    return json.dumps(pairs)


def _refused(why: str) -> Table:
    return Table([], [], [Problem(None, None, None, why)])


def _flat(grant: dict[str, Any], path: tuple[str, ...]) -> str:
    values = list(_walk(grant, path))
    return ";".join(values) if "*" in path else (values[0] if values else "")


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[str]:
    if not path:
        if value is None or isinstance(value, (dict, list)):
            return
        yield value if isinstance(value, str) else str(value) if isinstance(value, Decimal) else json.dumps(value)
        return
    key, rest = path[0], path[1:]
    if key == "*":
        for item in value if isinstance(value, list) else [value]:
            yield from _walk(item, rest)
        return
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and key in value:
        yield from _walk(value[key], rest)


def _reason(err: Exception, grants: int) -> str:
    """The parser's first line (its others draw an arrow under the text), and where."""
    said = str(err).strip().splitlines()[0].rstrip(".") if str(err).strip() else _("it ends too early")
    return _("{reason}, after grant {number}", reason=said, number=format(grants, ",")) if grants else said
