"""What the Review page shows, from a small hand-made snapshot (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from tracker.review import presentation as view
from tracker.review.meetings import RAG, STATUS_COLUMNS, Meeting

FIGURES = {
    "schema": 1,
    "as_at": "2026-11-20",
    "headline": {
        "committed": 150_000_050,
        "delivered": 120_000_000,
        "due_to_date": 150_000_050,
        "outstanding": 30_000_050,
        "variance": -30_000_050,
        "pct_delivered": 0.8,
        "pct_of_due_delivered": 0.8,
        "qualifier": "at least",
        "illustrative_deliveries": 0,
    },
    "yearly": [
        {"financial_year": "2020-21", "committed": 100_000_050, "delivered": 70_000_000, "variance": -30_000_050},
        {"financial_year": "2021-22", "committed": 50_000_000, "delivered": 50_000_000, "variance": 0},
    ],
    "commitments": [
        {
            "ref": "W1",
            "purpose": "Chief Digital Officer",
            "programme": None,
            "restates": None,
            "committed": 100_000_050,
            "due_to_date": 100_000_050,
            "delivered": 70_000_000,
            "variance": -30_000_050,
            "outstanding": 30_000_050,
            "slippage": 30_000_050,
            "progress": "behind by £300k",
        },
        {
            "ref": "W2",
            "purpose": "=Fund",
            "programme": "Digital Fund",
            "restates": None,
            "committed": 50_000_000,
            "due_to_date": 50_000_000,
            "delivered": 50_000_000,
            "variance": 0,
            "outstanding": 0,
            "slippage": 0,
            "progress": "on profile",
        },
    ],
    "milestones": [
        {
            "ref": "M1",
            "title": "CDO in post",
            "commitment_ref": "W1",
            "due_on": "2020-04-01",
            "achieved_on": "2020-11-30",
            "state": "achieved late",
            "days_late": 243,
            "lateness": "about 8 months late",
            "achieved_note": None,
        },
        {
            "ref": "M2",
            "title": "Unit staffed",
            "commitment_ref": "W1",
            "due_on": "2026-06-01",
            "achieved_on": None,
            "state": "overdue",
            "days_late": 172,
            "lateness": "about 6 months late",
            "achieved_note": None,
        },
        {
            "ref": "M3",
            "title": "Report",
            "commitment_ref": None,
            "due_on": None,
            "achieved_on": None,
            "state": "no due date",
            "days_late": 0,
            "lateness": "",
            "achieved_note": None,
        },
    ],
    "statuses": [
        {
            "subject": "W1",
            "commitment_ref": "W1",
            "programme": None,
            "status": "at risk",
            "assessed_on": "2026-11-01",
            "reviewer": "Ann",
            "evidence_url": None,
            "note": "n",
        }
    ],
}


def _history(rows: list[dict]) -> pd.DataFrame:
    base = {
        "commitment_ref": None,
        "programme": None,
        "reviewer": "Ann",
        "evidence_url": None,
        "note": "n",
        "recorded_at": "2026-11-20T10:00:00+00:00",
        "meeting_held_on": None,
    }
    return pd.DataFrame([{**base, **row} for row in rows], columns=STATUS_COLUMNS)


@pytest.mark.parametrize("status", list(RAG))
def test_every_status_reads_in_words_with_its_colour_named(status):
    text = view.rag_text(status)
    assert text.startswith("● " + status.capitalize()) and f"({RAG[status].rag})" in text
    assert RAG[status].colour.lstrip("#").lower() not in text  # the words, not a colour code
    style = view.rag_cell_style(text)
    red, green, blue = (int(RAG[status].colour[i : i + 2], 16) for i in (1, 3, 5))
    assert f"background-color: rgba({red}, {green}, {blue}, " in style
    badge = view.badge(status)
    assert badge.label == text.removeprefix("● ") and badge.icon == RAG[status].icon
    assert badge.colour in {"green", "orange", "red", "blue", "gray"}


def test_no_status_reads_as_such_and_is_not_coloured():
    assert view.rag_text(None) == "No status yet"
    assert view.rag_cell_style("No status yet") == "" and view.rag_cell_style(None) == ""
    assert view.badge(None).label == "No status yet"


def test_headline_metrics_are_short_pounds_with_the_qualifier_and_exact_help():
    metrics = {m.label: m for m in view.headline_metrics(FIGURES)}
    assert metrics["Committed (new money)"].value == "at least £1.5m"
    assert "1,500,000.50 pounds" in metrics["Committed (new money)"].help
    assert metrics["Delivered to date"].value == "£1.2m"
    assert metrics["% delivered"].value == "80.0%"
    assert metrics["Against what was due"].value == "behind by £300k"
    on_profile = {**FIGURES, "headline": {**FIGURES["headline"], "variance": 0, "pct_delivered": None}}
    metrics = {m.label: m.value for m in view.headline_metrics(on_profile)}
    assert metrics["Against what was due"] == "on profile" and metrics["% delivered"] == "—"


def test_the_yearly_table_is_exact_pounds_with_a_total_row():
    table = view.yearly_table(FIGURES)
    assert list(table["financial_year"]) == ["2020-21", "2021-22", "Total"]
    assert list(table["committed"]) == [Decimal("1000000.50"), Decimal("500000.00"), Decimal("1500000.50")]
    assert table["variance"].iloc[-1] == Decimal("-300000.50")
    assert table["pct_delivered"].iloc[1] == 1.0
    assert view.yearly_table({**FIGURES, "yearly": []}).empty


def _meeting(given: list[dict]) -> Meeting:
    return Meeting(
        date(2026, 11, 20),
        date(2026, 11, 20),
        None,
        datetime(2026, 11, 20, 9, tzinfo=UTC),
        "Ann",
        FIGURES,
        tuple(_history(given).assign(assessed_on="2026-11-20").to_dict("records")),
    )


def test_statuses_at_a_meeting_are_the_frozen_ones_then_those_given_at_it():
    meeting = _meeting(
        [
            {"subject": "W1", "status": "on track", "meeting_held_on": "2026-11-20"},
            {"subject": "programme: Digital Fund", "status": "stalled", "meeting_held_on": "2026-11-20"},
        ]
    )
    statuses = {s["subject"]: s["status"] for s in meeting.statuses()}
    assert statuses == {"W1": "on track", "programme: Digital Fund": "stalled"}
    assert {s["subject"]: s["status"] for s in _meeting([]).statuses()} == {"W1": "at risk"}

    table = view.commitments_table(FIGURES, statuses)
    assert list(table.columns) == view.COMMITMENT_COLUMNS
    assert list(table["status"]) == ["● On track (green)", "No status yet"]
    assert table["committed"].iloc[0] == Decimal("1000000.50")
    assert table["purpose"].iloc[1] == "=Fund"  # shown as typed; exports neutralise, the screen need not
    programmes = view.programme_statuses(FIGURES, statuses)
    assert programmes.to_dict("records") == [{"programme": "Digital Fund", "status": "● Stalled (red)"}]


def test_milestones_come_overdue_first_with_how_late():
    table = view.milestones_table(FIGURES)
    assert list(table["title"]) == ["Unit staffed", "CDO in post", "Report"]
    assert table["due_on"].iloc[0] == date(2026, 6, 1) and table["achieved_on"].iloc[0] is None
    assert list(table["lateness"]) == ["about 6 months late", "about 8 months late", ""]
    assert view.overdue_sentence(FIGURES) == (
        "1 milestone overdue at the as-at date; the latest, \u201cUnit staffed\u201d, is about 6 months late."
    )
    assert view.overdue_sentence({**FIGURES, "milestones": []}) == "No milestone was overdue at the as-at date."


def test_the_history_table_keeps_every_status_oldest_first_and_the_current_is_the_last():
    history = _history(
        [
            {"subject": "W1", "status": "not started", "assessed_on": "2025-01-10"},
            {
                "subject": "W1",
                "status": "on track",
                "assessed_on": "2025-06-10",
                "evidence_url": "https://x.org",
                "note": None,
                "meeting_held_on": "2026-11-20",
            },
        ]
    )
    table = view.history_table(history)
    assert list(table.columns) == view.HISTORY_COLUMNS
    assert list(table["status"]) == ["● Not started (grey)", "● On track (green)"]
    assert list(table["assessed_on"]) == [date(2025, 1, 10), date(2025, 6, 10)]
    assert table["meeting_held_on"].iloc[1] == date(2026, 11, 20) and table["meeting_held_on"].iloc[0] is None
    assert table["recorded_at"].iloc[0] == pd.Timestamp("2026-11-20T10:00:00Z")
    assert view.current_status(history) == "on track"
    assert view.current_status(history.iloc[:0]) is None
    assert view.history_table(history.iloc[:0]).empty


def test_meetings_are_offered_latest_first_and_the_freezing_is_described():
    taken = datetime(2026, 11, 20, 9, 5, tzinfo=UTC)
    frame = pd.DataFrame(
        [
            (date(2026, 6, 1), date(2026, 5, 31), None, taken, "Ann"),
            (date(2026, 11, 20), date(2026, 11, 20), "Winter *review*", taken, "Bob_Smith"),
        ],
        columns=["held_on", "as_at", "title", "taken_at", "taken_by"],
    )
    choices = view.meeting_choices(frame)
    assert list(choices) == ["2026-11-20", "2026-06-01"]
    assert choices["2026-11-20"] == Meeting(*frame.iloc[1], {}).label  # tracker.review's own words
    assert choices["2026-11-20"].startswith("20 November 2026 · Winter *review* (figures as at 20 Nov")
    assert choices["2026-06-01"].startswith("1 June 2026 (figures as at 31 May")
    assert view.meeting_choices(frame.iloc[:0]) == {}

    meeting = Meeting(date(2026, 11, 20), date(2026, 11, 19), None, taken, "Bob_Smith", FIGURES)
    sentence = view.frozen_sentence(meeting)
    assert sentence.startswith("Figures as at **19 November 2026**, frozen on 20 November 2026 at 09:05 UTC by Bob")
    assert "Bob\\_Smith" in sentence  # a name is not read as markdown
    assert sentence.endswith("These figures were frozen when the meeting was opened; later changes do not move them.")


def test_status_cells_are_tinted_in_a_short_table_and_a_long_one_is_shown_as_it_is() -> None:

    short = pd.DataFrame({"ref": ["C1", "C2"], "status": ["On track", "Off track"]})
    styled = view.tinted_statuses(short)
    assert isinstance(styled, pd.io.formats.style.Styler)
    assert "background-color" in styled.to_html()
    # 100,000 rows: pandas' Styler refuses more than 262,144 cells; the words carry the status.
    long = pd.DataFrame({"ref": [f"C{i}" for i in range(100_000)], "status": ["On track"] * 100_000})
    assert view.tinted_statuses(long) is long
