"""360Giving grants in (``funding-tracker import 360giving``): each grant one
announcement with a one-off commitment in the financial year of its award
date, from the flattened CSV/XLSX or a JSON data package, through the same
pipeline as a commitments file (all or nothing, re-import unchanged)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.models import Announcement, Commitment, Organisation
from db.session import read_session
from tests.actors import admin
from tracker.figures import totals_data
from tracker.files import limits
from tracker.files.tabular import DataError
from tracker.imports import apply, reading
from tracker.imports.plan import plan_import

ACTOR = admin("test:360giving")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "360giving"
HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,"
    "Funding Org:Identifier,Funding Org:Name,Planned Dates:Start Date,Planned Dates:End Date,"
    "Beneficiary Location:Geographic Code,Grant Programme:Title\n"
)


def _committed(engine: Engine) -> dict[str, str]:
    text = totals_data.report(totals_data.load(engine), form="csv")
    return {
        row["financial_year"]: row["committed"]
        for row in csv.DictReader(io.StringIO(text))
        if row["committed"] != "0.00"
    }


def _import(engine: Engine, path: Path) -> apply.ImportOutcome:
    return apply.import_file("360giving", path, engine=engine, actor=ACTOR)


def _count(engine: Engine, model) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("name", "grants", "by_year"),
    [
        ("fundingtrust-grants.csv", 9, {"2013-14": "773521.00"}),
        ("fundingproviders-2-grants.csv", 2, {"2014-15": "331495.00"}),
        ("fundingproviders-2-grants.xlsx", 2, {"2014-15": "331495.00"}),
    ],
)
def test_real_files_import_with_their_totals_by_year_of_award_and_again_unchanged(engine, name, grants, by_year):
    outcome = _import(engine, FIXTURES / name)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (grants, 0, 0)
    assert _committed(engine) == by_year
    assert _count(engine, Announcement) == grants  # one announcement (the award) per grant
    again = _import(engine, FIXTURES / name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, grants)
    assert _committed(engine) == by_year


def test_a_grant_is_a_one_off_in_the_year_of_its_award_date_as_written(engine, tmp_path):
    grants = tmp_path / "grants.csv"
    grants.write_text(
        HEADER
        + "G1,Late in March,Desc,GBP,1000,2016-03-31T23:30:00-05:00,GB-CHC-1,Charity One,GB-GOR-X,Funder,,,,Prog\n"
        + "G2,April,Desc,GBP,2000.50,01/04/2016,GB-CHC-1,Charity One,GB-GOR-X,Funder,,,,\n"
        + "G3,Zulu,,GBP,0,2016-04-02T00:00:00Z,GB-CHC-2,Charity One,GB-GOR-X,Funder,2016-05-01,2017-04-30,"
        + "W06000015;W92000004,\n",
        encoding="utf-8",
    )
    outcome = _import(engine, grants)
    assert outcome.created == 3
    assert _committed(engine) == {"2015-16": "1000.00", "2016-17": "2000.50"}
    with read_session(engine) as session:
        rows = {c.ref: c for c in session.scalars(select(Commitment))}
        assert {ref: (c.kind, c.years, str(c.first_year)) for ref, c in rows.items()} == {
            "G1": ("one-off", 1, "2015-16"),
            "G2": ("one-off", 1, "2016-17"),
            "G3": ("one-off", 1, "2016-17"),
        }
        assert rows["G1"].programme == "Prog" and rows["G1"].purpose == "Late in March"
        assert str(rows["G3"].planned_start) == "2016-05-01" and str(rows["G3"].planned_end) == "2017-04-30"
        assert sorted(area.gss_code for area in rows["G3"].areas) == ["W06000015", "W92000004"]
        # The same name under two identifiers stays two organisations.
        named = session.scalars(select(Organisation).where(Organisation.name == "Charity One")).all()
        assert sorted(o.org_identifier for o in named) == ["GB-CHC-1", "GB-CHC-2"]
        quoted = session.scalars(select(Announcement.quote).where(Announcement.ref == "G1")).one()
        assert quoted == "Desc"


def test_a_json_package_imports_as_the_flattened_form_does(engine, tmp_path):
    package = {
        "grants": [
            {
                "id": "360G-x-1",
                "title": "A grant",
                "description": "For things",
                "currency": "GBP",
                "amountAwarded": 1000.1,
                "awardDate": "2014-07-24T00:00:00+00:00",
                "recipientOrganization": [{"id": "GB-CHC-9", "name": "Nine"}],
                "fundingOrganization": [{"id": "GB-CHC-1", "name": "Funder"}],
                "beneficiaryLocation": [{"geoCode": "W06000015"}, {"geoCode": "W06000011"}],
                "grantProgramme": [{"title": "Main"}],
            },
            {
                "id": "360G-x-2",
                "title": "To a person",
                "description": "Bursary",
                "currency": "GBP",
                "amountAwarded": 500,
                "awardDate": "2015-01-05",
                "recipientIndividual": {"id": "360G-x-IND-1", "name": "Jane Person"},
                "fundingOrganization": [{"id": "GB-CHC-1", "name": "Funder"}],
            },
        ]
    }
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    outcome = _import(engine, path)
    assert outcome.created == 2
    assert _committed(engine) == {"2014-15": "1500.10"}
    with read_session(engine) as session:
        names = set(session.scalars(select(Organisation.name)))
        assert names == {"Funder", "Nine", "individual recipient"}  # never the person's name
        areas = session.scalars(select(Commitment).where(Commitment.ref == "360G-x-1")).one().areas
        assert sorted(a.gss_code for a in areas) == ["W06000011", "W06000015"]
    assert (_import(engine, path).unchanged, _count(engine, Commitment)) == (2, 2)


def test_an_identical_repeat_is_imported_once_with_a_note(engine, tmp_path):
    grants = tmp_path / "repeats.csv"
    row = "G1,Grant,Desc,GBP,1000,2016-05-01,GB-CHC-1,Charity,GB-GOR-X,Funder,,,,\n"
    grants.write_text(HEADER + row + row, encoding="utf-8")
    outcome = _import(engine, grants)
    assert outcome.created == 1
    assert [str(note) for note in outcome.notes] == [
        "line 3: Identifier 'G1': grant G1 repeats line 2 exactly: imported once"
    ]
    plan = plan_import("360giving", grants.read_bytes(), "repeats.csv", engine=engine)
    assert plan.notes == list(outcome.notes) and plan.counts["unchanged"] == 1


def test_the_same_id_with_different_content_refuses_the_file(engine):
    with pytest.raises(DataError) as refused:
        _import(engine, FIXTURES / "fundingproviders-duplicates.json")
    assert any("duplicate ref" in str(p) and "000001" in str(p) for p in refused.value.problems)
    assert _count(engine, Commitment) == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Identifier,Title\n\x00\x01", "binary data"),
        (b"not json at all {", "required column is missing"),
        (b'{"grants": 5}', "not a 360Giving data package"),
        (b"[1, 2]", "not a 360Giving data package"),
        (b'{"grants": [1]}', "expected a grant"),
        (b'{"grants": [{"id": "x"', "is not JSON"),
        (b'\xff{"grants": []}', "required column is missing"),
        (b'{"grants": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
    ],
)
def test_files_that_are_not_360giving_are_refused_with_a_message(engine, tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(DataError) as refused:
        _import(engine, path)
    assert any(expected in str(p) for p in refused.value.problems), refused.value.problems
    _same_on_the_page(engine, path, refused.value.problems)
    assert _count(engine, Commitment) == 0


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("G9,T,D,USD,1000,2016-05-01,,,GB-GOR-X,Funder,,,,", "Currency", "grant G9: expected GBP"),
        ("G9,T,D,GBP,,2016-05-01,,,GB-GOR-X,Funder,,,,", "Amount Awarded", "grant G9: required"),
        ("G9,T,D,GBP,100,,,,GB-GOR-X,Funder,,,,", "Award Date", "grant G9: required: the grant's award date"),
        (
            "G9,T,D,GBP,100,2016-13-45,,,GB-GOR-X,Funder,,,,",
            "Award Date",
            "grant G9: no such date (expected a date such as 2014-07-24,",
        ),
        ("G9,T,D,,100,2016-05-01,,,GB-GOR-X,Funder,,,,", "Currency", "grant G9: required: the grant's currency"),
        ("G9,T,D,GBP,100,2016-05-01T25:00:00Z,,,GB-GOR-X,Funder,,,,", "Award Date", "grant G9: expected a date such"),
    ],
)
def test_a_bad_grant_is_named_and_nothing_is_imported(engine, tmp_path, row, column, expected):
    good = "G1,Grant,Desc,GBP,1000,2016-05-01,GB-CHC-1,Charity,GB-GOR-X,Funder,,,,\n"
    path = tmp_path / "grants.csv"
    path.write_text(HEADER + good + row + "\n", encoding="utf-8")
    with pytest.raises(DataError) as refused:
        _import(engine, path)
    found = [p for p in refused.value.problems if p.line == 3]
    assert found and found[0].column == column and found[0].expected.startswith(expected), refused.value.problems
    _same_on_the_page(engine, path, refused.value.problems)
    assert _count(engine, Commitment) == 0


def _same_on_the_page(engine, path, problems) -> None:
    """The Import page's preview of the same bytes finds the same problems, word for word."""
    plan = plan_import("360giving", path.read_bytes(), path.name, engine=engine)
    assert [str(p) for p in plan.problems] == [str(p) for p in problems]
    assert not plan.can_apply


