"""The JSON API (``tracker.api``) in process, through FastAPI's TestClient, on the demo data.

The figures are the CLI's: ``/api/totals`` rows equal what ``funding-tracker
totals --format json`` prints (``totals_data.report(..., form="json")``, and
once the real command). Records are listed a page at a time in ref order,
filtered, looked up one by one; errors are JSON with the right status;
access follows tokens and public mode; ``/api/changes`` reports an import
and an edit without naming who made them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from starlette.applications import Starlette
from starlette.routing import Mount

from db.models import Announcement, AuditEvent, Delivery
from db.session import read_session
from tests.actors import ADMIN
from tracker import accounts
from tracker.api import access, create_app
from tracker.demo import load_demo
from tracker.figures import totals_data
from tracker.imports.apply import import_file
from tracker.records.deletion import delete

with warnings.catch_warnings():  # Starlette 1.10 would rather its test client used httpx2 (a UserWarning)
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

EXTRA = """ref,announcement_ref,announced_on,funder,recipient,recipient_id,purpose,programme,kind,amount,first_year,years,areas
X1,AX,2023-05-01,Welsh Government,Cardiff Council,GB-LAE-CRF,Digital front door,Digital Councils Fund,one-off,"£250,000",2023-24,,W06000015
X2,AX,2023-05-01,Welsh Government,Swansea Council,,Cloud migration,Digital Councils Fund,recurring,"£100,000",2023-24,2,W06000011;W06000015
"""
DEMO_COMMITMENTS = ["W1", "W2", "W3", "W5", "W6", "W7"]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def demo(engine: Engine, tmp_path: Path) -> Engine:
    """The demo, and two commitments with areas and an identified recipient."""
    load_demo(engine, actor=ADMIN)
    import_file("commitments", _write(tmp_path, "extra.csv", EXTRA), engine=engine, actor=ADMIN)
    return engine


def _user(engine: Engine, name: str, roles: list[str]) -> str:
    """A user with ``roles`` and their API token."""
    accounts.add_user(name, roles, engine=engine, actor=ADMIN, password="a long enough passphrase 1")
    return access.issue_token(name, engine=engine, actor=ADMIN)


@pytest.fixture
def client(demo: Engine) -> TestClient:
    return TestClient(create_app(demo))


@pytest.fixture
def viewer(demo: Engine) -> dict[str, str]:
    return {"Authorization": f"Bearer {_user(demo, 'vera', ['viewer'])}"}


@pytest.fixture
def admin(demo: Engine) -> dict[str, str]:
    return {"Authorization": f"Bearer {_user(demo, 'ada', ['admin'])}"}


def _floats(value) -> list:
    """Every float anywhere in a JSON value (money must never be one)."""
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []


# --- the figures are the CLI's ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "as_at"),
    [
        (None, None),
        ("funder", None),
        ("recipient", None),
        ("programme", date(2021, 1, 1)),
        ("purpose", None),
        ("area", None),
        (None, date(2020, 7, 1)),
        ("recipient", date(2019, 12, 31)),
    ],
)
def test_totals_rows_are_those_totals_format_json_prints(client, viewer, demo, by, as_at):
    expected = json.loads(
        totals_data.report(totals_data.load(demo, as_at=as_at, by=by), by=by, form="json", as_at=as_at)
    )
    query = {k: v for k, v in (("by", by), ("as_at", as_at and as_at.isoformat())) if v}
    answer = client.get("/api/totals", params=query, headers=viewer)

    assert answer.status_code == 200
    assert answer.json() == {
        "rows": expected,
        "prices": {"prices": "nominal", "base_year": None, "deflator_release": None},
    }
    assert expected and not _floats(answer.json())


@pytest.mark.parametrize("fy", ["2020-21", "2022-23", "2023-24", "2030-31"])
def test_totals_of_one_financial_year_are_that_years_rows(client, viewer, demo, fy):
    every = json.loads(totals_data.report(totals_data.load(demo, by="recipient"), by="recipient", form="json"))
    answer = client.get("/api/totals", params={"by": "recipient", "fy": fy}, headers=viewer).json()

    assert answer["rows"] == [row for row in every if row["financial_year"] == fy]
    assert all(row["financial_year"] == fy for row in answer["rows"])


def test_totals_equal_the_real_command_output(client, viewer, demo, database_url, tmp_path):
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url}
    printed = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "totals", "--by", "funder", "--as-at", "2022-12-31", "--format", "json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    answer = client.get("/api/totals?by=funder&as_at=2022-12-31", headers=viewer)

    assert answer.json()["rows"] == json.loads(printed)


def test_the_demo_totals_read_as_the_design_says(client, viewer):
    rows = {row["financial_year"]: row for row in client.get("/api/totals", headers=viewer).json()["rows"]}

    assert rows["2020-21"]["committed"] == "1500000.00" and rows["2020-21"]["committed_pence"] == 150_000_000
    assert rows["2020-21"]["qualifiers"] == "over"
    assert rows["2021-22"]["committed"] == "5400000.00"


def test_the_figures_follow_a_change_to_the_data(client, viewer, demo, tmp_path):
    before = client.get("/api/totals?fy=2024-25", headers=viewer).json()["rows"]
    first = client.get("/api/commitments", headers=viewer).json()["total"]
    _write(tmp_path, "more.csv", EXTRA.replace("X1,", "X9,").replace("X2,", "X8,").replace("2023-24", "2024-25"))
    import_file("commitments", tmp_path / "more.csv", engine=demo, actor=ADMIN)

    after = client.get("/api/totals?fy=2024-25", headers=viewer).json()["rows"]
    assert before != after and after[0]["committed"] == "450000.00"  # 250,000 + 100,000 + the 2nd year of X2
    assert client.get("/api/commitments", headers=viewer).json()["total"] == first + 2


# --- lists: paging, order, filters ---------------------------------------------------------


def test_commitments_are_listed_in_ref_order_a_page_at_a_time(client, viewer):
    whole = client.get("/api/commitments", headers=viewer).json()
    assert [row["ref"] for row in whole["rows"]] == sorted([*DEMO_COMMITMENTS, "X1", "X2"])
    assert (whole["page"], whole["per_page"], whole["total"], whole["next"]) == (1, 100, 8, None)

    seen, url, pages = [], "/api/commitments?per_page=3", 0
    while url:
        page = client.get(url, headers=viewer).json()
        assert page["total"] == 8 and page["per_page"] == 3 and len(page["rows"]) <= 3
        seen += [row["ref"] for row in page["rows"]]
        url, pages = page["next"], pages + 1
    assert seen == [row["ref"] for row in whole["rows"]] and pages == 3
    past = client.get("/api/commitments?per_page=3&page=9", headers=viewer).json()
    assert past["rows"] == [] and past["next"] is None and past["total"] == 8


def test_a_commitment_row_carries_its_money_exactly(client, viewer):
    row = client.get("/api/commitments/W1", headers=viewer).json()

    assert row["kind"] == "recurring" and row["amount"] == "500000.00" and row["amount_pence"] == 50_000_000
    assert row["first_year"] == "2020-21" and row["years"] == 3
    assert [y["financial_year"] for y in row["financial_years"]] == ["2020-21", "2021-22", "2022-23"]
    assert row["committed"] == "1500000.00" and row["delivered"] == "1200000.00"
    assert [d["ref"] for d in row["deliveries"]] == ["D1", "D2", "D3"]
    assert [m["ref"] for m in row["milestones"]] == ["M1", "M2"]
    assert not _floats(row)
    restated = client.get("/api/commitments/W3", headers=viewer).json()
    assert restated["reannounces"] == "W2" and restated["headline"] == "1000000.00" and restated["committed"] == "0.00"


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ({"funder": "Welsh Government"}, [*DEMO_COMMITMENTS, "X1", "X2"]),
        ({"recipient": "Cardiff Council"}, ["X1"]),
        ({"recipient": "GB-LAE-CRF"}, ["X1"]),  # by identifier
        ({"recipient": ["Cardiff Council", "Swansea Council"]}, ["X1", "X2"]),  # repeated: any of them
        ({"area": "W06000015"}, ["X1", "X2"]),
        ({"area": "W06000011"}, ["X2"]),
        ({"area": "W06000022"}, []),  # a well-formed code no money names
        ({"programme": "Local Government Digital Transformation Fund"}, ["W2", "W3", "W7"]),
        ({"year": "2024-25"}, ["X2"]),
        ({"year": "2020-21"}, ["W1", "W2", "W3"]),
        ({"year": ["2021-22", "2024-25"]}, ["W1", "W5", "X2"]),
        ({"year": "2023-24", "area": "W06000011"}, ["X2"]),
    ],
)
def test_commitment_filters(client, viewer, query, refs):
    answer = client.get("/api/commitments", params=query, headers=viewer).json()

    assert [row["ref"] for row in answer["rows"]] == refs and answer["total"] == len(refs)


def test_announcement_and_delivery_filters(client, viewer):
    def refs(kind, **query):
        return [row["ref"] for row in client.get(f"/api/{kind}", params=query, headers=viewer).json()["rows"]]

    assert refs("announcements") == ["A1", "A2", "A3", "A4", "A5", "A6", "AX"]
    assert refs("announcements", area="W06000015") == ["AX"]
    assert refs("announcements", year="2020-21") == ["A1", "A2"]  # the statement with no money is left out
    assert refs("deliveries", year="2020-21") == ["D1", "D4"]  # paid in 2020-21
    assert refs("deliveries", programme="Local Government Digital Transformation Fund") == ["D4", "D7"]
    assert refs("deliveries", recipient="Cardiff Council") == []
    announcement = client.get("/api/announcements/A1", headers=viewer).json()
    assert [c["ref"] for c in announcement["commitments"]] == ["W1", "W2"]
    assert announcement["financial_years"] == ["2020-21", "2021-22", "2022-23"]
    assert announcement["headline"] == "2500000.00" and announcement["qualifier"] == "at least"


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/commitments?year=2020", 400, "year"),
        ("/api/commitments?year=2020-22", 400, "year"),
        ("/api/commitments?area=Cardiff", 400, "area"),
        ("/api/commitments?page=0", 400, "page"),
        ("/api/commitments?page=two", 400, "page"),
        ("/api/commitments?per_page=1001", 400, "per_page"),
        ("/api/commitments?page=1&page=2", 400, "page"),
        ("/api/commitments?fundr=Welsh%20Government", 400, "fundr"),  # a misspelt filter never lists everything
        ("/api/commitments?funder=Welsh%20Govt", 422, "funder"),
        ("/api/deliveries?recipient=Nobody", 422, "recipient"),
        ("/api/announcements?programme=No%20such%20fund", 422, "programme"),
        ("/api/totals?by=colour", 400, "by"),
        ("/api/totals?as_at=31/02/2022", 400, "as_at"),
        ("/api/totals?fy=next", 400, "fy"),
        ("/api/changes", 400, "since"),
        ("/api/changes?since=yesterday", 400, "since"),
        ("/api/changes?since=2024-01-01&full=maybe", 400, "full"),
        ("/api/commitments/W1?x=1", 400, "x"),
    ],
)
def test_bad_parameters_are_json_errors_naming_the_parameter(client, viewer, url, status, parameter):
    answer = client.get(url, headers=viewer)

    assert answer.status_code == status
    body = answer.json()
    assert answer.headers["content-type"] == "application/json"
    assert parameter in body["error"] and [p["parameter"] for p in body["problems"]] == [parameter]
    assert body["problems"][0]["expected"]


# --- one record ------------------------------------------------------------------------------------


def test_unknown_and_deleted_records_are_404_but_admins_see_deleted_ones(client, viewer, admin, demo):
    assert client.get("/api/deliveries/D2", headers=viewer).status_code == 200
    with read_session(demo) as session:
        version = session.scalar(select(Delivery.version).where(Delivery.ref == "D2"))
    delete("delivery", "D2", expected_version=version, engine=demo, actor=ADMIN)

    for url in ("/api/deliveries/D2", "/api/commitments/NOPE", "/api/announcements/W1"):
        answer = client.get(url, headers=viewer)
        assert answer.status_code == 404 and "error" in answer.json()
    assert "D2" not in [d["ref"] for d in client.get("/api/commitments/W1", headers=viewer).json()["deliveries"]]
    seen = client.get("/api/deliveries/D2", headers=admin).json()
    assert seen["hidden"] is True and seen["deleted_at"] and seen["record"]["amount_pence"] == 50_000_000
    assert client.get("/api/deliveries/NOPE", headers=admin).status_code == 404


def test_a_ref_with_a_slash_is_one_record(client, viewer, demo, tmp_path):
    _write(
        tmp_path,
        "slash.csv",
        EXTRA.replace("X1,", "WG-2023/01,").splitlines()[0]
        + "\n"
        + EXTRA.replace("X1,", "WG-2023/01,").splitlines()[1]
        + "\n",
    )
    import_file("commitments", tmp_path / "slash.csv", engine=demo, actor=ADMIN)

    assert client.get("/api/commitments/WG-2023/01", headers=viewer).json()["ref"] == "WG-2023/01"


# --- access ------------------------------------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge_unless_public_mode_is_on(client, demo):
    answer = client.get("/api/commitments")
    assert answer.status_code == 401 and answer.headers["www-authenticate"].startswith("Bearer")
    assert "token" in answer.json()["error"]

    access.set_public_api(True, engine=demo, actor=ADMIN)
    assert client.get("/api/commitments").json()["total"] == 8
    assert client.get("/api/changes?since=2020-01-01&full=true").status_code == 403  # what a viewer sees
    bad = client.get("/api/commitments", headers={"Authorization": "Bearer not-a-real-token-at-all-xyz"})
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["www-authenticate"]
    assert client.get("/api/commitments", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401

    access.set_public_api(False, engine=demo, actor=ADMIN)
    assert client.get("/api/commitments").status_code == 401


def test_revoked_replaced_and_disabled_tokens_stop_working(client, demo):
    first = _user(demo, "tom", ["viewer"])
    assert client.get("/api/totals", headers={"Authorization": f"Bearer {first}"}).status_code == 200
    second = access.issue_token("tom", engine=demo, actor=ADMIN)
    assert client.get("/api/totals", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert client.get("/api/totals", headers={"Authorization": f"Bearer {second}"}).status_code == 200

    accounts.disable_user("tom", engine=demo, actor=ADMIN)
    assert client.get("/api/totals", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    accounts.enable_user("tom", engine=demo, actor=ADMIN)
    assert client.get("/api/totals", headers={"Authorization": f"Bearer {second}"}).status_code == 200

    assert access.revoke_token("tom", engine=demo, actor=ADMIN)
    assert client.get("/api/totals", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    assert not access.revoke_token("tom", engine=demo, actor=ADMIN)


def test_a_token_records_its_last_use_without_an_audit_event(client, demo):
    token = _user(demo, "lu", ["viewer"])
    with read_session(demo) as session:
        events = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    assert access.live_tokens(demo).set_index("username").loc["lu", "token_last_used_at"] is None

    client.get("/api/totals", headers={"Authorization": f"Bearer {token}"})
    used = access.live_tokens(demo).set_index("username").loc["lu", "token_last_used_at"]
    assert used is not None and datetime.now(UTC) - used < timedelta(minutes=5)
    with read_session(demo) as session:
        assert session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == events


def test_openapi_is_open_to_all_and_no_page_loads_from_outside(client):
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert {"/api/totals", "/api/commitments", "/api/commitments/{ref}", "/api/changes"} <= set(paths)
    assert not [p for p, methods in paths.items() if set(methods) - {"get"}]  # no write endpoints
    assert client.get("/api/docs").status_code == 404  # Swagger UI would load its script from a CDN


def test_unknown_addresses_and_writes_are_json_errors(client, viewer):
    missing = client.get("/api/nothing-here", headers=viewer)
    assert missing.status_code == 404 and "error" in missing.json()
    for method in ("post", "put", "delete", "patch"):
        answer = getattr(client, method)("/api/commitments/W1", headers=viewer)
        assert answer.status_code == 405 and "error" in answer.json()


# --- changes ---------------------------------------------------------------------------------------


def test_changes_report_an_import_and_an_edit_without_naming_anyone(client, viewer, admin, demo, tmp_path):
    since = datetime.now(UTC)
    _write(tmp_path, "new.csv", EXTRA.replace("X1,", "N1,").replace("X2,", "N2,").replace(",AX,", ",AN,"))
    import_file("commitments", tmp_path / "new.csv", engine=demo, actor=ADMIN)
    edited = 'ref,commitment_ref,paid_on,amount,kind,note,illustrative\nD1,W1,2021-03-31,"£260,000",disbursement,corrected,yes\n'
    import_file("deliveries", _write(tmp_path, "d.csv", edited), engine=demo, actor=ADMIN)

    answer = client.get("/api/changes", params={"since": since.isoformat()}, headers=viewer).json()
    rows = answer["rows"]
    created = {(r["entity"], r["ref"]) for r in rows if r["action"] == "create"}
    assert {("announcements", "AN"), ("commitments", "N1"), ("commitments", "N2")} <= created
    update = next(r for r in rows if r["entity"] == "deliveries")
    assert update["action"] == "update" and update["ref"] == "D1"
    assert {"amount_pence", "note"} <= set(update["changed"]) and "version" not in update["changed"]
    assert update["url"].endswith("/api/deliveries/D1")
    assert answer["total"] == len(rows) and [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert all("actor" not in r for r in rows)
    assert "500000" not in json.dumps(rows) and "260000" not in json.dumps(rows)  # names of fields, never values

    full = client.get("/api/changes", params={"since": since.isoformat(), "full": "true"}, headers=admin).json()
    assert {r["actor"] for r in full["rows"]} == {ADMIN.name}
    assert client.get("/api/changes", params={"since": "2099-01-01"}, headers=viewer).json()["total"] == 0


def test_account_events_are_only_in_the_full_trail(client, viewer, admin, demo):
    since = "2000-01-01T00:00:00Z"
    seen = {r["entity"] for r in client.get(f"/api/changes?since={since}&per_page=1000", headers=viewer).json()["rows"]}
    full = {
        r["entity"]
        for r in client.get(f"/api/changes?since={since}&per_page=1000&full=true", headers=admin).json()["rows"]
    }

    assert {"announcements", "commitments", "deliveries", "milestones"} <= seen
    assert not seen & {"users", "api_tokens", "app_settings"}
    assert {"users", "api_tokens"} <= full
    denied = client.get(f"/api/changes?since={since}&full=true", headers=viewer)
    assert denied.status_code == 403 and "admin" in denied.json()["error"]


def test_changes_are_paged_oldest_first(client, viewer):
    first = client.get("/api/changes?since=2000-01-01&per_page=10", headers=viewer).json()
    second = client.get(first["next"], headers=viewer).json()

    assert len(first["rows"]) == 10 and second["page"] == 2
    assert first["rows"][-1]["id"] < second["rows"][0]["id"]


# --- mounted in another server ---------------------------------------------------------------------


def test_the_app_mounts_under_api_in_another_server(demo, viewer):
    outer = TestClient(Starlette(routes=[Mount("/api", app=create_app(demo, prefix=""))]))

    page = outer.get("/api/commitments?per_page=5", headers=viewer).json()
    assert page["next"] == "http://testserver/api/commitments?per_page=5&page=2"
    assert outer.get(page["next"], headers=viewer).json()["rows"][0]["ref"] == "W7"
    assert outer.get("/api/commitments/W1", headers=viewer).json()["ref"] == "W1"
    assert outer.get("/api/totals").status_code == 401
    assert "/totals" in outer.get("/api/openapi.json").json()["paths"]


def test_records_are_in_the_same_ref_order_on_every_database(each_engine, tmp_path):
    """By character codes, not by the database's collation (PostgreSQL would sort ``a-1`` before ``B2``)."""
    refs = ["b1", "B2", "a-1", "A_1", "Z/9", "10", "9"]
    lines = [EXTRA.splitlines()[0]] + [EXTRA.splitlines()[1].replace("X1,", f"{ref},", 1) for ref in refs]
    import_file("commitments", _write(tmp_path, "refs.csv", "\n".join(lines) + "\n"), engine=each_engine, actor=ADMIN)
    token = _user(each_engine, "ordered", ["viewer"])

    answer = TestClient(create_app(each_engine)).get("/api/commitments", headers={"Authorization": f"Bearer {token}"})
    assert [row["ref"] for row in answer.json()["rows"]] == ["10", "9", "A_1", "B2", "Z/9", "a-1", "b1"]


