"""Stored text is shown as typed on every page: a title, a name, a note or a
quote holding Markdown never becomes a link, an image (a request to an
outside address) or bold text.

The demo's every free-text field (announcement titles, quotes, notes and who
made them; commitment purposes and programmes; delivery notes; milestone
titles and notes; organisation names and other names; the signed-in user's
name) is overwritten with ``HOSTILE``; meetings, statuses, a revision and a
deletion are then made through the tracker with hostile titles, notes,
reasons and actor names, so the frozen review figures and the audit trail
hold them too. Every page is opened, with the detail views that show one
record (an announcement, a revised commitment, a meeting's statuses, a
record to change, a user, an organisation, an import's preview), and every
element whose text Streamlit renders as Markdown (text, captions, alerts,
headings, labels, help, tabs and expanders, radio and button options) is
checked: wherever the hostile text appears, its link, image, bold and HTML
are escaped. Plotly renders a subset of HTML in names and labels: a chart's
texts must hold ``<b>`` escaped as well. Refs cannot hold Markdown (letters,
digits and ``- _ . / :`` only).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator

import pytest
from google.protobuf.json_format import MessageToDict
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import Commitment, User
from db.session import ensure_schema, read_session, write_session
from tests.actors import admin
from tests.app.conftest import APP, TEST_ADMIN
from tests.app.forms import fill_delivery
from tests.hostile_text import HOSTILE, HOSTILE_WORD, hostile, overwrite_free_text
from tracker import accounts
from tracker.records import commitments, deflator_releases, deletion, editing
from tracker.review import recording

ACTOR = admin(f"{HOSTILE_WORD}-actor")
# Markup left live: link text or an image's brackets, bold, HTML (case-insensitive: the Areas page upper-cases).
LIVE = [
    re.compile(r"(?<!\\)\[x(?<!\\)\]", re.IGNORECASE),
    re.compile(r"(?<!\\)!(?<!\\)\[y", re.IGNORECASE),
    re.compile(r"(?<!\\)\*\*bold", re.IGNORECASE),
    re.compile(r"(?<!\\)<b>html", re.IGNORECASE),
]
MARKDOWN_KEYS = {"body", "label", "help", "caption", "captions", "text", "content"}
PLAIN_TYPES = {"text", "code", "json", "exception", "arrow_data_frame", "dataframe", "plotly_chart"}


def _strings(value, keys: set[str]) -> Iterator[str]:
    """Every string under one of ``keys`` in a proto turned into a dict."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in keys:
                yield from _all_strings(inner)
            else:
                yield from _strings(inner, keys)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner, keys)


def _all_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _all_strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _all_strings(inner)


def _rendered(at: AppTest) -> tuple[list[str], list[str], list[str]]:
    """(texts Streamlit renders as Markdown, texts Plotly draws, HTML it renders as HTML: not Markdown)."""
    markdown: list[str] = []
    charts: list[str] = []
    html: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        kind = getattr(node, "type", "")
        if kind == "plotly_chart":
            charts += list(_all_strings(json.loads(proto.spec)))
        elif kind == "html":  # e.g. a table's print copy (dashboard/tables.py): escaped HTML
            html.append(proto.body)
        elif kind not in PLAIN_TYPES:
            fields = MessageToDict(proto, preserving_proto_field_name=True)
            keys = MARKDOWN_KEYS | ({"options"} if kind == "radio" else set())
            markdown += list(_strings(fields, keys))
    return markdown, charts, html


class Seen:
    """What the pages showed of the hostile text, checked as it comes."""

    def __init__(self) -> None:
        self.where: dict[str, int] = {}
        self.live: list[str] = []  # where stored markup was rendered live, and the text

    def check(self, at: AppTest, where: str) -> None:
        assert not at.exception, (where, [x.value for x in at.exception])
        markdown, charts, html = _rendered(at)
        for text in markdown:
            if "evil.example" not in text.lower():
                continue
            self.where[where] = self.where.get(where, 0) + 1
            if any(pattern.search(text) for pattern in LIVE):
                self.live.append(f"{where}: {text!r}")
        self.live += [f"{where} (a chart): {text!r}" for text in charts if "<b>html" in text.lower()]
        self.live += [f"{where} (HTML): {text!r}" for text in html if "<b>html" in text.lower()]


