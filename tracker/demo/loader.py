"""Load a folder of the project's own files (the demo's): announcements,
commitments, milestones and deliveries, in one transaction.

Announcements and milestones have no import of their own (a person records
them in the dashboard), so their files are read here; commitments and
deliveries are saved by the import pipeline's savers (tracker.imports.saving), so a
demo row and an imported row are the same records with the same audit events.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.models import Announcement, Commitment, Milestone
from tracker.core.fiscal import FiscalError, parse_date
from tracker.files.tabular import DataError, Problem, read_table
from tracker.imports import saving
from tracker.records.commitment_rows import HEADER_ALIASES, parse_commitments
from tracker.records.delivery_rows import read_deliveries
from tracker.records.organisations import Organisations
from tracker.records.permissions import Actor, authorise
from tracker.records.unit_of_work import audit_created, transaction


def _save_announcements(session: Session, path: Path, actor: Actor, result: saving.ImportResult) -> None:
    """Announcements with their quoted words, including those with no money."""
    _header, rows, problems = read_table(path)
    orgs = Organisations(session)
    existing = saving.existing_by_ref(session, Announcement, [row.get("ref") for row in rows])
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
    audit_created(session, actor, [*orgs.created, *created])
    result.count("created", "organisation", len(orgs.created))


def _save_milestones(session: Session, path: Path, actor: Actor, result: saving.ImportResult) -> None:
    _header, rows, problems = read_table(path)
    commitments = saving.existing_by_ref(session, Commitment, [row.get("commitment_ref") for row in rows])
    existing = saving.existing_by_ref(session, Milestone, [row.get("ref") for row in rows])
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
            problems.append(
                Problem(
                    row.line,
                    "commitment_ref",
                    row.get("commitment_ref"),
                    "expected the ref of a commitment in the database",
                )
            )
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
    audit_created(session, actor, created)


def load_dataset(folder: Path, *, engine: Engine | None = None, actor: Actor) -> saving.ImportResult:
    """Load a folder of announcements, commitments, milestones and deliveries
    in one transaction. Records already present (same ref, same values) are
    left alone, so loading twice changes nothing."""
    authorise(actor, "load_demo")
    result = saving.ImportResult()
    with transaction(engine) as session:
        _save_announcements(session, folder / "announcements.csv", actor, result)
        header, rows, problems = read_table(folder / "commitments.csv", HEADER_ALIASES)
        records, more = parse_commitments(header, rows)
        if problems or more:
            raise DataError(problems + more)
        saving.save_commitments(session, records, actor, result)
        _save_milestones(session, folder / "milestones.csv", actor, result)
        deliveries, problems = read_deliveries(folder / "deliveries.csv")
        if problems:
            raise DataError(problems)
        saving.save_deliveries(session, deliveries, actor, result)
    return result
