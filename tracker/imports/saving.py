"""Saving new records from a file, inside the caller's transaction.

``save_commitments`` and ``save_deliveries`` add the records an import
creates (with their organisations and announcements) and one audit event per
created row. ``tracker.imports.apply`` calls them for the rows a plan marked
``create``; the demo loader calls them for its files. A record whose ref is
already stored with the same values is counted unchanged; with different
values it is a problem (``DataError``), so nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Announcement, Commitment, CommitmentArea, Delivery, ProfileLine
from tracker.core.money import format_pounds
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.files.tabular import DataError, Problem
from tracker.i18n import _
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.delivery_rows import DeliveryRecord
from tracker.records.organisations import AmbiguousOrganisation, Organisations
from tracker.records.permissions import Actor
from tracker.records.unit_of_work import audit, audit_created, json_value, snapshot

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an import did, counted by kind of record."""

    created: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)  # records that came with the file's own (its deliveries)
    created_rows: int = 0  # rows of the file created and updated (an import's own counts)
    updated_rows: int = 0

    def count(self, bucket: str, entity: str, n: int = 1) -> None:
        if n:
            counts = {"created": self.created, "updated": self.updated}.get(bucket, self.unchanged)
            counts[entity] = counts.get(entity, 0) + n

    def __str__(self) -> str:
        def said(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {plural(entity, n)}" for entity, n in counts.items()) or "nothing"

        return f"created {said(self.created)}; unchanged {said(self.unchanged)}"


def stored_as_made(ref: str, announced_on: date | None, funder: str) -> str:
    """A row's announcement is stored as made on another day, or by another funder."""
    if announced_on is None:
        return _(
            "announcement {ref} is stored as made on no stated date by {funder}: the row must agree",
            ref=ref,
            funder=repr(funder),
        )
    return _(
        "announcement {ref} is stored as made on {day} by {funder}: the row must agree",
        ref=ref,
        day=announced_on.isoformat(),
        funder=repr(funder),
    )


def not_a_stored_commitment() -> str:
    """A delivery's commitment_ref names no commitment in the database."""
    return _("expected the ref of a commitment in the database")


def plural(entity: str, n: int) -> str:
    if n == 1:
        return entity
    return entity[:-1] + "ies" if entity.endswith("y") else entity + "s"


def existing_by_ref(session: Session, model, refs: Iterable[str]) -> dict[str, Any]:
    refs = sorted(set(refs))
    found = {}
    for start in range(0, len(refs), 500):  # keep IN lists a sensible size
        chunk = refs[start : start + 500]
        found.update({obj.ref: obj for obj in session.scalars(select(model).where(model.ref.in_(chunk)))})
    return found


# --- commitments ---------------------------------------------------------------


def _commitment_differences(existing: Commitment, rec: CommitmentRecord, reannounces_ref: str | None) -> list[str]:
    """What differs between a stored commitment and a file row with the same ref."""
    stored: dict[str, Any] = {
        "announced_on": existing.announcement.announced_on,
        "funder": existing.announcement.funder.name,
        "recipient": existing.recipient.name if existing.recipient else None,
        "purpose": existing.purpose,
        "programme": existing.programme,
        "kind": existing.kind,
        "amount": existing.amount_pence,
        "qualifier": existing.qualifier,
        "status": existing.status,
        "capital_or_revenue": existing.capital_or_revenue,
        "first_year": existing.first_year,
        "years": existing.years,
        "uplift_pct": existing.uplift_bp,
        "reannounces": ANNOUNCED_EARLIER if existing.reannounces_earlier else reannounces_ref,
        "profile": tuple((line.financial_year, line.amount_pence) for line in existing.profile_lines),
        "part_of": existing.part_of.ref if existing.part_of is not None else None,
        "spread": existing.spread,
        "planned_start": existing.planned_start,
        "planned_end": existing.planned_end,
        "areas": tuple(area.gss_code for area in existing.areas),
    }
    given: dict[str, Any] = {
        "announced_on": rec.announced_on,
        "funder": rec.funder,
        "recipient": rec.recipient,
        "purpose": rec.purpose,
        "programme": rec.programme,
        "kind": rec.kind,
        "amount": rec.amount_pence,
        "qualifier": rec.qualifier,
        "status": rec.status,
        "capital_or_revenue": rec.capital_or_revenue,
        "first_year": rec.first_year,
        "years": rec.years,
        "uplift_pct": rec.uplift_bp,
        "reannounces": rec.reannounces,
        "profile": rec.profile if rec.kind == "profiled" else (),
        "part_of": rec.part_of,
        "spread": rec.spread,
        "planned_start": rec.planned_start,
        "planned_end": rec.planned_end,
        "areas": rec.areas,
    }
    changed = []
    for key, value in given.items():
        if stored[key] != value:
            if key == "amount":
                changed.append(
                    _(
                        "amount {stored} stored, {given} in the file",
                        stored=format_pounds(stored[key]),
                        given=format_pounds(value),
                    )
                )
            else:
                changed.append(
                    _(
                        "{column} {stored} stored, {given} in the file",
                        column=key,
                        stored=repr(json_value(stored[key])),
                        given=repr(json_value(value)),
                    )
                )
    return changed


def organisation_of(orgs: Organisations, rec: CommitmentRecord, role: str, problems: list[Problem]):
    """The funder or recipient a row names (None, with a problem, when its name is ambiguous)."""
    name, identifier = getattr(rec, role), getattr(rec, f"{role}_id")
    try:
        return orgs.get(name, role, identifier, line=rec.line)
    except AmbiguousOrganisation as err:
        problems.append(Problem(rec.line, role, name, str(err)))
        return None


def save_commitments(
    session: Session,
    records: list[CommitmentRecord],
    actor: Actor,
    result: ImportResult,
    progress: Progress | None = None,
) -> None:
    problems: list[Problem] = []
    orgs = Organisations(session)
    refs = [r.ref for r in records]
    refs += [r.reannounces for r in records if r.reannounces and r.reannounces != ANNOUNCED_EARLIER]
    refs += [r.part_of for r in records if r.part_of]
    existing = existing_by_ref(session, Commitment, refs)
    announcement_refs = {r.announcement_ref or r.ref for r in records}
    announcements = existing_by_ref(session, Announcement, announcement_refs)
    new_announcements: list[Announcement] = []
    new_commitments: list[tuple[Commitment, CommitmentRecord]] = []
    new_lines: list[ProfileLine] = []
    by_ref: dict[str, Commitment] = dict(existing)

    for i, rec in enumerate(records, start=1):
        if progress and (i % 500 == 0 or i == len(records)):
            progress(i, len(records))
        stored = existing.get(rec.ref)
        if stored is not None:
            old_target = stored.reannounces.ref if stored.reannounces is not None else None
            changed = _commitment_differences(stored, rec, old_target)
            if changed:
                problems.append(
                    Problem(
                        rec.line,
                        "ref",
                        rec.ref,
                        _(
                            "a commitment with this ref already exists with different values ({differences}): "
                            "give a new ref, or change the stored one in the dashboard",
                            differences="; ".join(changed),
                        ),
                    )
                )
            else:
                result.count("unchanged", "commitment")
            continue
        announcement_ref = rec.announcement_ref or rec.ref
        announcement = announcements.get(announcement_ref)
        funder = organisation_of(orgs, rec, "funder", problems)
        recipient = organisation_of(orgs, rec, "recipient", problems) if rec.recipient else None
        if funder is None or (rec.recipient and recipient is None):
            continue
        if announcement is None:
            announcement = Announcement(
                ref=announcement_ref,
                announced_on=rec.announced_on,
                title=rec.title or f"{rec.funder}: {rec.purpose}",
                funder=funder,
                source_url=rec.source_url,
                quote=rec.quote,
                title_cy=rec.title_cy,
                quote_cy=rec.quote_cy,
                headline=rec.headline,
            )
            session.add(announcement)
            announcements[announcement_ref] = announcement
            new_announcements.append(announcement)
        elif announcement.announced_on != rec.announced_on or announcement.funder is not funder:
            problems.append(
                Problem(
                    rec.line,
                    "announcement_ref",
                    announcement_ref,
                    stored_as_made(announcement_ref, announcement.announced_on, announcement.funder.name),
                )
            )
            continue
        commitment = Commitment(
            ref=rec.ref,
            announcement=announcement,
            purpose=rec.purpose,
            programme=rec.programme,
            recipient=recipient,
            kind=rec.kind,
            amount_pence=rec.amount_pence,
            qualifier=rec.qualifier,
            status=rec.status,
            capital_or_revenue=rec.capital_or_revenue,
            first_year=rec.first_year,
            years=rec.years,
            uplift_bp=rec.uplift_bp,
            reannounces_earlier=rec.reannounces == ANNOUNCED_EARLIER,
            spread=rec.spread,
            planned_start=rec.planned_start,
            planned_end=rec.planned_end,
            areas=[CommitmentArea(gss_code=code) for code in rec.areas],
        )
        session.add(commitment)
        by_ref[rec.ref] = commitment
        new_commitments.append((commitment, rec))
        for fy, pence in rec.profile:
            line = ProfileLine(commitment=commitment, financial_year=fy, amount_pence=pence)
            session.add(line)
            new_lines.append(line)

    if problems:
        raise DataError(problems)
    for commitment, rec in new_commitments:
        if rec.reannounces and rec.reannounces != ANNOUNCED_EARLIER:
            commitment.reannounces = by_ref[rec.reannounces]
        if rec.part_of:
            commitment.part_of = by_ref[rec.part_of]
    audit_created(session, actor, [*orgs.created, *new_announcements])
    for organisation, before in orgs.identified:
        audit(session, actor, "update", organisation, before, snapshot(organisation))
    audit_created(session, actor, [c for c, _lines in new_commitments] + new_lines)
    # An organisation's collections (its announcements, the commitments it
    # receives) would otherwise grow in memory with every saved row and be
    # walked again at every flush: a big file saved in chunks would cost the
    # square of its length. Saved rows are in the database; drop the lists.
    for organisation in orgs.all:
        session.expire(organisation, ["announcements", "commitments_received"])
    for entity, objects in (
        ("organisation", orgs.created),
        ("announcement", new_announcements),
        ("commitment", new_commitments),
    ):
        result.count("created", entity, len(objects))


# --- deliveries ------------------------------------------------------------------


def save_deliveries(
    session: Session,
    records: list[DeliveryRecord],
    actor: Actor,
    result: ImportResult,
    progress: Progress | None = None,
) -> None:
    problems: list[Problem] = []
    commitments = existing_by_ref(session, Commitment, [r.commitment_ref for r in records])
    existing = existing_by_ref(session, Delivery, [r.ref for r in records])
    created: list[Delivery] = []
    for i, rec in enumerate(records, start=1):
        if progress and (i % 500 == 0 or i == len(records)):
            progress(i, len(records))
        commitment = commitments.get(rec.commitment_ref)
        if commitment is None or commitment.deleted_at is not None:
            problems.append(Problem(rec.line, "commitment_ref", rec.commitment_ref, not_a_stored_commitment()))
            continue
        stored = existing.get(rec.ref)
        if stored is not None:
            same = (
                stored.commitment_id == commitment.id
                and stored.paid_on == rec.paid_on
                and stored.amount_pence == rec.amount_pence
                and stored.kind == rec.kind
                and stored.illustrative == rec.illustrative
            )
            if same:
                result.count("unchanged", "delivery")
            else:
                problems.append(
                    Problem(
                        rec.line,
                        "ref",
                        rec.ref,
                        _(
                            "a delivery with this ref already exists with different values: "
                            "give a new ref, or change the stored one in the dashboard"
                        ),
                    )
                )
            continue
        delivery = Delivery(
            ref=rec.ref,
            commitment=commitment,
            paid_on=rec.paid_on,
            amount_pence=rec.amount_pence,
            kind=rec.kind,
            note=rec.note,
            illustrative=rec.illustrative,
            evidence_url=rec.evidence_url,
        )
        session.add(delivery)
        created.append(delivery)
    if problems:
        raise DataError(problems)
    audit_created(session, actor, created)
    result.count("created", "delivery", len(created))
