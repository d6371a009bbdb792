"""Rows of an import in words: a one-line summary of each record, what
importing it would change in the stored record ("Amount changed from £1,000,000 to £1,500,000"),
and the columns of the file's later contract as the preview shows them.

A value a row leaves blank is said as the contract reads it: a first year,
period or recipient "not stated", a delivery "undated", money re-announced
from "earlier" as "announced before".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from db.models import Commitment, Delivery, Organisation
from tracker.core.fiscal import FinancialYear
from tracker.core.identifiers import normalise_name
from tracker.core.money import format_pounds, qualified, qualifier_word
from tracker.core.phrases import changed, terms_phrase
from tracker.core.places import area_name
from tracker.core.vocabulary import ANNOUNCED_EARLIER, in_words
from tracker.i18n import N_, _, current
from tracker.i18n.dates import short_date
from tracker.imports.plan_organisations import Named
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.delivery_rows import DeliveryRecord

Show = Callable[[Any], str]
# How a blank value is said (in the language in use, when said).
NOT_STATED = N_("not stated")
UNDATED = N_("undated")
ANNOUNCED_BEFORE = N_("announced before")
NONE = N_("none")
# The commitments file's columns the preview shows beside each row, when the file has them.
DETAIL_COLUMNS = (
    "funder_id",
    "recipient_id",
    "currency",
    "spread",
    "planned_start",
    "planned_end",
    "areas",
    "part_of",
    "reannounces",
)


def _said(value, blank: str = N_("(blank)")) -> str:
    """A value as the preview says it; ``blank`` (a catalogued message) for none."""
    if value is None or value == "" or value == ():
        return _(blank)
    if isinstance(value, FinancialYear):
        return value.label
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _word(value) -> str:
    """A stored word (a kind, a status) as a sentence says it, in the language in use."""
    return in_words(value) if isinstance(value, str) and value else _said(value)


def _blank_as(blank: str) -> Show:
    return lambda value: _said(value, blank)


def _reannounced(value: str | None) -> str:
    return _(ANNOUNCED_BEFORE) if value == ANNOUNCED_EARLIER else _said(value, NONE)


def _area_name(code: str) -> str:
    return area_name(code, welsh=current() == "cy")


def _areas(codes) -> str:
    return ", ".join(f"{code} {_area_name(code)}" if _area_name(code) != code else code for code in codes) or _(NONE)


def _uplift(bp: int) -> str:
    return f"{format(Decimal(bp) / 100, 'f')}%"


def _profile(lines) -> str:
    return "; ".join(f"{fy.label}={format_pounds(pence)}" for fy, pence in lines) or _("(none)")


# The file's columns as people call them, for the preview's "Changes" ("Amount changed from … to …").
COLUMN_WORDS = {
    "announced_on": N_("announced on"),
    "funder": N_("funder"),
    "funder_id": N_("funder identifier"),
    "recipient": N_("recipient"),
    "recipient_id": N_("recipient identifier"),
    "purpose": N_("purpose"),
    "programme": N_("programme"),
    "kind": N_("kind"),
    "amount": N_("amount"),
    "qualifier": N_("qualifier"),
    "status": N_("status"),
    "capital_or_revenue": N_("capital or revenue"),
    "first_year": N_("first financial year"),
    "years": N_("years"),
    "uplift_pct": N_("yearly uplift"),
    "reannounces": N_("re-announces"),
    "part_of": N_("part of"),
    "spread": N_("spread"),
    "planned_start": N_("planned start"),
    "planned_end": N_("planned end"),
    "areas": N_("areas"),
    "profile": N_("profile"),
    "announcement_ref": N_("announcement"),
    "commitment_ref": N_("commitment"),
    "paid_on": N_("paid on"),
    "note": N_("note"),
    "illustrative": N_("illustrative"),
    "evidence_url": N_("evidence"),
}


def column_words(name: str) -> str:
    """A file's column as people call it, in the language in use."""
    return _(COLUMN_WORDS[name]) if name in COLUMN_WORDS else name.replace("_", " ")


def _differences(pairs: list[tuple[str, Any, Any, Callable[[Any], str]]]) -> list[tuple[str, str]]:
    return [(name, changed(column_words(name), show(old), show(new))) for name, old, new, show in pairs if old != new]


