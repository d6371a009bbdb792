"""A grant's beneficiary locations become places (ONS GSS codes), from the
standard's column and from the numbered columns GrantNav writes; a code that
is not a GSS code is left aside with a note, never a reason to refuse."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Commitment
from db.session import read_session
from tests.actors import admin
from tracker.imports import apply

HEADER = (
    "Identifier,Title,Currency,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,"
    "Beneficiary Location:0:Name,Beneficiary Location:0:Geographic Code,Beneficiary Location:1:Geographic Code\n"
)


def test_numbered_locations_are_read_and_codes_that_are_not_gss_are_noted(engine, tmp_path):
    path = tmp_path / "grants.csv"
    path.write_text(
        HEADER
        + "G1,One,GBP,100,2020-05-01,GB-CHC-1,Funder,Cardiff,W06000015,w06000022\n"
        + "G2,Two,GBP,100,2020-05-01,GB-CHC-1,Funder,Somewhere,GB-ENG,W06000015\n"
        + "G3,Three,GBP,100,2020-05-01,GB-CHC-1,Funder,,,\n"
    )
    outcome = apply.import_file("360giving", path, engine=engine, actor=admin("test:places"))
    assert outcome.created == 3
    with read_session(engine) as session:
        places = {c.ref: sorted(a.gss_code for a in c.areas) for c in session.scalars(select(Commitment))}
    assert places == {"G1": ["W06000015", "W06000022"], "G2": ["W06000015"], "G3": []}
    (note,) = outcome.notes
    assert (note.line, note.value) == (3, "GB-ENG") and note.expected.startswith("grant G2: not an ONS GSS code")
    again = apply.import_file("360giving", path, engine=engine, actor=admin("test:places"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
