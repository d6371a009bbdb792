"""Admins keep the organisations: correct one (name, identifier, other names), merge two.

Organisations are matched on import by identifier, then by normalised name
(``tracker.records.organisations``); when the same body was recorded twice
(two spellings, or a name before its identifier was known), an admin merges
them. A merge moves every announcement and commitment of the one merged away
onto the one kept, keeps the merged name among the other names, and deletes
the merged organisation; every row it touches gets its own audit event, so
the audit record says exactly how to undo it.
"""

from __future__ import annotations

from sqlalchemy import select

from db.models import Announcement, Commitment, Organisation, OrganisationName
from db.session import Bind
from tracker.core import limits
from tracker.core.identifiers import check_identifier, normalise_name
from tracker.i18n import _
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import (
    MUST_NOT_BE_BLANK,
    FieldProblem,
    NotFound,
    StaleEdit,
    ValidationFailed,
    raise_if_any,
)
from tracker.records.unit_of_work import UnitOfWork, snapshot, write


def _load(uow: UnitOfWork, organisation_id: int) -> Organisation:
    org = uow.session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(_("there is no organisation with id {id}", id=organisation_id))
    return org


def update_organisation(
    organisation_id: int,
    *,
    name: str,
    identifier: str,
    other_names: list[str],
    expected_version: int,
    engine: Bind,
    actor: Actor,
) -> int:
    """Correct an organisation; its new version. Raises ``ValidationFailed``
    (a blank or too long name, a malformed identifier, one another organisation
    has), ``StaleEdit``, ``NotFound``, ``PermissionDenied``."""
    authorise(actor, "manage_organisations")

    def work(uow: UnitOfWork) -> int:
        session = uow.session
        org = _load(uow, organisation_id)
        if org.version != expected_version:
            raise StaleEdit("organisation", org.name, None, None)
        problems: list[FieldProblem] = []
        name_text, identifier_text = name.strip(), identifier.strip()
        if not name_text:
            problems.append(FieldProblem("name", name, MUST_NOT_BE_BLANK))
        elif wrong := limits.check_text("organisation_name", name_text):
            problems.append(FieldProblem("name", limits.shown(name_text), wrong))
        if identifier_text:
            if wrong := check_identifier(identifier_text) or limits.check_text("org_identifier", identifier_text):
                problems.append(FieldProblem("identifier", limits.shown(identifier_text), wrong))
            else:
                holder = session.scalars(
                    select(Organisation).where(
                        Organisation.org_identifier == identifier_text, Organisation.id != org.id
                    )
                ).one_or_none()
                if holder is not None:
                    problems.append(
                        FieldProblem(
                            "identifier", identifier_text, _("already the identifier of {name}", name=repr(holder.name))
                        )
                    )
        wanted: list[str] = []
        for other in other_names:
            text = other.strip()
            if text and normalise_name(text) not in {normalise_name(w) for w in wanted} | {normalise_name(name_text)}:
                if wrong := limits.check_text("organisation_name", text):
                    problems.append(FieldProblem("other_names", limits.shown(text), wrong))
                wanted.append(text)
        raise_if_any(problems)
        before = snapshot(org)
        before["other_names"] = [n.name for n in org.other_names]
        org.name = name_text
        org.org_identifier = identifier_text or None
        if [n.name for n in org.other_names] != wanted:
            org.other_names = [OrganisationName(name=text) for text in wanted]
        session.flush()
        after = snapshot(org)
        after["other_names"] = wanted
        if before != after:
            uow.record("update", org, before, after)
        return org.version

    return write(engine, actor, work)


def merge_organisations(keep_id: int, merge_id: int, *, engine: Bind, actor: Actor) -> int:
    """Merge organisation ``merge_id`` into ``keep_id``: its announcements and
    commitments move to the one kept, its names become other names of the one
    kept (its identifier too, if the one kept has none), and it is deleted.
    Returns how many rows moved. Every change is audited."""
    authorise(actor, "manage_organisations")
    if keep_id == merge_id:
        raise ValidationFailed([FieldProblem("merge", None, _("choose two different organisations"))])

    def work(uow: UnitOfWork) -> int:
        session = uow.session
        keep, gone = _load(uow, keep_id), _load(uow, merge_id)
        if keep.org_identifier and gone.org_identifier and keep.org_identifier != gone.org_identifier:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "merge",
                        gone.name,
                        _(
                            "{name} ({identifier}) and {other} ({other_identifier}) have different identifiers: "
                            "they are different organisations",
                            name=repr(gone.name),
                            identifier=gone.org_identifier,
                            other=repr(keep.name),
                            other_identifier=keep.org_identifier,
                        ),
                    )
                ]
            )
        moved = 0
        for model, column in ((Announcement, Announcement.funder_id), (Commitment, Commitment.recipient_id)):
            rows = session.scalars(select(model).where(column == gone.id)).all()
            for row in rows:
                before = snapshot(row)
                setattr(row, column.key, keep.id)
                session.flush()
                uow.record("update", row, before, snapshot(row))
                moved += 1
        before_keep = snapshot(keep)
        before_keep["other_names"] = [n.name for n in keep.other_names]
        known = {normalise_name(keep.name), *(n.normalised_name for n in keep.other_names)}
        for name in [gone.name, *(n.name for n in gone.other_names)]:
            if normalise_name(name) not in known:
                keep.other_names.append(OrganisationName(name=name))
                known.add(normalise_name(name))
        identifier = gone.org_identifier
        gone_snapshot = snapshot(gone)
        gone_snapshot["other_names"] = [n.name for n in gone.other_names]
        gone_snapshot["merged_into"] = keep.id
        session.delete(gone)
        session.flush()
        if identifier and not keep.org_identifier:
            keep.org_identifier = identifier
        session.flush()
        after_keep = snapshot(keep)
        after_keep["other_names"] = [n.name for n in keep.other_names]
        uow.record("update", keep, before_keep, after_keep)
        uow.record("delete", gone, gone_snapshot, None)
        return moved

    return write(engine, actor, work)
