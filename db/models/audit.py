"""The audit trail: one append-only row per change to the data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, one_of, sized, utc_now
from db.types import UTCDateTime
from tracker.core import vocabulary


class AuditEvent(Base):
    """One change to the data: who, when, what, before and after.

    Append-only: database triggers refuse UPDATE and DELETE, so there is no
    version column and no updated_at. ``before`` is NULL for a create and
    ``after`` is NULL for a delete.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        one_of("action", vocabulary.AUDIT_ACTIONS),
        Index("ix_audit_events_entity_entity_id", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    actor: Mapped[str] = mapped_column(sized("actor"))
    action: Mapped[str] = mapped_column(sized("audit_action"))
    entity: Mapped[str] = mapped_column(sized("entity"))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    # none_as_null: a missing snapshot is SQL NULL, not the JSON text 'null'.
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # The import whose transaction wrote the event (db.models.imports; NULL: none), and
    # its undo's: how an undo finds what an import did. Not a foreign key, like
    # ``entity_id``: the trail outlives what it names.
    import_id: Mapped[int | None] = mapped_column(Integer, index=True)

    def __repr__(self) -> str:
        return (
            f"<AuditEvent id={self.id} {self.action} {self.entity} #{self.entity_id} "
            f"by {self.actor!r} at {self.occurred_at}>"
        )
