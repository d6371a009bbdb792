"""The pieces of the 360Giving export that need no database: pence as exact
JSON numbers, identifiers and their prefix, the lines that say what is left
out, the tracker's extension read back by the importer's row parser, and
the schema check the integration tests rely on."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from tests.giving360_schema import is_date_time
from tests.giving360_schema import problems as schema_problems
from tracker.core.fiscal import FinancialYear
from tracker.files.tabular import Problem, Row
from tracker.open_data import giving360, giving360_extension
from tracker.open_data import giving360_export as export
from tracker.open_data import giving360_files as files
from tracker.open_data import giving360_selection as selection
from tracker.records.bundles import Bundle

# --- pence -> a JSON number ------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "number"),
    [
        (100050, "1000.5"),
        (100000, "1000"),
        (100001, "1000.01"),
        (5, "0.05"),
        (0, "0"),
        (-250, "-2.5"),
        (-1, "-0.01"),
        (9_999_999_999_999_999, "99999999999999.99"),  # beyond a float's 15 digits
        (np.int64(123456), "1234.56"),
    ],
)
def test_pence_become_an_exact_number_of_pounds(pence, number):
    assert str(export.pounds(pence)) == number
    assert export.pounds(pence) * 100 == int(pence)


@pytest.mark.parametrize("wrong", [1000.5, True, "100", Decimal("10")])
def test_only_integer_pence_are_money(wrong):
    with pytest.raises(TypeError, match="integer pence"):
        export.pounds(wrong)


def test_the_package_writes_each_amount_as_the_exact_number():
    package = {"grants": [{"amountAwarded": export.pounds(9_999_999_999_999_999), "n": 3, "ok": True, "x": None}]}
    text = files.json_bytes(export.Export(package, selection=None)).decode()  # type: ignore[arg-type]
    assert '"amountAwarded": 99999999999999.99,' in text
    assert json.loads(text, parse_float=Decimal)["grants"][0] == {
        "amountAwarded": Decimal("99999999999999.99"),
        "n": 3,
        "ok": True,
        "x": None,
    }
    assert float(Decimal("99999999999999.99")) != Decimal("99999999999999.99")  # why a float would not do


def test_a_float_never_gets_into_a_package():
    with pytest.raises(TypeError, match="a float"):
        files.json_bytes(export.Export({"grants": [{"amountAwarded": 0.1}]}, selection=None))  # type: ignore[arg-type]


def test_dates_are_full_date_times():
    assert export.date_time(date(2014, 7, 24)) == "2014-07-24T00:00:00+00:00"
    assert is_date_time(export.date_time(date(2014, 7, 24)))


# --- identifiers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "prefix", "identifier"),
    [
        ("W1", export.DEFAULT_PREFIX, "360G-fundingtracker-W1"),
        ("WG-2020/03", "360G-wlga", "360G-wlga-WG-2020/03"),
        ("360G-ft-00001", "360G-wlga", "360G-ft-00001"),  # already a 360Giving identifier: as it is
    ],
)
def test_a_grant_is_identified_by_its_ref_under_the_prefix(ref, prefix, identifier):
    assert export.grant_id(ref, prefix) == identifier


@pytest.mark.parametrize(
    ("environment", "prefix"),
    [
        ({}, "360G-fundingtracker"),
        ({"TRACKER_360G_PREFIX": "360G-wlga"}, "360G-wlga"),
        ({"TRACKER_360G_PREFIX": " 360G-wlga- "}, "360G-wlga"),
    ],
)
def test_the_prefix_comes_from_the_environment(environment, prefix):
    assert export.prefix_from(environment) == prefix
    assert export.prefix_problem(environment) is None


@pytest.mark.parametrize("prefix", ["wlga", "360G-", "360G-has space", "GB-CHC-1", "360G-" + "x" * 60])
def test_a_prefix_that_is_not_a_360giving_prefix_is_refused_by_name(prefix):
    with pytest.raises(export.PrefixError, match="TRACKER_360G_PREFIX") as refused:
        export.prefix_from({"TRACKER_360G_PREFIX": prefix})
    assert str(refused.value) == export.prefix_problem({"TRACKER_360G_PREFIX": prefix})


@pytest.mark.parametrize(
    ("name", "tail"),
    [("Cyngor Sir Ynys Môn", "cyngor-sir-ynys-mon"), ("St. John's  Trust", "st-john-s-trust"), ("!!!", "organisation")],
)
def test_an_organisation_without_an_identifier_gets_one_from_its_name(name, tail):
    assert export.slug(name) == tail


# --- what is left out ---------------------------------------------------------------------


def test_a_line_says_how_many_which_and_why():
    item = selection.LeftOut("commitment", "no recipient", ("W7", "W10", "W2"))
    assert f"left out {item}" == "left out 3 commitments: no recipient (W2, W7, W10)"
    one = selection.LeftOut("delivery", "of commitments left out", ("D1",), 150)
    assert str(one) == "1 delivery: of commitments left out (D1): £1.50 delivered"
    many = selection.LeftOut("milestone", "360Giving has no place for milestones", tuple(f"M{n}" for n in range(1, 13)))
    assert str(many).endswith("(M1, M2, M3, M4, M5, M6, M7, M8, M9, M10 and 2 more)")


# --- the extension, read back ---------------------------------------------------------------

EXTENSION = {
    "kind": "recurring",
    "amount": Decimal("500000.5"),
    "firstYear": "2020-21",
    "years": 3,
    "upliftPct": Decimal("2.5"),
    "qualifier": "up to",
    "status": "indicative",
    "announcement": {"id": "360G-x-A1", "title": "The statement", "quoted": False},
    "deliveries": [
        {
            "id": "360G-x-W1/D1",
            "kind": "refund",
            "transactionDate": "2021-03-31T00:00:00+00:00",
            "value": Decimal("-5"),
        },
        {"id": "D2", "kind": "expenditure", "value": 100},
    ],
}
STANDARD = {
    "ref": "360G-x-W1",
    "purpose": "CDO post",
    "quote": "CDO post",
    "currency": "GBP",
    "amount": "1537813.04",
    "announced_on": "2019-10-31T00:00:00+00:00",
    "funder": "Welsh Government",
    "recipient": "WLGA",
}


def _grant(extension: dict) -> Row:
    cells = dict(STANDARD)
    cells.update(giving360_extension.json_cells(extension))
    return Row(2, cells)


def test_the_extension_places_the_money_and_lists_every_delivery():
    problems: list[Problem] = []
    parsed = giving360.parse_grant_row(_grant(EXTENSION), problems, placing="planned-dates")
    assert problems == []
    assert isinstance(parsed, Bundle)
    record = parsed.commitment
    assert (record.kind, record.amount_pence, record.first_year, record.years, record.uplift_bp) == (
        "recurring",
        50000050,
        FinancialYear(2020),
        3,
        250,
    )
    assert (record.qualifier, record.status, record.announcement_ref, record.title, record.quote) == (
        "up to",
        "indicative",
        "360G-x-A1",
        "The statement",
        None,  # the description was the title, not words quoted
    )
    assert [(d.ref, d.kind, d.paid_on, d.amount_pence) for d in parsed.deliveries] == [
        ("360G-x-W1/D1", "refund", date(2021, 3, 31), -500),
        ("360G-x-W1/delivery-2", "expenditure", None, 10000),  # never outside the grant's own identifier
    ]


def test_without_the_extension_a_grant_is_a_one_off_in_its_award_year():
    problems: list[Problem] = []
    record = giving360.parse_grant_row(Row(2, dict(STANDARD)), problems)
    assert problems == []
    assert (record.kind, record.amount_pence, record.first_year) == ("one-off", 153781304, FinancialYear(2019))


@pytest.mark.parametrize(
    ("changed", "column", "expected"),
    [
        ({"kind": "sometimes"}, "Tracker:Kind", "grant 360G-x-W1: expected"),
        ({"firstYear": "next year"}, "Tracker:First Year", "grant 360G-x-W1: "),
        ({"deliveries": [{"id": "x", "kind": "gift", "value": 5}]}, "Tracker:Deliveries", "grant 360G-x-W1: kind"),
        ({"deliveries": "lots"}, "Tracker:Deliveries", "grant 360G-x-W1: expected each delivery as"),
        ({"deliveries": [{"kind": "refund", "value": {"no": 1}}]}, "Tracker:Deliveries", "grant 360G-x-W1: amount"),
    ],
)
def test_a_bad_extension_names_the_grant_and_its_column(changed, column, expected):
    problems: list[Problem] = []
    assert giving360.parse_grant_row(_grant(EXTENSION | changed), problems) is None
    assert [p.column for p in problems] == [column]
    assert problems[0].expected.startswith(expected), problems


def test_the_flattened_columns_are_read_as_the_standard_titles_them():
    assert giving360.ALIASES["tracker_kind"] == "tracker_kind"
    assert {title: giving360.ALIASES[giving360_extension.COLUMNS[title]] for title in ("Tracker:Deliveries",)} == {
        "Tracker:Deliveries": "tracker_deliveries"
    }
    assert set(files.FLAT_TITLES) - set(giving360.COLUMNS) == {"URL"}  # every column but one is read back


# --- the schema check itself ------------------------------------------------------------


def _package(**grant) -> dict:
    base = {
        "id": "360G-x-1",
        "title": "T",
        "description": "D",
        "currency": "GBP",
        "amountAwarded": 10.5,
        "awardDate": "2014-07-24T00:00:00+00:00",
        "recipientOrganization": [{"id": "GB-CHC-1", "name": "R"}],
        "fundingOrganization": [{"id": "GB-CHC-2", "name": "F"}],
        "tracker": {"kind": "one-off"},  # a publisher's own property: allowed
    }
    return {"grants": [{**base, **grant}]}


def test_the_schema_check_finds_what_the_standard_refuses():
    assert schema_problems(_package()) == []
    assert schema_problems(_package(awardDate="2014-07-24")) == []  # a plain date is allowed too
    assert schema_problems(_package(awardDate="24/07/2014"))  # neither form
    assert schema_problems(_package(awardDate="2014-07-24T25:00:00+00:00"))  # no such time
    assert schema_problems(_package(currency="GBX"))
    assert schema_problems(_package(recipientIndividual={"id": "360G-x-IND-1", "name": "Individual Recipient"}))
    assert schema_problems({"grants": []})  # a package holds at least one grant
    missing = _package()
    del missing["grants"][0]["description"]
    assert schema_problems(missing)
