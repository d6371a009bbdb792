"""What changed since a day: the Overview's "Changes since" section.

Read from the audit trail (``tracker.audit``: every write records one event
per row, with the time, and the row's values before and after), on the
index of the events' times, so a page's worth of changes is quick however
much the data holds. ``since`` is a whole UTC day, included, as the Audit
trail's own date filter reads it.

What is listed compares the records as they were when the day began with
what they are now:

* announcements recorded since, still there: ref, title, funder, the total
  announced (the Announcements page's headline) and when it was recorded;
* commitments new, changed, deleted or restored since, with what changed in
  the audit's words ("Amount changed from £1,000,000 to £1,200,000"; areas
  added or taken off by name). One made and deleted since is left out (it
  was not there then and is not now);
* deliveries recorded since, still there: the commitment, the date paid, the
  amount;
* milestones added since, or met since (their date achieved set), still there.

Each list is counted whole and holds at most ``shown_at_most`` rows, the
latest change first; ``Changes.sentence`` is built from the same counts.

What is read is kept (the Overview keeps it for everyone until the data
changes) without words: each list says its changes, what changed and the
areas' names in the language of whoever reads ``Listed.rows``, as does
``DefaultSince.reason``.

The sidebar's filters do not narrow it: it is about the records, not the
money in the years and places chosen (as the Review page's changes since
the last meeting). Who made each change is left to the Audit trail, which
admins see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, func, not_, or_, select
from sqlalchemy.orm import aliased

from db.models import Announcement, AuditEvent, Commitment, Delivery, Milestone, Organisation
from db.session import read_session
from tracker.audit import describe_changes
from tracker.core.vocabulary import in_words
from tracker.figures.areas import area_label
from tracker.figures.data import TrackerData
from tracker.figures.view_links import record_address
from tracker.i18n import N_, _, ngettext
from tracker.i18n.dates import long_date

SHOWN_AT_MOST = 50
ENTITIES = ("announcements", "commitments", "commitment_areas", "deliveries", "milestones")
DAYS_WITHOUT_A_MEETING = 30  # the default, when no review meeting has been held yet

# What happened to each record (the values of the lists' ``change`` column, shown translated).
NEW, CHANGED, DELETED, RESTORED = N_("New"), N_("Changed"), N_("Deleted"), N_("Restored")
ADDED, MET, ADDED_AND_MET = N_("Added"), N_("Met"), N_("Added and met")

# Each list's columns, then ``address``: the page showing the record (``/announcements?ref=A1``).
ANNOUNCEMENT_COLUMNS = ["ref", "title", "funder", "announced_on", "total_pence", "recorded_at"]
COMMITMENT_COLUMNS = ["ref", "purpose", "announcement_ref", "change", "what", "changed_at"]
DELIVERY_COLUMNS = ["commitment_ref", "announcement_ref", "ref", "paid_on", "amount_pence", "kind", "recorded_at"]
MILESTONE_COLUMNS = ["commitment_ref", "announcement_ref", "title", "due_on", "achieved_on", "change", "changed_at"]


@dataclass(frozen=True)
class Listed:
    """One list: how many there are, and the first of them (latest first).

    ``read`` is the list as read, kept and shared whatever the language;
    ``rows`` is the list as shown: ``said`` puts its words (each ``change``,
    what changed) in the language in use."""

    count: int
    read: pd.DataFrame
    said: Callable[[pd.DataFrame], pd.DataFrame] | None = field(default=None, compare=False, repr=False)

    @property
    def rows(self) -> pd.DataFrame:
        return self.read if self.said is None else self.said(self.read)

    @property
    def more(self) -> int:
        """How many are counted and not listed."""
        return self.count - len(self.read)


@dataclass(frozen=True)
class Changes:
    """What changed since ``since`` (a UTC day, included)."""

    since: date
    announcements: Listed
    commitments: Listed
    deliveries: Listed
    milestones: Listed

    @property
    def is_empty(self) -> bool:
        return not (
            self.announcements.count or self.commitments.count or self.deliveries.count or self.milestones.count
        )

    def sentence(self) -> str:
        """'Since 3 November 2026: 2 new announcements, 5 commitments changed, 3 deliveries, 1 milestone.'"""
        if self.is_empty:
            return _("Since {day}: nothing recorded or changed.", day=day_words(self.since))
        a, c, d, m = (self.announcements.count, self.commitments.count, self.deliveries.count, self.milestones.count)
        parts = [
            ngettext("{count} new announcement", "{count} new announcements", a, count=format(a, ","))
            if a
            else _("no announcements"),
            ngettext("{count} commitment changed", "{count} commitments changed", c, count=format(c, ","))
            if c
            else _("no commitments changed"),
            ngettext("{count} delivery", "{count} deliveries", d, count=format(d, ",")) if d else _("no deliveries"),
            ngettext("{count} milestone added or met", "{count} milestones added or met", m, count=format(m, ","))
            if m
            else _("no milestones added or met"),
        ]
        return _("Since {day}: {changes}.", day=day_words(self.since), changes=", ".join(parts))


@dataclass(frozen=True)
class DefaultSince:
    """The day the section starts from when none is asked for: the last review
    meeting's (``after_meeting``), else ``DAYS_WITHOUT_A_MEETING`` days back."""

    day: date
    after_meeting: bool

    @property
    def reason(self) -> str:
        """Why, in words: 'since the last review meeting on 3 November 2026'."""
        if self.after_meeting:
            return _("since the last review meeting on {day}", day=day_words(self.day))
        return ngettext(
            "over the last {n} day, since {day} (no review meeting has been held yet)",
            "over the last {n} days, since {day} (no review meeting has been held yet)",
            DAYS_WITHOUT_A_MEETING,
            day=day_words(self.day),
        )


