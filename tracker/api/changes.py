"""``/api/changes``: what was created, changed, deleted or restored since a
moment, from the audit trail, for people who want to be told rather than look.

Each change: ``{"id", "at", "action", "entity", "ref", "changed", "url"}``:
the audit event's id (it only grows: a client remembers the last one it saw),
when (ISO, UTC), ``create``/``update``/``delete``/``restore``, the table, the
record's ref, the names of the fields that changed (never their values), and
where the API shows the record. Oldest first, so pages already read never
shift as new changes arrive.

Which changes, and whether the actor is named:

- everyone who may read the API: the records people see, with their refs:
  announcements, commitments, deliveries, milestones; the rows that belong to
  a commitment (its profile, areas, baseline and revisions of its money,
  planned budgets, activity links, progress statuses), named by the
  commitment's ref; organisations (by identifier, else name). Never who made
  the change;
- ``full=true`` (the audit trail's own readers, admins; 403 for anyone else):
  every event, users, tokens and settings included, with the actor.

``changed``: for a new record, the fields it was given (not blank); for a
change, delete or restore, the fields whose values differ (a delete is
``deleted_at``). Bookkeeping (``id``, ``version``) is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select

from db.models import AuditEvent, Commitment
from db.session import read_session

OWN_REF = ("announcements", "commitments", "deliveries", "milestones")
OF_A_COMMITMENT = (
    "profile_lines",
    "commitment_areas",
    "commitment_baselines",
    "commitment_revisions",
    "planned_budgets",
    "activity_links",
    "progress_statuses",
)
SEEN = (*OWN_REF, *OF_A_COMMITMENT, "organisations")
LISTED = ("announcements", "commitments", "deliveries")  # the kinds /api/{kind}/{ref} shows
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at"})


@dataclass(frozen=True)
class ChangesPage:
    rows: list[dict[str, Any]]
    total: int


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    """The fields a change touched (see the module docstring), in the row's order."""
    if before is None and after is None:
        return []
    if before is None or after is None:
        given = after if after is not None else before
        assert given is not None
        return [key for key, value in given.items() if key not in BOOKKEEPING and value not in (None, "")]
    keys = list(before) + [key for key in after if key not in before]
    return [key for key in keys if key not in BOOKKEEPING and before.get(key) != after.get(key)]


def _snapshot(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return after or before or {}


def changes(engine: Engine, since: datetime, *, full: bool, page: int, per_page: int, prefix: str) -> ChangesPage:
    """The changes at or after ``since``, page ``page`` of ``per_page``, oldest first."""
    query = select(AuditEvent).where(AuditEvent.occurred_at >= since.astimezone(UTC))
    counting = select(func.count(AuditEvent.id)).where(AuditEvent.occurred_at >= since.astimezone(UTC))
    if not full:
        query = query.where(AuditEvent.entity.in_(SEEN))
        counting = counting.where(AuditEvent.entity.in_(SEEN))
    with read_session(engine) as session:
        total = int(session.scalar(counting) or 0)
        events = session.scalars(query.order_by(AuditEvent.id).offset((page - 1) * per_page).limit(per_page)).all()
        wanted = {
            int(snap["commitment_id"])
            for event in events
            if event.entity in (*OF_A_COMMITMENT, "milestones")
            and isinstance((snap := _snapshot(event.before, event.after)).get("commitment_id"), int)
        }
        refs = (
            dict(session.execute(select(Commitment.id, Commitment.ref).where(Commitment.id.in_(wanted))).all())
            if wanted
            else {}
        )
    rows = [_row(event, refs, full=full, prefix=prefix) for event in events]
    return ChangesPage(rows, total)


def _row(event: AuditEvent, commitment_refs: Mapping[int, str], *, full: bool, prefix: str) -> dict[str, Any]:
    snap = _snapshot(event.before, event.after)
    entity = event.entity
    ref: str | None = None
    url: str | None = None
    commitment_id = snap.get("commitment_id")
    owner = commitment_refs.get(commitment_id) if isinstance(commitment_id, int) else None
    if entity in OWN_REF:
        ref = str(snap["ref"]) if snap.get("ref") not in (None, "") else None
        if entity in LISTED and ref is not None:
            url = f"{prefix}/{entity}/{ref}"
        elif owner is not None:
            url = f"{prefix}/commitments/{owner}"
    elif entity in OF_A_COMMITMENT:
        ref = owner
        url = f"{prefix}/commitments/{owner}" if owner is not None else None
    elif entity == "organisations":
        ref = snap.get("org_identifier") or snap.get("name")
    else:  # the whole trail's other rows: users and their tokens, settings, reviews
        found = next((snap.get(key) for key in ("ref", "username", "setting") if snap.get(key) not in (None, "")), None)
        ref = None if found is None else str(found)
    item: dict[str, Any] = {
        "id": event.id,
        "at": event.occurred_at.astimezone(UTC).isoformat(timespec="seconds"),
        "action": event.action,
        "entity": entity,
        "ref": ref,
        "changed": changed_fields(event.before, event.after),
        "url": url,
    }
    if full:
        item["actor"] = event.actor
    return item