def commitment_changes(stored: Commitment, rec: CommitmentRecord, named: Named | None = None) -> list[tuple[str, str]]:
    """What importing ``rec`` would change in ``stored``, as ``(field, words)``:
    ``("amount", "Amount changed from £1,000,000 to £1,500,000")``.

    The fields the bulk importers compare on re-import, plus the announcement when
    the file names one. ``named``: the organisations the row names
    (``tracker.imports.plan_organisations``); a funder or recipient is changed
    only when the row names another organisation, whatever its spelling.
    """
    named = named or Named()
    not_stated = _blank_as(NOT_STATED)
    pairs: list[tuple[str, Any, Any, Show]] = [
        ("announced_on", stored.announcement.announced_on, rec.announced_on, _blank_as(UNDATED)),
        *_organisation("funder", stored.announcement.funder, rec.funder, rec.funder_id, named.funder, named.funder_id),
        *_organisation(
            "recipient", stored.recipient, rec.recipient, rec.recipient_id, named.recipient, named.recipient_id
        ),
        ("purpose", stored.purpose, rec.purpose, _said),
        ("programme", stored.programme, rec.programme, _said),
        ("kind", stored.kind, rec.kind, _word),
        ("amount", stored.amount_pence, rec.amount_pence, format_pounds),
        ("qualifier", stored.qualifier, rec.qualifier, lambda value: qualifier_word(value) or _said(value)),
        ("status", stored.status, rec.status, _word),
        ("capital_or_revenue", stored.capital_or_revenue, rec.capital_or_revenue, _word),
        ("first_year", stored.first_year, rec.first_year, not_stated),
        ("years", stored.years, rec.years, not_stated),
        ("uplift_pct", stored.uplift_bp, rec.uplift_bp, _uplift),
        ("reannounces", _reannounces(stored), rec.reannounces, _reannounced),
        ("part_of", stored.part_of.ref if stored.part_of is not None else None, rec.part_of, _blank_as(NONE)),
        ("spread", stored.spread, rec.spread, _said),
        ("planned_start", stored.planned_start, rec.planned_start, not_stated),
        ("planned_end", stored.planned_end, rec.planned_end, not_stated),
        ("areas", tuple(a.gss_code for a in stored.areas), tuple(rec.areas), _areas),
        (
            "profile",
            tuple((line.financial_year, line.amount_pence) for line in stored.profile_lines),
            rec.profile if rec.kind == "profiled" else (),
            _profile,
        ),
    ]
    if rec.announcement_ref:
        pairs.append(("announcement_ref", stored.announcement.ref, rec.announcement_ref, _said))
    return _differences(pairs)


def _organisation(
    role: str,
    stored: Organisation | None,
    name: str | None,
    identifier: str | None,
    found: Organisation | None,
    found_id: str | None,
) -> list[tuple[str, Any, Any, Show]]:
    """A funder or recipient changes when the row names another organisation:
    its name if that differs, its identifier if the row gives one or the
    organisation found has one."""
    if found is not None and found is stored:
        return []
    pairs: list[tuple[str, Any, Any, Show]] = [(role, stored.name if stored else None, name, _blank_as(NOT_STATED))]
    new_id = found_id if found is not None else identifier
    if new_id or found is not None:
        pairs.append((f"{role}_id", stored.org_identifier if stored else None, new_id, _blank_as(NONE)))
    return pairs


def _reannounces(stored: Commitment) -> str | None:
    if stored.reannounces_earlier:
        return ANNOUNCED_EARLIER
    return stored.reannounces.ref if stored.reannounces is not None else None


def delivery_changes(stored: Delivery, rec: DeliveryRecord) -> list[tuple[str, str]]:
    """What importing ``rec`` would change in ``stored``."""
    return _differences(
        [
            ("commitment_ref", stored.commitment.ref, rec.commitment_ref, _said),
            ("paid_on", stored.paid_on, rec.paid_on, _blank_as(UNDATED)),
            ("amount", stored.amount_pence, rec.amount_pence, format_pounds),
            ("kind", stored.kind, rec.kind, _word),
            ("note", stored.note, rec.note, _said),
            ("illustrative", stored.illustrative, rec.illustrative, _said),
            ("evidence_url", stored.evidence_url, rec.evidence_url, _said),
        ]
    )


