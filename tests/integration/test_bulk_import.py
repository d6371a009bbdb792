"""Imports save new rows in bulk, a chunk at a time (tracker.imports.bulk):
the same rows and the same audit trail as saving one ORM object at a time,
and still all or nothing when the last chunk goes wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from db.models import AuditEvent
from db.session import ensure_schema, read_session, write_session
from tests.actors import admin
from tracker.files.tabular import DataError, Problem
from tracker.imports import apply, bulk, reading, saving
from tracker.imports import plan as planning
from tracker.imports.plan import plan_import

ACTOR = admin("test:bulk-importer")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "as_said"
TABLES = ["organisations", "announcements", "commitments", "commitment_areas", "profile_lines", "deliveries"]
UNCOMPARED = {"created_at", "updated_at", "occurred_at", "normalised_name"}

PROFILED = (
    "ref,announced_on,funder,funder_id,recipient,recipient_id,purpose,kind,amount,profile,reannounces,areas\n"
    "Q1,2023-05-01,Welsh Government,GB-GOR-WG,Newport City Council,GB-LAE-NWP,Broadband,profiled,3000,"
    "2023-24=1000;2024-25=2000,,W06000022\n"
    "Q2,2023-06-01,Welsh Government,GB-GOR-WG,Newport City Council,GB-LAE-NWP,Broadband again,profiled,3000,"
    "2023-24=1000;2024-25=2000,Q1,W06000022;W92000004\n"
)

# Rows that join what is stored or saved by an earlier chunk: J2 joins J1's own
# announcement (J1 names none) and re-announces Q2, saved by the file before;
# J3 joins announcement AS1 and shares in pot P1, both stored by the first file.
JOINING = (
    "ref,announcement_ref,announced_on,funder,recipient,purpose,kind,amount,first_year,reannounces,part_of\n"
    "J1,,2023-07-01,Welsh Government,WLGA,Own announcement,one-off,100,2023-24,,\n"
    "J2,J1,2023-07-01,Welsh Government,WLGA,Joins J1's,one-off,3000,2023-24,Q2,\n"
    "J3,AS1,2024-01-10,Welsh Government,WLGA,Joins AS1,one-off,300,2024-25,,P1\n"
)

# Each row by what names it, not its id (the order rows are inserted in, and
# so their ids, is the saving's own business); foreign keys likewise.
NATURAL_KEY = {
    "organisations": lambda row, keys: row["name"],
    "announcements": lambda row, keys: row["ref"],
    "commitments": lambda row, keys: row["ref"],
    "deliveries": lambda row, keys: row["ref"],
    "profile_lines": lambda row, keys: (keys["commitments"][row["commitment_id"]], row["financial_year"]),
    "commitment_areas": lambda row, keys: (keys["commitments"][row["commitment_id"]], row["gss_code"]),
}
FOREIGN_KEYS = {
    "funder_id": "organisations",
    "recipient_id": "organisations",
    "announcement_id": "announcements",
    "commitment_id": "commitments",
    "reannounces_id": "commitments",
    "part_of_id": "commitments",
}


def _named(row: dict, keys: dict[str, dict]) -> dict:
    return {
        name: keys[FOREIGN_KEYS[name]].get(value) if name in FOREIGN_KEYS and value is not None else value
        for name, value in row.items()
        if name not in UNCOMPARED and name != "id"
    }


def _rows(engine: Engine) -> dict[str, list]:
    """Every row of the data tables and every audit event, named by natural keys, without timestamps."""
    raw: dict[str, list[dict]] = {}
    with engine.connect() as connection:
        for table in TABLES:
            raw[table] = [dict(row) for row in connection.execute(text(f"SELECT * FROM {table}")).mappings()]
    keys: dict[str, dict] = {}
    for table in TABLES:  # in an order where a key only needs the tables before it
        keys[table] = {row["id"]: NATURAL_KEY[table](row, keys) for row in raw[table]}
    out: dict[str, list] = {table: sorted(repr(_named(row, keys)) for row in raw[table]) for table in TABLES}
    with read_session(engine) as session:
        out["audit"] = sorted(
            repr(
                (
                    e.action,
                    e.entity,
                    keys[e.entity][e.entity_id],
                    _named(e.before or {}, keys),
                    _named(e.after or {}, keys),
                    e.actor,
                )
            )
            for e in session.scalars(select(AuditEvent))
        )
    return out


def _row_by_row(engine: Engine, kind: str, path: Path) -> None:
    """What the import saved before it saved in bulk: one ORM object at a time (the demo loader still does)."""
    parsed = reading.read_parsed(reading.kind_of(kind), path, path.name)
    records = parsed.records
    assert parsed.checkable and not parsed.problems and not parsed.row_problems
    with write_session(engine) as session:
        result = saving.ImportResult()
        if kind == "commitments":
            saving.save_commitments(session, apply.targets_first(records), ACTOR, result)
        else:
            saving.save_deliveries(session, records, ACTOR, result)


@pytest.mark.parametrize("chunk", [1, 2, 5000])
def test_bulk_saving_stores_and_audits_what_saving_row_by_row_did(tmp_path: Path, monkeypatch, chunk: int) -> None:
    monkeypatch.setattr(apply, "SAVE_CHUNK", chunk)  # links across chunks too
    profiled = tmp_path / "profiled.csv"
    profiled.write_text(PROFILED, encoding="utf-8")
    joining = tmp_path / "joining.csv"
    joining.write_text(JOINING, encoding="utf-8")
    files = [("commitments", FIXTURES / "commitments.csv"), ("commitments", profiled), ("commitments", joining)]
    files.append(("deliveries", FIXTURES / "deliveries.csv"))
    engines = {}
    for name in ("row_by_row", "bulk"):
        (tmp_path / name).mkdir()
        engines[name] = ensure_schema(f"sqlite:///{tmp_path / name / 'tracker.db'}")
    for kind, path in files:
        _row_by_row(engines["row_by_row"], kind, path)
        apply.import_file(kind, path, engine=engines["bulk"], actor=ACTOR)

    expected, saved = _rows(engines["row_by_row"]), _rows(engines["bulk"])
    assert all(saved[table] for table in TABLES)
    assert any("'reannounces_id': 'Q1'" in row for row in saved["commitments"])
    assert any("'part_of_id': 'P1'" in row for row in saved["commitments"])
    joined = [row for row in saved["commitments"] if "'ref': 'J" in row]
    assert len(joined) == 3 and sum("'announcement_id': 'J1'" in row for row in joined) == 2
    assert any("'announcement_id': 'AS1'" in row and "'ref': 'J3'" in row for row in joined)
    assert sum(row.startswith("('create'") for row in saved["audit"]) >= len(saved["commitments"])
    for table in [*TABLES, "audit"]:
        assert saved[table] == expected[table], table


def test_a_bad_row_in_the_last_chunk_imports_nothing(each_database_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(apply, "SAVE_CHUNK", 100)
    engine = ensure_schema(each_database_url)
    rows = [f"B{n},2023-05-01,Welsh Government,Welsh councils,Line {n},one-off,1000,2023-24\n" for n in range(250)]
    rows[-1] = "B249,2023-05-01,Welsh Government,Welsh councils,Line 249,one-off,a lot,2023-24\n"
    path = tmp_path / "many.csv"
    path.write_text("ref,announced_on,funder,recipient,purpose,kind,amount,first_year\n" + "".join(rows))
    before = _rows(engine)

    with pytest.raises(DataError) as refused:
        apply.import_file("commitments", path, engine=engine, actor=ACTOR)

    assert [(p.line, p.column, p.value) for p in refused.value.problems] == [(251, "amount", "a lot")]
    assert _rows(engine) == before


def test_a_problem_found_while_saving_the_last_chunk_undoes_the_chunks_before(
    each_database_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(apply, "SAVE_CHUNK", 100)
    engine = ensure_schema(each_database_url)
    rows = [f"B{n},2023-05-01,Welsh Government,Welsh councils,Line {n},one-off,1000,2023-24\n" for n in range(250)]
    path = tmp_path / "many.csv"
    path.write_text("ref,announced_on,funder,recipient,purpose,kind,amount,first_year\n" + "".join(rows))
    plan = plan_import("commitments", path, path.name, engine=engine)
    assert plan.counts["create"] == 250
    before = _rows(engine)
    real = bulk.insert_commitments
    chunks: list[int] = []

    def refuses_the_last_chunk(session, records, *args):
        chunks.append(len(records))
        if len(chunks) == 3:  # after two chunks were written in the transaction
            assert session.scalar(text("SELECT count(*) FROM commitments")) == 200
            raise DataError([Problem(records[-1].line, "ref", records[-1].ref, "refused for the test")])
        return real(session, records, *args)

    monkeypatch.setattr(bulk, "insert_commitments", refuses_the_last_chunk)
    with pytest.raises(DataError):
        apply.apply_plan(plan, path, engine=engine, actor=ACTOR)

    assert chunks == [100, 100, 50]
    assert _rows(engine) == before


@pytest.mark.parametrize("chunk", [1, 2, 5000])
def test_stored_rows_are_compared_a_chunk_at_a_time_with_the_same_plan(engine: Engine, monkeypatch, chunk: int):
    """Re-importing a file compares its stored rows a chunk at a time (each stored
    commitment's graph read and let go): the plan is the same whatever the chunk."""
    original = (FIXTURES / "commitments.csv").read_bytes()
    apply.import_file("commitments", FIXTURES / "commitments.csv", engine=engine, actor=ACTOR)
    lines = original.decode().splitlines()
    changed = [lines[0], lines[1].replace(",10000000,", ",12000000,"), *lines[2:]]  # P1's money changes
    changed.append("N1,,2024-02-01,Welsh Government,Council X,GB-PLA-1,New one,one-off,5,2024-25,,,,,")
    data = ("\n".join(changed) + "\n").encode()

    def planned() -> tuple:
        plan = plan_import("commitments", data, "again.csv", engine=engine)
        return plan.rows.to_dict("records"), [str(p) for p in plan.problems], plan.counts, plan.versions

    expected = planned()
    monkeypatch.setattr(planning, "CHECK_CHUNK", chunk)
    assert planned() == expected
    _, problems, counts, _ = expected
    assert counts["create"] == 1 and counts["update"] == 1 and counts["unchanged"] == len(lines) - 2
    assert problems == []
