"""Drafts that match money already recorded are flagged as likely re-announcements (tracker.extract.suggestions)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.actors import ADMIN
from tests.integration.cli_runner import ok, run_cli
from tracker.extract.drafts import extract
from tracker.extract.suggestions import likely_reannouncements, names_agree
from tracker.i18n import speaking
from tracker.imports import apply

STORED = (
    "ref,announced_on,funder,recipient,purpose,programme,kind,amount,first_year,years\n"
    "W1,2019-10-25,Welsh Government,Welsh Local Government Association,"
    "Chief Digital Officer post and Delivery Unit,,recurring,500000,2020-21,3\n"
    "W2,2019-10-25,Welsh Government,Welsh councils,Digital transformation of local government,"
    "Local Government Digital Transformation Fund,one-off,£1m,2020-21,\n"
    "W3,2020-06-26,Welsh Government,Cardiff Council,Flood defences on the Taff,,one-off,£3m,2020-21,\n"
)


@pytest.fixture
def stored(engine: Engine, tmp_path: Path) -> Engine:
    path = tmp_path / "stored.csv"
    path.write_text(STORED, encoding="utf-8")
    apply.import_file("commitments", path, engine=engine, actor=ADMIN)
    return engine


def test_a_draft_matching_purpose_recipient_and_amount_is_a_likely_reannouncement(stored: Engine) -> None:
    extraction = extract(
        "The Minister confirmed over £1m next financial year to support councils' digital transformation.\n"
        "An extra £500,000 a year will fund the Chief Digital Officer post and Delivery Unit hosted by WLGA.\n"
        "£2m goes to a new heritage trail.",
        published=date(2019, 10, 31),
    )
    found = likely_reannouncements(stored, extraction.drafts)
    assert {index: s.ref for index, s in found.items()} == {0: "W2", 1: "W1"}
    assert found[0].difference == 0
    assert found[0].said() == (
        "£1m for Local Government Digital Transformation Fund was recorded on 25 October 2019 (W2)"
    )
    with speaking("cy"):
        assert "Hydref 2019" in found[0].said()


def test_a_changed_amount_is_shown_as_the_difference(stored: Engine) -> None:
    extraction = extract("Councils will get £1.5m for digital transformation of local government.")
    (suggestion,) = likely_reannouncements(stored, extraction.drafts).values()
    assert (suggestion.ref, suggestion.difference) == ("W2", 50_000_000)
    assert suggestion.said().endswith("£500,000 more now")


@pytest.mark.parametrize(
    "text",
    [
        "£3m for flood defences on the Taff for Newport Council.",  # another recipient
        "£3m for a new museum of flight.",  # another purpose
        "£30m for flood defences on the Taff.",  # ten times the amount: other money
    ],
)
def test_no_suggestion_when_recipient_purpose_or_amount_disagree(stored: Engine, text: str) -> None:
    assert likely_reannouncements(stored, extract(text).drafts) == {}


def test_names_agree_by_a_shared_word_or_initials() -> None:
    assert names_agree("WLGA", "Welsh Local Government Association")
    assert names_agree("Cardiff councils", "Cardiff Council")
    assert names_agree("", "Cardiff Council")
    assert not names_agree("Newport Council", "Cardiff Council")  # "council" says what kind of body, not which
    assert not names_agree("CDPS", "Welsh Local Government Association")


def test_the_cli_says_the_suggestion_in_the_note(stored: Engine, database_url: str, tmp_path: Path) -> None:
    release = tmp_path / "release.txt"
    release.write_text("Councils will get £1m for digital transformation of local government.\n", encoding="utf-8")
    printed = ok(run_cli(database_url, "extract", str(release), "--suggest", cwd=tmp_path))
    assert "likely re-announces W2" in printed
