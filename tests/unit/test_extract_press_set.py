"""The press development set (tests/fixtures/press): what the extractor must keep getting right.

Every hand-labelled amount is proposed with its qualifier and nothing else is
(the bench, bench/bench_extract.py, reports the same as recall and precision
with the other fields' scores), and every quote is its sentence verbatim and
holds the labelled evidence.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from tracker.extract.drafts import extract
from tracker.extract.source import read_source

PRESS = Path(__file__).resolve().parents[1] / "fixtures" / "press"
LABELS = json.loads((PRESS / "labels.json").read_text(encoding="utf-8"))
KINDS = {"multi-year total": "multi-year"}


def _evidence(name: str) -> list[str]:
    with (PRESS / "evidence.tsv").open(encoding="utf-8", newline="") as handle:
        return [row["evidence_quote"] for row in csv.DictReader(handle, delimiter="\t") if row["file"] == name]


@pytest.mark.parametrize("entry", LABELS, ids=[entry["file"] for entry in LABELS])
def test_every_labelled_amount_and_no_other_is_proposed_with_its_sentence(entry):
    source = read_source((PRESS / entry["file"]).read_bytes(), entry["file"])
    published = date.fromisoformat(entry["published"]) if entry["published"] else None
    extraction = extract(source.text, published=published)
    proposed = sorted((d.pence, d.qualifier) for d in extraction.drafts)
    labelled = sorted((c["amount_pence"], c["qualifier"]) for c in entry["commitments"])
    assert proposed == labelled
    evidence = _evidence(entry["file"])
    for draft in extraction.drafts:
        quote = source.text[draft.quote_start : draft.quote_end]
        assert quote.strip() == quote and quote
        assert any(said in quote for said in evidence), quote


def test_the_fields_the_set_labels_are_read_as_labelled_where_the_words_say_them():
    by_amount = {}
    for entry in LABELS:
        text = (PRESS / entry["file"]).read_text(encoding="utf-8")
        published = date.fromisoformat(entry["published"]) if entry["published"] else None
        for draft in extract(text, published=published).drafts:
            by_amount[(entry["file"], draft.pence, draft.start)] = draft
    said = {
        (f, d.pence): (d.kind, d.years, d.first_year.label if d.first_year else None, d.earlier)
        for (f, _pence, _start), d in by_amount.items()
    }
    assert said[("00.txt", 100_000_000)] == ("one-off", None, "2020-21", True)
    assert said[("00.txt", 50_000_000)] == ("recurring", 3, None, True)
    assert said[("07.txt", 1_800_000_000)] == ("recurring", None, "2024-25", True)
    assert said[("09.txt", 21_000_000_000)] == ("multi-year", 2, None, False)
    assert said[("09.txt", 4_000_000_000)] == ("multi-year", 2, None, False)
    assert said[("09.txt", 2_000_000_000)] == ("recurring", None, None, False)
    assert said[("09.txt", 600_000_000)] == ("multi-year", 2, None, False)
