"""An announcement's headline claim (issue 19): recorded as stated by form and file,
kept on edit, audited, exported and served; and the report of headlines that do not add
up, counted as the tracker counts (every pound once, re-announced money not new)."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.models import Announcement
from db.session import read_session
from tests.integration.cli_runner import ok, run_cli
from tests.integration.records_helpers import EDITOR, FOUNDING, audit_events, the_problem
from tracker.figures import data as queries
from tracker.figures.announcement_detail import detail
from tracker.figures.finance_tables import commitments_table
from tracker.figures.headlines import announcement_money, report
from tracker.figures.register import read_announcements
from tracker.imports.apply import import_file
from tracker.records.announcements import create_announcement, update_announcement
from tracker.records.editing import load_for_edit
from tracker.records.problems import ValidationFailed

M = 100_000_000  # £1m in pence


def test_a_headline_typed_with_an_announcement_is_kept_on_edit_and_audited(engine: Engine) -> None:
    create_announcement(
        dataclasses.replace(FOUNDING, headline="over £1m for digital"),
        engine=engine,
        actor=EDITOR,
        new_organisations_ok=True,
    )
    editable = load_for_edit("announcement", "A1", engine=engine)
    assert editable.value.headline == "over £1m for digital"
    update_announcement(
        "A1",
        dataclasses.replace(editable.value, headline="multi-million for councils"),
        expected_version=editable.version,
        engine=engine,
        actor=EDITOR,
    )
    with read_session(engine) as session:
        stored = session.scalars(select(Announcement.headline).where(Announcement.ref == "A1")).one()
    assert stored == "multi-million for councils"
    [changed] = [e for e in audit_events(engine) if e.entity == "announcements" and e.action == "update"]
    assert (changed.before["headline"], changed.after["headline"]) == ("over £1m for digital", stored)
    shown = detail(queries.load(engine), read_announcements(engine), "A1", date(2026, 12, 6))
    assert shown.headline_claim == stored


def test_a_headline_longer_than_its_limit_is_refused_and_nothing_saved(engine: Engine) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_announcement(
            dataclasses.replace(FOUNDING, headline="£1m " * 80), engine=engine, actor=EDITOR, new_organisations_ok=True
        )
    assert "300" in the_problem(refused, "headline").expected
    assert read_announcements(engine).empty


def _write(folder: Path, text: str) -> Path:
    path = folder / "commitments.csv"
    path.write_text(text, encoding="utf-8")
    return path


# A1 announces £14.3m: W1 £10m new and W2 re-announcing A0's W0 (£4.3m, the same amount).
# A2's headline is under its money; A3 re-announces W0 at £5m (new money: the £0.7m added);
# A4 is a £10m pot with a £2m share inside it (counted once); A5 allocates £1m of A4's pot.
FILE = """ref,announcement_ref,announced_on,title,Headline claim,funder,purpose,kind,amount,first_year,reannounces,part_of
W0,A0,2019-05-01,Earlier,,Welsh Government,Digital,one-off,4300000,2019-20,,
W1,A1,2020-05-01,Digital,£14.3m for digital,Welsh Government,Digital,one-off,10000000,2020-21,,
W2,A1,2020-05-01,Digital,£14.3m for digital,Welsh Government,Digital,one-off,4300000,2019-20,W0,
W3,A2,2020-06-01,Roads,over £3m for roads,Welsh Government,Roads,one-off,2000000,2020-21,,
W4,A3,2020-07-01,More digital,about £5m for digital,Welsh Government,Digital,one-off,5000000,2019-20,W0,
W5,A4,2020-08-01,Fund,£10m fund,Welsh Government,Fund,one-off,10000000,2020-21,,
W6,A4,2020-08-01,Fund,£10m fund,Welsh Government,Share,one-off,2000000,2020-21,,W5
W7,A5,2020-09-01,Allocation,£1m for Cardiff,Welsh Government,Cardiff,one-off,1000000,2020-21,,W5
"""


@pytest.fixture
def stored(engine: Engine, tmp_path: Path) -> Engine:
    import_file("commitments", _write(tmp_path, FILE), engine=engine, actor=EDITOR)
    return engine


def test_a_file_carries_the_headline_in_and_the_export_carries_it_out_last(stored: Engine) -> None:
    with read_session(stored) as session:
        said = dict(session.execute(select(Announcement.ref, Announcement.headline)).all())
    assert said == {
        "A0": None,
        "A1": "£14.3m for digital",
        "A2": "over £3m for roads",
        "A3": "about £5m for digital",
        "A4": "£10m fund",
        "A5": "£1m for Cardiff",
    }
    exported = commitments_table(queries.load(stored))
    assert list(exported.frame.columns)[-1] == "headline"
    assert exported.frame.set_index("ref").loc["W3", "headline"] == "over £3m for roads"


def test_each_announcement_is_counted_every_pound_once_in_its_own_right(stored: Engine) -> None:
    money = announcement_money(queries.load(stored))
    assert money.loc[["A0", "A1", "A2", "A3", "A4", "A5"]].to_dict("index") == {
        "A0": {"all_money_pence": 4_300_000_00, "new_money_pence": 4_300_000_00},
        "A1": {"all_money_pence": 14_300_000_00, "new_money_pence": 10 * M},  # W2 restates W0
        "A2": {"all_money_pence": 2 * M, "new_money_pence": 2 * M},
        "A3": {"all_money_pence": 5 * M, "new_money_pence": 700_000_00},  # W0 raised by £0.7m
        "A4": {"all_money_pence": 10 * M, "new_money_pence": 10 * M},  # the share is inside the pot
        "A5": {"all_money_pence": 1 * M, "new_money_pence": 0},  # a share of A4's pot: announced there
    }


def test_the_report_lists_the_headlines_that_do_not_add_up_with_their_figures(stored: Engine) -> None:
    frame = report(queries.load(stored), read_announcements(stored))
    rows = {
        r.ref: (r.claim_pence, r.qualifier, r.all_money_pence, r.new_money_pence, r.new_share_percent, r.verdict)
        for r in frame.itertuples(index=False)
    }
    assert rows == {
        "A1": (14_300_000_00, "exact", 14_300_000_00, 10 * M, 69, "counts money announced before as new"),
        "A2": (3 * M, "over", 2 * M, 2 * M, 100, "headline is more than recorded"),
        "A3": (5 * M, "about", 5 * M, 700_000_00, 14, "counts money announced before as new"),
        "A5": (1 * M, "exact", 1 * M, 0, 0, "counts money announced before as new"),
    }  # A4 adds up: its share is not counted twice
    every = report(queries.load(stored), read_announcements(stored), every=True)
    assert list(every["ref"]) == ["A1", "A2", "A3", "A4", "A5"]
    assert every.set_index("ref").loc["A4", "verdict"] == "adds up"


def test_a_deleted_commitment_no_longer_counts(stored: Engine) -> None:
    from tracker.records.deletion import delete

    version = load_for_edit("commitment", "W1", engine=stored).version
    delete("commitment", "W1", expected_version=version, engine=stored, actor=EDITOR)
    frame = report(queries.load(stored), read_announcements(stored)).set_index("ref")
    assert (frame.loc["A1", "all_money_pence"], frame.loc["A1", "verdict"]) == (
        4_300_000_00,
        "headline is more than recorded",
    )


def test_the_command_prints_the_report_as_csv(stored: Engine, database_url: str, tmp_path: Path) -> None:
    printed = ok(run_cli(database_url, "headlines", "--format", "csv", cwd=tmp_path))
    rows = list(csv.DictReader(io.StringIO(printed)))
    assert [r["ref"] for r in rows] == ["A1", "A2", "A3", "A5"]
    assert rows[0] == {
        "ref": "A1",
        "announced_on": "2020-05-01",
        "title": "Digital",
        "funder": "Welsh Government",
        "headline": "£14.3m for digital",
        "claim": "14300000.00",
        "claim_qualifier": "exact",
        "all_money": "14300000.00",
        "new_money": "10000000.00",
        "new_share_percent": "69",
        "verdict": "counts money announced before as new",
    }
    table = ok(run_cli(database_url, "headlines", cwd=tmp_path))
    assert "A3  2020-07-01  More digital" in table
    assert (
        "    claims about £5,000,000; recorded: £5,000,000, new money £700,000 (14% new): "
        "counts money announced before as new"
    ) in table
    assert "4 of 5 recorded headlines do not add up." in table


def test_the_api_serves_the_headline_as_stated(stored: Engine) -> None:
    from fastapi.testclient import TestClient

    from tracker import accounts
    from tracker.api import access, create_app

    accounts.add_user("vera", ["viewer"], engine=stored, actor=EDITOR, password="a long enough passphrase 1")
    token = access.issue_token("vera", engine=stored, actor=EDITOR)
    client = TestClient(create_app(stored))
    headers = {"Authorization": f"Bearer {token}"}
    one = client.get("/api/announcements/A1", headers=headers).json()
    assert one["headline_claim"] == "£14.3m for digital"
    assert one["headline_pence"] == 14_300_000_00  # the money announced, as before
    assert client.get("/api/announcements/A0", headers=headers).json()["headline_claim"] is None