def day_words(day: date) -> str:
    """3 November 2026 (3 Tachwedd 2026)."""
    return long_date(day)


def default_since(meetings: pd.DataFrame, today: date) -> DefaultSince:
    """The last review meeting held on or before ``today`` (``meetings``: as
    ``tracker.review.meetings.meetings`` lists them), or, with none,
    ``DAYS_WITHOUT_A_MEETING`` days before ``today``."""
    held = [day for day in meetings["held_on"] if day <= today] if not meetings.empty else []
    if held:
        return DefaultSince(max(held), after_meeting=True)
    return DefaultSince(today - timedelta(days=DAYS_WITHOUT_A_MEETING), after_meeting=False)


def _start(since: date) -> datetime:
    return datetime.combine(since, time.min, tzinfo=UTC)


# --- reading ----------------------------------------------------------------------


def changes_since(
    engine: Engine, data: TrackerData, since: date | datetime, shown_at_most: int = SHOWN_AT_MOST
) -> Changes:
    """What changed from the start of the day ``since`` (UTC; or from the
    moment, given a datetime) until now. ``data`` is the whole loaded data
    (unfiltered): it gives each announcement's total."""
    start = since.astimezone(UTC) if isinstance(since, datetime) else _start(since)
    with read_session(engine) as session:
        events = _range(session, start)
        announcements = _announcements(session, data, events, shown_at_most)
        commitments = _commitments(session, events, shown_at_most)
        deliveries = _deliveries(session, events, shown_at_most)
        milestones = _milestones(session, events, shown_at_most)
    day = since.date() if isinstance(since, datetime) else since
    return Changes(day, announcements, commitments, deliveries, milestones)


@dataclass(frozen=True)
class _Range:
    """The events since ``start``, and which index finds them quicker per kind
    of row: the events' times when fewer events happened since than that kind
    ever had, else (entity, entity_id). Both counts read an index alone; SQLite
    has no statistics to choose by (PostgreSQL would choose the same)."""

    start: datetime
    recent: int  # events since start, of every kind
    ever: Mapping[str, int]  # events of each kind, ever

    def of(self, entity: str):
        if self.recent < self.ever.get(entity, 0):
            # ``entity || ''`` keeps SQLite off the (entity, entity_id) index: the times' is taken
            return and_(AuditEvent.entity.concat("") == entity, AuditEvent.occurred_at >= self.start)
        return and_(AuditEvent.entity == entity, AuditEvent.occurred_at >= self.start)

    def created(self, entity: str):
        """The create events of ``entity`` since ``start``."""
        return and_(self.of(entity), AuditEvent.action == "create")


def _range(session, start: datetime) -> _Range:
    recent = session.scalar(select(func.count()).where(AuditEvent.occurred_at >= start))
    ever = {
        entity: int(session.scalar(select(func.count()).where(AuditEvent.entity == entity)) or 0) for entity in ENTITIES
    }
    return _Range(start, int(recent or 0), ever)


