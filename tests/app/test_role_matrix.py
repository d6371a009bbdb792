"""Roles against pages and against the writes the pages make (AppTest, demo data).

The map (issue 6, dashboard/app.py):

- every role: the figure pages (Overview, Announcements, Headlines, New and recycled, Delivery,
  Review, Finance tables) and Account (with Sign out);
- finance and editor: also Record, Change a record and Import (finance:
  deliveries only on each);
- admin: everything, and Audit trail, Deleted records, Organisations and Users;
- on Review, only a reviewer (or admin) is offered the meeting and status forms.

For each role and page: the navigation offers exactly the allowed pages, and
a forbidden page reached anyway (``switch_page``, as by its address) shows
the refusal and nothing else. For each role and write: an allowed one saves,
named for the signed-in user in the audit trail; a forbidden one is not
offered, and when forced (a form opened while the user still had the right,
saved after an admin took it away) is refused with a message and changes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from db.models import (
    Announcement,
    AppSetting,
    AuditEvent,
    Commitment,
    DeflatorRelease,
    Delivery,
    ProgressStatus,
    ReviewMeeting,
    User,
)
from db.session import make_engine, read_session
from tests.app.conftest import APP, SETUP, add_test_user, offered, sign_in_as
from tests.app.forms import fill_delivery, fill_new_announcement
from tracker import accounts
from tracker.records import deflator_releases, deletion, editing
from tracker.review import recording

ROLES = ("viewer", "reviewer", "finance", "editor", "admin")
FIGURES = [
    "Overview",
    "Announcements",
    "Headlines",
    "New and recycled",
    "Delivery",
    "Review",
    "Finance tables",
    "Areas",
    "Organisations",
    "Search",
]
KEEPING = ["Record", "Change a record", "Import"]
ADMIN = ["Audit trail", "Deleted records", "Manage organisations", "Users", "Deflators"]
YOU = ["Account", "Sign out"]
ALLOWED_PAGES = {
    "viewer": FIGURES + YOU,
    "reviewer": FIGURES + YOU,
    "finance": FIGURES + KEEPING + YOU,
    "editor": FIGURES + KEEPING + YOU,
    "admin": FIGURES + KEEPING + ADMIN + YOU,
}
FILES = {
    "Overview": "overview",
    "Announcements": "announcements",
    "Headlines": "headlines",
    "New and recycled": "new_and_recycled",
    "Delivery": "delivery",
    "Review": "review",
    "Finance tables": "finance",
    "Areas": "areas",
    "Search": "search",
    "Record": "record",
    "Change a record": "change",
    "Import": "import_data",
    "Audit trail": "audit",
    "Deleted records": "deleted",
    "Organisations": "organisations",
    "Manage organisations": "manage_organisations",
    "Users": "users",
    "Deflators": "deflators",
    "Account": "account",
}
NEEDS = {
    "Record": "finance or editor",
    "Change a record": "finance or editor",
    "Import": "finance or editor",
    "Audit trail": "admin",
    "Deleted records": "admin",
    "Manage organisations": "admin",
    "Users": "admin",
    "Deflators": "admin",
}
TITLES = {"Finance tables": "Finance tables", "Change a record": "Change a record"}


def _elements(at: AppTest) -> list:
    return [node for node in at.main if not isinstance(node, Block)]


def _refused(at: AppTest) -> bool:
    """A refusal is shown: the page's, or a write's."""
    return any(
        "do not have access" in e.value or "may not" in e.value or "Nothing was saved" in e.value for e in at.error
    )


# --- pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_offers_exactly_the_pages_of_the_role(role, app_as, navigation):
    at = app_as(role).run()
    assert not at.exception
    assert offered(navigation) == ALLOWED_PAGES[role]
    assert at.title[0].value == "Overview"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(FILES))
def test_a_page_opens_for_its_roles_and_refuses_everyone_else(role, page, app_as):
    at = app_as(role).run()
    at.switch_page(f"app_pages/{FILES[page]}.py").run()
    assert not at.exception
    if page in ALLOWED_PAGES[role]:
        assert not any("do not have access" in e.value for e in at.error)
        assert at.title[0].value == TITLES.get(page, page)
    else:
        (refusal,) = _elements(at)  # the refusal and nothing else: no title, form, table or download
        assert refusal.value.startswith(f"You do not have access to this page (it needs the {NEEDS[page]} role).")
        assert f"signed in as {role}-user with the {role} role" in refusal.value
        assert not at.main.button and not at.main.dataframe and not at.main.text_input


def test_finance_records_corrects_and_imports_deliveries_only(app_as):
    at = app_as("finance").run()
    at.switch_page("app_pages/record.py").run()
    assert [t.label for t in at.tabs] == ["Delivery"]
    assert [b.key for b in at.button] == ["record_d_save"]
    at.switch_page("app_pages/change.py").run()
    assert at.segmented_control(key="change_kind").options == ["Delivery"]
    assert at.segmented_control(key="change_kind").value == "Delivery"
    at.switch_page("app_pages/import_data.py").run()
    assert at.segmented_control(key="import_kind").options == ["Deliveries"]
    assert not at.exception


def test_an_editor_has_every_kind_of_record(app_as):
    at = app_as("editor").run()
    at.switch_page("app_pages/record.py").run()
    assert [t.label for t in at.tabs] == ["New announcement", "From a press release", "Delivery", "Milestone"]
    at.switch_page("app_pages/change.py").run()
    assert at.segmented_control(key="change_kind").options == ["Announcement", "Commitment", "Delivery", "Milestone"]
    at.switch_page("app_pages/import_data.py").run()
    assert at.segmented_control(key="import_kind").options == [
        "Commitments",
        "Deliveries",
        "360Giving grants",
        "IATI activities",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_reviewers_get_the_meeting_and_status_forms_everyone_gets_the_figures_and_packs(role, app_as, db):
    recording.open_meeting("2026-11-20", engine=db, actor=SETUP)
    at = app_as(role).run()
    at.switch_page("app_pages/review.py").run()
    assert not at.exception
    keys = {b.key for b in at.button}
    reviewer = role in ("reviewer", "admin")
    assert ("review_save_status" in keys) is reviewer
    assert ("review_open" in keys) is reviewer
    assert bool(at.selectbox(key="review_subject"))  # the history of each subject is for everyone
    assert [d.proto.label for d in at.get("download_button")] == [
        "Download the pack (HTML)",
        "Download the pack (Excel)",
    ]
    assert at.metric
    captions = [c.value for c in at.caption]
    assert ("Opening meetings and recording statuses needs the reviewer role." in captions) is not reviewer


# --- writes ------------------------------------------------------------------------------------------


@pytest.fixture
def db(app_database: str):
    engine = make_engine(app_database)
    yield engine
    engine.dispose()


def _count(engine, query) -> int:
    with read_session(engine) as session:
        return session.scalar(query)


def _audit(engine) -> tuple[int, str | None]:
    """How many audit events, and who made the newest."""
    with read_session(engine) as session:
        newest = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
        return session.scalar(select(func.count(AuditEvent.id))), newest.actor if newest else None


def _fill_commitment_change(at: AppTest) -> None:
    at.segmented_control(key="change_kind").set_value("Commitment").run()
    next(box for box in at.selectbox if box.label == "Commitment to change").set_value("W1").run()
    at.text_input(key="change_f_purpose").input("Chief Digital Officer (renamed)")


def _fill_meeting(at: AppTest) -> None:
    at.date_input(key="review_new_held_on").set_value(date(2026, 11, 20))


def _fill_status(at: AppTest) -> None:
    at.selectbox(key="review_subject").set_value("W1")
    at.selectbox(key="review_status").set_value("on track")
    at.text_area(key="review_note").input("Post filled")


def _fill_restore(at: AppTest) -> None:
    at.selectbox(key="deleted_pick").set_value("announcement:A4").run()  # the button waits for a choice


def _fill_user(at: AppTest) -> None:
    at.text_input(key="users_new_username").input("new-person")
    at.multiselect(key="users_new_roles").set_value(["viewer"])


def _fill_deflators(at: AppTest) -> None:
    data = b"financial_year,index\n2030-31,100\n2031-32,101\n"
    at.file_uploader(key="deflators_file_0").set_value(("release.csv", data, "text/csv")).run()
    at.text_input(key="deflators_name").input("A newer release")


def _pick_a_default(at: AppTest) -> None:
    at.selectbox(key="deflators_default_pick").set_value("A loaded release").run()


def _load_a_release(engine) -> None:
    deflator_releases.load_release(engine, "financial_year,index\n2030-31,100\n", "A loaded release", actor=SETUP)


def _open_a_meeting(engine) -> None:
    recording.open_meeting("2026-11-20", engine=engine, actor=SETUP)


def _delete_a4(engine) -> None:
    version = editing.load_for_edit("announcement", "A4", engine=engine).version
    deletion.delete("announcement", "A4", expected_version=version, engine=engine, actor=SETUP)


def _w1_purpose(engine) -> str:
    with read_session(engine) as session:
        return session.scalar(select(Commitment.purpose).where(Commitment.ref == "W1"))


@dataclass(frozen=True)
class Write:
    name: str
    page: str
    allowed: frozenset[str]
    fill: Callable[[AppTest], None]
    submit: str  # the button's key
    state: Callable  # engine -> what the write changes
    success: str
    prepare: Callable | None = field(default=None)


WRITES = [
    Write(
        "save announcement",
        "record",
        frozenset({"editor", "admin"}),
        fill_new_announcement,
        "record_a_save",
        lambda e: _count(e, select(func.count(Announcement.id))),
        "Saved announcement A7",
    ),
    Write(
        "change commitment",
        "change",
        frozenset({"editor", "admin"}),
        _fill_commitment_change,
        "change_save",
        _w1_purpose,
        "Saved the change to commitment W1",
    ),
    Write(
        "record delivery",
        "record",
        frozenset({"finance", "editor", "admin"}),
        fill_delivery,
        "record_d_save",
        lambda e: _count(e, select(func.count(Delivery.id))),
        "Saved delivery D8 against W7",
    ),
    Write(
        "open meeting",
        "review",
        frozenset({"reviewer", "admin"}),
        _fill_meeting,
        "review_open",
        lambda e: _count(e, select(func.count(ReviewMeeting.id))),
        "Opened the meeting of 20 November 2026",
    ),
    Write(
        "record status",
        "review",
        frozenset({"reviewer", "admin"}),
        _fill_status,
        "review_save_status",
        lambda e: _count(e, select(func.count(ProgressStatus.id))),
        "Saved: W1 is",
        prepare=_open_a_meeting,
    ),
    Write(
        "restore",
        "deleted",
        frozenset({"admin"}),
        _fill_restore,
        "deleted_restore",
        lambda e: _count(e, select(func.count(Announcement.id)).where(Announcement.deleted_at.is_(None))),
        "Restored announcement A4",
        prepare=_delete_a4,
    ),
    Write(
        "add user",
        "users",
        frozenset({"admin"}),
        _fill_user,
        "users_add",
        lambda e: _count(e, select(func.count(User.id))),
        "new-person** was added",
    ),
    Write(
        "load deflator release",
        "deflators",
        frozenset({"admin"}),
        _fill_deflators,
        "deflators_load",
        lambda e: _count(e, select(func.count(DeflatorRelease.id))),
        "Loaded the deflator release A newer release",
    ),
    Write(
        "default deflator release",
        "deflators",
        frozenset({"admin"}),
        _pick_a_default,
        "deflators_make_it_default",
        lambda e: _count(e, select(AppSetting.setting_value).where(AppSetting.setting == "deflator_release")),
        "A loaded release is now the default release.",
        prepare=_load_a_release,
    ),
]


def _open(at: AppTest, page: str) -> AppTest:
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_an_allowed_write_saves_as_the_user_and_a_forbidden_one_is_not_offered(role, write, app_as, db):
    if write.prepare:
        write.prepare(db)
    at = app_as(role)  # adds the user (an audit event of its own)
    before, (events, _) = write.state(db), _audit(db)
    _open(at, write.page)

    if role in write.allowed:
        write.fill(at)
        at.button(key=write.submit).click().run()
        assert not at.exception and not at.error
        assert any(write.success in s.value for s in at.success)
        assert write.state(db) != before
        count, actor = _audit(db)
        assert count > events and actor == f"{role}-user"  # the audit trail names who signed in
    else:
        assert write.submit not in {b.key for b in at.button}
        assert _refused(at) or at.caption  # the page refuses, or says the form is the reviewers'
        assert write.state(db) == before and _audit(db)[0] == events


FORBIDDEN = [(write, role) for write in WRITES for role in ROLES if role not in write.allowed]


@pytest.mark.parametrize(("write", "role"), FORBIDDEN, ids=[f"{w.name}-{r}" for w, r in FORBIDDEN])
def test_a_forbidden_write_forced_through_a_form_already_open_is_refused_and_changes_nothing(
    role, write, app_database, db
):
    """An admin opens the form and fills it in; another admin takes every
    role but ``role`` away; the save is then refused (the right is checked on
    the save, not when the form was drawn)."""
    if write.prepare:
        write.prepare(db)
    username = f"was-admin-{role}"
    uid = add_test_user(app_database, username, ["admin"])
    at = _open(sign_in_as(AppTest.from_file(APP, default_timeout=60), uid), write.page)
    write.fill(at)
    accounts.set_roles(username, [role], engine=db, actor=SETUP)
    before, (events, _) = write.state(db), _audit(db)

    at.button(key=write.submit).click().run()

    assert not at.exception
    assert _refused(at)
    assert not any(write.success in s.value for s in at.success)
    assert write.state(db) == before and _audit(db)[0] == events


def test_a_session_signed_out_by_idleness_cannot_save_through_an_open_form(app_as, db):
    at = _open(app_as("editor"), "record")
    fill_delivery(at)
    at.session_state["last_seen"] = datetime.now(UTC) - timedelta(minutes=31)
    before = _count(db, select(func.count(Delivery.id)))

    at.button(key="record_d_save").click().run()

    assert not at.exception
    assert _count(db, select(func.count(Delivery.id))) == before
    assert at.title[0].value == "Sign in"
    assert "You were signed out after 30 minutes without activity" in at.info[0].value
