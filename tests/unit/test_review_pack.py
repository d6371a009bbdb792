"""The review pack built from hand-made snapshots, without a database: what the
HTML says (escaped), what the workbook holds (numbers, neutralised text)."""

from __future__ import annotations

import copy
import io
import tomllib
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tracker.review import pack_html as review_html
from tracker.review import pack_xlsx as review_xlsx
from tracker.review import snapshot
from tracker.review.meetings import Meeting

HOSTILE = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'
SOURCE = "funding tracker database sqlite:///data/tracker.db"


def _figures() -> dict:
    return {
        "schema": 1,
        "as_at": "2025-06-01",
        "headline": {
            "committed": 1_330_000_000,
            "delivered": 1_252_000_000,
            "due_to_date": 1_300_000_000,
            "outstanding": 78_000_000,
            "variance": -48_000_000,
            "pct_delivered": 0.9414,
            "pct_of_due_delivered": 0.9631,
            "qualifier": "at least",
            "illustrative_deliveries": 0,
        },
        "yearly": [
            {"financial_year": "2020-21", "committed": 150_000_000, "delivered": 117_000_000, "variance": -33_000_000},
            {"financial_year": "2021-22", "committed": 540_000_000, "delivered": 540_000_000, "variance": 0},
            {"financial_year": "2022-23", "committed": 640_000_000, "delivered": 595_000_000, "variance": -45_000_000},
        ],
        "announcements": [{"ref": "A1", "announced_on": "2019-10-25", "title": "CDO", "funder": "WG"}],
        "commitments": [
            {
                "ref": "W1",
                "purpose": HOSTILE,
                "announcement_ref": "A1",
                "recipient": "WLGA",
                "programme": None,
                "kind": "one-off",
                "qualifier": "over",
                "status": "confirmed",
                "restates": None,
                "terms": {
                    "kind": "one-off",
                    "amount": 123_456_789,
                    "first_year": "2020-21",
                    "years": 1,
                    "uplift_bp": 0,
                    "qualifier": "over",
                    "profile": {},
                },
                "committed": 123_456_789,
                "due_to_date": 123_456_789,
                "delivered": 100_000_000,
                "variance": -23_456_789,
                "outstanding": 23_456_789,
                "slippage": 23_456_789,
                "progress": "behind by £234.57k",
            },
            {
                "ref": "W2",
                "purpose": FORMULA,
                "announcement_ref": "A1",
                "recipient": "Councils",
                "programme": "Fund",
                "kind": "one-off",
                "qualifier": "exact",
                "status": "confirmed",
                "restates": None,
                "terms": {
                    "kind": "one-off",
                    "amount": 50_000_00,
                    "first_year": "2021-22",
                    "years": 1,
                    "uplift_bp": 0,
                    "qualifier": "exact",
                    "profile": {},
                },
                "committed": 50_000_00,
                "due_to_date": 50_000_00,
                "delivered": 50_000_00,
                "variance": 0,
                "outstanding": 0,
                "slippage": 0,
                "progress": "on profile",
            },
        ],
        "commitment_years": [],
        "deliveries": [
            {
                "ref": "D1",
                "commitment_ref": "W1",
                "paid_on": "2021-03-31",
                "amount": 100_000_000,
                "kind": "payment",
                "illustrative": False,
            }
        ],
        "milestones": [
            {
                "ref": "M1",
                "title": "CDO in post",
                "commitment_ref": "W1",
                "due_on": "2020-04-01",
                "achieved_on": None,
                "state": "overdue",
                "days_late": 30,
                "lateness": "30 days late",
                "achieved_note": None,
            },
            {
                "ref": "M2",
                "title": "Unit staffed",
                "commitment_ref": "W1",
                "due_on": "2025-09-01",
                "achieved_on": None,
                "state": "due",
                "days_late": 0,
                "lateness": "",
                "achieved_note": None,
            },
            {
                "ref": "M3",
                "title": HOSTILE,
                "commitment_ref": "W2",
                "due_on": "2019-12-01",
                "achieved_on": None,
                "state": "overdue",
                "days_late": 548,
                "lateness": "about 1.5 years late",
                "achieved_note": FORMULA,
            },
            {
                "ref": "M4",
                "title": "Plan agreed",
                "commitment_ref": "W2",
                "due_on": "2020-01-01",
                "achieved_on": "2020-02-01",
                "state": "achieved late",
                "days_late": 31,
                "lateness": "31 days late",
                "achieved_note": None,
            },
        ],
        "statuses": [
            {
                "subject": "W1",
                "commitment_ref": "W1",
                "programme": None,
                "status": "at risk",
                "assessed_on": "2025-05-20",
                "reviewer": "Reviewer One",
                "evidence_url": "javascript:alert(1)",
                "note": HOSTILE,
            },
            {
                "subject": "programme: Fund",
                "commitment_ref": None,
                "programme": "Fund",
                "status": "on track",
                "assessed_on": "2025-05-21",
                "reviewer": "Reviewer Two",
                "evidence_url": "https://example.org/minutes?a=1&b=2",
                "note": FORMULA,
            },
        ],
    }


