"""How long each piece of stored text may be, and what it may contain.

``LIMITS`` is the one table of maximum lengths (in characters) for every
text field the tracker stores. Every way in uses it: the file parsers
(``tracker.records.commitment_rows`` / ``delivery_rows``, which the forms
use too), the form use-cases, the command line; and ``db.models`` sizes its
``String`` columns from it, so a value that passes here always fits. Fields
stored as ``Text`` have a limit here as well: the database would take any
length, but a page, an export and a review pack would not read well.

The checks are pure: each returns ``None`` when the value is fine, or what
was expected (a sentence that can follow a field name and value, e.g.
``"expected at most 100 characters (this has 150)"``), in the language in
use (``tracker.i18n``: a page's reader's; English for the CLI and the API).
A blank value is always fine here; whether a field is required is the
caller's rule.

What every piece of text may not contain (``check_text``):

- control characters other than tab, carriage return and line feed
  (``U+0000``-``U+001F``, ``U+007F``-``U+009F``): a NUL cannot be stored by
  PostgreSQL, and the others are invisible or garble what a page shows;
- the characters that change the direction of text (``U+202A``-``U+202E``,
  ``U+2066``-``U+2069``): they make a ref or a name display as something
  other than what it is;
- a lone surrogate (``U+D800``-``U+DFFF``): it is not a character and cannot
  be written as UTF-8.

Refs (``REF_PATTERN``): 1 to 100 characters, the first a letter or digit,
the rest letters, digits and ``- _ . / :`` (ASCII only, no spaces): ``W1``,
``WG-2020/03``, ``dag:2024.1``. A ref is typed, searched for and written in
file names and links, so it must read the same everywhere.

Web addresses (``check_web_address``): ``http://`` or ``https://`` (any
case) followed by a site, no spaces. Pages show them as links, and a
``javascript:`` or ``data:`` "link" would run in the reader's browser.

Numbers are written with the digits 0-9 only: Python's ``int()`` and
``Decimal()`` would silently read Arabic-Indic, Devanagari or fullwidth digits
as numbers, and a figure nobody can check by eye must not reach a total.
``check_digits`` names the first other digit.
"""

from __future__ import annotations

import re
import unicodedata
from types import MappingProxyType
from typing import Final
from urllib.parse import urlsplit

from tracker.i18n import _

REF_LENGTH: Final = 100
NAME_LENGTH: Final = 200
TITLE_LENGTH: Final = 300
NOTE_LENGTH: Final = 2_000
WEB_ADDRESS_LENGTH: Final = 2_000

