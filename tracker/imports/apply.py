"""Step three of an import: save what a plan previewed, all rows or none.

``apply_plan`` refuses a plan with problems, a file that is not the one
previewed (its SHA-256) and a database that changed since the preview (the
number and highest id of the audit events: every write adds one). Inside
the one transaction the file is checked again against the database and must
come to the same rows and actions as the preview.

New rows are saved in bulk, a chunk at a time, by ``tracker.imports.bulk``. Changed rows go through the
records' own edit use-cases, ``update_commitment`` / ``update_delivery``
(optimistic version check, audit, and for a change to a commitment's money a
revision with its reason, which ``apply_plan`` takes as ``reason``). Those
use-cases open their own unit of work on the ``engine`` they are given;
``apply_plan`` hands them its own connection, already inside the import's
transaction, so their sessions join it (SQLAlchemy's "join a session into an
external transaction" pattern) and a failure anywhere rolls back every row.

``import_file`` is the CLI's way in: the same plan and apply, one after the
other, with no person in between.

An import that saves anything is recorded in the same transaction
(``tracker.imports.history``): every audit event it writes, its edit
use-cases' included, carries the record's id, so that ``tracker.imports.undo``
can undo it as one unit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from db.fast_insert import growing_tables
from db.models import Import
from db.session import take_organisations_lock, write_engine
from tracker.core.limits import check_text
from tracker.core.money import plain_pounds
from tracker.core.vocabulary import REVISION_REASONS
from tracker.files.tabular import DataError, Problem
from tracker.i18n import _, ngettext
from tracker.imports import activity_extras, bulk, history, reading, saving
from tracker.imports import plan as planning
from tracker.imports.plan import ImportPlan, PlanRefused
from tracker.records import commitments as commitment_writes
from tracker.records import deliveries as delivery_writes
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.delivery_rows import DeliveryRecord
from tracker.records.inputs import CommitmentInput, DeliveryInput
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import ServiceError
from tracker.records.retrying import retrying

# New rows are saved this many at a time (tracker.imports.bulk: one INSERT per
# table per chunk); the progress callback hears after each chunk.
SAVE_CHUNK = 5000
UPDATES_BETWEEN_PROGRESS = 100  # updates go one by one through the edit use-cases

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did."""

    kind: str
    created: int
    updated: int
    unchanged: int
    details: saving.ImportResult = field(default_factory=saving.ImportResult)
    notes: tuple[Problem, ...] = ()  # said, but no reason to refuse the file (e.g. a grant repeated exactly)
    import_id: int | None = None  # the import as recorded (tracker.imports.history); None: nothing saved

    def __str__(self) -> str:
        """``created 1 delivery, updated 0 deliveries, 7 deliveries unchanged``, in the language in use."""
        kind = reading.kind_of(self.kind)
        text = _(
            "created {created}, updated {updated}, {unchanged} unchanged",
            created=rows_said(kind.one, self.created),
            updated=rows_said(kind.one, self.updated),
            unchanged=rows_said(kind.one, self.unchanged),
        )
        own = "commitment" if kind.saves == "commitments" else "delivery"
        extra = [_new(entity, n) for entity, n in self.details.created.items() if entity != own]
        extra += [_updated(entity, n) for entity, n in self.details.updated.items()]
        if extra:
            text = _("{said} (with {extra})", said=text, extra=", ".join(extra))
        return text


def rows_said(one: str, n: int) -> str:
    """``7 deliveries``: ``n`` rows of a file of grants, activities, commitments or deliveries."""
    count = format(n, ",")
    if one == "grant":
        return ngettext("{count} grant", "{count} grants", n, count=count)
    if one == "activity":
        return ngettext("{count} activity", "{count} activities", n, count=count)
    if one == "delivery":
        return ngettext("{count} delivery", "{count} deliveries", n, count=count)
    return ngettext("{count} commitment", "{count} commitments", n, count=count)


def _new(entity: str, n: int) -> str:
    """``2 new organisations``: records an import created beside its rows."""
    count = format(n, ",")
    if entity == "organisation":
        return ngettext("{count} new organisation", "{count} new organisations", n, count=count)
    if entity == "announcement":
        return ngettext("{count} new announcement", "{count} new announcements", n, count=count)
    if entity == "commitment":
        return ngettext("{count} new commitment", "{count} new commitments", n, count=count)
    if entity == "delivery":
        return ngettext("{count} new delivery", "{count} new deliveries", n, count=count)
    if entity == "budget":
        return ngettext("{count} new budget", "{count} new budgets", n, count=count)
    if entity == "activity link":
        return ngettext("{count} new activity link", "{count} new activity links", n, count=count)
    return f"{count} new {saving.plural(entity, n)}"  # (every entity an import counts is above)


