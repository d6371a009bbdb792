"""The JSON API's query parameters: read, checked, and refused with a message
naming the parameter, the value and what was expected.

Two kinds of refusal (``BadParameters``):

- 400 Bad Request: the value cannot be read (a page that is not a whole
  number, a date or financial year in no known form, a ``by`` outside its
  list, an area that is not a GSS code), a parameter this endpoint does not
  take (a misspelt filter must never silently list everything), one given
  twice that may be given once, or a required one missing;
- 422 Unprocessable Content: the value reads well but names nothing the
  tracker knows (a funder or recipient no organisation is called or
  identified by, a programme no commitment is in).

Nothing here imports FastAPI: the rules are tested as plain functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from tracker.core.fiscal import (
    DATE_EXAMPLES,
    UNPHASED,
    UNPHASED_LABEL,
    FinancialYear,
    FiscalError,
    fy_label,
    parse_date,
    parse_financial_year,
)
from tracker.core.places import GSS_CODE

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
MAX_TEXT = 300  # no name, identifier or programme is longer (tracker.core.limits)
BY_CHOICES = ("funder", "recipient", "programme", "purpose", "area")
RECORD_FILTERS = ("funder", "recipient", "area", "programme", "year")
PAGING = ("page", "per_page")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a query: the parameter, the value given (None: not given), what was expected."""

    parameter: str
    value: str | None
    expected: str

    def __str__(self) -> str:
        if self.value is None:
            return f"{self.parameter}: {self.expected}"
        return f"{self.parameter} {self.value!r}: {self.expected}"

    def as_json(self) -> dict:
        return {"parameter": self.parameter, "value": self.value, "expected": self.expected}


class BadParameters(Exception):
    """The query cannot be answered; ``status`` is 400 or 422 (see the module docstring)."""

    def __init__(self, problems: Sequence[Problem], status: int = 400):
        self.problems = list(problems)
        self.status = status
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class RecordQuery:
    """What a list of records is narrowed to (empty: no narrowing) and which page of it."""

    funders: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    years: tuple[int, ...] = ()  # financial-year start years (UNPHASED: money with no year)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


@dataclass(frozen=True)
class TotalsQuery:
    by: str | None = None
    as_at: date | None = None
    fy: str | None = None  # a financial-year label (``2020-21``) or ``unphased``
    real: bool = False  # prices=real: in the prices of ``base`` by the deflator release ``release``
    base: FinancialYear | None = None  # None: the default base year (``tracker.figures.real_terms.default_base``)
    release: str | None = None  # None: the default release


@dataclass(frozen=True)
class ChangesQuery:
    since: datetime
    full: bool = False
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


@dataclass
class _Reader:
    """The query's values by name, in order, and the problems found reading them."""

    items: list[tuple[str, str]]
    allowed: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        unknown = sorted({name for name, _ in self.items if name not in self.allowed})
        for name in unknown:
            expected = "one of the parameters " + ", ".join(self.allowed) if self.allowed else "no parameters"
            self.problems.append(Problem(name, None, f"not a parameter here: expected {expected}"))

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.items if key == name]

    def one(self, name: str) -> str | None:
        values = self.all(name)
        if len(values) > 1:
            self.problems.append(Problem(name, None, f"given {len(values)} times: expected it at most once"))
        return values[-1] if values else None

    def texts(self, name: str) -> tuple[str, ...]:
        """Every value given (a repeated parameter means any of them), stripped; blanks refused."""
        found = []
        for value in self.all(name):
            text = value.strip()
            if not text or len(text) > MAX_TEXT:
                self.problems.append(Problem(name, value, f"expected 1 to {MAX_TEXT} characters"))
            else:
                found.append(text)
        return tuple(dict.fromkeys(found))

    def whole(self, name: str, default: int, low: int, high: int | None) -> int:
        text = self.one(name)
        if text is None:
            return default
        span = f"from {low} to {high}" if high is not None else f"{low} or more"
        if not (text.isascii() and text.isdigit()) or not (
            low <= int(text) <= (high if high is not None else int(text))
        ):
            self.problems.append(Problem(name, text, f"expected a whole number {span}"))
            return default
        return int(text)

    def done(self) -> None:
        if self.problems:
            raise BadParameters(self.problems, 400)


