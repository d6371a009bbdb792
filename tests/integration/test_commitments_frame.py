"""The read model's commitments (``tracker.figures.reading.commitments_frame``)
take the names of organisations and the refs of linked commitments by id,
after reading, instead of joining them in for each row: the frame is the
one the joins give, value for value and type for type, on both databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from tests.actors import ADMIN
from tracker.figures import data as queries
from tracker.figures import reading
from tracker.imports.apply import import_file

# Organisations with and without identifiers, a commitment with no recipient,
# a re-announcement, a pot with two shares (E1 announced before its pot), an
# undated commitment.
COMMITMENTS = (
    "ref,announced_on,funder,funder_id,recipient,recipient_id,purpose,kind,amount,first_year,reannounces,part_of\n"
    "A1,2021-05-01,Welsh Government,GB-GOR-WG,Newport City Council,GB-LAE-NWP,Roads,one-off,1000,2021-22,,\n"
    "A2,2021-06-01,Welsh Government,GB-GOR-WG,,,Unallocated,one-off,2000,2021-22,,\n"
    "A3,2022-07-01,Arts Council,,Cardiff Council,,Arts,one-off,3000,2022-23,A1,\n"
    "P1,2021-05-02,Welsh Government,GB-GOR-WG,Welsh Government,GB-GOR-WG,Pot,one-off,9000,2021-22,,\n"
    "S1,2022-08-01,Welsh Government,GB-GOR-WG,Cardiff Council,,Share,one-off,1000,2021-22,,P1\n"
    "E1,2021-04-15,Welsh Government,GB-GOR-WG,Cardiff Council,,Early share,one-off,1000,2021-22,,P1\n"
    "U1,,Arts Council,,,,Undated,one-off,500,2021-22,,\n"
)
NAMES = [*queries.COMMITMENT_COLUMNS, *queries.DETAIL_COLUMNS]


def _joined(connection, names, as_at):
    return reading.ordered_frame(
        connection, reading.visible_commitments, names, as_at, "announced_on", reading.COMMITMENT_DATES
    )


def test_names_and_refs_by_id_are_what_the_joins_give(each_engine, tmp_path: Path) -> None:
    path = tmp_path / "commitments.csv"
    path.write_text(COMMITMENTS, encoding="utf-8")
    import_file("commitments", path, engine=each_engine, actor=ADMIN)
    with each_engine.connect() as connection:
        found = reading.commitments_frame(connection, NAMES, None)
        pd.testing.assert_frame_equal(found, _joined(connection, NAMES, None))
        by_ref = found.set_index("ref")
        assert by_ref.loc["A3", "reannounces_ref"] == "A1" and by_ref.loc["S1", "part_of_ref"] == "P1"
        assert by_ref.loc["A3", "funder"] == "Arts Council" and pd.isna(by_ref.loc["A3", "funder_id"])
        assert pd.isna(by_ref.loc["A2", "recipient"]) and by_ref.loc["A1", "recipient_id"] == "GB-LAE-NWP"

        for few in (["part_of_ref", "commitment_id", "recipient"], ["reannounces_ref", "funder_id"]):
            # in any order, without the ids, refs and dates the mapping and the order need
            joined = _joined(connection, list(dict.fromkeys([*few, "commitment_id", "ref", "announced_on"])), None)[few]
            pd.testing.assert_frame_equal(reading.commitments_frame(connection, few, None), joined)

        # As at 2021-04-20 E1 is seen and its pot is not: no ref by id, where the join
        # found one; the view as loaded drops the link either way.
        early = date(2021, 4, 20)
        seen = reading.commitments_frame(connection, NAMES, early).set_index("ref")
        assert (
            pd.isna(seen.loc["E1", "part_of_ref"]) and _joined(connection, NAMES, early)["part_of_ref"].eq("P1").any()
        )
    loaded = queries.load(each_engine, early).commitments.set_index("ref")
    assert pd.isna(loaded.loc["E1", "part_of_id"]) and pd.isna(loaded.loc["E1", "part_of_ref"])


def test_no_commitments_at_all(each_engine) -> None:
    with each_engine.connect() as connection:
        empty = reading.commitments_frame(connection, NAMES, None)
        assert list(empty.columns) == NAMES and empty.empty
