"""A file downloaded from a page is written in the reader's language.

Streamlit runs a download button's ``data=`` callable on another thread,
outside the run that chose the language, so a plain ``functools.partial``
writes the file in English whatever the reader speaks; ``tracker.i18n.deferred``
carries the language with it. Every page hands its downloads over that way.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _download_data(tree: ast.Module) -> list[ast.expr]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "download_button":
            found += [keyword.value for keyword in node.keywords if keyword.arg == "data"]
            found += node.args[1:2]  # label, data, ...
    return found


def test_every_download_a_page_builds_later_keeps_the_language():
    wrong = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        for data in _download_data(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(data, ast.Call) and getattr(data.func, "id", getattr(data.func, "attr", "")) == "partial":
                wrong.append(f"{path.relative_to(ROOT)}:{data.lineno}")
    assert not wrong, f"use tracker.i18n.deferred, not partial, for a download's data: {wrong}"


def test_the_check_finds_a_partial():
    tree = ast.parse("st.download_button('CSV', partial(f, 1))\nst.download_button('X', data=partial(g))\n")
    assert [node.lineno for node in _download_data(tree)] == [1, 2]
