"""Refs checked against the database by the form writes: a new ref is free,
a ref names a live commitment, a re-announcement points at one (never round
in a loop)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Commitment
from tracker.core.limits import never_stored
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.i18n import _
from tracker.records.problems import REF_TAKEN, REF_TAKEN_BY_DELETED, FieldProblem
from tracker.records.unit_of_work import entity_word


def check_new_ref(
    session: Session,
    model,
    field_name: str,
    ref: str | None,
    problems: list[FieldProblem],
    *,
    keep_id: int | None = None,
) -> None:
    """``ref`` must not belong to another row (deleted rows keep their refs)."""
    if not ref or never_stored(ref):
        return
    other = session.scalars(select(model).where(model.ref == ref)).one_or_none()
    if other is None or other.id == keep_id:
        return
    taken = REF_TAKEN if other.deleted_at is None else REF_TAKEN_BY_DELETED
    problems.append(FieldProblem(field_name, ref, _(taken[entity_word(model)])))


def live_commitment(session: Session, ref: str | None, *, share_lock: bool = False) -> Commitment | None:
    """The commitment ``ref`` unless missing or deleted. ``share_lock``: on
    PostgreSQL hold it (SELECT ... FOR SHARE) so it cannot be deleted before
    this transaction commits a record that points at it."""
    if not ref or never_stored(ref):
        return None
    query = select(Commitment).where(Commitment.ref == ref, Commitment.deleted_at.is_(None))
    if share_lock:
        query = query.with_for_update(read=True)
    return session.scalars(query).one_or_none()


def _target(
    session: Session,
    field_name: str,
    ref: str,
    problems: list[FieldProblem],
    *,
    link: str,
    missing: str,
    loop: str,
    editing: Commitment | None,
) -> Commitment | None:
    """The live commitment ``ref`` names, unless following ``link`` from it
    leads back to ``editing`` (a loop); each problem is added to ``problems``."""
    target = live_commitment(session, ref)
    if target is None:
        problems.append(FieldProblem(field_name, ref, missing))
        return None
    node: Commitment | None = target if editing is not None else None
    steps = 0
    while node is not None and steps < 10_000:
        if editing is not None and node.id == editing.id:
            problems.append(FieldProblem(field_name, ref, loop))
            return None
        node, steps = getattr(node, link), steps + 1
    return target


def reannounce_target(
    session: Session,
    field_name: str,
    ref: str | None,
    problems: list[FieldProblem],
    *,
    editing: Commitment | None = None,
    pending: Iterable[str] = (),
) -> Commitment | None:
    """The commitment ``ref`` re-announces: in the database, or one being created
    now (None too for ``earlier``: announced before, the original not recorded)."""
    if not ref or ref == ANNOUNCED_EARLIER or ref in pending:
        return None
    return _target(
        session,
        field_name,
        ref,
        problems,
        link="reannounces",
        missing=_("expected the ref of an earlier commitment in the database"),
        loop=_("re-announcements form a loop"),
        editing=editing,
    )


def pot_target(
    session: Session,
    field_name: str,
    ref: str | None,
    problems: list[FieldProblem],
    *,
    editing: Commitment | None = None,
    pending: Iterable[str] = (),
) -> Commitment | None:
    """The pot ``ref`` names (``part_of``): in the database, or one being created now."""
    if not ref or ref in pending:
        return None
    return _target(
        session,
        field_name,
        ref,
        problems,
        link="part_of",
        missing=_("expected the ref of the pot: a commitment in the database"),
        loop=_("shares form a loop: a pot cannot be part of its own share"),
        editing=editing,
    )