def _year(reader: _Reader, name: str, text: str) -> int | None:
    if text.strip().lower() == UNPHASED_LABEL:
        return UNPHASED
    try:
        return parse_financial_year(text).start_year
    except FiscalError:
        reader.problems.append(
            Problem(name, text, f"expected a financial year like 2020-21 (or {UNPHASED_LABEL}: money with no year)")
        )
        return None


def paging(reader: _Reader) -> tuple[int, int]:
    return reader.whole("page", 1, 1, None), reader.whole("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)


def record_query(items: Iterable[tuple[str, str]]) -> RecordQuery:
    """The filters and page of a list of announcements, commitments or deliveries."""
    reader = _Reader(list(items), (*RECORD_FILTERS, *PAGING))
    areas = reader.texts("area")
    for code in areas:
        if not GSS_CODE.fullmatch(code):
            reader.problems.append(
                Problem("area", code, "expected an ONS GSS area code: a capital letter and 8 digits")
            )
    years = [_year(reader, "year", text) for text in reader.all("year")]
    page, per_page = paging(reader)
    query = RecordQuery(
        funders=reader.texts("funder"),
        recipients=reader.texts("recipient"),
        areas=areas,
        programmes=reader.texts("programme"),
        years=tuple(dict.fromkeys(y for y in years if y is not None)),
        page=page,
        per_page=per_page,
    )
    reader.done()
    return query


def totals_query(items: Iterable[tuple[str, str]]) -> TotalsQuery:
    """``by``, ``as_at``, ``fy`` and the prices (``prices``, ``base``, ``release``) of ``/api/totals``."""
    reader = _Reader(list(items), ("by", "as_at", "fy", "prices", "base", "release"))
    by = reader.one("by")
    if by is not None and by not in BY_CHOICES:
        reader.problems.append(Problem("by", by, "expected one of " + ", ".join(BY_CHOICES)))
    as_at_text = reader.one("as_at")
    as_at = None
    if as_at_text is not None:
        try:
            as_at = parse_date(as_at_text)
        except FiscalError:
            reader.problems.append(Problem("as_at", as_at_text, f"expected {DATE_EXAMPLES}"))
    fy_text = reader.one("fy")
    fy = None
    if fy_text is not None:
        start = _year(reader, "fy", fy_text)
        fy = None if start is None else fy_label(start)
    prices = reader.one("prices") or "nominal"
    if prices not in ("nominal", "real"):
        reader.problems.append(Problem("prices", prices, "expected nominal (cash) or real"))
    base_text, release = reader.one("base"), reader.one("release")
    base = None
    if base_text is not None:
        try:
            base = parse_financial_year(base_text)
        except FiscalError:
            reader.problems.append(Problem("base", base_text, "expected a financial year like 2019-20"))
    for name, value in (("base", base_text), ("release", release)):
        if value is not None and prices != "real":
            reader.problems.append(Problem(name, value, "expected only with prices=real"))
    reader.done()
    return TotalsQuery(by=by, as_at=as_at, fy=fy, real=prices == "real", base=base, release=release)


SINCE_EXPECTED = (
    "expected an ISO date or date-time, e.g. 2024-01-01 or 2024-01-01T09:30:00Z (UTC unless a zone is given)"
)


def parse_since(text: str) -> datetime:
    """An ISO date (midnight UTC) or date-time (UTC when no zone is given)."""
    moment = datetime.fromisoformat(text.strip())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def changes_query(items: Iterable[tuple[str, str]]) -> ChangesQuery:
    """``since`` (required), ``full`` and the page of ``/api/changes``."""
    reader = _Reader(list(items), ("since", "full", *PAGING))
    text = reader.one("since")
    since = datetime.min.replace(tzinfo=UTC)
    if text is None:
        reader.problems.append(Problem("since", None, "required: " + SINCE_EXPECTED))
    else:
        try:
            since = parse_since(text)
        except (ValueError, OverflowError):  # (OverflowError: a moment before year 1 in UTC)
            reader.problems.append(Problem("since", text, SINCE_EXPECTED))
    full_text = reader.one("full")
    full = False
    if full_text is not None:
        if full_text.strip().lower() in ("true", "1", "yes"):
            full = True
        elif full_text.strip().lower() not in ("false", "0", "no"):
            reader.problems.append(Problem("full", full_text, "expected true or false"))
    page, per_page = paging(reader)
    reader.done()
    return ChangesQuery(since=since, full=full, page=page, per_page=per_page)


def no_parameters(items: Iterable[tuple[str, str]]) -> None:
    """Refuse any parameter (for one record)."""
    _Reader(list(items), ()).done()
