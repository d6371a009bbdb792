"""The limits in the row parsers that forms and imports share (and the fast path of
`funding-tracker project`), and the closed lists they read, spelled once in
``tracker.core.vocabulary``."""

from __future__ import annotations

import pytest

from tracker.core import limits, vocabulary
from tracker.core.limits import LIMITS, shown
from tracker.files.tabular import Row
from tracker.imports.fast_project import project_file
from tracker.records import commitment_rows, delivery_rows
from tracker.records.commitment_rows import parse_commitment_row, read_commitments
from tracker.records.delivery_rows import parse_delivery_row

# --- the row parsers that forms and imports share ----------------------------------------------------

GOOD_COMMITMENT = {
    "ref": "N1",
    "announced_on": "2023-05-01",
    "funder": "Welsh Government",
    "recipient": "Welsh councils",
    "purpose": "Skills",
    "kind": "recurring",
    "amount": "£1m",
    "first_year": "2023-24",
    "years": "2",
    "title": "Skills funding",
    "source_url": "https://www.gov.wales/skills",
    "quote": "£1m a year",
    "programme": "Skills",
    "announcement_ref": "A9",
}
GOOD_DELIVERY = {
    "ref": "P1",
    "commitment_ref": "W1",
    "paid_on": "2023-03-31",
    "amount": "1000",
    "kind": "disbursement",
    "note": "Paid",
    "evidence_url": "https://www.gov.wales/paid",
}


def commitment_problems(**changes: str):
    problems = []
    record = parse_commitment_row(Row(line=7, cells={**GOOD_COMMITMENT, **changes}), problems)
    return record, problems


def delivery_problems(**changes: str):
    problems = []
    record = parse_delivery_row(Row(line=9, cells={**GOOD_DELIVERY, **changes}), problems)
    return record, problems


def test_the_good_rows_pass():
    assert commitment_problems()[1] == [] and commitment_problems()[0] is not None
    assert delivery_problems()[1] == [] and delivery_problems()[0] is not None


COMMITMENT_CASES = [
    ("ref", "R" * 150, "expected at most 100 characters (this has 150)"),
    ("title", "T" * 100_000, "expected at most 300 characters (this has 100,000)"),
    (
        "purpose",
        "Skills\x00 and more",
        "expected text without hidden control characters: found U+0000 (NUL) at position 7",
    ),
    ("source_url", "javascript:alert(1)", "expected a web address starting with https:// or http://"),
    ("source_url", "data:text/html,hi", "expected a web address starting with https:// or http://"),
    ("quote", "q" * 5_001, "expected at most 5,000 characters (this has 5,001)"),
    ("funder", "F" * 201, "expected at most 200 characters (this has 201)"),
    (
        "recipient",
        "Welsh\u202ecouncils",
        "expected text without hidden control characters: found U+202E (RIGHT-TO-LEFT OVERRIDE) at position 6",
    ),
    ("programme", "P" * 201, "expected at most 200 characters (this has 201)"),
    ("announcement_ref", "A 9", f"expected a ref of {limits.REF_RULE}"),
    ("reannounces", "W1;W2", f"expected a ref of {limits.REF_RULE}"),
    ("ref", "N 1", f"expected a ref of {limits.REF_RULE}"),
    ("purpose", "p" * 1_001, "expected at most 1,000 characters (this has 1,001)"),
]


@pytest.mark.parametrize(
    ("column", "value", "expected"), COMMITMENT_CASES, ids=[f"{c}-{e[:30]}" for c, _, e in COMMITMENT_CASES]
)
def test_a_commitment_row_with_bad_text_gives_one_problem_naming_line_column_and_value(column, value, expected):
    record, problems = commitment_problems(**{column: value})
    assert record is None
    assert [(p.line, p.column, p.expected) for p in problems] == [(7, column, expected)]
    assert problems[0].value == shown(value)
    assert len(problems[0].value) <= limits.SHOWN_LENGTH + 1 and "\x00" not in problems[0].value


