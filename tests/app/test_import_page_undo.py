"""The Import page's "Recent imports": every import listed, and undoing one
(a confirm box first) for whoever may import such a file; the undo itself is
tested in tests/integration/test_import_undo.py."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import AuditEvent, Delivery
from db.session import ensure_schema, read_session
from tests.actors import admin
from tests.app.conftest import TEST_ADMIN
from tracker.demo import DEMO_FOLDER
from tracker.imports.apply import import_file
from tracker.records import deliveries
from tracker.records.inputs import DeliveryInput

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
DEMO_DELIVERIES = (DEMO_FOLDER / "deliveries.csv").read_bytes()
NEW_DELIVERY = b"D8,W7,2023-03-20,1000,disbursement,new,no\n"
NEW_COMMITMENT = "ref,funder,purpose,kind,amount,first_year\nN1,Welsh Government,A new fund,one-off,£10k,2024-25\n"


def _import_page(at: AppTest | None = None) -> AppTest:
    at = (AppTest.from_file(APP, default_timeout=60) if at is None else at).run()
    at.switch_page("app_pages/import_data.py").run()
    assert not at.exception
    return at


def _live_deliveries(url: str) -> set[str]:
    engine = ensure_schema(url)
    try:
        with read_session(engine) as session:
            return set(session.scalars(select(Delivery.ref).where(Delivery.deleted_at.is_(None))))
    finally:
        engine.dispose()


def _recent(at: AppTest):
    return next(df.value for df in at.dataframe if "import" in df.value.columns)


def _import_beside(url: str, tmp_path: Path, kind: str, text: bytes | str) -> int:
    """An import made elsewhere (the command line) by someone else; its number."""
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    engine = ensure_schema(url)
    try:
        outcome = import_file(kind, path, engine=engine, actor=admin("shell:ann"))
    finally:
        engine.dispose()
    assert outcome.import_id is not None
    return outcome.import_id


def test_an_import_saved_on_the_page_is_listed_and_undone_after_a_confirm(app_database):
    at = _import_page()
    assert any("No file has been imported yet." in caption.value for caption in at.caption)
    at.segmented_control(key="import_kind").set_value("deliveries").run()
    at.file_uploader(key="import_file").set_value(("payments.csv", DEMO_DELIVERIES + NEW_DELIVERY, "text/csv")).run()
    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert any("(import 1: it can be undone below)" in success.value for success in at.success)
    assert "D8" in _live_deliveries(app_database)

    recent = _recent(at)
    assert list(recent["import"]) == [1]
    assert (recent["actor"][0], recent["kind"][0], recent["file_name"][0]) == (TEST_ADMIN, "Deliveries", "payments.csv")
    assert (recent["created"][0], recent["updated"][0], recent["undone"][0]) == (1, 0, "")
    assert at.button(key="import_undo").disabled  # nothing chosen, nothing confirmed
    at.selectbox(key="import_undo_pick").set_value(1).run()
    assert at.button(key="import_undo").disabled  # not yet confirmed
    at.checkbox(key="import_undo_sure").check().run()
    at.button(key="import_undo").click().run()

    assert not at.exception
    assert any(s.value.startswith("Undid import 1 (deliveries, payments.csv): deleted 1 delivery") for s in at.success)
    assert "D8" not in _live_deliveries(app_database)
    assert _recent(at)["undone"][0].endswith(f"by {TEST_ADMIN}")
    engine = ensure_schema(app_database)
    try:
        with read_session(engine) as session:
            latest = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    finally:
        engine.dispose()
    assert (latest.action, latest.entity, latest.actor, latest.import_id) == ("delete", "deliveries", TEST_ADMIN, 1)
    assert not [box for box in at.selectbox if box.key == "import_undo_pick"]  # nothing left to undo


def test_finance_may_undo_a_deliveries_import_but_not_a_commitments_one(app_database, app_as, tmp_path):
    commitments = _import_beside(app_database, tmp_path, "commitments", NEW_COMMITMENT)
    payments = _import_beside(app_database, tmp_path, "deliveries", DEMO_DELIVERIES + NEW_DELIVERY)

    at = _import_page(app_as("finance"))

    assert list(_recent(at)["import"]) == [payments, commitments]  # every import is listed
    assert [o.split(":")[0] for o in at.selectbox(key="import_undo_pick").options] == [str(payments)]


def test_a_refused_undo_says_why_and_changes_nothing(app_database, tmp_path):
    number = _import_beside(app_database, tmp_path, "deliveries", DEMO_DELIVERIES + NEW_DELIVERY)
    engine = ensure_schema(app_database)
    try:
        with read_session(engine) as session:
            version = session.scalars(select(Delivery.version).where(Delivery.ref == "D8")).one()
        deliveries.update_delivery(
            "D8",
            DeliveryInput(
                ref="D8", commitment_ref="W7", paid_on="2023-03-20", amount="1500", kind="disbursement", note="[x]"
            ),
            expected_version=version,
            engine=engine,
            actor=admin("bob"),
        )
    finally:
        engine.dispose()
    at = _import_page()
    at.selectbox(key="import_undo_pick").set_value(number).run()
    at.checkbox(key="import_undo_sure").check().run()
    at.button(key="import_undo").click().run()

    assert not at.exception
    said = " ".join(error.value for error in at.error)
    assert f"Import {number} cannot be undone; nothing was changed:" in said
    assert "- delivery D8 was changed since the import, by bob at " in said
    assert "D8" in _live_deliveries(app_database)
    assert list(_recent(at)["undone"]) == [""]
