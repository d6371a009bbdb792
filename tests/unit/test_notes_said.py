"""An import's notes as said to a person: the same note about many grants
or activities once, with how many; past a limit, the rest counted; so a file
with a note on each of 30,000 activities does not flood the command line or
the page."""

from tracker.files.tabular import Problem
from tracker.imports.reading import NOTES_SHOWN, notes_said


def test_a_few_different_notes_are_each_said():
    notes = [Problem(n, "title", None, f"note {n}") for n in range(1, 4)]
    assert notes_said(notes) == ["line 1: title: note 1", "line 2: title: note 2", "line 3: title: note 3"]


def test_the_same_note_about_many_activities_is_said_once_with_how_many():
    skipped = "left aside 1 incoming-funds transaction"
    notes = [Problem(n, "transaction-type", None, f"activity GB-1-A{n}: {skipped}") for n in range(1, 30_001)]
    notes.insert(1, Problem(2, "reporting-org/@ref", "52000", "activity GB-1-A2: '52000' is not an identifier"))
    assert notes_said(notes) == [
        f"transaction-type: {skipped} (30,000 activities from line 1: GB-1-A1, GB-1-A2, GB-1-A3 and 29,997 more)",
        "line 2: reporting-org/@ref '52000': activity GB-1-A2: '52000' is not an identifier",
    ]


def test_past_the_limit_the_rest_are_counted():
    notes = [Problem(n, None, None, f"grant G{n} repeats line 1 exactly: imported once") for n in range(2, 102)]
    said = notes_said(notes)
    assert len(said) == NOTES_SHOWN + 1
    assert said[0] == "line 2: grant G2 repeats line 1 exactly: imported once"
    assert said[-1] == f"… and {100 - NOTES_SHOWN:,} more notes"