def _updated(entity: str, n: int) -> str:
    """``3 deliveries updated``: records an import changed beside its rows."""
    count = format(n, ",")
    if entity == "delivery":
        return ngettext("{count} delivery updated", "{count} deliveries updated", n, count=count)
    if entity == "budget":
        return ngettext("{count} budget updated", "{count} budgets updated", n, count=count)
    if entity == "activity link":
        return ngettext("{count} activity link updated", "{count} activity links updated", n, count=count)
    if entity == "commitment":
        return ngettext("{count} commitment updated", "{count} commitments updated", n, count=count)
    return f"{count} {saving.plural(entity, n)} updated"  # (every entity an import counts is above)


def check_reason(reason: str | None, reason_text: str) -> list[Problem]:
    """Why the money of stored commitments changed: asked once for a whole import."""
    choices = ", ".join(REVISION_REASONS)
    if reason not in REVISION_REASONS:
        return [
            Problem(
                None,
                "reason",
                reason or None,
                _(
                    "the file changes the money of a stored commitment: give a reason, one of {choices}",
                    choices=choices,
                ),
            )
        ]
    if reason == "other" and not (reason_text or "").strip():
        return [Problem(None, "reason_text", None, _("required when the reason is other: say why the money changed"))]
    wrong = check_text("reason_text", reason_text or "")
    return [Problem(None, "reason_text", None, wrong)] if wrong else []


def apply_plan(
    plan: ImportPlan,
    source: reading.Source,
    *,
    engine: Engine,
    actor: Actor,
    progress: Progress | None = None,
    reason: str | None = None,
    reason_text: str = "",
) -> ImportOutcome:
    """Save what ``plan`` previewed, all rows or none.

    ``source`` is the file planned (the same bytes, or the same path).
    ``reason`` (one of ``REVISION_REASONS``; ``reason_text`` for "other") is
    needed when ``plan.needs_reason``. ``progress(done, total)`` is called as
    rows are saved: at the start, after each chunk of ``SAVE_CHUNK`` new rows,
    every 100 updated rows, and at the end.

    Raises ``DataError`` (the plan's problems, or a missing reason),
    ``PlanRefused`` (the file or the database changed since the preview, or
    the edit use-cases refused a change) or ``PermissionDenied``; in each case
    nothing is changed.
    """
    kind = reading.kind_of(plan.kind)
    if plan.problems:
        raise DataError(plan.problems)
    if reading.content_hash(source) != plan.content_hash:
        raise PlanRefused(
            [
                Problem(
                    None,
                    None,
                    None,
                    _(
                        "{file} is not the file that was previewed (its contents differ): preview it again",
                        file=plan.filename,
                    )
                    if plan.filename
                    else _("the file is not the file that was previewed (its contents differ): preview it again"),
                )
            ]
        )
    if plan.needs_reason:
        reason_problems = check_reason(reason, reason_text)
        if reason_problems:
            raise DataError(reason_problems)
    authorise(actor, kind.permission)
    parsed = reading.read_parsed(kind, source, plan.filename, plan.options)
    if parsed.problems:  # cannot happen for a file that planned cleanly, but never save on a guess
        raise DataError(parsed.problems)

    # One connection, one transaction (BEGIN IMMEDIATE on SQLite): this
    # module's session and the edit use-cases' sessions all join it. Tried
    # again as a whole while the database is busy (tracker.records.retrying).
    def save() -> tuple[planning.Checked, saving.ImportResult, int | None]:
        with write_engine(engine).connect() as connection, connection.begin():
            with Session(bind=connection, expire_on_commit=False) as session:
                take_organisations_lock(session)
                if planning.database_state(session) != plan.database_state:
                    raise PlanRefused(
                        [
                            Problem(
                                None,
                                None,
                                None,
                                _(
                                    "the database changed since this file was previewed "
                                    "(someone saved something): preview the file again"
                                ),
                            )
                        ]
                    )
                checked = planning.check(kind, session, parsed)
                if checked.problems or not _same_rows(checked.frame(), plan.rows):
                    raise PlanRefused(
                        [Problem(None, None, None, _("the file no longer imports as previewed: preview it again"))]
                    )
                record = _begin(checked, session, plan.filename, actor)
                result = _save(checked, session, connection, actor, progress, reason, reason_text)
                if record is not None:
                    history.finish(session, record, result)
                session.commit()  # joined: flushes; the connection's block commits
        return checked, result, record.id if record is not None else None

    checked, result, import_id = retrying(save)
    return ImportOutcome(
        plan.kind,
        result.created_rows,
        result.updated_rows,
        checked.actions.count("unchanged"),
        result,
        tuple(plan.notes),
        import_id,
    )


