"""An announcement's recorded words (title, quote) in the reader's language, or marked as the other's.

``tracker.figures.recorded_language.said`` picks the words; here they are
drawn. Words in the reader's language are Markdown like any text. Words in
the other language carry their own ``lang`` attribute (WCAG 3.1.2, language
of parts: a screen reader then reads a Welsh quote with Welsh sounds on an
English page) and a note saying that only that language was recorded.
"""

from __future__ import annotations

import html

import streamlit as st

from tracker.figures.markdown_text import blockquote
from tracker.figures.recorded_language import Said

_STYLE = """<style>
.tracker-quote { border-left: 0.25rem solid rgba(49, 51, 63, 0.3); margin: 0 0 0.5rem 0; padding: 0 0 0 1rem; }
</style>"""


def quote(said: Said) -> None:
    """A quotation, marked with its language when it is not the reader's."""
    if not said.other_than_reader:
        st.markdown(blockquote(said.words))
        return
    lines = "<br>".join(html.escape(line.strip()) for line in said.words.strip().splitlines())
    st.html(f'<blockquote class="tracker-quote" lang="{said.language}">{lines}</blockquote>{_STYLE}')
    st.caption(said.note or "")
