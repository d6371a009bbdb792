"""Write use-cases: validate, check permission, write and audit in one transaction.

Every change to the data goes through here (DESIGN.md): pages and the CLI
never write to the database themselves. Each use-case

1. validates its input completely, collecting every problem (``DataError``);
2. checks that the actor may do it (``authorise``);
3. writes, and records one audit event per created or changed row, in the
   same transaction, so a change without its audit record cannot exist;
4. commits only if everything succeeded: any problem rolls the whole thing
   back, so a file with one bad row imports nothing.

``authorise`` checks every write against ``PERMISSIONS``. The dashboard
passes the signed-in user as ``actor`` (tests/unit/test_pages_name_the_actor.py
checks that every write from a page does); without one, a write runs as
``local_actor()``, the person at this machine's shell (the CLI: whoever can
run commands on the server owns it), with every right.

Two families of use-case live here: the importers (a whole file, all rows or
none, problems as ``DataError`` naming file lines) and the form use-cases
(one record typed into a page: ``create_announcement``, ``update_commitment``,
``record_delivery``, ``delete``, ``restore`` ...; problems as
``ValidationFailed`` naming form fields). Both validate with the same parsers
in ``tracker.formats``, so a value a file may hold a form may hold too.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.models import (
    PROGRESS_STATUSES,
    REVISION_REASONS,
    Announcement,
    AuditEvent,
    Commitment,
    CommitmentBaseline,
    CommitmentRevision,
    Delivery,
    Milestone,
    Organisation,
    ProfileLine,
    ProgressStatus,
    ReviewMeeting,
    ReviewSnapshot,
    utc_now,
)
from db.session import ensure_schema, read_session, write_session
from tracker.core.fiscal import FinancialYear, FiscalError, fy_label, parse_date
from tracker.records.commitment_rows import CommitmentRecord, HEADER_ALIASES, parse_commitment_row, parse_commitments
from tracker.records.delivery_rows import DeliveryRecord, parse_delivery_row, read_deliveries
from tracker.files.tabular import DataError, Problem, Row, read_table
from tracker.core.money import format_pounds, plain_pounds
from tracker.core.projection import CommitmentColumns, expand

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[int, int], None]

# Who may do each action: any one of these roles (admin may do everything;
# every role may view). The table: a viewer sees; a reviewer records
# statuses and opens meetings; finance records, corrects and imports
# deliveries; an editor keeps announcements, commitments, deliveries,
# milestones and imports; an admin manages users and restores deletions.
EDITOR = ("editor",)
MONEY_OUT = ("finance", "editor")
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "import_commitments": EDITOR,
    "import_deliveries": MONEY_OUT,
    "load_demo": EDITOR,
    "create_announcement": EDITOR,
    "update_announcement": EDITOR,
    "delete_announcement": EDITOR,
    "create_commitment": EDITOR,
    "update_commitment": EDITOR,
    "delete_commitment": EDITOR,
    "record_delivery": MONEY_OUT,
    "update_delivery": MONEY_OUT,
    "delete_delivery": MONEY_OUT,
    "create_milestone": EDITOR,
    "update_milestone": EDITOR,
    "delete_milestone": EDITOR,
    # Bringing back what someone deleted overrides their judgement: admins only.
    "restore": ("admin",),
    # The Digital Advisory Group's work.
    "record_status": ("reviewer",),
    "open_meeting": ("reviewer",),
    "manage_users": ("admin",),
    # Reading: every role may see the figures; the audit trail and deleted
    # records are the system owner's.
    "view": ("viewer",),
    "view_audit": ("admin",),
    "view_deleted": ("admin",),
}
ALL_ROLES = frozenset({"viewer", "reviewer", "finance", "editor", "admin"})


@dataclass(frozen=True)
class Actor:
    """Who is making a change, as the audit trail will name them."""

    name: str
    roles: frozenset[str] = ALL_ROLES


class ServiceError(Exception):
    """A write was refused; nothing was changed. ``str(err)`` is for people."""


class PermissionDenied(ServiceError):
    """The actor may not do this; nothing was changed."""


def local_actor() -> Actor:
    """The single local user (``TRACKER_ACTOR`` overrides the login name)."""
    name = os.environ.get("TRACKER_ACTOR") or f"local:{getpass.getuser()}"
    return Actor(name=name)


def holds(roles: frozenset[str], needed: str | tuple[str, ...]) -> bool:
    """Whether ``roles`` grant one of ``needed``: admin grants everything, and
    every role includes viewing."""
    needed = (needed,) if isinstance(needed, str) else needed
    return (bool(roles & set(needed)) or "admin" in roles
            or ("viewer" in needed and bool(roles & ALL_ROLES)))


def authorise(actor: Actor, action: str) -> None:
    needed = PERMISSIONS[action]
    if not holds(actor.roles, needed):
        roles = " or ".join(needed)
        raise PermissionDenied(f"{actor.name} may not {action.replace('_', ' ')}: it needs the {roles} role")


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


# =============================================================================
# Form use-cases: one record at a time, as typed into a page
# =============================================================================
#
# Inputs are frozen dataclasses of text exactly as typed (a page passes its
# widgets' values straight in), validated by the importer's own parsers so
# the rules are identical. Problems come back together as ``ValidationFailed``
# naming form fields ("announced_on", "commitments[0].amount"); a save against
# an out-of-date copy raises ``StaleEdit``. Every use-case opens its own unit
# of work on ``engine``, calls ``authorise`` and writes one audit event per
# row it creates, changes or deletes, in the same transaction.

ENTITIES = {"announcement": Announcement, "commitment": Commitment, "delivery": Delivery, "milestone": Milestone}
REF_MAX = 100
NAME_MAX = 200
TITLE_MAX = 300
URL_SCHEMES = ("https://", "http://")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with a form: the field, the value typed, what was expected."""

    field: str
    value: str | None
    expected: str

    def __str__(self) -> str:
        if not self.value:
            return f"{self.field}: {self.expected}"
        return f"{self.field} {self.value!r}: {self.expected}"


