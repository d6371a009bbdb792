"""Loading a deflator release and choosing the default one (admins).

A release is a named series of index numbers by financial year
(``tracker.core.deflators``). ``load_release`` reads a file's text, checks all
of it, and stores the release and every index in one transaction, or nothing;
one audit event per row it creates. A name already used (by a stored release
or by the one shipped with the tracker, in any case) is refused: a release is
never replaced or changed, so every figure worked with it can be worked again.

The default release is the ``app_settings`` row ``deflator_release``, holding
its name; no row means the shipped release. ``set_default`` changes it
(audited). Which names exist is read by ``tracker.figures.deflator_releases``.
"""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import AppSetting, DeflatorIndex, DeflatorRelease
from db.session import write_session
from tracker.core import limits
from tracker.core.deflators import SHIPPED_NAME, Release, ReleaseRefused, read_release
from tracker.files.deflator_files import deflator_text
from tracker.files.tabular import DataError, Problem
from tracker.i18n import _, ngettext
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import NotFound, ServiceError
from tracker.records.unit_of_work import audit, audit_created, snapshot

DEFAULT_SETTING = "deflator_release"  # app_settings.setting: the default release's name


class ReleaseNotLoaded(ServiceError):
    """A release with problems (every one is listed, as a file's problems are); nothing was stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def name_key(name: str) -> str:
    """A release's name as names are compared: two releases may not differ only in case or spaces."""
    return " ".join(name.split()).casefold()


def stored_name(session: Session, name: str) -> str | None:
    """The name of the release ``name`` means (any case), as it was given; None: no such release."""
    if name_key(name) == name_key(SHIPPED_NAME):
        return SHIPPED_NAME
    return session.scalar(select(DeflatorRelease.name).where(DeflatorRelease.name_key == name_key(name)))


def known_names(session: Session) -> list[str]:
    """Every release's name: the shipped one first, then those loaded, oldest first."""
    return [SHIPPED_NAME, *session.scalars(select(DeflatorRelease.name).order_by(DeflatorRelease.id))]


def no_such_release(name: str, known: list[str]) -> NotFound:
    return NotFound(
        _(
            "there is no deflator release named {name}: expected one of {known}",
            name=repr(name),
            known="; ".join(known),
        )
    )


def _name_taken(name: str) -> Problem:
    return Problem(
        None,
        "release",
        name,
        _("is already the name of a release: releases are never replaced, so give this one a new name"),
    )


def _problems_of(refused: ReleaseRefused) -> list[Problem]:
    return [Problem(p.line, p.column, p.value, p.expected) for p in refused.problems]


def _check(text: str, name: str) -> tuple[Release | None, list[Problem]]:
    problems: list[Problem] = []
    too_long = limits.check_text("deflator_release", name)
    if too_long:
        problems.append(Problem(None, "release", name, too_long))
    try:
        release = read_release(text, name)
    except ReleaseRefused as refused:
        return None, problems + _problems_of(refused)
    most = limits.limit("deflator_index")
    for year, index in release.indices.items():
        if len(str(index)) > most:
            problems.append(
                Problem(
                    None,
                    "index",
                    str(index),
                    _(
                        "for {year}: expected at most {most} characters, digits and point",
                        year=year.label,
                        most=most,
                    ),
                )
            )
    return release, problems


def load_release(engine: Engine, text: str, name: str, *, actor: Actor, make_default: bool = False) -> int:
    """Store the release in ``text`` (CSV ``financial_year,index``) as ``name``; the number of years
    stored. ``ReleaseNotLoaded`` lists every problem; nothing is stored then."""
    authorise(actor, "manage_deflators")
    name = name.strip()
    release, problems = _check(text, name)
    if not problems and name_key(name) == name_key(SHIPPED_NAME):
        problems.append(_name_taken(name))
    if problems or release is None:
        raise ReleaseNotLoaded(problems)
    try:
        with write_session(engine) as session:
            if stored_name(session, name) is not None:
                raise ReleaseNotLoaded([_name_taken(name)])
            row = DeflatorRelease(name=name, name_key=name_key(name), loaded_by=actor.name)
            session.add(row)
            session.flush()
            indices = [
                DeflatorIndex(release_id=row.id, financial_year=year, deflator_index=str(index))
                for year, index in release.indices.items()
            ]
            session.add_all(indices)
            audit_created(session, actor, [row, *indices])
            if make_default:
                _make_default(session, name, actor)
            return len(indices)
    except IntegrityError:  # another admin stored the same name a moment before
        raise ReleaseNotLoaded([_name_taken(name)]) from None


def load_release_bytes(engine: Engine, data: bytes, name: str, *, actor: Actor, make_default: bool = False) -> int:
    """``load_release`` of an uploaded file's bytes, read as every CSV upload is
    (``tracker.files.deflator_files``); a file that cannot be read is refused the same way."""
    authorise(actor, "manage_deflators")
    try:
        text = deflator_text(data)
    except DataError as err:
        raise ReleaseNotLoaded(err.problems) from None
    return load_release(engine, text, name, actor=actor, make_default=make_default)


def set_default(engine: Engine, name: str, *, actor: Actor) -> bool:
    """Make the release named ``name`` (any case) the default; False when it already was.
    ``NotFound`` (naming the releases there are) for a name no release has."""
    authorise(actor, "manage_deflators")
    with write_session(engine) as session:
        found = stored_name(session, name)
        if found is None:
            raise no_such_release(name, known_names(session))
        return _make_default(session, found, actor)


def _make_default(session: Session, name: str, actor: Actor) -> bool:
    row = session.scalars(
        select(AppSetting).where(AppSetting.setting == DEFAULT_SETTING).with_for_update()
    ).one_or_none()
    if row is None:
        if name == SHIPPED_NAME:
            return False  # no row: the shipped release is already the default
        row = AppSetting(setting=DEFAULT_SETTING, setting_value=name)
        session.add(row)
        session.flush()
        audit(session, actor, "create", row, None, snapshot(row))
        return True
    if row.setting_value == name:
        return False
    before = snapshot(row)
    row.setting_value = name
    session.flush()
    audit(session, actor, "update", row, before, snapshot(row))
    return True


def loaded_sentence(name: str, years: int, *, made_default: bool) -> str:
    """What a load says when it worked, in the language in use."""
    said = ngettext(
        "Loaded the deflator release {name}: {n} financial year.",
        "Loaded the deflator release {name}: {n} financial years.",
        years,
        name=name,
        n=years,
    )
    return said + (" " + _("It is now the default.") if made_default else "")
