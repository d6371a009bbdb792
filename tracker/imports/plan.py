"""Step two of an import: check every row against the database and say what
saving would do, for a person (or the CLI) to confirm.

``plan_import`` reads the file (``tracker.imports.reading``), validates every
row with the same row parsers the forms use, and compares each record with
the database by its ``ref``: ``create``, ``unchanged`` or ``update`` (with the
changed fields, e.g. ``Amount changed from £1,000,000 to £1,500,000``). It never raises for
bad data: every problem is in ``ImportPlan.problems`` (line, column, value,
expected), in file order. ``tracker.imports.apply`` saves a plan.

An import cannot change what belongs to an announcement (its date, its
funder, which announcement a commitment is in): that is a problem naming the
announcement to edit in the dashboard.

Funders and recipients are found as saving finds them
(``tracker.imports.plan_organisations``): a name that could be two
organisations is a problem on its row here, at the preview, not a failure
when saving. The rows table also holds the later contract's columns
(``describe.DETAIL_COLUMNS``) that the file has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

from db.fast_insert import one_of_lists
from db.models import Announcement, AuditEvent, Commitment, Delivery
from db.session import read_session
from tracker.core.limits import LIMITS
from tracker.files.tabular import DataError, Problem
from tracker.i18n import N_, _, current
from tracker.imports import activity_extras, describe, reading
from tracker.imports.bulk import StoredAnnouncement
from tracker.imports.plan_organisations import Naming, name_organisations
from tracker.imports.reading import Kind, Source
from tracker.imports.saving import not_a_stored_commitment, stored_as_made
from tracker.records.commitment_rows import check_commitments
from tracker.records.delivery_rows import check_deliveries
from tracker.records.shares import stored_pot_problems

if TYPE_CHECKING:
    import pandas as pd  # imported where a frame is made: the command line saves without one

ACTIONS = ("create", "update", "unchanged")
ROW_COLUMNS = ("line", "ref", "action", "summary", "changes")
PROBLEM_COLUMNS = ("line", "column", "value", "expected")
# A change to any of these is a revision of the commitment's money.
MONEY_FIELDS = frozenset({"kind", "amount", "first_year", "years", "uplift_pct", "profile"})
# These belong to the announcement, which an import of commitments does not edit.
ANNOUNCEMENT_FIELDS = frozenset({"announced_on", "funder", "funder_id", "announcement_ref"})


_NO_DETAILS: Mapping[str, str] = MappingProxyType({})


def _pandas() -> Any:
    import pandas

    return pandas


class PlanRefused(DataError):
    """The plan no longer describes what saving would do; nothing was changed."""


@dataclass(frozen=True, eq=False)
class ImportPlan:
    """What importing a file would do, for a person to confirm.

    ``rows``: one row per valid record in the file (``line, ref, action,
    summary, changes``); ``details``, beside it, the later contract's columns
    (``describe.DETAIL_COLUMNS``) that the file has. ``problems``: everything
    wrong, in file order; a plan with any problem cannot be applied.
    ``counts``: ``create``, ``update``, ``unchanged``, ``problems``.
    ``content_hash`` and ``database_state`` tie the plan to the bytes and the
    database it was made from; ``versions`` holds the version of each stored
    row it would change. ``sheet`` names the workbook sheet read (None for
    CSV).
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
    sheet: str | None = None
    details: pd.DataFrame = field(default_factory=lambda: _pandas().DataFrame())
    notes: list[Problem] = field(default_factory=list)  # said, but no reason to refuse the file
    options: reading.Options = field(default_factory=reading.Options)  # the choices it was made with
    language: str = field(default_factory=current)  # the language its problems and rows are said in

    @property
    def to_apply(self) -> int:
        """Rows that would be created or changed."""
        return self.counts.get("create", 0) + self.counts.get("update", 0)

    @property
    def can_apply(self) -> bool:
        return not self.problems and self.to_apply > 0

    def table(self) -> pd.DataFrame:
        """The rows with their details, as the Import page shows them."""
        if self.details.empty:
            return self.rows
        pd = _pandas()
        return pd.concat([self.rows, self.details.set_axis(self.rows.index)], axis=1)

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table: line ("file" for the whole file), column, value, expected."""
        return problems_frame(self.problems)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    pd = _pandas()
    return pd.DataFrame(
        [("file" if p.line is None else str(p.line), p.column or "", p.value or "", p.expected) for p in problems],
        columns=list(PROBLEM_COLUMNS),
    )


def plan_import(
    kind: str,
    source: Source,
    filename: str,
    *,
    engine: Engine,
    previous: ImportPlan | None = None,
    options: reading.Options | None = None,
) -> ImportPlan:
    """What importing ``source`` (an upload's bytes, or a file's path) would do.

    ``previous`` is returned as it is if it was made from the same kind, name
    and bytes, in the language in use, and nothing has been saved since: a
    page rerun (e.g. choosing a reason) does not check a large file again.
    """
    found = reading.kind_of(kind)
    options = options or reading.Options()
    digest = reading.content_hash(source)
    if (
        previous is not None
        and (previous.kind, previous.filename, previous.options) == (kind, filename, options)
        and previous.content_hash == digest
        and previous.language == current()
    ):
        with read_session(engine) as session:
            if database_state(session) == previous.database_state:
                return previous
    parsed = reading.read_parsed(found, source, filename, options)
    with read_session(engine) as session:
        state = database_state(session)
        if parsed.checkable:
            checked = check(found, session, parsed)
            checked.problems = sorted(parsed.problems + checked.problems, key=lambda p: p.line or 0)
        else:
            checked = Checked(found, problems=list(parsed.problems))
    frame = checked.frame()
    counts = {action: int((frame["action"] == action).sum()) for action in ACTIONS}
    counts["problems"] = len(checked.problems)
    return ImportPlan(
        kind,
        filename,
        frame,
        list(checked.problems),
        counts,
        digest,
        state,
        dict(checked.versions),
        checked.needs_reason,
        parsed.sheet,
        checked.details_frame(),
        list(parsed.notes),
        options,
    )


def plan_commitments(data: bytes, filename: str, *, engine: Engine) -> ImportPlan:
    """Preview importing a commitments CSV/XLSX. Never raises for bad data."""
    return plan_import("commitments", data, filename, engine=engine)


def plan_deliveries(data: bytes, filename: str, *, engine: Engine) -> ImportPlan:
    """Preview importing a deliveries CSV/XLSX. Never raises for bad data."""
    return plan_import("deliveries", data, filename, engine=engine)


def database_state(session: Session) -> tuple[int, int]:
    """How many audit events there are and the highest id: any write changes it."""
    count, highest = session.execute(select(func.count(AuditEvent.id), func.max(AuditEvent.id))).one()
    return int(count or 0), int(highest or 0)


# --- checking against the database ---------------------------------------------------------


@dataclass
class Checked:
    """A file checked against the database: each valid record with its action."""

    kind: Kind
    records: list[Any] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    changes: list[Sequence[tuple[str, str]]] = field(default_factory=list)  # (field, "Amount changed from … to …")
    summaries: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    details: list[Mapping[str, str]] = field(default_factory=list)
    detail_columns: list[str] = field(default_factory=list)  # the DETAIL_COLUMNS the file has
    # What saving new commitments joins (found once here, not again for each chunk saved):
    linked_ids: dict[str, int] = field(default_factory=dict)  # stored commitments rows link to
    announcements: dict[str, StoredAnnouncement] = field(default_factory=dict)  # stored announcements rows name
    # Deliveries that came with the file's commitments (a grant's money disbursed): saved after them.
    companions: Checked | None = None
    extras: Checked | None = None  # IATI activities' budgets and links, likewise

    def _after(self) -> list[Checked]:
        return [c for c in (self.companions, self.extras) if c is not None]

    def add(
        self,
        rec: Any,
        action: str,
        changes: Sequence[tuple[str, str]],
        summary: str,
        details: dict[str, str] | None = None,
    ) -> None:
        self.records.append(rec)
        self.actions.append(action)
        self.changes.append(changes)
        self.summaries.append(summary)
        self.details.append(details or _NO_DETAILS)  # one empty mapping for every row without

    def with_action(self, action: str) -> list[Any]:
        return [rec for rec, a in zip(self.records, self.actions) if a == action]

    def all_actions(self) -> list[str]:
        """Every row's action, the companions' after the file's own."""
        return self.actions + [action for other in self._after() for action in other.actions]

    @property
    def needs_reason(self) -> bool:
        return self.kind.saves == "commitments" and any(
            a == "update" and any(name in MONEY_FIELDS for name, _said in changes)
            for a, changes in zip(self.actions, self.changes)
        )

    def frame(self) -> pd.DataFrame:
        """One row per record (the companions after the file's own)."""
        own = self._own_frame()
        after = self._after()
        if not after:
            return own
        return _pandas().concat([own] + [other.frame() for other in after], ignore_index=True)

    def _own_frame(self) -> pd.DataFrame:
        pd = _pandas()
        return pd.DataFrame(
            {
                "line": pd.Series([rec.line for rec in self.records], dtype="int64"),
                "ref": pd.Series([rec.ref for rec in self.records], dtype=object),
                "action": pd.Series(self.actions, dtype=object),
                "summary": pd.Series(self.summaries, dtype=object),
                "changes": pd.Series(["; ".join(said for _name, said in c) for c in self.changes], dtype=object),
            },
            columns=list(ROW_COLUMNS),
        )

    def details_frame(self) -> pd.DataFrame:
        """The later contract's columns the file has, one row per record (none: no columns)."""
        pd = _pandas()
        details = self.details + [_NO_DETAILS] * sum(len(other.records) for other in self._after())
        return pd.DataFrame(
            {name: pd.Series([d.get(name, "") for d in details], dtype=object) for name in self.detail_columns},
            columns=self.detail_columns,
        )


