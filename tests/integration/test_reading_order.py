"""On SQLite the read model's commitments and deliveries are put in order in
Python (``tracker.figures.reading.ordered_frame``): the same order SQLite's
``ORDER BY`` gives (by date, undated last, then ref byte by byte), which
the engine's counting of re-announcements relies on."""

from __future__ import annotations

from pathlib import Path

from tests.actors import ADMIN
from tracker.figures import data as queries
from tracker.figures import reading
from tracker.imports.apply import import_file

REFS = ["b1", "B1", "a10", "a9", "e-1", "E2", "z", "Z", "x_", "1", "10", "9", "A.1", "a/2", "a:3"]
DATES = ["2023-05-01", "", "2023-05-01", "2021-04-01", "", "2024-01-31", "2023-05-01", "2019-12-31", "", "2021-04-01"]


def test_the_order_is_the_databases_own(engine, tmp_path: Path) -> None:
    commitments = tmp_path / "commitments.csv"
    lines = ["ref,announced_on,funder,recipient,purpose,kind,amount,first_year"]
    for n, ref in enumerate(REFS):
        lines.append(f"{ref},{DATES[n % len(DATES)]},Welsh Government,Council {n % 3},Thing {n},one-off,1000,2023-24")
    commitments.write_text("\n".join(lines) + "\n", encoding="utf-8")
    deliveries = tmp_path / "deliveries.csv"
    rows = ["ref,commitment_ref,paid_on,amount,kind"]
    for n, ref in enumerate(REFS):
        rows.append(f"D{ref},{ref},{DATES[(n + 3) % len(DATES)]},10,disbursement")
        rows.append(f"d{ref},{REFS[-1 - n]},{DATES[(n + 5) % len(DATES)]},5,disbursement")
    deliveries.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_file("commitments", commitments, engine=engine, actor=ADMIN)
    import_file("deliveries", deliveries, engine=engine, actor=ADMIN)

    names = [*queries.COMMITMENT_COLUMNS, *queries.DETAIL_COLUMNS]
    with engine.connect() as connection:
        for visible, columns, by, dates in (
            (reading.visible_commitments, names, "announced_on", reading.COMMITMENT_DATES),
            (reading.visible_deliveries, queries.DELIVERY_READ, "paid_on", ("paid_on",)),
        ):
            sorted_here = reading.ordered_frame(connection, visible, columns, None, by, dates)
            sorted_there = reading.frame(connection, visible(columns, None), columns, dates=dates)
            assert list(sorted_here["ref"]) == list(sorted_there["ref"])
            assert sorted_here.equals(sorted_there)
            assert sorted_here[by].isna().sum() >= 3 and sorted_here[by].iloc[-1] is None  # undated last
