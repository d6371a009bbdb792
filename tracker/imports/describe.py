"""Rows of an import in words: a one-line summary of each record, and what
importing it would change in the stored record ("amount £1,000,000 -> £1,500,000")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from db.models import Commitment, Delivery
from tracker.core.fiscal import FinancialYear
from tracker.core.money import format_pounds
from tracker.core.phrases import terms_phrase
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.delivery_rows import DeliveryRecord


def _said(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, FinancialYear):
        return value.label
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _uplift(bp: int) -> str:
    return f"{format(Decimal(bp) / 100, 'f')}%"


def _profile(lines) -> str:
    return "; ".join(f"{fy.label}={format_pounds(pence)}" for fy, pence in lines) or "(none)"


def _differences(pairs: list[tuple[str, Any, Any, Callable[[Any], str]]]) -> list[tuple[str, str]]:
    return [(name, f"{name} {show(old)} -> {show(new)}") for name, old, new, show in pairs if old != new]


def commitment_changes(stored: Commitment, rec: CommitmentRecord) -> list[tuple[str, str]]:
    """What importing ``rec`` would change in ``stored``, as ``(field, "amount £1,000,000 -> £1,500,000")``.

    The fields the bulk importers compare on re-import, plus the announcement when
    the file names one.
    """
    pairs: list[tuple[str, Any, Any, Callable[[Any], str]]] = [
        ("announced_on", stored.announcement.announced_on, rec.announced_on, _said),
        ("funder", stored.announcement.funder.name, rec.funder, _said),
        ("recipient", stored.recipient.name if stored.recipient else None, rec.recipient, _said),
        ("purpose", stored.purpose, rec.purpose, _said),
        ("programme", stored.programme, rec.programme, _said),
        ("kind", stored.kind, rec.kind, _said),
        ("amount", stored.amount_pence, rec.amount_pence, format_pounds),
        ("qualifier", stored.qualifier, rec.qualifier, _said),
        ("status", stored.status, rec.status, _said),
        ("capital_or_revenue", stored.capital_or_revenue, rec.capital_or_revenue, _said),
        ("first_year", stored.first_year, rec.first_year, _said),
        ("years", stored.years, rec.years, _said),
        ("uplift_pct", stored.uplift_bp, rec.uplift_bp, _uplift),
        ("reannounces", _reannounces(stored), rec.reannounces, _said),
        ("part_of", stored.part_of.ref if stored.part_of is not None else None, rec.part_of, _said),
        ("spread", stored.spread, rec.spread, _said),
        ("planned_start", stored.planned_start, rec.planned_start, _said),
        ("planned_end", stored.planned_end, rec.planned_end, _said),
        ("areas", "; ".join(a.gss_code for a in stored.areas) or None, "; ".join(rec.areas) or None, _said),
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


def _reannounces(stored: Commitment) -> str | None:
    if stored.reannounces_earlier:
        return ANNOUNCED_EARLIER
    return stored.reannounces.ref if stored.reannounces is not None else None


def delivery_changes(stored: Delivery, rec: DeliveryRecord) -> list[tuple[str, str]]:
    """What importing ``rec`` would change in ``stored``."""
    return _differences(
        [
            ("commitment_ref", stored.commitment.ref, rec.commitment_ref, _said),
            ("paid_on", stored.paid_on, rec.paid_on, _said),
            ("amount", stored.amount_pence, rec.amount_pence, format_pounds),
            ("kind", stored.kind, rec.kind, _said),
            ("note", stored.note, rec.note, _said),
            ("illustrative", stored.illustrative, rec.illustrative, _said),
            ("evidence_url", stored.evidence_url, rec.evidence_url, _said),
        ]
    )


def commitment_summary(rec: CommitmentRecord) -> str:
    """``over £1,000,000 in 2020-21 to Welsh councils: Digital transformation``."""
    qualifier = "" if rec.qualifier == "exact" else rec.qualifier + " "
    money = terms_phrase(
        qualifier + format_pounds(rec.amount_pence),
        rec.kind,
        rec.first_year.label if rec.first_year else None,
        rec.years,
        uplift=_uplift(rec.uplift_bp) if rec.uplift_bp else "",
        spread=rec.spread,
        last_year=rec.last_year.label if rec.last_year else None,
    )
    if rec.reannounces == ANNOUNCED_EARLIER:
        again = " (announced before)"
    else:
        again = f" (re-announces {rec.reannounces})" if rec.reannounces else ""
    share = f" (part of {rec.part_of})" if rec.part_of else ""
    to = f" to {rec.recipient}" if rec.recipient else ", recipient not stated"
    return f"{money}{to}: {rec.purpose}{again}{share}"


def delivery_summary(rec: DeliveryRecord) -> str:
    """``disbursement of £250,000 on 31 Mar 2021 against W1``."""
    when = f"on {rec.paid_on:%-d %b %Y}" if rec.paid_on else "undated"
    return f"{rec.kind} of {format_pounds(rec.amount_pence)} {when} against {rec.commitment_ref}"
