"""Bulk import with a preview: read an upload, say what it would change, then do exactly that.

Two steps, so that nothing is saved that a person has not seen:

1. ``plan_commitments`` / ``plan_deliveries`` read the uploaded bytes (CSV or
   XLSX), validate every row with the same parsers and database checks as
   the writes in ``tracker.records``, and compare each row with the database by its
   ``ref``: ``create``, ``unchanged`` or ``update`` (with the changed fields,
   e.g. ``amount £1,000,000 -> £1,500,000``). They never raise for bad data:
   every problem is in ``ImportPlan.problems`` (line, column, value, expected).
2. ``apply_plan`` saves the plan in one transaction, all rows or none. It
   refuses a plan with problems, bytes that are not the file previewed (a
   SHA-256 of the content), and a database that changed since the preview
   (the number and highest id of the audit events: every write adds one).
   Inside the transaction the file is checked again against the database and
   must come to the same rows and actions as the preview.

New rows are saved by ``tracker.imports.bulk`` (``_save_commitments`` /
``_save_deliveries``), so an upload and ``funding-tracker import`` write the
same records and audit events. Changed rows go through the edit use-cases,
``tracker.records.commitments.update_commitment`` /
``tracker.records.deliveries.update_delivery`` (optimistic version
check, audit, and for a change to a commitment's money a revision with its
reason, which ``apply_plan`` takes as ``reason``). Those use-cases open their
own unit of work on the ``engine`` they are given; ``apply_plan`` hands them
its own connection, already inside the import's transaction, so their
sessions join it (SQLAlchemy's "join a session into an external transaction"
pattern) and a failure anywhere rolls back every row. Without those
use-cases (``UPDATES_NOT_AVAILABLE``) a row that would change a stored
record is reported as a problem instead.

An import cannot change what belongs to an announcement (its date, its
funder, which announcement a commitment is in): that is a problem naming the
announcement to edit in the dashboard.

Re-importing a file already imported finds every row ``unchanged`` and
changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

from db import models
from db.models import Announcement, AuditEvent, Commitment, Delivery
from db.session import read_session, write_engine
from tracker.imports import bulk
from tracker.records import commitments as commitment_writes
from tracker.records import deliveries as delivery_writes
from tracker.core.fiscal import FinancialYear
from tracker.records import commitment_rows as commitments_format
from tracker.records import delivery_rows as deliveries_format
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.delivery_rows import DeliveryRecord
from tracker.records.inputs import CommitmentInput, DeliveryInput
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import ServiceError
from tracker.files.tabular import DataError, Problem, Row, read_table_bytes
from tracker.core.money import format_pounds, plain_pounds

log = logging.getLogger(__name__)

KINDS = ("commitments", "deliveries")
ACTIONS = ("create", "update", "unchanged")
NOUNS = {"commitments": ("commitment", "commitments"), "deliveries": ("delivery", "deliveries")}
# The progress callback hears about the saving this often (in rows).
PROGRESS_EVERY = 100
ROW_COLUMNS = ("line", "ref", "action", "summary", "changes")
PROBLEM_COLUMNS = ("line", "column", "value", "expected")
# Why a commitment's money changed: asked once for a whole import.
REVISION_REASONS: tuple[str, ...] = getattr(models, "REVISION_REASONS", ())

Progress = Callable[[int, int], None]

UPDATES_NOT_AVAILABLE = {
    "commitments": "changing an existing commitment by import is not available yet; edit it in the dashboard",
    "deliveries": "changing an existing delivery by import is not available yet; edit it in the dashboard",
}
# Shown instead of a traceback if a reader or parser fails unexpectedly; the
# tests look for it, so that such a failure is a bug found, not a message.
INTERNAL_ERROR = "could not be read because of an internal error"

# A change to any of these is a revision of the commitment's money.
MONEY_FIELDS = frozenset({"kind", "amount", "first_year", "years", "uplift_pct", "profile"})
# These belong to the announcement, which an import of commitments does not edit.
ANNOUNCEMENT_FIELDS = frozenset({"announced_on", "funder", "announcement_ref"})
# The database's limits on text, and the columns pages show as links (a
# javascript: or data: "link" would run in the reader's browser): checked at
# preview so that an import fails with a message, not at the database.
TEXT_LIMITS = {
    "commitments": {"ref": 100, "announcement_ref": 100, "funder": 200, "recipient": 200, "programme": 200,
                    "title": 300},
    "deliveries": {"ref": 100},
}
LINK_COLUMNS = {"commitments": ("source_url",), "deliveries": ("evidence_url",)}
WEB_ADDRESS = ("https://", "http://")


class PlanRefused(DataError):
    """The plan no longer describes what saving would do; nothing was changed."""


@dataclass(frozen=True, eq=False)
class ImportPlan:
    """What importing a file would do, for a person to confirm.

    ``rows``: one row per valid record in the file (``line, ref, action,
    summary, changes``). ``problems``: everything wrong, in file order; a plan
    with any problem cannot be applied. ``counts``: ``create``, ``update``,
    ``unchanged``, ``problems``. ``content_hash`` and ``database_state`` tie
    the plan to the bytes and the database it was made from; ``versions``
    holds the version of each stored row it would change.
    """

    kind: str
    filename: str
    rows: pd.DataFrame
    problems: list[Problem]
    counts: dict[str, int]
    content_hash: str
    database_state: tuple[int, int] = (0, 0)
    versions: dict[str, int] = field(default_factory=dict)
    needs_reason: bool = False  # some row changes a commitment's money

    @property
    def to_apply(self) -> int:
        """Rows that would be created or changed."""
        return self.counts.get("create", 0) + self.counts.get("update", 0)

    @property
    def can_apply(self) -> bool:
        return not self.problems and self.to_apply > 0

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table: line ("file" for the whole file), column, value, expected."""
        return problems_frame(self.problems)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [("file" if p.line is None else str(p.line), p.column or "", p.value or "", p.expected) for p in problems],
        columns=list(PROBLEM_COLUMNS),
    )