@pytest.fixture
def hostile_database(app_database: str) -> str:
    """The demo with hostile text everywhere; two meetings, statuses, a revision, a deletion and a user."""
    engine = ensure_schema(app_database)
    try:
        with read_session(engine) as session:
            admin_id = session.scalar(select(User.id).where(User.username == TEST_ADMIN))
        overwrite_free_text(engine)
        with write_session(engine) as session:
            session.get(User, admin_id).username = HOSTILE_WORD
        current = editing.load_for_edit("commitment", "W3", engine=engine)
        commitments.update_commitment(
            "W3",
            dataclasses.replace(current.value, amount="£2m", first_year="2022-23"),
            expected_version=current.version,
            reason="other",
            reason_text=hostile("reason"),
            engine=engine,
            actor=ACTOR,
        )
        recording.open_meeting("2026-06-01", title=hostile("first meeting"), engine=engine, actor=ACTOR)
        with read_session(engine) as session:
            programme = session.scalar(select(Commitment.programme).where(Commitment.programme.is_not(None)))
        for subject in ({"commitment_ref": "W1"}, {"programme": programme}):
            recording.record_status(
                recording.StatusInput(status="at risk", note=hostile("status note"), **subject),
                engine=engine,
                actor=ACTOR,
            )
        milestone = editing.load_for_edit("delivery", "D1", engine=engine)
        deletion.delete("delivery", "D1", expected_version=milestone.version, engine=engine, actor=ACTOR)
        recording.open_meeting("2026-11-20", title=hostile("second meeting"), engine=engine, actor=ACTOR)
        accounts.add_user(
            f"{HOSTILE_WORD}-user", ["viewer"], engine=engine, email="x@evil.example", actor=ACTOR, password=None
        )
        accounts.add_user("other-admin", ["admin"], engine=engine, actor=ACTOR, password=None)
        deflator_releases.load_release(
            engine, "financial_year,index\n2030-31,100\n", hostile("deflators"), actor=ACTOR, make_default=True
        )
    finally:
        engine.dispose()
    return app_database


def _change_elsewhere(url: str, ref: str) -> None:
    engine = ensure_schema(url)
    try:
        current = editing.load_for_edit("commitment", ref, engine=engine)
        changed = dataclasses.replace(current.value, purpose=hostile("changed elsewhere"))
        commitments.update_commitment(ref, changed, expected_version=current.version, engine=engine, actor=ACTOR)
    finally:
        engine.dispose()


def _take_roles(url: str) -> None:
    engine = ensure_schema(url)
    try:
        accounts.set_roles(HOSTILE_WORD, engine=engine, actor=ACTOR, roles=["viewer"])
    finally:
        engine.dispose()


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py").run()
    return at


