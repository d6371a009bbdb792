"""The audit trail's read model: who changed what, when, from what to what.

Every write (tracker.records.unit_of_work) records one ``AuditEvent`` per
created or changed row, in the same transaction as the change (``snapshot`` is
the row's column values as JSON). This module only reads them back for the Audit trail page and its CSV
download:

- ``events(engine, AuditFilter(...))``: the events as a DataFrame, newest
  first, each with a readable ``changes`` summary;
- ``choices(engine)``: the entities, actions and actors present (for the
  filter widgets); ``span(engine)``: how many events, first and last;
- ``audit_table(frame)``: the events as a ``tracker.files.table.Table`` for
  ``tracker.files.exports.to_csv_bytes`` (which neutralises text a
  spreadsheet would run as a formula: an actor or a ref may be anything).

Times are UTC throughout, and so are the filter's dates: ``since`` and
``until`` are whole UTC days, both included.

The text filter matches the ref or any value in the before or after snapshot,
ignoring case; a money value (a key ending ``_pence``) also matches as pounds
(``500,000`` finds 50000000 pence). It is applied in Python after the SQL
filters, newest first, until ``limit`` events match. When the text could only
appear in the stored JSON verbatim (plain ASCII, no quote, backslash, comma,
full stop or pound sign), a coarse ``LIKE`` on the JSON text narrows the rows
in SQL first. It lets through too many rows (it also sees key names), which
Python then drops; it can drop a true match only for a value holding one of
the rare non-ASCII letters whose lower case is ASCII (the Kelvin sign, a
dotted capital I), which the JSON text stores escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, Text, cast, func, or_, select

from db.models import AuditEvent
from db.session import read_session
from tracker.core.money import format_pounds
from tracker.core.phrases import changed
from tracker.core.vocabulary import AUDIT_ACTIONS
from tracker.files.table import Table
from tracker.i18n import N_, _

LIMIT = 5000

COLUMNS = ("id", "occurred_at", "actor", "action", "entity", "entity_id", "ref", "changes", "before", "after")

# What a create (or a delete) summarises: the fields a person recognises a
# row by. Other tables show their first few non-blank fields.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "organisations": ("name", "kind", "org_identifier"),
    "announcements": ("ref", "announced_on", "title"),
    "commitments": ("ref", "purpose", "kind", "amount_pence", "qualifier", "first_year", "years"),
    "profile_lines": ("commitment_id", "financial_year", "amount_pence"),
    "deliveries": ("ref", "paid_on", "amount_pence", "kind"),
    "milestones": ("ref", "title", "due_on", "achieved_on"),
}
_BOOKKEEPING = frozenset({"id", "version", "deleted_at", "created_at", "updated_at"})
# Each stored field as people call it (marked for the catalogue, said in the language in use by
# ``field_label``); a field not listed (a newer column) is named from its key.
FIELD_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "achieved_note": N_("Achieved note"),
        "achieved_on": N_("Achieved on"),
        "amount_pence": N_("Amount"),
        "announced_on": N_("Announced on"),
        "announcement_id": N_("Announcement"),
        "as_at": N_("As at"),
        "assessed_on": N_("Assessed on"),
        "capital_or_revenue": N_("Capital or revenue"),
        "client": N_("Client"),
        "client_address": N_("Client address"),
        "commitment_id": N_("Commitment"),
        "created": N_("Created"),
        "disabled": N_("Disabled"),
        "due_on": N_("Due on"),
        "email": N_("Email"),
        "ended_at": N_("Ended at"),
        "ended_because": N_("Ended because"),
        "evidence_url": N_("Evidence"),
        "failed_at": N_("Failed at"),
        "figures": N_("Figures"),
        "figures_sha256": N_("Figures sha256"),
        "file_name": N_("File name"),
        "financial_year": N_("Financial year"),
        "finished_at": N_("Finished at"),
        "first_year": N_("First financial year"),
        "funder_id": N_("Funder"),
        "gss_code": N_("Gss code"),
        "held_on": N_("Held on"),
        "illustrative": N_("Illustrative"),
        "import_id": N_("Import"),
        "kind": N_("Kind"),
        "language": N_("Language"),
        "last_seen_at": N_("Last seen at"),
        "last_sign_in_at": N_("Last sign in at"),
        "last_used_at": N_("Last used at"),
        "locked_until": N_("Locked until"),
        "made_by": N_("Made by"),
        "meeting_id": N_("Meeting"),
        "must_change_password": N_("Must change password"),
        "name": N_("Name"),
        "normalised_name": N_("Normalised name"),
        "note": N_("Note"),
        "notes": N_("Notes"),
        "org_identifier": N_("Identifier"),
        "organisation_id": N_("Organisation"),
        "other_ref": N_("Other ref"),
        "paid_on": N_("Paid on"),
        "part_of_id": N_("Part of"),
        "password_changed_at": N_("Password changed at"),
        "password_set": N_("Password set"),
        "period_end": N_("Period end"),
        "period_start": N_("Period start"),
        "planned_end": N_("Planned end"),
        "planned_start": N_("Planned start"),
        "programme": N_("Programme"),
        "purpose": N_("Purpose"),
        "qualifier": N_("Qualifier"),
        "quote": N_("Quote"),
        "reannounces_earlier": N_("Announced before"),
        "reannounces_id": N_("Reannounces"),
        "reason": N_("Reason"),
        "reason_text": N_("Reason text"),
        "recipient_id": N_("Recipient"),
        "recorded_at": N_("Recorded at"),
        "ref": N_("Ref"),
        "relation": N_("Relation"),
        "reviewer": N_("Reviewer"),
        "revised_at": N_("Revised at"),
        "revoked_at": N_("Revoked at"),
        "role": N_("Role"),
        "roles": N_("Roles"),
        "setting": N_("Setting"),
        "setting_value": N_("Setting value"),
        "source_url": N_("Source"),
        "spread": N_("Spread"),
        "started_at": N_("Started at"),
        "status": N_("Status"),
        "taken_at": N_("Taken at"),
        "taken_by": N_("Taken by"),
        "ticket_binding": N_("Ticket binding"),
        "ticket_expires_at": N_("Ticket expires at"),
        "title": N_("Title"),
        "undone_at": N_("Undone at"),
        "undone_by": N_("Undone by"),
        "updated": N_("Updated"),
        "uplift_bp": N_("Yearly uplift (basis points)"),
        "user_id": N_("User"),
        "username": N_("Username"),
        "years": N_("Years"),
    }
)
_FALLBACK_FIELDS = 6
_MAX_VALUE_CHARS = 80

# A needle made only of these appears verbatim in the JSON text of a value
# that contains it (json.dumps escapes non-ASCII, quotes, backslashes and
# control characters; pounds add "£", "," and "."), so the SQL LIKE is safe.
_VERBATIM_IN_JSON = re.compile(r"[ !#$%&'()*+\-/0-9:;<=>?@A-Z\[\]^_`a-z{|}~]+")

EXPORT_TITLES = {
    "occurred_at": "When (UTC)",
    "actor": "Who",
    "action": "Action",
    "entity": "Record type",
    "entity_id": "Record id",
    "ref": "Ref",
    "changes": "Changes",
    "before": "Before",
    "after": "After",
}


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show. Empty tuples and None mean "any"."""

    entities: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    since: date | None = None  # first UTC day included
    until: date | None = None  # last UTC day included
    text: str = ""  # a ref or any value in the before/after snapshot

    @property
    def is_empty(self) -> bool:
        return not (self.entities or self.actions or self.actors or self.since or self.until or self.text.strip())