def _announcements(session, data: TrackerData, events: _Range, most: int) -> Listed:
    live = and_(events.created("announcements"), Announcement.deleted_at.is_(None))
    joined = select(AuditEvent.occurred_at, Announcement.id).join(Announcement, Announcement.id == AuditEvent.entity_id)
    count = session.scalar(select(func.count()).select_from(joined.where(live).subquery()))
    rows = session.execute(
        select(
            Announcement.ref,
            Announcement.title,
            Organisation.name,
            Announcement.announced_on,
            AuditEvent.occurred_at,
        )
        .join(Announcement, Announcement.id == AuditEvent.entity_id)
        .join(Organisation, Organisation.id == Announcement.funder_id)
        .where(live)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(most)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=["ref", "title", "funder", "announced_on", "at"])
    totals = _announced_totals(data, list(frame["ref"]))
    frame.insert(4, "total_pence", pd.array([totals.get(ref) for ref in frame["ref"]], dtype="Int64"))
    return Listed(int(count or 0), _times(frame.rename(columns={"at": "recorded_at"}), "recorded_at"))


def _announced_totals(data: TrackerData, refs: list[str]) -> dict[str, int]:
    """The headline of each announcement in ``refs`` that carries money (the
    Announcements page's: the sum of what its commitments announced)."""
    if not refs:
        return {}
    schedule = data.schedule
    mine = schedule.loc[schedule["announcement_ref"].isin(refs).to_numpy(dtype=bool)]
    sums = mine.groupby("announcement_ref")["headline_pence"].sum()
    return {str(ref): int(total) for ref, total in sums.items()}


def _commitments(session, events: _Range, most: int) -> Listed:
    """Each commitment with an event since, by its first and last: new (the
    first made it), restored (it was deleted then), deleted (it is now). One
    row's writes run one after another (each checks the row's version), so
    its events' ids are in the order they happened."""
    spans = (
        select(
            AuditEvent.entity_id.label("id"),
            func.min(AuditEvent.id).label("first_id"),
            func.max(AuditEvent.occurred_at).label("last_at"),
            func.max(AuditEvent.id).label("last_id"),
        )
        .where(events.of("commitments"))
        .group_by(AuditEvent.entity_id)
        .subquery()
    )
    opening = aliased(AuditEvent)
    gone = or_(Commitment.id.is_(None), Commitment.deleted_at.is_not(None))
    changed = (
        select(spans.c.id, opening.action, Commitment.id.label("stored"), Commitment.deleted_at, spans.c.last_at)
        .join(opening, opening.id == spans.c.first_id)
        .outerjoin(Commitment, Commitment.id == spans.c.id)
        .where(not_(and_(opening.action.in_(("create", "restore")), gone)))  # not there then, nor now
    )
    count = session.scalar(select(func.count()).select_from(changed.subquery()))
    found = session.execute(changed.order_by(spans.c.last_at.desc(), spans.c.last_id.desc()).limit(most)).all()
    shown = [
        (last_at, int(commitment_id), _change(first_action, gone_now=stored is None or deleted_at is not None))
        for commitment_id, first_action, stored, deleted_at, last_at in found
    ]
    history = _events_of(session, "commitments", [row[1] for row in shown], events.start)
    areas = _area_changes(session, [row[1] for row in shown], events)
    announcement_refs = _announcement_refs(session, history)
    rows = []
    for last_at, commitment_id, change in shown:
        mine = history.get(commitment_id, [])
        first, last = mine[0], mine[-1]
        latest = last.after if last.after is not None else last.before or {}
        rows.append(
            {
                "ref": latest.get("ref"),
                "purpose": latest.get("purpose"),
                "announcement_ref": announcement_refs.get(latest.get("announcement_id")),
                "change": change,
                # said when shown, in the reader's language (``_said_commitments``)
                "what": _What(change, first.before, last.after, *areas.get(commitment_id, ((), ()))),
                "changed_at": last_at,
            }
        )
    frame = _times(pd.DataFrame(rows, columns=COMMITMENT_COLUMNS), "changed_at")
    return Listed(int(count or 0), frame, _said_commitments)


@dataclass(frozen=True)
class _What:
    """What changed in a commitment, kept to be said in the language of whoever reads it."""

    change: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    areas_added: tuple[str, ...]
    areas_taken_off: tuple[str, ...]

    def said(self) -> str:
        return _what(self.change, self.before, self.after, _areas_said(self.areas_added, self.areas_taken_off))


