"""Read models for the pages that change data: what can be picked for
editing, what has been deleted (for an admin to restore), and which
commitments have been revised.

Reads only; every write goes through a use-case in ``tracker.records``
(tracker.records.unit_of_work).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

from db.models import Announcement, AuditEvent, Commitment, CommitmentRevision, Delivery, Milestone, Organisation
from db.session import read_session
from tracker.core.money import format_pounds
from tracker.i18n import N_, _
from tracker.i18n.dates import short_date

ENTITY_WORDS = {
    "announcement": "Announcement",
    "commitment": "Commitment",
    "delivery": "Delivery",
    "milestone": "Milestone",
}

DELETED_COLUMNS = ["entity", "ref", "description", "deleted_at", "deleted_by", "note"]
REVISED_COLUMNS = ["ref", "purpose", "revisions", "last_revised_at"]


def _day(value: date | None) -> str:
    return "" if value is None else short_date(value)


NO_RECIPIENT = N_("no recipient named")


def commitment_label(ref: str, purpose: str, recipient: str | None, pence: int) -> str:
    """How a picker names a commitment: ``W8 · Data unit · Welsh councils · £250,000``
    (the amount as stated: a recurring commitment's amount a year)."""
    return f"{ref} · {purpose} · {recipient or _(NO_RECIPIENT)} · {format_pounds(pence)}"


def _labels(session: Session, entity: str, *, deleted: bool) -> dict[str, tuple[str, int]]:
    """ref -> (label, id) for the live (or the deleted) rows of one entity."""
    if entity == "announcement":
        rows = session.execute(
            select(Announcement.ref, Announcement.id, Announcement.announced_on, Announcement.title, Organisation.name)
            .join(Organisation, Announcement.funder_id == Organisation.id)
            .where(Announcement.deleted_at.is_not(None) if deleted else Announcement.deleted_at.is_(None))
            .order_by(Announcement.announced_on, Announcement.ref)
        )
        return {ref: (f"{ref} · {_day(on)} · {title} · {funder}", id_) for ref, id_, on, title, funder in rows}
    if entity == "commitment":
        commitments = (
            select(Commitment.ref, Commitment.id, Commitment.purpose, Commitment.recipient_id, Commitment.amount_pence)
            .join(Announcement, Commitment.announcement_id == Announcement.id)
            .order_by(Commitment.ref)
        )
        commitments = commitments.where(
            Commitment.deleted_at.is_not(None)
            if deleted
            else (Commitment.deleted_at.is_(None) & Announcement.deleted_at.is_(None))
        )
        found = session.execute(commitments).all()
        recipients = {row.recipient_id for row in found if row.recipient_id is not None}  # few: read once each
        names = dict(
            session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(recipients))).all()
        )
        return {
            ref: (commitment_label(ref, purpose, names.get(recipient) if recipient else None, pence), id_)
            for ref, id_, purpose, recipient, pence in found
        }
    if entity == "delivery":
        deliveries = (
            select(Delivery.ref, Delivery.id, Commitment.ref, Delivery.amount_pence, Delivery.paid_on)
            .join(Commitment, Delivery.commitment_id == Commitment.id)
            .order_by(Delivery.paid_on, Delivery.ref)
        )
        deliveries = deliveries.where(Delivery.deleted_at.is_not(None) if deleted else Delivery.deleted_at.is_(None))
        return {
            ref: (
                _(
                    "{ref} · {amount} on {day} against {commitment}",
                    ref=ref,
                    amount=format_pounds(pence),
                    day=_day(paid),
                    commitment=c_ref,
                ),
                id_,
            )
            for ref, id_, c_ref, pence, paid in session.execute(deliveries)
        }
    if entity == "milestone":
        milestones = select(Milestone.ref, Milestone.id, Milestone.title, Milestone.due_on).order_by(Milestone.ref)
        milestones = milestones.where(Milestone.deleted_at.is_not(None) if deleted else Milestone.deleted_at.is_(None))
        return {
            ref: (
                _("{ref} · {title} (due {day})", ref=ref, title=title, day=_day(due)) if due else f"{ref} · {title}",
                id_,
            )
            for ref, id_, title, due in session.execute(milestones)
        }
    raise ValueError(f"entity must be one of {', '.join(ENTITY_WORDS)}, not {entity!r}")