@dataclass(frozen=True)
class AuditSpan:
    """How many events there are, and when the first and last happened (UTC)."""

    count: int
    first: datetime | None
    last: datetime | None


# --- reading -------------------------------------------------------------------


def events(engine: Engine, flt: AuditFilter = AuditFilter(), limit: int = LIMIT) -> pd.DataFrame:
    """The events ``flt`` selects, newest first, at most ``limit`` of them.

    Columns: ``id``, ``occurred_at`` (UTC), ``actor``, ``action``, ``entity``
    (a table name), ``entity_id`` (nullable Int64), ``ref`` (the row's ref
    when it has one), ``changes`` (see ``describe_changes``), ``before`` and
    ``after`` (the snapshots as JSON text, None when absent).
    """
    needle = flt.text.strip().lower()
    statement = _filtered(select(AuditEvent), flt, needle)
    statement = statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    rows: list[dict[str, Any]] = []
    with read_session(engine) as session:
        if not needle:
            found: Iterable[AuditEvent] = session.scalars(statement.limit(limit))
        else:
            found = session.scalars(statement.execution_options(yield_per=1000))
        for event in found:
            if needle and not matches_text(event.before, event.after, needle):
                continue
            rows.append(_row(event))
            if len(rows) >= limit:
                break
    return _frame(rows)


