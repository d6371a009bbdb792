"""Every closed list the tracker knows, with the words people see for each value.

This module is the one place these lists are spelled out: the database's
CHECK constraints (``db.models``), the parsers of files and forms, the
permissions and the pages all take them from here. A value is the short
string stored in the database and written in files; its label is what a
page, a table heading or a sentence shows.

Adding a value here widens the CHECK constraint in the models, so it needs a
migration too (a test compares the models with the migrations).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

# --- commitments --------------------------------------------------------------

# One-off: an amount in one financial year. Recurring: the same amount each
# year for N years (optionally rising by an uplift; N blank: "a year", end not
# stated). Profiled: an explicit amount per financial year. Multi-year: a
# total over several years with no yearly split stated.
COMMITMENT_KIND_LABELS: Final = MappingProxyType(
    {
        "one-off": "One-off",
        "recurring": "Recurring (each year)",
        "profiled": "Profiled (amount per year)",
        "multi-year": "Multi-year total (no yearly split)",
    }
)
COMMITMENT_KINDS: Final = tuple(COMMITMENT_KIND_LABELS)

# How exact an announced amount is: "over £1m" is a floor, "up to £1m" a ceiling.
QUALIFIER_LABELS: Final = MappingProxyType(
    {
        "exact": "Exact",
        "over": "Over (a floor)",
        "up to": "Up to (a ceiling)",
        "about": "About (approximate)",
    }
)
QUALIFIERS: Final = tuple(QUALIFIER_LABELS)

# How a multi-year total is placed in years: not at all (unphased, the
# default), evenly, or pro rata by the days between its planned dates. A
# chosen spread is an estimate, and every figure from it says so.
SPREAD_LABELS: Final = MappingProxyType(
    {
        "none": "Not spread (unphased)",
        "even": "Evenly over its years (estimated)",
        "planned-dates": "By its planned dates (estimated)",
    }
)
SPREADS: Final = tuple(SPREAD_LABELS)

# Where a 360Giving grant's money is placed: in the financial year of its award
# date (as GrantNav reports grants), or spread over its planned dates (estimated).
GRANT_PLACING_LABELS: Final = MappingProxyType(
    {
        "award-year": "In the financial year of its award date",
        "planned-dates": "Spread over its planned dates (estimated)",
    }
)
GRANT_PLACINGS: Final = tuple(GRANT_PLACING_LABELS)

# An IATI activity's budgets (kept beside its commitment as its planned profile,
# never counted as committed): as first stated, or revised.
BUDGET_STATUS_LABELS: Final = MappingProxyType({"original": "Original budget", "revised": "Revised budget"})
BUDGET_STATUSES: Final = tuple(BUDGET_STATUS_LABELS)

# How an IATI activity names another (``related-activity`` types 1-5): kept as
# links; each activity counts only its own money, never a parent's on top.
ACTIVITY_RELATION_LABELS: Final = MappingProxyType(
    {
        "parent": "Parent activity",
        "child": "Child activity",
        "sibling": "Sibling activity",
        "co-funded": "Co-funded activity",
        "third-party": "Third-party activity",
    }
)
ACTIVITY_RELATIONS: Final = tuple(ACTIVITY_RELATION_LABELS)

# ``reannounces`` names a recorded commitment, or this word: announced before,
# the original not recorded here (counted, but not as new money).
ANNOUNCED_EARLIER: Final = "earlier"

# The only currency the tracker holds; a file naming another is refused.
CURRENCIES: Final = ("GBP",)

STATUS_LABELS: Final = MappingProxyType({"confirmed": "Confirmed", "indicative": "Indicative"})
STATUSES: Final = tuple(STATUS_LABELS)

CAPITAL_OR_REVENUE_LABELS: Final = MappingProxyType({"capital": "Capital", "revenue": "Revenue"})
CAPITAL_OR_REVENUE: Final = tuple(CAPITAL_OR_REVENUE_LABELS)

# Why a commitment's money changed (a revision keeps the original beside it).
REVISION_REASON_LABELS: Final = MappingProxyType(
    {
        "re-profiled": "Re-profiled",
        "slippage": "Slippage",
        "underspend carried forward": "Underspend carried forward",
        "correction": "Correction",
        "other": "Other (say why)",
    }
)
REVISION_REASONS: Final = tuple(REVISION_REASON_LABELS)

# --- delivery -------------------------------------------------------------------

# Disbursement: money passed to a recipient. Expenditure: money spent.
# Refund: money returned (stored negative). A negative disbursement or
# expenditure is a correction.
DELIVERY_KIND_LABELS: Final = MappingProxyType(
    {
        "disbursement": "Disbursement (money passed on)",
        "expenditure": "Expenditure (money spent)",
        "refund": "Refund (money returned)",
    }
)
DELIVERY_KINDS: Final = tuple(DELIVERY_KIND_LABELS)
# The names wave 1 used, still read in files and forms.
DELIVERY_KIND_ALIASES: Final = MappingProxyType({"payment": "disbursement", "spend": "expenditure"})

# --- organisations ----------------------------------------------------------------

ORGANISATION_KIND_LABELS: Final = MappingProxyType(
    {
        "funder": "Funder",
        "recipient": "Recipient",
        "oversight": "Oversight body",
        "other": "Other",
    }
)
ORGANISATION_KINDS: Final = tuple(ORGANISATION_KIND_LABELS)

# --- review -----------------------------------------------------------------------

# The Digital Advisory Group's judgement of progress.
PROGRESS_STATUS_LABELS: Final = MappingProxyType(
    {
        "not started": "Not started",
        "on track": "On track",
        "at risk": "At risk",
        "off track": "Off track",
        "achieved": "Achieved",
        "stalled": "Stalled",
    }
)
PROGRESS_STATUSES: Final = tuple(PROGRESS_STATUS_LABELS)

# --- people and the audit trail ------------------------------------------------------

# What a signed-in person may do; tracker.records.permissions maps actions to these.
ROLE_LABELS: Final = MappingProxyType(
    {
        "viewer": "Viewer",
        "reviewer": "Reviewer",
        "finance": "Finance",
        "editor": "Editor",
        "admin": "Admin",
    }
)
ROLES: Final = tuple(ROLE_LABELS)

AUDIT_ACTION_LABELS: Final = MappingProxyType(
    {
        "create": "Created",
        "update": "Changed",
        "delete": "Deleted",
        "restore": "Restored",
    }
)
AUDIT_ACTIONS: Final = tuple(AUDIT_ACTION_LABELS)

# Why a sign-in session ended (tracker.sign_in_sessions): what another tab of
# the browser is told when it finds its session over.
SESSION_ENDING_LABELS: Final = MappingProxyType(
    {
        "signed out": "Signed out",
        "idle": "Idle too long",
        "password changed": "Password changed",
        "password reset": "Password reset by an admin",
        "disabled": "User disabled",
    }
)
SESSION_ENDINGS: Final = tuple(SESSION_ENDING_LABELS)


def label(labels: MappingProxyType[str, str], value: str | None) -> str:
    """The label of ``value`` in ``labels``; an unknown value is shown as it is
    (a value from a newer version of the list must still be readable)."""
    if value is None:
        return ""
    return labels.get(value, value)
