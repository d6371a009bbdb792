"""The benchmark's reference: yearly committed totals of a commitments CSV, by DuckDB.

    .venv/bin/python bench/reference_duckdb.py FILE > totals.csv

A straightforward whole-process DuckDB run (default threads) of what
``funding-tracker project FILE`` computes for plain one-off and recurring
commitments (no ``reannounces``, ``profile`` or ``uplift_pct``):

- read every column as text (``all_varchar``) with a header row;
- start year = the first four characters of ``first_year`` (``2017-18`` -> 2017);
- ``years`` blank means 1;
- ``amount`` to integer pence exactly (DECIMAL(18,2) x 100, cast to BIGINT);
- each commitment counts its amount in each of ``range(years)`` years from the
  start year; ``SUM`` grouped by year;
- every year from the first to the last with money (a non-zero total),
  ascending, zero-filled;

printed to stdout in the Totals CSV format of ``project``: UTF-8, no BOM, LF line
endings, header ``financial_year,committed``, amounts as plain pounds with two
decimals (``1500000.00``, ``-250.00``). A file with no money prints the header only.
"""

from __future__ import annotations

import sys

import duckdb

QUERY = """
WITH commitments AS (
    SELECT
        CAST(substr(trim(first_year), 1, 4) AS INTEGER) AS start_year,
        CAST(coalesce(nullif(trim(years), ''), '1') AS INTEGER) AS n_years,
        CAST(CAST(trim(amount) AS DECIMAL(18, 2)) * 100 AS BIGINT) AS pence
    FROM read_csv(?, all_varchar = true, header = true)
),
schedule AS (
    SELECT start_year + unnest(range(n_years)) AS start_year, pence
    FROM commitments
),
totals AS (
    SELECT start_year, SUM(pence) AS pence
    FROM schedule
    GROUP BY start_year
),
span AS (
    SELECT min(start_year) AS first, max(start_year) AS last
    FROM totals
    WHERE pence <> 0
)
SELECT y.start_year, coalesce(t.pence, 0) AS pence
FROM span, range(span.first, span.last + 1) AS y(start_year)
LEFT JOIN totals AS t USING (start_year)
ORDER BY y.start_year
"""


def fy_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def plain_pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def totals_csv(path: str) -> str:
    rows = duckdb.connect().execute(QUERY, [path]).fetchall()
    lines = ["financial_year,committed"]
    lines += [f"{fy_label(int(year))},{plain_pounds(int(pence))}" for year, pence in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: reference_duckdb.py FILE", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(totals_csv(argv[0]).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
