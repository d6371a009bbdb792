"""A file's name is the uploader's own text: the Import page shows it as
typed, never as markdown (no link or image can be slipped onto the page)."""

from __future__ import annotations

from tests.app.test_import_page import _import_page, _upload

NAME = "[click me](https://evil.example/)![x](https://evil.example/x.png)**bold**.csv"
FILE = b"ref,funder,purpose,kind,amount\nN1,Welsh Government,Purpose,one-off,100\n"


def test_a_file_name_with_markdown_is_shown_as_typed():
    at = _upload(_import_page(), NAME, FILE, kind="commitments")
    assert not at.exception
    (heading,) = [h.value for h in at.header if h.value.startswith("Preview of ")]
    # The brackets and stars are escaped: a link, an image or bold cannot form.
    assert (
        heading == r"Preview of \[click me\](https://evil.example/)!\[x\](https://evil.example/x.png)\*\*bold\*\*.csv"
    )
