"""Organisations (funders and recipients), as the writes find or add them.

An import matches an organisation by its identifier first, then by its
normalised name (``tracker.core.identifiers.normalise_name``, counting the
other names it is known by); it adds one the first time a file names it
(``Organisations``). A name that matches two organisations is refused,
naming both; an identifier never matches an organisation that has a
different one. A form only adds an organisation when the person says the name
is new (``organisation_ids`` with ``new_ok``), so a typo does not become a new
funder.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import Organisation
from db.session import take_organisations_lock
from tracker.core.identifiers import normalise_name
from tracker.core.limits import never_stored
from tracker.i18n import _
from tracker.records.problems import FieldProblem
from tracker.records.unit_of_work import snapshot


class AmbiguousOrganisation(ValueError):
    """A name that matches more than one organisation; ``str(err)`` names them, in the language in use."""


class Organisations:
    """Organisations by identifier and by normalised name, created on first mention.

    With ``preview=True`` (an import's plan) nothing is written: a new
    organisation is a transient object never added to the session, and an
    identifier given to an organisation known by name only is noted in
    ``given`` rather than set on it, so that the plan finds what saving would.
    """

    def __init__(self, session: Session, *, preview: bool = False):
        self.session = session
        self.preview = preview
        if not preview:  # it may add organisations: never beside another writer that may (PostgreSQL)
            take_organisations_lock(session)
        self.all = list(session.scalars(select(Organisation).options(selectinload(Organisation.other_names))))
        self.by_identifier = {o.org_identifier: o for o in self.all if o.org_identifier}
        self.by_name: dict[str, list[Organisation]] = {}
        for org in self.all:
            for name in self.names(org):
                self.by_name.setdefault(name, []).append(org)
        self.created: list[Organisation] = []
        self.identified: list[tuple[Organisation, dict]] = []  # (organisation, its snapshot before)
        self.given: dict[Organisation, str] = {}  # preview: identifiers saving would give
        self.first_line: dict[Organisation, int] = {}  # a new organisation: the file line that named it

    @staticmethod
    def names(org: Organisation) -> set[str]:
        """The normalised names an organisation is matched by."""
        return {org.normalised_name, *(n.normalised_name for n in org.other_names)}

    def identifier(self, org: Organisation) -> str | None:
        """The organisation's identifier, counting one this import gives it."""
        return org.org_identifier or self.given.get(org)

    def describe(self, org: Organisation) -> str:
        """``'Cardiff Council' (GB-CHC-1111)``, saying when the file itself adds it (in the language in use)."""
        identifier = self.identifier(org) or _("no identifier")
        line = self.first_line.get(org)
        if line:
            return _(
                "{name} ({identifier}, new in this file on line {line})",
                name=repr(org.name),
                identifier=identifier,
                line=line,
            )
        return _("{name} ({identifier})", name=repr(org.name), identifier=identifier)

    def get(self, name: str, kind: str, identifier: str | None = None, line: int | None = None) -> Organisation:
        """The organisation a row names; raises ``AmbiguousOrganisation``.

        ``kind`` is the row's field (``funder`` or ``recipient``); ``line``
        the file line, to say which line added an organisation.
        """
        if identifier:
            org = self.by_identifier.get(identifier)
            if org is not None:
                return org
        candidates = self.by_name.get(normalise_name(name), [])
        if identifier:  # an identifier never matches an organisation with another one
            candidates = [o for o in candidates if not self.identifier(o)]
        if len(candidates) > 1:
            said = {
                "name": repr(name),
                "count": len(candidates),
                "organisations": ", ".join(self.describe(o) for o in candidates),
            }
            raise AmbiguousOrganisation(
                _("{name} matches {count} organisations: {organisations}: give the identifier of the one meant", **said)
                if identifier
                else _(
                    "{name} matches {count} organisations: {organisations}: give the identifier of the one meant "
                    "({column})",
                    column=kind + "_id",
                    **said,
                )
            )
        if candidates:
            org = candidates[0]
            if identifier:  # the organisation was known by name only: it now has its identifier
                if self.preview:
                    self.given[org] = identifier
                else:
                    self.identified.append((org, snapshot(org)))
                    org.org_identifier = identifier
                self.by_identifier[identifier] = org
            return org
        org = Organisation(name=name, kind=kind, org_identifier=identifier)
        if not self.preview:
            self.session.add(org)
        self.by_name.setdefault(normalise_name(name), []).append(org)
        if identifier:
            self.by_identifier[identifier] = org
        if line is not None:
            self.first_line[org] = line
        self.all.append(org)
        self.created.append(org)
        return org


def _named(session: Session, wanted: list[str]) -> dict[str, list[tuple[str, int, str | None]]]:
    """(name, id, identifier) of the organisations by each normalised name in ``wanted``."""
    matches: dict[str, list[tuple[str, int, str | None]]] = {}
    if wanted:
        for normalised, org_name, org_id, identifier in session.execute(
            select(Organisation.normalised_name, Organisation.name, Organisation.id, Organisation.org_identifier).where(
                Organisation.normalised_name.in_(wanted)
            )
        ):
            matches.setdefault(normalised, []).append((org_name, org_id, identifier))
    return matches


def organisation_ids(
    session: Session,
    names: list[tuple[str, str | None, str]],
    problems: list[FieldProblem],
    new_ok: bool,
    created: list[Organisation] | None,
) -> dict[str, int]:
    """Organisation ids for ``(field, name, kind)``. A name not in the table is
    a problem unless ``new_ok``; then it is created and added to ``created``
    (for the caller to audit), or, when ``created`` is None (a preview, which
    writes nothing), simply accepted."""
    names = [(field_name, name, kind) for field_name, name, kind in names if not never_stored(name)]  # refused already
    wanted = sorted({normalise_name(name) for _field, name, _kind in names if name})
    matches = _named(session, wanted)
    if new_ok and created is not None and set(wanted) - set(matches):
        # A name is new and will be added: wait for any other writer adding
        # organisations (PostgreSQL), then read again what it may have added.
        take_organisations_lock(session)
        matches = _named(session, wanted)
    known: dict[str, int] = {}
    for field_name, name, kind in names:
        if not name:
            continue
        found = matches.get(normalise_name(name), [])
        if len(found) > 1:
            exact = [f for f in found if f[0] == name]
            if len(exact) != 1:
                problems.append(
                    FieldProblem(
                        field_name,
                        name,
                        _(
                            "{count} organisations are called {name} ({identifiers}): an admin can merge them, "
                            "or tell them apart by name",
                            count=len(found),
                            name=repr(name),
                            identifiers=", ".join(identifier or _("no identifier") for *_named, identifier in found),
                        ),
                    )
                )
                continue
            found = exact
        if found:
            known[name] = found[0][1]
        if name in known:
            continue
        if not new_ok:
            problems.append(
                FieldProblem(
                    field_name,
                    name,
                    _("no organisation called {name}: pick one from the list or add it", name=repr(name)),
                )
            )
        elif created is not None:  # None: a preview, which accepts the name and writes nothing
            org = Organisation(name=name, kind=kind)
            session.add(org)
            session.flush()
            known[name] = org.id
            created.append(org)
    return known


def recipient_of(
    session: Session,
    name: str | None,
    identifier: str | None,
    problems: list[FieldProblem],
    new_ok: bool,
    created: list[Organisation],
    identified: list[tuple[Organisation, dict]],
) -> int | None:
    """The id of the recipient a form or an update names, as an import would
    find it: by identifier first, then by name (``Organisations``). A new
    organisation is a problem unless ``new_ok``; one it creates goes to
    ``created`` and one that gains its identifier to ``identified`` (with its
    snapshot before), for the caller to audit."""
    if not name:
        return None
    if not identifier:
        return organisation_ids(session, [("recipient", name, "recipient")], problems, new_ok, created).get(name)
    orgs = Organisations(session)
    try:
        org = orgs.get(name, "recipient", identifier)
    except AmbiguousOrganisation as err:
        problems.append(FieldProblem("recipient", name, str(err)))
        return None
    if org in orgs.created and not new_ok:
        session.expunge(org)
        problems.append(
            FieldProblem(
                "recipient_id",
                identifier,
                _(
                    "no organisation has this identifier or is called {name} without one: pick one, or add it as new",
                    name=repr(name),
                ),
            )
        )
        return None
    if org.id is None:
        session.flush()
    created.extend(orgs.created)
    identified.extend(orgs.identified)
    return org.id
