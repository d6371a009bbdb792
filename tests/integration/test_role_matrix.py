"""Who may do what, over every write use case: each role x each write.

The expected table is written out from the issue (not read from
``tracker.records.permissions.PERMISSIONS``), so a wrong permission fails here. Every
allowed action succeeds; every forbidden one raises PermissionDenied and
changes nothing (row counts and the audit trail are compared).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.models import Base, Organisation
from db.session import read_session
from tracker import accounts
from tracker.demo import DEMO_FOLDER, load_demo, loader
from tracker.imports import apply
from tracker.records import (
    announcements,
    commitments,
    deflator_releases,
    deletion,
    deliveries,
    editing,
    milestones,
    organisation_changes,
    permissions,
)
from tracker.records.inputs import AnnouncementInput, CommitmentInput, DeliveryInput, MilestoneInput
from tracker.records.permissions import Actor, PermissionDenied
from tracker.review import recording

ROLES = ("viewer", "reviewer", "finance", "editor", "admin")
DELIVERIES = {"import_deliveries", "record_delivery", "update_delivery", "delete_delivery"}
EDITING = DELIVERIES | {
    "import_commitments",
    "load_demo",
    "create_announcement",
    "update_announcement",
    "delete_announcement",
    "create_commitment",
    "update_commitment",
    "delete_commitment",
    "create_milestone",
    "update_milestone",
    "delete_milestone",
}
REVIEWING = {"record_status", "open_meeting"}
ADMIN_ONLY = {"restore", "manage_users", "manage_organisations", "manage_deflators"}
ALLOWED = {
    "viewer": set(),
    "reviewer": REVIEWING,
    "finance": DELIVERIES,
    "editor": EDITING,
    "admin": EDITING | REVIEWING | ADMIN_ONLY,
}

SETUP = Actor("setup", frozenset({"admin"}))


def _edit(engine: Engine, entity: str, ref: str, **changes):
    loaded = editing.load_for_edit(entity, ref, engine=engine)
    return replace(loaded.value, **changes), loaded.version


def _actions(engine: Engine, tmp: Path) -> dict:
    commitments_csv = tmp / "commitments.csv"
    commitments_csv.write_text(
        "ref,announcement_ref,announced_on,funder,recipient,purpose,kind,amount,first_year\n"
        "W90,A90,2024-05-01,Welsh Government,Welsh councils,Data unit,one-off,£250k,2024-25\n",
        encoding="utf-8",
    )
    deliveries_csv = tmp / "deliveries.csv"
    deliveries_csv.write_text(
        'ref,commitment_ref,paid_on,amount,kind\nD90,W7,2023-03-20,"£10,000",disbursement\n', encoding="utf-8"
    )

    def update(entity: str, ref: str, use_case, **changes):
        def run(actor):
            value, version = _edit(engine, entity, ref, **changes)
            return use_case(ref, value, expected_version=version, engine=engine, actor=actor)

        return run

    def remove(entity: str, ref: str):
        def run(actor):
            version = editing.load_for_edit(entity, ref, engine=engine).version
            return deletion.delete(entity, ref, expected_version=version, engine=engine, actor=actor)

        return run

    return {
        "import_commitments": lambda a: apply.import_file("commitments", commitments_csv, engine=engine, actor=a),
        "import_deliveries": lambda a: apply.import_file("deliveries", deliveries_csv, engine=engine, actor=a),
        "load_demo": lambda a: loader.load_dataset(DEMO_FOLDER, engine=engine, actor=a),
        "create_announcement": lambda a: announcements.create_announcement(
            AnnouncementInput(
                "A91",
                "2024-06-01",
                "New fund",
                "Welsh Government",
                commitments=(CommitmentInput("W91", "Pilots", "Welsh councils", "one-off", "£100k", "2024-25"),),
            ),
            engine=engine,
            actor=a,
        ),
        "update_announcement": update("announcement", "A5", announcements.update_announcement, title="Renamed"),
        "delete_announcement": remove("announcement", "A6"),
        "create_commitment": lambda a: commitments.create_commitment(
            "A5",
            CommitmentInput("W92", "Extra", "Welsh councils", "one-off", "£50k", "2022-23"),
            engine=engine,
            actor=a,
        ),
        "update_commitment": update("commitment", "W5", commitments.update_commitment, purpose="Renamed purpose"),
        "delete_commitment": remove("commitment", "W3"),
        "record_delivery": lambda a: deliveries.record_delivery(
            DeliveryInput("D91", "W7", "2023-03-25", "£5,000"), engine=engine, actor=a
        ),
        "update_delivery": update("delivery", "D7", deliveries.update_delivery, note="Corrected note"),
        "delete_delivery": remove("delivery", "D6"),
        "create_milestone": lambda a: milestones.create_milestone(
            MilestoneInput("M91", "W7", "Projects chosen", due_on="2022-10-01"), engine=engine, actor=a
        ),
        "update_milestone": update("milestone", "M2", milestones.update_milestone, achieved_note="More evidence"),
        "delete_milestone": remove("milestone", "M1"),
        "restore": lambda a: deletion.restore("delivery", "D5", engine=engine, actor=a),
        "record_status": lambda a: recording.record_status(
            recording.StatusInput("on track", commitment_ref="W1", note="Post filled"), engine=engine, actor=a
        ),
        "open_meeting": lambda a: recording.open_meeting("2026-11-27", engine=engine, actor=a),
        "manage_users": lambda a: accounts.add_user("newcomer", ["viewer"], engine=engine, actor=a),
        "manage_organisations": lambda a: _identify("Welsh councils", "GB-PLA-99", engine, a),
        "manage_deflators": lambda a: deflator_releases.load_release(
            engine, "financial_year,index\n2030-31,100\n", "Test release", actor=a, make_default=True
        ),
    }


def _identify(name: str, identifier: str, engine: Engine, actor: Actor) -> int:
    with read_session(engine) as session:
        org = session.scalars(select(Organisation).where(Organisation.name == name)).one()
        org_id, version = org.id, org.version
    return organisation_changes.update_organisation(
        org_id, name=name, identifier=identifier, other_names=[], expected_version=version, engine=engine, actor=actor
    )


def _counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_can_do_exactly_what_the_issue_allows(
    role: str, each_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_TODAY", "2026-11-27")
    load_demo(each_engine, actor=SETUP)
    version = editing.load_for_edit("delivery", "D5", engine=each_engine).version
    deletion.delete("delivery", "D5", expected_version=version, engine=each_engine, actor=SETUP)
    actor = Actor(f"test:{role}", frozenset({role}))
    actions = _actions(each_engine, tmp_path)
    assert set(actions) == {a for a in permissions.PERMISSIONS if not a.startswith("view")}, "a use case is untested"

    unauthorised, refused_wrongly = [], []
    for name, attempt in actions.items():
        before = _counts(each_engine)
        if name in ALLOWED[role]:
            try:
                attempt(actor)
            except PermissionDenied as err:
                refused_wrongly.append(f"{name}: {err}")
        else:
            with pytest.raises(PermissionDenied, match=f"test:{role} may not "):
                attempt(actor)
            if _counts(each_engine) != before:
                unauthorised.append(name)
    assert refused_wrongly == []
    assert unauthorised == [], "a refused action changed the database"


def test_a_user_holding_several_roles_gets_each_roles_rights(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_TODAY", "2026-11-27")
    load_demo(engine, actor=SETUP)
    both = Actor("test:both", frozenset({"finance", "reviewer"}))
    actions = _actions(engine, tmp_path)
    actions["record_delivery"](both)
    actions["record_status"](both)
    with pytest.raises(PermissionDenied, match="it needs the editor role"):
        actions["create_milestone"](both)
