"""``funding-tracker totals --prices real`` and ``/api/totals?prices=real`` (issue 20): the same rows as in
cash, each amount deflated by hand from the shipped release's file, every row naming its release and base
year; unphased money and years beyond the release blank, the command still exiting 0."""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_EVEN, Decimal
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.actors import ADMIN
from tests.integration.cli_runner import ok, run_cli
from tracker import accounts
from tracker.api import access
from tracker.api.app import create_app
from tracker.cli import main
from tracker.core.deflators import SHIPPED_NAME
from tracker.demo import load_demo
from tracker.imports.apply import import_file

# Money beyond the shipped release (2025-26 onward) and money with no year, beside the demo.
EXTRA = (
    "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years\n"
    "RT1,2024-05-01,Welsh Government,Cyngor Gwynedd,Beyond the release,recurring,£100000,2024-25,3\n"
    "RT2,2024-05-01,Welsh Government,Cyngor Gwynedd,No year stated,one-off,£40000,,\n"
)
MONEY = ("committed", "delivered", "variance", "new_money", "estimated")


def _index() -> dict[str, Decimal]:
    """The shipped release's indices, read from its file here, not through the tracker."""
    text = resources.files("tracker.core").joinpath("data/deflators/hmt-gdp-deflators-march-2020.csv").read_text()
    return {row["financial_year"]: Decimal(row["index"]) for row in csv.DictReader(io.StringIO(text))}


def _deflated(pounds: str, year: str, base: str) -> str:
    index = _index()
    pence = Decimal(pounds) * 100 * index[base] / index[year]
    return f"{pence.quantize(Decimal(1), rounding=ROUND_HALF_EVEN) / 100:.2f}"


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    load_demo(engine, actor=ADMIN)
    extra = tmp_path / "extra.csv"
    extra.write_text(EXTRA, encoding="utf-8")
    import_file("commitments", extra, engine=engine, actor=ADMIN)
    return engine


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_real_terms_csv_is_the_cash_csv_deflated_cell_by_cell(loaded, database_url, tmp_path):
    cash = _csv(ok(run_cli(database_url, "totals", "--format", "csv", cwd=tmp_path)))
    real = _csv(
        ok(run_cli(database_url, "totals", "--format", "csv", "--prices", "real", "--base", "2019-20", cwd=tmp_path))
    )

    assert [r["financial_year"] for r in real] == [r["financial_year"] for r in cash]
    assert list(real[0]) == [*cash[0], "prices", "base_year", "deflator_release"]
    for before, after in zip(cash, real):
        year = before["financial_year"]
        assert after["base_year"] == "2019-20" and after["deflator_release"] == SHIPPED_NAME
        if year in _index():
            assert after["prices"] == "real"
            for m in ("committed", "delivered", "new_money", "estimated"):
                assert after[m] == _deflated(before[m], year, "2019-20"), (year, m)
            assert Decimal(after["variance"]) == Decimal(after["delivered"]) - Decimal(after["committed"])
        else:
            assert after["prices"] == ("no year" if year == "unphased" else "no deflator"), year
            assert all(after[m] == "" for m in MONEY), after
    assert {r["prices"] for r in real} == {"real", "no deflator", "no year"}  # the data has all three


def test_the_table_names_the_release_and_says_what_it_left_blank(loaded, database_url, tmp_path):
    result = run_cli(database_url, "totals", "--prices", "real", "--base", "2018-19", cwd=tmp_path)

    table = ok(result)
    assert f"real terms in 2018-19 prices, deflated by {SHIPPED_NAME}" in table
    assert "no deflator" in table and "never extrapolated" in table
    assert "no real-terms value" in table  # the unphased row


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--prices", "real", "--base", "2031-32"), "2031-32 is not in the deflator release"),
        (("--prices", "real", "--release", "No such release"), "No such release"),
        (("--base", "2019-20"), "--base and --release need --prices real"),
    ],
)
def test_real_terms_that_cannot_be_worked_out_are_refused_saying_why(
    loaded, database_url, args, said, monkeypatch, capsys
):
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)  # the command's entry point, in this process

    code = main(["totals", *args])

    printed = capsys.readouterr()
    assert code != 0 and printed.out == ""
    assert said in printed.err


def _token(engine: Engine) -> dict[str, str]:
    accounts.add_user("vera", ["viewer"], engine=engine, actor=ADMIN, password="a long enough passphrase 1")
    return {"Authorization": f"Bearer {access.issue_token('vera', engine=engine, actor=ADMIN)}"}


