"""The Finance workbook's formulas, recalculated by a real spreadsheet (LibreOffice
Calc, headless), give the figures the tracker saved with them, to the penny.

The results saved with the formulas are taken out of a copy of the workbook
first, so LibreOffice has to calculate every formula (whatever its setting for
recalculating on load); the copy it saves is read back and each formula's
result compared with what the tracker saved. Needs ``soffice`` (Debian's
``libreoffice-calc-nogui``, which ``.ci/run`` installs): without it the test
fails, saying so, rather than skipping.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from tests.actors import ADMIN
from tests.unit.finance_tables_data import FY, record, tracker_data
from tracker import i18n
from tracker.demo import load_demo
from tracker.figures import data as queries
from tracker.figures import finance_tables as tables
from tracker.figures.data import TrackerData
from tracker.files.exports import PERCENT_FORMAT

_SAVED_RESULT = re.compile(r"(<f>[^<]*</f>)<v>[^<]*</v>")


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        pytest.fail(
            "LibreOffice's soffice is not installed: this test recalculates the Finance workbook with it. "
            "Install Debian's libreoffice-calc-nogui (.ci/run does)."
        )
    return found


def awkward_data() -> TrackerData:
    """Commitments and deliveries with awkward pence: the sums a float would get wrong."""
    rng = random.Random(17)
    records, deliveries = [], []
    for n in range(150):
        kind = rng.choice(["one-off", "recurring", "profiled"])
        first = FY(rng.randrange(2018, 2027))
        pence = rng.choice([1, 99, 1_001, 3_333_333, 123_456_789, rng.randrange(1, 10**11)])
        fields: dict = dict(
            kind=kind,
            amount_pence=pence,
            first_year=first,
            recipient=f"Council {n % 7}",
            programme=f"Fund {n % 5}" if n % 6 else None,
            funder=rng.choice(["Welsh Government", "UK Government"]),
        )
        if kind == "recurring":
            fields["years"] = rng.randrange(2, 5)
        if kind == "profiled":
            later = rng.randrange(1, 10**9)
            fields |= dict(
                years=2, amount_pence=pence + later, profile=((first, pence), (FY(first.start_year + 1), later))
            )
        records.append(record(f"C{n}", **fields))
    for n in range(90):
        paid_on = date(rng.randrange(2018, 2027), rng.randrange(1, 13), rng.randrange(1, 29))
        pence = rng.choice([1, -99, 10_001, -250_000, rng.randrange(1, 10**9)])
        deliveries.append((f"D{n}", f"C{rng.randrange(150)}", paid_on, pence, "disbursement", "", n % 4 == 0))
    return tracker_data(records, deliveries)


def without_saved_results(source: Path, target: Path) -> int:
    """A copy of the workbook with every formula's saved result taken out; how many."""
    removed = 0
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            content = original.read(info)
            if info.filename.startswith("xl/worksheets/"):
                text, count = _SAVED_RESULT.subn(r"\1", content.decode("utf-8"))
                content, removed = text.encode("utf-8"), removed + count
            copy.writestr(info, content)
    return removed


def recalculated(books: dict[str, bytes], folder: Path) -> dict[str, Path]:
    """Each workbook as LibreOffice saves it after calculating it."""
    given, out, profile = folder / "given", folder / "recalculated", folder / "profile"
    given.mkdir()
    for name, content in books.items():
        (folder / f"{name}.xlsx").write_bytes(content)
        formulas = sum(1 for _ in re.finditer("<f>", _sheets_xml(content)))
        assert without_saved_results(folder / f"{name}.xlsx", given / f"{name}.xlsx") == formulas > 0
    result = subprocess.run(
        [
            soffice(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *(str(given / f"{name}.xlsx") for name in books),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return {name: out / f"{name}.xlsx" for name in books}


def _sheets_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/"))


def assert_same_figures(ours: Path, theirs: Path) -> int:
    """Every formula's result in ``theirs`` is the figure ``ours`` saved with it; how many formulas."""
    formulas, saved, calculated = (
        load_workbook(ours),
        load_workbook(ours, data_only=True),
        load_workbook(theirs, data_only=True),
    )
    compared = 0
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                where = f"{sheet.title}!{cell.coordinate} {cell.value}"
                figure = saved[sheet.title][cell.coordinate].value
                result = calculated[sheet.title][cell.coordinate].value
                assert isinstance(result, (int, float)), f"{where}: LibreOffice gave {result!r}"
                if cell.number_format == PERCENT_FORMAT:
                    assert result == pytest.approx(figure, rel=1e-13), where
                else:  # money: the same pounds and pence
                    assert round(Decimal(repr(float(result))), 2) == Decimal(repr(figure)), (where, result, figure)
                    assert abs(result - figure) < 1e-6, where
                compared += 1
    return compared


@pytest.fixture
def demo(engine: Engine) -> TrackerData:
    load_demo(engine, actor=ADMIN)
    return queries.load(engine)


def test_libreoffice_recalculates_every_formula_to_the_figure_the_tracker_saved(demo: TrackerData, tmp_path: Path):
    books = {
        name: tables.workbook_bytes(data, tables.export_about(data, source="test"))
        for name, data in (("demo", demo), ("awkward", awkward_data()))
    }
    with i18n.speaking("cy"):  # the same workbook in Welsh: Welsh sheet names, the same formulas
        books["demo-cy"] = tables.workbook_bytes(demo, tables.export_about(demo, source="test"))
    assert load_workbook(io.BytesIO(books["demo-cy"])).sheetnames[:2] == ["Cynnwys", "Ymrwymiadau"]
    for name, path in recalculated(books, tmp_path).items():
        compared = assert_same_figures(tmp_path / f"{name}.xlsx", path)
        assert compared == _sheets_xml(books[name]).count("<f>") > 0
