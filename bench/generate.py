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

``--as-said`` writes money recorded as announced (issue 13) instead: the same
rows drawn the same way, then more draws from the same generator reshape
them, and seven more columns follow ``status``::

    funder_id,recipient_id,part_of,reannounces,spread,areas,currency

- about 5% ``multi-year`` totals over 2-5 years spread ``even`` and 1% left
  unspread (``spread`` blank: unphased);
- about 5% pots (one-off, with a first year) with 1-3 shares each, about 10%
  of rows in all: ``part_of`` names a pot earlier in the file, the share is a
  one-off in the pot's first year of 1-25% of the pot (so a pot's shares take
  at most 75% of it), announced 0-180 days after its pot;
- about 5% ``reannounces`` = ``earlier``, and 1% re-announce an earlier plain
  row by its ref, with the same money, 1-181 days after it;
- about 10% blank ``first_year`` (unphased money; never a pot, share or
  spread total), 5% of plain recurring rows open-ended (``years`` blank),
  0.5% amount ``0.00``, 2% blank ``announced_on``;
- recipients: 2% blank; 2% one of two charities and two companies that share
  a name pairwise with different identifiers (always with ``recipient_id``);
  the rest carry their organisation's identifier half the time (``funder_id``
  likewise); identifiers are invented, in the org-id style (``GB-GOR-...``,
  ``GB-CHC-...``, ``GB-COH-...``);
- about 30% with 1-3 Welsh principal area codes (``W06000015;W06000022``);
- ``currency`` ``GBP`` or blank, half each.

The default output (without ``--as-said``) is unchanged, byte for byte.

``--deliveries FILE`` also writes deliveries against the commitments just
written (``generate_deliveries``): ``--deliveries-per-commitment`` (3) for
every commitment, in the Deliveries CSV format
``ref,commitment_ref,paid_on,amount,kind,note,illustrative``, from their own
generator (seed + 1), so the commitments file is the same bytes with or
without it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
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


def generate_table(n: int, seed: int = DEFAULT_SEED, *, as_said: bool = False) -> pa.Table:
    """N commitments as a table of string columns, in COLUMNS order (AS_SAID_COLUMNS with ``as_said``)."""
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
    if as_said:
        return _as_said(rng, pa.table({name: columns[name] for name in COLUMNS}), pence)
    return pa.table({name: columns[name] for name in COLUMNS})


# --- --as-said: money recorded as announced (issue 13) ---------------------------------------

AS_SAID_EXTRA = ("funder_id", "recipient_id", "part_of", "reannounces", "spread", "areas", "currency")
AS_SAID_COLUMNS = COLUMNS + AS_SAID_EXTRA

# Invented identifiers in the org-id style (a prefix, a hyphen, text without spaces), one per
# name, for funders and recipients alike (some bodies are both).
ORG_IDS = {
    name: f"GB-GOR-WB{k:04d}"
    for k, name in enumerate(dict.fromkeys([*(f for f, _ in FUNDERS), *RECIPIENTS]), start=1)
    if name != "Welsh councils"  # a group, not a body: never an identifier
}
# Pairs of different bodies with one name: always given with their identifier (a bare name
# matching two organisations is refused).
SAME_NAME = (
    ("Community Digital Trust", "GB-CHC-1100001"),
    ("Community Digital Trust", "GB-CHC-1100002"),
    ("Tech Skills Wales", "GB-COH-09000001"),
    ("Tech Skills Wales", "GB-COH-09000002"),
)
PRINCIPAL_AREAS = (
    "W06000001", "W06000002", "W06000003", "W06000004", "W06000005", "W06000006", "W06000008",
    "W06000009", "W06000010", "W06000011", "W06000012", "W06000013", "W06000014", "W06000015",
    "W06000016", "W06000018", "W06000019", "W06000020", "W06000021", "W06000022", "W06000023",
    "W06000024",
)  # fmt: skip
# Each row's role, in permille of rows (the rest are plain rows).
MULTI_YEAR_EVEN = range(0, 50)
MULTI_YEAR_UNSPREAD = range(50, 60)
EARLIER = range(60, 110)
REANNOUNCES_REF = range(110, 120)
POT = range(120, 220)  # only one-off rows become pots: about half of these
SHARE_TAKES_PERCENT = 50  # of plain rows, while a pot still waits for a share


