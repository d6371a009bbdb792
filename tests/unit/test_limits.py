"""One set of limits on text, whichever way it comes in (``tracker.core.limits``):
lengths, hidden characters, refs, web addresses and digits other than 0-9;
the row parsers that forms and imports share; and the database's column
sizes, which come from the same table."""

from __future__ import annotations

import pytest
from sqlalchemy import String, Text

from db.models import Base
from tracker.core import limits, vocabulary
from tracker.core.fiscal import FiscalError, parse_date, parse_financial_year
from tracker.core.limits import LIMITS, check_digits, check_field, check_ref, check_text, check_web_address, shown
from tracker.core.money import MoneyError, parse_pence
from tracker.files.tabular import Row
from tracker.imports.fast_project import project_file
from tracker.records import commitment_rows, delivery_rows
from tracker.records.commitment_rows import parse_commitment_row, read_commitments
from tracker.records.commitment_values import parse_uplift_bp, parse_years
from tracker.records.delivery_rows import parse_delivery_row

# --- lengths ---------------------------------------------------------------------------------


def _text_of_length(field: str, length: int) -> str:
    """A value of ``field`` that passes every other check, ``length`` characters long."""
    if field in limits.WEB_ADDRESS_FIELDS:
        start = "https://www.gov.wales/"
        return start + "a" * (length - len(start))
    if field in limits.REF_FIELDS:
        return "R" * length
    return "x" * length


@pytest.mark.parametrize("field", sorted(LIMITS))
def test_every_field_takes_its_limit_and_refuses_one_character_more(field):
    most = LIMITS[field]
    assert check_field(field, _text_of_length(field, most)) is None
    assert check_field(field, _text_of_length(field, most + 1)) == (
        f"expected at most {most:,} characters (this has {most + 1:,})"
    )


def test_the_limits_that_matter_most():
    assert LIMITS["ref"] == LIMITS["announcement_ref"] == LIMITS["commitment_ref"] == LIMITS["reannounces"] == 100
    assert LIMITS["funder"] == LIMITS["recipient"] == LIMITS["organisation_name"] == LIMITS["programme"] == 200
    assert LIMITS["title"] == 300 and LIMITS["purpose"] == 1_000 and LIMITS["quote"] == 5_000
    assert LIMITS["notes"] == LIMITS["note"] == LIMITS["achieved_note"] == LIMITS["reason_text"] == 2_000
    assert LIMITS["source_url"] == LIMITS["evidence_url"] == 2_000


def test_blank_is_never_a_length_or_character_problem():
    for field in LIMITS:
        assert check_field(field, "") is None and check_field(field, None) is None


def test_an_unknown_field_is_a_programming_error_not_a_pass():
    with pytest.raises(KeyError):
        check_text("no_such_field", "x")


# --- characters --------------------------------------------------------------------------------

REFUSED_CHARACTERS = [
    ("\x00", "U+0000 (NUL)"),
    ("\x01", "U+0001 (SOH)"),
    ("\x07", "U+0007 (BEL)"),
    ("\x08", "U+0008 (BS)"),
    ("\x0b", "U+000B (VT)"),
    ("\x0c", "U+000C (FF)"),
    ("\x1b", "U+001B (ESC)"),
    ("\x1f", "U+001F (US)"),
    ("\x7f", "U+007F (DEL)"),
    ("\x85", "U+0085 (a control character)"),
    ("\x9f", "U+009F (a control character)"),
    ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\u202a", "U+202A (LEFT-TO-RIGHT EMBEDDING)"),
    ("\u2066", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
    ("\u2069", "U+2069 (POP DIRECTIONAL ISOLATE)"),
    ("\ud800", "U+D800 (a lone surrogate)"),
]


@pytest.mark.parametrize(("character", "described"), REFUSED_CHARACTERS, ids=[d for _, d in REFUSED_CHARACTERS])
@pytest.mark.parametrize("field", ["purpose", "notes", "title", "funder", "ref", "source_url"])
def test_a_hidden_control_character_is_refused_naming_it_and_its_position(field, character, described):
    value = _text_of_length(field, 10)
    value = value[:4] + character + value[4:]
    assert check_field(field, value) == (
        f"expected text without hidden control characters: found {described} at position 5"
    )


def test_a_nul_is_named_as_the_brief_says():
    assert check_text("purpose", "abcd\x00efg") == (
        "expected text without hidden control characters: found U+0000 (NUL) at position 5"
    )


@pytest.mark.parametrize(
    "value",
    [
        "line one\nline two",
        "line one\r\nline two",
        "a\ttabbed\tnote",
        "\u00a3 \u2013 \u2019 \u0175 \u0177",
        "emoji \U0001f600 and a joiner \u200d",
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    ],
)
def test_tab_cr_lf_and_ordinary_unicode_are_accepted(value):
    assert check_text("notes", value) is None


# --- refs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref", ["W1", "A1", "C-12", "WG-2020/03", "dag:2024.1", "a_b", "1", "NO-SUCH-COMMITMENT", "R" * 100]
)
def test_refs_of_letters_digits_and_dash_underscore_dot_slash_colon_are_accepted(ref):
    assert check_ref("ref", ref) is None