@dataclass(frozen=True)
class ImportOutcome:
    """What ``apply_plan`` did."""

    kind: str
    created: int
    updated: int
    unchanged: int
    details: bulk.ImportResult = field(default_factory=bulk.ImportResult)

    def __str__(self) -> str:
        one, many = NOUNS[self.kind]

        def said(n: int) -> str:
            return f"{n:,} {one if n == 1 else many}"

        text = f"created {said(self.created)}, updated {said(self.updated)}, {said(self.unchanged)} unchanged"
        extra = {k: v for k, v in self.details.created.items() if k not in ("commitment", "delivery")}
        if extra:
            text += " (with " + ", ".join(f"{n:,} new {entity}{'' if n == 1 else 's'}"
                                          for entity, n in extra.items()) + ")"
        return text


# --- the two steps ------------------------------------------------------------------


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_commitments(data: bytes, filename: str, *, engine: Engine) -> ImportPlan:
    """Preview importing a commitments CSV/XLSX. Never raises for bad data."""
    return _plan("commitments", data, filename, engine)


def plan_deliveries(data: bytes, filename: str, *, engine: Engine) -> ImportPlan:
    """Preview importing a deliveries CSV/XLSX. Never raises for bad data."""
    return _plan("deliveries", data, filename, engine)


def plan_import(
    kind: str, data: bytes, filename: str, *, engine: Engine, previous: ImportPlan | None = None
) -> ImportPlan:
    """``plan_commitments`` or ``plan_deliveries`` by ``kind``.

    ``previous`` is returned as it is if it was made from the same kind, name
    and bytes and nothing has been saved since: a page rerun (e.g. choosing a
    reason) does not check a large file again.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if (previous is not None and (previous.kind, previous.filename) == (kind, filename)
            and previous.content_hash == content_hash(data)):
        with read_session(engine) as session:
            if _database_state(session) == previous.database_state:
                return previous
    return _plan(kind, data, filename, engine)


def apply_plan(
    plan: ImportPlan,
    data: bytes,
    *,
    engine: Engine,
    actor: Actor,
    progress: Progress | None = None,
    reason: str | None = None,
    reason_text: str = "",
) -> ImportOutcome:
    """Save what ``plan`` previewed, all rows or none.

    ``reason`` (one of ``REVISION_REASONS``; ``reason_text`` for "other") is
    needed when ``plan.needs_reason``. ``progress(done, total)`` is called as
    rows are saved: at the start, every ``PROGRESS_EVERY`` rows and at the end.

    Raises ``DataError`` (the plan's problems, or a missing reason),
    ``PlanRefused`` (the file or the database changed since the preview, or
    the edit use-cases refused a change) or ``tracker.records.permissions.PermissionDenied``;
    in each case nothing is changed.
    """
    if plan.problems:
        raise DataError(plan.problems)
    if content_hash(data) != plan.content_hash:
        raise PlanRefused([Problem(None, None, None, f"{plan.filename or 'the file'} is not the file that was "
                                   "previewed (its contents differ): preview it again")])
    if plan.needs_reason:
        reason_problems = _check_reason(reason, reason_text)
        if reason_problems:
            raise DataError(reason_problems)
    authorise(actor, f"import_{plan.kind}")
    header, rows, problems = _read(plan.kind, data, plan.filename)
    if problems:  # cannot happen for bytes that planned cleanly, but never save on a guess
        raise DataError(problems)

    # One connection, one transaction (BEGIN IMMEDIATE on SQLite): this
    # module's session and the edit use-cases' sessions all join it.
    with write_engine(engine).connect() as connection, connection.begin():
        with Session(bind=connection, expire_on_commit=False) as session:
            if _database_state(session) != plan.database_state:
                raise PlanRefused([Problem(None, None, None, "the database changed since this file was previewed "
                                           "(someone saved something): preview the file again")])
            checked = _check(plan.kind, session, header, rows)
            if checked.problems or not _same_rows(checked.frame(), plan.rows):
                raise PlanRefused([Problem(None, None, None, "the file no longer imports as previewed: "
                                           "preview it again")])
            creates = checked.with_action("create")
            updates = checked.with_action("update")
            total = len(creates) + len(updates)
            tick = _Ticker(progress, total)
            result = bulk.ImportResult()
            save = bulk._save_commitments if plan.kind == "commitments" else bulk._save_deliveries
            ordered = _targets_first(creates) if plan.kind == "commitments" else creates
            for start in range(0, len(ordered), PROGRESS_EVERY):
                chunk = ordered[start : start + PROGRESS_EVERY]
                save(session, chunk, actor, result)
                tick.add(len(chunk))
            session.flush()  # the edits below run in other sessions on this connection: they must see these
            for rec in updates:
                _update(plan, rec, connection, actor, reason, reason_text)
                tick.add(1)
            tick.finish()
            session.commit()  # joined: flushes; the connection's block commits
    return ImportOutcome(plan.kind, len(creates), len(updates), plan.counts.get("unchanged", 0), result)


class _Ticker:
    """Calls ``progress(done, total)`` at the start, every PROGRESS_EVERY rows and at the end."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done, self.told = progress, total, 0, 0
        if progress:
            progress(0, total)

    def add(self, n: int) -> None:
        self.done += n
        if self.progress and self.done - self.told >= PROGRESS_EVERY:
            self.told = self.done
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress and self.told != self.done:
            self.told = self.done
            self.progress(self.done, self.total)


# --- planning ----------------------------------------------------------------------


@dataclass
class _Checked:
    """A file checked against the database: each valid record with its action."""

    kind: str
    records: list = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    changes: list[list[tuple[str, str]]] = field(default_factory=list)  # (field, "field old -> new")
    summaries: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)

    def add(self, rec, action: str, changes: list[tuple[str, str]], summary: str) -> None:
        self.records.append(rec)
        self.actions.append(action)
        self.changes.append(changes)
        self.summaries.append(summary)

    def with_action(self, action: str) -> list:
        return [rec for rec, a in zip(self.records, self.actions) if a == action]

    @property
    def needs_reason(self) -> bool:
        return any(a == "update" and any(name in MONEY_FIELDS for name, _ in changes)
                   for a, changes in zip(self.actions, self.changes)) and self.kind == "commitments"

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "line": pd.Series([rec.line for rec in self.records], dtype="int64"),
                "ref": pd.Series([rec.ref for rec in self.records], dtype=object),
                "action": pd.Series(self.actions, dtype=object),
                "summary": pd.Series(self.summaries, dtype=object),
                "changes": pd.Series(["; ".join(said for _, said in c) for c in self.changes], dtype=object),
            },
            columns=list(ROW_COLUMNS),
        )