def check(kind: Kind, session: Session, parsed: reading.Parsed, *, described: bool = True) -> Checked:
    """Every parsed row checked across the file and compared with the
    database (problems in file order; ``parsed.problems``, the file's own, are
    the caller's). ``described=False`` leaves out each row's words for a
    preview (the command line saves without showing them)."""
    check_rows = _check_commitments if kind.saves == "commitments" else _check_deliveries
    checked = check_rows(kind, session, parsed, described)
    checked.problems.sort(key=lambda p: p.line or 0)
    return checked


def by_ref(session: Session, model: Any, refs: Any, *options: Any) -> dict[str, Any]:
    dialect = session.get_bind().dialect.name
    found: dict[str, Any] = {}
    for where in one_of_lists(dialect, model.ref, (ref for ref in refs if ref)):
        found.update({obj.ref: obj for obj in session.scalars(select(model).where(where).options(*options))})
    return found


CHECK_CHUNK = 5000  # stored commitments compared at a time (each with its announcement, areas, lines...)

# What comparing a stored row reads, loaded up front rather than a query per row.
_COMMITMENT_DETAIL = (
    selectinload(Commitment.announcement).selectinload(Announcement.funder),
    selectinload(Commitment.recipient),
    selectinload(Commitment.reannounces),
    selectinload(Commitment.part_of),
    selectinload(Commitment.areas),
    selectinload(Commitment.profile_lines),
)


