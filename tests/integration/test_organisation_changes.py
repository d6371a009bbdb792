"""Admins correct organisations and merge two that are one body; every change audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import selectinload

from db.models import AuditEvent, Commitment, Organisation
from db.session import read_session
from tests.actors import ADMIN
from tracker.figures import data as queries
from tracker.figures.totals import committed_vs_delivered
from tracker.imports.apply import import_file
from tracker.records.organisation_changes import merge_organisations, update_organisation
from tracker.records.permissions import Actor, PermissionDenied
from tracker.records.problems import ValidationFailed

ROWS = (
    "ref,announced_on,funder,recipient,recipient_id,purpose,kind,amount,first_year\n"
    "C1,2020-01-01,WG,Cardiff Council,,Hubs,one-off,£1m,2020-21\n"
    "C2,2020-01-01,WG,City of Cardiff Council,GB-PLA-1,Digital,one-off,£2m,2020-21\n"
    "C3,2020-01-01,WG,Newport Council,GB-PLA-2,Roads,one-off,£4m,2020-21\n"
)


def org(engine: Engine, name: str) -> Organisation:
    with read_session(engine) as session:
        query = select(Organisation).where(Organisation.name == name).options(selectinload(Organisation.other_names))
        return session.scalars(query).one()


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    path = tmp_path / "c.csv"
    path.write_text(ROWS, encoding="utf-8")
    import_file("commitments", path, engine=engine, actor=ADMIN)
    return engine


def test_merging_moves_every_record_keeps_the_name_and_audits_each_change(loaded: Engine) -> None:
    keep, gone = org(loaded, "City of Cardiff Council"), org(loaded, "Cardiff Council")
    with read_session(loaded) as session:
        since = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))

    moved = merge_organisations(keep.id, gone.id, engine=loaded, actor=ADMIN)

    assert moved == 1
    kept = org(loaded, "City of Cardiff Council")
    assert [n.name for n in kept.other_names] == ["Cardiff Council"] and kept.org_identifier == "GB-PLA-1"
    with read_session(loaded) as session:
        assert session.get(Organisation, gone.id) is None
        recipients = dict(session.execute(select(Commitment.ref, Commitment.recipient_id)).all())
        events = session.scalars(select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id)).all()
    assert recipients["C1"] == recipients["C2"] == keep.id
    assert [(e.action, e.entity) for e in events] == [
        ("update", "commitments"),
        ("update", "organisations"),
        ("delete", "organisations"),
    ]
    assert events[0].before["recipient_id"] == gone.id and events[0].after["recipient_id"] == keep.id
    assert events[2].before["name"] == "Cardiff Council" and events[2].before["merged_into"] == keep.id
    data = queries.load(loaded)
    by_recipient = committed_vs_delivered(data.schedule, data.deliveries, data.commitments, by="recipient")
    assert dict(zip(by_recipient["recipient"], by_recipient["committed"])) == {
        "City of Cardiff Council": 300_000_000,
        "Newport Council": 400_000_000,
    }


def test_two_organisations_with_different_identifiers_are_not_merged(loaded: Engine) -> None:
    cardiff, newport = org(loaded, "City of Cardiff Council"), org(loaded, "Newport Council")
    with pytest.raises(ValidationFailed) as refused:
        merge_organisations(cardiff.id, newport.id, engine=loaded, actor=ADMIN)
    assert "have different identifiers" in str(refused.value.problems[0].expected)
    assert org(loaded, "Newport Council").id == newport.id


def test_an_organisation_is_corrected_with_its_identifier_and_other_names(loaded: Engine) -> None:
    cardiff = org(loaded, "Cardiff Council")
    update_organisation(
        cardiff.id,
        name="Cardiff Council",
        identifier="GB-PLA-9",
        other_names=["Cyngor Caerdydd", " cardiff council ", "Cyngor Caerdydd"],
        expected_version=cardiff.version,
        engine=loaded,
        actor=ADMIN,
    )
    corrected = org(loaded, "Cardiff Council")
    assert corrected.org_identifier == "GB-PLA-9"
    assert [n.name for n in corrected.other_names] == ["Cyngor Caerdydd"]  # its own name and repeats left out


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [("GB PLA 9", "expected an organisation identifier"), ("GB-PLA-2", "already the identifier of 'Newport Council'")],
)
def test_a_bad_or_taken_identifier_is_refused(loaded: Engine, identifier: str, expected: str) -> None:
    cardiff = org(loaded, "Cardiff Council")
    with pytest.raises(ValidationFailed) as refused:
        update_organisation(
            cardiff.id,
            name="Cardiff Council",
            identifier=identifier,
            other_names=[],
            expected_version=cardiff.version,
            engine=loaded,
            actor=ADMIN,
        )
    assert expected in refused.value.problems[0].expected
    assert org(loaded, "Cardiff Council").org_identifier is None


def test_only_an_admin_changes_organisations(loaded: Engine) -> None:
    cardiff, other = org(loaded, "Cardiff Council"), org(loaded, "City of Cardiff Council")
    editor = Actor("ed", frozenset({"editor"}))
    with pytest.raises(PermissionDenied):
        merge_organisations(other.id, cardiff.id, engine=loaded, actor=editor)
    assert org(loaded, "Cardiff Council").id == cardiff.id  # nothing merged
