"""No words reach the screen from the dashboard without the message catalogue.

A Streamlit call that shows text (``st.markdown``, a widget's label, help
and placeholder, a tab's or button's label...) in ``dashboard/`` must be
given translated text (``_("...")``, ``ngettext``, a value from the
tracker), never a literal with words in it nor an f-string that writes
words of its own: those would show English to a Welsh reader. The page
tests in Welsh (tests/app/test_*_in_welsh.py) catch what a page draws in
the states they open; this check reads every line, whatever the state.

Not words: HTML tags, Markdown's colour marks (``:gray[...]``), a web
address (``https://…``, a placeholder), a
``<style>`` or ``<script>`` block, and a page link's page. A widget's
``key`` is not shown. The language switch's label is in both languages on
purpose (``BILINGUAL``), so a reader of either finds it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Streamlit's calls that show their first argument (or these keywords) to people.
SHOWING = frozenset(
    {
        "title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error",
        "success", "exception", "toast", "spinner", "expander", "popover", "tabs", "metric", "page_link",
        "button", "download_button", "link_button", "form_submit_button", "checkbox", "toggle", "radio",
        "selectbox", "multiselect", "select_slider", "slider", "text_input", "text_area", "number_input",
        "date_input", "time_input", "file_uploader", "segmented_control", "pills", "feedback", "status",
        "dialog", "html", "badge",
    }
)  # fmt: skip
SHOWN_KEYWORDS = frozenset({"label", "help", "placeholder", "body", "title", "text", "caption", "value_label"})
MARKUP_ONLY = ("<style", "<script")
MARKUP = re.compile(r"<[^>]*>|&#?\w+;|:[a-z]+\[|https?://\S*")  # tags, entities, colour marks, addresses
BILINGUAL = frozenset({"Language / Iaith"})


def _has_words(text: str) -> bool:
    if text.lstrip().startswith(MARKUP_ONLY) or text in BILINGUAL:
        return False
    return any(ch.isalpha() for ch in MARKUP.sub("", text))


def _bare(node: ast.expr) -> bool:
    """A literal with words, or an f-string with words of its own (not only what it fills in)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _has_words(node.value)
    if isinstance(node, ast.JoinedStr):
        written = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        return _has_words(written)
    if isinstance(node, ast.List | ast.Tuple):  # st.tabs(["A", "B"])
        return any(_bare(element) for element in node.elts)
    return False


def bare_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of each call in ``source`` that shows words not from the catalogue."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in SHOWING:
            continue
        first = node.args[:1] if node.func.attr != "page_link" else []  # a page link's first is its page
        shown = first + [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        found += [(node.lineno, ast.unparse(arg)[:80]) for arg in shown if _bare(arg)]
    return found


def test_the_dashboard_shows_no_words_outside_the_catalogue():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in sorted((ROOT / "dashboard").rglob("*.py"))
        for line, text in bare_text(path.read_text(encoding="utf-8"))
    ]
    assert not found, "text shown without _(): " + "\n".join(found)


def test_the_check_finds_bare_words_and_lets_translated_text_and_markup_pass():
    source = (
        "st.caption('Figures as at today')\n"
        "col.button(label=f'Delete {ref}')\n"
        "st.tabs([_('Record'), 'Change'])\n"
        "st.markdown(f'**{title}**')\n"
        "st.markdown(_('Saved {ref}', ref=ref))\n"
        "st.html('<style>.x { color: red }</style>')\n"
        "st.text_input(_('Title'), key='title_box')\n"
        "st.html(f'<div class=\"summary\">{words}</div>')\n"
        "st.page_link('app_pages/audit.py', label=f'{ref} — :gray[{when}]')\n"
        "st.html(f'<p>Saved {ref}</p>')\n"
    )
    assert [line for line, _text in bare_text(source)] == [1, 2, 3, 10]
