"""Commitments typed into a form: add one to an announcement, change one.

Each use-case checks the actor may do it, validates the input completely
(every problem at once, as ``ValidationFailed`` naming form fields), then
writes and audits in one unit of work (tracker.records.unit_of_work). A
change to a commitment's money is a revision (tracker.records.revisions).
New announcements with their commitments: tracker.records.announcements.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from db.models import Announcement, Commitment, CommitmentArea, Organisation, ProfileLine, utc_now
from db.session import Bind
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.inputs import Checks, CommitmentInput, as_text, commitment_record
from tracker.records.organisations import recipient_of
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import NO_SUCH, FieldProblem, NotFound, ValidationFailed, about, raise_if_any
from tracker.records.refs import check_new_ref, pot_target, reannounce_target
from tracker.records.revisions import check_reason, record_terms, revise, stored_terms
from tracker.records.shares import stored_pot_problems
from tracker.records.unit_of_work import UnitOfWork, apply_values, snapshot, write


def placement(rec: CommitmentRecord) -> dict:
    """The columns a record sets beside its money: announced before, how a
    total is spread, its planned dates."""
    return {
        "reannounces_earlier": rec.reannounces == ANNOUNCED_EARLIER,
        "spread": rec.spread,
        "planned_start": rec.planned_start,
        "planned_end": rec.planned_end,
    }


def set_areas(uow: UnitOfWork, commitment: Commitment, codes: tuple[str, ...]) -> bool:
    """Make the commitment's areas ``codes`` (in order), each row removed and
    added audited (so an import's change of areas can be undone); True when they changed."""
    if tuple(a.gss_code for a in commitment.areas) == codes:
        return False
    for area in commitment.areas:
        uow.record("delete", area, snapshot(area), None)
    # The old rows go first (flushed): a code kept must not meet its old row in the unique index.
    commitment.areas = []
    uow.session.flush()
    added = [CommitmentArea(gss_code=code) for code in codes]
    commitment.areas = added
    uow.created(added)
    return True


def fits_its_pot(session, field_prefix: str, rec: CommitmentRecord, problems: list[FieldProblem], editing=None) -> None:
    """A share of a stored pot must fit it (``tracker.records.shares``)."""
    if not rec.part_of:
        return
    replacing = [editing.ref] if editing is not None else []
    wrong = stored_pot_problems(session, [rec], replacing=replacing).get(rec.ref)
    if wrong:
        problems.append(FieldProblem(f"{field_prefix}part_of", rec.part_of, wrong))


def new_commitment(
    uow: UnitOfWork,
    announcement: Announcement,
    rec: CommitmentRecord,
    recipient_id: int | None,
    reannounces_id: int | None,
    part_of_id: int | None = None,
) -> tuple[Commitment, list[ProfileLine]]:
    """A new commitment and its profile lines, added to the session (not yet audited)."""
    commitment = Commitment(
        ref=rec.ref,
        announcement=announcement,
        purpose=rec.purpose,
        programme=rec.programme,
        recipient_id=recipient_id,
        kind=rec.kind,
        amount_pence=rec.amount_pence,
        qualifier=rec.qualifier,
        status=rec.status,
        capital_or_revenue=rec.capital_or_revenue,
        first_year=rec.first_year,
        years=rec.years,
        uplift_bp=rec.uplift_bp,
        reannounces_id=reannounces_id,
        part_of_id=part_of_id,
        areas=[CommitmentArea(gss_code=code) for code in rec.areas],
        **placement(rec),
    )
    uow.session.add(commitment)
    lines = [ProfileLine(commitment=commitment, financial_year=fy, amount_pence=pence) for fy, pence in rec.profile]
    uow.session.add_all(lines)
    return commitment, lines


def create_commitment(
    announcement_ref: str,
    inp: CommitmentInput,
    *,
    engine: Engine,
    actor: Actor,
    new_organisations_ok: bool = False,
) -> int:
    """Add a commitment to an existing announcement; its id."""
    authorise(actor, "create_commitment")

    def work(uow: UnitOfWork) -> int:
        session = uow.session
        announcement = session.scalars(
            select(Announcement).where(Announcement.ref == announcement_ref, Announcement.deleted_at.is_(None))
        ).one_or_none()
        if announcement is None:
            raise NotFound(about(NO_SUCH, "announcement", announcement_ref))
        problems: list[FieldProblem] = []
        rec = commitment_record(inp, as_text(announcement.announced_on), announcement.funder.name, Checks(problems))
        if rec is None:
            raise ValidationFailed(problems)
        created: list[Organisation] = []
        identified: list[tuple[Organisation, dict]] = []
        check_new_ref(session, Commitment, "ref", rec.ref, problems)
        recipient = recipient_of(
            session, rec.recipient, rec.recipient_id, problems, new_organisations_ok, created, identified
        )
        target = reannounce_target(session, "reannounces", rec.reannounces, problems)
        pot = pot_target(session, "part_of", rec.part_of, problems)
        fits_its_pot(session, "", rec, problems)
        raise_if_any(problems)
        commitment, lines = new_commitment(
            uow,
            announcement,
            rec,
            recipient,
            target.id if target else None,
            pot.id if pot else None,
        )
        uow.created([*created, commitment, *lines])
        for organisation, before in identified:
            uow.record("update", organisation, before, snapshot(organisation))
        return commitment.id

    return write(engine, actor, work)


def update_commitment(
    ref: str,
    inp: CommitmentInput,
    *,
    expected_version: int,
    reason: str | None = None,
    reason_text: str = "",
    engine: Bind,
    actor: Actor,
    new_organisations_ok: bool = False,
) -> int:
    """Change a commitment; its new version.

    A change to its money (kind, amount, profile, years, first year or
    uplift) is a revision: it needs ``reason`` from ``REVISION_REASONS``
    (and ``reason_text`` for "other"); the schedule as first committed is
    kept in ``commitment_baselines`` on the first revision, and each revision
    is recorded in ``commitment_revisions`` with the terms before and after.
    Raises ``ValidationFailed``, ``StaleEdit``, ``NotFound``, ``Conflict``,
    ``PermissionDenied``.
    """
    authorise(actor, "update_commitment")

    def work(uow: UnitOfWork) -> int:
        session = uow.session
        commitment = uow.load_for_change(Commitment, ref, expected_version)
        announcement = commitment.announcement
        problems: list[FieldProblem] = []
        rec = commitment_record(inp, as_text(announcement.announced_on), announcement.funder.name, Checks(problems))
        if rec is None:
            raise ValidationFailed(problems)
        created: list[Organisation] = []
        identified: list[tuple[Organisation, dict]] = []
        check_new_ref(session, Commitment, "ref", rec.ref, problems, keep_id=commitment.id)
        with session.no_autoflush:
            recipient = recipient_of(
                session, rec.recipient, rec.recipient_id, problems, new_organisations_ok, created, identified
            )
        target = reannounce_target(session, "reannounces", rec.reannounces, problems, editing=commitment)
        pot = pot_target(session, "part_of", rec.part_of, problems, editing=commitment)
        fits_its_pot(session, "", rec, problems, editing=commitment)
        old_terms, new_terms = stored_terms(commitment), record_terms(rec)
        revised = old_terms != new_terms
        if revised:
            problems += check_reason(reason, reason_text)
        raise_if_any(problems)

        before = snapshot(commitment)
        # Areas first, while the commitment's own columns are untouched: their flush must not version it.
        areas_changed = set_areas(uow, commitment, rec.areas)
        changed = apply_values(
            commitment,
            {
                "ref": rec.ref,
                "purpose": rec.purpose,
                "programme": rec.programme,
                "recipient_id": recipient,
                "kind": rec.kind,
                "amount_pence": rec.amount_pence,
                "qualifier": rec.qualifier,
                "status": rec.status,
                "capital_or_revenue": rec.capital_or_revenue,
                "first_year": rec.first_year,
                "years": rec.years,
                "uplift_bp": rec.uplift_bp,
                "reannounces_id": target.id if target else None,
                "part_of_id": pot.id if pot else None,
                **placement(rec),
            },
        )
        changed = areas_changed or changed
        if not changed and not revised:
            return commitment.version
        # The version covers the whole commitment, profile included: a change
        # to the profile alone must still bump it (and be audited on it).
        commitment.updated_at = utc_now()
        version = uow.updated(commitment, before)
        uow.created(created)
        for organisation, before in identified:
            uow.record("update", organisation, before, snapshot(organisation))
        if revised:
            revise(uow, commitment, old_terms, new_terms, reason, reason_text)
        return version

    return write(engine, actor, work, stale=(Commitment, ref))
