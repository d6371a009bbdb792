"""Announcements recorded as said, through the import and the command line:
the press development set's totals, organisations with identifiers, £0 and
currencies, and a wave-1 database carried forward by the migration."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.models import Commitment, Delivery, Organisation
from db.session import downgrade, ensure_schema, read_session, upgrade
from tests.actors import ADMIN
from tracker import cli
from tracker.demo.loader import load_dataset
from tracker.figures import data as queries
from tracker.figures.totals import committed_vs_delivered
from tracker.files import totals_csv
from tracker.files.tabular import DataError
from tracker.imports.apply import import_file

PRESS = Path(__file__).resolve().parents[1] / "fixtures" / "press"
DEMO = Path(__file__).resolve().parents[2] / "tracker" / "demo"
HEADER = "ref,announced_on,funder,funder_id,recipient,recipient_id,purpose,kind,amount,first_year,currency\n"


def totals(engine: Engine, by: str | None = None) -> str:
    data = queries.load(engine)
    frame = committed_vs_delivered(data.schedule, data.deliveries, data.commitments, by=by, unphased=True)
    return totals_csv.to_csv(frame, by=by)


def write(tmp_path: Path, text: str, name: str = "commitments.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_press_releases_give_their_expected_totals_through_the_command_line(
    engine: Engine, database_url: str, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    assert cli.main(["import", "commitments", str(PRESS / "commitments.csv")]) == 0
    capsys.readouterr()
    assert cli.main(["totals", "--format", "csv"]) == 0
    got = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    expected = list(csv.DictReader((PRESS / "expected_totals.csv").open(encoding="utf-8")))
    assert [{k: row[k] for k in expected[0]} for row in got] == expected
    assert list(got[0]) == [
        "financial_year",
        "committed",
        "delivered",
        "variance",
        "new_money",
        "estimated",
        "qualifiers",
    ]

    assert cli.main(["totals", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[-1]["financial_year"] == "unphased"
    assert rows[-1]["committed_pence"] == 79_450_000_000 and rows[-1]["new_money_pence"] == 79_300_000_000

    assert cli.main(["project", str(PRESS / "commitments.csv")]) == 0
    projected = capsys.readouterr().out.splitlines()
    assert projected[0] == "financial_year,committed"
    assert projected[-1] == "unphased,794500000.00"
    assert projected[1:] == [f"{r['financial_year']},{r['committed']}" for r in expected]


def test_a_shares_pot_already_recorded_is_found_by_ref(engine: Engine, tmp_path: Path) -> None:
    import_file(
        "commitments",
        write(tmp_path, HEADER + "POT,2020-01-01,Welsh Government,,,,A fund,one-off,£10m,2020-21,\n"),
        engine=engine,
        actor=ADMIN,
    )
    share = "ref,announced_on,funder,purpose,kind,amount,first_year,part_of\nS1,2020-02-01,Welsh Government,A share,one-off,£2m,2020-21,POT\n"
    import_file("commitments", write(tmp_path, share, "share.csv"), engine=engine, actor=ADMIN)
    assert totals(engine).splitlines()[1] == "2020-21,10000000.00,0.00,-10000000.00,10000000.00,0.00,"
    with read_session(engine) as session:
        stored = session.scalars(select(Commitment).where(Commitment.ref == "S1")).one()
        assert stored.part_of is not None and stored.part_of.ref == "POT"


def test_two_organisations_sharing_a_name_stay_two_lines_and_a_bare_name_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [
        "G1,2020-01-01,Welsh Government,GB-GOV-1,Cardiff Council,GB-CHC-1111,Digital,one-off,£1m,2020-21,",
        "G2,2020-01-01,Welsh Government,GB-GOV-1,Cardiff  council,GB-CHC-2222,Digital,one-off,£2m,2020-21,",
        "G3,2020-01-01,welsh government,,Cardiff Council,GB-CHC-1111,Digital,one-off,£3m,2020-21,",
    ]
    import_file("commitments", write(tmp_path, HEADER + "\n".join(rows) + "\n"), engine=engine, actor=ADMIN)
    with read_session(engine) as session:
        organisations = {o.name: o.org_identifier for o in session.scalars(select(Organisation))}
    assert organisations == {
        "Welsh Government": "GB-GOV-1",
        "Cardiff Council": "GB-CHC-1111",
        "Cardiff  council": "GB-CHC-2222",
    }
    lines = totals(engine, by="recipient").splitlines()
    assert lines[0].startswith("recipient,recipient_id,financial_year,committed")
    assert sorted(line.split(",2020-21,")[0] + "," + line.split(",")[-6] for line in lines[1:]) == [
        "Cardiff  council,GB-CHC-2222,2000000.00",
        "Cardiff Council,GB-CHC-1111,4000000.00",
    ]

    bare = HEADER + "G4,2020-01-01,Welsh Government,,cardiff council,,Digital,one-off,£1m,2020-21,\n"
    with pytest.raises(DataError) as refused:
        import_file("commitments", write(tmp_path, bare, "bare.csv"), engine=engine, actor=ADMIN)
    message = str(refused.value)
    assert "matches 2 organisations" in message and "GB-CHC-1111" in message and "GB-CHC-2222" in message


def test_an_identifier_never_matches_a_same_named_organisation_with_another_one(engine: Engine, tmp_path: Path) -> None:
    first = HEADER + "G1,2020-01-01,Welsh Government,,Cardiff Council,GB-CHC-1111,Digital,one-off,£1m,2020-21,\n"
    import_file("commitments", write(tmp_path, first), engine=engine, actor=ADMIN)
    second = HEADER + "G2,2020-01-01,Welsh Government,,Cardiff Council,GB-CHC-9999,Digital,one-off,£1m,2020-21,\n"
    import_file("commitments", write(tmp_path, second, "second.csv"), engine=engine, actor=ADMIN)
    with read_session(engine) as session:
        cardiff = session.scalars(select(Organisation).where(Organisation.normalised_name == "cardiff council")).all()
    assert sorted(o.org_identifier for o in cardiff) == ["GB-CHC-1111", "GB-CHC-9999"]


def test_a_name_known_without_an_identifier_takes_it_on_and_the_change_is_audited(
    engine: Engine, tmp_path: Path
) -> None:
    first = HEADER + "G1,2020-01-01,Welsh Government,,Cardiff Council,,Digital,one-off,£1m,2020-21,\n"
    import_file("commitments", write(tmp_path, first), engine=engine, actor=ADMIN)
    second = HEADER + "G2,2020-01-01,Welsh Government,,CARDIFF COUNCIL,GB-CHC-1111,Digital,one-off,£1m,2020-21,\n"
    import_file("commitments", write(tmp_path, second, "second.csv"), engine=engine, actor=ADMIN)
    with read_session(engine) as session:
        cardiff = session.scalars(select(Organisation).where(Organisation.normalised_name == "cardiff council")).one()
        assert cardiff.name == "Cardiff Council" and cardiff.org_identifier == "GB-CHC-1111"
    from tracker import audit

    events = audit.events(engine)
    updates = events[(events["entity"] == "organisations") & (events["action"] == "update")]
    assert len(updates) == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param("Z,2020-01-01,WG,,X,,Zero,one-off,0,2020-21,", None, id="£0 is accepted"),
        pytest.param("Z,2020-01-01,WG,,X,,Dollars,one-off,100,2020-21,USD", "currency 'USD': expected GBP", id="USD"),
        pytest.param("Z,2020-01-01,WG,,X,,Pounds,one-off,100,2020-21,gbp", None, id="gbp in any case"),
        pytest.param(
            "Z,2020-01-01,WG,GB CHC 1,X,,Id,one-off,100,2020-21,",
            "funder_id 'GB CHC 1': expected an organisation identifier",
            id="identifier with spaces",
        ),
        pytest.param("Z,,WG,,,,Undated and unaddressed,one-off,£20m,,", None, id="no date, no recipient, no year"),
    ],
)
def test_zero_currency_identifiers_and_blanks_through_the_import(
    engine: Engine, tmp_path: Path, row: str, message
) -> None:
    path = write(tmp_path, HEADER + row + "\n")
    if message is None:
        import_file("commitments", path, engine=engine, actor=ADMIN)
        with read_session(engine) as session:
            assert session.scalars(select(Commitment.ref)).all() == ["Z"]
        return
    with pytest.raises(DataError) as refused:
        import_file("commitments", path, engine=engine, actor=ADMIN)
    assert message in str(refused.value)
    with read_session(engine) as session:
        assert session.scalars(select(Commitment.ref)).all() == []


def test_undated_money_without_a_recipient_is_its_own_line(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "Z,,WG,,,,For digital public services,one-off,£20m,,\n")
    import_file("commitments", path, engine=engine, actor=ADMIN)
    lines = totals(engine, by="recipient").splitlines()
    assert lines[1:] == ["recipient not stated,,unphased,20000000.00,0.00,-20000000.00,20000000.00,0.00,"]
    data = queries.load(engine, as_at=__import__("datetime").date(2000, 1, 1))
    assert list(data.commitments["ref"]) == ["Z"]  # no date to leave it out by


def test_a_wave_one_database_is_carried_forward_unchanged_in_meaning(each_database_url: str) -> None:
    engine = ensure_schema(each_database_url)
    try:
        load_dataset(DEMO, engine=engine, actor=ADMIN)
        before = {by: totals(engine, by) for by in (None, "recipient", "funder", "programme")}
        downgrade(engine, "0004")  # the schema wave 1 wrote, with wave 1's rows in it
        upgrade(engine)
        after = {by: totals(engine, by) for by in (None, "recipient", "funder", "programme")}
        assert after == before
        with read_session(engine) as session:
            organisations = session.scalars(select(Organisation)).all()
            assert all(o.normalised_name == " ".join(o.name.split()).casefold() for o in organisations)
            commitments = session.scalars(select(Commitment)).all()
            assert all(not c.reannounces_earlier and c.part_of_id is None and c.spread == "none" for c in commitments)
    finally:
        engine.dispose()


def test_wave_one_payment_and_spend_rows_become_disbursement_and_expenditure(each_database_url: str) -> None:
    engine = ensure_schema(each_database_url)
    try:
        downgrade(engine, "0005")
        with engine.begin() as connection:  # rows as wave 1 wrote them
            connection.exec_driver_sql(
                "INSERT INTO organisations (id, name, normalised_name, kind, version, created_at, updated_at) "
                "VALUES (1, 'WG', 'wg', 'funder', 1, '2020-01-01', '2020-01-01')"
            )
            connection.exec_driver_sql(
                "INSERT INTO announcements (id, ref, announced_on, title, funder_id, version, created_at, updated_at) "
                "VALUES (1, 'A', '2020-01-01', 'A', 1, 1, '2020-01-01', '2020-01-01')"
            )
            connection.exec_driver_sql(
                "INSERT INTO commitments (id, ref, announcement_id, purpose, recipient_id, kind, amount_pence, "
                "first_year, years, version, created_at, updated_at) "
                "VALUES (1, 'C', 1, 'P', 1, 'one-off', 100, 2020, 1, 1, '2020-01-01', '2020-01-01')"
            )
            for ref, kind in (("D1", "payment"), ("D2", "spend")):
                connection.exec_driver_sql(
                    "INSERT INTO deliveries (ref, commitment_id, paid_on, amount_pence, kind, version, created_at, "
                    f"updated_at) VALUES ('{ref}', 1, '2020-06-01', 50, '{kind}', 1, '2020-01-01', '2020-01-01')"
                )
        upgrade(engine)
        with read_session(engine) as session:
            kinds = dict(session.execute(select(Delivery.ref, Delivery.kind)).all())
        assert kinds == {"D1": "disbursement", "D2": "expenditure"}
        downgrade(engine, "0005")
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT ref, kind FROM deliveries ORDER BY ref").all()
        assert [tuple(r) for r in rows] == [("D1", "payment"), ("D2", "spend")]
    finally:
        engine.dispose()


DELIVERIES = "ref,commitment_ref,paid_on,amount,kind\n"


def test_a_refund_counts_negative_and_an_undated_delivery_is_unphased(engine: Engine, tmp_path: Path) -> None:
    import_file(
        "commitments",
        write(tmp_path, HEADER + "C,2020-01-01,WG,,X,,Digital,one-off,£10m,2020-21,\n"),
        engine=engine,
        actor=ADMIN,
    )
    rows = [
        "D1,C,2020-06-01,£6m,payment",
        "D2,C,2020-09-01,£1m,refund",
        "D3,C,,£2m,expenditure",
        "D4,C,2020-10-01,-£1m,disbursement",
    ]
    import_file("deliveries", write(tmp_path, DELIVERIES + "\n".join(rows) + "\n", "d.csv"), engine=engine, actor=ADMIN)
    with read_session(engine) as session:
        stored = {d.ref: (d.kind, d.amount_pence, d.paid_on) for d in session.scalars(select(Delivery))}
    assert stored["D1"][:2] == ("disbursement", 600_000_000)
    assert stored["D2"][:2] == ("refund", -100_000_000)  # typed positive, counted negative
    assert stored["D3"] == ("expenditure", 200_000_000, None)
    assert stored["D4"][:2] == ("disbursement", -100_000_000)  # a correction
    lines = totals(engine).splitlines()
    assert lines[1] == "2020-21,10000000.00,4000000.00,-6000000.00,10000000.00,0.00,"
    assert lines[2] == "unphased,0.00,2000000.00,2000000.00,0.00,0.00,"
    early = queries.load(engine, as_at=__import__("datetime").date(2020, 7, 1))
    assert sorted(early.deliveries["ref"]) == ["D1", "D3"]  # the undated one has no date to leave it out by


def test_the_migration_will_not_go_back_below_what_it_cannot_hold(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "Z,,WG,,,,Undated,one-off,£20m,,\n")
    import_file("commitments", path, engine=engine, actor=ADMIN)
    with pytest.raises(RuntimeError, match="cannot downgrade below 0005"):
        downgrade(engine, "0004")


def test_money_naming_several_areas_is_under_each_marked_shared(engine: Engine, tmp_path: Path) -> None:
    text = (
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,areas\n"
        "AR1,2020-01-01,WG,Cardiff Council,Hubs,one-off,£1m,2020-21,W06000015\n"
        "AR2,2020-01-01,WG,Councils,Shared,one-off,£3m,2020-21,W06000015; w06000022\n"
        "AR3,2020-01-01,WG,Councils,Nowhere,one-off,£2m,2021-22,\n"
    )
    import_file("commitments", write(tmp_path, text), engine=engine, actor=ADMIN)
    lines = totals(engine, by="area").splitlines()
    assert lines[0] == (
        "area,area_name,financial_year,committed,delivered,variance,new_money,estimated,qualifiers,shared"
    )
    assert lines[1:] == [
        "W06000015,Cardiff,2020-21,4000000.00,0.00,-4000000.00,4000000.00,0.00,,3000000.00",
        "W06000015,Cardiff,2021-22,0.00,0.00,0.00,0.00,0.00,,0.00",
        "W06000022,Newport,2020-21,3000000.00,0.00,-3000000.00,3000000.00,0.00,,3000000.00",
        "W06000022,Newport,2021-22,0.00,0.00,0.00,0.00,0.00,,0.00",
        "area not stated,area not stated,2020-21,0.00,0.00,0.00,0.00,0.00,,0.00",
        "area not stated,area not stated,2021-22,2000000.00,0.00,-2000000.00,2000000.00,0.00,,0.00",
    ]
    bad = "ref,announced_on,funder,purpose,kind,amount,first_year,areas\nAR9,2020-01-01,WG,X,one-off,£1m,2020-21,Cardiff\n"
    with pytest.raises(DataError) as refused:
        import_file("commitments", write(tmp_path, bad, "bad.csv"), engine=engine, actor=ADMIN)
    assert "areas 'Cardiff': 'Cardiff' is not an area code: expected ONS GSS codes" in str(refused.value)


def test_a_review_meeting_freezes_unphased_money_and_shares(engine: Engine) -> None:
    from tracker.review import meetings, recording

    import_file("commitments", PRESS / "commitments.csv", engine=engine, actor=ADMIN)
    recording.open_meeting("2026-11-27", engine=engine, actor=ADMIN)
    held = meetings.meeting(engine, __import__("datetime").date(2026, 11, 27))
    assert held is not None
    figures = held.figures
    assert figures["headline"]["committed"] == 651_550_000_000  # every pound once, unphased money included
    terms = {row["ref"]: row["terms"] for row in figures["commitments"]}
    assert terms["PR09-1"]["first_year"] is None and terms["PR09-1"]["years"] == 2
    assert terms["PR07-2"]["years"] is None  # £18m a year, end not stated
    recipients = {row["ref"]: row["recipient"] for row in figures["commitments"]}
    assert recipients["PR09-1"] is None  # no recipient named: null, never NaN (PostgreSQL's JSON refuses NaN)
