"""The text of an announcement: pasted, or read from a .txt, .html or .pdf file.

HTML is reduced to its main text by trafilatura (scripts and styles are
dropped, never run, never shown); if trafilatura finds no main text, all the
page's visible text is taken. A PDF's text layer is read with pypdf; a PDF
without one (a scanned image) is refused with that reason. Every refusal is
a ``SourceError`` whose message says what is wrong and what would be right;
nothing is read past the limits in ``tracker.files.limits``.
"""

from __future__ import annotations

import codecs
import io
import itertools
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Final

from tracker.core.limits import unsafe_as_spaces
from tracker.files import limits
from tracker.i18n import _

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES


class SourceError(ValueError):
    """A file or text the extractor cannot read, and why."""


@dataclass(frozen=True)
class Source:
    text: str
    form: str  # "text", "html" or "pdf"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _form(data: bytes, name: str) -> str:
    lower = name.lower()
    if lower.endswith(PDF_SUFFIXES) or data[:5] == b"%PDF-":
        return "pdf"
    if lower.endswith(HTML_SUFFIXES) or re.search(rb"<(?:!doctype\s+html|html|body|p|div)\b", data[:4096], re.I):
        return "html"
    return "text"


def _decoded(data: bytes, name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError(_("{name} starts as UTF-16 text but is not", name=name)) from None
    if b"\x00" in data:
        raise SourceError(_("{name} holds NUL bytes: it is not a text, HTML or PDF file", name=name))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(_("{name} is not text in UTF-8 or Windows-1252", name=name))


def _html_text(html: str) -> str:
    import trafilatura  # loaded only when a page is read: it is large

    try:
        main = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    except (RecursionError, ValueError, TypeError):  # a page too deep or broken for its tree: read it all
        main = None
    if not main or not main.strip() or _inline_split(main):
        return _visible_text(html)
    return main


def _inline_split(text: str) -> bool:
    """trafilatura's fallback for a page without a main part puts bold or linked words on lines of their own:
    a line that carries on a sentence ("over £1m" after "The Minister announced") says so."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return any(
        later[0].islower() or later[0] == "£"
        for earlier, later in itertools.pairwise(lines)
        if not earlier.endswith((".", "!", "?", ":", "”", '"', ";"))
    )


_BLOCKS: Final = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "main",
        "nav",
        "aside",
        "figure",
        "figcaption",
        "form",
        "hr",
    ]
)
# Elements whose content is never text a reader sees: code, styles, embedded frames and their fallbacks.
_HIDDEN: Final = frozenset(["script", "style", "noscript", "iframe", "template", "object", "svg", "math", "title"])
_VOID: Final = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)


class _VisibleText(HTMLParser):
    """The text of a page's elements, outside scripts, styles, frames and comments, a line per block.
    A streaming parser: no tree is built, so a page nested 100,000 deep is read like any other."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0  # how many hidden elements we are inside
        self.pre = 0  # how many <pre> elements: only there do line ends in the source end lines

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN and tag not in _VOID:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.pieces.append("\n")
            self.pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and tag not in _VOID:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.pieces.append("\n")
            self.pre = max(0, self.pre - (tag == "pre"))

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.pieces.append(data if self.pre else re.sub(r"\s+", " ", data))


def _visible_text(html: str) -> str:
    """All the page's visible text, a line per block (a page too short for trafilatura's main text).
    Attributes (``onclick``, ``javascript:`` links) and comments are never text; nothing is run."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(parser.pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise SourceError(_("{name} is not a PDF: it does not start with %PDF-", name=name))
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # a damaged file's warnings are said once, in our words, below
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SourceError(_("{name} is protected by a password: save it without one", name=name))
        if len(reader.pages) > limits.MAX_PDF_PAGES:
            raise SourceError(
                _(
                    "{name} has {pages} pages; at most {most} are read",
                    name=name,
                    pages=len(reader.pages),
                    most=limits.MAX_PDF_PAGES,
                )
            )
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except SourceError:
        raise
    except Exception as err:  # a damaged PDF can break pypdf anywhere: say so, never a traceback
        raise SourceError(
            _(
                "{name} could not be read as a PDF ({problem}): save it again from the program that made it",
                name=name,
                problem=(str(err) or type(err).__name__)[:200],
            )
        ) from None
    finally:
        pypdf_log.setLevel(level)


def checked_text(text: str, name: str) -> str:
    """Pasted or extracted text, with line ends made plain; refused when empty or too long."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise SourceError(_("{name} holds NUL characters: paste plain text", name=name))
    if not text.strip():
        raise SourceError(_("{name} holds no text", name=name))
    text = unsafe_as_spaces(text.replace("\t", " "))
    if len(text) > limits.MAX_PRESS_RELEASE_CHARS:
        raise SourceError(
            _(
                "{name} holds {chars} characters of text; at most {most} are read (one announcement at a time)",
                name=name,
                chars=format(len(text), ","),
                most=format(limits.MAX_PRESS_RELEASE_CHARS, ","),
            )
        )
    return text


def read_source(data: bytes, name: str) -> Source:
    """The text of a file's bytes, by its name's ending (or, without one, by what it holds)."""
    if not data:
        raise SourceError(_("{name} is empty", name=name))
    if len(data) > limits.MAX_PRESS_RELEASE_BYTES:
        raise SourceError(  # no size: the command reads only one byte past the limit, to know it is over
            _(
                "{name} is larger than {most}, the most a press release file may be",
                name=name,
                most=_megabytes(limits.MAX_PRESS_RELEASE_BYTES),
            )
        )
    form = _form(data, name)
    if form == "pdf":
        text = _pdf_text(data, name)
        if not text.strip():
            raise SourceError(_("{name}: no text found; is it a scanned image?", name=name))
    elif form == "html":
        text = _html_text(_decoded(data, name))
    else:
        text = _decoded(data, name)
    return Source(checked_text(text, name), form)