def _plan(kind: str, data: bytes, filename: str, engine: Engine) -> ImportPlan:
    digest = content_hash(data)
    header, rows, problems = _read(kind, data, filename)
    with read_session(engine) as session:
        state = _database_state(session)
        if _rows_can_be_checked(header, rows, problems):
            checked = _check(kind, session, header, rows)
            checked.problems = sorted(problems + checked.problems, key=lambda p: p.line or 0)
        else:
            checked = _Checked(kind, problems=problems)
    frame = checked.frame()
    counts = {action: int((frame["action"] == action).sum()) for action in ACTIONS}
    counts["problems"] = len(checked.problems)
    return ImportPlan(kind, filename, frame, list(checked.problems), counts, digest, state,
                      dict(checked.versions), checked.needs_reason)


def _rows_can_be_checked(header: list[str], rows: list[Row], problems: list[Problem]) -> bool:
    """Whether to go on to the rows after problems reading the file: yes if
    the header was read with no column named twice and only some rows were
    set aside (a row with too many cells, a formula with no saved result),
    so that the preview lists every bad row at once."""
    if not problems:
        return True
    names = [name for name in header if name]
    return bool(names) and len(set(names)) == len(names) and bool(rows)


def _read(kind: str, data: bytes, filename: str) -> tuple[list[str], list[Row], list[Problem]]:
    aliases = commitments_format.HEADER_ALIASES if kind == "commitments" else deliveries_format.HEADER_ALIASES
    try:
        return read_table_bytes(data, filename, aliases, sheet=kind.capitalize())  # "Commitments" / "Deliveries"
    except Exception:  # a reader bug must not take the page down; the log has the detail
        log.exception("reading %r failed", filename)
        return [], [], [Problem(None, None, None, INTERNAL_ERROR)]


