"""Write use-cases: validate, check permission, write and audit in one transaction.

Every change to the data goes through here (DESIGN.md): pages and the CLI
never write to the database themselves. Each use-case

1. validates its input completely, collecting every problem (``DataError``);
2. checks that the actor may do it (``authorise``);
3. writes, and records one audit event per created or changed row, in the
   same transaction, so a change without its audit record cannot exist;
4. commits only if everything succeeded: any problem rolls the whole thing
   back, so a file with one bad row imports nothing.

Until sign-in exists every write runs as one local user with every right,
but ``authorise`` is called on every write so that sign-in only fills it in.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.models import (
    Announcement,
    AuditEvent,
    Commitment,
    Delivery,
    Milestone,
    Organisation,
    ProfileLine,
)
from db.session import ensure_schema, write_session
from tracker.fiscal import FinancialYear, FiscalError, parse_date
from tracker.formats.commitments import CommitmentRecord, HEADER_ALIASES, parse_commitments
from tracker.formats.deliveries import DeliveryRecord, read_deliveries
from tracker.formats.tabular import DataError, Problem, read_table
from tracker.money import format_pounds

Progress = Callable[[int, int], None]

# What each action needs. Roles arrive with sign-in; until then the local
# user holds them all.
PERMISSIONS = {
    "import_commitments": "editor",
    "import_deliveries": "finance",
    "load_demo": "editor",
}
ALL_ROLES = frozenset({"viewer", "reviewer", "finance", "editor", "admin"})


@dataclass(frozen=True)
class Actor:
    """Who is making a change, as the audit trail will name them."""

    name: str
    roles: frozenset[str] = ALL_ROLES


class PermissionDenied(Exception):
    """The actor may not do this; nothing was changed."""


def local_actor() -> Actor:
    """The single local user (``TRACKER_ACTOR`` overrides the login name)."""
    name = os.environ.get("TRACKER_ACTOR") or f"local:{getpass.getuser()}"
    return Actor(name=name)


def authorise(actor: Actor, action: str) -> None:
    needed = PERMISSIONS[action]
    if needed not in actor.roles and "admin" not in actor.roles:
        raise PermissionDenied(f"{actor.name} may not {action.replace('_', ' ')}: it needs the {needed} role")


@dataclass
class ImportResult:
    """What an import did, counted by kind of record."""

    created: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, entity: str, n: int = 1) -> None:
        if n:
            counts = self.created if bucket == "created" else self.unchanged
            counts[entity] = counts.get(entity, 0) + n

    def __str__(self) -> str:
        def said(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {_plural(entity, n)}" for entity, n in counts.items()) or "nothing"

        return f"created {said(self.created)}; unchanged {said(self.unchanged)}"


def _plural(entity: str, n: int) -> str:
    if n == 1:
        return entity
    return entity[:-1] + "ies" if entity.endswith("y") else entity + "s"


def stderr_progress() -> Progress:
    """A one-line progress counter on stderr, for a terminal."""

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\rchecking and saving: {done:,}/{total:,} rows")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


@contextmanager
def _unit_of_work(engine: Engine | None):
    """A write transaction on ``engine``, or on the configured database."""
    owned = engine is None
    engine = ensure_schema() if owned else engine
    try:
        with write_session(engine) as session:
            yield session
    finally:
        if owned:
            engine.dispose()


# --- audit ------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, FinancialYear):
        return value.label
    return value


def snapshot(obj) -> dict:
    """A row's column values as JSON-safe data for the audit trail."""
    return {
        column.key: _json_value(getattr(obj, column.key))
        for column in obj.__table__.columns
        if column.key not in ("created_at", "updated_at")
    }


def _audit_created(session: Session, actor: Actor, objects: Iterable) -> None:
    session.flush()  # ids are needed for the audit events
    session.add_all(
        AuditEvent(actor=actor.name, action="create", entity=obj.__tablename__, entity_id=obj.id, after=snapshot(obj))
        for obj in objects
    )


# --- shared lookups -----------------------------------------------------------


class _Organisations:
    """Organisations by name, created on first mention."""

    def __init__(self, session: Session):
        self.session = session
        self.by_name = {o.name: o for o in session.scalars(select(Organisation))}
        self.created: list[Organisation] = []

    def get(self, name: str, kind: str) -> Organisation:
        org = self.by_name.get(name)
        if org is None:
            org = Organisation(name=name, kind=kind)
            self.session.add(org)
            self.by_name[name] = org
            self.created.append(org)
        return org


def _existing(session: Session, model, refs: Iterable[str]) -> dict[str, object]:
    refs = sorted(set(refs))
    found = {}
    for start in range(0, len(refs), 500):  # keep IN lists a sensible size
        chunk = refs[start : start + 500]
        found.update({obj.ref: obj for obj in session.scalars(select(model).where(model.ref.in_(chunk)))})
    return found


