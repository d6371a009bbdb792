"""Generate N commitments in the Commitments CSV format, deterministically.

    .venv/bin/python bench/generate.py 1000000 bench/out/commitments-1000000.csv [--seed 20191031]

The same N and seed give the same bytes on every run (numpy's PCG64 Generator,
integer draws only, so no floating-point maths can differ between machines).
Columns, in order::

    ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,qualifier,status

- ``ref``: unique, ``C0000001`` ... (zero-padded to at least 7 digits);
- ``announced_on``: ISO date 1 to 120 days before 1 April of ``first_year``;
- ``funder`` / ``recipient``: small pools of real Welsh public bodies;
- ``kind``: ``one-off`` (``years`` = 1) or ``recurring`` (``years`` 1..10);
- ``amount``: plain pounds with two decimals, ``1000.00`` .. ``5000000.00``
  (per year for recurring, the total for one-off), about 30% whole thousands;
- ``first_year``: ``2010-11`` .. ``2030-31``;
- ``qualifier``: exact / over / up to / about; ``status``: confirmed / indicative.

No ``reannounces``, ``profile`` or ``uplift_pct`` columns: those take the
projection engine's slower path and are not what this benchmark measures.
No field contains a comma, quote or line break, so nothing is quoted (the
writer refuses such a value rather than quoting it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

DEFAULT_SEED = 20191031

COLUMNS = (
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
    "status",
)

FIRST_START_YEAR = 2010  # 2010-11
LAST_START_YEAR = 2030  # 2030-31
MAX_YEARS = 10
MIN_PENCE = 1_000_00  # £1,000
MAX_PENCE = 5_000_000_00  # £5m

# (name, weight): the Welsh Government announces most of the money.
FUNDERS = (
    ("Welsh Government", 70),
    ("UK Government", 8),
    ("Welsh Local Government Association", 5),
    ("Centre for Digital Public Services", 5),
    ("Cardiff Capital Region", 4),
    ("National Lottery Community Fund", 4),
    ("Arts Council of Wales", 2),
    ("Sport Wales", 2),
)

# The 22 Welsh principal councils plus a few national bodies; one name in
# Welsh so the file is real UTF-8, not just ASCII.
RECIPIENTS = (
    "Blaenau Gwent County Borough Council",
    "Bridgend County Borough Council",
    "Caerphilly County Borough Council",
    "Cardiff Council",
    "Carmarthenshire County Council",
    "Ceredigion County Council",
    "Conwy County Borough Council",
    "Denbighshire County Council",
    "Flintshire County Council",
    "Cyngor Gwynedd",
    "Isle of Anglesey County Council",
    "Merthyr Tydfil County Borough Council",
    "Monmouthshire County Council",
    "Neath Port Talbot Council",
    "Newport City Council",
    "Pembrokeshire County Council",
    "Powys County Council",
    "Rhondda Cynon Taf County Borough Council",
    "Swansea Council",
    "Torfaen County Borough Council",
    "Vale of Glamorgan Council",
    "Wrexham County Borough Council",
    "Welsh Local Government Association",
    "Centre for Digital Public Services",
    "Cyngor Sir Ynys Môn",
    "Welsh councils",
)

PURPOSES = (
    "Chief Digital Officer post and Delivery Unit",
    "Digital transformation of local government",
    "Cyber security resilience",
    "Cloud migration of council systems",
    "Social care records system",
    "Data and analytics skills",
    "Library services modernisation",
    "Broadband for rural schools",
    "Active travel routes",
    "Flood defence maintenance",
    "Homelessness prevention",
    "Free school meals",
    "Town centre regeneration",
    "Welsh language services online",
    "Digital inclusion for older people",
    "Shared contact centre platform",
    "Waste collection route optimisation",
    "Childcare offer administration",
)

# (value, weight)
QUALIFIERS = (("exact", 70), ("over", 10), ("up to", 15), ("about", 5))
STATUSES = (("confirmed", 80), ("indicative", 20))

RECURRING_PERCENT = 50
WHOLE_THOUSANDS_PERCENT = 30
# Amount bands in pence, each equally likely: a rough log-uniform spread.
AMOUNT_BANDS = (
    (MIN_PENCE, 10_000_00),
    (10_000_00, 100_000_00),
    (100_000_00, 1_000_000_00),
    (1_000_000_00, MAX_PENCE + 1),
)
MAX_DAYS_BEFORE_START = 120


def _weighted(rng: np.random.Generator, n: int, weights: list[int]) -> np.ndarray:
    """Indices 0..len(weights)-1 drawn with integer weights (integer draws only)."""
    cumulative = np.cumsum(weights)
    draws = rng.integers(0, int(cumulative[-1]), n)
    return np.searchsorted(cumulative, draws, side="right")


def _pick(pool: list[str] | tuple[str, ...], indices: np.ndarray) -> pa.Array:
    return pa.array(list(pool), pa.string()).take(pa.array(indices, pa.int32()))


def generate_table(n: int, seed: int = DEFAULT_SEED) -> pa.Table:
    """N commitments as a table of string columns, in COLUMNS order."""
    if n < 0:
        raise ValueError("n must be zero or more")
    rng = np.random.Generator(np.random.PCG64(seed))

    # Draw every random column in a fixed order: changing this order changes the file.
    recurring = rng.integers(0, 100, n) < RECURRING_PERCENT
    years = np.where(recurring, rng.integers(1, MAX_YEARS + 1, n), 1)
    start_year = rng.integers(FIRST_START_YEAR, LAST_START_YEAR + 1, n)
    days_before = rng.integers(1, MAX_DAYS_BEFORE_START + 1, n)
    band = rng.integers(0, len(AMOUNT_BANDS), n)
    lows = np.array([lo for lo, _ in AMOUNT_BANDS], np.int64)
    highs = np.array([hi for _, hi in AMOUNT_BANDS], np.int64)
    pence = rng.integers(lows[band], highs[band])  # high exclusive
    whole_thousands = rng.integers(0, 100, n) < WHOLE_THOUSANDS_PERCENT
    pence = np.where(whole_thousands, pence // 1_000_00 * 1_000_00, pence)
    funder = _weighted(rng, n, [w for _, w in FUNDERS])
    recipient = rng.integers(0, len(RECIPIENTS), n)
    purpose = rng.integers(0, len(PURPOSES), n)
    qualifier = _weighted(rng, n, [w for _, w in QUALIFIERS])
    status = _weighted(rng, n, [w for _, w in STATUSES])

    digits = max(7, len(str(n)))
    ref = pc.binary_join_element_wise(
        "C", pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string()), digits, "0"), ""
    )

    # 1 April of each start year, as days since 1970-01-01, minus a few days.
    april_first = {
        y: (np.datetime64(f"{y}-04-01", "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)
        for y in range(FIRST_START_YEAR, LAST_START_YEAR + 1)
    }
    april_days = np.array([april_first[y] for y in range(FIRST_START_YEAR, LAST_START_YEAR + 1)], np.int64)
    announced_days = april_days[start_year - FIRST_START_YEAR] - days_before
    announced_on = pc.cast(pa.array(announced_days.astype(np.int32), pa.date32()), pa.string())

    fy_labels = [f"{y}-{(y + 1) % 100:02d}" for y in range(FIRST_START_YEAR, LAST_START_YEAR + 1)]
    first_year = _pick(fy_labels, start_year - FIRST_START_YEAR)

    amount = pc.binary_join_element_wise(
        pc.cast(pa.array(pence // 100), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(pence % 100), pa.string()), 2, "0"),
        ".",
    )

    columns = {
        "ref": ref,
        "announced_on": announced_on,
        "funder": _pick([name for name, _ in FUNDERS], funder),
        "recipient": _pick(RECIPIENTS, recipient),
        "purpose": _pick(PURPOSES, purpose),
        "kind": _pick(["one-off", "recurring"], recurring.astype(np.int8)),
        "amount": amount,
        "first_year": first_year,
        "years": pc.cast(pa.array(years.astype(np.int64)), pa.string()),
        "qualifier": _pick([q for q, _ in QUALIFIERS], qualifier),
        "status": _pick([s for s, _ in STATUSES], status),
    }
    return pa.table({name: columns[name] for name in COLUMNS})


def write_csv(table: pa.Table, path: str | Path) -> None:
    """Write UTF-8, LF line endings, no BOM, nothing quoted (a value that would
    need quotes makes the writer fail instead)."""
    options = pacsv.WriteOptions(
        include_header=True,
        batch_size=65536,
        delimiter=",",
        quoting_style="none",
        quoting_header="none",
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pacsv.write_csv(table, tmp, write_options=options)
    tmp.replace(path)  # never leave a half-written file under the real name


def generate(n: int, out: str | Path, seed: int = DEFAULT_SEED) -> Path:
    write_csv(generate_table(n, seed), out)
    return Path(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of commitments")
    parser.add_argument("out", help="CSV file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be zero or more")
    generate(args.n, args.out, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