def _said_commitments(read: pd.DataFrame) -> pd.DataFrame:
    """The commitments changed, as shown: each change and what changed in the language in use."""
    return read.assign(
        change=pd.Series([_(change) for change in read["change"]], index=read.index, dtype=object),
        what=pd.Series([what.said() for what in read["what"]], index=read.index, dtype=object),
    )


def _said_changes(read: pd.DataFrame) -> pd.DataFrame:
    """A list whose ``change`` column is shown in the language in use (the milestones)."""
    return read.assign(change=pd.Series([_(change) for change in read["change"]], index=read.index, dtype=object))


def _said_kinds(read: pd.DataFrame) -> pd.DataFrame:
    """The deliveries, their kinds in the language in use."""
    return read.assign(kind=pd.Series([in_words(kind) for kind in read["kind"]], index=read.index, dtype=object))


def _change(first_action: str, gone_now: bool) -> str:
    """New, changed, deleted or restored: the record then against now (one
    neither there then nor now is never asked about)."""
    if first_action in ("create", "restore"):  # not there then
        return NEW if first_action == "create" else RESTORED
    return DELETED if gone_now else CHANGED


def _what(change: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, areas: str | None) -> str:
    """What changed, in the audit's words; a new or deleted commitment by what identifies it."""
    if change == NEW:
        said = describe_changes("commitments", None, after)
    elif change == DELETED:
        said = _("Deleted. {what}", what=describe_changes("commitments", before, None))
    else:
        said = describe_changes("commitments", before, after)
        if areas and said in ("No values changed", _("No values changed")):
            said = ""
    if areas and change != DELETED:
        said = "; ".join(part for part in (said, areas) if part)
    return said


def _areas_said(added: Iterable[str], taken_off: Iterable[str]) -> str:
    """The areas added to and taken off a commitment, by name, in the language in use."""
    parts = []
    if added:
        parts.append(_("Areas added: {areas}", areas=", ".join(area_label(code) for code in added)))
    if taken_off:
        parts.append(_("Areas taken off: {areas}", areas=", ".join(area_label(code) for code in taken_off)))
    return "; ".join(parts)