# field -> the most characters it may hold. Keys are the names forms and
# files use for the field; a database column whose name differs (e.g.
# organisations.name) is listed under the field it stores.
LIMITS: Final = MappingProxyType(
    {
        # refs (REF_PATTERN): a record's own ref and refs that point at one
        "ref": REF_LENGTH,
        "announcement_ref": REF_LENGTH,
        "commitment_ref": REF_LENGTH,
        "reannounces": REF_LENGTH,  # or the word "earlier"
        "part_of": REF_LENGTH,
        # organisations and people
        "organisation_name": NAME_LENGTH,  # organisations.name
        "normalised_name": NAME_LENGTH,  # the name as matched (organisations, organisation_names)
        "funder": NAME_LENGTH,  # an organisation's name
        "recipient": NAME_LENGTH,  # an organisation's name
        "org_identifier": 100,  # a 360Giving/org-id identifier, e.g. GB-PLA-...
        "activity_ref": 200,  # an IATI activity identifier another activity names (related-activity)
        "funder_id": 100,  # the funder's org_identifier
        "recipient_id": 100,  # the recipient's org_identifier
        "other_names": NOTE_LENGTH,  # other names an organisation is known by, one per line
        "areas": 1_000,  # GSS codes separated by ;
        "gss_code": 9,  # one ONS GSS code: a letter and 8 digits
        "made_by": NAME_LENGTH,  # who made an announcement
        "actor": NAME_LENGTH,  # who made a change (audit trail, revisions)
        "reviewer": NAME_LENGTH,  # who judged progress
        "taken_by": NAME_LENGTH,  # who opened a review meeting
        "username": 100,
        "client_address": 100,  # where a sign-in came from: an IPv4 or IPv6 address, or "local"
        "email": 320,  # RFC 5321: 64 + "@" + 255
        "session_ending": 20,  # why a sign-in session ended: one of vocabulary.SESSION_ENDINGS
        "token_hash": 64,  # an API token's SHA-256 as hex (the token itself is never stored)
        "setting": 50,  # the name of a setting an admin changes (e.g. public_api)
        "setting_value": 200,
        # imports (tracker.imports.history): what kind of file, and its name as given
        "import_kind": 20,  # a key of tracker.imports.reading.KINDS
        "file_name": 255,  # as long as most file systems allow a name to be
        # deflator releases (tracker.records.deflator_releases): a release's name, and
        # an index as written (the exact text of a decimal: "103.924736")
        "deflator_release": NAME_LENGTH,  # deflator_releases.name and .name_key
        "deflator_index": 40,
        # what was announced and delivered
        "programme": NAME_LENGTH,
        "title": TITLE_LENGTH,  # announcements, milestones, review meetings
        "title_cy": TITLE_LENGTH,  # an announcement's title in Welsh
        "headline": TITLE_LENGTH,  # an announcement's headline claim, as stated
        "purpose": 1_000,
        "quote": 5_000,
        "quote_cy": 5_000,  # the words announced, in Welsh
        "notes": NOTE_LENGTH,
        "note": NOTE_LENGTH,
        "achieved_note": NOTE_LENGTH,
        "reason_text": NOTE_LENGTH,  # why the money changed, when the reason is "other"
        # web addresses (check_web_address)
        "source_url": WEB_ADDRESS_LENGTH,
        "evidence_url": WEB_ADDRESS_LENGTH,
        # the audit trail's name for a kind of record ("commitment", "user", ...)
        "entity": 50,
        # the closed lists of tracker.core.vocabulary, with room for longer values
        "organisation_kind": 20,
        "commitment_kind": 20,
        "qualifier": 10,
        "status": 12,
        "capital_or_revenue": 10,
        "delivery_kind": 12,
        "budget_status": 10,
        "activity_relation": 12,
        "spread": 20,
        "currency": 3,
        "revision_reason": 40,
        "progress_status": 20,
        "role": 20,
        "language": 2,  # a code of tracker.core.languages.LANGUAGES
        "audit_action": 20,
    }
)

# Fields holding a ref (checked by check_ref) and a web address (check_web_address).
REF_FIELDS: Final = frozenset({"ref", "announcement_ref", "commitment_ref", "reannounces", "part_of"})
WEB_ADDRESS_FIELDS: Final = frozenset({"source_url", "evidence_url"})

REF_PATTERN: Final = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_./:-]{{0,{REF_LENGTH - 1}}}")
REF_RULE: Final = "letters, digits and - _ . / : (no spaces), starting with a letter or digit, e.g. W1 or WG-2020/03"
WEB_SCHEMES: Final = ("http", "https")

# A problem's value is shown to people: at most this many characters of it.
SHOWN_LENGTH: Final = 60