def choices(engine: Engine) -> dict[str, list[str]]:
    """What the filter widgets offer: the entities, actions and actors present."""
    with read_session(engine) as session:
        entities = sorted(session.scalars(select(AuditEvent.entity).distinct()))
        present = set(session.scalars(select(AuditEvent.action).distinct()))
        actors = sorted(session.scalars(select(AuditEvent.actor).distinct()), key=lambda a: (a.casefold(), a))
    actions = [a for a in AUDIT_ACTIONS if a in present] + sorted(present - set(AUDIT_ACTIONS))
    return {"entities": entities, "actions": actions, "actors": actors}


def span(engine: Engine) -> AuditSpan:
    """The number of events and the first and last times, over the whole trail."""
    with read_session(engine) as session:
        count, first, last = session.execute(
            select(func.count(AuditEvent.id), func.min(AuditEvent.occurred_at), func.max(AuditEvent.occurred_at))
        ).one()
    return AuditSpan(int(count), first, last)


def _filtered(statement: Select, flt: AuditFilter, needle: str) -> Select:
    if flt.entities:
        statement = statement.where(AuditEvent.entity.in_(flt.entities))
    if flt.actions:
        statement = statement.where(AuditEvent.action.in_(flt.actions))
    if flt.actors:
        statement = statement.where(AuditEvent.actor.in_(flt.actors))
    if flt.since is not None:
        statement = statement.where(AuditEvent.occurred_at >= _utc_midnight(flt.since))
    if flt.until is not None:
        statement = statement.where(AuditEvent.occurred_at < _utc_midnight(flt.until + timedelta(days=1)))
    if needle and _VERBATIM_IN_JSON.fullmatch(needle):
        statement = statement.where(
            or_(
                cast(AuditEvent.before, Text).icontains(needle, autoescape=True),
                cast(AuditEvent.after, Text).icontains(needle, autoescape=True),
            )
        )
    return statement


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def matches_text(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, needle: str) -> bool:
    """Whether ``needle`` (already lower case) is in the ref or any value of either snapshot."""
    for snapshot in (before, after):
        for key, value in (snapshot or {}).items():
            if any(needle in text.lower() for text in _search_texts(key, value)):
                return True
    return False


def _search_texts(key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return [str(value).lower(), "yes" if value else "no"]
    if isinstance(value, int) and key.endswith("_pence"):
        return [str(value), format_pounds(value)]
    if isinstance(value, (dict, list)):
        return [json.dumps(value, ensure_ascii=False)]
    return [str(value)]


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "occurred_at": event.occurred_at,
        "actor": event.actor,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "ref": _ref(event.before, event.after),
        "changes": describe_changes(event.entity, event.before, event.after),
        "before": _json_text(event.before),
        "after": _json_text(event.after),
    }


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    def column(name: str) -> list[Any]:
        return [row[name] for row in rows]

    return pd.DataFrame(
        {
            "id": pd.array(column("id"), dtype="int64"),
            "occurred_at": pd.to_datetime(pd.Series(column("occurred_at"), dtype=object), utc=True),
            **{name: pd.Series(column(name), dtype="str") for name in ("actor", "action", "entity")},
            "entity_id": pd.array(column("entity_id"), dtype="Int64"),
            **{name: pd.Series(column(name), dtype=object) for name in ("ref", "changes", "before", "after")},
        },
        columns=list(COLUMNS),
    )


