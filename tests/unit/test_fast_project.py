"""``funding-tracker project FILE``: the fast path must agree with the general path
(``read_commitments`` + engine) on every file, and the command keeps its contract
(exact Totals CSV bytes, exit codes, problems on stderr, no heavy imports)."""

import csv
import io
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.fiscal import FinancialYear
from tracker.core.money import format_pounds
from tracker.core.projection import columns_from_records, yearly_committed
from tracker.imports import fast_project
from tracker.imports.fast_project import project_file
from tracker.records.commitment_rows import read_commitments

COLUMNS = [
    "ref",
    "announced_on",
    "funder",
    "recipient",
    "purpose",
    "kind",
    "amount",
    "first_year",
    "years",
    "qualifier",
    "uplift_pct",
    "reannounces",
    "profile",
]

SEED_CSV = (
    "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,qualifier\n"
    "WG-1,31/10/2019,Welsh Government,WLGA,Council digital transformation,one-off,£1m,next financial year,,over\n"
    'WG-2,31/10/2019,Welsh Government,WLGA,Chief Digital Officer and Delivery Unit,recurring,"£500,000",next financial year,3,exact\n'
)
SEED_TOTALS_CSV = b"financial_year,committed\n2020-21,1500000.00\n2021-22,500000.00\n2022-23,500000.00\n"

PLAIN_CSV = (
    "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years\n"
    "A,2019-10-31,Welsh Government,WLGA,Digital,one-off,1000000,2020-21,\n"
    "B,2019-10-31,Welsh Government,WLGA,CDO,recurring,500000.50,2020-21,3\n"
)

BAD_CSV = (
    "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years\n"
    "A,2019-10-31,Welsh Government,WLGA,Digital,one-off,£1.2.3m,2020-21,\n"
    "B,2019-10-31,Welsh Government,WLGA,CDO,recurring,500000,2020-21,3\n"
    "C,31/02/2020,Welsh Government,WLGA,CDO,recurring,500000,2020-21,3\n"
)
BAD_PROBLEMS = [
    "line 2: amount '£1.2.3m': expected an amount like 1000000, £1,000,000.50, £1.5m or £500k",
    "line 4: announced_on '31/02/2020': no such date (expected a date like 2019-10-31 or 31/10/2019)",
]

DUPLICATE_CSV = PLAIN_CSV + "A,2019-10-31,Welsh Government,WLGA,Digital again,one-off,5,2020-21,\n"


def general_path(path):
    """What the importer and the engine say, row by row in Python."""
    records, problems = read_commitments(path)
    if problems:
        return [], [], [str(p) for p in problems]
    years, pence = yearly_committed(columns_from_records(records))
    return years.tolist(), pence.tolist(), []


def fast_result(path):
    years, pence, problems = project_file(path)
    assert years.dtype == np.int64 and pence.dtype == np.int64
    return years.tolist(), pence.tolist(), [str(p) for p in problems]


# --- generated files ----------------------------------------------------------------


def fy_text(draw, start_year: int) -> str:
    end = start_year + 1
    return draw(
        st.sampled_from(
            [
                f"{start_year}-{end % 100:02d}",
                f"{start_year}/{end % 100:02d}",
                f"{start_year}-{end}",
                f"FY{start_year}-{end % 100:02d}",
            ]
        )
    )


def amount_text(draw, pence: int) -> str:
    """A text form of ``pence`` that ``parse_pence`` reads back exactly."""
    pounds, part = divmod(pence, 100)
    forms = [f"{pounds}.{part:02d}", format_pounds(pence)]
    if part == 0:
        forms += [str(pounds), f"00{pounds}"]
        if pounds % 1_000 == 0:
            forms.append(f"£{pounds // 1_000}k")
        if pounds % 10_000 == 0:
            forms.append(
                f"£{Decimal(pounds) / 1_000_000:f}m" if pounds % 1_000_000 else f"£{pounds // 1_000_000} million"
            )
    if part % 10 == 0:
        forms.append(f"{pounds}.{part // 10}")
    return draw(st.sampled_from(forms))


plain_pence = st.one_of(
    st.integers(min_value=1, max_value=10**11),
    st.integers(min_value=1, max_value=5_000).map(lambda p: p * 1_000_000),  # round thousands of pounds
)


