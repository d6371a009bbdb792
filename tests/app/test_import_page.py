"""The Import page: choose a kind, upload, preview, confirm (on the demo data).

This Streamlit's AppTest can upload (``at.file_uploader(key=...).set_value(
(name, bytes, mime))``), so the page is exercised end to end here; the
preview and apply logic itself is tested in tests/integration/test_import_preview.py.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import AuditEvent, Commitment, Delivery
from db.session import ensure_schema, read_session
from tracker.demo import DEMO_FOLDER
from tracker.records import commitments

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
NEW_DELIVERY = b"D8,W7,2023-03-20,1000,disbursement,new,no\n"
DEMO_DELIVERIES = (DEMO_FOLDER / "deliveries.csv").read_bytes()


def _import_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/import_data.py").run()
    assert not at.exception
    return at


def _upload(at: AppTest, name: str, data: bytes, kind: str = "deliveries") -> AppTest:
    at.segmented_control(key="import_kind").set_value(kind).run()
    at.file_uploader(key="import_file").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _count(url: str, model) -> int:
    engine = ensure_schema(url)
    try:
        with read_session(engine) as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def test_the_page_shows_the_choice_the_uploader_and_what_a_file_should_look_like():
    at = _import_page()

    assert at.title[0].value == "Import"
    assert at.segmented_control(key="import_kind").value == "commitments"
    uploader = at.file_uploader(key="import_file")
    assert sorted(uploader.allowed_type) == [".csv", ".xlsx"]
    assert "200 MB" in uploader.help
    assert any("up to 200 MB" in info.value for info in at.info)
    help_text = " ".join(markdown.value for markdown in at.markdown)
    assert "Required columns:" in help_text and "`first_year`" in help_text
    assert not at.button  # nothing to confirm before a file is chosen


def test_the_instructions_follow_the_kind_of_file():
    at = _import_page()
    at.segmented_control(key="import_kind").set_value("deliveries").run()
    assert not at.exception
    assert "`commitment_ref`" in " ".join(markdown.value for markdown in at.markdown)


def test_a_good_file_is_previewed_then_imported_on_confirm(app_database):
    at = _upload(_import_page(), "payments.csv", DEMO_DELIVERIES + NEW_DELIVERY)

    assert _metrics(at) == {"To create": "1", "To update": "0", "Unchanged": "7", "Problems": "0"}
    rows = at.dataframe[0].value
    assert list(rows.columns) == ["line", "ref", "action", "summary", "changes"]
    assert dict(zip(rows["ref"], rows["action"]))["D8"] == "create"
    confirm = at.button(key="import_confirm")
    assert confirm.label == "Import 1 row" and not confirm.disabled
    assert _count(app_database, Delivery) == 7

    confirm.click().run()

    assert not at.exception
    assert any("created 1 delivery" in success.value for success in at.success)
    assert _count(app_database, Delivery) == 8
    # The preview now finds every row already stored, and there is nothing to confirm.
    assert _metrics(at) == {"To create": "0", "To update": "0", "Unchanged": "8", "Problems": "0"}
    assert at.button(key="import_confirm").disabled


def test_other_pages_show_the_imported_figures_at_once(app_database):
    at = AppTest.from_file(APP, default_timeout=60).run()
    delivered_before = [m.value for m in at.metric]
    at.switch_page("app_pages/import_data.py").run()
    _upload(at, "payments.csv", DEMO_DELIVERIES + b'D8,W7,2023-03-20,"\xc2\xa31,000,000",disbursement,big,no\n')
    at.button(key="import_confirm").click().run()
    assert not at.exception

    at.switch_page("app_pages/overview.py").run()

    assert not at.exception
    assert [m.value for m in at.metric] != delivered_before  # the cached figures were cleared


def test_a_file_with_problems_lists_every_one_and_cannot_be_confirmed(app_database):
    bad = DEMO_DELIVERIES + (
        b"D8,W7,31/02/2023,1000,disbursement,,no\n"
        b"D9,NOPE,2023-03-20,1000,disbursement,,no\n"
        b"D10,W7,2023-03-20,1.000.000,disbursement,,no\n"
    )
    audit_before = _count(app_database, AuditEvent)
    at = _upload(_import_page(), "payments.csv", bad)

    assert _metrics(at)["Problems"] == "3"
    assert any("3 problems: nothing can be imported" in error.value for error in at.error)
    problems = next(
        df.value for df in at.dataframe if list(df.value.columns) == ["line", "column", "value", "expected"]
    )
    assert list(zip(problems["line"], problems["column"], problems["value"])) == [
        ("9", "paid_on", "31/02/2023"),
        ("10", "commitment_ref", "NOPE"),
        ("11", "amount", "1.000.000"),
    ]
    assert at.button(key="import_confirm").disabled
    assert _count(app_database, Delivery) == 7 and _count(app_database, AuditEvent) == audit_before


def test_an_unreadable_file_says_so(app_database):
    at = _upload(_import_page(), "payments.csv", b"\x00\x01\x02binary\x00junk", kind="commitments")
    assert any("not a CSV text file" in str(v) for df in at.dataframe for v in df.value["expected"])
    assert at.button(key="import_confirm").disabled


def test_a_change_to_money_asks_why_before_it_can_be_confirmed(app_database):
    data = (
        (DEMO_FOLDER / "commitments.csv")
        .read_bytes()
        .replace(
            b"Local Government Digital Transformation Fund,one-off,\xc2\xa31m,exact,2022-23",
            b"Local Government Digital Transformation Fund,one-off,\xc2\xa31.5m,exact,2022-23",
        )
    )
    at = _upload(_import_page(), "commitments.csv", data, kind="commitments")

    assert _metrics(at)["To update"] == "1"
    rows = at.dataframe[0].value
    assert dict(zip(rows["ref"], rows["changes"]))["W7"] == "Amount changed from £1,000,000 to £1,500,000"
    if not hasattr(commitments, "update_commitment"):
        assert at.button(key="import_confirm").disabled  # updates by import are not available
        return
    assert at.button(key="import_confirm").disabled  # no reason yet
    at.selectbox(key="import_reason").set_value("correction").run()
    assert not at.button(key="import_confirm").disabled

    at.button(key="import_confirm").click().run()

    assert not at.exception
    assert any("updated 1 commitment" in success.value for success in at.success)
    engine = ensure_schema(app_database)
    try:
        with read_session(engine) as session:
            amount = session.scalar(select(Commitment.amount_pence).where(Commitment.ref == "W7"))
    finally:
        engine.dispose()
    assert amount == 150_000_000
