"""A text with some of its words marked: a press release with each amount found highlighted.

Every character of the text is HTML-escaped (a pasted page's tags are shown as
the words they are, never run); the marks are the only markup. Each mark is a
``<mark>`` holding the words and, after them, its label (a draft's number,
``[2]``), so the table of drafts and the text point at each other. Marks are
placed by character offsets into the text; one overlapping a mark before it is
left out rather than cutting it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

DRAFT, LEFT_OUT = "press-draft", "press-left-out"
STYLE = (
    "<style>"
    ".press-text{white-space:pre-wrap;max-height:28rem;overflow-y:auto;border:1px solid #6b6b6b;"
    "border-radius:.5rem;padding:.75rem 1rem;line-height:1.7}"
    ".press-text mark{color:#000;padding:0 .15em;border-radius:.2em}"
    f".press-text mark.{DRAFT}{{background:#ffe066}}"
    f".press-text mark.{LEFT_OUT}{{background:#e3e3e3;text-decoration:underline dotted}}"
    ".press-text .press-label{font-weight:700;font-size:.85em;margin-left:.2em}"
    "@media print{.press-text{max-height:none;overflow:visible}}"
    "</style>"
)


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    label: str  # shown after the words: "[2]", "[left out]"
    kind: str = DRAFT  # DRAFT or LEFT_OUT: its class


def marked(text: str, marks: Sequence[Mark], *, name: str) -> str:
    """``text`` escaped, with ``marks``, in a scrolling box a keyboard can reach, named ``name`` for a screen reader."""
    pieces: list[str] = []
    at = 0
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):  # of two starting together, the wider
        if mark.start < at or not 0 <= mark.start < mark.end <= len(text):
            continue
        pieces.append(html.escape(text[at : mark.start]))
        pieces.append(
            f'<mark class="{mark.kind}">{html.escape(text[mark.start : mark.end])}'
            f'<span class="press-label">{html.escape(mark.label)}</span></mark>'
        )
        at = mark.end
    pieces.append(html.escape(text[at:]))
    return (
        f'{STYLE}<div class="press-text" role="region" tabindex="0" aria-label="{html.escape(name)}">'
        + "".join(pieces)
        + "</div>"
    )