def _parse(kind: str, header: list[str], rows: list[Row], known_refs: set[str]) -> tuple[list, list[Problem]]:
    try:
        if kind == "commitments":
            return commitments_format.parse_commitments(header, rows, known_refs=known_refs)
        return deliveries_format.parse_deliveries(header, rows)
    except Exception:
        log.exception("parsing an uploaded %s file failed", kind)
        return [], [Problem(None, None, None, INTERNAL_ERROR)]


def _database_state(session: Session) -> tuple[int, int]:
    """How many audit events there are and the highest id: any write changes it."""
    count, highest = session.execute(select(func.count(AuditEvent.id), func.max(AuditEvent.id))).one()
    return int(count or 0), int(highest or 0)


def _by_ref(session: Session, model, refs, *options) -> dict[str, object]:
    refs = sorted({ref for ref in refs if ref})
    found: dict[str, object] = {}
    for start in range(0, len(refs), 500):  # keep IN lists a sensible size
        chunk = refs[start : start + 500]
        query = select(model).where(model.ref.in_(chunk)).options(*options)
        found.update({obj.ref: obj for obj in session.scalars(query)})
    return found


# What comparing a stored row reads, loaded up front rather than a query per row.
_COMMITMENT_DETAIL = (
    selectinload(Commitment.announcement).selectinload(Announcement.funder),
    selectinload(Commitment.recipient),
    selectinload(Commitment.reannounces),
    selectinload(Commitment.profile_lines),
)


def _check(kind: str, session: Session, header: list[str], rows: list[Row]) -> _Checked:
    if kind == "commitments":
        checked = _check_commitments(session, header, rows)
    else:
        checked = _check_deliveries(session, header, rows)
    _check_text(checked)
    checked.problems.sort(key=lambda p: p.line or 0)
    return checked