def _ref(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str | None:
    for snapshot in (after, before):
        if snapshot and snapshot.get("ref") not in (None, ""):
            return str(snapshot["ref"])
    return None


def _json_text(snapshot: Mapping[str, Any] | None) -> str | None:
    return None if snapshot is None else json.dumps(snapshot, ensure_ascii=False)


# --- the readable summary ------------------------------------------------------


def describe_changes(entity: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """A one-line summary of an event, in words.

    With both snapshots (an update, a deletion or a restore): each changed
    field in the row's column order, "Amount changed from £500,000 to
    £750,000"; a row marked deleted or restored says so ("Deleted",
    "Restored"); bookkeeping (ids, versions, times) is left out. With one (a
    create or a delete): the fields that identify the row, "Ref: W1; Kind:
    recurring; Amount: £500,000". Fields are named as people know them
    (``field_label``); money (keys ending ``_pence``) is in pounds; long text
    is cut to 80 characters.
    """
    if before is not None and after is not None:
        keys = list(before) + [key for key in after if key not in before]
        differ = [key for key in keys if before.get(key) != after.get(key)]
        parts = [_deletion(before.get("deleted_at"), after.get("deleted_at"))] if "deleted_at" in differ else []
        parts += [
            changed(field_label(key), _shown(key, before.get(key)), _shown(key, after.get(key)))
            for key in differ
            if key not in _BOOKKEEPING
        ]
        return "; ".join(parts) or _("No values changed")
    snapshot = after if after is not None else before
    if not snapshot:
        return ""
    fields = KEY_FIELDS.get(entity)
    if fields is None:
        fields = tuple(key for key in snapshot if key not in _BOOKKEEPING and not _blank(snapshot[key]))
        fields = fields[:_FALLBACK_FIELDS]
    return "; ".join(
        f"{field_label(key)}: {_shown(key, snapshot[key])}"
        for key in fields
        if key in snapshot and not _blank(snapshot[key])
    )


def field_label(key: str) -> str:
    """A stored field as people call it, in the language in use: ``amount_pence`` is "Amount",
    ``first_year`` "First financial year"."""
    if key in FIELD_LABELS:
        return _(FIELD_LABELS[key])
    words = key.removesuffix("_pence").removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]


def _deletion(before: Any, after: Any) -> str:
    return _("Restored") if _blank(after) else _("Deleted") if _blank(before) else _("Deletion time changed")


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _shown(key: str, value: Any) -> str:
    if _blank(value):
        return _("(blank)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int) and key.endswith("_pence"):
        return format_pounds(value)
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
    text = " ".join(text.split())  # one line: newlines and runs of spaces become one space
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


# --- export --------------------------------------------------------------------


def audit_table(frame: pd.DataFrame) -> Table:
    """The events (from ``events``) as a table for the CSV download.

    ``occurred_at`` becomes ISO 8601 text in UTC (``2026-11-27T16:10:30+00:00``);
    the other columns are as shown on the page. No money columns: amounts are
    inside the text of ``changes``, ``before`` and ``after``.
    """
    export = pd.DataFrame(
        {
            "occurred_at": pd.Series([_iso_utc(value) for value in frame["occurred_at"]], dtype=object),
            **{name: pd.Series(list(frame[name]), dtype=object) for name in ("actor", "action", "entity")},
            "entity_id": pd.array(list(frame["entity_id"]), dtype="Int64"),
            **{name: pd.Series(list(frame[name]), dtype=object) for name in ("ref", "changes", "before", "after")},
        },
        columns=list(EXPORT_TITLES),
    )
    return Table(
        name="audit-trail",
        title="Audit trail",
        frame=export,
        titles=dict(EXPORT_TITLES),
        notes=("Times are UTC. Before and after are the row's values as JSON; money in them is in pence.",),
    )


def _iso_utc(value: Any) -> str:
    return pd.Timestamp(value).tz_convert(UTC).to_pydatetime().isoformat(timespec="seconds")
