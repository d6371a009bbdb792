"""Files given to the Record page's "From a press release" tab (AppTest): a PDF's text layer is read,
a scanned or damaged PDF and a file that is not a PDF are refused in words, a hostile page's scripts,
frames and handlers never reach the marked text. The same reading as ``funding-tracker extract``
(tests/unit/test_extract_source.py tests it in depth)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.unit.test_extract_source import HOSTILE_HTML, RELEASE, blank_pdf, encrypted, text_pdf


def _record() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/record.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload(at: AppTest, name: str, data: bytes, mime: str) -> AppTest:
    at.file_uploader(key="press_file_0").set_value((name, data, mime)).run()
    at.button(key="press_find").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _amounts(at: AppTest) -> list[str]:
    return list(at.data_editor[0].value["amount"])


def _marked_text(at: AppTest) -> str:
    return next(h.proto.body for h in at.get("html") if 'class="press-text"' in h.proto.body)


def test_a_pdf_with_a_text_layer_is_read_and_its_money_found() -> None:
    at = _upload(_record(), "release.pdf", text_pdf(RELEASE), "application/pdf")
    assert not at.error
    assert _amounts(at) == ["£1,500,000", "£500,000"]


def test_a_scanned_damaged_locked_or_false_pdf_is_refused_saying_why_and_keeps_what_was_found() -> None:
    at = _upload(_record(), "release.pdf", text_pdf(RELEASE), "application/pdf")
    refusals = [
        ("scan.pdf", blank_pdf(), "scan.pdf: no text found; is it a scanned image?"),
        ("locked.pdf", encrypted(text_pdf(RELEASE), "secret"), "locked.pdf is protected by a password"),
        ("zip.pdf", b"PK\x03\x04" + b"zipped" * 20, "zip.pdf is not a PDF: it does not start with %PDF-"),
        ("damaged.pdf", b"%PDF-1.4 garbage", "damaged.pdf could not be read as a PDF ("),
    ]
    for name, data, words in refusals:
        _upload(at, name, data, "application/pdf")
        (error,) = [e.value for e in at.error]
        assert error.startswith("The text could not be read: " + words), error
        assert _amounts(at) == ["£1,500,000", "£500,000"]  # what was found before stays


def test_a_hostile_page_shows_none_of_its_code() -> None:
    at = _upload(_record(), "release.html", HOSTILE_HTML.encode("utf-8"), "text/html")
    assert _amounts(at) == ["£1,000,000", "£250,000"]
    shown = _marked_text(at)
    for word in ("SCRIPTWORD", "STYLEWORD", "ONLOADWORD", "CLICKWORD", "LINKWORD", "IFRAMEWORD", "COMMENTWORD"):
        assert word not in shown