@st.composite
def good_row(draw, index: int, earlier_refs: list[str], messy: bool = False) -> dict[str, str]:
    said_on = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31)))
    kind = draw(st.sampled_from(["one-off", "one-off", "recurring", "recurring", "profiled"]))
    first = draw(st.integers(min_value=2015, max_value=2028))
    row = {
        "ref": f"C-{index}",
        "announced_on": draw(st.sampled_from([said_on.isoformat(), said_on.strftime("%d/%m/%Y")])),
        "funder": "Welsh Government",
        "recipient": draw(st.sampled_from(["WLGA", "Cardiff Council", "Gwynedd Council"])),
        "purpose": draw(st.sampled_from(["Digital transformation", "CDO post", "Delivery, unit"])),
        "kind": kind if draw(st.integers(0, 4)) else kind.title(),
        "amount": "",
        "first_year": fy_text(draw, first),
        "years": "",
        "qualifier": draw(st.sampled_from(["", "", "over", "up to", "about", "exact"])),
        "uplift_pct": "",
        "reannounces": "",
        "profile": "",
    }
    if draw(st.integers(0, 5)) == 0:
        row["first_year"] = draw(st.sampled_from(["next financial year", "this financial year"]))
    if kind == "one-off":
        row["amount"] = amount_text(draw, draw(plain_pence))
        row["years"] = draw(st.sampled_from(["", "", "1"]))
    elif kind == "recurring":
        row["amount"] = amount_text(draw, draw(plain_pence))
        row["years"] = str(draw(st.integers(min_value=1, max_value=8)))
        if draw(st.integers(0, 3)) == 0:
            row["uplift_pct"] = draw(st.sampled_from(["2.5", "2.5%", "0", "-1.25", "10", "0.01%"]))
    else:
        offsets = draw(st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True))
        shares = draw(st.booleans())
        start = first
        if row["first_year"].endswith("financial year"):  # the profile must start in the year it means
            start = FinancialYear.from_date(said_on).start_year + (1 if row["first_year"].startswith("next") else 0)
        offsets = sorted(offsets)
        years = [start + o - offsets[0] for o in offsets]
        if shares and len(years) > 1:
            weights = [100 // len(years)] * len(years)
            weights[-1] += 100 - sum(weights)
            row["profile"] = ";".join(f"{FinancialYear(y)}={w}%" for y, w in zip(years, weights))
            row["amount"] = amount_text(draw, draw(plain_pence))
        else:
            amounts = [draw(plain_pence) for _ in years]
            row["profile"] = ";".join(f"{FinancialYear(y)}={amount_text(draw, p)}" for y, p in zip(years, amounts))
            row["amount"] = draw(st.sampled_from(["", format_pounds(sum(amounts))]))
    if earlier_refs and draw(st.integers(0, 5)) == 0:
        row["reannounces"] = draw(st.sampled_from(earlier_refs))
    # Spreadsheet habits the importer tolerates: stray spaces around cells, and
    # the apostrophe an export puts before text starting with = + - @.
    for column in ("ref", "announced_on", "kind", "amount", "first_year", "years", "reannounces", "recipient"):
        if messy and row[column] and draw(st.integers(0, 9)) == 0:
            row[column] = draw(st.sampled_from([" {}", "{} ", " {} "])).format(row[column])
    if messy and draw(st.integers(0, 4)) == 0:
        row["purpose"] = draw(st.sampled_from(["'=", "'+", "'@", "'-"])) + row["purpose"]
    return row


BAD_CHANGES = [
    {"amount": "£1.2.3m"},
    {"amount": "1,00,000"},
    {"amount": "-5"},
    {"announced_on": "31/02/2020"},
    {"kind": "grant"},
    {"first_year": "2020-22"},
    {"kind": "one-off", "years": "3", "profile": ""},
    {"kind": "recurring", "years": "", "profile": "", "uplift_pct": "2.5"},
    {"kind": "recurring", "years": "0", "profile": "", "uplift_pct": ""},
    {"reannounces": "NOWHERE"},
    {"ref": ""},
    {"qualifier": "roughly"},
    {
        "kind": "profiled",
        "amount": "£1m",
        "profile": "2020-21=£1m;2021-22=£1m",
        "first_year": "2020-21",
        "uplift_pct": "",
    },
    {"kind": "one-off", "uplift_pct": "2.5", "years": "", "profile": ""},
]


@st.composite
def commitment_files(draw, bad: bool = False):
    n = draw(st.integers(min_value=1, max_value=10))
    messy = draw(st.integers(0, 2)) == 0
    rows: list[dict[str, str]] = []
    for i in range(n):
        rows.append(draw(good_row(i, [r["ref"].strip() for r in rows], messy)))
    if bad:
        position = draw(st.integers(min_value=0, max_value=n - 1))
        change = draw(st.sampled_from([*BAD_CHANGES, {"ref": "duplicate"}]))
        if change == {"ref": "duplicate"}:
            change = {"ref": rows[draw(st.integers(0, n - 1))]["ref"]} if n > 1 else {"ref": ""}
            if change["ref"].strip() == rows[position]["ref"].strip():
                change = {"amount": "abc"}
        rows[position] = {**rows[position], **change}
    header = draw(st.sampled_from([COLUMNS, [c.upper() for c in COLUMNS], [*COLUMNS, "notes"]]))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=ending)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r[c] for c in COLUMNS] + ([""] if len(header) > len(COLUMNS) else []))
    if draw(st.integers(0, 4)) == 0:
        out.write("," * (len(header) - 1) + ending)  # a blank trailing row, as Excel leaves
    bom = draw(st.integers(0, 4)) == 0
    return ("\ufeff" if bom else "") + out.getvalue()


