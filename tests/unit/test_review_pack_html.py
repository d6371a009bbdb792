"""The review pack's HTML, built from hand-made snapshots without a database: what it
says, escaped, with nothing outside the file referenced."""

from __future__ import annotations

import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.unit.review_pack_snapshots import HOSTILE, SOURCE, _figures, _meeting, _previous
from tracker.review import pack_html as review_html
from tracker.review import snapshot


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
        snapshot.fingerprint(_figures()),  # in the footer, for checking two copies
    ):
        assert words in text


def test_the_pack_shows_officers_no_operator_details(pack_html: bytes) -> None:
    text = _text(pack_html)
    assert SOURCE not in text and "Data source" not in text  # where the database lives is the operator's business
    header = text.split("Headline figures")[0]
    assert snapshot.fingerprint(_figures()) not in header and "SHA-256" not in header


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
    assert "Status W1 Status changed from no status to At risk (amber)" in text


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
