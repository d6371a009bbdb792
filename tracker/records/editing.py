"""A stored record loaded into a form, to change it.

``load_for_edit`` gives the record as the same input a new one is typed
into, plus the version to hand back as ``expected_version`` when saving: a
save against an out-of-date copy is refused (``StaleEdit``), never
overwrites someone else's change.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, select

from db.models import Announcement, Commitment, Delivery
from db.session import read_session
from tracker.core.money import plain_pounds
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.records.inputs import (
    AnnouncementInput,
    CommitmentInput,
    DeliveryInput,
    Editable,
    MilestoneInput,
    as_text,
)
from tracker.records.problems import NO_SUCH, NotFound, about
from tracker.records.unit_of_work import model_for


def _pounds_text(pence: int) -> str:
    return plain_pounds(pence).removesuffix(".00")


def load_for_edit(entity: str, ref: str, *, engine: Engine) -> Editable:
    """A stored record as form input plus the version to pass back as
    ``expected_version`` when saving. Announcements come without their
    commitments (those are edited one at a time)."""
    model = model_for(entity)
    with read_session(engine) as session:
        row = session.scalars(select(model).where(model.ref == ref)).one_or_none()
        if row is None:
            raise NotFound(about(NO_SUCH, entity, ref))
        return Editable(as_input(row), row.version)


def as_input(row) -> AnnouncementInput | CommitmentInput | DeliveryInput | MilestoneInput:
    """A stored announcement, commitment, delivery or milestone as form input."""

    def opt(value) -> str:
        return "" if value is None else as_text(value)

    if isinstance(row, Announcement):
        return AnnouncementInput(
            ref=row.ref,
            announced_on=opt(row.announced_on),
            title=row.title,
            funder=row.funder.name,
            made_by=opt(row.made_by),
            source_url=opt(row.source_url),
            quote=opt(row.quote),
            notes=opt(row.notes),
            title_cy=opt(row.title_cy),
            quote_cy=opt(row.quote_cy),
            headline=opt(row.headline),
        )
    if isinstance(row, Commitment):
        profiled = row.kind == "profiled"
        return CommitmentInput(
            ref=row.ref,
            purpose=row.purpose,
            recipient=row.recipient.name if row.recipient is not None else "",
            kind=row.kind,
            amount=_pounds_text(row.amount_pence),
            first_year="" if profiled else opt(row.first_year),
            years=opt(row.years) if row.kind in ("recurring", "multi-year") else "",
            qualifier=row.qualifier,
            status=row.status,
            capital_or_revenue=opt(row.capital_or_revenue),
            programme=opt(row.programme),
            uplift_pct=str(Decimal(row.uplift_bp) / 100) if row.uplift_bp else "",
            profile=";".join(
                f"{line.financial_year.label}={_pounds_text(line.amount_pence)}" for line in row.profile_lines
            )
            if profiled
            else "",
            reannounces=ANNOUNCED_EARLIER
            if row.reannounces_earlier
            else (row.reannounces.ref if row.reannounces is not None else ""),
            part_of=row.part_of.ref if row.part_of is not None else "",
            spread="" if row.spread == "none" else row.spread,
            planned_start=opt(row.planned_start),
            planned_end=opt(row.planned_end),
            areas="; ".join(area.gss_code for area in row.areas),
            recipient_id=opt(row.recipient.org_identifier) if row.recipient is not None else "",
        )
    if isinstance(row, Delivery):
        return DeliveryInput(
            ref=row.ref,
            commitment_ref=row.commitment.ref,
            paid_on=opt(row.paid_on),
            amount=_pounds_text(row.amount_pence),
            kind=row.kind,
            note=opt(row.note),
            evidence_url=opt(row.evidence_url),
            illustrative=row.illustrative,
        )
    return MilestoneInput(
        ref=row.ref,
        commitment_ref=row.commitment.ref,
        title=row.title,
        due_on=opt(row.due_on),
        achieved_on=opt(row.achieved_on),
        achieved_note=opt(row.achieved_note),
        source_url=opt(row.source_url),
    )