def test_no_page_renders_stored_markdown(hostile_database: str) -> None:
    seen = Seen()
    at = AppTest.from_file(APP, default_timeout=120).run()
    seen.check(at, "overview")
    funder = next(o for o in at.multiselect(key="filter_funders").options if "evil.example" in o)
    at.multiselect(key="filter_funders").set_value([funder]).run()
    seen.check(at, "overview, filtered")  # the filters' caption names the funder
    at.multiselect(key="filter_funders").set_value([]).run()

    _page(at, "announcements")
    for ref in ("A1", "A2", "A6"):  # with a quote and re-announcements; and one with no money
        at.selectbox(key="announcements_pick").set_value(ref).run()
        seen.check(at, f"announcement {ref}")

    _page(at, "delivery")
    seen.check(at, "delivery")
    at.selectbox(key="delivery_revised_commitment").set_value("W3").run()
    seen.check(at, "delivery, revised W3")

    _page(at, "review")
    seen.check(at, "review")  # the latest meeting: what changed since the first, its statuses
    subject = next(k for k in at.selectbox(key="review_subject").options if "evil.example" in k)
    at.selectbox(key="review_subject").set_value(subject).run()
    seen.check(at, "review, a programme's history")

    _page(at, "finance")
    for label in [t.label for t in at.tabs]:
        at.session_state["finance_tab"] = label
        at.run()
        seen.check(at, f"finance, {label}")

    _page(at, "areas")
    seen.check(at, "areas")
    at.query_params["area"] = HOSTILE
    _page(at, "areas")
    seen.check(at, "areas, a hostile address")

    _page(at, "change")
    for kind, ref in (("Announcement", "A1"), ("Commitment", "W3"), ("Delivery", "D2"), ("Milestone", "M1")):
        at.segmented_control(key="change_kind").set_value(kind).run()
        picker = next(s for s in at.selectbox if s.key and s.key.startswith("change_pick_"))
        picker.set_value(ref).run()
        seen.check(at, f"change {kind} {ref}")

    # Someone (with a hostile name) saves the record open here: the refusal names them.
    at.segmented_control(key="change_kind").set_value("Commitment").run()
    next(s for s in at.selectbox if s.key and s.key.startswith("change_pick_")).set_value("W1").run()
    _change_elsewhere(hostile_database, "W1")
    at.button(key="change_save").click().run()
    assert at.warning, "the change was not refused"
    seen.check(at, "change, refused: someone else changed it")

    _page(at, "record")
    at.text_input(key="record_a_title").input(HOSTILE * 5).run()  # too long: the problem quotes it
    at.button(key="record_a_save").click().run()
    seen.check(at, "record, a problem quoting what was typed")

    _page(at, "import_data")
    at.segmented_control(key="import_kind").set_value("commitments").run()
    rows = (
        f'ref,funder,purpose,kind,amount,title,quote\nH1,"{HOSTILE}","{HOSTILE}",one-off,100,"{HOSTILE}","{HOSTILE}"\n'
    )
    at.file_uploader(key="import_file").set_value((f"{HOSTILE}.csv", rows.encode(), "text/csv")).run()
    seen.check(at, "import preview")

    for page in ("audit", "deleted", "organisations", "manage_organisations", "users", "deflators", "account"):
        _page(at, page)
        seen.check(at, page)
    _page(at, "manage_organisations")
    organisation = next(k for k in at.selectbox(key="organisations_pick").options if "evil.example" in k)
    at.selectbox(key="organisations_pick").set_value(organisation).run()
    at.button(key="organisations_save").click().run()
    seen.check(at, "organisations, saved")
    _page(at, "users")
    at.selectbox(key="users_pick").set_value(f"{HOSTILE_WORD}-user").run()
    seen.check(at, "users, a user")
    at.button(key="users_issue_token").click().run()
    seen.check(at, "users, a token issued")

    # The signed-in user (a hostile name) loses the right to save while the form is open: the refusal names them.
    _page(at, "record")
    fill_delivery(at)
    _take_roles(hostile_database)
    at.button(key="record_d_save").click().run()
    assert any("Nothing was saved" in e.value for e in at.error), "the save was not refused"
    seen.check(at, "record, refused: the role was taken away")

    assert not seen.live, "\n".join(seen.live)
    # The text was there to be escaped: every page that shows stored text showed it.
    shown = {where.split(",")[0].split(" ")[0] for where in seen.where}
    assert shown >= {
        "overview",
        "announcement",
        "delivery",
        "review",
        "areas",
        "change",
        "record",
        "import",
        "organisations",
        "users",
        "deflators",
        "account",
    }, seen.where
