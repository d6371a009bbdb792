"""Whatever is uploaded, the import preview answers with problems, never a crash,
and a file with problems never imports anything.

Hypothesis throws random bytes, CSV-like text with random headings and
cells, and damaged XLSX workbooks at ``plan_commitments`` /
``plan_deliveries``; a fixed corpus covers the bad files people actually
upload. The database is one SQLite file with the Welsh demo, shared by the
module: planning only reads it, and every test checks it is unchanged.
"""

from __future__ import annotations

import csv
import io
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from db.models import Announcement, AuditEvent, Commitment, Delivery, Organisation, ProfileLine
from db.session import ensure_schema, read_session
from tests.actors import ADMIN
from tracker.demo import DEMO_FOLDER, load_demo
from tracker.files.tabular import DataError
from tracker.imports import apply, reading
from tracker.imports import plan as planning
from tracker.records import commitment_rows as commitments_format
from tracker.records import delivery_rows as deliveries_format

MODELS = (Organisation, Announcement, Commitment, ProfileLine, Delivery, AuditEvent)
PLANNERS = {"commitments": planning.plan_commitments, "deliveries": planning.plan_deliveries}

COMMITMENTS_HEADER = "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years"
DELIVERIES_HEADER = "ref,commitment_ref,paid_on,amount,kind,note"
GOOD_COMMITMENT = "N{n},2023-05-01,Welsh Government,Welsh councils,Digital skills {n},one-off,£1m,2023-24,"
GOOD_DELIVERY = "P{n},W1,2023-03-31,1000,disbursement,ok"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("garbage")
    engine = ensure_schema(f"sqlite:///{folder / 'tracker.db'}")
    load_demo(engine, actor=ADMIN)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_counts(engine: Engine) -> dict[str, int]:
    return row_counts(engine)


def row_counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def plan(kind: str, data: bytes, filename: str, engine: Engine) -> planning.ImportPlan:
    result = PLANNERS[kind](data, filename, engine=engine)
    assert isinstance(result, planning.ImportPlan)
    assert all(reading.INTERNAL_ERROR not in p.expected for p in result.problems), result.problems
    assert result.counts["problems"] == len(result.problems)
    assert list(result.rows.columns) == list(planning.ROW_COLUMNS)
    return result


def refuses(plan_: planning.ImportPlan, data: bytes, engine: Engine, before: dict[str, int]) -> None:
    """A plan with problems cannot be applied, and nothing changes."""
    assert plan_.problems and not plan_.can_apply
    with pytest.raises(DataError):
        apply.apply_plan(plan_, data, engine=engine, actor=ADMIN)
    assert row_counts(engine) == before


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def messages(plan_: planning.ImportPlan) -> list[str]:
    return [str(p) for p in plan_.problems]


# --- hypothesis: garbage in, problems out ------------------------------------------------

GARBAGE_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)
FILENAMES = st.sampled_from(["upload.csv", "upload.xlsx", "upload.CSV", "upload.txt", "upload", ""])
KIND = st.sampled_from(sorted(PLANNERS))


@GARBAGE_SETTINGS
@given(kind=KIND, data=st.binary(max_size=3000), filename=FILENAMES)
def test_random_bytes_get_problems_not_a_crash(engine, demo_counts, kind, data, filename):
    result = plan(kind, data, filename, engine)
    if result.problems:
        refuses(result, data, engine, demo_counts)
    assert row_counts(engine) == demo_counts


HEADINGS = st.sampled_from(
    list(commitments_format.COLUMNS)
    + list(deliveries_format.REQUIRED + deliveries_format.OPTIONAL)
    + ["Amount (£)", "Financial year", "Ref.", "REF", "\ufeffref", "", " ", "Notes", "FY", "No. of years"]
) | st.text(max_size=12)
CELL_ALPHABET = string.digits + "£$€,.-/ %=;:kmKM'\"\t\r\nabcxyzFYW\u00a0\ufeff\x00\x1a"
CELLS = st.sampled_from(
    [
        "",
        "W1",
        "W2",
        "£1m",
        "1,000,000",
        "1.000.000",
        "1,00,000",
        "£1.2345m",
        "1000.123",
        "-£500",
        "£-5",
        "0",
        "2019-10-31",
        "31/10/2019",
        "10/09/19",
        "31/02/2020",
        "2020-21",
        "2020-22",
        "2020/21",
        "FY2020-21",
        "next financial year",
        "one-off",
        "recurring",
        "profiled",
        "disbursement",
        "expenditure",
        "yes",
        "no",
        "sNaN",
        "NaN",
        "Infinity",
        "1e999999",
        "9" * 40,
        "2020-21=£1m;2021-22=£2m",
        "2020-21=60%;2021-22=40%",
        "2020-21=" + "9" * 30,
        "=1+1",
        "'=1+1",
        "over",
        "up to",
        "2.5%",
        "-100%",
        "50",
        "51",
    ]
) | st.text(alphabet=CELL_ALPHABET, max_size=20)


