"""The text of an announcement: pasted, or read from a .txt, .html or .pdf file.

HTML is reduced to its main text by trafilatura (scripts and styles are
dropped, never run, never shown); if trafilatura finds no main text, all the
page's visible text is taken. A PDF's text layer is read with pypdf; a PDF
without one (a scanned image) is refused with that reason. Every refusal is
a ``SourceError`` whose message says what is wrong and what would be right;
nothing is read past the limits in ``tracker.files.limits``.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass

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

    main = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
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


_BLOCKS = frozenset(
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
        "table",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "dd",
        "dt",
    ]
)


def _visible_text(html: str) -> str:
    """All the page's visible text, a line per block (a page too short for trafilatura's main text)."""
    from lxml import html as lxml_html
    from lxml.etree import ParserError
    from lxml_html_clean import Cleaner

    try:
        tree = lxml_html.fromstring(html)
    except (ParserError, ValueError):
        return ""
    tree = Cleaner(scripts=True, javascript=True, style=True, comments=True, forms=False).clean_html(tree)
    pieces: list[str] = []
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _BLOCKS:
            pieces.append("\n")
        if element.text and tag:
            pieces.append(element.text)
        if element.tail:
            pieces.append(element.tail)
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

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
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as err:
        raise SourceError(
            _("{name} could not be read as a PDF ({problem})", name=name, problem=str(err)[:200])
        ) from None


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
        raise SourceError(
            _(
                "{name} is {size}; a press release file may be at most {most}",
                name=name,
                size=_megabytes(len(data)),
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