@dataclass(frozen=True)
class _Event:
    action: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def _events_of(session, entity: str, ids: list[int], start: datetime) -> dict[int, list[_Event]]:
    """The events since ``start`` of the rows ``ids`` of ``entity``, oldest first."""
    if not ids:
        return {}
    found: dict[int, list[_Event]] = {}
    rows = session.execute(
        select(AuditEvent.entity_id, AuditEvent.action, AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id.in_(ids), AuditEvent.occurred_at >= start)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    for entity_id, action, before, after in rows:
        found.setdefault(int(entity_id), []).append(_Event(action, before, after))
    return found


def _area_changes(session, ids: list[int], events: _Range) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per commitment in ``ids`` with any, the codes of the areas added and taken off since ``start``."""
    if not ids:
        return {}
    added: dict[int, list[str]] = {}
    removed: dict[int, list[str]] = {}
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.before, AuditEvent.after)
        .where(
            events.of("commitment_areas"),
            or_(
                AuditEvent.after["commitment_id"].as_integer().in_(ids),
                AuditEvent.before["commitment_id"].as_integer().in_(ids),
            ),
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    for action, before, after in rows:
        values = (after if after is not None else before) or {}
        commitment_id = int(values["commitment_id"])
        code = str(values.get("gss_code"))
        into, other = (added, removed) if action == "create" else (removed, added)
        if code in other.get(commitment_id, []):
            other[commitment_id].remove(code)  # taken off and put back: no change
        else:
            into.setdefault(commitment_id, []).append(code)
    return {
        commitment_id: (tuple(added.get(commitment_id, ())), tuple(removed.get(commitment_id, ())))
        for commitment_id in ids
        if added.get(commitment_id) or removed.get(commitment_id)
    }


def _announcement_refs(session, events: Mapping[int, list[_Event]]) -> dict[Any, str]:
    """The live announcements the commitments' latest values name, by id: the pages that show them."""
    ids = {
        (event.after if event.after is not None else event.before or {}).get("announcement_id")
        for mine in events.values()
        for event in mine[-1:]
    }
    ids.discard(None)
    if not ids:
        return {}
    rows = session.execute(
        select(Announcement.id, Announcement.ref).where(Announcement.id.in_(ids), Announcement.deleted_at.is_(None))
    )
    return {announcement_id: ref for announcement_id, ref in rows}


def _deliveries(session, events: _Range, most: int) -> Listed:
    live = and_(events.created("deliveries"), Delivery.deleted_at.is_(None))
    count = session.scalar(
        select(func.count()).select_from(
            select(AuditEvent.id).join(Delivery, Delivery.id == AuditEvent.entity_id).where(live).subquery()
        )
    )
    rows = session.execute(
        select(
            Commitment.ref,
            _live_announcement_ref(),
            Delivery.ref,
            Delivery.paid_on,
            Delivery.amount_pence,
            Delivery.kind,
            AuditEvent.occurred_at,
        )
        .join(Delivery, Delivery.id == AuditEvent.entity_id)
        .join(Commitment, Commitment.id == Delivery.commitment_id)
        .where(live)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(most)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=DELIVERY_COLUMNS)
    frame["amount_pence"] = frame["amount_pence"].astype("int64")
    return Listed(int(count or 0), _times(frame, "recorded_at"), _said_kinds)


def _live_announcement_ref():
    """An announcement's ref when it is not deleted (else NULL: no page shows it)."""
    return (
        select(Announcement.ref)
        .where(Announcement.id == Commitment.announcement_id, Announcement.deleted_at.is_(None))
        .scalar_subquery()
    )


def _milestones(session, events: _Range, most: int) -> Listed:
    """Milestones made since, or whose date achieved was set since, still there."""
    rows = session.execute(
        select(
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.entity_id,
            AuditEvent.action,
            AuditEvent.before["achieved_on"].as_string(),
            AuditEvent.after["achieved_on"].as_string(),
        )
        .where(
            events.of("milestones"),
            or_(AuditEvent.action == "create", AuditEvent.action == "update"),
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    added: set[int] = set()
    met: set[int] = set()
    last: dict[int, tuple[datetime, int]] = {}
    for event_id, at, milestone_id, action, achieved_before, achieved_after in rows:
        if action == "create":
            added.add(milestone_id)
        elif achieved_after and not achieved_before:
            met.add(milestone_id)
        else:
            continue
        last[milestone_id] = (at, event_id)
    live = _live_milestones(session, added | met)
    listed = sorted((milestone_id for milestone_id in last if milestone_id in live), key=last.__getitem__, reverse=True)
    frame_rows = []
    for milestone_id in listed[:most]:
        commitment_ref, announcement_ref, title, due_on, achieved_on = live[milestone_id]
        change = (ADDED_AND_MET if achieved_on else ADDED) if milestone_id in added else MET
        frame_rows.append((commitment_ref, announcement_ref, title, due_on, achieved_on, change, last[milestone_id][0]))
    frame = _times(pd.DataFrame(frame_rows, columns=MILESTONE_COLUMNS), "changed_at")
    return Listed(len(listed), frame, _said_changes)


def _live_milestones(session, ids: Iterable[int]) -> dict[int, tuple]:
    ids = list(ids)
    if not ids:
        return {}
    found: dict[int, tuple] = {}
    chunk = 5000
    for at in range(0, len(ids), chunk):
        rows = session.execute(
            select(
                Milestone.id,
                Commitment.ref,
                _live_announcement_ref(),
                Milestone.title,
                Milestone.due_on,
                Milestone.achieved_on,
            )
            .join(Commitment, Commitment.id == Milestone.commitment_id)
            .where(Milestone.id.in_(ids[at : at + chunk]), Milestone.deleted_at.is_(None))
        )
        for milestone_id, *rest in rows:
            found[int(milestone_id)] = tuple(rest)
    return found


def _times(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``column`` as UTC times (an empty list keeps the type too), and each
    row's ``address``: the page of the announcement that shows the record
    (none when that announcement is deleted)."""
    frame[column] = pd.to_datetime(pd.Series(list(frame[column]), dtype=object), utc=True)
    refs = frame["ref"] if "announcement_ref" not in frame else frame["announcement_ref"]
    frame["address"] = pd.Series(
        [record_address("announcements", "ref", ref) if isinstance(ref, str) and ref else None for ref in refs],
        dtype=object,
    )
    return frame.reset_index(drop=True)
