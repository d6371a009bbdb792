"""A NUL byte is refused at every way text comes in, on SQLite (which would
store it) and on PostgreSQL (which refuses it in any text it is asked to
store or compare, so a NUL that reached a query would be an error, not a
problem): each import kind through ``funding-tracker import``, and every
form's use-case (records, organisations, review meetings and statuses, API
tokens). Each says which line or field holds it, as
``check_text`` words it ("expected text without hidden control characters:
found U+0000 (NUL) at position N"), and saves nothing.

Refs and names are looked up before the answer is given (is the ref free, is
the organisation known): those lookups skip a value with a NUL
(``tracker.core.limits.never_stored``), whose own check has said why.
Usernames (``tracker.accounts``) are not covered here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.models import AuditEvent
from db.session import read_session
from tests.actors import ADMIN
from tracker.api import access
from tracker.demo import load_demo
from tracker.records import announcements, commitments, deliveries, editing, listings, milestones
from tracker.records import organisation_changes as organisations
from tracker.records.inputs import AnnouncementInput, CommitmentInput, DeliveryInput, MilestoneInput
from tracker.records.problems import ValidationFailed
from tracker.review import recording

NUL = "\x00"
SAID = "expected text without hidden control characters: found U+0000 (NUL)"

GRANT = {
    "id": "360G-wlga-N1",
    "title": "Digital skills",
    "description": "Grant",
    "currency": "GBP",
    "amountAwarded": 1000,
    "awardDate": "2021-05-01",
    "recipientOrganization": [{"id": "GB-CHC-1", "name": "Recipient"}],
    "fundingOrganization": [{"id": "GB-GOV-1", "name": "Funder"}],
}
GRANT_COLUMNS = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,"
    "Funding Org:Identifier,Funding Org:Name\n"
)
IATI = (
    '<?xml version="1.0"?><iati-activities version="2.03"><iati-activity default-currency="GBP">'
    "<iati-identifier>GB-1-N1</iati-identifier><reporting-org ref='GB-GOV-1'><narrative>Funder</narrative>"
    "</reporting-org><title><narrative>{title}</narrative></title></iati-activity></iati-activities>"
)

# kind, file name, the file's bytes, the line and column said to hold the NUL
FILES: dict[str, tuple[str, str, bytes, str]] = {
    "commitments: a funder": (
        "commitments",
        "c.csv",
        f"ref,funder,purpose,kind,amount\nN1,Welsh{NUL}Government,Fund,one-off,100\n".encode(),
        "line 2: funder",
    ),
    "deliveries: a note": (
        "deliveries",
        "d.csv",
        f"ref,commitment_ref,paid_on,amount,kind,note\nN1,W1,2021-05-01,10,disbursement,Paid{NUL}\n".encode(),
        "line 2: note",
    ),
    "360Giving JSON: a recipient's name": (
        "360giving",
        "grants.json",
        json.dumps(
            {"grants": [{**GRANT, "recipientOrganization": [{"id": "GB-CHC-1", "name": f"Recip{NUL}ient"}]}]}
        ).encode(),
        "line 1: Recipient Org:Name",
    ),
    "360Giving CSV: a title": (
        "360giving",
        "grants.csv",
        (
            GRANT_COLUMNS + f"360G-wlga-N1,Digital{NUL} skills,Grant,GBP,1000,2021-05-01,GB-CHC-1,R,GB-GOV-1,F\n"
        ).encode(),
        "line 2: Title",
    ),
    # XML cannot hold a NUL at all (raw or as &#0;): the file is not XML, said on its line.
    "IATI: a title": ("iati", "a.xml", IATI.format(title="Skills&#0;").encode(), "is not XML"),
}


def _changes(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.fixture
def demo(each_engine: Engine) -> Engine:
    load_demo(each_engine, actor=ADMIN)
    return each_engine


@pytest.mark.parametrize("case", list(FILES))
def test_an_import_with_a_nul_says_where_and_imports_nothing(case, demo, tmp_path: Path):
    kind, name, data, where = FILES[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = _changes(demo)
    env = {**os.environ, "TRACKER_DATABASE_URL": demo.url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "import", kind, str(path)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "PostgreSQL" not in done.stderr
    said = [line for line in done.stderr.splitlines() if where in line]
    assert said, done.stderr
    if kind != "iati":
        assert SAID in said[0]
    assert done.stderr.rstrip().endswith("nothing was changed.")
    assert _changes(demo) == before


def _announcement(**changes: str) -> AnnouncementInput:
    commitment = CommitmentInput(
        ref="N2", purpose="Fund", recipient="Welsh councils", kind="one-off", amount="100", first_year="2021-22"
    )
    fields = {"ref": "N1", "announced_on": "2021-01-01", "title": "A title", "funder": "Welsh Government"}
    commitment = dataclasses.replace(commitment, **{k[2:]: v for k, v in changes.items() if k.startswith("c_")})
    fields.update({k: v for k, v in changes.items() if not k.startswith("c_")})
    return AnnouncementInput(**fields, commitments=(commitment,))


def _new_announcement(engine: Engine, **changes: str) -> object:
    return announcements.create_announcement(
        _announcement(**changes), engine=engine, actor=ADMIN, new_organisations_ok=True
    )


def _changed(engine: Engine, entity: str, ref: str, update, **changes: str) -> object:
    current = editing.load_for_edit(entity, ref, engine=engine)
    extra = {"new_organisations_ok": True} if entity in ("announcement", "commitment") else {}
    return update(
        ref,
        dataclasses.replace(current.value, **changes),
        expected_version=current.version,
        engine=engine,
        actor=ADMIN,
        **extra,
    )


def _organisation(engine: Engine, **changes) -> object:
    row = listings.organisations(engine).iloc[0]
    values = {"name": row["name"], "identifier": "", "other_names": [], **changes}
    return organisations.update_organisation(
        int(row.organisation_id), **values, expected_version=int(row.version), engine=engine, actor=ADMIN
    )


def _status(engine: Engine, **changes: str) -> object:
    fields = {"status": "on track", "commitment_ref": "W1", "note": "Fine", **changes}
    return recording.record_status(recording.StatusInput(**fields), engine=engine, actor=ADMIN)


def _delivery(engine: Engine, **changes: str) -> object:
    fields = {"ref": "N1", "commitment_ref": "W1", "paid_on": "2021-05-01", "amount": "10", **changes}
    return deliveries.record_delivery(DeliveryInput(**fields), engine=engine, actor=ADMIN)


def _milestone(engine: Engine, **changes: str) -> object:
    fields = {"ref": "N1", "commitment_ref": "W1", "title": "A milestone", **changes}
    return milestones.create_milestone(MilestoneInput(**fields), engine=engine, actor=ADMIN)


# what is typed -> (the write, the field the problem names)
FORMS: dict[str, tuple[Callable[[Engine], object], str]] = {
    "a new announcement's ref": (lambda e: _new_announcement(e, ref=f"N{NUL}1"), "ref"),
    "a new funder's name": (lambda e: _new_announcement(e, funder=f"New{NUL}funder"), "funder"),
    "an announcement's title": (lambda e: _new_announcement(e, title=f"Title{NUL}"), "title"),
    "an announcement's quote": (lambda e: _new_announcement(e, quote=f"Quote{NUL}"), "quote"),
    "an announcement's Welsh title": (lambda e: _new_announcement(e, title_cy=f"Teitl{NUL}"), "title_cy"),
    "an announcement's Welsh quote changed": (
        lambda e: _changed(e, "announcement", "A1", announcements.update_announcement, quote_cy=f"Dyfyniad{NUL}"),
        "quote_cy",
    ),
    "a commitment's purpose": (lambda e: _new_announcement(e, c_purpose=f"Fund{NUL}"), "commitments[0].purpose"),
    "a new recipient's name": (lambda e: _new_announcement(e, c_recipient=f"New{NUL}"), "commitments[0].recipient"),
    "a commitment's programme": (lambda e: _new_announcement(e, c_programme=f"P{NUL}"), "commitments[0].programme"),
    "a funder changed to a new name": (
        lambda e: _changed(e, "announcement", "A1", announcements.update_announcement, funder=f"Other{NUL}"),
        "funder",
    ),
    "a commitment's purpose changed": (
        lambda e: _changed(e, "commitment", "W1", commitments.update_commitment, purpose=f"Fund{NUL}"),
        "purpose",
    ),
    "a delivery's ref": (lambda e: _delivery(e, ref=f"N{NUL}1"), "ref"),
    "a delivery's note": (lambda e: _delivery(e, note=f"Paid{NUL}"), "note"),
    "a milestone's ref": (lambda e: _milestone(e, ref=f"N{NUL}1"), "ref"),
    "a milestone's commitment": (lambda e: _milestone(e, commitment_ref=f"W{NUL}1"), "commitment_ref"),
    "a milestone's commitment changed": (
        lambda e: _changed(e, "milestone", "M1", milestones.update_milestone, commitment_ref=f"W{NUL}1"),
        "commitment_ref",
    ),
    "an organisation's name": (lambda e: _organisation(e, name=f"Name{NUL}"), "name"),
    "an organisation's other name": (lambda e: _organisation(e, other_names=[f"Other{NUL}"]), "other_names"),
    "a meeting's title": (
        lambda e: recording.open_meeting("2026-01-01", title=f"Meeting{NUL}", engine=e, actor=ADMIN),
        "title",
    ),
    "a status's note": (lambda e: _status(e, note=f"Note{NUL}"), "note"),
    "a status's commitment": (lambda e: _status(e, commitment_ref=f"W{NUL}1"), "commitment_ref"),
    "a status's programme": (lambda e: _status(e, commitment_ref="", programme=f"P{NUL}"), "programme"),
}


@pytest.mark.parametrize("case", list(FORMS))
def test_a_nul_typed_into_a_form_is_a_problem_on_its_field_and_nothing_is_saved(case, demo):
    write, field = FORMS[case]
    before = _changes(demo)
    with pytest.raises(ValidationFailed) as refused:
        write(demo)
    said = [p for p in refused.value.problems if p.field == field]
    assert [p.expected[: len(SAID)] for p in said] == [SAID], refused.value.problems
    assert NUL not in str(refused.value)  # the value as shown: the NUL made visible
    assert _changes(demo) == before


def test_an_api_token_for_a_name_with_a_nul_is_no_user(demo):
    for write in (access.issue_token, access.revoke_token):
        with pytest.raises(ValidationFailed) as refused:
            write(f"admin{NUL}", engine=demo, actor=ADMIN)
        assert [p.expected for p in refused.value.problems] == ["expected the username of a user"]