def _begin(checked: planning.Checked, session: Session, file_name: str | None, actor: Actor) -> Import | None:
    """The import's record (``tracker.imports.history``), when it saves anything:
    from here on every audit event in its transaction carries its id."""
    actions = checked.all_actions()
    if "create" not in actions and "update" not in actions:
        return None
    return history.begin(session, checked.kind.name, file_name, actor)


def _save(
    checked: planning.Checked,
    session: Session,
    connection: Connection,
    actor: Actor,
    progress: Progress | None,
    reason: str | None,
    reason_text: str,
) -> saving.ImportResult:
    """Save a checked file inside the caller's transaction: new rows in bulk,
    a chunk at a time, then each changed row through its edit use-case."""
    kind = checked.kind
    creates = checked.with_action("create")
    updates = checked.with_action("update")
    companions = checked.companions
    companion_rows = len(companions.with_action("create")) + len(companions.with_action("update")) if companions else 0
    tick = _Ticker(progress, len(creates) + len(updates) + companion_rows)
    result = saving.ImportResult(created_rows=len(creates), updated_rows=len(updates))
    ordered: list[Any] = targets_first(creates) if kind.saves == "commitments" else creates
    growing_tables(connection)  # the refs looked up below are in tables this transaction fills
    saved = bulk.Saved()
    if kind.saves == "commitments":  # what the new commitments join, as the check found it
        saved = bulk.Saved.for_file(creates, checked.linked_ids, checked.announcements)
    for start in range(0, len(ordered), SAVE_CHUNK):
        chunk = ordered[start : start + SAVE_CHUNK]
        if kind.saves == "commitments":
            bulk.insert_commitments(session, chunk, actor, result, saved)
        else:
            bulk.insert_deliveries(session, chunk, actor, result)
        tick.add(len(chunk))
    session.flush()  # the edits below run in other sessions on this connection: they must see these
    for rec in updates:
        _update(kind.saves, checked.versions, rec, connection, actor, reason, reason_text)
        tick.add(1)
    if companions is not None:  # the deliveries that came with the commitments, now saved
        new = companions.with_action("create")
        for start in range(0, len(new), SAVE_CHUNK):
            bulk.insert_deliveries(session, new[start : start + SAVE_CHUNK], actor, result)
            tick.add(len(new[start : start + SAVE_CHUNK]))
        session.flush()
        changed = companions.with_action("update")
        for rec in changed:
            _update("deliveries", companions.versions, rec, connection, actor, reason, reason_text)
            tick.add(1)
        result.count("updated", "delivery", len(changed))
    if checked.extras is not None:  # IATI activities' budgets and links, replaced where they changed
        created = checked.extras.with_action("create")
        replaced = checked.extras.with_action("update")
        activity_extras.save(session, created, actor, replacing=False)
        activity_extras.save(session, replaced, actor, replacing=True)
        for bucket, records in (("created", created), ("updated", replaced)):
            result.count(bucket, "budget", sum(len(rec.budgets) for rec in records))
            result.count(bucket, "activity link", sum(len(rec.links) for rec in records))
    tick.finish()
    return result


def import_file(
    kind: str,
    path: str | Path,
    *,
    engine: Engine,
    actor: Actor,
    reason: str | None = None,
    reason_text: str = "",
    progress: Progress | None = None,
    options: reading.Options | None = None,
) -> ImportOutcome:
    """Plan and apply a file in one go (the CLI): the same checks, problems and
    saving as the Import page, all rows or none. Raises ``DataError`` with
    every problem, ``PermissionDenied`` before reading anything."""
    found = reading.kind_of(kind)
    authorise(actor, found.permission)
    path = Path(path)
    parsed = reading.read_parsed(found, path, path.name, options or reading.Options())
    if not parsed.checkable:
        raise DataError(parsed.problems)

    # Checked once, inside the transaction that saves it: nobody previews
    # it, so nothing can change between the check and the saving. Tried
    # again as a whole while the database is busy (tracker.records.retrying).
    def check_and_save() -> ImportOutcome:
        with write_engine(engine).connect() as connection, connection.begin():
            with Session(bind=connection, expire_on_commit=False) as session:
                take_organisations_lock(session)
                checked = planning.check(found, session, parsed, described=False)
                problems = sorted(parsed.problems + checked.problems, key=lambda p: p.line or 0)
                if problems:
                    raise DataError(problems)
                unchanged = checked.actions.count("unchanged")
                notes = tuple(parsed.notes)
                actions = checked.all_actions()
                if "create" not in actions and "update" not in actions:
                    return ImportOutcome(kind, 0, 0, unchanged, notes=notes)
                if checked.needs_reason:
                    reason_problems = check_reason(reason, reason_text)
                    if reason_problems:
                        raise DataError(reason_problems)
                record = history.begin(session, found.name, path.name, actor)
                result = _save(checked, session, connection, actor, progress, reason, reason_text)
                history.finish(session, record, result)
                session.commit()
        return ImportOutcome(kind, result.created_rows, result.updated_rows, unchanged, result, notes, record.id)

    return retrying(check_and_save)