@pytest.mark.parametrize(
    "ref", ["W 1", "W1\t", "-W1", "@r1", "'W1", "=1+1", "Wé1", "W1#", "W1?", "W<1>", "W\u202e1", "\uff37\uff11", "W1,2"]
)
def test_a_ref_with_anything_else_is_refused(ref):
    problem = check_ref("ref", ref)
    assert problem is not None
    if not any(c in ref for c in "\t\u202e"):
        assert problem == f"expected a ref of {limits.REF_RULE}"


def test_refs_in_the_demo_data_fit_the_pattern():
    import csv
    from pathlib import Path

    import tracker.demo

    folder = Path(tracker.demo.__file__).parent
    found = 0
    for name in ("announcements", "commitments", "deliveries", "milestones"):
        with open(folder / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in limits.REF_FIELDS & set(row):
                    if row[column]:
                        found += 1
                        assert check_ref(column, row[column]) is None, (name, column, row[column])
    assert found > 20


# --- web addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "https://www.gov.wales/written-statement",
        "http://example.org",
        "HTTPS://GOV.WALES/X",
        "Http://gov.wales",
        "https://record.senedd.wales/Meeting/14831",
        "http://localhost:8501/a?b=c&d=%20#top",
        "https://[::1]:8080/",
    ],
)
def test_http_and_https_addresses_naming_a_site_are_accepted(address):
    assert check_web_address("source_url", address) is None


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "//gov.wales/x",
        "gov.wales",
        "mailto:someone@gov.wales",
        "https:gov.wales",
        "https:/gov.wales",
    ],
)
def test_other_schemes_are_refused(address):
    assert check_web_address("evidence_url", address) == "expected a web address starting with https:// or http://"


@pytest.mark.parametrize("address", ["https://", "http:///path", "https://:80/", "https://?q=1"])
def test_an_address_without_a_site_is_refused(address):
    assert check_web_address("source_url", address).startswith(
        "expected a web address starting with https:// or http://"
    )
    assert "site" in check_web_address("source_url", address)


def test_an_address_with_a_space_or_a_broken_host_is_refused():
    assert "no spaces" in check_web_address("source_url", "https://gov.wales/a page")
    assert check_web_address("source_url", "https://[::1") is not None


# --- digits other than 0-9 ----------------------------------------------------------------------

FOREIGN_NUMBERS = {
    "Arabic-Indic": "\u0661\u0660\u0660\u0660",  # ١٠٠٠
    "Eastern Arabic-Indic": "\u06f1\u06f0\u06f0\u06f0",
    "Devanagari": "\u0967\u0966\u0966\u0966",
    "Bengali": "\u09e7\u09e6\u09e6\u09e6",
    "fullwidth": "\uff11\uff10\uff10\uff10",
    "mathematical bold": "\U0001d7cf\U0001d7ce\U0001d7ce\U0001d7ce",
    "one stray digit": "10\u06600",
}


@pytest.mark.parametrize("number", FOREIGN_NUMBERS.values(), ids=list(FOREIGN_NUMBERS))
def test_money_in_other_digits_is_refused_not_converted(number):
    assert int(number) == 1000  # what Python alone would have done
    for text in (number, f"£{number}", f"£{number}k", f"{number}.00"):
        with pytest.raises(MoneyError) as err:
            parse_pence(text)
        assert err.value.expected.startswith("expected the digits 0-9: found U+")


def test_money_names_the_first_other_digit_and_where_it_is():
    with pytest.raises(MoneyError) as err:
        parse_pence("\u0661\u0660\u0660\u0660")
    assert err.value.expected == "expected the digits 0-9: found U+0661 (ARABIC-INDIC DIGIT ONE) at position 1"
    with pytest.raises(MoneyError) as err:
        parse_pence("£1,\u0660\u0660\u0660", allow_negative=True)
    assert err.value.expected == "expected the digits 0-9: found U+0660 (ARABIC-INDIC DIGIT ZERO) at position 4"


def test_money_in_digits_0_to_9_still_reads():
    assert parse_pence("1000") == 100_000
    assert parse_pence("£1,000.50") == 100_050
    assert parse_pence("£1.5m") == 150_000_000


