"""Organisations (funders, recipients, oversight bodies) and the other names they are known by."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from db.models.base import Base, Timestamps, one_of, sized
from tracker.core import vocabulary
from tracker.core.identifiers import normalise_name

if TYPE_CHECKING:
    from db.models.announcements import Announcement
    from db.models.commitments import Commitment


class Organisation(Timestamps, Base):
    """A funder, a recipient or an oversight body.

    Two organisations may share a name (different identifiers); an identifier
    is unique when present. ``normalised_name`` is the name as matched
    (``tracker.core.identifiers.normalise_name``).
    """

    __tablename__ = "organisations"
    __table_args__ = (one_of("kind", vocabulary.ORGANISATION_KINDS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sized("organisation_name"))
    normalised_name: Mapped[str] = mapped_column(sized("normalised_name"), index=True)
    kind: Mapped[str] = mapped_column(sized("organisation_kind"), default="other", server_default="other")
    # A 360Giving/org-id style identifier, e.g. GB-PLA-... for a Welsh council.
    org_identifier: Mapped[str | None] = mapped_column(sized("org_identifier"), unique=True)
    notes: Mapped[str | None] = mapped_column(Text)
    # Optimistic concurrency: SQLAlchemy adds "AND version = <loaded>" to each
    # UPDATE/DELETE and bumps it, so a stale edit fails instead of winning.
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    announcements: Mapped[list[Announcement]] = relationship(back_populates="funder")
    commitments_received: Mapped[list[Commitment]] = relationship(back_populates="recipient")
    other_names: Mapped[list[OrganisationName]] = relationship(
        back_populates="organisation", order_by="OrganisationName.id", cascade="all, delete-orphan"
    )

    @validates("name")
    def _match_on(self, _key: str, name: str) -> str:
        self.normalised_name = normalise_name(name)
        return name

    def __repr__(self) -> str:
        return f"<Organisation id={self.id} name={self.name!r} kind={self.kind!r}>"


class OrganisationName(Base):
    """Another name an organisation is known by (matched like its own name)."""

    __tablename__ = "organisation_names"
    __table_args__ = (UniqueConstraint("organisation_id", "normalised_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sized("organisation_name"))
    normalised_name: Mapped[str] = mapped_column(sized("normalised_name"), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="other_names")

    @validates("name")
    def _match_on(self, _key: str, name: str) -> str:
        self.normalised_name = normalise_name(name)
        return name