def test_the_api_gives_the_commands_real_terms_rows_and_says_what_they_are_in(loaded, database_url, tmp_path):
    client, headers = TestClient(create_app(loaded)), _token(loaded)
    printed = json.loads(
        ok(run_cli(database_url, "totals", "--format", "json", "--prices", "real", "--base", "2019-20", cwd=tmp_path))
    )

    answer = client.get("/api/totals", params={"prices": "real", "base": "2019-20"}, headers=headers)

    assert answer.status_code == 200
    assert answer.json() == {
        "rows": printed,
        "prices": {"prices": "real", "base_year": "2019-20", "deflator_release": SHIPPED_NAME},
    }
    cash = client.get("/api/totals", headers=headers).json()
    assert cash["prices"] == {"prices": "nominal", "base_year": None, "deflator_release": None}
    assert "prices" not in cash["rows"][0]


@pytest.mark.parametrize(
    ("query", "parameter", "status"),
    [
        ({"prices": "real", "base": "2031-32"}, "base", 422),
        ({"prices": "real", "release": "No such release"}, "release", 422),
        ({"prices": "dear"}, "prices", 400),
        ({"base": "2019-20"}, "base", 400),
    ],
)
def test_the_api_refuses_prices_it_cannot_give_naming_the_parameter(loaded, query, parameter, status):
    answer = TestClient(create_app(loaded)).get("/api/totals", params=query, headers=_token(loaded))

    assert answer.status_code == status
    assert parameter in json.dumps(answer.json())


@pytest.mark.parametrize("prices", [(), ("--prices", "real", "--base", "2019-20")])
def test_totals_json_splits_each_years_headline_and_the_parts_add_up(loaded, database_url, prices, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)  # the command's entry point, in this process
    assert main(["totals", "--format", "json", *prices]) == 0
    rows = json.loads(capsys.readouterr().out)

    parts = ("new", "restated", "earlier", "pot_share", "rise_or_cut")
    valued = [r for r in rows if r["committed_pence"] is not None]
    assert valued and all(r["headline_pence"] == sum(r[f"{p}_pence"] for p in parts) for r in valued)
    assert all(r["new_pence"] + r["rise_or_cut_pence"] == r["new_money_pence"] for r in valued)
    assert sum(r["restated_pence"] for r in valued) > 0  # the demo's W3 restates W2's £1m
    if prices:
        assert all(r["headline"] is None for r in rows if r["committed_pence"] is None)


NEWER = "HM Treasury GDP deflators, December 2025 (test)"
# A made-up newer release: 2019-20 = 100, so 2020-21's money is worth 100/104 of itself in 2019-20 prices.
NEWER_FILE = "financial_year,index\n2019-20,100\n2020-21,104\n2021-22,108\n2022-23,116\n2023-24,120\n2024-25,123\n"


def test_changing_the_default_release_changes_the_figures_and_their_label_together(loaded, database_url, tmp_path):
    from tracker.records.deflator_releases import load_release, set_default

    def real_rows() -> list[dict[str, str]]:
        args = ("totals", "--format", "csv", "--prices", "real", "--base", "2019-20")
        return [r for r in _csv(ok(run_cli(database_url, *args, cwd=tmp_path))) if r["financial_year"] == "2020-21"]

    client, headers = TestClient(create_app(loaded)), _token(loaded)  # one server throughout: its caches too
    query = {"prices": "real", "base": "2019-20"}
    assert client.get("/api/totals", params=query, headers=headers).json()["prices"]["deflator_release"] == SHIPPED_NAME
    before = real_rows()
    load_release(loaded, NEWER_FILE, NEWER, actor=ADMIN)
    assert real_rows() == before  # loaded beside the shipped one: the default is unchanged

    set_default(loaded, NEWER, actor=ADMIN)

    after = real_rows()
    assert [r["deflator_release"] for r in before] == [SHIPPED_NAME]
    assert [r["deflator_release"] for r in after] == [NEWER]
    assert after[0]["committed"] == "1442307.69"  # £1,500,000 x 100 / 104, rounded half-even
    assert after[0]["committed"] != before[0]["committed"]
    answer = client.get("/api/totals", params=query, headers=headers).json()
    assert answer["prices"]["deflator_release"] == NEWER
    assert answer["rows"][0]["committed"] == "1442307.69"
    named = client.get(
        "/api/totals", params={"prices": "real", "base": "2019-20", "release": SHIPPED_NAME}, headers=headers
    ).json()
    assert named["rows"][0]["committed"] == before[0]["committed"]  # a release asked for by name, still there