_ALLOWED_CONTROLS = frozenset("\t\r\n")
_C0_NAMES = (
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "TAB",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def limit(field: str) -> int:
    """The most characters ``field`` may hold (``KeyError`` for a field not in ``LIMITS``)."""
    return LIMITS[field]


def describe_character(character: str) -> str:
    """``U+0000 (NUL)``, ``U+202E (RIGHT-TO-LEFT OVERRIDE)``, ``U+0661 (ARABIC-INDIC DIGIT ONE)``."""
    code = ord(character)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DEL"
    elif 0x80 <= code <= 0x9F:
        name = _("a control character")
    elif 0xD800 <= code <= 0xDFFF:
        name = _("a lone surrogate")
    else:
        name = unicodedata.name(character, _("unnamed"))  # (Unicode's names are English in every language)
    return f"U+{code:04X} ({name})"


def _unsafe_character(value: str) -> str | None:
    found = _UNSAFE.search(value)
    if found is None:
        return None
    # Positions count from 1, as a person counts characters.
    return _(
        "expected text without hidden control characters: found {character} at position {position}",
        character=describe_character(found.group()),
        position=found.start() + 1,
    )


def check_text(field: str, value: str | None) -> str | None:
    """Too long for ``field``, or holding a character that cannot be shown safely; else ``None``."""
    if not value:
        return None
    most = LIMITS[field]
    if len(value) > most:
        return _(
            "expected at most {most} characters (this has {length})",
            most=format(most, ","),
            length=format(len(value), ","),
        )
    return _unsafe_character(value)


def unsafe_as_spaces(value: str) -> str:
    """``value`` with every character ``check_text`` refuses (control characters, direction overrides)
    replaced by a space: the same length, so offsets into it still hold. For text read from a document
    (a PDF's form feeds), never for what a person typed, which is refused instead."""
    return _UNSAFE.sub(" ", value)


def never_stored(value: str | None) -> bool:
    """Whether ``value`` holds a NUL, which no stored text holds (``check_text``
    refuses it at every way in; PostgreSQL can neither store one nor take one
    as a query's parameter). A lookup of such a value finds nothing without
    asking the database; its own field already has a problem saying why."""
    return value is not None and "\x00" in value


def check_ref(field: str, value: str | None) -> str | None:
    """``check_text``, then ``REF_PATTERN``."""
    problem = check_text(field, value)
    if problem is not None or not value:
        return problem
    if REF_PATTERN.fullmatch(value) is None:
        return _(  # "expected a ref of " + REF_RULE, whole
            "expected a ref of letters, digits and - _ . / : (no spaces), starting with a letter or digit, e.g. W1 "
            "or WG-2020/03"
        )
    return None


def check_web_address(field: str, value: str | None) -> str | None:
    """``check_text``, then an ``http://`` or ``https://`` address naming a site."""
    problem = check_text(field, value)
    if problem is not None or not value:
        return problem
    expected = _("expected a web address starting with https:// or http://")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [ in an IPv6 address
        return expected
    if parts.scheme.lower() not in WEB_SCHEMES or not value.lower().startswith(("http://", "https://")):
        return expected
    if not host:
        return _(
            "expected a web address starting with https:// or http://, then the site, e.g. https://www.gov.wales/..."
        )
    if any(character.isspace() for character in value):
        return _(
            "expected a web address starting with https:// or http:// and no spaces (a space in an address is "
            "written %20)"
        )
    return None


def check_field(field: str, value: str | None) -> str | None:
    """The check for ``field``: ``check_ref`` for a ref, ``check_web_address``
    for a web address, else ``check_text``."""
    if field in REF_FIELDS:
        return check_ref(field, value)
    if field in WEB_ADDRESS_FIELDS:
        return check_web_address(field, value)
    return check_text(field, value)


def check_digits(value: str) -> str | None:
    """A digit other than 0-9 in ``value`` (refused, never converted); else ``None``."""
    if value.isascii():  # the usual case: no other digit can be there
        return None
    for position, character in enumerate(value, start=1):
        if character.isdigit() and not character.isascii():
            return _(
                "expected the digits 0-9: found {character} at position {position}",
                character=describe_character(character),
                position=position,
            )
    return None


def shown(value: str | None) -> str | None:
    """``value`` as a problem shows it: at most ``SHOWN_LENGTH`` characters
    (then "…"), with hidden control characters replaced by U+FFFD."""
    if value is None:
        return None
    cut = value if len(value) <= SHOWN_LENGTH else value[:SHOWN_LENGTH] + "…"
    return _UNSAFE.sub("\ufffd", cut)
