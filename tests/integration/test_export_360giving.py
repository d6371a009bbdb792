"""360Giving grants out (``funding-tracker export 360giving``): valid against
the standard's schema, every pound once, and the inverse of the importer:
an export imported into an empty database gives the same totals, for grants
that came from 360Giving and for every kind of commitment the tracker holds
(through the tracker's extension); what cannot be published is listed."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from db.models import Commitment, Delivery, Organisation
from db.session import ensure_schema, read_session
from tests.actors import admin
from tests.giving360_schema import problems as schema_problems
from tests.integration.conftest import sqlite_url
from tracker.demo import load_demo
from tracker.figures import data as queries
from tracker.figures import totals_data
from tracker.imports import apply
from tracker.open_data import giving360_export as giving360
from tracker.open_data import giving360_files

ACTOR = admin("test:360giving-export")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "360giving"

COMMITMENTS = """\
ref,announcement_ref,announced_on,funder,funder_id,recipient,recipient_id,purpose,programme,kind,amount,qualifier,\
first_year,years,status,capital_or_revenue,uplift_pct,reannounces,part_of,profile,spread,planned_start,planned_end,\
areas,title,source_url,quote
O1,A1,2020-05-01,Welsh Government,GB-GOR-PB1,Cardiff Council,GB-LAE-CRF,Digital services,Digital Fund,one-off,\
"£250,000.55",over,2020-21,,,,,,,,,,,W06000015;W92000004,Digital fund round one,https://gov.wales/a1,"£250,000 for Cardiff"
O2,A1,2020-05-01,Welsh Government,GB-GOR-PB1,Newport Council,,Next year's one-off,,one-off,£100k,exact,\
next financial year,,,,,,,,,,,,Digital fund round one,https://gov.wales/a1,"£250,000 for Cardiff"
R1,A2,2019-10-31,Welsh Government,GB-GOR-PB1,Welsh Local Government Association,,Chief Digital Officer,,recurring,\
"£500,000",exact,2020-21,3,indicative,revenue,2.5,,,,,,,,,,
R2,A2,2019-10-31,Welsh Government,GB-GOR-PB1,Welsh Local Government Association,,Delivery Unit,,recurring,\
£200k,up to,2020-21,,,,,,,,,,,,,,
P1,A3,2021-01-12,Welsh Government,GB-GOR-PB1,Centre for Digital Public Services,,Digital squads,,profiled,,about,,,,\
capital,,,,2021-22=£1m;2022-23=500000.50,,,,,,,
M1,A3,2021-01-12,Welsh Government,GB-GOR-PB1,Centre for Digital Public Services,,Training,,multi-year,£3m,exact,\
2021-22,3,,,,,,,even,,,,,,
M2,A4,2021-06-01,Welsh Government,GB-GOR-PB1,Swansea Council,,A pilot by its dates,,multi-year,£730,exact,2021-22,2,\
,,,,,,planned-dates,2021-10-01,2022-09-30,,,,
M3,A4,2021-06-01,Welsh Government,GB-GOR-PB1,Gwynedd Council,,Period not stated,,multi-year,£600k,exact,2021-22,,\
,,,,,,,,,,,,
U1,A5,2022-02-01,Welsh Government,GB-GOR-PB1,Powys Council,,No year stated,,one-off,£50k,exact,,,,,,,,,,,,,,,
E1,A5,2022-02-01,Welsh Government,GB-GOR-PB1,Conwy Council,,Announced before,,one-off,£75k,exact,2022-23,,,,,\
earlier,,,,,,,,,
I1,A6,2022-03-01,Welsh Government,GB-GOR-PB1,individual recipient,,A bursary,,one-off,"£1,500",exact,2021-22,\
,,,,,,,,,,,,,
POT,A7,2022-04-01,Welsh Government,GB-GOR-PB1,Welsh Local Government Association,,Transformation pot,,one-off,\
£1m,exact,2022-23,,,,,,,,,,,,,,
S1,A7,2022-04-01,Welsh Government,GB-GOR-PB1,Cardiff Council,GB-LAE-CRF,Cardiff's share,,one-off,£300k,exact,\
2022-23,,,,,,POT,,,,,,,,
S2,A7,2022-04-01,Welsh Government,GB-GOR-PB1,Newport Council,,Newport's share,,one-off,£200k,exact,2022-23,,,,,,\
POT,,,,,,,,
RA,A8,2022-06-01,Welsh Government,GB-GOR-PB1,Cardiff Council,GB-LAE-CRF,Digital services again,,one-off,\
"£250,000.55",exact,2020-21,,,,,O1,,,,,,,,,
"""
DELIVERIES = """\
ref,commitment_ref,paid_on,amount,kind,note,illustrative
D1,O1,2020-09-30,100000.25,disbursement,first payment,no
D2,O1,,50000,disbursement,date not known,no
D3,R1,2021-03-31,500000,disbursement,,no
D4,R1,2021-06-30,20000,refund,,no
D5,P1,2022-01-15,300000,expenditure,,no
D6,M1,,10000,expenditure,,no
D7,RA,2022-07-01,1000,disbursement,paid against the re-announcement,no
D8,S1,2022-08-01,300000,disbursement,,no
D9,I1,2021-06-01,1500,disbursement,,no
"""


def _totals(engine: Engine) -> str:
    return totals_data.report(totals_data.load(engine), form="csv")


def _import(engine: Engine, kind: str, path: Path) -> apply.ImportOutcome:
    return apply.import_file(kind, path, engine=engine, actor=ACTOR)


def _every_kind(engine: Engine, tmp_path: Path) -> Engine:
    (tmp_path / "commitments.csv").write_text(COMMITMENTS, encoding="utf-8")
    (tmp_path / "deliveries.csv").write_text(DELIVERIES, encoding="utf-8")
    _import(engine, "commitments", tmp_path / "commitments.csv")
    _import(engine, "deliveries", tmp_path / "deliveries.csv")
    return engine


def _export(engine: Engine, **options) -> giving360.Export:
    return giving360.build(queries.load(engine), **options)


def _into_empty(export: giving360.Export, form: str, folder: Path) -> Engine:
    """The export written as ``form`` and imported into a new, empty database."""
    folder.mkdir()
    path = folder / f"grants.{form}"
    path.write_bytes(giving360_files.to_bytes(export, form))
    fresh = ensure_schema(sqlite_url(folder))
    _import(fresh, "360giving", path)
    return fresh


def _written(export: giving360.Export) -> dict:
    """The JSON package as written, read back (amounts as exact Decimals)."""
    return json.loads(giving360_files.json_bytes(export), parse_float=Decimal)


# --- round trips ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["fundingtrust-grants.csv", "fundingproviders-2-grants.csv", "fundingproviders-2-grants.xlsx"]
)
@pytest.mark.parametrize("form", giving360.FORMATS)
def test_real_360giving_files_come_back_with_the_same_totals(engine, tmp_path, name, form):
    _import(engine, "360giving", FIXTURES / name)
    export = _export(engine)
    assert schema_problems(json.loads(giving360_files.json_bytes(export))) == []
    assert not export.lines()  # nothing left out: every grant is one again
    fresh = _into_empty(export, form, tmp_path / "again")
    try:
        assert _totals(fresh) == _totals(engine)
        with read_session(engine) as before, read_session(fresh) as after:
            refs = select(Commitment.ref, Commitment.amount_pence).order_by(Commitment.ref)
            assert after.execute(refs).all() == before.execute(refs).all()  # 360G identifiers kept as they are
    finally:
        fresh.dispose()


def test_an_imported_package_exported_again_imports_into_the_same_database_unchanged(engine, tmp_path):
    _import(engine, "360giving", FIXTURES / "fundingtrust-grants.csv")
    path = tmp_path / "grants.json"
    path.write_bytes(giving360_files.json_bytes(_export(engine)))
    again = _import(engine, "360giving", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9)


@pytest.mark.parametrize("form", giving360.FORMATS)
def test_every_kind_of_commitment_comes_back_with_the_same_totals(engine, tmp_path, form):
    _every_kind(engine, tmp_path)
    export = _export(engine)
    assert schema_problems(json.loads(giving360_files.json_bytes(export))) == []
    assert [line.split(":")[0] + line[-5:] for line in export.lines()] == ["left out 1 commitment (RA)"]
    fresh = _into_empty(export, form, tmp_path / "again")
    try:
        assert _totals(fresh) == _totals(engine)
        with read_session(fresh) as session:
            kinds = {c.ref: (c.kind, c.qualifier, c.spread) for c in session.scalars(select(Commitment))}
            names = set(session.scalars(select(Organisation.name)))
            paid = {d.ref: (d.kind, d.amount_pence) for d in session.scalars(select(Delivery))}
    finally:
        fresh.dispose()
    assert kinds == {
        "360G-fundingtracker-O1": ("one-off", "over", "none"),
        "360G-fundingtracker-O2": ("one-off", "exact", "none"),
        "360G-fundingtracker-R1": ("recurring", "exact", "none"),
        "360G-fundingtracker-R2": ("recurring", "up to", "none"),
        "360G-fundingtracker-P1": ("profiled", "about", "none"),
        "360G-fundingtracker-M1": ("multi-year", "exact", "even"),
        "360G-fundingtracker-M2": ("multi-year", "exact", "planned-dates"),
        "360G-fundingtracker-M3": ("multi-year", "exact", "none"),
        "360G-fundingtracker-U1": ("one-off", "exact", "none"),
        "360G-fundingtracker-E1": ("one-off", "exact", "none"),
        "360G-fundingtracker-I1": ("one-off", "exact", "none"),
        "360G-fundingtracker-POT": ("one-off", "exact", "none"),
        "360G-fundingtracker-S1": ("one-off", "exact", "none"),
        "360G-fundingtracker-S2": ("one-off", "exact", "none"),
    }  # RA re-announces O1: not a grant of its own
    assert "individual recipient" in names
    # Every delivery, with its kind: D7 (paid against the re-announcement) in O1's grant.
    assert paid == {
        "360G-fundingtracker-O1/D1": ("disbursement", 10000025),
        "360G-fundingtracker-O1/D2": ("disbursement", 5000000),
        "360G-fundingtracker-O1/D7": ("disbursement", 100000),
        "360G-fundingtracker-R1/D3": ("disbursement", 50000000),
        "360G-fundingtracker-R1/D4": ("refund", -2000000),
        "360G-fundingtracker-P1/D5": ("expenditure", 30000000),
        "360G-fundingtracker-M1/D6": ("expenditure", 1000000),
        "360G-fundingtracker-S1/D8": ("disbursement", 30000000),
        "360G-fundingtracker-I1/D9": ("disbursement", 150000),
    }


def test_each_grant_says_in_360giving_terms_what_the_tracker_counts(engine, tmp_path):
    _every_kind(engine, tmp_path)
    grants = {grant["id"].removeprefix("360G-fundingtracker-"): grant for grant in _written(_export(engine))["grants"]}

    o1 = grants["O1"]
    assert o1["amountAwarded"] == Decimal("250000.55")
    assert o1["awardDate"] == "2020-05-01T00:00:00+00:00"
    assert o1["description"] == "£250,000 for Cardiff"  # the announcement's words
    assert o1["plannedDates"] == [{"startDate": "2020-04-01T00:00:00+00:00", "endDate": "2021-03-31T00:00:00+00:00"}]
    assert o1["recipientOrganization"] == [{"id": "GB-LAE-CRF", "name": "Cardiff Council"}]
    assert o1["fundingOrganization"] == [{"id": "GB-GOR-PB1", "name": "Welsh Government"}]
    assert [place["geoCode"] for place in o1["beneficiaryLocation"]] == ["W06000015", "W92000004"]
    assert o1["grantProgramme"] == [{"title": "Digital Fund"}]
    # Disbursed: D1, D2 (undated) and D7 (against its re-announcement); transactions: the dated ones.
    assert o1["amountDisbursed"] == Decimal("151000.25")
    assert [(t["transactionDate"][:10], t["value"]) for t in o1["disbursementTransaction"]] == [
        ("2020-09-30", Decimal("100000.25")),
        ("2022-07-01", Decimal("1000")),
    ]
    # Recurring with an uplift: the total of its three years; a refund is taken off what was disbursed.
    r1 = grants["R1"]
    assert r1["amountAwarded"] == Decimal("1537812.50")
    assert r1["amountDisbursed"] == Decimal("480000")
    assert r1["tracker"] | {"announcement": None} == {
        "kind": "recurring",
        "amount": Decimal("500000"),
        "firstYear": "2020-21",
        "years": 3,
        "upliftPct": Decimal("2.5"),
        "status": "indicative",
        "capitalOrRevenue": "revenue",
        "announcement": None,
        "deliveries": [
            {
                "id": "360G-fundingtracker-R1/D3",
                "kind": "disbursement",
                "transactionDate": "2021-03-31T00:00:00+00:00",
                "value": Decimal("500000"),
            },
            {
                "id": "360G-fundingtracker-R1/D4",
                "kind": "refund",
                "transactionDate": "2021-06-30T00:00:00+00:00",
                "value": Decimal("-20000"),
            },
        ],
    }
    # Expenditure is not a disbursement: in the extension only.
    assert "amountDisbursed" not in grants["P1"] and grants["P1"]["tracker"]["deliveries"][0]["kind"] == "expenditure"
    assert grants["P1"]["tracker"]["profile"] == [
        {"financialYear": "2021-22", "amount": Decimal("1000000")},
        {"financialYear": "2022-23", "amount": Decimal("500000.5")},
    ]
    # A pot is published for what is left once its shares are out, each share as its own grant.
    assert [grants[ref]["amountAwarded"] for ref in ("POT", "S1", "S2")] == [500000, 300000, 200000]
    assert grants["S1"]["tracker"]["partOf"] == "360G-fundingtracker-POT"
    # Money with no stated year, and a period not stated: no planned dates to give.
    assert "plannedDates" not in grants["U1"]
    assert grants["M3"]["plannedDates"] == [{"startDate": "2021-04-01T00:00:00+00:00"}]
    assert grants["O2"]["plannedDates"][0]["startDate"] == "2021-04-01T00:00:00+00:00"  # the next financial year
    # A grant to a person names no one; a description left blank is the title.
    assert grants["I1"]["recipientIndividual"] == {"id": "360G-fundingtracker-IND-I1", "name": "Individual Recipient"}
    assert "recipientOrganization" not in grants["I1"]
    assert grants["R1"]["description"] == grants["R1"]["title"] == "Chief Digital Officer"
    assert grants["E1"]["tracker"]["reannounces"] == "earlier"
    assert "RA" not in grants
    # Every pound once: the grants add up to what the tracker counts as committed.
    export = _export(engine)
    assert export.selection.awarded_pence == export.selection.committed_pence
    assert sum(g["amountAwarded"] for g in grants.values()) * 100 == export.selection.committed_pence


# --- what cannot be published ----------------------------------------------------------------

LEFT_OUT = """\
ref,announcement_ref,announced_on,funder,recipient,purpose,kind,amount,first_year,reannounces
N1,B1,2022-05-01,Welsh Government,,A fund for councils,one-off,£400k,2022-23,
N2,B2,,Welsh Government,Cardiff Council,Undated,one-off,£10k,2022-23,
N3,B3,2022-05-02,Welsh Government,,Another fund,one-off,£5k,2022-23,
RB,B4,2022-07-01,Welsh Government,Welsh Local Government Association,More for the Delivery Unit,recurring,£250k,2020-21,R2
RN,B5,2022-07-02,Welsh Government,,Restating N1,one-off,£400k,2022-23,N1
"""
LEFT_OUT_DELIVERIES = """\
ref,commitment_ref,paid_on,amount,kind,note,illustrative
D20,O1,2021-01-01,999,disbursement,made up,yes
D21,N1,2022-09-01,5000,disbursement,,no
"""


def test_what_cannot_be_published_is_listed_with_its_count_refs_and_money(engine, tmp_path):
    _every_kind(engine, tmp_path)
    (tmp_path / "more.csv").write_text(LEFT_OUT, encoding="utf-8")
    (tmp_path / "more-deliveries.csv").write_text(LEFT_OUT_DELIVERIES, encoding="utf-8")
    _import(engine, "commitments", tmp_path / "more.csv")
    _import(engine, "deliveries", tmp_path / "more-deliveries.csv")
    export = _export(engine)
    selection = export.selection
    assert [(item.what, item.reason, item.refs, item.pence) for item in selection.left_out] == [
        ("commitment", "no recipient", ("N1", "N3"), 40500000),
        ("commitment", "no announcement date", ("N2",), 1000000),
        (
            "commitment",
            "a re-announcement: its money is counted once, in the grant of the commitment it re-announces",
            ("RA", "RB"),
            0,
        ),
        ("commitment", "a re-announcement of a commitment left out", ("RN",), 0),
        ("delivery", "illustrative: demo figures, never published", ("D20",), 99900),
        ("delivery", "of commitments left out", ("D21",), 500000),
    ]
    assert selection.lines()[0] == "left out 2 commitments: no recipient (N1, N3): £405,000 committed"
    # RB re-announces R2 at another amount: R2's grant carries the money as RB placed it.
    (changed,) = selection.not_kept
    assert changed.refs == ("R2",) and "another amount" in changed.reason
    r2 = next(grant for grant in _written(export)["grants"] if grant["id"] == "360G-fundingtracker-R2")
    assert r2["amountAwarded"] == Decimal("250000") and r2["tracker"]["amount"] == Decimal("250000")
    # Every pound once: what is published and what is left out add up to what is counted.
    left = sum(item.pence for item in selection.left_out if item.what == "commitment")
    assert selection.awarded_pence + left == selection.committed_pence
    assert schema_problems(json.loads(giving360_files.json_bytes(export))) == []
    fresh = _into_empty(export, "json", tmp_path / "again")
    try:  # read back: committed money the same year by year, less what was left out
        committed = {
            row["financial_year"]: Decimal(row["committed"]) for row in csv.DictReader(io.StringIO(_totals(fresh)))
        }
        before = {
            row["financial_year"]: Decimal(row["committed"]) for row in csv.DictReader(io.StringIO(_totals(engine)))
        }
        assert (before["2022-23"] - committed["2022-23"]) * 100 == left == 41500000  # N1, N2, N3: all 2022-23
        assert {year: amount for year, amount in before.items() if year != "2022-23"} == {
            year: amount for year, amount in committed.items() if year != "2022-23"
        }
    finally:
        fresh.dispose()


# --- the demo and the command --------------------------------------------------------------


def test_the_demo_exports_valid_360giving_and_says_what_it_leaves_out(engine):
    load_demo(engine, actor=ACTOR)
    export = _export(engine, issued=None)
    package = json.loads(giving360_files.json_bytes(export))
    assert schema_problems(package) == []
    assert [grant["id"] for grant in package["grants"]] == [f"360G-fundingtracker-W{n}" for n in (1, 2, 5, 7, 6)]
    assert giving360_files.refs_in(export.selection.left_out) == {
        "a re-announcement: its money is counted once, in the grant of the commitment it re-announces": ("W3",),
        "illustrative: demo figures, never published": tuple(f"D{n}" for n in range(1, 8)),
        "360Giving has no place for milestones": ("M1", "M2"),
    }
    assert export.selection.awarded_pence == export.selection.committed_pence == 1_330_000_000


def test_the_pages_download_is_the_package_under_the_configured_prefix(engine, monkeypatch):
    load_demo(engine, actor=ACTOR)
    monkeypatch.setenv(giving360.PREFIX_VARIABLE, "360G-wlga")
    package = json.loads(giving360_files.package_json(queries.load(engine), date(2026, 11, 27)))
    assert schema_problems(package) == []
    assert package["issued"] == "2026-11-27T00:00:00+00:00"
    assert package["grants"][0]["id"] == "360G-wlga-W1"
    assert package["grants"][0]["fundingOrganization"] == [
        {"id": "360G-wlga-org-welsh-government", "name": "Welsh Government"}
    ]


SPREADSHEET = (
    """\
