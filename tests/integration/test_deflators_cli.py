"""``funding-tracker deflators load|list|default`` as a user runs it: a good file is
loaded and listed; a hostile one prints every problem on standard error, exits 1 and
changes nothing (every table it could write counted before and after)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.integration.cli_runner import ok, run_cli
from tests.integration.test_deflator_releases import counts
from tracker.cli import main
from tracker.core.deflators import SHIPPED_NAME
from tracker.figures.deflator_releases import release_for
from tracker.files import limits

NEWER = "HM Treasury GDP deflators, December 2025"
GOOD = "financial_year,index\n2023-24,100\n2024-25,102.5\n2025-26,104.924736\n"


def _file(tmp_path: Path, data: bytes | str, name: str = "release.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _listed(database_url: str, tmp_path: Path) -> list[dict]:
    return json.loads(ok(run_cli(database_url, "deflators", "list", "--format", "json", cwd=tmp_path)))["releases"]


def test_a_good_file_is_loaded_listed_and_made_the_default(engine: Engine, database_url: str, tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD)
    said = ok(
        run_cli(
            database_url, "deflators", "load", str(path), "--release", NEWER, cwd=tmp_path, TRACKER_ACTOR="shell:ann"
        )
    )
    assert said == f"Loaded the deflator release {NEWER}: 3 financial years.\n"
    listed = _listed(database_url, tmp_path)
    assert [
        (r["name"], r["first_year"], r["last_year"], r["default"], r["shipped"], r["loaded_by"]) for r in listed
    ] == [
        (SHIPPED_NAME, "1955-56", "2024-25", True, True, None),
        (NEWER, "2023-24", "2025-26", False, False, "shell:ann"),
    ]
    said = ok(run_cli(database_url, "deflators", "default", NEWER.lower(), cwd=tmp_path))
    assert said == f"{NEWER} is now the default release.\n"
    assert release_for(engine).name == NEWER
    rows = list(
        csv.DictReader(io.StringIO(ok(run_cli(database_url, "deflators", "list", "--format", "csv", cwd=tmp_path))))
    )
    assert [(r["name"], r["default"], r["shipped"]) for r in rows] == [
        (SHIPPED_NAME, "no", "yes"),
        (NEWER, "yes", "no"),
    ]
    table = ok(run_cli(database_url, "deflators", "list", cwd=tmp_path))
    assert f"{NEWER}  2023-24 to 2025-26  (default)" in table and "by shell:ann" in table


def test_load_with_default_makes_it_the_default_at_once(engine: Engine, database_url: str, tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD)
    said = ok(run_cli(database_url, "deflators", "load", str(path), "--release", NEWER, "--default", cwd=tmp_path))
    assert said.endswith("It is now the default.\n")
    assert release_for(engine).name == NEWER


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (("\ufeff" + GOOD).encode("utf-8"), "utf-8 with BOM"),
        (GOOD.replace("\n", "\r\n").encode("utf-16"), "utf-16 with BOM, Windows line ends"),
        (GOOD.encode("cp1252"), "windows-1252"),
    ],
    ids=["utf-8-bom", "utf-16", "cp1252"],
)
def test_the_encodings_other_csv_files_may_have_are_read(
    engine: Engine, database_url: str, tmp_path: Path, data: bytes, encoding: str
) -> None:
    ok(run_cli(database_url, "deflators", "load", str(_file(tmp_path, data)), "--release", NEWER, cwd=tmp_path))
    assert len(release_for(engine, NEWER).indices) == 3, encoding


HOSTILE = {
    "empty file": (b"", ["file: the file is empty: expected a header row"]),
    "binary": (bytes(range(256)) * 20, ["binary data"]),
    "nul bytes": (b"financial_year,index\n2020-21,1\x0000\n", ["line 2: index", "positive number"]),
    "a gap": ("financial_year,index\n2020-21,100\n2022-23,102\n", ["'2021-22'", "contiguous"]),
    "a negative index": ("financial_year,index\n2020-21,100\n2021-22,-1\n", ["line 3: index '-1'", "positive"]),
    "a duplicate year": ("financial_year,index\n2020-21,100\n2020-21,101\n", ["line 3: financial_year", "twice"]),
    "the header missing": ("2020-21,100\n2021-22,101\n", ["line 1", "expected the header"]),
    "utf-16 without its mark": (GOOD.encode("utf-16-le"), ["binary data"]),
    "bad utf-8 after its mark": (b"\xef\xbb\xbf" + GOOD.encode() + b"\xff\xfe\x81", ["not UTF-8"]),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_file_prints_every_problem_exits_1_and_changes_nothing(
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    case: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The command's own entry point, in this process (a subprocess per file would cost a second each:
    # the subprocess tests above and below run the installed command as a user does).
    data, said = HOSTILE[case]
    before = counts(engine)
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    code = main(["deflators", "load", str(_file(tmp_path, data)), "--release", NEWER, "--default"])
    printed = capsys.readouterr()
    assert code == 1, printed.err
    assert all(words in printed.err for words in said), printed.err
    assert "nothing was changed" in printed.err and printed.out == ""
    assert counts(engine) == before


def test_several_problems_are_all_printed(engine: Engine, database_url: str, tmp_path: Path) -> None:
    path = _file(tmp_path, "financial_year,index\n2020-21,-1\n2021-22,x\n2021-22,5\n2023-24,0\n2024-25,1\n")
    result = run_cli(database_url, "deflators", "load", str(path), "--release", NEWER, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["line 2", "line 3", "line 5", "file"]
    assert lines[-1] == "4 problem(s) found; nothing was changed."


def test_a_name_already_used_is_refused_and_nothing_changes(engine: Engine, database_url: str, tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD)
    ok(run_cli(database_url, "deflators", "load", str(path), "--release", NEWER, cwd=tmp_path))
    before = counts(engine)
    for name in (NEWER.upper(), SHIPPED_NAME.lower()):
        result = run_cli(database_url, "deflators", "load", str(path), "--release", name, "--default", cwd=tmp_path)
        assert result.returncode == 1
        assert "is already the name of a release" in result.stderr
    assert counts(engine) == before


def test_a_file_too_big_is_refused_before_it_is_read(engine: Engine, database_url: str, tmp_path: Path) -> None:
    rows = "".join(f"{1900 + n}-{(1901 + n) % 100:02d},100\n" for n in range(100))
    data = ("financial_year,index\n" + rows).encode() + b" " * limits.MAX_DEFLATOR_BYTES
    before = counts(engine)
    result = run_cli(database_url, "deflators", "load", str(_file(tmp_path, data)), "--release", NEWER, cwd=tmp_path)
    assert result.returncode == 1
    assert "is larger than 1,024 KB" in result.stderr
    assert counts(engine) == before


def test_a_missing_file_and_an_unknown_default_exit_1(engine: Engine, database_url: str, tmp_path: Path) -> None:
    before = counts(engine)
    result = run_cli(database_url, "deflators", "load", str(tmp_path / "nope.csv"), "--release", NEWER, cwd=tmp_path)
    assert result.returncode == 1 and "cannot read" in result.stderr
    result = run_cli(database_url, "deflators", "default", "Nope", cwd=tmp_path)
    assert result.returncode == 1
    assert f"there is no deflator release named 'Nope': expected one of {SHIPPED_NAME}" in result.stderr
    assert counts(engine) == before