@st.composite
def csv_like(draw) -> bytes:
    header = draw(st.lists(HEADINGS, min_size=0, max_size=14))
    width = max(len(header), 1)
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width + 2), max_size=12))
    out = io.StringIO()
    if draw(st.booleans()):
        writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
        writer.writerow(header)
        writer.writerows(rows)
    else:  # no quoting at all: commas and quotes inside cells make a mess, as real files do
        separator = draw(st.sampled_from([",", ",", ";", "\t"]))
        out.write("\n".join(separator.join(r) for r in [header, *rows]))
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


@GARBAGE_SETTINGS
@given(kind=KIND, data=csv_like(), filename=st.sampled_from(["upload.csv", "upload.txt"]))
def test_random_csv_like_text_gets_problems_not_a_crash(engine, demo_counts, kind, data, filename):
    result = plan(kind, data, filename, engine)
    if result.problems:
        refuses(result, data, engine, demo_counts)
    assert row_counts(engine) == demo_counts


@st.composite
def valid_header_random_cells(draw) -> tuple[str, bytes]:
    """A correct header, so the garbage reaches every cell parser."""
    kind = draw(KIND)
    columns = (
        list(commitments_format.COLUMNS)
        if kind == "commitments"
        else list(deliveries_format.REQUIRED + deliveries_format.OPTIONAL)
    )
    rows = draw(st.lists(st.lists(CELLS, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=8))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return kind, out.getvalue().encode("utf-8", errors="replace")


@GARBAGE_SETTINGS
@given(case=valid_header_random_cells())
def test_random_cells_under_a_valid_header_get_problems_not_a_crash(engine, demo_counts, case):
    kind, data = case
    result = plan(kind, data, "upload.csv", engine)
    if result.problems:
        refuses(result, data, engine, demo_counts)
    assert row_counts(engine) == demo_counts


GOOD_XLSX = xlsx_bytes([COMMITMENTS_HEADER.split(","), *[GOOD_COMMITMENT.format(n=n).split(",") for n in range(20)]])


@GARBAGE_SETTINGS
@given(
    kind=KIND,
    cut=st.integers(min_value=0, max_value=len(GOOD_XLSX) - 1),
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(GOOD_XLSX) - 1), st.integers(min_value=0, max_value=255)),
        max_size=3,
    ),
)
def test_truncated_or_damaged_xlsx_gets_problems_not_a_crash(engine, demo_counts, kind, cut, flips):
    damaged = bytearray(GOOD_XLSX)
    for position, value in flips:
        damaged[position] = value
    data = bytes(damaged if flips and not cut else damaged[:cut])
    result = plan(kind, data, "upload.xlsx", engine)
    if result.problems:
        refuses(result, data, engine, demo_counts)
    assert row_counts(engine) == demo_counts


def test_the_undamaged_workbook_used_above_plans_cleanly(engine):
    result = plan("commitments", GOOD_XLSX, "upload.xlsx", engine)
    assert result.problems == [] and result.counts["create"] == 20


# --- a fixed corpus of bad files ------------------------------------------------------------


