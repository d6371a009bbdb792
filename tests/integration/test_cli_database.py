"""The ``funding-tracker`` command against a real database, run as a subprocess.

Each run gets ``TRACKER_DATABASE_URL`` pointing at the test's own database
(SQLite file, or the PostgreSQL server in the PostgreSQL run) and
``TRACKER_TODAY=2026-11-27``. A subprocess costs a second or two, so each
test runs as few as it needs; data the command is not under test for is
loaded in-process.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.models import Announcement, AuditEvent, Commitment, Delivery, Milestone, Organisation, ProfileLine
from db.session import NoDatabase, ensure_schema, make_engine, read_session, sqlite_file
from tests.actors import ADMIN, admin
from tests.integration.cli_runner import TODAY, ok, run_cli
from tracker.demo import DEMO_FOLDER, load_demo
from tracker.figures import data as queries
from tracker.imports.apply import import_file

TOTALS_HEADER = ["financial_year", "committed", "delivered", "variance", "new_money", "estimated", "qualifiers"]
# The demo's money is all new, none of it spread; only W2 (2020-21) is "over".
DEMO_QUALIFIERS = {"2020-21": "over"}
DEMO_COMMITTED = {"2020-21": "1500000.00", "2021-22": "5400000.00", "2022-23": "6400000.00"}
MODELS = (Organisation, Announcement, Commitment, ProfileLine, Delivery, Milestone, AuditEvent)


def row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}
    finally:
        engine.dispose()


def _pence(text: str) -> int:
    """The demo file's amounts ('£250,000', '£4.9m'), read independently of tracker.core.money."""
    match = re.fullmatch(r"(-)?£?([\d,]+(?:\.\d+)?)(m)?", text.strip())
    assert match, text
    pounds = Decimal(match[2].replace(",", "")) * (1_000_000 if match[3] else 1)
    return int(pounds * 100) * (-1 if match[1] else 1)