def _check_text(checked: _Checked) -> None:
    for rec in checked.records:
        for column, limit in TEXT_LIMITS[checked.kind].items():
            value = getattr(rec, column) or ""
            if len(value) > limit:
                checked.problems.append(Problem(rec.line, column, value[:60] + "…",
                                                f"expected at most {limit} characters (this has {len(value)})"))
        for column in LINK_COLUMNS[checked.kind]:
            value = getattr(rec, column) or ""
            if value and not value.lower().startswith(WEB_ADDRESS):
                checked.problems.append(Problem(rec.line, column, value,
                                                "expected a web address starting with https:// or http://"))


def _check_commitments(session: Session, header: list[str], rows: list[Row]) -> _Checked:
    targets = {row.get("reannounces") for row in rows if row.get("reannounces")}
    known = {ref for ref, c in _by_ref(session, Commitment, targets).items() if c.deleted_at is None}
    records, problems = _parse("commitments", header, rows, known)
    checked = _Checked("commitments", problems=problems)
    stored = _by_ref(session, Commitment, [r.ref for r in records], *_COMMITMENT_DETAIL)
    announcements = _by_ref(session, Announcement, [r.announcement_ref or r.ref for r in records],
                            selectinload(Announcement.funder))
    can_update = _update_service("commitments") is not None
    for rec in records:
        existing = stored.get(rec.ref)
        changes: list[tuple[str, str]] = []
        if existing is None:
            action = "create"
            announcement = announcements.get(rec.announcement_ref or rec.ref)
            if announcement is not None and (
                announcement.announced_on != rec.announced_on or announcement.funder.name != rec.funder
            ):
                checked.problems.append(Problem(
                    rec.line, "announcement_ref", announcement.ref,
                    f"announcement {announcement.ref} is stored as made on {announcement.announced_on.isoformat()} "
                    f"by {announcement.funder.name!r}: the row must agree"))
            if announcement is None and not rec.title and len(f"{rec.funder}: {rec.purpose}") > 300:
                checked.problems.append(Problem(
                    rec.line, "title", None,
                    "required when the purpose is this long: an announcement's title has at most 300 characters"))
        elif existing.deleted_at is not None:
            action = "update"
            checked.problems.append(Problem(rec.line, "ref", rec.ref, "a commitment with this ref was deleted: "
                                            "an admin can restore it, or give the row a new ref"))
        else:
            changes = commitment_changes(existing, rec)
            action = "update" if changes else "unchanged"
            checked.versions[rec.ref] = existing.version
            names = {name for name, _ in changes}
            if changes and not can_update:
                checked.problems.append(Problem(rec.line, "ref", rec.ref, UPDATES_NOT_AVAILABLE["commitments"]
                                                + " (the file would change " + _listed(changes) + ")"))
            elif names & ANNOUNCEMENT_FIELDS:
                fixed = sorted(names & ANNOUNCEMENT_FIELDS)
                checked.problems.append(Problem(
                    rec.line, fixed[0], getattr(rec, fixed[0]) if fixed[0] != "announced_on" else rec.announced_on.isoformat(),
                    f"{' and '.join(fixed)} belong to announcement {existing.announcement.ref}, which an import "
                    "does not change: edit the announcement in the dashboard, or make the row agree with it"))
        checked.add(rec, action, changes, commitment_summary(rec))
    return checked


def _check_deliveries(session: Session, header: list[str], rows: list[Row]) -> _Checked:
    records, problems = _parse("deliveries", header, rows, set())
    checked = _Checked("deliveries", problems=problems)
    commitments = _by_ref(session, Commitment, [r.commitment_ref for r in records])
    stored = _by_ref(session, Delivery, [r.ref for r in records], selectinload(Delivery.commitment))
    can_update = _update_service("deliveries") is not None
    for rec in records:
        commitment = commitments.get(rec.commitment_ref)
        if commitment is None or commitment.deleted_at is not None:
            checked.problems.append(Problem(rec.line, "commitment_ref", rec.commitment_ref,
                                            "expected the ref of a commitment in the database"))
        existing = stored.get(rec.ref)
        changes: list[tuple[str, str]] = []
        if existing is None:
            action = "create"
        elif existing.deleted_at is not None:
            action = "update"
            checked.problems.append(Problem(rec.line, "ref", rec.ref, "a delivery with this ref was deleted: "
                                            "an admin can restore it, or give the row a new ref"))
        else:
            changes = delivery_changes(existing, rec)
            action = "update" if changes else "unchanged"
            checked.versions[rec.ref] = existing.version
            if changes and not can_update:
                checked.problems.append(Problem(rec.line, "ref", rec.ref, UPDATES_NOT_AVAILABLE["deliveries"]
                                                + " (the file would change " + _listed(changes) + ")"))
        checked.add(rec, action, changes, delivery_summary(rec))
    return checked


