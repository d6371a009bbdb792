"""The register of announcements and the detail of one, on the Welsh demo.

The demo is loaded once into a SQLite file (the read models need the quoted
words and the September 2025 announcement with no money, which only the
database holds). Expected money is written out in pence from
tracker/demo/commitments.csv: A1 is W1 (£500,000 a year, 2020-21 to 2022-23)
and W2 ("over £1m" in 2020-21); A2's W3 re-announces W2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, update

from db.models import Announcement
from db.session import ensure_schema, write_session
from tests.actors import ADMIN
from tracker.core.fiscal import FinancialYear
from tracker.demo import load_demo
from tracker.figures import data as queries
from tracker.figures.announcement_detail import detail, schedule_table
from tracker.figures.filters import Filters
from tracker.figures.markdown_text import blockquote, escape_markdown
from tracker.figures.register import (
    in_pounds,
    pick_labels,
    read_announcements,
    register,
    register_table,
    search,
)
from tracker.files.exports import to_csv_bytes

TODAY = date(2026, 11, 27)
ALL = ["A1", "A2", "A3", "A5", "A4", "A6"]  # by date: A5 (18 July 2022) precedes A4 (17 August 2022)
CDPS = "Centre for Digital Public Services"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder: Path = tmp_path_factory.mktemp("register")
    engine = ensure_schema(f"sqlite:///{folder / 'tracker.db'}")
    load_demo(engine, actor=ADMIN)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def data(engine: Engine) -> queries.TrackerData:
    return queries.load(engine)


@pytest.fixture(scope="module")
def announcements(engine: Engine) -> pd.DataFrame:
    return read_announcements(engine)


def row(frame: pd.DataFrame, ref: str) -> pd.Series:
    [index] = frame.index[frame["ref"] == ref]
    return frame.loc[index]


# --- reading -----------------------------------------------------------------


def test_every_announcement_is_read_with_its_quote_and_notes(announcements: pd.DataFrame) -> None:
    assert list(announcements["ref"]) == ALL
    a1 = row(announcements, "A1")
    assert a1["quote"].startswith("Funding of over £1m will be made available in the next financial year")
    assert "Inferred: the three years are 2020-21 to 2022-23" in a1["notes"]
    assert a1["made_by"] == "Julie James AM, Minister for Housing and Local Government"
    assert list(announcements["commitment_count"]) == [2, 1, 1, 1, 1, 0]


def test_a_deleted_announcement_is_not_read(tmp_path: Path) -> None:
    engine = ensure_schema(f"sqlite:///{tmp_path / 'tracker.db'}")
    try:
        load_demo(engine, actor=ADMIN)
        with write_session(engine) as session:
            session.execute(
                update(Announcement)
                .where(Announcement.ref == "A6")
                .values(deleted_at=pd.Timestamp("2026-01-01", tz="UTC").to_pydatetime())
            )
        assert "A6" not in set(read_announcements(engine)["ref"])
        assert list(read_announcements(engine, as_at=date(2020, 12, 31))["ref"]) == ["A1", "A2"]
    finally:
        engine.dispose()


# --- the register -------------------------------------------------------------


def test_the_register_lists_every_announcement_by_date(data, announcements) -> None:
    assert list(register(data, announcements)["ref"]) == ALL


def test_a1_headline_is_at_least_2_5m_in_pence(data, announcements) -> None:
    a1 = row(register(data, announcements), "A1")

    assert a1["headline_pence"] == 250_000_000
    assert a1["committed_pence"] == 250_000_000
    assert a1["qualifier"] == "at least"
    assert a1["recipients"] == "Welsh Local Government Association, Welsh councils"
    assert a1["commitments"] == "W1, W2"
    assert a1["years"] == "2020-21 to 2022-23"
    assert a1["statuses"] == "confirmed"
    assert a1["source_url"] == "https://gov.wales/written-statement-chief-digital-officer-local-government"


def test_a_re_announcement_has_a_headline_but_no_new_money(data, announcements) -> None:
    a2 = row(register(data, announcements), "A2")

    assert (a2["headline_pence"], a2["committed_pence"], a2["qualifier"]) == (100_000_000, 0, "exact")


def test_an_announcement_with_no_commitments_is_listed_with_no_money(data, announcements) -> None:
    a6 = row(register(data, announcements), "A6")

    assert (a6["headline_pence"], a6["committed_pence"], a6["commitment_count"]) == (0, 0, 0)
    assert a6["recipients"] == a6["statuses"] == a6["years"] == ""


def test_without_the_announcements_read_only_those_with_money_are_listed(data) -> None:
    assert list(register(data)["ref"]) == ["A1", "A2", "A3", "A5", "A4"]


def test_headline_and_new_money_add_up_to_the_demo_totals(data, announcements) -> None:
    frame = register(data, announcements)

    assert frame["headline_pence"].sum() == 1_430_000_000
    assert frame["committed_pence"].sum() == 1_330_000_000
    assert frame["headline_pence"].dtype == "int64"


def test_a_recipient_filter_keeps_its_announcements_and_drops_those_with_no_money(data, announcements) -> None:
    filters = Filters(recipients=(CDPS,))

    frame = register(filters.apply(data), announcements, filters)

    assert list(frame["ref"]) == ["A3", "A4"]
    assert list(frame["headline_pence"]) == [490_000_000, 490_000_000]


def test_a_year_range_counts_only_money_in_it_and_drops_announcements_outside_it(data, announcements) -> None:
    filters = Filters(first_year=FinancialYear(2021), last_year=FinancialYear(2022))

    frame = register(filters.apply(data), announcements, filters)

    # A2 (money and date in 2020-21) and A6 (made in 2025-26, no money) are outside.
    assert list(frame["ref"]) == ["A1", "A3", "A5", "A4"]
    assert row(frame, "A1")["headline_pence"] == 100_000_000  # W1's 2021-22 and 2022-23
    assert row(frame, "A1")["years"] == "2021-22 to 2022-23"


def test_a_funder_filter_keeps_a_statement_by_that_funder(data, announcements) -> None:
    kept = Filters(funders=("Welsh Government",))
    other = Filters(funders=("UK Government",))

    assert "A6" in set(register(kept.apply(data), announcements, kept)["ref"])
    assert register(other.apply(data), announcements, other).empty


# --- search --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CDPS", ["A4", "A6"]),  # titles and W6's purpose
        ("cdps", ["A4", "A6"]),  # case does not matter
        ("Digital Public Services", ["A3", "A4"]),  # A3's title, A4's recipient
        ("W3", ["A2"]),  # a commitment ref
        ("a6", ["A6"]),  # an announcement ref
        ("councils' work", ["A1"]),  # the quote has a curly apostrophe
        ("COVID-19", ["A2"]),
        ("  ", ALL),
        ("", ALL),
        (None, ALL),
        ("no such words", []),
    ],
)
def test_search_matches_words_in_titles_purposes_quotes_and_refs(data, announcements, text, expected) -> None:
    assert list(search(register(data, announcements), text)["ref"]) == expected


def test_a_status_keeps_announcements_with_a_commitment_of_that_status(data, announcements) -> None:
    frame = register(data, announcements)

    assert list(search(frame, "", ["confirmed"])["ref"]) == ["A1", "A2", "A3", "A5", "A4"]
    assert search(frame, "", ["indicative"]).empty
    assert list(search(frame, "", [])["ref"]) == ALL


def test_the_list_names_each_announcement_by_ref_date_and_title(data, announcements) -> None:
    labels = pick_labels(register(data, announcements))

    assert labels["A1"] == (
        "A1 — 25 October 2019 — Chief Digital Officer for local government and digital transformation funding"
    )
    assert list(labels) == ALL


# --- detail ----------------------------------------------------------------------


def test_a1_detail_has_its_quote_commitments_and_schedule(data, announcements) -> None:
    found = detail(data, announcements, "A1", TODAY)

    assert (found.ref, found.announced_on, found.funder) == ("A1", date(2019, 10, 25), "Welsh Government")
    assert "An extra £500,000 will also be provided annually" in found.quote
    assert found.notes.startswith("Confirmed at the WLGA Executive Board")
    assert list(found.commitments["ref"]) == ["W1", "W2"]
    assert list(found.commitments["terms"]) == [
        "£500,000 a year for 3 years from 2020-21",
        "over £1,000,000 in 2020-21",
    ]
    assert [
        tuple(r)
        for r in found.schedule[["commitment_ref", "label", "headline_pence", "committed_pence"]].itertuples(
            index=False
        )
    ] == [
        ("W1", "2020-21", 50_000_000, 50_000_000),
        ("W2", "2020-21", 100_000_000, 100_000_000),
        ("W1", "2021-22", 50_000_000, 50_000_000),
        ("W1", "2022-23", 50_000_000, 50_000_000),
    ]
    assert (found.headline_pence, found.committed_pence, found.qualifier) == (250_000_000, 250_000_000, "at least")
    assert found.summary == (
        "A1 announces at least £2.5m over 2020-21 to 2022-23, all of it new money; £1m of it (W2) is a floor ('over')."
    )


def test_a1_detail_has_its_deliveries_and_milestones(data, announcements) -> None:
    found = detail(data, announcements, "A1", TODAY)

    assert list(found.deliveries["ref"]) == ["D1", "D2", "D3"]
    assert list(found.deliveries["amount_pence"]) == [25_000_000, 50_000_000, 45_000_000]
    assert list(found.deliveries["label"]) == ["2020-21", "2021-22", "2022-23"]
    assert found.delivered_pence == 120_000_000
    assert found.illustrative_deliveries == 3
    assert list(found.milestones["ref"]) == ["M1", "M2"]
    assert list(found.milestones["state"]) == ["achieved late", "achieved"]


def test_a1_is_re_announced_by_a2(data, announcements) -> None:
    found = detail(data, announcements, "A1", TODAY)

    assert found.reannounces == ()
    [link] = found.reannounced_by
    assert link[:3] == ("W2", "W3", "A2")
    assert link.sentence == "W2 is re-announced by W3 (announcement A2, 26 June 2020): the money is counted once, here."


def test_a2_re_announces_w2_and_adds_no_new_money(data, announcements) -> None:
    found = detail(data, announcements, "A2", TODAY)

    [link] = found.reannounces
    assert link[:3] == ("W3", "W2", "A1")
    assert link.other_announced_on == date(2019, 10, 25)
    assert link.sentence == "W3 re-announces W2 (announcement A1, 25 October 2019): it adds no new money."
    assert found.reannounced_by == ()
    assert (found.headline_pence, found.committed_pence) == (100_000_000, 0)
    assert found.summary == "A2 announces £1m in 2020-21, none of it new money: it re-announces earlier commitments."


def test_a6_detail_says_it_carries_no_money(data, announcements) -> None:
    found = detail(data, announcements, "A6", TODAY)

    assert not found.has_money
    assert found.commitments.empty and found.schedule.empty and found.deliveries.empty and found.milestones.empty
    assert found.headline_pence == 0
    assert found.summary == "A6 carries no money: no commitments are recorded against it."
    assert found.quote is None
    assert found.notes.startswith("Structural change, no amounts")


def test_an_unknown_announcement_is_a_key_error(data, announcements) -> None:
    with pytest.raises(KeyError, match="A99"):
        detail(data, announcements, "A99", TODAY)


def test_money_outside_the_years_chosen_leaves_an_empty_schedule(data, announcements) -> None:
    filters = Filters(first_year=FinancialYear(2022), last_year=FinancialYear(2022))

    found = detail(filters.apply(data), announcements, "A2", TODAY)

    assert found.has_money and found.schedule.empty
    assert found.summary == "None of A2's money falls in the financial years shown."


# --- text and files ---------------------------------------------------------------


def test_markdown_in_stored_text_shows_as_typed() -> None:
    assert escape_markdown("*not bold* [link](x) <b>") == r"\*not bold\* \[link\](x) \<b\>"
    assert escape_markdown("# not a heading") == r"\# not a heading"
    assert escape_markdown("2020. not a list") == "2020\\. not a list"
    assert escape_markdown("£1m for 2020-21: see https://gov.wales") == "£1m for 2020-21: see https://gov.wales"
    assert blockquote("over £1m\n\n- and more $x$") == "> over £1m\n>\n> \\- and more \\$x\\$"


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_the_register_csv_has_exact_pounds(data, announcements) -> None:
    rows = _csv(to_csv_bytes(register_table(register(data, announcements))))

    assert rows[0] == [
        "ref",
        "announced_on",
        "title",
        "funder",
        "recipients",
        "commitments",
        "financial_years",
        "headline",
        "headline_qualifier",
        "new_money",
        "statuses",
        "source_url",
        "title_cy",
    ]
    assert rows[1][:2] == ["A1", "2019-10-25"]
    assert rows[1][7:10] == ["2500000.00", "at least", "2500000.00"]
    assert rows[2][7:10] == ["1000000.00", "exact", "0.00"]
    assert rows[6][0] == "A6" and rows[6][7] == "0.00"


def test_the_schedule_csv_has_one_row_per_commitment_and_year(data, announcements) -> None:
    rows = _csv(to_csv_bytes(schedule_table(detail(data, announcements, "A1", TODAY))))

    assert rows == [
        ["announcement_ref", "commitment_ref", "financial_year", "headline", "new_money", "qualifier", "estimated"],
        ["A1", "W1", "2020-21", "500000.00", "500000.00", "exact", ""],
        ["A1", "W2", "2020-21", "1000000.00", "1000000.00", "over", ""],
        ["A1", "W1", "2021-22", "500000.00", "500000.00", "exact", ""],
        ["A1", "W1", "2022-23", "500000.00", "500000.00", "exact", ""],
    ]


def test_a_title_that_looks_like_a_formula_is_neutralised_in_the_csv(data, announcements) -> None:
    frame = register(data, announcements).assign(title='=HYPERLINK("http://x")')

    rows = _csv(to_csv_bytes(register_table(frame)))

    assert rows[1][2] == '\'=HYPERLINK("http://x")'


def test_money_is_shown_as_exact_pounds(data, announcements) -> None:
    shown = in_pounds(register(data, announcements))

    assert "headline_pence" not in shown.columns
    assert str(row(shown, "A1")["headline"]) == "2500000.00"