@settings(deadline=None, max_examples=150)
@given(text=commitment_files())
def test_fast_and_general_paths_agree_on_good_files(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fast") / "commitments.csv"
    path.write_bytes(text.encode("utf-8"))
    general = general_path(path)
    assert general[2] == [], "the generated file was meant to be good"
    assert fast_result(path) == general


@settings(deadline=None, max_examples=100)
@given(text=commitment_files(bad=True))
def test_a_bad_row_anywhere_gives_the_importers_problems_and_no_totals(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("bad") / "commitments.csv"
    path.write_bytes(text.encode("utf-8"))
    years, pence, problems = fast_result(path)
    _records, expected = read_commitments(path)
    assert expected, "the generated file was meant to have a bad row"
    assert problems == [str(p) for p in expected]
    assert years == [] and pence == []


def test_plain_files_are_projected_without_the_general_path(tmp_path, monkeypatch):
    # Guards the agreement tests above: the fast path really runs on plain files.
    path = tmp_path / "plain.csv"
    path.write_text(PLAIN_CSV, encoding="utf-8")
    expected = general_path(path)

    def refuse(*args, **kwargs):
        raise AssertionError("the general path ran on a plain file")

    monkeypatch.setattr(fast_project, "read_commitments", refuse)
    assert fast_result(path) == expected == ([2020, 2021, 2022], [150_000_050, 50_000_050, 50_000_050], [])


def test_seed_example_is_projected_by_both_paths(tmp_path):
    path = tmp_path / "seed.csv"
    path.write_text(SEED_CSV, encoding="utf-8")
    expected = ([2020, 2021, 2022], [150_000_000, 50_000_000, 50_000_000], [])
    assert general_path(path) == expected
    assert fast_result(path) == expected


@pytest.mark.parametrize(
    "encoding_case",
    ["cp1252", "bom", "quoted-newline", "xlsx-like-name"],
)
def test_files_the_fast_path_hands_over_still_agree(tmp_path, encoding_case):
    text = PLAIN_CSV + 'C,2019-10-31,Welsh Government,WLGA,"Multi\nline",one-off,£2m,2021-22,\n'
    path = tmp_path / "commitments.csv"
    if encoding_case == "cp1252":
        path.write_bytes(text.encode("cp1252"))
    elif encoding_case == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    elif encoding_case == "quoted-newline":
        path.write_bytes(text.encode("utf-8"))
    else:
        path = tmp_path / "commitments.txt"
        path.write_bytes(text.encode("utf-8"))
    assert fast_result(path) == general_path(path) == ([2020, 2021, 2022], [150_000_050, 250_000_050, 50_000_050], [])


@pytest.mark.parametrize(
    ("first_ref", "second_ref"),
    [("r1", "r1 "), ("r1", " r1"), ("r1", "\tr1")],
)
def test_refs_that_the_importer_reads_as_the_same_are_duplicates_on_both_paths(tmp_path, first_ref, second_ref):
    # The importer strips spaces and a protective apostrophe from every cell,
    # so these two rows share a ref; project must refuse the file as import does.
    path = tmp_path / "commitments.csv"
    path.write_text(
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years\n"
        f"{first_ref},2019-10-31,Welsh Government,WLGA,Digital,one-off,100,2020-21,\n"
        f"{second_ref},2019-10-31,Welsh Government,WLGA,Digital,one-off,100,2020-21,\n",
        encoding="utf-8",
    )
    general = general_path(path)
    assert general[2] == [f"line 3: ref {second_ref.strip().lstrip(chr(39))!r}: duplicate ref: already used on line 2"]
    assert fast_result(path) == general


def test_a_ref_an_export_protected_with_an_apostrophe_is_refused_alike_on_both_paths(tmp_path):
    # The importer strips the apostrophe an export puts before "@", so both
    # rows hold "@r1": a ref must start with a letter or digit, and both paths
    # refuse both rows in the same words.
    path = tmp_path / "commitments.csv"
    path.write_text(
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years\n"
        "'@r1,2019-10-31,Welsh Government,WLGA,Digital,one-off,100,2020-21,\n"
        "@r1,2019-10-31,Welsh Government,WLGA,Digital,one-off,100,2020-21,\n",
        encoding="utf-8",
    )
    general = general_path(path)
    assert [problem.split(": expected")[0] for problem in general[2]] == ["line 2: ref '@r1'", "line 3: ref '@r1'"]
    assert all("expected a ref of letters, digits" in problem for problem in general[2])
    assert fast_result(path) == general


def test_a_steep_uplift_is_reported_or_projected_exactly_never_a_crash(tmp_path):
    # £1,000 a year doubling for 50 years is accepted by validation (uplift up
    # to 100%, years up to 50), but year 50 is 2**49 * £1,000: beyond int64 pence.
    path = tmp_path / "commitments.csv"
    path.write_text(
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,uplift_pct\n"
        "A,2019-10-31,Welsh Government,WLGA,Digital,recurring,1000,2020-21,50,100\n",
        encoding="utf-8",
    )
    years, pence, problems = project_file(path)
    if problems:
        assert [p.line for p in problems] == [2]
        assert len(years) == 0
    else:
        assert [int(p) for p in pence] == [100_000 * 2**k for k in range(50)]


# --- the command --------------------------------------------------------------------


CLI = Path(sys.executable).parent / "funding-tracker"


def run_cli(*args, cwd):
    return subprocess.run([str(CLI), *args], capture_output=True, cwd=cwd, timeout=120)


def test_project_command_writes_the_totals_csv_bytes_for_the_seed_example(tmp_path):
    (tmp_path / "seed.csv").write_text(SEED_CSV, encoding="utf-8")
    result = run_cli("project", "seed.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == SEED_TOTALS_CSV
    assert result.stderr == b""


def test_project_command_as_a_module_gives_the_same_bytes(tmp_path):
    (tmp_path / "seed.csv").write_text(SEED_CSV, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "project", "seed.csv"], capture_output=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == SEED_TOTALS_CSV


def test_project_command_reports_each_bad_row_on_stderr_and_prints_no_totals(tmp_path):
    (tmp_path / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    result = run_cli("project", "bad.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode("utf-8").splitlines() == [*BAD_PROBLEMS, "2 problem(s) found; nothing was changed."]


def test_project_command_says_when_the_file_is_missing(tmp_path):
    result = run_cli("project", "absent.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"absent.csv" in result.stderr


@pytest.mark.parametrize("args", [["project"], ["frobnicate"], ["project", "a.csv", "b.csv"], []])
def test_a_bad_command_line_exits_with_2(tmp_path, args):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"usage:" in result.stderr


HEAVY = {"sqlalchemy", "streamlit", "plotly", "pandas"}


@pytest.mark.parametrize(
    ("name", "text", "exit_code"),
    [
        ("plain", PLAIN_CSV, 0),
        ("seed", SEED_CSV, 0),
        ("bad", BAD_CSV, 1),
        ("duplicate", DUPLICATE_CSV, 1),
    ],
)
def test_project_command_never_imports_the_database_dashboard_or_pandas(tmp_path, name, text, exit_code):
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tracker.cli", "project", path.name],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == exit_code
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.decode("utf-8").splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "tracker.imports.fast_project" in imported  # the measurement itself works
    heavy = sorted({m.split(".")[0] for m in imported} & HEAVY)
    assert heavy == []
