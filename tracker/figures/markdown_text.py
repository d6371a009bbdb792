"""Text that came from a person, shown as typed inside Streamlit's Markdown.

``escape_markdown`` backslash-escapes what Markdown would read as markup;
``blockquote`` quotes a passage line by line. The dashboard's pages use them
for every name, title, note and quotation they put into ``st.markdown``.
"""

from __future__ import annotations

import re

# Characters that mean something anywhere in Streamlit's Markdown: emphasis,
# code, links and colour directives ([), HTML and entities, strikethrough,
# tables and LaTeX ($). A backslash makes each show as typed. Bare web
# addresses stay as they are, so notes that cite sources keep working links.
_MARKDOWN_ANYWHERE = re.compile(r"([\\`*_\[\]<>&~|$])")
# Characters that only mean something at the start of a line: headings,
# lists, quotes, rules and numbered lists ("2020. ").
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text to show as typed inside ``st.markdown`` (no HTML is ever allowed)."""
    escaped = _MARKDOWN_ANYWHERE.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match) -> str:
    lead, mark = match.group(1), match.group(2)
    if mark[0].isdigit():  # "2020. " would start a numbered list: escape the dot after the digits
        return f"{lead}{mark}\\"
    return f"{lead}\\{mark}"


def blockquote(text: str) -> str:
    """Markdown for a quotation: every line escaped and quoted."""
    lines = [escape_markdown(line.strip()) for line in text.strip().splitlines()]
    return "\n".join(f"> {line}" if line else ">" for line in lines)