def test_the_index_names_every_endpoint_to_anyone(client):
    index = client.get("/api").json()
    assert index["openapi"] == "http://testserver/api/openapi.json"
    assert index["endpoints"] == [
        f"http://testserver/api/{name}" for name in ("totals", "announcements", "commitments", "deliveries", "changes")
    ]


def test_account_changes_do_not_make_the_api_work_its_figures_out_again(demo, tmp_path):
    reads = create_app(demo).state.reads
    before = reads.version()
    tables = reads.tables()
    accounts.add_user("newcomer", ["viewer"], engine=demo, actor=ADMIN)
    access.issue_token("newcomer", engine=demo, actor=ADMIN)
    access.set_public_api(True, engine=demo, actor=ADMIN)

    assert reads.version() == before and reads.tables() is tables
    more = EXTRA.replace("X1,", "Y1,").replace("X2,", "Y2,")
    import_file("commitments", _write(tmp_path, "more.csv", more), engine=demo, actor=ADMIN)
    assert reads.version() != before and reads.tables() is not tables


def test_an_announcement_carries_its_welsh_title_and_quote_when_recorded(client, viewer, demo):
    with demo.begin() as connection:
        connection.execute(
            update(Announcement).where(Announcement.ref == "A1").values(title_cy="Cyllid digidol", quote_cy="dros £1m")
        )
    one = client.get("/api/announcements/A1", headers=viewer).json()
    assert (one["title_cy"], one["quote_cy"]) == ("Cyllid digidol", "dros £1m")
    assert client.get("/api/announcements/A2", headers=viewer).json()["title_cy"] is None
