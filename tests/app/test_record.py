"""Recording new data through the Record page (demo data loaded)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.components import NEW_ORGANISATION
from dashboard.forms import ANNOUNCEMENT, COMMITMENT, DELIVERY, MILESTONE, Kind
from db.session import make_engine
from tests.actors import ADMIN
from tests.app.forms import error_summaries, error_summary, fill_delivery, fill_new_announcement
from tracker.core.limits import LIMITS
from tracker.records import deletion, editing

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
# What fill_new_announcement types into the text boxes (years=2).
TYPED = {
    "record_a_ref": "A7",
    "record_a_announced_on": "01/02/2022",
    "record_a_title": "Data unit for councils",
    "record_c0_ref": "W8",
    "record_c0_purpose": "Data unit",
    "record_c0_years": "2",
    "record_c0_amount": "£250k",
    "record_c0_first_year": "2022-23",
}


def _record() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/record.py").run()
    assert not at.exception
    return at


def _yearly(at: AppTest) -> dict[str, str]:
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception
    return {row.label: f"{row.committed}" for row in at.dataframe[0].value.itertuples()}


def _links(at: AppTest) -> list[tuple[str, str, str]]:
    """Each page link drawn: (its words, the page's address, its query)."""
    return [(link.proto.label, link.proto.page, link.proto.query_string) for link in at.main.get("page_link")]


def test_a_new_announcement_with_a_recurring_commitment_changes_the_overview_totals():
    at = _record()
    fill_new_announcement(at, "01/02/2022", years=2)
    at.button(key="record_a_preview").click().run()
    preview = at.dataframe[0].value
    assert list(preview.columns) == ["ref", "2022-23", "2023-24", "total"]
    assert not at.error

    at.button(key="record_a_save").click().run()
    assert not at.exception
    assert "Saved announcement A7 with 1 commitment" in at.success[0].value
    assert _links(at) == [("See announcement A7", "announcements", "ref=A7")]
    # The form is empty again, with the next free refs: saving twice would need typing it all again.
    assert at.text_input(key="record_a_title").value == at.text_input(key="record_c0_purpose").value == ""
    assert at.selectbox(key="record_a_funder").value is None
    assert (at.text_input(key="record_a_ref").value, at.text_input(key="record_c0_ref").value) == ("A8", "W9")
    assert _yearly(at) == {
        "2020-21": "1500000.00",
        "2021-22": "5400000.00",
        "2022-23": "6650000.00",
        "2023-24": "250000.00",
    }


def test_an_impossible_date_is_shown_beside_its_field_and_nothing_is_saved():
    at = _record()
    fill_new_announcement(at, "31/02/2020", years=2)
    at.button(key="record_a_save").click().run()
    assert not at.exception
    said = "Date announced: there is no such date as '31/02/2020'; write a date like 31/10/2019."
    assert [e.value for e in at.error] == [said]  # beside the field
    assert error_summary(at) == [(said, "record_a_announced_on")]  # and at the top, linking to it
    assert not at.success and not _links(at)
    kept = {key: at.text_input(key=key).value for key in TYPED}
    assert kept == {**TYPED, "record_a_announced_on": "31/02/2020"}  # nothing typed is lost
    assert at.selectbox(key="record_a_funder").value == "Welsh Government"
    assert at.selectbox(key="record_c0_kind").value == "recurring"
    assert _yearly(at) == {"2020-21": "1500000.00", "2021-22": "5400000.00", "2022-23": "6400000.00"}


def test_a_delivery_recorded_on_the_page_counts_as_delivered():
    at = _record()
    fill_delivery(at)
    at.button(key="record_d_save").click().run()
    assert not at.exception and "Saved delivery D8 against W7" in at.success[0].value
    assert _links(at) == [("See commitment W7 on its announcement", "announcements", "ref=A5")]
    assert at.selectbox(key="record_d_commitment_ref").value is None  # the form is empty again
    assert [at.text_input(key=f"record_d_{name}").value for name in ("paid_on", "amount")] == ["", ""]
    assert at.text_input(key="record_d_ref").value == "D9"  # the next free ref
    at.switch_page("app_pages/overview.py").run()
    delivered = {row.label: f"{row.delivered}" for row in at.dataframe[0].value.itertuples()}
    assert delivered["2022-23"] == "6350000.00"  # 5,950,000 illustrative + 400,000


def test_a_milestone_recorded_on_the_page_is_listed_and_a_bad_date_is_shown_beside_its_field():
    at = _record()
    at.selectbox(key="record_m_commitment_ref").set_value("W7")
    at.text_input(key="record_m_ref").input("M3")
    at.text_input(key="record_m_title").input("Five projects funded")
    at.text_input(key="record_m_due_on").input("31/02/2023")
    at.button(key="record_m_save").click().run()
    said = "Due on: there is no such date as '31/02/2023'; write a date like 31/10/2019."
    assert [e.value for e in at.error] == [said]
    assert error_summary(at) == [(said, "record_m_due_on")]
    assert not at.success

    assert at.text_input(key="record_m_title").value == "Five projects funded"  # kept to put right
    assert at.selectbox(key="record_m_commitment_ref").value == "W7"

    at.text_input(key="record_m_due_on").input("30/09/2022")
    at.button(key="record_m_save").click().run()
    assert not at.exception and "Saved milestone M3 on W7" in at.success[0].value
    assert not at.error and not error_summaries(at)  # what was said of the refused save goes
    assert at.text_input(key="record_m_title").value == ""
    assert at.text_input(key="record_m_ref").value == "M4"
    at.switch_page("app_pages/overview.py").run()
    milestones = next(df.value for df in at.dataframe if "title" in df.value.columns)
    assert "Five projects funded" in list(milestones["title"])


def test_every_text_box_stops_typing_at_the_limit_a_save_enforces():
    at = _record()
    boxes = {box.key: box for box in [*at.text_input, *at.text_area]}
    for prefix, form in (
        ("record_a_", ANNOUNCEMENT),
        ("record_c0_", COMMITMENT),
        ("record_d_", DELIVERY),
        ("record_m_", MILESTONE),
    ):
        for field in form.fields:
            if field.kind in (Kind.TEXT, Kind.AREA):
                assert boxes[prefix + field.name].max_chars == LIMITS[field.name], prefix + field.name
    quote = at.text_area(key="record_a_quote")
    assert quote.max_chars == 5_000
    quote.input("x" * 100_000).run()
    assert at.text_area(key="record_a_quote").value == ""  # refused whole, as the browser refuses the keystrokes
    at.text_area(key="record_a_quote").input("x" * 5_000).run()
    assert at.text_area(key="record_a_quote").value == "x" * 5_000

    at.selectbox(key="record_a_funder").set_value(NEW_ORGANISATION).run()
    assert at.text_input(key="record_a_funder_new").max_chars == LIMITS["funder"]


def test_a_recurring_commitment_with_a_yearly_uplift_rises_in_the_schedule():
    at = _record()
    fill_new_announcement(at, "01/02/2022", years=2)
    at.text_input(key="record_c0_uplift_pct").input("10")
    at.selectbox(key="record_c0_capital_or_revenue").set_value("revenue")
    at.button(key="record_a_preview").click().run()
    assert not at.error
    assert at.dataframe[0].value.to_dict("records") == [
        {"ref": "W8", "2022-23": Decimal("250000.00"), "2023-24": Decimal("275000.00"), "total": Decimal("525000.00")}
    ]


def test_each_ref_is_suggested_as_the_next_free_one_and_can_be_changed():
    at = _record()
    suggested = {key: at.text_input(key=key).value for key in ("record_a_ref", "record_c0_ref", "record_d_ref")}
    assert suggested == {"record_a_ref": "A7", "record_c0_ref": "W8", "record_d_ref": "D8"}
    assert at.text_input(key="record_m_ref").value == "M3"
    at.number_input(key="record_a_count").set_value(2).run()
    assert at.text_input(key="record_c1_ref").value == "W9"  # each commitment its own

    at.text_input(key="record_a_ref").input("WG-2022/1").run()
    at.text_input(key="record_a_title").input("Something").run()
    assert at.text_input(key="record_a_ref").value == "WG-2022/1"  # what is typed stays


def test_a_deleted_commitments_ref_is_never_suggested():
    engine = make_engine(os.environ["TRACKER_DATABASE_URL"])
    try:
        w7 = editing.load_for_edit("commitment", "W7", engine=engine)
        deletion.delete("commitment", "W7", expected_version=w7.version, engine=engine, actor=ADMIN)
    finally:
        engine.dispose()
    at = _record()
    assert at.text_input(key="record_c0_ref").value == "W8"  # W7 is deleted, and keeps its ref


def test_the_preview_gives_the_total_and_warns_of_a_total_typed_as_a_yearly_amount():
    at = _record()
    fill_new_announcement(at, years=2)
    at.text_area(key="record_a_quote").input("£2m over two years for a data unit")
    at.text_input(key="record_c0_amount").input("£2m")
    at.button(key="record_a_preview").click().run()
    assert not at.exception and not at.error
    assert at.dataframe[0].value.to_dict("records") == [
        {
            "ref": "W8",
            "2022-23": Decimal("2000000.00"),
            "2023-24": Decimal("2000000.00"),
            "total": Decimal("4000000.00"),
        }
    ]
    assert [w.value for w in at.warning] == [
        "W8: The quote states £2,000,000; £2,000,000 a year for 2 years is £4,000,000. "
        "Did you mean a multi-year amount?"
    ]

    at.selectbox(key="record_c0_kind").set_value("multi-year")
    at.button(key="record_a_preview").click().run()
    assert not at.warning
    assert at.dataframe[0].value.to_dict("records") == [
        {"ref": "W8", "unphased": Decimal("2000000.00"), "total": Decimal("2000000.00")}
    ]


def test_the_preview_of_several_commitments_totals_each_year():
    at = _record()
    at.number_input(key="record_a_count").set_value(2).run()
    fill_new_announcement(at, years=2)
    at.text_input(key="record_c1_purpose").input("Training")
    at.text_input(key="record_c1_amount").input("£100k")
    at.text_input(key="record_c1_first_year").input("2023-24")
    at.button(key="record_a_preview").click().run()
    assert not at.exception
    rows = at.dataframe[0].value.to_dict("records")
    assert rows[-1] == {
        "ref": "All commitments",
        "2022-23": Decimal("250000.00"),
        "2023-24": Decimal("350000.00"),
        "total": Decimal("600000.00"),
    }


FILTERS = {"Funder", "Recipient", "Programme", "Area", "Financial years"}


def test_no_field_of_the_record_forms_is_labelled_like_a_sidebar_filter():
    at = _record()
    at.selectbox(key="record_a_funder").set_value(NEW_ORGANISATION).run()
    widgets = ("text_input", "text_area", "selectbox", "multiselect", "number_input", "select_slider")
    sidebar = {w.label for kind in widgets for w in at.sidebar.get(kind)}
    form = {w.label for kind in widgets for w in at.main.get(kind)}
    assert sidebar >= FILTERS
    assert not {label.split(" (")[0] for label in form} & FILTERS
    assert {"Funder of this announcement", "Recipient organisation (optional)"} <= form
    assert "Funder of this announcement: new organisation's name" in form


def test_the_commitment_pickers_name_each_commitment_with_its_purpose_recipient_and_amount():
    at = _record()
    w7 = "W7 · Problem-statement-led digital transformation projects · Welsh councils · £1,000,000"
    for key in ("record_d_commitment_ref", "record_m_commitment_ref", "record_c0_part_of"):
        assert w7 in at.selectbox(key=key).options, key
    reannounces = at.selectbox(key="record_c0_reannounces").options
    assert reannounces[0] == "Announced before (not recorded here)" and w7 in reannounces
    at.selectbox(key="record_d_commitment_ref").set_value("W7").run()
    assert at.selectbox(key="record_d_commitment_ref").value == "W7"


def test_a_suggested_ref_is_sent_to_the_browser_only_when_it_changes():
    """A value set in the session state is sent to the browser and replaces
    what is being typed there: a ref typed just after choosing a commitment
    was lost when each run set the same suggestion again."""
    at = _record()
    assert at.text_input(key="record_d_ref").proto.set_value  # the first draw puts the suggestion in the box
    at.text_input(key="record_d_amount").input("£10").run()  # another run, the suggestion unchanged
    assert at.text_input(key="record_d_ref").value == "D8"
    assert not at.text_input(key="record_d_ref").proto.set_value
