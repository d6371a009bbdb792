"""Saving an import's new rows in bulk, inside the import's transaction.

What ``tracker.imports.saving`` does one ORM object at a time, done a chunk
at a time: the rows of each table go to the database in one step
(``db.fast_insert.insert_rows``: the driver's executemany, or COPY), their
new ids are worked out or read back by ref (no ``RETURNING``), links between
new commitments (a re-announcement, a share of a pot) are set by one UPDATE
per chunk, and the audit trail's "create" events are written by the
database from the rows as stored (``db.audit_rows``: one INSERT ... SELECT
per table and chunk), holding what an ORM save would have recorded. Nothing
is held in the session between chunks but the organisations, so memory
grows with the chunk, not the file, and the time with the number of rows,
not its square.

All or nothing stays: every chunk runs in the caller's one transaction, and
a problem found in any chunk raises ``DataError`` before the transaction
commits, so nothing is saved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from db.audit_rows import created_events, unwritable
from db.fast_insert import insert_rows, one_of_lists
from db.models import Announcement, Commitment, CommitmentArea, Delivery, Organisation, ProfileLine, utc_now
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.files.tabular import DataError, Problem
from tracker.i18n import _
from tracker.imports.saving import ImportResult, not_a_stored_commitment, organisation_of, stored_as_made
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.delivery_rows import DeliveryRecord
from tracker.records.organisations import Organisations
from tracker.records.permissions import Actor
from tracker.records.unit_of_work import audit, audit_created, import_id_of, snapshot


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


ANNOUNCEMENTS, COMMITMENTS = _table(Announcement), _table(Commitment)
COMMITMENT_AREAS, DELIVERIES, PROFILE_LINES = _table(CommitmentArea), _table(Delivery), _table(ProfileLine)


class StoredAnnouncement(NamedTuple):
    """An announcement a new commitment can join: its id and what a row must agree with."""

    id: int
    announced_on: date | None
    funder_id: int


@dataclass
class Saved:
    """What chunks of an import need from outside themselves, found by the
    check (in the same transaction) or kept as earlier chunks save: only what
    later rows name, so it grows with the links in the file, not its size.

    ``linked``: refs some row re-announces or shares in; ``linked_ids``
    their ids (stored, or saved by an earlier chunk). ``shared``:
    announcement refs more than one row names; ``announcements``: those
    stored before the import, and new ones in ``shared`` as they are saved.
    ``organisations``: found or added so far (read once an import)."""

    linked: frozenset[str] = frozenset()
    linked_ids: dict[str, int] = field(default_factory=dict)
    shared: frozenset[str] = frozenset()
    announcements: dict[str, StoredAnnouncement] = field(default_factory=dict)
    organisations: Organisations | None = None

    @classmethod
    def for_file(
        cls,
        records: Sequence[CommitmentRecord],
        linked_ids: dict[str, int],
        announcements: dict[str, StoredAnnouncement],
    ) -> Saved:
        """For saving ``records`` (the file's new commitments), given the
        stored commitments they link to and the stored announcements they name."""
        linked = {ref for rec in records for ref in (rec.reannounces, rec.part_of) if ref and ref != ANNOUNCED_EARLIER}
        named = Counter(rec.announcement_ref for rec in records if rec.announcement_ref)
        shared = {ref for ref, count in named.items() if count > 1}
        shared |= {rec.ref for rec in records if not rec.announcement_ref and rec.ref in named}  # its own, named again
        return cls(
            linked=frozenset(linked),
            linked_ids=dict(linked_ids),
            shared=frozenset(shared),
            announcements=dict(announcements),
        )


def _ids_by_ref(session: Session, table: Table, refs: Iterable[str], *columns) -> dict[str, Any]:
    """Stored rows by ref: ``{ref: row}`` with ``id`` and ``columns``."""
    found: dict[str, Any] = {}
    for where in one_of_lists(session.get_bind().dialect.name, table.c.ref, refs):
        found.update({row.ref: row for row in session.execute(select(table.c.ref, table.c.id, *columns).where(where))})
    return found


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (one executemany, or COPY), returning their new ids in order.

    The ids are taken before the rows are sent (``_new_ids``) and go in with
    them, so nothing is read back and a row can name another new row's id
    (a re-announcement, a share of a pot). No ``RETURNING``: SQLite cannot
    hand back a multi-row INSERT's ids in the order given, so SQLAlchemy
    would send one INSERT per row (40,000 statements for 20,000 commitments,
    most of an import's time)."""
    if not rows:
        return []
    ids = _new_ids(session, table, len(rows))
    for row, new_id in zip(rows, ids):
        row["id"] = new_id
    insert_rows(session.connection(), table, rows)
    return ids


def insert_audited(session: Session, actor: Actor, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in bulk (``_insert``) with a "create" audit event each; their new ids."""
    ids = _insert(session, table, rows)
    _audit_created(session, actor, table, rows, ids)
    return ids


def _new_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` ids for new rows of ``table``, in increasing order.

    PostgreSQL: from the table's own sequence, as an INSERT would take them
    (other writers take theirs from it too, so ids never clash, though they
    may skip). SQLite: on from the largest id, as SQLite numbers new rows;
    this transaction holds the only write lock, so nobody else takes them."""
    session.flush()  # anything the session holds goes first, as before
    if session.get_bind().dialect.name == "postgresql":
        taken = text(  # one array, not a row per id
            "SELECT array_agg(nextval(sequence)) "
            "FROM generate_series(1, :count), pg_get_serial_sequence(:table, 'id') AS sequence"
        )
        return sorted(session.execute(taken, {"count": count, "table": table.name}).scalar_one())
    highest = session.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(highest + 1, highest + count + 1))


def _audit_created(
    session: Session, actor: Actor, table: Table, rows: Sequence[dict[str, Any]], ids: Sequence[int]
) -> None:
    """One "create" audit event per new row of ``table`` (``rows``, as
    inserted, with their new ``ids``): the values as stored, as
    ``tracker.records.unit_of_work.snapshot`` records an ORM object's,
    written by the database from the rows (``db.audit_rows``)."""
    if not ids:
        return
    for key in unwritable(table):  # e.g. deleted_at: never set on a new row
        if any(row[key] is not None for row in rows):
            raise ValueError(f"cannot audit new {table.name} with {key} set in bulk")
    session.flush()
    dialect = session.get_bind().dialect.name
    at = utc_now()
    if list(ids) == list(range(ids[0], ids[0] + len(ids))):  # (SQLite: always)
        wheres: Iterable[Any] = [table.c.id.between(ids[0], ids[-1])]
    else:
        wheres = one_of_lists(dialect, table.c.id, ids)
    import_id = import_id_of(session)
    for where in wheres:
        session.execute(created_events(dialect, table, where, actor.name, at, import_id))


# --- commitments ---------------------------------------------------------------


def insert_commitments(
    session: Session, records: list[CommitmentRecord], actor: Actor, result: ImportResult, saved: Saved
) -> None:
    """Save new commitments (with their announcements, organisations, areas
    and profile lines) and audit each created row. Raises ``DataError`` with
    every problem found; the caller's transaction then saves nothing."""
    problems: list[Problem] = []
    if saved.organisations is None:
        saved.organisations = Organisations(session)
    orgs = saved.organisations
    created_before, identified_before = len(orgs.created), len(orgs.identified)
    commitments, announcements = COMMITMENTS, ANNOUNCEMENTS
    # Nothing is looked up: the check, in this transaction, found every ref here new,
    # and the stored commitments and announcements the rows name (``saved``).

    rows: list[tuple[CommitmentRecord, Organisation, Organisation | None]] = []  # (row, funder, recipient)
    for rec in records:
        funder = organisation_of(orgs, rec, "funder", problems)
        recipient = organisation_of(orgs, rec, "recipient", problems) if rec.recipient else None
        if funder is None or (rec.recipient and recipient is None):
            continue
        rows.append((rec, funder, recipient))
    if problems:
        raise DataError(problems)
    session.flush()  # new organisations get their ids

    new_announcements: dict[str, dict[str, Any]] = {}
    for rec, funder, _extra in rows:
        ref = rec.announcement_ref or rec.ref
        found = saved.announcements.get(ref)
        if found is None and ref not in new_announcements:
            new_announcements[ref] = {
                "ref": ref,
                "announced_on": rec.announced_on,
                "title": rec.title or f"{rec.funder}: {rec.purpose}",
                "funder_id": funder.id,
                "made_by": None,
                "source_url": rec.source_url,
                "quote": rec.quote,
                "title_cy": rec.title_cy,
                "quote_cy": rec.quote_cy,
                "headline": rec.headline,
                "notes": None,
                "deleted_at": None,
                "version": 1,
            }
            continue
        announced_on, funder_id = (
            (found.announced_on, found.funder_id)
            if found is not None
            else (new_announcements[ref]["announced_on"], new_announcements[ref]["funder_id"])
        )
        if announced_on != rec.announced_on or funder_id != funder.id:
            problems.append(
                Problem(
                    rec.line, "announcement_ref", ref, stored_as_made(ref, announced_on, _name_of(session, funder_id))
                )
            )
    if problems:
        raise DataError(problems)
    new_announcement_ids = _insert(session, announcements, list(new_announcements.values()))
    for ref, new_id in zip(new_announcements, new_announcement_ids):
        if ref in saved.shared:  # a later chunk's rows may join it
            row = new_announcements[ref]
            saved.announcements[ref] = StoredAnnouncement(new_id, row["announced_on"], row["funder_id"])
    announcement_ids = dict(zip(new_announcements, new_announcement_ids))

    commitment_rows = [
        {
            "ref": rec.ref,
            "announcement_id": _announcement_id(rec, announcement_ids, saved),
            "purpose": rec.purpose,
            "programme": rec.programme,
            "recipient_id": recipient.id if recipient is not None else None,
            "kind": rec.kind,
            "amount_pence": rec.amount_pence,
            "qualifier": rec.qualifier,
            "status": rec.status,
            "capital_or_revenue": rec.capital_or_revenue,
            "first_year": rec.first_year,
            "years": rec.years,
            "uplift_bp": rec.uplift_bp,
            "reannounces_id": None,
            "reannounces_earlier": rec.reannounces == ANNOUNCED_EARLIER,
            "part_of_id": None,
            "spread": rec.spread,
            "planned_start": rec.planned_start,
            "planned_end": rec.planned_end,
            "notes": None,
            "deleted_at": None,
            "version": 1,
        }
        for rec, _funder, recipient in rows
    ]
    # The new ids are known before the rows go, so each row carries its links
    # (to a commitment stored, saved by an earlier chunk, or earlier in this
    # one: targets come first) and nothing is updated after.
    commitment_ids = _new_ids(session, commitments, len(commitment_rows))
    saved.linked_ids.update(
        (rec.ref, cid) for (rec, _funder, _extra), cid in zip(rows, commitment_ids) if rec.ref in saved.linked
    )
    targets = saved.linked_ids
    for (rec, _funder, _extra), values, cid in zip(rows, commitment_rows, commitment_ids):
        values["id"] = cid
        if rec.reannounces and rec.reannounces != ANNOUNCED_EARLIER:
            values["reannounces_id"] = targets[rec.reannounces]
        if rec.part_of:
            values["part_of_id"] = targets[rec.part_of]
    if commitment_rows:
        insert_rows(session.connection(), commitments, commitment_rows)
    areas = [
        {"commitment_id": cid, "gss_code": code}
        for (rec, _funder, _extra), cid in zip(rows, commitment_ids)
        for code in rec.areas
    ]
    insert_rows(session.connection(), COMMITMENT_AREAS, areas)
    line_rows = [
        {"commitment_id": cid, "financial_year": fy, "amount_pence": pence, "version": 1}
        for (rec, _funder, _extra), cid in zip(rows, commitment_ids)
        for fy, pence in rec.profile
    ]
    line_ids = _insert(session, PROFILE_LINES, line_rows)

    # The audit trail, in the order an ORM save wrote it: organisations and
    # announcements, identifiers given, then commitments and their lines.
    # (Rows are inserted with Core, so no organisation's collections are
    # loaded or grow in the session as chunks go by.)
    new_organisations = orgs.created[created_before:]
    audit_created(session, actor, new_organisations)
    _audit_created(session, actor, announcements, list(new_announcements.values()), new_announcement_ids)
    for organisation, before in orgs.identified[identified_before:]:
        audit(session, actor, "update", organisation, before, snapshot(organisation))
    _audit_created(session, actor, commitments, commitment_rows, commitment_ids)
    _audit_created(session, actor, PROFILE_LINES, line_rows, line_ids)
    for entity, count in (
        ("organisation", len(new_organisations)),
        ("announcement", len(new_announcements)),
        ("commitment", len(commitment_ids)),
    ):
        result.count("created", entity, count)


def _announcement_id(rec: CommitmentRecord, new_ids: dict[str, int], saved: Saved) -> int:
    ref = rec.announcement_ref or rec.ref
    found = new_ids.get(ref)
    return found if found is not None else saved.announcements[ref].id


def _name_of(session: Session, organisation_id: int) -> str:
    return session.get_one(Organisation, organisation_id).name


# --- deliveries ------------------------------------------------------------------


def insert_deliveries(session: Session, records: list[DeliveryRecord], actor: Actor, result: ImportResult) -> None:
    """Save new deliveries and audit each. Raises ``DataError`` with every problem found."""
    problems: list[Problem] = []
    deliveries, commitments = DELIVERIES, COMMITMENTS
    targets = _ids_by_ref(session, commitments, (r.commitment_ref for r in records), commitments.c.deleted_at)
    stored = _ids_by_ref(session, deliveries, (r.ref for r in records))
    rows = []
    for rec in records:
        target = targets.get(rec.commitment_ref)
        if target is None or target.deleted_at is not None:
            problems.append(Problem(rec.line, "commitment_ref", rec.commitment_ref, not_a_stored_commitment()))
            continue
        if rec.ref in stored:  # the plan creates only new refs; never write over a stored one
            problems.append(Problem(rec.line, "ref", rec.ref, _("a delivery with this ref is already stored")))
            continue
        rows.append(
            {
                "ref": rec.ref,
                "commitment_id": target.id,
                "paid_on": rec.paid_on,
                "amount_pence": rec.amount_pence,
                "kind": rec.kind,
                "note": rec.note,
                "evidence_url": rec.evidence_url,
                "illustrative": rec.illustrative,
                "deleted_at": None,
                "version": 1,
            }
        )
    if problems:
        raise DataError(problems)
    ids = _insert(session, deliveries, rows)
    _audit_created(session, actor, deliveries, rows, ids)
    result.count("created", "delivery", len(ids))
