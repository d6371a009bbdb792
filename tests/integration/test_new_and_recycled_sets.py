"""New versus recycled on real sets (issue 20): for every announcement of the demo, of the
press development set as recorded (tests/fixtures/press/commitments.csv) and of the drafts
the extractor makes of its four statements, the parts add up to the headline (its
commitments' money as recorded, worked out here on their own), new money is what Headlines
counts for it, and the set's new money per year is the totals'."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from tests.actors import ADMIN
from tests.integration.cli_runner import ok, run_cli
from tests.integration.records_helpers import EDITOR
from tracker.core.fiscal import fy_label
from tracker.core.money import parse_pence
from tracker.core.projection import schedule_frame
from tracker.demo import load_demo
from tracker.extract.rows import COLUMNS as DRAFT_COLUMNS
from tracker.figures import data as queries
from tracker.figures.headlines import announcement_money
from tracker.figures.new_and_recycled import PARTS, by_announcement, by_year, of_announcement, set_rows, total
from tracker.figures.totals import committed_vs_delivered
from tracker.imports.apply import import_file

PRESS = Path(__file__).resolve().parents[1] / "fixtures" / "press"


def _own_headlines(data: queries.TrackerData) -> dict[str, int]:
    """Each announcement's commitments' money as recorded, from its commitments alone (no links)."""
    alone = data.commitments.assign(reannounces_id=pd.NA, part_of_id=pd.NA).astype(
        {"reannounces_id": "Int64", "part_of_id": "Int64"}
    )
    schedule = schedule_frame(alone, data.profile_lines, carry=["announcement_ref"])
    return {ref: int(p) for ref, p in schedule.groupby("announcement_ref")["headline_pence"].sum().items()}


def _check(data: queries.TrackerData) -> int:
    each = by_announcement(data).set_index("announcement_ref")
    own = _own_headlines(data)
    assert each["headline"].to_dict() == own
    assert (each[list(PARTS)].sum(axis=1) == each["headline"]).all()
    money = announcement_money(data)
    assert (each["new"] + each["rise_or_cut"]).to_dict() == money["new_money_pence"].to_dict()
    rows = set_rows(data)
    assert (rows[list(PARTS)].sum(axis=1) == rows["headline"]).all()
    totals = committed_vs_delivered(data.schedule, data.deliveries, data.commitments, unphased=True)
    years = by_year(rows).set_index("financial_year")
    new_money = (years["new"] + years["rise_or_cut"]).reindex(totals["financial_year"]).fillna(0).astype("int64")
    assert new_money.tolist() == totals["new_money"].tolist()
    assert total(rows).headline == sum(own.values())
    for ref, row in each.iterrows():  # as an announcement's page counts it, from its own world
        alone = of_announcement(data, str(ref))
        assert (alone.headline, *alone.parts.values()) == tuple(int(row[c]) for c in ("headline", *PARTS))
    return len(each)


def test_every_announcement_of_the_demo_adds_up(engine: Engine) -> None:
    load_demo(engine, actor=ADMIN)
    assert _check(queries.load(engine)) == 5  # A6 carries no money


def test_every_announcement_of_the_press_set_adds_up_and_new_money_is_the_expected_totals(engine: Engine) -> None:
    import_file("commitments", PRESS / "commitments.csv", engine=engine, actor=EDITOR)
    data = queries.load(engine)
    assert _check(data) == 4
    with (PRESS / "expected_totals.csv").open(encoding="utf-8") as handle:
        expected = {row["financial_year"]: parse_pence(row["new_money"]) for row in csv.DictReader(handle)}
    years = by_year(set_rows(data))
    found = {
        fy_label(int(y)): int(n + r) for y, n, r in zip(years["financial_year"], years["new"], years["rise_or_cut"])
    }
    assert {year: pence for year, pence in expected.items() if pence} == {y: p for y, p in found.items() if p}


@pytest.mark.parametrize("names", [("00.txt", "07.txt", "09.txt", "15.txt")])
def test_every_announcement_of_the_press_sets_extracted_drafts_adds_up(
    engine: Engine, tmp_path: Path, names: tuple[str, ...]
) -> None:
    rows: list[dict[str, str]] = []
    for name in names:
        printed = ok(
            run_cli(None, "extract", str(PRESS / name), "--format", "csv", "--funder", "Welsh Government", cwd=tmp_path)
        )
        rows += list(csv.DictReader(io.StringIO(printed)))
    combined = tmp_path / "drafts.csv"
    with combined.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(DRAFT_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    import_file("commitments", combined, engine=engine, actor=EDITOR)
    assert _check(queries.load(engine)) == len(names)


def test_totals_columns_work_on_what_the_totals_command_reads(engine: Engine) -> None:
    from tracker.figures import totals_data
    from tracker.figures.new_and_recycled import totals_columns

    import_file("commitments", PRESS / "commitments.csv", engine=engine, actor=EDITOR)
    full = totals_columns(queries.load(engine))
    lean = totals_columns(totals_data.load(engine))
    assert lean.to_dict("list") == full.to_dict("list")
    assert (full[["new", "restated", "earlier", "pot_share", "rise_or_cut"]].sum(axis=1) == full["headline"]).all()
