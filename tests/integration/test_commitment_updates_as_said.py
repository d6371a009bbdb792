"""Changing a stored commitment's areas and its recipient's identifier, as the
Change page and an import's update do: a kept area keeps its place, and an
identifier chooses between organisations sharing a name."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.models import Commitment, Organisation
from db.session import read_session
from tests.actors import ADMIN
from tests.integration.records_helpers import EDITOR, audit_events, last_audit_id, the_problem
from tracker.imports.apply import import_file
from tracker.records.commitments import update_commitment
from tracker.records.editing import load_for_edit
from tracker.records.problems import ValidationFailed

FILE = """\
ref,announced_on,funder,recipient,recipient_id,purpose,kind,amount,first_year,areas
C1,2024-01-10,Welsh Government,Council X,GB-PLA-1,One,one-off,1000,2024-25,W06000015
C2,2024-01-10,Welsh Government,Council X,GB-PLA-2,Two,one-off,1000,2024-25,
"""


@pytest.fixture
def stored(engine: Engine, tmp_path: Path) -> Engine:
    path = tmp_path / "commitments.csv"
    path.write_text(FILE, encoding="utf-8")
    import_file("commitments", path, engine=engine, actor=ADMIN)
    return engine


def _areas(engine: Engine, ref: str) -> list[str]:
    with read_session(engine) as session:
        commitment = session.scalars(select(Commitment).where(Commitment.ref == ref)).one()
        return [area.gss_code for area in commitment.areas]


def _recipient_identifier(engine: Engine, ref: str) -> str | None:
    with read_session(engine) as session:
        commitment = session.scalars(select(Commitment).where(Commitment.ref == ref)).one()
        return commitment.recipient.org_identifier if commitment.recipient else None


def test_an_area_kept_beside_a_new_one_is_saved_in_the_order_given(stored: Engine) -> None:
    loaded = load_for_edit("commitment", "C1", engine=stored)
    version = update_commitment(
        "C1",
        dataclasses.replace(loaded.value, areas="W92000004; W06000015"),
        expected_version=loaded.version,
        engine=stored,
        actor=EDITOR,
    )
    assert _areas(stored, "C1") == ["W92000004", "W06000015"]
    assert version == loaded.version + 1  # one change, one new version


def test_an_identifier_picks_the_one_of_two_organisations_sharing_a_name(stored: Engine) -> None:
    loaded = load_for_edit("commitment", "C1", engine=stored)
    update_commitment(
        "C1",
        dataclasses.replace(loaded.value, recipient="Council X", recipient_id="GB-PLA-2"),
        expected_version=loaded.version,
        engine=stored,
        actor=EDITOR,
    )
    assert _recipient_identifier(stored, "C1") == "GB-PLA-2"


def test_a_bare_name_shared_by_two_organisations_is_refused_naming_both(stored: Engine) -> None:
    loaded = load_for_edit("commitment", "C1", engine=stored)
    with pytest.raises(ValidationFailed) as err:
        update_commitment(
            "C1",
            dataclasses.replace(loaded.value, recipient="council x", recipient_id=""),
            expected_version=loaded.version,
            engine=stored,
            actor=EDITOR,
        )
    message = the_problem(err, "recipient").expected
    assert "GB-PLA-1" in message and "GB-PLA-2" in message
    assert _recipient_identifier(stored, "C1") == "GB-PLA-1"


def test_an_organisation_known_by_name_gains_the_identifier_given_and_it_is_audited(stored: Engine) -> None:
    loaded = load_for_edit("commitment", "C2", engine=stored)
    since = last_audit_id(stored)
    update_commitment(
        "C2",
        dataclasses.replace(loaded.value, recipient="Welsh Government", recipient_id="GB-GOV-WG"),
        expected_version=loaded.version,
        engine=stored,
        actor=EDITOR,
    )
    assert _recipient_identifier(stored, "C2") == "GB-GOV-WG"
    with read_session(stored) as session:
        named = session.scalars(select(Organisation).where(Organisation.name == "Welsh Government")).all()
    assert len(named) == 1  # the funder itself, not a new organisation
    events = [e for e in audit_events(stored, since) if e.entity == "organisations"]
    assert [(e.before["org_identifier"], e.after["org_identifier"]) for e in events] == [(None, "GB-GOV-WG")]


def test_an_unknown_identifier_and_name_are_refused_unless_said_to_be_new(stored: Engine) -> None:
    loaded = load_for_edit("commitment", "C2", engine=stored)
    with pytest.raises(ValidationFailed) as err:
        update_commitment(
            "C2",
            dataclasses.replace(loaded.value, recipient="Nobody Yet", recipient_id="GB-CHC-999"),
            expected_version=loaded.version,
            engine=stored,
            actor=EDITOR,
        )
    assert the_problem(err, "recipient_id").value == "GB-CHC-999"
    update_commitment(
        "C2",
        dataclasses.replace(loaded.value, recipient="Nobody Yet", recipient_id="GB-CHC-999"),
        expected_version=loaded.version,
        engine=stored,
        actor=EDITOR,
        new_organisations_ok=True,
    )
    assert _recipient_identifier(stored, "C2") == "GB-CHC-999"