def _listed(changes: list[tuple[str, str]]) -> str:
    return "; ".join(said for _, said in changes)


def _same_rows(now: pd.DataFrame, previewed: pd.DataFrame) -> bool:
    columns = ["line", "ref", "action", "changes"]
    if len(now) != len(previewed):
        return False
    return list(now[columns].itertuples(index=False, name=None)) == \
        list(previewed[columns].itertuples(index=False, name=None))


def _targets_first(records: list[CommitmentRecord]) -> list[CommitmentRecord]:
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
        for item in reversed(chain):
            placed.add(item.ref)
            ordered.append(item)
    return ordered


# --- updates ---------------------------------------------------------------------------


def _update_service(kind: str):
    """``tracker.records.commitments.update_commitment`` / ``tracker.records.deliveries.update_delivery``
    (None if missing: a stored row an import would change is then a problem, ``UPDATES_NOT_AVAILABLE``)."""
    if kind == "commitments":
        return getattr(commitment_writes, "update_commitment", None)
    return getattr(delivery_writes, "update_delivery", None)


def _check_reason(reason: str | None, reason_text: str) -> list[Problem]:
    choices = ", ".join(REVISION_REASONS)
    if reason not in REVISION_REASONS:
        return [Problem(None, "reason", reason or None,
                        f"the file changes the money of a stored commitment: give a reason, one of {choices}")]
    if reason == "other" and not (reason_text or "").strip():
        return [Problem(None, "reason_text", None, "required when the reason is other: say why the money changed")]
    return []


def _update(plan: ImportPlan, rec, connection, actor: Actor, reason: str | None, reason_text: str) -> None:
    """Change one stored row through its edit use-case, inside the import's transaction."""
    service = _update_service(plan.kind)
    try:
        if plan.kind == "commitments":
            service(rec.ref, _commitment_input(rec), expected_version=plan.versions[rec.ref], reason=reason,
                    reason_text=reason_text, engine=connection, actor=actor, new_organisations_ok=True)
        else:
            service(rec.ref, _delivery_input(rec), expected_version=plan.versions[rec.ref],
                    engine=connection, actor=actor)
    except ServiceError as err:
        found = getattr(err, "problems", None)
        if found:
            problems = [Problem(rec.line, p.field, p.value or None, p.expected) for p in found]
        else:
            problems = [Problem(rec.line, "ref", rec.ref, str(err))]
        raise PlanRefused(problems) from err


def _uplift_text(bp: int) -> str:
    return "" if not bp else format(Decimal(bp) / 100, "f")


def _commitment_input(rec: CommitmentRecord):
    return CommitmentInput(
        ref=rec.ref, purpose=rec.purpose, recipient=rec.recipient, kind=rec.kind,
        amount=plain_pounds(rec.amount_pence), first_year=rec.first_year.label, years=str(rec.years),
        qualifier=rec.qualifier, status=rec.status, capital_or_revenue=rec.capital_or_revenue or "",
        programme=rec.programme or "", uplift_pct=_uplift_text(rec.uplift_bp),
        profile=";".join(f"{fy.label}={plain_pounds(pence)}" for fy, pence in rec.profile),
        reannounces=rec.reannounces or "",
    )


def _delivery_input(rec: DeliveryRecord):
    return DeliveryInput(
        ref=rec.ref, commitment_ref=rec.commitment_ref, paid_on=rec.paid_on.isoformat(),
        amount=plain_pounds(rec.amount_pence), kind=rec.kind, note=rec.note or "",
        evidence_url=rec.evidence_url or "", illustrative=rec.illustrative,
    )


