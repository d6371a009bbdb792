"""What an import says about a file, in Welsh on a Welsh page and in English
everywhere else (the command line sets no language): reading the file
(``tracker.files.tabular``), 360Giving grants and IATI activities, shares
that do not fit their pots (``tracker.core.counting``), the notes, what an
import and an undo did, and the preview's rows in words.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from tracker.files.tabular import Problem, Row, read_table_bytes
from tracker.i18n import speaking
from tracker.imports import reading
from tracker.imports.apply import ImportOutcome
from tracker.imports.describe import commitment_summary, delivery_summary
from tracker.imports.undo import UndoOutcome
from tracker.records.commitment_rows import parse_commitments
from tracker.records.delivery_rows import DeliveryRecord

IATI_IN_DOLLARS = (
    b'<iati-activities version="2.03"><iati-activity default-currency="USD">'
    b"<iati-identifier>GB-1-A</iati-identifier><title><narrative>Roads</narrative></title>"
    b'<reporting-org ref="GB-GOV-1"><narrative>Funder</narrative></reporting-org>'
    b'<transaction><transaction-type code="2"/><transaction-date iso-date="2020-05-01"/>'
    b"<value>1000</value></transaction>"
    b"</iati-activity></iati-activities>"
)
GRANT_WITHOUT_CURRENCY = (
    b"Identifier,Title,Description,Currency,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name\n"
    b"360G-1,Roads,Roads,,1000,2020-05-01,GB-GOV-1,Funder\n"
)
HEADER = ["ref", "announced_on", "funder", "recipient", "purpose", "kind", "amount", "first_year", "part_of"]
BASE = {"announced_on": "2020-01-15", "funder": "Welsh Government", "purpose": "Digital", "kind": "one-off"}


def _expected(kind: str, data: bytes, name: str) -> list[str]:
    parsed = reading.read_parsed(reading.KINDS[kind], data, name)
    return [p.expected for p in parsed.problems + parsed.row_problems]


def test_a_file_that_is_not_a_table_is_refused_in_welsh_and_in_english_outside():
    with speaking("cy"):
        [welsh] = read_table_bytes(b"\x00\x01\x02binary\x00junk", "a.csv").problems
        [empty] = read_table_bytes(b"", "a.csv").problems
    assert welsh.expected == "nid yw'n ffeil testun CSV (mae'n cynnwys data deuaidd): disgwyliwyd CSV neu XLSX"
    assert empty.expected == "mae'r ffeil yn wag: disgwyliwyd rhes pennawd"
    [english] = read_table_bytes(b"\x00\x01\x02binary\x00junk", "a.csv").problems
    assert english.expected == "is not a CSV text file (it contains binary data): expected CSV or XLSX"


def test_a_missing_column_and_a_row_too_long_are_said_in_welsh():
    with speaking("cy"):
        said = _expected("deliveries", b"ref,amount\nD1,1,2\n", "d.csv")
    assert said[0] == "mae ganddi 3 cell ond mae gan y pennawd 2 colofn"
    assert set(said[1:]) == {"mae colofn ofynnol ar goll o'r pennawd"}, said


def test_a_problem_is_placed_by_its_line_in_the_language_in_use():
    problem = Problem(4, "amount", "£1.2.3m", "expected an amount")
    assert str(problem) == "line 4: amount '£1.2.3m': expected an amount"  # the command line's
    assert str(Problem(None, None, None, "the workbook has no sheets")) == "file: the workbook has no sheets"
    with speaking("cy"):
        assert str(problem) == "llinell 4: amount '£1.2.3m': expected an amount"
        assert (
            str(Problem(None, None, None, "the workbook has no sheets")) == "ffeil: nid oes dalennau yn y llyfr gwaith"
        )


def test_an_iati_activity_in_dollars_is_refused_in_welsh():
    with speaking("cy"):
        said = _expected("iati", IATI_IN_DOLLARS, "a.xml")
    assert said and all(text.startswith("gweithgaredd GB-1-A: ") for text in said), said
    assert "gweithgaredd GB-1-A: disgwyliwyd arian yn GBP (dim ond punnoedd y mae'r traciwr yn eu dal)" in said
    assert "activity GB-1-A: expected money in GBP (the tracker holds pounds only)" in _expected(
        "iati", IATI_IN_DOLLARS, "a.xml"
    )


def test_a_grant_without_its_currency_is_refused_in_welsh():
    with speaking("cy"):
        said = _expected("360giving", GRANT_WITHOUT_CURRENCY, "g.csv")
    assert said == ["grant 360G-1: yn ofynnol: arian cyfred y grant (GBP)"], said
    assert _expected("360giving", GRANT_WITHOUT_CURRENCY, "g.csv") == [
        "grant 360G-1: required: the grant's currency (GBP)"
    ]


def test_a_file_that_is_not_iati_xml_is_refused_in_welsh():
    with speaking("cy"):
        said = _expected("iati", b"<html><body>no</body></html>", "a.xml")
    assert said == ["mae'n XML ond nid yw'n ddata gweithgareddau IATI: disgwyliwyd <iati-activities>, cafwyd <html>"]


def test_shares_that_do_not_fit_their_pot_are_said_in_welsh():
    rows = [
        Row(2, {**BASE, "ref": "FUND", "amount": "£10m", "first_year": "2020-21"}),
        Row(3, {**BASE, "ref": "S1", "amount": "£6m", "first_year": "2020-21", "part_of": "FUND"}),
        Row(4, {**BASE, "ref": "S2", "amount": "£6m", "first_year": "2020-21", "part_of": "FUND"}),
    ]
    with speaking("cy"):
        _, problems = parse_commitments(HEADER, rows)
    said = [p.expected for p in problems]
    assert any(text.startswith("nid yw £6,000,000 yn 2020-21 yn ffitio yn ei chronfa") for text in said), said
    _, problems = parse_commitments(HEADER, rows)
    assert any("£6,000,000 in 2020-21 does not fit its pot" in p.expected for p in problems)


def test_the_same_note_about_many_activities_is_said_once_in_welsh():
    from tracker.i18n import _
    from tracker.open_data.iati import ABOUT_ACTIVITY

    with speaking("cy"):
        notes = [
            Problem(n, "related-activity", None, _(ABOUT_ACTIVITY, ref=f"GB-1-A{n}", text="x")) for n in range(1, 6)
        ]
        said = reading.notes_said(notes)
    assert said == ["related-activity: x (5 gweithgaredd o linell 1: GB-1-A1, GB-1-A2, GB-1-A3 a 2 arall)"]


def test_what_an_import_did_is_said_in_welsh_and_unchanged_in_english():
    outcome = ImportOutcome("deliveries", created=1, updated=0, unchanged=7)
    assert str(outcome) == "created 1 delivery, updated 0 deliveries, 7 deliveries unchanged"
    with speaking("cy"):
        assert str(outcome) == "crëwyd 1 cyflawniad, diweddarwyd 0 cyflawniad, 7 cyflawniad heb newid"


def test_what_an_undo_did_is_said_in_welsh_and_unchanged_in_english():
    outcome = UndoOutcome(3, "deliveries", "payments.csv", deleted=Counter({"delivery": 2}))
    assert str(outcome) == "undid import 3 (deliveries, payments.csv): deleted 2 deliveries"
    with speaking("cy"):
        assert str(outcome) == "dadwnaed mewnforiad 3 (cofnodion cyflawni, payments.csv): dilëwyd 2 cyflawniad"


def test_a_delivery_row_in_words_in_welsh():
    rec = DeliveryRecord(
        line=2,
        ref="D1",
        commitment_ref="W1",
        paid_on=date(2021, 3, 31),
        amount_pence=25_000_000,
        kind="disbursement",
    )
    assert delivery_summary(rec) == "disbursement of £250,000 on 31 Mar 2021 against W1"
    with speaking("cy"):
        assert delivery_summary(rec) == "alldaliad o £250,000 ar 31 Maw 2021 yn erbyn W1"


def test_a_commitment_row_in_words_in_welsh():
    header = ["ref", "announced_on", "funder", "recipient", "purpose", "kind", "amount", "qualifier", "first_year"]
    cells = {"recipient": "Cardiff Council", "purpose": "Roads", "amount": "£1m", "qualifier": "over"}
    row = {**BASE, **cells, "ref": "A", "first_year": "2020-21", "areas": "W06000015", "planned_start": "2020-05-01"}
    [rec], problems = parse_commitments([*header, "areas", "planned_start"], [Row(2, row)])
    assert not problems
    assert commitment_summary(rec) == (
        "over £1,000,000 in 2020-21, planned 2020-05-01 to end not stated to Cardiff Council: Roads (for Cardiff)"
    )
    with speaking("cy"):
        assert commitment_summary(rec) == (
            "dros £1,000,000 yn 2020-21, wedi'i gynllunio o 2020-05-01 i diwedd heb ei nodi i Cardiff Council: "
            "Roads (ar gyfer Caerdydd)"
        )
