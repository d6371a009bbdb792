"""A picker over more than ``PICK_AT_MOST`` records lists only the first of
them, with a search box: typing part of a ref or a name finds any record,
however far down the list, and it can then be picked.

The database holds the demo and ``N`` more commitments, each with its own
recipient, so both the commitment pickers (Record, Change a record) and the
sidebar's Recipient filter have more than ``PICK_AT_MOST`` choices. The record
picked in each test is the last one, which is not among the first listed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db.session import ensure_schema
from tests.actors import admin
from tests.app.conftest import APP
from tracker.figures.paging import PICK_AT_MOST
from tracker.imports.apply import import_file

N = PICK_AT_MOST + 50
LAST = N - 1
REF = f"S{LAST:05d}"  # the last commitment
RECIPIENT = f"Recipient {LAST:05d}"  # its recipient, the last one named so


@pytest.fixture
def many(app_database: str, tmp_path: Path) -> str:
    """The demo plus ``N`` commitments, each with its own recipient."""
    commitments = tmp_path / "commitments.csv"
    lines = ["ref,announced_on,funder,recipient,programme,purpose,kind,amount,first_year,years"]
    lines += [
        f"S{n:05d},2021-02-01,Funder {n % 3},Recipient {n:05d},Programme {n % 5},Purpose {n},one-off,"
        f"{1000 + n}.00,2021-22,1"
        for n in range(N)
    ]
    commitments.write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine = ensure_schema(app_database)
    try:
        import_file("commitments", commitments, engine=engine, actor=admin("test:pickers"))
    finally:
        engine.dispose()
    return app_database


def _open(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


def _search(at: AppTest, picker: str, text: str) -> None:
    """Type ``text`` into the search box of the picker whose widget key is ``picker``."""
    box = at.text_input(key=f"{picker}_find")
    assert box.label.startswith("Find in ")
    box.input(text).run()
    assert not at.exception


def test_the_record_pages_commitment_picker_finds_a_commitment_beyond_the_first_hundred(many: str) -> None:
    at = _open("record")
    picker = "record_d_commitment_ref"
    listed = at.selectbox(key=picker).options
    assert len(listed) == PICK_AT_MOST
    assert not any(label.startswith(f"{REF} ") for label in listed)  # only found by searching

    _search(at, picker, REF[1:].lower())  # part of the ref, in another case
    assert at.selectbox(key=picker).options == [f"{REF} · Purpose {LAST} · {RECIPIENT} · £{1000 + LAST:,}"]
    _search(at, picker, RECIPIENT.lower())  # or of its recipient's name
    assert [label.split(" ")[0] for label in at.selectbox(key=picker).options] == [REF]

    at.selectbox(key=picker).set_value(REF)
    at.text_input(key="record_d_ref").input("DX1")
    at.text_input(key="record_d_paid_on").input("20/03/2022")
    at.text_input(key="record_d_amount").input("£400")
    at.button(key="record_d_save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"Saved delivery DX1 against {REF}."]


def test_the_change_pages_record_picker_finds_a_commitment_beyond_the_first_hundred(many: str) -> None:
    at = _open("change")
    picker = "change_pick_commitment_0"
    listed = at.selectbox(key=picker).options
    assert len(listed) == PICK_AT_MOST
    assert not any(label.startswith(f"{REF} ") for label in listed)

    _search(at, picker, f"purpose {LAST}")  # part of its label, not its ref
    assert [label.split(" ")[0] for label in at.selectbox(key=picker).options] == [REF]

    at.selectbox(key=picker).set_value(REF).run()
    assert not at.exception
    assert at.text_input(key="change_f_purpose").value == f"Purpose {LAST}"


def test_the_sidebar_recipient_filter_finds_a_recipient_beyond_the_first_hundred(many: str) -> None:
    at = _open("delivery")
    picker = "filter_recipients"
    listed = at.multiselect(key=picker).options
    assert len(listed) == PICK_AT_MOST
    assert RECIPIENT not in listed

    _search(at, picker, RECIPIENT[-5:])
    assert at.multiselect(key=picker).options == [RECIPIENT]

    at.multiselect(key=picker).select(RECIPIENT).run()
    assert not at.exception
    assert at.multiselect(key=picker).value == [RECIPIENT]
    (by_commitment,) = [df.value for df in at.dataframe if {"ref", "recipient"} <= set(df.value.columns)]
    assert list(by_commitment["ref"]) == [REF]
    assert list(by_commitment["recipient"]) == [RECIPIENT]