# --- describing rows ------------------------------------------------------------------------


def _said(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, FinancialYear):
        return value.label
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _uplift(bp: int) -> str:
    return f"{format(Decimal(bp) / 100, 'f')}%"


def _profile(lines) -> str:
    return "; ".join(f"{fy.label}={format_pounds(pence)}" for fy, pence in lines) or "(none)"


def _differences(pairs: list[tuple[str, object, object, Callable[[object], str]]]) -> list[tuple[str, str]]:
    return [(name, f"{name} {show(old)} -> {show(new)}") for name, old, new, show in pairs if old != new]


def commitment_changes(stored: Commitment, rec: CommitmentRecord) -> list[tuple[str, str]]:
    """What importing ``rec`` would change in ``stored``, as ``(field, "amount £1,000,000 -> £1,500,000")``.

    The fields the bulk importers compare on re-import, plus the announcement when
    the file names one.
    """
    pairs = [
        ("announced_on", stored.announcement.announced_on, rec.announced_on, _said),
        ("funder", stored.announcement.funder.name, rec.funder, _said),
        ("recipient", stored.recipient.name, rec.recipient, _said),
        ("purpose", stored.purpose, rec.purpose, _said),
        ("programme", stored.programme, rec.programme, _said),
        ("kind", stored.kind, rec.kind, _said),
        ("amount", stored.amount_pence, rec.amount_pence, format_pounds),
        ("qualifier", stored.qualifier, rec.qualifier, _said),
        ("status", stored.status, rec.status, _said),
        ("capital_or_revenue", stored.capital_or_revenue, rec.capital_or_revenue, _said),
        ("first_year", stored.first_year, rec.first_year, _said),
        ("years", stored.years, rec.years, _said),
        ("uplift_pct", stored.uplift_bp, rec.uplift_bp, _uplift),
        ("reannounces", stored.reannounces.ref if stored.reannounces is not None else None, rec.reannounces, _said),
        ("profile", tuple((line.financial_year, line.amount_pence) for line in stored.profile_lines),
         rec.profile if rec.kind == "profiled" else (), _profile),
    ]
    if rec.announcement_ref:
        pairs.append(("announcement_ref", stored.announcement.ref, rec.announcement_ref, _said))
    return _differences(pairs)


def delivery_changes(stored: Delivery, rec: DeliveryRecord) -> list[tuple[str, str]]:
    """What importing ``rec`` would change in ``stored``."""
    return _differences([
        ("commitment_ref", stored.commitment.ref, rec.commitment_ref, _said),
        ("paid_on", stored.paid_on, rec.paid_on, _said),
        ("amount", stored.amount_pence, rec.amount_pence, format_pounds),
        ("kind", stored.kind, rec.kind, _said),
        ("note", stored.note, rec.note, _said),
        ("illustrative", stored.illustrative, rec.illustrative, _said),
        ("evidence_url", stored.evidence_url, rec.evidence_url, _said),
    ])


def commitment_summary(rec: CommitmentRecord) -> str:
    """``over £1,000,000 in 2020-21 to Welsh councils: Digital transformation``."""
    qualifier = "" if rec.qualifier == "exact" else rec.qualifier + " "
    money = qualifier + format_pounds(rec.amount_pence)
    if rec.kind == "recurring":
        uplift = f", rising {_uplift(rec.uplift_bp)} a year" if rec.uplift_bp else ""
        when = f" a year for {rec.years} year{'s' if rec.years != 1 else ''} from {rec.first_year}{uplift}"
    elif rec.kind == "profiled" and rec.years > 1:
        when = f" over {rec.first_year} to {rec.last_year}"
    else:
        when = f" in {rec.first_year}"
    again = f" (re-announces {rec.reannounces})" if rec.reannounces else ""
    return f"{money}{when} to {rec.recipient}: {rec.purpose}{again}"


def delivery_summary(rec: DeliveryRecord) -> str:
    """``payment of £250,000 on 31 Mar 2021 against W1``."""
    return f"{rec.kind} of {format_pounds(rec.amount_pence)} on {rec.paid_on:%-d %b %Y} against {rec.commitment_ref}"
