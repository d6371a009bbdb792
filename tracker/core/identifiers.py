"""Organisations: their org-id style identifiers and how names are matched.

An identifier is written in the org-id style: a prefix, a hyphen, then any
printable text without spaces (``GB-CHC-1234567``, ``GB-COH-01234567``,
``XI-GRID-grid.5292.c``, ``360G-funder:org-13218``). Nothing is looked up in
a register. Names are matched after ``normalise_name``: trimmed, runs of
spaces collapsed and case-folded, so "Cardiff  Council" and "cardiff council"
are one name.
"""

from __future__ import annotations

import re

from tracker.i18n import N_, _

ORG_IDENTIFIER = re.compile(r"[A-Za-z0-9]+-[!-~]+")
IDENTIFIER_EXPECTED = N_(
    "expected an organisation identifier in the org-id style: a prefix, a hyphen, then text without "
    "spaces (e.g. GB-CHC-1234567 or GB-COH-01234567)"
)


def check_identifier(text: str) -> str | None:
    """What is wrong with an identifier (in the language in use), or None when it is well formed."""
    return None if ORG_IDENTIFIER.fullmatch(text) else _(IDENTIFIER_EXPECTED)


def normalise_name(name: str) -> str:
    """The form names are compared in: trimmed, spaces collapsed, case-folded."""
    return " ".join(name.split()).casefold()