def _pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def _days_after(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat() if iso else ""


def _as_said(rng: np.random.Generator, base: pa.Table, base_pence: np.ndarray) -> pa.Table:
    """Reshape the default rows into money recorded as announced; more draws from ``rng``."""
    n = base.num_rows
    # Draw every column in a fixed order, after the default ones: changing it changes the file.
    role = rng.integers(0, 1000, n).tolist()
    share_take = (rng.integers(0, 100, n) < SHARE_TAKES_PERCENT).tolist()
    n_shares = rng.integers(1, 4, n).tolist()
    share_pct = rng.integers(1, 26, n).tolist()
    multi_years = rng.integers(2, 6, n).tolist()
    blank_year = (rng.integers(0, 1000, n) < 120).tolist()  # of rows that may be unphased
    open_ended = (rng.integers(0, 100, n) < 5).tolist()
    zero_amount = (rng.integers(0, 1000, n) < 5).tolist()
    target = rng.integers(0, 2**62, n).tolist()
    recipient_kind = rng.integers(0, 1000, n).tolist()
    same_name = rng.integers(0, len(SAME_NAME), n).tolist()
    recipient_has_id = (rng.integers(0, 100, n) < 50).tolist()
    funder_has_id = (rng.integers(0, 100, n) < 50).tolist()
    has_areas = (rng.integers(0, 100, n) < 30).tolist()
    area_count = rng.integers(1, 4, n).tolist()
    area_pick = rng.integers(0, len(PRINCIPAL_AREAS), (n, 3)).tolist()
    gbp = (rng.integers(0, 2, n) == 1).tolist()
    undated = (rng.integers(0, 100, n) < 2).tolist()
    days_after = rng.integers(0, 181, n).tolist()  # a share or re-announcement after its original

    col = {name: base.column(name).to_pylist() for name in COLUMNS}
    ref, kind, first_year, years = col["ref"], col["kind"], col["first_year"], col["years"]
    announced = col["announced_on"]
    pence = base_pence.tolist()
    extra: dict[str, list[str]] = {name: [""] * n for name in AS_SAID_EXTRA}
    part_of, reannounces, spread = extra["part_of"], extra["reannounces"], extra["spread"]
    waiting: list[int] = []  # pots still owed a share, first in first out (one entry per share)
    next_wait = 0
    plain: list[int] = []  # rows a re-announcement may name

    for i in range(n):
        r = role[i]
        phased_only = False  # a pot, a share or a spread total keeps its first year
        if r in MULTI_YEAR_EVEN or r in MULTI_YEAR_UNSPREAD:
            kind[i] = "multi-year"
            years[i] = str(multi_years[i])
            if r in MULTI_YEAR_EVEN:
                spread[i] = "even"
                phased_only = True
        elif next_wait < len(waiting) and r >= POT.stop and share_take[i]:
            pot = waiting[next_wait]
            next_wait += 1
            kind[i], years[i], first_year[i] = "one-off", "1", first_year[pot]
            pence[i] = pence[pot] * share_pct[i] // 100
            part_of[i] = ref[pot]
            announced[i] = _days_after(announced[pot], days_after[i])
            phased_only = True
        elif r in POT and kind[i] == "one-off":
            waiting.extend([i] * n_shares[i])
            phased_only = True
        elif r in EARLIER:
            reannounces[i] = "earlier"
        elif r in REANNOUNCES_REF and plain:
            t = plain[target[i] % len(plain)]
            kind[i], years[i], first_year[i], pence[i] = kind[t], years[t], first_year[t], pence[t]
            reannounces[i] = ref[t]
            announced[i] = _days_after(announced[t], 1 + days_after[i])
            phased_only = True  # as its original
        else:
            if kind[i] == "recurring" and open_ended[i]:
                years[i] = ""
            if zero_amount[i]:
                pence[i] = 0
            plain.append(i)
        if not phased_only and blank_year[i]:
            first_year[i] = ""

        k = recipient_kind[i]
        if k < 20:
            col["recipient"][i] = ""
        elif k < 40:
            col["recipient"][i], extra["recipient_id"][i] = SAME_NAME[same_name[i]]
        elif recipient_has_id[i] and col["recipient"][i] in ORG_IDS:
            extra["recipient_id"][i] = ORG_IDS[col["recipient"][i]]
        if funder_has_id[i]:
            extra["funder_id"][i] = ORG_IDS[col["funder"][i]]
        if has_areas[i]:
            codes = dict.fromkeys(PRINCIPAL_AREAS[a] for a in area_pick[i][: area_count[i]])
            extra["areas"][i] = ";".join(codes)
        if gbp[i]:
            extra["currency"][i] = "GBP"
        if undated[i]:
            announced[i] = ""

    col["amount"] = [_pounds(p) for p in pence]
    return pa.table({name: pa.array(values, pa.string()) for name, values in {**col, **extra}.items()})


# --- --deliveries: payments and spend against the commitments -------------------------------

DELIVERY_COLUMNS = ("ref", "commitment_ref", "paid_on", "amount", "kind", "note", "illustrative")
# (value, weight); ``payment`` and ``spend`` are the importer's aliases; refunds are written positive.
DELIVERY_KINDS = (("disbursement", 55), ("expenditure", 25), ("payment", 5), ("spend", 5), ("refund", 10))
DELIVERY_UNDATED_PERCENT = 10
DELIVERY_CORRECTION_PERMILLE = 10  # of the others: negative corrections
DELIVERY_SHARE_PERCENT = (1, 40)  # of the commitment's amount, each delivery (at least £1)
DEFAULT_DELIVERIES_PER_COMMITMENT = 3


def deliveries_table(commitments: pa.Table, per_commitment: int, seed: int) -> pa.Table:
    """``per_commitment`` deliveries for every row of ``commitments`` (its ``ref``, ``amount``
    and ``first_year`` columns), as a table of string columns in DELIVERY_COLUMNS order.

    Deliveries of one commitment are consecutive (refs ``D0000001`` ...). Each is 1-40% of
    the commitment's amount (at least £1.00); ``paid_on`` a day in the commitment's first
    year (a year 2010-11..2030-31 when it has none), blank for about 10%; ``kind``
    disbursement 55%, expenditure 25%, payment 5%, spend 5%, refund 10%; about 1% of the
    others are negative corrections; ``illustrative`` is ``yes``. Integer draws only.
    """
    if per_commitment < 0:
        raise ValueError("per_commitment must be zero or more")
    n = commitments.num_rows
    m = n * per_commitment
    rng = np.random.Generator(np.random.PCG64(seed))
    # Draw every column in a fixed order: changing this order changes the file.
    share = rng.integers(DELIVERY_SHARE_PERCENT[0], DELIVERY_SHARE_PERCENT[1] + 1, m)
    day = rng.integers(0, 365, m)
    any_year = rng.integers(FIRST_START_YEAR, LAST_START_YEAR + 1, m)
    undated = rng.integers(0, 100, m) < DELIVERY_UNDATED_PERCENT
    kind = _weighted(rng, m, [w for _, w in DELIVERY_KINDS])
    correction = rng.integers(0, 1000, m) < DELIVERY_CORRECTION_PERMILLE

    which = np.repeat(np.arange(n, dtype=np.int64), per_commitment)
    # Amounts are written with exactly two decimals: pence are the digits without the point.
    amount_pence = np.array(pc.cast(pc.replace_substring(commitments.column("amount"), ".", ""), pa.int64()), np.int64)
    pence = np.maximum(100, amount_pence[which] * share // 100)
    first_years = commitments.column("first_year").to_pylist()
    start = np.array([int(fy[:4]) if fy else 0 for fy in first_years], np.int64)[which]
    start = np.where(start > 0, start, any_year)
    low = int(start.min()) if m else FIRST_START_YEAR
    april_first = np.array([f"{y}-04-01" for y in range(low, int(start.max()) + 1 if m else low + 1)], "datetime64[D]")
    paid_days = april_first.astype(np.int64)[start - low] + day  # days since 1970-01-01
    paid_on = pc.cast(pa.array(paid_days.astype(np.int32), pa.date32()), pa.string())
    paid_on = pc.if_else(pa.array(undated), pa.scalar("", pa.string()), paid_on)

    refund = kind == len(DELIVERY_KINDS) - 1
    negative = correction & ~refund
    digits = max(7, len(str(m)))
    ref = pc.binary_join_element_wise(
        "D", pc.utf8_lpad(pc.cast(pa.array(np.arange(1, m + 1, dtype=np.int64)), pa.string()), digits, "0"), ""
    )
    pounds = pc.binary_join_element_wise(
        pc.cast(pa.array(pence // 100), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(pence % 100), pa.string()), 2, "0"),
        ".",
    )
    amount = pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", pounds, ""), pounds)
    note = np.where(negative, 0, np.where(refund, 1, 2))
    columns = {
        "ref": ref,
        "commitment_ref": commitments.column("ref").take(pa.array(which)),
        "paid_on": paid_on,
        "amount": amount,
        "kind": _pick([k for k, _ in DELIVERY_KINDS], kind),
        "note": _pick(["Correction of an earlier line", "Money returned", "Grant payment"], note),
        "illustrative": pa.array(["yes"] * m, pa.string()),
    }
    return pa.table({name: columns[name] for name in DELIVERY_COLUMNS})


def generate_deliveries(
    commitments_csv: str | Path,
    out: str | Path,
    per_commitment: int = DEFAULT_DELIVERIES_PER_COMMITMENT,
    seed: int = DEFAULT_SEED + 1,
) -> Path:
    """Write ``per_commitment`` deliveries for every commitment of ``commitments_csv``
    (a file written by ``generate``) to ``out`` (see ``deliveries_table``)."""
    wanted = ("ref", "amount", "first_year")
    table = pacsv.read_csv(
        commitments_csv,
        convert_options=pacsv.ConvertOptions(
            include_columns=list(wanted), column_types={c: pa.string() for c in wanted}, strings_can_be_null=False
        ),
    )
    write_csv(deliveries_table(table, per_commitment, seed), out)
    return Path(out)


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


def generate(n: int, out: str | Path, seed: int = DEFAULT_SEED, *, as_said: bool = False) -> Path:
    write_csv(generate_table(n, seed, as_said=as_said), out)
    return Path(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of commitments")
    parser.add_argument("out", help="CSV file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--as-said",
        action="store_true",
        help="money recorded as announced (issue 13): multi-year totals, shares of pots, 'earlier', "
        "unphased money, identifiers, areas, currency; seven more columns",
    )
    parser.add_argument(
        "--deliveries",
        metavar="FILE",
        help="also write deliveries against these commitments to FILE (the commitments file is unchanged)",
    )
    parser.add_argument(
        "--deliveries-per-commitment",
        type=int,
        default=DEFAULT_DELIVERIES_PER_COMMITMENT,
        metavar="K",
        help=f"deliveries for every commitment, with --deliveries (default {DEFAULT_DELIVERIES_PER_COMMITMENT})",
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be zero or more")
    if args.deliveries_per_commitment < 0:
        parser.error("--deliveries-per-commitment must be zero or more")
    generate(args.n, args.out, args.seed, as_said=args.as_said)
    if args.deliveries:
        generate_deliveries(args.out, args.deliveries, args.deliveries_per_commitment, args.seed + 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
