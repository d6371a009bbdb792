"""``make messages``: gather every message the code marks for translation into
``tracker/locale/messages.pot`` and bring each language's ``.po`` up to date
with it (translations kept; a new message is added untranslated, one no
longer used is dropped).

``python -m tracker.i18n.extract --check`` changes nothing and exits 1 when
any file is out of date (the test suite checks the same).

The files are written sorted by message and with the file names but no line
numbers, so that moving code changes nothing and two people adding messages
rarely touch the same lines.
"""

from __future__ import annotations

import argparse
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from tracker.core.languages import LANGUAGES
from tracker.i18n.catalogues import DOMAIN, TEMPLATE, po_path, read

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("dashboard", "tracker")  # the packages whose messages a person sees
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Python, and the Jinja2 templates (the review pack's), which call the same ``_`` and ``ngettext``.
METHODS = [("**.py", "python"), ("**.j2", "jinja2.ext.babel_extract")]
OPTIONS = {"**.j2": {"silent": "false"}}  # a template that does not parse fails the extraction, never skipped
PROJECT = "funding-tracker"
COPYRIGHT = "the funding tracker's authors"


def extract() -> Catalog:
    """Every marked message in SOURCES, with where it is used."""
    template = Catalog(project=PROJECT, copyright_holder=COPYRIGHT, domain=DOMAIN, fuzzy=False)
    template.header_comment = "# The funding tracker's messages, extracted by `make messages`."
    for package in SOURCES:
        found = extract_from_dir(
            ROOT / package,
            method_map=METHODS,
            options_map=OPTIONS,
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            template.add(message, None, [(f"{package}/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def updated(language: str, template: Catalog) -> Catalog:
    """``language``'s catalogue brought up to date with ``template``."""
    path = po_path(language)
    if path.exists():
        catalogue = read(language)
    else:
        catalogue = Catalog(locale=language, project=PROJECT, copyright_holder=COPYRIGHT, domain=DOMAIN, fuzzy=False)
    catalogue.update(template, no_fuzzy_matching=True, update_header_comment=True)
    catalogue.obsolete.clear()
    catalogue.fuzzy = False
    return catalogue


def _written(catalogue: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalogue, width=0, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def _body(text: bytes) -> bytes:
    """A file without its header (its dates change on every extraction)."""
    return text.split(b"\n\n", 1)[1] if b"\n\n" in text else text


def files() -> dict[Path, bytes]:
    """Every catalogue file as it should be."""
    template = extract()
    wanted = {TEMPLATE: _written(template)}
    for language in LANGUAGES:
        wanted[po_path(language)] = _written(updated(language, template))
    return wanted


def out_of_date() -> list[Path]:
    return [path for path, text in files().items() if not path.exists() or _body(path.read_bytes()) != _body(text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a file is out of date")
    args = parser.parse_args(argv)
    stale = out_of_date()
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run `make messages`", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files().items():
        if path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
