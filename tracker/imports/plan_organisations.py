"""Which organisations the rows of a commitments file name, found as saving would find them.

The plan runs ``tracker.records.organisations.Organisations`` in preview
(nothing is written) over the whole file: first every funder and recipient
given with an identifier, in file order, then every one given by name alone.
So a bare name is checked against every organisation the file adds,
whichever line comes first, and the outcome never depends on the order of the
rows. A name that could be two organisations (stored, or added by the file)
is a problem on its row, naming each with its identifier.

A row of a stored commitment names the organisation stored when it agrees
with it (the same identifier, or none and one of its names): re-importing a
stored row is never refused because another organisation took the same name
since. An update goes through ``update_commitment``, which finds the
recipient the same way (``tracker.records.organisations.recipient_of``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.fast_insert import one_of_lists
from db.models import Announcement, Commitment, Organisation
from tracker.core.identifiers import normalise_name
from tracker.files.tabular import Problem
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.organisations import AmbiguousOrganisation, Organisations

ROLES = ("funder", "recipient")


@dataclass(frozen=True, slots=True)
class Stored:
    """What naming needs of a stored commitment: whether it is deleted, and
    its announcement's funder and its recipient (read by id, not the
    commitment's whole graph: a file of a million stored rows is compared a
    chunk at a time, ``tracker.imports.plan``)."""

    deleted: bool
    funder: Organisation | None
    recipient: Organisation | None


def stored_parties(session: Session, refs: list[str]) -> dict[str, Stored]:
    """``{ref: Stored}`` for the stored commitments among ``refs``."""
    dialect = session.get_bind().dialect.name
    rows: list[Any] = []
    for where in one_of_lists(dialect, Commitment.ref, refs):
        rows += session.execute(
            select(Commitment.ref, Commitment.deleted_at, Announcement.funder_id, Commitment.recipient_id)
            .join(Announcement, Commitment.announcement_id == Announcement.id)
            .where(where)
        ).all()
    ids = {org_id for row in rows for org_id in (row.funder_id, row.recipient_id) if org_id is not None}
    orgs: dict[int, Organisation] = {}
    for where in one_of_lists(dialect, Organisation.id, ids):
        orgs.update({org.id: org for org in session.scalars(select(Organisation).where(where))})
    return {
        row.ref: Stored(
            row.deleted_at is not None,
            orgs.get(row.funder_id),
            orgs.get(row.recipient_id) if row.recipient_id is not None else None,
        )
        for row in rows
    }


@dataclass(frozen=True)
class Named:
    """The organisations a row names (None: not stated, or a problem on the row)
    and their identifiers once the file is saved."""

    funder: Organisation | None = None
    funder_id: str | None = None
    recipient: Organisation | None = None
    recipient_id: str | None = None


class Naming:
    """The organisations each row of a file names, by the row's line."""

    def __init__(self, session: Session):
        self.orgs = Organisations(session, preview=True)
        # {role: {line: organisation}} (by role, then line: a million rows hold no tuple keys)
        self.found: dict[str, dict[int, Organisation]] = {role: {} for role in ROLES}

    def named(self, rec: CommitmentRecord) -> Named:
        funder, recipient = self.found["funder"].get(rec.line), self.found["recipient"].get(rec.line)
        return Named(
            funder,
            self.orgs.identifier(funder) if funder is not None else None,
            recipient,
            self.orgs.identifier(recipient) if recipient is not None else None,
        )

    def describe(self, org: Organisation) -> str:
        return self.orgs.describe(org)

    def agrees(self, org: Organisation, name: str, identifier: str | None) -> bool:
        """Whether a row's name and identifier mean this (stored) organisation."""
        own = self.orgs.identifier(org)
        if identifier and own:
            return identifier == own
        if identifier and identifier in self.orgs.by_identifier:  # another organisation has it
            return False
        return normalise_name(name) in Organisations.names(org)


CHUNK = 5000  # rows whose stored commitments are read at a time


def name_organisations(session: Session, records: list[CommitmentRecord], problems: list[Problem]) -> Naming:
    """Every row's funder and recipient; a name that could be two organisations is a problem."""
    naming = Naming(session)
    for with_identifier in (True, False):
        for rec, role, name, identifier in _to_find(session, records, naming):
            if bool(identifier) != with_identifier:
                continue
            try:
                naming.found[role][rec.line] = naming.orgs.get(name, role, identifier, line=rec.line)
            except AmbiguousOrganisation as err:
                problems.append(Problem(rec.line, role, name, str(err)))
    return naming


def _to_find(
    session: Session, records: list[CommitmentRecord], naming: Naming
) -> Iterator[tuple[CommitmentRecord, str, str, str | None]]:
    """Each (row, role, name, identifier) to find among the organisations;
    a stored commitment's row that agrees with what is stored is named
    there and then (again on a second pass: the same answer). Made as
    needed, never held: a million rows would be two million tuples; the
    stored commitments are read a chunk of rows at a time."""
    stored: dict[str, Stored] = {}
    for index, rec in enumerate(records):
        if index % CHUNK == 0:
            stored = stored_parties(session, [r.ref for r in records[index : index + CHUNK]])
        existing = stored.get(rec.ref)
        kept = existing if existing is not None and not existing.deleted else None
        for role in ROLES:
            name, identifier = getattr(rec, role), getattr(rec, f"{role}_id")
            if not name:
                continue
            if kept is not None:
                org = kept.funder if role == "funder" else kept.recipient
                if org is not None and naming.agrees(org, name, identifier):
                    naming.found[role][rec.line] = org
                    continue
                if role == "funder":  # another funder: the announcement's, which an import does not change
                    continue
            yield rec, role, name, identifier