# --- commitments ---------------------------------------------------------------


def _commitment_differences(existing: Commitment, rec: CommitmentRecord, reannounces_ref: str | None) -> list[str]:
    """What differs between a stored commitment and a file row with the same ref."""
    stored = {
        "announced_on": existing.announcement.announced_on,
        "funder": existing.announcement.funder.name,
        "recipient": existing.recipient.name,
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
        "reannounces": reannounces_ref,
        "profile": tuple((line.financial_year, line.amount_pence) for line in existing.profile_lines),
    }
    given = {
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
    }
    changed = []
    for key, value in given.items():
        if stored[key] != value:
            if key == "amount":
                changed.append(f"amount {format_pounds(stored[key])} stored, {format_pounds(value)} in the file")
            else:
                changed.append(f"{key} {_json_value(stored[key])!r} stored, {_json_value(value)!r} in the file")
    return changed


def _save_commitments(
    session: Session,
    records: list[CommitmentRecord],
    actor: Actor,
    result: ImportResult,
    progress: Progress | None = None,
) -> None:
    problems: list[Problem] = []
    orgs = _Organisations(session)
    existing = _existing(session, Commitment, [r.ref for r in records] + [r.reannounces for r in records if r.reannounces])
    announcement_refs = {r.announcement_ref or r.ref for r in records}
    announcements = _existing(session, Announcement, announcement_refs)
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
                    Problem(rec.line, "ref", rec.ref,
                            "a commitment with this ref already exists with different values ("
                            + "; ".join(changed) + "): give a new ref, or change the stored one in the dashboard")
                )
            else:
                result.count("unchanged", "commitment")
            continue
        announcement_ref = rec.announcement_ref or rec.ref
        announcement = announcements.get(announcement_ref)
        funder = orgs.get(rec.funder, "funder")
        if announcement is None:
            announcement = Announcement(
                ref=announcement_ref,
                announced_on=rec.announced_on,
                title=rec.title or f"{rec.funder}: {rec.purpose}",
                funder=funder,
                source_url=rec.source_url,
                quote=rec.quote,
            )
            session.add(announcement)
            announcements[announcement_ref] = announcement
            new_announcements.append(announcement)
        elif announcement.announced_on != rec.announced_on or announcement.funder.name != rec.funder:
            problems.append(
                Problem(rec.line, "announcement_ref", announcement_ref,
                        f"announcement {announcement_ref} is stored as made on {announcement.announced_on.isoformat()} "
                        f"by {announcement.funder.name!r}: the row must agree")
            )
            continue
        commitment = Commitment(
            ref=rec.ref,
            announcement=announcement,
            purpose=rec.purpose,
            programme=rec.programme,
            recipient=orgs.get(rec.recipient, "recipient"),
            kind=rec.kind,
            amount_pence=rec.amount_pence,
            qualifier=rec.qualifier,
            status=rec.status,
            capital_or_revenue=rec.capital_or_revenue,
            first_year=rec.first_year,
            years=rec.years,
            uplift_bp=rec.uplift_bp,
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
        if rec.reannounces:
            commitment.reannounces = by_ref[rec.reannounces]
    _audit_created(session, actor, [*orgs.created, *new_announcements])
    _audit_created(session, actor, [c for c, _ in new_commitments] + new_lines)
    for entity, objects in (("organisation", orgs.created), ("announcement", new_announcements),
                            ("commitment", new_commitments)):
        result.count("created", entity, len(objects))


def import_commitments_file(
    path: str | Path,
    *,
    engine: Engine | None = None,
    actor: Actor | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a commitments CSV/XLSX: all rows or none (``DataError`` lists every problem)."""
    actor = actor or local_actor()
    authorise(actor, "import_commitments")
    header, rows, problems = read_table(path, HEADER_ALIASES)
    if problems:
        raise DataError(problems)
    result = ImportResult()
    with _unit_of_work(engine) as session:
        targets = {row.get("reannounces") for row in rows if row.get("reannounces")}
        known = set(_existing(session, Commitment, targets))
        records, problems = parse_commitments(header, rows, known_refs=known)
        if problems:
            raise DataError(problems)
        _save_commitments(session, records, actor, result, progress)
    return result


# --- deliveries ------------------------------------------------------------------


def _save_deliveries(
    session: Session,
    records: list[DeliveryRecord],
    actor: Actor,
    result: ImportResult,
    progress: Progress | None = None,
) -> None:
    problems: list[Problem] = []
    commitments = _existing(session, Commitment, [r.commitment_ref for r in records])
    existing = _existing(session, Delivery, [r.ref for r in records])
    created: list[Delivery] = []
    for i, rec in enumerate(records, start=1):
        if progress and (i % 500 == 0 or i == len(records)):
            progress(i, len(records))
        commitment = commitments.get(rec.commitment_ref)
        if commitment is None or commitment.deleted_at is not None:
            problems.append(Problem(rec.line, "commitment_ref", rec.commitment_ref,
                                    "expected the ref of a commitment in the database"))
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
                problems.append(Problem(rec.line, "ref", rec.ref,
                                        "a delivery with this ref already exists with different values: "
                                        "give a new ref, or change the stored one in the dashboard"))
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
    _audit_created(session, actor, created)
    result.count("created", "delivery", len(created))


def import_deliveries_file(
    path: str | Path,
    *,
    engine: Engine | None = None,
    actor: Actor | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a deliveries CSV/XLSX: all rows or none."""
    actor = actor or local_actor()
    authorise(actor, "import_deliveries")
    records, problems = read_deliveries(path)
    if problems:
        raise DataError(problems)
    result = ImportResult()
    with _unit_of_work(engine) as session:
        _save_deliveries(session, records, actor, result, progress)
    return result


# --- announcements and milestones (the demo's own files) -----------------------------


def _save_announcements(session: Session, path: Path, actor: Actor, result: ImportResult) -> None:
    """Announcements with their quoted words, including those with no money."""
    header, rows, problems = read_table(path)
    orgs = _Organisations(session)
    existing = _existing(session, Announcement, [row.get("ref") for row in rows])
    created = []
    for row in rows:
        try:
            announced_on = parse_date(row.get("announced_on"))
        except FiscalError as err:
            problems.append(Problem(row.line, "announced_on", row.get("announced_on"), err.expected))
            continue
        if row.get("ref") in existing:
            result.count("unchanged", "announcement")
            continue
        announcement = Announcement(
            ref=row.get("ref"),
            announced_on=announced_on,
            title=row.get("title"),
            funder=orgs.get(row.get("funder"), "funder"),
            made_by=row.get("made_by") or None,
            source_url=row.get("source_url") or None,
            quote=row.get("quote") or None,
            notes=row.get("notes") or None,
        )
        session.add(announcement)
        created.append(announcement)
        result.count("created", "announcement")
    if problems:
        raise DataError(problems)
    _audit_created(session, actor, [*orgs.created, *created])
    result.count("created", "organisation", len(orgs.created))


def _save_milestones(session: Session, path: Path, actor: Actor, result: ImportResult) -> None:
    header, rows, problems = read_table(path)
    commitments = _existing(session, Commitment, [row.get("commitment_ref") for row in rows])
    existing = _existing(session, Milestone, [row.get("ref") for row in rows])
    created = []
    for row in rows:
        dates = {}
        for column in ("due_on", "achieved_on"):
            try:
                dates[column] = parse_date(row.get(column)) if row.get(column) else None
            except FiscalError as err:
                problems.append(Problem(row.line, column, row.get(column), err.expected))
        commitment = commitments.get(row.get("commitment_ref"))
        if commitment is None:
            problems.append(Problem(row.line, "commitment_ref", row.get("commitment_ref"),
                                    "expected the ref of a commitment in the database"))
        if len(dates) < 2 or commitment is None:
            continue
        if row.get("ref") in existing:
            result.count("unchanged", "milestone")
            continue
        milestone = Milestone(
            ref=row.get("ref"),
            commitment=commitment,
            title=row.get("title"),
            due_on=dates["due_on"],
            achieved_on=dates["achieved_on"],
            achieved_note=row.get("achieved_note") or None,
            source_url=row.get("source_url") or None,
        )
        session.add(milestone)
        created.append(milestone)
        result.count("created", "milestone")
    if problems:
        raise DataError(problems)
    _audit_created(session, actor, created)


def load_dataset(
    folder: Path, *, engine: Engine | None = None, actor: Actor | None = None
) -> ImportResult:
    """Load a folder of announcements, commitments, milestones and deliveries
    in one transaction. Records already present (same ref, same values) are
    left alone, so loading twice changes nothing."""
    actor = actor or local_actor()
    authorise(actor, "load_demo")
    result = ImportResult()
    with _unit_of_work(engine) as session:
        _save_announcements(session, folder / "announcements.csv", actor, result)
        header, rows, problems = read_table(folder / "commitments.csv", HEADER_ALIASES)
        records, more = parse_commitments(header, rows)
        if problems or more:
            raise DataError(problems + more)
        _save_commitments(session, records, actor, result)
        _save_milestones(session, folder / "milestones.csv", actor, result)
        deliveries, problems = read_deliveries(folder / "deliveries.csv")
        if problems:
            raise DataError(problems)
        _save_deliveries(session, deliveries, actor, result)
    return result
