"""Announcements typed into a form: preview one, save it with its commitments, change it.

``preview_schedule`` validates without writing and shows the money year by
year before saving; ``create_announcement`` saves the announcement and the
commitments it carries together; ``update_announcement`` changes the
announcement's own fields (its commitments are changed one at a time, in
tracker.records.commitments). Each write checks the actor may do it,
validates completely (``ValidationFailed`` naming every form field at fault)
and writes and audits in one unit of work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.models import Announcement, Commitment, Organisation, ProfileLine
from db.session import read_session
from tracker.core.fiscal import UNPHASED, fy_label
from tracker.i18n import N_, _
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.commitments import new_commitment
from tracker.records.inputs import AnnouncementInput, Checks, announcement_fields, validate_announcement
from tracker.records.organisations import organisation_ids
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import FieldProblem, raise_if_any
from tracker.records.refs import check_new_ref, pot_target, reannounce_target
from tracker.records.revisions import record_terms, schedule_of
from tracker.records.shares import stored_pot_problems
from tracker.records.unit_of_work import UnitOfWork, apply_values, snapshot, write

if TYPE_CHECKING:
    import pandas as pd

ALL_COMMITMENTS = N_("All commitments")  # the preview's row of totals (``with_totals``)


def _database_checks(
    session: Session,
    fields: dict,
    records: list[tuple[int, CommitmentRecord]],
    problems: list[FieldProblem],
    new_ok: bool,
    created: list[Organisation] | None,
    keep_id: int | None = None,
) -> tuple[dict[str, int], dict[str, Commitment]]:
    """Checks that need the database: refs free, organisations known (or
    created: see ``organisation_ids``), re-announced commitments there.
    Returns organisation ids by name and re-announced commitments by ref."""
    check_new_ref(session, Announcement, "ref", fields["ref"], problems, keep_id=keep_id)
    names = [("funder", fields["funder"], "funder")] if fields["funder"] else []
    names += [(f"commitments[{i}].recipient", rec.recipient, "recipient") for i, rec in records if rec.recipient]
    orgs = organisation_ids(session, names, problems, new_ok, created)
    pending = {rec.ref for _i, rec in records}
    targets: dict[str, Commitment] = {}
    for i, rec in records:
        check_new_ref(session, Commitment, f"commitments[{i}].ref", rec.ref, problems)
        target = reannounce_target(session, f"commitments[{i}].reannounces", rec.reannounces, problems, pending=pending)
        if target is not None:
            targets[rec.ref] = target
        pot = pot_target(session, f"commitments[{i}].part_of", rec.part_of, problems, pending=pending)
        if pot is not None:
            targets[f"part_of:{rec.ref}"] = pot
    wrong = stored_pot_problems(session, [rec for _i, rec in records])
    for i, rec in records:
        if rec.ref in wrong:
            problems.append(FieldProblem(f"commitments[{i}].part_of", rec.part_of, wrong[rec.ref]))
    return orgs, targets


def preview_schedule(
    inp: AnnouncementInput, *, engine: Engine | None = None, new_organisations_ok: bool = False
) -> tuple[pd.DataFrame, list[FieldProblem]]:
    """Validate without writing and return the year-by-year schedule to show
    before saving: one row per commitment whose fields are valid (index
    ``ref``; the money does not depend on the database checks), one column per
    financial year label from the first to the last with money, pence (int64),
    zero-filled, headline amounts as announced. With ``engine`` the checks
    that need the database (duplicate refs, unknown organisations,
    re-announcement targets) run too, read-only."""
    import pandas as pd

    fields, records, problems = validate_announcement(inp)
    if engine is not None:
        with read_session(engine) as session:
            _database_checks(session, fields, records, problems, new_organisations_ok, created=None)
    schedules = {rec.ref: schedule_of(record_terms(rec)) for _i, rec in records}
    held = {y for schedule in schedules.values() for y in schedule}
    phased = sorted(held - {UNPHASED})
    years = [*(range(phased[0], phased[-1] + 1) if phased else ()), *([UNPHASED] if UNPHASED in held else [])]
    frame = pd.DataFrame(
        [[schedules[ref].get(y, 0) for y in years] for ref in schedules],
        index=pd.Index(list(schedules), name="ref"),
        columns=[fy_label(y) for y in years],
        dtype="int64",
    )
    return frame, problems


def with_totals(schedule: pd.DataFrame) -> pd.DataFrame:
    """``schedule`` (from ``preview_schedule``) with each commitment's total
    across its years (unphased money included) in a last column, ``total``,
    and, for more than one commitment, a last row of the totals of every
    column (index ``ALL_COMMITMENTS``, which no ref can be: it holds
    spaces): the money the form would record, in pence."""
    totalled = schedule.assign(total=schedule.sum(axis=1).astype("int64"))
    if len(totalled) > 1:
        totalled.loc[ALL_COMMITMENTS] = totalled.sum(axis=0).astype("int64")
    return totalled


def create_announcement(
    inp: AnnouncementInput, *, engine: Engine, actor: Actor, new_organisations_ok: bool = False
) -> int:
    """Save a new announcement with its commitments; its id.

    Raises ``ValidationFailed`` (every problem, by form field),
    ``PermissionDenied``. Funder and recipients must already be organisations
    unless ``new_organisations_ok`` (then they are created).
    """
    authorise(actor, "create_announcement")

    def work(uow: UnitOfWork) -> int:
        fields, records, problems = validate_announcement(inp)
        created: list[Organisation] = []
        orgs, targets = _database_checks(uow.session, fields, records, problems, new_organisations_ok, created)
        raise_if_any(problems)
        announcement = Announcement(
            ref=fields["ref"],
            announced_on=fields["announced_on"],
            title=fields["title"],
            funder_id=orgs[fields["funder"]],
            made_by=fields["made_by"],
            source_url=fields["source_url"],
            quote=fields["quote"],
            notes=fields["notes"],
            title_cy=fields["title_cy"],
            quote_cy=fields["quote_cy"],
            headline=fields["headline"],
        )
        uow.session.add(announcement)
        commitments: dict[str, Commitment] = {}
        lines: list[ProfileLine] = []
        for _i, rec in records:
            target = targets.get(rec.ref)
            pot = targets.get(f"part_of:{rec.ref}")
            commitments[rec.ref], new_lines = new_commitment(
                uow,
                announcement,
                rec,
                orgs.get(rec.recipient) if rec.recipient else None,
                target.id if target else None,
                pot.id if pot else None,
            )
            lines += new_lines
        for _i, rec in records:  # re-announcements and shares of commitments in this same announcement
            if rec.reannounces in commitments:
                commitments[rec.ref].reannounces = commitments[rec.reannounces]
            if rec.part_of in commitments:
                commitments[rec.ref].part_of = commitments[rec.part_of]
        uow.created([*created, announcement, *commitments.values(), *lines])
        return announcement.id

    return write(engine, actor, work)


def update_announcement(
    ref: str,
    inp: AnnouncementInput,
    *,
    expected_version: int,
    engine: Engine,
    actor: Actor,
    new_organisations_ok: bool = False,
) -> int:
    """Change an announcement's own fields (its commitments are changed one at
    a time with ``update_commitment``); its new version.

    Raises ``ValidationFailed``, ``StaleEdit``, ``NotFound``, ``Conflict``
    (deleted), ``PermissionDenied``.
    """
    authorise(actor, "update_announcement")

    def work(uow: UnitOfWork) -> int:
        announcement = uow.load_for_change(Announcement, ref, expected_version)
        problems: list[FieldProblem] = []
        fields = announcement_fields(inp, Checks(problems))
        if inp.commitments:
            problems.append(
                FieldProblem(
                    "commitments", None, _("commitments are added and changed one at a time, not with the announcement")
                )
            )
        created: list[Organisation] = []
        orgs, _targets = _database_checks(
            uow.session, fields, [], problems, new_organisations_ok, created, keep_id=announcement.id
        )
        raise_if_any(problems)
        before = snapshot(announcement)
        changed = apply_values(
            announcement, {**{k: v for k, v in fields.items() if k != "funder"}, "funder_id": orgs[fields["funder"]]}
        )
        uow.created(created)
        return uow.updated(announcement, before) if changed else announcement.version

    return write(engine, actor, work, stale=(Announcement, ref))
