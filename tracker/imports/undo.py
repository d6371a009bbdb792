"""Undo an import as one unit (``funding-tracker import undo ID``, the Import page).

An import's audit events carry its id (``audit_events.import_id``,
``tracker.imports.history``), so they say what it did, row by row. Undoing it,
in one write transaction:

- **What it created is soft-deleted**: its announcements, commitments and
  deliveries, each by the same rule and audit event as a person's delete
  (``tracker.records.deletion.soft_delete``), so an admin can restore any of
  them. What belongs to a created commitment (its areas, profile lines,
  budgets and activity links) follows it and stays as it is.
- **What it changed is put back** to its state before the import: a
  commitment's columns and areas, and its money, which is a revision
  (reason "correction", "undo of import N"; the revision and baseline the
  import recorded stay, so the history shows both changes); a delivery; an
  organisation it gave an identifier. An IATI activity's budgets and links it
  replaced are replaced again by those it removed.
- **Organisations it added stay**: the deleted records still name them (a
  restore needs them), and one that nothing live names is harmless; a later
  import of the same file finds them again.
- **Only if nobody changed any of it since.** A row counts as changed since
  when an audit event after the import's last one touches it (other than
  those of an import since undone, whose undo put its changes back) or when
  it no longer holds what the import left (its version aside). A live record
  added since that hangs on a row the import created (a delivery or
  milestone of one of its commitments, a commitment in one of its
  announcements, re-announcing or a share of one of its commitments) counts
  too. Any of these refuses the whole undo (``UndoRefused``, naming each row
  and who changed it) and nothing is changed.

Every change is audited; the undo's audit events carry the import's id too
(after its own, by whoever undid it), and the import's row gets
``undone_at`` and ``undone_by``. An import is undone at most once. Undoing
needs what importing such a file needs (``history.undo_permission``; an
admin may always).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Engine, and_, or_, select

from db.fast_insert import one_of
from db.models import (
    ActivityLink,
    Announcement,
    AuditEvent,
    Commitment,
    Delivery,
    Import,
    Milestone,
    Organisation,
    PlannedBudget,
    utc_now,
)
from db.session import take_organisations_lock
from db.types import FinancialYearType, UTCDateTime
from tracker.core.fiscal import FinancialYear
from tracker.i18n import N_, _
from tracker.imports import history
from tracker.imports.undo_words import GONE, NAMED, SINCE, UndoOutcome, UndoRefused, when
from tracker.records.commitments import set_areas
from tracker.records.deletion import soft_delete
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import Conflict, NotFound
from tracker.records.revisions import money_terms, revise, stored_terms
from tracker.records.unit_of_work import IMPORT_OPTION, UnitOfWork, apply_values, snapshot, write

CHUNK = 5000  # rows loaded, compared and changed at a time
REASON = "correction"  # the revision reason of a commitment's money put back

# Tables whose rows people keep (soft-deleted), and organisations: put back row by row.
SOFT: dict[str, Any] = {
    "announcements": Announcement,
    "commitments": Commitment,
    "deliveries": Delivery,
    "milestones": Milestone,
}
PUT_BACK: dict[str, Any] = {"organisations": Organisation, **SOFT}
# An IATI activity's budgets and links: replaced whole, and put back whole.
EXTRAS: dict[str, Any] = {"planned_budgets": PlannedBudget, "activity_links": ActivityLink}
# Rows of a commitment, put back through it (areas, money) or kept as history.
THROUGH_COMMITMENT = ("profile_lines", "commitment_areas", "commitment_revisions", "commitment_baselines")
EXTRA_WORDS = {"planned_budgets": "budget", "activity_links": "activity link"}
WORDS = {
    "announcements": "announcement",
    "commitments": "commitment",
    "deliveries": "delivery",
    "milestones": "milestone",
    "organisations": "organisation",
}


def undo_import(import_id: int, *, engine: Engine, actor: Actor) -> UndoOutcome:
    """Undo import ``import_id`` as one unit (see the module docstring).

    Raises ``NotFound``, ``PermissionDenied``, ``Conflict`` (undone already)
    or ``UndoRefused`` (changed since, naming each row and who changed it);
    in each case nothing is changed."""
    return write(engine, actor, lambda uow: _Undo(uow, import_id).run())


# --- what the import did ----------------------------------------------------------------


@dataclass
class _Rows:
    """What the import did to one table's rows, by id, in the order it did it."""

    created: list[int] = field(default_factory=list)  # new rows it left in place
    changed: list[int] = field(default_factory=list)  # rows it found and changed
    removed: list[int] = field(default_factory=list)  # rows it found and deleted (budgets, links, lines, areas)

    @classmethod
    def of(cls, actions: dict[int, list[str]]) -> _Rows:
        rows = cls()
        for row_id, done in actions.items():
            if done[0] == "create":
                if done[-1] != "delete":  # (one it created and removed again left nothing)
                    rows.created.append(row_id)
            elif done[-1] == "delete":
                rows.removed.append(row_id)
            else:
                rows.changed.append(row_id)
        return rows


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _python(column: Any, value: Any) -> Any:
    """A value as an audit snapshot holds it (``unit_of_work.json_value``), as the column takes it."""
    if value is None:
        return None
    if isinstance(column.type, FinancialYearType):
        return FinancialYear.parse(value)
    if isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Boolean):
        return bool(value)
    return value


