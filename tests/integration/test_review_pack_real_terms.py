"""The review pack's year on year in cash and real terms (issue 20): from the meeting's frozen
figures, by the default deflator release in the meeting's year's prices (or the release's last),
in the HTML and the workbook, naming the release and base year."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from importlib import resources
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from tests.actors import ADMIN
from tests.integration.cli_runner import ok, run_cli
from tracker.core.deflators import SHIPPED_NAME
from tracker.demo import load_demo
from tracker.review import meetings as review
from tracker.review import pack_html, pack_xlsx, recording
from tracker.review.pack_real_terms import pack_prices

SOURCE = "funding tracker database (test)"
HELD = date(2023, 6, 1)  # in 2023-24: the shipped release has it, so its prices are 2023-24's
# The demo's committed money per year in cash, as at HELD (tests/integration/test_cli_database.py).
COMMITTED = {"2020-21": 150_000_000, "2021-22": 540_000_000, "2022-23": 640_000_000}


def _real(pence: int, year: str, base: str) -> int:
    text = resources.files("tracker.core").joinpath("data/deflators/hmt-gdp-deflators-march-2020.csv").read_text()
    index = {row["financial_year"]: Decimal(row["index"]) for row in csv.DictReader(io.StringIO(text))}
    return int((Decimal(pence) * index[base] / index[year]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


@pytest.fixture
def meeting(engine: Engine) -> review.Meeting:
    load_demo(engine, actor=ADMIN)
    recording.open_meeting(HELD.isoformat(), HELD.isoformat(), engine=engine, actor=ADMIN)
    found = review.meeting(engine, HELD)
    assert found is not None
    return found


def test_the_packs_prices_are_the_default_release_in_the_meetings_year(engine, meeting):
    prices = pack_prices(engine, meeting.as_at)

    assert prices.release is not None and prices.release.name == SHIPPED_NAME
    assert prices.base is not None and prices.base.label == "2023-24"


def test_the_html_pack_shows_each_year_in_cash_and_real_terms_with_its_change(engine, meeting):
    prices = pack_prices(engine, meeting.as_at)
    html = pack_html.html_pack(meeting, None, SOURCE, prices).decode("utf-8")

    section = html[html.index("Year on year, in cash and in real terms") :]
    section = section[: section.index("</table>")]
    assert f"real terms, 2023-24 prices ({SHIPPED_NAME})" in section
    real = {year: _real(pence, year, "2023-24") for year, pence in COMMITTED.items()}
    for year, pence in COMMITTED.items():
        row = re.search(rf"<th scope=\"row\">{year}</th>(.*?)</tr>", section, re.S)
        assert row is not None, year
        assert _pounds(pence) in row[1] and _pounds(real[year]) in row[1]
    row = re.search(r"<th scope=\"row\">2022-23</th>(.*?)</tr>", section, re.S)
    assert row is not None and _pounds(real["2022-23"] - real["2021-22"]) in row[1]


def test_the_workbook_has_a_year_on_year_sheet_and_names_the_release(engine, meeting):
    prices = pack_prices(engine, meeting.as_at)
    book = load_workbook(io.BytesIO(pack_xlsx.xlsx_pack(meeting, None, SOURCE, prices)))

    assert "Year on year" in book.sheetnames
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["Deflator release"] == SHIPPED_NAME and about["Base year"] == "2023-24"
    sheet = [[c.value for c in row] for row in book["Year on year"].iter_rows()]
    header = sheet[0]
    first = next(row for row in sheet if row[0] == "2020-21")
    assert (
        Decimal(str(first[header.index("Committed, real terms")]))
        == Decimal(_real(150_000_000, "2020-21", "2023-24")) / 100
    )


def test_the_review_pack_command_writes_the_year_on_year(engine, meeting, database_url, tmp_path: Path):
    ok(run_cli(database_url, "review-pack", "--meeting", HELD.isoformat(), "--out", str(tmp_path), cwd=tmp_path))

    html = (tmp_path / f"review-pack-{HELD.isoformat()}.html").read_text(encoding="utf-8")
    assert "Year on year, in cash and in real terms" in html and SHIPPED_NAME in html
