"""What the backup and restore tests share: running the command in-process,
reading every row of a database, and the figures ``totals`` prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from db.session import ensure_schema, make_engine
from tests.actors import ADMIN
from tracker.cli import main
from tracker.demo import load_demo

TODAY = "2026-11-27"


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


Cli = Callable[..., Ran]


def make_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli(url, *args)``: ``funding-tracker ARGS`` against the database at ``url``, in this process
    (each test file's ``cli`` fixture)."""

    def run(url: str, *args: str) -> Ran:
        monkeypatch.setenv("TRACKER_DATABASE_URL", url)
        monkeypatch.setenv("TRACKER_TODAY", TODAY)
        capsys.readouterr()  # what came before is not this command's
        code = main(list(args))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


def backup_path(folder: Path, url: str, name: str = "tracker-backup") -> Path:
    return folder / (name + (".dump" if url.startswith("postgresql") else ".db"))


def contents(url: str, *, leave_out: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Every row of every table (as text, sorted), but the tables ``leave_out`` names."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = [t for t in inspect(connection).get_table_names() if t not in leave_out]
            return {
                table: sorted(repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"')))
                for table in tables
            }
    finally:
        engine.dispose()


def scalar(url: str, sql: str, **params: object) -> object:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def execute(url: str, sql: str, **params: object) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()


def figures(cli: Cli, url: str) -> tuple[str, str]:
    """What ``totals`` prints: the Totals CSV, and the JSON by funder."""
    plain = cli(url, "totals", "--format", "csv")
    by_funder = cli(url, "totals", "--by", "funder", "--format", "json")
    assert plain.code == 0 and by_funder.code == 0, plain.err + by_funder.err
    return plain.out, by_funder.out


def commitments_csv(path: Path, rows: int, prefix: str) -> Path:
    """A commitments file of ``rows`` one-off commitments, each with its own announcement."""
    lines = ["ref,announced_on,funder,recipient,purpose,kind,amount,first_year"]
    lines += [
        f"{prefix}-{i:05d},2023-07-01,Welsh Government,Council {i % 40},Purpose {i},one-off,{1000 + i},2023-24"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def demo_database(url: str) -> None:
    """A migrated database at ``url`` holding the demo data."""
    engine = ensure_schema(url)
    try:
        load_demo(engine, actor=ADMIN)
    finally:
        engine.dispose()
