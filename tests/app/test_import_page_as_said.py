"""The Import page with files recorded as the announcement says (issue 13): the
preview shows the later contract's columns the file has, and a name that
could be two organisations is a problem on its row before anything is saved.
(The plan itself: tests/integration/test_import_as_said.py.)"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import AuditEvent, Commitment, Organisation
from db.session import ensure_schema, read_session
from tests.actors import ADMIN
from tracker.imports import describe
from tracker.imports.apply import import_file

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
HEADER = "ref,announced_on,funder,recipient,recipient_id,purpose,kind,amount,first_year,areas,reannounces\n"
TWO_CARDIFFS = HEADER + (
    "C1,2020-01-01,Welsh Government,Cardiff Council,GB-CHC-1111,Digital,one-off,£1m,2020-21,,\n"
    "C2,2020-01-01,Welsh Government,Cardiff  council,GB-CHC-2222,Digital,one-off,£2m,2020-21,,\n"
)
BARE = HEADER + "C3,2021-05-01,Welsh Government,cardiff council,,Broadband,one-off,£500k,,W06000015,earlier\n"


def _import_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/import_data.py").run()
    assert not at.exception
    return at


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.segmented_control(key="import_kind").set_value("commitments").run()
    at.file_uploader(key="import_file").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _counts(url: str) -> tuple[int, int, int]:
    engine = ensure_schema(url)
    try:
        with read_session(engine) as session:
            return tuple(  # type: ignore[return-value]
                session.scalar(select(func.count()).select_from(model))
                for model in (Commitment, Organisation, AuditEvent)
            )
    finally:
        engine.dispose()


def _two_cardiffs(url: str, tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text(TWO_CARDIFFS, encoding="utf-8")
    engine = ensure_schema(url)
    try:
        import_file("commitments", path, engine=engine, actor=ADMIN)
    finally:
        engine.dispose()


def test_the_preview_shows_the_later_contracts_columns_the_file_has(app_database, tmp_path):
    told = BARE.replace("cardiff council,,", "cardiff council,GB-CHC-9999,")

    at = _upload(_import_page(), "commitments.csv", told.encode())

    assert _metrics(at) == {"To create": "1", "To update": "0", "Unchanged": "0", "Problems": "0"}
    rows = at.dataframe[0].value
    assert list(rows.columns) == ["line", "ref", "action", "summary", "changes", "recipient_id", "areas", "reannounces"]
    row = rows.iloc[0]
    assert row["recipient_id"] == "GB-CHC-9999"
    assert row["areas"] == "W06000015 Cardiff"
    assert row["reannounces"] == "announced before"
    assert row["summary"] == (
        "£500,000, year not stated (unphased) to cardiff council (GB-CHC-9999): Broadband (announced before) "
        "(for Cardiff)"
    )


def test_a_name_that_could_be_two_organisations_is_refused_in_the_preview_then_imports_with_its_identifier(
    app_database, tmp_path
):
    _two_cardiffs(app_database, tmp_path)
    before = _counts(app_database)

    at = _upload(_import_page(), "commitments.csv", BARE.encode())

    assert _metrics(at)["Problems"] == "1"
    assert any("1 problem: nothing can be imported" in error.value for error in at.error)
    problems = next(
        df.value for df in at.dataframe if list(df.value.columns) == ["line", "column", "value", "expected"]
    )
    assert list(zip(problems["line"], problems["column"], problems["value"])) == [("2", "recipient", "cardiff council")]
    expected = problems["expected"].iloc[0]
    assert "GB-CHC-1111" in expected and "GB-CHC-2222" in expected and "recipient_id" in expected
    assert at.button(key="import_confirm").disabled
    assert _counts(app_database) == before

    told = BARE.replace("cardiff council,,", "cardiff council,GB-CHC-2222,")
    at.file_uploader(key="import_file").set_value(("told.csv", told.encode(), "text/csv")).run()
    assert not at.exception
    assert _metrics(at) == {"To create": "1", "To update": "0", "Unchanged": "0", "Problems": "0"}
    summary = at.dataframe[0].value["summary"].iloc[0]
    assert "to cardiff council (GB-CHC-2222): Broadband" in summary

    at.button(key="import_confirm").click().run()

    assert not at.exception
    assert any("created 1 commitment" in success.value for success in at.success)
    engine = ensure_schema(app_database)
    try:
        with read_session(engine) as session:
            c3 = session.scalars(select(Commitment).where(Commitment.ref == "C3")).one()
            assert c3.recipient is not None and c3.recipient.org_identifier == "GB-CHC-2222"
    finally:
        engine.dispose()


def test_every_column_the_preview_can_add_has_a_label_on_the_page():
    # The page runs when imported, so its labels are read from its source.
    source = (Path(APP).parent / "app_pages" / "import_data.py").read_text(encoding="utf-8")
    labels = source[source.index("DETAIL_LABELS = {") : source.index("DETAIL_HELP = {")]
    assert [name for name in describe.DETAIL_COLUMNS if f'"{name}":' not in labels] == []
