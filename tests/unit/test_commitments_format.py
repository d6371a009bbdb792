"""The commitments file (CSV/XLSX): what people's files look like, and the
problem report a person can act on (line, column, value, what was expected)."""

from datetime import date

import pytest
from openpyxl import Workbook

from tracker.core.fiscal import FinancialYear
from tracker.records.commitment_rows import read_commitments
from tracker.records.commitment_values import parse_profile

HEADER = "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,profile,reannounces"
AMOUNT_EXPECTED = "expected an amount like 1000000, £1,000,000.50, £1.5m or £500k"


def row(
    ref,
    kind="one-off",
    amount="1000",
    first_year="2020-21",
    years="",
    profile="",
    reannounces="",
    announced_on="2019-10-31",
):
    return f"{ref},{announced_on},Welsh Government,WLGA,Digital,{kind},{amount},{first_year},{years},{profile},{reannounces}"


def write_csv(tmp_path, *rows, header=HEADER, name="commitments.csv"):
    path = tmp_path / name
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def messages(problems):
    return [str(p) for p in problems]


def test_every_bad_row_is_reported_with_line_column_value_and_expectation(tmp_path):
    path = write_csv(
        tmp_path,
        row("A"),  # line 2: fine
        row("B", amount="£1.2.3m"),  # line 3
        row("C", announced_on="31/02/2020"),  # line 4
        row("D", kind="grant"),  # line 5
        row("E", first_year="2020-22"),  # line 6
        row("F"),  # line 7: fine
        row("G", years="3"),  # line 8: one-off over 3 years
        row("H", kind="recurring"),  # line 9: fine: "£X a year", end not stated
        row("I", amount="£1.234"),  # line 10
    )
    records, problems = read_commitments(path)
    assert messages(problems) == [
        f"line 3: amount '£1.2.3m': {AMOUNT_EXPECTED}",
        "line 4: announced_on '31/02/2020': no such date (expected a date like 2019-10-31 or 31/10/2019)",
        "line 5: kind 'grant': expected one-off, recurring, profiled or multi-year",
        "line 6: first_year '2020-22': a financial year spans two consecutive years, e.g. 2020-21",
        "line 8: years '3': a one-off commitment covers one year: leave years blank or 1",
        "line 10: amount '£1.234': expected at most two decimal places (pence)",
    ]
    assert [(p.line, p.column) for p in problems] == [
        (3, "amount"),
        (4, "announced_on"),
        (5, "kind"),
        (6, "first_year"),
        (8, "years"),
        (10, "amount"),
    ]
    # Only good rows become records; the caller refuses the file because problems is not empty.
    assert [r.ref for r in records] == ["A", "F", "H"]
    assert records[2].years is None  # open-ended: counted as one year, a floor


def test_one_row_with_several_bad_fields_reports_each_field(tmp_path):
    path = write_csv(tmp_path, row("A", amount="abc", first_year="20-21", announced_on="10/31/2019"))
    _, problems = read_commitments(path)
    assert [(p.line, p.column, p.value) for p in problems] == [
        (2, "announced_on", "10/31/2019"),
        (2, "first_year", "20-21"),
        (2, "amount", "abc"),
    ]


def test_blank_required_fields_are_named(tmp_path):
    path = write_csv(tmp_path, "A,2019-10-31,,WLGA,Digital,one-off,,2020-21,,,")
    _, problems = read_commitments(path)
    assert messages(problems) == [
        "line 2: funder '': required: must not be blank",
        "line 2: amount '': required: must not be blank",
    ]


def test_missing_required_column_is_reported_against_the_header(tmp_path):
    path = write_csv(
        tmp_path,
        "A,2019-10-31,WG,WLGA,Digital,one-off,2020-21",
        header="ref,announced_on,funder,recipient,purpose,kind,first_year",
    )
    records, problems = read_commitments(path)
    assert records == []
    assert messages(problems) == ["line 1: amount: required column is missing from the header"]