@pytest.mark.parametrize(
    "text",
    [
        "\u0662\u0660\u0662\u0660-\u0662\u0661",  # ٢٠٢٠-٢١
        "2020-\u0662\u0661",
        "\uff12\uff10\uff12\uff10-21",
        "FY\u0968\u0966\u0968\u0966-21",
        "\u0662\u0660\u0662\u0660/2021",
    ],
)
def test_a_financial_year_in_other_digits_is_refused(text):
    with pytest.raises(FiscalError) as err:
        parse_financial_year(text)
    assert err.value.expected.startswith("expected the digits 0-9: found U+")


@pytest.mark.parametrize(
    "text",
    [
        "\u0662\u0660\u0662\u0660-\u0660\u0664-\u0660\u0661",
        "2020-04-\u0660\u0661",
        "\u0660\u0661/04/2020",
        "01/04/\uff12\uff10\uff12\uff10",
    ],
)
def test_a_date_in_other_digits_is_refused(text):
    with pytest.raises(FiscalError) as err:
        parse_date(text)
    assert err.value.expected.startswith("expected the digits 0-9: found U+")


def test_years_and_uplifts_in_other_digits_are_refused():
    for parse, text in (
        (parse_years, "\u0663"),
        (parse_years, "\uff13"),
        (parse_uplift_bp, "\u0662.\u0665"),
        (parse_uplift_bp, "2.\u0665%"),
    ):
        with pytest.raises(ValueError, match="expected the digits 0-9"):
            parse(text)
    assert parse_years("3") == 3 and parse_uplift_bp("2.5%") == 250


def test_check_digits_passes_ascii_and_names_others():
    assert check_digits("£1,000 in 2020-21") is None
    assert check_digits("x\u00b2") == "expected the digits 0-9: found U+00B2 (SUPERSCRIPT TWO) at position 2"
    assert check_digits("a\u0967") == "expected the digits 0-9: found U+0967 (DEVANAGARI DIGIT ONE) at position 2"


# --- showing a value in a problem -----------------------------------------------------------------


def test_a_long_value_is_shortened_and_hidden_characters_are_replaced_when_shown():
    assert shown(None) is None
    assert shown("W1") == "W1"
    assert shown("x" * limits.SHOWN_LENGTH) == "x" * limits.SHOWN_LENGTH
    assert shown("x" * 100_000) == "x" * limits.SHOWN_LENGTH + "…"
    assert shown("ab\x00cd\u202e") == "ab\ufffdcd\ufffd"


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
    "kind": "payment",
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
    assert [p.expected for p in delivery_problems(kind="grant")[1]] == [
        "expected " + " or ".join(vocabulary.DELIVERY_KINDS)
    ]


# --- the database's column sizes come from the same table ------------------------------------------

# Columns stored under another field's name in LIMITS.
FIELD_OF_COLUMN = {
    "organisations.name": "organisation_name",
    "organisations.kind": "organisation_kind",
    "commitments.kind": "commitment_kind",
    "deliveries.kind": "delivery_kind",
    "audit_events.action": "audit_action",
    "commitment_revisions.reason": "revision_reason",
    "progress_statuses.status": "progress_status",
}
# Text no person types: an Argon2 hash.
NOT_LIMITED = {"users.password_hash"}
# Each closed list and the column that holds it.
LISTS = {
    "organisations.kind": vocabulary.ORGANISATION_KINDS,
    "commitments.kind": vocabulary.COMMITMENT_KINDS,
    "commitments.qualifier": vocabulary.QUALIFIERS,
    "commitments.status": vocabulary.STATUSES,
    "commitments.capital_or_revenue": vocabulary.CAPITAL_OR_REVENUE,
    "deliveries.kind": vocabulary.DELIVERY_KINDS,
    "audit_events.action": vocabulary.AUDIT_ACTIONS,
    "commitment_revisions.reason": vocabulary.REVISION_REASONS,
    "progress_statuses.status": vocabulary.PROGRESS_STATUSES,
    "user_roles.role": vocabulary.ROLES,
}


def _text_columns():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String):  # Text is a String too
                yield f"{table.name}.{column.name}", column


def test_every_string_column_is_as_long_as_its_limit_and_every_text_column_has_one():
    seen = set()
    for name, column in _text_columns():
        if name in NOT_LIMITED:
            continue
        field = FIELD_OF_COLUMN.get(name, column.name)
        assert field in LIMITS, f"{name} has no entry in tracker.core.limits.LIMITS"
        seen.add(field)
        if isinstance(column.type, Text):
            assert column.type.length is None, name  # Text stays Text; the limit is enforced on the way in
        else:
            assert column.type.length == LIMITS[field], f"{name} is String({column.type.length}), not {LIMITS[field]}"
    assert seen, "no text columns found"


def test_every_value_of_a_closed_list_fits_its_column():
    columns = dict(_text_columns())
    for name, values in LISTS.items():
        assert max(len(v) for v in values) <= columns[name].type.length, name