def deliveries_csv(*rows: str, header: str = DELIVERIES_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def commitments_csv(*rows: str, header: str = COMMITMENTS_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def formula_workbook() -> bytes:
    return xlsx_bytes([DELIVERIES_HEADER.split(","), ["P1", "W1", "2023-03-31", "=1000*2", "disbursement", "x"]])


def empty_workbook() -> bytes:
    return xlsx_bytes([])


def a_plain_zip() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


CORPUS = {
    "empty file": ("deliveries", b"", "d.csv", "the file is empty"),
    "only whitespace": ("commitments", b"\r\n\r\n  \n", "c.csv", "the file is empty"),
    "header only": ("deliveries", deliveries_csv(), "d.csv", "header but no deliveries"),
    "header only, commitments": ("commitments", commitments_csv(), "c.csv", "header but no commitments"),
    "missing required column": (
        "deliveries",
        deliveries_csv("P1,W1,2023-03-31,1000,disbursement", header="ref,commitment_ref,paid_on,amount,note"),
        "d.csv",
        "kind: required column is missing",
    ),
    "semicolons": (
        "commitments",
        commitments_csv(GOOD_COMMITMENT.format(n=1).replace(",", ";"), header=COMMITMENTS_HEADER.replace(",", ";")),
        "c.csv",
        "separated by semicolons",
    ),
    "tabs in UTF-16 (Excel's Unicode text)": (
        "deliveries",
        (DELIVERIES_HEADER.replace(",", "\t") + "\r\n" + GOOD_DELIVERY.format(n=1).replace(",", "\t")).encode("utf-16"),
        "d.txt",
        "separated by tabs",
    ),
    "binary junk": (
        "commitments",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "c.csv",
        "not a CSV text file",
    ),
    "an old .xls workbook": (
        "deliveries",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "d.xls",
        "old Excel .xls",
    ),
    "CSV text named .xlsx": (
        "deliveries",
        deliveries_csv(GOOD_DELIVERY.format(n=1)),
        "d.xlsx",
        "is not an Excel workbook",
    ),
    "a zip that is not a workbook": ("commitments", a_plain_zip(), "c.xlsx", "could not be read as an XLSX"),
    "truncated workbook": ("commitments", GOOD_XLSX[: len(GOOD_XLSX) // 2], "c.xlsx", "could not be read as an XLSX"),
    "a formula with no saved result": (
        "deliveries",
        formula_workbook(),
        "d.xlsx",
        "formula whose result was never saved",
    ),
    "an empty workbook": ("deliveries", empty_workbook(), "d.xlsx", "the file is empty"),
    "duplicate header": (
        "deliveries",
        deliveries_csv(GOOD_DELIVERY.format(n=1) + ",x", header=DELIVERIES_HEADER + ",Amount (£)"),
        "d.csv",
        "appears twice",
    ),
    "a cell too big for CSV": (
        "deliveries",
        deliveries_csv("P1,W1,2023-03-31,1000,disbursement," + "x" * 200_000),
        "d.csv",
        "is not valid CSV",
    ),
    "more cells than headings": (
        "deliveries",
        deliveries_csv(GOOD_DELIVERY.format(n=1) + ",extra"),
        "d.csv",
        "cells but the header has",
    ),
}


@pytest.mark.parametrize("case", list(CORPUS), ids=list(CORPUS))
def test_a_bad_file_gets_a_clear_problem_and_imports_nothing(engine, demo_counts, case):
    kind, data, filename, expected = CORPUS[case]
    result = plan(kind, data, filename, engine)
    assert any(expected in message for message in messages(result)), messages(result)
    refuses(result, data, engine, demo_counts)


def test_a_formula_problem_names_the_cell_and_the_formula(engine):
    result = plan("deliveries", formula_workbook(), "d.xlsx", engine)
    assert [(p.line, p.column, p.value) for p in result.problems] == [(2, "amount", "=1000*2")]


def test_rows_set_aside_while_reading_are_listed_with_the_other_bad_rows(engine, demo_counts):
    workbook = xlsx_bytes(
        [
            DELIVERIES_HEADER.split(","),
            ["P1", "W1", "2023-03-31", "=1000*2", "disbursement", "x"],
            ["P2", "W1", "10/09/19", "1000", "disbursement", "x"],
            ["P3", "W1", "2023-03-31", "1000", "disbursement", "x"],
        ]
    )
    text = deliveries_csv(GOOD_DELIVERY.format(n=1) + ",extra", "P2,W1,2023-03-31,1.000.000,disbursement,")
    for data, filename in ((workbook, "d.xlsx"), (text, "d.csv")):
        result = plan("deliveries", data, filename, engine)
        assert [p.line for p in result.problems] == [2, 3], messages(result)
        refuses(result, data, engine, demo_counts)


def test_ten_thousand_bad_rows_are_all_listed_and_nothing_is_imported(engine, demo_counts):
    rows = [f"P{n},W1,31/02/2020,1000,disbursement," for n in range(10_000)]
    data = deliveries_csv(*rows)
    result = plan("deliveries", data, "d.csv", engine)
    assert sorted({p.line for p in result.problems}) == list(range(2, 10_002))
    assert all(p.column == "paid_on" for p in result.problems)
    refuses(result, data, engine, demo_counts)


def test_the_preview_lists_exactly_the_bad_rows(engine, demo_counts):
    rows = [GOOD_DELIVERY.format(n=n) for n in range(2, 11)]  # lines 2 to 10
    rows[3 - 2] = "P3,W1,2023-03-31,1.000.000,disbursement,"
    rows[5 - 2] = "P5,W1,10/09/19,1000,disbursement,"
    rows[9 - 2] = "P9,NO-SUCH-COMMITMENT,2023-03-31,1000,disbursement,"
    data = deliveries_csv(*rows)
    result = plan("deliveries", data, "d.csv", engine)
    assert [p.line for p in result.problems] == [3, 5, 9]
    assert result.counts["create"] == 7  # every row that parsed is still previewed (P9 with its problem)
    refuses(result, data, engine, demo_counts)


# --- ambiguous or impossible values are refused, never guessed ---------------------------------

REFUSED_COMMITMENT_VALUES = [
    ("amount", "1.000.000", "expected an amount like"),
    ("amount", "1,00,000", "expected an amount like"),
    ("amount", "1000.123", "at most two decimal places"),
    ("amount", "£1.234567891m", "whole number of pence"),
    ("amount", "1 000 000", "expected an amount like"),
    ("amount", "-1", "zero or more"),
    ("amount", "£2,000bn", "below £1 trillion"),
    ("first_year", "2020-22", "two consecutive years"),
    ("first_year", "2020", "expected a financial year like"),
    ("announced_on", "31/02/2020", "no such date"),
    ("announced_on", "10/09/19", "two-digit year is ambiguous"),
    ("announced_on", "09/31/2019", "no such date"),
    ("announced_on", "1066-10-14", "between 1 April 1900"),
    ("years", "sNaN", "whole number of years"),
    ("years", "2.5", "whole number of years"),
    ("ref", "R" * 101, "at most 100 characters"),
    ("source_url", "javascript:alert(1)", "web address"),
]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    REFUSED_COMMITMENT_VALUES,
    ids=[f"{c}={v[:20]}" for c, v, _ in REFUSED_COMMITMENT_VALUES],
)
def test_an_ambiguous_or_impossible_commitment_value_is_refused(engine, demo_counts, column, value, expected):
    columns = [
        "ref",
        "announced_on",
        "funder",
        "recipient",
        "purpose",
        "kind",
        "amount",
        "first_year",
        "years",
        "source_url",
    ]
    cells = dict(
        zip(
            columns,
            [
                "N1",
                "2023-05-01",
                "Welsh Government",
                "Welsh councils",
                "Skills",
                "recurring",
                "£1m",
                "2023-24",
                "2",
                "https://gov.wales/x",
            ],
        )
    )
    cells[column] = value
    out = io.StringIO()
    csv.writer(out).writerows([columns, list(cells.values())])
    data = out.getvalue().encode("utf-8")
    result = plan("commitments", data, "c.csv", engine)
    assert [(p.line, p.column) for p in result.problems] == [(2, column)], messages(result)
    assert expected in result.problems[0].expected
    refuses(result, data, engine, demo_counts)


def test_a_huge_profile_amount_is_refused_not_a_crash(engine, demo_counts):
    data = commitments_csv(
        "N1,2023-05-01,WG,WLGA,Skills,profiled,,2023-24,,2023-24=" + "9" * 5000, header=COMMITMENTS_HEADER + ",profile"
    )
    result = plan("commitments", data, "c.csv", engine)
    assert any("below £1 trillion" in m for m in messages(result)), messages(result)
    refuses(result, data, engine, demo_counts)


def test_a_delivery_against_a_deleted_or_unknown_commitment_is_refused(engine, demo_counts):
    data = deliveries_csv("P1,NOPE,2023-03-31,1000,disbursement,")
    result = plan("deliveries", data, "d.csv", engine)
    assert messages(result) == ["line 2: commitment_ref 'NOPE': expected the ref of a commitment in the database"]
    refuses(result, data, engine, demo_counts)


def test_demo_files_plan_cleanly_against_the_demo(engine):
    for kind in PLANNERS:
        data = (Path(DEMO_FOLDER) / f"{kind}.csv").read_bytes()
        result = plan(kind, data, f"{kind}.csv", engine)
        assert result.problems == [] and result.counts["unchanged"] == len(result.rows) > 0