def test_a_file_with_only_a_header_says_so(tmp_path):
    path = write_csv(tmp_path, ",,,,,,,,,,")
    records, problems = read_commitments(path)
    assert records == []
    assert messages(problems) == ["file: the file has a header but no commitments"]


def test_uk_spreadsheet_habits_are_read(tmp_path):
    text = (
        "\ufeffREF,Announced_On,Funder,Recipient,PURPOSE,Kind,Amount (£),Financial Year,Years,Notes\r\n"
        "WG-1,31/10/2019,Welsh Government,WLGA,Digital transformation,One-off,£1m,next financial year,,ignored\r\n"
        'WG-2,31/10/2019,Welsh Government,WLGA,CDO,Recurring,"£500,000",2020/21,3,\r\n'
        ",,,,,,,,,\r\n"
        ",,,,,,,,,\r\n"
    )
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("utf-8"))
    records, problems = read_commitments(path)
    assert problems == []
    assert [(r.ref, r.announced_on, r.kind, r.amount_pence, r.first_year, r.years) for r in records] == [
        ("WG-1", date(2019, 10, 31), "one-off", 100_000_000, FinancialYear(2020), 1),
        ("WG-2", date(2019, 10, 31), "recurring", 50_000_000, FinancialYear(2020), 3),
    ]