def _meeting(
    figures: dict | None = None,
    *,
    held_on: date = date(2025, 6, 3),
    title: str | None = HOSTILE,
    taken_by: str = "local:officer",
) -> Meeting:
    figures = figures or _figures()
    return Meeting(
        held_on=held_on,
        as_at=date.fromisoformat(figures["as_at"]),
        title=title,
        taken_at=datetime(2025, 6, 3, 9, 30, tzinfo=UTC),
        taken_by=taken_by,
        figures=figures,
    )


def _previous() -> Meeting:
    figures = _figures()
    figures["as_at"] = "2025-01-31"
    figures["headline"] = {
        **figures["headline"],
        "delivered": 1_000_000_000,
        "pct_delivered": 0.7519,
        "variance": -300_000_000,
    }
    figures["statuses"] = []
    figures["milestones"] = [m for m in figures["milestones"] if m["ref"] != "M1"]
    return _meeting(figures, held_on=date(2025, 2, 4), title="Winter review")


class _Reader(HTMLParser):
    """The document's text (as a reader sees it), its tags and their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.text.append(data)


def _read(document: bytes) -> _Reader:
    reader = _Reader()
    reader.feed(document.decode("utf-8"))
    return reader


def _text(document: bytes) -> str:
    return " ".join(" ".join(_read(document).text).split())


@pytest.fixture(scope="module")
def pack_html() -> bytes:
    return review_html.html_pack(_meeting(), _previous(), SOURCE)


def test_hostile_titles_and_notes_are_shown_as_text_never_run(pack_html: bytes) -> None:
    document = pack_html.decode("utf-8")
    assert HOSTILE not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    reader = _read(pack_html)
    # The only scripts: plotly.js once, and the chart's newPlot call.
    scripts = [attrs for tag, attrs in reader.tags if tag == "script"]
    assert len(scripts) == 2 and all("src" not in attrs for attrs in scripts)
    assert document.count("Plotly.newPlot(") == 1
    assert document.count(review_html.plotly_js()) == 1
    # Seen as text in the title, a purpose, a milestone and a note.
    assert _text(pack_html).count(HOSTILE) >= 4
    # A javascript: address is text, not a link; an https one is a link, escaped.
    links = [attrs["href"] for tag, attrs in reader.tags if tag == "a"]
    assert links == ["https://example.org/minutes?a=1&b=2"]
    assert "javascript:alert(1)" in _text(pack_html)


def test_nothing_outside_the_file_is_referenced(pack_html: bytes) -> None:
    reader = _read(pack_html)
    assert not [t for t, _ in reader.tags if t in ("link", "img", "iframe", "object", "embed", "base")]
    policy = next(
        a["content"] for t, a in reader.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    # plotly.js itself names its CDN (for maps it never draws here); nothing else may.
    ours = pack_html.decode("utf-8").replace(review_html.plotly_js(), "")
    assert "cdn.plot.ly" not in ours and "src=" not in ours and "url(" not in ours
    assert b"@media print" in pack_html


def test_the_pack_says_which_meeting_when_and_by_whom(pack_html: bytes) -> None:
    text = _text(pack_html)
    for words in (
        "Meeting held on 3 June 2025",
        "Figures as at 1 June 2025",
        "3 June 2025 at 09:30 UTC by local:officer",
        f"Data source {SOURCE}",
        snapshot.fingerprint(_figures()),
    ):
        assert words in text


def test_headline_figures_short_with_the_qualifier_and_exact_beneath(pack_html: bytes) -> None:
    text = _text(pack_html)
    for words in (
        "Committed at least £13.3m £13,300,000.00",
        "Delivered £12.52m £12,520,000.00",
        "% delivered 94.1%",
        "Due to date £13m £13,000,000.00",
        "Variance -£480k -£480,000.00",
        "Outstanding £780k £780,000.00",
    ):
        assert words in text


def test_tables_show_money_exact_to_the_penny_with_headings(pack_html: bytes) -> None:
    text = _text(pack_html)
    assert "£1,234,567.89" in text and "-£234,567.89" in text
    assert "Total £13,300,000.00 £12,520,000.00 -£780,000.00" in text
    reader = _read(pack_html)
    headings = [a.get("scope") for t, a in reader.tags if t == "th"]
    assert headings.count("col") >= 4 + 10 + 8 + 6 + 3
    assert "row" in headings


def test_every_overdue_milestone_is_listed_first_with_how_late(pack_html: bytes) -> None:
    text = _text(pack_html)
    assert "Milestones: 2 overdue" in text
    m3 = text.index(f"M3 {HOSTILE} W2 1 Dec 2019 Overdue about 1.5 years late")
    m1 = text.index("M1 CDO in post W1 1 Apr 2020 Overdue 30 days late")
    m2, m4 = text.index("M2 Unit staffed"), text.index("M4 Plan agreed")
    assert m3 < m1 < m2 < m4


def test_statuses_are_words_with_their_colour(pack_html: bytes) -> None:
    text = _text(pack_html)
    assert "At risk (amber)" in text and "On track (green)" in text
    assert "No status yet" in text  # W2 has none of its own
    assert "background:#E69F00" in pack_html.decode("utf-8")


def test_the_illustrative_warning_appears_only_when_deliveries_are_illustrative(pack_html: bytes) -> None:
    assert "illustrative" not in _text(pack_html).lower()
    figures = _figures()
    figures["headline"]["illustrative_deliveries"] = 1
    figures["deliveries"][0]["illustrative"] = True
    text = _text(review_html.html_pack(_meeting(figures), None, SOURCE))
    assert "Demo delivery figures are illustrative: no payment figures were published." in text
    assert "(1 of 1 deliveries in these figures are illustrative.)" in text


def test_changes_since_the_previous_meeting(pack_html: bytes) -> None:
    text = _text(pack_html)
    assert "Compared with the meeting of 4 February 2025 · Winter review" in text
    assert "Delivered rose by £2,520,000 (from 75.2% to 94.1% of committed)" in text
    assert "Milestone newly overdue M1 CDO in post: due 2020-04-01, 30 days late" in text
    assert "Status W1 no status → At risk (amber)" in text


def test_the_first_review_says_so() -> None:
    text = _text(review_html.html_pack(_meeting(), None, SOURCE))
    assert "Changes since the last review: first review" in text
    assert "This is the first review: there is nothing earlier to compare with." in text
    assert "Compared with nothing: this is the first review" in text


def test_a_snapshot_with_no_money_has_no_chart_and_no_plotly() -> None:
    figures = _figures()
    figures["yearly"] = []
    document = review_html.html_pack(_meeting(figures), None, SOURCE)
    assert b"Plotly.newPlot" not in document and b"<script" not in document
    assert "No money was committed or delivered as at this date." in _text(document)


def test_an_address_that_breaks_out_of_its_attribute_stays_inside_it() -> None:
    figures = _figures()
    escape = 'https://example.org/"><script>alert(2)</script><a href="x'
    figures["statuses"][1]["evidence_url"] = escape
    document = review_html.html_pack(_meeting(figures, title="Plain"), None, SOURCE)
    reader = _read(document)
    assert [attrs["href"] for tag, attrs in reader.tags if tag == "a"] == [escape]
    assert len([tag for tag, _ in reader.tags if tag == "script"]) == 2  # plotly.js and the chart only
    assert "alert(2)" not in document.decode("utf-8").replace("&lt;script&gt;alert(2)", "")


@pytest.mark.parametrize(
    ("url", "is_link"),
    [
        ("https://example.org/minutes", True),
        ("HTTP://EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("//example.org/x", False),
        ("", False),
        (None, False),
    ],
)
def test_only_web_addresses_become_links(url: str | None, is_link: bool) -> None:
    assert review_html.is_web_address(url) is is_link


def test_the_template_ships_with_the_package() -> None:
    """An installed tracker draws the pack from the template, so pyproject's package-data must carry it."""
    root = Path(__file__).resolve().parents[2]
    template = Path(review_html.__file__).parent / "templates" / review_html.TEMPLATE
    patterns = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["tracker"]
    assert template.is_file()
    assert any(template.relative_to(root / "tracker").match(pattern) for pattern in patterns)


