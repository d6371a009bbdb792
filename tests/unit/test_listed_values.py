"""Closed lists' stored values in a table are said in the reader's language on screen
(tracker.figures.listed_values), and shown as stored in English."""

from __future__ import annotations

import pandas as pd

from tracker.figures.listed_values import COLUMNS, in_reader_words
from tracker.i18n import speaking

FRAME = pd.DataFrame(
    {
        "ref": ["A1", "A2", "A3"],
        "qualifier": ["at least", "exact", None],
        "statuses": ["confirmed, indicative", "", "confirmed"],
        "kind": ["one-off", "disbursement", "funder"],
        "state": ["achieved", "overdue", "a state from a newer version"],
        "action": ["create", "update", "delete"],
        "roles": ["admin, finance", "viewer", ""],
        "amount_pence": [100, 200, 300],
    }
)


def test_a_welsh_reader_reads_every_listed_value_in_welsh_and_the_rest_as_stored():
    with speaking("cy"):
        said = in_reader_words(FRAME)
    assert list(said["qualifier"][:2]) == ["o leiaf", "union"]
    assert pd.isna(said["qualifier"][2])
    assert list(said["kind"]) == ["untro", "alldaliad", "Cyllidwr"]
    assert said["statuses"][0] == "wedi'i gadarnhau, dangosol"
    assert said["statuses"][1] == ""
    assert said["state"][2] == "a state from a newer version"  # unknown: as stored, never lost
    assert said["roles"][0] == "gweinyddu, cyllid"
    assert list(said["ref"]) == ["A1", "A2", "A3"] and list(said["amount_pence"]) == [100, 200, 300]
    assert all(said[c][0] != FRAME[c][0] for c in ("qualifier", "kind", "state", "action", "roles"))
    assert FRAME["qualifier"][0] == "at least"  # the frame given is left as it was (CSV files are written from it)


def test_an_english_reader_sees_the_stored_values_unchanged():
    assert in_reader_words(FRAME) is FRAME


def test_every_column_named_is_worded_by_one_function():
    assert set(COLUMNS) >= {"qualifier", "kind", "status", "statuses", "state", "action", "roles"}
