"""Every closed list the tracker knows, with the words people see for each value.

This module is the one place these lists are spelled out: the database's
CHECK constraints (``db.models``), the parsers of files and forms, the
permissions and the pages all take them from here. A value is the short
string stored in the database and written in files; its label is what a
page, a table heading or a sentence shows.

Values stay English whatever the language (the database, files and the
command line read them); labels are marked for the message catalogue and
translated where shown (``label``, or ``_(LABELS[value])``), and a value
said inside a sentence ("changed from one-off to recurring") is translated
by ``in_words``.

Adding a value here widens the CHECK constraint in the models, so it needs a
migration too (a test compares the models with the migrations).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from tracker.i18n import N_, _

# --- commitments --------------------------------------------------------------

# One-off: an amount in one financial year. Recurring: the same amount each
# year for N years (optionally rising by an uplift; N blank: "a year", end not
# stated). Profiled: an explicit amount per financial year. Multi-year: a
# total over several years with no yearly split stated.
COMMITMENT_KIND_LABELS: Final = MappingProxyType(
    {
        "one-off": N_("One-off"),
        "recurring": N_("Recurring (each year)"),
        "profiled": N_("Profiled (amount per year)"),
        "multi-year": N_("Multi-year total (no yearly split)"),
    }
)
COMMITMENT_KINDS: Final = tuple(COMMITMENT_KIND_LABELS)

# How exact an announced amount is: "over £1m" is a floor, "up to £1m" a ceiling.
QUALIFIER_LABELS: Final = MappingProxyType(
    {
        "exact": N_("Exact"),
        "over": N_("Over (a floor)"),
        "up to": N_("Up to (a ceiling)"),
        "about": N_("About (approximate)"),
    }
)
QUALIFIERS: Final = tuple(QUALIFIER_LABELS)

# How a multi-year total is placed in years: not at all (unphased, the
# default), evenly, or pro rata by the days between its planned dates. A
# chosen spread is an estimate, and every figure from it says so.
SPREAD_LABELS: Final = MappingProxyType(
    {
        "none": N_("Not spread (unphased)"),
        "even": N_("Evenly over its years (estimated)"),
        "planned-dates": N_("By its planned dates (estimated)"),
    }
)
SPREADS: Final = tuple(SPREAD_LABELS)

# Where a 360Giving grant's money is placed: in the financial year of its award
# date (as GrantNav reports grants), or spread over its planned dates (estimated).
GRANT_PLACING_LABELS: Final = MappingProxyType(
    {
        "award-year": N_("In the financial year of its award date"),
        "planned-dates": N_("Spread over its planned dates (estimated)"),
    }
)
GRANT_PLACINGS: Final = tuple(GRANT_PLACING_LABELS)

# An IATI activity's budgets (kept beside its commitment as its planned profile,
# never counted as committed): as first stated, or revised.
BUDGET_STATUS_LABELS: Final = MappingProxyType({"original": N_("Original budget"), "revised": N_("Revised budget")})
BUDGET_STATUSES: Final = tuple(BUDGET_STATUS_LABELS)

# How an IATI activity names another (``related-activity`` types 1-5): kept as
# links; each activity counts only its own money, never a parent's on top.
ACTIVITY_RELATION_LABELS: Final = MappingProxyType(
    {
        "parent": N_("Parent activity"),
        "child": N_("Child activity"),
        "sibling": N_("Sibling activity"),
        "co-funded": N_("Co-funded activity"),
        "third-party": N_("Third-party activity"),
    }
)
ACTIVITY_RELATIONS: Final = tuple(ACTIVITY_RELATION_LABELS)

# ``reannounces`` names a recorded commitment, or this word: announced before,
# the original not recorded here (counted, but not as new money).
ANNOUNCED_EARLIER: Final = "earlier"

# The only currency the tracker holds; a file naming another is refused.
CURRENCIES: Final = ("GBP",)

STATUS_LABELS: Final = MappingProxyType({"confirmed": N_("Confirmed"), "indicative": N_("Indicative")})
STATUSES: Final = tuple(STATUS_LABELS)

CAPITAL_OR_REVENUE_LABELS: Final = MappingProxyType({"capital": N_("Capital"), "revenue": N_("Revenue")})
CAPITAL_OR_REVENUE: Final = tuple(CAPITAL_OR_REVENUE_LABELS)

# Why a commitment's money changed (a revision keeps the original beside it).
REVISION_REASON_LABELS: Final = MappingProxyType(
    {
        "re-profiled": N_("Re-profiled"),
        "slippage": N_("Slippage"),
        "underspend carried forward": N_("Underspend carried forward"),
        "correction": N_("Correction"),
        "other": N_("Other (say why)"),
    }
)
REVISION_REASONS: Final = tuple(REVISION_REASON_LABELS)

# --- delivery -------------------------------------------------------------------

# Disbursement: money passed to a recipient. Expenditure: money spent.
# Refund: money returned (stored negative). A negative disbursement or
# expenditure is a correction.
DELIVERY_KIND_LABELS: Final = MappingProxyType(
    {
        "disbursement": N_("Disbursement (money passed on)"),
        "expenditure": N_("Expenditure (money spent)"),
        "refund": N_("Refund (money returned)"),
    }
)
DELIVERY_KINDS: Final = tuple(DELIVERY_KIND_LABELS)
# The names wave 1 used, still read in files and forms.
DELIVERY_KIND_ALIASES: Final = MappingProxyType({"payment": "disbursement", "spend": "expenditure"})

# --- organisations ----------------------------------------------------------------

ORGANISATION_KIND_LABELS: Final = MappingProxyType(
    {
        "funder": N_("Funder"),
        "recipient": N_("Recipient"),
        "oversight": N_("Oversight body"),
        "other": N_("Other"),
    }
)
ORGANISATION_KINDS: Final = tuple(ORGANISATION_KIND_LABELS)

# --- review -----------------------------------------------------------------------

# The Digital Advisory Group's judgement of progress.
PROGRESS_STATUS_LABELS: Final = MappingProxyType(
    {
        "not started": N_("Not started"),
        "on track": N_("On track"),
        "at risk": N_("At risk"),
        "off track": N_("Off track"),
        "achieved": N_("Achieved"),
        "stalled": N_("Stalled"),
    }
)
PROGRESS_STATUSES: Final = tuple(PROGRESS_STATUS_LABELS)

# --- people and the audit trail ------------------------------------------------------

# What a signed-in person may do; tracker.records.permissions maps actions to these.
ROLE_LABELS: Final = MappingProxyType(
    {
        "viewer": N_("Viewer"),
        "reviewer": N_("Reviewer"),
        "finance": N_("Finance"),
        "editor": N_("Editor"),
        "admin": N_("Admin"),
    }
)
ROLES: Final = tuple(ROLE_LABELS)

AUDIT_ACTION_LABELS: Final = MappingProxyType(
    {
        "create": N_("Created"),
        "update": N_("Changed"),
        "delete": N_("Deleted"),
        "restore": N_("Restored"),
    }
)
AUDIT_ACTIONS: Final = tuple(AUDIT_ACTION_LABELS)

# Why a sign-in session ended (tracker.sign_in_sessions): what another tab of
# the browser is told when it finds its session over.
SESSION_ENDING_LABELS: Final = MappingProxyType(
    {
        "signed out": N_("Signed out"),
        "idle": N_("Idle too long"),
        "password changed": N_("Password changed"),
        "password reset": N_("Password reset by an admin"),
        "disabled": N_("User disabled"),
    }
)
SESSION_ENDINGS: Final = tuple(SESSION_ENDING_LABELS)


def label(labels: MappingProxyType[str, str], value: str | None) -> str:
    """The label of ``value`` in ``labels``, in the language in use; an unknown value is shown as it is
    (a value from a newer version of the list must still be readable)."""
    if value is None:
        return ""
    return _(labels[value]) if value in labels else value


# The values as a sentence says them (lower case, as stored: "from one-off to
# recurring", "1 revision (slippage)"), marked for the message catalogue.
WORDS: Final = MappingProxyType(
    {
        "one-off": N_("one-off"),
        "recurring": N_("recurring"),
        "profiled": N_("profiled"),
        "multi-year": N_("multi-year"),
        "confirmed": N_("confirmed"),
        "indicative": N_("indicative"),
        "capital": N_("capital"),
        "revenue": N_("revenue"),
        "re-profiled": N_("re-profiled"),
        "slippage": N_("slippage"),
        "underspend carried forward": N_("underspend carried forward"),
        "correction": N_("correction"),
        "other": N_("other"),
        "disbursement": N_("disbursement"),
        "expenditure": N_("expenditure"),
        "refund": N_("refund"),
    }
)


def in_words(value: str | None) -> str:
    """A stored value as a sentence or a table cell says it, in the language
    in use (``one-off``, in Welsh ``untro``); a value not listed as it is."""
    if value is None:
        return ""
    return _(WORDS[value]) if value in WORDS else value