def values_from(model: Any, saved: dict[str, Any]) -> dict[str, Any]:
    """The column values an audit snapshot holds, as ``model``'s attributes (its id and version aside)."""
    return {
        column.key: _python(column, saved[column.key])
        for column in model.__table__.columns
        if column.key in saved and column.key not in ("id", "version")
    }


def _content(saved: dict[str, Any] | None) -> dict[str, Any]:
    """A snapshot without its bookkeeping (id, version), to compare what a row holds."""
    return {key: value for key, value in (saved or {}).items() if key not in ("id", "version")}


def _same(now: dict[str, Any], left: dict[str, Any] | None) -> bool:
    """Whether a row still holds what the import left (columns added since aside)."""
    return left is not None and all(now.get(key) == value for key, value in _content(left).items())


# --- the undo ----------------------------------------------------------------------------------


class _Undo:
    def __init__(self, uow: UnitOfWork, import_id: int):
        self.uow, self.session, self.import_id = uow, uow.session, import_id
        self.dialect = self.session.get_bind().dialect.name
        self.reasons: list[str] = []
        self.tables: dict[str, _Rows] = {}
        self.last_event = 0

    def run(self) -> UndoOutcome:
        session = self.session
        take_organisations_lock(session)  # never beside an import (PostgreSQL; SQLite: BEGIN IMMEDIATE)
        record = session.scalars(select(Import).where(Import.id == self.import_id).with_for_update()).one_or_none()
        if record is None:
            raise NotFound(
                _("there is no import {number} (funding-tracker import list shows them)", number=self.import_id)
            )
        authorise(self.uow.actor, history.undo_permission(record.kind))
        if record.undone_at is not None:
            raise Conflict(
                _(
                    "import {number} was undone already, by {who} at {moment}",
                    number=self.import_id,
                    who=record.undone_by,
                    moment=when(record.undone_at),
                )
            )
        session.connection().execution_options(**{IMPORT_OPTION: record.id})  # the undo's events carry it too
        self.outcome = UndoOutcome(record.id, record.kind, record.file_name)
        self._read_events()
        self._refuse_what_cannot_be_put_back()
        self.areas_before = self._areas_before()
        self.profiles_before = self._profiles_before()
        for entity in ("organisations", "announcements", "commitments", "deliveries", "milestones"):
            self._put_back(entity)
        self._put_back_extras()
        self._check_what_hangs_on_new_rows()
        for entity in ("deliveries", "milestones", "commitments", "announcements"):
            self._delete_created(entity)
        created_organisations = self._rows("organisations").created
        if created_organisations:
            self.outcome.kept["organisation"] = len(created_organisations)
        if self.reasons:
            raise UndoRefused(self.import_id, self.reasons)
        record.undone_at, record.undone_by = utc_now(), self.uow.actor.name
        session.flush()
        return self.outcome

    def _rows(self, entity: str) -> _Rows:
        return self.tables.get(entity) or _Rows()

    def _read_events(self) -> None:
        """Which rows of which tables the import created, changed and removed."""
        actions: dict[str, dict[int, list[str]]] = defaultdict(dict)
        found = self.session.execute(
            select(AuditEvent.id, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.action)
            .where(AuditEvent.import_id == self.import_id)
            .order_by(AuditEvent.id)
        )
        for event_id, entity, entity_id, action in found:
            self.last_event = event_id
            if entity_id is not None:  # (an event about no one row: none an import writes)
                actions[entity].setdefault(entity_id, []).append(action)
        self.tables = {entity: _Rows.of(by_id) for entity, by_id in actions.items()}

    def _refuse_what_cannot_be_put_back(self) -> None:
        known = {*PUT_BACK, *EXTRAS, *THROUGH_COMMITMENT}
        unknown = sorted(set(self.tables) - known)
        removed = sorted(entity for entity in PUT_BACK if self._rows(entity).removed)
        if unknown or removed:
            said = ", ".join(unknown + removed)
            raise UndoRefused(
                self.import_id, [_("it changed rows of {tables}, which an undo cannot put back", tables=said)]
            )

    def _events(self, entity: str, ids: Sequence[int]) -> dict[int, list[Any]]:
        """``{id: [before, after]}``: each row's state before the import and as it left it."""
        found: dict[int, list[Any]] = {}
        query = (
            select(AuditEvent.entity_id, AuditEvent.before, AuditEvent.after)
            .where(
                AuditEvent.import_id == self.import_id,
                AuditEvent.entity == entity,
                AuditEvent.id <= self.last_event,
                one_of(self.dialect, AuditEvent.entity_id, list(ids)),
            )
            .order_by(AuditEvent.id)
        )
        for entity_id, before, after in self.session.execute(query):
            if entity_id in found:
                found[entity_id][1] = after
            else:
                found[entity_id] = [before, after]
        return found

    def _changed_since(self, entity: str, ids: Iterable[int]) -> dict[int, tuple[str, datetime, str, int | None]]:
        """The newest later change to each of the rows ``ids`` (actor, when, action,
        import), leaving out the undo's own and those of imports undone since."""
        undone = select(Import.id).where(Import.undone_at.is_not(None))
        others = or_(
            AuditEvent.import_id.is_(None),
            and_(AuditEvent.import_id != self.import_id, AuditEvent.import_id.not_in(undone)),
        )
        latest: dict[int, tuple[str, datetime, str, int | None]] = {}
        for chunk in _chunks(sorted(set(ids))):
            query = (
                select(
                    AuditEvent.entity_id,
                    AuditEvent.actor,
                    AuditEvent.occurred_at,
                    AuditEvent.action,
                    AuditEvent.import_id,
                )
                .where(
                    AuditEvent.entity == entity,
                    one_of(self.dialect, AuditEvent.entity_id, list(chunk)),
                    AuditEvent.id > self.last_event,
                    others,
                )
                .order_by(AuditEvent.id)
            )
            for entity_id, actor, occurred_at, action, import_id in self.session.execute(query):
                if entity_id is not None:  # (the query asks for rows by id: always)
                    latest[entity_id] = (actor, occurred_at, action, import_id)
        return latest

    def _load(self, model: Any, ids: Sequence[int]) -> dict[int, Any]:
        """The rows ``ids``, locked for the change (PostgreSQL; SQLite holds the write lock)."""
        rows = self.session.scalars(
            select(model).where(one_of(self.dialect, model.id, list(ids))).with_for_update()
        ).all()
        return {row.id: row for row in rows}

    def _name(self, entity: str, row: Any) -> str:
        if entity == "organisations":
            return _("organisation {name}", name=repr(row.name))
        return _(NAMED[entity], ref=row.ref)

    def _since(self, what: str, later: tuple[str, datetime, str, int | None] | None, *, many: bool = False) -> str:
        """Why ``what`` (plural: ``many``) cannot be undone: who changed it since, and when."""
        if later is None:
            if many:
                return _(
                    "{what} no longer hold what the import left (changed since, with no audit event saying by whom)",
                    what=what,
                )
            return _(
                "{what} no longer holds what the import left (changed since, with no audit event saying by whom)",
                what=what,
            )
        actor, occurred_at, action, import_id = later
        verb = action if action in ("delete", "restore") else "change"
        moment = when(occurred_at)
        if import_id is not None:
            moment = _("{moment} (import {number})", moment=moment, number=import_id)
        return _(SINCE[verb, many], what=what, actor=actor, moment=moment)

    def _unchanged(self, entity: str, ids: Sequence[int], events: dict[int, list[Any]]) -> list[Any]:
        """The rows ``ids`` still as the import left them; a reason for each of the others."""
        rows = self._load(PUT_BACK[entity], ids)
        later = self._changed_since(entity, ids)
        kept = []
        for row_id in ids:
            row = rows.get(row_id)
            if row is None:
                self.reasons.append(_(GONE[entity], number=row_id))
            elif row_id in later or not _same(snapshot(row), events[row_id][1]):
                self.reasons.append(self._since(self._name(entity, row), later.get(row_id)))
            else:
                kept.append(row)
        return kept

    # --- what it changed -------------------------------------------------------------------

    def _replay(self, entity: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The rows of ``entity`` the import removed (as they were) and those it
        left (as it left them), event by event: a table whose rows are deleted
        and added (areas, budgets, links) may give a new row a removed one's id."""
        removed: dict[int, dict[str, Any]] = {}
        left: dict[int, dict[str, Any]] = {}
        found = self.session.execute(
            select(AuditEvent.entity_id, AuditEvent.action, AuditEvent.before, AuditEvent.after)
            .where(
                AuditEvent.import_id == self.import_id,
                AuditEvent.entity == entity,
                AuditEvent.id <= self.last_event,
            )
            .order_by(AuditEvent.id)
        )
        for row_id, action, before, after in found:
            if action == "create":
                left[row_id] = after
            elif action == "delete" and left.pop(row_id, None) is None:  # (one it added and removed again: gone)
                removed[row_id] = before
        return list(removed.values()), list(left.values())

    def _areas_before(self) -> dict[int, tuple[str, ...]]:
        """The areas each commitment the import changed them on had before (in their order)."""
        removed, left = self._replay("commitment_areas")
        before: dict[int, list[tuple[int, str]]] = {saved["commitment_id"]: [] for saved in left}
        for saved in removed:
            before.setdefault(saved["commitment_id"], []).append((saved["id"], saved["gss_code"]))
        return {cid: tuple(code for _order, code in sorted(codes)) for cid, codes in before.items()}

    def _profiles_before(self) -> dict[int, list[tuple[FinancialYear, int]]]:
        """The profile each commitment the import revised had before (from its first revision's terms)."""
        profiles: dict[int, list[tuple[FinancialYear, int]]] = {}
        for chunk in _chunks(self._rows("commitment_revisions").created):
            for _id, (_before, revision) in sorted(self._events("commitment_revisions", chunk).items()):
                terms = revision["before"]
                profiles.setdefault(
                    revision["commitment_id"],
                    [(FinancialYear.parse(label), pence) for label, pence in terms["profile"].items()],
                )
        return profiles

    def _put_back(self, entity: str) -> None:
        model = PUT_BACK[entity]
        for chunk in _chunks(self._rows(entity).changed):
            events = self._events(entity, chunk)
            for row in self._unchanged(entity, chunk, events):
                before = events[row.id][0]
                if entity == "commitments":
                    self._put_back_commitment(row, before)
                else:
                    current = snapshot(row)
                    if apply_values(row, values_from(model, before)):
                        self.uow.updated(row, current)
                self.outcome.put_back[WORDS[entity]] += 1

    def _put_back_commitment(self, commitment: Commitment, before: dict[str, Any]) -> None:
        """Its columns, areas and money as before the import; the money's change a revision."""
        current = snapshot(commitment)
        old_terms = stored_terms(commitment)
        codes = self.areas_before.get(commitment.id)
        if codes is not None:  # areas first, while its own columns are untouched (their flush must not version it)
            set_areas(self.uow, commitment, codes)
        apply_values(commitment, values_from(Commitment, before))
        commitment.updated_at = utc_now()  # the version covers areas and profile too
        self.uow.updated(commitment, current)
        profile = self.profiles_before.get(commitment.id)
        if profile is None:  # the import did not change its money
            return
        c = commitment
        new_terms = money_terms(
            c.kind,
            c.amount_pence,
            c.first_year,
            c.years,
            c.uplift_bp,
            profile,
            c.spread,
            c.planned_start,
            c.planned_end,
        )
        if new_terms != old_terms:
            revise(self.uow, commitment, old_terms, new_terms, REASON, f"undo of import {self.import_id}")

    def _put_back_extras(self) -> None:
        """Budgets and links of stored commitments the import replaced: replaced again by the old ones."""
        created_commitments = set(self._rows("commitments").created)
        left: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        removed: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        for entity in EXTRAS:
            gone, kept = self._replay(entity)
            for into, rows in ((removed, gone), (left, kept)):
                for saved in rows:
                    if saved["commitment_id"] not in created_commitments:  # (those follow their commitment)
                        into[saved["commitment_id"]][entity].append(saved)
        for commitment_id in sorted(set(left) | set(removed)):
            self._replace_extras(commitment_id, left[commitment_id], removed[commitment_id])

    def _replace_extras(
        self, commitment_id: int, left: dict[str, list[dict[str, Any]]], removed: dict[str, list[dict[str, Any]]]
    ) -> None:
        stored = {
            entity: list(
                self.session.scalars(
                    select(model).where(model.commitment_id == commitment_id).order_by(model.id).with_for_update()
                )
            )
            for entity, model in EXTRAS.items()
        }

        def contents(saved: Iterable[dict[str, Any]]) -> list[str]:
            return sorted(json.dumps(_content(s), sort_keys=True) for s in saved)

        if any(contents(snapshot(row) for row in stored[e]) != contents(left.get(e, [])) for e in EXTRAS):
            ref = self.session.get_one(Commitment, commitment_id).ref
            later = [
                change
                for entity in EXTRAS
                for change in self._changed_since(entity, [row.id for row in stored[entity]]).values()
            ]
            newest = max(later, key=lambda change: change[1]) if later else None
            self.reasons.append(
                self._since(_("the budgets and activity links of commitment {ref}", ref=ref), newest, many=True)
            )
            return
        for entity in EXTRAS:
            for row in stored[entity]:
                self.uow.record("delete", row, snapshot(row), None)
                self.session.delete(row)
            self.outcome.deleted[EXTRA_WORDS[entity]] += len(stored[entity])
        self.session.flush()
        for entity, model in EXTRAS.items():
            again = [model(**values_from(model, saved)) for saved in removed.get(entity, [])]
            self.session.add_all(again)
            self.uow.created(again)
            self.outcome.put_back[EXTRA_WORDS[entity]] += len(again)

    # --- what it created -----------------------------------------------------------------------

    def _check_what_hangs_on_new_rows(self) -> None:
        """A live record added since that names a row the import created refuses the undo."""
        commitments = set(self._rows("commitments").created)
        announcements = set(self._rows("announcements").created)
        own = {
            Delivery: set(self._rows("deliveries").created),
            Milestone: set(self._rows("milestones").created),
            Commitment: commitments | set(self._rows("commitments").changed),  # (changed: said already)
        }
        checks: tuple[tuple[Any, Any, set[int], str, Any], ...] = (
            (Delivery, Delivery.commitment_id, commitments, N_("is a delivery of commitment {target}"), Commitment),
            (Milestone, Milestone.commitment_id, commitments, N_("is a milestone of commitment {target}"), Commitment),
            (Commitment, Commitment.announcement_id, announcements, N_("is in announcement {target}"), Announcement),
            (Commitment, Commitment.reannounces_id, commitments, N_("re-announces commitment {target}"), Commitment),
            (Commitment, Commitment.part_of_id, commitments, N_("is a share of commitment {target}"), Commitment),
        )
        for model, column, targets, how, target_model in checks:
            for chunk in _chunks(sorted(targets)):
                found = self.session.execute(
                    select(model.id, model.ref, column).where(
                        one_of(self.dialect, column, list(chunk)), model.deleted_at.is_(None)
                    )
                ).all()
                for row_id, ref, target_id in found:
                    if row_id in own[model]:
                        continue
                    entity = model.__tablename__
                    target = self.session.get_one(target_model, target_id).ref
                    later = self._changed_since(entity, [row_id]).get(row_id)
                    said = {"record": _(NAMED[entity], ref=ref), "how": _(how, target=target)}
                    self.reasons.append(
                        _(
                            "{record}, added by {who} at {moment}, {how}, which this import created: "
                            "delete it (or undo what added it) first",
                            who=later[0],
                            moment=when(later[1]),
                            **said,
                        )
                        if later
                        else _(
                            "{record}, {how}, which this import created: delete it (or undo what added it) first",
                            **said,
                        )
                    )

    def _delete_created(self, entity: str) -> None:
        for chunk in _chunks(self._rows(entity).created):
            rows = self._unchanged(entity, chunk, self._events(entity, chunk))
            soft_delete(self.uow, rows)
            self.outcome.deleted[WORDS[entity]] += len(rows)