def _fy_label(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def demo_delivered(as_at: date | None = None) -> dict[str, int]:
    """Pence delivered per financial year in tracker/demo/deliveries.csv (ILLUSTRATIVE figures)."""
    totals: dict[str, int] = defaultdict(int)
    with open(DEMO_FOLDER / "deliveries.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            paid_on = date.fromisoformat(row["paid_on"])
            if as_at is None or paid_on <= as_at:
                totals[_fy_label(paid_on)] += _pence(row["amount"])
    return dict(totals)


def pounds(pence: int) -> str:
    return f"{Decimal(pence) / 100:.2f}"


def parse_csv(text: str) -> list[list[str]]:
    assert "\r" not in text, "the Totals CSV uses LF line endings"
    assert not text.startswith("\ufeff"), "the Totals CSV has no BOM"
    return list(csv.reader(io.StringIO(text)))


def expected_demo_rows() -> list[list[str]]:
    delivered = demo_delivered()
    rows = []
    for fy, committed in DEMO_COMMITTED.items():
        committed_pence = int(Decimal(committed) * 100)
        rows.append(
            [
                fy,
                committed,
                pounds(delivered.get(fy, 0)),
                pounds(delivered.get(fy, 0) - committed_pence),
                committed,
                "0.00",
                DEMO_QUALIFIERS.get(fy, ""),
            ]
        )
    return rows


@pytest.fixture
def demo_loaded(engine: Engine) -> Engine:
    """The demo loaded in-process (fast), for tests of commands other than ``demo``."""
    load_demo(engine, actor=ADMIN)
    return engine


def test_demo_then_totals_csv_gives_the_expected_committed_and_delivered_by_year(
    database_url: str, tmp_path: Path
) -> None:
    ok(run_cli(database_url, "demo", cwd=tmp_path))  # into an empty, never-migrated database
    rows = parse_csv(ok(run_cli(database_url, "totals", "--format", "csv", cwd=tmp_path)))

    assert rows[0] == TOTALS_HEADER
    assert {fy: committed for fy, committed, *_ in rows[1:]} == DEMO_COMMITTED
    assert [r[0] for r in rows[1:]] == ["2020-21", "2021-22", "2022-23"]
    assert rows[1:] == expected_demo_rows()


def test_loading_the_demo_twice_changes_nothing(demo_loaded: Engine, database_url: str, tmp_path: Path) -> None:
    counts = row_counts(database_url)
    totals = queries.totals(engine=demo_loaded)

    result = run_cli(database_url, "demo", cwd=tmp_path)  # the second time

    ok(result)
    assert row_counts(database_url) == counts
    assert counts["audit_events"] == sum(n for table, n in counts.items() if table != "audit_events") > 0
    assert queries.totals(engine=demo_loaded).equals(totals)
    assert "created nothing" in result.stdout


def test_demo_if_empty_loads_nothing_into_a_database_that_has_data(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    own = tmp_path / "own.csv"
    own.write_text(
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year\n"
        "OWN1,2024-05-01,Welsh Government,Cyngor Gwynedd,Our own fund,one-off,£2m,2024-25\n",
        encoding="utf-8",
    )
    import_file("commitments", own, engine=engine, actor=admin("test"))
    url = database_url
    before = row_counts(url)

    result = run_cli(url, "demo", "--if-empty", cwd=tmp_path)

    ok(result)
    assert "not loaded" in result.stdout
    assert row_counts(url) == before
    with read_session(engine) as session:
        assert list(session.scalars(select(Commitment.ref))) == ["OWN1"]


def test_totals_as_at_counts_only_announcements_and_payments_made_by_then(
    demo_loaded: Engine, database_url: str, tmp_path: Path
) -> None:
    rows = parse_csv(ok(run_cli(database_url, "totals", "--as-at", "2020-07-01", "--format", "csv", cwd=tmp_path)))

    # 2019-10-25: W1 (£500k a year x3) and W2 (over £1m, 2020-21); 2020-06-26:
    # W3 re-announces W2 and adds nothing. No demo payment was made by then.
    assert demo_delivered(date(2020, 7, 1)) == {}
    assert rows == [
        TOTALS_HEADER,
        ["2020-21", "1500000.00", "0.00", "-1500000.00", "1500000.00", "0.00", "over"],
        ["2021-22", "500000.00", "0.00", "-500000.00", "500000.00", "0.00", ""],
        ["2022-23", "500000.00", "0.00", "-500000.00", "500000.00", "0.00", ""],
    ]


def test_totals_by_recipient_csv_has_recipient_as_its_first_column(
    demo_loaded: Engine, database_url: str, tmp_path: Path
) -> None:
    rows = parse_csv(ok(run_cli(database_url, "totals", "--by", "recipient", "--format", "csv", cwd=tmp_path)))

    assert rows[0] == ["recipient", "recipient_id", *TOTALS_HEADER]
    committed = {(r[0], r[2]): r[3] for r in rows[1:]}
    assert {r[0] for r in rows[1:]} == {
        "Centre for Digital Public Services",
        "Welsh Local Government Association",
        "Welsh councils",
    }
    assert committed[("Welsh councils", "2020-21")] == "1000000.00"  # W2 once, W3 adds nothing
    assert committed[("Welsh councils", "2022-23")] == "1000000.00"
    assert committed[("Welsh Local Government Association", "2021-22")] == "500000.00"
    assert committed[("Centre for Digital Public Services", "2020-21")] == "0.00"  # zero-filled
    per_year: dict[str, Decimal] = defaultdict(Decimal)
    for (_, fy), value in committed.items():
        per_year[fy] += Decimal(value)
    assert {fy: f"{v:.2f}" for fy, v in per_year.items()} == DEMO_COMMITTED


def test_totals_json_gives_amounts_as_exact_strings(demo_loaded: Engine, database_url: str, tmp_path: Path) -> None:
    items = json.loads(ok(run_cli(database_url, "totals", "--format", "json", cwd=tmp_path)))

    assert [item["financial_year"] for item in items] == list(DEMO_COMMITTED)
    for item, (_fy, committed, delivered, variance, *_) in zip(items, expected_demo_rows()):
        assert (item["committed"], item["delivered"], item["variance"]) == (committed, delivered, variance)
        assert item["committed_pence"] == int(Decimal(committed) * 100)
        assert isinstance(item["committed_pence"], int)


def test_importing_a_bad_commitments_file_exits_1_with_a_line_per_bad_row_and_changes_nothing(
    demo_loaded: Engine, database_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year\n"
        "N1,2024-05-01,Welsh Government,Welsh councils,Fine,one-off,£1m,2024-25\n"  # line 2: good
        "N2,2024-05-01,Welsh Government,Welsh councils,Bad amount,one-off,£1.2.3m,2024-25\n"  # line 3
        "N3,2024-05-01,Welsh Government,Welsh councils,Bad kind,sometimes,£1m,2024-25\n"  # line 4
        "N4,2024-13-01,Welsh Government,Welsh councils,Bad date,one-off,£1m,2024-25\n",  # line 5
        encoding="utf-8",
    )
    before = row_counts(database_url)

    result = run_cli(database_url, "import", "commitments", str(bad), cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    problem_lines = [line for line in lines if line.startswith("line ")]
    assert [line.split(":")[0] for line in problem_lines] == ["line 3", "line 4", "line 5"]
    assert (
        problem_lines[0] == "line 3: amount '£1.2.3m': expected an amount like 1000000, £1,000,000.50, £1.5m or £500k"
    )
    assert len(lines) == len(problem_lines) + 1 and "nothing was changed" in lines[-1]
    assert row_counts(database_url) == before


def test_a_bad_as_at_date_exits_2(database_url: str, tmp_path: Path) -> None:
    result = run_cli(database_url, "totals", "--as-at", "31/02/2020", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert "--as-at" in result.stderr and "31/02/2020" in result.stderr


def test_totals_table_shows_headline_money_and_labels_illustrative_deliveries(
    demo_loaded: Engine, database_url: str, tmp_path: Path
) -> None:
    table = ok(run_cli(database_url, "totals", cwd=tmp_path))
    lines = table.splitlines()
    assert lines[0].split() == ["Financial", "year", "Committed", "Delivered", "Variance", "New", "money"]
    assert "2020-21          £1,500,000.00" in table
    assert next(line for line in lines if line.startswith("Total")).split()[1] == "£13,300,000.00"
    assert "Headline money announced: £14,300,000, of which £1,000,000 re-announced earlier commitments." in lines
    assert "Delivered includes 7 ILLUSTRATIVE deliveries (demo figures: none were published)." in lines


# --- no silent database -------------------------------------------------------
# Run from a folder with no database, a command that only reads (or adds to an
# existing database) stops with exit 1 and creates nothing; only the commands
# that set a database up (db upgrade, demo; serve) create data/tracker.db.

NO_DATABASE = "no database at {}; run `funding-tracker db upgrade` or set TRACKER_DATABASE_URL"

REFUSING_COMMANDS = {
    "users list": ("users", "list"),
    "totals": ("totals", "--format", "csv"),
    "export": ("export", "yearly", "--out", "yearly.csv"),
    "review-pack": ("review-pack", "--meeting", TODAY, "--out", "packs"),
    "import": ("import", "commitments", str(DEMO_FOLDER / "commitments.csv")),
    "users add": ("users", "add", "alice", "--role", "viewer"),
}


def run_in_folder(*args: str, cwd: Path, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    """The command run in ``cwd`` with the default database (``data/tracker.db`` there) unless a URL is given."""
    return run_cli(database_url, *args, cwd=cwd, timeout=120)


@pytest.mark.parametrize("args", REFUSING_COMMANDS.values(), ids=REFUSING_COMMANDS.keys())
def test_a_command_run_where_there_is_no_database_refuses_and_creates_none(args: tuple[str, ...], tmp_path: Path):
    result = run_in_folder(*args, cwd=tmp_path)

    assert result.returncode == 1, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.stderr.strip() == NO_DATABASE.format("data/tracker.db")
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == [], "nothing is created: no data/ folder, no output file"


def test_the_refusal_names_the_file_the_database_url_points_at(tmp_path: Path):
    missing = tmp_path / "elsewhere" / "tracker.db"

    result = run_in_folder("users", "list", cwd=tmp_path, database_url=f"sqlite:///{missing}")

    assert result.returncode == 1
    assert result.stderr.strip() == NO_DATABASE.format(missing)
    assert not (tmp_path / "elsewhere").exists()


def test_db_upgrade_creates_the_default_database_and_then_the_other_commands_use_it(tmp_path: Path):
    ok(run_in_folder("db", "upgrade", cwd=tmp_path))
    assert (tmp_path / "data" / "tracker.db").is_file()

    assert ok(run_in_folder("users", "list", cwd=tmp_path)) == "no users yet\n"


def test_demo_creates_the_default_database(tmp_path: Path):
    ok(run_in_folder("demo", cwd=tmp_path))

    assert (tmp_path / "data" / "tracker.db").is_file()
    rows = parse_csv(ok(run_in_folder("totals", "--format", "csv", cwd=tmp_path)))
    assert {fy: committed for fy, committed, *_ in rows[1:]} == DEMO_COMMITTED


def test_ensure_schema_without_create_raises_for_a_missing_file_and_makes_nothing(tmp_path: Path):
    missing = tmp_path / "data" / "tracker.db"

    with pytest.raises(NoDatabase) as raised:
        ensure_schema(f"sqlite:///{missing}", create=False)

    assert raised.value.path == str(missing)
    assert str(raised.value) == NO_DATABASE.format(missing)
    assert list(tmp_path.iterdir()) == []


def test_ensure_schema_without_create_migrates_an_existing_file(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    ensure_schema(url).dispose()

    engine = ensure_schema(url, create=False)
    try:
        assert row_counts(url)["organisations"] == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///data/tracker.db", Path("data/tracker.db")),
        ("sqlite:////srv/tracker/tracker.db", Path("/srv/tracker/tracker.db")),
        ("sqlite:///file:data/t.db?uri=true", Path("data/t.db")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:///file:mem?mode=memory&cache=shared&uri=true", None),
        ("postgresql+psycopg://tracker:secret@db.example/tracker", None),  # the server decides
    ],
)
def test_which_urls_name_a_sqlite_file(url: str, expected: Path | None):
    assert sqlite_file(url) == expected
