"""Organisations (funders and recipients) by name, as the writes find or add them.

An import adds an organisation the first time a file names it
(``Organisations``); a form only does so when the person says the name is
new (``organisation_ids`` with ``new_ok``), so a typo does not become a new
funder.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Organisation
from tracker.records.problems import FieldProblem


class Organisations:
    """Organisations by name, created on first mention."""

    def __init__(self, session: Session):
        self.session = session
        self.by_name = {o.name: o for o in session.scalars(select(Organisation))}
        self.created: list[Organisation] = []

    def get(self, name: str, kind: str) -> Organisation:
        org = self.by_name.get(name)
        if org is None:
            org = Organisation(name=name, kind=kind)
            self.session.add(org)
            self.by_name[name] = org
            self.created.append(org)
        return org


def organisation_ids(
    session: Session,
    names: list[tuple[str, str, str]],
    problems: list[FieldProblem],
    new_ok: bool,
    created: list[Organisation] | None,
) -> dict[str, int]:
    """Organisation ids for ``(field, name, kind)``. A name not in the table is
    a problem unless ``new_ok``; then it is created and added to ``created``
    (for the caller to audit), or, when ``created`` is None (a preview, which
    writes nothing), simply accepted."""
    wanted = sorted({name for _, name, _ in names if name})
    known: dict[str, int] = {}
    if wanted:
        known = {
            name: org_id
            for name, org_id in session.execute(
                select(Organisation.name, Organisation.id).where(Organisation.name.in_(wanted))
            )
        }
    for field_name, name, kind in names:
        if not name or name in known:
            continue
        if not new_ok:
            problems.append(
                FieldProblem(field_name, name, f"no organisation called {name!r}: pick one from the list or add it")
            )
        elif created is not None:  # None: a preview, which accepts the name and writes nothing
            org = Organisation(name=name, kind=kind)
            session.add(org)
            session.flush()
            known[name] = org.id
            created.append(org)
    return known