def editable(engine: Engine, entity: str) -> dict[str, str]:
    """ref -> label of every record of ``entity`` that can be changed or
    deleted (not deleted; a commitment's announcement not deleted either)."""
    with read_session(engine) as session:
        return {ref: label for ref, (label, _id) in _labels(session, entity, deleted=False).items()}


def deleted(engine: Engine) -> pd.DataFrame:
    """Every soft-deleted record, most recently deleted first: ``entity``,
    ``ref``, ``description``, ``deleted_at`` (UTC), ``deleted_by`` (from the
    audit trail) and ``note`` (what restoring it will and will not bring back)."""
    out = []
    with read_session(engine) as session:
        hidden_announcements = set(session.scalars(select(Announcement.id).where(Announcement.deleted_at.is_not(None))))
        for entity, model in (
            ("announcement", Announcement),
            ("commitment", Commitment),
            ("delivery", Delivery),
            ("milestone", Milestone),
        ):
            labels = _labels(session, entity, deleted=True)
            if not labels:
                continue
            ids = [id_ for _label, id_ in labels.values()]
            when = dict(session.execute(select(model.id, model.deleted_at).where(model.id.in_(ids))).all())
            latest = (
                select(AuditEvent.entity_id, func.max(AuditEvent.id).label("last"))
                .where(
                    AuditEvent.entity == model.__tablename__,
                    AuditEvent.action == "delete",
                    AuditEvent.entity_id.in_(ids),
                )
                .group_by(AuditEvent.entity_id)
                .subquery()
            )
            who = dict(
                session.execute(
                    select(AuditEvent.entity_id, AuditEvent.actor).join(latest, AuditEvent.id == latest.c.last)
                ).all()
            )
            parents = {}
            if entity == "commitment":
                parents = dict(
                    session.execute(
                        select(Commitment.id, Commitment.announcement_id).where(Commitment.id.in_(ids))
                    ).all()
                )
            for ref, (label, id_) in labels.items():
                note = ""
                if entity == "announcement":
                    note = _("Restoring it brings back its commitments that were not deleted on their own.")
                elif parents.get(id_) in hidden_announcements:
                    note = _("Its announcement is deleted too: restore that as well for it to count.")
                out.append((ENTITY_WORDS[entity], ref, label, when[id_], who.get(id_, ""), note))
    frame = pd.DataFrame(out, columns=DELETED_COLUMNS)
    return frame.sort_values(["deleted_at", "entity", "ref"], ascending=[False, True, True], ignore_index=True)


def revised_commitments(engine: Engine) -> pd.DataFrame:
    """Live commitments whose money has been revised at least once: ``ref``,
    ``purpose``, ``revisions`` (how many), ``last_revised_at`` (UTC), by ref."""
    with read_session(engine) as session:
        rows = session.execute(
            select(
                Commitment.ref,
                Commitment.purpose,
                func.count(CommitmentRevision.id),
                func.max(CommitmentRevision.revised_at),
            )
            .join(CommitmentRevision, CommitmentRevision.commitment_id == Commitment.id)
            .join(Announcement, Commitment.announcement_id == Announcement.id)
            .where(Commitment.deleted_at.is_(None), Announcement.deleted_at.is_(None))
            .group_by(Commitment.ref, Commitment.purpose)
            .order_by(Commitment.ref)
        ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=REVISED_COLUMNS).astype({"revisions": "int64"})


def organisations(engine: Engine) -> pd.DataFrame:
    """Every organisation, for the admin's Organisations page: ``organisation_id,
    name, identifier, other_names, kind, announcements, commitments, version``."""
    with read_session(engine) as session:
        funded = dict(
            session.execute(
                select(Announcement.funder_id, func.count(Announcement.id)).group_by(Announcement.funder_id)
            ).all()
        )
        received = dict(
            session.execute(
                select(Commitment.recipient_id, func.count(Commitment.id)).group_by(Commitment.recipient_id)
            ).all()
        )
        rows = [
            (
                org.id,
                org.name,
                org.org_identifier or "",
                "; ".join(n.name for n in org.other_names),
                org.kind,
                int(funded.get(org.id, 0)),
                int(received.get(org.id, 0)),
                org.version,
            )
            for org in session.scalars(
                select(Organisation).options(selectinload(Organisation.other_names)).order_by(Organisation.name)
            )
        ]
    return pd.DataFrame(
        rows,
        columns=[
            "organisation_id",
            "name",
            "identifier",
            "other_names",
            "kind",
            "announcements",
            "commitments",
            "version",
        ],
    )
