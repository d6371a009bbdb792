"""tracker.open_data.iati_xml: IATI activity XML (1.0x and 2.0x) read safely, as a stream."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
import tracemalloc
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tracker.core.fiscal import FinancialYear
from tracker.files import limits
from tracker.files.tabular import DataError
from tracker.open_data.iati_xml import Activity, IatiRefused, Organisation, read_activities

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "iati"
WORLD_VISION = FIXTURES / "worldvisionuk-2-activities.xml"
EXAMPLE_203 = FIXTURES / "iati-2.03-activity-standard-example-annotated.xml"


def _by_year(pairs: list[tuple[date | None, Decimal | None]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for day, value in pairs:
        assert day is not None and value is not None
        totals[FinancialYear.from_date(day).label] += value
    return dict(totals)


def _one(xml: str) -> Activity:
    (activity,) = read_activities(xml.encode())
    return activity


# --- the World Vision UK file (1.0x) -------------------------------------------------------------


def test_world_vision_activities_and_organisations():
    activities = list(read_activities(WORLD_VISION))
    assert [a.identifier for a in activities] == ["GB-CHC-285908-197126", "GB-CHC-285908-197415"]
    assert [a.number for a in activities] == [1, 2]
    for activity in activities:
        assert activity.reporting == Organisation("GB-CHC-285908", "World Vision UK", "", "21")
        assert [(o.name, o.ref, o.role) for o in activity.participating] == [
            ("DFID", "GB-1", "funding"),
            ("World Vision UK", "GB-CHC-285908", "extending"),
            ("World Vision Malawi", "", "implementing"),
        ]
        assert activity.default_currency == "GBP"
        assert activity.version == ""  # a 1.0x file that declares none
        assert activity.line == 2  # the file is one long line after its declaration
    first = activities[0]
    assert first.title == "Citizen Voice and Action for Improved Access to Health and Education Services in Zomba"
    assert first.description.startswith("The aim of this project is that children")
    assert "services. The project" in first.description  # two spaces collapsed
    assert (first.start, first.end) == (date(2012, 2, 29), date(2014, 3, 31))


def test_world_vision_commitments_disbursements_and_budgets_by_financial_year():
    activities = list(read_activities(WORLD_VISION))
    transactions = [t for a in activities for t in a.transactions]
    assert {t.currency for t in transactions} == {"GBP"}
    commitments = [(t.date, t.value) for t in transactions if t.type == "commitment"]
    assert [value for _, value in commitments] == [Decimal(228_296), Decimal(83_877)]
    assert _by_year(commitments) == {"2011-12": Decimal(312_173)}
    disbursements = [(t.date, t.value) for t in transactions if t.type == "disbursement"]
    assert sum(value for _, value in disbursements if value) == Decimal(206_026)
    assert _by_year(disbursements) == {"2011-12": Decimal(140_595), "2012-13": Decimal(65_431)}
    assert {t.code for t in transactions} == {"C", "D"}
    budgets = [b for a in activities for b in a.budgets]
    assert {(b.status, b.currency) for b in budgets} == {("original", "GBP")}
    assert sum(b.value for b in budgets if b.value) == Decimal(268_963)
    assert _by_year([(b.period_start, b.value) for b in budgets]) == {
        "2011-12": Decimal(140_595),
        "2012-13": Decimal(65_431),
        "2013-14": Decimal(62_937),
    }


def test_a_transaction_date_attribute_wins_over_text_in_the_element():
    # <transaction-date iso-date="2012-09-11">Financial commitment to project for period FY13.</transaction-date>
    third = next(read_activities(WORLD_VISION)).transactions[2]
    assert (third.date, third.date_text) == (date(2012, 9, 11), "2012-09-11")
    assert third.receiver == Organisation("", "", "", "")  # none given


def test_bytes_and_path_read_the_same():
    assert list(read_activities(WORLD_VISION.read_bytes())) == list(read_activities(WORLD_VISION))


# --- the standard's 2.03 example ------------------------------------------------------------------


def test_203_example():
    (activity,) = read_activities(EXAMPLE_203)
    assert activity.identifier == "AA-AAA-123456789-ABC123"
    assert activity.version == "2.03"
    assert activity.line == 8
    assert activity.hierarchy == "1"
    assert activity.title == "Activity title"  # the narrative without xml:lang, not the French or Spanish
    assert activity.description.startswith("General activity description text.")  # type 1, not 2 or 3
    assert activity.default_currency == "USD"  # as the file says, though its values are in EUR
    assert activity.reporting == Organisation("AA-AAA-123456789", "Organisation name", "", "40")
    assert [(o.ref, o.role) for o in activity.participating] == [
        ("BB-BBB-123456789", "funding"),
        ("CC-CCC-123456789", "accountable"),
        ("AA-AAA-123456789", "extending"),
    ]
    assert activity.related == (("parent", "AA-AAA-123456789-6789"),)
    assert (activity.start, activity.end) == (date(2012, 4, 28), date(2015, 12, 31))  # actual start wins


def test_203_example_money():
    (activity,) = read_activities(EXAMPLE_203)
    assert [(b.status, b.value, b.currency) for b in activity.budgets] == [("original", Decimal(3000), "EUR")]
    assert (activity.budgets[0].period_start, activity.budgets[0].period_end) == (date(2014, 1, 1), date(2014, 12, 31))
    (transaction,) = activity.transactions
    assert (transaction.type, transaction.code, transaction.ref) == ("incoming-funds", "1", "1234")
    assert (transaction.value, transaction.currency, transaction.date) == (Decimal(1000), "EUR", date(2012, 1, 1))
    assert (transaction.provider.name, transaction.provider.ref) == ("Agency B", "BB-BBB-123456789")
    assert (transaction.receiver.name, transaction.receiver.type) == ("Agency A", "23")
    assert transaction.description == "Transaction description text"
    assert not [t for t in activity.transactions if t.type in ("commitment", "disbursement")]


# --- 1.0x and 2.0x say the same -------------------------------------------------------------------

TYPES = [
    ("1", "IF", "incoming-funds"),
    ("2", "C", "commitment"),
    ("3", "D", "disbursement"),
    ("4", "E", "expenditure"),
    ("5", "IR", "interest-repayment"),
    ("6", "LR", "loan-repayment"),
    ("7", "R", "reimbursement"),
    ("8", "QP", "purchase-of-equity"),
    ("9", "QS", "sale-of-equity"),
    ("10", "CG", "credit-guarantee"),
]


def _activity_xml(version: str) -> str:
    """One activity written as a 1.0x or a 2.0x file would write it."""
    v2 = version.startswith("2")

    def text(tag: str, words: str, attributes: str = "") -> str:
        inner = f"<narrative>{words}</narrative>" if v2 else words
        return f"<{tag}{attributes}>{inner}</{tag}>"

    roles = ("1", "2", "3", "4") if v2 else ("Funding", "ACCOUNTABLE", "extending", "Implementing")
    dates = ("1", "2", "3", "4") if v2 else ("start-planned", "start-actual", "end-planned", "end-actual")
    transactions = "".join(
        f'<transaction><transaction-type code="{number if v2 else letters}"/>'
        f'<transaction-date iso-date="2020-0{n % 9 + 1}-15"/><value>{n}00.50</value>'
        + text("description", f"payment {n}")
        + text("provider-org", "Funder", ' ref="GB-1"')
        + text("receiver-org", "Charity", ' ref="GB-CHC-1"')
        + "</transaction>"
        for n, (number, letters, _) in enumerate(TYPES, start=1)
    )
    return (
        f'<iati-activities version="{version}">'
        '<iati-activity default-currency="gbp" hierarchy="2">'
        "<iati-identifier> GB-1-123 </iati-identifier>"
        + text("reporting-org", "Department", ' ref="GB-1" type="10"')
        + text("title", "Roads  and\n bridges")
        + text("description", "Objectives", ' type="2"')
        + text("description", "General", ' type="1"')
        + "".join(text("participating-org", f"Org {n}", f' role="{r}" type="21"') for n, r in enumerate(roles, 1))
        + "".join(f'<activity-date type="{t}" iso-date="2019-0{n}-01"/>' for n, t in enumerate(dates, start=1))
        + '<budget type="1"><period-start iso-date="2019-04-01"/><period-end iso-date="2020-03-31"/><value>1000</value></budget>'
        + '<budget type="2"><period-start iso-date="2019-04-01"/><period-end iso-date="2020-03-31"/>'
        '<value currency="EUR">1200</value></budget>'
        + "".join(f'<related-activity type="{n}" ref="GB-1-{n}"/>' for n in range(1, 6))
        + transactions
        + "</iati-activity></iati-activities>"
    )


def test_1_0x_and_2_0x_codes_mean_the_same():
    old, new = _one(_activity_xml("1.05")), _one(_activity_xml("2.03"))
    assert old.version == "1.05" and new.version == "2.03"
    assert [t.code for t in old.transactions] == [letters for _, letters, _ in TYPES]
    assert [t.code for t in new.transactions] == [number for number, _, _ in TYPES]
    same = dataclasses.replace(old, version=new.version, transactions=new.transactions)
    assert same == new
    assert [dataclasses.replace(t, code="") for t in old.transactions] == [
        dataclasses.replace(t, code="") for t in new.transactions
    ]


def test_what_the_codes_become():
    activity = _one(_activity_xml("2.03"))
    assert [t.type for t in activity.transactions] == [name for _, _, name in TYPES]
    assert [o.role for o in activity.participating] == ["funding", "accountable", "extending", "implementing"]
    assert [o.name for o in activity.participating] == ["Org 1", "Org 2", "Org 3", "Org 4"]
    assert (activity.start, activity.end) == (date(2019, 2, 1), date(2019, 4, 1))  # actual dates, not planned
    assert [b.status for b in activity.budgets] == ["original", "revised"]
    assert [(b.value, b.currency) for b in activity.budgets] == [(Decimal(1000), "GBP"), (Decimal(1200), "EUR")]
    assert [relation for relation, _ in activity.related] == ["parent", "child", "sibling", "co-funded", "third-party"]
    assert (activity.identifier, activity.title, activity.description) == ("GB-1-123", "Roads and bridges", "General")
    assert (activity.default_currency, activity.hierarchy) == ("GBP", "2")
    first = activity.transactions[0]
    assert (first.number, first.value, first.currency, first.description) == (1, Decimal("100.50"), "GBP", "payment 1")
    assert first.provider == Organisation("GB-1", "Funder", "", "")


def test_the_newer_and_unknown_codes():
    transactions = "".join(
        f'<transaction><transaction-type code="{code}"/><value>1</value></transaction>'
        for code in ("11", "12", "13", "99", "x")
    )
    activity = _one(
        "<iati-activities><iati-activity><iati-identifier>A</iati-identifier>"
        '<participating-org role="Sponsor">S</participating-org><participating-org role="7">N</participating-org>'
        '<related-activity type="9" ref="B"/><budget type="3"><value>1</value></budget><budget><value>2</value></budget>'
        f"{transactions}</iati-activity></iati-activities>"
    )
    assert [(t.type, t.code) for t in activity.transactions] == [
        ("incoming-commitment", "11"),
        ("outgoing-pledge", "12"),
        ("incoming-pledge", "13"),
        ("", "99"),
        ("", "x"),
    ]
    assert [o.role for o in activity.participating] == ["sponsor", "7"]
    assert activity.related == (("9", "B"),)
    assert [b.status for b in activity.budgets] == ["3", "original"]
    assert (activity.start, activity.end, activity.title, activity.default_currency) == (None, None, "", "")
    assert activity.reporting == Organisation("", "", "", "")


# --- texts and languages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            '<title><narrative xml:lang="fr">Routes</narrative><narrative xml:lang="en">Roads</narrative></title>',
            "Roads",
        ),
        ('<title><narrative xml:lang="fr">Routes</narrative><narrative>Roads</narrative></title>', "Roads"),
        (
            '<title><narrative xml:lang="fr">Routes</narrative><narrative xml:lang="EN-gb">Roads</narrative></title>',
            "Roads",
        ),
        (
            '<title><narrative xml:lang="fr">Routes</narrative><narrative xml:lang="es">Carreteras</narrative></title>',
            "Routes",
        ),
        ('<title><narrative xml:lang="en"> </narrative><narrative xml:lang="fr">Routes</narrative></title>', "Routes"),
        # 1.0x: one title element per language
        ('<title xml:lang="fr">Routes</title><title xml:lang="en">Roads</title>', "Roads"),
        ("<title>\n  Roads\tand   bridges\n</title>", "Roads and bridges"),
        ("<title><narrative/></title>", ""),
    ],
)
def test_title_in_several_languages(title: str, expected: str):
    assert _one(f"<iati-activities><iati-activity>{title}</iati-activity></iati-activities>").title == expected


def test_organisation_names_in_several_languages():
    activity = _one(
        "<iati-activities><iati-activity>"
        '<reporting-org ref="XM-DAC-41301"><narrative xml:lang="fr">Organisation</narrative>'
        '<narrative xml:lang="en">Organization</narrative></reporting-org>'
        '<participating-org role="4"><narrative xml:lang="es">Socio local</narrative></participating-org>'
        "</iati-activity></iati-activities>"
    )
    assert activity.reporting.name == "Organization"
    assert activity.participating[0].name == "Socio local"


def test_other_namespaces_are_ignored():
    activity = _one(
        '<iati-activities xmlns:ext="http://example.org/ext"><iati-activity ext:flag="1">'
        "<iati-identifier>A</iati-identifier><ext:title>Not this</ext:title><title>This</title>"
        '<ext:transaction><transaction-type code="2"/><value>9</value></ext:transaction>'
        '<transaction ext:note="x"><transaction-type code="3"/><value>5</value><ext:value>7</ext:value></transaction>'
        "</iati-activity></iati-activities>"
    )
    assert activity.title == "This"
    assert [(t.type, t.value) for t in activity.transactions] == [("disbursement", Decimal(5))]


# --- dates and values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2012-01-31", date(2012, 1, 31)),
        ("2012-01-31T23:30:00-05:00", date(2012, 1, 31)),  # the date as written, whatever the zone
        ("2012-01-31T00:30:00+01:00", date(2012, 1, 31)),
        ("2012-01-31T12:00:00Z", date(2012, 1, 31)),
        ("2012-01-31T12:00:00", date(2012, 1, 31)),
        (" 2012-01-31 ", date(2012, 1, 31)),
        ("2012-02-30", None),
        ("31/01/2012", None),
        ("2012-01-31 12:00", None),
        ("", date(2011, 1, 1)),  # no date written: the value's date
    ],
)
def test_transaction_dates(written: str, expected: date | None):
    activity = _one(
        "<iati-activities><iati-activity><transaction>"
        f'<transaction-date iso-date="{written}"/><value value-date="2011-01-01">1</value>'
        "</transaction></iati-activity></iati-activities>"
    )
    transaction = activity.transactions[0]
    assert transaction.date == expected
    # What was written is kept for messages; a date written wrong is not replaced by the value's date.
    assert transaction.date_text == (written.strip() or "2011-01-01")


def test_dates_in_element_text_and_the_value_date():
    activity = _one(
        "<iati-activities><iati-activity>"
        '<activity-date type="start-planned">2011-06-01</activity-date>'
        "<transaction><transaction-date>2012-01-31</transaction-date><value>1</value></transaction>"
        '<transaction><value value-date="2012-03-01T00:00:00Z">2</value></transaction>'
        "<transaction><value>3</value></transaction>"
        "<budget><period-start>2013-04-01</period-start><period-end iso-date='2014-03-31T00:00:00+00:00'/>"
        "<value>4</value></budget>"
        "</iati-activity></iati-activities>"
    )
    assert [(t.date, t.date_text) for t in activity.transactions] == [
        (date(2012, 1, 31), "2012-01-31"),
        (date(2012, 3, 1), "2012-03-01T00:00:00Z"),
        (None, ""),
    ]
    assert (activity.budgets[0].period_start, activity.budgets[0].period_end) == (date(2013, 4, 1), date(2014, 3, 31))
    assert activity.start == date(2011, 6, 1)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1000", Decimal(1000)),
        (" 1000.50 ", Decimal("1000.50")),
        ("-250", Decimal(-250)),
        (".5", Decimal("0.5")),
        ("1,000", None),
        ("1 000", None),
        ("1e3", None),
        ("NaN", None),
        ("£100", None),
        ("", None),
    ],
)
def test_values(written: str, expected: Decimal | None):
    activity = _one(
        '<iati-activities><iati-activity default-currency="usd">'
        f"<transaction><value>{written}</value></transaction>"
        f'<budget><value currency="eur">{written}</value></budget>'
        "</iati-activity></iati-activities>"
    )
    transaction, budget = activity.transactions[0], activity.budgets[0]
    assert (transaction.value, transaction.value_text, transaction.currency) == (expected, written.strip(), "USD")
    assert (budget.value, budget.value_text, budget.currency) == (expected, written.strip(), "EUR")


def test_an_activity_nested_in_an_extension_is_not_read():
    xml = (
        '<iati-activities xmlns:x="urn:x">\n<iati-activity><iati-identifier>A</iati-identifier>\n'
        "<x:linked>\n<iati-activity><iati-identifier>B</iati-identifier></iati-activity></x:linked>\n"
        "</iati-activity>\n<iati-activity><iati-identifier>C</iati-identifier></iati-activity></iati-activities>"
    )
    assert [(a.identifier, a.line) for a in read_activities(xml.encode())] == [("A", 2), ("C", 6)]


def test_a_lone_activity_and_the_lines_of_activities():
    lone = _one(
        '<?xml version="1.0"?>\n<iati-activity version="1.03"><iati-identifier>A</iati-identifier></iati-activity>'
    )
    assert (lone.identifier, lone.version, lone.line) == ("A", "1.03", 2)
    xml = '<iati-activities version="2.03">\n<iati-activity/>\n\n<iati-activity\n hierarchy="1"/>\n</iati-activities>'
    assert [(a.number, a.line) for a in read_activities(xml.encode())] == [(1, 2), (2, 4)]


# --- files refused --------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<iati-activities><iati-activity><title>&lol9;</title></iati-activity></iati-activities>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE iati-activities [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<iati-activities><iati-activity><title>&x;</title></iati-activity></iati-activities>"""
ENTITIES = "declares XML entities (a DTD): an IATI file never needs them, and they are refused for safety"
HOSTILE = {
    "billion laughs": (BILLION_LAUGHS, 2, ENTITIES),
    "external entity": (EXTERNAL_ENTITY, 2, ENTITIES),
    "external DTD": (
        '<!DOCTYPE iati-activities SYSTEM "http://example.invalid/iati.dtd"><iati-activities/>',
        1,
        ENTITIES,
    ),
    "a DTD alone": ("<!DOCTYPE iati-activities><iati-activities><iati-activity/></iati-activities>", 1, ENTITIES),
    "not XML": ("Ref,Amount\nA,100\n", 1, "is not XML: syntax error at line 1, column 1"),
    "an HTML page": (
        "<!DOCTYPE html>\n<html><head><title>Not found</title></head><body><p>Sorry</p></body></html>",
        1,
        "is an HTML page (<!DOCTYPE html>), not IATI activity data",
    ),
    "XHTML": (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        None,
        "is XML but not IATI activity data: expected <iati-activities>, found <html> of the XML namespace http://www.w3.org/1999/xhtml",
    ),
    "a JSON document": (
        '{"iati-activities": [{"iati-identifier": "A"}]}',
        1,
        "is not XML: not well-formed (invalid token) at line 1, column 1 (it looks like JSON: IATI activity data is XML)",
    ),
    "another root": (
        "<grants><iati-activity/></grants>",
        None,
        "is XML but not IATI activity data: expected <iati-activities>, found <grants>",
    ),
    "no activity": ('<iati-activities version="2.03"/>', None, "has no <iati-activity>"),
    "no activity, only other elements": (
        "<iati-activities><iati-organisation/></iati-activities>",
        None,
        "has no <iati-activity>",
    ),
    "an empty file": ("", 1, "is not XML: no element found at line 1, column 1"),
    "a mismatched tag": (
        "<iati-activities>\n<iati-activity></iati-activities>",
        2,
        "is not XML: mismatched tag at line 2, column 18",
    ),
    "an undefined entity": (
        "<iati-activities><iati-activity>&x;</iati-activity></iati-activities>",
        1,
        "is not XML: undefined entity",
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("as_path", [False, True], ids=["bytes", "path"])
def test_hostile_or_wrong_files_are_refused_whole(name: str, as_path: bool, tmp_path: Path):
    xml, line, expected = HOSTILE[name]
    source: bytes | Path = xml.encode()
    if as_path:
        source = tmp_path / "activities.xml"
        source.write_text(xml, encoding="utf-8")
    yielded = []
    with pytest.raises(IatiRefused) as refused:
        for activity in read_activities(source):
            yielded.append(activity)
    assert yielded == []
    (problem,) = refused.value.problems
    assert problem.line == line
    assert problem.expected.startswith(expected)
    assert isinstance(refused.value, DataError)  # said as any refused file is


def test_an_external_entity_is_never_read(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xml = EXTERNAL_ENTITY.replace("file:///etc/passwd", secret.as_uri())
    with pytest.raises(IatiRefused) as refused:
        list(read_activities(xml.encode()))
    assert "TOP-SECRET-VALUE" not in str(refused.value)


def test_a_file_over_the_size_limit(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 1000)
    for source in (WORLD_VISION, WORLD_VISION.read_bytes()):
        with pytest.raises(IatiRefused) as refused:
            next(read_activities(source))
        assert str(refused.value) == "file: is 7,262 bytes: larger than the 1,000 bytes an IATI file may be"


def test_the_size_limit_in_megabytes(monkeypatch: pytest.MonkeyPatch):
    assert limits.MAX_XML_BYTES == 100 * 1024 * 1024
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 2 * 1024 * 1024)
    with pytest.raises(IatiRefused, match=r"is 2\.5 MB: larger than the 2\.0 MB an IATI file may be"):
        next(read_activities(b" " * (5 * 512 * 1024)))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_over_the_size_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    # A pipe's size is not known before it is read: the reader counts what it reads.
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 1000)
    pipe = tmp_path / "activities.xml"
    os.mkfifo(pipe)

    def write() -> None:
        with contextlib.suppress(BrokenPipeError), open(pipe, "wb") as stream:
            stream.write(WORLD_VISION.read_bytes())

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    with pytest.raises(IatiRefused) as refused:
        list(read_activities(pipe))
    writer.join(timeout=10)
    assert str(refused.value) == "file: is larger than the 1,000 bytes an IATI file may be"


def test_too_many_activities(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(limits, "MAX_GRANTS", 1)
    with pytest.raises(IatiRefused, match="has more than 1 activities"):
        list(read_activities(WORLD_VISION))


def test_a_truncated_file_is_refused_after_its_complete_activities():
    xml = WORLD_VISION.read_bytes()
    cut = xml[: xml.index(b"<iati-activity", xml.index(b"</iati-activity>")) + 200]
    yielded = []
    with pytest.raises(IatiRefused, match=r"^line 2: is not XML: unclosed token at line 2, column \d+$"):
        for activity in read_activities(cut):
            yielded.append(activity)
    # Streamed: the first activity came before the fault was met; the caller keeps nothing of a refused file.
    assert [a.identifier for a in yielded] == ["GB-CHC-285908-197126"]


# --- streaming ------------------------------------------------------------------------------------

SMALL = (
    '<iati-activity default-currency="GBP"><iati-identifier>GB-{n}</iati-identifier><title>Activity {n}</title>'
    '<transaction><transaction-type code="2"/><transaction-date iso-date="2020-05-01"/><value>100</value></transaction>'
    '<budget><period-start iso-date="2020-04-01"/><value>5</value></budget></iati-activity>\n'
)


def _many(count: int, tail: str = "</iati-activities>") -> bytes:
    return ('<iati-activities version="2.03">\n' + "".join(SMALL.format(n=n) for n in range(count)) + tail).encode()


def test_activities_come_before_the_file_is_read_to_its_end():
    # The fault is at the very end: an activity read first shows the file is not read whole before.
    activities = read_activities(_many(20_000, tail="<iati-activity><broken"))
    first = next(activities)
    assert (first.number, first.identifier, first.line) == (1, "GB-0", 2)
    with pytest.raises(IatiRefused, match=r"^line 20002: is not XML: unclosed token"):
        for activity in activities:
            last = activity
    assert (last.number, last.identifier, last.line) == (20_000, "GB-19999", 20_001)


def test_memory_stays_flat_for_a_large_file(tmp_path: Path):
    path, count = tmp_path / "large.xml", 5_000  # (tracemalloc slows the parser down: fewer than above)
    path.write_bytes(_many(count))
    tracemalloc.start()
    try:
        read, total = 0, Decimal(0)
        for activity in read_activities(path):
            read += 1
            total += sum(t.value or 0 for t in activity.transactions)
        streamed = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        tree = ElementTree.parse(path)  # the whole tree, for comparison
        whole = tracemalloc.get_traced_memory()[1]
        del tree
    finally:
        tracemalloc.stop()
    assert (read, total) == (count, 100 * count)
    assert streamed * 10 < whole, f"reading took {streamed:,} bytes at its peak, the whole tree {whole:,}"