# A row whose ref names a deleted record, by what the row is.
_DELETED = {
    "commitment": N_("a commitment with this ref was deleted: an admin can restore it, or give the row a new ref"),
    "delivery": N_("a delivery with this ref was deleted: an admin can restore it, or give the row a new ref"),
    "grant": N_("a grant with this ref was deleted: an admin can restore it, or give the row a new ref"),
    "activity": N_("an activity with this ref was deleted: an admin can restore it, or give the row a new ref"),
}


def _deleted(kind: Kind, line: int, ref: str) -> Problem:
    return Problem(line, "ref", ref, _(_DELETED[kind.one]))


def _both(names: Sequence[str]) -> str:
    """``funder and funder_id``: column names (as written) said together."""
    said = names[0]
    for name in names[1:]:
        said = _("{some} and {last}", some=said, last=name)
    return said


def _check_commitments(kind: Kind, session: Session, parsed: reading.Parsed, described: bool) -> Checked:
    header = parsed.header
    targets = {ref for rec in parsed.records for ref in (rec.reannounces, rec.part_of) if ref}
    linked_ids = {ref: c.id for ref, c in by_ref(session, Commitment, targets).items() if c.deleted_at is None}
    known = set(linked_ids)
    records, problems = check_commitments(parsed.records, list(parsed.row_problems), known, any_rows=parsed.rows > 0)
    lines = {rec.ref: rec.line for rec in records}
    for ref, wrong in stored_pot_problems(session, records, replacing=[r.ref for r in records]).items():
        problems.append(Problem(lines[ref], "part_of", next(r.part_of for r in records if r.ref == ref), wrong))
    checked = Checked(kind, problems=problems)
    checked.detail_columns = [name for name in describe.DETAIL_COLUMNS if name in header]
    naming = name_organisations(session, records, checked.problems)
    checked.linked_ids = linked_ids
    # A chunk at a time: each stored commitment's whole graph is read to compare it, and let go after.
    for start in range(0, len(records), CHECK_CHUNK):
        _compare_commitments(checked, session, records[start : start + CHECK_CHUNK], naming, described)
    if parsed.deliveries:
        in_file = {rec.ref for rec in records}
        deliveries = reading.KINDS["deliveries"]
        checked.companions = _check_delivery_records(
            deliveries, session, parsed.deliveries, [], True, described, in_file
        )
        checked.problems.extend(checked.companions.problems)
    if parsed.extras:
        checked.extras = _check_extras(kind, session, parsed.extras)
    return checked


