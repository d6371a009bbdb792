"""Imports: one row per file an import saved, so that it can be listed and undone as one unit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, sized, utc_now
from db.types import UTCDateTime


class Import(Base):
    """A file an import saved (``tracker.imports.history``): what kind, its
    name, who and when, how many of its rows were created and updated; and,
    once undone (``tracker.imports.undo``), when and by whom.

    Written in the import's own transaction, so a failed import leaves no row.
    Every audit event the import wrote carries its id (``audit_events.import_id``),
    which is how an undo finds what the import did; so do the undo's. The row
    itself is bookkeeping, the index of those events, with no audit event of
    its own. Rows are never deleted.
    """

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sized("import_kind"))  # a key of tracker.imports.reading.KINDS
    file_name: Mapped[str] = mapped_column(sized("file_name"))
    actor: Mapped[str] = mapped_column(sized("actor"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set before the import commits
    created: Mapped[int] = mapped_column(Integer, default=0)  # rows of the file's own kind
    updated: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(sized("actor"))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Import id={self.id} {self.kind} {self.file_name!r} by {self.actor!r} at {self.started_at}>"