class ValidationFailed(ServiceError):
    """The input has problems (every one is listed); nothing was changed."""

    def __init__(self, problems: Iterable[FieldProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def for_field(self, name: str) -> list[FieldProblem]:
        """The problems with one field, to show beside its widget."""
        return [p for p in self.problems if p.field == name]


class NotFound(ServiceError):
    """No record with that ref (or it is deleted and the action needs a live one)."""


class Conflict(ServiceError):
    """The record's current state does not allow this (e.g. already deleted)."""


class StaleEdit(Conflict):
    """Someone saved the record after this user loaded it; nothing was overwritten."""

    def __init__(
        self, entity: str, ref: str, changed_by: str | None, changed_at: datetime | None, action: str = "update"
    ):
        self.entity = entity
        self.ref = ref
        self.changed_by = changed_by
        self.changed_at = changed_at
        verb = {"delete": "deleted", "restore": "restored"}.get(action, "changed")
        if changed_by is None or changed_at is None:
            who = "by someone else"
        else:
            # The audit trail's time, in UTC (as stored).
            who = f"by {changed_by} at {changed_at.astimezone(UTC):%H:%M}"
        super().__init__(f"This {entity} was {verb} {who} after you opened it; reload to see their change")


def _text(value: object) -> str:
    """A form value as text. Dates (``st.date_input``) and ints are fine; floats
    never are (``st.number_input`` returns float: convert to text at once)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        raise TypeError(f"form values are text, never float (got {value!r}): money must not pass through float")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, FinancialYear):
        return value.label
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class CommitmentInput:
    """One line of money as typed into a form (the commitments-file columns)."""

    ref: str
    purpose: str
    recipient: str
    kind: str
    amount: str
    first_year: str
    years: str = ""
    qualifier: str = "exact"
    status: str = "confirmed"
    capital_or_revenue: str = ""
    programme: str = ""
    uplift_pct: str = ""
    profile: str = ""
    reannounces: str = ""

    def cells(self, announced_on: str, funder: str) -> dict[str, str]:
        values = {name: _text(getattr(self, name)) for name in self.__dataclass_fields__}
        return {**values, "announced_on": announced_on, "funder": funder}


@dataclass(frozen=True)
class AnnouncementInput:
    """An announcement and (when creating it) the commitments it carries."""

    ref: str
    announced_on: str
    title: str
    funder: str
    made_by: str = ""
    source_url: str = ""
    quote: str = ""
    notes: str = ""
    commitments: tuple[CommitmentInput, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "commitments", tuple(self.commitments))  # a list is fine too


@dataclass(frozen=True)
class DeliveryInput:
    """A payment or spend record as typed (a negative amount is a correction)."""

    ref: str
    commitment_ref: str
    paid_on: str
    amount: str
    kind: str = "payment"
    note: str = ""
    evidence_url: str = ""
    illustrative: bool = False


@dataclass(frozen=True)
class MilestoneInput:
    ref: str
    commitment_ref: str
    title: str
    due_on: str = ""
    achieved_on: str = ""
    achieved_note: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class Editable:
    """A stored record as form input, with the version to hand back on save."""

    value: AnnouncementInput | CommitmentInput | DeliveryInput | MilestoneInput
    version: int


# --- field checks --------------------------------------------------------------


class _Checks:
    """Collects FieldProblems; field names get a prefix ("commitments[0].")."""

    def __init__(self, problems: list[FieldProblem], prefix: str = ""):
        self.problems = problems
        self.prefix = prefix

    def fail(self, field_name: str, value: str | None, expected: str) -> None:
        self.problems.append(FieldProblem(self.prefix + field_name, value, expected))

    def text(self, field_name: str, value: object, *, required: bool = False, max_len: int | None = None) -> str | None:
        text = _text(value).strip()
        if not text:
            if required:
                self.fail(field_name, text, "required: must not be blank")
            return None
        if max_len is not None and len(text) > max_len:
            self.fail(field_name, text, f"expected at most {max_len} characters (this has {len(text)})")
        return text

    def url(self, field_name: str, value: object) -> str | None:
        # Only web addresses: a page shows these as links, and a
        # javascript: or data: "link" would run in the reader's browser.
        text = _text(value).strip()
        if text and not text.lower().startswith(URL_SCHEMES):
            self.fail(field_name, text, "expected a web address starting with https:// or http://")
        return text or None

    def date(self, field_name: str, value: object, *, required: bool = False) -> date | None:
        text = self.text(field_name, value, required=required)
        if text is None:
            return None
        try:
            return parse_date(text)
        except FiscalError as err:
            self.fail(field_name, text, err.expected)
            return None

    def parsed(self, problems: list[Problem], skip: tuple[str, ...] = ()) -> None:
        """Problems from a file-row parser, renamed to form fields."""
        for problem in problems:
            if problem.column not in skip:
                self.fail(problem.column or "", problem.value, problem.expected)


def _commitment_record(
    inp: CommitmentInput, announced_on: str, funder: str, checks: _Checks
) -> CommitmentRecord | None:
    """Validate a commitment with the importer's own row parser.

    ``announced_on`` and ``funder`` are the announcement's: problems with them
    are reported on the announcement, not on each commitment.
    """
    found: list[Problem] = []
    record = parse_commitment_row(Row(line=0, cells=inp.cells(announced_on, funder)), found)
    before = len(checks.problems)
    checks.parsed(found, skip=("announced_on", "funder"))
    checks.text("ref", inp.ref, max_len=REF_MAX)
    checks.text("recipient", inp.recipient, max_len=NAME_MAX)
    checks.text("programme", inp.programme, max_len=NAME_MAX)
    return record if len(checks.problems) == before else None


def _announcement_fields(inp: AnnouncementInput, checks: _Checks) -> dict:
    return {
        "ref": checks.text("ref", inp.ref, required=True, max_len=REF_MAX),
        "announced_on": checks.date("announced_on", inp.announced_on, required=True),
        "title": checks.text("title", inp.title, required=True, max_len=TITLE_MAX),
        "funder": checks.text("funder", inp.funder, required=True, max_len=NAME_MAX),
        "made_by": checks.text("made_by", inp.made_by, max_len=NAME_MAX),
        "source_url": checks.url("source_url", inp.source_url),
        "quote": checks.text("quote", inp.quote),
        "notes": checks.text("notes", inp.notes),
    }


def _validate_announcement(
    inp: AnnouncementInput,
) -> tuple[dict, list[tuple[int, CommitmentRecord]], list[FieldProblem]]:
    """The checks that need no database: every field, and refs within the input."""
    problems: list[FieldProblem] = []
    fields = _announcement_fields(inp, _Checks(problems))
    announced_on = _text(inp.announced_on)
    funder = _text(inp.funder)
    records: list[tuple[int, CommitmentRecord]] = []
    first_use: dict[str, int] = {}
    for i, commitment in enumerate(inp.commitments):
        checks = _Checks(problems, f"commitments[{i}].")
        record = _commitment_record(commitment, announced_on, funder, checks)
        ref = _text(commitment.ref).strip()
        if ref and ref in first_use:
            checks.fail("ref", ref, f"duplicate ref: already used by commitments[{first_use[ref]}]")
            record = None
        first_use.setdefault(ref, i)
        if record is not None:
            records.append((i, record))
    # Re-announcements within the input must not go round in a loop.
    by_ref = {rec.ref: rec for _, rec in records}
    for i, rec in records:
        seen = {rec.ref}
        target = by_ref.get(rec.reannounces) if rec.reannounces else None
        while target is not None:
            if target.ref in seen:
                problems.append(FieldProblem(f"commitments[{i}].reannounces", rec.reannounces,
                                             "re-announcements form a loop"))
                break
            seen.add(target.ref)
            target = by_ref.get(target.reannounces) if target.reannounces else None
    return fields, records, problems


def _delivery_record(inp: DeliveryInput, checks: _Checks) -> DeliveryRecord | None:
    cells = {name: _text(getattr(inp, name)) for name in DeliveryInput.__dataclass_fields__}
    cells["illustrative"] = "yes" if inp.illustrative else "no"
    found: list[Problem] = []
    record = parse_delivery_row(Row(line=0, cells=cells), found)
    before = len(checks.problems)
    checks.parsed(found)
    checks.text("ref", inp.ref, max_len=REF_MAX)
    checks.url("evidence_url", inp.evidence_url)
    return record if len(checks.problems) == before else None


def _milestone_fields(inp: MilestoneInput, checks: _Checks) -> dict:
    return {
        "ref": checks.text("ref", inp.ref, required=True, max_len=REF_MAX),
        "commitment_ref": checks.text("commitment_ref", inp.commitment_ref, required=True),
        "title": checks.text("title", inp.title, required=True, max_len=TITLE_MAX),
        "due_on": checks.date("due_on", inp.due_on),
        "achieved_on": checks.date("achieved_on", inp.achieved_on),
        "achieved_note": checks.text("achieved_note", inp.achieved_note),
        "source_url": checks.url("source_url", inp.source_url),
    }


# --- checks against the database ----------------------------------------------------


def _check_new_ref(session: Session, model, field_name: str, ref: str | None, problems: list[FieldProblem],
                   *, keep_id: int | None = None) -> None:
    """``ref`` must not belong to another row (deleted rows keep their refs)."""
    if not ref:
        return
    other = session.scalars(select(model).where(model.ref == ref)).one_or_none()
    if other is None or other.id == keep_id:
        return
    word = _entity_word(model)
    article = "an" if word[0] in "aeiou" else "a"
    expected = f"{article} {word} with this ref already exists: give a new ref"
    if other.deleted_at is not None:
        expected += f" (that {word} is deleted; an admin can restore it)"
    problems.append(FieldProblem(field_name, ref, expected))


def _organisation_ids(session: Session, names: list[tuple[str, str, str]], problems: list[FieldProblem],
                      new_ok: bool, created: list[Organisation] | None) -> dict[str, int]:
    """Organisation ids for ``(field, name, kind)``. A name not in the table is
    a problem unless ``new_ok``; then it is created and added to ``created``
    (for the caller to audit), or, when ``created`` is None (a preview, which
    writes nothing), simply accepted."""
    wanted = sorted({name for _, name, _ in names if name})
    known: dict[str, int] = {}
    if wanted:
        known = {name: org_id for name, org_id in session.execute(
            select(Organisation.name, Organisation.id).where(Organisation.name.in_(wanted)))}
    for field_name, name, kind in names:
        if not name or name in known:
            continue
        if new_ok and created is None:
            continue
        if new_ok:
            org = Organisation(name=name, kind=kind)
            session.add(org)
            session.flush()
            known[name] = org.id
            created.append(org)
        else:
            problems.append(FieldProblem(field_name, name,
                                         f"no organisation called {name!r}: pick one from the list or add it"))
    return known


def _live_commitment(session: Session, ref: str | None, *, share_lock: bool = False) -> Commitment | None:
    """The commitment ``ref`` unless missing or deleted. ``share_lock``: on
    PostgreSQL hold it (SELECT ... FOR SHARE) so it cannot be deleted before
    this transaction commits a record that points at it."""
    if not ref:
        return None
    query = select(Commitment).where(Commitment.ref == ref, Commitment.deleted_at.is_(None))
    if share_lock:
        query = query.with_for_update(read=True)
    return session.scalars(query).one_or_none()


def _reannounce_target(session: Session, field_name: str, ref: str | None, problems: list[FieldProblem],
                       *, editing: Commitment | None = None, pending: Iterable[str] = ()) -> Commitment | None:
    """The commitment ``ref`` re-announces: in the database, or one being created now."""
    if not ref or ref in pending:
        return None
    target = _live_commitment(session, ref)
    if target is None:
        problems.append(FieldProblem(field_name, ref, "expected the ref of an earlier commitment in the database"))
        return None
    if editing is not None:
        node, steps = target, 0
        while node is not None and steps < 10_000:
            if node.id == editing.id:
                problems.append(FieldProblem(field_name, ref, "re-announcements form a loop"))
                return None
            node, steps = node.reannounces, steps + 1
    return target


# --- shared write machinery -------------------------------------------------------


def _entity_word(model) -> str:
    return next(word for word, m in ENTITIES.items() if m is model)


def _is_duplicate_ref(err: IntegrityError) -> bool:
    """A unique ref constraint: uq_<table>_ref (PostgreSQL) or <table>.ref (SQLite)."""
    return re.search(r"\buq_\w+_ref\b|UNIQUE constraint failed: \w+\.ref\b", str(err.orig)) is not None


def _write(engine: Engine, work: Callable[[Session], object], stale: tuple[type, str] | None = None):
    """Run ``work`` in one write transaction on ``engine`` and return its result.

    A stale version found by SQLAlchemy at flush (another transaction saved
    the same row between our check and our UPDATE) becomes ``StaleEdit``.

    A unique ref taken by a transaction that committed after our check
    (PostgreSQL runs writers side by side) is retried once, in a fresh
    transaction: the retry's own check then reports the duplicate as a
    ValidationFailed naming the field, instead of an IntegrityError.

    No retry for SQLite's "database is locked": every write takes the lock
    at BEGIN IMMEDIATE and waits up to the busy timeout (db/session.py), and
    tests/integration/test_concurrency.py (8 threads x 250 writes, also tried
    with 16 threads) never saw it. A writer that waited the whole timeout is
    stuck behind something long (a big import); saying so beats waiting again.
    """
    for attempt in (1, 2):
        try:
            with _unit_of_work(engine) as session:
                return work(session)
        except StaleDataError:
            if stale is None:
                raise
            model, ref = stale
            with read_session(engine) as session:
                row = session.scalars(select(model).where(model.ref == ref)).one_or_none()
                raise _stale_edit(session, model, ref, row) from None
        except IntegrityError as err:
            if attempt == 2 or not _is_duplicate_ref(err):
                raise
    raise AssertionError("unreachable")


def _stale_edit(session: Session, model, ref: str, row) -> StaleEdit:
    """StaleEdit naming who last changed the row and when (from the audit trail)."""
    latest = None
    if row is not None:
        latest = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == model.__tablename__, AuditEvent.entity_id == row.id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).first()
    if latest is None:
        return StaleEdit(_entity_word(model), ref, None, None)
    return StaleEdit(_entity_word(model), ref, latest.actor, latest.occurred_at, latest.action)


def _load_for_change(session: Session, model, ref: str, expected_version: int | None, *, live: bool = True):
    """The row to change, locked on PostgreSQL (SELECT ... FOR UPDATE; SQLite's
    BEGIN IMMEDIATE already holds the only write lock); refused if it is
    missing, if its version is not ``expected_version``, or (``live``) if it
    is deleted."""
    word = _entity_word(model)
    row = session.scalars(select(model).where(model.ref == ref).with_for_update()).one_or_none()
    if row is None:
        raise NotFound(f"there is no {word} with ref {ref!r}")
    if expected_version is not None and row.version != expected_version:
        raise _stale_edit(session, model, ref, row)
    if live and row.deleted_at is not None:
        raise Conflict(f"{word} {ref!r} is deleted: an admin can restore it")
    return row


def _audit(session: Session, actor: Actor, action: str, obj, before: dict | None, after: dict | None) -> None:
    session.add(AuditEvent(actor=actor.name, action=action, entity=obj.__tablename__, entity_id=obj.id,
                           before=before, after=after))


def _apply(obj, values: dict) -> bool:
    """Set attributes; True if any value differs from what is stored."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _save_update(session: Session, actor: Actor, obj, before: dict) -> int:
    """Flush an edited row and audit it; its new version."""
    session.flush()
    _audit(session, actor, "update", obj, before, snapshot(obj))
    return obj.version


def _raise_if(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems)


# --- schedules ------------------------------------------------------------------------


def _terms(kind: str, amount: int, first_year: FinancialYear, years: int, uplift_bp: int,
           profile: Iterable[tuple[FinancialYear, int]]) -> tuple:
    """The terms that decide a commitment's money, comparable with ==."""
    return (kind, amount, first_year, years, uplift_bp, tuple(sorted(profile)) if kind == "profiled" else ())


def _stored_terms(commitment: Commitment) -> tuple:
    return _terms(commitment.kind, commitment.amount_pence, commitment.first_year, commitment.years,
                  commitment.uplift_bp, [(line.financial_year, line.amount_pence) for line in commitment.profile_lines])


def _record_terms(rec: CommitmentRecord) -> tuple:
    return _terms(rec.kind, rec.amount_pence, rec.first_year, rec.years, rec.uplift_bp, rec.profile)


def _schedule_of(terms: tuple) -> dict[int, int]:
    """{financial-year start year: pence} for one commitment's terms (the projection engine's rules)."""
    kind, amount, first_year, years, uplift_bp, profile = terms
    columns = CommitmentColumns.build(
        start_year=[first_year.start_year], years=[years], amount=[amount], uplift_bp=[uplift_bp],
        profiled=[kind == "profiled"], profile_row=[0] * len(profile),
        profile_year=[fy.start_year for fy, _ in profile], profile_amount=[pence for _, pence in profile],
    )
    schedule = expand(columns)
    return {int(y): int(p) for y, p in zip(schedule.year, schedule.headline)}


def _terms_json(terms: tuple) -> dict:
    kind, amount, first_year, years, uplift_bp, profile = terms
    return {
        "kind": kind,
        "amount_pence": amount,
        "first_year": first_year.label,
        "years": years,
        "uplift_bp": uplift_bp,
        "profile": {fy.label: pence for fy, pence in profile},
        "schedule": {fy_label(y): pence for y, pence in _schedule_of(terms).items()},
    }


def preview_schedule(
    inp: AnnouncementInput, *, engine: Engine | None = None, new_organisations_ok: bool = False
) -> tuple[pd.DataFrame, list[FieldProblem]]:
    """Validate without writing and return the year-by-year schedule to show
    before saving: one row per commitment whose fields are valid (index
    ``ref``; the money does not depend on the database checks), one column per
    financial year label from the first to the last with money, pence (int64),
    zero-filled, headline amounts as announced. With ``engine`` the checks
    that need the database (duplicate refs, unknown organisations,
    re-announcement targets) run too, read-only."""
    import pandas as pd

    fields, records, problems = _validate_announcement(inp)
    if engine is not None:
        with read_session(engine) as session:
            _announcement_database_checks(session, fields, records, problems, new_organisations_ok, created=None)
    schedules = {rec.ref: _schedule_of(_record_terms(rec)) for _, rec in records}
    years = [y for schedule in schedules.values() for y in schedule]
    labels = [fy_label(y) for y in range(min(years), max(years) + 1)] if years else []
    frame = pd.DataFrame(
        [[schedules[ref].get(y, 0) for y in range(min(years), max(years) + 1)] for ref in schedules] if years else [],
        index=pd.Index(list(schedules), name="ref"),
        columns=labels,
        dtype="int64",
    )
    return frame, problems


# --- announcements --------------------------------------------------------------------


def _announcement_database_checks(session: Session, fields: dict, records: list[tuple[int, CommitmentRecord]],
                                  problems: list[FieldProblem], new_ok: bool, created: list[Organisation] | None,
                                  keep_id: int | None = None) -> tuple[dict[str, int], dict[str, Commitment]]:
    """Checks that need the database: refs free, organisations known (or
    created: see ``_organisation_ids``), re-announced commitments there.
    Returns organisation ids by name and re-announced commitments by ref."""
    _check_new_ref(session, Announcement, "ref", fields["ref"], problems, keep_id=keep_id)
    names = [("funder", fields["funder"], "funder")] if fields["funder"] else []
    names += [(f"commitments[{i}].recipient", rec.recipient, "recipient") for i, rec in records]
    orgs = _organisation_ids(session, names, problems, new_ok, created)
    pending = {rec.ref for _, rec in records}
    targets: dict[str, Commitment] = {}
    for i, rec in records:
        _check_new_ref(session, Commitment, f"commitments[{i}].ref", rec.ref, problems)
        target = _reannounce_target(session, f"commitments[{i}].reannounces", rec.reannounces, problems,
                                    pending=pending)
        if target is not None:
            targets[rec.ref] = target
    return orgs, targets


def _new_commitment(session: Session, announcement: Announcement, rec: CommitmentRecord, recipient_id: int,
                    reannounces_id: int | None) -> tuple[Commitment, list[ProfileLine]]:
    commitment = Commitment(
        ref=rec.ref, announcement=announcement, purpose=rec.purpose, programme=rec.programme,
        recipient_id=recipient_id, kind=rec.kind, amount_pence=rec.amount_pence, qualifier=rec.qualifier,
        status=rec.status, capital_or_revenue=rec.capital_or_revenue, first_year=rec.first_year,
        years=rec.years, uplift_bp=rec.uplift_bp, reannounces_id=reannounces_id,
    )
    session.add(commitment)
    lines = [ProfileLine(commitment=commitment, financial_year=fy, amount_pence=pence) for fy, pence in rec.profile]
    session.add_all(lines)
    return commitment, lines


def create_announcement(
    inp: AnnouncementInput, *, engine: Engine, actor: Actor | None = None, new_organisations_ok: bool = False
) -> int:
    """Save a new announcement with its commitments; its id.

    Raises ``ValidationFailed`` (every problem, by form field),
    ``PermissionDenied``. Funder and recipients must already be organisations
    unless ``new_organisations_ok`` (then they are created).
    """
    actor = actor or local_actor()
    authorise(actor, "create_announcement")

    def work(session: Session) -> int:
        fields, records, problems = _validate_announcement(inp)
        created: list[Organisation] = []
        orgs, targets = _announcement_database_checks(session, fields, records, problems,
                                                      new_organisations_ok, created)
        _raise_if(problems)
        announcement = Announcement(
            ref=fields["ref"], announced_on=fields["announced_on"], title=fields["title"],
            funder_id=orgs[fields["funder"]], made_by=fields["made_by"], source_url=fields["source_url"],
            quote=fields["quote"], notes=fields["notes"],
        )
        session.add(announcement)
        commitments: dict[str, Commitment] = {}
        lines: list[ProfileLine] = []
        for _, rec in records:
            target = targets.get(rec.ref)
            commitments[rec.ref], new_lines = _new_commitment(
                session, announcement, rec, orgs[rec.recipient], target.id if target else None)
            lines += new_lines
        for _, rec in records:  # re-announcements of commitments in this same announcement
            if rec.reannounces in commitments:
                commitments[rec.ref].reannounces = commitments[rec.reannounces]
        _audit_created(session, actor, [*created, announcement, *commitments.values(), *lines])
        return announcement.id

    return _write(engine, work)


def update_announcement(
    ref: str, inp: AnnouncementInput, *, expected_version: int, engine: Engine, actor: Actor | None = None,
    new_organisations_ok: bool = False,
) -> int:
    """Change an announcement's own fields (its commitments are changed one at
    a time with ``update_commitment``); its new version.

    Raises ``ValidationFailed``, ``StaleEdit``, ``NotFound``, ``Conflict``
    (deleted), ``PermissionDenied``.
    """
    actor = actor or local_actor()
    authorise(actor, "update_announcement")

    def work(session: Session) -> int:
        announcement = _load_for_change(session, Announcement, ref, expected_version)
        problems: list[FieldProblem] = []
        fields = _announcement_fields(inp, _Checks(problems))
        if inp.commitments:
            problems.append(FieldProblem("commitments", None, "commitments are added and changed one at a time, "
                                                              "not with the announcement"))
        created: list[Organisation] = []
        orgs, _ = _announcement_database_checks(session, fields, [], problems, new_organisations_ok,
                                                created, keep_id=announcement.id)
        _raise_if(problems)
        before = snapshot(announcement)
        changed = _apply(announcement, {**{k: v for k, v in fields.items() if k != "funder"},
                                        "funder_id": orgs[fields["funder"]]})
        _audit_created(session, actor, created)
        return _save_update(session, actor, announcement, before) if changed else announcement.version

    return _write(engine, work, stale=(Announcement, ref))


# --- commitments -----------------------------------------------------------------------


def create_commitment(
    announcement_ref: str, inp: CommitmentInput, *, engine: Engine, actor: Actor | None = None,
    new_organisations_ok: bool = False,
) -> int:
    """Add a commitment to an existing announcement; its id."""
    actor = actor or local_actor()
    authorise(actor, "create_commitment")

    def work(session: Session) -> int:
        announcement = session.scalars(
            select(Announcement).where(Announcement.ref == announcement_ref, Announcement.deleted_at.is_(None))
        ).one_or_none()
        if announcement is None:
            raise NotFound(f"there is no announcement with ref {announcement_ref!r}")
        problems: list[FieldProblem] = []
        rec = _commitment_record(inp, announcement.announced_on.isoformat(), announcement.funder.name,
                                 _Checks(problems))
        created: list[Organisation] = []
        target = None
        orgs: dict[str, int] = {}
        if rec is not None:
            _check_new_ref(session, Commitment, "ref", rec.ref, problems)
            orgs = _organisation_ids(session, [("recipient", rec.recipient, "recipient")], problems,
                                     new_organisations_ok, created)
            target = _reannounce_target(session, "reannounces", rec.reannounces, problems)
        _raise_if(problems)
        commitment, lines = _new_commitment(session, announcement, rec, orgs[rec.recipient],
                                            target.id if target else None)
        _audit_created(session, actor, [*created, commitment, *lines])
        return commitment.id

    return _write(engine, work)


def update_commitment(
    ref: str, inp: CommitmentInput, *, expected_version: int, reason: str | None = None, reason_text: str = "",
    engine: Engine, actor: Actor | None = None, new_organisations_ok: bool = False,
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
    actor = actor or local_actor()
    authorise(actor, "update_commitment")

    def work(session: Session) -> int:
        commitment = _load_for_change(session, Commitment, ref, expected_version)
        announcement = commitment.announcement
        problems: list[FieldProblem] = []
        rec = _commitment_record(inp, announcement.announced_on.isoformat(), announcement.funder.name,
                                 _Checks(problems))
        if rec is None:
            raise ValidationFailed(problems)
        created: list[Organisation] = []
        _check_new_ref(session, Commitment, "ref", rec.ref, problems, keep_id=commitment.id)
        orgs = _organisation_ids(session, [("recipient", rec.recipient, "recipient")], problems,
                                 new_organisations_ok, created)
        target = _reannounce_target(session, "reannounces", rec.reannounces, problems, editing=commitment)
        old_terms, new_terms = _stored_terms(commitment), _record_terms(rec)
        revised = old_terms != new_terms
        if revised:
            problems += _check_reason(reason, reason_text)
        _raise_if(problems)

        before = snapshot(commitment)
        changed = _apply(commitment, {
            "ref": rec.ref, "purpose": rec.purpose, "programme": rec.programme, "recipient_id": orgs[rec.recipient],
            "kind": rec.kind, "amount_pence": rec.amount_pence, "qualifier": rec.qualifier, "status": rec.status,
            "capital_or_revenue": rec.capital_or_revenue, "first_year": rec.first_year, "years": rec.years,
            "uplift_bp": rec.uplift_bp, "reannounces_id": target.id if target else None,
        })
        if not changed and not revised:
            return commitment.version
        # The version covers the whole commitment, profile included: a change
        # to the profile alone must still bump it (and be audited on it).
        commitment.updated_at = utc_now()
        version = _save_update(session, actor, commitment, before)
        _audit_created(session, actor, created)
        if revised:
            _revise(session, actor, commitment, old_terms, new_terms, reason, reason_text)
        return version

    return _write(engine, work, stale=(Commitment, ref))


def _check_reason(reason: str | None, reason_text: str) -> list[FieldProblem]:
    choices = ", ".join(REVISION_REASONS)
    if reason not in REVISION_REASONS:
        return [FieldProblem("reason", _text(reason), f"a change to the money needs a reason: one of {choices}")]
    if reason == "other" and not _text(reason_text).strip():
        return [FieldProblem("reason_text", "", "required when the reason is other: say why the money changed")]
    return []


def _revise(session: Session, actor: Actor, commitment: Commitment, old_terms: tuple, new_terms: tuple,
            reason: str, reason_text: str) -> None:
    """Profile lines to match the new terms; the baseline (first revision only); the revision record."""
    new_profile = dict(new_terms[5])
    for line in list(commitment.profile_lines):
        if line.financial_year not in new_profile:
            # The year no longer has money: the line goes (the baseline, the
            # revision and this audit event keep what it said).
            _audit(session, actor, "delete", line, snapshot(line), None)
            commitment.profile_lines.remove(line)
            session.delete(line)
        elif line.amount_pence != new_profile[line.financial_year]:
            before = snapshot(line)
            line.amount_pence = new_profile[line.financial_year]
            session.flush()
            _audit(session, actor, "update", line, before, snapshot(line))
    stored_years = {line.financial_year for line in commitment.profile_lines}
    added = [ProfileLine(commitment=commitment, financial_year=fy, amount_pence=pence)
             for fy, pence in new_profile.items() if fy not in stored_years]
    session.add_all(added)

    has_baseline = session.scalar(
        select(CommitmentBaseline.id).where(CommitmentBaseline.commitment_id == commitment.id).limit(1)
    ) is not None
    baseline = [] if has_baseline else [
        CommitmentBaseline(commitment_id=commitment.id, financial_year=FinancialYear(year), amount_pence=pence)
        for year, pence in _schedule_of(old_terms).items()
    ]
    session.add_all(baseline)
    revision = CommitmentRevision(
        commitment_id=commitment.id, actor=actor.name, reason=reason,
        reason_text=_text(reason_text).strip() or None,
        before=_terms_json(old_terms), after=_terms_json(new_terms),
    )
    session.add(revision)
    _audit_created(session, actor, [*added, *baseline, revision])


def baseline_vs_revised(engine: Engine, commitment_ref: str) -> pd.DataFrame:
    """A commitment's schedule as first committed beside its current one:
    ``financial_year`` (start year, int64), ``original_pence``, ``revised_pence``
    (int64, zero-filled), one row per year either has, ascending. For a
    commitment never revised the two columns are equal."""
    import pandas as pd

    with read_session(engine) as session:
        commitment = session.scalars(select(Commitment).where(Commitment.ref == commitment_ref)).one_or_none()
        if commitment is None:
            raise NotFound(f"there is no commitment with ref {commitment_ref!r}")
        revised = _schedule_of(_stored_terms(commitment))
        original = {
            fy.start_year: pence for fy, pence in session.execute(
                select(CommitmentBaseline.financial_year, CommitmentBaseline.amount_pence)
                .where(CommitmentBaseline.commitment_id == commitment.id)
            )
        } or revised
    years = sorted(set(original) | set(revised))
    return pd.DataFrame(
        {
            "financial_year": pd.Series(years, dtype="int64"),
            "original_pence": pd.Series([original.get(y, 0) for y in years], dtype="int64"),
            "revised_pence": pd.Series([revised.get(y, 0) for y in years], dtype="int64"),
        }
    )


def revision_history(engine: Engine, commitment_ref: str) -> pd.DataFrame:
    """A commitment's revisions, oldest first: ``revised_at, actor, reason,
    reason_text, before, after`` (before/after: the terms and schedule as JSON)."""
    import pandas as pd

    with read_session(engine) as session:
        commitment_id = session.scalar(select(Commitment.id).where(Commitment.ref == commitment_ref))
        if commitment_id is None:
            raise NotFound(f"there is no commitment with ref {commitment_ref!r}")
        rows = session.execute(
            select(CommitmentRevision.revised_at, CommitmentRevision.actor, CommitmentRevision.reason,
                   CommitmentRevision.reason_text, CommitmentRevision.before, CommitmentRevision.after)
            .where(CommitmentRevision.commitment_id == commitment_id)
            .order_by(CommitmentRevision.id)
        ).all()
    return pd.DataFrame([tuple(row) for row in rows],
                        columns=["revised_at", "actor", "reason", "reason_text", "before", "after"])


# --- deliveries and milestones ------------------------------------------------------------


def _delivery_values(session: Session, inp: DeliveryInput, problems: list[FieldProblem],
                     keep_id: int | None = None) -> dict | None:
    rec = _delivery_record(inp, _Checks(problems))
    if rec is None:
        return None
    _check_new_ref(session, Delivery, "ref", rec.ref, problems, keep_id=keep_id)
    commitment = _live_commitment(session, rec.commitment_ref, share_lock=True)
    if commitment is None:
        problems.append(FieldProblem("commitment_ref", rec.commitment_ref,
                                     "expected the ref of a commitment in the database"))
        return None
    return {"ref": rec.ref, "commitment_id": commitment.id, "paid_on": rec.paid_on, "amount_pence": rec.amount_pence,
            "kind": rec.kind, "note": rec.note, "evidence_url": rec.evidence_url, "illustrative": rec.illustrative}


def record_delivery(inp: DeliveryInput, *, engine: Engine, actor: Actor | None = None) -> int:
    """Record a payment or spend against a commitment; its id."""
    actor = actor or local_actor()
    authorise(actor, "record_delivery")

    def work(session: Session) -> int:
        problems: list[FieldProblem] = []
        values = _delivery_values(session, inp, problems)
        _raise_if(problems)
        delivery = Delivery(**values)
        session.add(delivery)
        _audit_created(session, actor, [delivery])
        return delivery.id

    return _write(engine, work)


def update_delivery(
    ref: str, inp: DeliveryInput, *, expected_version: int, engine: Engine, actor: Actor | None = None
) -> int:
    """Change a delivery record; its new version."""
    actor = actor or local_actor()
    authorise(actor, "update_delivery")

    def work(session: Session) -> int:
        delivery = _load_for_change(session, Delivery, ref, expected_version)
        problems: list[FieldProblem] = []
        values = _delivery_values(session, inp, problems, keep_id=delivery.id)
        _raise_if(problems)
        before = snapshot(delivery)
        if not _apply(delivery, values):
            return delivery.version
        return _save_update(session, actor, delivery, before)

    return _write(engine, work, stale=(Delivery, ref))


def _milestone_values(session: Session, inp: MilestoneInput, problems: list[FieldProblem],
                      keep_id: int | None = None) -> dict:
    fields = _milestone_fields(inp, _Checks(problems))
    _check_new_ref(session, Milestone, "ref", fields["ref"], problems, keep_id=keep_id)
    commitment = _live_commitment(session, fields.pop("commitment_ref"), share_lock=True)
    if commitment is None and _text(inp.commitment_ref).strip():
        problems.append(FieldProblem("commitment_ref", _text(inp.commitment_ref).strip(),
                                     "expected the ref of a commitment in the database"))
    return {**fields, "commitment_id": commitment.id if commitment else None}


def create_milestone(inp: MilestoneInput, *, engine: Engine, actor: Actor | None = None) -> int:
    """Add a milestone to a commitment; its id."""
    actor = actor or local_actor()
    authorise(actor, "create_milestone")

    def work(session: Session) -> int:
        problems: list[FieldProblem] = []
        values = _milestone_values(session, inp, problems)
        _raise_if(problems)
        milestone = Milestone(**values)
        session.add(milestone)
        _audit_created(session, actor, [milestone])
        return milestone.id

    return _write(engine, work)


def update_milestone(
    ref: str, inp: MilestoneInput, *, expected_version: int, engine: Engine, actor: Actor | None = None
) -> int:
    """Change a milestone (e.g. record when it was achieved); its new version."""
    actor = actor or local_actor()
    authorise(actor, "update_milestone")

    def work(session: Session) -> int:
        milestone = _load_for_change(session, Milestone, ref, expected_version)
        problems: list[FieldProblem] = []
        values = _milestone_values(session, inp, problems, keep_id=milestone.id)
        _raise_if(problems)
        before = snapshot(milestone)
        if not _apply(milestone, values):
            return milestone.version
        return _save_update(session, actor, milestone, before)

    return _write(engine, work, stale=(Milestone, ref))


# --- soft delete and restore -------------------------------------------------------------


def _model_for(entity: str):
    try:
        return ENTITIES[entity]
    except KeyError:
        raise ValueError(f"entity must be one of {', '.join(ENTITIES)}, not {entity!r}") from None


def delete(entity: str, ref: str, *, expected_version: int, engine: Engine, actor: Actor | None = None) -> int:
    """Soft-delete an announcement, commitment, delivery or milestone: it
    disappears from every total and list but stays in the database (and the
    audit trail) and an admin can ``restore`` it. Its new version.

    Deleting an announcement hides its commitments too (they are read
    through it); they come back with it.
    """
    model = _model_for(entity)
    actor = actor or local_actor()
    authorise(actor, f"delete_{entity}")

    def work(session: Session) -> int:
        row = _load_for_change(session, model, ref, expected_version, live=False)
        if row.deleted_at is not None:
            raise Conflict(f"{entity} {ref!r} is already deleted")
        before = snapshot(row)
        row.deleted_at = utc_now()
        session.flush()
        _audit(session, actor, "delete", row, before, snapshot(row))
        return row.version

    return _write(engine, work, stale=(model, ref))


def restore(entity: str, ref: str, *, engine: Engine, actor: Actor | None = None) -> int:
    """Bring back a soft-deleted record (admins only); its new version."""
    model = _model_for(entity)
    actor = actor or local_actor()
    authorise(actor, "restore")

    def work(session: Session) -> int:
        row = _load_for_change(session, model, ref, None, live=False)
        if row.deleted_at is None:
            raise Conflict(f"{entity} {ref!r} is not deleted: there is nothing to restore")
        before = snapshot(row)
        row.deleted_at = None
        session.flush()
        _audit(session, actor, "restore", row, before, snapshot(row))
        return row.version

    return _write(engine, work, stale=(model, ref))


# --- loading a record into a form ----------------------------------------------------------


def _pounds_text(pence: int) -> str:
    return plain_pounds(pence).removesuffix(".00")


def load_for_edit(entity: str, ref: str, *, engine: Engine) -> Editable:
    """A stored record as form input plus the version to pass back as
    ``expected_version`` when saving. Announcements come without their
    commitments (those are edited one at a time)."""
    model = _model_for(entity)
    with read_session(engine) as session:
        row = session.scalars(select(model).where(model.ref == ref)).one_or_none()
        if row is None:
            raise NotFound(f"there is no {entity} with ref {ref!r}")
        return Editable(_as_input(row), row.version)


def _as_input(row) -> AnnouncementInput | CommitmentInput | DeliveryInput | MilestoneInput:
    def opt(value) -> str:
        return "" if value is None else _text(value)

    if isinstance(row, Announcement):
        return AnnouncementInput(ref=row.ref, announced_on=row.announced_on.isoformat(), title=row.title,
                                 funder=row.funder.name, made_by=opt(row.made_by), source_url=opt(row.source_url),
                                 quote=opt(row.quote), notes=opt(row.notes))
    if isinstance(row, Commitment):
        profiled = row.kind == "profiled"
        return CommitmentInput(
            ref=row.ref, purpose=row.purpose, recipient=row.recipient.name, kind=row.kind,
            amount=_pounds_text(row.amount_pence), first_year=row.first_year.label,
            years=str(row.years) if row.kind == "recurring" else "", qualifier=row.qualifier, status=row.status,
            capital_or_revenue=opt(row.capital_or_revenue), programme=opt(row.programme),
            uplift_pct=str(Decimal(row.uplift_bp) / 100) if row.uplift_bp else "",
            profile=";".join(f"{line.financial_year.label}={_pounds_text(line.amount_pence)}"
                             for line in row.profile_lines) if profiled else "",
            reannounces=row.reannounces.ref if row.reannounces is not None else "",
        )
    if isinstance(row, Delivery):
        return DeliveryInput(ref=row.ref, commitment_ref=row.commitment.ref, paid_on=row.paid_on.isoformat(),
                             amount=_pounds_text(row.amount_pence), kind=row.kind, note=opt(row.note),
                             evidence_url=opt(row.evidence_url), illustrative=row.illustrative)
    return MilestoneInput(ref=row.ref, commitment_ref=row.commitment.ref, title=row.title, due_on=opt(row.due_on),
                          achieved_on=opt(row.achieved_on), achieved_note=opt(row.achieved_note),
                          source_url=opt(row.source_url))


# --- progress review: statuses and meetings ------------------------------------------------


@dataclass(frozen=True)
class StatusInput:
    """A reviewer's judgement as typed: one subject (a commitment ref, or a
    programme), a status from ``PROGRESS_STATUSES``, the date it was judged,
    and an evidence link or a note (at least one)."""

    status: str
    commitment_ref: str = ""
    programme: str = ""
    assessed_on: str = ""  # blank: today
    evidence_url: str = ""
    note: str = ""
    meeting_held_on: str = ""  # the meeting it was given at (optional)


def record_status(inp: StatusInput, *, engine: Engine, actor: Actor | None = None) -> int:
    """Record a progress status (a new history row; nothing is overwritten); its id."""
    from tracker.core.clock import today

    actor = actor or local_actor()
    authorise(actor, "record_status")

    def work(session: Session) -> int:
        problems: list[FieldProblem] = []
        checks = _Checks(problems)
        status = _text(inp.status).strip()
        if status not in PROGRESS_STATUSES:
            checks.fail("status", status, f"expected one of: {', '.join(PROGRESS_STATUSES)}")
        ref = checks.text("commitment_ref", inp.commitment_ref, max_len=REF_MAX)
        programme = checks.text("programme", inp.programme, max_len=NAME_MAX)
        commitment = None
        if bool(ref) == bool(programme):
            checks.fail("commitment_ref", ref, "expected a commitment or a programme (one, not both)")
        elif ref:
            commitment = _live_commitment(session, ref)
            if commitment is None:
                checks.fail("commitment_ref", ref, "expected the ref of a commitment in the database")
        elif session.scalar(select(Commitment.id).join(Announcement).where(
                Commitment.programme == programme, Commitment.deleted_at.is_(None),
                Announcement.deleted_at.is_(None)).limit(1)) is None:
            checks.fail("programme", programme, "expected the programme of a commitment in the database")
        assessed_on = checks.date("assessed_on", inp.assessed_on) or today()
        if assessed_on > today():
            checks.fail("assessed_on", _text(inp.assessed_on), "expected a date on or before today")
        evidence_url = checks.url("evidence_url", inp.evidence_url)
        note = checks.text("note", inp.note)
        if not evidence_url and not note:
            checks.fail("note", "", "give an evidence link or a note: what the status rests on")
        meeting_id = None
        held_on = checks.date("meeting_held_on", inp.meeting_held_on)
        if held_on is not None:
            meeting_id = session.scalar(select(ReviewMeeting.id).where(ReviewMeeting.held_on == held_on))
            if meeting_id is None:
                checks.fail("meeting_held_on", _text(inp.meeting_held_on), "expected the date of a meeting")
        _raise_if(problems)
        row = ProgressStatus(commitment_id=commitment.id if commitment else None, programme=programme,
                             status=status, assessed_on=assessed_on, reviewer=actor.name,
                             evidence_url=evidence_url, note=note, meeting_id=meeting_id)
        session.add(row)
        _audit_created(session, actor, [row])
        return row.id

    return _write(engine, work)


def open_meeting(
    held_on: object, as_at: object = "", title: str = "", *, engine: Engine, actor: Actor | None = None
) -> int:
    """Open a review meeting: record it and freeze the figures as they stand
    for its as-at date (``as_at`` blank: the meeting's own date). Its id.

    The snapshot is taken from committed data just before the meeting row is
    written; it never changes afterwards (the database refuses).
    """
    from tracker.core.clock import today
    from tracker.review.meetings import build_snapshot, fingerprint

    actor = actor or local_actor()
    authorise(actor, "open_meeting")
    problems: list[FieldProblem] = []
    checks = _Checks(problems)
    held = checks.date("held_on", held_on, required=True)
    as_at_date = checks.date("as_at", as_at) or held
    if held is not None and as_at_date is not None and as_at_date > held:
        checks.fail("as_at", _text(as_at), "expected a date on or before the meeting's date")
    elif as_at_date is not None and as_at_date > today():
        # Figures cannot be frozen for a day that has not come: what is
        # recorded before it would be missing from the meeting for good.
        checks.fail("as_at", _text(as_at) or _text(held_on),
                    "expected an as-at date on or before today (give one for a meeting still to come)")
    title_text = checks.text("title", title, max_len=TITLE_MAX)
    _raise_if(problems)
    taken_at = utc_now()
    figures = build_snapshot(engine, as_at_date, recorded_before=taken_at)

    def work(session: Session) -> int:
        if session.scalar(select(ReviewMeeting.id).where(ReviewMeeting.held_on == held)) is not None:
            raise ValidationFailed([FieldProblem("held_on", held.isoformat(),
                                                 "a meeting on that date is already open: open it from the list")])
        meeting = ReviewMeeting(held_on=held, as_at=as_at_date, title=title_text)
        session.add(meeting)
        session.flush()
        frozen = ReviewSnapshot(meeting_id=meeting.id, taken_at=taken_at, taken_by=actor.name, figures=figures)
        session.add(frozen)
        _audit_created(session, actor, [meeting])
        session.add(AuditEvent(actor=actor.name, action="create", entity=frozen.__tablename__, entity_id=frozen.id,
                               after={"meeting_id": meeting.id, "as_at": as_at_date.isoformat(),
                                      "taken_at": taken_at.isoformat(), "taken_by": actor.name,
                                      "figures_sha256": fingerprint(figures)}))
        return meeting.id

    return _write(engine, work)