# --- the workbook ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    return load_workbook(io.BytesIO(review_xlsx.xlsx_pack(_meeting(), _previous(), SOURCE)))


def _rows(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_workbook_has_the_packs_tables_and_an_about_sheet(book) -> None:
    assert book.sheetnames == [
        "Committed and delivered",
        "By commitment",
        "Milestones",
        "Statuses",
        "Changes since last review",
        "About",
    ]


def test_committed_and_delivered_by_year_are_numbers_in_pounds(book) -> None:
    sheet = book["Committed and delivered"]
    rows = _rows(sheet)
    assert rows[0] == ["Financial year", "Committed", "Delivered", "Variance"]
    assert [[r[0], *(Decimal(str(v)) for v in r[1:])] for r in rows[1:]] == [
        ["2020-21", Decimal("1500000"), Decimal("1170000"), Decimal("-330000")],
        ["2021-22", Decimal("5400000"), Decimal("5400000"), Decimal("0")],
        ["2022-23", Decimal("6400000"), Decimal("5950000"), Decimal("-450000")],
        ["Total", Decimal("13300000"), Decimal("12520000"), Decimal("-780000")],
    ]
    assert sheet["B2"].number_format.startswith("£#,##0.00")
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"


def test_by_commitment_keeps_pence_and_neutralises_text(book) -> None:
    rows = _rows(book["By commitment"])
    header = rows[0]
    assert header[:6] == ["Ref", "Purpose", "Recipient", "Programme", "Qualifier", "Committed"]
    w1, w2 = (dict(zip(header, r)) for r in rows[1:])
    assert Decimal(str(w1["Committed"])) == Decimal("1234567.89")
    assert Decimal(str(w1["Variance"])) == Decimal("-234567.89")
    assert w1["Purpose"] == HOSTILE
    assert w1["Current status"] == "At risk (amber)" and w1["Status assessed on"].date() == date(2025, 5, 20)
    assert w2["Purpose"] == "'" + FORMULA
    assert w2["Current status"] == "No status yet"


def test_milestones_sheet_lists_overdue_first(book) -> None:
    rows = _rows(book["Milestones"])
    assert rows[0] == [
        "Ref",
        "Milestone",
        "Commitment",
        "Due on",
        "Achieved on",
        "State",
        "Days late",
        "How late",
        "Note",
    ]
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [
        ("M3", "overdue", 548),
        ("M1", "overdue", 30),
        ("M2", "due", 0),
        ("M4", "achieved late", 31),
    ]
    assert rows[1][8] == "'" + FORMULA
    assert rows[1][3].date() == date(2019, 12, 1)


def test_statuses_and_changes_sheets(book) -> None:
    statuses = _rows(book["Statuses"])
    assert [r[:2] for r in statuses[1:]] == [["W1", "At risk (amber)"], ["programme: Fund", "On track (green)"]]
    assert statuses[2][5] == "'" + FORMULA
    changes = _rows(book["Changes since last review"])
    assert changes[0] == ["What changed", "Ref", "Detail"]
    assert ["Milestone newly overdue", "M1", "CDO in post: due 2020-04-01, 30 days late"] in changes


def test_the_about_sheet_says_what_the_figures_are(book) -> None:
    about = {r[0]: r[1] for r in _rows(book["About"])}
    assert about["Meeting held on"] == "2025-06-03"
    assert about["Figures as at"] == "2025-06-01"
    assert about["Snapshot taken at"] == "3 June 2025 at 09:30 UTC"
    assert about["Snapshot taken by"] == "local:officer"
    assert about["Source"] == SOURCE
    assert about["Meeting title"] == HOSTILE
    assert about["Compared with"].startswith("the meeting of 4 February 2025")
    assert about["Since the last review"].startswith("Delivered rose by £2,520,000")
    assert "Illustrative" not in about


def test_the_workbook_of_a_first_review_with_illustrative_deliveries() -> None:
    figures = copy.deepcopy(_figures())
    figures["headline"]["illustrative_deliveries"] = 1
    book = load_workbook(io.BytesIO(review_xlsx.xlsx_pack(_meeting(figures, title=FORMULA), None, SOURCE)))
    about = {r[0]: r[1] for r in _rows(book["About"])}
    assert about["Illustrative"].startswith("Demo delivery figures are illustrative")
    assert about["Compared with"] == "nothing: this is the first review"
    assert about["Since the last review"] == "This is the first review: there is nothing earlier to compare with."
    assert about["Meeting title"] == "'" + FORMULA
    assert book["About"]["B3"].data_type == "s"
