"""IATI activity files in: each ``<iati-activity>`` of a file (standard
versions 1.0x and 2.0x) read into plain dataclasses, one at a time, so memory
stays flat for a file of any size the limits allow. Parsing only: what
becomes a commitment or a delivery is for the importer to say.

The versions say the same things in different codes, mapped to one set of
words (the codes do not overlap, so the ``@version`` declared does not matter):

- transaction types: 2.0x ``1``-``13``, 1.0x ``IF``, ``C``, ``D``, ``E``, ``IR``,
  ``LR``, ``R``, ``QP``, ``QS``, ``CG`` -> "incoming-funds", "commitment"... (``TRANSACTION_TYPES``);
- participating-org roles: 2.0x ``1``-``4``, 1.0x ``Funding``, ``Accountable``,
  ``Extending``, ``Implementing`` -> those words in lower case;
- activity dates: 2.0x ``1``-``4``, 1.0x ``start-planned``, ``start-actual``,
  ``end-planned``, ``end-actual``; an activity starts on its actual start date,
  else its planned one (its end the same);
- texts: 2.0x ``<narrative>`` (the English one or one without ``xml:lang``,
  else the first), 1.0x the element's own text; spaces collapsed.

Dates are ``2012-01-31`` or date-times ``2012-01-31T10:00:00+02:00`` (the date
as written, whatever the zone), from ``@iso-date``, else the element's text
(some 1.0x files). Amounts are decimals as written (``1,000`` is not read).
Elements and attributes of other XML namespaces (extensions) are ignored.

A file is refused whole (``IatiRefused``) when larger than
``limits.MAX_XML_BYTES``, not well-formed XML (also when the fault is near the
end, after activities were yielded), with any DTD (where XML entities are
declared: billion laughs, external entities; refused unread, nothing expanded
or fetched), with another root element, or with no activity.
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden  # type: ignore[import-untyped]
from defusedxml.ElementTree import DefusedXMLParser, iterparse  # type: ignore[import-untyped]

from tracker.files import limits
from tracker.files.tabular import DataError, Problem
from tracker.i18n import _

ROLES = {"1": "funding", "2": "accountable", "3": "extending", "4": "implementing"}  # (1.0x: the words)
_TRANSACTION_CODES = (
    ("1", "IF", "incoming-funds"),
    ("2", "C", "commitment"),
    ("3", "D", "disbursement"),
    ("4", "E", "expenditure"),
    ("5", "IR", "interest-repayment"),
    ("6", "LR", "loan-repayment"),
    ("7", "R", "reimbursement"),
    ("8", "QP", "purchase-of-equity"),
    ("9", "QS", "sale-of-equity"),
    ("10", "CG", "credit-guarantee"),
    ("11", "", "incoming-commitment"),
    ("12", "", "outgoing-pledge"),
    ("13", "", "incoming-pledge"),
)
TRANSACTION_TYPES = {code: name for number, letters, name in _TRANSACTION_CODES for code in (number, letters) if code}
RELATIONS = {"1": "parent", "2": "child", "3": "sibling", "4": "co-funded", "5": "third-party"}
BUDGET_STATUSES = {"": "original", "1": "original", "2": "revised", "original": "original", "revised": "revised"}
ACTIVITY_DATES = {"1": "start-planned", "2": "start-actual", "3": "end-planned", "4": "end-actual"}
_GENERAL = ("", "1", "general")  # description types of the general description

_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DATE = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$"
)
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


@dataclass(frozen=True)
class Organisation:
    ref: str  # @ref as written ('' if none)
    name: str
    role: str  # participating-org: "funding", "accountable", "extending", "implementing", other as written
    type: str  # @type as written


@dataclass(frozen=True)
class Transaction:
    number: int  # among the activity's transactions, from 1
    type: str  # one of TRANSACTION_TYPES' words, or "" for a code not in it
    code: str  # transaction-type/@code as written
    ref: str
    date: date | None
    date_text: str
    value: Decimal | None
    value_text: str
    currency: str
    description: str
    provider: Organisation
    receiver: Organisation


@dataclass(frozen=True)
class Budget:
    number: int
    status: str  # "original", "revised", other as written
    period_start: date | None
    period_end: date | None
    value: Decimal | None
    value_text: str
    currency: str


@dataclass(frozen=True)
class Activity:
    number: int  # in the file, from 1
    line: int | None  # of its <iati-activity> start tag
    identifier: str
    title: str
    description: str
    default_currency: str
    hierarchy: str
    reporting: Organisation
    participating: tuple[Organisation, ...]
    transactions: tuple[Transaction, ...]
    budgets: tuple[Budget, ...]
    related: tuple[tuple[str, str], ...]  # (relation, ref)
    start: date | None
    end: date | None
    version: str


class IatiRefused(DataError):
    """An IATI file refused whole; ``problems`` says why."""


def read_activities(source: bytes | Path) -> Iterator[Activity]:
    """The file's activities, one at a time, in file order. Raises
    ``IatiRefused`` (while iterating) for a file refused whole: see the
    module's docstring. A fault found late in a large file is raised after
    earlier activities were yielded, so a caller keeps nothing until the
    iteration ends."""
    size = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
    if size > limits.MAX_XML_BYTES:
        raise _refused(
            _(
                "is {size}: larger than the {most} an IATI file may be",
                size=_size(size),
                most=_size(limits.MAX_XML_BYTES),
            )
        )
    with io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb") as file:
        parser = _Parser()
        root: Element | None = None
        depth = 0  # of the element a "start" event opens, or an "end" event's parent
        line: int | None = None
        number = 0
        for event, element in _events(_Capped(file), parser):
            if event == "start":
                depth += 1
                if element.tag == "iati-activity":
                    started = parser.lines.popleft()
                    line = started if depth <= 2 else line  # the root or in it, not one nested deeper
                if root is None:
                    root = _root(element)
                continue
            depth -= 1
            if root is None or depth != (1 if root.tag == "iati-activities" else 0):
                continue  # not an activity, nor anything else directly in the file's root
            if element is not root:
                root.remove(element)  # read: the tree holds no more than the activity being read
            if element.tag == "iati-activity":
                number += 1
                if number > limits.MAX_GRANTS:
                    raise _refused(_("has more than {most} activities", most=format(limits.MAX_GRANTS, ",")))
                version = root.get("version") or element.get("version") or ""  # (1.0x: also the activity's)
                yield _activity(element, number, line, version)
        if number == 0:
            raise _refused(_("has no <iati-activity>: an IATI activity file gives at least one activity"))


# --- reading the XML safely ----------------------------------------------------------------------


class _Parser(DefusedXMLParser):
    """defusedxml's parser refusing any DTD, that notes the line of each ``<iati-activity>``."""

    def __init__(self) -> None:
        super().__init__(target=TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.lines: deque[int] = deque()

    def _start(self, tag: str, attr_list: list[str]) -> Element:
        element: Element = super()._start(tag, attr_list)
        if element.tag == "iati-activity":
            self.lines.append(self.parser.CurrentLineNumber)
        return element


class _Capped:
    """A file read by the parser, refused once past the limit (a pipe's size is not known before)."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file, self.count = file, 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.count += len(data)
        if self.count > limits.MAX_XML_BYTES:
            raise _refused(_("is larger than the {most} an IATI file may be", most=_size(limits.MAX_XML_BYTES)))
        return data


def _events(file: _Capped, parser: _Parser) -> Iterator[tuple[str, Element]]:
    try:
        yield from iterparse(file, ("start", "end"), parser=parser)
    except ParseError as err:
        line, column = err.position
        reason = expat.ErrorString(err.code)
        said = {"reason": reason, "line": line, "column": column + 1}
        if _starts_like_json(file.file):
            why = _(
                "is not XML: {reason} at line {line}, column {column} (it looks like JSON: IATI activity data is XML)",
                **said,
            )
        else:
            why = _("is not XML: {reason} at line {line}, column {column}", **said)
        raise _refused(why, line) from None
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as err:
        line = parser.parser.CurrentLineNumber
        if isinstance(err, DTDForbidden) and str(err.name).lower() == "html":
            raise _refused(_("is an HTML page (<!DOCTYPE html>), not IATI activity data"), line) from None
        raise _refused(
            _(
                "declares XML entities (a DTD): an IATI file never needs them, and they are refused for safety "
                "(nothing was expanded or fetched)"
            ),
            line,
        ) from None


def _root(element: Element) -> Element:
    if element.tag not in ("iati-activities", "iati-activity"):
        namespace, _brace, name = element.tag[1:].rpartition("}") if element.tag[:1] == "{" else ("", "", element.tag)
        if namespace:
            why = _(
                "is XML but not IATI activity data: expected <iati-activities>, found <{name}> of the XML namespace "
                "{namespace}",
                name=name,
                namespace=namespace,
            )
        else:
            why = _("is XML but not IATI activity data: expected <iati-activities>, found <{name}>", name=name)
        raise _refused(why)
    return element


def _starts_like_json(file: IO[bytes]) -> bool:
    if not file.seekable():
        return False
    file.seek(0)
    return file.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def _refused(why: str, line: int | None = None) -> IatiRefused:
    return IatiRefused([Problem(line, None, None, why)])


def _size(size: int) -> str:
    if size >= 100_000:
        return _("{size} MB", size=format(size / 1024 / 1024, ",.1f"))
    return _("{size} bytes", size=format(size, ","))


# --- one activity --------------------------------------------------------------------------------


def _activity(element: Element, number: int, line: int | None, version: str) -> Activity:
    currency = element.get("default-currency", "").strip().upper()
    descriptions = element.findall("description")
    general = [d for d in descriptions if d.get("type", "").strip().lower() in _GENERAL]
    dates: dict[str, date] = {}
    for when in element.findall("activity-date"):
        kind = when.get("type", "").strip().lower()
        kind = ACTIVITY_DATES.get(kind, kind)
        day = _date_of(when)[0]
        if day is not None:
            dates.setdefault(kind, day)
    return Activity(
        number=number,
        line=line,
        identifier=(element.findtext("iati-identifier") or "").strip(),
        title=_text(element.findall("title")),
        description=_text(general or descriptions[:1]),
        default_currency=currency,
        hierarchy=element.get("hierarchy", ""),
        reporting=_organisation(element.find("reporting-org")),
        participating=tuple(_organisation(org, role=True) for org in element.findall("participating-org")),
        transactions=tuple(
            _transaction(transaction, n, currency) for n, transaction in enumerate(element.findall("transaction"), 1)
        ),
        budgets=tuple(_budget(budget, n, currency) for n, budget in enumerate(element.findall("budget"), 1)),
        related=tuple(_related(related) for related in element.findall("related-activity")),
        start=dates.get("start-actual") or dates.get("start-planned"),
        end=dates.get("end-actual") or dates.get("end-planned"),
        version=version,
    )


def _transaction(element: Element, number: int, default_currency: str) -> Transaction:
    code = _attribute(element.find("transaction-type"), "code")
    value = element.find("value")
    day, day_text = _date_of(element.find("transaction-date"))
    if not day_text:  # no transaction date written: the value's date
        day_text = _attribute(value, "value-date").strip()
        day = _date(day_text)
    amount, amount_text = _value(value)
    return Transaction(
        number=number,
        type=TRANSACTION_TYPES.get(code.strip().upper(), ""),
        code=code,
        ref=element.get("ref", ""),
        date=day,
        date_text=day_text,
        value=amount,
        value_text=amount_text,
        currency=(_attribute(value, "currency").strip() or default_currency).upper(),
        description=_text(element.findall("description")),
        provider=_organisation(element.find("provider-org")),
        receiver=_organisation(element.find("receiver-org")),
    )


def _budget(element: Element, number: int, default_currency: str) -> Budget:
    status = element.get("type", "").strip()
    value = element.find("value")
    amount, amount_text = _value(value)
    return Budget(
        number=number,
        status=BUDGET_STATUSES.get(status.lower(), status),
        period_start=_date_of(element.find("period-start"))[0],
        period_end=_date_of(element.find("period-end"))[0],
        value=amount,
        value_text=amount_text,
        currency=(_attribute(value, "currency").strip() or default_currency).upper(),
    )


def _organisation(element: Element | None, role: bool = False) -> Organisation:
    if element is None:
        return Organisation("", "", "", "")
    said = element.get("role", "").strip().lower() if role else ""
    return Organisation(element.get("ref", ""), _text([element]), ROLES.get(said, said), element.get("type", ""))


def _related(element: Element) -> tuple[str, str]:
    kind = element.get("type", "")
    return RELATIONS.get(kind.strip(), kind), element.get("ref", "")


def _text(elements: Iterable[Element]) -> str:
    """The text of elements of one kind: their narratives (2.0x) or their own
    text (1.0x), the English (or unlabelled) one first, else the first."""
    candidates: list[tuple[str, str]] = []  # (language, text)
    for element in elements:
        for said in element.findall("narrative") or [element]:
            text = " ".join((said.text or "").split())
            if text:
                candidates.append((said.get(_LANG, "").strip().lower(), text))
    english = [text for lang, text in candidates if lang in ("", "en") or lang.startswith("en-")]
    return (english or [text for _lang, text in candidates] or [""])[0]


def _date_of(element: Element | None) -> tuple[date | None, str]:
    """An element's date (``@iso-date``, else its text, as 1.0x files may write it) and what was written."""
    if element is None:
        return None, ""
    written = element.get("iso-date")
    text = (written if written is not None else element.text or "").strip()
    return _date(text), text


def _date(text: str) -> date | None:
    match = _DATE.match(text)
    try:
        return date.fromisoformat(match[1]) if match else None
    except ValueError:  # 2012-02-30
        return None


def _value(element: Element | None) -> tuple[Decimal | None, str]:
    text = (element.text or "").strip() if element is not None else ""
    return (Decimal(text) if _NUMBER.match(text) else None), text


def _attribute(element: Element | None, name: str) -> str:
    return element.get(name, "") if element is not None else ""
