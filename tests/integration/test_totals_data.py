"""``funding-tracker totals`` reads only what its figures need
(``tracker.figures.totals_data``) and prints exactly what the whole read model
(``tracker.figures.data.load``) gives, for every option.

The database holds the demo, the as-said fixture and a few hundred generated
commitments covering every way money is counted: re-announcements (chains,
changed amounts, undated ones, ``earlier``), shares of pots (nested), profiles,
uplifts, spreads (even, by planned dates, none: unphased), money with no
first year, areas, organisations sharing a name, no recipient; deliveries
undated, negative and illustrative; and deletions (a re-announced original, a
pot's announcement, a delivery). The ``as_at`` dates hide some originals and
pots but not what re-announces or shares them.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.models import Announcement, Commitment, Delivery
from db.session import read_session
from tests.actors import ADMIN
from tracker.cli import BY_CHOICES
from tracker.demo import load_demo
from tracker.figures import data as queries
from tracker.figures import totals_data
from tracker.imports.apply import import_file
from tracker.records.deletion import delete

AS_SAID = Path(__file__).resolve().parents[1] / "fixtures" / "as_said"
AREAS = ["W06000015", "W06000011", "W92000004", "W06000001", "E06000001"]
RECIPIENTS = [("", ""), ("Cardiff Council", ""), ("Council X", "GB-PLA-1"), ("Council X", "GB-PLA-2"), ("WLGA", "")]
FUNDERS = ["Welsh Government", "Centre for Digital Public Services"]
COLUMNS = [
    "ref",
    "announced_on",
    "funder",
    "recipient",
    "recipient_id",
    "purpose",
    "programme",
    "kind",
    "amount",
    "first_year",
    "years",
    "qualifier",
    "uplift_pct",
    "reannounces",
    "profile",
    "part_of",
    "spread",
    "planned_start",
    "planned_end",
    "areas",
]


def _label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def _commitments(rng: random.Random, n: int) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    plain: list[dict[str, str]] = []  # what may be re-announced (a re-announcement too: chains)
    pots: list[tuple[dict[str, str], int]] = []  # (pot, pounds left to share)
    for i in range(n):
        recipient, recipient_id = rng.choice(RECIPIENTS)
        day = date(2018, 1, 1) + timedelta(days=rng.randrange(2400))
        year = rng.randrange(2018, 2026)
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            ref=f"G{i:04d}",
            announced_on="" if rng.random() < 0.08 else day.isoformat(),
            funder=rng.choice(FUNDERS),
            recipient=recipient,
            recipient_id=recipient_id,
            purpose=rng.choice(["Digital skills", "Data", "Cyber"]),
            programme=rng.choice(["", "Digital Wales", "Local"]),
            kind="one-off",
            amount=str(rng.randrange(1, 500) * 1000),
            first_year=_label(year),
            qualifier=rng.choice(["exact", "exact", "over", "up to", "about"]),
            areas=";".join(rng.sample(AREAS, rng.randrange(0, 3))),
        )
        shape = rng.random()
        if shape < 0.15 and plain:  # a re-announcement: the same money, or changed
            original = rng.choice(plain[:12] if rng.random() < 0.5 else plain)  # some re-announced often
            row.update({k: original[k] for k in ("kind", "first_year", "years", "uplift_pct", "profile", "spread")})
            row.update(planned_start=original["planned_start"], planned_end=original["planned_end"])
            changed = original["amount"] and rng.random() < 0.6
            row["amount"] = (
                str(max(1000, int(original["amount"]) + rng.randrange(-5, 9) * 1000)) if changed else original["amount"]
            )
            row["reannounces"] = original["ref"]
        elif shape < 0.2:
            row["reannounces"] = "earlier"
        elif shape < 0.32 and pots:  # a share of a pot, in the pot's year
            index = rng.randrange(len(pots))
            pot, left = pots[index]
            pounds = min(left, rng.randrange(1, 40) * 1000)
            if pounds > 0:
                pots[index] = (pot, left - pounds)
                row.update(amount=str(pounds), first_year=pot["first_year"], part_of=pot["ref"])
                if rng.random() < 0.5:
                    pots.append((row, pounds // 2))  # a share may be a pot itself
        elif shape < 0.42:
            row.update(kind="recurring", years=str(rng.randrange(2, 6)))
            if rng.random() < 0.4:
                row["uplift_pct"] = rng.choice(["2.5", "3", "1.25"])
        elif shape < 0.5:
            row.update(kind="recurring", years="")  # a year a year, end not stated
        elif shape < 0.58:
            row.update(kind="profiled", first_year="", amount="")
            row["profile"] = f"{_label(year)}={rng.randrange(1, 90)}000;{_label(year + 2)}={rng.randrange(1, 90)}000"
            row["amount"] = ""
        elif shape < 0.7:
            row.update(kind="multi-year", years=str(rng.randrange(2, 5)))
            how = rng.choice(["", "even", "planned-dates"])
            row["spread"] = how
            if how == "planned-dates":
                start = date(year, 4, 1) + timedelta(days=rng.randrange(200))
                row.update(planned_start=start.isoformat(), planned_end=(start + timedelta(days=500)).isoformat())
        elif shape < 0.8:
            row["first_year"] = ""  # unphased
        elif shape < 0.9:
            pots.append((row, int(row["amount"]) * 3 // 4))
        rows.append(row)
        if not row["part_of"] and row["reannounces"] != "earlier":  # chains of re-announcements too
            plain.append(row)
    return rows


def _deliveries(rng: random.Random, refs: list[str]) -> list[dict[str, str]]:
    rows = []
    for i in range(len(refs) * 2):
        day = date(2018, 4, 1) + timedelta(days=rng.randrange(3300))
        kind = rng.choice(["disbursement", "expenditure", "refund"])
        rows.append(
            {
                "ref": f"GD{i:04d}",
                "commitment_ref": rng.choice(refs),
                "paid_on": "" if rng.random() < 0.05 else day.isoformat(),
                "amount": str(rng.randrange(1, 50) * 500),
                "kind": kind,
                "note": "",
                "illustrative": rng.choice(["yes", "no"]),
            }
        )
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _version(engine: Engine, model, ref: str) -> int:
    with read_session(engine) as session:
        return session.scalar(select(model.version).where(model.ref == ref))


@pytest.fixture
def varied(engine: Engine, tmp_path: Path) -> Engine:
    load_demo(engine, actor=ADMIN)
    import_file("commitments", AS_SAID / "commitments.csv", engine=engine, actor=ADMIN)
    import_file("deliveries", AS_SAID / "deliveries.csv", engine=engine, actor=ADMIN)
    rng = random.Random(14)
    rows = _commitments(rng, 300)
    import_file("commitments", _write(tmp_path / "c.csv", rows), engine=engine, actor=ADMIN)
    refs = [row["ref"] for row in rows]
    import_file("deliveries", _write(tmp_path / "d.csv", _deliveries(rng, refs)), engine=engine, actor=ADMIN)
    original = next(row["reannounces"] for row in rows if row["reannounces"] not in ("", "earlier"))
    delete("commitment", original, expected_version=_version(engine, Commitment, original), engine=engine, actor=ADMIN)
    with read_session(engine) as session:
        pot = session.scalar(select(Commitment).where(Commitment.ref == "P1"))
        announcement = pot.announcement.ref
        delivery = session.scalar(select(Delivery.ref).order_by(Delivery.ref).limit(1))
    for model, ref in (("announcement", announcement), ("delivery", delivery)):
        version = _version(engine, Announcement if model == "announcement" else Delivery, ref)
        delete(model, ref, expected_version=version, engine=engine, actor=ADMIN)
    return engine


AS_AT = [None, date(2020, 7, 1), date(2021, 6, 30), date(2024, 1, 20), date(1990, 1, 1)]


def _same_for_every_option(engine: Engine, as_at: date | None) -> None:
    whole = queries.load(engine, as_at=as_at)
    for by in (None, *BY_CHOICES):
        lean = totals_data.load(engine, as_at=as_at, by=by)
        for form in ("table", "csv", "json"):
            expected = totals_data.report(whole, by=by, form=form, as_at=as_at)
            assert totals_data.report(lean, by=by, form=form, as_at=as_at) == expected, (by, form)


@pytest.mark.parametrize("as_at", AS_AT, ids=str)
def test_totals_read_lean_print_what_the_whole_read_model_gives(varied: Engine, as_at: date | None) -> None:
    _same_for_every_option(varied, as_at)


@pytest.mark.parametrize("as_at", [None, date(2020, 7, 1)], ids=str)
def test_totals_of_the_demo_alone_print_what_the_whole_read_model_gives(engine: Engine, as_at: date | None) -> None:
    load_demo(engine, actor=ADMIN)  # few rows: a year with one qualifier, a recipient with none
    _same_for_every_option(engine, as_at)


def test_the_generated_data_counts_money_every_way(varied: Engine) -> None:
    """The comparison above means something: re-announcements replace money,
    shares sit inside pots, some money is estimated and some unphased."""
    text = totals_data.report(queries.load(varied), form="table")
    assert "re-announced earlier commitments" in text and "is shares inside their pots" in text
    assert "Estimated:" in text and "Unphased:" in text and "ILLUSTRATIVE" in text
    lean = totals_data.load(varied, as_at=date(2024, 1, 20))
    assert "Headline money announced" in totals_data.report(lean, form="table")
    linked = lean.commitments["reannounces_id"].notna() | lean.commitments["part_of_id"].notna()
    assert linked.sum() > 20