def commitment_summary(rec: CommitmentRecord, named: Named | None = None) -> str:
    """``over £1,000,000 in 2020-21 to Welsh councils: Digital transformation``.

    With what the later contract adds when the row gives it: identifiers (and
    the name an organisation is recorded under when the identifier names it
    otherwise), planned dates, areas, a re-announcement or a pot.
    """
    named = named or Named()
    money = terms_phrase(
        qualified(format_pounds(rec.amount_pence), rec.qualifier),
        rec.kind,
        rec.first_year.label if rec.first_year else None,
        rec.years,
        uplift=_uplift(rec.uplift_bp) if rec.uplift_bp else "",
        spread=rec.spread,
        last_year=rec.last_year.label if rec.last_year else None,
    )
    if rec.planned_start or rec.planned_end:
        start = _said(rec.planned_start, N_("start not stated"))
        end = _said(rec.planned_end, N_("end not stated"))
        money = _("{money}, planned {start} to {end}", money=money, start=start, end=end)
    if _said_by(rec, named):
        money = _("{money} from {funder}", money=money, funder=_which(rec.funder, rec.funder_id, named.funder))
    if rec.recipient:
        money = _(
            "{money} to {recipient}",
            money=money,
            recipient=_which(rec.recipient, rec.recipient_id, named.recipient),
        )
    else:
        money = _("{money}, recipient not stated", money=money)
    said = _("{money}: {purpose}", money=money, purpose=rec.purpose)
    if rec.reannounces == ANNOUNCED_EARLIER:
        said = _("{said} (announced before)", said=said)
    elif rec.reannounces:
        said = _("{said} (re-announces {ref})", said=said, ref=rec.reannounces)
    if rec.part_of:
        said = _("{said} (part of {ref})", said=said, ref=rec.part_of)
    if rec.areas:
        said = _("{said} (for {places})", said=said, places=", ".join(_area_name(code) for code in rec.areas))
    return said


def _said_by(rec: CommitmentRecord, named: Named) -> bool:
    """The summary names the funder only when the row gives its identifier or it is recorded under another name."""
    return bool(rec.funder_id) or (
        named.funder is not None and normalise_name(named.funder.name) != normalise_name(rec.funder)
    )


def _which(name: str, identifier: str | None, found: Organisation | None) -> str:
    """The name as the row gives it, then ``(GB-CHC-1111)``, or
    ``(GB-CHC-1111, recorded as 'Cardiff Council')``."""
    said = [identifier] if identifier else []
    if found is not None and normalise_name(found.name) != normalise_name(name):
        said.append(_("recorded as {name}", name=repr(found.name)))
    return _("{name} ({which})", name=name, which=", ".join(said)) if said else name


def commitment_details(rec: CommitmentRecord, named: Named | None = None) -> dict[str, str]:
    """The later contract's columns of a row as the preview shows them (``DETAIL_COLUMNS``).

    An identifier left blank shows the one of the organisation the name matched, if it has one.
    """
    named = named or Named()
    return {
        "funder_id": rec.funder_id or _matched(named.funder_id),
        "recipient_id": rec.recipient_id or _matched(named.recipient_id),
        "currency": "GBP",
        "spread": rec.spread,
        "planned_start": _said(rec.planned_start, ""),
        "planned_end": _said(rec.planned_end, ""),
        "areas": _areas(rec.areas) if rec.areas else "",
        "part_of": rec.part_of or "",
        "reannounces": _reannounced(rec.reannounces) if rec.reannounces else "",
    }


def _matched(identifier: str | None) -> str:
    return _("{identifier} (matched by name)", identifier=identifier) if identifier else ""


def delivery_summary(rec: DeliveryRecord) -> str:
    """``disbursement of £250,000 on 31 Mar 2021 against W1``."""
    said = {"kind": in_words(rec.kind), "amount": format_pounds(rec.amount_pence), "ref": rec.commitment_ref}
    if rec.paid_on:
        return _("{kind} of {amount} on {day} against {ref}", day=short_date(rec.paid_on), **said)
    return _("{kind} of {amount} undated against {ref}", **said)
