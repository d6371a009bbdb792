"""The headings of the files the tracker writes and reads again, in every
language it speaks.

The Finance workbook's Commitments and Deliveries sheets import again: in
English each heading normalises back to the contract's column name
(``"Amount (£)"`` -> ``amount``, ``tracker.files.tabular.normalise_header``),
and the importer reads the sheet named for what it imports. A workbook written
in Welsh has Welsh headings and sheet names, so the importer reads those too:
``in_english`` gives a heading written in another language as its English, and
``sheet_names`` the names a sheet has in each language. Only the headings here
are read back this way, so a Welsh word means one column, whatever else the
catalogue holds.

CSV files never need this: their header is the column names themselves, the
same in every language.
"""

from __future__ import annotations

import functools

from tracker.core.languages import ENGLISH, LANGUAGES
from tracker.i18n import N_, _, speaking

# The commitments file's columns as the workbook heads them.
COMMITMENT_TITLES = {
    "ref": N_("Ref"),
    "announced_on": N_("Announced on"),
    "funder": N_("Funder"),
    "recipient": N_("Recipient"),
    "purpose": N_("Purpose"),
    "kind": N_("Kind"),
    "amount": N_("Amount (£)"),
    "first_year": N_("First year"),
    "years": N_("Years"),
    "qualifier": N_("Qualifier"),
    "programme": N_("Programme"),
    "announcement_ref": N_("Announcement ref"),
    "title": N_("Title"),
    "source_url": N_("Source URL"),
    "status": N_("Status"),
    "capital_or_revenue": N_("Capital or revenue"),
    "uplift_pct": N_("Uplift"),
    "reannounces": N_("Re-announces"),
    "profile": N_("Profile"),
    "quote": N_("Quote"),
    "part_of": N_("Part of"),
    "funder_id": N_("Funder ID"),
    "recipient_id": N_("Recipient ID"),
    "spread": N_("Spread"),
    "planned_start": N_("Planned start"),
    "planned_end": N_("Planned end"),
    "areas": N_("Areas"),
    "title_cy": N_("Title in Welsh"),
    "quote_cy": N_("Quote in Welsh"),
    "headline": N_("Headline claim"),
}

# The deliveries file's columns (and the financial year, which an import ignores).
DELIVERY_TITLES = {
    "ref": N_("Ref"),
    "commitment_ref": N_("Commitment ref"),
    "paid_on": N_("Paid on"),
    "financial_year": N_("Financial year"),
    "amount": N_("Amount (£)"),
    "kind": N_("Kind"),
    "note": N_("Note"),
    "illustrative": N_("Illustrative"),
}

# The sheets an import looks for, by their English names (tracker.imports.reading.KINDS).
SHEETS = (N_("Commitments"), N_("Deliveries"))


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _translated(text: str, language: str) -> str:
    with speaking(language):
        return _(text)


@functools.cache
def _english_of() -> dict[str, str]:
    """Each heading as another language writes it (folded) -> its English."""
    headings = {*COMMITMENT_TITLES.values(), *DELIVERY_TITLES.values()}
    found: dict[str, str] = {}
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        for heading in headings:
            found.setdefault(_folded(_translated(heading, language)), heading)
    return found


def in_english(heading: str) -> str:
    """``heading`` in English when it is one of these headings in another language
    (``"Swm (£)"`` -> ``"Amount (£)"``), else as it is."""
    return _english_of().get(_folded(heading), heading)


@functools.cache
def sheet_names(name: str) -> tuple[str, ...]:
    """The sheet ``name`` in every language the tracker speaks, English first."""
    names = [name]
    for language in LANGUAGES:
        translated = _translated(name, language)
        if translated not in names:
            names.append(translated)
    return tuple(names)