ref,announced_on,funder,recipient,purpose,kind,amount,first_year,quote
F1,2022-05-01,+Funder,@Recipient,"=HYPERLINK(""http://x"")",one-off,£10,2022-23,-1 said the minister
360G-fundingtracker-F1,2022-05-01,Funder,Recipient,Same identifier,one-off,£20,2022-23,
"""
    + "F" * 100
    + """,2022-05-01,Funder,Recipient,A long ref,one-off,£30,2022-23,
"""
)


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_text_a_spreadsheet_would_run_is_neutralised_and_reads_back_as_written(engine, tmp_path, form):
    (tmp_path / "c.csv").write_text("\n".join(SPREADSHEET.splitlines()[:2]) + "\n", encoding="utf-8")
    _import(engine, "commitments", tmp_path / "c.csv")
    export = _export(engine)
    written = giving360_files.to_bytes(export, form)
    if form == "csv":
        row = next(csv.DictReader(io.StringIO(written.decode("utf-8"))))
        cells = [row["Title"], row["Funding Org:Name"], row["Recipient Org:Name"], row["Description"]]
    else:
        sheet = load_workbook(io.BytesIO(written))["grants"]
        titles = [cell.value for cell in sheet[1]]
        values = dict(zip(titles, (cell.value for cell in sheet[2])))
        cells = [values["Title"], values["Funding Org:Name"], values["Recipient Org:Name"], values["Description"]]
    assert cells == ['\'=HYPERLINK("http://x")', "'+Funder", "'@Recipient", "'-1 said the minister"]
    fresh = _into_empty(export, form, tmp_path / "again")
    try:
        with read_session(fresh) as session:
            (commitment,) = session.scalars(select(Commitment))
            assert (commitment.purpose, commitment.recipient.name, commitment.announcement.funder.name) == (
                '=HYPERLINK("http://x")',
                "@Recipient",
                "+Funder",
            )
            assert commitment.announcement.quote == "-1 said the minister"
    finally:
        fresh.dispose()


def test_identifiers_another_tracker_could_not_read_back_are_noted(engine, tmp_path):
    (tmp_path / "c.csv").write_text(SPREADSHEET, encoding="utf-8")
    _import(engine, "commitments", tmp_path / "c.csv")
    assert _export(engine).notes == (
        "grant 360G-fundingtracker-F1: the identifier of both 360G-fundingtracker-F1 and F1 (give one of them another ref)",
        f"grant 360G-fundingtracker-{'F' * 100}: an identifier of more than 100 characters, which the tracker's "
        "importer refuses (give the commitment a shorter ref)",
    )


def _cli(engine: Engine, folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``funding-tracker export ...`` run in ``folder`` (made if missing)."""
    folder.mkdir(exist_ok=True)
    variables = {**os.environ, "TRACKER_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    variables.pop(giving360.PREFIX_VARIABLE, None)
    command = [sys.executable, "-m", "tracker.cli", "export", *args]
    return subprocess.run(command, env=variables | env, cwd=folder, capture_output=True, text=True, timeout=120)


def test_the_command_writes_each_form_and_says_what_it_left_out(engine, tmp_path):
    load_demo(engine, actor=ACTOR)
    done = _cli(engine, tmp_path / "out", "360giving", "--out", "grants.json", TRACKER_360G_PREFIX="360G-wlga")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "wrote 360giving: 5 grants as JSON to grants.json\n"
    assert done.stderr.splitlines() == [
        "left out 1 commitment: a re-announcement: its money is counted once, in the grant of the commitment "
        "it re-announces (W3)",
        "left out 7 deliveries: illustrative: demo figures, never published (D1, D2, D3, D4, D5, D6, D7): "
        "£12,520,000 delivered",
        "left out 2 milestones: 360Giving has no place for milestones (M1, M2)",
    ]
    package = json.loads((tmp_path / "out" / "grants.json").read_text(encoding="utf-8"))
    assert package["grants"][0]["id"] == "360G-wlga-W1"
    assert package["issued"].endswith("T00:00:00+00:00") and schema_problems(package) == []

    xlsx = _cli(engine, tmp_path / "out", "360giving", "--format", "xlsx", "--out", "grants.data")
    assert xlsx.returncode == 0 and xlsx.stdout == "wrote 360giving: 5 grants as XLSX to grants.data\n"
    book = load_workbook(io.BytesIO((tmp_path / "out" / "grants.data").read_bytes()))
    assert book.sheetnames == ["grants", "About"]
    assert [cell.value for cell in book["grants"][1][:6]] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
    ]
    flat = _cli(engine, tmp_path / "out", "360giving", "--out", "grants.csv")
    assert flat.returncode == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "grants.csv").read_text(encoding="utf-8"))))
    assert [(row["Identifier"], row["Amount Awarded"], row["Tracker:Kind"]) for row in rows][:2] == [
        ("360G-fundingtracker-W1", "1500000.00", "recurring"),
        ("360G-fundingtracker-W2", "1000000.00", "one-off"),
    ]


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (("360giving", "--out", "grants.txt"), {}, "give --format json, csv or xlsx (cannot tell from 'grants.txt')"),
        (("commitments", "--out", "c.json"), {}, "give --format csv or xlsx (cannot tell from 'c.json')"),
        (("yearly", "--format", "json", "--out", "y"), {}, "give --format csv or xlsx (json is only for 360giving)"),
        (("360giving", "--out", "g.json"), {"TRACKER_360G_PREFIX": "wlga"}, "TRACKER_360G_PREFIX 'wlga': expected"),
    ],
)
def test_the_command_refuses_what_it_cannot_write(engine, tmp_path, args, env, said):
    refused = _cli(engine, tmp_path / "out", *args, **env)
    assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    assert not list((tmp_path / "out").iterdir())


def test_with_nothing_to_publish_the_command_writes_nothing(engine, tmp_path):
    (tmp_path / "c.csv").write_text(LEFT_OUT.splitlines()[0] + "\n" + LEFT_OUT.splitlines()[1] + "\n", encoding="utf-8")
    _import(engine, "commitments", tmp_path / "c.csv")
    refused = _cli(engine, tmp_path / "out", "360giving", "--out", "grants.json")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "left out 1 commitment: no recipient (N1): £400,000 committed",
        "nothing written: no commitment can be published as a 360Giving grant",
    ]
    assert not (tmp_path / "out" / "grants.json").exists()