def test_windows_1252_pound_signs_are_read(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes((HEADER + "\r\n" + row("A", amount="£1m", years="1") + "\r\n").encode("cp1252"))
    assert "£1m".encode("cp1252") in path.read_bytes()
    records, problems = read_commitments(path)
    assert problems == []
    assert records[0].amount_pence == 100_000_000


def test_a_protective_apostrophe_added_by_an_export_is_removed(tmp_path):
    path = write_csv(tmp_path, "A,2019-10-31,Welsh Government,WLGA,'=Digital,one-off,1000,2020-21,,,")
    records, problems = read_commitments(path)
    assert problems == []
    assert records[0].purpose == "=Digital"


def test_line_numbers_stay_right_after_a_quoted_field_with_a_newline(tmp_path):
    path = write_csv(
        tmp_path,
        'A,2019-10-31,Welsh Government,WLGA,"Digital\ntransformation",one-off,1000,2020-21,,,',  # lines 2-3
        row("B", amount="£1.2.3m"),  # line 4
        "",  # line 5: blank
        row("C", kind="grant"),  # line 6
    )
    records, problems = read_commitments(path)
    assert records[0].purpose == "Digital\ntransformation"
    assert messages(problems) == [
        f"line 4: amount '£1.2.3m': {AMOUNT_EXPECTED}",
        "line 6: kind 'grant': expected one-off, recurring, profiled or multi-year",
    ]


def test_a_row_with_more_cells_than_the_header_is_reported(tmp_path):
    path = write_csv(tmp_path, row("A") + ",extra")
    _, problems = read_commitments(path)
    assert messages(problems) == ["line 2: has 12 cells but the header has 11 columns"]


# --- rules across rows -------------------------------------------------------------


def test_duplicate_refs_name_the_first_line(tmp_path):
    path = write_csv(tmp_path, row("A"), row("B"), row("A"))
    _, problems = read_commitments(path)
    assert messages(problems) == ["line 4: ref 'A': duplicate ref: already used on line 2"]


def test_reannouncing_a_ref_that_exists_nowhere_is_refused(tmp_path):
    path = write_csv(tmp_path, row("A"), row("B", reannounces="Z"))
    _, problems = read_commitments(path)
    assert messages(problems) == [
        "line 3: reannounces 'Z': expected the ref of an earlier commitment in this file or the database"
    ]


def test_reannouncing_a_ref_already_in_the_database_is_accepted(tmp_path):
    path = write_csv(tmp_path, row("B", reannounces="Z"))
    records, problems = read_commitments(path, known_refs={"Z"})
    assert problems == []
    assert records[0].reannounces == "Z"


def test_a_loop_of_reannouncements_is_refused(tmp_path):
    path = write_csv(tmp_path, row("A", reannounces="C"), row("B", reannounces="A"), row("C", reannounces="B"))
    _, problems = read_commitments(path)
    assert [(p.line, p.column, p.value, p.expected) for p in problems] == [
        (2, "reannounces", "C", "re-announcements form a loop"),
        (3, "reannounces", "A", "re-announcements form a loop"),
        (4, "reannounces", "B", "re-announcements form a loop"),
    ]


def test_a_commitment_cannot_reannounce_itself(tmp_path):
    path = write_csv(tmp_path, row("A", reannounces="A"))
    _, problems = read_commitments(path)
    assert messages(problems) == ["line 2: reannounces 'A': a commitment cannot re-announce itself"]


def test_rows_of_one_announcement_must_agree_on_its_date(tmp_path):
    header = HEADER + ",announcement_ref"
    path = write_csv(tmp_path, row("A") + ",ANN-1", row("B", announced_on="2019-11-01") + ",ANN-1", header=header)
    _, problems = read_commitments(path)
    assert messages(problems) == ["line 3: announced_on '2019-11-01': announcement ANN-1 is dated 2019-10-31 on line 2"]


# --- kinds, years and profiles -----------------------------------------------------


def test_a_recurring_commitment_needs_whole_years(tmp_path):
    path = write_csv(tmp_path, row("A", kind="recurring", years="2.5"), row("B", kind="recurring", years="0"))
    _, problems = read_commitments(path)
    assert messages(problems) == [
        "line 2: years '2.5': expected a whole number of years from 1 to 50",
        "line 3: years '0': expected a whole number of years from 1 to 50",
    ]


def test_a_profile_must_add_up_to_the_amount(tmp_path):
    path = write_csv(tmp_path, row("A", kind="profiled", amount="£1m", profile="2020-21=£1m;2021-22=500000"))
    _, problems = read_commitments(path)
    assert messages(problems) == [
        "line 2: profile '2020-21=£1m;2021-22=500000': "
        "the years add up to £1,500,000 but amount is £1,000,000: they must agree"
    ]


def test_a_profile_without_an_amount_takes_its_total_and_span(tmp_path):
    path = write_csv(tmp_path, row("A", kind="profiled", amount="", profile="2022-23=500000;2020-21=£1m"))
    records, problems = read_commitments(path)
    assert problems == []
    rec = records[0]
    assert rec.amount_pence == 150_000_000
    assert rec.profile == ((FinancialYear(2020), 100_000_000), (FinancialYear(2022), 50_000_000))
    assert rec.years == 3
    assert rec.last_year == FinancialYear(2022)


def test_profile_percentages_split_the_amount_to_the_penny(tmp_path):
    path = write_csv(tmp_path, row("A", kind="profiled", amount='"£1,000,000.01"', profile="2020-21=60%;2021-22=40%"))
    records, problems = read_commitments(path)
    assert problems == []
    assert records[0].profile == ((FinancialYear(2020), 60_000_001), (FinancialYear(2021), 40_000_000))
    assert records[0].amount_pence == 100_000_001


@pytest.mark.parametrize(
    ("profile", "total", "expected"),
    [
        ("2020-21=£1m;2021-22=500000", None, ((2020, 100_000_000), (2021, 50_000_000))),
        ("2020-21=60%;2021-22=40%", 100_000_001, ((2020, 60_000_001), (2021, 40_000_000))),
        ("2020-21=33.33%;2021-22=33.33%;2022-23=33.34%", 100, ((2020, 33), (2021, 33), (2022, 34))),
        ("2020/21=1\n2021-2022=2", None, ((2020, 100), (2021, 200))),
    ],
)
def test_profile_text_is_read_as_years_and_pence(profile, total, expected):
    got = parse_profile(profile, total)
    assert [(fy.start_year, pence) for fy, pence in got] == list(expected)
    if total is not None:
        assert sum(pence for _, pence in got) == total


@pytest.mark.parametrize(
    ("profile", "words"),
    [
        ("2020-21=60%;2021-22=30%", "add up to 100%"),
        ("2020-21=60%;2021-22=£1m", "either amounts or percentages"),
        ("2020-21=£1m;2020/21=£1m", "appears twice"),
        ("2020-21", "is not year=amount"),
        ("2020-22=£1m", "two consecutive years"),
        ("2020-21=£1.2.3m", "'£1.2.3m'"),
        ("", "year=amount pairs"),
    ],
)
def test_bad_profiles_say_what_is_wrong(profile, words):
    with pytest.raises(ValueError) as raised:
        parse_profile(profile, 100_000_000)
    assert words in str(raised.value)


def test_a_profile_must_start_in_the_first_year(tmp_path):
    path = write_csv(tmp_path, row("A", kind="profiled", amount="", first_year="2019-20", profile="2020-21=£1m"))
    _, problems = read_commitments(path)
    assert messages(problems) == ["line 2: first_year '2019-20': expected the first year of the profile, 2020-21"]


def test_an_uplift_on_a_one_off_is_refused(tmp_path):
    path = write_csv(tmp_path, row("A") + ",2.5", header=HEADER + ",uplift_pct")
    _, problems = read_commitments(path)
    assert messages(problems) == ["line 2: uplift_pct '2.5': an annual uplift only applies to a recurring commitment"]


def test_an_uplift_is_held_in_hundredths_of_a_percent(tmp_path):
    path = write_csv(tmp_path, row("A", kind="recurring", years="3") + ",2.5%", header=HEADER + ",uplift_pct")
    records, problems = read_commitments(path)
    assert problems == []
    assert records[0].uplift_bp == 250


# --- XLSX --------------------------------------------------------------------------


def _xlsx(path, rows):
    book = Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def test_xlsx_numbers_and_dates_are_read_from_typed_cells(tmp_path):
    path = _xlsx(
        tmp_path / "commitments.xlsx",
        [
            [
                "Ref",
                "Announced_on",
                "Funder",
                "Recipient",
                "Purpose",
                "Kind",
                "Amount",
                "First_year",
                "Years",
                "Uplift_pct",
            ],
            [
                "WG-1",
                date(2019, 10, 31),
                "Welsh Government",
                "WLGA",
                "Digital",
                "one-off",
                1_000_000,
                "next financial year",
                None,
                None,
            ],
            ["WG-2", date(2019, 10, 31), "Welsh Government", "WLGA", "CDO", "recurring", 500_000.5, "2020-21", 3, 2.5],
            [None] * 10,
        ],
    )
    records, problems = read_commitments(path)
    assert problems == []
    assert [(r.ref, r.announced_on, r.amount_pence, r.first_year, r.years, r.uplift_bp) for r in records] == [
        ("WG-1", date(2019, 10, 31), 100_000_000, FinancialYear(2020), 1, 0),
        ("WG-2", date(2019, 10, 31), 50_000_050, FinancialYear(2020), 3, 250),
    ]


def test_xlsx_problems_name_the_sheet_row(tmp_path):
    path = _xlsx(
        tmp_path / "commitments.xlsx",
        [
            ["ref", "announced_on", "funder", "recipient", "purpose", "kind", "amount", "first_year"],
            ["A", date(2019, 10, 31), "WG", "WLGA", "Digital", "one-off", 1000, "2020-21"],
            [None] * 8,
            ["B", date(2019, 10, 31), "WG", "WLGA", "Digital", "one-off", "£1.2.3m", "2020-21"],
        ],
    )
    _, problems = read_commitments(path)
    assert messages(problems) == [f"line 4: amount '£1.2.3m': {AMOUNT_EXPECTED}"]