def stderr_progress() -> Progress:
    """A one-line progress counter on stderr, for a terminal."""

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\rsaving: {done:,}/{total:,} rows")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


class _Ticker:
    """Calls ``progress(done, total)`` at the start, after each chunk of new rows saved,
    every 100 updates and at the end."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done, self.told = progress, total, 0, 0
        if progress:
            progress(0, total)

    def add(self, n: int) -> None:
        self.done += n
        if self.progress and self.done - self.told >= min(SAVE_CHUNK, UPDATES_BETWEEN_PROGRESS):
            self.told = self.done
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress and self.told != self.done:
            self.told = self.done
            self.progress(self.done, self.total)


def _same_rows(now: Any, previewed: Any) -> bool:
    columns = ["line", "ref", "action", "changes"]
    if len(now) != len(previewed):
        return False
    return list(now[columns].itertuples(index=False, name=None)) == list(
        previewed[columns].itertuples(index=False, name=None)
    )


def targets_first(records: list[CommitmentRecord]) -> list[CommitmentRecord]:
    """Records ordered so that a re-announced commitment in the file is saved
    before the one that re-announces it (saving goes in chunks)."""
    by_ref = {rec.ref: rec for rec in records}
    placed: set[str] = set()
    ordered: list[CommitmentRecord] = []
    for rec in records:
        chain: list[CommitmentRecord] = []
        current: CommitmentRecord | None = rec
        while current is not None and current.ref not in placed and current not in chain:
            chain.append(current)
            current = by_ref.get(current.reannounces) if current.reannounces else None
            if current is None and chain[-1].part_of:  # a pot before its shares
                current = by_ref.get(chain[-1].part_of)
        for item in reversed(chain):
            placed.add(item.ref)
            ordered.append(item)
    return ordered


# --- updates ---------------------------------------------------------------------------


def _update(
    kind: str,
    versions: dict[str, int],
    rec: Any,
    connection: Connection,
    actor: Actor,
    reason: str | None,
    reason_text: str,
) -> None:
    """Change one stored row through its edit use-case, inside the import's transaction."""
    try:
        if kind == "commitments":
            commitment_writes.update_commitment(
                rec.ref,
                _commitment_input(rec),
                expected_version=versions[rec.ref],
                reason=reason,
                reason_text=reason_text,
                engine=connection,
                actor=actor,
                new_organisations_ok=True,
            )
        else:
            delivery_writes.update_delivery(
                rec.ref, _delivery_input(rec), expected_version=versions[rec.ref], engine=connection, actor=actor
            )
    except ServiceError as err:
        found = getattr(err, "problems", None)
        if found:
            problems = [Problem(rec.line, p.field, p.value or None, p.expected) for p in found]
        else:
            problems = [Problem(rec.line, "ref", rec.ref, str(err))]
        raise PlanRefused(problems) from err


def _uplift_text(bp: int) -> str:
    return "" if not bp else format(Decimal(bp) / 100, "f")


def _commitment_input(rec: CommitmentRecord) -> CommitmentInput:
    return CommitmentInput(
        ref=rec.ref,
        purpose=rec.purpose,
        recipient=rec.recipient or "",
        kind=rec.kind,
        amount=plain_pounds(rec.amount_pence),
        first_year=rec.first_year.label if rec.first_year and rec.kind != "profiled" else "",
        years=str(rec.years) if rec.years is not None and rec.kind != "profiled" else "",
        qualifier=rec.qualifier,
        status=rec.status,
        capital_or_revenue=rec.capital_or_revenue or "",
        programme=rec.programme or "",
        uplift_pct=_uplift_text(rec.uplift_bp),
        profile=";".join(f"{fy.label}={plain_pounds(pence)}" for fy, pence in rec.profile),
        reannounces=rec.reannounces or "",
        part_of=rec.part_of or "",
        spread="" if rec.spread == "none" else rec.spread,
        planned_start=rec.planned_start.isoformat() if rec.planned_start else "",
        planned_end=rec.planned_end.isoformat() if rec.planned_end else "",
        areas=";".join(rec.areas),
        recipient_id=rec.recipient_id or "",
    )


def _delivery_input(rec: DeliveryRecord) -> DeliveryInput:
    return DeliveryInput(
        ref=rec.ref,
        commitment_ref=rec.commitment_ref,
        paid_on=rec.paid_on.isoformat() if rec.paid_on else "",
        amount=plain_pounds(rec.amount_pence),
        kind=rec.kind,
        note=rec.note or "",
        evidence_url=rec.evidence_url or "",
        illustrative=rec.illustrative,
    )