def _check_extras(kind: Kind, session: Session, records: list[Any]) -> Checked:
    """Each activity's budgets and links against those stored for its
    commitment: a row only where there is something to say or to replace."""
    checked = Checked(kind)
    stored = activity_extras.stored(session, [rec.commitment_ref for rec in records])
    for rec in records:
        before = stored.get(rec.commitment_ref, ([], []))
        said = activity_extras.changes(rec, before)
        if not before[0] and not before[1]:
            if said:
                checked.add(rec, "create", (), activity_extras.summary(rec))
        else:
            checked.add(rec, "update" if said else "unchanged", said, activity_extras.summary(rec))
    return checked


def _compare_commitments(
    checked: Checked, session: Session, records: list[Any], naming: Naming, described: bool
) -> None:
    """Each of ``records`` created, updated or unchanged against what is stored."""
    kind = checked.kind
    stored = by_ref(session, Commitment, [r.ref for r in records], *_COMMITMENT_DETAIL)
    announcements = by_ref(
        session, Announcement, [r.announcement_ref or r.ref for r in records], selectinload(Announcement.funder)
    )
    for rec in records:
        existing = stored.get(rec.ref)
        changes: Sequence[tuple[str, str]] = ()  # one empty tuple for every row unchanged
        if existing is None:
            action = "create"
            announcement = announcements.get(rec.announcement_ref or rec.ref)
            _check_new(checked, rec, announcement, naming)
            if announcement is not None:  # what saving the new row joins (only new rows: a million unchanged need none)
                checked.announcements[announcement.ref] = StoredAnnouncement(
                    announcement.id, announcement.announced_on, announcement.funder_id
                )
        elif existing.deleted_at is not None:
            action = "update"
            checked.problems.append(_deleted(kind, rec.line, rec.ref))
        else:
            changes = describe.commitment_changes(existing, rec, naming.named(rec))
            action = "update" if changes else "unchanged"
            if changes:  # the version an update expects (an unchanged row is not written)
                checked.versions[rec.ref] = existing.version
            fixed = sorted({name for name, _said in changes} & ANNOUNCEMENT_FIELDS)
            if fixed:
                value = getattr(rec, fixed[0])
                value = value.isoformat() if hasattr(value, "isoformat") else value
                checked.problems.append(
                    Problem(
                        rec.line,
                        fixed[0],
                        value,
                        _(
                            "{fields} belong to announcement {ref}, which an import does not change: edit the "
                            "announcement in the dashboard, or make the row agree with it",
                            fields=_both(fixed),
                            ref=existing.announcement.ref,
                        ),
                    )
                )
        named = naming.named(rec)
        checked.add(
            rec,
            action,
            changes,
            describe.commitment_summary(rec, named) if described else "",
            describe.commitment_details(rec, named) if described else {},
        )


