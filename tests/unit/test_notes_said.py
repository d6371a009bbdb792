"""An import's notes are said one by one up to a limit, then counted, so a
file with a note on each of 30,000 rows does not flood the command line or
the page."""

from tracker.files.tabular import Problem
from tracker.imports.reading import NOTES_SHOWN, notes_said


def test_a_few_notes_are_each_said():
    notes = [Problem(n, "title", None, f"note {n}") for n in range(1, 4)]
    assert notes_said(notes) == ["line 1: title: note 1", "line 2: title: note 2", "line 3: title: note 3"]


def test_past_the_limit_the_rest_are_counted():
    notes = [Problem(n, None, None, f"note {n}") for n in range(1, 30_001)]
    said = notes_said(notes)
    assert len(said) == NOTES_SHOWN + 1
    assert said[0] == "line 1: note 1" and said[NOTES_SHOWN - 1] == f"line {NOTES_SHOWN}: note {NOTES_SHOWN}"
    assert said[-1] == f"… and {30_000 - NOTES_SHOWN:,} more notes like these"