DELIVERY_CASES = [
    ("ref", "P" * 101, "expected at most 100 characters (this has 101)"),
    ("commitment_ref", "W 1", f"expected a ref of {limits.REF_RULE}"),
    ("note", "n" * 2_001, "expected at most 2,000 characters (this has 2,001)"),
    ("note", "bell\x07", "expected text without hidden control characters: found U+0007 (BEL) at position 5"),
    ("evidence_url", "javascript:alert(1)", "expected a web address starting with https:// or http://"),
    ("evidence_url", "ftp://example.org/x", "expected a web address starting with https:// or http://"),
]


@pytest.mark.parametrize(
    ("column", "value", "expected"), DELIVERY_CASES, ids=[f"{c}-{e[:30]}" for c, _, e in DELIVERY_CASES]
)
def test_a_delivery_row_with_bad_text_gives_one_problem_naming_line_column_and_value(column, value, expected):
    record, problems = delivery_problems(**{column: value})
    assert record is None
    assert [(p.line, p.column, p.expected) for p in problems] == [(9, column, expected)]
    assert problems[0].value == shown(value)


def test_every_problem_a_row_parser_reports_shows_a_short_value():
    _, problems = commitment_problems(kind="k" * 100_000, amount="1" * 100_000)
    assert {p.column for p in problems} == {"kind", "amount"}
    assert all(p.value.endswith("…") and len(p.value) == limits.SHOWN_LENGTH + 1 for p in problems)


def test_money_in_other_digits_is_a_problem_in_a_row_too():
    _, problems = commitment_problems(amount="\u0661\u0660\u0660\u0660")
    assert [(p.line, p.column) for p in problems] == [(7, "amount")]
    assert problems[0].expected.startswith("expected the digits 0-9")
    _, problems = commitment_problems(first_year="\u0662\u0660\u0662\u0663-\u0662\u0664")
    assert [(p.line, p.column) for p in problems] == [(7, "first_year")]
    _, problems = delivery_problems(paid_on="\u0662\u0660\u0662\u0663-03-31")
    assert [(p.line, p.column) for p in problems] == [(9, "paid_on")]


def test_every_text_column_of_a_row_is_checked():
    # Each parser's text columns are exactly the contract's text columns, each with a limit.
    assert set(commitment_rows.TEXT_COLUMNS) <= set(commitment_rows.COLUMNS)
    assert set(delivery_rows.TEXT_COLUMNS) <= set(delivery_rows.REQUIRED + delivery_rows.OPTIONAL)
    for column in commitment_rows.TEXT_COLUMNS + delivery_rows.TEXT_COLUMNS:
        assert column in LIMITS
    numbers_and_choices = {
        "announced_on",
        "kind",
        "amount",
        "first_year",
        "years",
        "qualifier",
        "status",
        "capital_or_revenue",
        "uplift_pct",
        "profile",
        "currency",
        "planned_start",
        "planned_end",
        "spread",
    }
    assert set(commitment_rows.COLUMNS) - set(commitment_rows.TEXT_COLUMNS) == numbers_and_choices
    assert set(delivery_rows.REQUIRED + delivery_rows.OPTIONAL) - set(delivery_rows.TEXT_COLUMNS) == {
        "paid_on",
        "amount",
        "kind",
        "illustrative",
    }


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("ref", "R" * 150),
        ("purpose", "Skills\x07"),
        ("purpose", "Skills \u202efor all"),  # a direction control
        ("recipient", "Coun\u0085cil"),  # a C1 control (NEL; at an end it would be trimmed as a space)
        ("ref", "R 1"),  # not the ref pattern
        ("title", "T" * 301),
        ("source_url", "javascript:alert(1)"),
        ("funder", "F" * 201),
        ("quote", "q" * 5_001),
    ],
)
def test_project_refuses_bad_text_exactly_as_the_importer_does(tmp_path, column, value):
    # The fast path of `funding-tracker project` must never total a file the importer refuses.
    import csv

    row = {**GOOD_COMMITMENT, "amount": "1000000", column: value}
    path = tmp_path / "commitments.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(row))
        writer.writerow(list(row.values()))
    years, pence, problems = project_file(path)
    expected = [str(p) for p in read_commitments(path)[1]]
    assert [str(p) for p in problems] == expected and len(expected) == 1 and f": {column} " in expected[0]
    assert len(years) == 0 and len(pence) == 0