def _check_new(checked: Checked, rec: Any, announcement: Announcement | None, naming: Naming) -> None:
    """A new commitment: its announcement, if stored, must be the one the row describes."""
    title_limit = LIMITS["title"]
    if announcement is not None:
        funder = naming.named(rec).funder
        other_funder = (
            announcement.funder is not funder if funder is not None else announcement.funder.name != rec.funder
        )
        if announcement.announced_on != rec.announced_on or other_funder:
            checked.problems.append(
                Problem(
                    rec.line,
                    "announcement_ref",
                    announcement.ref,
                    stored_as_made(announcement.ref, announcement.announced_on, announcement.funder.name),
                )
            )
    elif not rec.title and len(f"{rec.funder}: {rec.purpose}") > title_limit:
        checked.problems.append(
            Problem(
                rec.line,
                "title",
                None,
                _(
                    "required when the purpose is this long: an announcement's title has at most {most} characters",
                    most=title_limit,
                ),
            )
        )


def _check_deliveries(kind: Kind, session: Session, parsed: reading.Parsed, described: bool) -> Checked:
    return _check_delivery_records(
        kind, session, parsed.records, list(parsed.row_problems), parsed.rows > 0, described, set()
    )


def _check_delivery_records(
    kind: Kind,
    session: Session,
    parsed: list[Any],
    row_problems: list[Problem],
    any_rows: bool,
    described: bool,
    in_file: set[str],
) -> Checked:
    """Deliveries checked across the rows and against the database; ``in_file``:
    the refs of commitments the same file saves first."""
    records, problems = check_deliveries(parsed, row_problems, any_rows=any_rows)
    checked = Checked(kind, problems=problems)
    commitments = by_ref(session, Commitment, [r.commitment_ref for r in records if r.commitment_ref not in in_file])
    stored = by_ref(session, Delivery, [r.ref for r in records], selectinload(Delivery.commitment))
    for rec in records:
        commitment = commitments.get(rec.commitment_ref)
        if rec.commitment_ref not in in_file and (commitment is None or commitment.deleted_at is not None):
            checked.problems.append(
                Problem(
                    rec.line,
                    "commitment_ref",
                    rec.commitment_ref,
                    not_a_stored_commitment(),
                )
            )
        existing = stored.get(rec.ref)
        changes: Sequence[tuple[str, str]] = ()  # one empty tuple for every row unchanged
        if existing is None:
            action = "create"
        elif existing.deleted_at is not None:
            action = "update"
            checked.problems.append(_deleted(kind, rec.line, rec.ref))
        else:
            changes = describe.delivery_changes(existing, rec)
            action = "update" if changes else "unchanged"
            checked.versions[rec.ref] = existing.version
        checked.add(rec, action, changes, describe.delivery_summary(rec) if described else "")
    return checked