def test_decimal_amounts_are_read_to_the_penny(engine, tmp_path):
    amounts = (FIXTURES / "decimal-amounts.csv").read_text(encoding="utf-8").splitlines()[1:]
    rows = [
        f"D{n},Grant,Desc,{currency},{amount},2016-05-01,GB-CHC-1,Charity,GB-GOR-X,Funder,,,,\n"
        for n, (currency, amount) in enumerate((line.split(",") for line in amounts), start=1)
    ]
    path = tmp_path / "decimals.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    assert _import(engine, path).created == 7
    assert _committed(engine) == {"2016-17": "7000.70"}


def test_a_json_package_too_large_to_read_whole_is_refused(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_JSON_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_bytes(b'{"grants": [' + b" " * 2000 + b"]}")
    with pytest.raises(DataError) as refused:
        _import(engine, path)
    assert "at most 0 MB is read as JSON" in str(refused.value) and "flattened CSV" in str(refused.value)
    assert _count(engine, Commitment) == 0


PLANNED = (
    "Identifier,Title,Currency,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,"
    "Planned Dates:Start Date,Planned Dates:End Date,Planned Dates:Duration (months)\n"
    # 1 April 2020 to 31 March 2022: two financial years of 365 days each
    "P1,Two years,GBP,1000,2020-03-01,GB-CHC-1,Funder,2020-04-01,2022-03-31,\n"
    # only a duration: 12 months from the award date, 1 October 2020 to 30 September 2021
    "P2,A year from award,GBP,365,2020-10-01T00:00:00+01:00,GB-CHC-1,Funder,,,12\n"
    # no planned period at all: stays in the award year
    "P3,No plan,GBP,50,2020-06-01,GB-CHC-1,Funder,,,\n"
)


def test_grants_spread_over_their_planned_dates_when_asked(engine, tmp_path):
    path = tmp_path / "planned.csv"
    path.write_text(PLANNED, encoding="utf-8")
    spread = reading.Options(grants="planned-dates")
    outcome = apply.import_file("360giving", path, engine=engine, actor=ACTOR, options=spread)
    assert outcome.created == 3
    text = totals_data.report(totals_data.load(engine), form="csv")
    rows = {row["financial_year"]: row for row in csv.DictReader(io.StringIO(text))}
    # P1 by days: 365 and 365; P2: 182 days in 2020-21 (1 Oct-31 Mar), 183 in 2021-22 (1 Apr-30 Sep).
    # 2020-21: P1 500 + P2 182 (estimated) + P3 50 (its award year); 2021-22: P1 500 + P2 183.
    assert {fy: (row["committed"], row["estimated"]) for fy, row in rows.items()} == {
        "2020-21": ("732.00", "682.00"),
        "2021-22": ("683.00", "683.00"),
    }
    with read_session(engine) as session:
        kinds = {c.ref: (c.kind, c.spread, str(c.planned_end)) for c in session.scalars(select(Commitment))}
    assert kinds == {
        "P1": ("multi-year", "planned-dates", "2022-03-31"),
        "P2": ("multi-year", "planned-dates", "2021-09-30"),
        "P3": ("one-off", "none", "None"),
    }
    # The same file placed by award year is a change of money: each spread grant an update.
    plan = plan_import("360giving", path.read_bytes(), path.name, engine=engine)
    assert plan.counts["update"] == 2 and plan.counts["unchanged"] == 1


def test_a_duration_that_is_not_whole_months_is_refused_when_spreading(engine, tmp_path):
    path = tmp_path / "planned.csv"
    path.write_text(PLANNED.replace(",,,12\n", ",,,a year\n"), encoding="utf-8")
    with pytest.raises(DataError) as refused:
        apply.import_file("360giving", path, engine=engine, actor=ACTOR, options=reading.Options("planned-dates"))
    assert [str(p) for p in refused.value.problems] == [
        "line 3: Planned Dates:Duration (months) 'a year': grant P2: expected a whole number of months"
    ]
    assert _import(engine, path).created == 3  # by award year the duration is not used


def test_the_command_takes_the_spread_and_refuses_it_for_other_files(engine, tmp_path):
    path = tmp_path / "planned.csv"
    path.write_text(PLANNED, encoding="utf-8")
    env = {**os.environ, "TRACKER_DATABASE_URL": engine.url.render_as_string(hide_password=False)}

    def cli(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "tracker.cli", "import", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    wrong = cli("commitments", str(path), "--spread", "planned-dates")
    assert wrong.returncode == 2 and "--spread is for 360giving files" in wrong.stderr
    done = cli("360giving", str(path), "--spread", "planned-dates")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("created 3 grants")
    assert _committed(engine) == {"2020-21": "732.00", "2021-22": "683.00"}
