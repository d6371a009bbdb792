"""Changing, deleting and restoring records through the "Change a record" and
"Deleted records" pages (demo data loaded)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import AuditEvent
from db.session import make_engine, read_session
from tests.actors import ADMIN, admin
from tests.app.forms import error_summary
from tracker.core.limits import LIMITS
from tracker.records import announcements, commitments, deletion, editing, milestones
from tracker.records.inputs import MilestoneInput
from tracker.records.revisions import baseline_vs_revised

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
DEMO_COMMITTED = {"2020-21": "1500000.00", "2021-22": "5400000.00", "2022-23": "6400000.00"}


@pytest.fixture
def db() -> Iterator:
    engine = make_engine(os.environ["TRACKER_DATABASE_URL"])
    yield engine
    engine.dispose()


def _open(page: str = "change") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


def _picker(at: AppTest, kind: str):
    return next(box for box in at.selectbox if box.label == f"{kind} to change")


def _pick(at: AppTest, kind: str, ref: str) -> None:
    at.segmented_control(key="change_kind").set_value(kind).run()
    _picker(at, kind).set_value(ref).run()
    assert not at.exception


def _links(at: AppTest) -> list[tuple[str, str, str]]:
    """Each page link drawn: (its words, the page's address, its query)."""
    return [(link.proto.label, link.proto.page, link.proto.query_string) for link in at.main.get("page_link")]


def _overview(at: AppTest, column: str) -> dict[str, str]:
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception
    return {row.label: f"{getattr(row, column)}" for row in at.dataframe[0].value.itertuples()}


def _audit_count(db) -> int:
    with read_session(db) as session:
        return session.scalar(select(func.count(AuditEvent.id)))


def test_the_form_opens_with_the_stored_values():
    at = _open()
    _pick(at, "Delivery", "D2")
    assert at.text_input(key="change_f_amount").value == "500000"
    assert at.text_input(key="change_f_paid_on").value == "2022-03-31"
    assert at.selectbox(key="change_f_commitment_ref").value == "W1"


def test_changing_a_commitments_money_needs_a_reason_and_keeps_the_original_profile(db):
    at = _open()
    _pick(at, "Commitment", "W1")
    at.text_input(key="change_f_amount").input("£600,000")
    at.button(key="change_save").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    assert list(baseline_vs_revised(db, "W1")["revised_pence"]) == [50_000_000] * 3

    at.selectbox(key="change_reason").set_value("correction")
    at.button(key="change_save").click().run()
    assert not at.exception and "Saved the change to commitment W1" in at.success[0].value
    assert _links(at) == [("See commitment W1 on its announcement", "announcements", "ref=A1")]
    assert not [box for box in at.selectbox if box.key == "change_reason"]  # the reason went with the form
    revised = baseline_vs_revised(db, "W1")
    assert list(revised["original_pence"]) == [50_000_000] * 3
    assert list(revised["revised_pence"]) == [60_000_000] * 3


def test_a_payment_corrected_on_the_page_changes_the_delivered_figures(db):
    before = _audit_count(db)
    at = _open()
    _pick(at, "Delivery", "D2")
    at.text_input(key="change_f_amount").input("£450,000")
    at.button(key="change_save").click().run()
    assert not at.exception and "Saved the change to delivery D2" in at.success[0].value
    assert _links(at) == [("See commitment W1 on its announcement", "announcements", "ref=A1")]
    assert _audit_count(db) == before + 1
    # The form is closed: nothing is left to save twice; picking D2 again shows what is saved now.
    assert _picker(at, "Delivery").value is None
    assert not [box for box in at.text_input if box.key == "change_f_amount"]
    assert "D2 · £450,000 on 31 Mar 2022 against W1" in _picker(at, "Delivery").options
    _picker(at, "Delivery").set_value("D2").run()
    assert at.text_input(key="change_f_amount").value == "450000"
    assert _overview(at, "delivered")["2021-22"] == "5350000.00"  # 4,900,000 + 450,000 (was 500,000)


def test_a_bad_value_is_shown_beside_its_field_and_nothing_changes(db):
    before = _audit_count(db)
    at = _open()
    _pick(at, "Delivery", "D2")
    at.text_input(key="change_f_paid_on").input("31/02/2022")
    at.button(key="change_save").click().run()
    assert not at.exception
    said = "Paid on: there is no such date as '31/02/2022'; write a date like 31/10/2019."
    assert [e.value for e in at.error] == [said]
    assert error_summary(at) == [(said, "change_f_paid_on")]
    assert not at.success
    assert at.text_input(key="change_f_paid_on").value == "31/02/2022"  # what was typed stays, to put right
    assert _picker(at, "Delivery").value == "D2"
    assert editing.load_for_edit("delivery", "D2", engine=db).value.paid_on == "2022-03-31"
    assert _audit_count(db) == before


def test_an_announcements_own_fields_change_and_the_register_shows_them():
    at = _open()
    _pick(at, "Announcement", "A4")
    at.text_input(key="change_f_title").input("CDPS core grant (corrected title)")
    at.button(key="change_save").click().run()
    assert not at.exception and "Saved the change to announcement A4" in at.success[0].value
    assert _links(at) == [("See announcement A4", "announcements", "ref=A4")]
    assert _picker(at, "Announcement").value is None
    at.switch_page("app_pages/announcements.py").run()
    assert "CDPS core grant (corrected title)" in list(at.dataframe[0].value["title"])


def test_a_milestone_marked_achieved_is_shown_as_achieved(db):
    milestones.create_milestone(
        MilestoneInput("M3", "W7", "Five projects funded", due_on="2022-09-30"), engine=db, actor=ADMIN
    )
    at = _open()
    _pick(at, "Milestone", "M3")
    at.text_input(key="change_f_achieved_on").input("15/10/2022")
    at.button(key="change_save").click().run()
    assert not at.exception and "Saved the change to milestone M3" in at.success[0].value
    assert editing.load_for_edit("milestone", "M3", engine=db).value.achieved_on == "2022-10-15"


def test_a_change_saved_by_someone_else_after_opening_is_refused_named_and_what_you_typed_is_kept(db):
    at = _open()
    _pick(at, "Commitment", "W5")
    other = editing.load_for_edit("commitment", "W5", engine=db)
    commitments.update_commitment(
        "W5",
        replace(other.value, purpose="Digital squads (renamed)"),
        expected_version=other.version,
        engine=db,
        actor=admin("Sam"),
    )
    before = _audit_count(db)

    at.text_input(key="change_f_purpose").input("My own wording")
    at.button(key="change_save").click().run()
    assert not at.exception
    assert at.warning[0].value.startswith("This commitment was changed by Sam at ")
    kept = at.dataframe[0].value
    assert kept.to_dict("records") == [
        {"Field": "What it pays for", "You typed": "My own wording", "Saved now": "Digital squads (renamed)"}
    ]
    assert editing.load_for_edit("commitment", "W5", engine=db).value.purpose == "Digital squads (renamed)"
    assert _audit_count(db) == before

    at.button(key="change_reload").click().run()
    assert at.text_input(key="change_f_purpose").value == "Digital squads (renamed)"
    assert "My own wording" in list(at.dataframe[0].value["You typed"])


def test_deleting_needs_a_confirmation_and_takes_the_commitment_out_of_the_totals():
    at = _open()
    _pick(at, "Commitment", "W7")
    assert at.button(key="change_delete").disabled
    at.checkbox(key="change_confirm_delete").check().run()
    at.button(key="change_delete").click().run()
    assert not at.exception and "Deleted commitment W7" in at.success[0].value
    assert _picker(at, "Commitment").value is None
    offered = _picker(at, "Commitment").options
    assert any(o.startswith("W6 · ") for o in offered) and not any(o.startswith("W7 · ") for o in offered)
    assert _overview(at, "committed")["2022-23"] == "5400000.00"


def test_deleting_an_announcement_takes_its_commitments_out_and_an_admin_brings_them_back():
    at = _open()
    _pick(at, "Announcement", "A4")
    assert "Its commitment and that commitment's deliveries leave the totals" in at.markdown[-1].value
    at.checkbox(key="change_confirm_delete").check().run()
    at.button(key="change_delete").click().run()
    assert not at.exception
    assert _overview(at, "committed") == {"2020-21": "1500000.00", "2021-22": "5400000.00", "2022-23": "1500000.00"}

    at.switch_page("app_pages/deleted.py").run()
    listed = at.dataframe[0].value
    assert list(listed["ref"]) == ["A4"] and list(listed["deleted_by"]) == ["test-admin"]
    at.selectbox(key="deleted_pick").set_value("announcement:A4").run()
    at.button(key="deleted_restore").click().run()
    assert not at.exception and "Restored announcement A4" in at.success[0].value
    assert _overview(at, "committed") == DEMO_COMMITTED


def test_the_deleted_records_page_says_when_nothing_is_deleted():
    at = _open("deleted")
    assert [i.value for i in at.info] == ["Nothing has been deleted."]
    assert not at.dataframe


def test_restoring_a_deleted_payment_puts_it_back_in_delivered(db):
    editable = editing.load_for_edit("delivery", "D2", engine=db)
    deletion.delete("delivery", "D2", expected_version=editable.version, engine=db, actor=ADMIN)
    at = _open("deleted")
    assert list(at.dataframe[0].value["ref"]) == ["D2"]
    at.selectbox(key="deleted_pick").set_value("delivery:D2").run()
    at.button(key="deleted_restore").click().run()
    assert not at.exception and "Restored delivery D2" in at.success[0].value
    assert [i.value for i in at.info] == ["Nothing has been deleted."]
    assert _overview(at, "delivered")["2021-22"] == "5400000.00"


def test_the_form_opens_with_the_stored_choices_and_takes_as_many_characters_as_a_save_allows():
    at = _open()
    _pick(at, "Announcement", "A4")
    assert at.text_area(key="change_f_quote").max_chars == LIMITS["quote"]
    assert at.text_input(key="change_f_title").max_chars == LIMITS["title"]
    assert not [box for box in at.text_input if box.key == "change_f_ref"]  # a ref is set once
    _pick(at, "Commitment", "W1")
    assert at.selectbox(key="change_f_kind").value == "recurring"
    assert at.selectbox(key="change_f_kind").options == [
        "One-off",
        "Recurring (each year)",
        "Profiled (amount per year)",
        "Multi-year total (no yearly split)",
    ]
    assert at.selectbox(key="change_f_capital_or_revenue").value == "revenue"
    assert at.text_input(key="change_f_purpose").max_chars == LIMITS["purpose"]
    assert at.text_input(key="change_reason_text").max_chars == LIMITS["reason_text"]


W6 = "W6 · CDPS core grant · Centre for Digital Public Services · £4,900,000"
A4 = "A4 · 17 Aug 2022 · CDPS core grant of £4.9m a year · Welsh Government"  # an announcement: its date and funder


def test_the_pickers_name_each_commitment_with_its_purpose_recipient_and_amount():
    at = _open()
    assert W6 in _picker(at, "Commitment").options
    at.segmented_control(key="change_kind").set_value("Announcement").run()
    assert A4 in _picker(at, "Announcement").options
    at.segmented_control(key="change_kind").set_value("Commitment").run()
    _pick(at, "Commitment", "W1")
    assert W6 in at.selectbox(key="change_f_reannounces").options
    assert W6 in at.selectbox(key="change_f_part_of").options
    assert not any(o.startswith("W1 · ") for o in at.selectbox(key="change_f_part_of").options)  # not itself
    _pick(at, "Delivery", "D2")
    assert at.selectbox(key="change_f_commitment_ref").value == "W1"
    assert (
        "W1 · Chief Digital Officer post and Delivery Unit · Welsh Local Government Association · £500,000"
        in at.selectbox(key="change_f_commitment_ref").options
    )


def test_a_recurring_amount_is_checked_against_its_announcements_quote(db):
    announcement = editing.load_for_edit("announcement", "A1", engine=db)
    announcements.update_announcement(
        "A1",
        replace(announcement.value, quote="£1.5m over three years for a Chief Digital Officer"),
        expected_version=announcement.version,
        engine=db,
        actor=ADMIN,
    )
    at = _open()
    _pick(at, "Commitment", "W1")  # recurring: £500,000 a year for 3 years, £1.5m in all
    assert not at.warning
    at.text_input(key="change_f_amount").input("£1.5m").run()
    assert [w.value for w in at.warning] == [
        "The quote states £1,500,000; £1,500,000 a year for 3 years is £4,500,000. Did you mean a multi-year amount?"
    ]
    at.selectbox(key="change_f_kind").set_value("multi-year").run()
    assert not at.warning