def test_project_still_takes_the_fast_path_when_every_text_column_is_good(tmp_path, monkeypatch):
    import csv

    from tracker.imports import fast_project

    row = {
        **GOOD_COMMITMENT,
        "amount": "1000000",
        "purpose": "Skills – the council’s “digital” work £ ŵ",
        "quote": "line one\twith a tab",
        "title": "T" * 300,
        "source_url": "HTTPS://www.gov.wales/x?a=1",
    }
    path = tmp_path / "commitments.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(row))
        writer.writerow(list(row.values()))
    expected = [int(y) for y in project_file(path)[0]]

    def refuse(*args, **kwargs):
        raise AssertionError("the general path ran on a file with good text")

    monkeypatch.setattr(fast_project, "read_commitments", refuse)
    years, pence, problems = project_file(path)
    assert problems == [] and [int(y) for y in years] == expected == [2023, 2024]
    assert [int(p) for p in pence] == [100_000_000, 100_000_000]


# --- the closed lists: spelled once, in tracker.core.vocabulary ---------------------------------------


def test_the_row_parsers_read_every_value_of_the_closed_lists_and_nothing_outside_them():
    kinds = commitment_rows._KIND_SPELLINGS
    qualifiers = commitment_rows._QUALIFIER_SPELLINGS
    assert set(kinds.values()) == set(vocabulary.COMMITMENT_KINDS)
    assert set(qualifiers.values()) == set(vocabulary.QUALIFIERS)
    for kind in vocabulary.COMMITMENT_KINDS:
        assert kinds[kind] == kind
    for qualifier in vocabulary.QUALIFIERS:
        assert qualifiers[qualifier] == qualifier
    for status in vocabulary.STATUSES:
        assert commitment_problems(status=status.upper())[1] == []
    _, problems = commitment_problems(status="maybe", capital_or_revenue="both")
    assert [p.expected for p in problems] == [
        "expected " + " or ".join(vocabulary.STATUSES),
        "expected " + " or ".join(vocabulary.CAPITAL_OR_REVENUE) + " (or blank)",
    ]
    for kind in vocabulary.DELIVERY_KINDS:
        assert delivery_problems(kind=kind)[1] == []
    for old, kind in vocabulary.DELIVERY_KIND_ALIASES.items():  # wave 1's names are read as today's
        record, problems = delivery_problems(kind=old.capitalize())
        assert problems == [] and record is not None and record.kind == kind
    assert [p.expected for p in delivery_problems(kind="grant")[1]] == [
        "expected disbursement, expenditure or refund (payment and spend are read too)"
    ]


@pytest.mark.parametrize(
    ("name", "value", "passes"),
    [
        ("purpose", "Skills – the council’s “digital” work £ ŵ", True),
        ("purpose", "Skills\x07", False),
        ("purpose", "Skills \u202efor all", False),  # a direction control
        ("purpose", "Skills \u2067for all", False),
        ("recipient", "Coun\u0085cil", False),  # a C1 control
        ("recipient", "C" * 200, True),
        ("recipient", "C" * 201, False),
        ("ref", "W1-2020/21", True),
        ("ref", "R 1", False),
        ("ref", "-R1", False),
    ],
)
def test_the_fast_paths_column_check_never_passes_what_the_row_parser_refuses(name, value, passes):
    import pyarrow as pa

    from tracker.imports.fast_columns import within_limits

    column = pa.chunked_array([pa.array(["fine", value, "also fine"] if name != "ref" else ["A1", value, "B2"])])
    assert within_limits(column, name) is passes
    assert (limits.check_field(name, value) is None) is passes
